package model

// actOp applies an activation on its own (the SE and head layers; the
// backbone's activations are fused into bnOp).
type actOp struct {
	opState
	x, y *Tensor
	act  actKind
}

func newActOp(x *Tensor, act actKind) *actOp {
	y := newTensor(x.N, x.H, x.W, x.C, true)
	y.flat = x.flat
	return &actOp{x: x, y: y, act: act}
}

func (o *actOp) io() ([]*Tensor, *Tensor) { return []*Tensor{o.x}, o.y }

func (o *actOp) forward(e *exec) { e.be.actForward(e, o) }

func (o *actOp) backward(e *exec) { e.be.actBackward(e, o) }

// gapOp is global average pooling: (N,H,W,C) -> (N,C).
type gapOp struct {
	opState
	x, y *Tensor
}

func newGAPOp(x *Tensor) *gapOp {
	y := newTensor(x.N, 1, 1, x.C, true)
	y.flat = true
	return &gapOp{x: x, y: y}
}

func (o *gapOp) io() ([]*Tensor, *Tensor) { return []*Tensor{o.x}, o.y }

func (o *gapOp) forward(e *exec) { e.be.gapForward(e, o) }

func (o *gapOp) backward(e *exec) { e.be.gapBackward(e, o) }

// scaleOp multiplies every position of x by a per-image, per-channel factor
// s (N,C): squeeze-and-excitation's excite step.
type scaleOp struct{ x, s, y *Tensor }

func newScaleOp(x, s *Tensor) *scaleOp {
	return &scaleOp{x: x, s: s, y: newTensor(x.N, x.H, x.W, x.C, true)}
}

func (o *scaleOp) io() ([]*Tensor, *Tensor) { return []*Tensor{o.x, o.s}, o.y }

func (o *scaleOp) forward(e *exec) { e.be.scaleForward(e, o) }

func (o *scaleOp) backward(e *exec) { e.be.scaleBackward(e, o) }

// addOp is y = a + mask*b... in its simplest form y = a + b. When rate > 0
// it is Keras's residual "drop" + "add": in training each image's branch b
// is kept with probability 1-rate and scaled by 1/(1-rate) (stochastic
// depth, noise shape (N,1,1,1)); in inference y = a + b.
type addOp struct {
	a, b, y *Tensor // y = a + m[n]*b
	rate    float32
	seed    uint64
	mask    []float32
}

func newAddOp(a, b *Tensor, rate float32, seed uint64) *addOp {
	y := newTensor(a.N, a.H, a.W, a.C, true)
	y.flat = a.flat
	return &addOp{a: a, b: b, y: y, rate: rate, seed: seed, mask: make([]float32, a.N)}
}

func (o *addOp) io() ([]*Tensor, *Tensor) { return []*Tensor{o.a, o.b}, o.y }

func (o *addOp) forward(e *exec) { e.be.addForward(e, o) }

func (o *addOp) backward(e *exec) { e.be.addBackward(e, o) }

// dropoutOp is element-wise inverted dropout: in training each element is
// kept with probability 1-rate and scaled by 1/(1-rate).
type dropoutOp struct {
	x, y *Tensor
	rate float32
	seed uint64
	mask []float32
}

func newDropoutOp(x *Tensor, rate float32, seed uint64) *dropoutOp {
	y := newTensor(x.N, x.H, x.W, x.C, true)
	y.flat = x.flat
	return &dropoutOp{x: x, y: y, rate: rate, seed: seed}
}

func (o *dropoutOp) io() ([]*Tensor, *Tensor) { return []*Tensor{o.x}, o.y }

func (o *dropoutOp) forward(e *exec) { e.be.dropoutForward(e, o) }

func (o *dropoutOp) backward(e *exec) { e.be.dropoutBackward(e, o) }

// mulOp is the element-wise product of two same-shaped tensors.
type mulOp struct{ a, b, y *Tensor }

func newMulOp(a, b *Tensor) *mulOp {
	y := newTensor(a.N, a.H, a.W, a.C, true)
	y.flat = a.flat
	return &mulOp{a: a, b: b, y: y}
}

func (o *mulOp) io() ([]*Tensor, *Tensor) { return []*Tensor{o.a, o.b}, o.y }

func (o *mulOp) forward(e *exec) { e.be.mulForward(e, o) }

func (o *mulOp) backward(e *exec) { e.be.mulBackward(e, o) }

