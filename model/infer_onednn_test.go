//go:build cgo && !nodnnl && !noblas

package model

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestInferOneDNNPrimitives checks that the onednn backend's inference
// path runs its spatial convolutions on oneDNN (rather than silently on the
// cpu backend's path) and matches the training graph.
func TestInferOneDNNPrimitives(t *testing.T) {
	cfg := narrowConfig(2)
	cfg.Backend = "onednn"
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b := randomBatch(rand.New(rand.NewPCG(1, 2)), 3, cfg.Size, 2)
	probs := make([]float32, 6)
	if err := n.Predict(b, probs); err != nil {
		t.Fatal(err)
	}
	convs, dws := 0, 0
	impls := map[string]int{}
	// A lane that took no image of the three (the other lanes were quicker
	// to the shared counter) has set up no primitive: only lanes that ran
	// are checked, and at least one must have.
	var steps []*inferStep
	ran := 0
	for _, ls := range n.infer.lanes {
		for _, l := range ls {
			if !laneRan(l) {
				continue
			}
			ran++
			steps = append(steps, l.steps()...)
		}
	}
	if ran == 0 {
		t.Fatal("no inference lane ran an image")
	}
	for _, s := range steps {
		var st *opState
		switch {
		case s.conv != nil && s.conv.y.H > 1:
			st, convs = &s.conv.opState, convs+1
		case s.dw != nil && s.dw.y.H > 1:
			st, dws = &s.dw.opState, dws+1
		default:
			continue
		}
		d, ok := st.state.(*dnnlInfer)
		if !ok || d.c == nil {
			t.Fatalf("a spatial convolution ran without a oneDNN primitive (state %T)", st.state)
		}
		// Which kernel runs depends on the ISA (jit:avx2, jit_1x1:avx512_core,
		// gemm:jit under ONEDNN_MAX_CPU_ISA=SSE41, ...); oneDNN's reference
		// loops (ref:any) are never acceptable: 10-100x slower.
		if impl := d.impl(); strings.HasPrefix(impl, "ref") || impl == "" {
			t.Errorf("a convolution (%d -> %dx%dx%d) runs on oneDNN's %q implementation, not an optimised one", s.ins[0].C, s.out.H, s.out.W, s.out.C, impl)
		}
		impls[d.impl()]++
	}
	t.Logf("oneDNN ISA %s, blocked layout of %d channels; implementations %v", effectiveISA(), dnnlBlock(), impls)
	if convs == 0 || dws == 0 {
		t.Fatalf("%d convolutions, %d depthwise: the network has both", convs, dws)
	}
	want := make([]float32, 6)
	if err := n.predictGraph(b, want); err != nil {
		t.Fatal(err)
	}
	compareProbs(t, "onednn inference path", probs, want, inferProbsBound)
}

// TestInferOneDNNLayout checks the blocked layout plan on B2: where oneDNN
// prefers a blocked layout (dnnlBlock; up to AVX2) the fused stages run
// blocked, where it prefers NHWC (AVX-512) nothing does; no tensor read by
// anything but a blocked convolution is blocked, and a residual is in its
// destination's layout unless oneDNN adds it itself.
func TestInferOneDNNLayout(t *testing.T) {
	_, prog := b2LayoutPlan(t, 2)
	blocked := map[*Tensor]bool{}
	convs := 0
	for _, s := range prog.steps {
		if f := s.conv; f != nil && f.lay != (fusedLayout{}) {
			convs++
			if f.lay.y == layBlocked {
				blocked[f.y] = true
			}
			if f.res != nil && !f.sumPostOp() && f.lay.res != f.lay.y {
				t.Errorf("a residual added after the activation is in layout %d, its destination in %d", f.lay.res, f.lay.y)
			}
		}
	}
	blk := dnnlBlock()
	if blk == 0 {
		// oneDNN prefers NHWC here (its brgemm convolutions on AVX-512):
		// then nothing may run blocked.
		if convs != 0 {
			t.Fatalf("%d blocked convolutions, but oneDNN (%s) prefers no blocked layout", convs, effectiveISA())
		}
		return
	}
	if convs < 8 {
		t.Fatalf("%d blocked convolutions: want B2's fused stages blocked (nChw%dc)", convs, blk)
	}
	// The Gram modules' tap (block3b_project_conv, before its batch norm)
	// is read NHWC, but block3 still runs blocked: its projections read
	// their blocked 3x3 expansions and reorder their smaller outputs.
	for _, s := range prog.steps {
		f := s.conv
		if f == nil || !strings.HasPrefix(f.conv.w.Name, "block3") || f.conv.w.Name < "block3b" || f.x.C%blk != 0 || f.y.C%blk != 0 {
			continue
		}
		if f.lay.src != layBlocked {
			t.Errorf("%s (%d -> %d channels) does not run blocked (nChw%dc)", f.conv.w.Name, f.x.C, f.y.C, blk)
		}
	}
	for _, s := range prog.steps {
		for _, x := range s.ins {
			if !blocked[x] {
				continue
			}
			f := s.conv
			if f == nil || f.lay == (fusedLayout{}) || (x == f.x && f.lay.x != layBlocked) || (x == f.res && f.lay.res != layBlocked) {
				t.Errorf("a blocked tensor %v is read by a step that reads NHWC", x.Shape())
			}
		}
	}
}

// laneRan reports whether lane l ran an image: any of its spatial
// convolutions holds a state.
func laneRan(l *inferLane) bool {
	for _, s := range l.steps() {
		if s.conv != nil && s.conv.y.H > 1 && s.conv.opState.state != nil {
			return true
		}
	}
	return false
}

// b2LayoutPlan is B2's inference program on threads threads with the
// onednn backend's layout plan (inferLayout); it skips when the default
// backend is another.
func b2LayoutPlan(t *testing.T, threads int) (*dnnlBackend, *inferProg) {
	t.Helper()
	n, _, prog := b2Program(t, threads)
	b, ok := n.be.(*dnnlBackend)
	if !ok {
		t.Skipf("default backend is %s", n.Backend())
	}
	b.inferLayout(prog)
	return b, prog
}
