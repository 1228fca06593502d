package evalset

import (
	"bytes"
	"compress/zlib"
	"image"
	"image/color"
	"image/png"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHeldOut8Disjoint checks that version 8's held-out part shares nothing
// with versions 1-7: no Debian package, no photo (by path or by content:
// each Qt resource member on its own), no typeface or font package, no
// entry of the word, agency, sign, brand and line lists; and that its
// faces sit where compose8 looks for its scripts, plain display faces,
// segment displays and hairlines.
func TestHeldOut8Disjoint(t *testing.T) {
	oldSites := concatS(sites, brands, sites3, sites4, sites5, sites6, brands6, sites7)
	oldSigns := concatS(signWords, signWords3, signWords4, signHeads4, signWords5, newsLabels5, signWords6, screenWords6,
		menuWords6, shopSigns7, posterHeads7)
	oldLines := concatS(oldPriceHeads, priceHeads4, priceHeads5, priceHeads6, taglines6, oldTiledWords, tiledWords4,
		tiledWords5, tiledWords6, oldSigns, scriptLines7, posterDates7)
	checkDisjoint(t, "version 8",
		concat(sceneText, plain, sceneText2, plain2, withScenes(plain3, sceneText3), withScenes(plain4, sceneText4),
			withScenes(plain5, sceneText5), withScenes(plain6, sceneText6), withScenes(plain7, sceneText7)),
		withScenes(plain8, sceneText8),
		concatF(realFontFiles, heldOutFontFiles, heldOut3FontFiles, heldOut4FontFiles, heldOut5FontFiles, heldOut6FontFiles,
			heldOut7FontFiles),
		heldOut8FontFiles,
		[]wordLists{{"words", concatS(vocabulary, vocabulary3, vocabulary4, vocabulary5, vocabulary6, vocabulary7), vocabulary8},
			{"agencies", concatS(oldSites, tiledWords5, tiledWords6), sites8},
			{"brands", concatS(oldSites, brands6), brands8},
			{"signs", oldSigns, concatS(shopSigns8, ledWords8)},
			{"lines", oldLines, concatS(scriptLines8, labelLines8, shopSigns8)},
			{"authors", authors7, authors8}})
	for p := range v8Packages {
		if v3Packages[p] || v4Packages[p] || v5Packages[p] || v6Packages[p] || v7Packages[p] {
			t.Errorf("package %s is a version 3-7 package too", p)
		}
	}
	var display, sans []fontFile
	for _, f := range heldOut8FontFiles {
		for _, r := range f.roles {
			switch r {
			case roleDisplay:
				display = append(display, f)
			case roleSans:
				sans = append(sans, f)
			}
		}
	}
	if len(display) <= nScript8+nSegment8 || display[nPlainScript8-1].pkg != "fonts-summersby" ||
		display[nScript8-1].pkg != "fonts-gotico-antiqua" || display[nScript8].pkg != "fonts-millimetre" {
		t.Errorf("display faces %v: want the plain scripts to end with Summersby, the scripts with Gotico Antiqua, Millimetre next", display)
	}
	for _, f := range display[len(display)-nSegment8:] {
		if f.pkg != "fonts-dseg" {
			t.Errorf("segment display face %s is not DSEG", f.file)
		}
	}
	for _, f := range sans[len(sans)-nThin8:] {
		if !strings.Contains(f.file, "Light") {
			t.Errorf("hairline face %s is not a light weight", f.file)
		}
	}
	for _, f := range sans[:len(sans)-nThin8] {
		if strings.Contains(f.file, "Light") {
			t.Errorf("%s is among the sans faces before the hairlines", f.file)
		}
	}
	for k, n := range perKind8 {
		if n < 4 {
			t.Errorf("%d composites of kind %s, want at least 4", n, k)
		}
	}
	if len(perKind8) != len(CompositeKinds8) {
		t.Errorf("%d kinds counted, %d kinds", len(perKind8), len(CompositeKinds8))
	}
}

// TestCompose8Kinds draws every kind of compose8 on a dark and a light
// photo-sized picture (checkComposeKindsOf), and checks version 8's terms
// of the label rule: a sign lit from one side is measured at its darker
// end, a can's label at its squeezed and shaded edge, a segment display by
// its lit segments against the panel, small text at its size; and, by the
// busy rule, faint text on a busy picture fails.
func TestCompose8Kinds(t *testing.T) {
	fonts, err := loadFontFiles(PartHeldOut8, heldOut8FontFiles)
	if err != nil {
		t.Fatal(err)
	}
	checkComposeKindsOf(t, compose8, fonts, 8, CompositeKinds8)
	f := fonts.pick(rand.New(rand.NewSource(1)), roleImpact)

	// Ink 120 levels over its board reads; lit from one side at 0.4 it does not.
	for _, c := range []struct {
		light float64
		want  bool
	}{{1, true}, {0.4, false}} {
		ly := newLayer(greyPicture(128), "sign")
		ink, board := color.RGBA{200, 200, 200, 255}, color.RGBA{80, 80, 80, 255}
		ly.begin(style{font: f, px: 80}, "FLORIST")
		ly.endOver(style{font: f, px: 80, fill: scaled(ink, c.light), opacity: 1}, image.Rect(100, 100, 500, 200), lum(board)*c.light)
		if ly.leg.ok() != c.want {
			t.Errorf("a sign lit at %.1f: legible %v, want %v", c.light, ly.leg.ok(), c.want)
		}
	}

	// The can: the middle column as it was, the edges squeezed and dark.
	flat := image.NewRGBA(image.Rect(0, 0, 200, 10))
	for i := range flat.Pix {
		flat.Pix[i] = 200
	}
	can := cylinder(flat)
	mid, edge := can.RGBAAt(100, 5).R, can.RGBAAt(1, 5).R
	if mid < 195 || edge > 110 {
		t.Errorf("a grey 200 label round a can: %d in the middle, %d at the edge; want about 200 and under 110", mid, edge)
	}
	if s := cylinderShade(0.25); s < 0.8 || s > 0.9 {
		t.Errorf("shade a quarter turn in: %.2f, want 0.84", s)
	}
	stripe := image.NewAlpha(image.Rect(0, 0, 200, 1))
	for x := 150; x < 200; x++ { // the outer quarter of the flat label
		stripe.Pix[x] = 255
	}
	if n := inkBox(cylinderMask(stripe), 0, 0).Dx(); n < 25 || n > 35 {
		t.Errorf("the outer quarter of a 200-px label lands %d px wide, want about 29 (1 - sin 45 degrees)", n)
	}

	// A segment display: lit red segments read on a dark panel, dim ones do not.
	for _, c := range []struct {
		lit  color.RGBA
		want bool
	}{{color.RGBA{255, 50, 40, 255}, true}, {color.RGBA{70, 20, 15, 255}, false}} {
		ly := newLayer(greyPicture(200), "led")
		sf := segmentFont8(fonts, false)
		ly.begin(style{font: sf, px: 80}, "12.99")
		ly.endOver(style{font: sf, px: 80, fill: c.lit, opacity: 1}, image.Rect(100, 100, 400, 200), 20)
		if ly.leg.ok() != c.want {
			t.Errorf("segments %v on a dark panel: legible %v, want %v", c.lit, ly.leg.ok(), c.want)
		}
	}

	// Small text: just over MinThumbPx on the thumbnail reads, just under does not.
	for _, c := range []struct {
		f    float64
		want bool
	}{{1.05, true}, {0.95, false}} {
		ly := newLayer(greyPicture(30), "small")
		ly.draw(style{font: f, px: MinThumbPx / ly.scale * c.f, fill: color.RGBA{240, 240, 240, 255}, opacity: 1}, []string{"Photo: K. Osei"}, 360, 400)
		if ly.leg.ok() != c.want {
			t.Errorf("a credit line at %.2f of MinThumbPx: legible %v, want %v", c.f, ly.leg.ok(), c.want)
		}
	}
	faint := style{font: f, px: 80, fill: color.RGBA{20, 20, 20, 255}, opacity: 0.6}
	checkBusyRule(t, "meme", func(ly *layer) { ly.draw(faint, []string{"glacier"}, 360, 240) })
}

// TestRccMember reads a Qt resource file written here (rcc version 3: a
// root folder, a folder, a raw file and a zlib-compressed one) and checks
// that a missing member, a folder and a file that is not a resource file
// are errors naming the file and the member.
func TestRccMember(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.rcc")
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 3, 2))); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, rccFile(t, map[string][]byte{"raw.png": img.Bytes()}, map[string][]byte{"packed.txt": []byte("hello, gcompris")}), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		member, want string
	}{{"/pics/raw.png", img.String()}, {"/pics/packed.txt", "hello, gcompris"}} {
		got, err := rccMember(path, c.member)
		if err != nil || string(got) != c.want {
			t.Errorf("%s: %d bytes, %v; want %d bytes", c.member, len(got), err, len(c.want))
		}
	}
	decoded, err := decodePhoto(path + "#/pics/raw.png")
	if err != nil || decoded.Bounds().Dx() != 3 {
		t.Errorf("decodePhoto of the member: %v, %v", decoded, err)
	}
	if b, err := photoBytes(path + "#/pics/packed.txt"); err != nil || string(b) != "hello, gcompris" {
		t.Errorf("photoBytes of the member: %q, %v", b, err)
	}
	for _, m := range []string{"/pics/none.png", "/pics", "/other/raw.png"} {
		if _, err := rccMember(path, m); err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), m) {
			t.Errorf("member %s: got %v, want an error naming the file and the member", m, err)
		}
	}
	notRcc := filepath.Join(t.TempDir(), "plain.rcc")
	if err := os.WriteFile(notRcc, []byte("not a resource file at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := rccMember(notRcc, "/x"); err == nil || !strings.Contains(err.Error(), "not a Qt resource file") {
		t.Errorf("a file that is not a resource file: got %v", err)
	}
	if got := onDisk("/a/b.rcc#/c/d.webp"); got != "/a/b.rcc" {
		t.Errorf("onDisk: %s", got)
	}
}

