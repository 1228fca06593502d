package imagehash

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"
	"testing"
)

// faint is a near-uniform 220x165 render of grey level base: four faint
// waves (1.2 grey levels each, 2 to 4 cycles across, placed by seed; none
// when seed is 0: a plain patch), as a dark theme's template or a plain
// wallpaper quadrant has.
func faint(seed uint64, base float64) *image.RGBA {
	const w, h = 220, 165
	type wave struct{ fx, fy, phase float64 }
	var waves []wave
	if seed != 0 {
		rng := rand.New(rand.NewPCG(seed, 9))
		for range 4 {
			waves = append(waves, wave{float64(2 + rng.IntN(3)), float64(2 + rng.IntN(3)), rng.Float64() * 2 * math.Pi})
		}
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			l := base
			for _, v := range waves {
				l += 1.2 * math.Cos(2*math.Pi*(v.fx*float64(x)/w+v.fy*float64(y)/h)+v.phase)
			}
			v := uint8(min(255, math.Round(l)))
			img.SetRGBA(x, y, color.RGBA{v, v, v, 255})
		}
	}
	return img
}

// bordered is img inside a 1-px black border.
func bordered(img *image.RGBA) *image.RGBA {
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx()+2, b.Dy()+2))
	draw.Draw(out, out.Bounds(), image.NewUniform(color.Black), image.Point{}, draw.Src)
	draw.Draw(out, image.Rect(1, 1, b.Dx()+1, b.Dy()+1), img, b.Min, draw.Src)
	return out
}

// cornered is img with the four black corner triangles a rotation by about
// 3 degrees leaves (legs of a twentieth of the width and height).
func cornered(img *image.RGBA) *image.RGBA {
	out := image.NewRGBA(img.Bounds())
	draw.Draw(out, out.Bounds(), img, image.Point{}, draw.Src)
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	lx, ly := w/20, h/20
	for y := range ly {
		for x := range lx * (ly - y) / ly {
			for _, p := range [][2]int{{x, y}, {w - 1 - x, y}, {x, h - 1 - y}, {w - 1 - x, h - 1 - y}} {
				out.SetRGBA(p[0], p[1], color.RGBA{0, 0, 0, 255})
			}
		}
	}
	return out
}

// TestMatchPlain checks the near-uniform rule: a faint render matches its
// copies with a mark, a border, a rotation's black corners or JPEG q50,
// whose hashes, statistics and Shape the mark or the corners moved; another
// render of the same grey level and colour does not, nor does it with the
// same mark on both (PlainAgree vetoes the whole-image match as well); a
// plain patch matches its copy and its brightened copy but not a patch of
// another level, even one as near as two dark edits' black (BlankMedian); and a
// picture with a ramp across it has no Plain.
func TestMatchPlain(t *testing.T) {
	render := faint(3, 84)
	other := faint(4, 84)
	patch := faint(0, 84)
	cases := []struct {
		name string
		a, b image.Image
		want bool
	}{
		{"JPEG q50", render, reencode(t, render, 50), true},
		{"a mark in the corner", render, reencode(t, marked(render), 90), true},
		{"a 1-px border", render, reencode(t, bordered(render), 90), true},
		{"a rotation's corners", render, reencode(t, cornered(render), 90), true},
		{"another render", render, other, false},
		{"another render, both marked", marked(render), marked(other), false},
		{"a plain patch, JPEG", patch, reencode(t, patch, 90), true},
		{"a plain patch of another level", patch, faint(0, 120), false},
		{"a plain patch brightened 10%", patch, faint(0, 92), true},
		{"a black patch and a near-black one", faint(0, 0), faint(0, 5), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, b := Sign(c.a), Sign(c.b)
			if a.Plain == nil || b.Plain == nil {
				t.Fatalf("want both near-uniform: Plain %v, %v", a.Plain != nil, b.Plain != nil)
			}
			corr, inliers, spread := PlainCorrelation(a.Plain, b.Plain)
			if got := MatchPlain(&a, &b) || MatchWhole(&a, &b, 10); got != c.want {
				t.Errorf("match = %v, want %v (sign bits %d apart, correlation %.3f on %.2f of the samples, spread %.2f, levels %.2f %.2f)",
					got, c.want, PlainBitDistance(a.Plain, b.Plain), corr, inliers, spread, a.Plain.Level, b.Plain.Level)
			}
			if MatchPlain(&a, &b) != MatchPlain(&b, &a) {
				t.Errorf("MatchPlain is not symmetric")
			}
		})
	}
	if s := Sign(mottled(1, 1)); s.Plain != nil {
		t.Errorf("a 20-level ramp has a Plain (median %d)", s.Plain.Median)
	}
}

// TestPlainAgreeVeto checks that where both images are near-uniform, a
// shared mark does not carry a whole-image match: two renders marked alike
// fail PlainAgree, a render and its marked copy pass it.
func TestPlainAgreeVeto(t *testing.T) {
	a, b, c := Sign(marked(faint(3, 57))), Sign(marked(faint(4, 57))), Sign(faint(3, 57))
	if a.Plain == nil || b.Plain == nil || c.Plain == nil {
		t.Fatal("want near-uniform renders")
	}
	if PlainAgree(&a, whole, &b, whole) {
		corr, inliers, _ := PlainCorrelation(a.Plain, b.Plain)
		t.Errorf("two renders with one mark agree (correlation %.3f on %.2f of the samples)", corr, inliers)
	}
	if !PlainAgree(&a, whole, &c, whole) {
		corr, inliers, _ := PlainCorrelation(a.Plain, c.Plain)
		t.Errorf("a render and its marked copy disagree (correlation %.3f on %.2f of the samples)", corr, inliers)
	}
}

// TestFlatSlack checks flatDistanceAgree: a flat pair FlatSlack bits past
// the threshold matches only with Shapes at MinShapeSlack.
func TestFlatSlack(t *testing.T) {
	var shape, other [63]int8
	shape[0], other[1] = 127, 127
	cases := []struct {
		name  string
		bits  int
		other bool
		want  bool
	}{
		{"within the threshold, Shapes apart", 10, true, true},
		{"two bits past, one Shape", 12, false, true},
		{"two bits past, Shapes apart", 12, true, false},
		{"three bits past, one Shape", 13, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := &Signature{Shape: shape}
			b := &Signature{Shape: shape, Full: Key{P: Hash(uint64(1)<<c.bits - 1)}}
			if c.other {
				b.Shape = other
			}
			if got := flatDistanceAgree(a, b, 10); got != c.want {
				t.Errorf("flatDistanceAgree = %v, want %v", got, c.want)
			}
		})
	}
}
