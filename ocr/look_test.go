package ocr

import (
	"context"
	"image"
	"os"
	"testing"
)

// TestTrimmedBox: the glyphs at a chain's ends that a wide gap parts from
// the rest, or that sit on neither its top nor its bottom line, are left
// out of the box a second look reads; letters are never dropped, and a
// chain with nothing to drop (or too short, or too steep) has no trimmed
// box. The first case is the chain of a meme thumbnail's "JOURNAL
// BACKPACK" (testdata/journal-backpack-thumb.png, searched upscaled): a
// bird 44x37 at its left, 31 px before a speck of ice beside the "J".
func TestTrimmedBox(t *testing.T) {
	letters := func(x0, y0, n, step, w, h int) []component {
		var cs []component
		for i := range n {
			x := x0 + i*step
			cs = append(cs, component{x, y0, x + w, y0 + h, w * h / 2, 2 * h})
		}
		return cs
	}
	with := func(a []component, b ...component) []component { return append(append([]component(nil), a...), b...) }
	line := letters(152, 178, 15, 22, 18, 27)
	for _, c := range []struct {
		name string
		cs   []component
		want [4]int // zero: nothing trimmed
	}{
		{"bird at the left end", with(line, component{53, 160, 97, 197, 780, 200}, component{128, 178, 147, 201, 200, 60}), [4]int{128, 178, 478, 205}},
		{"blob off both lines at the right end", with(line, component{480, 160, 500, 192, 300, 80}), [4]int{152, 178, 478, 205}},
		{"a clean line", line, [4]int{}},
		{"descenders and ascenders stay", with(letters(152, 178, 6, 22, 18, 27), component{284, 185, 302, 214, 260, 90}, component{306, 170, 324, 205, 300, 90}), [4]int{}},
		{"three glyphs", letters(152, 178, 3, 22, 18, 27), [4]int{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			rs := chainLines(c.cs, 3)
			if len(rs) != 1 {
				t.Fatalf("%d lines, want 1: %+v", len(rs), rs)
			}
			if rs[0].trim != c.want {
				t.Errorf("trimmed box %v, want %v (line %v)", rs[0].trim, c.want, [4]int{rs[0].x0, rs[0].y0, rs[0].x1, rs[0].y1})
			}
		})
	}
	// A steep line (a diagonal watermark) is read as its band: no trim.
	var steep []component
	for i := range 6 {
		x, y := 100+i*20, 100+i*10
		steep = append(steep, component{x, y, x + 16, y + 24, 190, 70})
	}
	steep = append(steep, component{240, 90, 260, 120, 300, 80})
	for _, r := range chainLines(steep, 3) {
		if r.trim != [4]int{} && slopeDeg(r.slope) >= minBandDeg {
			t.Errorf("steep line at %.1f degrees trimmed to %v", slopeDeg(r.slope), r.trim)
		}
	}
}

// TestSecondLook: 220-px thumbnails of version 4's validation part that
// the default passes missed until a candidate line of strong evidence
// that did not decide was looked at a second time (regions.go,
// lookAgain). journal-backpack-thumb.png: tuxtype-data's
// /usr/share/tuxtype/images/kcas0.jpg (an iceberg) with a white caption
// outlined in purple; its line chained a bird and ice at its left, and
// one-line Tesseract read "OURNALBACKPACK?" at 0, the trimmed line
// "BACKPACK?" at 67. sketch-hollow-thumb.png: endless-sky-data's
// /usr/share/games/endless-sky/images/land/badlands1.jpg with a green
// headline; "HOLLOW" at 59, the trimmed line "HOLLO'" at 61. Each must
// be found by a word centred in the drawn caption.
func TestSecondLook(t *testing.T) {
	det := testDetector(t, 1, Options{})
	for _, c := range []struct {
		file string
		box  image.Rectangle // the caption as drawn, thumbnail pixels
	}{
		{"journal-backpack-thumb.png", image.Rect(51, 60, 169, 71)},
		{"sketch-hollow-thumb.png", image.Rect(8, 62, 129, 74)},
	} {
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile("testdata/" + c.file)
			if err != nil {
				t.Fatal(err)
			}
			v, err := det.DetectBytes(context.Background(), data)
			if err != nil {
				t.Fatal(err)
			}
			if !v.HasText {
				t.Fatalf("no text found: %+v", v.Words)
			}
			for _, w := range v.Words {
				centre := image.Pt((w.Box[0]+w.Box[2])/2, (w.Box[1]+w.Box[3])/2)
				if w.Decisive && !centre.In(c.box) {
					t.Errorf("decisive %q at %v lies outside the caption %v", w.Text, w.Box, c.box)
				}
			}
		})
	}
}
