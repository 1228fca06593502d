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
// product; 1x1 stride-1 convolutions and dense layers skip im2col and are a
// single matrix product on the (N*H*W) x in activation.
type convOp struct {
	x, y       *Tensor
	w, b       *Param
	k, stride  int
	padT, padL int
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

func (o *convOp) forward(e *exec) {
	x, y := o.x, o.y
	cin, cout := x.C, y.C
	if o.direct() {
		e.gemm(false, false, x.N*x.H*x.W, cout, cin, 1, x.Data, cin, o.w.Data, cout, 0, y.Data, cout)
	} else {
		K := o.k * o.k * cin
		G := y.N * y.H
		per := o.chunk()
		for g0 := 0; g0 < G; g0 += per {
			g1 := min(G, g0+per)
			rows := (g1 - g0) * y.W
			col, _ := e.scratch(rows*K, 0)
			o.im2col(e, col, g0, g1)
			e.gemm(false, false, rows, cout, K, 1, col, K, o.w.Data, cout, 0, y.Data[g0*y.W*cout:], cout)
		}
	}
	if o.b != nil {
		bias := o.b.Data[:cout]
		e.run(y.N*y.H*y.W, 256, func(lo, hi int) {
			for r := lo; r < hi; r++ {
				row := y.Data[r*cout : (r+1)*cout]
				for c, v := range bias {
					row[c] += v
				}
			}
		})
	}
}

// geom is the convolution's geometry for the im2col kernels.
func (o *convOp) geom() convGeom {
	return convGeom{H: o.x.H, W: o.x.W, cin: o.x.C, Ho: o.y.H, Wo: o.y.W, k: o.k, s: o.stride, pt: o.padT, pl: o.padL}
}

// im2col fills col with one row of k*k*in values per output position of
// output rows [g0, g1) (granule g = n*Ho + oy).
func (o *convOp) im2col(e *exec, col []float32, g0, g1 int) {
	g := o.geom()
	K := g.k * g.k * g.cin
	e.run(g1-g0, 1, func(lo, hi int) {
		kIm2col(g, o.x.Data, col[lo*g.Wo*K:(hi)*g.Wo*K], g0+lo, g0+hi)
	})
}

// col2im adds the column gradients of output rows [g0, g1) into dx,
// gathering per input row so goroutines never write the same element.
func (o *convOp) col2im(e *exec, dcol, dx []float32, g0, g1 int) {
	g := o.geom()
	n0, n1 := g0/g.Ho, (g1-1)/g.Ho
	r0 := n0 * g.H
	e.run((n1-n0+1)*g.H, 1, func(lo, hi int) {
		kCol2im(g, dcol, dx, g0, g1, r0+lo, r0+hi)
	})
}

func (o *convOp) backward(e *exec) {
	x, y := o.x, o.y
	cin, cout := x.C, y.C
	dy := y.gradOut()
	if o.b != nil {
		db := o.b.Grad[:cout]
		// Bias gradient: ordered per-column sums, split by columns.
		rows := y.N * y.H * y.W
		e.run(cout, 8, func(lo, hi int) {
			for c := lo; c < hi; c++ {
				var s float64
				for r := 0; r < rows; r++ {
					s += float64(dy[r*cout+c])
				}
				db[c] += float32(s)
			}
		})
	}
	if o.direct() {
		M := x.N * x.H * x.W
		e.gemm(true, false, cin, cout, M, 1, x.Data, cin, dy, cout, 1, o.w.Grad, cout)
		if dx, acc := x.gradIn(); dx != nil {
			beta := float32(0)
			if acc {
				beta = 1
			}
			e.gemm(false, true, M, cin, cout, 1, dy, cout, o.w.Data, cout, beta, dx, cin)
		}
		return
	}
	K := o.k * o.k * cin
	dx := x.gradZeroed()
	G := y.N * y.H
	per := o.chunk()
	for g0 := 0; g0 < G; g0 += per {
		g1 := min(G, g0+per)
		rows := (g1 - g0) * y.W
		nd := 0
		if dx != nil {
			nd = rows * K
		}
		col, dcol := e.scratch(rows*K, nd)
		o.im2col(e, col, g0, g1)
		dyc := dy[g0*y.W*cout:]
		e.gemm(true, false, K, cout, rows, 1, col, K, dyc, cout, 1, o.w.Grad, cout)
		if dx != nil {
			e.gemm(false, true, rows, K, cout, 1, dyc, cout, o.w.Data, cout, 0, dcol, K)
			o.col2im(e, dcol, dx, g0, g1)
		}
	}
}

// dwConvOp is a depthwise convolution (one k x k filter per channel, no
// bias), kernel stored (kh, kw, C, 1).
type dwConvOp struct {
	x, y       *Tensor
	w          *Param
	acc        []float32 // kernel-gradient partials
	k, stride  int
	padT, padL int
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

func (o *dwConvOp) forward(e *exec) {
	g := o.geom()
	e.run(g.N*g.Ho, 1, func(lo, hi int) { kDWFwd(g, o.x.Data, o.w.Data, o.y.Data, lo, hi) })
}

func (o *dwConvOp) backward(e *exec) {
	g := o.geom()
	dy := o.y.gradOut()
	kk := g.k * g.k
	if len(o.acc) != kk*g.C {
		o.acc = make([]float32, kk*g.C)
	}
	// Kernel gradient: each goroutine owns a channel range and walks every
	// position in order, so the sums do not depend on the thread count.
	e.run(g.C, 16, func(c0, c1 int) {
		acc := o.acc[kk*c0 : kk*c1]
		clear(acc)
		kDWBwdW(g, dy, o.x.Data, acc, c0, c1)
		cw := c1 - c0
		for t := 0; t < kk; t++ {
			dst := o.w.Grad[t*g.C+c0 : t*g.C+c1]
			for c, v := range acc[t*cw : (t+1)*cw] {
				dst[c] += v
			}
		}
	})
	dx, acc := o.x.gradIn()
	if dx == nil {
		return
	}
	e.run(g.N*g.H, 1, func(lo, hi int) { kDWBwdDx(g, dy, o.w.Data, dx, lo, hi, acc) })
}
