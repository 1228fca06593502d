package ocr

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/curate-ml/curate/ocr/internal/evalset"
)

// The tuning tools: TestTuneCache runs every pass on every image of the
// tuning part and writes the words each pass read (and its time) to a JSON
// file, and for the regions passes each candidate line apart (its
// finder features, its words, its reading time, every line read whatever
// its evidence) and the finder's time; TestTuneSim replays detection
// strategies (pass orders, gates, rule thresholds) over that file in
// milliseconds, so passes and thresholds are chosen by measurement without
// rerunning Tesseract, and TestTuneSched replays the scheduling (which
// lines are read, in what order, which passes are skipped without line
// evidence) against reading everything. The replays use the detector's own
// scheduling (defaultSchedule). All run only when their environment
// variable names the file, and only ever on the tuning part (OCR_TUNE_CPU=1
// times passes by thread CPU time, for a loaded machine):
//
//	OCR_TUNE_CACHE=/tmp/tune.json OCR_TUNE_CPU=1 OCR_TUNE_ADD=regions,regions-grey,local,otsu,steep,steep-dark \
//		go test ./ocr -run TestTuneCache -timeout 60m
//	OCR_TUNE_SIM=/tmp/tune.json go test ./ocr -run TestTuneSim -v
//	OCR_TUNE_SCHED=/tmp/tune.json go test ./ocr -run TestTuneSched -v

type cachedWord struct {
	Text           string
	Conf           float64
	X0, Y0, X1, Y1 int
}

type cachedPass struct {
	MS    float64
	Scale float64
	Words []cachedWord
	// Regions passes: FinderMS is the candidate finder's share of MS and
	// Lines the candidate lines in reading order, each with its own time
	// and words (the pass's Words are theirs, in order).
	FinderMS float64      `json:",omitempty"`
	Lines    []cachedLine `json:",omitempty"`
}

// cachedLine is one candidate line a regions pass read.
type cachedLine struct {
	MS                   float64
	Score                float64
	Glyphs, Height       int
	Level, Ch            int
	Light                bool
	W, H                 int
	Slope                float64
	BottomDev, StrokeDev float64
	Words                []cachedWord
}

func cacheWords(raw []rawWord) []cachedWord {
	var out []cachedWord
	for _, w := range raw {
		out = append(out, cachedWord{w.text, w.conf, w.x0, w.y0, w.x1, w.y1})
	}
	return out
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
	// Lined: the regions passes' lines are recorded (cachedPass.Lines; an
	// older cache has only their words).
	Lined bool `json:",omitempty"`
	// Support holds the glyph support (frame.support) of the box, in the
	// original image, of every word of 3 letters or digits read at
	// confidence 30 or more (supportKey); an older cache has none and
	// replays without the glyph-support rule.
	Support map[string]int `json:",omitempty"`
}

// supportKey names a word box of the original image in cachedImage.Support.
func supportKey(b [4]int) string { return fmt.Sprintf("%d,%d,%d,%d", b[0], b[1], b[2], b[3]) }

