package model

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"
)

// This file is the inference-only execution path behind Net.Predict. A
// training plan keeps every activation (the backward pass needs them) and
// runs batch norm, activations, squeeze-and-excitation scaling and residual
// additions as separate passes over memory. Inference needs neither, so
// Predict runs a program compiled from the same graph in which:
//
//   - batch normalisation in inference mode (moving statistics) is folded
//     into the convolution or depthwise convolution before it:
//     w' = w*gamma/sqrt(var+eps), b' = beta - mean*gamma/sqrt(var+eps)
//     (plus the convolution's own bias times the same factor). The folded
//     weights are cached per step with a copy of the parameter values they
//     came from; every Predict compares the current parameters with that
//     copy bit for bit and folds again (and re-lays the kernel out for
//     oneDNN) only where they differ. So the trained parameters and their
//     gradients are never written, and a Step, a checkpoint load, a weight
//     import or a direct write of Param.Data is seen by the next Predict
//     with no bookkeeping from the writer (the comparison costs two reads
//     of the parameters per batch, against folding and re-laying out every
//     kernel: TestInferFoldCost measures both);
//   - the bias, the activation (swish, sigmoid, LeakyReLU or none) and a
//     residual addition are the convolution's epilogue, and a
//     squeeze-and-excitation scale feeding a 1x1 convolution becomes part of
//     that convolution (host backends scale its kernel per image,
//     (x*s)·w = x·(s*w); onednn scales the input into scratch);
//   - a backend may keep tensors that only its own fused convolutions
//     write and read in its own memory layout (inferLayouter: onednn runs
//     B2's fused stages in the blocked layout oneDNN prefers on the CPU,
//     nChw8c up to AVX2; on AVX-512 oneDNN's brgemm convolutions prefer
//     NHWC, so nothing runs blocked there), reordering only where they
//     meet NHWC;
//   - the Gram modules, which all read the same tap, share one Gram
//     matrix (inferProg.alias);
//   - activations live in a few slots reused by liveness (a tensor's slot
//     is free once its last reader ran), so peak memory is the largest set
//     of simultaneously live activations, not one buffer per activation;
//   - a backend may run the batch image by image (inferImager: onednn),
//     one lane per thread, each with the program of one image, so that a
//     step's output is still in the core's cache when the next step reads
//     it and no step waits for its slowest thread; a lane's dense layers
//     are then products of one row, which the host backends run as a
//     vector-matrix product (BLAS sgemv: its sgemm spends most of the
//     time packing the kernel, 3-4x slower there). From output stride 16
//     on (small maps, large kernels) a lane runs fixed groups of four
//     images at once, a partial group padded with zeros (inferLane).
//
// The program is backend-independent; the fused convolutions go through
// the optional inferBackend interface (every built backend implements it:
// ref and cpu in infer_host.go, onednn in infer_onednn.go), every other op
// is the backend's ordinary forward in inference mode. A backend without
// the interface gets the training graph in inference mode, the definition
// the inference path is tested against (TestInferMatchesGraph).
//
// Results are deterministic and, on the host backends, independent of the
// thread count; like the training graph's, an image's probabilities may
// differ in the last bits with the batch it is in (row blocks of 1x1
// convolutions are cut over the whole batch).

// inferBackend is the optional interface of a backend that runs the
// inference program's fused operations.
type inferBackend interface {
	Backend
	// inferConv computes f.y = act(conv(x, w') + b') (+ f.res), with w' and
	// b' already folded (f.w, f.b) and, when f.scale is set, x's channels
	// scaled per image by f.scale first.
	inferConv(e *exec, r *inferRun, f *fusedConv)
	// inferDW computes f.y = act(depthwise(x, w') + b').
	inferDW(e *exec, r *inferRun, f *fusedDW)
}

// inferImager is the optional interface of an inferBackend that runs a
// batch image by image: each of up to Config.Threads lanes runs the whole
// program of one image on its own thread, then the next image, instead of
// every step running the whole batch on every thread. Each step's input
// and output of one image are then still in that core's cache when the
// next step reads them, no step waits for the slowest thread, and an
// image's probabilities do not depend on its batch or the thread count.
type inferImager interface {
	inferPerImage() bool
	// inferShare readies step s of the first lane before the lanes run
	// (with its fold fresh): what every lane's copy of the step may
	// share, such as the kernel laid out once, is made there.
	inferShare(e *exec, s *inferStep)
}

// inferLayouter is the optional interface of an inferBackend that keeps
// some of a program's tensors in its own layout: inferLayout sets the
// fused convolutions' lay once per program, and only fused convolutions
// the backend runs itself may then read or write such a tensor.
type inferLayouter interface {
	inferLayout(p *inferProg)
}

// fusedLayout is the memory layout of a fused convolution's tensors and
// of the computation itself, in a backend's own numbering (0 is NHWC).
type fusedLayout struct{ src, dst, x, y, res int8 }

