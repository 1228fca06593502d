package evalset

import (
	"image/color"
	"math/rand"
	"os"
	"strings"
	"testing"
)

// TestHeldOut6Disjoint checks that version 6's held-out part shares nothing
// with versions 1-5: no Debian package, no photo (by path or by content),
// no typeface or font package, no entry of the word, agency, sign, tiled
// word and price lists.
func TestHeldOut6Disjoint(t *testing.T) {
	oldSites := concatS(sites, brands, sites3, sites4, sites5)
	checkDisjoint(t, "version 6",
		concat(sceneText, plain, sceneText2, plain2, withScenes(plain3, sceneText3), withScenes(plain4, sceneText4),
			withScenes(plain5, sceneText5)),
		withScenes(plain6, sceneText6),
		concatF(realFontFiles, heldOutFontFiles, heldOut3FontFiles, heldOut4FontFiles, heldOut5FontFiles), heldOut6FontFiles,
		[]wordLists{{"words", concatS(vocabulary, vocabulary3, vocabulary4, vocabulary5), vocabulary6},
			{"agencies", concatS(oldSites, tiledWords5), concatS(sites6, brands6)},
			{"signs", concatS(signWords, signWords3, signWords4, signHeads4, signWords5, newsLabels5), concatS(signWords6, screenWords6, menuWords6)},
			{"tiled words", concatS(oldSites, oldTiledWords, tiledWords4, tiledWords5), tiledWords6},
			{"price heads", concatS(oldPriceHeads, priceHeads4, priceHeads5), concatS(priceHeads6, taglines6)}})
	for p := range v6Packages {
		if v3Packages[p] || v4Packages[p] || v5Packages[p] {
			t.Errorf("package %s is a version 3, 4 or 5 package too", p)
		}
	}
	if f := heldOut6FontFiles[len(heldOut6FontFiles)-1]; f.pkg != "fonts-sixtyfour" {
		t.Errorf("the last display face is %s, want C-64 (pixelFont6)", f.file)
	}
	for k, n := range perKind6 {
		if n < 4 {
			t.Errorf("%d composites of kind %s, want at least 4", n, k)
		}
	}
}

// TestCompose6Kinds draws every kind of compose6 (version 6's logos and
// screens too) on a dark and a light photo-sized picture: the same stream
// gives the same pixels, boxes lie in the picture, a legible draw comes
// within a few streams, and the label rule rejects text faded into the
// picture and, by the busy rule, faint text on a busy picture.
func TestCompose6Kinds(t *testing.T) {
	fonts, err := loadFontFiles(PartHeldOut6, heldOut6FontFiles)
	if err != nil {
		t.Fatal(err)
	}
	checkComposeKindsOf(t, compose6, fonts, 8, concatKinds(CompositeKinds, CompositeKinds2, CompositeKinds6))
	f := fonts.pick(rand.New(rand.NewSource(1)), roleDisplay)
	ly := newLayer(greyPicture(128), "headline")
	ly.drawWave(style{font: f, px: 80, fill: color.RGBA{150, 150, 150, 255}, opacity: 1}, "nebula", 360, 240, 20, 1, 0)
	if ly.leg.ok() || len(ly.boxes) != 1 {
		t.Errorf("grey on grey: legible %v, %d boxes; want illegible, 1 box", ly.leg.ok(), len(ly.boxes))
	}
	dark := style{font: f, px: 80, fill: color.RGBA{10, 10, 10, 255}, opacity: 0.6}
	checkBusyRule(t, "headline", func(ly *layer) { ly.drawWave(dark, "comet", 360, 240, 20, 1, 0) })
}

// TestRealHeldOut6 builds version 6's held-out part twice (EVALSET_V6=1,
// make test-evalset6) and checks it like versions 3-5 (checkHeldOutShape):
// the same bytes both times, about their size, 35-45% of the scenes with
// text, every kind (version 6's logos and screens too), and that it names
// the folder and package when its photos are missing. It never runs the
// detector: the part is scored once, by the integrator (ocr's
// TestDetectorRealHeldOut6).
func TestRealHeldOut6(t *testing.T) {
	if os.Getenv("EVALSET_V6") == "" {
		t.Skip("set EVALSET_V6=1 (make test-evalset6) to build version 6's held-out part")
	}
	kinds := checkHeldOutShape(t, real6, PartHeldOut6, 205, 240, len(sceneText6), "wesnoth-1.16-data")
	for k, n := range perKind6 {
		if kinds[k] != n {
			t.Errorf("%d composites of kind %s, want %d", kinds[k], k, n)
		}
	}
}

func TestHeldOut6Version(t *testing.T) {
	for _, v := range []int{1, 3, 4, 5} {
		if _, err := Real(PartHeldOut6, RealOptions{Version: v}); err == nil || !strings.Contains(err.Error(), "version 6") {
			t.Errorf("version %d of the v6 part: got %v, want an error", v, err)
		}
	}
}
