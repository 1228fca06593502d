// Package evalset builds the labelled evaluation sets of the text detector.
//
// Real (real.go, compose.go) is the one the detector is tuned and judged
// on: real photographs from Debian packages, with scene text or without,
// and web-style text composited over them with Debian fonts; a tuning and a
// held-out part; full size and 220-px thumbnails. It reads installed files
// only and fails, naming the file and the package, when one is missing.
// Version 3 (real3.go, compose3.go) adds one more held-out part,
// PartHeldOut3, that shares no package, photo, font, word list or
// compositing choice with the others, to be scored once a wave by the
// integrator and never tuned on. Version 4 (real4.go, compose4.go) is one
// more such part, PartHeldOut4, sharing nothing with versions 1-3, and
// version 5 (real5.go, compose5.go) one more, PartHeldOut5, sharing
// nothing with versions 1-4 and built without running the detector on it,
// and version 6 (real6.go, compose6.go) one more, PartHeldOut6, sharing
// nothing with versions 1-5, built the same way, with logos and game or UI
// screens as kinds of their own, and version 7 (real7.go, compose7.go) one
// more, PartHeldOut7, sharing nothing with versions 1-6, with neon,
// gradient, script and poster kinds, and version 8 (real8.go, compose8.go)
// one more, PartHeldOut8, sharing nothing with versions 1-7, with real
// lettering from photos inside Qt resource files and photographed signs,
// can labels, segment displays, covers, logos and hollow headlines.
//
// Generate is the older, self-contained set the ocr/filter tests use:
// seeded, procedural images that look like the stock photos of WEBEmo,
// half of them showing text (captions, quote bands, signs, book
// covers, documents, watermarks, posters; light-on-dark and dark-on-light)
// and half hard negatives (textures, brick, stripes, checkerboards, foliage,
// faces, skies, building facades, plain scenes). Every image exists as a
// full-size picture or as a 220-px thumbnail like WEBEmo's.
//
// Text is drawn with the Go fonts (golang.org/x/image/font/gofont, BSD
// licence), so the set needs no files and is the same on every machine.
package evalset

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand"
	"strings"
	"sync"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/gomedium"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/gofont/gosmallcaps"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Sample is one labelled image.
type Sample struct {
	Name    string // unique, e.g. "pos-caption-03-thumb"
	Kind    string // caption, quote, sign, ...
	HasText bool   // the label
	Thumb   bool   // a 220-px thumbnail rather than a full-size image
	Text    string // the words drawn, "" for negatives
	Source  string // the photo it was made from (Real); "" for generated images
	// Boxes are where composited text was drawn (Real's composites: one
	// box a block of lines, glyphs only), in the pixels of Image; nil for
	// scene text, negatives and generated images.
	Boxes []image.Rectangle
	Image *image.RGBA
}

// ThumbSize is the long side of thumbnails, as in WEBEmo.
const ThumbSize = 220

// PositiveKinds and NegativeKinds name the generators, in generation order.
var (
	PositiveKinds = []string{"caption", "quote", "sign", "book", "document", "watermark", "poster"}
	NegativeKinds = []string{"noise", "brick", "stripes", "checker", "foliage", "face", "sky", "facade", "scene"}
)

// Generate returns perKind samples of every positive kind and a balanced
// number of negatives (spread over the negative kinds), alternating full-size
// images and thumbnails. The same seed gives the same images.
func Generate(seed int64, perKind int) []Sample {
	var out []Sample
	nPos := perKind * len(PositiveKinds)
	for k, kind := range PositiveKinds {
		for i := range perKind {
			rng := rand.New(rand.NewSource(seed*1_000_003 + int64(k*1000+i)))
			thumb := i%2 == 1
			img, text := positive(rng, kind, thumb)
			out = append(out, finish(Sample{Kind: kind, HasText: true, Thumb: thumb, Text: text}, img, "pos", i))
		}
	}
	for j := range nPos {
		k := j % len(NegativeKinds)
		i := j / len(NegativeKinds)
		kind := NegativeKinds[k]
		rng := rand.New(rand.NewSource(seed*1_000_003 + 500_000 + int64(k*1000+i)))
		thumb := (j/len(NegativeKinds))%2 == 1
		img := negative(rng, kind, thumb)
		out = append(out, finish(Sample{Kind: kind, Thumb: thumb}, img, "neg", i))
	}
	return out
}

func finish(s Sample, img *image.RGBA, prefix string, i int) Sample {
	size := "full"
	if s.Thumb {
		size = "thumb"
		img = thumbnail(img)
	}
	s.Name = fmt.Sprintf("%s-%s-%02d-%s", prefix, s.Kind, i, size)
	s.Image = img
	return s
}

// thumbnail scales img so its long side is ThumbSize, as WEBEmo's crawler did.
func thumbnail(src *image.RGBA) *image.RGBA {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if w >= h {
		h = max(1, h*ThumbSize/w)
		w = ThumbSize
	} else {
		w = max(1, w*ThumbSize/h)
		h = ThumbSize
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Src, nil)
	return dst
}

