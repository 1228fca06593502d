package ocr

import (
	"context"
	"image"
	"image/color"
	"image/draw"
	"math"
	"os"
	"strings"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"

	"github.com/curate-ml/curate/ocr/internal/evalset"
)

// columnGlyphs lays n glyph boxes w x h one above the other, step px
// apart (top to bottom), at x 100.
func columnGlyphs(n, w, h, step int) []component {
	var cs []component
	for i := range n {
		y := 50 + i*step
		cs = append(cs, component{x0: 100, y0: y, x1: 100 + w, y1: y + h, area: w * h / 4, boundary: w + h})
	}
	return cs
}

// TestQuarterLines checks the chaining of glyphs one above the other
// (turned.go): letters turned a quarter (boxes wider than high, close
// together) and the upright letters of a stacked sign (a line's gap
// between them) make one quarter line each, steep, over all of them, with
// each glyph's box kept as it is in the image; a level line, a column of
// two glyphs and glyphs whose sizes jump make none.
func TestQuarterLines(t *testing.T) {
	level := tiltedGlyphs(8, 0)
	for _, tc := range []struct {
		name  string
		cs    []component
		lines int
	}{
		{"turned word", columnGlyphs(8, 20, 13, 16), 1},
		{"stacked sign", columnGlyphs(6, 13, 20, 26), 1},
		{"level line", level, 0},
		{"two glyphs", columnGlyphs(2, 20, 13, 16), 0},
		{"far apart", columnGlyphs(6, 20, 13, 60), 0},
	} {
		rs := quarterLines(append([]component(nil), tc.cs...), 5, 3, 800, 800)
		if len(rs) != tc.lines {
			t.Errorf("%s: %d quarter lines, want %d: %+v", tc.name, len(rs), tc.lines, rs)
			continue
		}
		for _, r := range rs {
			box := [4]int{tc.cs[0].x0, tc.cs[0].y0, tc.cs[len(tc.cs)-1].x1, tc.cs[len(tc.cs)-1].y1}
			if !r.quarter || [4]int{r.x0, r.y0, r.x1, r.y1} != box || r.glyphs != len(tc.cs) {
				t.Errorf("%s: line %v (%d glyphs, quarter %v), want %v of %d", tc.name, [4]int{r.x0, r.y0, r.x1, r.y1}, r.glyphs, r.quarter, box, len(tc.cs))
			}
			if d := math.Abs(slopeDeg(r.slope)); d < 85 {
				t.Errorf("%s: slope %.1f degrees, want about 90", tc.name, d)
			}
			if len(r.glyphBoxes) != len(tc.cs) {
				t.Fatalf("%s: %d glyph boxes, want %d", tc.name, len(r.glyphBoxes), len(tc.cs))
			}
			for i, b := range r.glyphBoxes {
				c := tc.cs[len(tc.cs)-1-i] // turned clockwise, the bottom glyph comes first
				if want := [4]int{c.x0, c.y0, c.x1, c.y1}; b != want && !containsBox(r.glyphBoxes, want) {
					t.Errorf("%s: glyph box %v not among the line's %v", tc.name, want, r.glyphBoxes)
				}
			}
		}
	}
}

func containsBox(bs [][4]int, b [4]int) bool {
	for _, x := range bs {
		if x == b {
			return true
		}
	}
	return false
}

// TestUnquarter checks that a point turned a quarter clockwise
// (quarterBox's turn) and mapped back by unquarter lands where it was.
func TestUnquarter(t *testing.T) {
	const h = 300
	for _, p := range [][2]float64{{0, 0}, {10, 250}, {299, 7}} {
		// (x, y) turned clockwise is (h-y, x) in continuous coordinates.
		r := unquarter(region{cx0: h - p[1], cy0: p[0], cx1: h - p[1] + 40, cy1: p[0], x0: 0, x1: 1, y0: 0, y1: 1}, h)
		if math.Abs(r.cx0-p[0]) > 1e-9 || math.Abs(r.cy0-p[1]) > 1e-9 {
			t.Errorf("%v came back as (%g, %g)", p, r.cx0, r.cy0)
		}
		if math.Abs(slopeDeg(r.slope)) < 89.9 {
			t.Errorf("a level line turned back slopes %.2f degrees, want 90", slopeDeg(r.slope))
		}
	}
}

// turnedText draws text in DejaVu Sans Bold, px high, in colour ink on a
// copy of img: turned a quarter (deg 90: reading up, -90: reading down)
// centred at at, or with stacked one letter a line.
func turnedText(t *testing.T, img image.Image, text string, px float64, at image.Point, deg float64, stacked bool, ink color.Gray) (*image.RGBA, image.Rectangle) {
	t.Helper()
	face := dejavuBold(t, px)
	defer face.Close()
	lines := []string{text}
	if stacked {
		lines = nil
		for _, r := range text {
			lines = append(lines, string(r))
		}
	}
	step := int(px * 1.1)
	mask := image.NewGray(image.Rect(0, 0, int(px)*len(text)+8, step*len(lines)+8))
	for i, l := range lines {
		d := font.Drawer{Dst: mask, Src: image.White, Face: face}
		w := d.MeasureString(l).Ceil()
		x := 4
		if stacked {
			x = (mask.Rect.Dx() - w) / 2
		}
		d.Dot = fixed.P(x, 4+step*i+int(px*0.85))
		d.DrawString(l)
	}
	m := grayImage{w: mask.Rect.Dx(), h: mask.Rect.Dy(), pix: mask.Pix}
	if deg != 0 {
		m, _ = m.rotate(deg, 0)
	}
	out := image.NewRGBA(img.Bounds())
	draw.Draw(out, out.Bounds(), img, img.Bounds().Min, draw.Src)
	x0, y0 := at.X-m.w/2, at.Y-m.h/2
	box := image.Rectangle{Min: image.Pt(math.MaxInt, math.MaxInt)}
	for y := range m.h {
		for x := range m.w {
			a := int(m.pix[y*m.w+x])
			p := image.Pt(x0+x, y0+y)
			if a == 0 || !p.In(out.Bounds()) {
				continue
			}
			c := out.RGBAAt(p.X, p.Y)
			mix := func(v uint8) uint8 { return uint8((int(v)*(255-a) + int(ink.Y)*a) / 255) }
			out.SetRGBA(p.X, p.Y, color.RGBA{mix(c.R), mix(c.G), mix(c.B), 255})
			if a > 128 {
				box.Min.X, box.Min.Y = min(box.Min.X, p.X), min(box.Min.Y, p.Y)
				box.Max.X, box.Max.Y = max(box.Max.X, p.X+1), max(box.Max.Y, p.Y+1)
			}
		}
	}
	return out, box
}

