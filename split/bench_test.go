package split

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/curate-ml/curate/imagehash"
	"github.com/curate-ml/curate/pipeline"
)

// benchImages are WEBEmo-like thumbnails: 220 px on the long side, JPEG q90.
func benchImages(b *testing.B) [][]byte {
	b.Helper()
	var imgs [][]byte
	for i := range 32 {
		w, h := 220, 146+i%5*10
		if i%4 == 0 {
			w, h = h, w
		}
		imgs = append(imgs, encodeJPEG(b, photo(uint64(i), w, h), 90))
	}
	return imgs
}

// decodeRate measures the baseline, plain image.Decode, in images/s.
func decodeRate(b *testing.B, imgs [][]byte) float64 {
	b.Helper()
	n := 0
	start := time.Now()
	for time.Since(start) < 300*time.Millisecond {
		for _, data := range imgs {
			if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	return float64(n) / time.Since(start).Seconds()
}

// BenchmarkNormalise measures the normalise-resize-encode step (decode, EXIF,
// RGB, bilinear resize to 256x256, encode) on one core, beside the baseline
// of plain image.Decode of the same image. The two alternate image by image,
// so a busy machine slows both alike and the ratio stays meaningful.
func BenchmarkNormalise(b *testing.B) {
	imgs := benchImages(b)
	for _, tc := range []struct {
		name string
		o    ImageOptions
	}{
		{"jpeg-q95-squash", ImageOptions{Size: 256, Format: "jpeg", Quality: 95}},
		{"jpeg-q95-center-crop", ImageOptions{Size: 256, Resize: CenterCrop, Format: "jpeg", Quality: 95}},
		{"png-squash", ImageOptions{Size: 256, Format: "png"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var decode, norm time.Duration
			for i := range b.N {
				data := imgs[i%len(imgs)]
				t0 := time.Now()
				if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				if _, err := Normalise(data, tc.o); err != nil {
					b.Fatal(err)
				}
				decode += t1.Sub(t0)
				norm += time.Since(t1)
			}
			b.ReportMetric(float64(b.N)/norm.Seconds(), "images/s")
			b.ReportMetric(float64(b.N)/decode.Seconds(), "decode-images/s")
			b.ReportMetric(norm.Seconds()/decode.Seconds(), "x-decode-time")
		})
	}
}

// BenchmarkNormaliseStages splits one normalisation into its stages, each
// timed image by image in the same loop, as a share of the whole.
func BenchmarkNormaliseStages(b *testing.B) {
	imgs := benchImages(b)
	var dec, resize, enc time.Duration
	for i := range b.N {
		data := imgs[i%len(imgs)]
		t0 := time.Now()
		img, err := Decode(data, 0)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		small := Resize(img, 256, Squash)
		t2 := time.Now()
		if _, err := Encode(small, "jpeg", 95); err != nil {
			b.Fatal(err)
		}
		dec, resize, enc = dec+t1.Sub(t0), resize+t2.Sub(t1), enc+time.Since(t2)
	}
	total := (dec + resize + enc).Seconds()
	b.ReportMetric(dec.Seconds()/total, "decode-share")
	b.ReportMetric(resize.Seconds()/total, "resize-share")
	b.ReportMetric(enc.Seconds()/total, "encode-share")
}

// BenchmarkNormaliseParallel runs the step as split does, through
// pipeline.Ordered on every core, beside single-core plain decoding.
func BenchmarkNormaliseParallel(b *testing.B) {
	imgs := benchImages(b)
	o := ImageOptions{Size: 256, Format: "jpeg", Quality: 95}
	base := decodeRate(b, imgs)
	workers := runtime.GOMAXPROCS(0)
	b.ResetTimer()
	start := time.Now()
	items := func(yield func(int) bool) {
		for i := range b.N {
			if !yield(i) {
				return
			}
		}
	}
	err := pipeline.Ordered(context.Background(), workers, items,
		func(_ context.Context, i int) ([]byte, error) { return Normalise(imgs[i%len(imgs)], o) },
		func(int, []byte) error { return nil })
	if err != nil {
		b.Fatal(err)
	}
	rate := float64(b.N) / time.Since(start).Seconds()
	b.ReportMetric(rate, "images/s")
	b.ReportMetric(base, "decode-images/s")
	b.ReportMetric(rate/base, "x-decode-1core")
	b.ReportMetric(float64(workers), "workers")
}

// BenchmarkScan measures the first pass of split (decode to RGB, EXIF,
// perceptual hash) per image on one core, alternating with plain decoding.
func BenchmarkScan(b *testing.B) {
	imgs := benchImages(b)
	var decode, scan time.Duration
	for i := range b.N {
		data := imgs[i%len(imgs)]
		t0 := time.Now()
		if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		img, err := Decode(data, 0)
		if err != nil {
			b.Fatal(err)
		}
		imagehash.Sign(img)
		decode += t1.Sub(t0)
		scan += time.Since(t1)
	}
	b.ReportMetric(float64(b.N)/scan.Seconds(), "images/s")
	b.ReportMetric(float64(b.N)/decode.Seconds(), "decode-images/s")
	b.ReportMetric(scan.Seconds()/decode.Seconds(), "x-decode-time")
}

// BenchmarkPlan measures planning (labels, duplicate search, undersampling,
// split) at WEBEmo's size: 220,854 images, beside sorting as many keys.
func BenchmarkPlan(b *testing.B) {
	items := synthItems("w", 220854, 40000, 1)
	o := PlanOptions{Positive: sadnessIDs, NumCategories: 25, MaxDistance: 6, Ratio: 0.46,
		Fractions: [3]float64{0.8, 0.1, 0.1}, Seed: 1}
	keys := make([]uint64, len(items))
	start := time.Now()
	for i := range keys {
		keys[i] = rank(1, saltSplit, items[i].ID)
	}
	slices.Sort(keys)
	base := time.Since(start).Seconds()
	b.ResetTimer()
	for range b.N {
		if _, err := MakePlan(items, o); err != nil {
			b.Fatal(err)
		}
	}
	per := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(len(items))/per, "images/s")
	b.ReportMetric(per/base, "x-hash-and-sort")
}

// searchGroups is the candidate search and grouping of groupDuplicates on
// bare signatures: union-find over nearPairs, each image's root returned.
func searchGroups(sigs []*imagehash.Signature, maxDist int, flips bool) (roots []int, pairs int) {
	uf := newUnionFind(len(sigs))
	nearPairs(sigs, maxDist, flips, func(a, b int) { pairs++; uf.union(a, b) })
	roots = make([]int, len(sigs))
	for i := range roots {
		roots[i] = uf.find(i)
	}
	return roots, pairs
}

// cpuTime is the CPU time the process has used (user and system): on a
// shared machine it says more than the wall time.
func cpuTime() time.Duration {
	var r syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &r) != nil {
		return 0
	}
	return time.Duration(r.Utime.Nano() + r.Stime.Nano())
}

