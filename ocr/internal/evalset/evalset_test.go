package evalset

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"sort"
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

// TestHeldOut3Disjoint checks that version 3's held-out part shares nothing
// with versions 1 and 2: no Debian package, no photo (by path or by
// content), no typeface or font package, no entry of the word, agency and
// sign lists.
func TestHeldOut3Disjoint(t *testing.T) {
	checkDisjoint(t, "version 3", concat(sceneText, plain, sceneText2, plain2), withScenes(plain3, sceneText3),
		append(append([]fontFile(nil), realFontFiles...), heldOutFontFiles...), heldOut3FontFiles,
		[]wordLists{{"words", vocabulary, vocabulary3}, {"agencies", append(append([]string(nil), sites...), brands...), sites3},
			{"signs", signWords, signWords3}})
}

// wordLists are a list of a new part and the lists of the parts before it
// that it must share no entry with.
type wordLists struct {
	name     string
	old, new []string
}

// withScenes is a part's plain photos and its scene-text photos.
func withScenes(plain []photo, scenes []scene3) []photo {
	out := append([]photo(nil), plain...)
	for _, s := range scenes {
		out = append(out, s.photo)
	}
	return out
}

// checkDisjoint checks that a new part's photos (by package, path and
// content), typefaces (by file and package) and lists share nothing with
// the older parts', that its photos have unique names and that every font
// role has at least four typefaces.
func checkDisjoint(t *testing.T, part string, oldPhotos, newPhotos []photo, oldFontFiles, newFontFiles []fontFile, lists []wordLists) {
	t.Helper()
	sum := func(path string) string {
		data, err := photoBytes(path)
		if err != nil {
			t.Fatal(err)
		}
		s := sha256.Sum256(data)
		return hex.EncodeToString(s[:])
	}
	oldPkgs, oldFiles, oldSums := map[string]bool{}, map[string]bool{}, map[string]string{}
	for _, p := range oldPhotos {
		oldPkgs[p.pkg] = true
		oldFiles[p.file()] = true
		oldSums[sum(p.file())] = p.file()
	}
	newSums := map[string]string{}
	for _, p := range newPhotos {
		if oldPkgs[p.pkg] {
			t.Errorf("%s: package %s is used by a part before %s", p.path, p.pkg, part)
		}
		if oldFiles[p.file()] {
			t.Errorf("%s is a photo of a part before %s", p.file(), part)
		}
		h := sum(p.file())
		if f, ok := oldSums[h]; ok {
			t.Errorf("%s has the same bytes as %s of a part before %s", p.file(), f, part)
		}
		if f, ok := newSums[h]; ok {
			t.Errorf("%s has the same bytes as %s of %s", p.file(), f, part)
		}
		newSums[h] = p.file()
	}
	if n := len(names3(newPhotos)); n != len(newPhotos) {
		t.Errorf("%d names for %d photos", n, len(newPhotos))
	}
	seen := map[string]bool{}
	for _, n := range names3(newPhotos) {
		if seen[n] {
			t.Errorf("two photos named %s", n)
		}
		seen[n] = true
	}
	oldFonts, oldFontPkgs := map[string]bool{}, map[string]bool{}
	for _, f := range oldFontFiles {
		oldFonts[f.file], oldFontPkgs[f.pkg] = true, true
	}
	roles := map[int]int{}
	for _, f := range newFontFiles {
		if oldFonts[f.file] || oldFontPkgs[f.pkg] {
			t.Errorf("font %s (%s) is used by a part before %s", f.file, f.pkg, part)
		}
		for _, r := range f.roles {
			roles[r]++
		}
	}
	for r := range nRoles {
		if roles[r] < 4 {
			t.Errorf("role %d has %d typefaces in %s, want at least 4", r, roles[r], part)
		}
	}
	for _, c := range lists {
		had := map[string]bool{}
		for _, w := range c.old {
			had[strings.ToLower(w)] = true
		}
		for _, w := range c.new {
			if had[strings.ToLower(w)] {
				t.Errorf("%s: %q of %s is in a list before it too", c.name, w, part)
			}
		}
	}
}

// TestLegibilityRule checks the rule that makes a composite a positive:
// faint or tiny text fails it, and the outline counts as contrast.
func TestLegibilityRule(t *testing.T) {
	white, black := color.RGBA{255, 255, 255, 255}, color.RGBA{0, 0, 0, 255}
	for _, c := range []struct {
		name       string
		s          style
		under      float64
		thumbScale float64
		ok         bool
	}{
		{"white on dark", style{px: 40, fill: white, opacity: 1}, 40, 0.3, true},
		{"faint white on light", style{px: 40, fill: white, opacity: 0.3}, 200, 0.3, false},
		{"outlined white on white", style{px: 40, fill: white, opacity: 1, outline: &black}, 250, 0.3, true},
		{"too small on the thumbnail", style{px: 30, fill: white, opacity: 1}, 20, 0.3, false},
		{"grey on grey", style{px: 60, fill: rgb(120, 120, 120), opacity: 1}, 150, 0.5, false},
	} {
		l := legibility{thumbPx: math.Inf(1), contrast: math.Inf(1)}
		l.measure(c.s, c.under, c.thumbScale)
		if l.ok() != c.ok {
			t.Errorf("%s: legible %v (%.1f px, contrast %.0f), want %v", c.name, l.ok(), l.thumbPx, l.contrast, c.ok)
		}
	}
}

