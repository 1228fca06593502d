package ocr

import (
	"cmp"
	"context"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"
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
}

// TestWordDump writes every word each default pass reads (every candidate
// line whatever its evidence, every pass whatever the verdict) on the
// parts OCR_WDUMP_PARTS (default all three) to OCR_WDUMP as JSON lines,
// so that word rules can be checked against every reading of every image
// (on photos without text above all) without rerunning Tesseract.
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
	for _, part := range strings.Split(cmp.Or(os.Getenv("OCR_WDUMP_PARTS"), "tune,heldout,heldout3"), ",") {
		samples := loadReal(t, part)
		res := make([][]dumpedWord, len(samples))
		errs := make([]error, len(samples))
		var wg sync.WaitGroup
		slots := make(chan struct{}, 2) // two images at a time, one engine each
		for i, s := range samples {
			wg.Add(1)
			slots <- struct{}{}
			go func() {
				defer func() { <-slots; wg.Done() }()
				c, err := det.pool.Get(context.Background())
				if err != nil {
					errs[i] = err
					return
				}
				defer det.pool.Put(c)
				res[i], errs[i] = dumpWords(det, c, toRGB(s.Image))
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

// dumpWords is TestWordDump's reading of one image.
func dumpWords(det *Detector, c *Client, col rgbImage) ([]dumpedWord, error) {
	if col.w < 8 || col.h < 8 || col.gray().edgeDensity(16) < det.opts.MinEdgeDensity {
		return nil, nil
	}
	fr := det.newFrame(col)
	var j judge
	j.init(det.opts, col.w, col.h)
	var out []dumpedWord
	add := func(pass string, line int, slope float64, ws []rawWord, scale float64) {
		for _, r := range ws {
			text := strings.TrimSpace(r.text)
			if alnumCount(text) == 0 {
				continue
			}
			b := wordBox(r, scale)
			d := dumpedWord{Pass: pass, Line: line, Slope: slope, Text: text, Conf: r.conf, Box: b, Reject: j.rule(text, r.conf, b)}
			if r.conf >= 30 && alnumCount(text) >= 3 {
				d.Support, d.Along = fr.support(b), fr.supportAlong(b, slope)
			}
			out = append(out, d)
		}
	}
	for _, pass := range det.opts.Passes {
		if p, ok := regionPasses[pass]; ok {
			p.minEvidence = 0
			line := 0
			_, _, err := det.runRegions(c, pass, p, fr, func(r region, ws []rawWord, scale float64) bool {
				add(pass, line, readSlope(r, p.deskew), ws, scale)
				line++
				return false
			})
			if err != nil {
				return nil, err
			}
			continue
		}
		raw, scale, err := det.runPass(c, pass, fr)
		if err != nil {
			return nil, err
		}
		add(pass, -1, 0, raw, scale)
	}
	return out, nil
}
