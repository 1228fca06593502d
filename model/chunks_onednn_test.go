//go:build cgo && !nodnnl

package model

import (
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"
)

// CURATE_DNNL_CHUNKS sets dnnlChunks for a benchmark run (e.g.
// BenchmarkOpBreakdown), to time another cut of the training convolutions.
func init() {
	if c, err := strconv.Atoi(os.Getenv("CURATE_DNNL_CHUNKS")); err == nil && c >= dnnlMinChunks {
		dnnlChunks = c
	}
}

// BenchmarkTrainChunks times B2 + 4 Gram training steps (256x256;
// benchNet's environment, CURATE_BATCH default 64) with the training
// convolutions cut into at most 8 chunks against at most
// CURATE_DNNL_CHUNKS_B (default 32), on one network whose primitives are
// prepared again at every switch, alternating for 3 rounds of one untimed
// and one timed step each (run with -v, -benchtime 1x).
func BenchmarkTrainChunks(b *testing.B) {
	n, bs := benchNet(b, 64)
	if n.Backend() != "onednn" {
		b.Skipf("backend %s has no chunks", n.Backend())
	}
	alt, err := strconv.Atoi(os.Getenv("CURATE_DNNL_CHUNKS_B"))
	if err != nil || alt < dnnlMinChunks {
		alt = 32
	}
	batch := randomBatch(rand.New(rand.NewPCG(1, 1)), bs, 256, 2)
	step := func(chunks int) time.Duration {
		if dnnlChunks != chunks {
			dnnlChunks = chunks
			if n.cur != nil {
				for _, o := range n.cur.ops {
					if h, ok := o.(opStateHolder); ok {
						h.slot().state = nil // prepared again with the new cut
					}
				}
			}
		}
		if _, err := n.Step(batch); err != nil {
			b.Fatal(err)
		}
		s := time.Now()
		if _, err := n.Step(batch); err != nil {
			b.Fatal(err)
		}
		return time.Since(s)
	}
	defer func(c int) { dnnlChunks = c }(dnnlChunks)
	var ratios []float64
	for r := range 3 {
		var a, c time.Duration
		if r%2 == 0 {
			a, c = step(8), step(alt)
		} else {
			c, a = step(alt), step(8)
		}
		ratios = append(ratios, a.Seconds()/c.Seconds())
		b.Logf("batch %d round %d: 8 chunks %.0f ms, %d chunks %.0f ms per step: %.3fx", bs, r+1, a.Seconds()*1000, alt, c.Seconds()*1000, ratios[r])
	}
	slices.Sort(ratios)
	b.Logf("batch %d: at most %d chunks against 8: median speed ratio %.3f", bs, alt, ratios[1])
}
