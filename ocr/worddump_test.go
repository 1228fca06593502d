package ocr

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"image"
	"image/draw"
	"image/jpeg"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/curate-ml/curate/cmd/curate/demodata"
	"github.com/curate-ml/curate/ocr/internal/evalset"
)

// dumpedWord is one word TestWordDump writes: where it was read (pass,
// candidate line, the line's slope when read turned level), what the word
// rules say of it and its glyph support upright and along its line.
type dumpedWord struct {
	Part, Name, Kind string
	HasText, Thumb   bool
	Pass             string
	Line             int // index of the candidate line read, -1 for a whole-image pass
	Slope            float64
	Text             string
	Conf             float64
	Box              [4]int
	Reject           string
	Support, Along   int
	// The candidate line the word was read on (regions passes): its box in
	// the original image, glyphs, median glyph height (px of the image
	// searched), evidence, spreads, channel, polarity and level, and
	// whether the detector reads it (its evidence reaches the pass's
	// minEvidence).
	LineBox             [4]int
	LineGlyphs, LineH   int
	LineEv, LineBD      float64
	LineSD              float64
	LineCh, LineLevel   int
	LineLight, LineRead bool
	// Fit describes the longest chain of glyphs under the word's box
	// upright (frame.supportFit): glyphs, bottom and stroke spread,
	// score, width and height over the box's.
	FitGlyphs              int
	FitBD, FitSD, FitScore float64
	FitCover, FitHeight    float64
}