// concatOp joins tensors along channels.
type concatOp struct {
	xs []*Tensor
	y  *Tensor
}

func newConcatOp(xs []*Tensor) *concatOp {
	c := 0
	for _, x := range xs {
		c += x.C
	}
	y := newTensor(xs[0].N, xs[0].H, xs[0].W, c, true)
	y.flat = xs[0].flat
	return &concatOp{xs: xs, y: y}
}

func (o *concatOp) io() ([]*Tensor, *Tensor) { return o.xs, o.y }

func (o *concatOp) forward(e *exec) { e.be.concatForward(e, o) }

func (o *concatOp) backward(e *exec) { e.be.concatBackward(e, o) }

// gramOp is the Gram matrix of each image's feature map, G = Fᵀ F / (H*W)
// over the H*W positions (C x C), flattened row-major to C*C values.
type gramOp struct{ x, y *Tensor }

func newGramOp(x *Tensor) *gramOp {
	y := newTensor(x.N, 1, 1, x.C*x.C, true)
	y.flat = true
	return &gramOp{x: x, y: y}
}

func (o *gramOp) io() ([]*Tensor, *Tensor) { return []*Tensor{o.x}, o.y }

func (o *gramOp) forward(e *exec) { e.be.gramForward(e, o) }

func (o *gramOp) backward(e *exec) { e.be.gramBackward(e, o) }

// preprocOp is the model's built-in input scaling, per channel
// y = x*scale[c] + shift[c]: for the B variants x/255 then ImageNet
// mean/std (Keras Rescaling + Normalization), for V2-S x/128 - 1.
type preprocOp struct {
	x, y         *Tensor
	scale, shift [3]float32
}

func newPreprocOp(x *Tensor, imagenet bool) *preprocOp {
	o := &preprocOp{x: x, y: newTensor(x.N, x.H, x.W, x.C, x.needGrad)}
	mean := [3]float64{0.485, 0.456, 0.406}
	std := [3]float64{0.229, 0.224, 0.225}
	for c := 0; c < 3; c++ {
		if imagenet {
			o.scale[c] = float32(1 / (255 * std[c]))
			o.shift[c] = float32(-mean[c] / std[c])
		} else {
			o.scale[c], o.shift[c] = 1.0/128, -1
		}
	}
	return o
}

func (o *preprocOp) io() ([]*Tensor, *Tensor) { return []*Tensor{o.x}, o.y }

func (o *preprocOp) forward(e *exec) { e.be.preprocForward(e, o) }

func (o *preprocOp) backward(e *exec) { e.be.preprocBackward(e, o) }

// softmaxCE is softmax followed by sparse categorical cross-entropy,
// averaged over the batch. It ends the graph: backward seeds the gradient.
type softmaxCE struct {
	x      *Tensor // logits (N, classes)
	labels []int
	probs  []float32
	loss   float64
}

func newSoftmaxCE(x *Tensor) *softmaxCE {
	return &softmaxCE{x: x, labels: make([]int, x.N), probs: make([]float32, x.Len())}
}

func (o *softmaxCE) io() ([]*Tensor, *Tensor) { return []*Tensor{o.x}, nil }

func (o *softmaxCE) forward(e *exec) { e.be.softmaxForward(e, o) }

func (o *softmaxCE) backward(e *exec) { e.be.softmaxBackward(e, o) }

// setMask draws the per-image stochastic-depth mask of this step (all ones
// in inference): image n keeps its branch with probability 1-rate, scaled
// by 1/(1-rate); the draw is a pure function of (step seed, op, n).
func (o *addOp) setMask(e *exec) {
	for n := range o.mask {
		o.mask[n] = 1
		if e.train && o.rate > 0 {
			o.mask[n] = 0
			if uniform01(mix64(e.stepSeed^o.seed+uint64(n))) >= o.rate {
				o.mask[n] = 1 / (1 - o.rate)
			}
		}
	}
}

// setMask draws the element-wise dropout mask of this step (all ones in
// inference), a pure function of (step seed, op, element).
func (o *dropoutOp) setMask(e *exec) {
	if len(o.mask) != o.x.Len() {
		o.mask = make([]float32, o.x.Len())
	}
	keep := 1 / (1 - o.rate)
	for i := range o.mask {
		o.mask[i] = 1
		if e.train {
			o.mask[i] = 0
			if uniform01(mix64(e.stepSeed^o.seed+uint64(i))) >= o.rate {
				o.mask[i] = keep
			}
		}
	}
}
