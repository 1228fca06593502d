package model

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"sort"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// threadCPU is the calling OS thread's CPU time: on a shared machine it
// counts only what this thread ran, not the time other processes held
// its core.
func threadCPU() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}

// BenchmarkInferLane times one inference lane (batch 1, one thread) of B2
// + 4 Gram at 256x256 step by step in thread CPU time, the fastest of
// b.N passes over different images per step (steadier than wall time on
// a shared machine), and logs every step (its shape, the implementation
// oneDNN chose, its layouts, GFLOP/s) and the time per kind of step (run
// with -v). Environment: CURATE_BACKEND (default: the fastest built),
// CURATE_LANE_GROUP (G > 1: the same for a program of G images on one
// thread, per image).
func BenchmarkInferLane(b *testing.B) {
	n, _ := benchNet(b, 1)
	ib, ok := n.be.(inferBackend)
	if !ok {
		b.Fatalf("backend %s has no inference path", n.Backend())
	}
	const imgs = 4
	batch := randomBatch(rand.New(rand.NewPCG(1, 1)), imgs, 256, 2)
	probs := make([]float32, imgs*2)
	if err := n.Predict(batch, probs); err != nil { // folds, lays kernels out, compiles the lanes
		b.Fatal(err)
	}
	lanes, err := n.inferLanes(256, 1, 1)
	if err != nil {
		b.Fatal(err)
	}
	l, per := lanes[0], 256*256*3
	steps, input, e, run := l.prog.steps, l.prog.plan.input, l.e, &l.run
	group, _ := strconv.Atoi(os.Getenv("CURATE_LANE_GROUP"))
	if group > 1 {
		// What a lane that ran group images at once (one program of that
		// batch on one thread) would spend per image.
		prog, err := n.inferProgFor(group, 256)
		if err != nil {
			b.Fatal(err)
		}
		steps, input, e, run = prog.steps, prog.plan.input, &exec{pool: pool{threads: 1}, be: n.be}, &inferRun{}
		per *= group
		batch = randomBatch(rand.New(rand.NewPCG(1, 1)), imgs*group, 256, 2)
	} else {
		group = 1
	}
	for i := range steps { // on a backend that does not run lanes, Predict did not fold their steps
		if s := &steps[i]; s.conv != nil {
			s.conv.fold(e, n.infer)
		} else if s.dw != nil {
			s.dw.fold(e, n.infer)
		}
	}
	best := make([]time.Duration, len(steps))
	for i := range best {
		best[i] = time.Hour
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var total time.Duration
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		img := it % imgs
		copy(input.Data, batch.Images[img*per:(img+1)*per])
		t0 := threadCPU()
		for i := range steps {
			s0 := threadCPU()
			steps[i].run(ib, e, run)
			best[i] = min(best[i], (threadCPU()-s0)/time.Duration(group))
		}
		total += (threadCPU() - t0) / time.Duration(group)
	}
	b.StopTimer()
	type implementer interface{ impl() string }
	kinds := map[string]time.Duration{}
	kflop := map[string]float64{}
	var sum time.Duration
	for i := range steps {
		st := &steps[i]
		var k, desc, impl string
		var flop float64
		var state any
		switch {
		case st.conv != nil:
			f := st.conv
			o := f.conv
			flop = 2 * float64(f.y.H*f.y.W) * float64(o.k*o.k*o.x.C) * float64(f.y.C)
			k = fmt.Sprintf("conv%dx%d_s%d", o.k, o.k, o.stride)
			if f.y.H == 1 && f.y.W == 1 {
				k = "dense"
			} else if f.scale != nil {
				k += "_se"
			}
			desc = fmt.Sprintf("%s %dx%dx%d->%dx%dx%d act%d res%v lay%v", o.w.Name, o.x.H, o.x.W, o.x.C, f.y.H, f.y.W, f.y.C, f.act, f.res != nil, f.lay)
			state = f.state
		case st.dw != nil:
			f := st.dw
			o := f.dw
			flop = 2 * float64(f.y.H*f.y.W) * float64(o.k*o.k) * float64(f.y.C)
			k = fmt.Sprintf("dw%dx%d_s%d", o.k, o.k, o.stride)
			desc = fmt.Sprintf("%s %dx%dx%d->%dx%d", o.w.Name, o.x.H, o.x.W, o.x.C, f.y.H, f.y.W)
			state = f.state
		default:
			k = fmt.Sprintf("%T", st.op)
			desc = k
		}
		if s, ok := state.(implementer); ok && s != nil {
			impl = s.impl()
		}
		kinds[k] += best[i]
		kflop[k] += flop
		sum += best[i]
		gf := ""
		if flop > 0 {
			gf = fmt.Sprintf("%6.1f GF/s", flop/best[i].Seconds()/1e9)
		}
		b.Logf("%3d %-10s %8.3f ms %s  %-22s %s", i, k, best[i].Seconds()*1000, gf, impl, desc)
	}
	var ks []string
	for k := range kinds {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return kinds[ks[i]] > kinds[ks[j]] })
	for _, k := range ks {
		gf := ""
		if kflop[k] > 0 {
			gf = fmt.Sprintf("%6.1f GF/s", kflop[k]/kinds[k].Seconds()/1e9)
		}
		b.Logf("%-24s %8.3f ms %5.1f%% %s", k, kinds[k].Seconds()*1000, 100*kinds[k].Seconds()/sum.Seconds(), gf)
	}
	b.Logf("backend %s: lane steps' fastest sum %.2f ms per image, mean pass %.2f ms (thread CPU)", n.Backend(), sum.Seconds()*1000, total.Seconds()*1000/float64(b.N))
}

