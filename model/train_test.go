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

func TestDeterministicSteps(t *testing.T) {
	run := func(threads int) ([]float32, *Net) {
		cfg := narrowConfig(1)
		cfg.Threads = threads
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
	for i := range l1 {
		if l1[i] != l2[i] {
			t.Fatalf("step %d loss %v then %v with the same seed", i, l1[i], l2[i])
		}
	}
	same := func(a, b *Net) bool {
		for i, p := range a.Params() {
			q := b.Params()[i]
			for j := range p.Data {
				if p.Data[j] != q.Data[j] {
					return false
				}
			}
		}
		return true
	}
	if !same(n1, n2) {
		t.Fatal("weights differ after identical runs")
	}
	// The engine's own reductions use a fixed split, so the thread count
	// does not change results either (as long as BLAS is deterministic).
	if !same(n1, n3) || l1[2] != l3[2] {
		t.Logf("1 thread and 2 threads differ (BLAS split): losses %v vs %v", l3, l1)
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
