package model

import "math"

// actOp applies an activation on its own (the SE and head layers; the
// backbone's activations are fused into bnOp).
type actOp struct {
	x, y *Tensor
	act  actKind
}

func newActOp(x *Tensor, act actKind) *actOp {
	y := newTensor(x.N, x.H, x.W, x.C, true)
	y.flat = x.flat
	return &actOp{x: x, y: y, act: act}
}

func (o *actOp) io() ([]*Tensor, *Tensor) { return []*Tensor{o.x}, o.y }

func (o *actOp) forward(e *exec) {
	x, y := o.x.Data, o.y.Data
	e.run(len(x), 4096, func(lo, hi int) {
		switch o.act {
		case actSwish:
			for i, v := range x[lo:hi] {
				y[lo+i] = v / (1 + expf(-v))
			}
		case actSigmoid:
			for i, v := range x[lo:hi] {
				y[lo+i] = 1 / (1 + expf(-v))
			}
		case actLeaky:
			for i, v := range x[lo:hi] {
				if v < 0 {
					v *= leakySlope
				}
				y[lo+i] = v
			}
		default:
			copy(y[lo:hi], x[lo:hi])
		}
	})
}

func (o *actOp) backward(e *exec) {
	dy := o.y.gradOut()
	dx, acc := o.x.gradIn()
	if dx == nil {
		return
	}
	x, y := o.x.Data, o.y.Data
	e.run(len(x), 4096, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			var g float32
			switch o.act {
			case actSwish:
				s := 1 / (1 + expf(-x[i]))
				g = dy[i] * s * (1 + x[i]*(1-s))
			case actSigmoid:
				g = dy[i] * y[i] * (1 - y[i])
			case actLeaky:
				g = dy[i]
				if x[i] < 0 {
					g *= leakySlope
				}
			default:
				g = dy[i]
			}
			if acc {
				dx[i] += g
			} else {
				dx[i] = g
			}
		}
	})
}

// gapOp is global average pooling: (N,H,W,C) -> (N,C).
type gapOp struct{ x, y *Tensor }

func newGAPOp(x *Tensor) *gapOp {
	y := newTensor(x.N, 1, 1, x.C, true)
	y.flat = true
	return &gapOp{x: x, y: y}
}

func (o *gapOp) io() ([]*Tensor, *Tensor) { return []*Tensor{o.x}, o.y }

func (o *gapOp) forward(e *exec) {
	x := o.x
	C, P := x.C, x.H*x.W
	e.run(x.N, 1, func(lo, hi int) {
		for n := lo; n < hi; n++ {
			out := o.y.Data[n*C : (n+1)*C]
			clear(out)
			kRowSum(x.Data[n*P*C:(n+1)*P*C], out, P, C)
			inv := 1 / float32(P)
			for c := range out {
				out[c] *= inv
			}
		}
	})
}

func (o *gapOp) backward(e *exec) {
	x := o.x
	C, P := x.C, x.H*x.W
	dy := o.y.gradOut()
	dx, acc := x.gradIn()
	if dx == nil {
		return
	}
	inv := 1 / float32(P)
	for i := range dy {
		dy[i] *= inv // the output gradient is not read again
	}
	e.run(x.N, 1, func(lo, hi int) {
		for n := lo; n < hi; n++ {
			kRowBcast(dy[n*C:(n+1)*C], dx[n*P*C:(n+1)*P*C], P, C, acc)
		}
	})
}

// scaleOp multiplies every position of x by a per-image, per-channel factor
// s (N,C): squeeze-and-excitation's excite step.
type scaleOp struct{ x, s, y *Tensor }

func newScaleOp(x, s *Tensor) *scaleOp {
	return &scaleOp{x: x, s: s, y: newTensor(x.N, x.H, x.W, x.C, true)}
}

func (o *scaleOp) io() ([]*Tensor, *Tensor) { return []*Tensor{o.x, o.s}, o.y }

func (o *scaleOp) forward(e *exec) {
	x := o.x
	C, P := x.C, x.H*x.W
	e.run(x.N, 1, func(lo, hi int) {
		for n := lo; n < hi; n++ {
			kRowMul(x.Data[n*P*C:(n+1)*P*C], o.s.Data[n*C:(n+1)*C], o.y.Data[n*P*C:(n+1)*P*C], P, C, false)
		}
	})
}

