package model

import (
	"fmt"
	"math"
)

// hostBackend runs every op on host memory with one set of kernels: the
// plain-Go loops (the ref backend) or the vectorised C loops and OpenBLAS
// (the cpu backend). Loops are split across the exec's goroutines so that
// every output element is written by one goroutine and every reduction has
// a fixed split, so results do not depend on the thread count.
type hostBackend struct {
	name string
	k    *kernels
}

func (b *hostBackend) Name() string { return b.name }

func (b *hostBackend) Describe() string {
	return fmt.Sprintf("%s kernels, %s products", b.k.name, b.k.blas)
}

func (b *hostBackend) setThreads(int) { setBLASThreads(1) } // the engine splits products itself; see pool.gemm

// gemm is the backend's matrix product split across the exec's goroutines.
func (b *hostBackend) gemm(e *exec, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int,
	bm []float32, ldb int, beta float32, c []float32, ldc int) {
	e.pool.gemm(b.k.gemm, transA, transB, m, n, k, alpha, a, lda, bm, ldb, beta, c, ldc)
}

// convForward is y = x * w (+ b): a direct product for 1x1 stride-1
// convolutions and dense layers, im2col by chunks of output rows otherwise.
func (b *hostBackend) convForward(e *exec, o *convOp) {
	x, y := o.x, o.y
	cin, cout := x.C, y.C
	if o.direct() {
		b.gemm(e, false, false, x.N*x.H*x.W, cout, cin, 1, x.Data, cin, o.w.Data, cout, 0, y.Data, cout)
	} else {
		K := o.k * o.k * cin
		G := y.N * y.H
		per := o.chunk()
		for g0 := 0; g0 < G; g0 += per {
			g1 := min(G, g0+per)
			rows := (g1 - g0) * y.W
			col, _ := e.scratch(rows*K, 0)
			b.im2col(e, o, col, g0, g1)
			b.gemm(e, false, false, rows, cout, K, 1, col, K, o.w.Data, cout, 0, y.Data[g0*y.W*cout:], cout)
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
// output rows [g0, g1) (granule g = n*Ho + oy).
func (b *hostBackend) im2col(e *exec, o *convOp, col []float32, g0, g1 int) {
	g := o.geom()
	K := g.k * g.k * g.cin
	e.run(g1-g0, 1, func(lo, hi int) {
		b.k.im2col(g, o.x.Data, col[lo*g.Wo*K:(hi)*g.Wo*K], g0+lo, g0+hi)
	})
}

// col2im adds the column gradients of output rows [g0, g1) into dx,
// gathering per input row so goroutines never write the same element.
func (b *hostBackend) col2im(e *exec, o *convOp, dcol, dx []float32, g0, g1 int) {
	g := o.geom()
	n0, n1 := g0/g.Ho, (g1-1)/g.Ho
	r0 := n0 * g.H
	e.run((n1-n0+1)*g.H, 1, func(lo, hi int) {
		b.k.col2im(g, dcol, dx, g0, g1, r0+lo, r0+hi)
	})
}

func (b *hostBackend) convBackward(e *exec, o *convOp) {
	x, y := o.x, o.y
	cin, cout := x.C, y.C
	dy := y.gradOut()
	if o.direct() {
		b.directWeights(e, o, dy)
		if dx, acc := x.gradIn(); dx != nil {
			b.directData(e, o, dy, dx, acc)
		}
		return
	}
	b.biasGrad(e, o, dy)
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
		b.im2col(e, o, col, g0, g1)
		dyc := dy[g0*y.W*cout:]
		b.gemm(e, true, false, K, cout, rows, 1, col, K, dyc, cout, 1, o.w.Grad, cout)
		if dx != nil {
			b.gemm(e, false, true, rows, K, cout, 1, dyc, cout, o.w.Data, cout, 0, dcol, K)
			b.col2im(e, o, dcol, dx, g0, g1)
		}
	}
}

// biasGrad adds the bias gradient (when the convolution has a bias) from
// dy: ordered per-column sums, split by columns.
func (b *hostBackend) biasGrad(e *exec, o *convOp, dy []float32) {
	if o.b == nil {
		return
	}
	cout := o.y.C
	db := o.b.Grad[:cout]
	rows := o.y.N * o.y.H * o.y.W
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

// directWeights adds the weight (and bias) gradient of a 1x1 stride-1
// convolution or dense layer: one product xᵀ dy over the (N*H*W) x in
// activation.
func (b *hostBackend) directWeights(e *exec, o *convOp, dy []float32) {
	b.biasGrad(e, o, dy)
	cin, cout := o.x.C, o.y.C
	b.gemm(e, true, false, cin, cout, o.x.N*o.x.H*o.x.W, 1, o.x.Data, cin, dy, cout, 1, o.w.Grad, cout)
}

// directData writes (acc: adds) the input gradient dy wᵀ of a 1x1
// stride-1 convolution or dense layer into dx.
func (b *hostBackend) directData(e *exec, o *convOp, dy, dx []float32, acc bool) {
	cin, cout := o.x.C, o.y.C
	beta := float32(0)
	if acc {
		beta = 1
	}
	b.gemm(e, false, true, o.x.N*o.x.H*o.x.W, cin, cout, 1, dy, cout, o.w.Data, cout, beta, dx, cin)
}

func (b *hostBackend) dwForward(e *exec, o *dwConvOp) {
	g := o.geom()
	e.run(g.N*g.Ho, 1, func(lo, hi int) { b.k.dwFwd(g, o.x.Data, o.w.Data, o.y.Data, lo, hi) })
}

func (b *hostBackend) dwBackward(e *exec, o *dwConvOp) {
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
		b.k.dwBwdW(g, dy, o.x.Data, acc, c0, c1)
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
	e.run(g.N*g.H, 1, func(lo, hi int) { b.k.dwBwdDx(g, dy, o.w.Data, dx, lo, hi, acc) })
}

// bnStatistics sets o.bmean and o.binv: batch statistics (and a moving
// statistics update) in training, the moving statistics in inference; then
// the per-channel affine o.scale, o.shift of the normalisation.
func (b *hostBackend) bnStatistics(e *exec, o *bnOp) {
	x := o.x
	C := x.C
	rows := x.N * x.H * x.W
	nc := o.fusedChunks
	o.fusedChunks = 0
	switch {
	case e.train && nc > 0: // added up by the convolution that wrote x
		o.setBatchStats(o.sumParts(nc), rows)
	case e.train:
		tot := o.chunkSums(e, rows, C, func(r0, r1 int, s []float64) {
			b.k.bnStats(x.Data[r0*C:r1*C], r1-r0, C, s[:C], s[C:2*C])
		})
		o.setBatchStats(tot, rows)
	default:
		o.setMovingStats()
	}
	o.setAffine()
}

func (b *hostBackend) bnForward(e *exec, o *bnOp) {
	x, y := o.x, o.y
	C := x.C
	rows := x.N * x.H * x.W
	b.bnStatistics(e, o)
	swish := o.act == actSwish
	e.run(rows, 64, func(lo, hi int) {
		b.k.bnApply(x.Data[lo*C:hi*C], y.Data[lo*C:hi*C], hi-lo, C, o.scale, o.shift, swish)
	})
}

func (b *hostBackend) bnBackward(e *exec, o *bnOp) {
	x, y := o.x, o.y
	C := x.C
	rows := x.N * x.H * x.W
	d := y.gradOut() // overwritten in place with the gradient before the activation
	swish := o.act == actSwish
	tot := o.chunkSums(e, rows, C, func(r0, r1 int, s []float64) {
		b.k.bnBack1(x.Data[r0*C:r1*C], y.Data[r0*C:r1*C], d[r0*C:r1*C], r1-r0, C, o.scale, o.shift, swish, s[:C], s[C:2*C])
	})
	o.setBackCoefs(tot, rows)
	dx, acc := x.gradIn()
	if dx == nil {
		return
	}
	e.run(rows, 64, func(lo, hi int) {
		b.k.bnBack2(x.Data[lo*C:hi*C], d[lo*C:hi*C], dx[lo*C:hi*C], hi-lo, C, o.scale, o.coefB, o.coefC, acc)
	})
}

func (b *hostBackend) actForward(e *exec, o *actOp) {
	x, y := o.x.Data, o.y.Data
	e.run(len(x), 4096, func(lo, hi int) { b.k.act(x[lo:hi], y[lo:hi], o.act) })
}

func (b *hostBackend) actBackward(e *exec, o *actOp) {
	dy := o.y.gradOut()
	dx, acc := o.x.gradIn()
	if dx == nil {
		return
	}
	x, y := o.x.Data, o.y.Data
	e.run(len(x), 4096, func(lo, hi int) { b.k.actBack(x[lo:hi], y[lo:hi], dy[lo:hi], dx[lo:hi], o.act, acc) })
}

func (b *hostBackend) gapForward(e *exec, o *gapOp) {
	x := o.x
	C, P := x.C, x.H*x.W
	e.run(x.N, 1, func(lo, hi int) {
		for n := lo; n < hi; n++ {
			out := o.y.Data[n*C : (n+1)*C]
			clear(out)
			b.k.rowSum(x.Data[n*P*C:(n+1)*P*C], out, P, C)
			inv := 1 / float32(P)
			for c := range out {
				out[c] *= inv
			}
		}
	})
}

func (b *hostBackend) gapBackward(e *exec, o *gapOp) {
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
			b.k.rowBcast(dy[n*C:(n+1)*C], dx[n*P*C:(n+1)*P*C], P, C, acc)
		}
	})
}

