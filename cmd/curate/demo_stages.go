package main

import (
	"context"
	"time"
)

// The demo's calls into each stage, with the settings a demo wants: loopback
// allowed, short timeouts and backoff, small shards.

func demoFetch(ctx context.Context, lists []string, categories, out string, opts DemoOptions, g *Global) error {
	return runFetch(ctx, FetchOptions{
		Lists: lists, Categories: categories, Out: out,
		Workers: 8, PerHost: 8, Timeout: 10 * time.Second, Retries: 2, Backoff: 50 * time.Millisecond,
		AllowPrivate: true, // the demo server is on loopback
		ShardBytes:   1 << 20,
	}, g)
}

func demoFilterText(ctx context.Context, in, out string, opts DemoOptions, g *Global) error {
	return runFilterText(ctx, FilterTextOptions{In: in, Out: out, Workers: opts.Workers, ShardBytes: 1 << 20}, g)
}

func demoSplit(ctx context.Context, in, out, categories string, opts DemoOptions, g *Global) error {
	return runSplit(ctx, SplitOptions{
		In: in, Out: out, Categories: categories, Seed: opts.Seed, Workers: opts.Workers,
		// The demo has a few dozen images: keep every one rather than undersample.
		Ratio: -1,
		// Its scenes come from one generator and resemble each other like
		// frames of one shoot: at the default distance (10) the near-duplicate
		// rules group 20 of its 39 images and leave one class in validation
		// and test. 4 bits keeps the demo's splits two-class.
		NearDistance: 4,
	}, g)
}
