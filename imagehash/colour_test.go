package imagehash

import (
	"image"
	"image/color"
	"testing"
)

// tinted is a flat 160x120 picture: a smooth luma ramp (vertical, or
// horizontal when across) with the chroma (Cb, Cr) of its left half and of
// its right half, brightness scaled by gain.
func tinted(across bool, left, right [2]uint8, gain float64) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 160, 120))
	for y := range 120 {
		for x := range 160 {
			l := 60 + y
			if across {
				l = 60 + x*3/4
			}
			c := left
			if x >= 80 {
				c = right
			}
			r, g, b := color.YCbCrToRGB(uint8(l), c[0], c[1])
			sc := func(v uint8) uint8 { return uint8(min(255, float64(v)*gain+0.5)) }
			img.SetRGBA(x, y, color.RGBA{sc(r), sc(g), sc(b), 255})
		}
	}
	return img
}

// mirrorImage is img flipped left to right.
func mirrorImage(img *image.RGBA) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			out.SetRGBA(b.Max.X-1-(x-b.Min.X), y, img.RGBAAt(x, y))
		}
	}
	return out
}

// TestFlatColour checks that flat images of the same luma layout match
// only when their colours agree or one of them is grey.
func TestFlatColour(t *testing.T) {
	blue, orange, grey := [2]uint8{165, 110}, [2]uint8{90, 170}, [2]uint8{128, 128}
	sky := tinted(false, blue, blue, 1)
	split := tinted(true, blue, orange, 1)
	cases := []struct {
		name   string
		a, b   *image.RGBA
		mirror bool
		want   bool
	}{
		{"a copy 10% brighter", sky, tinted(false, blue, blue, 1.1), false, true},
		{"its grayscale copy", sky, tinted(false, grey, grey, 1), false, true},
		{"the same ramp in orange", sky, tinted(false, orange, orange, 1), false, false},
		{"the same ramp half orange", sky, tinted(false, blue, orange, 1), false, false},
		{"its mirror image, flips on", split, mirrorImage(split), true, true},
		{"its colours swapped, flips on", split, mirrorImage(tinted(true, orange, blue, 1)), true, false},
		{"its colours swapped", split, tinted(true, orange, blue, 1), false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, b := Sign(c.a), Sign(c.b)
			if !a.Full.Flat() || !b.Full.Flat() {
				t.Fatalf("want flat pictures: sure bits %d, %d; spread %d, %d", a.Full.Sure, b.Full.Sure, a.Full.Spread, b.Full.Spread)
			}
			match := MatchWhole
			if c.mirror {
				match = MatchMirror
			}
			if got := match(&a, &b, 10); got != c.want {
				t.Errorf("match = %v, want %v (colour difference %.2f, Shape correlation %.3f)",
					got, c.want, ColourDiff(&a, &b, c.mirror), ShapeCorrelation(&a, &b, c.mirror))
			}
		})
	}
}

// TestWindowColourAgree checks the crop rule's colour verification: a crop
// of a purple-to-yellow radial gradient has the colours of its window, a
// dull brown radial gradient does not, though the window's mean chroma (its
// purple and yellow cancel) lies as near the brown's as a copy's would.
func TestWindowColourAgree(t *testing.T) {
	purple := ramp(true, 150, [3]float64{90, 40, 160}, [3]float64{200, 230, 60})
	brown := ramp(true, 135, [3]float64{90, 70, 50}, [3]float64{200, 190, 170})
	const w = 13
	win := Windows[w]
	b := purple.Bounds()
	crop := purple.SubImage(image.Rect(int(win.X0*float64(b.Dx())), int(win.Y0*float64(b.Dy())),
		int(win.X1*float64(b.Dx())), int(win.Y1*float64(b.Dy()))))
	o, c, br := Sign(reencode(t, purple, 90)), Sign(reencode(t, crop, 90)), Sign(reencode(t, brown, 90))
	if !WindowColourAgree(&c, &o, win) {
		d, size := WindowChromaDiff(&c, &o, win)
		t.Errorf("a crop and its window: WindowColourAgree = false, want true (chroma %.2f apart of %.2f)", d, size)
	}
	if WindowColourAgree(&br, &o, win) {
		d, size := WindowChromaDiff(&br, &o, win)
		t.Errorf("a brown gradient and a purple one's window: WindowColourAgree = true, want false (chroma %.2f apart of %.2f)", d, size)
	}
}
