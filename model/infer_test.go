package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// The inference path computes the same function as the training graph in
// inference mode with float32 arithmetic that differs only by rounding (the
// folded kernel multiplies before the sum instead of after, bias and
// residual are added in one pass, oneDNN sums in its own order). How far
// rounding moves the output depends on the network: a randomly initialised
// B2 + Gram is chaotic for some images (logits in the thousands, moved by
// percents when one kernel changes by 1e-7 relative). So the bound is the
// sum of a fixed part and the graph's own sensitivity: the difference its
// outputs show when every parameter is changed by at most one float32 ulp
// (inferSensitivity), times inferSensFactor. A mistake in the fusion (a
// wrong bias, activation, residual or scale) moves outputs by O(1), far
// beyond either.
const (
	inferProbsBound  = 1e-5 // absolute, on probabilities
	inferLogitsBound = 1e-5 // relative to max(1, largest |logit|)
	inferSensFactor  = 4
)

// inferSensitivity returns the graph's probabilities and logits on b with
// every parameter multiplied by 1 + u, |u| <= 2^-23, and restores them.
func inferSensitivity(t *testing.T, n *Net, b Batch) (probs, logits []float32) {
	t.Helper()
	saved := make([][]float32, len(n.Params()))
	rng := rand.New(rand.NewPCG(99, 100))
	for i, p := range n.Params() {
		saved[i] = slices.Clone(p.Data)
		for j := range p.Data {
			p.Data[j] *= 1 + float32((2*rng.Float64()-1)/(1<<23))
		}
	}
	probs = make([]float32, b.N*n.cfg.Classes)
	if err := n.predictGraph(b, probs); err != nil {
		t.Fatal(err)
	}
	logits = slices.Clone(graphLogits(n))
	for i, p := range n.Params() {
		copy(p.Data, saved[i])
	}
	return probs, logits
}

// compareOutputs fails t when got differs from want by more than
// fixed*scale + inferSensFactor*|sens - want| anywhere (scale 1 for
// probabilities, max(1, |logit|) for logits) and returns the largest
// difference relative to scale.
func compareOutputs(t *testing.T, what string, got, want, sens []float32, fixed float64, relative bool) float64 {
	t.Helper()
	scale := 1.0
	if relative {
		for _, v := range want {
			scale = math.Max(scale, math.Abs(float64(v)))
		}
	}
	worst := 0.0
	for i := range want {
		d := math.Abs(float64(got[i]) - float64(want[i]))
		floor := inferSensFactor * math.Abs(float64(sens[i])-float64(want[i]))
		worst = math.Max(worst, d/scale)
		if d > fixed*scale+floor || math.IsNaN(float64(got[i])) {
			t.Errorf("%s %d = %g, training graph %g: difference %.3g > %.3g + %d x the graph's own one-ulp sensitivity %.3g",
				what, i, got[i], want[i], d, fixed*scale, inferSensFactor, floor/inferSensFactor)
			break
		}
	}
	return worst
}

// compareProbs compares probabilities with the fixed bound alone.
func compareProbs(t *testing.T, what string, got, want []float32, bound float64) float64 {
	t.Helper()
	return compareOutputs(t, what, got, want, want, bound, false)
}

// perturbBN gives every batch norm non-trivial statistics and affine
// parameters, so that folding them into the convolutions is exercised with
// values far from the initial (mean 0, variance 1, gamma 1, beta 0). Gamma
// in [0.8, 1.1] keeps a deep random network out of both extremes: at
// [0.5, 1.5] a B2's activations grow block after block (logits in the
// thousands, chaotic: one ulp moves them by percents), at [0.25, 0.75]
// they vanish (every image gets the same logits).
func perturbBN(n *Net, rng *rand.Rand) {
	for _, p := range n.Params() {
		for i := range p.Data {
			switch {
			case hasSuffix(p.Name, "/moving_mean:0"):
				p.Data[i] = float32(rng.NormFloat64() * 0.1)
			case hasSuffix(p.Name, "/moving_variance:0"):
				p.Data[i] = float32(0.5 + rng.Float64())
			case hasSuffix(p.Name, "/gamma:0"):
				p.Data[i] = float32(0.8 + 0.3*rng.Float64())
			case hasSuffix(p.Name, "/beta:0"):
				p.Data[i] = float32(rng.NormFloat64() * 0.1)
			}
		}
	}
}

