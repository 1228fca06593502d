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

// splitKChunks is the fixed number of slices the inner dimension of a
// k-split product is cut into. It does not depend on the thread count: the
// partial products are the same whatever the parallelism and are added in
// slice order, so results are bit-identical with 1 or 16 threads.
const splitKChunks = 4

// gemmBlocks is the most blocks an output is cut into along its longer
// side. Like splitKChunks it is fixed: OpenBLAS's result for an element
// depends on the block it is computed in (edge kernels, blocking), so the
// blocks must be the same whatever the thread count for results to be.
const gemmBlocks = 16

// gemmBlockCount is the number of blocks a side of d rows or columns is cut
// into: a function of the shape alone.
func gemmBlockCount(d int) int { return max(1, min(gemmBlocks, d/32)) }

// gemm runs the matrix product f split across the pool. The split never
// depends on the thread count: an output is cut along its longer side into
// gemmBlockCount fixed blocks which the goroutines share out, and products
// whose inner dimension dwarfs the output (weight gradients: a sum over
// every position of the batch) are cut into splitKChunks fixed slices of k.
// Each block is a single-threaded BLAS call; BLAS itself runs one thread,
// so BLAS threads and the engine's goroutines never compete for the cores.
// The fixed cut costs nothing measurable: blocks stay hundreds of rows tall.
func (p *pool) gemm(f gemmFunc, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) {
	if k >= 8*max(m, n) && m*n <= 1<<20 && k >= 4*splitKChunks && m*n*k >= 1<<18 {
		p.gemmSplitK(f, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if m*n*k < 1<<18 {
		f(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if m >= n {
		nb := gemmBlockCount(m)
		p.run(nb, 1, func(b0, b1 int) {
			for bi := b0; bi < b1; bi++ {
				i0, i1 := m*bi/nb, m*(bi+1)/nb
				ao := i0 * lda
				if transA {
					ao = i0
				}
				f(transA, transB, i1-i0, n, k, alpha, a[ao:], lda, b, ldb, beta, c[i0*ldc:], ldc)
			}
		})
		return
	}
	nb := gemmBlockCount(n)
	p.run(nb, 1, func(b0, b1 int) {
		for bi := b0; bi < b1; bi++ {
			j0, j1 := n*bi/nb, n*(bi+1)/nb
			bo := j0
			if transB {
				bo = j0 * ldb
			}
			f(transA, transB, m, j1-j0, k, alpha, a, lda, b[bo:], ldb, beta, c[j0:], ldc)
		}
	})
}

// gemmSplitK reduces splitKChunks fixed slices of k: slice 0 into c (with
// beta), the others into their own partial outputs, which are then added to
// c in slice order. The goroutines share out whole slices.
func (p *pool) gemmSplitK(f gemmFunc, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) {
	const S = splitKChunks
	if need := (S - 1) * m * n; len(p.part) < need {
		p.part = make([]float32, need)
	}
	p.run(S, 1, func(s0, s1 int) {
		for i := s0; i < s1; i++ {
			l0, l1 := k*i/S, k*(i+1)/S
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
			f(transA, transB, m, n, l1-l0, alpha, a[ao:], lda, b[bo:], ldb, bb, cc, ldcc)
		}
	})
	p.run(m, 16, func(r0, r1 int) {
		for r := r0; r < r1; r++ {
			row := c[r*ldc : r*ldc+n]
			for i := 1; i < S; i++ {
				for j, v := range p.part[(i-1)*m*n+r*n : (i-1)*m*n+(r+1)*n] {
					row[j] += v
				}
			}
		}
	})
}
