package ocr

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/curate-ml/curate/ocr/internal/evalset"
)

// BenchmarkDetectorVsCLI runs curate's detector and the plain tesseract
// command line on the same generated images (PNG files on disk), with the
// same parallelism, in the same run, and reports images/s and F1 of each.
//
// The CLI baseline is `tesseract FILE stdout` with default settings, one
// process per image; it "finds text" when its output holds an alphanumeric
// word of 3 or more characters. It runs twice: with the environment as it
// is (OpenMP free to start threads, as a user would run it) and with
// OMP_THREAD_LIMIT=1 (the fairest CLI under parallel load).
//
// OCR_BENCH_PER_KIND sets the images per kind (default 6: 42 with text and
// 42 without); OCR_BENCH_WORKERS the parallelism (default: the cores).
//
//	go test -run '^$' -bench DetectorVsCLI -benchtime 1x -v ./ocr
func BenchmarkDetectorVsCLI(b *testing.B) {
	cli, err := exec.LookPath("tesseract")
	if err != nil {
		b.Skip("the tesseract command line is not installed (Debian/Ubuntu: apt-get install tesseract-ocr)")
	}
	per := envInt("OCR_BENCH_PER_KIND", 6)
	workers := envInt("OCR_BENCH_WORKERS", runtime.NumCPU())
	samples := evalset.Generate(5, per) // seed 5: neither the tuning (1) nor the test (2) set
	dir := b.TempDir()
	files := make([]string, len(samples))
	for i, s := range samples {
		var buf bytes.Buffer
		if err := png.Encode(&buf, s.Image); err != nil {
			b.Fatal(err)
		}
		files[i] = filepath.Join(dir, s.Name+".png")
		if err := os.WriteFile(files[i], buf.Bytes(), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	pool, err := NewPool(PoolOptions{Size: workers})
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	det, err := NewDetector(pool, Options{})
	if err != nil {
		b.Fatal(err)
	}
	word := regexp.MustCompile(`[\p{L}\p{N}]{3,}`)
	type system struct {
		name   string
		decide func(path string) (bool, error)
	}
	systems := []system{
		{"curate", func(path string) (bool, error) {
			data, err := os.ReadFile(path)
			if err != nil {
				return false, err
			}
			v, err := det.DetectBytes(context.Background(), data)
			return v.HasText, err
		}},
		{"tesseract CLI", func(path string) (bool, error) {
			out, err := exec.Command(cli, path, "stdout").Output()
			return word.Match(out), err
		}},
		{"tesseract CLI, OMP_THREAD_LIMIT=1", func(path string) (bool, error) {
			cmd := exec.Command(cli, path, "stdout")
			cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
			out, err := cmd.Output()
			return word.Match(out), err
		}},
	}
	type result struct {
		rate float64
		s    score
		cpu  time.Duration
	}
	results := make([]result, len(systems))
	b.ResetTimer()
	for range b.N {
		for k, sys := range systems {
			got := make([]bool, len(files))
			errs := make([]error, len(files))
			next := make(chan int)
			var wg sync.WaitGroup
			cpu0 := cpuTime()
			start := time.Now()
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range next {
						got[i], errs[i] = sys.decide(files[i])
					}
				}()
			}
			for i := range files {
				next <- i
			}
			close(next)
			wg.Wait()
			el := time.Since(start)
			var s score
			for i := range files {
				if errs[i] != nil {
					b.Fatalf("%s on %s: %v", sys.name, files[i], errs[i])
				}
				s.add(samples[i].HasText, got[i])
			}
			results[k] = result{float64(len(files)) / el.Seconds(), s, cpuTime() - cpu0}
		}
	}
	b.StopTimer()
	table := fmt.Sprintf("\n%d images (%d with text), %d workers, %d cores\n%-36s %9s %9s %6s %6s %6s %10s\n",
		len(files), len(files)/2, workers, runtime.NumCPU(), "system", "images/s", "x curate", "F1", "P", "R", "cpu/image")
	for k, sys := range systems {
		r := results[k]
		table += fmt.Sprintf("%-36s %9.2f %9.2f %6.3f %6.3f %6.3f %10s\n", sys.name, r.rate, results[0].rate/r.rate,
			r.s.f1(), r.s.precision(), r.s.recall(), (r.cpu / time.Duration(len(files))).Round(time.Millisecond))
	}
	b.Log(table)
	b.ReportMetric(results[0].rate, "curate_img/s")
	b.ReportMetric(results[1].rate, "cli_img/s")
	b.ReportMetric(results[0].rate/results[1].rate, "speedup")
	b.ReportMetric(results[0].s.f1(), "curate_F1")
	b.ReportMetric(results[1].s.f1(), "cli_F1")
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
