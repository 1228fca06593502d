//go:build cgo && !nodnnl && !noblas

package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestDnnlChunks checks the onednn backend's cut of a batch into chunks:
// 4 to 8 chunks, fewer where maps are small (at least 512 input positions
// a chunk), a function of the shape alone.
func TestDnnlChunks(t *testing.T) {
	for _, c := range []struct{ n, hw, per, chunks int }{
		{16, 128 * 128, 2, 8}, // large maps: 8 chunks
		{16, 8 * 8, 4, 4},     // 1024 positions: the floor of 4 chunks
		{64, 8 * 8, 8, 8},     // 4096 positions: 8 chunks of 512
		{64, 16 * 16, 8, 8},
		{9, 5 * 5, 3, 3}, // 9 images in chunks of 3
		{3, 32 * 32, 1, 3},
		{1, 64 * 64, 1, 1},
	} {
		per := chunkImages(c.n, c.hw)
		if chunks := (c.n + per - 1) / per; per != c.per || chunks != c.chunks {
			t.Errorf("batch %d of %d positions: %d images a chunk, %d chunks; want %d, %d", c.n, c.hw, per, chunks, c.per, c.chunks)
		}
	}
}

// TestDnnlChunkCapStates checks that switching the backend's chunk cap
// (BenchmarkDnnlChunkCap) keeps each op's preparation under the last two
// caps, switches between them without preparing again, and that a cap
// counts in the cut of a batch.
func TestDnnlChunkCapStates(t *testing.T) {
	if per := chunkImagesUpTo(64, 128*128, 16); per != 4 {
		t.Errorf("batch 64 of 128x128 under a cap of 16: %d images a chunk, want 4", per)
	}
	if per := chunkImagesUpTo(64, 128*128, dnnlChunks); per != chunkImages(64, 128*128) {
		t.Errorf("a cap of dnnlChunks cuts %d images a chunk, chunkImages %d", per, chunkImages(64, 128*128))
	}
	b := &dnnlBackend{}
	var st opState
	prepared := 0
	prep := func() *dnnlConv { prepared++; return &dnnlConv{per: prepared} }
	for i, c := range []struct{ cap, per, prepared int }{
		{0, 1, 1}, {0, 1, 1}, {16, 2, 2}, {0, 1, 2}, {16, 2, 2}, {4, 3, 3}, {16, 2, 3}, {0, 4, 4},
	} {
		b.maxChunks = c.cap
		b.convState(&st, prep)
		d, _ := st.state.(*dnnlConv)
		if d == nil || d.per != c.per || d.most != c.cap || prepared != c.prepared {
			t.Fatalf("call %d, cap %d: state %+v after %d preparations; want preparation %d, %d preparations", i, c.cap, d, prepared, c.per, c.prepared)
		}
	}
}

