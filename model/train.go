package model

import (
	"fmt"
	"math"
)

// Adagrad is Keras's Adagrad: every trainable weight keeps an accumulator
// that starts at InitialAccumulator;
//
//	acc += g²;  w -= LR * g / (sqrt(acc) + Epsilon)
type Adagrad struct {
	LR                 float32
	InitialAccumulator float32
	Epsilon            float32
}

// DefaultAdagrad is the paper's setting (lr 0.002 for one accelerator) with
// Keras's defaults (initial accumulator 0.1, epsilon 1e-7).
func DefaultAdagrad() Adagrad { return Adagrad{LR: 0.002, InitialAccumulator: 0.1, Epsilon: 1e-7} }

func (a Adagrad) update(pl *pool, params []*Param) { a.apply(pl, params, adagradGo) }

// apply runs kernel (adagradGo, the definition, or a vector copy with the
// same bits) over every trainable parameter in blocks of 8192 values
// shared out across the pool; each value is updated on its own, so the
// result does not depend on the thread count.
func (a Adagrad) apply(pl *pool, params []*Param, kernel func(w, g, acc []float32, lr, eps float32)) {
	for _, p := range params {
		if !p.Trainable {
			continue
		}
		if p.accum == nil {
			p.accum = make([]float32, p.Len())
			for i := range p.accum {
				p.accum[i] = a.InitialAccumulator
			}
		}
		w, g, acc := p.Data, p.Grad, p.accum
		pl.run(len(w), 8192, func(lo, hi int) { kernel(w[lo:hi], g[lo:hi], acc[lo:hi], a.LR, a.Epsilon) })
	}
}

// adagradGo is one Adagrad update of w from its gradient g and
// accumulator acc: acc += g²; w -= lr * g / (sqrt(acc) + eps).
func adagradGo(w, g, acc []float32, lr, eps float32) {
	g, acc = g[:len(w)], acc[:len(w)]
	for i := range w {
		acc[i] += g[i] * g[i]
		w[i] -= lr * g[i] / (float32(math.Sqrt(float64(acc[i]))) + eps)
	}
}

// Batch is a batch of square RGB images in NHWC order with values 0..255
// (the model scales them itself) and their class labels.
type Batch struct {
	Images []float32 // N*Size*Size*3
	Labels []int     // N class ids; may be nil for Predict
	N      int
	Size   int
}

func (n *Net) load(b Batch) (*plan, error) {
	if err := checkBatch(b); err != nil {
		return nil, err
	}
	if b.Labels != nil && len(b.Labels) != b.N {
		return nil, fmt.Errorf("model: batch has %d labels for %d images", len(b.Labels), b.N)
	}
	p, err := n.planFor(b.N, b.Size)
	if err != nil {
		return nil, err
	}
	p.alloc()
	copy(p.input.Data, b.Images)
	for i := range p.ce.labels {
		p.ce.labels[i] = -1
		if b.Labels != nil {
			l := b.Labels[i]
			if l < 0 || l >= n.cfg.Classes {
				return nil, fmt.Errorf("model: label %d of image %d outside 0..%d", l, i, n.cfg.Classes-1)
			}
			p.ce.labels[i] = l
		}
	}
	return p, nil
}

// exec returns the network's execution state set up for one pass; its
// scratch memory persists between steps.
func (n *Net) exec(train bool) *exec {
	if n.ex == nil {
		n.ex = &exec{pool: pool{threads: n.threads}, be: n.be}
	}
	n.ex.train = train
	n.ex.frozenOps = n.frozen.ops
	n.ex.stepSeed = mix64(n.cfg.Seed ^ mix64(n.step+1))
	return n.ex
}

// forward runs the plan; in training mode it uses batch statistics,
// dropout and stochastic depth, and moves the BN moving statistics.
func (p *plan) forward(e *exec) {
	train := e.train
	for i, o := range p.ops {
		e.train = train && i >= e.frozenOps // frozen layers run as in inference
		o.forward(e)
	}
	e.train = train
}

// backward fills every parameter gradient from the loss.
func (p *plan) backward(e *exec, params []*Param) {
	if !p.grads {
		p.allocGrads()
		p.grads = true
	}
	for _, t := range p.tensors {
		t.gradLive = false
	}
	for _, q := range params {
		if q.Grad != nil {
			clear(q.Grad)
		}
	}
	for i := len(p.ops) - 1; i >= e.frozenOps; i-- {
		p.ops[i].backward(e)
	}
}