func TestPuzzlePhoto(t *testing.T) {
	p := plain3[0]
	for _, q := range plain3 {
		if q.pkg == "jigzo-data" {
			p = q
			break
		}
	}
	img, err := puzzlePhoto(p.file())
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); max(b.Dx(), b.Dy()) < 200 {
		t.Errorf("%s: photo of %v", p.file(), b)
	}
	bad := filepath.Join(t.TempDir(), "x.pzl")
	os.WriteFile(bad, []byte("PzlF\n0.1\nno photo here"), 0o644)
	if _, err := puzzlePhoto(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("a puzzle without a JPEG: got %v, want an error naming it", err)
	}
	// A missing package is an error naming the file and the package.
	defer func(d string) { ShareDir = d }(ShareDir)
	ShareDir = t.TempDir()
	_, err = Real(PartHeldOut3, RealOptions{})
	if err == nil || !strings.Contains(err.Error(), ShareDir) || !strings.Contains(err.Error(), "lxqt-themes") {
		t.Errorf("missing photos: got %v, want an error naming the folder and lxqt-themes", err)
	}
	if _, err := Real(PartHeldOut3, RealOptions{Version: 2}); err == nil {
		t.Error("version 2 of the v3 part accepted")
	}
}

// TestRealHeldOut3 builds version 3's held-out part twice (40 s at load
// 4.6: EVALSET_V3=1, make test-evalset3) and checks it (checkHeldOutPart).
func TestRealHeldOut3(t *testing.T) {
	if os.Getenv("EVALSET_V3") == "" {
		t.Skip("set EVALSET_V3=1 (make test-evalset3) to build version 3's held-out part")
	}
	checkHeldOutPart(t, real3)
}

// checkHeldOutPart builds a held-out part twice and checks it: the same
// bytes both times, every kind at both sizes, full size and thumbnail side
// by side, unique names, boxes inside their images, and in every
// composite's thumbnail pixels that differ inside each text box as much as
// the label rule asks. It returns the full-size images by kind and the
// number of positives.
func checkHeldOutPart(t *testing.T, build func(RealOptions) ([]Sample, int, error)) (map[string]int, int) {
	t.Helper()
	return checkHeldOutPartOf(t, build, nil)
}

// checkHeldOutPartOf is checkHeldOutPart for a part whose composites are
// of the kinds composites (nil: CompositeKinds and CompositeKinds2).
func checkHeldOutPartOf(t *testing.T, build func(RealOptions) ([]Sample, int, error), composites []string) (map[string]int, int) {
	t.Helper()
	if composites == nil {
		composites = append(append([]string(nil), CompositeKinds...), CompositeKinds2...)
	}
	s, dropped, err := build(RealOptions{})
	if err != nil {
		t.Fatal(err)
	}
	again, _, err := build(RealOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != len(again) {
		t.Fatalf("two builds: %d and %d images", len(s), len(again))
	}
	kinds, names := map[string]int{}, map[string]bool{}
	pos := 0
	for i, x := range s {
		if x.Name != again[i].Name || !bytes.Equal(x.Image.Pix, again[i].Image.Pix) {
			t.Fatalf("%s differs between two builds", x.Name)
		}
		if names[x.Name] {
			t.Errorf("two images named %s", x.Name)
		}
		names[x.Name] = true
		if x.Thumb != (i%2 == 1) || i%2 == 1 && strings.TrimSuffix(x.Name, "-thumb") != strings.TrimSuffix(s[i-1].Name, "-full") {
			t.Errorf("%s: not a full size image followed by its thumbnail", x.Name)
		}
		b := x.Image.Bounds()
		if long := max(b.Dx(), b.Dy()); x.Thumb && long != ThumbSize || !x.Thumb && long > MaxFullSide {
			t.Errorf("%s: long side %d", x.Name, long)
		}
		if composite := x.HasText && x.Kind != "scene"; composite != (len(x.Boxes) > 0) {
			t.Errorf("%s: %d text boxes", x.Name, len(x.Boxes))
		}
		for _, r := range x.Boxes {
			if r.Empty() || !r.In(b.Inset(-1)) { // thumbnail boxes are rounded outwards
				t.Errorf("%s: text box %v outside the image %v", x.Name, r, b)
			}
			r = r.Intersect(b)
			if x.Thumb && x.Kind != "tiled" {
				if c := spread(x.Image, r); c < MinContrast/2 {
					t.Errorf("%s: luma inside the text box %v spans %.0f grey levels", x.Name, r, c)
				}
			}
		}
		if !x.Thumb {
			kinds[x.Kind]++
			if x.HasText {
				pos++
			}
		}
	}
	for _, k := range append([]string{"scene", "photo"}, composites...) {
		if kinds[k] == 0 {
			t.Errorf("no %s images", k)
		}
	}
	t.Logf("%d images: %d scenes, %d with text; by kind %v; %d composites dropped and drawn again by the label rule",
		len(s), len(s)/2, pos, kinds, dropped)
	return kinds, pos
}

// spread is the range of luma between the 5th and the 95th percentile
// inside r.
func spread(img *image.RGBA, r image.Rectangle) float64 {
	var ls []float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ls = append(ls, lum(img.RGBAAt(x, y)))
		}
	}
	sort.Float64s(ls)
	return ls[len(ls)*95/100] - ls[len(ls)*5/100]
}
