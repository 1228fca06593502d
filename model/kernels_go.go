package model

// The hot loops of batch normalisation, depthwise convolution, im2col and
// the vector ops, and the matrix product. The plain-Go versions in this file
// are the reference: their loops define the kernels. kernels_native.go has
// vectorised C of the same loops (the cpu backend); the shared backend suite
// compares every backend with the reference.

// kernels is one implementation of the engine's hot loops. A host backend
// (ref, cpu) owns one; nothing in the package chooses kernels globally.
type kernels struct {
	name string // "go" or "c"
	blas string // the matrix product: "go" or "openblas"
	gemm gemmFunc

	bnStats func(x []float32, rows, ch int, sum, sq []float64)
	bnApply func(x, y []float32, rows, ch int, scale, shift []float32, swish bool)
	// bnBack1's y is the forward's output (swish of x*scale + shift),
	// which an implementation may take the sigmoid from.
	bnBack1 func(x, y, d []float32, rows, ch int, scale, shift []float32, swish bool, sd, sdx []float64)
	bnBack2 func(x, d, dx []float32, rows, ch int, A, B, Cc []float32, acc bool)
	dwFwd   func(o dwGeom, x, wt, y []float32, g0, g1 int)
	dwBwdDx func(o dwGeom, dy, wt, dx []float32, r0, r1 int, acc bool)
	dwBwdW  func(o dwGeom, dy, x, acc []float32, c0, c1 int)

	axpy3    func(y, a, b []float32, m float32)
	scaleTo  func(dst, src []float32, m float32, acc bool)
	rowMul   func(x, s, y []float32, rows, ch int, acc bool)
	rowDot   func(x, d, out []float32, rows, ch int)
	rowSum   func(x, out []float32, rows, ch int)
	rowBcast func(v, dx []float32, rows, ch int, acc bool)
	act      func(x, y []float32, a actKind)
	actBack  func(x, y, dy, dx []float32, a actKind, acc bool)
	adagrad  func(w, g, acc []float32, lr, eps float32)

	im2col func(o convGeom, x, col []float32, g0, g1 int)
	col2im func(o convGeom, dcol, dx []float32, g0, g1, r0, r1 int)
}

// goKernels are the plain-Go reference loops.
func goKernels() *kernels {
	return &kernels{name: "go", blas: "go", gemm: gemmRef,
		bnStats: bnStatsGo, bnApply: bnApplyGo, bnBack1: bnBack1Go, bnBack2: bnBack2Go,
		dwFwd: dwFwdGo, dwBwdDx: dwBwdDxGo, dwBwdW: dwBwdWGo,
		axpy3: axpy3Go, scaleTo: scaleToGo, rowMul: rowMulGo, rowDot: rowDotGo, rowSum: rowSumGo, rowBcast: rowBcastGo,
		act: actGo, actBack: actBackGo, adagrad: adagradGo, im2col: im2colGo, col2im: col2imGo}
}

// actGo is y = a(x) element by element (a copy for actNone).
func actGo(x, y []float32, a actKind) {
	y = y[:len(x)]
	switch a {
	case actSwish:
		for i, v := range x {
			y[i] = v / (1 + expf(-v))
		}
	case actSigmoid:
		for i, v := range x {
			y[i] = 1 / (1 + expf(-v))
		}
	case actLeaky:
		for i, v := range x {
			if v < 0 {
				v *= leakySlope
			}
			y[i] = v
		}
	default:
		copy(y, x)
	}
}

