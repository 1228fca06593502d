package model

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAdagradKerasSemantics checks two updates against Keras's Adagrad:
// accumulator starts at initial_accumulator_value, then
// acc += g^2; w -= lr * g / (sqrt(acc) + epsilon). Non-trainable parameters
// stay as they are.
func TestAdagradKerasSemantics(t *testing.T) {
	opt := Adagrad{LR: 0.002, InitialAccumulator: 0.1, Epsilon: 1e-7}
	w := &Param{Name: "w", Data: []float32{1, -2, 0.5}, Grad: []float32{0.3, -1, 0}, Trainable: true}
	frozen := &Param{Name: "moving_mean", Data: []float32{7}, Trainable: false}
	want := []float64{1, -2, 0.5}
	acc := []float64{0.1, 0.1, 0.1}
	pl := &pool{threads: 2}
	for step := 0; step < 2; step++ {
		opt.update(pl, []*Param{w, frozen})
		for i, g := range []float64{0.3, -1, 0} {
			acc[i] += g * g
			want[i] -= 0.002 * g / (math.Sqrt(acc[i]) + 1e-7)
		}
		for i := range want {
			if math.Abs(float64(w.Data[i])-want[i]) > 1e-6 {
				t.Fatalf("step %d: w[%d] = %.8f, want %.8f", step, i, w.Data[i], want[i])
			}
		}
	}
	if frozen.Data[0] != 7 {
		t.Errorf("non-trainable parameter changed to %v", frozen.Data[0])
	}
}

// TestAdagradKernels checks every kernel set's Adagrad update against
// adagradGo bit for bit (the C loop must neither fuse nor reassociate).
func TestAdagradKernels(t *testing.T) {
	for _, k := range testKernels() {
		testAdagradBits(t, k.name, k.adagrad)
	}
}

// testAdagradBits checks three steps of update against adagradGo bit for
// bit on gradients from 1e-6 to 100 and lengths with every vector tail.
func testAdagradBits(t *testing.T, name string, update func(w, g, acc []float32, lr, eps float32)) {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{1, 3, 4, 7, 15, 16, 1000, 1037} {
		w1, g, acc1 := randSlice(rng, n), randSlice(rng, n), make([]float32, n)
		for i := range g {
			g[i] *= float32(math.Pow(10, float64(rng.IntN(9)-6)))
			acc1[i] = 0.1 + rng.Float32()
		}
		w2, acc2 := append([]float32(nil), w1...), append([]float32(nil), acc1...)
		for range 3 {
			update(w1, g, acc1, 0.002, 1e-7)
			adagradGo(w2, g, acc2, 0.002, 1e-7)
		}
		for i := range w1 {
			if math.Float32bits(w1[i]) != math.Float32bits(w2[i]) || math.Float32bits(acc1[i]) != math.Float32bits(acc2[i]) {
				t.Fatalf("%s, %d values: w[%d] = %v acc %v; adagradGo %v acc %v", name, n, i, w1[i], acc1[i], w2[i], acc2[i])
			}
		}
	}
}
