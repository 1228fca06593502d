// Package demodata draws the demo dataset of `curate run` (demo: true) and
// `make demo`: synthetic scenes whose classes differ the way WEBEmo's do.
// Sad scenes are dim, desaturated and blue-grey (overcast skies, rain, fog,
// dark rooms); the others are bright and warm or vivid (sun, beaches,
// flowers, lit streets). Every scene picks a layout (landscape, street,
// room with a window, abstract), shapes, a light level and noise from its
// own seed, and about one in six is drawn against its class (a brighter
// sad scene, a dusky other one), so a classifier has to learn the trend, not
// a threshold on one pixel. A few carry captions (for filter-text to drop)
// and one is served twice (an exact duplicate for split).
//
// Everything is computed here from fixed seeds with math/rand/v2's PCG and
// encoded with image/jpeg, so the bytes are the same on every machine and
// there is no licence to track. gen.go (build-ignored) is the older fixed
// set that `curate demo` embeds.
package demodata

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"math"
	"math/rand/v2"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Image is one demo image.
type Image struct {
	Name  string // file name on the demo server
	Label int    // WEBEmo level-3 id it is listed with
	Sad   bool
	Kind  string // photo, text or duplicate
	Data  []byte // JPEG
}

// W and H are the size of every scene.
const W, H = 160, 120

// SadIDs and OtherIDs are the WEBEmo level-3 ids the labels cycle through.
var (
	SadIDs   = []int{4, 13, 19, 20, 21, 23}
	OtherIDs = []int{0, 1, 3, 6, 9, 15, 16, 18, 22, 24, 17, 10}
)

var captions = []string{"NEVER GIVE UP", "HAPPY DAY", "SALE 50%", "LOVE YOU", "GOOD NEWS", "STAY HOME"}

// Generate draws n scenes (half sad), every 29th with a caption, and one
// exact duplicate; the result is the same for the same n.
func Generate(n int) ([]Image, error) {
	f, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return nil, err
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 22, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, err
	}
	var out []Image
	for i := range n {
		rng := rand.New(rand.NewPCG(uint64(i), 0x5ad))
		sad := i%2 == 0
		img := Scene(rng, sad)
		kind := "photo"
		if i%29 == 5 {
			drawCaption(img, face, captions[(i/29)%len(captions)], i%58 == 5)
			kind = "text"
		}
		label := OtherIDs[i%len(OtherIDs)]
		if sad {
			label = SadIDs[(i/2)%len(SadIDs)]
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
			return nil, err
		}
		im := Image{Name: fmt.Sprintf("scene-%03d.jpg", i), Label: label, Sad: sad, Kind: kind, Data: buf.Bytes()}
		out = append(out, im)
		if i == 10 {
			dup := im
			dup.Name, dup.Kind = fmt.Sprintf("scene-%03d-copy.jpg", i), "duplicate"
			out = append(out, dup)
		}
	}
	return out, nil
}

// mood is the light and colour of one scene.
type mood struct {
	hue, sat, light float64 // HSL of the sky's top
	contrast        float64
}

// pickMood draws a scene's mood: sad scenes dim, desaturated, blue-grey;
// others bright with warm or vivid hues. One in six leans the other way
// (a bluer, brighter sad scene; a dim, muted warm one), so no single
// channel separates the classes.
func pickMood(rng *rand.Rand, sad bool) mood {
	against := rng.IntN(6) == 0
	switch {
	case sad && !against:
		return mood{hue: 200 + rng.Float64()*40, sat: 0.05 + rng.Float64()*0.25, light: 0.18 + rng.Float64()*0.25, contrast: 0.5 + rng.Float64()*0.3}
	case sad: // a brighter, bluer sad scene: a cold clear day
		return mood{hue: 195 + rng.Float64()*45, sat: 0.3 + rng.Float64()*0.3, light: 0.45 + rng.Float64()*0.2, contrast: 0.6}
	case !against:
		hues := []float64{25, 40, 50, 330, 100, 190}
		return mood{hue: hues[rng.IntN(len(hues))] + rng.Float64()*20 - 10, sat: 0.55 + rng.Float64()*0.4, light: 0.5 + rng.Float64()*0.3, contrast: 0.8 + rng.Float64()*0.4}
	default: // a dusky, muted other scene: warm lamps in a grey evening
		return mood{hue: 15 + rng.Float64()*35, sat: 0.15 + rng.Float64()*0.25, light: 0.28 + rng.Float64()*0.2, contrast: 0.7}
	}
}

