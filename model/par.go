package model

import "sync"

// pool splits loops across a fixed number of goroutines. Work is divided
// into contiguous index ranges; every output element is written by exactly
// one goroutine and reductions are ordered, so results do not depend on
// scheduling.
type pool struct{ threads int }

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
