package ocr

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/curate-ml/curate/ocr/internal/evalset"
)

// thumbVerdict is one image's verdict as TestThumbScore writes it, so that
// two runs (before and after a change) can be compared image by image.
type thumbVerdict struct {
	Config, Part, Name, Kind string
	Thumb, HasText           bool
	Found                    bool
	Rule, Pass               string
	Words                    []string
}

// TestThumbScore scores the default detector on the 220-px thumbnails (or,
// with OCR_THUMB_SIZE=full, the full-size images; "both" for both) of every
// image of the validation parts OCR_THUMB_PARTS (default all of them:
// tune, heldout, heldout3..heldout7), logs P/R/F1, the CPU an image and
// every wrong verdict per part, and writes each image's verdict to
// OCR_THUMB_OUT as JSON lines when set. The part being built blind
// (heldout8) is refused.
//
//	OCR_THUMB=1 go test ./ocr -run 'TestThumbScore$' -count=1 -v -timeout 60m
func TestThumbScore(t *testing.T) {
	if os.Getenv("OCR_THUMB") == "" {
		t.Skip("set OCR_THUMB=1 to score the thumbnails of the validation parts")
	}
	parts := strings.Split(os.Getenv("OCR_THUMB_PARTS"), ",")
	if parts[0] == "" {
		parts = []string{evalset.PartTune, evalset.PartHeldOut, evalset.PartHeldOut3, evalset.PartHeldOut4, evalset.PartHeldOut5, evalset.PartHeldOut6, evalset.PartHeldOut7}
	}
	size := os.Getenv("OCR_THUMB_SIZE")
	var enc *json.Encoder
	if p := os.Getenv("OCR_THUMB_OUT"); p != "" {
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		enc = json.NewEncoder(f)
	}
	// Experiments: OCR_THUMB_CONFIGS lists filter:sharpen pairs to score
	// one after another ("cubic:0,bilinear:0.5"; "look:0" the cubic second
	// look; default the defaults).
	configs := strings.Split(os.Getenv("OCR_THUMB_CONFIGS"), ",")
	defFilter, defSharpen, defLook := thumbUpFilter, thumbSharpen, thumbLookCubic
	t.Cleanup(func() { thumbUpFilter, thumbSharpen, thumbLookCubic = defFilter, defSharpen, defLook })
	det := testDetector(t, 2, Options{})
	for _, cf := range configs {
		if cf != "" {
			name, amount, _ := strings.Cut(cf, ":")
			thumbLookCubic = name == "look"
			thumbUpFilter = map[string]upFilter{"cubic": upCubic}[name]
			v, err := strconv.ParseFloat(amount, 64)
			if err != nil {
				t.Fatalf("OCR_THUMB_CONFIGS: %q: %v", cf, err)
			}
			thumbSharpen = v
		}
		t.Logf("config %q: up filter %d, sharpen %.2f, cubic second look %v", cf, thumbUpFilter, thumbSharpen, thumbLookCubic)
		scoreThumbParts(t, det, parts, size, enc, cf)
	}
}