// fusedConv is a convolution (or dense layer) with what follows it folded
// in: y = act(conv(x ⊙ scale, w') + b') + res.
type fusedConv struct {
	opState
	conv  *convOp // geometry, kernel and bias parameters
	x     *Tensor // input (conv.x, or the unscaled input of a fused SE scale)
	bn    *bnOp   // the folded batch norm, or nil
	act   actKind
	scale *Tensor // (N, Cin) per-image input channel factors, or nil
	// scaleX: x has no reader after this step, so a backend may scale it
	// in place rather than into scratch.
	scaleX bool
	res    *Tensor // added after the activation, or nil
	y      *Tensor
	lay    fusedLayout // zero: NHWC everywhere; else set by an inferLayouter
	w, b   []float32   // folded kernel (k*k*Cin x Cout, Keras layout) and bias (Cout), or nil
	blk    []int       // row-block boundaries (host backends), fixed by the shape
	lead   *opState    // image by image: the first lane's state of this step (inferShare), else nil
	foldSeen
}

// foldSeen tracks, per fused step, which fold of its parameters the
// step's backend state (oneDNN's kernel in its own layout) was made from.
type foldSeen struct {
	seen  uint64 // the folded.gen the step last ran with
	gen   uint64 // the folded.gen of w and b now
	fresh bool   // w and b changed since the step last ran: re-lay the kernel out
}

// ran records that the step ran with its current w and b (its backend
// state holds them now), so it is fresh again only after a refold.
func (f *foldSeen) ran() { f.seen, f.fresh = f.gen, false }

// fusedDW is a depthwise convolution with the batch norm after it folded
// in and its activation fused: y = act(depthwise(x, w') + b').
type fusedDW struct {
	opState
	dw   *dwConvOp
	bn   *bnOp
	act  actKind
	y    *Tensor
	w, b []float32 // folded kernel (k*k*C) and bias (C)
	lead *opState  // image by image: the first lane's state of this step (inferShare), else nil
	foldSeen
}

// inferStep is one step of an inference program: a fused convolution, a
// fused depthwise convolution, or an op of the graph run as it is.
type inferStep struct {
	conv *fusedConv
	dw   *fusedDW
	op   op
	ins  []*Tensor
	out  *Tensor
}

// inferProg is the network compiled for inference at one (batch, size): its
// own copy of the graph's ops and tensors (never the training plan's), the
// fused steps, and the slot of every tensor a step reads or writes.
type inferProg struct {
	plan    *plan
	steps   []inferStep
	slot    map[*Tensor]int
	slotPer []int // per-image floats of each slot
	// alias: tensors no step writes that hold another's values (a Gram
	// matrix of the same tap), bound to that one's slot.
	alias map[*Tensor]*Tensor
}

// inferCache holds a network's inference programs and the memory they run
// in: per input size, the activation slots (sized for the largest batch
// seen; smaller batches use prefixes), and the buffers shared by every
// step (folded weights, per-thread scratch).
type inferCache struct {
	progs map[planKey]*inferProg
	lanes map[laneKey][]*inferLane // inferImager backends: per (size, threads per lane)
	last  *plan                    // the probabilities of the last image-by-image Predict (LastProbs)
	slots map[int][][]float32
	folds map[*Param]*folded // per fused step, by its kernel
	run   inferRun
}

// laneKey identifies a set of lanes: input size and the threads each
// lane's steps use.
type laneKey struct{ size, threads int }

// inferLane is one thread's program of one image (batch 1), with its own
// activation slots, scratch and exec: lanes share nothing but the folded
// weights (inferCache.folds), which they only read.
//
// From step split on (the stages of output stride inferGroupStride and
// more: B2's block4 onward), a lane runs a group of inferGroup images at
// once in grp, the program of that batch: there the maps are small and the
// kernels large, so a convolution of one image spends much of its time
// streaming its kernel and on per-call overhead, and four images share
// both. The group is fixed: a partial last group is padded with zeros, so
// an image's result is computed the same way whatever its batch and its
// place in it (TestInferGroups).
type inferLane struct {
	prog  *inferProg
	slots [][]float32
	run   inferRun
	e     *exec
	grp   *inferProg   // the program of inferGroup images, run from step split on; nil: image by image throughout
	split int          // the first step grp runs
	cross [][2]*Tensor // tensors of prog that steps from split on read, with grp's of the same place
	gslot [][]float32  // grp's activation slots (steps from split on only)
}

// inferGroup is the images a lane runs at once from its split on, and
// inferGroupStride the output stride from which it does: from block4 of
// B2 on (16x16 maps at 256x256). BenchmarkInferGroups (B2 + 4 Gram,
// 256x256, 2 threads, Zen 4 AVX-512, quiet window, 4 alternating rounds
// against the same network image by image throughout): batch 64 1.03x
// median (0.90-1.04), process CPU per image 39.5-43.0 against 41.9-44.2
// ms; batch 16 1.01x (0.97-1.06), within the noise. A small gain, but no
// loss, and the result of an image stays independent of its batch.
const (
	inferGroup       = 4
	inferGroupStride = 16
)

