package model

import (
	"math"
	"math/rand/v2"
	"testing"
)

// testGemm is the shared suite every gemm implementation must pass: all
// transpose combinations, padded leading dimensions, alpha/beta, odd sizes.
func testGemm(t *testing.T, name string, f gemmFunc) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, sz := range [][3]int{{1, 1, 1}, {3, 5, 7}, {17, 9, 33}, {64, 48, 80}, {5, 1, 300}, {0, 4, 3}, {4, 3, 0}} {
		m, n, k := sz[0], sz[1], sz[2]
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				for _, ab := range [][2]float32{{1, 0}, {0.5, 1}, {-2, 0.25}} {
					ar, ac := m, k
					if ta {
						ar, ac = k, m
					}
					br, bc := k, n
					if tb {
						br, bc = n, k
					}
					lda, ldb, ldc := ac+2, bc+1, n+3
					a := randSlice(rng, ar*lda)
					b := randSlice(rng, br*ldb)
					c := randSlice(rng, m*ldc)
					want := make([]float64, len(c))
					for i := range c {
						want[i] = float64(c[i])
					}
					for i := 0; i < m; i++ {
						for j := 0; j < n; j++ {
							var s float64
							for l := 0; l < k; l++ {
								var av, bv float32
								if ta {
									av = a[l*lda+i]
								} else {
									av = a[i*lda+l]
								}
								if tb {
									bv = b[j*ldb+l]
								} else {
									bv = b[l*ldb+j]
								}
								s += float64(av) * float64(bv)
							}
							want[i*ldc+j] = float64(ab[1])*float64(c[i*ldc+j]) + float64(ab[0])*s
						}
					}
					f(ta, tb, m, n, k, ab[0], a, lda, b, ldb, ab[1], c, ldc)
					for i := range c {
						if math.Abs(float64(c[i])-want[i]) > 1e-4*(1+math.Abs(want[i]))*math.Sqrt(float64(k+1)) {
							t.Fatalf("%s m=%d n=%d k=%d ta=%v tb=%v alpha=%v beta=%v: c[%d]=%v want %v",
								name, m, n, k, ta, tb, ab[0], ab[1], i, c[i], want[i])
						}
					}
				}
			}
		}
	}
}

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return s
}

func TestGemmRef(t *testing.T) { testGemm(t, "ref", gemmRef) }
func TestGemmEngine(t *testing.T) {
	for _, k := range testKernels() {
		testGemm(t, k.blas, k.gemm)
	}
}

func BenchmarkGemm(b *testing.B) {
	// A block2 expand conv's im2col product: (64*64) x 288 times 288 x 128.
	m, n, k := 4096, 128, 288
	rng := rand.New(rand.NewPCG(1, 1))
	a, bb, c := randSlice(rng, m*k), randSlice(rng, k*n), make([]float32, m*n)
	flops := 2 * float64(m*n*k)
	run := func(f gemmFunc) float64 {
		start := nowSeconds()
		f(false, false, m, n, k, 1, a, k, bb, n, 0, c, n)
		return flops / (nowSeconds() - start) / 1e9
	}
	base := run(gemmRef)
	ks := testKernels()
	gemm := ks[len(ks)-1].gemm
	b.ResetTimer()
	var g float64
	for i := 0; i < b.N; i++ {
		g = run(gemm)
	}
	b.ReportMetric(g, "GFLOP/s")
	b.ReportMetric(g/base, "x_vs_go_ref")
}

// TestPoolGemm runs the engine's split products (by rows, columns and the
// inner dimension) through the shared suite.
func TestPoolGemm(t *testing.T) {
	p := &pool{threads: 3}
	ks := testKernels()
	gemm := ks[len(ks)-1].gemm
	testGemm(t, "pool", func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int,
		b []float32, ldb int, beta float32, c []float32, ldc int) {
		p.gemm(gemm, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	})
	rng := rand.New(rand.NewPCG(9, 9))
	for _, sz := range [][3]int{{40, 30, 2000}, {300, 20, 90}, {20, 300, 90}} {
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				m, n, k := sz[0], sz[1], sz[2]
				a, b := randSlice(rng, m*k), randSlice(rng, k*n)
				c1, c2 := randSlice(rng, m*n), make([]float32, m*n)
				copy(c2, c1)
				lda, ldb := k, n
				if ta {
					lda = m
				}
				if tb {
					ldb = k
				}
				p.gemm(gemm, ta, tb, m, n, k, 0.5, a, lda, b, ldb, 1, c1, n)
				gemmRef(ta, tb, m, n, k, 0.5, a, lda, b, ldb, 1, c2, n)
				for i := range c1 {
					if math.Abs(float64(c1[i]-c2[i])) > 1e-3*(1+math.Abs(float64(c2[i]))) {
						t.Fatalf("pool gemm %v ta=%v tb=%v: c[%d]=%v want %v", sz, ta, tb, i, c1[i], c2[i])
					}
				}
			}
		}
	}
}

// TestPoolGemmThreadIndependent checks that the split products give
// bit-identical results with 1, 2 and 3 threads for every kernel set (row,
// column and k splits): the blocks are fixed by the shape.
func TestPoolGemmThreadIndependent(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	for _, kern := range testKernels() {
		for _, sz := range [][3]int{{96, 432, 48}, {1024, 16, 32}, {40, 30, 4000}, {20, 300, 90}} {
			m, n, k := sz[0], sz[1], sz[2]
			a, b := randSlice(rng, m*k), randSlice(rng, k*n)
			var first []float32
			for _, th := range []int{1, 2, 3} {
				c := make([]float32, m*n)
				(&pool{threads: th}).gemm(kern.gemm, true, false, m, n, k, 1, a, m, b, n, 0, c, n)
				if first == nil {
					first = c
					continue
				}
				for i := range c {
					if c[i] != first[i] {
						t.Fatalf("%s gemm %v: c[%d] = %v with %d threads, %v with 1", kern.blas, sz, i, c[i], th, first[i])
					}
				}
			}
		}
	}
}
