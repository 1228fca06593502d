package ocr

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/curate-ml/curate/ocr/internal/evalset"
)

// realSample returns the sample of part named name (without the part's
// prefix).
func realSample(t *testing.T, part, name string) evalset.Sample {
	t.Helper()
	for _, s := range loadReal(t, part) {
		if strings.TrimPrefix(s.Name, part+"/") == name {
			return s
		}
	}
	t.Fatalf("%s has no sample %s", part, name)
	return evalset.Sample{}
}

// TestViewPasses checks the two view passes on real pictures of version
// 6's validation part: game banners and logos whose letters fill the
// picture (regions-large) and game screens in a striped face
// (regions-coarse). Without the view passes the regions passes find
// nothing there; with them, the view pass decides, on words that lie on
// the picture.
func TestViewPasses(t *testing.T) {
	base := []string{PassRegions, PassRegionsGrey}
	for _, tc := range []struct {
		name, pass string
	}{
		{"pos-scene-gameover-full", PassRegionsLarge},
		{"pos-scene-paused-full", PassRegionsLarge},
		{"pos-scene-demo-thumb", PassRegionsLarge},
		{"pos-scene-core-misc-logo-full", PassRegionsLarge},
		{"pos-screen-00-full", PassRegionsCoarse},
		{"pos-screen-03-full", PassRegionsCoarse},
	} {
		s := realSample(t, evalset.PartHeldOut6, tc.name)
		without := testDetector(t, 1, Options{Passes: base})
		v, err := without.Detect(context.Background(), s.Image)
		if err != nil {
			t.Fatal(err)
		}
		if v.HasText {
			t.Errorf("%s: the regions passes alone found text (%s, %+v): the case no longer tests the view", tc.name, v.Pass, v.Words)
		}
		with := testDetector(t, 1, Options{Passes: append(slices.Clone(base), tc.pass)})
		v, err = with.Detect(context.Background(), s.Image)
		if err != nil {
			t.Fatal(err)
		}
		if !v.HasText || v.Pass != tc.pass {
			t.Errorf("%s: %s did not decide: has text %v, pass %s, words %+v", tc.name, tc.pass, v.HasText, v.Pass, v.Words)
			continue
		}
		b := s.Image.Bounds()
		for _, w := range v.Words {
			if !w.Decisive {
				continue
			}
			// The canvas's margins are taken off: the box lies on the picture.
			cx, cy := (w.Box[0]+w.Box[2])/2, (w.Box[1]+w.Box[3])/2
			if cx < 0 || cy < 0 || cx >= b.Dx() || cy >= b.Dy() {
				t.Errorf("%s: decisive %q at %v lies off the %dx%d picture", tc.name, w.Text, w.Box, b.Dx(), b.Dy())
			}
		}
	}
}

