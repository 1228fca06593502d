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
	return fmt.Sprintf("full: %s\nthumb: %s\nwrong by kind: %s", r.full, r.thumb, byKind(r.misses))
}

// byKind lists wrong verdicts by "kind/size", sorted: "meme/thumb 2, ...".
func byKind(misses map[string]int) string {
	keys := make([]string, 0, len(misses))
	for k := range misses {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var m []string
	for _, k := range keys {
		m = append(m, fmt.Sprintf("%s %d", k, misses[k]))
	}
	return strings.Join(m, ", ")
}

// Floors on the held-out part, set just below the held-out numbers
// measured at commit time with the default options (never the tuning
// numbers), on version 2 of the set (more photos, three more kinds, fonts
// the tuning part never uses). Issue 16's defaults (the regions passes
// first; chosen on the tuning part), measured once on the whole held-out
// part after they were chosen:
//
//	all 434 images (OCR_REAL_STRIDE=1), regions, regions-grey, local, otsu,
//	steep, steep-dark (the two branches of issue 16 combined):
//	                                    full size P 0.961 R 0.902 F1 0.931,
//	                                    thumbnails P 1.000 R 0.829 F1 0.907
//	regions, regions-grey, local, otsu:  full size P 0.960 R 0.878 F1 0.917,
//	                                    thumbnails P 1.000 R 0.756 F1 0.861
//	its make-test sample (stride 5):    full size P 1.000 R 0.941 F1 0.970,
//	                                    thumbnails P 1.000 R 0.765 F1 0.867
//	the earlier five passes with steep and steep-dark, all 434:
//	                                    full size P 0.985 R 0.805 F1 0.886,
//	                                    thumbnails P 0.984 R 0.768 F1 0.863
//
// (the previous defaults, local, otsu, inverted, dark, chroma: 0.855 and
// 0.831 on all 434). With the line-evidence scheduling (candidate lines
// read best first, local and otsu skipped without line evidence; chosen
// on the tuning part, where no verdict changed), all 434, measured once:
// full size P 0.973 R 0.890 F1 0.930 (one headline lost, the "Wand"
// false positive gone), thumbnails P 1.000 R 0.829 F1 0.907, 103 ms of
// CPU an image. The goal of issue 16, F1 0.95 at precision 0.97 for
// both sizes, is not reached: full size misses precision (three lone
// four-letter words at 65-72 read by the regions passes in texture) and
// recall on tiled diagonal watermarks, faint corner watermarks and scene
// text; thumbnails miss headlines in display faces, tiled and corner
// watermarks and price tags (see the log).
//
// Then the glyph-support rule (support.go: a lone word under confidence 85
// decides only standing on three chained glyph-like components; chosen on
// the tuning part and the demo's scenes), all 434 images, looked at once:
// full size P 1.000 R 0.890 F1 0.942 (tp 73 fp 0 fn 9: the three texture
// words gone, one tiled watermark that an upright pass's lone "atts" had
// found lost), thumbnails unchanged, P 1.000 R 0.829 F1 0.907. The
// precision floor rises to the 0.97, full size to 0.92.
//
// Then the word rules of wave 6 (words.go: echoes, web addresses and
// handles from 40, long words from 60 on glyphs, prices, four-letter words
// alone from 75, a second reading of unsure lines; chosen on the tuning
// part), all 434 images: full size P 1.000 R 0.927 F1 0.962 (tp 76 fp 0
// fn 6), thumbnails P 1.000 R 0.866 F1 0.928 (tp 71 fp 0 fn 11); make
// test's sample (stride 5): full size P 1.000 R 0.882 F1 0.938,
// thumbnails P 1.000 R 0.824 F1 0.903. The floors rise below both.
var heldOutFloors = realFloors{full: 0.93, thumb: 0.88, precision: 0.97}

// heldOut3Floors are set just below version 3's held-out numbers, scored
// once by the integrator with wave 5's final defaults (all 448 images:
// full size P 1.000 R 0.841 F1 0.914, thumbnails P 0.986 R 0.829 F1
// 0.901) and on make test's sample of every fifth scene (90 images: full
// size and thumbnails each P 1.000 R 0.765 F1 0.867, tp 13 fp 0 fn 4 tn
// 28); one floor below both.
//
// Wave 7 (version 3's held-out part is validation since; the word rules
// of words.go and support along turned lines were checked on it), with
// the defaults of commit time: all 448 images full size P 1.000 R 0.915
// F1 0.955 (tp 75 fp 0 fn 7), thumbnails P 1.000 R 0.902 F1 0.949 (tp
// 74 fp 0 fn 8); make test's sample (stride 5, 90 images) full size and
// thumbnails P 1.000 F1 0.970 and 0.938 (tp 16 and 15 of 17). The floors
// rise below both, so that one more image lost at stride 5 still passes.
//
// Wave 8, candidate lines inside a better one kept at their own slope
// (regions.go, otherSlope), all 448 images: full size P 1.000 R 0.927 F1
// 0.962 (tp 76 fn 6), thumbnails P 1.000 R 0.927 F1 0.962 (tp 76 fn 6):
// two price tags of each size more (looked at: validation, not held-out).
// Wave 8 (the faint web addresses of words.go), all of each validation
// part: version 2 thumbnails P 1.000 R 0.915 F1 0.955 (tp 75 fn 7; was
// 74); with otherSlope version 3 stays at 0.962 (the faint tiled runs that
// found one more there were dropped for make demo's false positives);
// full size and the tuning part unchanged; the floors stay.
var heldOut3Floors = realFloors{full: 0.93, thumb: 0.90, precision: 0.97}

// realFloors are the least F1 per size and precision a held-out part must
// score.
type realFloors struct{ full, thumb, precision float64 }

// TestDetectorRealHeldOut scores the default detector on a deterministic
// sample of the held-out part of the real-material set (every
// OCR_REAL_STRIDE-th scene, both sizes; default 5, 1 for all of it: make
// eval-ocr) and fails when full-size images or thumbnails score below the
// floors. It replaces the older test on procedurally drawn images, which
// measured the generator rather than photos.
func TestDetectorRealHeldOut(t *testing.T) {
	testRealPart(t, evalset.PartHeldOut, envInt("OCR_REAL_STRIDE", 5), &heldOutFloors)
}

// TestDetectorRealHeldOut3 scores the default detector on version 3's
// held-out part (evalset.PartHeldOut3: photos, fonts and words that no
// detector developer has seen), all of it by default (OCR_REAL_STRIDE),
// and logs tp/fp/fn/tn per size and the wrong verdicts by kind; it fails
// below heldOut3Floors. make test scores every fifth scene (the default
// stride); OCR_HELDOUT3=1 (make eval-ocr-heldout3: once a wave, by the
// integrator) scores all of it.
//
//	OCR_HELDOUT3=1 go test ./ocr -run 'TestDetectorRealHeldOut3$' -count=1 -v
func TestDetectorRealHeldOut3(t *testing.T) {
	stride := 5
	if os.Getenv("OCR_HELDOUT3") != "" {
		stride = 1
	}
	testRealPart(t, evalset.PartHeldOut3, envInt("OCR_REAL_STRIDE", stride), &heldOut3Floors)
}

// TestDetectorRealTune reports the tuning part (make eval-ocr); it checks no
// floor, since numbers on the part the thresholds were chosen on prove
// nothing.
func TestDetectorRealTune(t *testing.T) {
	if os.Getenv("OCR_EVAL_TUNE") == "" {
		t.Skip("set OCR_EVAL_TUNE=1 (make eval-ocr) to score the tuning part")
	}
	testRealPart(t, evalset.PartTune, envInt("OCR_REAL_STRIDE", 1), nil)
}

// testRealPart scores the default detector on every stride-th scene of a
// part and, with floors, fails below them.
func testRealPart(t *testing.T, part string, stride int, floors *realFloors) {
	all := loadReal(t, part)
	var samples []evalset.Sample
	for i := 0; i < len(all); i += 2 * stride {
		samples = append(samples, all[i], all[i+1]) // full size and its thumbnail
	}
	var o Options
	if ps := os.Getenv("OCR_REAL_PASSES"); ps != "" && part == evalset.PartTune {
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
	if floors == nil {
		return
	}
	for _, c := range []struct {
		name  string
		s     score
		floor float64
	}{{"full-size", r.full, floors.full}, {"thumbnails", r.thumb, floors.thumb}} {
		if c.s.f1() < c.floor || c.s.precision() < floors.precision {
			t.Errorf("%s part, %s below the floor (F1 %.2f, precision %.2f): %s", part, c.name, c.floor, floors.precision, c.s)
		}
	}
}

// heldOut4Floors are set just below version 4's held-out numbers, scored
// once by the integrator at the end of wave 7 with that wave's merged
// defaults (nobody who tuned the detector had seen the part): all 454
// images full size P 0.989 R 0.956 F1 0.972 (tp 86 fp 1 fn 4 tn 136),
// thumbnails P 1.000 R 0.878 F1 0.935 (tp 79 fp 0 fn 11 tn 137); make
// test's sample (stride 5, 92 images) full size P 1.000 R 0.889 F1 0.941
// (tp 16 fn 2), thumbnails P 1.000 R 0.833 F1 0.909 (tp 15 fn 3). The
// floors sit so that one more image lost at stride 5 still passes.
var heldOut4Floors = realFloors{full: 0.90, thumb: 0.87, precision: 0.97}

// TestDetectorRealHeldOut4 scores the default detector on version 4's
// held-out part (evalset.PartHeldOut4: photos, fonts, words and layouts
// that no earlier part uses), all of it by default (OCR_REAL_STRIDE), and
// logs tp/fp/fn/tn per size and the wrong verdicts by kind; it fails below
// heldOut4Floors. make test scores every fifth scene (the default stride),
// as for version 3, and prints nothing unless a floor fails;
// OCR_HELDOUT4=1 (make eval-ocr-heldout4: once a wave, by the integrator)
// scores all of it.
//
//	OCR_HELDOUT4=1 go test ./ocr -run 'TestDetectorRealHeldOut4$' -count=1 -v
func TestDetectorRealHeldOut4(t *testing.T) {
	stride := 5
	if os.Getenv("OCR_HELDOUT4") != "" {
		stride = 1
	}
	testRealPart(t, evalset.PartHeldOut4, envInt("OCR_REAL_STRIDE", stride), &heldOut4Floors)
}

// heldOut5Floors are set just below version 5's held-out numbers, scored
// once by the integrator at the end of wave 9 with that wave's merged
// defaults (nobody who tuned the detector, nor the developer who built the
// part, had run the detector on it; make eval-ocr-heldout5, 16:28 UTC):
// all 438 images full size P 0.972 R 0.767 F1 0.857 (tp 69 fp 2 fn 21 tn
// 127), thumbnails P 1.000 R 0.744 F1 0.854 (tp 67 fp 0 fn 23 tn 129),
// 313 ms of CPU an image; wrong by kind: headline 8 + 7 (turned, arched
// and stacked headlines), scene 4 + 4 (logos, game screens), sign 3 + 3,
// tiled 2 + 3, meme 2 + 2, price 1 + 2, watermark 1 + 2, and two photos
// read as text ("Bows" on a skybox, words on a floor texture). make test's
// sample (stride 5, 88 images): full size P 0.941 R 0.889 F1 0.914,
// thumbnails P 1.000 R 0.833 F1 0.909. The floors sit so that one more
// image lost at stride 5 still passes; the 0.95 is far off here.
var heldOut5Floors = realFloors{full: 0.83, thumb: 0.83, precision: 0.93}

// TestDetectorRealHeldOut5 scores the default detector on version 5's
// held-out part (evalset.PartHeldOut5: photos, fonts, words and layouts
// that no earlier part uses) against heldOut5Floors, and logs tp/fp/fn/tn
// per size and the wrong verdicts by kind. make test scores every fifth
// scene (the default stride) and prints nothing unless a floor fails;
// OCR_HELDOUT5=1 (make eval-ocr-heldout5) scores all of it. It was scored
// once, blind, at the end of wave 9: from wave 10 it is validation, and a
// version 6 is the held-out part.
//
//	OCR_HELDOUT5=1 go test ./ocr -run 'TestDetectorRealHeldOut5$' -count=1 -v
func TestDetectorRealHeldOut5(t *testing.T) {
	stride := 5
	if os.Getenv("OCR_HELDOUT5") != "" {
		stride = 1
	}
	testRealPart(t, evalset.PartHeldOut5, envInt("OCR_REAL_STRIDE", stride), &heldOut5Floors)
}

// heldOut6Floors are set just below version 6's held-out numbers, scored
// once by the integrator at the end of wave 10 with that wave's merged
// defaults (nobody who tuned the detector, nor the developer who built the
// part, had run the detector on it; make eval-ocr-heldout6, 20:20 UTC):
// all 434 images full size P 1.000 R 0.760 F1 0.864 (tp 73 fp 0 fn 23 tn
// 121), thumbnails P 0.988 R 0.823 F1 0.898 (tp 79 fp 1 fn 17 tn 120),
// 94 ms of CPU an image; wrong by kind: scene 10 + 7 (game logos and
// banners, UI dialogs, photographed road signs), headline 7 + 7 (arches,
// waves), screen 3 + 0, price 2 + 2, logo 1 + 1, and one game picture read
// as text ("reer"). make test's sample (stride 5, 88 images): full size P
// 1.000 R 0.750 F1 0.857 (tp 15 fn 5), thumbnails P 1.000 R 0.850 F1 0.919
// (tp 17 fn 3). The floors sit so that one more image lost at stride 5
// still passes; the 0.95 is far off here.
//
// Wave 12 (validation; curve.go's curved lines and price.go's raised-cents
// prices, chosen looking at this part's headline and price misses), all
// 434 images: full size P 1.000 R 0.781 F1 0.877 (tp 75 fn 21), thumbnails
// P 0.988 R 0.844 F1 0.910 (tp 81 fp 1 fn 15): the two raised-cents tags
// of each size; make test's sample full size P 1.000 R 0.800 F1 0.889 (tp
// 16 fn 4), thumbnails P 1.000 R 0.900 F1 0.947 (tp 18 fn 2). The floors
// rise so that one more image lost at stride 5 still passes.
// Wave 12 (validation since wave 11; ocrscene tuned on it): the
// regions-large and regions-coarse passes (large.go: letters that fill
// the picture, striped UI faces), web addresses with digits and
// four-letter words under 65 agreeing only outside the regions passes
// (scene.go), all 434 images: full size P 1.000 R 0.865 F1 0.927 (tp 83
// fn 13), thumbnails P 1.000 R 0.875 F1 0.933 (tp 84 fn 12, the "reer"
// false positive gone); make test's sample (stride 5, 88 images): full
// size P 1.000 R 0.850 F1 0.919 (tp 17 fn 3), thumbnails P 1.000 R 0.900
// F1 0.947 (tp 18 fn 2). The floors rise so that one more image lost, or
// one false positive, at stride 5 still passes.
// Both merged (integrator, wave 12, main f39fd1b), all 434 images: full
// size P 1.000 R 0.896 F1 0.945 (tp 86 fn 10), thumbnails the same (tp 86
// fn 10), 79 ms of CPU an image; wrong: headline 7 + 7, scene 2 + 2, logo
// 1 + 1. make test's sample: full size and thumbnails P 1.000 R 0.950 F1
// 0.974 (tp 19 fn 1). The floors sit so that one more image lost, or one
// false positive, at stride 5 still passes.
var heldOut6Floors = realFloors{full: 0.94, thumb: 0.94, precision: 0.94}

// TestDetectorRealHeldOut6 scores the default detector on version 6's
// held-out part (evalset.PartHeldOut6: photos, fonts, words and layouts
// that no earlier part uses, built in wave 10 by a developer who never ran
// the detector on it) against heldOut6Floors, and logs tp/fp/fn/tn per
// size, the wrong verdicts by kind and the CPU an image. make test scores
// every fifth scene (the default stride); OCR_HELDOUT6=1 (make
// eval-ocr-heldout6) scores all of it. It was scored once, blind, at the
// end of wave 10: from wave 11 it is validation, and a version 7 is the
// held-out part.
//
//	OCR_HELDOUT6=1 go test ./ocr -run 'TestDetectorRealHeldOut6$' -count=1 -v
func TestDetectorRealHeldOut6(t *testing.T) {
	stride := 5
	if os.Getenv("OCR_HELDOUT6") != "" {
		stride = 1
	}
	testRealPart(t, evalset.PartHeldOut6, envInt("OCR_REAL_STRIDE", stride), &heldOut6Floors)
}

// heldOut7Floors are set just below version 7's held-out numbers, scored
// once by the integrator at the end of wave 12 with that wave's merged
// defaults (nobody who tuned the detector, nor the developer who built the
// part, had run the detector on it; main f39fd1b, make eval-ocr-heldout7's
// test, 11:57 UTC): all 452 images full size P 0.989 R 0.909 F1 0.947 (tp
// 90 fp 1 fn 9 tn 126), thumbnails P 0.989 R 0.879 F1 0.930 (tp 87 fp 1 fn
// 12 tn 126), 134 ms of CPU an image; wrong by kind: gradient-filled words
// 4 + 3, scripts 2 + 2, headline 1 + 2, scene 1 + 2, tiled 1 + 1, faint
// watermark thumbnails 2, and two textures read as repeated words by the
// steep passes ("New" on a desert crop's thumbnail, "ving" on a mixed
// texture). make test's sample (stride 5, 92 images): full size P 1.000 R
// 0.900 F1 0.947 (tp 18 fn 2), thumbnails P 1.000 R 0.800 F1 0.889 (tp 16
// fn 4). The floors sit so that one more image lost, or one false
// positive, at stride 5 still passes. Wave 12's fix (tiledRepeat: words
// of steep-stack make no repeat) dropped both false positives, validated
// on all of the part (tuned on it, after its blind score): full size P
// 1.000 R 0.909 F1 0.952, thumbnails P 1.000 R 0.879 F1 0.935; stride 5
// unchanged (neither image is in its sample), so the floors stay.
var heldOut7Floors = realFloors{full: 0.91, thumb: 0.85, precision: 0.94}

// TestDetectorRealHeldOut7 scores the default detector on version 7's
// held-out part (evalset.PartHeldOut7: photos, fonts, words and layouts
// that no earlier part uses, built in wave 12 by a developer who never ran
// the detector on it: neon, gradient, script and poster kinds, headlines
// round circles, in perspective and extruded, hairline captions, faint
// watermarks, signs in perspective) against heldOut7Floors, and logs
// tp/fp/fn/tn per size, the wrong verdicts by kind and the CPU an image.
// make test scores every fifth scene (the default stride); OCR_HELDOUT7=1
// (make eval-ocr-heldout7) scores all of it. It was scored once, blind, at
// the end of wave 12: from wave 13 it is validation, and a version 8 is the
// held-out part.
//
//	OCR_HELDOUT7=1 go test ./ocr -run 'TestDetectorRealHeldOut7$' -count=1 -v
func TestDetectorRealHeldOut7(t *testing.T) {
	stride := 5
	if os.Getenv("OCR_HELDOUT7") != "" {
		stride = 1
	}
	testRealPart(t, evalset.PartHeldOut7, envInt("OCR_REAL_STRIDE", stride), &heldOut7Floors)
}

// TestDetectorRealHeldOut8 scores the default detector on every image of
// version 8's held-out part (evalset.PartHeldOut8: photos, fonts, words
// and layouts that no earlier part uses, built in wave 13 by a developer
// who never ran the detector on it: real lettering of gcompris-qt's and
// lugaru's photos, photographed signs, can labels, segment displays,
// covers, outlined memes, quotes over photos, watermarks, logos, gradient
// and hollow headlines, scripts, small text) and logs tp/fp/fn/tn per
// size, the wrong verdicts by kind and the CPU an image. It runs only with OCR_HELDOUT8=1 (make eval-ocr-heldout8; make test
// skips it): it is scored once, blind, by the integrator on the wave's
// final defaults, who then sets floors under that score.
//
//	OCR_HELDOUT8=1 go test ./ocr -run 'TestDetectorRealHeldOut8$' -count=1 -v
//
// Scored once, blind, at the end of wave 13 on main 01338e0 (wave 12's rules
// plus ocrthumb13's cubic second look; make eval-ocr-heldout8, 16:35 UTC,
// under CI load): full size P 0.989 R 0.888 F1 0.935 (tp 87 fp 1 fn 11),
// thumbnails P 1.000 R 0.867 F1 0.929 (tp 85 fp 0 fn 13). heldOut8Floors
// sit just under that (all images; make test does not run it yet: a stride
// 5 sample needs its own score first).
func TestDetectorRealHeldOut8(t *testing.T) {
	if os.Getenv("OCR_HELDOUT8") == "" {
		t.Skip("set OCR_HELDOUT8=1 (make eval-ocr-heldout8) to score version 8's held-out part: once, blind, by the integrator")
	}
	testRealPart(t, evalset.PartHeldOut8, envInt("OCR_REAL_STRIDE", 1), &heldOut8Floors)
}

// heldOut8Floors sit under version 8's blind score (see TestDetectorRealHeldOut8).
var heldOut8Floors = realFloors{full: 0.92, thumb: 0.91, precision: 0.97}
