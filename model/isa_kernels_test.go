//go:build cgo && !noblas

package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// actBenchCase is one element-wise loop that runs e^x, with its Go
// definition and the C kernel, over n elements in rows of ch channels.
type actBenchCase struct {
	name   string
	goRun  func()
	cRun   func()
	elems  int
	before func() // restores inputs an in-place loop overwrites
}

// actBenchCases are the loops of the engine that evaluate e^x (swish,
// sigmoid, their gradients, batch norm + swish both ways, the inference
// epilogue) and batch norm's statistics, on n floats of N(0, 3)
// (pre-activations' scale), rows of 64 channels.
func actBenchCases(n int) []actBenchCase {
	rng := rand.New(rand.NewPCG(7, 7))
	vec := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.NormFloat64() * 3)
		}
		return v
	}
	const ch = 64
	rows := n / ch
	x, y, dy, dx := vec(n), make([]float32, n), vec(n), make([]float32, n)
	scale, shift, bias := vec(ch), vec(ch), vec(ch)
	sd, sdx := make([]float64, ch), make([]float64, ch)
	gk, ck, gi, ci := goKernels(), cKernels(), goInferKernels(), cInferKernels()
	ep := make([]float32, n)
	reset := func() { copy(ep, x) }
	return []actBenchCase{
		{name: "swish", elems: n, goRun: func() { gk.act(x, y, actSwish) }, cRun: func() { ck.act(x, y, actSwish) }},
		{name: "sigmoid", elems: n, goRun: func() { gk.act(x, y, actSigmoid) }, cRun: func() { ck.act(x, y, actSigmoid) }},
		{name: "swish_back", elems: n, goRun: func() { gk.actBack(x, y, dy, dx, actSwish, false) },
			cRun: func() { ck.actBack(x, y, dy, dx, actSwish, false) }},
		{name: "bn_swish", elems: n, goRun: func() { gk.bnApply(x, y, rows, ch, scale, shift, true) },
			cRun: func() { ck.bnApply(x, y, rows, ch, scale, shift, true) }},
		{name: "bn_stats", elems: n, goRun: func() { gk.bnStats(x, rows, ch, sd, sdx) }, cRun: func() { ck.bnStats(x, rows, ch, sd, sdx) }},
		{name: "bn_swish_back1", elems: n, before: func() { copy(dx, dy) },
			goRun: func() { gk.bnBack1(x, y, dx, rows, ch, scale, shift, true, sd, sdx) },
			cRun:  func() { ck.bnBack1(x, y, dx, rows, ch, scale, shift, true, sd, sdx) }},
		{name: "epilogue_swish", elems: n, before: reset, goRun: func() { gi.epilogue(ep, rows, ch, bias, actSwish, nil) },
			cRun: func() { ci.epilogue(ep, rows, ch, bias, actSwish, nil) }},
	}
}

// BenchmarkActISA times each loop that evaluates e^x in its C kernel (the
// target_clones clone this CPU picks within CGO_CFLAGS=-DCURATE_X86_MAX=N,
// named in the log) against its Go definition, alternating in the same
// run, one thread, on 64K floats (L2-resident) and 4M (from memory), and
// reports ns an element for both and their ratio. Per clone:
//
//	CGO_CFLAGS=-DCURATE_X86_MAX=1 go test -run '^$' -bench ActISA ./model   # SSE2 (default clone)
//	CGO_CFLAGS=-DCURATE_X86_MAX=3 go test -run '^$' -bench ActISA ./model   # AVX2 + FMA
//	go test -run '^$' -bench ActISA ./model                                  # the CPU's best
func BenchmarkActISA(b *testing.B) {
	b.Logf("%s", cKernelsLevel())
	for _, n := range []int{1 << 16, 1 << 22} {
		for _, c := range actBenchCases(n) {
			b.Run(fmt.Sprintf("%s/%dK", c.name, n>>10), func(b *testing.B) {
				var tg, tc time.Duration
				for range b.N {
					for v, run := range []func(){c.goRun, c.cRun} {
						if c.before != nil {
							c.before()
						}
						s0 := time.Now()
						run()
						if d := time.Since(s0); v == 0 {
							tg += d
						} else {
							tc += d
						}
					}
				}
				per := float64(b.N) * float64(c.elems)
				b.ReportMetric(float64(tc.Nanoseconds())/per, "c-ns/elem")
				b.ReportMetric(float64(tg.Nanoseconds())/per, "go-ns/elem")
				b.ReportMetric(float64(tg)/float64(tc), "go/c")
				b.ReportMetric(0, "ns/op")
			})
		}
	}
}

