package fetch

import (
	"context"
	"sync"
	"time"
)

// hostLimiter bounds the requests in flight to each host. A host that
// answers 429 is slowed down: its limit is halved (down to 1) and no new
// request starts before its Retry-After (or backoff) has passed; every
// `limit` successes in a row give one slot back, up to the configured
// maximum (additive increase, multiplicative decrease).
type hostLimiter struct {
	max   int
	mu    sync.Mutex
	hosts map[string]*hostState
}

type hostState struct {
	limit     int
	inFlight  int
	notBefore time.Time
	streak    int           // successes since the last change of limit
	wake      chan struct{} // closed and replaced when a slot may have freed
	slowdowns int
}

func newHostLimiter(perHost int) *hostLimiter {
	return &hostLimiter{max: max(perHost, 1), hosts: map[string]*hostState{}}
}

func (l *hostLimiter) state(host string) *hostState {
	h := l.hosts[host]
	if h == nil {
		h = &hostState{limit: l.max, wake: make(chan struct{})}
		l.hosts[host] = h
	}
	return h
}

// acquire waits for a slot for host; release must be called after.
func (l *hostLimiter) acquire(ctx context.Context, host string) error {
	for {
		l.mu.Lock()
		h := l.state(host)
		wait := time.Until(h.notBefore)
		if h.inFlight < h.limit && wait <= 0 {
			h.inFlight++
			l.mu.Unlock()
			return nil
		}
		wake := h.wake
		l.mu.Unlock()
		var t *time.Timer
		var timer <-chan time.Time
		if wait > 0 {
			t = time.NewTimer(wait)
			timer = t.C
		}
		select {
		case <-ctx.Done():
		case <-wake:
		case <-timer:
		}
		if t != nil {
			t.Stop()
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// release gives the slot back. ok tells whether the request succeeded (for
// the additive increase); throttled whether the host answered 429, and
// pause how long the host should rest then.
func (l *hostLimiter) release(host string, ok, throttled bool, pause time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.state(host)
	h.inFlight--
	switch {
	case throttled:
		h.limit = max(h.limit/2, 1)
		h.streak = 0
		h.slowdowns++
		if until := time.Now().Add(pause); until.After(h.notBefore) {
			h.notBefore = until
		}
	case ok:
		h.streak++
		if h.limit < l.max && h.streak >= h.limit {
			h.limit++
			h.streak = 0
		}
	}
	close(h.wake)
	h.wake = make(chan struct{})
}

// slowdowns is how many times hosts were slowed down, over all hosts.
func (l *hostLimiter) slowdowns() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, h := range l.hosts {
		n += h.slowdowns
	}
	return n
}
