package model

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// pool splits loops across a fixed number of goroutines. Work is divided
// into contiguous index ranges; every output element is written by exactly
// one goroutine and reductions are ordered, so results do not depend on
// scheduling.
//
// The ranges after the caller's own go to the process's persistent helper
// goroutines (helpers), which spin for a while after each range before
// they park, rather than to goroutines started for the call: a training
// step makes thousands of run calls, and a goroutine started on an idle
// core waits for the scheduler to wake that core's thread. On the 2-core
// Xeon (a KVM guest) of wave 9 that wait was 120-200 us a call (a run of
// two 100 us halves took 224 us, of two 1000 us halves 1200 us), against
// one or two microseconds for a spinning helper. The ranges and which
// code runs each are as before, so results are the same bits.
type pool struct {
	threads int
	part    []float32 // partial products of k-split gemms
	spawn   bool      // start goroutines for each call instead of the helpers (paired benchmarks only)
	static  bool      // each hands out fixed contiguous ranges, as run did before stealing (paired benchmarks only)
	halves  bool      // run gives each goroutine one fixed contiguous range, no stealing (paired benchmarks only)
}

// run calls fn on [0,n) split into contiguous ranges of at least minPer
// (the least work per range worth a goroutine) across at most p.threads
// goroutines. Each goroutine starts on its own share of [0, n) in order,
// cut into up to runPieces pieces, and one that finishes its share takes
// the pieces the others have not started (steal): a core the machine
// slows does less of the op instead of holding the other at the end of
// it. fn must give the same result for any cut of [0, n) (every caller's
// does: the cut already depended on the thread count), so which goroutine
// runs a piece changes nothing.
func (p *pool) run(n, minPer int, fn func(lo, hi int)) { p.runOn(n, minPer, fn, !p.halves) }

// runPieces is how many pieces run cuts each goroutine's share into
// when n allows (at least minPer each). A finished goroutine then waits
// for at most one piece of another's, an eighth of its share, where with
// fixed halves it waited for whatever the other lagged by. Measured on the
// Xeon model 167 of wave 12 (2 cores, other processes on the box), B2 + 4
// Gram training steps paired against fixed halves (BenchmarkPoolHelpers,
// CURATE_POOL_OTHER=halves): batch 16, 14 pairs at load 13-6, halves
// 1.086x as long (0.89-1.19); 20 pairs at load 2.2-2.7, 1.005x
// (0.89-1.30); batch 64, 8 pairs at load 6.6-3.7, 1.017x (1.004-1.044).
// curate model bench against main's binary, A/B/B/A, batch 16: 4 pairs at
// load 4.7-3.3 1.035-1.049x training images/s, 4 more at load 6.3-3.7
// 0.953-1.027x (median of the 8 1.03); batch 64, 4 pairs at load 3.8-2.1,
// 0.96-1.03x. A small gain where the cores are unevenly slowed, a draw
// where they are not.
const runPieces = 8

func (p *pool) runOn(n, minPer int, fn func(lo, hi int), steal bool) {
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
	if k := min(n/minPer, t*runPieces); steal && k > t {
		s := &stealer{next: make([]atomic.Int64, t), n: n, k: k, fn: fn}
		for i := range s.next {
			s.next[i].Store(int64(k * i / t))
		}
		// One range [i, i+1) per goroutine i, which drains its share and
		// then the others'.
		fn, n = func(i, _ int) { s.drain(i) }, t
	}
	if !p.spawn && helpers.busy.CompareAndSwap(false, true) {
		hs := helpers.get(t - 1)
		for i, h := range hs {
			h.start(fn, n*(i+1)/t, n*(i+2)/t)
		}
		fn(0, n/t)
		for _, h := range hs {
			h.wait()
		}
		helpers.busy.Store(false)
		return
	}
	// Another run holds the helpers (a run inside a run, or two networks
	// at once): the same ranges on goroutines of their own.
	var wg sync.WaitGroup
	for i := 1; i < t; i++ {
		lo, hi := n*i/t, n*(i+1)/t
		wg.Add(1)
		go func() { defer wg.Done(); fn(lo, hi) }()
	}
	fn(0, n/t)
	wg.Wait()
}

// each calls fn(i) once for every i in [0, n), the goroutines taking the
// next index as they finish one, so a core the machine slows (time stolen
// by the hypervisor, another process) takes fewer. fn must write only what
// index i owns (its chunk of the output, its own scratch and partials):
// then which goroutine ran i changes nothing in the result.
func (p *pool) each(n int, fn func(i int)) {
	if p.threads <= 1 || n <= 1 || p.static {
		p.runOn(n, 1, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				fn(i)
			}
		}, false)
		return
	}
	var next atomic.Int64
	p.run(min(p.threads, n), 1, func(int, int) {
		for {
			i := int(next.Add(1) - 1)
			if i >= n {
				return
			}
			fn(i)
		}
	})
}

