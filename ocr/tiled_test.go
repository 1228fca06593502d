package ocr

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
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
	feat := map[string][2]float64{} // name -> score, mean luma
	byKind := map[string][]string{}
	var total time.Duration
	for _, s := range samples {
		g := toRGB(s.Image).gray()
		start := time.Now()
		tl := g.tilingAt(envInt("OCR_TUNE_SIDE", tileSide))
		total += time.Since(start)
		feat[s.Name] = [2]float64{tl.Score, g.meanLum()}
		k := s.Kind
		if s.Thumb {
			k += "/thumb"
		}
		byKind[k] = append(byKind[k], fmt.Sprintf("%.3f %s (%d,%d) lum %.0f", tl.Score, s.Name, tl.DX, tl.DY, g.meanLum()))
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
	// OCR_TUNE_TILING=FILE.json also writes the measurements for
	// TestTuneSim's OCR_TUNE_FEATURES.
	if f := os.Getenv("OCR_TUNE_TILING"); strings.HasSuffix(f, ".json") {
		data, _ := json.Marshal(feat)
		if err := os.WriteFile(f, data, 0o644); err != nil {
			t.Fatal(err)
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
		{"steep-full", PassSteep, 36, 0}, {"steep-dark-full", PassSteepDark, 36, 0},
		{"steep-512", PassSteep, 36, 512}, {"steep-dark-512", PassSteepDark, 36, 512},
		{"steep-384", PassSteep, 36, 384}, {"steep-dark-384", PassSteepDark, 36, 384},
		{"steep-320", PassSteep, 36, 320}, {"steep-dark-320", PassSteepDark, 36, 320},
		{"steep30-384", PassSteep, 30, 384}, {"steep42-384", PassSteep, 42, 384},
	} {
		s := passSpecs[v.of]
		s.turn = v.turn
		passSpecs[v.name] = s
		turnedSpecs[v.name] = turnedSpec{side: v.side, tiled: true}
	}
}
