package imagehash

import (
	"image"
	"image/color"
	"math"
	"testing"
)

// ramp is a 220x165 gradient from c0 to c1 as scripts/dedup_editset.py
// draws its gradients: linear along angle (degrees), or radial about a
// centre 0.3 of the way out towards angle, in coordinates that run over
// -0.5..0.5 on each side.
func ramp(radial bool, angle float64, c0, c1 [3]float64) *image.RGBA {
	const w, h = 220, 165
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	ca, sa := math.Cos(angle*math.Pi/180), math.Sin(angle*math.Pi/180)
	for y := range h {
		for x := range w {
			u, v := float64(x)/(w-1)-0.5, float64(y)/(h-1)-0.5
			t := min(1, max(0, (u*ca+v*sa)/1.2+0.5))
			if radial {
				t = min(1, math.Hypot(u+0.3*ca, v+0.3*sa)/0.8)
			}
			var p [3]uint8
			for k := range p {
				p[k] = uint8(math.Round(c0[k] + (c1[k]-c0[k])*t))
			}
			img.SetRGBA(x, y, color.RGBA{p[0], p[1], p[2], 255})
		}
	}
	return img
}

// TestMatchMirror checks the mirror rule's own verification: a gradient
// matches its mirror copy, but not a gradient whose mirror image runs 5
// degrees off (their Shapes correlate at MinShape and more, their slopes
// do not agree), nor a radial gradient whose centre mirrored lies 50 degrees
// away (at JPEG q50 the hashes and the Local detail pass, the mirrored
// Shape does not), nor one whose centre mirrored lies 12 degrees away (a
// sharp pair: the Shapes correlate, the slopes lie more than MaxSharpSlope
// apart).
func TestMatchMirror(t *testing.T) {
	dark := [2][3]float64{{10, 10, 30}, {60, 50, 90}}
	orange := [2][3]float64{{120, 40, 10}, {250, 170, 90}}
	teal := [2][3]float64{{0, 100, 110}, {250, 160, 140}}
	cases := []struct {
		name string
		a, b *image.RGBA
		q    int // JPEG quality of both
		want bool
	}{
		{"a dark linear gradient, its mirror copy", ramp(false, 215, dark[0], dark[1]), mirrorImage(ramp(false, 215, dark[0], dark[1])), 90, true},
		{"a dark linear gradient, one 5 degrees off its mirror", ramp(false, 215, dark[0], dark[1]), ramp(false, 330, dark[0], dark[1]), 90, false},
		{"an orange linear gradient, one 5 degrees off its mirror", ramp(false, 215, orange[0], orange[1]), ramp(false, 330, orange[0], orange[1]), 90, false},
		{"a radial gradient, its mirror copy", ramp(true, 110, orange[0], orange[1]), mirrorImage(ramp(true, 110, orange[0], orange[1])), 50, true},
		{"a radial gradient, one 50 degrees off its mirror", ramp(true, 110, orange[0], orange[1]), ramp(true, 20, orange[0], orange[1]), 50, false},
		{"a teal radial gradient, its mirror copy", ramp(true, 200, teal[0], teal[1]), mirrorImage(ramp(true, 200, teal[0], teal[1])), 90, true},
		{"a teal radial gradient, one 12 degrees off its mirror", ramp(true, 200, teal[0], teal[1]), ramp(true, 328, teal[0], teal[1]), 90, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, b := Sign(reencode(t, c.a, c.q)), Sign(reencode(t, c.b, c.q))
			if got := MatchMirror(&a, &b, 10); got != c.want {
				t.Errorf("MatchMirror = %v, want %v (flat %v, %v; mirror distance %d; Shape correlation %.4f; slope distance %.1f)",
					got, c.want, a.Full.Flat(), b.Full.Flat(), a.Mirror.P.Distance(b.Full.P),
					ShapeCorrelation(&a, &b, true), SlopeDistance(&a, &b, true))
			}
		})
	}
}
