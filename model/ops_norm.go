package model

import "math"

// actKind is an element-wise activation.
type actKind int

const (
	actNone actKind = iota
	actSwish
	actSigmoid
	actLeaky // LeakyReLU with slope 0.2
)

const leakySlope = 0.2

func (a actKind) String() string {
	return [...]string{"linear", "swish", "sigmoid", "leaky_relu"}[a]
}

// statChunks is the fixed number of row chunks batch-norm reductions are
// split into. It does not depend on the thread count, so sums come out
// bit-identical whatever the parallelism.
const statChunks = 32

// bnOp is batch normalisation over N*H*W per channel, fused with the
// activation that follows it in the network (swish or none). Training mode
// normalises with batch statistics (biased variance) and moves the moving
// statistics with Keras momentum: moving = m*moving + (1-m)*batch (the
// variance update uses the unbiased batch variance, as TF's fused batch norm
// does). Inference mode uses the moving statistics.
type bnOp struct {
	opState
	x, y                      *Tensor
	gamma, beta, mean, vari   *Param
	act                       actKind
	eps, momentum             float32
	bmean, binv, scale, shift []float32
	coefB, coefC              []float32 // backward coefficients
	partial                   []float64 // (chunks+1) x 2C reduction partials, [0, 2C) the total
	// fusedChunks, when not 0, says that partial holds this step's sums
	// and sums of squares of x in that many chunks (chunk i's at
	// (i+1)*2C): the convolution that wrote x added them up chunk by chunk
	// while each chunk's output was still in cache (dnnlBackend.forward),
	// and the statistics pass reads them instead of x. Set by the
	// producer, cleared when used.
	fusedChunks int
}

func newBNOp(x *Tensor, act actKind, gamma, beta, mean, vari *Param) *bnOp {
	C := x.C
	return &bnOp{x: x, y: newTensor(x.N, x.H, x.W, C, true), gamma: gamma, beta: beta, mean: mean, vari: vari,
		act: act, eps: 1e-3, momentum: 0.9,
		bmean: make([]float32, C), binv: make([]float32, C), scale: make([]float32, C), shift: make([]float32, C),
		coefB: make([]float32, C), coefC: make([]float32, C)}
}

// chunkSums runs fn over statChunks row chunks in parallel, each filling its
// own 2C partial, and returns the partials summed in chunk order.
func (o *bnOp) chunkSums(e *exec, rows, C int, fn func(r0, r1 int, s []float64)) []float64 {
	nc := min(statChunks, rows)
	part := o.statParts(nc)
	e.run(nc, 1, func(lo, hi int) {
		for ch := lo; ch < hi; ch++ {
			fn(rows*ch/nc, rows*(ch+1)/nc, part[(ch+1)*2*C:(ch+2)*2*C])
		}
	})
	return o.sumParts(nc)
}

// statParts returns the cleared partials of nc chunks: chunk i's 2C sums
// at [(i+1)*2C, (i+2)*2C), the total's place at [0, 2C).
func (o *bnOp) statParts(nc int) []float64 {
	C := o.x.C
	if len(o.partial) < (nc+1)*2*C {
		o.partial = make([]float64, (max(nc, statChunks)+1)*2*C)
	}
	part := o.partial[:(nc+1)*2*C]
	clear(part)
	return part
}

// sumParts adds the nc partials of statParts in chunk order into the total
// and returns it (2C values: sums, then sums of squares or products).
func (o *bnOp) sumParts(nc int) []float64 {
	C := o.x.C
	part := o.partial[:(nc+1)*2*C]
	tot := part[:2*C]
	for ch := 1; ch <= nc; ch++ {
		for i, v := range part[ch*2*C : (ch+1)*2*C] {
			tot[i] += v
		}
	}
	return tot
}

func (o *bnOp) io() ([]*Tensor, *Tensor) { return []*Tensor{o.x}, o.y }

func (o *bnOp) forward(e *exec)  { e.be.bnForward(e, o) }
func (o *bnOp) backward(e *exec) { e.be.bnBackward(e, o) }

// setBatchStats sets the batch mean and inverse deviation from the
// per-channel sums and sums of squares (tot, 2C values) of rows rows, and
// moves the moving statistics.
func (o *bnOp) setBatchStats(tot []float64, rows int) {
	C := o.x.C
	m := o.momentum
	for c := 0; c < C; c++ {
		mu := tot[c] / float64(rows)
		v := max(tot[C+c]/float64(rows)-mu*mu, 0)
		o.bmean[c] = float32(mu)
		o.binv[c] = float32(1 / math.Sqrt(v+float64(o.eps)))
		unbiased := v
		if rows > 1 {
			unbiased = v * float64(rows) / float64(rows-1)
		}
		o.mean.Data[c] = m*o.mean.Data[c] + (1-m)*float32(mu)
		o.vari.Data[c] = m*o.vari.Data[c] + (1-m)*float32(unbiased)
	}
}

// setMovingStats normalises with the moving statistics (inference).
func (o *bnOp) setMovingStats() {
	for c := range o.bmean {
		o.bmean[c] = o.mean.Data[c]
		o.binv[c] = float32(1 / math.Sqrt(float64(o.vari.Data[c])+float64(o.eps)))
	}
}

// setAffine sets y = x*scale + shift per channel from the statistics.
func (o *bnOp) setAffine() {
	for c := range o.scale {
		o.scale[c] = o.gamma.Data[c] * o.binv[c]
		o.shift[c] = o.beta.Data[c] - o.bmean[c]*o.scale[c]
	}
}

// setBackCoefs adds the gamma and beta gradients from tot (sum d and
// sum d*x per channel, d the gradient before the activation) and sets the
// input-gradient coefficients: dx = gamma*inv/M * (M*d - sum d - xhat *
// sum d*xhat), written as scale*d + coefB*x + coefC per channel.
func (o *bnOp) setBackCoefs(tot []float64, rows int) {
	C := o.x.C
	M := float64(rows)
	for c := 0; c < C; c++ {
		mu, inv := float64(o.bmean[c]), float64(o.binv[c])
		sdc := tot[c]
		dgamma := inv * (tot[C+c] - mu*sdc) // sum d * xhat
		o.gamma.Grad[c] += float32(dgamma)
		o.beta.Grad[c] += float32(sdc)
		g := float64(o.gamma.Data[c])
		o.coefB[c] = float32(-g * inv * inv * dgamma / M)
		o.coefC[c] = float32(-g*inv*sdc/M + g*inv*inv*dgamma*mu/M)
	}
}
