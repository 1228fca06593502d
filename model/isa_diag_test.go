//go:build cgo && !nodnnl && !noblas

package model

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"
)

// BenchmarkInferStepsISA times every step of one inference lane over a
// batch of images, logging each spatial convolution with its oneDNN
// implementation and layout, then the time per kind of step.
func BenchmarkInferStepsISA(b *testing.B) {
	n, bs := benchNet(b, 16)
	ib := n.be.(inferBackend)
	batch := randomBatch(rand.New(rand.NewPCG(1, 1)), bs, 256, 2)
	probs := make([]float32, bs*2)
	if err := n.Predict(batch, probs); err != nil {
		b.Fatal(err)
	}
	lanes, err := n.inferLanes(256, 1, 1)
	if err != nil {
		b.Fatal(err)
	}
	l, per := lanes[0], 256*256*3
	times := make([]time.Duration, len(l.prog.steps))
	b.ResetTimer()
	for range b.N {
		for img := range bs {
			copy(l.prog.plan.input.Data, batch.Images[img*per:(img+1)*per])
			for i := range l.prog.steps {
				s0 := time.Now()
				l.prog.steps[i].run(ib, l.e, &l.run)
				times[i] += time.Since(s0)
			}
		}
	}
	kinds := map[string]time.Duration{}
	var total time.Duration
	for i := range l.prog.steps {
		st := &l.prog.steps[i]
		ms := times[i].Seconds() * 1000 / float64(b.N) / 2 // per batch on 2 lanes
		total += times[i]
		var k, desc string
		switch {
		case st.conv != nil:
			c := st.conv
			impl := ""
			if d, ok := c.opState.state.(*dnnlInfer); ok && d.c != nil {
				impl = d.impl()
			}
			k = fmt.Sprintf("conv%dx%d_s%d", c.conv.k, c.conv.k, c.conv.stride)
			if c.y.H == 1 {
				k = "dense"
			} else if c.scale != nil {
				k += "_se"
			}
			desc = fmt.Sprintf("%-10s %3dx%-3d %4d->%-4d act%d res%v lay%v %s", k, c.x.H, c.x.W, c.x.C, c.y.C, c.act, c.res != nil, c.lay, impl)
		case st.dw != nil:
			c := st.dw
			impl := ""
			if d, ok := c.opState.state.(*dnnlInfer); ok && d.c != nil {
				impl = d.impl()
			}
			k = fmt.Sprintf("dw%dx%d_s%d", c.dw.k, c.dw.k, c.dw.stride)
			desc = fmt.Sprintf("%-10s %3dx%-3d %4d       %s", k, c.dw.x.H, c.dw.x.W, c.dw.x.C, impl)
		default:
			k = fmt.Sprintf("%T", st.op)
			desc = k
		}
		kinds[k] += times[i]
		if ms >= 0.3 {
			b.Logf("%3d %7.2f ms  %s", i, ms, desc)
		}
	}
	var ks []string
	for k := range kinds {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return kinds[ks[i]] > kinds[ks[j]] })
	for _, k := range ks {
		b.Logf("%-28s %7.1f ms", k, kinds[k].Seconds()*1000/float64(b.N)/2)
	}
	b.Logf("isa %v: total %.1f ms per batch of %d on 2 lanes: %.1f img/s", effectiveISA(), total.Seconds()*1000/float64(b.N)/2, bs, float64(bs*b.N)/(total.Seconds()/2))
}

// abVariant is one way to run a fused inference convolution: its layout
// and the activation the epilogue applies (actNone: oneDNN's post-op).
type abVariant struct {
	name string
	lay  fusedLayout
	ep   actKind
	host bool // the cpu backend's path
}