// cacheSupport fills ci.Support from the frame (see cachedImage.Support).
func cacheSupport(ci *cachedImage, fr *frame) {
	ci.Support = map[string]int{}
	for _, cp := range ci.Passes {
		for _, w := range cp.Words {
			if w.Conf < 30 || alnumCount(w.Text) < 3 {
				continue
			}
			b := wordBox(rawWord{w.Text, w.Conf, w.X0, w.Y0, w.X1, w.Y1}, cp.Scale)
			if _, done := ci.Support[supportKey(b)]; !done {
				ci.Support[supportKey(b)] = fr.support(b)
			}
		}
	}
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
					Edges: col.gray().edgeDensity(16), Passes: map[string]cachedPass{}, Lined: true}
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
					clock := func() time.Duration {
						if os.Getenv("OCR_TUNE_CPU") != "" {
							// Thread CPU time: under load, wall time measures the neighbours.
							return threadCPU()
						}
						return time.Duration(time.Now().UnixNano())
					}
					ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
					var lines []cachedLine
					finder := 0.0
					rp, isRegions := regionPasses[p]
					if isRegions {
						// The finder alone, on a throwaway copy of the shared luma lines.
						f0 := clock()
						up := max(fr.native.w, fr.native.h) < regionUpBelow
						q := rp
						if up {
							q.minHeight = q.minHeightUp
						}
						img, gimg, _ := fr.image(up)
						chans := []grayImage{gimg}
						if q.chroma {
							chans = append(chans, img.yellowBlue())
						}
						k := map[bool]int{false: 0, true: 1}[up]
						var luma lumaLines
						if fr.lumaLines[k] != nil {
							luma = *fr.lumaLines[k]
						}
						findRegionsIn(chans, q, &luma)
						finder = ms(clock() - f0)
					}
					start, cpu0 := time.Now(), threadCPU()
					var raw []rawWord
					var scale float64
					var err error
					if isRegions {
						mark := clock()
						rp.minEvidence = 0 // every line, for the replays
						raw, scale, err = det.runRegions(c, p, rp, fr, func(r region, ws []rawWord, _ float64) bool {
							now := clock()
							lines = append(lines, cachedLine{MS: ms(now - mark), Score: r.score, Glyphs: r.glyphs, Height: r.height,
								Level: r.level, Ch: r.ch, Light: r.light, W: r.x1 - r.x0, H: r.y1 - r.y0, Slope: r.slope,
								BottomDev: r.bottomDev, StrokeDev: r.strokeDev, Words: cacheWords(ws)})
							mark = now
							return false
						})
						if len(lines) > 0 {
							lines[0].MS = max(0, lines[0].MS-finder)
						}
					} else {
						raw, scale, err = det.runPass(c, p, fr)
					}
					if err != nil {
						mu.Lock()
						firstErr = err
						mu.Unlock()
						continue
					}
					cp := cachedPass{MS: ms(time.Since(start)), Scale: scale, Words: cacheWords(raw), Lines: lines}
					if os.Getenv("OCR_TUNE_CPU") != "" {
						cp.MS = ms(threadCPU() - cpu0)
					}
					if isRegions {
						// The pass's own finder share (regions-grey takes the luma lines regions found).
						cp.FinderMS = cp.MS
						for _, l := range lines {
							cp.FinderMS -= l.MS
						}
						cp.FinderMS = max(0, cp.FinderMS)
					}
					ci.Passes[p] = cp
				}
				cacheSupport(&ci, fr)
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