// inferRun is the scratch memory fused steps use within one call.
type inferRun struct {
	parts [][]float32 // per-part scratch (im2col rows, per-image scaled weights)
}

// reserve makes room for the scratch of n parts; call it before the parts
// run, so that each part's buf touches only its own entry.
func (r *inferRun) reserve(n int) {
	for len(r.parts) < n {
		r.parts = append(r.parts, nil)
	}
}

// buf returns part i's scratch of at least n floats.
func (r *inferRun) buf(i, n int) []float32 {
	if len(r.parts[i]) < n {
		r.parts[i] = make([]float32, n)
	}
	return r.parts[i][:n]
}

// parts runs fn over [0, n) cut into at most threads contiguous parts,
// passing the part index (for per-part scratch). The cut only decides who
// computes what; every element's arithmetic is fixed by the shape.
func (e *exec) parts(n int, fn func(part, lo, hi int)) {
	t := min(e.threads, n)
	if t <= 1 {
		if n > 0 {
			fn(0, 0, n)
		}
		return
	}
	var wg sync.WaitGroup
	for i := 1; i < t; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); fn(i, n*i/t, n*(i+1)/t) }()
	}
	fn(0, 0, n/t)
	wg.Wait()
}

// predictInfer is Predict on the inference program.
func (n *Net) predictInfer(ib inferBackend, b Batch, probs []float32) error {
	if err := checkBatch(b); err != nil {
		return err
	}
	if im, ok := ib.(inferImager); ok && im.inferPerImage() {
		return n.predictImages(ib, b, probs)
	}
	prog, err := n.inferProgFor(b.N, b.Size)
	if err != nil {
		return err
	}
	p := prog.plan
	copy(p.input.Data, b.Images)
	for i := range p.ce.labels {
		p.ce.labels[i] = -1
	}
	e := n.exec(false)
	e.frozenOps = 0
	r := &n.infer.run
	for i := range prog.steps {
		s := &prog.steps[i]
		switch {
		case s.conv != nil:
			s.conv.fold(e, n.infer)
			ib.inferConv(e, r, s.conv)
			s.conv.ran()
		case s.dw != nil:
			s.dw.fold(e, n.infer)
			ib.inferDW(e, r, s.dw)
			s.dw.ran()
		default:
			s.op.forward(e)
		}
	}
	copy(probs, p.ce.probs)
	n.cur = p // LastProbs reads the last forward pass's probabilities
	return nil
}

// predictImages is Predict image by image (in groups from the lanes'
// split on) on min(threads, groups) lanes; with fewer groups than
// threads, each lane's steps use threads/lanes threads.
func (n *Net) predictImages(ib inferBackend, b Batch, probs []float32) error {
	// A lane per group of inferGroup images at most (lanes take whole
	// groups); with fewer groups than threads, a lane's steps use more.
	T := max(1, min(n.threads, (b.N+inferGroup-1)/inferGroup))
	lanes, err := n.inferLanes(b.Size, T, max(1, n.threads/T))
	if err != nil {
		return err
	}
	// Fold once: the first lane compares the parameters (and refolds what
	// changed), the others (and the group programs) take the same folded
	// weights.
	e := n.exec(false)
	for l, ln := range lanes {
		ln.fold(e, n.infer, l == 0)
	}
	im := ib.(inferImager)
	for _, s := range lanes[0].steps() {
		im.inferShare(lanes[0].e, s)
	}
	per, classes := b.Size*b.Size*3, n.cfg.Classes
	// LastProbs (and tests) read the last forward pass's probabilities and logits.
	last := n.infer.last
	if last == nil || len(last.ce.probs) != len(probs) {
		last = &plan{allocated: true, ce: newSoftmaxCE(newTensor(b.N, 1, 1, classes, false))}
		last.ce.x.Data = make([]float32, len(probs))
		n.infer.last = last
	}
	logits := last.ce.x.Data
	// Lanes take the next image as they finish one, so a core that the
	// machine slows (another process, a busy neighbour) takes fewer: which
	// lane runs an image changes nothing in its result.
	var next atomic.Int64
	var wg sync.WaitGroup
	for l := 1; l < T; l++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lanes[l].images(ib, b.Images, probs, logits, &next, b.N, per, classes)
		}()
	}
	lanes[0].images(ib, b.Images, probs, logits, &next, b.N, per, classes)
	wg.Wait()
	copy(last.ce.probs, probs)
	n.cur = last
	return nil
}

