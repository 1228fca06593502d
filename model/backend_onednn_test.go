//go:build cgo && !nodnnl

package model

import "testing"

// TestDnnlChunks checks the onednn backend's cut of a batch into chunks:
// 4 to 8 chunks, fewer where maps are small (at least 512 input positions
// a chunk), a function of the shape alone.
func TestDnnlChunks(t *testing.T) {
	for _, c := range []struct{ n, hw, per, chunks int }{
		{16, 128 * 128, 2, 8}, // large maps: 8 chunks
		{16, 8 * 8, 4, 4},     // 1024 positions: the floor of 4 chunks
		{64, 8 * 8, 8, 8},     // 4096 positions: 8 chunks of 512
		{64, 16 * 16, 8, 8},
		{9, 5 * 5, 3, 3}, // 9 images in chunks of 3
		{3, 32 * 32, 1, 3},
		{1, 64 * 64, 1, 1},
	} {
		per := chunkImages(c.n, c.hw)
		if chunks := (c.n + per - 1) / per; per != c.per || chunks != c.chunks {
			t.Errorf("batch %d of %d positions: %d images a chunk, %d chunks; want %d, %d", c.n, c.hw, per, chunks, c.per, c.chunks)
		}
	}
}
