package ocr

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/curate-ml/curate/ocr/internal/evalset"
)

// realSet caches the parts of the real-material set within one test binary.
var realSet = map[string][]evalset.Sample{}

func loadReal(t testing.TB, part string) []evalset.Sample {
	if s, ok := realSet[part]; ok {
		return s
	}
	// OCR_REAL_VERSION=1 scores the previous session's set (for comparison).
	s, err := evalset.Real(part, evalset.RealOptions{Version: envInt("OCR_REAL_VERSION", 0)})
	if err != nil {
		t.Fatal(err)
	}
	realSet[part] = s
	return s
}

// sizeScores splits a score by full-size images and thumbnails and lists
// the wrong verdicts by kind.
type sizeScores struct {
	full, thumb score
	misses      map[string]int // "kind/size" -> wrong verdicts
	wrong       []string
}

func scoreVerdicts(samples []evalset.Sample, vs []Verdict) sizeScores {
	r := sizeScores{misses: map[string]int{}}
	for i, v := range vs {
		s := samples[i]
		sc, size := &r.full, "full"
		if s.Thumb {
			sc, size = &r.thumb, "thumb"
		}
		sc.add(s.HasText, v.HasText)
		if s.HasText != v.HasText {
			r.misses[s.Kind+"/"+size]++
			var ws []string
			for _, w := range v.Words {
				if len(ws) < 6 {
					ws = append(ws, fmt.Sprintf("%s:%q@%.0f%s", w.Pass, w.Text, w.Conf, map[bool]string{true: "", false: "!" + w.Reject}[w.Reject == ""]))
				}
			}
			r.wrong = append(r.wrong, fmt.Sprintf("%-44s truth=%-5v rule=%s pass=%s %s", s.Name, s.HasText, v.Rule, v.Pass, strings.Join(ws, " ")))
		}
	}
	return r
}

func (r sizeScores) String() string {
	keys := make([]string, 0, len(r.misses))
	for k := range r.misses {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var m []string
	for _, k := range keys {
		m = append(m, fmt.Sprintf("%s %d", k, r.misses[k]))
	}
	return fmt.Sprintf("full: %s\nthumb: %s\nwrong by kind: %s", r.full, r.thumb, strings.Join(m, ", "))
}

// Floors on the held-out part, set just below the held-out numbers
// measured at commit time with the default options (never the tuning
// numbers):
//
//	all 240 images (OCR_REAL_STRIDE=1): full size P 1.000 R 0.825 F1 0.904,
//	                                    thumbnails P 1.000 R 0.754 F1 0.860
//	the make-test sample (stride 3):    full size P 1.000 R 0.842 F1 0.914,
//	                                    thumbnails P 1.000 R 0.684 F1 0.813
//
// The goal of issue 16, F1 0.95 at precision 0.97 for both, is not reached
// yet: the misses are faint and diagonal watermarks, thumbnails of scene
// text and a few display fonts (see the test's log).
const (
	heldOutFloorFullF1    = 0.90
	heldOutFloorThumbF1   = 0.80
	heldOutFloorPrecision = 0.97
)

// TestDetectorRealHeldOut scores the default detector on a deterministic
// sample of the held-out part of the real-material set (every
// OCR_REAL_STRIDE-th scene, both sizes; default 3, 1 for all of it: make
// eval-ocr) and fails when full-size images or thumbnails score below the
// floors. It replaces the older test on procedurally drawn images, which
// measured the generator rather than photos.
func TestDetectorRealHeldOut(t *testing.T) {
	testRealPart(t, evalset.PartHeldOut, envInt("OCR_REAL_STRIDE", 5), true)
}

// TestDetectorRealTune reports the tuning part (make eval-ocr); it checks no
// floor, since numbers on the part the thresholds were chosen on prove
// nothing.
func TestDetectorRealTune(t *testing.T) {
	if os.Getenv("OCR_EVAL_TUNE") == "" {
		t.Skip("set OCR_EVAL_TUNE=1 (make eval-ocr) to score the tuning part")
	}
	testRealPart(t, evalset.PartTune, envInt("OCR_REAL_STRIDE", 1), false)
}

func testRealPart(t *testing.T, part string, stride int, floors bool) {
	all := loadReal(t, part)
	var samples []evalset.Sample
	for i := 0; i < len(all); i += 2 * stride {
		samples = append(samples, all[i], all[i+1]) // full size and its thumbnail
	}
	pool, err := NewPool(PoolOptions{Size: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	det, err := NewDetector(pool, Options{})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	vs := runDetector(t, det, samples, 2)
	el := time.Since(start)
	r := scoreVerdicts(samples, vs)
	for _, w := range r.wrong {
		t.Log("wrong: " + w)
	}
	t.Logf("%s part, %d images in %v (%.1f images/s):\n%s", part, len(samples), el.Round(time.Millisecond),
		float64(len(samples))/el.Seconds(), r)
	if !floors {
		return
	}
	for _, c := range []struct {
		name  string
		s     score
		floor float64
	}{{"full-size", r.full, heldOutFloorFullF1}, {"thumbnails", r.thumb, heldOutFloorThumbF1}} {
		if c.s.f1() < c.floor || c.s.precision() < heldOutFloorPrecision {
			t.Errorf("%s below the floor (F1 %.2f, precision %.2f): %s", c.name, c.floor, heldOutFloorPrecision, c.s)
		}
	}
}