// runLane runs lane l over images [lo, hi) of batch, locked to its OS
// thread, and returns the wall and thread CPU time it took.
func runLane(ib inferBackend, l *inferLane, batch Batch, lo, hi int) (wall, cpu time.Duration) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	per := batch.Size * batch.Size * 3
	w0, c0 := time.Now(), threadCPU()
	for img := lo; img < hi; img++ {
		copy(l.prog.plan.input.Data, batch.Images[img*per:(img+1)*per])
		for i := range l.prog.steps {
			l.prog.steps[i].run(ib, l.e, &l.run)
		}
	}
	return time.Since(w0), threadCPU() - c0
}

// BenchmarkInferDiag measures where Predict's time per image goes on B2 +
// 4 Gram (256x256, 2 threads): Predict at batch 16 and 64 alternating
// (wall and process CPU per image, GC cycles), one lane alone against two
// lanes at once (wall and thread CPU per image: what two busy cores cost
// each other), and Bench's inference after training at batch 64 against
// a fresh network's (run with -v; -benchtime 1x).
func BenchmarkInferDiag(b *testing.B) {
	n, _ := benchNet(b, 16)
	ib := n.be.(inferBackend)
	b64 := randomBatch(rand.New(rand.NewPCG(1, 1)), 64, 256, 2)
	b16 := Batch{Images: b64.Images[:16*256*256*3], N: 16, Size: 256}
	probs := make([]float32, 64*2)
	if err := n.Predict(b16, probs[:32]); err != nil {
		b.Fatal(err)
	}
	if err := n.Predict(b64, probs); err != nil {
		b.Fatal(err)
	}
	type acc struct {
		wall, cpu time.Duration
		imgs, gc  int
	}
	var a16, a64 acc
	for r := 0; r < 3; r++ {
		for _, bt := range []Batch{b16, b16, b16, b16, b64} {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			gc0 := ms.NumGC
			w0, c0 := time.Now(), cpuSeconds()
			if err := n.Predict(bt, probs[:bt.N*2]); err != nil {
				b.Fatal(err)
			}
			w, c := time.Since(w0), time.Duration((cpuSeconds()-c0)*1e9)
			runtime.ReadMemStats(&ms)
			a := &a16
			if bt.N == 64 {
				a = &a64
			}
			a.wall += w
			a.cpu += c
			a.imgs += bt.N
			a.gc += int(ms.NumGC - gc0)
		}
	}
	for _, x := range []struct {
		name string
		a    acc
	}{{"Predict b16", a16}, {"Predict b64", a64}} {
		b.Logf("%s: %.2f img/s, %.2f ms wall and %.2f ms process CPU per image, %d GC cycles over %d images",
			x.name, float64(x.a.imgs)/x.a.wall.Seconds(), x.a.wall.Seconds()*1000/float64(x.a.imgs), x.a.cpu.Seconds()*1000/float64(x.a.imgs), x.a.gc, x.a.imgs)
	}
	lanes, err := n.inferLanes(256, 2, 1)
	if err != nil {
		b.Fatal(err)
	}
	for r := 0; r < 2; r++ {
		w, c := runLane(ib, lanes[0], b64, 0, 16)
		b.Logf("one lane alone, 16 images: %.2f ms wall, %.2f ms thread CPU per image", w.Seconds()*1000/16, c.Seconds()*1000/16)
		var w2, c2 [2]time.Duration
		done := make(chan struct{})
		go func() { w2[1], c2[1] = runLane(ib, lanes[1], b64, 16, 32); close(done) }()
		w2[0], c2[0] = runLane(ib, lanes[0], b64, 0, 16)
		<-done
		b.Logf("two lanes at once, 16 images each: lane 0 %.2f ms wall %.2f CPU, lane 1 %.2f wall %.2f CPU per image",
			w2[0].Seconds()*1000/16, c2[0].Seconds()*1000/16, w2[1].Seconds()*1000/16, c2[1].Seconds()*1000/16)
	}
	if os.Getenv("CURATE_DIAG_BENCH") != "" {
		cfg := n.cfg
		for _, bs := range []int{64, 16} {
			r, err := Bench(context.Background(), BenchOptions{Config: cfg, Batch: bs, Steps: 2})
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("Bench batch %d, 2 steps: infer %.2f img/s (best %.2f), train %.2f, peak RSS %.0f MiB",
				bs, r.InferImagesPerS, r.InferBestPerS, r.TrainImagesPerS, r.PeakRSSMiB)
		}
	}
}

// BenchmarkPredict times Net.Predict alone on B2 + 4 Gram (256x256;
// benchNet's environment, CURATE_BATCH default 16), for a CPU profile of
// inference (go test -cpuprofile).
func BenchmarkPredict(b *testing.B) {
	n, bs := benchNet(b, 16)
	batch := randomBatch(rand.New(rand.NewPCG(1, 1)), bs, 256, 2)
	probs := make([]float32, bs*2)
	if err := n.Predict(batch, probs); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	c0 := cpuSeconds()
	for i := 0; i < b.N; i++ {
		if err := n.Predict(batch, probs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(bs*b.N)/b.Elapsed().Seconds(), "img/s")
	b.ReportMetric((cpuSeconds()-c0)*1000/float64(bs*b.N), "cpu_ms/img")
}
