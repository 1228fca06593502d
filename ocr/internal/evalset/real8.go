package evalset

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"image"
	"io"
	"os"
	"strings"
	"unicode/utf16"
)

// Version 8 of the real set is one more held-out part, PartHeldOut8, made
// like versions 3-7 (buildHeldOut, the same label rule, the busy rule of
// version 5) for the same purpose: to be scored once by the integrator on
// the detector's final defaults of a wave, by nobody who tunes the
// detector (nobody ran the detector on it while it was built). It shares
// nothing with versions 1-7 (TestHeldOut8Disjoint checks it): its photos
// come from three Debian packages none of them uses, its typefaces from
// twenty-one font packages none of them uses, its words, agencies, shop
// texts, display readings and authors are new lists, and its composites
// are drawn by compose8, weighted to what WEBEmo's stock images hold and
// the earlier versions under-sample: lettering as photographed (signs lit
// unevenly and turned, labels wrapped round cans and jars, LCD and LED
// readouts, covers and packaging over the photo), outlined meme captions
// on busy photos, quotes over photos, semi-transparent watermarks, logos
// and wordmarks, gradient-filled and hollow outlined headlines, scripts,
// and small text that only just reads on the thumbnail.
//
// Photos (ShareDir is /usr/share), all looked at at full size; photos with
// any lettering are left out of the negatives (the Japanese festival of
// the world-music photos, with kana on its building; the tape measures,
// scales and balls of gcompris' categories, with numbers or marks on them;
// monuments with inscriptions, the Brandenburg Gate and Lincoln Memorial):
//
//   - gcompris-qt-data: the photos inside its activities' Qt resource files
//     (gcompris-qt/rcc/*.rcc, read by rccMember): wild and farm animals
//     (fur, feathers, faces), monuments (facades, arches, stone walls,
//     railings), musicians, underwater scenes, planets on black, and
//     studio shots of tableware, chairs and windmills (320 px: negatives
//     only); its real lettering is scene text: wooden ABC and 123 blocks,
//     two multimeters (an LCD reading, brand and range marks) and the
//     GCompris wordmark;
//   - lugaru-data: rock, boulder, moss, sand, grass and dirt textures
//     (hard negatives: grain and cracks); Wolfire's logo (a dark red word
//     on black under a wolf) is scene text;
//   - neverball-common: floor textures (a patterned carpet, polished
//     marble, cracked red tiles, a chequered turf; 256 px: negatives
//     only).
//
// Few Debian packages hold photos of real lettering that no earlier part
// uses (the shop fronts and packaging of opencv-doc are version 1's, the
// road signs of tuxpaint-stamps version 6's): the photographed kinds are
// drawn as a camera would see them instead (compose8).
//
// Label rule: version 3's (MinThumbPx, MinContrast on the 220-px
// thumbnail, no cut block, no missing glyph) with version 5's busy rule
// and version 7's terms for what reads smaller than its em (hairlines,
// scripts, neon, squeezed ends, gradients at both ends), plus: a sign lit
// unevenly is measured at its darker end, a label round a can at its
// squeezed edge, a segment display by its lit segments against the dark
// panel (unlit segments count as ink of the panel), a hollow word by its
// ring a fifth smaller (drawHollow), and small text at its size. Every
// composite's and every negative's thumbnail was then looked at (contact
// sheets, the doubtful ones at full size).

// PartHeldOut8 is version 8's held-out part (see above).
const PartHeldOut8 = "heldout8"

// v8Packages are the packages of version 8's photos: their paths are
// relative to ShareDir (a Qt resource's member after "#").
var v8Packages = map[string]bool{"gcompris-qt-data": true, "lugaru-data": true, "neverball-common": true}

// gcompris names photos held in a gcompris-qt activity's resource file:
// member paths under the activity's resource folder.
func gcompris(activity string, members ...string) []photo {
	out := make([]photo, len(members))
	for i, m := range members {
		out[i] = photo{rccPath(activity, "/gcompris/src/activities/"+activity+"/resource/"+m), "gcompris-qt-data"}
	}
	return out
}

