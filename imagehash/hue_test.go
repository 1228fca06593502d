package imagehash

import (
	"image"
	"image/color"
	"testing"
)

// tiled is a 160x120 red picture with a grey band and 12x12 tiles of the
// colour tile on a regular grid (about 8% of the pixels), as a game level
// or a chart drawn twice in other colours is; brightness scaled by gain.
func tiled(tile color.RGBA, gain float64) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 160, 120))
	for y := range 120 {
		for x := range 160 {
			c := color.RGBA{200, 30, 30, 255}
			switch {
			case x%40 >= 14 && x%40 < 26 && y%30 >= 9 && y%30 < 21 && (x/40+y/30)%2 == 0:
				c = tile
			case y >= 50 && y < 70 || x >= 70 && x < 90:
				c = color.RGBA{128, 128, 128, 255}
			}
			sc := func(v uint8) uint8 { return uint8(min(255, float64(v)*gain+0.5)) }
			img.SetRGBA(x, y, color.RGBA{sc(c.R), sc(c.G), sc(c.B), 255})
		}
	}
	return img
}

// TestHueAgree checks the hue test of whole and crop matches: a picture
// matches its brighter, grey and JPEG copies and its crop, but not the same
// layout whose tiles are blue where they were green, which the Colour grid
// accepts.
func TestHueAgree(t *testing.T) {
	green, blue := color.RGBA{40, 140, 40, 255}, color.RGBA{80, 90, 230, 255}
	orig := tiled(green, 1)
	grey := image.NewRGBA(orig.Bounds())
	for i := 0; i < len(orig.Pix); i += 4 {
		l := uint8((19595*uint32(orig.Pix[i]) + 38470*uint32(orig.Pix[i+1]) + 7471*uint32(orig.Pix[i+2]) + 1<<15) >> 16)
		grey.Pix[i], grey.Pix[i+1], grey.Pix[i+2], grey.Pix[i+3] = l, l, l, 255
	}
	cases := []struct {
		name   string
		b      image.Image
		colour bool // ColourAgree's answer
		want   bool
	}{
		{"its JPEG q50 copy", reencode(t, orig, 50), true, true},
		{"a copy 10% brighter", tiled(green, 1.1), true, true},
		{"its grey copy", grey, true, true},
		{"its tiles blue", tiled(blue, 1), true, false},
	}
	a := Sign(orig)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := Sign(c.b)
			if got := ColourAgree(&a, &b, false); got != c.colour {
				t.Errorf("ColourAgree = %v, want %v (difference %.2f)", got, c.colour, ColourDiff(&a, &b, false))
			}
			if got := HueAgree(&a, &b); got != c.want {
				t.Errorf("HueAgree = %v, want %v (hues %v, %v; kept %.2f, %.2f)", got, c.want, a.Hues, b.Hues,
					HueKept(&a.Hues, &b.Hues), HueKept(&b.Hues, &a.Hues))
			}
		})
	}
	// A crop that leaves the tiles out keeps its hues in the original, but
	// the original's tiles are not in it: a crop may lose a hue, not gain one.
	crop := Sign(cropped(tiled(green, 1), 0.3))
	if !HueCropAgree(&crop, &a) {
		t.Errorf("a crop of the picture: HueCropAgree false (hues %v, %v)", crop.Hues, a.Hues)
	}
	recoloured := Sign(tiled(blue, 1))
	if HueCropAgree(&recoloured, &a) || HueCropAgree(&a, &recoloured) {
		t.Errorf("the blue-tiled picture as a crop of the green one, or the other way: HueCropAgree true (hues %v, %v)", recoloured.Hues, a.Hues)
	}
}

// TestHueKept checks HueKept on hand-made Hues: a hue moved by one sector
// is kept, one moved by two is not, small shares are not looked at, and a
// grey image (no hues) keeps everything of another.
func TestHueKept(t *testing.T) {
	cases := []struct {
		name string
		x, y Hues
		want float64
	}{
		{"the same", Hues{0, 0, 100, 0, 0, 0, 0, 0}, Hues{0, 0, 100, 0, 0, 0, 0, 0}, 1},
		{"moved a sector", Hues{0, 0, 100, 0, 0, 0, 0, 0}, Hues{0, 0, 0, 100, 0, 0, 0, 0}, 1},
		{"moved two sectors", Hues{0, 0, 100, 0, 0, 0, 0, 0}, Hues{0, 0, 0, 0, 100, 0, 0, 0}, 0},
		{"half of it", Hues{0, 0, 100, 0, 0, 0, 0, 0}, Hues{0, 0, 50, 0, 0, 0, 0, 0}, 0.5},
		{"a share under HueShare", Hues{0, 0, 6, 6, 0, 0, 0, 0}, Hues{}, 2},
		{"across sector 0", Hues{50, 0, 0, 0, 0, 0, 0, 50}, Hues{0, 0, 0, 0, 0, 0, 0, 100}, 1},
		{"across sector 0, two sectors off", Hues{50, 0, 0, 0, 0, 0, 0, 50}, Hues{0, 0, 0, 0, 0, 0, 100, 0}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := HueKept(&c.x, &c.y)
			if c.want == 2 {
				if got < 1e9 {
					t.Errorf("HueKept = %v, want +Inf", got)
				}
				return
			}
			if got < c.want-1e-9 || got > c.want+1e-9 {
				t.Errorf("HueKept = %v, want %v", got, c.want)
			}
		})
	}
}