func hasSuffix(s, suf string) bool { return len(s) >= len(suf) && s[len(s)-len(suf):] == suf }

// inferCase is a network the inference path is checked on.
type inferCase struct {
	name         string
	cfg          func() Config
	batch, steps int
}

var inferCases = []inferCase{
	{"tiny", func() Config { c, _ := Preset("tiny", 2); c.Size = 32; return c }, 3, 2},
	{"narrow-b0", func() Config { return narrowConfig(2) }, 4, 1},
	{"b2-64", func() Config { c, _ := Preset("b2", 4); c.Size = 64; return c }, 2, 0},
}

// TestInferMatchesGraph checks, for every built backend, that Predict's
// inference path gives the probabilities of the training graph in inference
// mode (predictGraph) within inferProbsBound, after training steps (which
// move the parameters the folding reads) and with perturbed batch norms.
func TestInferMatchesGraph(t *testing.T) {
	for _, be := range Backends() {
		for _, c := range inferCases {
			if testing.Short() && c.name == "b2-64" && be != "cpu" {
				continue
			}
			t.Run(be+"/"+c.name, func(t *testing.T) {
				cfg := c.cfg()
				cfg.Backend, cfg.Threads, cfg.Seed = be, 2, 5
				n, err := New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				if _, ok := n.be.(inferBackend); !ok {
					t.Fatalf("backend %s has no inference path", be)
				}
				rng := rand.New(rand.NewPCG(7, 8))
				perturbBN(n, rng)
				for range c.steps {
					if _, err := n.Step(randomBatch(rng, c.batch, cfg.Size, cfg.Classes)); err != nil {
						t.Fatal(err)
					}
				}
				b := randomBatch(rng, c.batch, cfg.Size, cfg.Classes)
				got := make([]float32, c.batch*cfg.Classes)
				want := make([]float32, len(got))
				before := snapshot(n)
				if err := n.Predict(b, got); err != nil {
					t.Fatal(err)
				}
				gotLogits := slices.Clone(n.cur.ce.x.Data) // the inference path's (batch or image by image)
				if !slices.EqualFunc(before, snapshot(n), slices.Equal) {
					t.Fatal("Predict changed a parameter")
				}
				if err := n.predictGraph(b, want); err != nil {
					t.Fatal(err)
				}
				wantLogits := slices.Clone(graphLogits(n))
				sensProbs, sensLogits := inferSensitivity(t, n, b)
				wp := compareOutputs(t, "probability", got, want, sensProbs, inferProbsBound, false)
				wl := compareOutputs(t, "logit", gotLogits, wantLogits, sensLogits, inferLogitsBound, true)
				t.Logf("largest difference: probabilities %.2g, logits %.2g (relative); logits %v, graph %v, graph with one-ulp weights %v",
					wp, wl, gotLogits, wantLogits, sensLogits)
				if n.infer == nil {
					t.Fatal("Predict did not take the inference path")
				}
			})
		}
	}
}

// graphLogits are the logits of the last training-graph forward pass.
func graphLogits(n *Net) []float32 { return n.cur.ce.x.Data }

func snapshot(n *Net) [][]float32 {
	var s [][]float32
	for _, p := range n.Params() {
		s = append(s, slices.Clone(p.Data))
		if p.Grad != nil {
			s = append(s, slices.Clone(p.Grad))
		}
	}
	return s
}

// narrowPerturbed builds the narrow test network with batch-norm
// statistics perturbed (so folding them matters) and returns it with the
// random source that perturbed it, seeded by (s1, s2).
func narrowPerturbed(t *testing.T, s1, s2 uint64) (*Net, *rand.Rand) {
	t.Helper()
	n, err := New(narrowConfig(2))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(s1, s2))
	perturbBN(n, rng)
	return n, rng
}

