//go:build cgo && !noblas

package model

/*
#cgo CFLAGS: -O3 -std=c11
#cgo amd64 CFLAGS: -DCURATE_X86_CLONES
// Element-wise and depthwise kernels of curate's model engine. Each loop runs over channels innermost so GCC vectorises it; on x86-64 the
// target_clones attribute builds AVX-512, AVX2 and baseline versions and
// picks one at load time. kernels_go.go holds the Go reference of every
// function here (same names without the k_ prefix); tests compare them.
#include <string.h>
#include <stdint.h>

// GCC leaves loops with comparisons (the clamps of ex) unvectorised while it
// must assume that floating-point operations may trap; no kernel here reads
// the FP exception flags, so that assumption is dropped (cgo does not allow
// -fno-trapping-math as a flag). Results do not change: it only lets the
// swish, sigmoid and exp loops run vectorised (measured: bn+swish apply
// went from scalar vdivss to 8-wide AVX2).
#pragma GCC optimize("no-trapping-math")

// -std=c11 turns off the contraction of a*b + c into one fused
// multiply-add; it is turned back on for these loops. The swish and
// sigmoid loops are latency-bound chains of multiplies and adds (ex's
// polynomial): fused, bn+swish apply went from 2.4-2.9 to 1.6-1.9 ns an
// element single-threaded (L2-resident, Zen AVX2), its backward from
// 2.3-3.0 to 2.0-2.5. Results move by an ulp or so against the Go
// reference (TestKernelsMatchReference's tolerance); they stay a
// function of the shape, whatever the thread count.
#pragma GCC optimize("fp-contract=fast")

// curate_simd.h has CLONES (target_clones on amd64) and ex (e^x as
// mathf.go's expf), shared with infer_native.go.
#include "curate_simd.h"

// The per-channel sums of k_bn_stats and k_bn_back1 take rows four at a
// time: each channel's running sums are loaded and stored once per four
// rows instead of once per row (a store and reload on every add's chain),
// and still add the rows one after another, so the sums are the same
// numbers in the same order (bnStatsGo's, bnBack1Go's). BenchmarkActISA
// (quiet window, 64K floats, one thread): batch norm's statistics 0.34-0.36
// -> 0.25-0.26 ns an element on SSE2, 0.13-0.145 -> 0.11-0.13 on AVX2,
// 0.138 -> 0.113-0.122 on AVX-512; from memory (4M floats) unchanged;
// bn+swish backward's first pass within the noise on SSE2 and AVX2,
// 0.77-0.81 -> 0.69-0.73 on AVX-512.
CLONES static void k_bn_stats(const float *restrict x, long rows, long C, double *restrict sum, double *restrict sq) {
	long r = 0;
	for (; r + 4 <= rows; r += 4) {
		const float *x0 = x + r * C, *x1 = x0 + C, *x2 = x1 + C, *x3 = x2 + C;
		for (long c = 0; c < C; c++) {
			double v0 = x0[c], v1 = x1[c], v2 = x2[c], v3 = x3[c];
			double s = sum[c], q = sq[c];
			s += v0;
			q += v0 * v0;
			s += v1;
			q += v1 * v1;
			s += v2;
			q += v2 * v2;
			s += v3;
			q += v3 * v3;
			sum[c] = s;
			sq[c] = q;
		}
	}
	for (; r < rows; r++) {
		const float *xi = x + r * C;
		for (long c = 0; c < C; c++) {
			double v = xi[c];
			sum[c] += v;
			sq[c] += v * v;
		}
	}
}

CLONES static void k_bn_apply(const float *restrict x, float *restrict y, long rows, long C, const float *restrict scale,
		       const float *restrict shift, int swish) {
	for (long r = 0; r < rows; r++) {
		const float *xi = x + r * C;
		float *yo = y + r * C;
		if (swish) {
			// z * (1/(1+e)), not z/(1+e): with ex's clamps if-converted GCC
			// computes z/(1+e) twice (once for the clamped constant), and
			// the second division cost 30% of this loop; the result is
			// within an ulp of the quotient.
			for (long c = 0; c < C; c++) {
				float z = xi[c] * scale[c] + shift[c];
				yo[c] = z * (1.0f / (1.0f + ex(-z)));
			}
		} else {
			for (long c = 0; c < C; c++) yo[c] = xi[c] * scale[c] + shift[c];
		}
	}
}

// bn_swish_grad is d *= swish'(x*scale + shift) over one row.
static inline void bn_swish_grad(const float *restrict xi, float *restrict dr, long C, const float *restrict scale,
				 const float *restrict shift) {
	for (long c = 0; c < C; c++) {
		float z = xi[c] * scale[c] + shift[c];
		float s = 1.0f / (1.0f + ex(-z));
		dr[c] *= s * (1.0f + z * (1.0f - s));
	}
}

// bn_swish_grad_y is bn_swish_grad with the sigmoid taken from the
// forward's output y = z*s(z) instead of e^x: s = y/z (one division, no
// exponential), and swish'(z) = s + z*s*(1-s) = s + y*(1-s). Where
// |z| < 2^-60 the quotient would lose bits (z*s can be subnormal, 0/0 at
// z = 0) and s = 1/2 instead (s(z) = 1/2 + z/4 + ..., exact in float32
// there). Elsewhere s is y/z to within the roundings of y and the
// quotient (a few ulps): the gradient differs from bn_swish_grad's by
// about z times float32's epsilon, the size of the error that one already
// carries in 1-s. The division is IEEE's correctly rounded one (no
// reciprocal estimate, which differs between CPU makers), so results are
// a function of the inputs and the clone, whatever the thread count.
// BenchmarkBNSwishBack1 (this first pass, one thread, Xeon model 207,
// quiet window, 300 pairs): AVX2 clone 1.36 -> 0.72 ns an element on 64K
// floats (1.9x), 1.39 -> 1.07 from memory (4M, 1.3x); AVX-512 clone
// 0.86 -> 0.51 (1.7x) and 1.05 -> 1.05 (memory-bound either way).
static inline void bn_swish_grad_y(const float *restrict xi, const float *restrict yi, float *restrict dr, long C,
				   const float *restrict scale, const float *restrict shift) {
	for (long c = 0; c < C; c++) {
		float z = xi[c] * scale[c] + shift[c];
		float y = yi[c];
		float az = z < 0 ? -z : z;
		float s = az < 8.67361738e-19f ? 0.5f : y / z;
		dr[c] *= s + y * (1.0f - s);
	}
}

// k_bn_back1 turns d into the gradient before batch norm's swish (when
// swish) and adds the per-channel sums of d and d*x; y, when not NULL, is
// the forward's swish output and the sigmoid comes from it
// (bn_swish_grad_y) instead of e^x (bn_swish_grad).
CLONES static void k_bn_back1(const float *restrict x, const float *restrict y, float *restrict d, long rows, long C,
			      const float *restrict scale, const float *restrict shift, int swish, double *restrict sd,
			      double *restrict sdx) {
	long r = 0;
	for (; r + 4 <= rows; r += 4) {
		const float *x0 = x + r * C, *x1 = x0 + C, *x2 = x1 + C, *x3 = x2 + C;
		float *d0 = d + r * C, *d1 = d0 + C, *d2 = d1 + C, *d3 = d2 + C;
		if (swish && y)
			for (long j = 0; j < 4; j++) bn_swish_grad_y(x0 + j * C, y + (r + j) * C, d0 + j * C, C, scale, shift);
		else if (swish)
			for (long j = 0; j < 4; j++) bn_swish_grad(x0 + j * C, d0 + j * C, C, scale, shift);
		for (long c = 0; c < C; c++) {
			double g0 = d0[c], g1 = d1[c], g2 = d2[c], g3 = d3[c];
			double s = sd[c], q = sdx[c];
			s += g0;
			q += g0 * (double)x0[c];
			s += g1;
			q += g1 * (double)x1[c];
			s += g2;
			q += g2 * (double)x2[c];
			s += g3;
			q += g3 * (double)x3[c];
			sd[c] = s;
			sdx[c] = q;
		}
	}
	for (; r < rows; r++) {
		const float *xi = x + r * C;
		float *dr = d + r * C;
		if (swish && y)
			bn_swish_grad_y(xi, y + r * C, dr, C, scale, shift);
		else if (swish)
			bn_swish_grad(xi, dr, C, scale, shift);
		for (long c = 0; c < C; c++) {
			double g = dr[c];
			sd[c] += g;
			sdx[c] += g * (double)xi[c];
		}
	}
}

CLONES static void k_bn_back2(const float *restrict x, const float *restrict d, float *restrict dx, long rows, long C,
		       const float *restrict A, const float *restrict B, const float *restrict Cc, int acc) {
	for (long r = 0; r < rows; r++) {
		const float *xi = x + r * C, *dr = d + r * C;
		float *o = dx + r * C;
		if (acc)
			for (long c = 0; c < C; c++) o[c] += A[c] * dr[c] + B[c] * xi[c] + Cc[c];
		else
			for (long c = 0; c < C; c++) o[c] = A[c] * dr[c] + B[c] * xi[c] + Cc[c];
	}
}

// k_dw_fwd computes output rows g in [g0, g1) (g = n*Ho + oy) of a depthwise
// convolution.
CLONES static void k_dw_fwd(const float *restrict x, const float *restrict w, float *restrict y, long H, long W, long C,
		     long Ho, long Wo, long k, long s, long pt, long pl, long g0, long g1) {
	for (long g = g0; g < g1; g++) {
		long n = g / Ho, oy = g % Ho;
		for (long ox = 0; ox < Wo; ox++) {
			float *out = y + (g * Wo + ox) * C;
			for (long c = 0; c < C; c++) out[c] = 0;
			for (long ky = 0; ky < k; ky++) {
				long iy = oy * s - pt + ky;
				if (iy < 0 || iy >= H) continue;
				for (long kx = 0; kx < k; kx++) {
					long ix = ox * s - pl + kx;
					if (ix < 0 || ix >= W) continue;
					const float *in = x + ((n * H + iy) * W + ix) * C;
					const float *wk = w + (ky * k + kx) * C;
					for (long c = 0; c < C; c++) out[c] += in[c] * wk[c];
				}
			}
		}
	}
}

// k_dw_bwd_dx gathers the input gradient of input rows r in [r0, r1)
// (r = n*H + iy).
CLONES static void k_dw_bwd_dx(const float *restrict dy, const float *restrict w, float *restrict dx, long H, long W,
			long C, long Ho, long Wo, long k, long s, long pt, long pl, long r0, long r1, int acc) {
	for (long r = r0; r < r1; r++) {
		long n = r / H, iy = r % H;
		for (long ix = 0; ix < W; ix++) {
			float *dst = dx + (r * W + ix) * C;
			if (!acc)
				for (long c = 0; c < C; c++) dst[c] = 0;
			for (long ky = 0; ky < k; ky++) {
				long t = iy + pt - ky;
				if (t < 0 || t % s != 0 || t / s >= Ho) continue;
				long oy = t / s;
				for (long kx = 0; kx < k; kx++) {
					long u = ix + pl - kx;
					if (u < 0 || u % s != 0 || u / s >= Wo) continue;
					long ox = u / s;
					const float *src = dy + ((n * Ho + oy) * Wo + ox) * C;
					const float *wk = w + (ky * k + kx) * C;
					for (long c = 0; c < C; c++) dst[c] += src[c] * wk[c];
				}
			}
		}
	}
}

// k_dw_bwd_w accumulates the kernel gradient of channels [c0, c1) into acc
// (k*k*(c1-c0) values), walking every output position in order.
CLONES static void k_dw_bwd_w(const float *restrict dy, const float *restrict x, float *restrict acc, long N, long H,
		       long W, long C, long Ho, long Wo, long k, long s, long pt, long pl, long c0, long c1) {
	long cw = c1 - c0;
	for (long g = 0; g < N * Ho; g++) {
		long n = g / Ho, oy = g % Ho;
		for (long ox = 0; ox < Wo; ox++) {
			const float *d = dy + (g * Wo + ox) * C + c0;
			for (long ky = 0; ky < k; ky++) {
				long iy = oy * s - pt + ky;
				if (iy < 0 || iy >= H) continue;
				for (long kx = 0; kx < k; kx++) {
					long ix = ox * s - pl + kx;
					if (ix < 0 || ix >= W) continue;
					const float *in = x + ((n * H + iy) * W + ix) * C + c0;
					float *a = acc + (ky * k + kx) * cw;
					for (long c = 0; c < cw; c++) a[c] += d[c] * in[c];
				}
			}
		}
	}
}

// k_axpy3 is y = a + m*b.
CLONES static void k_axpy3(float *restrict y, const float *restrict a, const float *restrict b, float m, long n) {
	for (long i = 0; i < n; i++) y[i] = a[i] + m * b[i];
}

// k_scale_to is dst = m*src, or dst += m*src with acc.
CLONES static void k_scale_to(float *restrict dst, const float *restrict src, float m, long n, int acc) {
	if (acc)
		for (long i = 0; i < n; i++) dst[i] += m * src[i];
	else
		for (long i = 0; i < n; i++) dst[i] = m * src[i];
}

// k_rowmul is y[r][c] = x[r][c]*s[c] (or += with acc).
CLONES static void k_rowmul(const float *restrict x, const float *restrict s, float *restrict y, long rows, long C, int acc) {
	for (long r = 0; r < rows; r++) {
		const float *xi = x + r * C;
		float *yo = y + r * C;
		if (acc)
			for (long c = 0; c < C; c++) yo[c] += xi[c] * s[c];
		else
			for (long c = 0; c < C; c++) yo[c] = xi[c] * s[c];
	}
}

// k_rowdot adds sum_r x[r][c]*d[r][c] to out[c].
CLONES static void k_rowdot(const float *restrict x, const float *restrict d, float *restrict out, long rows, long C) {
	for (long r = 0; r < rows; r++) {
		const float *xi = x + r * C, *di = d + r * C;
		for (long c = 0; c < C; c++) out[c] += xi[c] * di[c];
	}
}

// k_rowsum adds sum_r x[r][c] to out[c].
CLONES static void k_rowsum(const float *restrict x, float *restrict out, long rows, long C) {
	for (long r = 0; r < rows; r++) {
		const float *xi = x + r * C;
		for (long c = 0; c < C; c++) out[c] += xi[c];
	}
}

// k_rowbcast is dx[r][c] = v[c] (or += with acc).
CLONES static void k_rowbcast(const float *restrict v, float *restrict dx, long rows, long C, int acc) {
	for (long r = 0; r < rows; r++) {
		float *o = dx + r * C;
		if (acc)
			for (long c = 0; c < C; c++) o[c] += v[c];
		else
			for (long c = 0; c < C; c++) o[c] = v[c];
	}
}

// k_act is y = act(x) for act 1 (swish), 2 (sigmoid), 3 (leaky ReLU,
// slope 0.2), else a copy; actC maps actKind to these numbers. The leaky
// ReLU is a select, not a branch: as Go's branch on a random sign it ran
// 5-8 ns an element (mispredictions), more than the Gram modules' 1x1
// convolutions it follows.
CLONES static void k_act(const float *restrict x, float *restrict y, long n, int act) {
	switch (act) {
	case 1:
		for (long i = 0; i < n; i++) y[i] = x[i] * (1.0f / (1.0f + ex(-x[i])));
		break;
	case 2:
		for (long i = 0; i < n; i++) y[i] = 1.0f / (1.0f + ex(-x[i]));
		break;
	case 3:
		for (long i = 0; i < n; i++) y[i] = x[i] < 0 ? x[i] * 0.2f : x[i];
		break;
	default:
		memcpy(y, x, n * sizeof(float));
	}
}

static inline float act_grad(float x, float y, float dy, int act) {
	switch (act) {
	case 1: {
		float s = 1.0f / (1.0f + ex(-x));
		return dy * s * (1.0f + x * (1.0f - s));
	}
	case 2:
		return dy * y * (1.0f - y);
	case 3:
		return x < 0 ? dy * 0.2f : dy;
	}
	return dy;
}

// k_act_back is dx = dy * act'(x) (dx += with acc); y = act(x). One loop
// per activation so each vectorises.
CLONES static void k_act_back(const float *restrict x, const float *restrict y, const float *restrict dy,
			      float *restrict dx, long n, int act, int acc) {
#define ACT_LOOP(A)                                                                   \
	if (acc)                                                                      \
		for (long i = 0; i < n; i++) dx[i] += act_grad(x[i], y[i], dy[i], A); \
	else                                                                          \
		for (long i = 0; i < n; i++) dx[i] = act_grad(x[i], y[i], dy[i], A);  \
	break;
	switch (act) {
	case 1: ACT_LOOP(1)
	case 2: ACT_LOOP(2)
	case 3: ACT_LOOP(3)
	default: ACT_LOOP(0)
	}
#undef ACT_LOOP
}

CLONES static void k_im2col(const float *restrict x, float *restrict col, long H, long W, long cin, long Ho, long Wo,
			    long k, long s, long pt, long pl, long g0, long g1) {
	long K = k * k * cin;
	for (long g = g0; g < g1; g++) {
		long n = g / Ho, oy = g % Ho;
		for (long ox = 0; ox < Wo; ox++) {
			float *dst = col + ((g - g0) * Wo + ox) * K;
			long ix0 = ox * s - pl;
			for (long ky = 0; ky < k; ky++) {
				long iy = oy * s - pt + ky;
				float *row = dst + ky * k * cin;
				if (iy < 0 || iy >= H) {
					memset(row, 0, sizeof(float) * k * cin);
					continue;
				}
				const float *src = x + (n * H + iy) * W * cin;
				if (ix0 >= 0 && ix0 + k <= W) {
					memcpy(row, src + ix0 * cin, sizeof(float) * k * cin);
					continue;
				}
				for (long kx = 0; kx < k; kx++) {
					long ix = ix0 + kx;
					if (ix < 0 || ix >= W)
						memset(row + kx * cin, 0, sizeof(float) * cin);
					else
						memcpy(row + kx * cin, src + ix * cin, sizeof(float) * cin);
				}
			}
		}
	}
}

CLONES static void k_col2im(const float *restrict dcol, float *restrict dx, long H, long W, long cin, long Ho, long Wo,
			    long k, long s, long pt, long pl, long g0, long g1, long r0, long r1) {
	long K = k * k * cin;
	for (long r = r0; r < r1; r++) {
		long n = r / H, iy = r % H;
		for (long ky = 0; ky < k; ky++) {
			long t = iy + pt - ky;
			if (t < 0 || t % s != 0) continue;
			long oy = t / s;
			if (oy >= Ho) continue;
			long g = n * Ho + oy;
			if (g < g0 || g >= g1) continue;
			for (long ix = 0; ix < W; ix++) {
				float *dst = dx + (r * W + ix) * cin;
				for (long kx = 0; kx < k; kx++) {
					long u = ix + pl - kx;
					if (u < 0 || u % s != 0) continue;
					long ox = u / s;
					if (ox >= Wo) continue;
					const float *src = dcol + ((g - g0) * Wo + ox) * K + (ky * k + kx) * cin;
					for (long c = 0; c < cin; c++) dst[c] += src[c];
				}
			}
		}
	}
}
*/
import "C"