// oneDNNLane folds B2 + 4 Gram for 256x256 inference on the onednn backend
// (one Predict of 16 random images) and returns the backend and a lane of
// one thread.
func oneDNNLane(b *testing.B) (*dnnlBackend, *inferLane) {
	b.Helper()
	n, bs := benchNet(b, 16)
	batch := randomBatch(rand.New(rand.NewPCG(1, 1)), bs, 256, 2)
	probs := make([]float32, bs*2)
	if err := n.Predict(batch, probs); err != nil {
		b.Fatal(err)
	}
	be := n.be.(*dnnlBackend)
	lanes, err := n.inferLanes(256, 1, 1)
	if err != nil {
		b.Fatal(err)
	}
	l := lanes[0]
	return be, l
}

// BenchmarkInferAB times, per spatial convolution of one inference lane,
// the current choice against alternatives, alternating, and logs the
// per-shape times and implementations.
func BenchmarkInferAB(b *testing.B) {
	be, l := oneDNNLane(b)
	tot := map[string]time.Duration{}
	rounds := 3 * b.N
	for i := range l.prog.steps {
		st := &l.prog.steps[i]
		var vs []abVariant
		var cs []*dnnlInfer
		var run func(v abVariant, d *dnnlInfer)
		var desc string
		switch {
		case st.conv != nil && dnnlConvs(st.conv):
			f := st.conv
			cur, lead, state := f.lay, f.lead, f.opState.state
			vs = []abVariant{{"cur", cur, be.inferEpilogueAct(f.act), false}}
			if f.act != actNone {
				alt := actNone
				if vs[0].ep == actNone {
					alt = f.act
				}
				vs = append(vs, abVariant{"alt-ep", cur, alt, false})
			}
			if cur != (fusedLayout{}) {
				vs = append(vs, abVariant{"nhwc", fusedLayout{}, vs[0].ep, false})
			}
			if f.scale == nil && f.res == nil {
				vs = append(vs, abVariant{"host", fusedLayout{}, actNone, true})
			}
			for _, v := range vs {
				var d *dnnlInfer
				if !v.host {
					f.lay = v.lay
					c := newInferConv(f, 1, v.ep)
					if c == nil {
						b.Fatalf("step %d: variant %s refused", i, v.name)
					}
					d = &dnnlInfer{c: c, ep: v.ep}
				}
				cs = append(cs, d)
			}
			f.lead = nil
			run = func(v abVariant, d *dnnlInfer) {
				f.lay = v.lay
				if v.host {
					be.hostBackend.inferConv(l.e, &l.run, f)
					return
				}
				f.opState.state = d
				be.inferConv(l.e, &l.run, f)
			}
			defer func() { f.lay, f.lead, f.opState.state = cur, lead, state }()
			desc = fmt.Sprintf("conv%dx%d_s%d %3dx%-3d %4d->%-4d act%d res%v se%v", f.conv.k, f.conv.k, f.conv.stride, f.x.H, f.x.W, f.x.C, f.y.C, f.act, f.res != nil, f.scale != nil)
		case st.dw != nil && st.dw.y.H >= 2:
			f := st.dw
			lead, state := f.lead, f.opState.state
			vs = []abVariant{{"cur", fusedLayout{}, be.inferEpilogueAct(f.act), false}}
			if f.act != actNone {
				alt := actNone
				if vs[0].ep == actNone {
					alt = f.act
				}
				vs = append(vs, abVariant{"alt-ep", fusedLayout{}, alt, false})
			}
			vs = append(vs, abVariant{"host", fusedLayout{}, actNone, true})
			for _, v := range vs {
				var d *dnnlInfer
				if !v.host {
					d = &dnnlInfer{c: newInferDW(f, 1, v.ep), ep: v.ep}
				}
				cs = append(cs, d)
			}
			f.lead = nil
			run = func(v abVariant, d *dnnlInfer) {
				if v.host {
					be.hostBackend.inferDW(l.e, &l.run, f)
					return
				}
				f.opState.state = d
				be.inferDW(l.e, &l.run, f)
			}
			defer func() { f.lead, f.opState.state = lead, state }()
			desc = fmt.Sprintf("dw%dx%d_s%d %3dx%-3d %4d act%d", f.dw.k, f.dw.k, f.dw.stride, f.dw.x.H, f.dw.x.W, f.dw.x.C, f.act)
		default:
			continue
		}
		ts := make([]time.Duration, len(vs)) // the fastest of the rounds: steadier under load than a sum
		for r := range rounds {
			for j, v := range vs {
				s0 := time.Now()
				run(v, cs[j])
				if d := time.Since(s0); r == 0 || d < ts[j] {
					ts[j] = d
				}
			}
		}
		line := ""
		has := map[string]time.Duration{}
		for j, v := range vs {
			impl := "host"
			if cs[j] != nil {
				impl = cs[j].impl()
			}
			line += fmt.Sprintf(" | %s %.2f %s", v.name, ts[j].Seconds()*1000, impl)
			has[v.name] = ts[j]
		}
		// Whole-lane totals: each variant where it applies, else the current choice.
		for _, name := range []string{"cur", "alt-ep", "nhwc", "host"} {
			d, ok := has[name]
			if !ok {
				d = ts[0]
			}
			tot[name] += d
		}
		tot["best-any"] += slices.Min(ts)
		b.Logf("%3d %s%s", i, desc, line)
	}
	for k, v := range tot {
		b.Logf("total %-20s %8.2f ms per image", k, v.Seconds()*1000)
	}
	b.Logf("isa %v", effectiveISA())
}

