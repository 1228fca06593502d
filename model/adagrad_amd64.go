//go:build cgo && !noblas && amd64

package model

/*
#cgo CFLAGS: -O3 -std=c11
#include <immintrin.h>
#include "curate_simd.h"

// Adagrad's update in AVX-512 or AVX2 (chosen at load time), with the
// roundings of adagradGo: no fused multiply-add (-std=c11 leaves
// contraction off and this file does not turn it on, unlike
// kernels_native.go), and the vector square roots are correctly rounded,
// as float32(math.Sqrt(float64(a))) is; so the bits are Go's
// (TestAdagradKernels). Written with intrinsics because GCC vectorises
// sqrtf only with -fno-math-errno, which cgo does not accept and
// GCC 12's optimize pragma and attribute do not set. CPUs without AVX2
// take SSE2 (every x86-64 has it: 4 lanes), the tail the scalar SSE square
// root. Like the C kernels' clones, the level honours CURATE_X86_MAX
// (curate_simd.h), so a build that models an AVX2 CPU (=3) or an AVX or
// SSE4.1 one (=1) runs that CPU's loop here too.

static void ka_tail(float *w, const float *g, float *acc, long i, long n, float lr, float eps) {
	for (; i < n; i++) {
		float a = acc[i] + g[i] * g[i];
		acc[i] = a;
		w[i] -= lr * g[i] / (_mm_cvtss_f32(_mm_sqrt_ss(_mm_set_ss(a))) + eps);
	}
}

// KA_LOOP defines name: the update W lanes at a time with the intrinsics
// of prefix P (_mm512, _mm256, _mm) on vectors of type V, then ka_tail.
#define KA_LOOP(name, attr, V, W, P)                                                              \
	attr static void name(float *w, const float *g, float *acc, long n, float lr, float eps) {    \
		V vlr = P##_set1_ps(lr), veps = P##_set1_ps(eps);                                      \
		long i = 0;                                                                            \
		for (; i + W <= n; i += W) {                                                           \
			V gv = P##_loadu_ps(g + i);                                                    \
			V a = P##_add_ps(P##_loadu_ps(acc + i), P##_mul_ps(gv, gv));                   \
			P##_storeu_ps(acc + i, a);                                                     \
			V d = P##_div_ps(P##_mul_ps(vlr, gv), P##_add_ps(P##_sqrt_ps(a), veps));       \
			P##_storeu_ps(w + i, P##_sub_ps(P##_loadu_ps(w + i), d));                      \
		}                                                                                      \
		ka_tail(w, g, acc, i, n, lr, eps);                                                     \
	}

KA_LOOP(ka_512, __attribute__((target("avx512f"))), __m512, 16, _mm512)
KA_LOOP(ka_256, __attribute__((target("avx2"))), __m256, 8, _mm256)
KA_LOOP(ka_128, , __m128, 4, _mm)

// ka_level is the best loop here: 2 (AVX-512), 1 (AVX2) or 0 (SSE2).
static int ka_level(void) {
	static int level = -1;
	if (level < 0) {
		__builtin_cpu_init();
		level = CURATE_X86_MAX >= 4 && __builtin_cpu_supports("avx512f") ? 2
			: CURATE_X86_MAX >= 3 && __builtin_cpu_supports("avx2") ? 1 : 0;
	}
	return level;
}

// k_adagrad_at runs the loop of the given level (at most ka_level()).
static void k_adagrad_at(int level, float *w, const float *g, float *acc, long n, float lr, float eps) {
	if (level == 2) ka_512(w, g, acc, n, lr, eps);
	else if (level == 1) ka_256(w, g, acc, n, lr, eps);
	else ka_128(w, g, acc, n, lr, eps);
}
*/
import "C"

// adagradNative is adagradGo in C (4-16 lanes); the cpu backend's
// optimiser.
func adagradNative(w, g, acc []float32, lr, eps float32) {
	adagradAt(int(C.ka_level()), w, g, acc, lr, eps)
}

// adagradLevels is the loop levels adagradAt runs here: 0 (SSE2) up to
// the best one (1 AVX2, 2 AVX-512) that the CPU and CURATE_X86_MAX allow.
func adagradLevels() []int {
	var l []int
	for i := 0; i <= int(C.ka_level()); i++ {
		l = append(l, i)
	}
	return l
}

// adagradAt is adagradNative on the loop of the given level (adagradLevels).
func adagradAt(level int, w, g, acc []float32, lr, eps float32) {
	if len(w) == 0 {
		return
	}
	_, _ = g[len(w)-1], acc[len(w)-1]
	C.k_adagrad_at(C.int(level), (*C.float)(&w[0]), (*C.float)(&g[0]), (*C.float)(&acc[0]), C.long(len(w)), C.float(lr), C.float(eps))
}
