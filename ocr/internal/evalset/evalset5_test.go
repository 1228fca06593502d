package evalset

import (
	"image"
	"image/color"
	"math/rand"
	"os"
	"strings"
	"testing"
)

// TestHeldOut5Disjoint checks that version 5's held-out part shares nothing
// with versions 1-4: no Debian package, no photo (by path or by content),
// no typeface or font package, no entry of the word, agency, sign, tiled
// word and price lists.
func TestHeldOut5Disjoint(t *testing.T) {
	oldSites := concatS(sites, brands, sites3, sites4)
	checkDisjoint(t, "version 5",
		concat(sceneText, plain, sceneText2, plain2, withScenes(plain3, sceneText3), withScenes(plain4, sceneText4)),
		withScenes(plain5, sceneText5),
		concatF(realFontFiles, heldOutFontFiles, heldOut3FontFiles, heldOut4FontFiles), heldOut5FontFiles,
		[]wordLists{{"words", concatS(vocabulary, vocabulary3, vocabulary4), vocabulary5}, {"agencies", oldSites, sites5},
			{"signs", concatS(signWords, signWords3, signWords4, signHeads4), concatS(signWords5, newsLabels5)},
			{"tiled words", concatS(oldSites, oldTiledWords, tiledWords4), tiledWords5},
			{"price heads", concatS(oldPriceHeads, priceHeads4), priceHeads5}})
	for p := range v5Packages {
		if v3Packages[p] || v4Packages[p] {
			t.Errorf("package %s is a version 3 or 4 package too", p)
		}
	}
}

// TestCompose5Kinds draws every kind of compose5 on a dark and a light
// photo-sized picture: the same stream gives the same pixels, boxes lie in
// the picture, a legible draw comes within a few streams, and the label
// rule rejects what it should: text faded into the picture, and text that
// is legible on a flat picture but not on a busy one (the busy rule).
func TestCompose5Kinds(t *testing.T) {
	fonts, err := loadFontFiles(PartHeldOut5, heldOut5FontFiles)
	if err != nil {
		t.Fatal(err)
	}
	checkComposeKinds(t, compose5, fonts, 8)
	// Faint grey text on a grey picture fails the rule however large.
	f := fonts.pick(rand.New(rand.NewSource(1)), roleDisplay)
	ly := newLayer(greyPicture(128), "headline")
	ly.draw(style{font: f, px: 80, fill: color.RGBA{150, 150, 150, 255}, opacity: 1}, []string{"harbour"}, 360, 240)
	if ly.leg.ok() || len(ly.boxes) != 1 {
		t.Errorf("grey on grey: legible %v, %d boxes; want illegible, 1 box", ly.leg.ok(), len(ly.boxes))
	}
	// Dark text at 60% opacity: legible on flat grey, not on a coarse
	// black-and-white checkerboard of the same mean.
	dark := style{font: f, px: 80, fill: color.RGBA{10, 10, 10, 255}, opacity: 0.6}
	checkBusyRule(t, "caption", func(ly *layer) { ly.draw(dark, []string{"harbour"}, 360, 240) })
}

// checkBusyRule draws faint text with draw on a flat grey picture and on a
// coarse black-and-white checkerboard of the same mean: the label rule
// with the busy rule passes the first and fails the second.
func checkBusyRule(t *testing.T, kind string, draw func(ly *layer)) {
	t.Helper()
	checker := image.NewRGBA(image.Rect(0, 0, 720, 480))
	for y := range 480 {
		for x := range 720 {
			v := uint8(40)
			if (x/6+y/6)%2 == 0 {
				v = 220
			}
			checker.SetRGBA(x, y, color.RGBA{v, v, v, 255})
		}
	}
	for _, c := range []struct {
		name string
		img  *image.RGBA
		want bool
	}{{"flat", greyPicture(130), true}, {"busy", checker, false}} {
		ly := newLayer(c.img, kind)
		draw(ly)
		ly.busy(false)
		if ly.leg.ok() != c.want {
			t.Errorf("faint dark text on a %s picture: legible %v, want %v", c.name, ly.leg.ok(), c.want)
		}
	}
}

// TestRealHeldOut5 builds version 5's held-out part twice (EVALSET_V5=1,
// make test-evalset5) and checks it like versions 3 and 4's
// (checkHeldOutPart), and that it is about their size with about 40%
// positives. It never runs the detector: the part is scored once, by the
// integrator (ocr's TestDetectorRealHeldOut5).
func TestRealHeldOut5(t *testing.T) {
	if os.Getenv("EVALSET_V5") == "" {
		t.Skip("set EVALSET_V5=1 (make test-evalset5) to build version 5's held-out part")
	}
	checkHeldOutShape(t, real5, PartHeldOut5, 205, 240, len(sceneText5), "extremetuxracer-data")
}

func TestHeldOut5Version(t *testing.T) {
	for _, v := range []int{1, 3, 4} {
		if _, err := Real(PartHeldOut5, RealOptions{Version: v}); err == nil || !strings.Contains(err.Error(), "version 5") {
			t.Errorf("version %d of the v5 part: got %v, want an error", v, err)
		}
	}
}
