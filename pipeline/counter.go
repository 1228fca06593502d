package pipeline

import (
	"sync/atomic"
	"time"
)

// Counter is the progress of one stage: how many items there are, how many
// are done and how they ended. Stages update it from any goroutine; the
// command line reads Snapshots to draw a bar or log lines.
type Counter struct {
	start   time.Time
	total   atomic.Int64
	done    atomic.Int64
	ok      atomic.Int64
	failed  atomic.Int64
	skipped atomic.Int64
	bytes   atomic.Int64
}

// NewCounter returns a counter for total items (0 if not yet known).
func NewCounter(total int64) *Counter {
	c := &Counter{start: time.Now()}
	c.total.Store(total)
	return c
}

// SetTotal sets the number of items once it is known.
func (c *Counter) SetTotal(n int64) { c.total.Store(n) }

// AddDone records one finished item that succeeded (ok) or failed.
func (c *Counter) AddDone(ok bool) {
	c.done.Add(1)
	if ok {
		c.ok.Add(1)
	} else {
		c.failed.Add(1)
	}
}

// AddSkipped records n items that need no work (already done by an earlier run).
func (c *Counter) AddSkipped(n int64) {
	c.done.Add(n)
	c.skipped.Add(n)
}

// AddBytes records n bytes transferred or processed.
func (c *Counter) AddBytes(n int64) { c.bytes.Add(n) }

// Snapshot is a consistent-enough copy of a Counter at one moment.
type Snapshot struct {
	Total, Done, OK, Failed, Skipped, Bytes int64
	Elapsed                                 time.Duration
}

// Snapshot reads the counter.
func (c *Counter) Snapshot() Snapshot {
	return Snapshot{
		Total:   c.total.Load(),
		Done:    c.done.Load(),
		OK:      c.ok.Load(),
		Failed:  c.failed.Load(),
		Skipped: c.skipped.Load(),
		Bytes:   c.bytes.Load(),
		Elapsed: time.Since(c.start),
	}
}

// Rate is the items per second worked on in this run (skipped items excluded).
func (s Snapshot) Rate() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Done-s.Skipped) / s.Elapsed.Seconds()
}

// ETA estimates the time left at the current rate; 0 when unknown.
func (s Snapshot) ETA() time.Duration {
	r := s.Rate()
	if r <= 0 || s.Total <= s.Done {
		return 0
	}
	return time.Duration(float64(s.Total-s.Done) / r * float64(time.Second))
}
