package imagehash

import (
	"image"
	"image/color"
	"math/rand/v2"
	"testing"
)

// paper is a near-uniform grain: noise blurred over 3x3 pixels, a few grey
// levels about 200 (a Plain with a Fine, as heldout7's papers are).
func paper(seed uint64, w, h int) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, 1))
	noise := make([]float64, w*h)
	for k := range noise {
		noise[k] = rng.NormFloat64()
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			s, n := 0.0, 0
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					if xx, yy := x+dx, y+dy; xx >= 0 && yy >= 0 && xx < w && yy < h {
						s, n = s+noise[yy*w+xx], n+1
					}
				}
			}
			v := uint8(200 + 9*s/float64(n))
			img.Set(x, y, color.RGBA{v, v, v, 255})
		}
	}
	return img
}

// transformed is img cropped by frac of each side and, when mirror is set,
// flipped left to right.
func transformed(img *image.RGBA, frac float64, mirror bool) *image.RGBA {
	b := img.Bounds()
	dx, dy := int(frac*float64(b.Dx())), int(frac*float64(b.Dy()))
	out := image.NewRGBA(image.Rect(0, 0, b.Dx()-2*dx, b.Dy()-2*dy))
	for y := range out.Bounds().Dy() {
		for x := range out.Bounds().Dx() {
			sx := x
			if mirror {
				sx = out.Bounds().Dx() - 1 - x
			}
			out.Set(x, y, img.At(sx+dx, y+dy))
		}
	}
	return out
}

func TestMatchTexture(t *testing.T) {
	orig := paper(1, 220, 220)
	so := Sign(orig)
	if so.Plain == nil || so.Fine == nil || !so.Full.Flat() {
		t.Fatalf("the paper is not a flat near-uniform texture: Plain %v Fine %v flat %v", so.Plain != nil, so.Fine != nil, so.Full.Flat())
	}
	for _, tc := range []struct {
		name  string
		img   *image.RGBA
		flips bool
		want  bool
	}{
		{"crop5", transformed(orig, 0.05, false), false, true},
		{"crop15", transformed(orig, 0.15, false), false, true},
		{"mirror with flips", transformed(orig, 0, true), true, true},
		{"mirror without flips", transformed(orig, 0, true), false, false},
		{"another paper of the same grain", paper(2, 220, 220), true, false},
		{"a tile of another paper", transformed(paper(3, 220, 220), 0.05, false), true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := Sign(tc.img)
			if got := MatchTexture(&sc, &so, tc.flips); got != tc.want {
				t.Errorf("MatchTexture = %v (%q, correlation %.2f), want %v", got, TextureMismatch(&sc, &so, tc.flips),
					TextureCorrelation(&sc, &so, tc.flips), tc.want)
			}
		})
	}
}