func (b *hostBackend) scaleForward(e *exec, o *scaleOp) {
	x := o.x
	C, P := x.C, x.H*x.W
	e.run(x.N, 1, func(lo, hi int) {
		for n := lo; n < hi; n++ {
			b.k.rowMul(x.Data[n*P*C:(n+1)*P*C], o.s.Data[n*C:(n+1)*C], o.y.Data[n*P*C:(n+1)*P*C], P, C, false)
		}
	})
}

func (b *hostBackend) scaleBackward(e *exec, o *scaleOp) {
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
				b.k.rowDot(x.Data[n*P*C:(n+1)*P*C], img, out, P, C)
			}
			if dx != nil {
				b.k.rowMul(img, o.s.Data[n*C:(n+1)*C], dx[n*P*C:(n+1)*P*C], P, C, acc)
			}
		}
	})
}

func (b *hostBackend) addForward(e *exec, o *addOp) {
	o.setMask(e)
	per := o.a.Len() / o.a.N
	a, bb, y := o.a.Data, o.b.Data, o.y.Data
	e.run(o.a.N, 1, func(lo, hi int) {
		for n := lo; n < hi; n++ {
			b.k.axpy3(y[n*per:(n+1)*per], a[n*per:(n+1)*per], bb[n*per:(n+1)*per], o.mask[n])
		}
	})
}

