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
// numbers), on version 2 of the set (more photos, three more kinds, fonts
// the tuning part never uses):
//
//	all 434 images (OCR_REAL_STRIDE=1): full size P 0.984 R 0.756 F1 0.855,
//	                                    thumbnails P 0.983 R 0.720 F1 0.831
//	with steep and steep-dark (issue 16's tiled watermarks), all 434:
//	                                    full size P 0.985 R 0.805 F1 0.886,
//	                                    thumbnails P 0.984 R 0.768 F1 0.863
//	(the floors stay: the steep passes run last and only add finds, and
//	they added no false positive)
//	the make-test sample (stride 5):    full size P 1.000 R 0.765 F1 0.867,
//	                                    thumbnails P 0.923 R 0.706 F1 0.800
//
// The precision floor is 0.90, not 0.97, because the make-test sample has
// 13 thumbnails with text: its one false positive (a crop of a starry sky
// read "Vio" at 96) is 0.923 there, 0.983 on the whole part.
//
// For comparison, version 1's held-out part (OCR_REAL_VERSION=1, all 240;
// make eval-ocr) scored F1 0.904 / 0.860 with the previous defaults and
// 0.882 / 0.825 (P 1.000 / 1.000) with these (Tesseract's inverted
// rereading kept in one pass, not five: faster, lower recall there). The
// goal of issue 16, F1 0.95 at precision 0.97 for both, is not reached:
// the misses are tiled diagonal watermarks (none of 8 found), price tags,
// faint corner watermarks, scene text and display fonts (see the log).
const (
	heldOutFloorFullF1    = 0.84
	heldOutFloorThumbF1   = 0.78
	heldOutFloorPrecision = 0.90
)

// TestDetectorRealHeldOut scores the default detector on a deterministic
// sample of the held-out part of the real-material set (every
// OCR_REAL_STRIDE-th scene, both sizes; default 5, 1 for all of it: make
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
	var o Options
	if ps := os.Getenv("OCR_REAL_PASSES"); ps != "" && !floors {
		o.Passes = strings.Split(ps, ",") // the tuning part only: compare pass lists
	}
	det := testDetector(t, 2, o)
	start, cpu0 := time.Now(), cpuTime()
	vs := runDetector(t, det, samples, 2)
	el, cpu := time.Since(start), cpuTime()-cpu0
	r := scoreVerdicts(samples, vs)
	for _, w := range r.wrong {
		t.Log("wrong: " + w)
	}
	t.Logf("%s part, %d images in %v (%.1f images/s, %.0f ms of CPU an image):\n%s", part, len(samples), el.Round(time.Millisecond),
		float64(len(samples))/el.Seconds(), float64(cpu.Milliseconds())/float64(len(samples)), r)
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
