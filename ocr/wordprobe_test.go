package ocr

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// TestProbeWords prints, for the samples of part OCR_WPROBE_PART (default
// the tuning part) whose name matches OCR_WPROBE, every word each default
// pass reads (every candidate line, whatever the verdict), with the rule
// that rejects it, its glyph support upright and along its line, and the
// detector's verdict: what the word rules see.
//
//	OCR_WPROBE_PART=heldout3 OCR_WPROBE='tiled-0[12]' go test ./ocr -run TestProbeWords -v
func TestProbeWords(t *testing.T) {
	pat := os.Getenv("OCR_WPROBE")
	if pat == "" {
		t.Skip("set OCR_WPROBE=REGEXP to probe samples")
	}
	re := regexp.MustCompile(pat)
	det := testDetector(t, 2, Options{})
	c, err := det.pool.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer det.pool.Put(c)
	for _, s := range loadReal(t, cmp.Or(os.Getenv("OCR_WPROBE_PART"), "tune")) {
		if !re.MatchString(s.Name) {
			continue
		}
		col := toRGB(s.Image)
		fr := det.newFrame(col)
		var j judge
		j.init(det.opts, col.w, col.h)
		t.Logf("== %s kind=%s text=%v %q %dx%d", s.Name, s.Kind, s.HasText, s.Text, col.w, col.h)
		show := func(pass string, ws []rawWord, scale float64, line string) {
			var out []string
			for _, r := range ws {
				if strings.TrimSpace(r.text) == "" {
					continue
				}
				b := wordBox(r, scale)
				rej := j.rule(strings.TrimSpace(r.text), r.conf, b)
				out = append(out, fmt.Sprintf("%s@%.0f!%s s%d %v", r.text, r.conf, rej, fr.support(b), b))
			}
			if len(out) > 0 {
				t.Logf("  %s %s: %v", pass, line, out)
			}
		}
		for _, pass := range det.opts.Passes {
			if p, ok := regionPasses[pass]; ok {
				p.minEvidence = 0
				_, _, err := det.runRegions(c, pass, p, fr, func(r region, ws []rawWord, scale float64) bool {
					show(pass, ws, scale, fmt.Sprintf("line [%d %d %d %d] deg %.0f glyphs %d ev %.1f",
						r.x0, r.y0, r.x1, r.y1, math.Atan(r.slope)*180/math.Pi, r.glyphs, r.evidence()))
					return false
				})
				if err != nil {
					t.Fatal(err)
				}
				continue
			}
			raw, scale, err := det.runPass(c, pass, fr)
			if err != nil {
				t.Fatal(err)
			}
			show(pass, raw, scale, "")
		}
		v, err := det.Detect(context.Background(), s.Image)
		if err != nil {
			t.Fatal(err)
		}
		var ws []string
		for _, w := range v.Words {
			ws = append(ws, w.Pass+":"+w.Text+"@"+itoa(int(w.Conf))+"!"+w.Reject)
		}
		t.Logf("  verdict %v rule=%s pass=%s skipped=%v words=%v", v.HasText, v.Rule, v.Pass, v.Skipped, ws)
	}
}

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
	var mu sync.Mutex
	enc := json.NewEncoder(out)
	for _, part := range strings.Split(cmp.Or(os.Getenv("OCR_WDUMP_PARTS"), "tune,heldout,heldout3"), ",") {
		samples := loadReal(t, part)
		next := make(chan int)
		var wg sync.WaitGroup
		var firstErr error
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := det.pool.Get(context.Background())
				if err != nil {
					panic(err)
				}
				defer det.pool.Put(c)
				for i := range next {
					s := samples[i]
					ws, err := dumpWords(det, c, toRGB(s.Image))
					mu.Lock()
					if err != nil && firstErr == nil {
						firstErr = fmt.Errorf("%s: %w", s.Name, err)
					}
					for _, w := range ws {
						w.Part, w.Name, w.Kind, w.HasText, w.Thumb = part, s.Name, s.Kind, s.HasText, s.Thumb
						enc.Encode(w)
					}
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
