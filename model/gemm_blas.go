//go:build cgo && !noblas

package model

/*
#cgo LDFLAGS: -lopenblas
#include <cblas.h>
*/
import "C"

import "unsafe"

// gemmBLAS is the cpu backend's matrix product: OpenBLAS's cblas_sgemm.
func gemmBLAS(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkGemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		gemmRef(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	ta, tb := C.enum_CBLAS_TRANSPOSE(C.CblasNoTrans), C.enum_CBLAS_TRANSPOSE(C.CblasNoTrans)
	if transA {
		ta = C.CblasTrans
	}
	if transB {
		tb = C.CblasTrans
	}
	C.cblas_sgemm(C.CblasRowMajor, ta, tb, C.blasint(m), C.blasint(n), C.blasint(k),
		C.float(alpha), (*C.float)(unsafe.Pointer(&a[0])), C.blasint(lda),
		(*C.float)(unsafe.Pointer(&b[0])), C.blasint(ldb),
		C.float(beta), (*C.float)(unsafe.Pointer(&c[0])), C.blasint(ldc))
}

// setBLASThreads sets OpenBLAS's thread count. The engine never calls BLAS
// from more than one goroutine at a time, so BLAS threads and the engine's
// own goroutines never run at once.
func setBLASThreads(n int) { C.openblas_set_num_threads(C.int(n)) }

// cpuBackend is OpenBLAS with the vectorised C kernels.
func cpuBackend() Backend { return &hostBackend{name: "cpu", k: cKernels()} }