// Step trains on one batch: a training-mode forward pass, the backward pass
// and an Adagrad update. It returns the batch's mean cross-entropy before
// the update. Steps are deterministic for a given seed, step sequence and
// thread count.
func (n *Net) Step(b Batch) (float32, error) {
	if b.Labels == nil {
		return 0, fmt.Errorf("model: training batch without labels")
	}
	loss, err := n.gradients(b)
	if err != nil {
		return 0, err
	}
	e := n.exec(true)
	e.be.adagrad(e, n.opt, n.params[n.frozen.params:])
	n.step++
	return loss, nil
}

// gradients runs forward and backward in training mode without updating.
func (n *Net) gradients(b Batch) (float32, error) {
	p, err := n.load(b)
	if err != nil {
		return 0, err
	}
	e := n.exec(true)
	p.forward(e)
	p.backward(e, n.params)
	return float32(p.ce.loss), nil
}

// Loss runs the forward pass only and returns the mean cross-entropy, in
// training mode (batch statistics, dropout; moving statistics move) or
// inference mode.
func (n *Net) Loss(b Batch, train bool) (float32, error) {
	p, err := n.load(b)
	if err != nil {
		return 0, err
	}
	e := n.exec(train)
	p.forward(e)
	return float32(p.ce.loss), nil
}

// Predict runs inference and writes the class probabilities of each image
// into probs (N*Classes values, image-major).
func (n *Net) Predict(b Batch, probs []float32) error {
	if len(probs) != b.N*n.cfg.Classes {
		return fmt.Errorf("model: probs holds %d values, want %d", len(probs), b.N*n.cfg.Classes)
	}
	b.Labels = nil
	if ib, ok := n.be.(inferBackend); ok {
		return n.predictInfer(ib, b, probs) // the fused inference path (infer.go)
	}
	return n.predictGraph(b, probs)
}

// predictGraph is Predict on the training graph in inference mode: the
// definition the inference path is tested against.
func (n *Net) predictGraph(b Batch, probs []float32) error {
	p, err := n.load(b)
	if err != nil {
		return err
	}
	e := n.exec(false)
	p.forward(e)
	copy(probs, p.ce.probs)
	return nil
}

// Steps is the number of training steps taken.
func (n *Net) Steps() uint64 { return n.step }

// ParamCount returns the total, trainable and non-trainable parameter counts.
func (n *Net) ParamCount() (total, trainable, nonTrainable int) {
	for _, p := range n.params {
		total += p.Len()
		if p.Trainable {
			trainable += p.Len()
		} else {
			nonTrainable += p.Len()
		}
	}
	return
}

// allocGrads gives every tensor that needs a gradient a buffer, sharing
// buffers between tensors whose gradients are never live at the same time.
// Walking the ops in backward order, a tensor's gradient comes alive at the
// backward pass of its last consumer and dies after its producer's; a dead
// tensor's buffer goes back to a free list and the next tensor of at most
// that size takes it (best fit). Peak gradient memory is then the largest
// set of simultaneously live gradients rather than one per activation.
func (p *plan) allocGrads() {
	producer := map[*Tensor]int{}
	last := map[*Tensor]int{}
	for i, o := range p.ops {
		ins, out := o.io()
		for _, t := range ins {
			last[t] = i
		}
		if out != nil {
			producer[out] = i
			if _, ok := last[out]; !ok {
				last[out] = i
			}
		}
	}
	born := make([][]*Tensor, len(p.ops))
	dies := make([][]*Tensor, len(p.ops))
	for _, t := range p.tensors {
		if !t.needGrad {
			continue
		}
		pi, ok := producer[t]
		if !ok {
			t.allocGrad()
			continue
		}
		born[last[t]] = append(born[last[t]], t)
		dies[pi] = append(dies[pi], t)
	}
	var free [][]float32
	for i := len(p.ops) - 1; i >= 0; i-- {
		for _, t := range born[i] {
			best := -1
			for j, b := range free {
				if cap(b) >= t.Len() && (best < 0 || cap(b) < cap(free[best])) {
					best = j
				}
			}
			if best >= 0 {
				t.Grad = free[best][:t.Len()]
				free = append(free[:best], free[best+1:]...)
			} else {
				t.Grad = make([]float32, t.Len())
			}
		}
		for _, t := range dies[i] {
			free = append(free, t.Grad[:cap(t.Grad)])
		}
	}
}