// TestDnnlGemmBackward checks that the backward passes run the
// implementation gemmBackward picks for the ISA and shape. On AVX2: gemm
// for backward-data of wide or strided 3x3 convolutions and for
// backward-weights of every 1x1 and of wide 3x3 ones; on AVX-512 gemm for
// the backward-weights of 1x1 convolutions only; oneDNN's direct kernels
// otherwise (always for depthwise, and below AVX2). The primitives are
// checked on the ISA oneDNN runs on here.
func TestDnnlGemmBackward(t *testing.T) {
	be, err := NewBackend("onednn")
	if err != nil {
		t.Fatal(err)
	}
	b := be.(*dnnlBackend)
	for _, c := range []struct {
		n, h, cin, cout, k, stride, groups   int
		avx2Data, avx2Weights, avx512Weights bool
	}{
		{2, 8, 32, 16, 3, 1, 1, false, false, false}, // B2's 128x128 stage: jit is 2-8x faster
		{2, 8, 32, 128, 3, 1, 1, false, true, false},
		{2, 8, 56, 224, 3, 1, 1, true, true, false},
		{2, 8, 16, 64, 3, 2, 1, true, false, false},
		{2, 8, 120, 720, 1, 1, 1, false, true, true},
		{2, 8, 56, 56, 1, 1, 1, false, true, true},
		{2, 8, 720, 120, 1, 1, 1, false, true, true},
		{2, 8, 64, 64, 3, 1, 64, false, false, false}, // depthwise
	} {
		name := fmt.Sprintf("%dx%d_%d->%d_s%d_g%d", c.k, c.k, c.cin, c.cout, c.stride, c.groups)
		if d, w := gemmBackward(isaAVX2, c.cin, c.cout, c.k, c.stride, c.groups); d != c.avx2Data || w != c.avx2Weights {
			t.Errorf("%s: gemmBackward on avx2 = %v, %v; want %v, %v", name, d, w, c.avx2Data, c.avx2Weights)
		}
		for _, isa := range []dnnlISA{isaAVX512Core, isaAVX512Core | 0x40, isaAVX512MIC} {
			if d, w := gemmBackward(isa, c.cin, c.cout, c.k, c.stride, c.groups); d || w != c.avx512Weights {
				t.Errorf("%s: gemmBackward on %v = %v, %v; want false, %v", name, isa, d, w, c.avx512Weights)
			}
		}
		for _, isa := range []dnnlISA{isaSSE41, isaAVX} {
			if d, w := gemmBackward(isa, c.cin, c.cout, c.k, c.stride, c.groups); d || w {
				t.Errorf("%s: gemmBackward on %v = %v, %v; want oneDNN's first choice", name, isa, d, w)
			}
		}
		gd, gw := gemmBackward(b.isa, c.cin, c.cout, c.k, c.stride, c.groups)
		ho := (c.h + c.stride - 1) / c.stride
		pad := (c.k - 1) / 2
		if c.stride > 1 {
			pad = 0
		}
		x, y := newTensor(c.n, c.h, c.h, c.cin, true), newTensor(c.n, ho, ho, c.cout, true)
		d := b.prepare(x, y, c.k, c.stride, pad, pad, c.groups, false)
		if d.c == nil {
			t.Fatalf("%s: oneDNN refused the convolution", name)
		}
		_, bd, bw := d.impls()
		d.free()
		if gd && !strings.Contains(bd, "gemm") || gw && !strings.Contains(bw, "gemm") {
			t.Errorf("%s on %v: backward-data on %q, backward-weights on %q; asked gemm for %v, %v", name, b.isa, bd, bw, gd, gw)
		}
		if b.isa.has(isaAVX2) && (!gd && strings.Contains(bd, "gemm") || !gw && strings.Contains(bw, "gemm")) {
			t.Errorf("%s on %v: backward-data on %q, backward-weights on %q; want oneDNN's direct kernels where gemm is not asked for", name, b.isa, bd, bw)
		}
	}
}

