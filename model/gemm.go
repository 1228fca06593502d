package model

import (
	"fmt"
	"time"
)

// gemmFunc is the matrix product every convolution and dense layer runs on:
//
//	C = alpha * op(A) * op(B) + beta * C
//
// with row-major storage, op(A) m x k, op(B) k x n, C m x n, and leading
// dimensions lda, ldb, ldc (row strides). transA/transB select op(X) = Xᵀ.
// Two implementations exist: gemmRef (plain Go, always built) and gemmBLAS
// (OpenBLAS through cgo, the default when cgo is on); one test suite runs
// against both.
type gemmFunc func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int)

// checkGemm validates the arguments of a gemm call; both implementations
// call it at their entry so a bad call fails loudly rather than reading
// out of bounds.
func checkGemm(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	switch {
	case m < 0 || n < 0 || k < 0:
		panic(fmt.Sprintf("model: gemm negative size %d %d %d", m, n, k))
	case lda < max(1, ac) || ldb < max(1, bc) || ldc < max(1, n):
		panic(fmt.Sprintf("model: gemm bad leading dimension lda=%d ldb=%d ldc=%d", lda, ldb, ldc))
	case ar > 0 && len(a) < (ar-1)*lda+ac,
		br > 0 && len(b) < (br-1)*ldb+bc,
		m > 0 && len(c) < (m-1)*ldc+n:
		panic("model: gemm slice too short")
	}
}

// gemmRef is the reference matrix product. Its loop is the definition:
//
//	C[i][j] = beta*C[i][j] + alpha * sum_l op(A)[i][l] * op(B)[l][j]
//
// arranged i-l-j so the innermost loop walks rows of B and C contiguously
// when B is not transposed.
func gemmRef(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkGemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	for i := 0; i < m; i++ {
		ci := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(ci)
		} else if beta != 1 {
			for j := range ci {
				ci[j] *= beta
			}
		}
		for l := 0; l < k; l++ {
			var ail float32
			if transA {
				ail = a[l*lda+i]
			} else {
				ail = a[i*lda+l]
			}
			if ail == 0 {
				continue
			}
			s := alpha * ail
			if !transB {
				bl := b[l*ldb : l*ldb+n]
				for j, v := range bl {
					ci[j] += s * v
				}
			} else {
				for j := range ci {
					ci[j] += s * b[j*ldb+l]
				}
			}
		}
	}
}

func nowSeconds() float64 { return float64(time.Now().UnixNano()) / 1e9 }
