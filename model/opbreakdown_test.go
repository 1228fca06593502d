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
// convolutions (run with -v to see the table). It accounts for the whole
// step: the same step through Net.Step is timed beside it, and the table
// adds the gradient clearing and the optimiser, so "outside the ops" is
// what the step spends that no op does. Next to wall time it gives each
// kind's process CPU time and its busy share (CPU / (wall * threads)): on
// a quiet machine a share well under 1 is a thread left idle (chunk
// imbalance, serial work). Environment: CURATE_BACKEND (default: the
// fastest built), CURATE_BATCH (8), CURATE_THREADS (0 = all CPUs).
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
	type cost struct {
		wall time.Duration
		cpu  float64
	}
	fw, bw := map[string]*cost{}, map[string]*cost{}
	timed := func(m map[string]*cost, k string, fn func()) {
		s, c := time.Now(), cpuSeconds()
		fn()
		if m[k] == nil {
			m[k] = &cost{}
		}
		m[k].wall += time.Since(s)
		m[k].cpu += cpuSeconds() - c
	}
	b.Logf("backend %s (%s), batch %d, %d threads", n.be.Name(), n.be.Describe(), bs, n.threads)
	var step cost
	for rep := 0; rep < b.N; rep++ {
		s, c := time.Now(), cpuSeconds()
		if _, err := n.Step(batch); err != nil {
			b.Fatal(err)
		}
		step.wall += time.Since(s)
		step.cpu += cpuSeconds() - c
		for _, o := range p.ops {
			timed(fw, opKind(o), func() { o.forward(e) })
		}
		timed(bw, "(clear gradients)", func() {
			for _, q := range n.params {
				if q.Grad != nil {
					clear(q.Grad)
				}
			}
			for _, t := range p.tensors {
				t.gradLive = false
			}
		})
		for i := len(p.ops) - 1; i >= 0; i-- {
			timed(bw, opKind(p.ops[i]), func() { p.ops[i].backward(e) })
		}
		timed(bw, "(adagrad)", func() { e.be.adagrad(e, n.opt, n.params[n.frozen.params:]) })
	}
	ms := func(d time.Duration) float64 { return d.Seconds() * 1000 / float64(b.N) }
	busy := func(c *cost) float64 { return c.cpu / (c.wall.Seconds() * float64(n.threads)) }
	var ks []string
	var tot cost
	var tf, tb time.Duration
	for k, c := range fw {
		ks = append(ks, k)
		tot.wall += c.wall
		tot.cpu += c.cpu
	}
	for k, c := range bw {
		if fw[k] == nil {
			ks = append(ks, k)
		}
		tot.wall += c.wall
		tot.cpu += c.cpu
	}
	for k := range fw {
		tf += fw[k].wall
	}
	for k := range bw {
		tb += bw[k].wall
	}
	both := func(k string) (c cost) {
		for _, m := range []map[string]*cost{fw, bw} {
			if m[k] != nil {
				c.wall += m[k].wall
				c.cpu += m[k].cpu
			}
		}
		return c
	}
	sort.Slice(ks, func(i, j int) bool { return both(ks[i]).wall > both(ks[j]).wall })
	for _, k := range ks {
		f, w := fw[k], bw[k]
		if f == nil {
			f = &cost{}
		}
		if w == nil {
			w = &cost{}
		}
		c := both(k)
		line := fmt.Sprintf("%-28s fwd %6.0f ms  bwd %6.0f ms  cpu %6.0f ms  busy %3.0f%%", k, ms(f.wall), ms(w.wall), c.cpu*1000/float64(b.N), 100*busy(&c))
		if fl[k] > 0 {
			line += fmt.Sprintf("  %.1f GFLOP fwd %.1f GFLOP/s", fl[k]/1e9, fl[k]/1e9/(f.wall.Seconds()/float64(b.N)))
		}
		b.Logf("%s", line)
	}
	b.Logf("total fwd %.0f ms bwd %.0f ms per step (ops, clearing and optimiser; cpu %.0f ms, busy %.0f%%)", ms(tf), ms(tb), tot.cpu*1000/float64(b.N), 100*busy(&tot))
	b.Logf("Net.Step %.0f ms (cpu %.0f ms, busy %.0f%%): %.0f ms outside the timed ops", ms(step.wall), step.cpu*1000/float64(b.N), 100*busy(&step), ms(step.wall-tf-tb))
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
