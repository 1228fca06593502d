//go:build cgo && !nodnnl && !noblas

package model

import (
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"
)

// BenchmarkInferBlocked pairs one inference lane of B2 + 4 Gram (256x256)
// laid out in oneDNN's preferred activation layout (dnnlBlock) against the
// same network laid out with CURATE_BLOCK (16: nChw16c; 8: nChw8c; 0: all
// NHWC), each lane running CURATE_BATCH images (16) single-threaded, the
// two alternating which goes first each of b.N rounds (run with -v), and
// logs thread CPU and wall time per image (medians) and the median of the
// pairs' CPU ratios, with the implementation of every convolution whose
// choice differs.
func BenchmarkInferBlocked(b *testing.B) {
	blk := 16
	if v := os.Getenv("CURATE_BLOCK"); v != "" {
		blk, _ = strconv.Atoi(v)
	}
	na, bs := benchNet(b, 16)
	nb, _ := benchNet(b, 16)
	ib, ok := na.be.(inferBackend)
	if !ok {
		b.Fatalf("backend %s has no inference path", na.Backend())
	}
	batch := randomBatch(rand.New(rand.NewPCG(1, 1)), bs, 256, 2)
	probs := make([]float32, bs*2)
	// Predict lays out each network's programs (and the lanes' shared
	// kernels) before its lanes run alone.
	if err := na.Predict(batch, probs); err != nil {
		b.Fatal(err)
	}
	def := setDnnlBlock(blk)
	err := nb.Predict(batch, probs)
	setDnnlBlock(def)
	if err != nil {
		b.Fatal(err)
	}
	la, err := na.inferLanes(256, 1, 1)
	if err != nil {
		b.Fatal(err)
	}
	lb, err := nb.inferLanes(256, 1, 1)
	if err != nil {
		b.Fatal(err)
	}
	lanes := [2]*inferLane{la[0], lb[0]}
	for _, l := range lanes { // warm up: fold, prepare every primitive
		runLane(ib, l, batch, 0, bs)
	}
	for i := range lanes[0].prog.steps {
		fa, fb := lanes[0].prog.steps[i].conv, lanes[1].prog.steps[i].conv
		if fa == nil || fb == nil {
			continue
		}
		da, _ := fa.state.(*dnnlInfer)
		db, _ := fb.state.(*dnnlInfer)
		if da == nil || db == nil || da.c == nil || db.c == nil || da.impl() == db.impl() && fa.lay == fb.lay {
			continue
		}
		b.Logf("step %3d %dx%d %dx%d %d->%d: %s %+v | %s %+v", i, fa.conv.k, fa.conv.k, fa.x.H, fa.x.W, fa.x.C, fa.y.C, da.impl(), fa.lay, db.impl(), fb.lay)
	}
	var cpu, wall [2][]float64
	var ratios []float64
	for r := range b.N {
		var c [2]float64
		for j := range 2 {
			v := (j + r) % 2
			w, t := runLane(ib, lanes[v], batch, 0, bs)
			c[v] = t.Seconds() * 1000 / float64(bs)
			cpu[v] = append(cpu[v], c[v])
			wall[v] = append(wall[v], w.Seconds()*1000/float64(bs))
		}
		ratios = append(ratios, c[1]/c[0])
	}
	// Step by step, the fastest of b.N runs of each step on one image
	// (the load of other processes only ever adds time).
	ns := len(lanes[0].prog.steps)
	fast := [2][]time.Duration{make([]time.Duration, ns), make([]time.Duration, ns)}
	for r := range b.N {
		for j := range 2 {
			v := (j + r) % 2
			l := lanes[v]
			copy(l.prog.plan.input.Data, batch.Images[:256*256*3])
			for i := range l.prog.steps {
				t0 := time.Now()
				l.prog.steps[i].run(ib, l.e, &l.run)
				if d := time.Since(t0); r == 0 || d < fast[v][i] {
					fast[v][i] = d
				}
			}
		}
	}
	var tot [2]time.Duration
	for i := range ns {
		tot[0] += fast[0][i]
		tot[1] += fast[1][i]
		if f := lanes[0].prog.steps[i].conv; f != nil && lanes[1].prog.steps[i].conv.lay != f.lay {
			b.Logf("step %3d %dx%d %dx%d %d->%d: default %.3f ms, block %d %.3f ms (%.2fx)", i, f.conv.k, f.conv.k, f.x.H, f.x.W, f.x.C, f.y.C,
				fast[0][i].Seconds()*1000, blk, fast[1][i].Seconds()*1000, fast[1][i].Seconds()/fast[0][i].Seconds())
		}
	}
	b.Logf("one image, sum of each step's fastest: default %.2f ms, block %d %.2f ms (%.3fx)", tot[0].Seconds()*1000, blk, tot[1].Seconds()*1000, tot[1].Seconds()/tot[0].Seconds())
	med := func(v []float64) float64 { s := slices.Clone(v); slices.Sort(s); return s[len(s)/2] }
	b.Logf("%s: block %d (default) %.2f ms CPU %.2f wall an image; block %d %.2f CPU %.2f wall (medians of %d); CPU ratio block %d / default by pair %.3f (%.3f-%.3f)",
		na.be.Describe(), def, med(cpu[0]), med(wall[0]), blk, med(cpu[1]), med(wall[1]), b.N, blk, med(ratios), slices.Min(ratios), slices.Max(ratios))
	b.ReportMetric(med(ratios), "ratio")
}