// steps are the steps the lane runs: its program's before the split, its
// group program's from there on.
func (ln *inferLane) steps() []*inferStep {
	var ss []*inferStep
	for i := range ln.prog.steps {
		if ln.grp != nil && i >= ln.split {
			ss = append(ss, &ln.grp.steps[i])
		} else {
			ss = append(ss, &ln.prog.steps[i])
		}
	}
	return ss
}

// fold readies the folded weights of the lane's steps: compare compares
// the parameters with the last fold (and refolds what changed), else the
// steps adopt the fold another lane's compared.
func (ln *inferLane) fold(e *exec, c *inferCache, compare bool) {
	progs := []*inferProg{ln.prog}
	if ln.grp != nil {
		progs = append(progs, ln.grp)
	}
	for pi, prog := range progs {
		for i := range prog.steps {
			s := &prog.steps[i]
			switch {
			case s.conv != nil && compare && pi == 0:
				s.conv.fold(e, c)
			case s.conv != nil:
				s.conv.adopt(c.folds[s.conv.conv.w])
			case s.dw != nil && compare && pi == 0:
				s.dw.fold(e, c)
			case s.dw != nil:
				s.dw.adopt(c.folds[s.dw.dw.w])
			}
		}
	}
}

// images runs the lane's program on the next image of a batch of N (next
// counts the images taken; with a group program, the groups) until none
// is left, writing their probabilities and logits.
func (ln *inferLane) images(ib inferBackend, images, probs, logits []float32, next *atomic.Int64, N, per, classes int) {
	if ln.grp != nil {
		ln.groups(ib, images, probs, logits, next, N, per, classes)
		return
	}
	p := ln.prog.plan
	for {
		img := int(next.Add(1) - 1)
		if img >= N {
			return
		}
		copy(p.input.Data, images[img*per:(img+1)*per])
		p.ce.labels[0] = -1
		for i := range ln.prog.steps {
			ln.prog.steps[i].run(ib, ln.e, &ln.run)
		}
		copy(probs[img*classes:(img+1)*classes], p.ce.probs)
		copy(logits[img*classes:(img+1)*classes], p.ce.x.Data)
	}
}

// groups is images for a lane with a group program: each image of the
// next group runs the lane's steps before the split on its own, its
// tensors that later steps read are copied into its place in the group
// program's (zeros for the places past the batch's end), and the group
// program runs the rest on all inferGroup images at once.
func (ln *inferLane) groups(ib inferBackend, images, probs, logits []float32, next *atomic.Int64, N, per, classes int) {
	p, gp := ln.prog.plan, ln.grp.plan
	const G = inferGroup
	for {
		g0 := G * int(next.Add(1)-1)
		if g0 >= N {
			return
		}
		for j := 0; j < G; j++ {
			img := g0 + j
			if img >= N {
				for _, c := range ln.cross {
					clear(c[1].Data[j*c[0].Len() : (j+1)*c[0].Len()])
				}
				continue
			}
			copy(p.input.Data, images[img*per:(img+1)*per])
			for i := range ln.prog.steps[:ln.split] {
				ln.prog.steps[i].run(ib, ln.e, &ln.run)
			}
			for _, c := range ln.cross {
				copy(c[1].Data[j*c[0].Len():(j+1)*c[0].Len()], c[0].Data)
			}
		}
		for i := range gp.ce.labels {
			gp.ce.labels[i] = -1
		}
		for i := ln.split; i < len(ln.grp.steps); i++ {
			ln.grp.steps[i].run(ib, ln.e, &ln.run)
		}
		k := min(G, N-g0) * classes
		copy(probs[g0*classes:g0*classes+k], gp.ce.probs[:k])
		copy(logits[g0*classes:g0*classes+k], gp.ce.x.Data[:k])
	}
}

// run runs one step of a folded inference program: a fused convolution or
// depthwise convolution on the inference backend, anything else as the
// graph's forward op.
func (s *inferStep) run(ib inferBackend, e *exec, r *inferRun) {
	switch {
	case s.conv != nil:
		ib.inferConv(e, r, s.conv)
		s.conv.ran()
	case s.dw != nil:
		ib.inferDW(e, r, s.dw)
		s.dw.ran()
	default:
		s.op.forward(e)
	}
}

// inferLanes returns lanes lanes of input size whose steps use threads
// threads each, compiling the missing ones.
func (n *Net) inferLanes(size, lanes, threads int) ([]*inferLane, error) {
	if n.infer == nil {
		n.infer = &inferCache{progs: map[planKey]*inferProg{}, slots: map[int][][]float32{}, folds: map[*Param]*folded{}}
	}
	c := n.infer
	if c.lanes == nil {
		c.lanes = map[laneKey][]*inferLane{}
	}
	k := laneKey{size, threads}
	ls := c.lanes[k]
	for len(ls) < lanes {
		p, err := n.compile(1, size)
		if err != nil {
			return nil, err
		}
		prog := buildInfer(p)
		if l, ok := n.be.(inferLayouter); ok {
			l.inferLayout(prog)
		}
		ln := &inferLane{prog: prog, e: &exec{pool: pool{threads: threads}, be: n.be}}
		ln.slots = bindSlots(prog, 1)
		p.allocated = true
		if err := n.groupLane(ln, size); err != nil {
			return nil, err
		}
		ls = append(ls, ln)
		// Every lane's step reads the first lane's kernel (inferShare).
		leadSteps(prog, ls[0].prog)
		if ln.grp != nil {
			leadSteps(ln.grp, ls[0].grp)
		}
	}
	c.lanes[k] = ls
	return ls[:lanes], nil
}

