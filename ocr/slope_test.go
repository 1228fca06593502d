package ocr

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// tiltedGlyphs lays n glyph boxes along a line turned deg degrees
// (descending to the right for positive deg): letters 20 px high, 13 wide,
// 16 apart, each box the upright box of the turned letter.
func tiltedGlyphs(n int, deg float64) []component {
	a := deg * math.Pi / 180
	const h, w, adv = 20.0, 13.0, 16.0
	bw, bh := w*math.Cos(math.Abs(a))+h*math.Sin(math.Abs(a)), w*math.Sin(math.Abs(a))+h*math.Cos(math.Abs(a))
	var cs []component
	for i := range n {
		cx, cy := 100+float64(i)*adv*math.Cos(a), 300+float64(i)*adv*math.Sin(a)
		cs = append(cs, component{x0: int(cx - bw/2), y0: int(cy - bh/2), x1: int(cx + bw/2), y1: int(cy + bh/2), area: 80, boundary: 60})
	}
	return cs
}

// TestChainTilted checks that a line of glyphs turned up to about 25
// degrees (where turned letters still overlap side by side) is chained
// into one candidate line whose slope is the line's: the finder held
// chains to a box under three glyph heights high, which dropped lines of
// twelve letters from 20 degrees on and of ten at 25; and that chains
// that are no line stay out: glyphs scattered off one straight line, and
// lines steeper than maxLineDeg.
func TestChainTilted(t *testing.T) {
	zigzag := tiltedGlyphs(12, 0)
	for i := range zigzag {
		if i%4 >= 2 { // pairs stepping up and down by most of a glyph
			zigzag[i].y0 -= 14
			zigzag[i].y1 -= 14
		}
	}
	for _, tc := range []struct {
		name  string
		cs    []component
		lines int
		deg   float64
	}{
		{"level", tiltedGlyphs(12, 0), 1, 0},
		{"12 at 15", tiltedGlyphs(12, 15), 1, 15},
		{"12 at 20", tiltedGlyphs(12, 20), 1, 20},
		{"12 at -25", tiltedGlyphs(12, -25), 1, -25},
		{"10 at 25", tiltedGlyphs(10, 25), 1, 25},
		{"zigzag", zigzag, 0, 0},
	} {
		rs := chainLines(append([]component(nil), tc.cs...), 3)
		if len(rs) != tc.lines {
			t.Errorf("%s: %d lines, want %d: %+v", tc.name, len(rs), tc.lines, rs)
			continue
		}
		for _, r := range rs {
			if d := math.Atan(r.slope) * 180 / math.Pi; math.Abs(d-tc.deg) > 2 || r.glyphs != len(tc.cs) {
				t.Errorf("%s: %d glyphs at %.1f degrees, want %d at %g", tc.name, r.glyphs, d, len(tc.cs), tc.deg)
			}
		}
	}
	// A chain beyond maxLineDeg is no line, however straight.
	steep := region{height: 20, slope: math.Tan(60 * math.Pi / 180), x0: 0, x1: 100, y0: 0, y1: 170, cx0: 10, cy0: 10, cx1: 90, cy1: 148}
	if straightLine(nil, nil, steep) {
		t.Error("a chain at 60 degrees counts as a line")
	}
}

// TestLevelBand checks that a tilted line's band is cut along the line:
// level, about two glyph heights high, and holding the line's ink, not the
// picture above and below it that the turned upright box holds.
func TestLevelBand(t *testing.T) {
	// A dark bar 20 px thick along a line at 20 degrees on white, with a
	// dark blob above its right half (picture outside the line).
	const W, H, deg = 400, 300, 20.0
	g := grayImage{w: W, h: H, pix: make([]uint8, W*H)}
	s := math.Tan(deg * math.Pi / 180)
	for y := range H {
		for x := range W {
			v := uint8(255)
			if x >= 50 && x < 350 && math.Abs(float64(y)-(80+s*float64(x-50)))*math.Cos(deg*math.Pi/180) < 10 {
				v = 0
			}
			if x > 250 && x < 330 && y > 40 && y < 90 {
				v = 0
			}
			g.pix[y*W+x] = v
		}
	}
	r := region{x0: 50, y0: 70, x1: 350, y1: 70 + int(s*300) + 20, height: 24, glyphs: 12, slope: s,
		cx0: 60, cy0: 80 + s*10, cx1: 340, cy1: 80 + s*290}
	crop, f, ox, oy := lineCropMargin(g, nil, r, r.height, r.height/2)
	band, back := levelBand(crop, deg, r, f, ox, oy)
	if band.h > 3*int(float64(r.height)*f) || band.w < int(250*f) {
		t.Fatalf("band %dx%d (scale %.2f): not a level strip along the line", band.w, band.h, f)
	}
	// Every row of the band's middle third is mostly ink (the bar, level);
	// the top and bottom rows are mostly white (no blob).
	row := func(y int) float64 {
		n := 0
		for x := band.w / 5; x < band.w*4/5; x++ {
			if band.pix[y*band.w+x] < 128 {
				n++
			}
		}
		return float64(n) / float64(band.w*3/5)
	}
	if mid := row(band.h / 2); mid < 0.9 {
		t.Errorf("middle row of the band %.2f ink, want the level bar", mid)
	}
	if top, bot := row(0), row(band.h-1); top > 0.2 || bot > 0.2 {
		t.Errorf("band edges %.2f / %.2f ink, want white outside the line", top, bot)
	}
	// back maps the band's centre onto the line in the crop.
	cx, cy := back(float64(band.w)/2, float64(band.h)/2)
	gx, gy := float64(ox)+cx/f, float64(oy)+cy/f
	if d := math.Abs(gy - (80 + s*(gx-50))); d > 4 {
		t.Errorf("band centre maps to (%.0f, %.0f), %.1f px off the line", gx, gy, d)
	}
}