// TestDnnlB2Primitives prepares every convolution of a B2 + 4 Gram training
// step (batch 16, 256x256) on the ISA oneDNN runs on here and checks that
// none of its passes runs on oneDNN's reference implementation (plain C++
// loops, 10-100x slower: what a missing jit kernel or a refused gemm
// preference would fall back to), and that every pass gemmBackward asks
// gemm for got it. Run it with ONEDNN_MAX_CPU_ISA=SSE41 (or AVX, AVX2) to
// check another CPU's choice; -v logs the implementations.
func TestDnnlB2Primitives(t *testing.T) {
	if testing.Short() {
		t.Skip("prepares about 100 oneDNN convolutions")
	}
	cfg, _ := Preset("b2", 4)
	cfg.Backend = "onednn"
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p, err := n.planFor(16, 256)
	if err != nil {
		t.Fatal(err)
	}
	b := n.be.(*dnnlBackend)
	t.Logf("oneDNN runs on %v", b.isa)
	seen := map[string]bool{}
	for _, o := range p.ops {
		var d *dnnlConv
		var name string
		var gd, gw bool
		switch c := o.(type) {
		case *convOp:
			d, name = b.conv(c), fmt.Sprintf("conv%dx%d_s%d %dx%dx%d->%d", c.k, c.k, c.stride, c.x.H, c.x.W, c.x.C, c.y.C)
			gd, gw = gemmBackward(b.isa, c.x.C, c.y.C, c.k, c.stride, 1)
		case *dwConvOp:
			d, name = b.dw(c), fmt.Sprintf("dw%dx%d_s%d %dx%dx%d", c.k, c.k, c.stride, c.x.H, c.x.W, c.x.C)
		default:
			continue
		}
		if d == nil || seen[name] {
			continue
		}
		seen[name] = true
		f, bd, bw := d.impls()
		t.Logf("%-28s fwd %-22s bwd-data %-22s bwd-weights %s", name, f, bd, bw)
		for _, impl := range []string{f, bd, bw} {
			if impl == "" || strings.Contains(impl, "ref") {
				t.Errorf("%s: a pass runs on %q (fwd %q, bwd-data %q, bwd-weights %q)", name, impl, f, bd, bw)
			}
		}
		if gd && !strings.Contains(bd, "gemm") || gw && !strings.Contains(bw, "gemm") {
			t.Errorf("%s: asked gemm for bwd-data %v, bwd-weights %v; got %q, %q", name, gd, gw, bd, bw)
		}
	}
	if len(seen) < 20 {
		t.Errorf("only %d distinct oneDNN convolutions in B2", len(seen))
	}
}

// dnnlBenchPlan is benchNet's network's training plan (256x256) on its
// onednn backend, and the batch size; it skips the benchmark on another
// backend.
func dnnlBenchPlan(b *testing.B) (*plan, *dnnlBackend, int) {
	n, bs := benchNet(b, 16)
	p, err := n.planFor(bs, 256)
	if err != nil {
		b.Fatal(err)
	}
	be, ok := n.be.(*dnnlBackend)
	if !ok {
		b.Skip("needs the onednn backend")
	}
	return p, be, bs
}