// leadSteps points every fused step of prog at the same step of lead.
func leadSteps(prog, lead *inferProg) {
	for i := range prog.steps {
		if s, l := &prog.steps[i], &lead.steps[i]; s.conv != nil {
			s.conv.lead = &l.conv.opState
		} else if s.dw != nil {
			s.dw.lead = &l.dw.opState
		}
	}
}

// bindSlots allocates prog's slots for batch images and binds its tensors
// to them.
func bindSlots(prog *inferProg, batch int) [][]float32 {
	slots := make([][]float32, len(prog.slotPer))
	for s, per := range prog.slotPer {
		slots[s] = make([]float32, per*batch)
	}
	for t, s := range prog.slot {
		t.Data = slots[s][:t.Len()]
	}
	return slots
}

// groupSplit is the first step whose output has an output stride of
// inferGroupStride or more (len(steps) if none). Everything after it runs
// in groups, also the Gram modules, which read an earlier tap (their maps
// gain as the backbone's do).
func groupSplit(prog *inferProg) int {
	for i, s := range prog.steps {
		if o := s.out; o != nil && o.H*inferGroupStride <= prog.plan.size && o.H > 1 {
			return i
		}
	}
	return len(prog.steps)
}

// groupLane gives ln its group program: the program of inferGroup images,
// of which only the steps from ln's split on get slots. A lane of a
// program with no such steps, or whose group program would lay out a
// tensor otherwise than the lane's (a backend's choice by batch), stays
// image by image throughout.
func (n *Net) groupLane(ln *inferLane, size int) error {
	split := groupSplit(ln.prog)
	if split == len(ln.prog.steps) {
		return nil
	}
	p, err := n.compile(inferGroup, size)
	if err != nil {
		return err
	}
	grp := buildInfer(p)
	if l, ok := n.be.(inferLayouter); ok {
		l.inferLayout(grp)
	}
	if len(grp.steps) != len(ln.prog.steps) {
		return nil
	}
	made := map[*Tensor]bool{}
	for i := split; i < len(grp.steps); i++ {
		made[grp.steps[i].out] = true
	}
	var cross [][2]*Tensor
	var ins []*Tensor
	seen := map[*Tensor]bool{}
	for i := range grp.steps {
		s, s1 := &grp.steps[i], &ln.prog.steps[i]
		if s.conv != nil && (s1.conv == nil || s.conv.lay != s1.conv.lay) {
			return nil
		}
		if i < split {
			continue
		}
		for j, t := range s.ins {
			if !made[t] && !seen[t] {
				seen[t] = true
				cross = append(cross, [2]*Tensor{s1.ins[j], t})
				ins = append(ins, t)
			}
		}
	}
	grp.slot, grp.slotPer = assignSlots(ins, grp.steps[split:])
	for t, a := range grp.alias {
		if s, ok := grp.slot[a]; ok {
			grp.slot[t] = s
		}
	}
	ln.gslot = bindSlots(grp, inferGroup)
	p.allocated = true
	ln.grp, ln.split, ln.cross = grp, split, cross
	return nil
}

// checkBatch validates a batch's shape (Net.load and the inference path).
func checkBatch(b Batch) error {
	if b.N <= 0 || b.Size <= 0 {
		return fmt.Errorf("model: empty batch (%d images of %dx%d)", b.N, b.Size, b.Size)
	}
	if len(b.Images) != b.N*b.Size*b.Size*3 {
		return fmt.Errorf("model: batch holds %d values, want %d images x %dx%dx3 = %d",
			len(b.Images), b.N, b.Size, b.Size, b.N*b.Size*b.Size*3)
	}
	return nil
}