func (o *scaleOp) backward(e *exec) {
	x := o.x
	C, P := x.C, x.H*x.W
	dy := o.y.gradOut()
	ds, accS := o.s.gradIn()
	dx, acc := x.gradIn()
	e.run(x.N, 1, func(lo, hi int) {
		for n := lo; n < hi; n++ {
			img := dy[n*P*C : (n+1)*P*C]
			if ds != nil {
				out := ds[n*C : (n+1)*C]
				if !accS {
					clear(out)
				}
				kRowDot(x.Data[n*P*C:(n+1)*P*C], img, out, P, C)
			}
			if dx != nil {
				kRowMul(img, o.s.Data[n*C:(n+1)*C], dx[n*P*C:(n+1)*P*C], P, C, acc)
			}
		}
	})
}

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

func (o *addOp) forward(e *exec) {
	for n := range o.mask {
		o.mask[n] = 1
		if e.train && o.rate > 0 {
			o.mask[n] = 0
			if uniform01(mix64(e.stepSeed^o.seed+uint64(n))) >= o.rate {
				o.mask[n] = 1 / (1 - o.rate)
			}
		}
	}
	per := o.a.Len() / o.a.N
	a, b, y := o.a.Data, o.b.Data, o.y.Data
	e.run(o.a.N, 1, func(lo, hi int) {
		for n := lo; n < hi; n++ {
			kAxpy3(y[n*per:(n+1)*per], a[n*per:(n+1)*per], b[n*per:(n+1)*per], o.mask[n])
		}
	})
}

func (o *addOp) backward(e *exec) {
	dy := o.y.gradOut()
	per := o.a.Len() / o.a.N
	da, accA := o.a.gradIn()
	db, accB := o.b.gradIn()
	e.run(o.a.N, 1, func(lo, hi int) {
		for n := lo; n < hi; n++ {
			g := dy[n*per : (n+1)*per]
			if da != nil {
				kScaleTo(da[n*per:(n+1)*per], g, 1, accA)
			}
			if db != nil {
				kScaleTo(db[n*per:(n+1)*per], g, o.mask[n], accB)
			}
		}
	})
}

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

func (o *dropoutOp) forward(e *exec) {
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
		o.y.Data[i] = o.x.Data[i] * o.mask[i]
	}
}

func (o *dropoutOp) backward(e *exec) {
	dy := o.y.gradOut()
	dx, acc := o.x.gradIn()
	if dx == nil {
		return
	}
	for i, g := range dy {
		if acc {
			dx[i] += g * o.mask[i]
		} else {
			dx[i] = g * o.mask[i]
		}
	}
}

// mulOp is the element-wise product of two same-shaped tensors.
type mulOp struct{ a, b, y *Tensor }

func newMulOp(a, b *Tensor) *mulOp {
	y := newTensor(a.N, a.H, a.W, a.C, true)
	y.flat = a.flat
	return &mulOp{a: a, b: b, y: y}
}

func (o *mulOp) io() ([]*Tensor, *Tensor) { return []*Tensor{o.a, o.b}, o.y }

func (o *mulOp) forward(e *exec) {
	for i, v := range o.a.Data {
		o.y.Data[i] = v * o.b.Data[i]
	}
}

func (o *mulOp) backward(e *exec) {
	dy := o.y.gradOut()
	for _, p := range [][2]*Tensor{{o.a, o.b}, {o.b, o.a}} {
		dx, acc := p[0].gradIn()
		if dx == nil {
			continue
		}
		other := p[1].Data
		for i, g := range dy {
			if acc {
				dx[i] += g * other[i]
			} else {
				dx[i] = g * other[i]
			}
		}
	}
}

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

func (o *concatOp) forward(e *exec) {
	rows, C := o.y.N*o.y.H*o.y.W, o.y.C
	off := 0
	for _, x := range o.xs {
		for r := 0; r < rows; r++ {
			copy(o.y.Data[r*C+off:r*C+off+x.C], x.Data[r*x.C:(r+1)*x.C])
		}
		off += x.C
	}
}