// canvasSize picks a full-size canvas: landscape or portrait, 480..720 px.
func canvasSize(rng *rand.Rand) (int, int) {
	long := 480 + rng.Intn(241)
	short := long * (60 + rng.Intn(20)) / 100
	if rng.Intn(3) == 0 {
		return short, long
	}
	return long, short
}

// ---- fonts ----

var (
	fontsOnce sync.Once
	fonts     []*opentype.Font
)

func loadFonts() []*opentype.Font {
	fontsOnce.Do(func() {
		for _, ttf := range [][]byte{goregular.TTF, gobold.TTF, gomedium.TTF, goitalic.TTF, gosmallcaps.TTF, gomonobold.TTF} {
			f, err := opentype.Parse(ttf)
			if err != nil {
				panic(fmt.Sprintf("evalset: embedded Go font does not parse: %v", err)) // cannot happen: vendored font data
			}
			fonts = append(fonts, f)
		}
	})
	return fonts
}

func face(rng *rand.Rand, px float64) font.Face {
	fs := loadFonts()
	f := fs[rng.Intn(len(fs))]
	fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		panic(fmt.Sprintf("evalset: face of size %.1f: %v", px, err)) // sizes are always positive
	}
	return fc
}

// textWidth measures s in fc, in pixels.
func textWidth(fc font.Face, s string) int { return font.MeasureString(fc, s).Ceil() }

// drawText draws s with its baseline at (x, y). outline, when not nil, is
// drawn first around the glyphs (the white-text-with-dark-edge style of
// meme captions).
func drawText(dst *image.RGBA, fc font.Face, x, y int, s string, col color.Color, outline color.Color, ow int) {
	if outline != nil {
		for dy := -ow; dy <= ow; dy++ {
			for dx := -ow; dx <= ow; dx++ {
				if dx == 0 && dy == 0 {
					continue
				}
				d := font.Drawer{Dst: dst, Src: image.NewUniform(outline), Face: fc, Dot: fixed.P(x+dx, y+dy)}
				d.DrawString(s)
			}
		}
	}
	d := font.Drawer{Dst: dst, Src: image.NewUniform(col), Face: fc, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// fitFace returns the largest face not over px whose rendering of s fits in maxW.
func fitFace(rng *rand.Rand, px float64, s string, maxW int) font.Face {
	fc := face(rng, px)
	for px > 6 && textWidth(fc, s) > maxW {
		px *= 0.9
		fc = face(rng, px)
	}
	return fc
}

// ---- words ----

var vocabulary = strings.Fields(`
love life happy sad alone together family friends dream hope believe never give
up always remember smile today tomorrow forever heart broken strong brave free
world peace nature travel adventure summer winter spring autumn sunset morning
coffee break time home sweet welcome open closed sale discount price best quality
fresh market street city park station exit entrance stop danger warning police
hotel restaurant pizza bakery books library school office business meeting
success goals focus work hard stay calm keep going believe yourself change
moment memories miss you thank grateful blessed beautiful wonderful amazing
journey begins within light dark night stars moon ocean beach mountain river
forest garden flowers wedding birthday party celebrate holiday christmas new year
lonely tears pain sorrow grief loss goodbye farewell missing empty silence
courage wisdom kindness gentle quiet simple little big great small every
chapter story novel poetry secret garden shadow window winter tale silent
`)

var brands = []string{"shutterstock", "dreamstime", "PREVIEW", "SAMPLE", "iStock", "depositphotos", "123RF", "alamy", "COPYRIGHT", "stockphoto"}

func words(rng *rand.Rand, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = vocabulary[rng.Intn(len(vocabulary))]
	}
	return strings.Join(w, " ")
}

func styleCase(rng *rand.Rand, s string) string {
	switch rng.Intn(3) {
	case 0:
		return strings.ToUpper(s)
	case 1:
		if s == "" {
			return s
		}
		return strings.ToUpper(s[:1]) + s[1:]
	}
	return s
}

// ---- colours and backgrounds ----

func rgb(r, g, b float64) color.RGBA {
	c := func(v float64) uint8 { return uint8(math.Max(0, math.Min(255, v))) }
	return color.RGBA{c(r), c(g), c(b), 255}
}

func randColor(rng *rand.Rand) color.RGBA {
	return rgb(rng.Float64()*255, rng.Float64()*255, rng.Float64()*255)
}

func lum(c color.RGBA) float64 { return 0.299*float64(c.R) + 0.587*float64(c.G) + 0.114*float64(c.B) }

// noiseField is smooth value noise: random values on a coarse grid,
// bilinearly interpolated, summed over octaves. Values lie in about [-1, 1].
type noiseField struct {
	grids [][]float64
	cells []int
	w, h  int
}

func newNoise(rng *rand.Rand, w, h, cell, octaves int) *noiseField {
	n := &noiseField{w: w, h: h}
	for o := 0; o < octaves && cell >= 1; o++ {
		gw, gh := w/cell+2, h/cell+2
		g := make([]float64, gw*gh)
		for i := range g {
			g[i] = rng.Float64()*2 - 1
		}
		n.grids = append(n.grids, g)
		n.cells = append(n.cells, cell)
		cell /= 2
	}
	return n
}

func (n *noiseField) at(x, y int) float64 {
	v, amp, total := 0.0, 1.0, 0.0
	for o, g := range n.grids {
		c := n.cells[o]
		gw := n.w/c + 2
		fx, fy := float64(x)/float64(c), float64(y)/float64(c)
		ix, iy := int(fx), int(fy)
		tx, ty := fx-float64(ix), fy-float64(iy)
		tx, ty = tx*tx*(3-2*tx), ty*ty*(3-2*ty)
		a := g[iy*gw+ix]*(1-tx) + g[iy*gw+ix+1]*tx
		b := g[(iy+1)*gw+ix]*(1-tx) + g[(iy+1)*gw+ix+1]*tx
		v += amp * (a*(1-ty) + b*ty)
		total += amp
		amp *= 0.5
	}
	return v / total
}

// scene paints a photo-like background: a vertical gradient (sky to
// ground), soft blobs of colour and smooth noise.
func scene(rng *rand.Rand, w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	top, bottom := randColor(rng), randColor(rng)
	nz := newNoise(rng, w, h, 64+rng.Intn(64), 4)
	type blob struct {
		x, y, rx, ry float64
		c            color.RGBA
	}
	blobs := make([]blob, 3+rng.Intn(5))
	for i := range blobs {
		blobs[i] = blob{rng.Float64() * float64(w), rng.Float64() * float64(h),
			float64(w) * (0.08 + rng.Float64()*0.25), float64(h) * (0.08 + rng.Float64()*0.25), randColor(rng)}
	}
	amp := 20 + rng.Float64()*40
	for y := range h {
		t := float64(y) / float64(h)
		for x := range w {
			r := float64(top.R)*(1-t) + float64(bottom.R)*t
			g := float64(top.G)*(1-t) + float64(bottom.G)*t
			b := float64(top.B)*(1-t) + float64(bottom.B)*t
			for _, bl := range blobs {
				dx, dy := (float64(x)-bl.x)/bl.rx, (float64(y)-bl.y)/bl.ry
				a := math.Exp(-(dx*dx + dy*dy) * 1.5)
				r = r*(1-a) + float64(bl.c.R)*a
				g = g*(1-a) + float64(bl.c.G)*a
				b = b*(1-a) + float64(bl.c.B)*a
			}
			n := nz.at(x, y) * amp
			img.SetRGBA(x, y, rgb(r+n, g+n, b+n))
		}
	}
	return img
}

// grain adds per-pixel noise, as camera sensors and JPEG do.
func grain(rng *rand.Rand, img *image.RGBA, amp float64) {
	for i := 0; i+3 < len(img.Pix); i += 4 {
		n := (rng.Float64()*2 - 1) * amp
		for c := range 3 {
			img.Pix[i+c] = uint8(math.Max(0, math.Min(255, float64(img.Pix[i+c])+n)))
		}
	}
}

func fillRect(img *image.RGBA, r image.Rectangle, c color.Color) {
	draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Over)
}

