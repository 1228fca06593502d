package evalset

import (
	"bytes"
	"image"
	"image/color"
	"math/rand"
	"os"
	"strings"
	"testing"
)

// Inline choices of compose and compose3 that are not named lists: the
// tiled words and price heads of versions 1-3 (copied from compose.go and
// compose3.go), which version 4's lists must not repeat.
var (
	oldTiledWords = []string{"PROOF", "WATERMARK", "DO NOT COPY", "© STOCK", "PREVIEW ONLY"}
	oldPriceHeads = []string{"SALE", "NOW", "ONLY", "SPECIAL OFFER", "CLEARANCE", "NEW", "BEST PRICE", "DEAL",
		"HOT DEAL", "TODAY", "WAS", "NOW ONLY", "2 FOR 1", "BUY 1 GET 1", "FREE GIFT", "NEW IN", "THIS WEEK", "ONLINE", "FROM"}
)

// TestHeldOut4Disjoint checks that version 4's held-out part shares nothing
// with versions 1-3: no Debian package, no photo (by path or by content),
// no typeface or font package, no entry of the word, agency, sign, tiled
// word and price lists.
func TestHeldOut4Disjoint(t *testing.T) {
	oldSites := concatS(sites, brands, sites3)
	checkDisjoint(t, "version 4", concat(sceneText, plain, sceneText2, plain2, withScenes(plain3, sceneText3)),
		withScenes(plain4, sceneText4), concatF(realFontFiles, heldOutFontFiles, heldOut3FontFiles), heldOut4FontFiles,
		[]wordLists{{"words", concatS(vocabulary, vocabulary3), vocabulary4}, {"agencies", oldSites, sites4},
			{"signs", concatS(signWords, signWords3), concatS(signWords4, signHeads4)},
			{"tiled words", concatS(oldSites, oldTiledWords), tiledWords4},
			{"price heads", oldPriceHeads, priceHeads4}})
	for p := range v4Packages {
		if v3Packages[p] {
			t.Errorf("package %s is a version 3 package too", p)
		}
	}
}

func concatS(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

func concatF(lists ...[]fontFile) []fontFile {
	var out []fontFile
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// TestCompose4Kinds draws every kind of compose4 on a dark and a light
// photo-sized picture: the same stream gives the same pixels, boxes lie in
// the picture (tiled ones may run past its edges), a legible draw comes
// within a few streams, and the label rule rejects what it should (text
// faded into the picture).
func TestCompose4Kinds(t *testing.T) {
	fonts, err := loadFontFiles(PartHeldOut4, heldOut4FontFiles)
	if err != nil {
		t.Fatal(err)
	}
	checkComposeKinds(t, compose4, fonts, 6)
	// Faint grey text on a grey picture fails the rule however large.
	ly := newLayer(greyPicture(128), "headline")
	ly.draw(style{font: fonts.pick(rand.New(rand.NewSource(1)), roleDisplay), px: 80, fill: color.RGBA{150, 150, 150, 255}, opacity: 1},
		[]string{"sunrise"}, 360, 240)
	if ly.leg.ok() || len(ly.boxes) != 1 {
		t.Errorf("grey on grey: legible %v, %d boxes; want illegible, 1 box", ly.leg.ok(), len(ly.boxes))
	}
}

// composeFunc is the signature of compose4 and compose5.
type composeFunc func(*rand.Rand, *fontSet, string, *image.RGBA) (string, []image.Rectangle, legibility)

// greyPicture is a 720x480 picture of grey v with a faint column ripple.
func greyPicture(v uint8) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 720, 480))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = v, v+uint8(i/4%7), v, 255
	}
	return img
}

// checkComposeKinds draws every kind on dark and light grey from seeds
// streams: two draws from one stream are the same bits, every draw has text
// and boxes inside the picture, and at least two draws per kind and grey
// are legible.
func checkComposeKinds(t *testing.T, compose composeFunc, fonts *fontSet, seeds int64) {
	t.Helper()
	checkComposeKindsOf(t, compose, fonts, seeds, append(append([]string(nil), CompositeKinds...), CompositeKinds2...))
}