// BenchmarkDnnlGemmBackward times, on every distinct oneDNN convolution of
// a B2 + 4 Gram training step (256x256, batch CURATE_BATCH, default 16),
// one chunk's backward-data and backward-weights on oneDNN's first choice
// and on its gemm implementation, single-threaded, the two alternating
// within each of b.N rounds (run with -benchtime 7x), and logs the fastest
// times with the cost per training step of each (occurrences x chunks):
// the measurements behind gemmBackward. Backward-data counts only where
// the input needs a gradient (not the stem's).
func BenchmarkDnnlGemmBackward(b *testing.B) {
	p, be, bs := dnnlBenchPlan(b)
	type shape struct {
		h, w, cin, cout, k, s, pt, pl, ho, wo int
		dx                                    bool
	}
	var order []shape
	count := map[shape]int{}
	for _, o := range p.ops {
		c, ok := o.(*convOp)
		if !ok || c.y.H < 2 || c.y.W < 2 {
			continue
		}
		s := shape{c.x.H, c.x.W, c.x.C, c.y.C, c.k, c.stride, c.padT, c.padL, c.y.H, c.y.W, c.x.needGrad}
		if count[s] == 0 {
			order = append(order, s)
		}
		count[s]++
	}
	b.Logf("oneDNN on %v, batch %d, %d rounds; per chunk single-threaded, fastest of the rounds in ms; step = occurrences x chunks x time", be.isa, bs, b.N)
	rng := rand.New(rand.NewPCG(3, 4))
	fill := func(v []float32) {
		for i := range v {
			v[i] = rng.Float32() - 0.5
		}
	}
	// The fastest of the rounds: the work is fixed, so anything slower is
	// the load of other processes.
	fastest := func(v []time.Duration) float64 { return slices.Min(v).Seconds() * 1000 }
	var stepFirst, stepGemm, stepBest, stepRule [2]float64
	for _, s := range order {
		x, y := newTensor(bs, s.h, s.w, s.cin, true), newTensor(bs, s.ho, s.wo, s.cout, true)
		per := chunkImages(bs, s.h*s.w)
		pb := (s.ho-1)*s.s + s.k - s.h - s.pt
		pr := (s.wo-1)*s.s + s.k - s.w - s.pl
		vs := [2]*dnnlConv{
			be.prepareOn(x, y, per, s.k, s.s, s.pt, s.pl, pb, pr, 1, false, false, false, false),
			be.prepareOn(x, y, per, s.k, s.s, s.pt, s.pl, pb, pr, 1, false, false, true, true),
		}
		if vs[0].c == nil || vs[1].c == nil {
			b.Fatalf("%v: oneDNN refused the convolution", s)
		}
		xs := make([]float32, per*s.h*s.w*s.cin)
		dy := make([]float32, per*s.ho*s.wo*s.cout)
		w := make([]float32, s.k*s.k*s.cin*s.cout)
		dx := make([]float32, len(xs))
		dw := make([]float32, len(w))
		fill(xs)
		fill(dy)
		fill(w)
		var tw, td [2][]time.Duration
		for v := range vs { // warm up both
			be.chunkBackward(vs[v], 0, xs, w, dy, nil, dw)
			be.chunkBackward(vs[v], 0, xs, w, dy, dx, dw)
		}
		for r := 0; r < b.N; r++ {
			for j := 0; j < 2; j++ {
				v := (j + r) % 2
				t0 := time.Now()
				be.chunkBackward(vs[v], 0, xs, w, dy, nil, dw)
				t1 := time.Now()
				be.chunkBackward(vs[v], 0, xs, w, dy, dx, dw)
				tw[v] = append(tw[v], t1.Sub(t0))
				td[v] = append(td[v], time.Since(t1))
			}
		}
		var data, wts [2]float64
		for v := range vs {
			wts[v] = fastest(tw[v])
			data[v] = fastest(td[v])
			if !s.dx {
				data[v] = 0 // no input gradient (the stem)
			}
		}
		_, d0, w0 := vs[0].impls()
		_, d1, w1 := vs[1].impls()
		vs[0].free()
		vs[1].free()
		m := float64(count[s] * ((bs + per - 1) / per))
		gd, gw := gemmBackward(be.isa, s.cin, s.cout, s.k, s.s, 1)
		rule := [2]float64{data[0], wts[0]}
		if gd {
			rule[0] = data[1]
		}
		if gw {
			rule[1] = wts[1]
		}
		for i, t := range [][2]float64{data, wts} {
			stepFirst[i] += m * t[0]
			stepGemm[i] += m * t[1]
			stepBest[i] += m * min(t[0], t[1])
			stepRule[i] += m * rule[i]
		}
		b.Logf("%dx%d_s%d %3dx%-3d %3d->%-4d x%-2d per %d | data %-16s %6.2f  %-12s %6.2f (%.2fx) | weights %-16s %6.2f  %-12s %6.2f (%.2fx) | rule %v %v",
			s.k, s.k, s.s, s.h, s.w, s.cin, s.cout, count[s], per, d0, data[0], d1, data[1], data[0]/data[1], w0, wts[0], w1, wts[1], wts[0]/wts[1], gd, gw)
	}
	for i, name := range []string{"backward-data", "backward-weights"} {
		b.Logf("%-16s per step: first choice %6.1f ms, gemm %6.1f ms, best of the two %6.1f ms, gemmBackward %6.1f ms", name, stepFirst[i], stepGemm[i], stepBest[i], stepRule[i])
	}
}

