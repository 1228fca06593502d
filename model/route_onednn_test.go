//go:build cgo && !nodnnl && !noblas

package model

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// conv1x1Shape is one distinct 1x1 convolution of a network (maps of at
// least 2x2, which the onednn backend prepares) and how often it occurs.
type conv1x1Shape struct {
	h, w, cin, cout int
	bias, dx        bool
	count           int
}

// b2Conv1x1Shapes lists the distinct 1x1 convolutions of a B2 + 4 Gram
// training step (256x256) in plan order.
func b2Conv1x1Shapes(tb testing.TB) []conv1x1Shape {
	tb.Helper()
	cfg, _ := Preset("b2", 4)
	cfg.Backend = "ref"
	n, err := New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := n.planFor(2, 256)
	if err != nil {
		tb.Fatal(err)
	}
	var out []conv1x1Shape
	at := map[conv1x1Shape]int{}
	for _, o := range p.ops {
		c, ok := o.(*convOp)
		if !ok || !c.direct() || c.y.H < 2 || c.y.W < 2 {
			continue
		}
		s := conv1x1Shape{h: c.x.H, w: c.x.W, cin: c.x.C, cout: c.y.C, bias: c.b != nil, dx: c.x.needGrad}
		if i, ok := at[s]; ok {
			out[i].count++
			continue
		}
		at[s] = len(out)
		s.count = 1
		out = append(out, s)
	}
	return out
}

