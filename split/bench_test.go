package split

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"math/rand/v2"
	"runtime"
	"slices"
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

// synthSignatures makes n signatures like a crawl's: 80% unrelated photos
// (random hashes), 15% near copies of an earlier image (a few bits moved in
// every hash), 5% flat images whose whole-image keys have few bits set, so
// they crowd the same buckets.
func synthSignatures(n int, seed uint64) []*imagehash.Signature {
	rng := rand.New(rand.NewPCG(seed, 11))
	flip := func(h imagehash.Hash, k int) imagehash.Hash {
		for range k {
			h ^= 1 << rng.IntN(64)
		}
		return h
	}
	sigs := make([]*imagehash.Signature, n)
	for i := range sigs {
		switch r := rng.IntN(100); {
		case r < 15 && i > 0:
			s := *sigs[rng.IntN(i)]
			s.Full.P, s.Full.D = flip(s.Full.P, rng.IntN(9)), flip(s.Full.D, rng.IntN(9))
			if s.Windows != nil {
				s.Windows = slices.Clone(s.Windows)
				for w := range s.Windows {
					s.Windows[w].P = flip(s.Windows[w].P, rng.IntN(9))
				}
			}
			sigs[i] = &s
		case r < 20:
			h := imagehash.Hash(1<<rng.IntN(64) | 1<<rng.IntN(64))
			k := imagehash.Key{P: h, D: h, Sure: 8, Mean: uint8(rng.IntN(256)), Spread: 30}
			sigs[i] = &imagehash.Signature{Full: k, Mirror: k}
		default:
			s := synthSig(rng)
			sigs[i] = &s
		}
	}
	return sigs
}

// BenchmarkNearPairs measures the near-duplicate search (all match rules,
// --near-distance 10, --near-flips) on synthetic signatures at WEBEmo's
// 220,854 images and at a quarter of that: near-linear growth shows as a
// per-image time ratio near 1. Memory is what the search allocates; the
// baseline is sorting as many 64-bit keys, in the same run.
func BenchmarkNearPairs(b *testing.B) {
	for _, n := range []int{220854 / 4, 220854} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			sigs := synthSignatures(n, 1)
			keys := make([]uint64, n)
			for i, s := range sigs {
				keys[i] = uint64(s.Full.P)
			}
			start := time.Now()
			slices.Sort(keys)
			base := time.Since(start).Seconds()
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			pairs := 0
			b.ResetTimer()
			for range b.N {
				pairs = 0
				nearPairs(sigs, 10, true, func(int, int) { pairs++ })
			}
			b.StopTimer()
			runtime.ReadMemStats(&after)
			per := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(per, "s/search")
			b.ReportMetric(1e6*per/float64(n), "us/image")
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/(1<<20), "MB-alloc/search")
			b.ReportMetric(float64(pairs), "pairs")
			b.ReportMetric(per/base, "x-sort")
			b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "procs")
		})
	}
}