// TestViewFrames checks the geometry of the views: the canvas holds the
// picture a third of its height, in the middle, on its border's colour,
// and words read there map back onto the picture; the reduced view
// exists only for pictures of coarseMin or more.
func TestViewFrames(t *testing.T) {
	// A 300x60 white picture with a black bar at its left end.
	col := rgbImage{w: 300, h: 60, pix: make([]uint8, 3*300*60)}
	for i := range col.pix {
		col.pix[i] = 255
	}
	for y := 10; y < 50; y++ {
		for x := 0; x < 20; x++ {
			copy(col.pix[3*(y*300+x):], []uint8{0, 0, 0})
		}
	}
	fr := &frame{native: col, nScale: 1, upFactor: 1, lineEvidence: -1}
	lf := fr.viewFrame(viewLarge, 640)
	if lf == nil || lf != fr.viewFrame(viewLarge, 640) {
		t.Fatal("the canvas is not made once")
	}
	if lf.native.h != largeCanvas {
		t.Errorf("canvas %dx%d, want %d high", lf.native.w, lf.native.h, largeCanvas)
	}
	g := lf.native.gray()
	// The margin is the border's median colour (white); the bar sits a
	// third of the way down, offset by the margin.
	if v := g.pix[5*g.w+5]; v != 255 {
		t.Errorf("canvas margin %d, want the border's white", v)
	}
	k := lf.nScale
	bx, by := int(lf.offX+10*k), int(lf.offY+30*k)
	if v := g.pix[by*g.w+bx]; v > 40 {
		t.Errorf("the picture's bar is not at (%d, %d) of the canvas (grey %d)", bx, by, v)
	}
	// A word read on the canvas over the bar maps back over the bar.
	ws := lf.unpad([]rawWord{{text: "BAR", conf: 90, x0: int(lf.offX), y0: int(lf.offY + 10*k), x1: int(lf.offX + 20*k), y1: int(lf.offY + 50*k)}})
	var j judge
	j.init(DefaultOptions(), 300, 60)
	if b := wordBox(ws[0], k); b[0] < -1 || b[0] > 1 || b[1] < 9 || b[1] > 11 || b[2] < 19 || b[2] > 21 || b[3] < 49 || b[3] > 51 {
		t.Errorf("canvas word mapped back to %v, want about [0 10 20 50]", b)
	}
	if fr.viewFrame(viewCoarse, 640) != nil {
		t.Error("a 300-px picture was reduced")
	}
	big := &frame{native: rgbImage{w: 880, h: 440, pix: make([]uint8, 3*880*440)}, nScale: 0.5, upFactor: 1, lineEvidence: -1}
	cf := big.viewFrame(viewCoarse, 640)
	if cf == nil || max(cf.native.w, cf.native.h) != coarseSide || cf.upFactor <= 1 {
		t.Fatalf("reduced view of 880x440: %+v", cf)
	}
	if want := 0.5 * float64(coarseSide) / 880; cf.nScale < want*0.99 || cf.nScale > want*1.01 {
		t.Errorf("reduced view scale %.4f, want %.4f", cf.nScale, want)
	}
}

// TestSceneRules checks the word rules for real scenes: a web address
// keeps digits in its site name (a game banner's
// "www.scorched3d.co.uk"), other mixed words do not; a word of four
// letters read under StrongConfidence by the regions passes alone does
// not agree (a pumpkin's ribs read "reer"), read by another pass or
// surer it does; the view passes never agree.
func TestSceneRules(t *testing.T) {
	o := DefaultOptions()
	var j judge
	j.init(o, 512, 128)
	for _, tc := range []struct {
		text string
		want string
	}{
		{"www.scorched3d.co.uk", ""},
		{"scorched3d.com", ""},
		{"scorched3d", RejectMixedAlnum},
		{"a1b2c", RejectMixedAlnum},
	} {
		if got := j.rule(tc.text, 92, [4]int{300, 100, 300 + 10*len(tc.text), 120}); got != tc.want {
			t.Errorf("rule(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
	for _, tc := range []struct {
		name   string
		passes []string
		conf   float64
		agree  bool
	}{
		{"regions and regions-grey's second reading, 64", []string{PassRegions, PassRegionsGrey + rereadSuffix}, 64, false},
		{"regions and regions-grey, 64", []string{PassRegions, PassRegionsGrey}, 64, false},
		{"regions and regions-grey, 66", []string{PassRegions, PassRegionsGrey}, 66, true},
		{"regions and otsu, 62", []string{PassRegions, PassOtsu}, 62, true},
		{"regions and regions-coarse, 80", []string{PassRegions, PassRegionsCoarse}, 80, false},
		{"regions-large and otsu, 80", []string{PassRegionsLarge, PassOtsu}, 80, false},
	} {
		j.init(o, 220, 176)
		for _, p := range tc.passes {
			j.add(rawWord{"reer", tc.conf, 97, 150, 130, 163}, p, 1)
		}
		if got := len(j.accepted) == 1 && j.agrees(0); got != tc.agree {
			t.Errorf("%s: agrees %v, want %v", tc.name, got, tc.agree)
		}
	}
}