// predictFollowsGraph runs Predict on b, checks its probabilities against
// the training graph's inference mode within inferProbsBound, and returns
// them.
func predictFollowsGraph(t *testing.T, n *Net, what string, b Batch) []float32 {
	t.Helper()
	got := make([]float32, b.N*n.Config().Classes)
	want := make([]float32, len(got))
	if err := n.Predict(b, got); err != nil {
		t.Fatal(err)
	}
	if err := n.predictGraph(b, want); err != nil {
		t.Fatal(err)
	}
	compareProbs(t, what, got, want, inferProbsBound)
	return got
}

// TestInferCurrentParams checks that every Predict folds the parameters as
// they are now: after a training step, and after a direct write of a batch
// norm's statistics (what a checkpoint load does), the inference path
// follows the training graph; and that batch sizes of one size share the
// slots (a larger batch, then smaller ones) without mixing results.
func TestInferCurrentParams(t *testing.T) {
	n, rng := narrowPerturbed(t, 3, 4)
	cfg := n.Config()
	check := func(what string, b Batch) []float32 { t.Helper(); return predictFollowsGraph(t, n, what, b) }
	b := randomBatch(rng, 4, cfg.Size, 2)
	p0 := check("initial", b)
	if _, err := n.Step(b); err != nil {
		t.Fatal(err)
	}
	p1 := check("after a step", b)
	v := n.Param("top_bn/moving_variance:0")
	for i := range v.Data {
		v.Data[i] *= 4
	}
	p2 := check("after writing top_bn's variance", b)
	if slices.Equal(p0, p1) || slices.Equal(p1, p2) {
		t.Fatal("the inference path's probabilities did not follow the parameters")
	}
	big := randomBatch(rng, 6, cfg.Size, 2)
	check("batch 6", big)
	for _, k := range []int{1, 5} {
		check("a smaller batch in the slots of batch 6", Batch{Images: big.Images[:k*cfg.Size*cfg.Size*3], N: k, Size: cfg.Size})
	}
	pb := check("batch 6 again", big)
	probs := make([]float32, 12)
	if err := n.Predict(big, probs); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(probs, pb) {
		t.Errorf("the same batch gave %v, then %v", pb, probs)
	}
	if err := n.LastProbs(probs); err != nil || !slices.Equal(probs, pb) {
		t.Errorf("LastProbs after Predict = %v, %v; want %v", probs, err, pb)
	}
	if err := n.Predict(Batch{Images: make([]float32, 5), N: 1, Size: cfg.Size}, probs[:2]); err == nil {
		t.Error("a batch of the wrong length was accepted")
	}
}

// TestInferFollowsEveryParam writes one value of one parameter of each
// kind the inference path folds or reads (a convolution kernel, every
// batch norm parameter, a depthwise kernel, biases, the dense head) and
// checks that the next Predict, at two batch sizes (two programs sharing
// the folded weights), follows the training graph and differs from the
// Predict before: no cached fold survives a change.
func TestInferFollowsEveryParam(t *testing.T) {
	n, rng := narrowPerturbed(t, 7, 8)
	cfg := n.Config()
	first := func(suffix string) *Param {
		for _, p := range n.Params() {
			if hasSuffix(p.Name, suffix) {
				return p
			}
		}
		t.Fatalf("no parameter named *%s", suffix)
		return nil
	}
	b4 := randomBatch(rng, 4, cfg.Size, 2)
	b3 := Batch{Images: b4.Images[:3*cfg.Size*cfg.Size*3], N: 3, Size: cfg.Size}
	predict := func(what string, b Batch) []float32 { t.Helper(); return predictFollowsGraph(t, n, what, b) }
	prev4, prev3 := predict("initial", b4), predict("initial", b3)
	for _, name := range []string{
		"stem_conv/kernel:0", "stem_bn/gamma:0", "stem_bn/beta:0", "stem_bn/moving_mean:0", "stem_bn/moving_variance:0",
		"dwconv2/depthwise_kernel:0", "_bn/moving_variance:0", "project_conv/kernel:0", "se_reduce/bias:0",
		"se_expand/kernel:0", "predictions/kernel:0", "predictions/bias:0",
	} {
		p := first(name)
		p.Data[len(p.Data)-1] = p.Data[len(p.Data)-1]*3 + 0.5
		p4, p3 := predict(p.Name, b4), predict(p.Name, b3)
		if slices.Equal(p4, prev4) || slices.Equal(p3, prev3) {
			t.Errorf("writing one value of %s did not change the next Predict", p.Name)
		}
		prev4, prev3 = p4, p3
	}
}

