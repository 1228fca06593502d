package model

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestInferGroups checks that on a backend that runs Predict image by
// image, with lanes that run groups of inferGroup images from their split
// on, an image's logits are bit-identical alone (a group padded with
// zeros), inside a batch of 64 (a full group, at place 1 of its group) and
// inside a batch of 6 (the last, partial group), with one and two threads.
func TestInferGroups(t *testing.T) {
	for _, th := range []int{2, 1} {
		cfg, _ := Preset("b2", 4)
		cfg.Size, cfg.Seed, cfg.Threads = 64, 3, th
		n, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if im, ok := n.be.(inferImager); !ok || !im.inferPerImage() {
			t.Skipf("backend %s runs Predict on whole batches", n.Backend())
		}
		rng := rand.New(rand.NewPCG(7, 8))
		perturbBN(n, rng)
		b64 := randomBatch(rng, 64, cfg.Size, 2)
		per := cfg.Size * cfg.Size * 3
		logits := func(b Batch) []float32 {
			t.Helper()
			probs := make([]float32, b.N*2)
			if err := n.Predict(b, probs); err != nil {
				t.Fatal(err)
			}
			return slices.Clone(n.cur.ce.x.Data)
		}
		all := logits(b64)
		lanes := n.infer.lanes[laneKey{cfg.Size, 1}] // batch 64: th lanes of one thread
		if len(lanes) == 0 || lanes[0].grp == nil || lanes[0].split == 0 || lanes[0].split == len(lanes[0].prog.steps) {
			t.Fatalf("%d threads: the lanes run no group program after a split (%v)", th, lanes)
		}
		const img = 37 // place 1 of group 9
		alone := logits(Batch{Images: b64.Images[img*per : (img+1)*per], N: 1, Size: cfg.Size})
		six := logits(Batch{Images: b64.Images[(img-5)*per : (img+1)*per], N: 6, Size: cfg.Size})
		want := all[img*2 : img*2+2]
		if !slices.Equal(alone, want) || !slices.Equal(six[10:12], want) {
			t.Errorf("%d threads: image %d's logits alone %v, last of a batch of 6 %v, in a batch of 64 %v", th, img, alone, six[10:12], want)
		}
		for i := range 6 {
			if !slices.Equal(six[2*i:2*i+2], all[2*(img-5+i):2*(img-5+i)+2]) {
				t.Errorf("%d threads: image %d of the batch of 6: %v, in the batch of 64 %v", th, i, six[2*i:2*i+2], all[2*(img-5+i):2*(img-5+i)+2])
			}
		}
		// A different neighbour changes nothing either: the image's group
		// of the batch of 64 with its other places holding other images.
		mixed := slices.Clone(b64.Images[(img-1)*per : (img+3)*per])
		copy(mixed[:per], b64.Images[:per])
		copy(mixed[2*per:], b64.Images[5*per:7*per])
		if got := logits(Batch{Images: mixed, N: 4, Size: cfg.Size}); !slices.Equal(got[2:4], want) {
			t.Errorf("%d threads: image %d beside other images %v, in the batch of 64 %v", th, img, got[2:4], want)
		}
	}
}

// BenchmarkInferGroups times Predict on B2 + 4 Gram (256x256; benchNet's
// environment, CURATE_BATCH default 64) with the lanes' group programs
// against the same network image by image throughout (its lanes' group
// programs dropped), alternating for 4 rounds, and logs images/s, process
// CPU per image and the ratio of each round (run with -v, -benchtime 1x).
func BenchmarkInferGroups(b *testing.B) {
	n, bs := benchNet(b, 64)
	solo, _ := benchNet(b, 64)
	batch := randomBatch(rand.New(rand.NewPCG(1, 1)), bs, 256, 2)
	probs := make([]float32, bs*2)
	for _, m := range []*Net{n, solo} {
		if err := m.Predict(batch, probs); err != nil {
			b.Fatal(err)
		}
	}
	if _, ok := n.be.(inferImager); !ok {
		b.Skipf("backend %s runs Predict on whole batches", n.Backend())
	}
	for _, ls := range solo.infer.lanes {
		for _, l := range ls {
			l.grp = nil
		}
	}
	rate := func(m *Net) (float64, float64) {
		w0, c0 := time.Now(), cpuSeconds()
		for range 2 {
			if err := m.Predict(batch, probs); err != nil {
				b.Fatal(err)
			}
		}
		return float64(2*bs) / time.Since(w0).Seconds(), (cpuSeconds() - c0) * 1000 / float64(2*bs)
	}
	b.ResetTimer()
	var ratios []float64
	for r := range 4 {
		var g, s, gc, sc float64
		if r%2 == 0 {
			g, gc = rate(n)
			s, sc = rate(solo)
		} else {
			s, sc = rate(solo)
			g, gc = rate(n)
		}
		ratios = append(ratios, g/s)
		b.Logf("batch %d round %d: groups %.2f img/s (%.2f ms CPU/img), image by image %.2f img/s (%.2f ms CPU/img): %.3fx", bs, r+1, g, gc, s, sc, g/s)
	}
	slices.Sort(ratios)
	b.Logf("batch %d, %s: groups of %d from output stride %d: median ratio %.3f", bs, n.Backend(), inferGroup, inferGroupStride, (ratios[1]+ratios[2])/2)
}
