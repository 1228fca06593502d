package model

import (
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"
)

// benchNet builds B2 + 4 Gram (256x256) for a benchmark from the
// environment: CURATE_BACKEND (default: the fastest built), CURATE_THREADS
// (0 = all CPUs) and CURATE_BATCH (defBatch when unset); it returns the
// network and the batch size.
func benchNet(b *testing.B, defBatch int) (*Net, int) {
	b.Helper()
	cfg, _ := Preset("b2", 4)
	cfg.Backend = os.Getenv("CURATE_BACKEND")
	cfg.Threads, _ = strconv.Atoi(os.Getenv("CURATE_THREADS"))
	bs, _ := strconv.Atoi(os.Getenv("CURATE_BATCH"))
	if bs <= 0 {
		bs = defBatch
	}
	n, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	return n, bs
}

// BenchmarkOpBreakdown times one B2 + 4 Gram training step (256x256) op by
// op and logs the time per kind of op, with the achieved GFLOP/s of the
// convolutions (run with -v to see the table). Environment:
// CURATE_BACKEND (default: the fastest built), CURATE_BATCH (8),
// CURATE_THREADS (0 = all CPUs).
func BenchmarkOpBreakdown(b *testing.B) {
	n, bs := benchNet(b, 8)
	rng := rand.New(rand.NewPCG(1, 1))
	batch := randomBatch(rng, bs, 256, 2)
	if _, err := n.Step(batch); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	p := n.cur
	e := n.exec(true)
	fl := map[string]float64{}
	for _, o := range p.ops {
		switch c := o.(type) {
		case *convOp:
			fl[opKind(o)] += 2 * float64(c.y.N*c.y.H*c.y.W) * float64(c.k*c.k*c.x.C) * float64(c.y.C)
		case *dwConvOp:
			fl[opKind(o)] += 2 * float64(c.y.N*c.y.H*c.y.W) * float64(c.k*c.k) * float64(c.y.C)
		}
	}
	fw := map[string]time.Duration{}
	bw := map[string]time.Duration{}
	b.Logf("backend %s (%s), batch %d, %d threads", n.be.Name(), n.be.Describe(), bs, n.threads)
	for rep := 0; rep < b.N; rep++ {
		for _, o := range p.ops {
			s := time.Now()
			o.forward(e)
			fw[opKind(o)] += time.Since(s)
		}
		for _, q := range n.params {
			if q.Grad != nil {
				clear(q.Grad)
			}
		}
		for _, t := range p.tensors {
			t.gradLive = false
		}
		for i := len(p.ops) - 1; i >= 0; i-- {
			s := time.Now()
			p.ops[i].backward(e)
			bw[opKind(p.ops[i])] += time.Since(s)
		}
	}
	var ks []string
	var tf, tb time.Duration
	for k := range fw {
		ks = append(ks, k)
		tf += fw[k]
		tb += bw[k]
	}
	sort.Slice(ks, func(i, j int) bool { return fw[ks[i]]+bw[ks[i]] > fw[ks[j]]+bw[ks[j]] })
	for _, k := range ks {
		b.Logf("%-28s fwd %7.0f ms  bwd %7.0f ms  %.1f GFLOP fwd %.1f GFLOP/s", k, fw[k].Seconds()*1000/float64(b.N), bw[k].Seconds()*1000/float64(b.N), fl[k]/1e9, fl[k]/1e9/(fw[k].Seconds()/float64(b.N)))
	}
	b.Logf("total fwd %.0f ms bwd %.0f ms per step", tf.Seconds()*1000/float64(b.N), tb.Seconds()*1000/float64(b.N))
}

func opKind(o op) string {
	switch o := o.(type) {
	case *convOp:
		if o.direct() {
			return fmt.Sprintf("conv1x1")
		}
		return fmt.Sprintf("conv%dx%d_s%d_in%d", o.k, o.k, o.stride, o.x.H)
	case *bnOp:
		return fmt.Sprintf("bn_%v", o.act)
	case *dwConvOp:
		return fmt.Sprintf("dwconv%dx%d_s%d", o.k, o.k, o.stride)
	}
	return fmt.Sprintf("%T", o)
}
