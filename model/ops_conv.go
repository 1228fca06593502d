package model

// colLimit bounds the im2col buffer (floats). Convolutions run on chunks of
// output rows so the buffer stays cache- and memory-friendly.
var colLimit = 1 << 21

// samePad returns the output size and the padding before, TensorFlow's
// "same" rule: out = ceil(in/stride), total padding split with the extra
// pixel after.
func samePad(in, k, stride int) (out, before int) {
	out = (in + stride - 1) / stride
	total := max((out-1)*stride+k-in, 0)
	return out, total / 2
}

// convOp is a 2-D convolution with a square kernel, TF "same" padding and
// an optional bias. The kernel is stored (kh, kw, in, out), which read as a
// (kh*kw*in) x out matrix is exactly the right operand of the im2col
// product; 1x1 stride-1 convolutions and dense layers are a single matrix
// product on the (N*H*W) x in activation.
type convOp struct {
	opState
	x, y       *Tensor
	w, b       *Param
	k, stride  int
	padT, padL int
	bn         *bnOp // the batch norm right after it on y, or nil (bnOp.fusedChunks)
}

func newConvOp(x *Tensor, cout, k, stride int, w, b *Param, needGrad bool) *convOp {
	ho, pt := samePad(x.H, k, stride)
	wo, pl := samePad(x.W, k, stride)
	return &convOp{x: x, y: newTensor(x.N, ho, wo, cout, needGrad), w: w, b: b, k: k, stride: stride, padT: pt, padL: pl}
}

func (o *convOp) direct() bool { return o.k == 1 && o.stride == 1 }

func (o *convOp) io() ([]*Tensor, *Tensor) { return []*Tensor{o.x}, o.y }

// chunk is the number of output row granules (one image row) per im2col chunk.
func (o *convOp) chunk() int {
	K := o.k * o.k * o.x.C
	return max(1, colLimit/(o.y.W*K))
}

// geom is the convolution's geometry for the im2col kernels.
func (o *convOp) geom() convGeom {
	return convGeom{H: o.x.H, W: o.x.W, cin: o.x.C, Ho: o.y.H, Wo: o.y.W, k: o.k, s: o.stride, pt: o.padT, pl: o.padL}
}

func (o *convOp) forward(e *exec)  { e.be.convForward(e, o) }
func (o *convOp) backward(e *exec) { e.be.convBackward(e, o) }

// dwConvOp is a depthwise convolution (one k x k filter per channel, no
// bias), kernel stored (kh, kw, C, 1).
type dwConvOp struct {
	opState
	x, y       *Tensor
	w          *Param
	acc        []float32 // kernel-gradient partials
	k, stride  int
	padT, padL int
	bn         *bnOp // the batch norm right after it on y, or nil (bnOp.fusedChunks)
}

func newDWConvOp(x *Tensor, k, stride int, w *Param) *dwConvOp {
	ho, pt := samePad(x.H, k, stride)
	wo, pl := samePad(x.W, k, stride)
	return &dwConvOp{x: x, y: newTensor(x.N, ho, wo, x.C, true), w: w, k: k, stride: stride, padT: pt, padL: pl}
}

func (o *dwConvOp) io() ([]*Tensor, *Tensor) { return []*Tensor{o.x}, o.y }

func (o *dwConvOp) geom() dwGeom {
	return dwGeom{N: o.x.N, H: o.x.H, W: o.x.W, C: o.x.C, Ho: o.y.H, Wo: o.y.W, k: o.k, s: o.stride, pt: o.padT, pl: o.padL}
}

func (o *dwConvOp) forward(e *exec)  { e.be.dwForward(e, o) }
func (o *dwConvOp) backward(e *exec) { e.be.dwBackward(e, o) }
