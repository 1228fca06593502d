package ocr

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/curate-ml/curate/ocr/internal/evalset"
)

// The tuning tools: TestTuneCache runs every pass on every image of the
// tuning part and writes the words each pass read (and its time) to a JSON
// file; TestTuneSim replays detection strategies (pass orders, gates, rule
// thresholds) over that file in milliseconds, so passes and thresholds are
// chosen by measurement without rerunning Tesseract. Both run only when
// their environment variable names the file, and only ever on the tuning
// part:
//
//	OCR_TUNE_CACHE=/tmp/tune.json go test ./ocr -run TestTuneCache -timeout 60m
//	OCR_TUNE_SIM=/tmp/tune.json go test ./ocr -run TestTuneSim -v

type cachedWord struct {
	Text           string
	Conf           float64
	X0, Y0, X1, Y1 int
	// Sup is the glyph support under the word's box (support.go).
	Sup int `json:",omitempty"`
}

type cachedPass struct {
	MS    float64
	Scale float64
	Words []cachedWord
}

type cachedImage struct {
	Name    string
	Kind    string
	HasText bool
	Thumb   bool
	W, H    int
	Edges   float64
	Passes  map[string]cachedPass
	// Tiling and Lum are what the tiled passes' gate reads (tiled.go).
	Tiling, Lum float64
	// Sup: the words carry their glyph support (caches written before it
	// was recorded replay without the support rule).
	Sup bool `json:",omitempty"`
}

