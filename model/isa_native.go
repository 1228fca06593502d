//go:build cgo && !noblas

package model

/*
#cgo LDFLAGS: -lopenblas
#cgo amd64 CFLAGS: -DCURATE_X86_CLONES
#include <cblas.h>
#include "curate_simd.h"

// isa_clones is the x86-64 level of the C kernels' clone that runs here:
// 4 (AVX-512), 3 (AVX2 + FMA) or 1 (the default build), the CPU's best
// that CURATE_X86_MAX (curate_simd.h) allows; 0 off x86.
static int isa_clones(void) {
#if defined(CURATE_X86_CLONES)
	__builtin_cpu_init();
	if (CURATE_X86_MAX >= 4 && __builtin_cpu_supports("x86-64-v4")) return 4;
	if (CURATE_X86_MAX >= 3 && __builtin_cpu_supports("x86-64-v3")) return 3;
	return 1;
#else
	return 0;
#endif
}

static const char *isa_blas_core(void) { return openblas_get_corename(); }
*/
import "C"

import "fmt"

// cKernelsLevel names the instruction set the C kernels run on here: the
// target_clones clone the CPU selects within the build's CURATE_X86_MAX
// (curate_simd.h), and the core OpenBLAS runs its kernels for (the CPU's,
// or OPENBLAS_CORETYPE's), for the backend's description.
func cKernelsLevel() string {
	level := "native"
	if l := int(C.isa_clones()); l > 0 {
		level = fmt.Sprintf("x86-64-v%d", l)
	}
	return fmt.Sprintf("c kernels %s, openblas %s", level, C.GoString(C.isa_blas_core()))
}
