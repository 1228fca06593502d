package ocr

import (
	"math"
	"strings"
	"testing"

	"github.com/curate-ml/curate/ocr/internal/evalset"
)

// TestFitCurve checks the least-squares fit on points of known
// polynomials: it recovers them between the points and continues them
// along their end tangents beyond; too few points fit nothing.
func TestFitCurve(t *testing.T) {
	for _, tc := range []struct {
		name string
		deg  int
		f    func(x float64) float64
	}{
		{"line", 1, func(x float64) float64 { return 40 + 0.3*x }},
		{"arch", 2, func(x float64) float64 { return 100 + 0.002*(x-200)*(x-200) }},
		{"wave", 3, func(x float64) float64 { return 80 + 1e-5*(x-50)*(x-200)*(x-350) }},
	} {
		var xs, ys []float64
		for x := 20.0; x <= 380; x += 40 {
			xs, ys = append(xs, x), append(ys, tc.f(x))
		}
		cv := fitCurve(xs, ys, tc.deg)
		if cv == nil {
			t.Fatalf("%s: no fit", tc.name)
		}
		for x := 20.0; x <= 380; x += 7 {
			if y, _ := cv.at(x); math.Abs(y-tc.f(x)) > 1e-6 {
				t.Errorf("%s: y(%g) = %g, want %g", tc.name, x, y, tc.f(x))
			}
		}
		yEnd, sEnd := cv.at(380)
		if y, s := cv.at(420); math.Abs(y-(yEnd+40*sEnd)) > 1e-6 || math.Abs(s-sEnd) > 1e-9 {
			t.Errorf("%s: past the last point y %g slope %g, want its tangent %g, %g", tc.name, y, s, yEnd+40*sEnd, sEnd)
		}
		if fitCurve(xs[:tc.deg], ys[:tc.deg], tc.deg) != nil {
			t.Errorf("%s: %d points fitted a polynomial of degree %d", tc.name, tc.deg, tc.deg)
		}
	}
}

// curveGlyphs lays n glyph boxes w x h side by side, step px apart, their
// bottoms on y(x).
func curveGlyphs(n, w, h, step int, y func(x float64) float64) []component {
	var cs []component
	for i := range n {
		x := 100 + i*step
		b := int(y(float64(x) + float64(w)/2))
		cs = append(cs, component{x0: x, y0: b - h, x1: x + w, y1: b, area: w * h / 3, boundary: 2 * (w + h)})
	}
	return cs
}

// TestCurvedLine checks which chains count as curved lines: letters
// along a wave or an arch whose box is too high for a level line, and a
// level line that bends (the straight tests take it) do; a straight line,
// too few glyphs and glyphs that jump about do not. A curved line's
// words are measured upright (slope 0) and its bottoms spread little
// about its curve.
func TestCurvedLine(t *testing.T) {
	wave := func(amp float64) func(float64) float64 {
		return func(x float64) float64 { return 300 + amp*math.Sin((x-100)/300*2*math.Pi*0.8) }
	}
	// Glyph bottoms that jump up and down by most of a glyph from one
	// neighbour to the next (blobs of a texture).
	jumps := []float64{0, 22, -18, 14, -24, 20, -12, 24}
	jumpy := func(x float64) float64 { return 300 + jumps[int(x-100)/36] }
	for _, tc := range []struct {
		name   string
		cs     []component
		curved bool
	}{
		{"wave", curveGlyphs(9, 24, 30, 36, wave(24)), true},
		{"gentle wave on a level line", curveGlyphs(8, 24, 30, 36, wave(14)), true},
		{"arch", curveGlyphs(7, 24, 30, 36, func(x float64) float64 { return 250 + 0.004*(x-210)*(x-210) }), true},
		{"straight", curveGlyphs(8, 24, 30, 36, func(x float64) float64 { return 300 + 0.05*x }), false},
		{"three glyphs", curveGlyphs(3, 24, 30, 36, wave(40)), false},
		{"jumping about", curveGlyphs(8, 24, 30, 36, jumpy), false},
	} {
		g := make([]int, len(tc.cs))
		for i := range g {
			g[i] = i
		}
		c0, c1 := tc.cs[0], tc.cs[len(tc.cs)-1]
		r := region{x0: c0.x0, x1: c1.x1, y0: 1 << 30, glyphs: len(g), height: 30}
		for _, c := range tc.cs {
			r.y0, r.y1 = min(r.y0, c.y0), max(r.y1, c.y1)
		}
		r.slope, r.cx0, r.cy0, r.cx1, r.cy1 = centreLine(tc.cs, g)
		straight := upright(r) || straightLine(tc.cs, g, r)
		got := r
		if ok := curvedLine(tc.cs, g, &got, straight); ok != tc.curved {
			t.Errorf("%s: curved %v, want %v (straight %v)", tc.name, ok, tc.curved, straight)
			continue
		}
		if tc.curved && (got.curve == nil || got.slope != 0 || got.bottomDev > 0.05) {
			t.Errorf("%s: curve %v slope %g bottom spread %.3f", tc.name, got.curve, got.slope, got.bottomDev)
		}
	}
}

