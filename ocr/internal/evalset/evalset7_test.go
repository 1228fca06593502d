package evalset

import (
	"image"
	"image/color"
	"math/rand"
	"os"
	"strings"
	"testing"
)

// TestHeldOut7Disjoint checks that version 7's held-out part shares nothing
// with versions 1-6: no Debian package, no photo (by path or by content),
// no typeface or font package, no entry of the word, agency, sign and
// line lists; and that its faces sit where compose7 looks for its
// scripts, plain display faces and hairlines.
func TestHeldOut7Disjoint(t *testing.T) {
	oldSites := concatS(sites, brands, sites3, sites4, sites5, sites6, brands6)
	oldSigns := concatS(signWords, signWords3, signWords4, signHeads4, signWords5, newsLabels5, signWords6, screenWords6, menuWords6)
	oldLines := concatS(oldPriceHeads, priceHeads4, priceHeads5, priceHeads6, taglines6, oldTiledWords, tiledWords4,
		tiledWords5, tiledWords6, oldSigns)
	checkDisjoint(t, "version 7",
		concat(sceneText, plain, sceneText2, plain2, withScenes(plain3, sceneText3), withScenes(plain4, sceneText4),
			withScenes(plain5, sceneText5), withScenes(plain6, sceneText6)),
		withScenes(plain7, sceneText7),
		concatF(realFontFiles, heldOutFontFiles, heldOut3FontFiles, heldOut4FontFiles, heldOut5FontFiles, heldOut6FontFiles),
		heldOut7FontFiles,
		[]wordLists{{"words", concatS(vocabulary, vocabulary3, vocabulary4, vocabulary5, vocabulary6), vocabulary7},
			{"agencies", concatS(oldSites, tiledWords5, tiledWords6), sites7},
			{"signs", oldSigns, concatS(shopSigns7, posterHeads7)},
			{"lines", oldLines, concatS(scriptLines7, posterHeads7, posterDates7, shopSigns7)}})
	for p := range v7Packages {
		if v3Packages[p] || v4Packages[p] || v5Packages[p] || v6Packages[p] {
			t.Errorf("package %s is a version 3-6 package too", p)
		}
	}
	var display, sans []fontFile
	for _, f := range heldOut7FontFiles {
		for _, r := range f.roles {
			switch r {
			case roleDisplay:
				display = append(display, f)
			case roleSans:
				sans = append(sans, f)
			}
		}
	}
	if len(display) <= nScript7 || display[nPlainScript7-1].pkg != "fonts-ecolier-court" ||
		display[nScript7-1].pkg != "fonts-bajaderka" || display[nScript7].pkg != "fonts-woowa-bm" {
		t.Errorf("display faces %v: want the plain scripts to end with Ecolier, the scripts with Bajaderka, BM Jua next", display)
	}
	for _, f := range sans[len(sans)-nThin7:] {
		if !strings.Contains(f.file, "Light") {
			t.Errorf("hairline face %s is not a light weight", f.file)
		}
	}
	for _, f := range sans[:len(sans)-nThin7] {
		if strings.Contains(f.file, "Light") {
			t.Errorf("%s is among the sans faces before the hairlines", f.file)
		}
	}
	for k, n := range perKind7 {
		if n < 4 {
			t.Errorf("%d composites of kind %s, want at least 4", n, k)
		}
	}
}