// BenchmarkTrainAB times, per convolution of the B2 training plan, the
// onednn backend's forward and backward passes against the cpu backend's
// (im2col + OpenBLAS, the C depthwise loops), alternating, the fastest of
// 3*b.N rounds each, and logs per-kind totals.
func BenchmarkTrainAB(b *testing.B) {
	n, bs := benchNet(b, 16)
	batch := randomBatch(rand.New(rand.NewPCG(1, 1)), bs, 256, 2)
	if _, err := n.Step(batch); err != nil {
		b.Fatal(err)
	}
	be := n.be.(*dnnlBackend)
	p := n.cur
	e := n.exec(true)
	rounds := 3 * b.N
	type kt struct{ fwd, bwd [2]time.Duration }
	kinds := map[string]*kt{}
	var order []string
	for _, o := range p.ops {
		var fwd, bwd [2]func()
		var x, y *Tensor
		switch c := o.(type) {
		case *convOp:
			if be.conv(c) == nil {
				continue
			}
			x, y = c.x, c.y
			fwd = [2]func(){func() { be.convForward(e, c) }, func() { be.hostBackend.convForward(e, c) }}
			bwd = [2]func(){func() { be.convBackward(e, c) }, func() { be.hostBackend.convBackward(e, c) }}
		case *dwConvOp:
			if be.dw(c) == nil {
				continue
			}
			x, y = c.x, c.y
			fwd = [2]func(){func() { be.dwForward(e, c) }, func() { be.hostBackend.dwForward(e, c) }}
			bwd = [2]func(){func() { be.dwBackward(e, c) }, func() { be.hostBackend.dwBackward(e, c) }}
		default:
			continue
		}
		var tf, tb [2]time.Duration
		for r := range rounds {
			for v := range 2 {
				s0 := time.Now()
				fwd[v]()
				if d := time.Since(s0); r == 0 || d < tf[v] {
					tf[v] = d
				}
				x.gradLive, y.gradLive = false, true
				s0 = time.Now()
				bwd[v]()
				if d := time.Since(s0); r == 0 || d < tb[v] {
					tb[v] = d
				}
			}
		}
		k := opKind(o)
		if kinds[k] == nil {
			kinds[k] = &kt{}
			order = append(order, k)
		}
		for v := range 2 {
			kinds[k].fwd[v] += tf[v]
			kinds[k].bwd[v] += tb[v]
		}
		b.Logf("%-22s %3dx%-3d %4d->%-4d fwd onednn %6.2f host %6.2f | bwd onednn %6.2f host %6.2f ms", k, x.H, x.W, x.C, y.C,
			tf[0].Seconds()*1000, tf[1].Seconds()*1000, tb[0].Seconds()*1000, tb[1].Seconds()*1000)
	}
	var t [4]time.Duration
	for _, k := range order {
		c := kinds[k]
		b.Logf("kind %-22s fwd onednn %7.1f host %7.1f | bwd onednn %7.1f host %7.1f ms", k,
			c.fwd[0].Seconds()*1000, c.fwd[1].Seconds()*1000, c.bwd[0].Seconds()*1000, c.bwd[1].Seconds()*1000)
		t[0] += c.fwd[0]
		t[1] += c.fwd[1]
		t[2] += c.bwd[0]
		t[3] += c.bwd[1]
	}
	b.Logf("all convolutions: fwd onednn %.0f host %.0f | bwd onednn %.0f host %.0f ms (%s)", t[0].Seconds()*1000, t[1].Seconds()*1000,
		t[2].Seconds()*1000, t[3].Seconds()*1000, be.Describe())
}

