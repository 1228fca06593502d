package ocr

import (
	"context"
	"os"
	"testing"
)

// TestGlyphSupport: lone strong words read in texture stand on no glyphs,
// lone words of real text on their letters. The fixtures are scenes of the
// demo (cmd/curate/demodata, 160x120): drawn window panes Tesseract read
// "Fars" at 74, pink bokeh read "Bast" at 70, a grid of lit windows read
// "ware" at 65, each of which decided "has text" alone before the support
// rule; and a caption "SALE" read at 96 as the only word. Each text-free
// scene must still read a word strong enough to decide alone by
// confidence (else the test would prove nothing about the rule), and be
// judged text-free; the caption must be found, standing on its 4 letters.
// Since the regions passes skip lines of little evidence and local/otsu
// are skipped without line evidence (detector.go, lineGated), the default
// passes no longer read "ware" (otsu is skipped) or "Bast" (its line is
// not read): the lit windows are run through otsu alone, which still
// reads "ware", and the bokeh is only checked to stay text-free.
func TestGlyphSupport(t *testing.T) {
	for _, c := range []struct {
		file     string
		hasText  bool
		passes   []string // nil: the defaults
		noStrong bool     // no strong word is read any more: only the verdict is checked
	}{
		{"demo-window-panes.jpg", false, nil, false},
		{"demo-bokeh.jpg", false, nil, true},
		{"demo-lit-windows.jpg", false, []string{PassOtsu}, false},
		{"demo-sale.jpg", true, nil, false},
	} {
		t.Run(c.file, func(t *testing.T) {
			det := testDetector(t, 1, Options{Passes: c.passes})
			data, err := os.ReadFile("testdata/" + c.file)
			if err != nil {
				t.Fatal(err)
			}
			v, err := det.DetectBytes(context.Background(), data)
			if err != nil {
				t.Fatal(err)
			}
			if v.HasText != c.hasText {
				t.Fatalf("has text %v, want %v: %+v", v.HasText, c.hasText, v.Words)
			}
			col, err := decodeRGB(data)
			if err != nil {
				t.Fatal(err)
			}
			fr := det.newFrame(col)
			strong := 0
			for _, w := range v.Words {
				if w.Reject != "" || alnumCount(w.Text) < det.opts.StrongChars || w.Conf < det.opts.StrongConfidence {
					continue
				}
				strong++
				n := fr.support(w.Box)
				switch {
				case !c.hasText && n >= minSupport:
					t.Errorf("%q@%.0f at %v stands on %d glyphs, want under %d", w.Text, w.Conf, w.Box, n, minSupport)
				case c.hasText && w.Decisive && n != alnumCount(w.Text):
					t.Errorf("%q at %v stands on %d glyphs, want its %d letters", w.Text, w.Box, n, alnumCount(w.Text))
				}
			}
			if strong == 0 && !c.noStrong {
				t.Errorf("no word strong enough to decide alone by confidence: %+v", v.Words)
			}
		})
	}
}