func (o *concatOp) backward(e *exec) {
	dy := o.y.gradOut()
	rows, C := o.y.N*o.y.H*o.y.W, o.y.C
	off := 0
	for _, x := range o.xs {
		dx, acc := x.gradIn()
		for r := 0; dx != nil && r < rows; r++ {
			src := dy[r*C+off : r*C+off+x.C]
			dst := dx[r*x.C : (r+1)*x.C]
			for c, v := range src {
				if acc {
					dst[c] += v
				} else {
					dst[c] = v
				}
			}
		}
		off += x.C
	}
}

// gramOp is the Gram matrix of each image's feature map, G = Fᵀ F / (H*W)
// over the H*W positions (C x C), flattened row-major to C*C values.
type gramOp struct{ x, y *Tensor }

func newGramOp(x *Tensor) *gramOp {
	y := newTensor(x.N, 1, 1, x.C*x.C, true)
	y.flat = true
	return &gramOp{x: x, y: y}
}

func (o *gramOp) io() ([]*Tensor, *Tensor) { return []*Tensor{o.x}, o.y }

func (o *gramOp) forward(e *exec) {
	x := o.x
	C, P := x.C, x.H*x.W
	e.run(x.N, 1, func(lo, hi int) {
		for n := lo; n < hi; n++ {
			f := x.Data[n*P*C : (n+1)*P*C]
			gemm(true, false, C, C, P, 1/float32(P), f, C, f, C, 0, o.y.Data[n*C*C:(n+1)*C*C], C)
		}
	})
}

func (o *gramOp) backward(e *exec) {
	x := o.x
	C, P := x.C, x.H*x.W
	dy := o.y.gradOut()
	dx, acc := x.gradIn()
	if dx == nil {
		return
	}
	syms, _ := e.scratch(x.N*C*C, 0)
	beta := float32(0)
	if acc {
		beta = 1
	}
	e.run(x.N, 1, func(lo, hi int) {
		for n := lo; n < hi; n++ {
			g := dy[n*C*C : (n+1)*C*C]
			sym := syms[n*C*C : (n+1)*C*C]
			for i := 0; i < C; i++ {
				for j := 0; j < C; j++ {
					sym[i*C+j] = g[i*C+j] + g[j*C+i]
				}
			}
			f := x.Data[n*P*C : (n+1)*P*C]
			gemm(false, false, P, C, C, 1/float32(P), f, C, sym, C, beta, dx[n*P*C:(n+1)*P*C], C)
		}
	})
}

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

func (o *preprocOp) forward(e *exec) {
	x, y := o.x.Data, o.y.Data
	e.run(len(x)/3, 4096, func(lo, hi int) {
		for i := lo * 3; i < hi*3; i += 3 {
			y[i] = x[i]*o.scale[0] + o.shift[0]
			y[i+1] = x[i+1]*o.scale[1] + o.shift[1]
			y[i+2] = x[i+2]*o.scale[2] + o.shift[2]
		}
	})
}

func (o *preprocOp) backward(e *exec) {
	dy := o.y.gradOut()
	dx, acc := o.x.gradIn()
	if dx == nil {
		return
	}
	for i, g := range dy {
		g *= o.scale[i%3]
		if acc {
			dx[i] += g
		} else {
			dx[i] = g
		}
	}
}

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

func (o *softmaxCE) forward(e *exec) {
	K := o.x.C
	o.loss = 0
	for n := 0; n < o.x.N; n++ {
		z := o.x.Data[n*K : (n+1)*K]
		p := o.probs[n*K : (n+1)*K]
		mx := z[0]
		for _, v := range z {
			mx = max(mx, v)
		}
		var s float64
		for k, v := range z {
			q := math.Exp(float64(v - mx))
			p[k] = float32(q)
			s += q
		}
		for k := range p {
			p[k] = float32(float64(p[k]) / s)
		}
		if l := o.labels[n]; l >= 0 && l < K {
			o.loss -= float64(z[l]-mx) - math.Log(s)
		}
	}
	o.loss /= float64(o.x.N)
}

func (o *softmaxCE) backward(e *exec) {
	K := o.x.C
	dx, acc := o.x.gradIn()
	if dx == nil {
		return
	}
	inv := 1 / float32(o.x.N)
	for n := 0; n < o.x.N; n++ {
		for k := 0; k < K; k++ {
			g := o.probs[n*K+k]
			if k == o.labels[n] {
				g--
			}
			g *= inv
			if acc {
				dx[n*K+k] += g
			} else {
				dx[n*K+k] = g
			}
		}
	}
}