// peakRSS is the process's peak resident set (VmHWM) in MiB, or -1 where
// /proc does not say.
func peakRSS() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			if err == nil {
				return float64(kb) / 1024
			}
		}
	}
	return -1
}

// BenchmarkNearPairs measures the near-duplicate search and grouping (all
// match rules, --near-distance 10, --near-flips) on a synthetic crawl with
// a real photo's hash statistics, clusters of copies and crowds of flat
// images (synthCrawl), at WEBEmo's 220,854 images and a quarter of that
// (near-linear growth shows as a us/image ratio near 1), and on a 3,000-image
// sample beside brute force (every pair, every rule), whose groups must be
// the same. peak-RSS-MiB is the process's peak so far, signatures included.
func BenchmarkNearPairs(b *testing.B) {
	for _, n := range []int{220854 / 4, 220854} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			sigs := synthCrawl(n, 1)
			pairs, groups := 0, 0
			cpu0 := cpuTime()
			b.ResetTimer()
			for range b.N {
				roots, p := searchGroups(sigs, 10, true)
				pairs, groups = p, 0
				for i, r := range roots {
					if r == i {
						groups++
					}
				}
			}
			b.StopTimer()
			per := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(per, "s/search")
			b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/search")
			b.ReportMetric(float64(n)/per, "images/s")
			b.ReportMetric(1e6*per/float64(n), "us/image")
			b.ReportMetric(float64(pairs), "pairs")
			b.ReportMetric(float64(groups), "groups")
			b.ReportMetric(peakRSS(), "peak-RSS-MiB")
			b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "procs")
		})
	}
	b.Run("brute-3000", func(b *testing.B) {
		sigs := synthCrawl(3000, 1)
		var fast, slow time.Duration
		for range b.N {
			t0 := time.Now()
			roots, _ := searchGroups(sigs, 10, true)
			t1 := time.Now()
			want := bruteGroups(sigs, 10, true)
			t2 := time.Now()
			fast, slow = fast+t1.Sub(t0), slow+t2.Sub(t1)
			if i, j, ok := sameGroups(roots, want); !ok {
				b.Fatalf("images %d and %d: the search and brute force group them differently", i, j)
			}
		}
		b.ReportMetric(fast.Seconds()/float64(b.N), "s/search")
		b.ReportMetric(slow.Seconds()/float64(b.N), "s/brute")
		b.ReportMetric(slow.Seconds()/fast.Seconds(), "x-faster")
		b.ReportMetric(slow.Seconds()/float64(b.N)*(220854.0/3000)*(220854.0/3000), "s/brute-at-220854")
	})
}