func scoreThumbParts(t *testing.T, det *Detector, parts []string, size string, enc *json.Encoder, config string) {
	for _, part := range parts {
		if strings.HasPrefix(part, "heldout8") {
			t.Fatalf("%s is scored blind by the integrator only", part)
		}
		var samples []evalset.Sample
		for _, s := range loadReal(t, part) {
			if size == "both" || s.Thumb == (size != "full") {
				samples = append(samples, s)
			}
		}
		start, cpu0 := time.Now(), cpuTime()
		vs := runDetector(t, det, samples, 2)
		el, cpu := time.Since(start), cpuTime()-cpu0
		r := scoreVerdicts(samples, vs)
		for _, w := range r.wrong {
			t.Log("wrong: " + w)
		}
		if os.Getenv("OCR_THUMB_EXPLAIN") != "" {
			for i, v := range vs {
				if v.HasText == samples[i].HasText {
					continue
				}
				e, err := explainMiss(det, samples[i])
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("explain: %s %s: %s", samples[i].Name, samples[i].Kind, e)
			}
		}
		t.Logf("%s: %d images in %v, %.0f ms of CPU an image\n%s", part, len(samples), el.Round(time.Millisecond),
			float64(cpu.Milliseconds())/float64(len(samples)), r)
		if enc == nil {
			continue
		}
		for i, v := range vs {
			s := samples[i]
			tv := thumbVerdict{Config: config, Part: part, Name: s.Name, Kind: s.Kind, Thumb: s.Thumb, HasText: s.HasText, Found: v.HasText, Rule: v.Rule, Pass: v.Pass}
			for _, w := range v.Words {
				tv.Words = append(tv.Words, fmt.Sprintf("%s:%q@%.0f!%s", w.Pass, w.Text, w.Conf, w.Reject))
			}
			if err := enc.Encode(tv); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// explainMiss describes why the detector got s wrong, from every word
// every default pass reads on it (dumpWords): the drawn text's block
// (height over its lines, in px of s; luma spread inside it, p5..p95), the
// candidate lines of the regions passes over it (count, best evidence,
// their median glyph height in px of s) and the surest words read with
// the rule that dropped each.
func explainMiss(det *Detector, s evalset.Sample) (string, error) {
	c, err := det.pool.Get(context.Background())
	if err != nil {
		return "", err
	}
	defer det.pool.Put(c)
	col := toRGB(s.Image)
	ws, err := dumpWords(det, c, col)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	var box image.Rectangle
	for _, r := range s.Boxes {
		box = box.Union(r)
	}
	if !box.Empty() {
		lines := strings.Count(strings.TrimSpace(s.Text), "\n") + 1
		g := col.gray()
		var vals []int
		for y := max(0, box.Min.Y); y < min(g.h, box.Max.Y); y++ {
			for x := max(0, box.Min.X); x < min(g.w, box.Max.X); x++ {
				vals = append(vals, int(g.pix[y*g.w+x]))
			}
		}
		sort.Ints(vals)
		if len(vals) > 0 {
			fmt.Fprintf(&b, "text %dx%d px, %d lines (%.0f px a line), luma p5..p95 %d..%d; ", box.Dx(), box.Dy(), lines,
				float64(box.Dy())/float64(lines), vals[len(vals)/20], vals[len(vals)*19/20])
		}
	} else {
		b.WriteString("scene text; ")
	}
	seen := map[[4]int]bool{}
	nLines, bestEv := 0, 0.0
	for _, w := range ws {
		if w.Line < 0 || (w.Pass != PassRegions && w.Pass != PassRegionsGrey) || seen[w.LineBox] {
			continue
		}
		lb := image.Rect(w.LineBox[0], w.LineBox[1], w.LineBox[2], w.LineBox[3])
		if !box.Empty() && !lb.Overlaps(box) {
			continue
		}
		seen[w.LineBox] = true
		nLines++
		bestEv = max(bestEv, w.LineEv)
	}
	var hs []int
	for _, w := range ws {
		if w.Line >= 0 && seen[w.LineBox] && (w.Pass == PassRegions || w.Pass == PassRegionsGrey) {
			hs = append(hs, w.LineH)
		}
	}
	sort.Ints(hs)
	if len(hs) > 0 {
		fmt.Fprintf(&b, "%d lines over it (best evidence %.1f, median glyph %d px upscaled); ", nLines, bestEv, hs[len(hs)/2])
	} else {
		b.WriteString("no regions line over it; ")
	}
	sort.SliceStable(ws, func(i, j int) bool { return ws[i].Conf > ws[j].Conf })
	n := 0
	for _, w := range ws {
		if alnumCount(w.Text) < 3 {
			continue
		}
		fmt.Fprintf(&b, "%s:%q@%.0f!%s ", w.Pass, w.Text, w.Conf, w.Reject)
		if n++; n == 4 {
			break
		}
	}
	return b.String(), nil
}
