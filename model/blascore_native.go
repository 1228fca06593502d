//go:build cgo && !noblas

package model

/*
#cgo LDFLAGS: -lopenblas
#cgo amd64 CFLAGS: -DCURATE_X86_CLONES
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include "curate_simd.h"

// Present in OpenBLAS's DYNAMIC_ARCH builds (Debian's, most distributions'):
// the kernel table is chosen by gotoblas_dynamic_init from
// OPENBLAS_CORETYPE or the CPU, and gotoblas_dynamic_quit forgets it. Weak,
// so a single-target OpenBLAS without them still links (they are NULL).
extern void gotoblas_dynamic_init(void) __attribute__((weak));
extern void gotoblas_dynamic_quit(void) __attribute__((weak));

// blas_core_for_cpu is the DYNAMIC_ARCH core for this CPU's instruction
// set within CURATE_X86_MAX, the same levels the C kernels' clones use:
// SkylakeX (AVX-512 F/BW/DQ/VL/CD), Haswell (AVX2 + FMA), Sandybridge (AVX);
// NULL where the CPU has none of them, or off x86.
static const char *blas_core_for_cpu(void) {
#if defined(CURATE_X86_CLONES)
	__builtin_cpu_init();
	if (CURATE_X86_MAX >= 4 && __builtin_cpu_supports("x86-64-v4")) return "SkylakeX";
	if (CURATE_X86_MAX >= 3 && __builtin_cpu_supports("x86-64-v3")) return "Haswell";
	if (__builtin_cpu_supports("avx")) return "Sandybridge";
#endif
	return NULL;
}

// blas_set_core makes OpenBLAS choose its kernels again as if
// OPENBLAS_CORETYPE were core (then puts the environment back as it was).
// No BLAS call may be running. It returns 1 if this OpenBLAS cannot.
static int blas_set_core(const char *core) {
	if (!gotoblas_dynamic_init || !gotoblas_dynamic_quit) return 1;
	const char *old = getenv("OPENBLAS_CORETYPE");
	char *keep = old ? strdup(old) : NULL;
	setenv("OPENBLAS_CORETYPE", core, 1);
	gotoblas_dynamic_quit();
	gotoblas_dynamic_init();
	if (keep) { setenv("OPENBLAS_CORETYPE", keep, 1); free(keep); } else unsetenv("OPENBLAS_CORETYPE");
	return 0;
}
*/
import "C"

import (
	"fmt"
	"os"
	"strings"
	"unsafe"
)

// blasCoreFix says what blasCoreInit did: "" when OpenBLAS kept the core
// it chose, else "<core> for <what OpenBLAS chose>".
var blasCoreFix string

func init() { blasCoreFix = blasCoreInit() }

// blasCoreInit replaces OpenBLAS's kernels when it fell back to its SSE3
// ones ("Prescott") on a CPU with AVX or better: an OpenBLAS older than the
// CPU does not know its model number and takes the fallback whatever the
// CPU can do. Debian 12's OpenBLAS 0.3.21 does this on the Xeon of family 6
// model 207 (Emerald Rapids, AVX-512), and ran every product the engine
// hands it (dense layers, Gram matrices, the inference lanes' sgemv) on
// SSE3. The replacement is the core of the CPU's x86-64 level (AVX-512:
// SkylakeX; AVX2: Haswell; AVX: Sandybridge; capped like the C kernels by
// CURATE_X86_MAX). An OPENBLAS_CORETYPE the user set is left alone, as is
// any core OpenBLAS recognised. It runs once, at package init, before any
// product.
func blasCoreInit() string {
	if os.Getenv("OPENBLAS_CORETYPE") != "" {
		return ""
	}
	was := blasCoreName()
	if !strings.EqualFold(was, "Prescott") {
		return ""
	}
	core := blasCoreForCPU()
	if core == "" {
		return ""
	}
	if err := setBLASCore(core); err != nil {
		return ""
	}
	if now := blasCoreName(); !strings.EqualFold(now, core) {
		_ = setBLASCore(was)
		return ""
	}
	return fmt.Sprintf("%s for %s", core, was)
}

// blasCoreForCPU is the OpenBLAS core of this CPU's x86-64 level (see
// blasCoreInit), "" below AVX and off x86.
func blasCoreForCPU() string {
	if c := C.blas_core_for_cpu(); c != nil {
		return C.GoString(c)
	}
	return ""
}

// blasCoreName is the core OpenBLAS runs its kernels for.
func blasCoreName() string { return strings.TrimSpace(C.GoString(C.openblas_get_corename())) }

// setBLASCore makes OpenBLAS run the kernels of core (an OPENBLAS_CORETYPE
// name). No product may be running; the engine's products all run on its
// own goroutines inside op calls, so between steps none is.
func setBLASCore(core string) error {
	cs := C.CString(core)
	defer C.free(unsafe.Pointer(cs))
	if C.blas_set_core(cs) != 0 {
		return fmt.Errorf("model: this OpenBLAS (%s) cannot change its kernels (no DYNAMIC_ARCH)", blasCoreName())
	}
	return nil
}
