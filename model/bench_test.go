package model

import (
	"context"
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