// rccPath is the photo path (under ShareDir) of member in gcompris-qt's
// resource file of activity.
func rccPath(activity, member string) string {
	return "gcompris-qt/rcc/" + activity + ".rcc#" + member
}

// plain8 lists version 8's photos without text.
var plain8 = concat(
	gcompris("erase", "alpaca.webp", "camels.webp", "cheetah.webp", "crab.webp", "gorilla.webp", "heron.webp",
		"meerkats.webp", "red_panda.webp", "swans.webp"),
	gcompris("explore_monuments", "france/citedeCarcassonne.webp", "france/montStMichel.webp", "france/pontduGard.webp",
		"france/palaisdesPapes.webp", "wonders/greatWallofChina.webp", "wonders/petra.webp", "india/hawaMahal.webp",
		"india/konarkSunTemple.webp"),
	gcompris("explore_world_animals", "animals/bison.webp", "animals/hedgehog.webp", "animals/jaguar.webp",
		"animals/polar_bear.webp"),
	gcompris("explore_farm_animals", "animals/cow.webp", "animals/sheep.webp"),
	gcompris("explore_world_music", "music/orchestra.webp", "music/africa.webp", "music/mexico.webp"),
	gcompris("clickgame", "sea1.webp", "sea3.webp", "sea6.webp"),
	gcompris("solar_system", "jupiter.webp", "saturn.webp"),
	prefixed("lugaru-data", "games/lugaru/Textures/", ".jpg", "Rock", "BoulderDesert", "MossRock", "Sand", "GrassDirt",
		"GrassBox"),
	prefixed("neverball-common", "games/neverball/textures/mtrl/", ".jpg", "carpet", "marble-brown-polished", "edge2-red",
		"turf-blue"),
	gcompris("categorization", "images/others/cup.webp", "images/others/chair.webp", "images/others/spoons.webp",
		"images/others/pan.webp", "images/renewable/windmill1.webp", "images/renewable/solar1.webp"),
)

// sceneText8 lists version 8's photos with real lettering in them and the
// windows around it, each with why it is a positive (looked at at full
// size and on the 220-px thumbnail).
var sceneText8 = []scene3{
	sc3("gcompris-qt-data", rccPath("categorization", "/gcompris/src/activities/categorization/resource/images/alphabets/alphabets.webp"), 0, 0, 1, 1), // wooden blocks: A on B and C, printed capitals
	sc3("gcompris-qt-data", rccPath("categorization", "/gcompris/src/activities/categorization/resource/images/numbers/numbers.webp"), 0, 0, 1, 1),     // wooden blocks: 1 on 2 and 3
	sc3("gcompris-qt-data", rccPath("categorization", "/gcompris/src/activities/categorization/resource/images/tools/multimeter1.webp"), 0, 0, 1, 1),   // "050" on the LCD, UNI-T, HOLD and range marks
	sc3("gcompris-qt-data", rccPath("categorization", "/gcompris/src/activities/categorization/resource/images/tools/multimeter3.webp"), 0, 0.2, 1, 1), // "00.0" on the LCD, "M 2012" and range marks
	sc3("gcompris-qt-data", rccPath("core", "/gcompris/src/core/resource/gcompris.png"), 0, 0, 1, 1),                                                   // the GCompris wordmark in coloured capitals beside a globe
	sc3("lugaru-data", "games/lugaru/Textures/Logo.png", 0.2, 0, 0.78, 1),                                                                              // "Wolfire Software" in dark red on black under a wolf
}

