//go:build cgo && !nodnnl

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
				st := &l.prog.steps[i]
				s0 := time.Now()
				switch {
				case st.conv != nil:
					ib.inferConv(l.e, &l.run, st.conv)
					st.conv.ran()
				case st.dw != nil:
					ib.inferDW(l.e, &l.run, st.dw)
					st.dw.ran()
				default:
					st.op.forward(l.e)
				}
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

// BenchmarkInferAB times, per spatial convolution of one inference lane,
// the current choice against alternatives, alternating, and logs the
// per-shape times and implementations.
func BenchmarkInferAB(b *testing.B) {
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
