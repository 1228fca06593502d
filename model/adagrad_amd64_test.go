//go:build cgo && !noblas && amd64

package model

import (
	"fmt"
	"testing"
)

// TestAdagradLevels runs every vector loop of the C Adagrad update that
// this CPU can run (SSE2 always, AVX2 and AVX-512 where it has them and
// CURATE_X86_MAX allows) against adagradGo bit for bit, whatever level
// the build picks for training.
func TestAdagradLevels(t *testing.T) {
	for _, level := range adagradLevels() {
		testAdagradBits(t, fmt.Sprintf("level %d", level), func(w, g, acc []float32, lr, eps float32) {
			adagradAt(level, w, g, acc, lr, eps)
		})
	}
}