// inferProgFor returns the inference program for batch x size x size with
// its tensors bound to the size's slots.
func (n *Net) inferProgFor(batch, size int) (*inferProg, error) {
	if n.infer == nil {
		n.infer = &inferCache{progs: map[planKey]*inferProg{}, slots: map[int][][]float32{}, folds: map[*Param]*folded{}}
	}
	c := n.infer
	prog := c.progs[planKey{batch, size}]
	if prog == nil {
		p, err := n.compile(batch, size)
		if err != nil {
			return nil, err
		}
		prog = buildInfer(p)
		if l, ok := n.be.(inferLayouter); ok {
			l.inferLayout(prog)
		}
		c.progs[planKey{batch, size}] = prog
	}
	slots := c.slots[size]
	for len(slots) < len(prog.slotPer) {
		slots = append(slots, nil)
	}
	grew := false
	for s, per := range prog.slotPer {
		if len(slots[s]) < per*batch {
			// Every program of a size has the same slot layout (it is a
			// function of the graph), so the largest batch sizes them.
			if !grew {
				c.unbind(size) // let the old slots go before allocating
				grew = true
			}
			slots[s] = make([]float32, per*max(batch, c.maxBatch(size)))
		}
	}
	c.slots[size] = slots
	for t, s := range prog.slot {
		t.Data = slots[s][:t.Len()]
	}
	prog.plan.allocated = true
	return prog, nil
}

// inferMiB is the memory of the inference activation slots of size.
func (n *Net) inferMiB(size int) float64 {
	if n.infer == nil {
		return 0
	}
	f := 0
	for _, s := range n.infer.slots[size] {
		f += len(s)
	}
	for k, ls := range n.infer.lanes {
		if k.size == size {
			for _, l := range ls {
				for _, s := range append(slices.Clone(l.slots), l.gslot...) {
					f += len(s)
				}
			}
		}
	}
	return float64(f) * 4 / (1 << 20)
}

// unbind drops every program of size's references to its slots.
func (c *inferCache) unbind(size int) {
	for k, p := range c.progs {
		if k.size == size {
			for t := range p.slot {
				t.Data = nil
			}
		}
	}
}

// maxBatch is the largest batch of the cached programs of size.
func (c *inferCache) maxBatch(size int) int {
	m := 0
	for k := range c.progs {
		if k.size == size {
			m = max(m, k.batch)
		}
	}
	return m
}

// buildInfer fuses a compiled plan's ops into inference steps and assigns
// every tensor a step touches a slot by liveness.
func buildInfer(p *plan) *inferProg {
	readers := map[*Tensor]int{}
	for _, o := range p.ops {
		ins, _ := o.io()
		for _, t := range ins {
			readers[t]++
		}
	}
	only := func(t *Tensor) bool { return readers[t] == 1 }
	lastRead := map[*Tensor]int{}
	for i, o := range p.ops {
		ins, _ := o.io()
		for _, t := range ins {
			lastRead[t] = i
		}
	}
	ops := p.ops
	var steps []inferStep
	gramOf := map[*Tensor]*Tensor{} // a Gram matrix's input -> its output
	alias := map[*Tensor]*Tensor{}  // a repeated Gram matrix -> the first one
	for i := 0; i < len(ops); i++ {
		next := func() op {
			if i+1 < len(ops) {
				return ops[i+1]
			}
			return nil
		}
		switch o := ops[i].(type) {
		case *scaleOp:
			c, ok := next().(*convOp)
			if !ok || c.x != o.y || !c.direct() || !only(o.y) {
				break
			}
			si := i
			i++
			st := fuseConv(c, o, ops, &i, only)
			st.conv.scaleX = lastRead[o.x] == si && o.x != p.input && st.conv.res != o.x
			steps = append(steps, st)
			continue
		case *convOp:
			steps = append(steps, fuseConv(o, nil, ops, &i, only))
			continue
		case *dwConvOp:
			f := &fusedDW{dw: o, y: o.y}
			if bn, ok := next().(*bnOp); ok && bn.x == o.y && only(o.y) {
				f.bn, f.act, f.y = bn, bn.act, bn.y
				i++
			}
			steps = append(steps, inferStep{dw: f, ins: []*Tensor{o.x}, out: f.y})
			continue
		}
		if g, ok := ops[i].(*gramOp); ok {
			// The Gram modules all read the same tap: one Gram matrix
			// serves them all (its output stands for the others').
			if first := gramOf[g.x]; first != nil {
				alias[g.y] = first
				continue
			}
			gramOf[g.x] = g.y
		}
		ins, out := ops[i].io()
		steps = append(steps, inferStep{op: ops[i], ins: ins, out: out})
	}
	for i := range steps {
		for j, t := range steps[i].ins {
			if a := alias[t]; a != nil {
				steps[i].ins = slices.Clone(steps[i].ins) // an op's io may return its own slice
				steps[i].ins[j] = a
			}
		}
	}
	slot, per := assignSlots([]*Tensor{p.input}, steps)
	for t, a := range alias {
		slot[t] = slot[a]
	}
	return &inferProg{plan: p, steps: steps, slot: slot, slotPer: per, alias: alias}
}

