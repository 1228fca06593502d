package model

import (
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestPoolRun: every index of [0, n) is handed to exactly one range, of
// at least minPer, the ranges are the same with the helpers and with
// goroutines of their own (spawn): runPieces pieces a goroutine where n
// allows, one fixed range each with halves; runs after the helpers parked still complete, and runs inside
// runs and runs from several goroutines at once (which find the helpers
// busy) cover their ranges too.
func TestPoolRun(t *testing.T) {
	ranges := func(p *pool, n, minPer int) [][2]int {
		var mu sync.Mutex
		var rs [][2]int
		p.run(n, minPer, func(lo, hi int) {
			mu.Lock()
			rs = append(rs, [2]int{lo, hi})
			mu.Unlock()
		})
		slices.SortFunc(rs, func(a, b [2]int) int { return a[0] - b[0] })
		return rs
	}
	for _, threads := range []int{1, 2, 3, 5} {
		for _, c := range []struct{ n, minPer int }{{0, 1}, {1, 1}, {7, 1}, {100, 1}, {100, 30}, {1 << 16, 4096}} {
			p, q := &pool{threads: threads}, &pool{threads: threads, spawn: true}
			got, want := ranges(p, c.n, c.minPer), ranges(q, c.n, c.minPer)
			if !slices.Equal(got, want) {
				t.Fatalf("threads %d n %d minPer %d: helpers' ranges %v, spawned goroutines' %v", threads, c.n, c.minPer, got, want)
			}
			halves := ranges(&pool{threads: threads, halves: true}, c.n, c.minPer)
			tm := min(threads, c.n/c.minPer)
			if k := min(c.n/c.minPer, tm*runPieces); tm > 1 && len(got) != k {
				t.Fatalf("threads %d n %d minPer %d: %d ranges, want %d pieces", threads, c.n, c.minPer, len(got), k)
			}
			if tm > 1 && len(halves) != tm {
				t.Fatalf("threads %d n %d minPer %d: %d ranges with halves, want %d", threads, c.n, c.minPer, len(halves), tm)
			}
			for _, rs := range [][][2]int{got, halves} {
				next := 0
				for _, r := range rs {
					if r[0] != next || r[1] < r[0] || (c.n >= c.minPer && r[1]-r[0] < c.minPer) {
						t.Fatalf("threads %d n %d minPer %d: ranges %v do not tile [0,%d) in ranges of %d or more", threads, c.n, c.minPer, rs, c.n, c.minPer)
					}
					next = r[1]
				}
				if next != c.n && c.n > 0 {
					t.Fatalf("threads %d n %d: ranges %v end at %d", threads, c.n, rs, next)
				}
			}
		}
	}
	// After the helpers parked (helperSpin without work), and inside runs.
	p := &pool{threads: 3}
	var sum atomic.Int64
	for round := range 3 {
		if round > 0 {
			time.Sleep(3 * helperSpin)
		}
		sum.Store(0)
		p.run(30, 1, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				inner := &pool{threads: 2}
				inner.run(10, 1, func(a, b int) { sum.Add(int64(b - a)) })
			}
		})
		if got := sum.Load(); got != 300 {
			t.Fatalf("round %d: nested runs covered %d of 300 indices", round, got)
		}
	}
	// Several goroutines at once.
	var wg sync.WaitGroup
	var total atomic.Int64
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q := &pool{threads: 2 + g%2}
			for range 200 {
				q.run(1000, 1, func(lo, hi int) { total.Add(int64(hi - lo)) })
			}
		}()
	}
	wg.Wait()
	if got := total.Load(); got != 4*200*1000 {
		t.Fatalf("concurrent runs covered %d of %d indices", got, 4*200*1000)
	}
}

// TestPoolEach: each calls fn once for every index, with the indices taken
// as the goroutines finish and in fixed ranges (static), at any thread count.
func TestPoolEach(t *testing.T) {
	for _, threads := range []int{1, 2, 3, 5} {
		for _, static := range []bool{false, true} {
			for _, n := range []int{0, 1, 2, 7, 64} {
				p := &pool{threads: threads, static: static}
				hits := make([]atomic.Int32, n)
				p.each(n, func(i int) {
					if i%3 == 0 {
						time.Sleep(50 * time.Microsecond) // uneven tasks
					}
					hits[i].Add(1)
				})
				for i := range hits {
					if h := hits[i].Load(); h != 1 {
						t.Fatalf("threads %d static %v n %d: index %d ran %d times", threads, static, n, i, h)
					}
				}
			}
		}
	}
}

// BenchmarkPoolRun is the cost of one run of two ranges of about work
// microseconds each, with the helpers and with goroutines started for the
// call (spawn), alternating.
func BenchmarkPoolRun(b *testing.B) {
	for _, work := range []time.Duration{0, 20 * time.Microsecond, 100 * time.Microsecond} {
		for _, spawn := range []bool{false, true} {
			name := "helpers"
			if spawn {
				name = "spawn"
			}
			b.Run(name+"/"+work.String(), func(b *testing.B) {
				p := &pool{threads: 2, spawn: spawn}
				for range b.N {
					p.run(2, 1, func(int, int) {
						for s := time.Now(); time.Since(s) < work; {
						}
					})
				}
			})
		}
	}
}

// BenchmarkPoolHelpers times B2 + 4 Gram training steps (256x256,
// CURATE_BATCH, default 16; CURATE_THREADS) of one network with its pool
// as built and with CURATE_POOL_OTHER: "spawn" (default; ranges on
// goroutines started for each call instead of the helpers), "static"
// (pool.each's indices in fixed ranges instead of taken as the goroutines
// finish) or "halves" (pool.run's ranges fixed, one per goroutine, without
// the pieces the others steal), alternating step by step (which goes first alternating too),
// and logs the medians and the pairs' ratios (other / as built).
func BenchmarkPoolHelpers(b *testing.B) {
	other := os.Getenv("CURATE_POOL_OTHER")
	if other == "" {
		other = "spawn"
	}
	if other != "spawn" && other != "static" && other != "halves" {
		b.Fatalf("CURATE_POOL_OTHER is spawn, static or halves, not %q", other)
	}
	n, bs := benchNet(b, 16)
	batch := randomBatch(rand.New(rand.NewPCG(1, 1)), bs, 256, 2)
	if _, err := n.Step(batch); err != nil {
		b.Fatal(err)
	}
	var ms [2][]float64 // as built, other
	b.ResetTimer()
	for r := range b.N {
		for k := range 2 {
			i := (r + k) % 2
			n.ex.spawn = i == 1 && other == "spawn"
			n.ex.static = i == 1 && other == "static"
			n.ex.halves = i == 1 && other == "halves"
			s := time.Now()
			if _, err := n.Step(batch); err != nil {
				b.Fatal(err)
			}
			ms[i] = append(ms[i], time.Since(s).Seconds()*1000)
		}
	}
	n.ex.spawn, n.ex.static, n.ex.halves = false, false, false
	med := func(v []float64) float64 { v = slices.Clone(v); slices.Sort(v); return v[len(v)/2] }
	ratios := make([]float64, b.N)
	for j := range ratios {
		ratios[j] = ms[1][j] / ms[0][j]
	}
	slices.Sort(ratios)
	b.Logf("%s, batch %d, %d threads: as built %.0f ms a step, %s %.0f ms (medians of %d); %s/built by pair median %.3f, range %.3f-%.3f",
		n.be.Describe(), bs, n.threads, med(ms[0]), other, med(ms[1]), b.N, other, med(ratios), ratios[0], ratios[len(ratios)-1])
}
