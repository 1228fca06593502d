//go:build ignore

// gen.go draws the demo dataset that `curate demo` embeds and serves: small
// synthetic scenes, half dark and blue (listed with sadness labels), half
// bright and warm (other emotions), a few with captions that filter-text must
// drop, and one picture saved twice under different names (an exact
// duplicate for split). Everything is drawn here, so there is no licence to
// track. Run `go generate ./cmd/curate` to redraw; output is deterministic.
package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

const w, h = 220, 160

// sadness and other level-3 WEBEmo ids the manifest cycles through.
var sadIDs = []int{4, 13, 19, 20, 21, 23}
var otherIDs = []int{0, 1, 3, 6, 9, 15, 16, 18, 22, 24, 17, 10}

var captions = []string{"NEVER GIVE UP", "HAPPY DAY", "SALE 50%", "LOVE YOU", "GOOD NEWS", "STAY HOME"}

func main() {
	face := loadFace(26)
	out := "images"
	if err := os.MkdirAll(out, 0o755); err != nil {
		log.Fatal(err)
	}
	var manifest bytes.Buffer
	manifest.WriteString("# name\tlabel\tkind (written by gen.go)\n")
	for i := 0; i < 44; i++ {
		rng := rand.New(rand.NewPCG(uint64(i), 2018))
		sad := i%2 == 0
		img := scene(rng, sad)
		kind := "photo"
		if i%7 == 5 { // six captioned images
			drawCaption(img, face, captions[(i/7)%len(captions)], i%14 == 5)
			kind = "text"
		}
		label := otherIDs[i%len(otherIDs)]
		if sad {
			label = sadIDs[i%len(sadIDs)]
		}
		name := fmt.Sprintf("scene-%02d.jpg", i)
		save(filepath.Join(out, name), img)
		fmt.Fprintf(&manifest, "%s\t%d\t%s\n", name, label, kind)
		if i == 10 { // the same picture again under another name
			save(filepath.Join(out, "scene-10-copy.jpg"), img)
			fmt.Fprintf(&manifest, "%s\t%d\t%s\n", "scene-10-copy.jpg", label, "duplicate")
		}
	}
	if err := os.WriteFile("manifest.tsv", manifest.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}

func loadFace(size float64) font.Face {
	f, err := opentype.Parse(gobold.TTF)
	if err != nil {
		log.Fatal(err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		log.Fatal(err)
	}
	return face
}

// scene draws a sky gradient, a sun or rain, hills and noise.
func scene(rng *rand.Rand, sad bool) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	top, bottom := color.RGBA{255, 196, 90, 255}, color.RGBA{250, 120, 60, 255}
	if sad {
		top, bottom = color.RGBA{40, 55, 95, 255}, color.RGBA{15, 20, 45, 255}
	}
	jitter := func(c uint8) uint8 { return uint8(max(0, min(255, int(c)+rng.IntN(41)-20))) }
	top = color.RGBA{jitter(top.R), jitter(top.G), jitter(top.B), 255}
	for y := 0; y < h; y++ {
		t := float64(y) / h
		for x := 0; x < w; x++ {
			n := rng.IntN(13) - 6
			img.SetRGBA(x, y, color.RGBA{
				clamp(float64(top.R)*(1-t) + float64(bottom.R)*t + float64(n)),
				clamp(float64(top.G)*(1-t) + float64(bottom.G)*t + float64(n)),
				clamp(float64(top.B)*(1-t) + float64(bottom.B)*t + float64(n)),
				255})
		}
	}
	cx, cy, r := 30+rng.IntN(160), 20+rng.IntN(40), 12+rng.IntN(14)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if d := math.Hypot(float64(x-cx), float64(y-cy)); d < float64(r) {
				if sad {
					img.SetRGBA(x, y, color.RGBA{120, 125, 140, 255}) // a pale moon
				} else {
					img.SetRGBA(x, y, color.RGBA{255, 240, 150, 255})
				}
			}
		}
	}
	// Hills.
	phase, amp := rng.Float64()*6, 10+rng.Float64()*15
	hill := color.RGBA{60, 150, 60, 255}
	if sad {
		hill = color.RGBA{20, 35, 40, 255}
	}
	for x := 0; x < w; x++ {
		top := int(110 + amp*math.Sin(float64(x)/25+phase))
		for y := top; y < h; y++ {
			img.SetRGBA(x, y, hill)
		}
	}
	if sad { // rain
		for k := 0; k < 120; k++ {
			x, y := rng.IntN(w), rng.IntN(h)
			for d := 0; d < 6; d++ {
				if x+d/3 < w && y+d < h {
					img.SetRGBA(x+d/3, y+d, color.RGBA{110, 120, 150, 255})
				}
			}
		}
	}
	return img
}

func clamp(v float64) uint8 { return uint8(max(0, min(255, v))) }

// drawCaption writes text on a band across the picture: white on a dark
// band, or dark on a light band.
func drawCaption(img *image.RGBA, face font.Face, text string, dark bool) {
	band, ink := color.RGBA{20, 20, 20, 255}, color.RGBA{250, 250, 250, 255}
	if dark {
		band, ink = color.RGBA{240, 240, 230, 255}, color.RGBA{10, 10, 10, 255}
	}
	y0 := h/2 - 22
	draw.Draw(img, image.Rect(0, y0, w, y0+44), &image.Uniform{band}, image.Point{}, draw.Src)
	d := &font.Drawer{Dst: img, Src: &image.Uniform{ink}, Face: face}
	width := d.MeasureString(text).Ceil()
	d.Dot = fixed.P(max(4, (w-width)/2), y0+31)
	d.DrawString(text)
}

func save(name string, img image.Image) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 88}); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}