// fuseConv folds into convolution c (ops[*i]) the batch norm or activation
// and the residual addition that follow it when c's output has no other
// reader, advancing *i past them. sc is a squeeze-and-excitation scale
// feeding c, or nil.
func fuseConv(c *convOp, sc *scaleOp, ops []op, i *int, only func(*Tensor) bool) inferStep {
	f := &fusedConv{conv: c, x: c.x, y: c.y}
	ins := []*Tensor{c.x}
	if sc != nil {
		f.x, f.scale = sc.x, sc.s
		ins = []*Tensor{sc.x, sc.s}
	}
	next := func() op {
		if *i+1 < len(ops) {
			return ops[*i+1]
		}
		return nil
	}
	switch o := next().(type) {
	case *bnOp:
		if o.x == f.y && only(f.y) {
			f.bn, f.act, f.y = o, o.act, o.y
			*i++
		}
	case *actOp:
		if o.x == f.y && only(f.y) {
			f.act, f.y = o.act, o.y
			*i++
		}
	}
	if a, ok := next().(*addOp); ok && only(f.y) && (a.a == f.y || a.b == f.y) {
		// In inference the residual add is y = a + b: the same sum either way round.
		f.res = a.a
		if a.a == f.y {
			f.res = a.b
		}
		f.y = a.y
		ins = append(ins, f.res)
		*i++
	}
	return inferStep{conv: f, ins: ins, out: f.y}
}

// assignSlots gives the inputs and every tensor the steps read or write a
// slot: walking
// the steps in order, a step's output takes the smallest free slot that
// fits it (best fit by per-image size, else a new slot), and a tensor's slot
// is freed after its last reader. Sizes are per image, so the layout is the
// same at every batch size.
func assignSlots(inputs []*Tensor, steps []inferStep) (map[*Tensor]int, []int) {
	last := map[*Tensor]int{}
	for i, s := range steps {
		for _, t := range s.ins {
			last[t] = i
		}
	}
	slot := map[*Tensor]int{}
	var size []int // per-image floats of each slot
	var free []int
	take := func(t *Tensor) {
		per := t.Len() / t.N
		best := -1
		for j, s := range free {
			if size[s] >= per && (best < 0 || size[s] < size[free[best]]) {
				best = j
			}
		}
		if best < 0 {
			// Grow the largest free slot rather than add one, if any is free.
			for j, s := range free {
				if best < 0 || size[s] > size[free[best]] {
					best = j
				}
			}
		}
		if best < 0 {
			slot[t] = len(size)
			size = append(size, per)
			return
		}
		s := free[best]
		free = append(free[:best], free[best+1:]...)
		size[s] = max(size[s], per)
		slot[t] = s
	}
	for _, t := range inputs {
		take(t)
	}
	for i, s := range steps {
		if s.out != nil {
			take(s.out)
		}
		for _, t := range s.ins {
			if last[t] == i {
				free = append(free, slot[t])
				last[t] = -1 // a tensor read twice by one step is freed once
			}
		}
		if s.out != nil {
			if _, read := last[s.out]; !read {
				free = append(free, slot[s.out])
			}
		}
	}
	return slot, size
}

// bnFold returns the per-channel factor and offset of a batch norm in
// inference mode, y = x*scale + shift, computed as bnOp.setMovingStats and
// setAffine do.
func bnFold(bn *bnOp, c int) (scale, shift float32) {
	inv := float32(1 / math.Sqrt(float64(bn.vari.Data[c])+float64(bn.eps)))
	scale = bn.gamma.Data[c] * inv
	return scale, bn.beta.Data[c] - bn.mean.Data[c]*scale
}

// folded is one fused step's folded kernel and bias and the parameter
// values they were folded from. Programs of every batch size share it
// (inferCache.folds, keyed by the kernel parameter), so each parameter is
// copied and folded once, not once per program.
type folded struct {
	from [][]float32 // the values of the step's parameters at the last fold
	w, b []float32   // the folded kernel and bias (nil without a batch norm: the parameters are used as they are)
	gen  uint64      // bumped at every refold; 0 before the first
}

// foldFor returns the cache entry of the step whose kernel is w.
func (c *inferCache) foldFor(w *Param) *folded {
	fd := c.folds[w]
	if fd == nil {
		fd = &folded{}
		c.folds[w] = fd
	}
	return fd
}

// current reports whether ps hold, bit for bit, the values fd was folded
// from, and when they do not, records them (so the caller must refold).
// Comparing costs two reads of the parameters; folding again and
// re-laying the kernel out for oneDNN cost more (TestInferFoldCost), and
// the comparison needs no bookkeeping from whoever writes Param.Data (a
// training step, a checkpoint load, a weight import, a test).
func (fd *folded) current(e *exec, ps []*Param) bool {
	same := fd.gen > 0 && len(fd.from) == len(ps)
	if same {
		for i, p := range ps {
			if !sameBits(e, fd.from[i], p.Data) {
				same = false
				break
			}
		}
	}
	if same {
		return true
	}
	// Copy into the buffers of the last fold: a refold after every
	// training step (validation) allocates nothing.
	if len(fd.from) != len(ps) {
		fd.from = make([][]float32, len(ps))
	}
	for i, p := range ps {
		fd.from[i] = append(fd.from[i][:0], p.Data...)
	}
	fd.gen++
	return false
}

