package ocr

import (
	"context"
	"image"
	"image/color"
	"image/draw"
	"math"
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

// turnedCaption draws text as captioned does (DejaVu Sans Bold, white),
// px high, turned deg degrees (descending to the right for positive deg)
// with its centre at (cx, cy) on a copy of img, and returns the copy and
// the word's box as the detector reports a word read on a turned line
// (mapWordsBack: the word's size along the line, centred on the word).
func turnedCaption(t *testing.T, img image.Image, text string, px, deg float64, cx, cy int) (*image.RGBA, [4]int) {
	t.Helper()
	// The level word, white on black (captioned), is the mask to turn.
	n := len(text)
	pad := int(px)
	black := image.NewRGBA(image.Rect(0, 0, n*int(px)+2*pad, 3*int(px)+2*pad))
	for k := 3; k < len(black.Pix); k += 4 {
		black.Pix[k] = 255
	}
	level, ink := captioned(t, black, text, px, image.Pt(pad, pad+2*int(px)))
	mask := image.NewGray(black.Rect)
	for k := range mask.Pix {
		mask.Pix[k] = level.Pix[4*k]
	}
	ink = ink.Intersect(mask.Rect)
	m := grayImage{w: mask.Rect.Dx(), h: mask.Rect.Dy(), pix: mask.Pix}
	rot, _ := m.rotate(-deg, 0)
	out := image.NewRGBA(img.Bounds())
	draw.Draw(out, out.Bounds(), img, img.Bounds().Min, draw.Src)
	ox, oy := cx-rot.w/2, cy-rot.h/2
	for y := range rot.h {
		for x := range rot.w {
			a := uint32(rot.pix[y*rot.w+x])
			if a == 0 || !image.Pt(ox+x, oy+y).In(out.Rect) {
				continue
			}
			r, g, bb, _ := out.At(ox+x, oy+y).RGBA()
			mix := func(v uint32) uint8 { return uint8(((v>>8)*(255-a) + 255*a) / 255) }
			out.SetRGBA(ox+x, oy+y, color.RGBA{mix(r), mix(g), mix(bb), 255})
		}
	}
	// The ink box's centre, turned with the mask.
	fx, fy := turnPoint(m, rot, -deg, float64(ink.Min.X)+float64(ink.Dx())/2, float64(ink.Min.Y)+float64(ink.Dy())/2)
	wx, wy := float64(ox)+fx, float64(oy)+fy
	return out, [4]int{int(wx - float64(ink.Dx())/2), int(wy - float64(ink.Dy())/2), int(wx + float64(ink.Dx())/2 + 0.999), int(wy + float64(ink.Dy())/2 + 0.999)}
}

// TestSupportAlong: a word on a turned line (24, -30, 38 degrees) stands
// on its letters when its support is measured along the line
// (supportAlong, with the slope of the chain it was read on), where
// measured upright, as every word was before, it stood on fewer than
// minSupport at some angle: the turned letters leave the box at its ends
// and their upright boxes outgrow the word's height. On photos without
// text (grass, gravel, brick: scikit-image's samples) boxes measured along
// those slopes reach minSupport no more often than upright ones, and a
// level word's support is its upright support.
func TestSupportAlong(t *testing.T) {
	det := testDetector(t, 1, Options{})
	const word = "NORTHERN"
	missed := 0 // angles where upright support is under minSupport
	for _, deg := range []float64{24, -30, 38} {
		img, box := turnedCaption(t, skimagePhoto(t, "coffee.png"), word, 26, deg, 505, 330)
		fr := det.newFrame(toRGB(img))
		slope := math.Tan(deg * math.Pi / 180)
		up, along := fr.support(box), fr.supportAlong(box, slope)
		t.Logf("%g degrees: box %v, support upright %d, along the line %d", deg, box, up, along)
		if along < len(word)-2 {
			t.Errorf("%g degrees: %q at %v stands on %d glyphs along its line, want %d or more", deg, word, box, along, len(word)-2)
		}
		if up < minSupport {
			missed++
		}
	}
	if missed == 0 {
		t.Errorf("%q stands on %d glyphs upright at every angle: the fixture no longer shows what upright support misses", word, minSupport)
	}
	// Photos without text: over a grid of places, the box and slopes
	// above stand on minSupport glyphs along the line no more often than
	// upright (support on fine texture is weak either way: gravel's
	// pebbles chain under an upright box too; the word rules and
	// Tesseract's confidence keep texture out, support only adds to them).
	for _, bg := range []string{"grass.png", "gravel.png", "brick.png"} {
		fb := det.newFrame(toRGB(skimagePhoto(t, bg)))
		up, along := 0, 0
		for y := 40; y+40 < fb.native.h; y += 60 {
			for x := 100; x+100 < fb.native.w; x += 80 {
				b := [4]int{x - 80, y - 11, x + 80, y + 11}
				if fb.support(b) >= minSupport {
					up++
				}
				for _, deg := range []float64{24, -30, 38} {
					if fb.supportAlong(b, math.Tan(deg*math.Pi/180)) >= minSupport {
						along++
					}
				}
			}
		}
		t.Logf("%s: boxes on %d glyphs or more: upright %d, along three slopes %d (/3 %.1f)", bg, minSupport, up, along, float64(along)/3)
		if along > 3*up {
			t.Errorf("%s (no text): %d boxes stand on %d glyphs along three slopes, more than three times the %d upright", bg, along, minSupport, up)
		}
	}
	img, box := turnedCaption(t, skimagePhoto(t, "coffee.png"), word, 26, 0, 505, 330)
	fr := det.newFrame(toRGB(img))
	if up, along := fr.support(box), fr.supportAlong(box, math.Tan(1*math.Pi/180)); along != up || up < len(word)-2 {
		t.Errorf("level %q at %v: support along %d, upright %d; want equal, %d or more", word, box, along, up, len(word)-2)
	}
}