// heldOut8FontFiles are version 8's typefaces: packages that none of
// versions 1-7 uses (nor the Go fonts of the procedural set). Nanum Square
// and Nanum Gothic ExtraBold, Millimetre Extrablack, Un Graphic Bold,
// Garuda and Loma Bold stand in for Impact; Sawasdee, Umpush, Laksaman,
// Nanum Barun Gothic, Nanum Square Round, Millimetre, Un Dinaru and OCR-B
// set captions, labels and watermarks, and Nanum Barun Gothic UltraLight,
// Nanum Gothic Light and Umpush Light are the hairlines (the last nThin8
// sans faces); Kinnari, Norasi, Rasa, Yrsa, Prociono, STIX, Un Batang,
// and Nanum Myeongjo set quotes and covers; Purisa, Nanum Pen,
// Nanum Barun Pen, Un Pilgi and Summersby (the plainer first nPlainScript8)
// and Nanum Brush, Un Pilgi Bold, Un Pilgia and Jessen's blackletter are
// the handwritten, brush and blackletter scripts (the first nScript8
// display faces), then Millimetre Bold, Nanum Square Round ExtraBold, Rasa Bold and
// Ubuntu Title the plain display faces; DSEG7 and DSEG14 are the segment
// displays (the last nSegment8 display faces, for led only). Left out
// after looking at a specimen: Waree (Bitstream Vera's Latin, version 1's
// DejaVu), F500 (its 9 reads as a q), Euterpe (no Latin), the Gotico
// Antiqua faces without digits, Oldania (x/image/sfnt rejects its table
// order), Liberation 2 (version 1's Liberation).
var heldOut8FontFiles = []fontFile{
	{"truetype/nanum/NanumSquare_acEB.ttf", "fonts-nanum-extra", []int{roleImpact}},
	{"truetype/nanum/NanumGothicExtraBold.ttf", "fonts-nanum-extra", []int{roleImpact}},
	{"opentype/millimetre/millimetreA Extrablack 01.otf", "fonts-millimetre", []int{roleImpact}},
	{"truetype/unfonts-core/UnGraphicBold.ttf", "fonts-unfonts-core", []int{roleImpact}},
	{"opentype/tlwg/Garuda-Bold.otf", "fonts-tlwg-garuda-otf", []int{roleImpact}},
	{"opentype/tlwg/Loma-Bold.otf", "fonts-tlwg-loma-otf", []int{roleImpact}},
	{"opentype/tlwg/Sawasdee.otf", "fonts-tlwg-sawasdee-otf", []int{roleSans}},
	{"opentype/tlwg/Umpush.otf", "fonts-tlwg-umpush-otf", []int{roleSans}},
	{"opentype/tlwg/Laksaman.otf", "fonts-tlwg-laksaman-otf", []int{roleSans}},
	{"truetype/nanum/NanumBarunGothic.ttf", "fonts-nanum", []int{roleSans}},
	{"truetype/nanum/NanumSquareRoundB.ttf", "fonts-nanum", []int{roleSans}},
	{"opentype/millimetre/millimetreA 01.otf", "fonts-millimetre", []int{roleSans}},
	{"truetype/unfonts-core/UnDinaru.ttf", "fonts-unfonts-core", []int{roleSans}},
	{"opentype/ocr-b/OCRB.otf", "fonts-ocr-b", []int{roleSans}},
	{"truetype/nanum/NanumBarunGothicUltraLight.ttf", "fonts-nanum-extra", []int{roleSans}},
	{"truetype/nanum/NanumGothicLight.ttf", "fonts-nanum-extra", []int{roleSans}},
	{"opentype/tlwg/Umpush-Light.otf", "fonts-tlwg-umpush-otf", []int{roleSans}},
	{"opentype/tlwg/Kinnari.otf", "fonts-tlwg-kinnari-otf", []int{roleSerif}},
	{"opentype/tlwg/Norasi.otf", "fonts-tlwg-norasi-otf", []int{roleSerif}},
	{"truetype/fonts-yrsa-rasa/Rasa-Regular.ttf", "fonts-yrsa-rasa", []int{roleSerif}},
	{"truetype/fonts-yrsa-rasa/Yrsa-Medium.ttf", "fonts-yrsa-rasa", []int{roleSerif}},
	{"opentype/fonts-prociono/Prociono.otf", "fonts-prociono", []int{roleSerif}},
	{"opentype/stix-word/STIX-Regular.otf", "fonts-stix", []int{roleSerif}},
	{"truetype/unfonts-core/UnBatang.ttf", "fonts-unfonts-core", []int{roleSerif}},
	{"truetype/nanum/NanumMyeongjoBold.ttf", "fonts-nanum", []int{roleSerif}},
	{"opentype/tlwg/Purisa-Bold.otf", "fonts-tlwg-purisa-otf", []int{roleDisplay}},
	{"truetype/nanum/NanumPen.ttf", "fonts-nanum-extra", []int{roleDisplay}},
	{"truetype/nanum/NanumBarunpenB.ttf", "fonts-nanum-extra", []int{roleDisplay}},
	{"truetype/unfonts-core/UnPilgi.ttf", "fonts-unfonts-core", []int{roleDisplay}},
	{"truetype/summersby/summersby.ttf", "fonts-summersby", []int{roleDisplay}},
	{"truetype/nanum/NanumBrush.ttf", "fonts-nanum-extra", []int{roleDisplay}},
	{"truetype/unfonts-core/UnPilgiBold.ttf", "fonts-unfonts-core", []int{roleDisplay}},
	{"truetype/unfonts-extra/UnPilgia.ttf", "fonts-unfonts-extra", []int{roleDisplay}},
	{"opentype/gotico-antiqua/Jessen-Cicero12.otf", "fonts-gotico-antiqua", []int{roleDisplay}},
	{"opentype/millimetre/millimetreA Bold 01.otf", "fonts-millimetre", []int{roleDisplay}},
	{"truetype/nanum/NanumSquareRoundEB.ttf", "fonts-nanum-extra", []int{roleDisplay}},
	{"truetype/fonts-yrsa-rasa/Rasa-Bold.ttf", "fonts-yrsa-rasa", []int{roleDisplay}},
	{"truetype/ubuntu-title/Ubuntu-Title.ttf", "fonts-ubuntu-title", []int{roleDisplay}},
	{"truetype/dseg/DSEG7Modern-Bold.ttf", "fonts-dseg", []int{roleDisplay}},
	{"truetype/dseg/DSEG14Modern-Bold.ttf", "fonts-dseg", []int{roleDisplay}},
}