// Scene draws one scene of the class.
func Scene(rng *rand.Rand, sad bool) *image.RGBA {
	m := pickMood(rng, sad)
	img := image.NewRGBA(image.Rect(0, 0, W, H))
	sky0 := hsl(m.hue, m.sat, m.light)
	sky1 := hsl(m.hue+rng.Float64()*30-15, m.sat*0.8, m.light*(0.6+rng.Float64()*0.3))
	horizon := 50 + rng.IntN(40)
	for y := range H {
		t := float64(y) / H
		for x := range W {
			img.SetRGBA(x, y, mix(sky0, sky1, t))
		}
	}
	ground := hsl(m.hue+180*rng.Float64()-90, m.sat*0.7, m.light*0.55)
	switch rng.IntN(4) {
	case 0: // landscape: a sun or moon, hills
		disc(img, 20+rng.IntN(W-40), 15+rng.IntN(30), 8+rng.IntN(12), hsl(m.hue+20, m.sat*0.5, min(0.95, m.light+0.35)))
		phase, amp, freq := rng.Float64()*6, 6+rng.Float64()*14, 15+rng.Float64()*25
		for x := range W {
			top := int(float64(horizon) + amp*math.Sin(float64(x)/freq+phase))
			for y := max(top, 0); y < H; y++ {
				img.SetRGBA(x, y, shade(ground, 1-0.3*float64(y-top)/H))
			}
		}
	case 1: // street: buildings against the sky, windows
		for x := 0; x < W; {
			bw := 12 + rng.IntN(26)
			top := 20 + rng.IntN(horizon)
			c := shade(ground, 0.7+rng.Float64()*0.5)
			rect(img, x, top, x+bw, H, c)
			win := hsl(m.hue+40, m.sat, min(0.95, m.light+0.3))
			for wy := top + 4; wy < H-8; wy += 9 {
				for wx := x + 3; wx < x+bw-4; wx += 7 {
					if rng.IntN(3) > 0 {
						rect(img, wx, wy, wx+3, wy+4, win)
					}
				}
			}
			x += bw + rng.IntN(4)
		}
	case 2: // room: a wall, a window onto the sky, a table
		wall := shade(ground, 0.9)
		rect(img, 0, 0, W, H, wall)
		wx, wy := 20+rng.IntN(60), 10+rng.IntN(20)
		ww, wh := 40+rng.IntN(40), 30+rng.IntN(30)
		for y := wy; y < wy+wh; y++ {
			for x := wx; x < wx+ww; x++ {
				img.SetRGBA(x, y, mix(sky0, sky1, float64(y-wy)/float64(wh)))
			}
		}
		frame := shade(wall, 0.6)
		rect(img, wx+ww/2-1, wy, wx+ww/2+1, wy+wh, frame)
		rect(img, wx, wy+wh/2-1, wx+ww, wy+wh/2+1, frame)
		rect(img, 10+rng.IntN(30), 90+rng.IntN(10), 100+rng.IntN(50), H, shade(ground, 0.5))
	default: // abstract: blobs and bars
		for range 4 + rng.IntN(6) {
			c := hsl(m.hue+rng.Float64()*60-30, m.sat, m.light*(0.6+rng.Float64()*0.6))
			if rng.IntN(2) == 0 {
				disc(img, rng.IntN(W), rng.IntN(H), 6+rng.IntN(25), c)
			} else {
				x, y := rng.IntN(W), rng.IntN(H)
				rect(img, x, y, x+5+rng.IntN(50), y+5+rng.IntN(30), c)
			}
		}
	}
	if sad && rng.IntN(2) == 0 { // rain
		drop := shade(sky0, 1.5)
		for range 80 + rng.IntN(120) {
			x, y := rng.IntN(W), rng.IntN(H)
			for d := range 5 {
				if x+d/3 < W && y+d < H {
					img.SetRGBA(x+d/3, y+d, drop)
				}
			}
		}
	}
	if sad && rng.IntN(3) == 0 { // fog
		fog := hsl(m.hue, 0.05, m.light+0.1)
		for y := range H {
			for x := range W {
				img.SetRGBA(x, y, mix(img.RGBAAt(x, y), fog, 0.35))
			}
		}
	}
	// Sensor noise and the mood's contrast around the mean.
	sigma := 4 + rng.Float64()*8
	for y := range H {
		for x := range W {
			c := img.RGBAAt(x, y)
			n := rng.NormFloat64() * sigma
			img.SetRGBA(x, y, color.RGBA{
				clamp(128 + (float64(c.R)-128)*m.contrast + n),
				clamp(128 + (float64(c.G)-128)*m.contrast + n),
				clamp(128 + (float64(c.B)-128)*m.contrast + n), 255})
		}
	}
	return img
}

