// Shared by the model engine's C kernels (cgo preambles include it).
#ifndef CURATE_SIMD_H
#define CURATE_SIMD_H
#include <string.h>
#include <stdint.h>

// target_clones is an x86 feature, switched on by the amd64 build
// constraint of the including file's #cgo line (-DCURATE_X86_CLONES);
// elsewhere (arm64) each loop is built once and GCC vectorises it for the
// baseline (NEON).
//
// The clones are chosen by the CPU the process runs on, whatever caps
// oneDNN (ONEDNN_MAX_CPU_ISA). To build the loops as a CPU without
// AVX-512 (or without AVX2) would run them, for measurements that model
// such a CPU on this one, CGO_CFLAGS=-DCURATE_X86_MAX=3 keeps only the
// x86-64-v3 (AVX2 + FMA) and default clones, CGO_CFLAGS=-DCURATE_X86_MAX=1
// only the default (SSE2) one: what an AVX-only or SSE4.1 CPU runs
// (GCC has no AVX-only or SSE4.1 x86-64 level). cKernelsLevel reports it.
#ifndef CURATE_X86_MAX
#define CURATE_X86_MAX 4
#endif
#if defined(CURATE_X86_CLONES) && CURATE_X86_MAX >= 4
#define CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#elif defined(CURATE_X86_CLONES) && CURATE_X86_MAX >= 3
#define CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define CLONES
#endif

// GCC's jump threading (-fthread-jumps, on from -O2) splits a loop over ex
// at each clamp into paths where x is the constant bound, folds ex of it,
// and the if-conversion that vectorises the loop then computes every path
// for every element and selects: for swish the x < -88 path is
// x * 6.05e-39, a subnormal for |x| < 2, so almost every vector takes the
// CPU's subnormal assist (the epilogue's z / 1.65e38 likewise). With the
// threading off the clamps stay selects on the input and each element
// runs one path. Where nothing is contracted (the SSE2 clone, the
// inference epilogues) each element's arithmetic is unchanged, and the Go
// definitions still match bit for bit where they did (TestInferKernels,
// TestActKernelsExtremes; 5 training steps on the SSE2 clone end on the
// same loss). kernels_native.go's AVX2 and AVX-512 clones fuse
// multiply-adds, and GCC now contracts a few differently: results move
// by an ulp or so (loss after 5 AVX2 steps 0.124327324 -> 0.124327146),
// within TestKernelsMatchReference's bound. BenchmarkActISA, one thread, 64K floats of
// N(0, 3), quiet window, this Zen 4, before -> after, ns an element:
//
//	clone             swish             swish grad        bn+swish          epilogue swish
//	default (SSE2)    4.0-5.0 -> 2.0    5.7-7.2 -> 2.3-2.7  6.3-6.7 -> 2.5-2.7  5.2-5.4 -> 2.0-2.1
//	x86-64-v3 (AVX2)  1.0-1.2 -> 0.5-0.6  1.6-1.8 -> 0.7-0.8  1.4-1.6 -> 0.6-0.7  2.5-2.7 -> 0.8-1.1
//	x86-64-v4         0.37-0.41 -> 0.35   0.48-0.55 -> 0.40   0.48 -> 0.40      0.60-0.64 -> 0.55-0.61
//
// (sigmoid, whose clamped paths are constants, and bn+swish backward's
// first pass, which the sums dominate, moved within the noise.)
#pragma GCC optimize("no-thread-jumps")

// ex is e^x, the same reduction and Cephes polynomial as expf in mathf.go.
static inline float ex(float x) {
	x = x > 88.0f ? 88.0f : x;
	x = x < -87.0f ? -87.0f : x;
	float t = x * 1.44269504088896341f;
	float r = (t + 12582912.0f) - 12582912.0f;
	int32_t n = (int32_t)r;
	x = x - r * 0.693359375f + r * 2.12194440e-4f;
	float z = x * x;
	float p = ((((1.9875691500e-4f * x + 1.3981999507e-3f) * x + 8.3334519073e-3f) * x + 4.1665795894e-2f) * x +
		   1.6666665459e-1f) * x + 5.0000001201e-1f;
	p = p * z + x + 1.0f;
	int32_t bits = (n + 127) << 23;
	float s;
	memcpy(&s, &bits, 4);
	return p * s;
}
#endif
