package ocr

import (
	"context"
	"strings"
	"testing"

	"github.com/curate-ml/curate/ocr/internal/evalset"
)

// box is a glyph-like component at x0, y0 of w x h with strokes of about
// stroke px.
func box(x0, y0, w, h int, stroke float64) component {
	area := int(stroke * float64(w+h))
	return component{x0: x0, y0: y0, x1: x0 + w, y1: y0 + h, area: area, boundary: w + h}
}

// TestRaisedPrices checks the raised-cents pattern on glyph boxes laid
// out as version 6's price tags set them (big units, small cents hanging
// from their top line, a small currency sign before them): "$ 88 50" and
// "€ 1 49" are one candidate each, in reading order; cents on the
// baseline, cents as big as the units, one small glyph after the units
// and a lone big glyph are none.
func TestRaisedPrices(t *testing.T) {
	big := func(x int) component { return box(x, 100, 48, 66, 10) }
	small := func(x, y int) component { return box(x, y, 22, 30, 5) }
	for _, tc := range []struct {
		name   string
		cs     []component
		glyphs int // 0: no candidate
	}{
		{"$ 88 50", []component{small(60, 100), big(90), big(145), small(205, 102), small(230, 102)}, 5},
		{"€ 1 49", []component{small(60, 104), box(92, 98, 26, 66, 9), small(130, 104), small(155, 104)}, 4},
		{"88 50 without a sign", []component{big(90), big(145), small(205, 102), small(230, 102)}, 4},
		{"cents on the baseline", []component{big(90), big(145), small(205, 136), small(230, 136)}, 0},
		{"cents as big as the units", []component{big(90), big(145), big(205), big(260)}, 0},
		{"one small glyph", []component{big(90), big(145), small(205, 102)}, 0},
		{"a lone big glyph", []component{big(90)}, 0},
	} {
		rs := raisedPrices(tc.cs, 5)
		if tc.glyphs == 0 {
			if len(rs) != 0 {
				t.Errorf("%s: %d candidates, want none: %+v", tc.name, len(rs), rs)
			}
			continue
		}
		if len(rs) != 1 || rs[0].glyphs != tc.glyphs || !rs[0].price || len(rs[0].glyphBoxes) != tc.glyphs {
			t.Errorf("%s: %+v, want one price of %d glyphs", tc.name, rs, tc.glyphs)
			continue
		}
		for i := 1; i < len(rs[0].glyphBoxes); i++ {
			if rs[0].glyphBoxes[i][0] <= rs[0].glyphBoxes[i-1][0] {
				t.Errorf("%s: glyphs out of reading order: %v", tc.name, rs[0].glyphBoxes)
			}
		}
	}
}

// TestRaisedPriceRead reads version 6's two raised-cents price tags
// (validation; "$88.50" and "€1.49", full size and thumbnail) through the
// regions pass: a raised-cents candidate is read as one price word of
// StrongConfidence that the word rules take (Tesseract read "$QQ50" at
// 59 on the tag read as one line, and nothing on the other), and the
// detector finds text there.
func TestRaisedPriceRead(t *testing.T) {
	if testing.Short() {
		t.Skip("builds version 6 of the real set")
	}
	want := map[string]string{"heldout6/pos-price-04": "$8850", "heldout6/pos-price-05": "€149"}
	det := testDetector(t, 2, Options{})
	c, err := det.pool.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer det.pool.Put(c)
	n := 0
	for _, s := range loadReal(t, evalset.PartHeldOut6) {
		text, ok := want[strings.TrimSuffix(strings.TrimSuffix(s.Name, "-full"), "-thumb")]
		if !ok {
			continue
		}
		n++
		fr := det.newFrame(toRGB(s.Image))
		var j judge
		j.init(det.opts, fr.native.w, fr.native.h)
		p := regionPasses[PassRegions]
		p.census = func(r region) bool { return r.price }
		best := rawWord{}
		_, _, err := det.runRegions(c, PassRegions, p, fr, func(r region, ws []rawWord, scale float64) bool {
			for _, w := range ws {
				if j.rule(strings.TrimSpace(w.text), w.conf, wordBox(w, scale)) == "" && w.conf > best.conf {
					best = w
				}
			}
			return false
		})
		if err != nil {
			t.Fatal(err)
		}
		if !priceWord(best.text) || best.conf < det.opts.StrongConfidence || best.text != text {
			t.Errorf("%s: the raised-cents candidate read %q@%.0f, want the price word %q from %.0f", s.Name, best.text, best.conf, text, det.opts.StrongConfidence)
		}
		v, err := det.Detect(context.Background(), s.Image)
		if err != nil {
			t.Fatal(err)
		}
		if !v.HasText {
			t.Errorf("%s: no text found: %+v", s.Name, v)
		}
	}
	if n != 4 {
		t.Fatalf("found %d of the 4 price images", n)
	}
}
