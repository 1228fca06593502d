package model

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestKernelsMatchReference runs every kernel set built (the Go reference
// and, with cgo, the vectorised C) against the Go reference loops on odd
// shapes.
func TestKernelsMatchReference(t *testing.T) {
	for _, k := range testKernels() {
		rng := rand.New(rand.NewPCG(3, 4))
		close := func(name string, got, want []float32, tol float64) {
			t.Helper()
			for i := range want {
				if math.Abs(float64(got[i]-want[i])) > tol*(1+math.Abs(float64(want[i]))) {
					t.Fatalf("%s (%s kernels)[%d] = %v, reference %v", name, k.name, i, got[i], want[i])
				}
			}
		}
		for _, ch := range []int{1, 5, 16, 37} {
			rows := 23
			x, d := randSlice(rng, rows*ch), randSlice(rng, rows*ch)
			scale, shift := randSlice(rng, ch), randSlice(rng, ch)
			for _, swish := range []bool{false, true} {
				y1, y2 := make([]float32, rows*ch), make([]float32, rows*ch)
				k.bnApply(x, y1, rows, ch, scale, shift, swish)
				bnApplyGo(x, y2, rows, ch, scale, shift, swish)
				close("bn_apply", y1, y2, 1e-6)
				d1, d2 := append([]float32(nil), d...), append([]float32(nil), d...)
				s1, s2 := make([]float64, 2*ch), make([]float64, 2*ch)
				k.bnBack1(x, y1, d1, rows, ch, scale, shift, swish, s1[:ch], s1[ch:])
				bnBack1Go(x, y2, d2, rows, ch, scale, shift, swish, s2[:ch], s2[ch:])
				close("bn_back1", d1, d2, 1e-6)
				for i := range s1 {
					if math.Abs(s1[i]-s2[i]) > 1e-5*(1+math.Abs(s2[i])) {
						t.Fatalf("bn_back1 sums differ: %v vs %v", s1[i], s2[i])
					}
				}
			}
			s1, s2 := make([]float64, 2*ch), make([]float64, 2*ch)
			k.bnStats(x, rows, ch, s1[:ch], s1[ch:])
			bnStatsGo(x, rows, ch, s2[:ch], s2[ch:])
			for i := range s1 {
				if math.Abs(s1[i]-s2[i]) > 1e-9*(1+math.Abs(s2[i])) {
					t.Fatalf("bn_stats differ: %v vs %v", s1[i], s2[i])
				}
			}
			for _, acc := range []bool{false, true} {
				o1, o2 := randSlice(rng, rows*ch), make([]float32, rows*ch)
				copy(o2, o1)
				k.bnBack2(x, d, o1, rows, ch, scale, shift, d[:ch], acc)
				bnBack2Go(x, d, o2, rows, ch, scale, shift, d[:ch], acc)
				close("bn_back2", o1, o2, 1e-6)
			}
		}
		for _, s := range []int{1, 2} {
			for _, hw := range [][2]int{{5, 7}, {8, 8}} {
				g := dwGeom{N: 2, H: hw[0], W: hw[1], C: 19, k: 3, s: s}
				g.Ho, g.pt = samePad(g.H, 3, s)
				g.Wo, g.pl = samePad(g.W, 3, s)
				x, w := randSlice(rng, g.N*g.H*g.W*g.C), randSlice(rng, 9*g.C)
				dy := randSlice(rng, g.N*g.Ho*g.Wo*g.C)
				y1, y2 := make([]float32, len(dy)), make([]float32, len(dy))
				k.dwFwd(g, x, w, y1, 0, g.N*g.Ho)
				dwFwdGo(g, x, w, y2, 0, g.N*g.Ho)
				close("dw_fwd", y1, y2, 1e-5)
				dx1, dx2 := make([]float32, len(x)), make([]float32, len(x))
				k.dwBwdDx(g, dy, w, dx1, 0, g.N*g.H, false)
				dwBwdDxGo(g, dy, w, dx2, 0, g.N*g.H, false)
				close("dw_bwd_dx", dx1, dx2, 1e-5)
				a1, a2 := make([]float32, 9*7), make([]float32, 9*7)
				k.dwBwdW(g, dy, x, a1, 4, 11)
				dwBwdWGo(g, dy, x, a2, 4, 11)
				close("dw_bwd_w", a1, a2, 1e-4)
			}
		}
	}
}

func TestVectorKernelsMatchReference(t *testing.T) {
	for _, k := range testKernels() {
		rng := rand.New(rand.NewPCG(5, 6))
		eq := func(name string, a, b []float32) {
			t.Helper()
			for i := range a {
				if math.Abs(float64(a[i]-b[i])) > 1e-5*(1+math.Abs(float64(b[i]))) {
					t.Fatalf("%s (%s)[%d] = %v, reference %v", name, k.name, i, a[i], b[i])
				}
			}
		}
		rows, ch := 13, 21
		x, d, s := randSlice(rng, rows*ch), randSlice(rng, rows*ch), randSlice(rng, ch)
		for _, acc := range []bool{false, true} {
			y1, y2 := randSlice(rng, rows*ch), make([]float32, rows*ch)
			copy(y2, y1)
			k.rowMul(x, s, y1, rows, ch, acc)
			rowMulGo(x, s, y2, rows, ch, acc)
			eq("rowmul", y1, y2)
			copy(y2, y1)
			k.rowBcast(s, y1, rows, ch, acc)
			rowBcastGo(s, y2, rows, ch, acc)
			eq("rowbcast", y1, y2)
			copy(y2, y1)
			k.scaleTo(y1, x, 0.7, acc)
			scaleToGo(y2, x, 0.7, acc)
			eq("scaleto", y1, y2)
		}
		o1, o2 := make([]float32, ch), make([]float32, ch)
		k.rowDot(x, d, o1, rows, ch)
		rowDotGo(x, d, o2, rows, ch)
		eq("rowdot", o1, o2)
		k.rowSum(x, o1, rows, ch)
		rowSumGo(x, o2, rows, ch)
		eq("rowsum", o1, o2)
		for _, a := range []actKind{actNone, actSwish, actSigmoid, actLeaky} {
			y1, y2 := make([]float32, rows*ch), make([]float32, rows*ch)
			k.act(x, y1, a)
			actGo(x, y2, a)
			eq("act "+a.String(), y1, y2)
			for _, acc := range []bool{false, true} {
				d1, d2 := randSlice(rng, rows*ch), make([]float32, rows*ch)
				copy(d2, d1)
				k.actBack(x, y2, d, d1, a, acc)
				actBackGo(x, y2, d, d2, a, acc)
				eq("act_back "+a.String(), d1, d2)
			}
		}
		y1, y2 := make([]float32, rows*ch), make([]float32, rows*ch)
		k.axpy3(y1, x, d, 1.25)
		axpy3Go(y2, x, d, 1.25)
		eq("axpy3", y1, y2)
	}
}

func TestIm2colMatchesReference(t *testing.T) {
	for _, k := range testKernels() {
		rng := rand.New(rand.NewPCG(8, 8))
		for _, c := range []struct{ h, w, cin, k, s int }{{5, 7, 3, 3, 1}, {8, 8, 4, 3, 2}, {7, 5, 2, 3, 2}, {4, 4, 5, 1, 1}} {
			g := convGeom{H: c.h, W: c.w, cin: c.cin, k: c.k, s: c.s}
			g.Ho, g.pt = samePad(c.h, c.k, c.s)
			g.Wo, g.pl = samePad(c.w, c.k, c.s)
			N := 2
			x := randSlice(rng, N*c.h*c.w*c.cin)
			K := c.k * c.k * c.cin
			g0, g1 := 1, N*g.Ho-1
			col1, col2 := randSlice(rng, (g1-g0)*g.Wo*K), make([]float32, (g1-g0)*g.Wo*K)
			k.im2col(g, x, col1, g0, g1)
			im2colGo(g, x, col2, g0, g1)
			for i := range col1 {
				if col1[i] != col2[i] {
					t.Fatalf("im2col %+v (%s)[%d] = %v, reference %v", c, k.name, i, col1[i], col2[i])
				}
			}
			dx1 := randSlice(rng, len(x))
			dx2 := append([]float32(nil), dx1...)
			k.col2im(g, col1, dx1, g0, g1, 0, N*c.h)
			col2imGo(g, col1, dx2, g0, g1, 0, N*c.h)
			for i := range dx1 {
				if math.Abs(float64(dx1[i]-dx2[i])) > 1e-5 {
					t.Fatalf("col2im %+v (%s)[%d] = %v, reference %v", c, k.name, i, dx1[i], dx2[i])
				}
			}
		}
	}
}

// testKernels is every kernel set built into the test binary.
func testKernels() []*kernels {
	ks := []*kernels{goKernels()}
	for _, name := range Backends() {
		be, _ := NewBackend(name)
		if h, ok := be.(*hostBackend); ok && h.k.name != "go" {
			ks = append(ks, h.k)
		}
	}
	return ks
}