// TestInferThreads checks that the default backend's inference path gives
// bit-identical probabilities with 1, 2 and 3 threads.
func TestInferThreads(t *testing.T) {
	cfg, _ := Preset("b2", 4)
	cfg.Size, cfg.Seed = 64, 9
	var ref []float32
	for _, th := range []int{1, 2, 3} {
		cfg.Threads = th
		n, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(5, 6))
		perturbBN(n, rng)
		b := randomBatch(rng, 3, cfg.Size, 2)
		probs := make([]float32, 6)
		if err := n.Predict(b, probs); err != nil {
			t.Fatal(err)
		}
		if ref == nil {
			ref = probs
		} else if !slices.Equal(probs, ref) {
			t.Errorf("%d threads: %v, 1 thread %v", th, probs, ref)
		}
		if _, ok := n.be.(inferImager); !ok {
			continue
		}
		// Image by image, an image's probabilities do not depend on its
		// batch either, also when a lane's steps use several threads (a
		// batch of one on 2 or 3).
		one := Batch{Images: b.Images[len(b.Images)/3:], N: 2, Size: b.Size}
		got := make([]float32, 4)
		if err := n.Predict(one, got); err != nil {
			t.Fatal(err)
		}
		one = Batch{Images: b.Images[:len(b.Images)/3], N: 1, Size: b.Size}
		if err := n.Predict(one, got[:2]); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got[2:], ref[4:]) || !slices.Equal(got[:2], ref[:2]) {
			t.Errorf("%d threads: images 1 and 2 alone (batch of 2) %v, image 0 alone %v; in the batch of 3 %v", th, got[2:], got[:2], ref)
		}
	}
}

// TestInferKernels compares the C inference loops with their Go
// definitions bit for bit (the same operations in the same order), and
// the vector-matrix product (BLAS in C) with a float64 sum.
func TestInferKernels(t *testing.T) {
	ck := cInferKernels()
	if ck == nil {
		t.Skip("no C kernels in this build (the Go loops are the only ones)")
	}
	gk := goInferKernels()
	rng := rand.New(rand.NewPCG(1, 2))
	vec := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.NormFloat64() * 3)
		}
		return v
	}
	for _, act := range []actKind{actNone, actSwish, actSigmoid, actLeaky} {
		rows, ch := 7, 37
		y, bias, res := vec(rows*ch), vec(ch), vec(rows*ch)
		for _, withRes := range []bool{false, true} {
			r := res
			if !withRes {
				r = nil
			}
			a, b := slices.Clone(y), slices.Clone(y)
			gk.epilogue(a, rows, ch, bias, act, r)
			ck.epilogue(b, rows, ch, bias, act, r)
			if !slices.Equal(a, b) {
				t.Errorf("epilogue %v res %v: C differs from Go", act, withRes)
			}
		}
	}
	src, s := vec(11*13), vec(11)
	a, b := make([]float32, len(src)), make([]float32, len(src))
	gk.scaleRows(a, src, s, 11, 13)
	ck.scaleRows(b, src, s, 11, 13)
	if !slices.Equal(a, b) {
		t.Error("scaleRows: C differs from Go")
	}
	for _, kc := range [][2]int{{11, 13}, {1, 37}, {52, 1248}, {3136, 56}} {
		k, ch := kc[0], kc[1]
		x, w := vec(k), vec(k*ch)
		a, b := vec(ch), vec(ch) // overwritten, not added to
		gk.vecMat(a, x, w, k, ch)
		ck.vecMat(b, x, w, k, ch) // BLAS: its own order of the sum
		for c := range ch {
			var want, mag float64
			for i := range k {
				want += float64(x[i]) * float64(w[i*ch+c])
				mag += math.Abs(float64(x[i]) * float64(w[i*ch+c]))
			}
			tol := 1e-6 * mag * math.Sqrt(float64(k))
			if math.Abs(float64(a[c])-want) > tol || math.Abs(float64(b[c])-want) > tol {
				t.Fatalf("vecMat %dx%d: column %d is %v (Go), %v (C), want %v", k, ch, c, a[c], b[c], want)
			}
		}
	}
	a, b = slices.Clone(src), slices.Clone(src)
	gk.scaleCh(a, s, 13, 11)
	ck.scaleCh(b, s, 13, 11)
	for i := range a {
		if want := src[i] * s[i%11]; a[i] != want || b[i] != want {
			t.Fatalf("scaleCh: element %d is %v (Go), %v (C), want %v", i, a[i], b[i], want)
		}
	}
}