// BenchmarkInferBatchAB times each spatial convolution of one inference
// lane on one image four times against one primitive of four images (the
// fastest of 3*b.N rounds), with the kernel and layout the lane uses.
func BenchmarkInferBatchAB(b *testing.B) {
	be, l := oneDNNLane(b)
	const N = 4
	var t1, t4 time.Duration
	kinds := map[string][2]time.Duration{}
	for i := range l.prog.steps {
		f := l.prog.steps[i].conv
		if f == nil || !dnnlConvs(f) || f.scale != nil {
			continue
		}
		ep := be.inferEpilogueAct(f.act)
		c1 := newInferConv(f, 1, ep)
		g := *f
		alloc := func(t *Tensor) *Tensor { t.Data = make([]float32, t.Len()); return t }
		g.x, g.y = alloc(newTensor(N, f.x.H, f.x.W, f.x.C, false)), alloc(newTensor(N, f.y.H, f.y.W, f.y.C, false))
		if f.res != nil {
			g.res = alloc(newTensor(N, f.y.H, f.y.W, f.y.C, false))
		}
		lead, state := f.lead, f.opState.state
		f.lead, g.lead = nil, nil
		c4 := newInferConv(&g, 1, ep)
		if c1 == nil || c4 == nil {
			b.Fatalf("step %d refused", i)
		}
		d1, d4 := &dnnlInfer{c: c1, ep: ep}, &dnnlInfer{c: c4, ep: ep}
		var m1, m4 time.Duration
		for r := range 3 * b.N {
			s0 := time.Now()
			f.opState.state = d1
			for range N {
				be.inferConv(l.e, &l.run, f)
			}
			if d := time.Since(s0); r == 0 || d < m1 {
				m1 = d
			}
			s0 = time.Now()
			g.opState.state = d4
			be.inferConv(l.e, &l.run, &g)
			if d := time.Since(s0); r == 0 || d < m4 {
				m4 = d
			}
		}
		f.lead, f.opState.state = lead, state
		d1.free()
		d4.free()
		t1 += m1
		t4 += m4
		k := fmt.Sprintf("conv%dx%d in%d", f.conv.k, f.conv.k, f.x.H)
		v := kinds[k]
		v[0] += m1
		v[1] += m4
		kinds[k] = v
	}
	for k, v := range kinds {
		b.Logf("%-16s 4 x 1 image %7.2f ms, 1 x 4 images %7.2f ms: %.2fx", k, v[0].Seconds()*1000, v[1].Seconds()*1000, v[0].Seconds()/v[1].Seconds())
	}
	b.Logf("isa %v: 4 x 1 image %.1f ms, 1 x 4 images %.1f ms: %.2fx", be.isa, t1.Seconds()*1000, t4.Seconds()*1000, t1.Seconds()/t4.Seconds())
}