// BenchmarkConv1x1Routes times every pass of every distinct 1x1
// convolution of a B2 + 4 Gram training step (256x256) at batch 16 and 64
// (CURATE_BATCHES, e.g. "16,64") on each implementation the onednn
// backend can route it to, as the backend runs it (the whole op across
// the exec's goroutines, CURATE_THREADS, 0 = all CPUs): forward on
// oneDNN's first choice or OpenBLAS (plus the batch-norm statistics pass
// OpenBLAS's forward leaves to the batch norm, which oneDNN's chunks add
// up as they go), backward-data and backward-weights each on oneDNN's
// first choice, its gemm implementation or OpenBLAS, and both backward
// passes as route1x1 runs them. The variants alternate within each of
// CURATE_ROUNDS rounds (7; run with -benchtime 1x -v); it logs the median ms of each, the
// GFLOP/s, and per step (occurrences) the totals of the route in force and
// of the fastest variant per pass: the measurements behind route1x1.
func BenchmarkConv1x1Routes(b *testing.B) {
	batches := []int{16, 64}
	if v := os.Getenv("CURATE_BATCHES"); v != "" {
		batches = nil
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n <= 0 {
				b.Fatalf("CURATE_BATCHES=%q", v)
			}
			batches = append(batches, n)
		}
	}
	be0, err := NewBackend("onednn")
	if err != nil {
		b.Fatal(err)
	}
	be := be0.(*dnnlBackend)
	threads, _ := strconv.Atoi(os.Getenv("CURATE_THREADS"))
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	be.setThreads(threads)
	e := &exec{pool: pool{threads: threads}, be: be, train: true}
	rounds, _ := strconv.Atoi(os.Getenv("CURATE_ROUNDS"))
	if rounds <= 0 {
		rounds = 7
	}
	shapes := b2Conv1x1Shapes(b)
	b.Logf("%s, %d threads, %d rounds; median ms of the whole op; GFLOP/s in brackets", be.Describe(), threads, rounds)
	rng := rand.New(rand.NewPCG(7, 8))
	fill := func(v []float32) {
		for i := range v {
			v[i] = rng.Float32() - 0.5
		}
	}
	med := func(v []time.Duration) float64 {
		s := slices.Clone(v)
		slices.Sort(s)
		return s[len(s)/2].Seconds() * 1000
	}
	for _, bs := range batches {
		names := []string{"fwd dnnl", "fwd blas", "fwd blas+stats", "data dnnl", "data dnnl-gemm", "data blas",
			"wts dnnl", "wts dnnl-gemm", "wts blas", "bwd route", "fwd dnnl-gemm", "fwd c4", "bwd route c4"}
		var step, stepBest [3]float64 // fwd, data, weights
		var stepRoute, stepRouteBwd, stepC4 float64
		for _, s := range shapes {
			x := newTensor(bs, s.h, s.w, s.cin, true)
			x.alloc()
			x.allocGrad()
			w := &Param{Data: make([]float32, s.cin*s.cout), Grad: make([]float32, s.cin*s.cout), Trainable: true}
			var bias *Param
			if s.bias {
				bias = &Param{Data: make([]float32, s.cout), Grad: make([]float32, s.cout), Trainable: true}
			}
			o := newConvOp(x, s.cout, 1, 1, w, bias, true)
			o.y.alloc()
			o.y.allocGrad()
			fill(x.Data)
			fill(o.y.Grad)
			fill(w.Data)
			bn := &bnOp{x: o.y}
			route := route1x1(be.isa, s.cin, s.cout)
			first := be.prepareRoute(x, o.y, 1, 1, 0, 0, 1, s.bias, convRoute{})
			gemm := be.prepareRoute(x, o.y, 1, 1, 0, 0, 1, s.bias, convRoute{fwd: onDnnlGemm, data: onDnnlGemm, weights: onDnnlGemm})
			cur := be.prepareRoute(x, o.y, 1, 1, 0, 0, 1, s.bias, route)
			r4 := route
			r4.chunks = 4
			cur4 := be.prepareRoute(x, o.y, 1, 1, 0, 0, 1, s.bias, r4)
			if first.c == nil || gemm.c == nil || cur.c == nil || cur4.c == nil {
				b.Fatalf("%v: oneDNN refused the convolution", s)
			}
			o.state = cur
			dy := o.y.Grad
			dx := x.Grad
			runs := []func(){
				func() { be.forward(e, first, x, o.y, w, bias, nil) },
				func() { be.hostBackend.convForward(e, o) },
				func() {
					be.hostBackend.convForward(e, o)
					bn.chunkSums(e, bs*s.h*s.w, s.cout, func(r0, r1 int, p []float64) {
						be.k.bnStats(o.y.Data[r0*s.cout:r1*s.cout], r1-r0, s.cout, p[:s.cout], p[s.cout:])
					})
				},
				func() { be.backwardOn(e, first, x, dy, w, bias, dx, false, false) },
				func() { be.backwardOn(e, gemm, x, dy, w, bias, dx, false, false) },
				func() { be.hostBackend.directData(e, o, dy, dx, false) },
				func() { be.backwardOn(e, first, x, dy, w, bias, nil, false, true) },
				func() { be.backwardOn(e, gemm, x, dy, w, bias, nil, false, true) },
				func() { be.hostBackend.directWeights(e, o, dy) },
				func() {
					x.gradLive = false
					o.y.gradLive = true
					o.state = cur
					be.convBackward(e, o)
				},
				func() { be.forward(e, gemm, x, o.y, w, bias, nil) },
				func() { be.forward(e, cur4, x, o.y, w, bias, nil) },
				func() {
					x.gradLive = false
					o.y.gradLive = true
					o.state = cur4
					be.convBackward(e, o)
				},
			}
			ts := make([][]time.Duration, len(runs))
			for _, f := range runs { // warm up
				f()
			}
			for r := range rounds {
				for j := range runs {
					v := (j + r) % len(runs)
					t0 := time.Now()
					runs[v]()
					ts[v] = append(ts[v], time.Since(t0))
				}
			}
			ms := make([]float64, len(runs))
			for v := range runs {
				ms[v] = med(ts[v])
			}
			if !s.dx {
				ms[3], ms[4], ms[5] = 0, 0, 0
			}
			_, d0, w0 := first.impls()
			f1, d1, w1 := gemm.impls()
			f0, _, _ := first.impls()
			first.free()
			gemm.free()
			cur.free()
			cur4.free()
			gf := 2 * float64(bs*s.h*s.w) * float64(s.cin*s.cout) / 1e6
			var line strings.Builder
			fmt.Fprintf(&line, "b%d 1x1 %3dx%-3d %4d->%-4d x%d", bs, s.h, s.w, s.cin, s.cout, s.count)
			for v, m := range ms {
				g := 0.0
				if m > 0 {
					g = gf / m
				}
				fmt.Fprintf(&line, " | %s %.2f (%.0f)", names[v], m, g)
			}
			fmt.Fprintf(&line, " | route %v/%v/%v; %s %s %s; gemm %s %s %s; c4 per %d", route.fwd, route.data, route.weights, f0, d0, w0, f1, d1, w1, cur4.per)
			b.Log(line.String())
			c := float64(s.count)
			fwdRoute := ms[0]
			if route.fwd == onBLAS {
				fwdRoute = ms[2]
			}
			step[0] += c * ms[0]
			step[1] += c * ms[3]
			step[2] += c * ms[6]
			stepBest[0] += c * min(ms[0], ms[2], ms[10], ms[11])
			stepBest[1] += c * min(ms[3], ms[4], ms[5])
			stepBest[2] += c * min(ms[6], ms[7], ms[8])
			stepRoute += c * fwdRoute
			stepRouteBwd += c * ms[9]
			stepC4 += c * (ms[11] + ms[12])
		}
		b.Logf("b%d per step: fwd dnnl %.1f ms, best %.1f; data dnnl %.1f, best %.1f; weights dnnl %.1f, best %.1f; best total %.1f; route1x1 fwd %.1f + bwd %.1f = %.1f ms; with 4 chunks %.1f ms",
			bs, step[0], stepBest[0], step[1], stepBest[1], step[2], stepBest[2], stepBest[0]+stepBest[1]+stepBest[2], stepRoute, stepRouteBwd, stepRoute+stepRouteBwd, stepC4)
	}
}

