package evalset

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGenerateDeterministic(t *testing.T) {
	a := Generate(7, 2)
	b := Generate(7, 2)
	if len(a) != 2*2*len(PositiveKinds) {
		t.Fatalf("got %d samples, want %d", len(a), 2*2*len(PositiveKinds))
	}
	pos := 0
	for i := range a {
		if a[i].Name != b[i].Name || !bytes.Equal(a[i].Image.Pix, b[i].Image.Pix) {
			t.Fatalf("sample %d (%s) differs between two runs with the same seed", i, a[i].Name)
		}
		if a[i].HasText {
			pos++
		}
		lo := a[i].Image.Bounds().Dx()
		if h := a[i].Image.Bounds().Dy(); h > lo {
			lo = h
		}
		if a[i].Thumb && lo != ThumbSize {
			t.Errorf("%s: thumbnail long side %d, want %d", a[i].Name, lo, ThumbSize)
		}
	}
	if pos != len(a)/2 {
		t.Errorf("%d positives of %d, want half", pos, len(a))
	}
	if dir := os.Getenv("EVALSET_DUMP"); dir != "" {
		for _, s := range Generate(int64(envSeed()), 6) {
			var buf bytes.Buffer
			png.Encode(&buf, s.Image)
			os.WriteFile(filepath.Join(dir, s.Name+".png"), buf.Bytes(), 0o644)
		}
	}
}

func envSeed() int {
	n := 1
	fmt.Sscan(os.Getenv("EVALSET_SEED"), &n)
	return n
}

func TestRealParts(t *testing.T) {
	// Two builds of the held-out part (building is mostly decoding photos:
	// the tuning part is checked through its photo lists, not built).
	o := RealOptions{PerKind: 1, Crops: 1}
	held, err := Real(PartHeldOut, o)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Real(PartHeldOut, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(held) != len(again) {
		t.Fatalf("two builds of the held-out part: %d and %d images", len(held), len(again))
	}
	for i, s := range held {
		if s.Name != again[i].Name || !bytes.Equal(s.Image.Pix, again[i].Image.Pix) {
			t.Fatalf("%s differs between two builds", s.Name)
		}
	}
	sources := map[string]string{}
	for _, list := range [][]photo{sceneText, plain, sceneText2, plain2} {
		for _, p := range partOf(list, PartTune) {
			sources[p.file()] = "tuning photo " + p.path
		}
	}
	// Version 2 keeps every photo of version 1 in its part: the old
	// held-out photos are still held out.
	for _, list := range [][]photo{sceneText, plain} {
		for _, p := range partOf(list, PartHeldOut) {
			if n, ok := sources[p.file()]; ok {
				t.Errorf("version 1 held-out photo %s is in version 2's tuning part (%s)", p.file(), n)
			}
		}
	}
	kinds := map[string]int{}
	for _, s := range held {
		if n, ok := sources[s.Source]; ok {
			t.Errorf("photo %s is in both parts (%s and %s)", s.Source, n, s.Name)
		}
		kinds[s.Kind]++
		b := s.Image.Bounds()
		// Composites say where their text is; scene text and negatives do not.
		if composite := s.HasText && s.Kind != "scene"; composite != (len(s.Boxes) > 0) {
			t.Errorf("%s: %d text boxes", s.Name, len(s.Boxes))
		}
		for _, r := range s.Boxes {
			if r.Empty() || !r.In(b.Inset(-1)) {
				t.Errorf("%s: text box %v outside the image %v", s.Name, r, b)
			}
		}
		if long := max(b.Dx(), b.Dy()); s.Thumb && long != ThumbSize || !s.Thumb && long > MaxFullSide {
			t.Errorf("%s: long side %d", s.Name, long)
		}
	}
	for _, k := range append(append([]string{"scene", "photo"}, CompositeKinds...), CompositeKinds2...) {
		if kinds[k] == 0 {
			t.Errorf("held-out part has no %s images", k)
		}
	}
	// No typeface of the held-out part is used in the tuning part.
	tuneFonts := map[string]bool{}
	for _, f := range realFontFiles {
		tuneFonts[f.file] = true
	}
	for _, f := range heldOutFontFiles {
		if tuneFonts[f.file] {
			t.Errorf("font %s is in both parts", f.file)
		}
	}
	if _, err := Real(PartTune, RealOptions{Version: 3}); err == nil {
		t.Error("unknown version accepted")
	}
	if _, err := Real("bogus", o); err == nil {
		t.Error("unknown part accepted")
	}
	// A missing photo is an error naming the file and its package.
	defer func(d string) { OpenCVDir = d }(OpenCVDir)
	OpenCVDir = t.TempDir()
	_, err = Real(PartTune, o)
	if err == nil || !strings.Contains(err.Error(), OpenCVDir) || !strings.Contains(err.Error(), "opencv-doc") {
		t.Errorf("missing photos: got %v, want an error naming the folder and opencv-doc", err)
	}
}