// rccFile writes a Qt resource file (format version 3) holding the files
// of raw (stored) and packed (zlib, after a 4-byte length) in a folder
// "pics" under the root, the way rcc lays it out: the root (entry 0), the
// folder (1), then its files (from 2).
func rccFile(t *testing.T, raw, packed map[string][]byte) []byte {
	t.Helper()
	type file struct {
		name string
		data []byte
		zip  bool
	}
	var files []file
	for n, d := range raw {
		files = append(files, file{n, d, false})
	}
	for n, d := range packed {
		var z bytes.Buffer
		w := zlib.NewWriter(&z)
		if _, err := w.Write(d); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		files = append(files, file{n, append(be32(uint32(len(d))), z.Bytes()...), true})
	}
	var names, data, tree bytes.Buffer
	addName := func(s string) uint32 {
		off := uint32(names.Len())
		u := []rune(s)
		names.Write([]byte{byte(len(u) >> 8), byte(len(u))})
		names.Write([]byte{0, 0, 0, 0}) // the hash, unused by readers
		for _, r := range u {
			names.Write([]byte{byte(r >> 8), byte(r)})
		}
		return off
	}
	entry := func(name uint32, flags uint16, a, b uint32) {
		tree.Write(be32(name))
		tree.Write([]byte{byte(flags >> 8), byte(flags)})
		tree.Write(be32(a))
		tree.Write(be32(b))
		tree.Write(make([]byte, 8)) // the modification time (version 2 on)
	}
	entry(0, 2, 1, 1)                                // the root: one child, entry 1
	entry(addName("pics"), 2, uint32(len(files)), 2) // the folder: its files from entry 2
	for _, f := range files {
		flags := uint16(0)
		if f.zip {
			flags = 1
		}
		off := uint32(data.Len())
		data.Write(be32(uint32(len(f.data))))
		data.Write(f.data)
		name := addName(f.name)
		tree.Write(be32(name))
		tree.Write([]byte{byte(flags >> 8), byte(flags)})
		tree.Write([]byte{0, 0, 0, 0}) // country and language
		tree.Write(be32(off))
		tree.Write(make([]byte, 8))
	}
	head := 20
	out := append([]byte("qres"), be32(3)...)
	out = append(out, be32(uint32(head))...)
	out = append(out, be32(uint32(head+tree.Len()))...)
	out = append(out, be32(uint32(head+tree.Len()+data.Len()))...)
	out = append(out, tree.Bytes()...)
	out = append(out, data.Bytes()...)
	return append(out, names.Bytes()...)
}