// b2Program compiles B2 + 4 Gram at batch 1, 256x256, into an inference
// program.
func b2Program(t *testing.T, threads int) (*Net, *plan, *inferProg) {
	t.Helper()
	cfg, _ := Preset("b2", 4)
	cfg.Threads = threads
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p, err := n.compile(1, 256)
	if err != nil {
		t.Fatal(err)
	}
	return n, p, buildInfer(p)
}

// TestInferSlots checks the liveness assignment on B2: two tensors share a
// slot only when one is dead (its last reader ran) before the other is
// written, and the slots hold far less than one buffer per activation.
func TestInferSlots(t *testing.T) {
	_, p, prog := b2Program(t, 0)
	born := map[*Tensor]int{p.input: -1}
	last := map[*Tensor]int{}
	for i, s := range prog.steps {
		if s.out != nil {
			born[s.out] = i
			last[s.out] = i
		}
		for _, in := range s.ins {
			last[in] = i
		}
	}
	for a, c := range prog.alias {
		if prog.slot[a] != prog.slot[c] {
			t.Errorf("an aliased tensor %v is in slot %d, the one it stands for in %d", a, prog.slot[a], prog.slot[c])
		}
		if _, written := born[a]; written {
			t.Errorf("an aliased tensor %v is written by a step", a)
		}
	}
	if len(prog.alias) != 3 {
		t.Errorf("%d repeated Gram matrices share the first one's, want 3 (4 modules on one tap)", len(prog.alias))
	}
	for a := range prog.slot {
		for b := range prog.slot {
			if prog.alias[a] != nil || prog.alias[b] != nil {
				continue // checked above: it is its original's values
			}
			if a != b && prog.slot[a] == prog.slot[b] && born[a] <= born[b] && last[a] >= born[b] {
				t.Fatalf("slot %d: %v (steps %d..%d) is still live when %v is written (step %d)",
					prog.slot[a], a, born[a], last[a], b, born[b])
			}
		}
	}
	all, slots := 0, 0
	for _, t := range p.tensors {
		all += t.Len()
	}
	for _, per := range prog.slotPer {
		slots += per
	}
	t.Logf("%d steps from %d ops; %d slots, %.1f MiB per image vs %.1f MiB of activations in the training plan",
		len(prog.steps), len(p.ops), len(prog.slotPer), float64(slots)*4/(1<<20), float64(all)*4/(1<<20))
	if slots*4 > all {
		t.Errorf("slots hold %d floats per image, more than a quarter of the plan's %d", slots, all)
	}
	if len(prog.steps)*3 > len(p.ops)*2 {
		t.Errorf("%d steps from %d ops: too little was fused", len(prog.steps), len(p.ops))
	}
}

