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
	"syscall"
	"testing"
	"time"

	"github.com/curate-ml/curate/internal/stripeset"
	"github.com/curate-ml/curate/model"
)

// benchChildEnv makes the test binary a `curate train` process for the
// benchmark (see TestMain), so that its peak RSS is its own.
const benchChildEnv = "CURATE_TRAIN_BENCH_CHILD"

type benchChildResult struct {
	ImagesPerS    float64 `json:"images_per_s"`
	ImagesPerCPUS float64 `json:"images_per_cpu_s"` // per second of process CPU time: steadier on a shared machine
	PeakRSS       float64 `json:"peak_rss_mib"`
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
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
	var cpu []float64
	res, err := Train(context.Background(), o, Env{Hooks: Hooks{Step: func(int, float64) {
		stamps, cpu = append(stamps, time.Now()), append(cpu, cpuSeconds())
	}}})
	if err != nil {
		return err
	}
	n := len(stamps)
	if n < 2 {
		return fmt.Errorf("%d steps: too few to time", n)
	}
	images := float64(o.Batch * (n - 1))
	return json.NewEncoder(os.Stdout).Encode(benchChildResult{images / stamps[n-1].Sub(stamps[0]).Seconds(), images / (cpu[n-1] - cpu[0]), res.PeakRSS})
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
		loop := func(out, freeze string) benchChildResult {
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
			return r
		}
		// The loader alone: CPU seconds per image to read, decode,
		// augment and convert (one worker, no engine).
		ds, err := OpenData(data)
		if err != nil {
			b.Fatal(err)
		}
		aug, _ := o.randAugment()
		cpu0 := cpuSeconds()
		l := newLoader(context.Background(), splitSource{ds.Train}, loaderOptions{Size: size, Batch: batch, Workers: 1, Prefetch: 1,
			Augment: aug, Order: shuffle(int(ds.Train.NumRows()), 1, 0)})
		for {
			lb, err := l.next(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			if lb == nil {
				break
			}
			l.release(lb)
		}
		l.close()
		loaderCPU := (cpuSeconds() - cpu0) / float64(ds.Train.NumRows())
		ds.Close()

		run := loop("run", "")
		frozen := loop("frozen", model.HeadLayer)
		rate, rss := run.ImagesPerS, run.PeakRSS
		b.ReportMetric(engine.TrainImagesPerS, "engine-img/s")
		b.ReportMetric(rate, "train-img/s")
		b.ReportMetric(100*(1-rate/engine.TrainImagesPerS), "loader-overhead-%")
		b.ReportMetric(frozen.ImagesPerS, "frozen-head-img/s")
		b.ReportMetric(100*(1-run.ImagesPerCPUS/engine.TrainCPUPerS), "loader-overhead-cpu-%")
		b.ReportMetric(100*loaderCPU*engine.TrainCPUPerS, "loader-alone-cpu-%")
		b.ReportMetric(rss, "train-peak-RSS-MiB")
		b.ReportMetric(engine.PeakRSSMiB, "engine-peak-RSS-MiB")
		b.Logf("%s gram %d %dx%d batch %d threads %d: engine %.3f images/s (%.4f per CPU-s), curate train %.3f (%.4f per CPU-s): overhead %.1f%% wall, %.1f%% CPU; "+
			"the loader alone %.1f ms CPU per image = %.2f%% of the engine's; frozen to head %.3f images/s; peak RSS: curate train %.0f MiB, engine bench %.0f MiB",
			backbone, gram, size, size, batch, threads, engine.TrainImagesPerS, engine.TrainCPUPerS, rate, run.ImagesPerCPUS,
			100*(1-rate/engine.TrainImagesPerS), 100*(1-run.ImagesPerCPUS/engine.TrainCPUPerS),
			1000*loaderCPU, 100*loaderCPU*engine.TrainCPUPerS, frozen.ImagesPerS, rss, engine.PeakRSSMiB)
	}
}
