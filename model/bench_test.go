package model

import (
	"context"
	"math/rand/v2"
	"testing"
)

// BenchmarkTrainB2Gram4 trains B2 + 4 Gram modules at 256x256, batch 8, and
// reports images/s, with the inference speed of the same network in the
// same run as the baseline ratio.
func BenchmarkTrainB2Gram4(b *testing.B) {
	cfg, err := Preset("b2", 4)
	if err != nil {
		b.Fatal(err)
	}
	r, err := Bench(context.Background(), BenchOptions{Config: cfg, Batch: 8, Steps: b.N})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(r.TrainImagesPerS, "train_img/s")
	b.ReportMetric(r.InferImagesPerS, "infer_img/s")
	b.ReportMetric(r.TrainImagesPerS/r.InferImagesPerS, "train/infer")
	b.ReportMetric(r.PeakRSSMiB, "peak_MiB")
}

// BenchmarkStep times Net.Step alone on B2 + 4 Gram (256x256; benchNet's
// environment: CURATE_BACKEND, CURATE_THREADS, CURATE_BATCH, default 16),
// for a CPU profile of the whole step (go test -cpuprofile).
func BenchmarkStep(b *testing.B) {
	n, bs := benchNet(b, 16)
	batch := randomBatch(rand.New(rand.NewPCG(1, 1)), bs, 256, 2)
	if _, err := n.Step(batch); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := n.Step(batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(bs*b.N)/b.Elapsed().Seconds(), "img/s")
}
