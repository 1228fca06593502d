package imagehash

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestShapeAgree checks that the early exit of shapeAgree never changes
// the answer of the whole correlation: Shapes of a common layout plus
// noise of every size (correlations from about 1 down to 0), each way and
// mirrored, with their energy in the leading coefficients or spread out.
func TestShapeAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	unit := func(v []float64) (s [63]int8) {
		n := 0.0
		for _, x := range v {
			n += x * x
		}
		for i, x := range v {
			s[i] = int8(math.Round(127 * x / math.Sqrt(n)))
		}
		return s
	}
	agree, total, early := 0, 0, 0
	for _, c := range []struct {
		name  string
		decay float64 // how fast the coefficients' scale falls with the index
	}{{"lead-heavy", 8}, {"flat-spectrum", 1e9}} {
		for trial := range 4000 {
			base, other := make([]float64, 63), make([]float64, 63)
			noise := []float64{0.05, 0.2, 0.4, 0.7, 1.5}[trial%5]
			for i := range base {
				scale := 1 / (1 + float64(i)/c.decay)
				base[i] = rng.NormFloat64() * scale
				other[i] = base[i] + rng.NormFloat64()*scale*noise
			}
			a, b := &Signature{Shape: unit(base)}, &Signature{Shape: unit(other)}
			for _, mirror := range []bool{false, true} {
				want := ShapeCorrelation(a, b, mirror) >= MinShape
				if got := shapeAgree(a, b, mirror); got != want {
					t.Fatalf("%s trial %d mirror %v: shapeAgree %v, correlation %.4f", c.name, trial, mirror, got, ShapeCorrelation(a, b, mirror))
				}
				if !LeadsAgree(a.ShapeLead(mirror), b.ShapeLead(false)) {
					early++
				}
				if want {
					agree++
				}
				total++
			}
		}
	}
	// The cases must cover both answers and the early exit.
	if agree < total/10 || agree > total*9/10 || early < total/10 {
		t.Errorf("%d of %d pairs agree, %d ruled out early: the cases do not cover both answers", agree, total, early)
	}
}
