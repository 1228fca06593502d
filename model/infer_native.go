//go:build cgo && !noblas

package model

/*
#cgo CFLAGS: -O3 -std=c11
#cgo amd64 CFLAGS: -DCURATE_X86_CLONES
#cgo LDFLAGS: -lopenblas
#include <cblas.h>
// Inference epilogues of curate's model engine (infer_host.go): bias +
// activation (+ residual) on a block of a product's (or a depthwise
// convolution's) output while it is in cache, and a kernel scaled per input
// channel. infer_host.go holds the Go definition of each (epilogueGo,
// scaleRowsGo); TestInferKernels compares them.
// no-trapping-math (a pragma: cgo does not allow the flag) lets GCC
// if-convert ex's clamps and so vectorise the activations (without it:
// "control flow in loop", 6.5 ns per swish on this AMD EPYC); the
// arithmetic is unchanged (TestInferKernels: bit-identical to the Go loops).
#pragma GCC optimize("no-trapping-math")
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

// k_scale_rows is dst[k][c] = src[k][c] * s[k].
CLONES static void k_scale_rows(float *restrict dst, const float *restrict src, const float *restrict s, long rows,
				long C) {
	for (long k = 0; k < rows; k++) {
		float f = s[k];
		for (long c = 0; c < C; c++) dst[k * C + c] = src[k * C + c] * f;
	}
}
// k_scale_ch is x[r][c] *= s[c], in place.
CLONES static void k_scale_ch(float *restrict x, const float *restrict s, long rows, long C) {
	for (long r = 0; r < rows; r++)
		for (long c = 0; c < C; c++) x[r * C + c] *= s[c];
}
*/
import "C"

// cInferKernels are the vectorised C loops of the inference path.
func cInferKernels() *inferKernels {
	return &inferKernels{epilogue: epilogueC, scaleRows: scaleRowsC, scaleCh: scaleChC, vecMat: vecMatC}
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

func scaleRowsC(dst, src, s []float32, rows, ch int) {
	if rows*ch == 0 {
		return
	}
	_, _, _ = dst[rows*ch-1], src[rows*ch-1], s[rows-1]
	C.k_scale_rows(fp(dst), fp(src), fp(s), C.long(rows), C.long(ch))
}

func scaleChC(x, s []float32, rows, ch int) {
	if rows*ch == 0 {
		return
	}
	_, _ = x[rows*ch-1], s[ch-1]
	C.k_scale_ch(fp(x), fp(s), C.long(rows), C.long(ch))
}

// vecMatC is OpenBLAS's sgemv (one thread: setBLASThreads). For a product
// of one row its sgemm spends most of its time packing the kernel (a
// squeeze-and-excitation dense layer of one image ran at 5 GFLOP/s);
// sgemv streams the kernel once, as fast as a plain C loop measured
// (1248x52, 52x1248, 3136x56, 1408x224 from L3: 2.6-60 us, equal within
// noise), so the library's.
func vecMatC(y, x, w []float32, k, ch int) {
	if ch == 0 {
		return
	}
	if k == 0 {
		clear(y[:ch])
		return
	}
	_, _, _ = y[ch-1], x[k-1], w[k*ch-1]
	C.cblas_sgemv(C.CblasRowMajor, C.CblasTrans, C.blasint(k), C.blasint(ch), 1, fp(w), C.blasint(ch), fp(x), 1, 0, fp(y), 1)
}