// TestTiltedReal checks the tilted lines on real material of the tuning
// part, which the default passes missed before: a tiled "PREVIEW" at
// about 25 degrees (between the upright passes' reach and the steep
// passes' fixed 36) and a headline tilted by about 13 degrees, both read
// by the regions passes from the levelled band along their line.
func TestTiltedReal(t *testing.T) {
	det := testDetector(t, 1, Options{Passes: []string{PassRegions, PassRegionsGrey}})
	for _, s := range tuneSamples(t, "pos-tiled-02-full", "pos-headline-03-full") {
		v, err := det.Detect(context.Background(), s.Image)
		if err != nil {
			t.Fatal(err)
		}
		if !v.HasText {
			t.Errorf("%s: %+v; want the tilted line read", s.Name, v)
		}
	}
}

// tiledFixture draws word faintly (+45 grey levels) over a grainy grey
// background, turned deg degrees and tiled at a fixed step in staggered
// rows, as a stock preview tiles its name.
func tiledFixture(word string, deg float64, scale float64) *image.RGBA {
	txt := image.NewGray(image.Rect(0, 0, 7*len(word)+4, 16))
	d := font.Drawer{Dst: txt, Src: image.NewUniform(color.Gray{255}), Face: basicfont.Face7x13, Dot: fixed.P(2, 12)}
	d.DrawString(word)
	big := grayImage{w: txt.Rect.Dx(), h: txt.Rect.Dy(), pix: txt.Pix}.resize(scale)
	rot, _ := big.rotate(-deg, 0)
	const W, H = 900, 600
	stepX, stepY := rot.w+60, rot.h+40
	rng := rand.New(rand.NewSource(2))
	img := image.NewRGBA(image.Rect(0, 0, W, H))
	for y := range H {
		for x := range W {
			v := 90 + rng.Intn(20)
			row := (y + stepY) / stepY
			ox := (row % 2) * stepX / 2
			rx, ry := ((x+ox)%stepX+stepX)%stepX, (y+stepY)%stepY
			if rx < rot.w && ry < rot.h {
				v += int(rot.pix[ry*rot.w+rx]) * 45 / 255
			}
			img.Set(x, y, color.RGBA{uint8(min(v, 255)), uint8(min(v, 255)), uint8(min(v, 255)), 255})
		}
	}
	return img
}

// TestTiledShallow checks tiled watermarks from shallow to steep angles
// (12 to 45 degrees, both ways): the repetition gate opens whatever the
// angle, and the default detector finds the text. At 45 degrees it was
// missed before tilted glyphs chained past 25 degrees (tiltedPair): the
// steep passes' fixed 36-degree turns read it at 60 and under.
func TestTiledShallow(t *testing.T) {
	det := testDetector(t, 1, Options{})
	for _, deg := range []float64{15, -15, 25, -38, 20, 28, -30, 45, 12} {
		img := tiledFixture("STOCKPHOTOS", deg, 3)
		g := toRGB(img).gray()
		tl := g.tiling()
		if !defaultGate.open(tileGate{tl, g.meanLum()}, false) {
			t.Errorf("%g degrees: gate closed (tiling %.3f at (%d,%d), lum %.0f)", deg, tl.Score, tl.DX, tl.DY, g.meanLum())
		}
		v, err := det.Detect(context.Background(), img)
		if err != nil {
			t.Fatal(err)
		}
		var ws []string
		for _, w := range v.Words {
			ws = append(ws, fmt.Sprintf("%s:%s@%.0f%s", w.Pass, w.Text, w.Conf, w.Reject))
		}
		t.Logf("%g degrees: %v %s %s %v", deg, v.HasText, v.Pass, v.Rule, ws)
		if !v.HasText {
			t.Errorf("%g degrees: tiled text missed", deg)
		}
	}
}