// nScript8 is how many of heldOut8FontFiles' display faces (from the
// first) are scripts, nPlainScript8 how many of those (from the first)
// read small, nSegment8 how many display faces (from the last) are
// segment displays, and nThin8 how many of its sans faces (from the last)
// are hairlines.
const (
	nScript8      = 9
	nPlainScript8 = 5
	nSegment8     = 2
	nThin8        = 3
)

// CompositeKinds8 are the kinds of version 8's composites, in order.
var CompositeKinds8 = []string{"sign", "label", "led", "cover", "meme", "quote", "watermark", "logo", "gradient",
	"outlined", "script", "small"}

// perKind8 is how many composites version 8 draws of each kind.
var perKind8 = map[string]int{"sign": 8, "label": 7, "led": 6, "cover": 7, "meme": 10, "quote": 8, "watermark": 10,
	"logo": 8, "gradient": 6, "outlined": 7, "script": 8, "small": 7}

// real8 builds PartHeldOut8 and says how many composites the label rule
// dropped and drew again. RealOptions.PerKind, when set, replaces
// perKind8 with one count for every kind.
func real8(o RealOptions) ([]Sample, int, error) {
	counts := perKind8
	if o.PerKind > 0 {
		counts = nil
	}
	return buildHeldOut(heldOutSpec{part: PartHeldOut8, plain: plain8, scenes: sceneText8,
		fonts: heldOut8FontFiles, seed: 31, compose: compose8, kinds: CompositeKinds8, counts: counts}, o)
}

// onDisk is the file a photo path names: the path itself, or for a
// member of a Qt resource file ("FILE.rcc#MEMBER") the resource file.
func onDisk(path string) string {
	if i := strings.Index(path, ".rcc#"); i >= 0 {
		return path[:i+len(".rcc")]
	}
	return path
}

// photoBytes reads the file a photo path names: a Qt resource's member
// (rccMember), a Plasma wallpaper folder's image or a plain file.
func photoBytes(path string) ([]byte, error) {
	if f := onDisk(path); f != path {
		return rccMember(f, path[len(f)+1:])
	}
	path, err := wallpaperFile(path)
	if err != nil {
		return nil, err
	}
	return os.ReadFile(path)
}

