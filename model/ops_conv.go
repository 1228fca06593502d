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

// chunk is the number of output row granules (one image row) per im2col chunk.
func (o *convOp) chunk() int {
	K := o.k * o.k * o.x.C
	return max(1, colLimit/(o.y.W*K))
}

func (o *convOp) forward(e *exec) {
	x, y := o.x, o.y
	cin, cout := x.C, y.C
	if o.direct() {
		gemm(false, false, x.N*x.H*x.W, cout, cin, 1, x.Data, cin, o.w.Data, cout, 0, y.Data, cout)
	} else {
		K := o.k * o.k * cin
		G := y.N * y.H
		per := o.chunk()
		for g0 := 0; g0 < G; g0 += per {
			g1 := min(G, g0+per)
			rows := (g1 - g0) * y.W
			col, _ := e.scratch(rows*K, 0)
			o.im2col(e, col, g0, g1)
			gemm(false, false, rows, cout, K, 1, col, K, o.w.Data, cout, 0, y.Data[g0*y.W*cout:], cout)
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

// im2col fills col with one row of k*k*in values per output position of
// output rows [g0, g1) (granule g = n*Ho + oy), zeros where the kernel
// overhangs the padded border.
func (o *convOp) im2col(e *exec, col []float32, g0, g1 int) {
	x := o.x
	Ho, Wo := o.y.H, o.y.W
	cin, k, s := x.C, o.k, o.stride
	K := k * k * cin
	e.run(g1-g0, 1, func(lo, hi int) {
		for g := g0 + lo; g < g0+hi; g++ {
			n, oy := g/Ho, g%Ho
			for ox := 0; ox < Wo; ox++ {
				dst := col[((g-g0)*Wo+ox)*K:][:K]
				for ky := 0; ky < k; ky++ {
					iy := oy*s - o.padT + ky
					row := dst[ky*k*cin:][:k*cin]
					if iy < 0 || iy >= x.H {
						clear(row)
						continue
					}
					base := (n*x.H + iy) * x.W
					for kx := 0; kx < k; kx++ {
						ix := ox*s - o.padL + kx
						seg := row[kx*cin:][:cin]
						if ix < 0 || ix >= x.W {
							clear(seg)
							continue
						}
						copy(seg, x.Data[(base+ix)*cin:(base+ix+1)*cin])
					}
				}
			}
		}
	})
}

// col2im adds the column gradients of output rows [g0, g1) into dx. It
// gathers per input row, so goroutines never write the same element.
func (o *convOp) col2im(e *exec, dcol, dx []float32, g0, g1 int) {
	x := o.x
	H, W := x.H, x.W
	Ho, Wo := o.y.H, o.y.W
	cin, k, s := x.C, o.k, o.stride
	K := k * k * cin
	n0, n1 := g0/Ho, (g1-1)/Ho
	e.run((n1-n0+1)*H, 1, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			n, iy := n0+r/H, r%H
			for ky := 0; ky < k; ky++ {
				t := iy + o.padT - ky
				if t < 0 || t%s != 0 {
					continue
				}
				oy := t / s
				if oy >= Ho {
					continue
				}
				g := n*Ho + oy
				if g < g0 || g >= g1 {
					continue
				}
				for ix := 0; ix < W; ix++ {
					dst := dx[((n*H+iy)*W+ix)*cin:][:cin]
					for kx := 0; kx < k; kx++ {
						u := ix + o.padL - kx
						if u < 0 || u%s != 0 {
							continue
						}
						ox := u / s
						if ox >= Wo {
							continue
						}
						src := dcol[((g-g0)*Wo+ox)*K+(ky*k+kx)*cin:][:cin]
						for c, v := range src {
							dst[c] += v
						}
					}
				}
			}
		}
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
		gemm(true, false, cin, cout, M, 1, x.Data, cin, dy, cout, 1, o.w.Grad, cout)
		if dx, acc := x.gradIn(); dx != nil {
			beta := float32(0)
			if acc {
				beta = 1
			}
			gemm(false, true, M, cin, cout, 1, dy, cout, o.w.Data, cout, beta, dx, cin)
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
		gemm(true, false, K, cout, rows, 1, col, K, dyc, cout, 1, o.w.Grad, cout)
		if dx != nil {
			gemm(false, true, rows, K, cout, 1, dyc, cout, o.w.Data, cout, 0, dcol, K)
			o.col2im(e, dcol, dx, g0, g1)
		}
	}
}

// dwConvOp is a depthwise convolution (one k x k filter per channel, no
// bias), kernel stored (kh, kw, C, 1).
type dwConvOp struct {
	x, y       *Tensor
	w          *Param
	k, stride  int
	padT, padL int
}

func newDWConvOp(x *Tensor, k, stride int, w *Param) *dwConvOp {
	ho, pt := samePad(x.H, k, stride)
	wo, pl := samePad(x.W, k, stride)
	return &dwConvOp{x: x, y: newTensor(x.N, ho, wo, x.C, true), w: w, k: k, stride: stride, padT: pt, padL: pl}
}

func (o *dwConvOp) forward(e *exec) {
	x, y := o.x, o.y
	C, k, s := x.C, o.k, o.stride
	Ho, Wo := y.H, y.W
	wt := o.w.Data
	e.run(y.N*Ho, 1, func(lo, hi int) {
		for g := lo; g < hi; g++ {
			n, oy := g/Ho, g%Ho
			for ox := 0; ox < Wo; ox++ {
				out := y.Data[(g*Wo+ox)*C:][:C]
				clear(out)
				for ky := 0; ky < k; ky++ {
					iy := oy*s - o.padT + ky
					if iy < 0 || iy >= x.H {
						continue
					}
					for kx := 0; kx < k; kx++ {
						ix := ox*s - o.padL + kx
						if ix < 0 || ix >= x.W {
							continue
						}
						in := x.Data[((n*x.H+iy)*x.W+ix)*C:][:C]
						w := wt[(ky*k+kx)*C:][:C]
						for c := range out {
							out[c] += in[c] * w[c]
						}
					}
				}
			}
		}
	})
}

func (o *dwConvOp) backward(e *exec) {
	x, y := o.x, o.y
	C, k, s := x.C, o.k, o.stride
	H, W, Ho, Wo := x.H, x.W, y.H, y.W
	dy := y.gradOut()
	wt, wg := o.w.Data, o.w.Grad
	// Kernel gradient: each goroutine owns a channel range and walks every
	// position in order.
	e.run(C, 16, func(c0, c1 int) {
		acc := make([]float32, k*k*(c1-c0))
		for g := 0; g < y.N*Ho; g++ {
			n, oy := g/Ho, g%Ho
			for ox := 0; ox < Wo; ox++ {
				d := dy[(g*Wo+ox)*C+c0 : (g*Wo+ox)*C+c1]
				for ky := 0; ky < k; ky++ {
					iy := oy*s - o.padT + ky
					if iy < 0 || iy >= H {
						continue
					}
					for kx := 0; kx < k; kx++ {
						ix := ox*s - o.padL + kx
						if ix < 0 || ix >= W {
							continue
						}
						in := x.Data[((n*H+iy)*W+ix)*C+c0:][:len(d)]
						a := acc[(ky*k+kx)*(c1-c0):][:len(d)]
						for c, v := range d {
							a[c] += v * in[c]
						}
					}
				}
			}
		}
		for t := 0; t < k*k; t++ {
			dst := wg[t*C+c0 : t*C+c1]
			for c, v := range acc[t*(c1-c0) : (t+1)*(c1-c0)] {
				dst[c] += v
			}
		}
	})
	dx, acc := x.gradIn()
	if dx == nil {
		return
	}
	e.run(x.N*H, 1, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			n, iy := r/H, r%H
			for ix := 0; ix < W; ix++ {
				dst := dx[(r*W+ix)*C:][:C]
				if !acc {
					clear(dst)
				}
				for ky := 0; ky < k; ky++ {
					t := iy + o.padT - ky
					if t < 0 || t%s != 0 || t/s >= Ho {
						continue
					}
					oy := t / s
					for kx := 0; kx < k; kx++ {
						u := ix + o.padL - kx
						if u < 0 || u%s != 0 || u/s >= Wo {
							continue
						}
						ox := u / s
						src := dy[((n*Ho+oy)*Wo+ox)*C:][:C]
						w := wt[(ky*k+kx)*C:][:C]
						for c, v := range src {
							dst[c] += v * w[c]
						}
					}
				}
			}
		}
	})
}
