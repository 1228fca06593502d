//go:build cgo && !noblas

package model

/*
#cgo CFLAGS: -O3 -std=c11
#cgo amd64 CFLAGS: -DCURATE_X86_CLONES
// Inference epilogues of curate's model engine (infer_host.go): bias +
// activation (+ residual) on a block of a product's output while it is in
// cache, and the depthwise convolution with its folded batch norm and
// activation. infer_host.go holds the Go definition of each (epilogueGo,
// dwFwdEpGo, scaleRowsGo); TestInferKernels compares them.
// curate_simd.h has CLONES and ex (e^x as mathf.go's expf), so that the
// epilogue's activations are the training graph's. (kernels_native.go still
// has its own copy of both: it is another developer's file this session.)
#include "curate_simd.h"

// Activation kinds, as actKind numbers them.
enum { A_NONE = 0, A_SWISH = 1, A_SIGMOID = 2, A_LEAKY = 3 };

// ep_row is one row of the epilogue: o[c] = act(o[c] + bias[c]) + res[c].
static inline void ep_row(float *restrict o, long C, const float *restrict bias, int act, const float *restrict res) {
	if (bias)
		for (long c = 0; c < C; c++) o[c] += bias[c];
	switch (act) {
	case A_SWISH:
		for (long c = 0; c < C; c++) o[c] = o[c] / (1.0f + ex(-o[c]));
		break;
	case A_SIGMOID:
		for (long c = 0; c < C; c++) o[c] = 1.0f / (1.0f + ex(-o[c]));
		break;
	case A_LEAKY:
		for (long c = 0; c < C; c++) o[c] = o[c] < 0 ? o[c] * 0.2f : o[c];
		break;
	}
	if (res)
		for (long c = 0; c < C; c++) o[c] += res[c];
}

CLONES static void k_epilogue(float *restrict y, long rows, long C, const float *restrict bias, int act,
			      const float *restrict res) {
	for (long r = 0; r < rows; r++) ep_row(y + r * C, C, bias, act, res ? res + r * C : NULL);
}

// k_dw_fwd_ep computes output rows g in [g0, g1) (g = n*Ho + oy) of
// act(depthwise(x, w) + bias), each output pixel finished while in cache.
CLONES static void k_dw_fwd_ep(const float *restrict x, const float *restrict w, const float *restrict bias,
			       float *restrict y, long H, long W, long C, long Ho, long Wo, long k, long s, long pt,
			       long pl, long g0, long g1, int act) {
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
			ep_row(out, C, bias, act, NULL);
		}
	}
}

// k_scale_rows is dst[k][c] = src[k][c] * s[k].
CLONES static void k_scale_rows(float *restrict dst, const float *restrict src, const float *restrict s, long rows,
				long C) {
	for (long k = 0; k < rows; k++) {
		float f = s[k];
		for (long c = 0; c < C; c++) dst[k * C + c] = src[k * C + c] * f;
	}
}
*/
import "C"

// cInferKernels are the vectorised C loops of the inference path.
func cInferKernels() *inferKernels {
	return &inferKernels{epilogue: epilogueC, dwFwd: dwFwdEpC, scaleRows: scaleRowsC}
}

func epilogueC(y []float32, rows, ch int, bias []float32, act actKind, res []float32) {
	if rows*ch == 0 {
		return
	}
	_ = y[rows*ch-1]
	if bias != nil {
		_ = bias[ch-1]
	}
	if res != nil {
		_ = res[rows*ch-1]
	}
	C.k_epilogue(fp(y), C.long(rows), C.long(ch), fp(bias), C.int(act), fp(res))
}

func dwFwdEpC(o dwGeom, x, wt, bias, y []float32, act actKind, g0, g1 int) {
	if g1 <= g0 {
		return
	}
	_, _, _ = x[o.N*o.H*o.W*o.C-1], y[o.N*o.Ho*o.Wo*o.C-1], wt[o.k*o.k*o.C-1]
	if bias != nil {
		_ = bias[o.C-1]
	}
	C.k_dw_fwd_ep(fp(x), fp(wt), fp(bias), fp(y), C.long(o.H), C.long(o.W), C.long(o.C), C.long(o.Ho), C.long(o.Wo),
		C.long(o.k), C.long(o.s), C.long(o.pt), C.long(o.pl), C.long(g0), C.long(g1), C.int(act))
}

func scaleRowsC(dst, src, s []float32, rows, ch int) {
	if rows*ch == 0 {
		return
	}
	_, _, _ = dst[rows*ch-1], src[rows*ch-1], s[rows-1]
	C.k_scale_rows(fp(dst), fp(src), fp(s), C.long(rows), C.long(ch))
}
