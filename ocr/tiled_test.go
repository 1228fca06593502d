package ocr

import (
	"fmt"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/curate-ml/curate/ocr/internal/evalset"
)

// TestTuneTiling prints the repetition score of every image of the tuning
// part, by kind, so the gate's threshold is chosen on the tuning part:
//
//	OCR_TUNE_TILING=1 go test ./ocr -run TestTuneTiling -v
func TestTuneTiling(t *testing.T) {
	if os.Getenv("OCR_TUNE_TILING") == "" {
		t.Skip("set OCR_TUNE_TILING=1 to score the repetition test on the tuning part")
	}
	samples := loadReal(t, evalset.PartTune)
	byKind := map[string][]string{}
	var total time.Duration
	for _, s := range samples {
		g := toRGB(s.Image).gray()
		start := time.Now()
		tl := g.tilingAt(envInt("OCR_TUNE_SIDE", tileSide))
		total += time.Since(start)
		k := s.Kind
		if s.Thumb {
			k += "/thumb"
		}
		byKind[k] = append(byKind[k], fmt.Sprintf("%.3f %.3f %s (%d,%d)", tl.Second, tl.Score, s.Name, tl.DX, tl.DY))
	}
	keys := make([]string, 0, len(byKind))
	for k := range byKind {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		l := byKind[k]
		sort.Sort(sort.Reverse(sort.StringSlice(l)))
		if k == "photo" || k == "photo/thumb" {
			t.Logf("%s (%d): top %v", k, len(l), l[:min(12, len(l))])
		} else {
			t.Logf("%s (%d): %v", k, len(l), l)
		}
	}
	t.Logf("%d images, %.1f ms an image", len(samples), float64(total.Microseconds())/1000/float64(len(samples)))
}

// Variants of the turned passes the tuning replays compare (test only).
func init() {
	for _, v := range []struct {
		name, of string
		turn     float64
		side     int
	}{
		{"steep-512", PassSteep, 36, 512}, {"steep-dark-512", PassSteepDark, 36, 512},
		{"steep-384", PassSteep, 36, 384}, {"steep-dark-384", PassSteepDark, 36, 384},
		{"steep30-512", PassSteep, 30, 512}, {"steep42-512", PassSteep, 42, 512},
	} {
		s := passSpecs[v.of]
		s.turn = v.turn
		passSpecs[v.name] = s
		turnedSides[v.name] = v.side
	}
}
