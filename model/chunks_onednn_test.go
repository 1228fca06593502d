//go:build cgo && !nodnnl

package model

import (
	"os"
	"strconv"
)

// CURATE_DNNL_CHUNKS sets dnnlChunks for a benchmark run (e.g.
// BenchmarkOpBreakdown), to time another cut of the training convolutions.
func init() {
	if c, err := strconv.Atoi(os.Getenv("CURATE_DNNL_CHUNKS")); err == nil && c >= dnnlMinChunks {
		dnnlChunks = c
	}
}