func fillEllipse(img *image.RGBA, cx, cy, rx, ry float64, c color.RGBA) {
	b := img.Bounds()
	for y := max(b.Min.Y, int(cy-ry)); y < min(b.Max.Y, int(cy+ry)+1); y++ {
		for x := max(b.Min.X, int(cx-rx)); x < min(b.Max.X, int(cx+rx)+1); x++ {
			dx, dy := (float64(x)-cx)/rx, (float64(y)-cy)/ry
			if dx*dx+dy*dy <= 1 {
				img.SetRGBA(x, y, c)
			}
		}
	}
}

// contrasting returns a text colour readable on bg: near white or near black.
func contrasting(rng *rand.Rand, bg color.RGBA) color.RGBA {
	if lum(bg) > 128 {
		v := rng.Float64() * 50
		return rgb(v, v, v+rng.Float64()*30)
	}
	v := 215 + rng.Float64()*40
	return rgb(v, v, v-rng.Float64()*30)
}

// meanColor is the average colour of img inside r.
func meanColor(img *image.RGBA, r image.Rectangle) color.RGBA {
	r = r.Intersect(img.Bounds())
	var sr, sg, sb, n float64
	for y := r.Min.Y; y < r.Max.Y; y += 2 {
		for x := r.Min.X; x < r.Max.X; x += 2 {
			c := img.RGBAAt(x, y)
			sr, sg, sb, n = sr+float64(c.R), sg+float64(c.G), sb+float64(c.B), n+1
		}
	}
	if n == 0 {
		return color.RGBA{128, 128, 128, 255}
	}
	return rgb(sr/n, sg/n, sb/n)
}
