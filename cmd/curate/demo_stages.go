package main

import (
	"context"
	"errors"
)

// The demo's calls into each stage, with the settings a demo wants: loopback
// allowed, short timeouts, small images.

func demoFetch(ctx context.Context, lists []string, categories, out string, opts DemoOptions, g *Global) error {
	return errors.New("fetch is not built yet")
}

func demoFilterText(ctx context.Context, in, out string, opts DemoOptions, g *Global) error {
	return errors.New("filter-text is not built yet")
}

func demoSplit(ctx context.Context, in, out, categories string, opts DemoOptions, g *Global) error {
	return runSplit(ctx, SplitOptions{
		In: in, Out: out, Categories: categories, Seed: opts.Seed, Workers: opts.Workers,
		// The demo has a few dozen images: keep every one rather than undersample.
		Ratio: -1,
	}, g)
}