// TestActKernelsExtremes runs the loops that evaluate e^x on the inputs
// where ex's clamps decide (|x| near and past 87 and 88, huge, tiny and
// subnormal, signed zeros) among ordinary ones, in every position of a
// vector so each lane of each clone's vector code takes them: the C
// inference epilogue must equal its Go definition bit for bit, the
// training kernels (fused multiply-adds on the AVX2 and AVX-512 clones)
// within 1e-6 relative, and every result must be finite. The kernels'
// vector code computes both sides of a clamp and selects, which is where
// a wrong select or an overflow would show.
func TestActKernelsExtremes(t *testing.T) {
	special := []float32{0, float32(math.Copysign(0, -1)), 1e-40, -1e-40, 1e-30, -3, 3, 86.9, -86.9, 87, -87, 87.5, -87.5,
		88, -88, 88.5, -88.5, 89, -89, 100, -100, 1e4, -1e4, 1e30, -1e30, math.MaxFloat32, -math.MaxFloat32}
	n := len(special) * 17 // every special value in every lane of up to 16
	x := make([]float32, n)
	for i := range x {
		x[i] = special[(i*5+i/len(special))%len(special)]
	}
	gk, ck, gi, ci := goKernels(), cKernels(), goInferKernels(), cInferKernels()
	for _, a := range []actKind{actSwish, actSigmoid} {
		want, got := make([]float32, n), make([]float32, n)
		gk.act(x, want, a)
		ck.act(x, got, a)
		for i := range want {
			w, g := float64(want[i]), float64(got[i])
			if math.IsNaN(g) || math.IsInf(g, 0) || math.Abs(g-w) > 1e-6*(1+math.Abs(w)) {
				t.Fatalf("act %v(%v) = %v (%s), reference %v", a, x[i], got[i], cKernelsLevel(), want[i])
			}
		}
		dy := make([]float32, n)
		for i := range dy {
			dy[i] = 1
		}
		gb, cbk := make([]float32, n), make([]float32, n)
		gk.actBack(x, want, dy, gb, a, false)
		ck.actBack(x, want, dy, cbk, a, false)
		for i := range gb {
			w, g := float64(gb[i]), float64(cbk[i])
			if math.IsNaN(g) || math.Abs(g-w) > 1e-6*(1+math.Abs(w)) {
				t.Fatalf("act_back %v(%v) = %v (%s), reference %v", a, x[i], cbk[i], cKernelsLevel(), gb[i])
			}
		}
		e1, e2 := slices.Clone(x), slices.Clone(x)
		gi.epilogue(e1, 1, n, nil, a, nil)
		ci.epilogue(e2, 1, n, nil, a, nil)
		for i := range e1 {
			if math.Float32bits(e1[i]) != math.Float32bits(e2[i]) {
				t.Fatalf("epilogue %v(%v) = %v (%s), Go %v", a, x[i], e2[i], cKernelsLevel(), e1[i])
			}
		}
	}
	// Batch norm + swish with unit scale and zero shift: the same inputs.
	ch := len(special)
	rows := n / ch
	one, zero := make([]float32, ch), make([]float32, ch)
	for i := range one {
		one[i] = 1
	}
	want, got := make([]float32, n), make([]float32, n)
	gk.bnApply(x, want, rows, ch, one, zero, true)
	ck.bnApply(x, got, rows, ch, one, zero, true)
	for i := range want {
		w, g := float64(want[i]), float64(got[i])
		if math.IsNaN(g) || math.IsInf(g, 0) != math.IsInf(w, 0) || (!math.IsInf(w, 0) && math.Abs(g-w) > 1e-6*(1+math.Abs(w))) {
			t.Fatalf("bn_apply swish(%v) = %v (%s), reference %v", x[i], got[i], cKernelsLevel(), want[i])
		}
	}
	// Its backward, with the sigmoid from the forward's output (the C
	// kernels) and from e^x (the Go definition): within float32's epsilon
	// times |z|, the error 1-s already carries in either, and finite.
	for _, fromY := range []bool{false, true} {
		back1 := bnBack1ExpC
		if fromY {
			back1 = bnBack1C
		}
		dg, dc := make([]float32, n), make([]float32, n)
		for i := range dg {
			dg[i], dc[i] = 1, 1
		}
		sd, sdx := make([]float64, ch), make([]float64, ch)
		gk.bnBack1(x, want, dg, rows, ch, one, zero, true, sd, sdx)
		back1(x, got, dc, rows, ch, one, zero, true, sd, sdx)
		for i := range dg {
			w, g, z := float64(dg[i]), float64(dc[i]), math.Abs(float64(x[i]))
			if math.IsNaN(g) || math.IsInf(g, 0) || math.Abs(g-w) > 1e-6*(1+math.Abs(w))+2.5e-7*min(z, 1e3) {
				t.Errorf("bn_back1 swish'(%v) = %v (%s, sigmoid from y %v), reference %v", x[i], dc[i], cKernelsLevel(), fromY, dg[i])
			}
		}
	}
}

