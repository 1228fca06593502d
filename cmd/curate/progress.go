package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/curate-ml/curate/pipeline"
)

// plainInterval is how often progress is logged when stderr is not a terminal.
const plainInterval = 5 * time.Second

// newProgress shows the progress of c on stderr until the returned stop func
// is called: a live bar with done/total, ok/failed, rate and ETA on a
// terminal, a plain log line every few seconds otherwise, nothing with --quiet.
// stop draws the final state and waits for the display to finish.
func newProgress(g *Global, label string, c *pipeline.Counter) (stop func()) {
	if g.Quiet {
		return func() {}
	}
	if g.Terminal {
		return barProgress(g.Stderr, label, c)
	}
	return plainProgress(g.Stderr, label, c, plainInterval)
}

func barProgress(w io.Writer, label string, c *pipeline.Counter) func() {
	ctx, cancel := context.WithCancel(context.Background())
	p := mpb.NewWithContext(ctx, mpb.WithOutput(w), mpb.WithRefreshRate(150*time.Millisecond), mpb.WithWidth(40))
	snap := func() pipeline.Snapshot { return c.Snapshot() }
	bar := p.New(max(snap().Total, 1),
		mpb.BarStyle().Lbound("[").Filler("=").Tip(">").Padding(" ").Rbound("]"),
		mpb.PrependDecorators(
			decor.Name(label, decor.WCSyncSpaceR),
			decor.CountersNoUnit("%d/%d", decor.WCSyncSpace),
		),
		mpb.AppendDecorators(
			decor.Any(func(decor.Statistics) string {
				s := snap()
				return fmt.Sprintf("ok %d failed %d  %.1f/s  ETA %s", s.OK, s.Failed, s.Rate(), fmtDuration(s.ETA()))
			}, decor.WCSyncSpace),
		),
	)
	var wg sync.WaitGroup
	done := make(chan struct{})
	update := func() {
		s := snap()
		if s.Total > 0 {
			bar.SetTotal(s.Total, false)
		}
		bar.SetCurrent(s.Done)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				update()
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		update()
		s := snap()
		bar.SetTotal(s.Done, true) // complete the bar at what was done
		p.Wait()
		cancel()
	}
}

func plainProgress(w io.Writer, label string, c *pipeline.Counter, every time.Duration) func() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				fmt.Fprintln(w, progressLine(label, c.Snapshot()))
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		fmt.Fprintln(w, progressLine(label, c.Snapshot()))
	}
}

// progressLine is one plain progress report.
func progressLine(label string, s pipeline.Snapshot) string {
	pct := ""
	if s.Total > 0 {
		pct = fmt.Sprintf(" (%.0f%%)", 100*float64(s.Done)/float64(s.Total))
	}
	line := fmt.Sprintf("%s: %d/%d%s ok %d failed %d, %.1f/s, elapsed %s",
		label, s.Done, s.Total, pct, s.OK, s.Failed, s.Rate(), fmtDuration(s.Elapsed))
	if eta := s.ETA(); eta > 0 {
		line += ", ETA " + fmtDuration(eta)
	}
	if s.Skipped > 0 {
		line += fmt.Sprintf(", %d already done", s.Skipped)
	}
	return line
}

func fmtDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "-"
	case d < time.Minute:
		return d.Round(100 * time.Millisecond).String()
	default:
		return d.Round(time.Second).String()
	}
}