// sameBits reports whether a and b hold the same float32 bit patterns,
// comparing blocks of large slices on the engine's threads.
func sameBits(e *exec, a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	bytesOf := func(x []float32) []byte {
		if len(x) == 0 {
			return nil
		}
		return unsafe.Slice((*byte)(unsafe.Pointer(&x[0])), 4*len(x))
	}
	const block = 1 << 16
	if len(a) <= block {
		return bytes.Equal(bytesOf(a), bytesOf(b))
	}
	var differ atomic.Bool
	e.run((len(a)+block-1)/block, 1, func(lo, hi int) {
		for i := lo; i < hi && !differ.Load(); i++ {
			j, k := i*block, min((i+1)*block, len(a))
			if !bytes.Equal(bytesOf(a[j:k]), bytesOf(b[j:k])) {
				differ.Store(true)
			}
		}
	})
	return !differ.Load()
}

// params are the parameters a fused convolution reads: kernel, bias and
// the folded batch norm's.
func (f *fusedConv) params() []*Param {
	ps := []*Param{f.conv.w}
	if f.conv.b != nil {
		ps = append(ps, f.conv.b)
	}
	if f.bn != nil {
		ps = append(ps, f.bn.gamma, f.bn.beta, f.bn.mean, f.bn.vari)
	}
	return ps
}

// fold sets f.w and f.b from the current parameters (the kernel and bias
// as they are without a batch norm, else the folded ones), folding again
// only when a parameter changed since the last fold, and sets f.fresh
// when they differ from what this step's backend state last saw.
func (f *fusedConv) fold(e *exec, c *inferCache) {
	o := f.conv
	fd := c.foldFor(o.w)
	if !fd.current(e, f.params()) && f.bn != nil {
		f.refold(e, fd)
	}
	f.adopt(fd)
}

// adopt sets f.w and f.b from fd, folded by another lane's step of the
// same kernel in this Predict, without comparing the parameters again.
func (f *fusedConv) adopt(fd *folded) {
	o := f.conv
	f.w, f.b = o.w.Data, nil
	if o.b != nil {
		f.b = o.b.Data
	}
	if f.bn != nil {
		f.w, f.b = fd.w, fd.b
	}
	f.gen = fd.gen
	f.fresh = fd.gen != f.seen
}

// adopt is fusedConv.adopt for a depthwise step.
func (f *fusedDW) adopt(fd *folded) {
	f.w, f.b = f.dw.w.Data, nil
	if f.bn != nil {
		f.w, f.b = fd.w, fd.b
	}
	f.gen = fd.gen
	f.fresh = fd.gen != f.seen
}

// refold computes fd's kernel and bias from the current parameters:
// w' = w*gamma/sqrt(var+eps) per output channel, b' = beta - mean*that
// (+ the convolution's bias times it).
func (f *fusedConv) refold(e *exec, fd *folded) {
	o := f.conv
	cout := f.conv.y.C
	fd.w = slices.Grow(fd.w[:0], len(o.w.Data))[:len(o.w.Data)]
	fd.b = slices.Grow(fd.b[:0], cout)[:cout]
	w, b := fd.w, fd.b
	for c := range b {
		s, sh := bnFold(f.bn, c)
		f.bn.scale[c] = s // the program's own bnOp: scratch, not a parameter
		if o.b != nil {
			sh += o.b.Data[c] * s
		}
		b[c] = sh
	}
	rows := len(w) / cout
	e.run(rows, 64, func(lo, hi int) {
		for k := lo; k < hi; k++ {
			src, dst := o.w.Data[k*cout:(k+1)*cout], w[k*cout:(k+1)*cout]
			for c, v := range src {
				dst[c] = v * f.bn.scale[c]
			}
		}
	})
}

// fold sets f.w and f.b: the depthwise kernel (k*k x C) times the batch
// norm's factor per channel and the batch norm's offset, folded again only
// when a parameter changed (as fusedConv.fold).
func (f *fusedDW) fold(e *exec, c *inferCache) {
	o := f.dw
	fd := c.foldFor(o.w)
	ps := []*Param{o.w}
	if f.bn != nil {
		ps = append(ps, f.bn.gamma, f.bn.beta, f.bn.mean, f.bn.vari)
	}
	if !fd.current(e, ps) && f.bn != nil {
		C := o.x.C
		fd.w = slices.Grow(fd.w[:0], len(o.w.Data))[:len(o.w.Data)]
		fd.b = slices.Grow(fd.b[:0], C)[:C]
		for c := 0; c < C; c++ {
			f.bn.scale[c], fd.b[c] = bnFold(f.bn, c)
		}
		for i, v := range o.w.Data {
			fd.w[i] = v * f.bn.scale[i%C]
		}
	}
	f.adopt(fd)
}