func hsl(h, s, l float64) color.RGBA {
	h = math.Mod(math.Mod(h, 360)+360, 360) / 360
	s, l = min(max(s, 0), 1), min(max(l, 0), 1)
	if s == 0 {
		v := clamp(l * 255)
		return color.RGBA{v, v, v, 255}
	}
	q := l * (1 + s)
	if l >= 0.5 {
		q = l + s - l*s
	}
	p := 2*l - q
	f := func(t float64) uint8 {
		t = math.Mod(t+1, 1)
		switch {
		case t < 1.0/6:
			return clamp(255 * (p + (q-p)*6*t))
		case t < 0.5:
			return clamp(255 * q)
		case t < 2.0/3:
			return clamp(255 * (p + (q-p)*(2.0/3-t)*6))
		}
		return clamp(255 * p)
	}
	return color.RGBA{f(h + 1.0/3), f(h), f(h - 1.0/3), 255}
}

func mix(a, b color.RGBA, t float64) color.RGBA {
	return color.RGBA{clamp(float64(a.R)*(1-t) + float64(b.R)*t), clamp(float64(a.G)*(1-t) + float64(b.G)*t), clamp(float64(a.B)*(1-t) + float64(b.B)*t), 255}
}

func shade(c color.RGBA, f float64) color.RGBA {
	return color.RGBA{clamp(float64(c.R) * f), clamp(float64(c.G) * f), clamp(float64(c.B) * f), 255}
}

func rect(img *image.RGBA, x0, y0, x1, y1 int, c color.RGBA) {
	draw.Draw(img, image.Rect(x0, y0, x1, y1), &image.Uniform{c}, image.Point{}, draw.Src)
}

func disc(img *image.RGBA, cx, cy, r int, c color.RGBA) {
	for y := cy - r; y <= cy+r; y++ {
		for x := cx - r; x <= cx+r; x++ {
			if (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r && image.Pt(x, y).In(img.Rect) {
				img.SetRGBA(x, y, c)
			}
		}
	}
}

func clamp(v float64) uint8 { return uint8(max(0, min(255, math.Round(v)))) }

// drawCaption writes text on a band across the picture: white on a dark
// band, or dark on a light band.
func drawCaption(img *image.RGBA, face font.Face, text string, dark bool) {
	band, ink := color.RGBA{20, 20, 20, 255}, color.RGBA{250, 250, 250, 255}
	if dark {
		band, ink = color.RGBA{240, 240, 230, 255}, color.RGBA{10, 10, 10, 255}
	}
	y0 := H/2 - 18
	rect(img, 0, y0, W, y0+36, band)
	d := &font.Drawer{Dst: img, Src: &image.Uniform{ink}, Face: face}
	width := d.MeasureString(text).Ceil()
	d.Dot = fixed.P(max(3, (W-width)/2), y0+26)
	d.DrawString(text)
}