// TestInferFoldCost measures what folding the batch norms costs on B2 (all
// of them, single-threaded), and what the check that finds them current
// costs on the next Predict, and fails if either takes more than 500 ms of
// the test thread's CPU time (a batch of 16 takes about a second; CPU time,
// not wall time, so that load from other processes cannot fail it). It also checks that the check refolds
// nothing when nothing changed, and exactly the step whose parameter
// changed when one value of one did.
func TestInferFoldCost(t *testing.T) {
	n, _, prog := b2Program(t, 1)
	e := n.exec(false)
	c := &inferCache{folds: map[*Param]*folded{}}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	foldAll := func() (time.Duration, int, int) {
		weights, fresh := 0, 0
		start := threadCPU()
		for _, s := range prog.steps {
			switch {
			case s.conv != nil:
				s.conv.fold(e, c)
				if s.conv.bn != nil {
					weights += len(s.conv.w)
				}
				if s.conv.fresh {
					fresh++
				}
				s.conv.ran()
			case s.dw != nil:
				s.dw.fold(e, c)
				weights += len(s.dw.w)
				if s.dw.fresh {
					fresh++
				}
				s.dw.ran()
			}
		}
		return threadCPU() - start, weights, fresh
	}
	d, weights, fresh := foldAll()
	t.Logf("folding %d weights (%d steps) took %v", weights, fresh, d)
	if weights < 1e6 {
		t.Errorf("only %d weights folded", weights)
	}
	d2, _, fresh2 := foldAll()
	t.Logf("finding them current took %v", d2)
	if fresh2 != 0 {
		t.Errorf("%d steps were refolded with no parameter changed", fresh2)
	}
	if d > 500*time.Millisecond || d2 > 500*time.Millisecond {
		t.Errorf("folding took %v, checking %v", d, d2)
	}
	v := n.Param("block4a_expand_bn/moving_variance:0")
	v.Data[len(v.Data)-1] *= 2
	if _, _, fresh3 := foldAll(); fresh3 != 1 {
		t.Errorf("after one value of one batch norm changed, %d steps were refolded, want 1", fresh3)
	}
}