// TestWordDump writes every word each default pass reads (every candidate
// line whatever its evidence, every pass whatever the verdict) on the
// parts OCR_WDUMP_PARTS (default the four one may tune or validate on; "demo" names make demo's 240 drawn scenes) to OCR_WDUMP as JSON lines,
// so that word rules can be checked against every reading of every image
// (on photos without text above all) without rerunning Tesseract.
// OCR_WDUMP_NEG=1 dumps the images without text only (half the time);
// OCR_WDUMP_VERDICT=1 adds each image's verdict.
//
//	OCR_WDUMP=/tmp/words.jsonl go test ./ocr -run TestWordDump -timeout 60m
func TestWordDump(t *testing.T) {
	path := os.Getenv("OCR_WDUMP")
	if path == "" {
		t.Skip("set OCR_WDUMP=FILE to dump every word of every pass")
	}
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	det := testDetector(t, 2, Options{})
	enc := json.NewEncoder(out)
	for _, part := range strings.Split(cmp.Or(os.Getenv("OCR_WDUMP_PARTS"), "tune,heldout,heldout3,heldout4"), ",") {
		var samples []evalset.Sample
		if part == "demo" {
			samples = demoSamples(t)
		} else {
			samples = loadReal(t, part)
		}
		if os.Getenv("OCR_WDUMP_NEG") != "" {
			// Photos without text only: what a new rule must not fire on.
			var neg []evalset.Sample
			for _, s := range samples {
				if !s.HasText {
					neg = append(neg, s)
				}
			}
			samples = neg
		}
		res := make([][]dumpedWord, len(samples))
		errs := make([]error, len(samples))
		var wg sync.WaitGroup
		slots := make(chan struct{}, 2) // two images at a time, one engine each
		for i, s := range samples {
			wg.Add(1)
			slots <- struct{}{}
			go func() {
				defer func() { <-slots; wg.Done() }()
				func() {
					c, err := det.pool.Get(context.Background())
					if err != nil {
						errs[i] = err
						return
					}
					defer det.pool.Put(c)
					res[i], errs[i] = dumpWords(det, c, toRGB(s.Image))
				}()
				if errs[i] == nil && os.Getenv("OCR_WDUMP_VERDICT") != "" {
					// The default detector's verdict, as one record whose
					// Pass is "verdict", Text its rule and Conf 1 for text.
					v, err := det.Detect(context.Background(), s.Image)
					errs[i] = err
					res[i] = append(res[i], dumpedWord{Pass: "verdict", Line: -1, Text: v.Rule, Conf: b2f(v.HasText)})
				}
			}()
		}
		wg.Wait()
		for i, s := range samples {
			if errs[i] != nil {
				t.Fatalf("%s: %v", s.Name, errs[i])
			}
			for _, w := range res[i] {
				w.Part, w.Name, w.Kind, w.HasText, w.Thumb = part, s.Name, s.Kind, s.HasText, s.Thumb
				if err := enc.Encode(w); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// demoSamples are make demo's 240 drawn scenes (cmd/curate's
// TestDemoScenesText), as samples whose label is their kind "text": the
// part "demo" of TestWordDump.
func demoSamples(t *testing.T) []evalset.Sample {
	images, err := demodata.Generate(240)
	if err != nil {
		t.Fatal(err)
	}
	var out []evalset.Sample
	for _, im := range images {
		m, err := jpeg.Decode(bytes.NewReader(im.Data))
		if err != nil {
			t.Fatalf("%s: %v", im.Name, err)
		}
		rgba := image.NewRGBA(m.Bounds())
		draw.Draw(rgba, rgba.Bounds(), m, m.Bounds().Min, draw.Src)
		out = append(out, evalset.Sample{Name: im.Name, Kind: im.Kind, HasText: im.Kind == "text", Image: rgba})
	}
	return out
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// dumpWords is TestWordDump's reading of one image.
func dumpWords(det *Detector, c *Client, col rgbImage) ([]dumpedWord, error) {
	if col.w < 8 || col.h < 8 || col.gray().edgeDensity(16) < det.opts.MinEdgeDensity {
		return nil, nil
	}
	fr := det.newFrame(col)
	var j judge
	j.init(det.opts, col.w, col.h)
	var out []dumpedWord
	add := func(pass string, line int, slope float64, ws []rawWord, scale float64, lr *region, read bool) {
		for _, r := range ws {
			text := strings.TrimSpace(r.text)
			if alnumCount(text) == 0 {
				continue
			}
			b := wordBox(r, scale)
			d := dumpedWord{Pass: pass, Line: line, Slope: slope, Text: text, Conf: r.conf, Box: b, Reject: j.rule(text, r.conf, b)}
			if r.conf >= 30 && alnumCount(text) >= 3 {
				d.Support, d.Along = fr.support(b), fr.supportAlong(b, slope)
				f := fr.supportFit(b)
				d.FitGlyphs, d.FitBD, d.FitSD, d.FitScore, d.FitCover, d.FitHeight = f.glyphs, f.bottomDev, f.strokeDev, f.score, f.cover, f.height
			}
			if lr != nil {
				d.LineBox = wordBox(rawWord{x0: lr.x0, y0: lr.y0, x1: lr.x1, y1: lr.y1}, scale)
				d.LineGlyphs, d.LineH, d.LineEv, d.LineBD, d.LineSD = lr.glyphs, lr.height, lr.evidence(), lr.bottomDev, lr.strokeDev
				d.LineCh, d.LineLevel, d.LineLight, d.LineRead = lr.ch, lr.level, lr.light, read
			}
			out = append(out, d)
		}
	}
	for _, pass := range det.opts.Passes {
		if p, ok := regionPasses[pass]; ok {
			minEv := p.minEvidence
			p.minEvidence = 0
			line := 0
			var rerr error
			_, _, err := det.runRegions(c, pass, p, fr, func(r region, ws []rawWord, scale float64) bool {
				add(pass, line, readSlope(r, p.deskew), ws, scale, &r, r.evidence() >= minEv)
				// Every unsure line's second reading (the detector reads at
				// most maxRereads an image).
				if j.unsureLine(ws, pass, scale) {
					again, err := rereadLine(c, fr.lineChannel(r), r, p.deskew)
					if err != nil {
						rerr = err
						return true
					}
					add(pass+rereadSuffix, line, readSlope(r, p.deskew), again, scale, &r, r.evidence() >= minEv)
				}
				line++
				return false
			})
			if err == nil {
				err = rerr
			}
			if err != nil {
				return nil, err
			}
			continue
		}
		raw, scale, err := det.runPass(c, pass, fr)
		if err != nil {
			return nil, err
		}
		add(pass, -1, 0, raw, scale, nil, true)
	}
	return out, nil
}