// stealer hands out the k pieces of [0, n) of one run: goroutine i's
// share is pieces [k*i/t, k*(i+1)/t), next[i] the first not yet taken.
type stealer struct {
	next []atomic.Int64
	n, k int
	fn   func(lo, hi int)
}

// drain runs goroutine i's pieces in order, then takes the others' not
// yet started ones, each share in turn.
func (s *stealer) drain(i int) {
	t := len(s.next)
	for v := range t {
		o := (i + v) % t
		end := int64(s.k * (o + 1) / t)
		for {
			j := s.next[o].Add(1) - 1
			if j >= end {
				break
			}
			s.fn(s.n*int(j)/s.k, s.n*(int(j)+1)/s.k)
		}
	}
}

// helperSpin is how long a helper, and a caller waiting for one, spins
// before parking. Between the run calls of a training step the caller's
// own work takes microseconds to a few hundred; a helper parked for longer
// (between steps, between batches) costs a wake-up, as before.
const helperSpin = time.Millisecond

// helpers is the process's helper goroutines, grown to the most any pool
// asked for; one run holds them at a time (busy).
//
// It is a package variable on purpose, not a field of a pool or backend:
// the helpers stand for the process's cores, not for one network. Helpers
// per pool would let two networks (a trainer and its evaluation, tests run
// in parallel) each keep goroutines spinning on the same cores for
// helperSpin after every range, and, as a Net has no Close, each would
// leave its parked goroutines behind when dropped. With one set, a run
// that finds it held takes goroutines of its own for that call (run's
// fallback), with the same ranges and so the same results. Nothing in it
// is state a caller could observe: which goroutine runs a range never
// changes a value.
var helpers helperSet

type helperSet struct {
	busy atomic.Bool
	hs   []*helper // only the run holding busy reads or grows it
}

// get returns n helpers, starting the missing ones.
func (s *helperSet) get(n int) []*helper {
	for len(s.hs) < n {
		h := &helper{wake: make(chan struct{}, 1), fin: make(chan struct{}, 1)}
		go h.loop()
		s.hs = append(s.hs, h)
	}
	return s.hs[:n]
}

// helper is one persistent goroutine running the ranges it is handed. The
// caller publishes a range (fn, lo, hi) by raising gen; the helper runs it
// and sets done to that gen. Either side that parks says so first (parked,
// waiting) and checks again; the other side, having written, looks and
// sends a token, so a wake-up is never lost (tokens are hints: both sides
// re-check their counter after one).
type helper struct {
	gen, done       atomic.Uint64
	parked, waiting atomic.Bool
	wake, fin       chan struct{}
	fn              func(lo, hi int)
	lo, hi          int
}

func (h *helper) start(fn func(lo, hi int), lo, hi int) {
	h.fn, h.lo, h.hi = fn, lo, hi
	h.gen.Add(1)
	if h.parked.Load() {
		select {
		case h.wake <- struct{}{}:
		default:
		}
	}
}

func (h *helper) loop() {
	var seen uint64
	for {
		g := spinUntil(func() bool { return h.gen.Load() != seen }, h.gen.Load)
		for g == seen {
			h.parked.Store(true)
			if g = h.gen.Load(); g == seen {
				<-h.wake
				g = h.gen.Load()
			}
			h.parked.Store(false)
		}
		fn, lo, hi := h.fn, h.lo, h.hi
		h.fn = nil
		fn(lo, hi)
		seen = g
		h.done.Store(g)
		if h.waiting.Load() {
			select {
			case h.fin <- struct{}{}:
			default:
			}
		}
	}
}

// wait returns once the helper finished the range last started.
func (h *helper) wait() {
	g := h.gen.Load()
	if spinUntil(func() bool { return h.done.Load() == g }, h.done.Load) == g {
		return
	}
	h.waiting.Store(true)
	for h.done.Load() != g {
		<-h.fin
	}
	h.waiting.Store(false)
}

// spinUntil polls ok for up to helperSpin (yielding the processor now and
// then) and returns cur() when ok holds or the time is up.
func spinUntil(ok func() bool, cur func() uint64) uint64 {
	var t0 time.Time
	for i := 0; ; i++ {
		if ok() {
			return cur()
		}
		if i&255 == 255 {
			if t0.IsZero() {
				t0 = time.Now()
			} else if time.Since(t0) > helperSpin {
				return cur()
			}
			runtime.Gosched()
		}
	}
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
