//go:build cgo && !nodnnl

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
	for _, s := range n.infer.progs[planKey{3, cfg.Size}].steps {
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
		if impl := d.impl(); !strings.HasPrefix(impl, "jit") {
			t.Errorf("a convolution (%d -> %dx%dx%d) runs on oneDNN's %q implementation, not a JIT one", s.ins[0].C, s.out.H, s.out.W, s.out.C, impl)
		}
	}
	if convs == 0 || dws == 0 {
		t.Fatalf("%d convolutions, %d depthwise: the network has both", convs, dws)
	}
	want := make([]float32, 6)
	if err := n.predictGraph(b, want); err != nil {
		t.Fatal(err)
	}
	compareProbs(t, "onednn inference path", probs, want, inferProbsBound)
}
