package ocr

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
)

func TestSpelling(t *testing.T) {
	for _, tc := range []struct {
		word, want string
	}{
		{"sadness", ""},
		{"QUALITY", ""},
		{"Grateful", ""},
		{"iStock", ""},
		{"123RF", ""},
		{"2024", ""},
		{"strengths", ""},
		{"WMHN", RejectNoVowel},
		{"lll", RejectRepeats},
		{"EEEk", RejectRepeats},
		{"aBcDe", RejectMixedCase},
		{"a1b2", RejectMixedAlnum},
		{"Illi", RejectStrokes},
		{"tlfit", RejectStrokes},
		{"xkcdfghja", RejectConsonants},
	} {
		if got := spelling(tc.word); got != tc.want {
			t.Errorf("spelling(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
}

func TestJudgeRules(t *testing.T) {
	o, _ := Options{}.withDefaults()
	for _, tc := range []struct {
		name string
		text string
		conf float64
		box  [4]int
		want string
	}{
		{"word", "hello", 90, [4]int{10, 10, 60, 22}, ""},
		{"punctuation trimmed", "\"hello,\"", 90, [4]int{10, 10, 60, 22}, ""},
		{"short", "to", 95, [4]int{10, 10, 30, 22}, RejectShort},
		{"symbols", "a-b-c-", 95, [4]int{10, 10, 60, 22}, RejectSymbols},
		{"low confidence", "hello", 40, [4]int{10, 10, 60, 22}, RejectConfidence},
		{"tiny", "hello", 90, [4]int{10, 10, 20, 13}, RejectTiny},
		{"huge", "hello", 90, [4]int{0, 0, 200, 180}, RejectHuge},
		{"too narrow", "hello", 90, [4]int{10, 10, 15, 60}, RejectShape},
		{"too wide", "hello", 90, [4]int{0, 10, 190, 22}, RejectShape},
	} {
		var j judge
		j.init(o, 200, 200)
		if got := j.rule(tc.text, tc.conf, tc.box); got != tc.want {
			t.Errorf("%s: rule(%q) = %q, want %q", tc.name, tc.text, got, tc.want)
		}
	}
}

func TestHasTextNeedsALine(t *testing.T) {
	o, _ := Options{}.withDefaults()
	var j judge
	j.init(o, 400, 400)
	// Two weak words far apart (texture fragments) do not make text...
	j.add(rawWord{"ots", 62, 10, 10, 40, 30}, "sparse", 1)
	j.add(rawWord{"pace", 62, 300, 300, 350, 320}, "sparse", 1)
	if j.hasText() != "" {
		t.Fatal("scattered weak words counted as text")
	}
	// ...two side by side at one height do, once one reaches LineConfidence.
	j.add(rawWord{"river", 62, 48, 11, 100, 31}, "sparse", 1)
	if j.hasText() != "" {
		t.Fatal("two words under LineConfidence on one line counted as text")
	}
	j.add(rawWord{"sun", 66, 48, 11, 80, 31}, "sparse", 1)
	if j.hasText() == "" {
		t.Fatal("two weak words on one line not counted as text")
	}
	// One strong word alone does.
	j.init(o, 400, 400)
	j.add(rawWord{"KINDNESS", 75, 12, 102, 103, 117}, "auto", 1)
	if j.hasText() == "" {
		t.Fatal("one strong word not counted as text")
	}
}

func TestMissingLanguageData(t *testing.T) {
	dir := t.TempDir()
	_, err := NewPool(PoolOptions{Size: 1, TessdataDir: dir})
	if !errors.Is(err, ErrNoLanguageData) {
		t.Fatalf("NewPool with an empty tessdata folder: got %v, want ErrNoLanguageData", err)
	}
	if !strings.Contains(err.Error(), "eng.traineddata") || !strings.Contains(err.Error(), dir) {
		t.Errorf("error does not name the file and folder: %v", err)
	}
	t.Setenv("TESSDATA_PREFIX", dir)
	if _, err := findTessdata("", "xx"); err == nil || !strings.Contains(err.Error(), "tesseract-ocr-xx") {
		t.Errorf("missing language without a folder: want the package to install, got %v", err)
	}
}

// testDetector returns a detector with opts over a new pool of size
// engines, closed when the test ends.
func testDetector(tb testing.TB, size int, opts Options) *Detector {
	tb.Helper()
	pool, err := NewPool(PoolOptions{Size: size})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { pool.Close() })
	det, err := NewDetector(pool, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return det
}

func TestDetectBytes(t *testing.T) {
	det := testDetector(t, 1, Options{})
	// A flat image is decided without OCR.
	flat := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range flat.Pix {
		flat.Pix[i] = 200
	}
	var buf bytes.Buffer
	png.Encode(&buf, flat)
	v, err := det.DetectBytes(context.Background(), buf.Bytes())
	if err != nil || v.HasText || v.Pass != PassFlat || v.Rule != RuleFlat || v.Width != 64 || v.Height != 48 {
		t.Errorf("flat image: %+v, %v", v, err)
	}
	// Garbage bytes are an error naming the decoder's complaint, not a panic.
	if _, err := det.DetectBytes(context.Background(), []byte("not an image")); err == nil {
		t.Error("DetectBytes accepted garbage")
	}
	// A cancelled context stops before OCR.
	noisy := image.NewGray(image.Rect(0, 0, 64, 64))
	for i := range noisy.Pix {
		noisy.Pix[i] = uint8(i * 97 % 251)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := det.Detect(ctx, noisy); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled detect: got %v", err)
	}
	_ = color.Black
}

func TestOptionsValidate(t *testing.T) {
	for _, o := range []Options{
		{MinConfidence: 120},
		{Passes: []string{"bogus"}},
		{UpscaleTo: 8},
	} {
		if _, err := NewDetector(nil, o); err == nil {
			t.Errorf("NewDetector(%+v) accepted bad options", o)
		}
	}
}

func TestSiteName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"www.shutterstock.com", "shutterstock"},
		{"WWW.ALAMY.COM", "ALAMY"},
		{"dreamstime.com", "dreamstime"},
		{"bbc.co.uk", "bbc"},
		{"www", "www"},
		{"comet", "comet"},
		{".com", ".com"},
	} {
		if got := siteName(tc.in); got != tc.want {
			t.Errorf("siteName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// A web address passes the word rules; three w's alone do not.
	o, _ := Options{}.withDefaults()
	var j judge
	j.init(o, 400, 300)
	if r := j.rule("www.pixabay.com", 80, [4]int{10, 10, 160, 24}); r != "" {
		t.Errorf("watermark address rejected: %s", r)
	}
	if r := j.rule("wwww", 80, [4]int{10, 10, 50, 24}); r == "" {
		t.Error("wwww accepted")
	}
}

func TestHasTextRules(t *testing.T) {
	o, _ := Options{}.withDefaults()
	var j judge
	// A lone short word read with near certainty (96) decides; at 75 it does not.
	j.init(o, 400, 400)
	j.add(rawWord{"BAR", 75, 10, 10, 40, 24}, PassAuto, 1)
	if r := j.hasText(); r != "" {
		t.Fatalf("a three-letter word at 75 decided (%s)", r)
	}
	j.init(o, 400, 400)
	j.add(rawWord{"BAR", 96, 10, 10, 40, 24}, PassAuto, 1)
	if r := j.hasText(); r != RuleStrong || !j.accepted[0].Decisive {
		t.Fatalf("a three-letter word at 96: rule %q, words %+v", r, j.accepted)
	}
	// A weak word alone does not decide; the same word read by a second
	// pass at the same place does, and is marked.
	j.init(o, 400, 400)
	j.add(rawWord{"river", 62, 100, 100, 160, 120}, PassAuto, 1)
	if r := j.hasText(); r != "" {
		t.Fatalf("one weak word decided (%s)", r)
	}
	j.add(rawWord{"River", 61, 101, 99, 161, 121}, PassLocal, 1)
	if r := j.hasText(); r != RuleAgree || !j.accepted[0].Decisive {
		t.Fatalf("a word two passes read alike: rule %q, words %+v", r, j.accepted)
	}
	// A different reading at that place is no agreement.
	j.init(o, 400, 400)
	j.add(rawWord{"river", 62, 100, 100, 160, 120}, PassAuto, 1)
	j.add(rawWord{"rover", 62, 100, 100, 160, 120}, PassLocal, 1)
	if r := j.hasText(); r != "" {
		t.Fatalf("two different readings agreed (%s)", r)
	}
	// Two readings stacked on one spot (as a grid of windows gives) are no
	// line, however sure.
	j.init(o, 400, 400)
	j.add(rawWord{"yee", 68, 118, 53, 132, 60}, PassOtsu, 1)
	j.add(rawWord{"Ate", 66, 120, 57, 129, 63}, PassDark, 1)
	if r := j.hasText(); r != "" {
		t.Fatalf("two stacked readings decided (%s)", r)
	}
	// Words on a line are all marked decisive.
	j.init(o, 400, 400)
	j.add(rawWord{"quiet", 62, 10, 10, 60, 30}, PassAuto, 1)
	j.add(rawWord{"sun", 66, 70, 11, 100, 31}, PassAuto, 1)
	if r := j.hasText(); r != RuleLine || !j.accepted[0].Decisive || !j.accepted[1].Decisive {
		t.Fatalf("two words on a line: rule %q, words %+v", r, j.accepted)
	}
}

func TestToRGBTransparency(t *testing.T) {
	// Black text on a transparent background must not vanish into black.
	dark := image.NewNRGBA(image.Rect(0, 0, 4, 1))
	dark.Pix = []uint8{0, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 128}
	got := toRGB(dark).pix
	if got[0] != 0 || got[3] != 255 || got[6] != 255 || got[9] < 120 || got[9] > 135 {
		t.Errorf("dark content over transparency: %v, want black, then white, white, grey", got)
	}
	// White text on transparency goes over black.
	light := image.NewNRGBA(image.Rect(0, 0, 2, 1))
	light.Pix = []uint8{255, 255, 255, 255, 255, 255, 255, 0}
	if got := toRGB(light).pix; got[0] != 255 || got[3] != 0 {
		t.Errorf("light content over transparency: %v, want white then black", got)
	}
	// Premultiplied RGBA is un-premultiplied first.
	pre := image.NewRGBA(image.Rect(0, 0, 2, 1))
	pre.Pix = []uint8{0, 0, 0, 255, 100, 100, 100, 128}
	if got := toRGB(pre).pix; got[3] < 225 || got[3] > 230 {
		t.Errorf("premultiplied half-transparent grey over white: %d, want about 227", got[3])
	}
	// Opaque images pass through unchanged.
	opaque := image.NewRGBA(image.Rect(0, 0, 1, 1))
	opaque.Pix = []uint8{10, 20, 30, 255}
	if got := toRGB(opaque).pix; got[0] != 10 || got[1] != 20 || got[2] != 30 {
		t.Errorf("opaque pixel changed: %v", got)
	}
}