func TestTuneCache(t *testing.T) {
	path := os.Getenv("OCR_TUNE_CACHE")
	if path == "" {
		t.Skip("set OCR_TUNE_CACHE=FILE to run every pass on the tuning part")
	}
	samples := loadReal(t, evalset.PartTune)
	pool, err := NewPool(PoolOptions{Size: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	// OCR_TUNE_INVERT_LINES=1 keeps Tesseract's in-pass line inversion.
	det, err := NewDetector(pool, Options{InvertLines: os.Getenv("OCR_TUNE_INVERT_LINES") != ""})
	if err != nil {
		t.Fatal(err)
	}
	det.gate = openGate // the replays apply the gate
	stride := envInt("OCR_TUNE_STRIDE", 1)
	var picked []evalset.Sample
	for i := 2 * envInt("OCR_TUNE_OFFSET", 0); i < len(samples); i += 2 * stride {
		picked = append(picked, samples[i], samples[i+1])
	}
	samples = picked
	// OCR_TUNE_KINDS=a,b keeps only the images of those kinds (say
	// "tiled,photo": a new pass's finds and its false positives).
	if ks := os.Getenv("OCR_TUNE_KINDS"); ks != "" {
		keep := map[string]bool{}
		for _, k := range strings.Split(ks, ",") {
			keep[k] = true
		}
		picked = nil
		for _, s := range samples {
			if keep[s.Kind] {
				picked = append(picked, s)
			}
		}
		samples = picked
	}
	progress, err := os.Create(path + ".progress")
	if err != nil {
		t.Fatal(err)
	}
	defer progress.Close()
	// OCR_TUNE_BASE names an earlier cache: its passes are kept and only
	// the passes in OCR_TUNE_ADD run.
	base := map[string]cachedImage{}
	if b := os.Getenv("OCR_TUNE_BASE"); b != "" {
		for _, ci := range readCache(t, b) {
			base[ci.Name] = ci
		}
	}
	run := PassNames
	if a := os.Getenv("OCR_TUNE_ADD"); a != "" {
		run = strings.Split(a, ",")
	}
	out := make([]cachedImage, len(samples))
	next := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread() // threadCPU times this goroutine's passes
			defer runtime.UnlockOSThread()
			c, err := pool.Get(context.Background())
			if err != nil {
				panic(err)
			}
			defer pool.Put(c)
			for i := range next {
				s := samples[i]
				col := toRGB(s.Image)
				ci := cachedImage{Name: s.Name, Kind: s.Kind, HasText: s.HasText, Thumb: s.Thumb, W: col.w, H: col.h,
					Edges: col.gray().edgeDensity(16), Passes: map[string]cachedPass{}, Sup: true}
				if b, ok := base[s.Name]; ok {
					ci.Passes = b.Passes
				}
				fr := det.newFrame(col)
				gt := fr.gate()
				ci.Tiling, ci.Lum = gt.Score, gt.lum
				for _, p := range run {
					// Without upscaling, a pass and its -up twin see the same image.
					if twin, ok := upTwins[p]; ok && fr.upFactor == 1 {
						if cp, done := ci.Passes[twin]; done {
							ci.Passes[p] = cp
							continue
						}
					}
					start, cpu0 := time.Now(), threadCPU()
					raw, scale, err := det.runPass(c, p, fr)
					if err != nil {
						mu.Lock()
						firstErr = err
						mu.Unlock()
						continue
					}
					cp := cachedPass{MS: float64(time.Since(start).Microseconds()) / 1000, Scale: scale}
					if os.Getenv("OCR_TUNE_CPU") != "" {
						// Thread CPU time: under load, wall time measures the neighbours.
						cp.MS = float64((threadCPU() - cpu0).Microseconds()) / 1000
					}
					for _, w := range raw {
						cp.Words = append(cp.Words, cachedWord{w.text, w.conf, w.x0, w.y0, w.x1, w.y1, fr.support(wordBox(w, scale))})
					}
					ci.Passes[p] = cp
				}
				out[i] = ci
				line, _ := json.Marshal(ci)
				mu.Lock()
				progress.Write(append(line, '\n'))
				mu.Unlock()
			}
		}()
	}
	for i := range samples {
		next <- i
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		t.Fatal(firstErr)
	}
	data, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// upTwins maps each pass to the one that differs from it only by upscaling.
var upTwins = map[string]string{PassAutoUp: PassAuto, PassLocalUp: PassLocal}

// simulate replays detect over cached pass results.
func simulate(o Options, gate gateLimits, ci cachedImage) (Verdict, float64) {
	o, _ = o.withDefaults()
	v := Verdict{Width: ci.W, Height: ci.H}
	if o.MinEdgeDensity > 0 && ci.Edges < o.MinEdgeDensity {
		v.Pass, v.Rule = PassFlat, RuleFlat
		return v, 0
	}
	passes := o.Passes
	if ci.Edges > o.TextureEdgeDensity {
		passes = passes[:1]
	}
	var acc judge
	acc.init(o, ci.W, ci.H)
	if ci.Sup {
		sup := map[[4]int]int{}
		for _, cp := range ci.Passes {
			for _, w := range cp.Words {
				sup[wordBox(rawWord{w.Text, w.Conf, w.X0, w.Y0, w.X1, w.Y1}, cp.Scale)] = w.Sup
			}
		}
		acc.support = func(box [4]int) int { return sup[box] }
	}
	ms := 0.0
	for i, p := range passes {
		cp := ci.Passes[p]
		if turnedSpecs[p].tiled && !gate.open(tileGate{tiling{Score: ci.Tiling}, ci.Lum}, passSpecs[p].dark) {
			cp = cachedPass{}
		}
		ms += cp.MS
		v.Pass = p
		for _, w := range cp.Words {
			acc.add(rawWord{w.Text, w.Conf, w.X0, w.Y0, w.X1, w.Y1}, p, cp.Scale)
		}
		if rule := acc.hasText(); rule != "" {
			v.HasText, v.Rule = true, rule
			break
		}
		if i+1 >= o.ScoutPasses && !acc.hint {
			break
		}
	}
	if !v.HasText {
		v.Rule = RuleNone
	}
	v.Words = acc.words()
	return v, ms
}

func TestTuneSim(t *testing.T) {
	path := os.Getenv("OCR_TUNE_SIM")
	if path == "" {
		t.Skip("set OCR_TUNE_SIM=FILE (written by TestTuneCache) to replay strategies")
	}
	imgs := readCache(t, path)
	// OCR_TUNE_NAMES_FROM=FILE keeps only the images another cache holds,
	// so two caches (say two engine settings) compare on the same images.
	if other := os.Getenv("OCR_TUNE_NAMES_FROM"); other != "" {
		keep := map[string]bool{}
		for _, ci := range readCache(t, other) {
			keep[ci.Name] = true
		}
		var kept []cachedImage
		for _, ci := range imgs {
			if keep[ci.Name] {
				kept = append(kept, ci)
			}
		}
		imgs = kept
	}
	// OCR_TUNE_MERGE=FILE adds the passes of another cache of the same
	// images under the suffix "+i" (e.g. "otsu+i"), so strategies can mix
	// two engine settings pass by pass.
	if other := os.Getenv("OCR_TUNE_MERGE"); other != "" {
		byName := map[string]cachedImage{}
		for _, ci := range readCache(t, other) {
			byName[ci.Name] = ci
		}
		var kept []cachedImage
		for _, ci := range imgs {
			o, ok := byName[ci.Name]
			if !ok {
				continue
			}
			for p, cp := range o.Passes {
				ci.Passes[p+"+i"] = cp
			}
			kept = append(kept, ci)
		}
		imgs = kept
	}
	// OCR_TUNE_FEATURES=FILE (TestTuneTiling's output) fills in the gate's
	// measurements of a cache written before they were recorded.
	if f := os.Getenv("OCR_TUNE_FEATURES"); f != "" {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		feat := map[string][2]float64{}
		if err := json.Unmarshal(data, &feat); err != nil {
			t.Fatal(err)
		}
		for i := range imgs {
			ft, ok := feat[imgs[i].Name]
			if !ok {
				t.Fatalf("%s: no features in %s", imgs[i].Name, f)
			}
			imgs[i].Tiling, imgs[i].Lum = ft[0], ft[1]
		}
	}
	// Per pass alone: what it finds and costs.
	for _, p := range PassNames {
		o := Options{Passes: []string{p}, TextureEdgeDensity: 1, ScoutPasses: 99}
		t.Log(simLine(p, o, openGate, imgs, false))
	}
	strategies := map[string]Options{
		"current":    {},
		"all-nogate": {Passes: PassNames, TextureEdgeDensity: 1, ScoutPasses: 99},
	}
	if s := os.Getenv("OCR_TUNE_PASSES"); s != "" {
		for _, spec := range strings.Split(s, ";") {
			// "PASSES[|JSON options[|GATE]]", GATE "minScore,maxLumLight,minLumDark"
			ps, js, _ := strings.Cut(spec, "|")
			js, gs, _ := strings.Cut(js, "|")
			if gs != "" {
				var g gateLimits
				if _, err := fmt.Sscanf(gs, "%g,%g,%g", &g.minScore, &g.maxLumLight, &g.minLumDark); err != nil {
					t.Fatalf("%s: gate: %v", spec, err)
				}
				simGates[spec] = g
			}
			o := Options{Passes: strings.Split(ps, ","), TextureEdgeDensity: 1, ScoutPasses: 99}
			if js != "" {
				if err := json.Unmarshal([]byte(js), &o); err != nil {
					t.Fatalf("%s: %v", spec, err)
				}
			}
			strategies[spec] = o
		}
	}
	names := make([]string, 0, len(strategies))
	for k := range strategies {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, n := range names {
		t.Log(simLine(n, strategies[n], simGate(n), imgs, os.Getenv("OCR_TUNE_WRONG") != ""))
	}
}

// simGates holds the gates of the strategies that name one.
var simGates = map[string]gateLimits{}

func simGate(name string) gateLimits {
	if g, ok := simGates[name]; ok {
		return g
	}
	return defaultGate
}

func simLine(name string, o Options, gate gateLimits, imgs []cachedImage, wrong bool) string {
	var full, thumb score
	ms := 0.0
	var lines []string
	for _, ci := range imgs {
		v, m := simulate(o, gate, ci)
		ms += m
		if ci.Thumb {
			thumb.add(ci.HasText, v.HasText)
		} else {
			full.add(ci.HasText, v.HasText)
		}
		// OCR_TUNE_SHOW=KIND also lists the verdicts on images of that kind.
		if wrong && v.HasText != ci.HasText || ci.Kind == os.Getenv("OCR_TUNE_SHOW") {
			var ws []string
			for _, w := range v.Words {
				if len(ws) < 8 {
					ws = append(ws, fmt.Sprintf("%s:%q@%.0f%s", w.Pass, w.Text, w.Conf, map[bool]string{true: "", false: "!" + w.Reject}[w.Reject == ""]))
				}
			}
			lines = append(lines, fmt.Sprintf("   %-40s truth=%v %s/%s %s", ci.Name, ci.HasText, v.Pass, v.Rule, strings.Join(ws, " ")))
		}
	}
	s := fmt.Sprintf("%-50s full %s | thumb %s | %.0f ms/img", name, full, thumb, ms/float64(len(imgs)))
	if len(lines) > 0 {
		s += "\n" + strings.Join(lines, "\n")
	}
	return s
}

func readCache(t *testing.T, path string) []cachedImage {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var imgs []cachedImage
	if strings.HasSuffix(path, ".progress") {
		for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			var ci cachedImage
			if err := json.Unmarshal([]byte(l), &ci); err != nil {
				t.Fatal(err)
			}
			imgs = append(imgs, ci)
		}
	} else if err := json.Unmarshal(data, &imgs); err != nil {
		t.Fatal(err)
	}
	return imgs
}