// TestCompose7Kinds draws every kind of compose7 on a dark and a light
// photo-sized picture (checkComposeKindsOf), and checks version 7's terms
// of the label rule: a gradient is measured at its weaker end, a neon
// word by its core, a hairline face needs ThinMargin more contrast and
// reads smaller, and, by the busy rule, faint text on a busy picture fails.
func TestCompose7Kinds(t *testing.T) {
	fonts, err := loadFontFiles(PartHeldOut7, heldOut7FontFiles)
	if err != nil {
		t.Fatal(err)
	}
	checkComposeKindsOf(t, compose7, fonts, 8, CompositeKinds7)
	f := fonts.pick(rand.New(rand.NewSource(1)), roleImpact)
	dark, grey, white := color.RGBA{20, 20, 20, 255}, color.RGBA{140, 140, 140, 255}, color.RGBA{255, 255, 255, 255}
	s := style{font: f, px: 80, opacity: 1}

	ly := newLayer(greyPicture(120), "gradient")
	ly.drawGradient(s, []string{"DRIZZLE"}, 360, 240, white, grey)
	if ly.leg.ok() || len(ly.boxes) != 1 {
		t.Errorf("white to grey on grey: legible %v, %d boxes; want illegible (the grey end), 1 box", ly.leg.ok(), len(ly.boxes))
	}
	ly = newLayer(greyPicture(40), "gradient")
	ly.drawGradient(s, []string{"DRIZZLE"}, 360, 240, white, color.RGBA{200, 200, 120, 255})
	if !ly.leg.ok() {
		t.Errorf("white to pale yellow on dark grey: illegible, want legible")
	}

	for _, c := range []struct {
		core color.RGBA
		want bool
	}{{white, true}, {color.RGBA{60, 60, 60, 255}, false}} {
		ly = newLayer(greyPicture(30), "neon")
		n := s
		n.fill = c.core
		ly.drawNeon(n, []string{"Melody"}, 360, 240, color.RGBA{255, 40, 160, 255})
		if ly.leg.ok() != c.want {
			t.Errorf("neon core %v on dark grey: legible %v, want %v", c.core, ly.leg.ok(), c.want)
		}
	}

	// 80 grey levels and 20 thumbnail px pass in a regular face, fail as a hairline.
	for _, thin := range []bool{false, true} {
		ly = newLayer(greyPicture(100), "caption")
		px := 20 / ly.scale
		ly.draw(style{font: f, px: px, fill: color.RGBA{180, 180, 180, 255}, opacity: 1}, []string{"lantern"}, 360, 240)
		if thin {
			ly.hairline(px)
		}
		if ly.leg.ok() == thin {
			t.Errorf("80 levels at 20 px, hairline %v: legible %v", thin, ly.leg.ok())
		}
	}
	faint := style{font: f, px: 80, fill: dark, opacity: 0.6}
	checkBusyRule(t, "headline", func(ly *layer) { ly.draw(faint, []string{"compass"}, 360, 240) })
}

// TestKeystone checks the perspective squeeze: the top row of a full mask
// keeps top of its width, the bottom row all of it.
func TestKeystone(t *testing.T) {
	m := image.NewAlpha(image.Rect(0, 0, 200, 50))
	for i := range m.Pix {
		m.Pix[i] = 255
	}
	k := keystone(m, 0.5, 1)
	inked := func(y int) int {
		n := 0
		for x := range 200 {
			if k.Pix[y*k.Stride+x] > 128 {
				n++
			}
		}
		return n
	}
	if top, bot := inked(0), inked(49); top < 95 || top > 105 || bot < 195 {
		t.Errorf("keystone 0.5-1 of a full 200-px mask: top row %d px, bottom %d; want about 100 and 200", top, bot)
	}
}

// TestRealHeldOut7 builds version 7's held-out part twice (EVALSET_V7=1,
// make test-evalset7) and checks it like versions 3-6 (checkHeldOutShape):
// the same bytes both times, about their size, 35-45% of the scenes with
// text, every kind in its count, and that it names the folder and package
// when its photos are missing. It never runs the detector: the part is
// scored once, by the integrator (ocr's TestDetectorRealHeldOut7).
func TestRealHeldOut7(t *testing.T) {
	if os.Getenv("EVALSET_V7") == "" {
		t.Skip("set EVALSET_V7=1 (make test-evalset7) to build version 7's held-out part")
	}
	kinds := checkHeldOutShape(t, real7, PartHeldOut7, 205, 235, len(sceneText7), "bzflag-data")
	for k, n := range perKind7 {
		if kinds[k] != n {
			t.Errorf("%d composites of kind %s, want %d", kinds[k], k, n)
		}
	}
}

func TestHeldOut7Version(t *testing.T) {
	for _, v := range []int{1, 3, 4, 5, 6} {
		if _, err := Real(PartHeldOut7, RealOptions{Version: v}); err == nil || !strings.Contains(err.Error(), "version 7") {
			t.Errorf("version %d of the v7 part: got %v, want an error", v, err)
		}
	}
}
