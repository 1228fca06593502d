package model

import "sync"

// pool splits loops across a fixed number of goroutines. Work is divided
// into contiguous index ranges; every output element is written by exactly
// one goroutine and reductions are ordered, so results do not depend on
// scheduling.
type pool struct {
	threads int
	part    []float32 // partial products of k-split gemms
}

// run calls fn on [0,n) split into at most p.threads contiguous ranges.
// minPer is the least work per range worth a goroutine.
func (p *pool) run(n, minPer int, fn func(lo, hi int)) {
	t := p.threads
	if minPer < 1 {
		minPer = 1
	}
	if t > n/minPer {
		t = n / minPer
	}
	if t <= 1 {
		if n > 0 {
			fn(0, n)
		}
		return
	}
	var wg sync.WaitGroup
	for i := 1; i < t; i++ {
		lo, hi := n*i/t, n*(i+1)/t
		wg.Add(1)
		go func() { defer wg.Done(); fn(lo, hi) }()
	}
	fn(0, n/t)
	wg.Wait()
}

// gemm runs a matrix product split across the pool: the output is cut
// along its longer side into one block per goroutine, each a single-threaded
// BLAS call. BLAS itself runs one thread, so BLAS threads and the engine's
// goroutines never compete for the cores (OpenBLAS's idle threads spin).
func (p *pool) gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) {
	t := p.threads
	if t <= 1 || m*n*k < 1<<18 || (m < 2*t && n < 2*t) {
		gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if k >= 8*max(m, n) && m*n <= 1<<20 {
		p.gemmSplitK(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if m >= n {
		p.run(m, 1, func(i0, i1 int) {
			ao := i0 * lda
			if transA {
				ao = i0
			}
			gemm(transA, transB, i1-i0, n, k, alpha, a[ao:], lda, b, ldb, beta, c[i0*ldc:], ldc)
		})
		return
	}
	p.run(n, 1, func(j0, j1 int) {
		bo := j0
		if transB {
			bo = j0 * ldb
		}
		gemm(transA, transB, m, j1-j0, k, alpha, a, lda, b[bo:], ldb, beta, c[j0:], ldc)
	})
}

// gemmSplitK handles products whose inner dimension dwarfs the output
// (weight gradients: a sum over every position of the batch). Each
// goroutine reduces one slice of k into its own partial output; the
// partials are added in order, so the result is deterministic for a given
// thread count.
func (p *pool) gemmSplitK(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) {
	t := p.threads
	if need := (t - 1) * m * n; len(p.part) < need {
		p.part = make([]float32, need)
	}
	var wg sync.WaitGroup
	for i := 0; i < t; i++ {
		l0, l1 := k*i/t, k*(i+1)/t
		ao, bo := l0, l0*ldb
		if transA {
			ao = l0 * lda
		}
		if transB {
			bo = l0
		}
		cc, ldcc, bb := c, ldc, beta
		if i > 0 {
			cc, ldcc, bb = p.part[(i-1)*m*n:i*m*n], n, 0
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			gemm(transA, transB, m, n, l1-l0, alpha, a[ao:], lda, b[bo:], ldb, bb, cc, ldcc)
		}()
	}
	wg.Wait()
	for i := 1; i < t; i++ {
		part := p.part[(i-1)*m*n : i*m*n]
		for r := 0; r < m; r++ {
			row := c[r*ldc : r*ldc+n]
			for j, v := range part[r*n : (r+1)*n] {
				row[j] += v
			}
		}
	}
}
