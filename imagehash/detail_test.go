package imagehash

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"testing"
)

// mottled is a flat grey 220x165 picture: a faint vertical ramp with a
// faint ripple placed by seed (none when seed is 0): six waves of 5 to 7
// cycles across, finer than the pHash's lowest 8x8 DCT frequencies (under 4
// cycles) but coarse enough for Detail's 16x16 samples, as fog or a studio
// wall has; brightness scaled by gain.
func mottled(seed uint64, gain float64) *image.RGBA {
	const w, h = 220, 165
	type wave struct{ fx, fy, phase float64 }
	var waves []wave
	if seed != 0 {
		rng := rand.New(rand.NewPCG(seed, 1))
		for range 6 {
			sign := float64(1 - 2*rng.IntN(2))
			waves = append(waves, wave{float64(5 + rng.IntN(3)), sign * float64(5+rng.IntN(3)), rng.Float64() * 2 * math.Pi})
		}
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			l := 100 + 20*float64(y)/h
			for _, v := range waves {
				l += 2.5 * math.Cos(2*math.Pi*(v.fx*float64(x)/w+v.fy*float64(y)/h)+v.phase)
			}
			v := uint8(min(255, math.Round(l*gain)))
			img.SetRGBA(x, y, color.RGBA{v, v, v, 255})
		}
	}
	return img
}

// reencode is img through JPEG at quality q.
func reencode(t *testing.T, img image.Image, q int) image.Image {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	out, err := jpeg.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// cropped is img without frac of each side.
func cropped(img *image.RGBA, frac float64) *image.RGBA {
	b := img.Bounds()
	dx, dy := int(frac*float64(b.Dx())), int(frac*float64(b.Dy()))
	r := image.Rect(0, 0, b.Dx()-2*dx, b.Dy()-2*dy)
	out := image.NewRGBA(r)
	draw.Draw(out, r, img, image.Pt(dx, dy), draw.Src)
	return out
}

// TestFlatDetail checks that flat grey pictures of one luma layout (the
// same ramp: Shape, luma statistics and colour agree) match when one is a
// copy of the other under the edit list's edits, and not when their faint
// ripple differs, which hashes, Shape, statistics and colour all accept.
func TestFlatDetail(t *testing.T) {
	fog := mottled(1, 1)
	cases := []struct {
		name   string
		b      image.Image
		mirror bool
		want   bool
	}{
		{"a JPEG q50 copy", reencode(t, fog, 50), false, true},
		{"a copy 10% brighter", mottled(1, 1.1), false, true},
		{"a 5% crop", cropped(fog, 0.05), false, true},
		{"its mirror image, flips on", mirrorImage(fog), true, true},
		{"another ripple on the same ramp", mottled(2, 1), false, false},
		{"a third ripple", mottled(3, 1), false, false},
		{"another ripple, flips on", mirrorImage(mottled(2, 1)), true, false},
	}
	a := Sign(fog)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := Sign(c.b)
			if !a.Full.Flat() || !b.Full.Flat() {
				t.Fatalf("want flat pictures: sure bits %d, %d; spread %d, %d", a.Full.Sure, b.Full.Sure, a.Full.Spread, b.Full.Spread)
			}
			corr, spread := DetailCorrelation(&a, &b, c.mirror)
			match := MatchWhole
			if c.mirror {
				match = MatchMirror
			}
			if got := match(&a, &b, 10); got != c.want {
				t.Errorf("match = %v, want %v (Detail correlation %.3f, residual %.2f levels; Shape %.3f)",
					got, c.want, corr, spread, ShapeCorrelation(&a, &b, c.mirror))
			}
			// Without the Detail check the hashes, Shape and colour would
			// accept the distinct pictures too: the cue is what decides.
			if !c.want {
				a2, b2 := a, b
				a2.Detail, b2.Detail = nil, nil
				if !match(&a2, &b2, 10) {
					t.Errorf("does not match without Detail either: the case does not test the cue (P distance %d, stats %v %v / %v, Shape %.3f)",
						a.Full.P.Distance(b.Full.P), a.Full.StatsAgree(b.Full), a.Full, b.Full, ShapeCorrelation(&a, &b, c.mirror))
				}
			}
		})
	}
	// Plain ramps have no structure left: Detail abstains.
	p, q := Sign(mottled(0, 1)), Sign(mottled(0, 1.1))
	if !MatchWhole(&p, &q, 10) {
		c, s := DetailCorrelation(&p, &q, false)
		t.Errorf("plain ramp and its brighter copy do not match (Detail %.3f, residual %.2f)", c, s)
	}
}