func (b *hostBackend) addBackward(e *exec, o *addOp) {
	dy := o.y.gradOut()
	per := o.a.Len() / o.a.N
	da, accA := o.a.gradIn()
	db, accB := o.b.gradIn()
	e.run(o.a.N, 1, func(lo, hi int) {
		for n := lo; n < hi; n++ {
			g := dy[n*per : (n+1)*per]
			if da != nil {
				b.k.scaleTo(da[n*per:(n+1)*per], g, 1, accA)
			}
			if db != nil {
				b.k.scaleTo(db[n*per:(n+1)*per], g, o.mask[n], accB)
			}
		}
	})
}

func (b *hostBackend) dropoutForward(e *exec, o *dropoutOp) {
	o.setMask(e)
	for i, m := range o.mask {
		o.y.Data[i] = o.x.Data[i] * m
	}
}

func (b *hostBackend) dropoutBackward(e *exec, o *dropoutOp) {
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

func (b *hostBackend) mulForward(e *exec, o *mulOp) {
	for i, v := range o.a.Data {
		o.y.Data[i] = v * o.b.Data[i]
	}
}

func (b *hostBackend) mulBackward(e *exec, o *mulOp) {
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

func (b *hostBackend) concatForward(e *exec, o *concatOp) {
	rows, C := o.y.N*o.y.H*o.y.W, o.y.C
	off := 0
	for _, x := range o.xs {
		for r := 0; r < rows; r++ {
			copy(o.y.Data[r*C+off:r*C+off+x.C], x.Data[r*x.C:(r+1)*x.C])
		}
		off += x.C
	}
}

func (b *hostBackend) concatBackward(e *exec, o *concatOp) {
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

func (b *hostBackend) gramForward(e *exec, o *gramOp) {
	x := o.x
	C, P := x.C, x.H*x.W
	e.run(x.N, 1, func(lo, hi int) {
		for n := lo; n < hi; n++ {
			f := x.Data[n*P*C : (n+1)*P*C]
			b.k.gemm(true, false, C, C, P, 1/float32(P), f, C, f, C, 0, o.y.Data[n*C*C:(n+1)*C*C], C)
		}
	})
}

func (b *hostBackend) gramBackward(e *exec, o *gramOp) {
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
			b.k.gemm(false, false, P, C, C, 1/float32(P), f, C, sym, C, beta, dx[n*P*C:(n+1)*P*C], C)
		}
	})
}

func (b *hostBackend) preprocForward(e *exec, o *preprocOp) {
	x, y := o.x.Data, o.y.Data
	e.run(len(x)/3, 4096, func(lo, hi int) {
		for i := lo * 3; i < hi*3; i += 3 {
			y[i] = x[i]*o.scale[0] + o.shift[0]
			y[i+1] = x[i+1]*o.scale[1] + o.shift[1]
			y[i+2] = x[i+2]*o.scale[2] + o.shift[2]
		}
	})
}

func (b *hostBackend) preprocBackward(e *exec, o *preprocOp) {
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

func (b *hostBackend) softmaxForward(e *exec, o *softmaxCE) {
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

func (b *hostBackend) softmaxBackward(e *exec, o *softmaxCE) {
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

// adagrad runs Keras's update (Adagrad.update, the definition) on host
// memory, split across the exec's goroutines element-wise.
func (b *hostBackend) adagrad(e *exec, a Adagrad, params []*Param) {
	a.apply(&e.pool, params, b.k.adagrad)
}