// actBackGo is dx = dy * a'(x) (dx += with acc), where y = a(x) (the
// sigmoid's derivative reads it).
func actBackGo(x, y, dy, dx []float32, a actKind, acc bool) {
	y, dy, dx = y[:len(x)], dy[:len(x)], dx[:len(x)]
	for i := range x {
		var g float32
		switch a {
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
}

// bnStatsGo adds per-channel sums and sums of squares of rows x ch values.
func bnStatsGo(x []float32, rows, ch int, sum, sq []float64) {
	sum, sq = sum[:ch], sq[:ch]
	for r := 0; r < rows; r++ {
		for c, v := range x[r*ch : (r+1)*ch] {
			f := float64(v)
			sum[c] += f
			sq[c] += f * f
		}
	}
}

// bnApplyGo computes y = act(x*scale + shift) per channel.
func bnApplyGo(x, y []float32, rows, ch int, scale, shift []float32, swish bool) {
	scale, shift = scale[:ch], shift[:ch]
	for r := 0; r < rows; r++ {
		out := y[r*ch : (r+1)*ch]
		in := x[r*ch : (r+1)*ch]
		if swish {
			for c, v := range in {
				z := v*scale[c] + shift[c]
				out[c] = z / (1 + expf(-z))
			}
		} else {
			for c, v := range in {
				out[c] = v*scale[c] + shift[c]
			}
		}
	}
}

// bnBack1Go turns d (gradient after the activation) into the gradient
// before it, in place, and adds per-channel sums of d and d*x. It
// defines the swish gradient from x; y (the forward's output) is unused.
func bnBack1Go(x, _, d []float32, rows, ch int, scale, shift []float32, swish bool, sd, sdx []float64) {
	sd, sdx = sd[:ch], sdx[:ch]
	for r := 0; r < rows; r++ {
		in := x[r*ch : (r+1)*ch]
		dr := d[r*ch : (r+1)*ch]
		if swish {
			for c, v := range in {
				z := v*scale[c] + shift[c]
				s := 1 / (1 + expf(-z))
				dr[c] *= s * (1 + z*(1-s))
			}
		}
		for c, g := range dr {
			sd[c] += float64(g)
			sdx[c] += float64(g) * float64(in[c])
		}
	}
}

// bnBack2Go writes (or adds) dx = A*d + B*x + Cc per channel.
func bnBack2Go(x, d, dx []float32, rows, ch int, A, B, Cc []float32, acc bool) {
	A, B, Cc = A[:ch], B[:ch], Cc[:ch]
	for r := 0; r < rows; r++ {
		in := x[r*ch : (r+1)*ch]
		dr := d[r*ch : (r+1)*ch]
		out := dx[r*ch : (r+1)*ch]
		for c, v := range in {
			g := A[c]*dr[c] + B[c]*v + Cc[c]
			if acc {
				out[c] += g
			} else {
				out[c] = g
			}
		}
	}
}

// dwGeom is the geometry of a depthwise convolution.
type dwGeom struct{ N, H, W, C, Ho, Wo, k, s, pt, pl int }

// dwFwdGo computes output rows g in [g0, g1) (g = n*Ho + oy).
func dwFwdGo(o dwGeom, x, wt, y []float32, g0, g1 int) {
	C := o.C
	for g := g0; g < g1; g++ {
		n, oy := g/o.Ho, g%o.Ho
		for ox := 0; ox < o.Wo; ox++ {
			out := y[(g*o.Wo+ox)*C:][:C]
			clear(out)
			for ky := 0; ky < o.k; ky++ {
				iy := oy*o.s - o.pt + ky
				if iy < 0 || iy >= o.H {
					continue
				}
				for kx := 0; kx < o.k; kx++ {
					ix := ox*o.s - o.pl + kx
					if ix < 0 || ix >= o.W {
						continue
					}
					in := x[((n*o.H+iy)*o.W+ix)*C:][:C]
					w := wt[(ky*o.k+kx)*C:][:C]
					for c := range out {
						out[c] += in[c] * w[c]
					}
				}
			}
		}
	}
}

// dwBwdDxGo gathers the input gradient of input rows r in [r0, r1).
func dwBwdDxGo(o dwGeom, dy, wt, dx []float32, r0, r1 int, acc bool) {
	C := o.C
	for r := r0; r < r1; r++ {
		n, iy := r/o.H, r%o.H
		for ix := 0; ix < o.W; ix++ {
			dst := dx[(r*o.W+ix)*C:][:C]
			if !acc {
				clear(dst)
			}
			for ky := 0; ky < o.k; ky++ {
				t := iy + o.pt - ky
				if t < 0 || t%o.s != 0 || t/o.s >= o.Ho {
					continue
				}
				oy := t / o.s
				for kx := 0; kx < o.k; kx++ {
					u := ix + o.pl - kx
					if u < 0 || u%o.s != 0 || u/o.s >= o.Wo {
						continue
					}
					ox := u / o.s
					src := dy[((n*o.Ho+oy)*o.Wo+ox)*C:][:C]
					w := wt[(ky*o.k+kx)*C:][:C]
					for c, v := range src {
						dst[c] += v * w[c]
					}
				}
			}
		}
	}
}

// dwBwdWGo adds the kernel gradient of channels [c0, c1) into acc
// (k*k*(c1-c0) values), walking every output position in order.
func dwBwdWGo(o dwGeom, dy, x, acc []float32, c0, c1 int) {
	C, cw := o.C, c1-c0
	for g := 0; g < o.N*o.Ho; g++ {
		n, oy := g/o.Ho, g%o.Ho
		for ox := 0; ox < o.Wo; ox++ {
			d := dy[(g*o.Wo+ox)*C+c0:][:cw]
			for ky := 0; ky < o.k; ky++ {
				iy := oy*o.s - o.pt + ky
				if iy < 0 || iy >= o.H {
					continue
				}
				for kx := 0; kx < o.k; kx++ {
					ix := ox*o.s - o.pl + kx
					if ix < 0 || ix >= o.W {
						continue
					}
					in := x[((n*o.H+iy)*o.W+ix)*C+c0:][:cw]
					a := acc[(ky*o.k+kx)*cw:][:cw]
					for c, v := range d {
						a[c] += v * in[c]
					}
				}
			}
		}
	}
}

// axpy3Go is y = a + m*b.
func axpy3Go(y, a, b []float32, m float32) {
	a, b = a[:len(y)], b[:len(y)]
	for i := range y {
		y[i] = a[i] + m*b[i]
	}
}

// scaleToGo is dst = m*src, or dst += m*src with acc.
func scaleToGo(dst, src []float32, m float32, acc bool) {
	src = src[:len(dst)]
	for i, v := range src {
		if acc {
			dst[i] += m * v
		} else {
			dst[i] = m * v
		}
	}
}

// rowMulGo is y[r][c] = x[r][c]*s[c] (or += with acc).
func rowMulGo(x, s, y []float32, rows, ch int, acc bool) {
	s = s[:ch]
	for r := 0; r < rows; r++ {
		in, out := x[r*ch:(r+1)*ch], y[r*ch:(r+1)*ch]
		for c, v := range in {
			if acc {
				out[c] += v * s[c]
			} else {
				out[c] = v * s[c]
			}
		}
	}
}

// rowDotGo adds sum_r x[r][c]*d[r][c] to out[c].
func rowDotGo(x, d, out []float32, rows, ch int) {
	out = out[:ch]
	for r := 0; r < rows; r++ {
		in, g := x[r*ch:(r+1)*ch], d[r*ch:(r+1)*ch]
		for c, v := range in {
			out[c] += v * g[c]
		}
	}
}

// rowSumGo adds sum_r x[r][c] to out[c].
func rowSumGo(x, out []float32, rows, ch int) {
	out = out[:ch]
	for r := 0; r < rows; r++ {
		for c, v := range x[r*ch : (r+1)*ch] {
			out[c] += v
		}
	}
}

// rowBcastGo is dx[r][c] = v[c] (or += with acc).
func rowBcastGo(v, dx []float32, rows, ch int, acc bool) {
	v = v[:ch]
	for r := 0; r < rows; r++ {
		out := dx[r*ch : (r+1)*ch]
		for c, u := range v {
			if acc {
				out[c] += u
			} else {
				out[c] = u
			}
		}
	}
}

// convGeom is the geometry of a convolution for im2col.
type convGeom struct{ H, W, cin, Ho, Wo, k, s, pt, pl int }

// im2colGo writes, for output rows g in [g0, g1) (g = n*Ho + oy), one row
// of k*k*cin input values per output position into col (which starts at
// row g0), zeros where the kernel overhangs the border.
func im2colGo(o convGeom, x, col []float32, g0, g1 int) {
	cin, k := o.cin, o.k
	K := k * k * cin
	for g := g0; g < g1; g++ {
		n, oy := g/o.Ho, g%o.Ho
		for ox := 0; ox < o.Wo; ox++ {
			dst := col[((g-g0)*o.Wo+ox)*K:][:K]
			for ky := 0; ky < k; ky++ {
				iy := oy*o.s - o.pt + ky
				row := dst[ky*k*cin:][:k*cin]
				if iy < 0 || iy >= o.H {
					clear(row)
					continue
				}
				base := (n*o.H + iy) * o.W
				for kx := 0; kx < k; kx++ {
					ix := ox*o.s - o.pl + kx
					seg := row[kx*cin:][:cin]
					if ix < 0 || ix >= o.W {
						clear(seg)
						continue
					}
					copy(seg, x[(base+ix)*cin:(base+ix+1)*cin])
				}
			}
		}
	}
}

// col2imGo adds into dx, for input rows r in [r0, r1) (r = n*H + iy), the
// column gradients of output rows [g0, g1) (dcol starts at row g0).
func col2imGo(o convGeom, dcol, dx []float32, g0, g1, r0, r1 int) {
	cin, k, s := o.cin, o.k, o.s
	K := k * k * cin
	for r := r0; r < r1; r++ {
		n, iy := r/o.H, r%o.H
		for ky := 0; ky < k; ky++ {
			t := iy + o.pt - ky
			if t < 0 || t%s != 0 {
				continue
			}
			oy := t / s
			if oy >= o.Ho {
				continue
			}
			g := n*o.Ho + oy
			if g < g0 || g >= g1 {
				continue
			}
			for ix := 0; ix < o.W; ix++ {
				dst := dx[(r*o.W+ix)*cin:][:cin]
				for kx := 0; kx < k; kx++ {
					u := ix + o.pl - kx
					if u < 0 || u%s != 0 {
						continue
					}
					ox := u / s
					if ox >= o.Wo {
						continue
					}
					src := dcol[((g-g0)*o.Wo+ox)*K+(ky*k+kx)*cin:][:cin]
					for c, v := range src {
						dst[c] += v
					}
				}
			}
		}
	}
}
