package imagehash

import (
	"image"
	"image/color"
	"math/rand/v2"
	"testing"
)

// poster is a 220x165 template poster: a plain dark background and a line
// of 14 "letters" across the middle, each a random 4x6 glyph of 3-px cells
// (by seed), as a template with other words has.
func poster(seed uint64, bright float64) *image.RGBA {
	const w, h = 220, 165
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetRGBA(x, y, color.RGBA{20, 20, 20, 255})
		}
	}
	v := uint8(min(255, 90*bright))
	rng := rand.New(rand.NewPCG(seed, 3))
	for l := range 14 {
		for cy := range 6 {
			for cx := range 4 {
				if rng.IntN(2) == 0 {
					continue
				}
				for y := 64 + 3*cy; y < 67+3*cy; y++ {
					for x := 26 + 12*l + 3*cx; x < 29+12*l+3*cx; x++ {
						img.SetRGBA(x, y, color.RGBA{v, v, v, 255})
					}
				}
			}
		}
	}
	return img
}

// stars is a 220x165 star field: 150 points of 2x2 px at random places
// (by seed) on black.
func stars(seed uint64) *image.RGBA {
	const w, h = 220, 165
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetRGBA(x, y, color.RGBA{2, 2, 2, 255})
		}
	}
	rng := rand.New(rand.NewPCG(seed, 5))
	for range 150 {
		x, y, s := rng.IntN(w-2), rng.IntN(h-2), 2
		for dy := range s {
			for dx := range s {
				img.SetRGBA(x+dx, y+dy, color.RGBA{200, 200, 200, 255})
			}
		}
	}
	return img
}

// TestFineAgree checks the fine-structure verification of near-uniform
// images: a poster's copy (brightened, bordered) and a star field's copy
// keep their fine structure; a poster of the same template with other
// words, and another star field, do not, though both are near-uniform
// images of one layout and luma.
func TestFineAgree(t *testing.T) {
	for _, c := range []struct {
		name string
		a, b image.Image
		want bool
	}{
		{"poster and its brightened copy", poster(1, 1), poster(1, 1.1), true},
		{"poster and its bordered copy", poster(1, 1), bordered(poster(1, 1)), true},
		{"posters of one template, other words", poster(1, 1), poster(2, 1), false},
		{"star field and its bordered copy", stars(1), bordered(stars(1)), true},
		{"two star fields", stars(1), stars(2), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, b := Sign(c.a), Sign(c.b)
			if a.Fine == nil || b.Fine == nil {
				t.Fatalf("no Fine (Plain %v, %v): near-uniform images keep one", a.Plain != nil, b.Plain != nil)
			}
			if min(a.Fine.Level, b.Fine.Level) < FineLevel {
				t.Fatalf("Fine levels %.2f, %.2f: under FineLevel, nothing to compare", a.Fine.Level, b.Fine.Level)
			}
			corr := FineCorrelation(&a, whole, false, &b, whole)
			if got := FineAgree(&a, whole, false, &b, whole); got != c.want {
				t.Errorf("FineAgree = %v, want %v (correlation %.3f)", got, c.want, corr)
			}
		})
	}
}
