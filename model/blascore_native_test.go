//go:build cgo && !noblas

package model

import (
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestBLASCore: on an x86 CPU with AVX or better and no OPENBLAS_CORETYPE,
// OpenBLAS never runs its SSE3 fallback (blasCoreInit replaced it), and
// products are right on both the kernels it runs and the fallback's
// (switched to and back with setBLASCore, the shared gemm suite on each).
func TestBLASCore(t *testing.T) {
	core := blasCoreName()
	t.Logf("OpenBLAS core %s (replacement: %q)", core, blasCoreFix)
	if blasCoreForCPU() != "" && os.Getenv("OPENBLAS_CORETYPE") == "" && strings.EqualFold(core, "Prescott") {
		t.Fatalf("OpenBLAS runs its SSE3 fallback (Prescott) on a CPU with AVX or better")
	}
	testGemm(t, "blas "+core, gemmBLAS)
	if err := setBLASCore("Prescott"); err != nil {
		t.Skipf("this OpenBLAS cannot switch cores: %v", err)
	}
	defer func() {
		if err := setBLASCore(core); err != nil || !strings.EqualFold(blasCoreName(), core) {
			t.Fatalf("back to %s: %v (now %s)", core, err, blasCoreName())
		}
	}()
	if got := blasCoreName(); !strings.EqualFold(got, "Prescott") {
		t.Fatalf("setBLASCore(Prescott): OpenBLAS runs %s", got)
	}
	testGemm(t, "blas Prescott", gemmBLAS)
}

// BenchmarkBLASCore times B2 + 4 Gram training steps and inference batches
// (256x256, CURATE_BATCH, default 16; CURATE_THREADS) with OpenBLAS on the
// core it runs (blasCoreInit's choice) and on CURATE_BLAS_OTHER (default
// Prescott, the fallback it replaces), alternating step by step in one
// process, and logs the medians and the pairs' ratios (other / chosen).
func BenchmarkBLASCore(b *testing.B) {
	chosen, other := blasCoreName(), os.Getenv("CURATE_BLAS_OTHER")
	if other == "" {
		other = "Prescott"
	}
	defer setBLASCore(chosen)
	n, bs := benchNet(b, 16)
	batch := randomBatch(rand.New(rand.NewPCG(1, 1)), bs, 256, 2)
	probs := make([]float32, bs*2)
	if _, err := n.Step(batch); err != nil {
		b.Fatal(err)
	}
	if err := n.Predict(batch, probs); err != nil {
		b.Fatal(err)
	}
	cores := []string{chosen, other}
	var ms [2][2][]float64 // [train, infer][chosen, other]
	b.ResetTimer()
	for r := range b.N {
		for w := range 2 {
			for k := range 2 {
				i := (r + k) % 2
				if err := setBLASCore(cores[i]); err != nil {
					b.Fatal(err)
				}
				s := time.Now()
				var err error
				if w == 0 {
					_, err = n.Step(batch)
				} else {
					err = n.Predict(batch, probs)
				}
				if err != nil {
					b.Fatal(err)
				}
				ms[w][i] = append(ms[w][i], time.Since(s).Seconds()*1000)
			}
		}
	}
	med := func(v []float64) float64 { v = slices.Clone(v); slices.Sort(v); return v[len(v)/2] }
	for w, what := range []string{"train", "infer"} {
		ratios := make([]float64, b.N)
		for j := range ratios {
			ratios[j] = ms[w][1][j] / ms[w][0][j]
		}
		slices.Sort(ratios)
		b.Logf("%s batch %d: OpenBLAS %s %.0f ms, %s %.0f ms (medians of %d); %s/%s by pair median %.3f, range %.3f-%.3f",
			what, bs, chosen, med(ms[w][0]), other, med(ms[w][1]), b.N, other, chosen, med(ratios), ratios[0], ratios[len(ratios)-1])
	}
}