// BenchmarkBNSwishFromYStep pairs B2 + 4 Gram training steps (256x256,
// CURATE_BATCH, default 16; CURATE_THREADS) with batch norm + swish's
// backward taking the sigmoid from the forward's output (bnBack1C) and
// from e^x (bnBack1ExpC, swapped into the network's own kernels),
// alternating which goes first each of b.N rounds (pairSteps), and
// reports the median ms a step of each and the median of the pairs' speed
// ratios (e^x / from y).
func BenchmarkBNSwishFromYStep(b *testing.B) {
	n, bs := benchNet(b, 16)
	be, ok := n.be.(*dnnlBackend)
	if !ok {
		b.Fatalf("backend %s: want onednn", n.Backend())
	}
	batch := randomBatch(rand.New(rand.NewPCG(1, 1)), bs, 256, 2)
	step := func(kernel func(x, y, d []float32, rows, ch int, scale, shift []float32, swish bool, sd, sdx []float64)) func() float64 {
		return func() float64 {
			be.k.bnBack1 = kernel
			return timedStep(b, n, batch)
		}
	}
	exp, fromY, r := pairSteps(b, step(bnBack1ExpC), step(bnBack1C))
	b.Logf("%s, batch %d: e^x %.0f ms a step, from y %.0f ms (medians of %d); e^x/from-y by pair %s",
		n.be.Describe(), bs, exp, fromY, b.N, r)
}

// timedStep runs one training step of n on batch and returns its ms.
func timedStep(b *testing.B, n *Net, batch Batch) float64 {
	t0 := time.Now()
	if _, err := n.Step(batch); err != nil {
		b.Fatal(err)
	}
	return time.Since(t0).Seconds() * 1000
}

// pairSteps runs each of two step functions (returning ms) once to warm
// up, then b.N pairs alternating which goes first; it returns each one's
// median ms and the median and range of the pairs' ratios (a/b), which it
// also reports as the benchmark's "ratio" metric.
func pairSteps(b *testing.B, a, c func() float64) (ma, mc float64, ratio string) {
	a()
	c()
	var ta, tc, ratios []float64
	for i := range b.N {
		var x, y float64
		if i%2 == 0 {
			x, y = a(), c()
		} else {
			y, x = c(), a()
		}
		ta, tc, ratios = append(ta, x), append(tc, y), append(ratios, x/y)
	}
	med := func(v []float64) float64 { s := slices.Clone(v); slices.Sort(s); return s[len(s)/2] }
	b.ReportMetric(med(ratios), "ratio")
	return med(ta), med(tc), fmt.Sprintf("%.3f (%.3f-%.3f)", med(ratios), slices.Min(ratios), slices.Max(ratios))
}