// BenchmarkDnnlChunkCap pairs training steps of one B2 + 4 Gram network
// (256x256) under the default cap of dnnlChunks chunks a convolution and
// under CURATE_CHUNK_CAP (16), alternating which goes first each round, and
// logs each round's speed ratio (cap / default) and their median.
// CURATE_BATCH (64), CURATE_THREADS (0 = all CPUs).
func BenchmarkDnnlChunkCap(b *testing.B) {
	n, bs := benchNet(b, 64)
	be, ok := n.be.(*dnnlBackend)
	if !ok {
		b.Skipf("backend %s is not onednn", n.Backend())
	}
	most, _ := strconv.Atoi(os.Getenv("CURATE_CHUNK_CAP"))
	if most <= 0 {
		most = 16
	}
	batch := randomBatch(rand.New(rand.NewPCG(1, 1)), bs, 256, 2)
	step := func(m int) time.Duration {
		be.maxChunks = m
		t0 := time.Now()
		if _, err := n.Step(batch); err != nil {
			b.Fatal(err)
		}
		return time.Since(t0)
	}
	step(0)
	step(most)
	var ratios []float64
	for i := 0; i < b.N; i++ {
		var base, alt time.Duration
		if i%2 == 0 {
			base, alt = step(0), step(most)
		} else {
			alt, base = step(most), step(0)
		}
		ratios = append(ratios, base.Seconds()/alt.Seconds())
		b.Logf("round %d: cap %d %.0f ms, cap %d %.0f ms, speed ratio %.3f", i, dnnlChunks, base.Seconds()*1e3, most, alt.Seconds()*1e3, ratios[i])
	}
	slices.Sort(ratios)
	b.Logf("batch %d: cap %d against %d, median speed ratio %.3f (min %.3f, max %.3f) over %d rounds", bs, most, dnnlChunks, ratios[len(ratios)/2], ratios[0], ratios[len(ratios)-1], len(ratios))
	b.ReportMetric(ratios[len(ratios)/2], "ratio")
}

// TestDnnlFusedBNStats checks the batch-norm statistics the oneDNN
// convolutions add up in their forward chunks: every batch norm right
// after a oneDNN convolution (regular or depthwise) gets them (and skips
// its own pass), and its batch mean and inverse deviation agree with the
// separate pass over the whole activation (noFusedStats) to float32
// rounding: the same double sums in another grouping. Thread-count
// independence of the fused sums is TestDeterministicSteps' (onednn).
func TestDnnlFusedBNStats(t *testing.T) {
	cfg := narrowConfig(1)
	cfg.Backend = "onednn"
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	if _, err := n.Step(colourBatch(rng, 6, 32)); err != nil {
		t.Fatal(err)
	}
	be := n.be.(*dnnlBackend)
	p, e := n.cur, n.exec(true)
	stats := func() (means, invs [][]float32, fused int) {
		for _, o := range p.ops {
			o.forward(e)
			var bn *bnOp
			var d *dnnlConv
			switch c := o.(type) {
			case *convOp:
				bn, d = c.bn, be.conv(c)
			case *dwConvOp:
				bn, d = c.bn, be.dw(c)
			}
			if bn != nil && d != nil && !be.noFusedStats {
				if bn.fusedChunks != int(d.c.chunks) {
					t.Fatalf("batch norm after a oneDNN convolution has %d fused chunks, want %d", bn.fusedChunks, d.c.chunks)
				}
				fused++
			}
			if bn, ok := o.(*bnOp); ok {
				if bn.fusedChunks != 0 {
					t.Fatal("batch norm left its fused statistics set")
				}
				means, invs = append(means, slices.Clone(bn.bmean)), append(invs, slices.Clone(bn.binv))
			}
		}
		return means, invs, fused
	}
	m1, i1, fused := stats()
	be.noFusedStats = true
	m2, i2, _ := stats()
	be.noFusedStats = false
	if fused < 10 {
		t.Fatalf("%d batch norms took fused statistics, want most of the network's %d", fused, len(m1))
	}
	close := func(a, b float32) bool { return math.Abs(float64(a-b)) <= 1e-6*max(1, math.Abs(float64(b))) }
	for k := range m1 {
		for c := range m1[k] {
			if !close(m1[k][c], m2[k][c]) || !close(i1[k][c], i2[k][c]) {
				t.Fatalf("batch norm %d channel %d: fused mean %v inv %v, separate %v %v", k, c, m1[k][c], i1[k][c], m2[k][c], i2[k][c])
			}
		}
	}
}

