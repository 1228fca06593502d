package model

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func tinyConfig(t *testing.T) Config {
	t.Helper()
	cfg, err := Preset("tiny", 1)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Size, cfg.Threads, cfg.Seed = 32, 1, 3
	return cfg
}

// Freezing the backbone leaves every backbone parameter (BN statistics
// included) as it was, while the head trains.
func TestFreezeHead(t *testing.T) {
	n, err := New(tinyConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Freeze("no_such_layer"); err == nil {
		t.Fatal("Freeze of an unknown layer: no error")
	}
	if err := n.Freeze(HeadLayer); err != nil {
		t.Fatal(err)
	}
	before := map[string][]float32{}
	for _, p := range n.Params() {
		before[p.Name] = slices.Clone(p.Data)
	}
	b := randomBatch(rand.New(rand.NewPCG(1, 2)), 4, 32, 2)
	for range 2 {
		if _, err := n.Step(b); err != nil {
			t.Fatal(err)
		}
	}
	_, frozenCount := n.Frozen()
	if frozenCount == 0 {
		t.Fatal("nothing frozen")
	}
	for _, p := range n.Params() {
		same := slices.Equal(before[p.Name], p.Data)
		backbone := p.Name == "top_bn/moving_mean:0" || p.Name == "stem_conv/kernel:0" || p.Name == "block1a_project_bn/moving_variance:0"
		head := p.Name == "predictions/kernel:0" || p.Name == "head_dense/kernel:0" || p.Name == "gram1_bn/moving_mean:0"
		if backbone && !same {
			t.Errorf("%s changed although frozen", p.Name)
		}
		if head && same {
			t.Errorf("%s did not change although trainable", p.Name)
		}
	}
}

// Accumulators and the step counter restored into a fresh network make its
// next step identical to the original's.
func TestStateRestore(t *testing.T) {
	cfg := tinyConfig(t)
	a, _ := New(cfg)
	b := randomBatch(rand.New(rand.NewPCG(1, 2)), 4, 32, 2)
	for range 2 {
		if _, err := a.Step(b); err != nil {
			t.Fatal(err)
		}
	}
	c, _ := New(cfg)
	for _, p := range a.Params() {
		q := c.Param(p.Name)
		copy(q.Data, p.Data)
		if acc := a.Accumulator(p); acc != nil {
			copy(c.Accumulator(q), acc)
		}
	}
	c.SetSteps(a.Steps())
	la, _ := a.Step(b)
	lc, _ := c.Step(b)
	if la != lc {
		t.Fatalf("loss after restore %v, want %v", lc, la)
	}
	for _, p := range a.Params() {
		if !slices.Equal(p.Data, c.Param(p.Name).Data) {
			t.Fatalf("%s differs after a restored step", p.Name)
		}
	}
	probs := make([]float32, 8)
	if err := c.LastProbs(probs); err != nil || probs[0]+probs[1] < 0.99 {
		t.Fatalf("LastProbs %v, %v", probs, err)
	}
}