// BenchmarkInfer times Predict on B2 + 4 Gram (256x256) through the
// inference path and through the training graph in inference mode, in the
// same run, and logs both, their ratio and the inference path's time per
// kind of step (run with -v). Environment: CURATE_BACKEND (default: the
// fastest built), CURATE_BATCH (16), CURATE_THREADS (0 = all CPUs).
func BenchmarkInfer(b *testing.B) {
	n, bs := benchNet(b, 16)
	ib, ok := n.be.(inferBackend)
	if !ok {
		b.Fatalf("backend %s has no inference path", n.Backend())
	}
	batch := randomBatch(rand.New(rand.NewPCG(1, 1)), bs, 256, 2)
	probs := make([]float32, bs*2)
	if err := n.Predict(batch, probs); err != nil {
		b.Fatal(err)
	}
	if err := n.predictGraph(batch, probs); err != nil {
		b.Fatal(err)
	}
	prog, _ := n.inferProgFor(bs, 256)
	e := n.exec(false)
	r := &n.infer.run
	kinds := map[string]time.Duration{}
	var tInfer, tGraph time.Duration
	var each []time.Duration   // every inference pass: the spread shows first-call costs, wake-ups, GC
	var tPredict time.Duration // Predict itself: on an inferImager backend, image by image
	var cInfer, cGraph float64 // process CPU seconds: steadier than wall time on a shared machine
	b.ResetTimer()
	for range b.N {
		s, c := time.Now(), cpuSeconds()
		if err := n.predictGraph(batch, probs); err != nil {
			b.Fatal(err)
		}
		tGraph += time.Since(s)
		cGraph += cpuSeconds() - c
		s, c = time.Now(), cpuSeconds()
		timeInferSteps(e, ib, n.infer, r, prog, kinds)
		tInfer += time.Since(s)
		cInfer += cpuSeconds() - c
		s = time.Now()
		if err := n.Predict(batch, probs); err != nil {
			b.Fatal(err)
		}
		tPredict += time.Since(s)
		each = append(each, time.Since(s))
	}
	// Image by image: one lane's steps timed over the batch's images (the
	// other lanes idle), divided by the thread count: each kind's share of
	// a Predict that keeps every thread busy.
	laneKinds := map[string]time.Duration{}
	if _, ok := ib.(inferImager); ok {
		lanes, err := n.inferLanes(256, 1, 1)
		if err != nil {
			b.Fatal(err)
		}
		l, per := lanes[0], 256*256*3
		for range b.N {
			for img := range bs {
				copy(l.prog.plan.input.Data, batch.Images[img*per:(img+1)*per])
				timeInferSteps(l.e, ib, nil, &l.run, l.prog, laneKinds)
			}
		}
		for k := range laneKinds {
			laneKinds[k] /= time.Duration(n.threads)
		}
	}
	var ks []string
	for k := range kinds {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return kinds[ks[i]] > kinds[ks[j]] })
	per := func(d time.Duration) float64 { return d.Seconds() * 1000 / float64(b.N) }
	for _, k := range ks {
		if len(laneKinds) > 0 {
			b.Logf("%-24s %7.1f ms   image by image %7.1f ms", k, per(kinds[k]), per(laneKinds[k]))
		} else {
			b.Logf("%-24s %7.1f ms", k, per(kinds[k]))
		}
	}
	b.Logf("backend %s, batch %d, %d threads: inference path %.2f images/s (%.0f ms), training graph %.2f images/s (%.0f ms): %.2fx",
		n.Backend(), bs, n.threads, float64(bs)/(per(tInfer)/1000), per(tInfer), float64(bs)/(per(tGraph)/1000), per(tGraph), tGraph.Seconds()/tInfer.Seconds())
	b.Logf("CPU seconds per batch: inference path %.3f, training graph %.3f: %.2fx", cInfer/float64(b.N), cGraph/float64(b.N), cGraph/cInfer)
	ms := make([]string, len(each))
	for i, d := range each {
		ms[i] = fmt.Sprintf("%.0f", d.Seconds()*1000)
	}
	sorted := slices.Clone(each)
	slices.Sort(sorted)
	b.Logf("Predict %.2f images/s (%.0f ms); training graph / Predict %.2fx", float64(bs)/(per(tPredict)/1000), per(tPredict), tGraph.Seconds()/tPredict.Seconds())
	b.Logf("Predict passes (ms, in order): %s; min %.0f, median %.0f, max %.0f", strings.Join(ms, " "),
		sorted[0].Seconds()*1000, sorted[len(sorted)/2].Seconds()*1000, sorted[len(sorted)-1].Seconds()*1000)
}

// timeInferSteps runs an inference program's steps once, adding each
// step's time to its kind in kinds (folding under "fold"; none when c is
// nil: the steps were folded already).
func timeInferSteps(e *exec, ib inferBackend, c *inferCache, r *inferRun, prog *inferProg, kinds map[string]time.Duration) {
	for i := range prog.steps {
		st := &prog.steps[i]
		s0 := time.Now()
		var k string
		switch {
		case st.conv != nil:
			if c != nil {
				st.conv.fold(e, c)
			}
			kinds["fold"] += time.Since(s0)
			s0 = time.Now()
			ib.inferConv(e, r, st.conv)
			st.conv.ran()
			k = fmt.Sprintf("conv%dx%d_s%d_in%d", st.conv.conv.k, st.conv.conv.k, st.conv.conv.stride, st.conv.x.H)
			switch {
			case st.conv.y.H == 1 && st.conv.y.W == 1:
				k = fmt.Sprintf("dense_1x1map_in%d", st.conv.x.C)
			case st.conv.conv.direct() && st.conv.scale != nil:
				k = "conv1x1_se"
			case st.conv.conv.direct():
				k = "conv1x1"
			}
		case st.dw != nil:
			if c != nil {
				st.dw.fold(e, c)
			}
			kinds["fold"] += time.Since(s0)
			s0 = time.Now()
			ib.inferDW(e, r, st.dw)
			st.dw.ran()
			k = fmt.Sprintf("dwconv%dx%d_s%d", st.dw.dw.k, st.dw.dw.k, st.dw.dw.stride)
		default:
			st.op.forward(e)
			k = fmt.Sprintf("%T", st.op)
		}
		kinds[k] += time.Since(s0)
	}
}