// BenchmarkDnnlFusedBNStats times B2 + 4 Gram training steps (256x256,
// CURATE_BATCH, default 16; CURATE_THREADS) with the batch-norm statistics
// added up in the convolutions' forward chunks and with the separate pass
// (noFusedStats), alternating step by step in one run, and reports the
// median ms a step of each and the median and range of the pairs' ratios
// (separate / fused).
func BenchmarkDnnlFusedBNStats(b *testing.B) {
	cfg, _ := Preset("b2", 4)
	cfg.Backend = "onednn"
	cfg.Threads, _ = strconv.Atoi(os.Getenv("CURATE_THREADS"))
	bs, _ := strconv.Atoi(os.Getenv("CURATE_BATCH"))
	if bs <= 0 {
		bs = 16
	}
	n, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	be := n.be.(*dnnlBackend)
	batch := randomBatch(rand.New(rand.NewPCG(1, 1)), bs, 256, 2)
	if _, err := n.Step(batch); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var fused, sep []float64
	for range b.N {
		for _, off := range []bool{false, true} {
			be.noFusedStats = off
			s := time.Now()
			if _, err := n.Step(batch); err != nil {
				b.Fatal(err)
			}
			ms := time.Since(s).Seconds() * 1000
			if off {
				sep = append(sep, ms)
			} else {
				fused = append(fused, ms)
			}
		}
	}
	be.noFusedStats = false
	b.Logf("fused %.0f, separate %.0f ms", fused, sep)
	ratios := make([]float64, len(fused))
	for i := range fused {
		ratios[i] = sep[i] / fused[i]
	}
	med := func(v []float64) float64 { slices.Sort(v); return v[len(v)/2] }
	f, s, r := med(fused), med(sep), med(ratios)
	b.Logf("%s, batch %d: fused %.0f ms a step, separate %.0f ms (medians of %d); separate/fused by pair, median %.3f, range %.3f-%.3f",
		be.Describe(), bs, f, s, b.N, r, ratios[0], ratios[len(ratios)-1])
	b.ReportMetric(f, "fused-ms/step")
	b.ReportMetric(s, "separate-ms/step")
}

