package model

// The host backends' inference path (ref, cpu; onednn where it does not
// use oneDNN). A fused convolution is a sequence of row blocks, each one
// matrix product and then the epilogue (bias, activation, residual) on the
// block's output while it is still in cache; 3x3 and strided convolutions
// build each block's im2col rows in the computing thread's own scratch
// first. Blocks are fixed by the shape alone (never by the thread count)
// and each block is one single-threaded product, so results are
// bit-identical whatever the parallelism.

// inferKernels are the element-wise loops of the inference path.
type inferKernels struct {
	// epilogue is y[r][c] = act(y[r][c] + bias[c]) + res[r][c] (bias, res optional).
	epilogue func(y []float32, rows, ch int, bias []float32, act actKind, res []float32)
	// scaleRows is dst[k][c] = src[k][c] * s[k] (a kernel scaled per input channel).
	scaleRows func(dst, src, s []float32, rows, ch int)
	// scaleCh is x[r][c] *= s[c] in place (a squeeze-and-excitation scale).
	scaleCh func(x, s []float32, rows, ch int)
	// vecMat is y[c] = sum_k x[k]*w[k][c] (w: k x ch, row major): a
	// product of one row (a dense layer of one image); the Go loop adds
	// k ascending, the C one is BLAS's sgemv.
	vecMat func(y, x, w []float32, k, ch int)
}

// goInferKernels are the plain-Go loops: the definition.
func goInferKernels() *inferKernels {
	return &inferKernels{epilogue: epilogueGo, scaleRows: scaleRowsGo, scaleCh: scaleChGo, vecMat: vecMatGo}
}

// inferKernels returns the backend's inference loops: C for the cpu kernels
// when built, Go otherwise.
func (b *hostBackend) inferKernels() *inferKernels {
	if b.k.name == "c" {
		if k := cInferKernels(); k != nil {
			return k
		}
	}
	return goInferKernels()
}

// activate applies act to v, the same arithmetic as the training graph's
// activation ops.
func activate(v float32, act actKind) float32 {
	switch act {
	case actSwish:
		return v / (1 + expf(-v))
	case actSigmoid:
		return 1 / (1 + expf(-v))
	case actLeaky:
		if v < 0 {
			return v * leakySlope
		}
	}
	return v
}

func epilogueGo(y []float32, rows, ch int, bias []float32, act actKind, res []float32) {
	for r := 0; r < rows; r++ {
		row := y[r*ch : (r+1)*ch]
		for c, v := range row {
			if bias != nil {
				v += bias[c]
			}
			v = activate(v, act)
			if res != nil {
				v += res[r*ch+c]
			}
			row[c] = v
		}
	}
}

func scaleRowsGo(dst, src, s []float32, rows, ch int) {
	for k := 0; k < rows; k++ {
		f := s[k]
		for c, v := range src[k*ch : (k+1)*ch] {
			dst[k*ch+c] = v * f
		}
	}
}

func vecMatGo(y, x, w []float32, k, ch int) {
	y = y[:ch]
	clear(y)
	for i, f := range x[:k] {
		for c, v := range w[i*ch : (i+1)*ch] {
			y[c] += f * v
		}
	}
}

func scaleChGo(x, s []float32, rows, ch int) {
	s = s[:ch]
	for r := 0; r < rows; r++ {
		row := x[r*ch : (r+1)*ch]
		for c := range row {
			row[c] *= s[c]
		}
	}
}

// inferBlockFloats is the target size of one row block's output (and
// im2col rows) in floats: 256 KiB, half of this machine's L2, so the
// epilogue reads the product's output from cache.
const inferBlockFloats = 1 << 16

// inferMinRows is the fewest rows of a 1x1 convolution's block: a product
// of fewer rows spends much of its time packing the kernel. (Blocks of 16K
// to 256K floats and 64 to 256 rows measured the same within the noise of
// a shared machine: the products' own speed dominates.)
const inferMinRows = 256

// blocks returns the row-block boundaries of f in units (rows, or image
// rows of Wo outputs for im2col), fixed by the shape: blocks never cross an
// image when the weights are scaled per image.
func (f *fusedConv) blocks() []int {
	if f.blk != nil {
		return f.blk
	}
	o, y := f.conv, f.y
	K := o.k * o.k * o.x.C
	unit, units, perImage := 1, y.N*y.H*y.W, y.H*y.W
	width := y.C
	if !o.direct() {
		unit, units, perImage = y.W, y.N*y.H, y.H
		width += K
	}
	per := max(1, min(4096, inferBlockFloats/width)/unit)
	if o.direct() {
		per = max(per, inferMinRows)
	}
	var b []int
	if f.scale != nil {
		for n := 0; n < y.N; n++ {
			cnt := (perImage + per - 1) / per
			for i := 0; i < cnt; i++ {
				b = append(b, n*perImage+perImage*i/cnt)
			}
		}
	} else {
		cnt := (units + per - 1) / per
		for i := 0; i < cnt; i++ {
			b = append(b, units*i/cnt)
		}
	}
	f.blk = append(b, units)
	return f.blk
}

func (b *hostBackend) inferConv(e *exec, r *inferRun, f *fusedConv) {
	ik := b.inferKernels()
	o, x, y := f.conv, f.x, f.y
	cin, cout := x.C, y.C
	K := o.k * o.k * cin
	blk := f.blocks()
	direct := o.direct()
	rowsPer := 1
	if !direct {
		rowsPer = y.W
	}
	P := y.H * y.W
	r.reserve(e.threads)
	e.parts(len(blk)-1, func(part, lo, hi int) {
		img := -1
		var wImg []float32 // this part's kernel scaled for image img
		for bi := lo; bi < hi; bi++ {
			u0, u1 := blk[bi], blk[bi+1]
			r0, r1 := u0*rowsPer, u1*rowsPer
			rows := r1 - r0
			a, w := x.Data[r0*cin:], f.w
			switch {
			case !direct:
				a = r.buf(part, rows*K)
				b.k.im2col(o.geom(), x.Data, a, u0, u1)
			case f.scale != nil:
				if n := r0 / P; n != img {
					img = n
					wImg = r.buf(part, K*cout)
					ik.scaleRows(wImg, f.w, f.scale.Data[n*cin:(n+1)*cin], K, cout)
				}
				w = wImg
			}
			out := y.Data[r0*cout : r1*cout]
			if rows == 1 {
				// One row (a dense layer of one image, image by image): a
				// BLAS product would spend its time packing the kernel.
				ik.vecMat(out, a, w, K, cout)
			} else {
				b.k.gemm(false, false, rows, cout, K, 1, a, K, w, cout, 0, out, cout)
			}
			var res []float32
			if f.res != nil {
				res = f.res.Data[r0*cout : r1*cout]
			}
			ik.epilogue(out, rows, cout, f.b, f.act, res)
		}
	})
}

// inferDW runs the backend's depthwise kernel one output row at a time
// and the epilogue on that row while it is in cache.
func (b *hostBackend) inferDW(e *exec, r *inferRun, f *fusedDW) {
	ik := b.inferKernels()
	g := f.dw.geom()
	x, y := f.dw.x.Data, f.y.Data
	row := g.Wo * g.C
	e.run(g.N*g.Ho, 1, func(lo, hi int) {
		for gi := lo; gi < hi; gi++ {
			b.k.dwFwd(g, x, f.w, y, gi, gi+1)
			ik.epilogue(y[gi*row:(gi+1)*row], g.Wo, g.C, f.b, f.act, nil)
		}
	})
}