// TestDnnlRoutes runs a 1x1 convolution (with a bias, 9 images so the
// last chunk is smaller) on every route the onednn backend can give one,
// each pass on oneDNN's first choice, its gemm implementation or
// OpenBLAS, under 8 chunks and a cap of 4, against the ref backend, and
// checks forward and backward with finite differences; the second case
// has its input's gradient added to (a residual), which the mixed routes
// write in two parts.
func TestDnnlRoutes(t *testing.T) {
	passes := []pass{onDnnl, onDnnlGemm, onBLAS}
	builds := []struct {
		name  string
		build func(h *gradHarness)
	}{
		{"bias_batch9", func(h *gradHarness) {
			x := h.input(9, 4, 3, 6)
			h.add(newConvOp(x, 5, 1, 1, h.param(1, 1, 6, 5), h.param(5), true))
		}},
		{"residual", func(h *gradHarness) {
			x := h.input(3, 4, 4, 7)
			y := h.add(newConvOp(x, 7, 1, 1, h.param(1, 1, 7, 7), nil, true))
			h.add(newAddOp(x, y, 0, 0))
		}},
	}
	for _, f := range passes {
		for _, d := range passes {
			for _, w := range passes {
				for _, chunks := range []int{0, 4} {
					r := convRoute{fwd: f, data: d, weights: w, chunks: chunks}
					for _, c := range builds {
						t.Run(fmt.Sprintf("%v_%v_%v_c%d/%s", f, d, w, chunks, c.name), func(t *testing.T) {
							be, err := NewBackend("onednn")
							if err != nil {
								t.Fatal(err)
							}
							be.(*dnnlBackend).force1x1 = &r
							h := matchRef(t, be, c.build)
							if dc := be.(*dnnlBackend).conv(h.ops[0].(*convOp)); dc == nil || dc.route != r {
								t.Fatalf("the convolution did not take route %+v", r)
							}
							h2 := newHarness(t, be)
							c.build(h2)
							h2.check()
						})
					}
				}
			}
		}
	}
}

// TestRoute1x1 checks route1x1's table on every ISA: oneDNN's first
// choice for the forward and backward-data passes, its gemm
// implementation for backward-weights on AVX2 and AVX-512, the first
// choice below AVX2, never OpenBLAS, for every 1x1 shape of B2.
func TestRoute1x1(t *testing.T) {
	for _, s := range b2Conv1x1Shapes(t) {
		for _, c := range []struct {
			isa  dnnlISA
			want convRoute
		}{
			{isaSSE41, convRoute{}},
			{isaAVX, convRoute{}},
			{isaAVX2, convRoute{weights: onDnnlGemm}},
			{isaAVX2 | 0x40, convRoute{weights: onDnnlGemm}}, // AVX2 with VNNI
			{isaAVX512Core, convRoute{weights: onDnnlGemm}},
			{isaAVX512Core | 0x40, convRoute{weights: onDnnlGemm}},
		} {
			if got := route1x1(c.isa, s.cin, s.cout); got != c.want {
				t.Errorf("%v, %dx%d %d->%d: route %+v, want %+v", c.isa, s.h, s.w, s.cin, s.cout, got, c.want)
			}
		}
	}
}

// BenchmarkRoute1x1Step pairs B2 + 4 Gram training steps (256x256,
// CURATE_BATCH, default 16; CURATE_THREADS) of two networks built alike,
// one on route1x1's table and one with every 1x1 pass on oneDNN's first
// choice (on AVX-512 and AVX2: backward-weights on jit_1x1 instead of
// gemm), alternating which goes first each of b.N rounds (pairSteps), and
// logs the median ms a step of each and the median of the pairs' ratios
// (first choice / table).
func BenchmarkRoute1x1Step(b *testing.B) {
	nt, bs := benchNet(b, 16)
	nf, _ := benchNet(b, 16)
	be, ok := nf.be.(*dnnlBackend)
	if !ok {
		b.Fatalf("backend %s: want onednn", nf.Backend())
	}
	be.force1x1 = &convRoute{}
	batch := randomBatch(rand.New(rand.NewPCG(1, 1)), bs, 256, 2)
	first, table, r := pairSteps(b, func() float64 { return timedStep(b, nf, batch) }, func() float64 { return timedStep(b, nt, batch) })
	b.Logf("%s, batch %d: route1x1 %.0f ms a step, first choice %.0f ms (medians of %d); first/route1x1 by pair %s",
		nt.be.Describe(), bs, table, first, b.N, r)
}
