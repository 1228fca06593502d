package train

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"testing"
	"time"

	"github.com/curate-ml/curate/internal/stripeset"
	"github.com/curate-ml/curate/model"
)

// benchChildEnv makes the test binary a `curate train` process for the
// benchmark (see TestMain), so that its peak RSS is its own.
const benchChildEnv = "CURATE_TRAIN_BENCH_CHILD"

type benchChildResult struct {
	ImagesPerS float64 `json:"images_per_s"`
	PeakRSS    float64 `json:"peak_rss_mib"`
}

// benchChild trains with the options in spec and prints the steady-state
// images/s (from the end of the first step to the end of the last, as
// model.Bench leaves out its warm-up step) and the peak RSS.
func benchChild(spec string) error {
	var o Options
	if err := json.Unmarshal([]byte(spec), &o); err != nil {
		return err
	}
	var stamps []time.Time
	res, err := Train(context.Background(), o, Env{Hooks: Hooks{Step: func(int, float64) { stamps = append(stamps, time.Now()) }}})
	if err != nil {
		return err
	}
	if len(stamps) < 2 {
		return fmt.Errorf("%d steps: too few to time", len(stamps))
	}
	rate := float64(o.Batch*(len(stamps)-1)) / stamps[len(stamps)-1].Sub(stamps[0]).Seconds()
	return json.NewEncoder(os.Stdout).Encode(benchChildResult{rate, res.PeakRSS})
}

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
// threads on one synthetic batch), in the same run, one after the other;
// the training runs in a child process, like curate train, so its peak RSS
// is its own. Both exclude their first step (allocation). Then the same with
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
		runtime.GC() // hand the bench network's memory back before the child allocates its own
		debug.FreeOSMemory()
		loop := func(out, freeze string) (float64, float64) {
			o.Out, o.FreezeUntil = filepath.Join(dir, out), freeze
			spec, _ := json.Marshal(o)
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), benchChildEnv+"="+string(spec))
			cmd.Stderr = os.Stderr
			raw, err := cmd.Output()
			if err != nil {
				b.Fatalf("train child: %v", err)
			}
			var r benchChildResult
			if err := json.Unmarshal(raw, &r); err != nil {
				b.Fatalf("train child printed %q: %v", raw, err)
			}
			return r.ImagesPerS, r.PeakRSS
		}
		rate, rss := loop("run", "")
		frozen, _ := loop("frozen", model.HeadLayer)
		b.ReportMetric(engine.TrainImagesPerS, "engine-img/s")
		b.ReportMetric(rate, "train-img/s")
		b.ReportMetric(100*(1-rate/engine.TrainImagesPerS), "loader-overhead-%")
		b.ReportMetric(frozen, "frozen-head-img/s")
		b.ReportMetric(rss, "train-peak-RSS-MiB")
		b.ReportMetric(engine.PeakRSSMiB, "engine-peak-RSS-MiB")
		b.Logf("%s gram %d %dx%d batch %d threads %d: engine %.2f images/s, curate train %.2f (%.1f%% overhead), frozen to head %.2f; peak RSS: curate train %.0f MiB, engine bench %.0f MiB",
			backbone, gram, size, size, batch, threads, engine.TrainImagesPerS, rate, 100*(1-rate/engine.TrainImagesPerS), frozen, rss, engine.PeakRSSMiB)
	}
}
