//go:build cgo && !noblas && amd64

package model

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAdagradLevels runs every vector loop of the C Adagrad update that
// this CPU can run (SSE2 always, AVX2 and AVX-512 where it has them and
// CURATE_X86_MAX allows) against adagradGo bit for bit, whatever level
// the build picks for training, on gradients from 1e-6 to 100 and lengths
// with a vector tail.
func TestAdagradLevels(t *testing.T) {
	for _, level := range adagradLevels() {
		rng := rand.New(rand.NewPCG(9, 10))
		for _, n := range []int{1, 3, 4, 7, 15, 16, 1000, 1037} {
			w1, g, acc1 := randSlice(rng, n), randSlice(rng, n), make([]float32, n)
			for i := range g {
				g[i] *= float32(math.Pow(10, float64(rng.IntN(9)-6)))
				acc1[i] = 0.1 + rng.Float32()
			}
			w2, acc2 := append([]float32(nil), w1...), append([]float32(nil), acc1...)
			for range 3 {
				adagradAt(level, w1, g, acc1, 0.002, 1e-7)
				adagradGo(w2, g, acc2, 0.002, 1e-7)
			}
			for i := range w1 {
				if math.Float32bits(w1[i]) != math.Float32bits(w2[i]) || math.Float32bits(acc1[i]) != math.Float32bits(acc2[i]) {
					t.Fatalf("level %d, %d values: w[%d] = %v acc %v; adagradGo %v acc %v", level, n, i, w1[i], acc1[i], w2[i], acc2[i])
				}
			}
		}
	}
}
