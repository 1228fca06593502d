package ocr

import (
	"encoding/json"
	"fmt"
	"os"
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
	// one after another ("cubic:0,bilinear:0.5"; default the defaults).
	configs := strings.Split(os.Getenv("OCR_THUMB_CONFIGS"), ",")
	defFilter, defSharpen := thumbUpFilter, thumbSharpen
	t.Cleanup(func() { thumbUpFilter, thumbSharpen = defFilter, defSharpen })
	det := testDetector(t, 2, Options{})
	for _, cf := range configs {
		if cf != "" {
			name, amount, _ := strings.Cut(cf, ":")
			thumbUpFilter = map[string]upFilter{"cubic": upCubic}[name]
			v, err := strconv.ParseFloat(amount, 64)
			if err != nil {
				t.Fatalf("OCR_THUMB_CONFIGS: %q: %v", cf, err)
			}
			thumbSharpen = v
		}
		t.Logf("config %q: up filter %d, sharpen %.2f", cf, thumbUpFilter, thumbSharpen)
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
