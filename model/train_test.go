package model

import (
	"math/rand/v2"
	"testing"
)

// colourBatch draws n noisy images: class 0 dark and blue-ish, class 1
// bright and warm, with heavy per-pixel noise and per-image brightness jitter.
func colourBatch(rng *rand.Rand, n, size int) Batch {
	b := Batch{Images: make([]float32, n*size*size*3), Labels: make([]int, n), N: n, Size: size}
	for i := 0; i < n; i++ {
		cls := rng.IntN(2)
		b.Labels[i] = cls
		base := [3]float64{50, 60, 120}
		if cls == 1 {
			base = [3]float64{200, 150, 90}
		}
		jit := rng.NormFloat64() * 20
		for p := 0; p < size*size; p++ {
			for c := 0; c < 3; c++ {
				v := base[c] + jit + rng.NormFloat64()*50
				b.Images[(i*size*size+p)*3+c] = float32(min(255, max(0, v)))
			}
		}
	}
	return b
}

func TestLearnsColourClasses(t *testing.T) {
	cfg := narrowConfig(2)
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	n.SetOptimizer(Adagrad{LR: 0.02, InitialAccumulator: 0.1, Epsilon: 1e-7})
	rng := rand.New(rand.NewPCG(11, 12))
	test := colourBatch(rng, 128, 32)
	accuracy := func() float64 {
		probs := make([]float32, test.N*2)
		if err := n.Predict(test, probs); err != nil {
			t.Fatal(err)
		}
		ok := 0
		for i, l := range test.Labels {
			pred := 0
			if probs[2*i+1] > probs[2*i] {
				pred = 1
			}
			if pred == l {
				ok++
			}
		}
		return float64(ok) / float64(test.N)
	}
	var first, last float32
	for step := 0; step < 60; step++ {
		loss, err := n.Step(colourBatch(rng, 16, 32))
		if err != nil {
			t.Fatal(err)
		}
		if step == 0 {
			first = loss
		}
		last = loss
	}
	acc := accuracy()
	t.Logf("loss %.3f -> %.3f, held-out accuracy %.3f after %d steps", first, last, acc, n.Steps())
	if acc <= 0.95 {
		t.Errorf("held-out accuracy %.3f, want > 0.95", acc)
	}
}

// TestDeterministicSteps trains three steps twice with the same seed and
// with 1 and 3 threads, on every backend built: every run agrees bit for
// bit (losses and every weight), whatever the thread count.
func TestDeterministicSteps(t *testing.T) {
	for _, name := range Backends() {
		t.Run(name, func(t *testing.T) {
			run := func(threads int) ([]float32, *Net) {
				cfg := narrowConfig(1)
				cfg.Threads, cfg.Backend = threads, name
				n, err := New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				rng := rand.New(rand.NewPCG(21, 22))
				var losses []float32
				for i := 0; i < 3; i++ {
					l, err := n.Step(colourBatch(rng, 6, 32))
					if err != nil {
						t.Fatal(err)
					}
					losses = append(losses, l)
				}
				return losses, n
			}
			l1, n1 := run(2)
			l2, n2 := run(2)
			l3, n3 := run(1)
			l4, n4 := run(3)
			for _, c := range []struct {
				what string
				l    []float32
				n    *Net
			}{{"a second run with 2 threads", l2, n2}, {"1 thread", l3, n3}, {"3 threads", l4, n4}} {
				differ := func(a, b float32) bool { return a != b }
				for i := range l1 {
					if differ(l1[i], c.l[i]) {
						t.Fatalf("step %d loss %v with 2 threads, %v with %s", i, l1[i], c.l[i], c.what)
					}
				}
				for i, p := range n1.Params() {
					q := c.n.Params()[i]
					for j := range p.Data {
						if differ(p.Data[j], q.Data[j]) {
							t.Fatalf("%s[%d] = %v with 2 threads, %v with %s", p.Name, j, p.Data[j], q.Data[j], c.what)
						}
					}
				}
			}
		})
	}
}

func TestBatchErrors(t *testing.T) {
	n, err := New(narrowConfig(0))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []Batch{
		{N: 0, Size: 32},
		{Images: make([]float32, 10), Labels: []int{0}, N: 1, Size: 32},
		{Images: make([]float32, 32*32*3), Labels: []int{2}, N: 1, Size: 32},
		{Images: make([]float32, 32*32*3), Labels: []int{0, 1}, N: 1, Size: 32},
		{Images: make([]float32, 32*32*3), N: 1, Size: 32},
	} {
		if _, err := n.Step(b); err == nil {
			t.Errorf("Step(%d images, %d values, labels %v) accepted a bad batch", b.N, len(b.Images), b.Labels)
		}
	}
	if _, err := Preset("b9", 0); err == nil {
		t.Error("unknown backbone accepted")
	}
}

// TestPlanCache checks that plans are cached per (batch, size), that a
// smaller batch runs on a view of the largest plan's buffers, and that the
// view computes what a network that only ever saw that batch computes.
func TestPlanCache(t *testing.T) {
	cfg := narrowConfig(1)
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := New(cfg)
	rng := rand.New(rand.NewPCG(31, 32))
	big, small := colourBatch(rng, 6, 32), colourBatch(rng, 3, 32)
	probs := make([]float32, 12)
	if err := a.predictGraph(big, probs); err != nil { // the arena: batch 6 (Predict's inference path has no plan)
		t.Fatal(err)
	}
	pBig := a.cur
	if _, err := a.gradients(small); err != nil {
		t.Fatal(err)
	}
	pSmall := a.cur
	if pSmall.arena != pBig || &pSmall.input.Data[0] != &pBig.input.Data[0] {
		t.Fatal("the batch-3 plan does not view the batch-6 plan's buffers")
	}
	if _, err := b.gradients(small); err != nil {
		t.Fatal(err)
	}
	for i, p := range a.Params() {
		if p.Trainable {
			closeTo(t, p.Name+" gradient (view plan vs own plan)", p.Grad, b.Params()[i].Grad)
		}
	}
	if err := a.predictGraph(big, probs); err != nil {
		t.Fatal(err)
	}
	if a.cur != pBig || len(a.plans) != 2 {
		t.Fatalf("batch 6 again: got a new plan (%d cached)", len(a.plans))
	}
	// A larger batch replaces the arena; the old plans go.
	if _, err := a.Loss(colourBatch(rng, 8, 32), false); err != nil {
		t.Fatal(err)
	}
	if len(a.plans) != 1 || a.arenas[32].n != 8 {
		t.Fatalf("after batch 8: %d plans, arena batch %d", len(a.plans), a.arenas[32].n)
	}
}
