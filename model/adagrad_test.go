package model

import (
	"math"
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
