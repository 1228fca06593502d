package train

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/curate-ml/curate/internal/stripeset"
	"github.com/curate-ml/curate/model"
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

// BenchmarkTrainLoop (make bench-train-loop) measures what the loader and
// the loop cost on top of the engine: the steady-state images/s of Train on
// real JPEG shards (256x256 stored, TF RandAugment N=3 M=7, 1 epoch) against
// model.Bench (what `curate model bench` runs: the same network, batch and
// threads on one synthetic batch), in the same process, one after the
// other. Both exclude their first step (allocation). Then the same with
// --freeze-until head. Settings: CURATE_BENCH_BACKBONE (b2), _GRAM (4),
// _SIZE (256), _BATCH (64), _STEPS (3 timed steps), _THREADS (2).
func BenchmarkTrainLoop(b *testing.B) {
	backbone := os.Getenv("CURATE_BENCH_BACKBONE")
	if backbone == "" {
		backbone = "b2"
	}
	gram, size := envInt("CURATE_BENCH_GRAM", 4), envInt("CURATE_BENCH_SIZE", 256)
	batch, steps, threads := envInt("CURATE_BENCH_BATCH", 64), envInt("CURATE_BENCH_STEPS", 3), envInt("CURATE_BENCH_THREADS", 2)
	dir := b.TempDir()
	data := filepath.Join(dir, "ds")
	if err := stripeset.Write(data, stripeset.Options{Size: 256, Seed: 1, JPEG: true,
		Splits: []stripeset.Split{{Name: "train", Rows: batch * (steps + 1)}, {Name: "validation", Rows: batch}}}); err != nil {
		b.Fatal(err)
	}
	for range b.N {
		o := Defaults()
		o.Data, o.Backbone, o.Gram, o.Size, o.Batch, o.Threads, o.Epochs = data, backbone, gram, size, batch, threads, 1
		cfg, err := o.modelConfig()
		if err != nil {
			b.Fatal(err)
		}
		engine, err := model.Bench(context.Background(), model.BenchOptions{Config: cfg, Batch: batch, Steps: steps})
		if err != nil {
			b.Fatal(err)
		}
		loop := func(out, freeze string) (float64, float64) {
			o.Out, o.FreezeUntil = filepath.Join(dir, out), freeze
			var stamps []time.Time
			res, err := Train(context.Background(), o, Env{Hooks: Hooks{Step: func(int, float64) { stamps = append(stamps, time.Now()) }}})
			if err != nil {
				b.Fatal(err)
			}
			return float64(batch*(len(stamps)-1)) / stamps[len(stamps)-1].Sub(stamps[0]).Seconds(), res.PeakRSS
		}
		rate, rss := loop("run", "")
		frozen, _ := loop("frozen", model.HeadLayer)
		b.ReportMetric(engine.TrainImagesPerS, "engine-img/s")
		b.ReportMetric(rate, "train-img/s")
		b.ReportMetric(100*(1-rate/engine.TrainImagesPerS), "loader-overhead-%")
		b.ReportMetric(frozen, "frozen-head-img/s")
		b.ReportMetric(rss, "peak-RSS-MiB")
		b.Logf("%s gram %d %dx%d batch %d threads %d: engine %.2f images/s, curate train %.2f (%.1f%% overhead), frozen to head %.2f; peak RSS %.0f MiB",
			backbone, gram, size, size, batch, threads, engine.TrainImagesPerS, rate, 100*(1-rate/engine.TrainImagesPerS), frozen, rss)
	}
}