// checkComposeKindsOf is checkComposeKinds for the given kinds.
func checkComposeKindsOf(t *testing.T, compose composeFunc, fonts *fontSet, seeds int64, kinds []string) {
	t.Helper()
	for _, kind := range kinds {
		for _, v := range []uint8{40, 200} {
			legible := 0
			for seed := range seeds {
				a, b := greyPicture(v), greyPicture(v)
				ta, boxes, leg := compose(rand.New(rand.NewSource(seed)), fonts, kind, a)
				tb, _, _ := compose(rand.New(rand.NewSource(seed)), fonts, kind, b)
				if ta != tb || !bytes.Equal(a.Pix, b.Pix) {
					t.Fatalf("%s, seed %d: two draws from the same stream differ", kind, seed)
				}
				if strings.TrimSpace(ta) == "" || len(boxes) == 0 {
					t.Errorf("%s, seed %d: text %q, %d boxes", kind, seed, ta, len(boxes))
				}
				for _, r := range boxes {
					if !r.In(a.Bounds()) {
						t.Errorf("%s, seed %d: box %v outside the picture", kind, seed, r)
					}
				}
				if leg.ok() {
					legible++
				}
			}
			if legible < 2 {
				t.Errorf("%s on grey %d: %d legible draws of %d", kind, v, legible, seeds)
			}
		}
	}
}

// TestRealHeldOut4 builds version 4's held-out part twice (EVALSET_V4=1,
// make test-evalset4) and checks it like version 3's (checkHeldOutPart),
// and that it is about the size of version 3's with about 40% positives.
func TestRealHeldOut4(t *testing.T) {
	if os.Getenv("EVALSET_V4") == "" {
		t.Skip("set EVALSET_V4=1 (make test-evalset4) to build version 4's held-out part")
	}
	checkHeldOutShape(t, real4, PartHeldOut4, 210, 240, len(sceneText4), "endless-sky-data")
}

// checkHeldOutShape builds a held-out part twice and checks it
// (checkHeldOutPart), then that it has lo-hi scenes at full size, 35-45%
// of them with text and scenes scene-text images, and that with its photos
// missing Real fails naming the folder and pkg. It returns the full-size
// images by kind.
func checkHeldOutShape(t *testing.T, build func(RealOptions) ([]Sample, int, error), part string, lo, hi, scenes int, pkg string) map[string]int {
	t.Helper()
	return checkHeldOutShapeIn(t, build, part, nil, lo, hi, 0.35, 0.45, scenes, pkg)
}

// checkHeldOutShapeIn is checkHeldOutShape for a part with composites of
// its own kinds (checkHeldOutPartOf; nil: the default ones) and the share
// of scenes with text between posLo and posHi.
func checkHeldOutShapeIn(t *testing.T, build func(RealOptions) ([]Sample, int, error), part string, composites []string, lo, hi int, posLo, posHi float64, scenes int, pkg string) map[string]int {
	t.Helper()
	kinds, pos := checkHeldOutPartOf(t, build, composites)
	n := 0
	for _, c := range kinds {
		n += c
	}
	if n < lo || n > hi {
		t.Errorf("%d scenes (full size), want %d-%d", n, lo, hi)
	}
	if f := float64(pos) / float64(n); f < posLo || f > posHi {
		t.Errorf("%.2f of the scenes have text, want %.2f-%.2f", f, posLo, posHi)
	}
	if kinds["scene"] != scenes {
		t.Errorf("%d scene-text images, want %d", kinds["scene"], scenes)
	}
	// A missing package is an error naming the file and the package.
	defer func(d string) { ShareDir = d }(ShareDir)
	ShareDir = t.TempDir()
	_, err := Real(part, RealOptions{})
	if err == nil || !strings.Contains(err.Error(), ShareDir) || !strings.Contains(err.Error(), pkg) {
		t.Errorf("missing photos: got %v, want an error naming the folder and %s", err, pkg)
	}
	return kinds
}

func TestHeldOut4Version(t *testing.T) {
	if _, err := Real(PartHeldOut4, RealOptions{Version: 3}); err == nil || !strings.Contains(err.Error(), "version 4") {
		t.Errorf("version 3 of the v4 part: got %v, want an error", err)
	}
}
