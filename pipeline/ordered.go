package pipeline

import (
	"context"
	"iter"
	"sync"
)

// Ordered runs work on every item of items with workers goroutines and calls
// sink with each result in input order, so whatever writes the results does
// not depend on scheduling. At most 2*workers items are in flight, which
// bounds memory however long the input is.
//
// sink runs on the calling goroutine, one call at a time. An error from work
// or sink, or the cancellation of ctx, stops the run: no new items start, the
// running ones see a cancelled context, and Ordered returns the first error.
// Failures that should not stop the run belong in Out.
func Ordered[In, Out any](ctx context.Context, workers int, items iter.Seq[In],
	work func(ctx context.Context, in In) (Out, error), sink func(in In, out Out) error) error {
	if workers < 1 {
		workers = 1
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	// One single-slot result channel per item, queued in input order: the
	// collector reads them back in that order (restic's futureNode).
	type future struct {
		in  In
		out chan result[Out]
	}
	jobs := make(chan future)
	order := make(chan future, 2*workers)

	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range jobs {
				out, err := work(ctx, f.in)
				f.out <- result[Out]{out, err}
			}
		}()
	}

	// Producer: hands each item to a worker and queues its future.
	go func() {
		defer close(order)
		defer close(jobs)
		for in := range items {
			f := future{in: in, out: make(chan result[Out], 1)}
			select {
			case order <- f:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- f:
			case <-ctx.Done():
				f.out <- result[Out]{err: context.Cause(ctx)}
				return
			}
		}
	}()

	var firstErr error
	for f := range order {
		r := <-f.out
		if firstErr != nil {
			continue // drain so the producer and workers can finish
		}
		if r.err == nil {
			r.err = sink(f.in, r.out)
		}
		if r.err != nil {
			firstErr = r.err
			cancel(r.err)
		}
	}
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = context.Cause(ctx)
	}
	return firstErr
}

type result[Out any] struct {
	out Out
	err error
}