import "unsafe"

// cKernels are the vectorised C loops with OpenBLAS's product.
func cKernels() *kernels {
	return &kernels{name: "c", blas: "openblas", gemm: gemmBLAS,
		bnStats: bnStatsC, bnApply: bnApplyC, bnBack1: bnBack1C, bnBack2: bnBack2C,
		dwFwd: dwFwdC, dwBwdDx: dwBwdDxC, dwBwdW: dwBwdWC,
		axpy3: axpy3C, scaleTo: scaleToC, rowMul: rowMulC, rowDot: rowDotC, rowSum: rowSumC, rowBcast: rowBcastC,
		act: actC, actBack: actBackC, adagrad: adagradNative, im2col: im2colC, col2im: col2imC}
}

func fp(s []float32) *C.float {
	if len(s) == 0 {
		return nil
	}
	return (*C.float)(unsafe.Pointer(&s[0]))
}

func dp(s []float64) *C.double { return (*C.double)(unsafe.Pointer(&s[0])) }

func cb(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

func bnStatsC(x []float32, rows, ch int, sum, sq []float64) {
	if rows*ch == 0 {
		return
	}
	_, _ = x[rows*ch-1], sq[ch-1]
	C.k_bn_stats(fp(x), C.long(rows), C.long(ch), dp(sum), dp(sq))
}

func bnApplyC(x, y []float32, rows, ch int, scale, shift []float32, swish bool) {
	if rows*ch == 0 {
		return
	}
	_, _, _ = x[rows*ch-1], y[rows*ch-1], shift[ch-1]
	C.k_bn_apply(fp(x), fp(y), C.long(rows), C.long(ch), fp(scale), fp(shift), cb(swish))
}

// bnBack1C is k_bn_back1 with swish's sigmoid taken from the forward's
// output y (bn_swish_grad_y) when y is given; bnBack1ExpC takes it from
// e^x (bn_swish_grad) whatever y. The cpu backend's kernels use bnBack1C;
// bnBack1ExpC is the kernel before that change, which tests and paired
// benchmarks put in a kernels value of their own (no global switches it).
func bnBack1C(x, y, d []float32, rows, ch int, scale, shift []float32, swish bool, sd, sdx []float64) {
	bnBack1Native(x, y, d, rows, ch, scale, shift, swish, sd, sdx)
}

func bnBack1ExpC(x, _, d []float32, rows, ch int, scale, shift []float32, swish bool, sd, sdx []float64) {
	bnBack1Native(x, nil, d, rows, ch, scale, shift, swish, sd, sdx)
}

func bnBack1Native(x, y, d []float32, rows, ch int, scale, shift []float32, swish bool, sd, sdx []float64) {
	if rows*ch == 0 {
		return
	}
	_, _, _, _ = x[rows*ch-1], d[rows*ch-1], shift[ch-1], sdx[ch-1]
	var yp *C.float
	if swish && y != nil {
		_ = y[rows*ch-1]
		yp = fp(y)
	}
	C.k_bn_back1(fp(x), yp, fp(d), C.long(rows), C.long(ch), fp(scale), fp(shift), cb(swish), dp(sd), dp(sdx))
}

func bnBack2C(x, d, dx []float32, rows, ch int, A, B, Cc []float32, acc bool) {
	if rows*ch == 0 {
		return
	}
	_, _, _, _ = x[rows*ch-1], d[rows*ch-1], dx[rows*ch-1], Cc[ch-1]
	C.k_bn_back2(fp(x), fp(d), fp(dx), C.long(rows), C.long(ch), fp(A), fp(B), fp(Cc), cb(acc))
}

func dwFwdC(o dwGeom, x, wt, y []float32, g0, g1 int) {
	if g1 <= g0 {
		return
	}
	_, _, _ = x[o.N*o.H*o.W*o.C-1], y[o.N*o.Ho*o.Wo*o.C-1], wt[o.k*o.k*o.C-1]
	C.k_dw_fwd(fp(x), fp(wt), fp(y), C.long(o.H), C.long(o.W), C.long(o.C), C.long(o.Ho), C.long(o.Wo),
		C.long(o.k), C.long(o.s), C.long(o.pt), C.long(o.pl), C.long(g0), C.long(g1))
}

func dwBwdDxC(o dwGeom, dy, wt, dx []float32, r0, r1 int, acc bool) {
	if r1 <= r0 {
		return
	}
	_, _, _ = dx[o.N*o.H*o.W*o.C-1], dy[o.N*o.Ho*o.Wo*o.C-1], wt[o.k*o.k*o.C-1]
	C.k_dw_bwd_dx(fp(dy), fp(wt), fp(dx), C.long(o.H), C.long(o.W), C.long(o.C), C.long(o.Ho), C.long(o.Wo),
		C.long(o.k), C.long(o.s), C.long(o.pt), C.long(o.pl), C.long(r0), C.long(r1), cb(acc))
}

func dwBwdWC(o dwGeom, dy, x, acc []float32, c0, c1 int) {
	if c1 <= c0 {
		return
	}
	_, _, _ = x[o.N*o.H*o.W*o.C-1], dy[o.N*o.Ho*o.Wo*o.C-1], acc[o.k*o.k*(c1-c0)-1]
	C.k_dw_bwd_w(fp(dy), fp(x), fp(acc), C.long(o.N), C.long(o.H), C.long(o.W), C.long(o.C), C.long(o.Ho),
		C.long(o.Wo), C.long(o.k), C.long(o.s), C.long(o.pt), C.long(o.pl), C.long(c0), C.long(c1))
}

func axpy3C(y, a, b []float32, m float32) {
	if len(y) == 0 {
		return
	}
	_, _ = a[len(y)-1], b[len(y)-1]
	C.k_axpy3(fp(y), fp(a), fp(b), C.float(m), C.long(len(y)))
}

func scaleToC(dst, src []float32, m float32, acc bool) {
	if len(dst) == 0 {
		return
	}
	_ = src[len(dst)-1]
	C.k_scale_to(fp(dst), fp(src), C.float(m), C.long(len(dst)), cb(acc))
}

func rowMulC(x, s, y []float32, rows, ch int, acc bool) {
	if rows*ch == 0 {
		return
	}
	_, _, _ = x[rows*ch-1], y[rows*ch-1], s[ch-1]
	C.k_rowmul(fp(x), fp(s), fp(y), C.long(rows), C.long(ch), cb(acc))
}

func rowDotC(x, d, out []float32, rows, ch int) {
	if rows*ch == 0 {
		return
	}
	_, _, _ = x[rows*ch-1], d[rows*ch-1], out[ch-1]
	C.k_rowdot(fp(x), fp(d), fp(out), C.long(rows), C.long(ch))
}

func rowSumC(x, out []float32, rows, ch int) {
	if rows*ch == 0 {
		return
	}
	_, _ = x[rows*ch-1], out[ch-1]
	C.k_rowsum(fp(x), fp(out), C.long(rows), C.long(ch))
}

func rowBcastC(v, dx []float32, rows, ch int, acc bool) {
	if rows*ch == 0 {
		return
	}
	_, _ = dx[rows*ch-1], v[ch-1]
	C.k_rowbcast(fp(v), fp(dx), C.long(rows), C.long(ch), cb(acc))
}

// cAct is a's number in k_act and k_act_back.
func cAct(a actKind) C.int {
	switch a {
	case actSwish:
		return 1
	case actSigmoid:
		return 2
	case actLeaky:
		return 3
	}
	return 0
}

func actC(x, y []float32, a actKind) {
	if len(x) == 0 {
		return
	}
	_ = y[len(x)-1]
	C.k_act(fp(x), fp(y), C.long(len(x)), cAct(a))
}

func actBackC(x, y, dy, dx []float32, a actKind, acc bool) {
	if len(x) == 0 {
		return
	}
	_, _, _ = y[len(x)-1], dy[len(x)-1], dx[len(x)-1]
	C.k_act_back(fp(x), fp(y), fp(dy), fp(dx), C.long(len(x)), cAct(a), cb(acc))
}

func im2colC(o convGeom, x, col []float32, g0, g1 int) {
	if g1 <= g0 {
		return
	}
	_ = col[(g1-g0)*o.Wo*o.k*o.k*o.cin-1]
	_ = x[(g1-1)/o.Ho*o.H*o.W*o.cin+o.H*o.W*o.cin-1]
	C.k_im2col(fp(x), fp(col), C.long(o.H), C.long(o.W), C.long(o.cin), C.long(o.Ho), C.long(o.Wo),
		C.long(o.k), C.long(o.s), C.long(o.pt), C.long(o.pl), C.long(g0), C.long(g1))
}

func col2imC(o convGeom, dcol, dx []float32, g0, g1, r0, r1 int) {
	if r1 <= r0 || g1 <= g0 {
		return
	}
	_ = dcol[(g1-g0)*o.Wo*o.k*o.k*o.cin-1]
	_ = dx[r1*o.W*o.cin-1]
	C.k_col2im(fp(dcol), fp(dx), C.long(o.H), C.long(o.W), C.long(o.cin), C.long(o.Ho), C.long(o.Wo),
		C.long(o.k), C.long(o.s), C.long(o.pt), C.long(o.pl), C.long(g0), C.long(g1), C.long(r0), C.long(r1))
}
