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
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/curate-ml/curate/ocr/internal/evalset"
)

// BenchmarkDetectorVsCLI runs curate's detector and the plain tesseract
// command line on the same images of the real-material set (PNG files on
// disk, both parts: tuning and held-out, reported apart), with the same
// parallelism, in the same run, and reports images/s and F1 of each.
//
// The CLI baseline is `tesseract FILE stdout` with default settings, one
// process per image; it "finds text" when its output holds an alphanumeric
// word of 3 or more characters. It runs twice: with the environment as it
// is (OpenMP free to start threads, as a user would run it) and with
// OMP_THREAD_LIMIT=1 (the fairest CLI under parallel load).
//
// OCR_BENCH_STRIDE takes every n-th scene of each part, with its thumbnail
// (default 4); OCR_BENCH_WORKERS sets the parallelism (default: the
// cores); OCR_BENCH_PART names the parts (comma-separated; default tune and
// heldout; heldout3 is version 3's held-out part, for the integrator's
// once-a-wave score).
//
//	go test -run '^$' -bench DetectorVsCLI -benchtime 1x -v ./ocr
func BenchmarkDetectorVsCLI(b *testing.B) {
	cli, err := exec.LookPath("tesseract")
	if err != nil {
		b.Skip("the tesseract command line is not installed (Debian/Ubuntu: apt-get install tesseract-ocr)")
	}
	stride := envInt("OCR_BENCH_STRIDE", 4)
	workers := envInt("OCR_BENCH_WORKERS", runtime.NumCPU())
	det := testDetector(b, workers, Options{})
	parts := []string{evalset.PartTune, evalset.PartHeldOut}
	if p := os.Getenv("OCR_BENCH_PART"); p != "" {
		parts = strings.Split(p, ",") // e.g. heldout3: version 3's held-out part alone
	}
	for _, part := range parts {
		all := loadReal(b, part)
		var samples []evalset.Sample
		for i := 0; i < len(all); i += 2 * stride {
			samples = append(samples, all[i], all[i+1])
		}
		benchPart(b, part, samples, det, cli, workers)
	}
}

func benchPart(b *testing.B, part string, samples []evalset.Sample, det *Detector, cli string, workers int) {
	dir := b.TempDir()
	files := make([]string, len(samples))
	for i, s := range samples {
		var buf bytes.Buffer
		if err := png.Encode(&buf, s.Image); err != nil {
			b.Fatal(err)
		}
		files[i] = filepath.Join(dir, filepath.Base(s.Name)+".png")
		if err := os.WriteFile(files[i], buf.Bytes(), 0o644); err != nil {
			b.Fatal(err)
		}
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
		rate           float64
		s, full, thumb score
		cpu            time.Duration
		misses         map[string]int // "kind/size" -> wrong verdicts
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
			var s, full, thumb score
			misses := map[string]int{}
			for i := range files {
				if errs[i] != nil {
					b.Fatalf("%s on %s: %v", sys.name, files[i], errs[i])
				}
				s.add(samples[i].HasText, got[i])
				size := "full"
				if samples[i].Thumb {
					thumb.add(samples[i].HasText, got[i])
					size = "thumb"
				} else {
					full.add(samples[i].HasText, got[i])
				}
				if got[i] != samples[i].HasText {
					misses[samples[i].Kind+"/"+size]++
				}
			}
			results[k] = result{float64(len(files)) / el.Seconds(), s, full, thumb, cpuTime() - cpu0, misses}
		}
	}
	b.StopTimer()
	pos := 0
	for _, s := range samples {
		if s.HasText {
			pos++
		}
	}
	table := fmt.Sprintf("\n%s part: %d images (%d with text; half 220-px thumbnails), %d workers, %d cores\n%-36s %9s %9s %6s %6s %6s %8s %8s %10s\n",
		part, len(files), pos, workers, runtime.NumCPU(), "system", "images/s", "curate x", "F1", "P", "R", "F1 full", "F1 thumb", "cpu/image")
	for k, sys := range systems {
		r := results[k]
		table += fmt.Sprintf("%-36s %9.2f %9.2f %6.3f %6.3f %6.3f %8.3f %8.3f %10s\n", sys.name, r.rate, results[0].rate/r.rate,
			r.s.f1(), r.s.precision(), r.s.recall(), r.full.f1(), r.thumb.f1(), (r.cpu / time.Duration(len(files))).Round(time.Millisecond))
	}
	for k, sys := range systems {
		r := results[k]
		table += fmt.Sprintf("%s: full %s; thumb %s\n  wrong by kind: %s\n", sys.name, r.full, r.thumb, byKind(r.misses))
	}
	b.Log(table)
	b.ReportMetric(results[0].rate, part+"_curate_img/s")
	b.ReportMetric(results[1].rate, part+"_cli_img/s")
	b.ReportMetric(results[0].rate/results[1].rate, part+"_speedup")
	b.ReportMetric(results[0].s.f1(), part+"_curate_F1")
	b.ReportMetric(results[1].s.f1(), part+"_cli_F1")
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