func be32(v uint32) []byte { return []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)} }

// TestRealHeldOut8 builds version 8's held-out part twice (EVALSET_V8=1,
// make test-evalset8) and checks it like versions 3-7 (checkHeldOutPart):
// the same bytes both times, about 440 images, 40-50% of the scenes with
// text, every kind in its count, and that it names the folder and package
// when its photos are missing. It never runs the detector: the part is
// scored once, by the integrator (ocr's TestDetectorRealHeldOut8).
func TestRealHeldOut8(t *testing.T) {
	if os.Getenv("EVALSET_V8") == "" {
		t.Skip("set EVALSET_V8=1 (make test-evalset8) to build version 8's held-out part")
	}
	kinds := checkHeldOutShapeIn(t, real8, PartHeldOut8, CompositeKinds8, 210, 230, 0.40, 0.50, len(sceneText8), "gcompris-qt-data")
	for k, n := range perKind8 {
		if kinds[k] != n {
			t.Errorf("%d composites of kind %s, want %d", kinds[k], k, n)
		}
	}
}

func TestHeldOut8Version(t *testing.T) {
	for _, v := range []int{1, 3, 4, 5, 6, 7} {
		if _, err := Real(PartHeldOut8, RealOptions{Version: v}); err == nil || !strings.Contains(err.Error(), "version 8") {
			t.Errorf("version %d of the v8 part: got %v, want an error", v, err)
		}
	}
}
