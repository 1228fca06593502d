package ocr

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"os"
	"runtime"
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

// tuneSample returns the named images of the real set's tuning part.
func tuneSamples(t *testing.T, names ...string) []evalset.Sample {
	t.Helper()
	byName := map[string]evalset.Sample{}
	for _, s := range loadReal(t, evalset.PartTune) {
		byName[s.Name] = s
	}
	var out []evalset.Sample
	for _, n := range names {
		s, ok := byName["tune/"+n]
		if !ok {
			t.Fatalf("no image %q in the tuning part", n)
		}
		out = append(out, s)
	}
	return out
}

// TestTilingGate checks the tiled passes' gate on real material: tiled
// watermarks of the tuning part repeat themselves (open), plain photos
// whose texture the steep pass reads as words do not (closed, so the pass
// reads nothing there). Without the gate the steep pass runs on every
// photo (+50% time) and reads fragments.
func TestTilingGate(t *testing.T) {
	ss := tuneSamples(t, "pos-tiled-04-full", "pos-tiled-06-thumb", "pos-tiled-05-thumb",
		"neg-gravel-crop1-full", "neg-gravel-crop1-thumb", "neg-starry_night-crop1-thumb")
	for _, s := range ss {
		g := toRGB(s.Image).gray()
		tl := g.tiling()
		open := defaultGate.open(tileGate{tl, g.meanLum()}, false) || defaultGate.open(tileGate{tl, g.meanLum()}, true)
		if open != s.HasText {
			t.Errorf("%s: tiling %.3f at (%d,%d), lum %.0f: gate open %v, want %v", s.Name, tl.Score, tl.DX, tl.DY, g.meanLum(), open, s.HasText)
		}
	}
	det := testDetector(t, 1, Options{Passes: []string{PassSteep, PassSteepDark}})
	for _, s := range ss[3:] {
		v, err := det.Detect(context.Background(), s.Image)
		if err != nil {
			t.Fatal(err)
		}
		if v.HasText || len(v.Words) > 0 {
			t.Errorf("%s: the tiled passes ran behind a closed gate: %+v", s.Name, v)
		}
	}
}

// TestTiledRule checks the tiled passes' rule on real material: a tiled
// watermark whose word the steep pass reads twice, in two places, below
// the confidence a lone word needs, is found by the repeat; a gravel photo
// where the steep pass reads a lone "Lats" at 81 (which the upright
// strong-word rule, at 65, would take) is not.
func TestTiledRule(t *testing.T) {
	ss := tuneSamples(t, "pos-tiled-05-thumb", "neg-gravel-crop1-full")
	det := testDetector(t, 1, Options{Passes: []string{PassSteep}})
	det.gate = openGate // the rule alone
	for _, s := range ss {
		v, err := det.Detect(context.Background(), s.Image)
		if err != nil {
			t.Fatal(err)
		}
		if v.HasText != s.HasText {
			t.Fatalf("%s: %+v, want has text %v", s.Name, v, s.HasText)
		}
		var decisive []Word
		strong := false
		for _, w := range v.Words {
			if w.Decisive {
				decisive = append(decisive, w)
			}
			if w.Reject == "" && w.Conf >= DefaultOptions().StrongConfidence && alnumCount(w.Text) >= DefaultOptions().StrongChars {
				strong = true
			}
		}
		if !s.HasText {
			if !strong {
				t.Errorf("%s: no word the upright rule would take; the fixture no longer tests the tiled rule: %+v", s.Name, v.Words)
			}
			continue
		}
		if v.Rule != RuleRepeat || len(decisive) != 2 || overlap(decisive[0].Box, decisive[1].Box) > 0 ||
			!sharesRun(decisive[0].Text, decisive[1].Text, minRepeat) {
			t.Errorf("%s: rule %s, decisive %+v; want %s with two words apart that share %d letters", s.Name, v.Rule, decisive, RuleRepeat, minRepeat)
		}
	}
}

// BenchmarkTiling times the repetition test on a full-size image and a
// thumbnail (go test ./ocr -run - -bench Tiling).
func BenchmarkTiling(b *testing.B) {
	for _, sz := range [][2]int{{1024, 700}, {220, 150}} {
		g := grayImage{w: sz[0], h: sz[1], pix: make([]uint8, sz[0]*sz[1])}
		for i := range g.pix {
			g.pix[i] = uint8(i*7919%251) ^ uint8(i/sz[0])
		}
		b.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			cpu0 := threadCPU()
			for b.Loop() {
				g.tiling()
			}
			b.ReportMetric(float64((threadCPU()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
}

func TestSharesRun(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"dreamsti", "umstin", true},    // "msti"
		{"©PYRIGHT", "COPYRIGHT", true}, // letters only, case ignored
		{"gettyimage-", "nage-", false}, // "age" is three
		{"Lats", "Awae", false},         // texture fragments
		{"Shutty", "*erstock", false},   // one name read in two halves
		{"‘Photos", "Otos", true},       // "otos"
		{"ab12cd", "abcd", true},        // digits are skipped
	} {
		if got := sharesRun(c.a, c.b, minRepeat); got != c.want {
			t.Errorf("sharesRun(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestFFTSize(t *testing.T) {
	for _, c := range [][2]int{{1, 1}, {7, 8}, {262, 270}, {330, 360}, {384, 384}, {97, 100}} {
		if got := fftSize(c[0]); got != c[1] {
			t.Errorf("fftSize(%d) = %d, want %d", c[0], got, c[1])
		}
	}
}

// TestStackTiles: a pattern repeated at a fixed step over noise stands out
// more after stacking (its correlation with the pattern rises), and an
// image stacked at a zero step is itself.
func TestStackTiles(t *testing.T) {
	const w, h, step = 120, 90, 30
	rng := rand.New(rand.NewSource(1))
	img := grayImage{w: w, h: h, pix: make([]uint8, w*h)}
	mark := func(x, y int) bool { return (x%step) >= 10 && (x%step) < 14 && (y%step) >= 8 && (y%step) < 22 }
	for y := range h {
		for x := range w {
			v := 60 + rng.Intn(140)
			if mark(x, y) {
				v += 50
			}
			img.pix[y*w+x] = uint8(min(255, v))
		}
	}
	contrast := func(g grayImage) float64 {
		var in, out float64
		var ni, no int
		for y := range h {
			for x := range w {
				if mark(x, y) {
					in, ni = in+float64(g.pix[y*w+x]), ni+1
				} else {
					out, no = out+float64(g.pix[y*w+x]), no+1
				}
			}
		}
		return in/float64(ni) - out/float64(no)
	}
	spread := func(g grayImage) float64 {
		var s, ss float64
		for _, v := range g.pix {
			s, ss = s+float64(v), ss+float64(v)*float64(v)
		}
		n := float64(len(g.pix))
		return math.Sqrt(ss/n - s*s/n/n)
	}
	st := img.stackTiles(step, 0, 2)
	if r0, r1 := contrast(img)/spread(img), contrast(st)/spread(st); r1 < 1.5*r0 {
		t.Errorf("stacked: pattern contrast over spread %.2f, before %.2f: want 1.5x", r1, r0)
	}
	same := img.stackTiles(0, 0, 2)
	for i := range same.pix {
		if same.pix[i] != img.pix[i] {
			t.Fatalf("zero step changed pixel %d: %d -> %d", i, img.pix[i], same.pix[i])
		}
	}
}