// BenchmarkBNSwishBack1 times batch norm + swish's first backward pass
// (the swish gradient in place and the per-channel sums, k_bn_back1)
// with the sigmoid from the forward's output (bnBack1C) and from e^x
// (bnBack1ExpC), alternating in the same run, one thread, on 64K floats
// (L2-resident) and 4M (from memory) in rows of 64 channels, and reports ns an element
// of each and their ratio (e^x / from y). The clone is this CPU's best
// within CGO_CFLAGS=-DCURATE_X86_MAX=N (logged).
func BenchmarkBNSwishBack1(b *testing.B) {
	b.Logf("%s", cKernelsLevel())
	ck := cKernels()
	for _, n := range []int{1 << 16, 1 << 22} {
		b.Run(fmt.Sprintf("%dK", n>>10), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(9, 9))
			const ch = 64
			rows := n / ch
			vec := func(n int, sd float64) []float32 {
				v := make([]float32, n)
				for i := range v {
					v[i] = float32(rng.NormFloat64() * sd)
				}
				return v
			}
			x, dy, d, y := vec(n, 3), vec(n, 1), make([]float32, n), make([]float32, n)
			scale, shift := vec(ch, 1), vec(ch, 1)
			ck.bnApply(x, y, rows, ch, scale, shift, true)
			sd, sdx := make([]float64, ch), make([]float64, ch)
			var t [2]time.Duration
			for range b.N {
				for _, fromY := range []bool{false, true} {
					back1 := bnBack1ExpC
					if fromY {
						back1 = bnBack1C
					}
					copy(d, dy)
					s0 := time.Now()
					back1(x, y, d, rows, ch, scale, shift, true, sd, sdx)
					if fromY {
						t[1] += time.Since(s0)
					} else {
						t[0] += time.Since(s0)
					}
				}
			}
			per := float64(b.N) * float64(n)
			b.ReportMetric(float64(t[0].Nanoseconds())/per, "exp-ns/elem")
			b.ReportMetric(float64(t[1].Nanoseconds())/per, "fromy-ns/elem")
			b.ReportMetric(float64(t[0])/float64(t[1]), "exp/fromy")
			b.ReportMetric(0, "ns/op")
		})
	}
}