// BenchmarkDnnlChunkSize times, on every distinct oneDNN convolution of a
// B2 + 4 Gram training step (256x256, batch CURATE_BATCH, default 16), the
// whole op's forward and backward passes on one thread with the batch cut
// as chunkImages cuts it and into chunks of twice as many images (half as
// many chunks, at least 2), alternating within each of b.N rounds (run
// with -benchtime 7x -v), the fastest of the rounds each (the load of
// other processes only adds time); it logs per shape and per step
// (occurrences x time) what larger chunks would save in work, leaving
// aside how evenly fewer chunks spread over the threads.
func BenchmarkDnnlChunkSize(b *testing.B) {
	p, be, bs := dnnlBenchPlan(b)
	e := &exec{pool: pool{threads: 1}, be: be, train: true}
	rng := rand.New(rand.NewPCG(5, 6))
	fill := func(v []float32) {
		for i := range v {
			v[i] = rng.Float32() - 0.5
		}
	}
	type shape struct{ h, w, cin, cout, k, s, pt, pl, ho, wo, groups int }
	var order []shape
	count := map[shape]int{}
	for _, o := range p.ops {
		var s shape
		switch c := o.(type) {
		case *convOp:
			if c.y.H < 2 || c.y.W < 2 {
				continue
			}
			s = shape{c.x.H, c.x.W, c.x.C, c.y.C, c.k, c.stride, c.padT, c.padL, c.y.H, c.y.W, 1}
		case *dwConvOp:
			if c.y.H < 2 || c.y.W < 2 {
				continue
			}
			s = shape{c.x.H, c.x.W, c.x.C, c.y.C, c.k, c.stride, c.padT, c.padL, c.y.H, c.y.W, c.x.C}
		default:
			continue
		}
		if count[s] == 0 {
			order = append(order, s)
		}
		count[s]++
	}
	var step [2][2]float64 // [default, double][fwd, bwd]
	for _, s := range order {
		per := chunkImages(bs, s.h*s.w)
		if 2*per > bs/2 && bs/per <= 2 {
			continue
		}
		x, y := newTensor(bs, s.h, s.w, s.cin, true), newTensor(bs, s.ho, s.wo, s.cout, true)
		x.alloc()
		x.allocGrad()
		y.alloc()
		y.allocGrad()
		fill(x.Data)
		fill(y.Grad)
		w := &Param{Data: make([]float32, s.k*s.k*s.cin*s.cout/s.groups), Grad: make([]float32, s.k*s.k*s.cin*s.cout/s.groups), Trainable: true}
		fill(w.Data)
		pb := (s.ho-1)*s.s + s.k - s.h - s.pt
		pr := (s.wo-1)*s.s + s.k - s.w - s.pl
		gd, gw := false, false
		if s.groups == 1 {
			gd, gw = gemmBackward(be.isa, s.cin, s.cout, s.k, s.s, 1)
		}
		vs := [2]*dnnlConv{
			be.prepareOn(x, y, per, s.k, s.s, s.pt, s.pl, pb, pr, s.groups, false, false, gd, gw),
			be.prepareOn(x, y, 2*per, s.k, s.s, s.pt, s.pl, pb, pr, s.groups, false, false, gd, gw),
		}
		if vs[0].c == nil || vs[1].c == nil {
			b.Fatalf("%v: oneDNN refused the convolution", s)
		}
		var tf, tb [2]time.Duration
		for r := -1; r < b.N; r++ { // round -1 warms up
			for j := range 2 {
				v := (j + max(r, 0)) % 2
				t0 := time.Now()
				be.forward(e, vs[v], x, y, w, nil, nil)
				t1 := time.Now()
				be.backwardOn(e, vs[v], x, y.Grad, w, nil, x.Grad, false, true)
				df, db := t1.Sub(t0), time.Since(t1)
				if r == 0 || df < tf[v] {
					tf[v] = df
				}
				if r == 0 || db < tb[v] {
					tb[v] = db
				}
			}
		}
		vs[0].free()
		vs[1].free()
		c := float64(count[s])
		for v := range 2 {
			step[v][0] += c * tf[v].Seconds() * 1000
			step[v][1] += c * tb[v].Seconds() * 1000
		}
		b.Logf("%dx%d_s%d g%-4d %3dx%-3d %4d->%-4d x%-2d | per %d: fwd %6.2f bwd %6.2f ms | per %d: fwd %6.2f (%.2fx) bwd %6.2f (%.2fx)",
			s.k, s.k, s.s, s.groups, s.h, s.w, s.cin, s.cout, count[s], per, tf[0].Seconds()*1000, tb[0].Seconds()*1000,
			2*per, tf[1].Seconds()*1000, tf[1].Seconds()/tf[0].Seconds(), tb[1].Seconds()*1000, tb[1].Seconds()/tb[0].Seconds())
	}
	b.Logf("per step, one thread: chunkImages fwd %.0f bwd %.0f ms; chunks of twice the images fwd %.0f bwd %.0f ms (%s)",
		step[0][0], step[0][1], step[1][0], step[1][1], be.Describe())
}