// decodeRcc decodes the picture a photo path "FILE.rcc#MEMBER" names.
func decodeRcc(path string) (image.Image, error) {
	data, err := photoBytes(path)
	if err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", path, err)
	}
	return img, nil
}

// rccMember is the bytes of member (/dir/.../name) in the Qt resource file
// at path: rcc format versions 1 to 3, a header ("qres", the version, the
// offsets of the tree, the data and the names), a tree of 14-byte entries
// (22 from version 2: a modification time more), each a name's offset and
// flags (2: a folder, its children's count and first index; else a
// file's data offset; 1: zlib-compressed after a 4-byte length, 4: zstd),
// names as a length, a hash and UTF-16 characters. It fails naming the
// file and the member.
func rccMember(path, member string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	bad := func(what string) ([]byte, error) {
		return nil, fmt.Errorf("%s: %s (member %s)", path, what, member)
	}
	if len(b) < 20 || string(b[:4]) != "qres" {
		return bad("not a Qt resource file")
	}
	u32 := func(o int) (uint32, bool) {
		if o < 0 || o+4 > len(b) {
			return 0, false
		}
		return binary.BigEndian.Uint32(b[o:]), true
	}
	version, _ := u32(4)
	tree, _ := u32(8)
	data, _ := u32(12)
	names, _ := u32(16)
	size := 22
	if version == 1 {
		size = 14
	}
	type entry struct {
		nameOff      uint32
		flags        uint16
		count, first uint32 // folders
		dataOff      uint32 // files
		ok           bool
	}
	at := func(node uint32) entry {
		e := int(tree) + int(node)*size
		if e+14 > len(b) {
			return entry{}
		}
		x := entry{nameOff: binary.BigEndian.Uint32(b[e:]), flags: binary.BigEndian.Uint16(b[e+4:]), ok: true}
		x.count, x.first = binary.BigEndian.Uint32(b[e+6:]), binary.BigEndian.Uint32(b[e+10:])
		x.dataOff = binary.BigEndian.Uint32(b[e+10:])
		return x
	}
	name := func(off uint32) string {
		o := int(names) + int(off)
		if o+6 > len(b) {
			return ""
		}
		n := int(binary.BigEndian.Uint16(b[o:]))
		if o+6+2*n > len(b) {
			return ""
		}
		u := make([]uint16, n)
		for i := range u {
			u[i] = binary.BigEndian.Uint16(b[o+6+2*i:])
		}
		return string(utf16.Decode(u))
	}
	node := uint32(0)
	for _, part := range strings.Split(strings.Trim(member, "/"), "/") {
		e := at(node)
		if !e.ok || e.flags&2 == 0 {
			return bad("no such member")
		}
		found := false
		for c := e.first; c < e.first+e.count; c++ {
			if ce := at(c); ce.ok && name(ce.nameOff) == part {
				node, found = c, true
				break
			}
		}
		if !found {
			return bad("no such member")
		}
	}
	e := at(node)
	switch {
	case !e.ok:
		return bad("a broken tree")
	case e.flags&2 != 0:
		return bad("a folder, not a file")
	case e.flags&4 != 0:
		return bad("zstd-compressed (not read)")
	}
	n, ok := u32(int(data) + int(e.dataOff))
	start := int(data) + int(e.dataOff) + 4
	if !ok || start+int(n) > len(b) {
		return bad("data past the end of the file")
	}
	raw := b[start : start+int(n)]
	if e.flags&1 == 0 {
		return raw, nil
	}
	if len(raw) < 4 {
		return bad("a compressed member without its length")
	}
	r, err := zlib.NewReader(bytes.NewReader(raw[4:]))
	if err != nil {
		return nil, fmt.Errorf("%s: member %s: %w", path, member, err)
	}
	defer r.Close()
	out, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: member %s: %w", path, member, err)
	}
	return out, nil
}