// TestUnwarp checks that unrolling a band along a curve stands a stroke
// drawn along the curve's normal upright: one column of the band holds
// all of it, whichever way the curve slopes there.
func TestUnwarp(t *testing.T) {
	for _, tc := range []struct {
		name string
		cv   *curve
		at   float64
	}{
		{"line down", &curve{x0: 200, sx: 100, lo: 100, hi: 300, c: []float64{250, 50}}, 200},
		{"line up", &curve{x0: 200, sx: 100, lo: 100, hi: 300, c: []float64{250, -50}}, 230},
		{"arch", &curve{x0: 200, sx: 100, lo: 100, hi: 300, c: []float64{250, 0, 30}}, 260},
	} {
		g := grayImage{w: 400, h: 400, pix: make([]uint8, 400*400)}
		for i := range g.pix {
			g.pix[i] = 255
		}
		y0, s := tc.cv.at(tc.at)
		n := math.Hypot(1, s)
		for d := 0.0; d < 40; d += 0.25 {
			x, y := tc.at+d*s/n, y0-d/n
			g.pix[int(y)*g.w+int(x)] = 0
		}
		band, back := unwarp(g, region{height: 30, curve: tc.cv}, 1, 0, 0, 1)
		lo, hi, rows := band.w, -1, 0
		for v := range band.h {
			dark := false
			for u := range band.w {
				if band.pix[v*band.w+u] < 160 {
					lo, hi, dark = min(lo, u), max(hi, u), true
				}
			}
			if dark {
				rows++
			}
		}
		if rows < 30 || hi-lo > 2 {
			t.Errorf("%s: the stroke spans columns %d-%d over %d rows, want one or two columns over 40", tc.name, lo, hi, rows)
			continue
		}
		// The band's column maps back onto the stroke's foot.
		if x, y := back(float64(lo+hi)/2+0.5, float64(band.h)); math.Hypot(x-tc.at, y-y0) > 30 {
			t.Errorf("%s: the band's foot maps to (%.0f, %.0f), want near (%.0f, %.0f)", tc.name, x, y, tc.at, y0)
		}
	}
}

// TestCurvedRegionsReal checks the finder on version 6's waved headline
// ("Throne", letters riding a sine curve; validation) at full size and
// as a thumbnail: a curved candidate line covers most of the headline's
// box, and its glyph bottoms spread less about its curve than the same
// chain's about a straight baseline (what the evidence of the straight
// reading suffered from). No reading: Tesseract is not run.
func TestCurvedRegionsReal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds version 6 of the real set")
	}
	det := testDetector(t, 1, Options{})
	n := 0
	for _, s := range loadReal(t, evalset.PartHeldOut6) {
		if !strings.HasPrefix(s.Name, "heldout6/pos-headline-06-") {
			continue
		}
		n++
		if len(s.Boxes) != 1 {
			t.Fatalf("%s: %d boxes, want the headline's", s.Name, len(s.Boxes))
		}
		fr := det.newFrame(toRGB(s.Image))
		var curved, straight []region
		var scale float64
		p := regionPasses[PassRegions]
		p.census = func(r region) bool {
			if r.curve != nil {
				curved = append(curved, r)
			} else if !r.quarter && !r.price {
				straight = append(straight, r)
			}
			return false
		}
		if _, sc, err := det.runRegions(nil, PassRegions, p, fr, nil); err != nil {
			t.Fatal(err)
		} else {
			scale = sc
		}
		b := s.Boxes[0]
		want := [4]int{int(float64(b.Min.X) * scale), int(float64(b.Min.Y) * scale), int(float64(b.Max.X) * scale), int(float64(b.Max.Y) * scale)}
		best, bestDev := 0.0, 0.0
		for _, r := range curved {
			if o := overlap([4]int{r.x0, r.y0, r.x1, r.y1}, want); o > best {
				best, bestDev = o, r.bottomDev
			}
		}
		if best < 0.6 {
			t.Errorf("%s: no curved line over the headline at %v (best overlap %.2f of %d curved lines)", s.Name, want, best, len(curved))
			continue
		}
		for _, r := range straight {
			if overlap([4]int{r.x0, r.y0, r.x1, r.y1}, want) >= 0.6 && r.bottomDev <= bestDev {
				t.Errorf("%s: a straight line over the headline spreads %.3f, the curved one %.3f", s.Name, r.bottomDev, bestDev)
			}
		}
	}
	if n != 2 {
		t.Fatalf("found %d of the 2 images of the waved headline", n)
	}
}