// simulate replays detect over cached pass results, with the detector's
// own scheduling (defaultSchedule).
func simulate(o Options, gate gateLimits, ci cachedImage) (Verdict, float64) {
	return simulateSched(o, gate, ci, defaultSchedule)
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

// schedule is a replayable variant of the detector's scheduling: which
// candidate lines a regions pass reads and in what order, whether it stops
// at the first line that decides, and which whole-image passes are skipped
// when the finder saw no line evidence. defaultSchedule is the detector's.
type schedule struct {
	name     string
	evid     func(cachedLine) float64 // nil: region.evidence
	minEvid  float64                  // lines below it are not read
	stopLine bool                     // a regions pass stops at the line that decides
	// skip: pass -> evidence; the pass is skipped when a regions pass ran,
	// no candidate line reached it and nothing was accepted so far.
	skip map[string]float64
	// passes: the pass order (nil: Options.Passes).
	passes []string
}

var defaultSchedule = func() schedule {
	s := schedule{name: "default", minEvid: minLineEvidence, stopLine: true, skip: map[string]float64{}}
	for p := range lineGated {
		s.skip[p] = gateLineEvidence
	}
	return s
}()

func (s schedule) evidence(l cachedLine) float64 {
	if s.evid == nil {
		return region{score: l.Score, bottomDev: l.BottomDev, strokeDev: l.StrokeDev}.evidence()
	}
	return s.evid(l)
}

// simulateSched is detect replayed with a schedule. A cache written before
// lines were recorded replays each regions pass as one line read whole,
// of unbounded evidence.
func simulateSched(o Options, gate gateLimits, ci cachedImage, s schedule) (Verdict, float64) {
	o, _ = o.withDefaults()
	v := Verdict{Width: ci.W, Height: ci.H}
	if o.MinEdgeDensity > 0 && ci.Edges < o.MinEdgeDensity {
		v.Pass, v.Rule = PassFlat, RuleFlat
		return v, 0
	}
	passes := o.Passes
	if s.passes != nil {
		passes = s.passes
	}
	if ci.Edges > o.TextureEdgeDensity {
		passes = passes[:1]
	}
	var acc judge
	acc.init(o, ci.W, ci.H)
	if ci.Support != nil {
		acc.support = func(b [4]int) int { return ci.Support[supportKey(b)] }
	}
	ms := 0.0
	best := -1.0 // best line evidence seen (-1: no candidate line yet)
	for i, p := range passes {
		cp := ci.Passes[p]
		if turnedSpecs[p].tiled && !gate.open(tileGate{tiling{Score: ci.Tiling}, ci.Lum}, passSpecs[p].dark) {
			cp = cachedPass{}
		}
		if t, ok := s.skip[p]; ok && best >= 0 && best < t && len(acc.accepted) == 0 {
			continue
		}
		v.Pass = p
		if _, isRegions := regionPasses[p]; isRegions {
			lines, finder := cp.Lines, cp.FinderMS
			if !ci.Lined {
				lines, finder = []cachedLine{{MS: cp.MS, Score: math.Inf(1), Words: cp.Words}}, 0
			}
			lines = slices.Clone(lines)
			ms += finder
			sort.SliceStable(lines, func(a, b int) bool { return s.evidence(lines[a]) > s.evidence(lines[b]) })
			if len(lines) > 0 {
				best = max(best, s.evidence(lines[0]))
			}
			for _, l := range lines {
				if s.evidence(l) < s.minEvid {
					break
				}
				ms += l.MS
				for _, w := range l.Words {
					acc.add(rawWord{w.Text, w.Conf, w.X0, w.Y0, w.X1, w.Y1}, p, cp.Scale)
				}
				if s.stopLine && acc.hasText() != "" {
					break
				}
			}
		} else {
			ms += cp.MS
			for _, w := range cp.Words {
				acc.add(rawWord{w.Text, w.Conf, w.X0, w.Y0, w.X1, w.Y1}, p, cp.Scale)
			}
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

// TestTuneSched replays schedules (tuneSchedules) against the detector's
// own over a cache of the default passes written by TestTuneCache, and
// lists the images whose verdict each changes:
//
//	OCR_TUNE_SCHED=/tmp/tune.json go test ./ocr -run TestTuneSched -v
func TestTuneSched(t *testing.T) {
	path := os.Getenv("OCR_TUNE_SCHED")
	if path == "" {
		t.Skip("set OCR_TUNE_SCHED=FILE (written by TestTuneCache with the default passes) to replay schedules")
	}
	imgs := readCache(t, path)
	// The reference: every line read, every pass run (the scheduling of
	// before issue 16's speed work).
	all := schedule{name: "all lines, all passes"}
	base := make([]Verdict, len(imgs))
	for i, ci := range imgs {
		base[i], _ = simulateSched(Options{}, defaultGate, ci, all)
	}
	for _, s := range append([]schedule{all, defaultSchedule}, tuneSchedules()...) {
		var full, thumb score
		var ms, msNeg, msPos, nNeg float64
		var lost, gained []string
		for i, ci := range imgs {
			v, m := simulateSched(Options{}, defaultGate, ci, s)
			ms += m
			if ci.HasText {
				msPos += m
			} else {
				msNeg += m
				nNeg++
			}
			if ci.Thumb {
				thumb.add(ci.HasText, v.HasText)
			} else {
				full.add(ci.HasText, v.HasText)
			}
			if base[i].HasText && !v.HasText {
				lost = append(lost, ci.Name)
			}
			if !base[i].HasText && v.HasText {
				gained = append(gained, fmt.Sprintf("%s(truth=%v)", ci.Name, ci.HasText))
			}
		}
		n := float64(len(imgs))
		t.Logf("%-40s full %s | thumb %s | %.0f ms/img (text-free %.0f, text %.0f) lost %v gained %v", s.name, full, thumb,
			ms/n, msNeg/nNeg, msPos/(n-nNeg), lost, gained)
	}
}
