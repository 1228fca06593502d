package model

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"syscall"
	"time"

	"github.com/curate-ml/curate/pipeline"
)

// BenchOptions configures Bench.
type BenchOptions struct {
	Config  Config
	Batch   int               // images per step
	Steps   int               // timed training steps (and inference batches)
	Counter *pipeline.Counter // optional progress: one item per timed step
}

// BenchResult is what Bench measured.
type BenchResult struct {
	TrainImagesPerS float64 `json:"train_images_per_s"`
	InferImagesPerS float64 `json:"infer_images_per_s"`
	TrainBestPerS   float64 `json:"train_images_per_s_best"` // fastest single step: steadier on a shared machine
	InferBestPerS   float64 `json:"infer_images_per_s_best"`
	TrainCPUPerS    float64 `json:"train_images_per_cpu_s"` // images per second of process CPU time (user+sys)
	InferCPUPerS    float64 `json:"infer_images_per_cpu_s"`
	TrainSeconds    float64 `json:"train_seconds"`
	InferSeconds    float64 `json:"infer_seconds"`
	FirstLoss       float32 `json:"first_loss"`
	LastLoss        float32 `json:"last_loss"`
	PeakRSSMiB      float64 `json:"peak_rss_mib"`
	InferMiB        float64 `json:"infer_activations_mib"` // the inference program's activation slots (Predict)
	Params          int     `json:"params"`
	BLAS            string  `json:"blas"`    // what the backend runs on (kernels, products, library)
	Backend         string  `json:"backend"` // the backend's name (--backend)
}

// Bench trains the configured network on synthetic data (seeded random
// images, alternating labels) and runs inference on it. One untimed warm-up
// step allocates the buffers; then Steps training steps and Steps inference
// batches are timed. PeakRSSMiB is the process's peak resident set.
func Bench(ctx context.Context, o BenchOptions) (BenchResult, error) {
	if o.Batch <= 0 || o.Steps <= 0 {
		return BenchResult{}, fmt.Errorf("model: bench needs a positive batch and step count (got %d, %d)", o.Batch, o.Steps)
	}
	n, err := New(o.Config)
	if err != nil {
		return BenchResult{}, err
	}
	size := o.Config.Size
	rng := rand.New(rand.NewPCG(o.Config.Seed, 99))
	b := Batch{Images: make([]float32, o.Batch*size*size*3), Labels: make([]int, o.Batch), N: o.Batch, Size: size}
	for i := range b.Images {
		b.Images[i] = float32(rng.IntN(256))
	}
	for i := range b.Labels {
		b.Labels[i] = i % o.Config.Classes
	}
	var r BenchResult
	r.Params, _, _ = n.ParamCount()
	r.BLAS, r.Backend = n.be.Describe(), n.be.Name()
	if r.FirstLoss, err = n.Step(b); err != nil {
		return r, err
	}
	var tr, in stepTimes
	if tr, err = timeSteps(ctx, o.Steps, o.Counter, func() (err error) {
		r.LastLoss, err = n.Step(b)
		return err
	}); err != nil {
		return r, err
	}
	r.TrainSeconds, r.TrainBestPerS, r.TrainCPUPerS = tr.total, float64(o.Batch)/tr.best, float64(o.Batch*o.Steps)/tr.cpu
	probs := make([]float32, o.Batch*o.Config.Classes)
	if err := n.Predict(b, probs); err != nil { // warm-up
		return r, err
	}
	if in, err = timeSteps(ctx, o.Steps, o.Counter, func() error { return n.Predict(b, probs) }); err != nil {
		return r, err
	}
	r.InferSeconds, r.InferBestPerS, r.InferCPUPerS = in.total, float64(o.Batch)/in.best, float64(o.Batch*o.Steps)/in.cpu
	r.TrainImagesPerS = float64(o.Batch*o.Steps) / r.TrainSeconds
	r.InferImagesPerS = float64(o.Batch*o.Steps) / r.InferSeconds
	r.PeakRSSMiB = PeakRSSMiB()
	r.InferMiB = n.inferMiB(size)
	return r, nil
}

// PeakRSSMiB is the process's peak resident set size in MiB (Linux
// getrusage reports KiB).
func PeakRSSMiB() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024
}

// cpuSeconds is the process's user+system CPU time. On a shared machine,
// images per CPU-second times the thread count estimates the speed the
// engine would reach with the cores to itself.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return math.NaN()
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}

// stepTimes are the wall seconds of timed steps (total and fastest) and the
// process CPU seconds they used.
type stepTimes struct{ total, best, cpu float64 }

// timeSteps runs step n times, timing each, and counts each on c (if any).
func timeSteps(ctx context.Context, n int, c *pipeline.Counter, step func() error) (stepTimes, error) {
	t := stepTimes{best: math.Inf(1)}
	cpu0 := cpuSeconds()
	for i := 0; i < n; i++ {
		if err := ctx.Err(); err != nil {
			return t, err
		}
		start := time.Now()
		if err := step(); err != nil {
			return t, err
		}
		d := time.Since(start).Seconds()
		t.total += d
		t.best = min(t.best, d)
		if c != nil {
			c.AddDone(true)
		}
	}
	t.cpu = cpuSeconds() - cpu0
	return t, nil
}