// TestQuarterRead checks the quarter lines on a real photo (scikit-image's
// coffee cup) with a word drawn on it turned a quarter up, turned a
// quarter down and stacked one letter a line: the regions pass finds
// each, and the word that decides lies on it; with quarter lines off
// (the finder of wave 9) none is found.
func TestQuarterRead(t *testing.T) {
	photo := skimagePhoto(t, "coffee.png")
	det := testDetector(t, 2, Options{Passes: []string{PassRegions}})
	c, err := det.pool.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer det.pool.Put(c)
	for _, tc := range []struct {
		name    string
		deg     float64
		stacked bool
		word    string
	}{{"reading up", 90, false, "JUNIPER"}, {"reading down", -90, false, "JUNIPER"}, {"stacked", 0, true, "GARDEN"}} {
		// (A stacked "I" is too narrow beside its neighbours to chain, so
		// a stacked "JUNIPER" is two lines of three glyphs, too few.)
		img, box := turnedText(t, photo, tc.word, 40, image.Pt(500, 200), tc.deg, tc.stacked, color.Gray{Y: 250})
		v, err := det.Detect(context.Background(), img)
		if err != nil {
			t.Fatal(err)
		}
		want := [4]int{box.Min.X, box.Min.Y, box.Max.X, box.Max.Y}
		found := false
		for _, w := range v.Words {
			cx, cy := (w.Box[0]+w.Box[2])/2, (w.Box[1]+w.Box[3])/2
			found = found || w.Decisive && image.Pt(cx, cy).In(box)
		}
		if !v.HasText || !found {
			t.Errorf("%s: the word at %v was not found: %+v", tc.name, want, v)
		}
		// Without quarter lines the finder proposes nothing to read there.
		p := defaultRegionParams
		p.quarter = false
		fr := det.newFrame(toRGB(img))
		rs, _, err := det.runRegions(c, PassRegions, p, fr, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range rs {
			if w.conf >= quarterConfidence && wordChars(w.text) >= 4 {
				t.Errorf("%s: without quarter lines the pass read %q@%.0f", tc.name, w.text, w.conf)
			}
		}
	}
}

// TestQuarterWords (OCR_QUARTER_WORDS=PARTS, comma-separated; "demo" names
// make demo's 240 drawn scenes) reads every quarter line the two regions
// passes would read on each image of the parts, keeping every word
// (quarterConf 0), and logs per part the most confident word of three
// letters or more that the word rules take but for its confidence, on
// each photo without text and each image with text: what
// quarterConfidence was chosen from.
//
//	OCR_QUARTER_WORDS=tune,heldout go test ./ocr -run TestQuarterWords -v -timeout 60m
func TestQuarterWords(t *testing.T) {
	parts := os.Getenv("OCR_QUARTER_WORDS")
	if parts == "" {
		t.Skip("set OCR_QUARTER_WORDS=PARTS to census the words read on quarter lines")
	}
	det := testDetector(t, 1, Options{})
	c, err := det.pool.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer det.pool.Put(c)
	for _, part := range strings.Split(parts, ",") {
		var samples []evalset.Sample
		if part == "demo" {
			samples = demoSamples(t)
		} else {
			samples = loadReal(t, part)
		}
		var neg, pos []float64
		for _, s := range samples {
			fr := det.newFrame(toRGB(s.Image))
			var j judge
			j.init(det.opts, fr.native.w, fr.native.h)
			best, word := 0.0, ""
			for _, pass := range []string{PassRegions, PassRegionsGrey} {
				p := regionPasses[pass]
				p.quarterConf = 0 // every word, however unsure
				p.census = func(r region) bool { return r.quarter }
				_, _, err := det.runRegions(c, pass, p, fr, func(r region, ws []rawWord, scale float64) bool {
					for _, w := range ws {
						text := strings.TrimSpace(w.text)
						if rej := j.rule(text, 100, wordBox(w, scale)); rej == "" && w.conf > best {
							best, word = w.conf, text
						}
					}
					return false
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			if s.HasText {
				pos = append(pos, best)
			} else {
				neg = append(neg, best)
				if best >= 70 {
					t.Logf("%s: %q@%.0f", s.Name, word, best)
				}
			}
		}
		count := func(v []float64, at float64) int {
			n := 0
			for _, x := range v {
				if x >= at {
					n++
				}
			}
			return n
		}
		t.Logf("%s: photos without text %d, with a quarter word at 70/75/80/85/90: %d %d %d %d %d; images with text %d: %d %d %d %d %d",
			part, len(neg), count(neg, 70), count(neg, 75), count(neg, 80), count(neg, 85), count(neg, 90),
			len(pos), count(pos, 70), count(pos, 75), count(pos, 80), count(pos, 85), count(pos, 90))
	}
}
