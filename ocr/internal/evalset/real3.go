package evalset

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strings"

	_ "golang.org/x/image/webp" // gnome-backgrounds' wallpapers are WebP
)

// Version 3 of the real set is one more held-out part, PartHeldOut3, made
// for a single purpose: to be scored once by the integrator on the
// detector's final defaults of a wave, by nobody who tunes the detector.
// It shares nothing with versions 1 and 2 (a test checks it): its photos
// come from twelve Debian packages neither of them uses, its typefaces
// from twenty font packages neither uses, its words, agency names and sign
// texts are new lists, and its composites are drawn by compose3, which
// varies what compose fixed (outline widths, yellow meme captions, the
// white-band meme, lower thirds, framed signs, watermark formats and
// corners, attribution lines, tilted quotes, wider tilts of tiled names)
// rather than replaying version 2's draws with another seed.
//
// Photos (ShareDir is /usr/share):
//
//   - lxqt-themes: LXQt's wallpapers, photos (butterflies, clouds, fog,
//     flowers, a sunset, hills) and abstract art; four with the LXQt name
//     set large are scene text;
//   - palapeli-data: its puzzle photos (a castle, a bridge at night, citrus
//     fruit, a bee, a chameleon) and table textures;
//   - libjxl-testdata: JPEG XL's test photos (flowers, a room, a lake,
//     tulips, blossom);
//   - jigzo-data: the photos inside its puzzles (animals, a bike, a castle,
//     a windmill, a slide), 232 px: as small as WEBEmo's files, so they are
//     negatives only (no crops, no composites);
//   - gimp-data and gimp-help-en: a marble texture, the tone-mapping
//     tutorial's power lines, a rose, a little-planet panorama; GIMP's
//     splash (its name and version) is scene text;
//   - sddm-theme-maldives, sddm-theme-maui: login-screen photos; their
//     previews (a clock and a login box over the photo) are scene text;
//   - xfdesktop4-data, gnome-backgrounds (WebP), afterstep-data: abstract
//     and textured wallpapers, a rose;
//   - desktop-base: Debian's login previews and boot splash with the word
//     "debian" and a clock, scene text only.
//
// Scene-text photos are cropped to a window around their text, chosen by
// looking, so the text stays legible on the 220-px thumbnail.
//
// Label rule (composites): a composite is a positive only when a person
// can read its text on the 220-px thumbnail. compose3 records, for every
// block it draws, the font size the block has on the thumbnail and its
// contrast: opacity times the luma difference between the fill and what is
// under it (the plate's colour for signs and tags; for outlined text the
// larger of that and fill against outline). A composite whose smallest
// block is under MinThumbPx px or whose weakest block is under MinContrast
// grey levels is dropped and drawn again from the next random stream (the
// same every run). The dumps of every kind at both sizes were then looked
// at; photos with any lettering are left out of the negatives (GIMP's
// kitten, whose shelf shows book titles; GNOME's "pixels", whose icons hold
// letters), as are textures under 200 px.
//
// Each photo of 1024 px or more also gives RealOptions.Crops crops (default
// 2; smaller photos half as many, jigzo's none); composites use 8 per kind.

// PartHeldOut3 is version 3's held-out part (see above).
const PartHeldOut3 = "heldout3"

// ShareDir is where the Debian packages of version 3 install their files.
var ShareDir = "/usr/share"

// Legibility floors of version 3's composites on the 220-px thumbnail.
const (
	MinThumbPx  = 11.0 // font size (em) in thumbnail pixels: a cap height of about 8 px
	MinContrast = 55.0 // grey levels (0-255) between the text and what is under it
)

func share(pkg string, paths ...string) []photo { return pkgPhotos(pkg, paths) }

// v3Packages are the packages of version 3's photos: their paths are
// relative to ShareDir.
var v3Packages = map[string]bool{"lxqt-themes": true, "palapeli-data": true, "libjxl-testdata": true,
	"jigzo-data": true, "gimp-data": true, "gimp-help-en": true, "sddm-theme-maldives": true,
	"sddm-theme-maui": true, "xfdesktop4-data": true, "gnome-backgrounds": true, "afterstep-data": true,
	"desktop-base": true}

// plain3 lists version 3's photos without text.
var plain3 = concat(
	share("lxqt-themes", "lxqt/wallpapers/Butterfly-Kenneth-Wimer.jpg", "lxqt/wallpapers/Valendas.png",
		"lxqt/wallpapers/after-the-rain.jpg", "lxqt/wallpapers/appleflower.png", "lxqt/wallpapers/beam.png",
		"lxqt/wallpapers/butterfly.png", "lxqt/wallpapers/cloud.png", "lxqt/wallpapers/drop.png",
		"lxqt/wallpapers/flowers.png", "lxqt/wallpapers/fog.jpg", "lxqt/wallpapers/kde-plasma.png",
		"lxqt/wallpapers/lxqt-origami-green.png", "lxqt/wallpapers/origami-dark.png",
		"lxqt/wallpapers/origami-light.png", "lxqt/wallpapers/simple_blue_widescreen.png",
		"lxqt/wallpapers/this-is-not-windows.jpg", "lxqt/wallpapers/triangles.png",
		"lxqt/wallpapers/waves-logo.png", "lxqt/wallpapers/waves-purple-logo.jpg"),
	share("palapeli-data", "palapeli/collection/castle-maintenon.jpg", "palapeli/collection/cincinnati-bridge.jpg",
		"palapeli/collection/citrus-fruits.jpg", "palapeli/collection/european-honey-bee.jpg",
		"palapeli/collection/panther-chameleon-female.jpg", "palapeli/backgrounds/Eliminator-Funk-2.jpg",
		"palapeli/backgrounds/Rear-Admiral-Diplomat-1.jpg", "palapeli/backgrounds/Time-For-Lunch-2.jpg",
		"palapeli/backgrounds/gon-defends-the-critters-1.jpg", "palapeli/backgrounds/mahogany-handjob-1.jpg"),
	share("libjxl-testdata", "libjxl-testdata/jxl/flower/flower.png", "libjxl-testdata/jxl/hdr_room.png",
		"libjxl-testdata/external/wesaturate/500px/cvo9xd_keong_macan_srgb8.png",
		"libjxl-testdata/external/wesaturate/500px/tmshre_riaphotographs_srgb8.png",
		"libjxl-testdata/external/wesaturate/500px/u76c0g_bliznaca_srgb8.png"),
	share("jigzo-data", "games/jigzo/puzzles/00_default/bike-3x4.pzl", "games/jigzo/puzzles/00_default/bird-2x3.pzl",
		"games/jigzo/puzzles/00_default/blackberry-3x3.pzl", "games/jigzo/puzzles/00_default/castle-6x3.pzl",
		"games/jigzo/puzzles/00_default/clouds-4x4.pzl", "games/jigzo/puzzles/00_default/gorilla2-3x3.pzl",
		"games/jigzo/puzzles/00_default/horse-4x3.pzl", "games/jigzo/puzzles/00_default/penguin-3x2.pzl",
		"games/jigzo/puzzles/00_default/tobogan-4x3.pzl", "games/jigzo/puzzles/00_default/windmill-4x4.pzl"),
	share("gimp-data", "gimp/2.0/scripts/images/texture.jpg"),
	share("gimp-help-en", "gimp/2.0/help/en/images/tutorials/tone-mapping/power-lines.jpg",
		"gimp/2.0/help/en/images/filters/examples/map/little_planet-equirect.jpg",
		"gimp/2.0/help/en/images/filters/examples/blur/mean_curvature-ex-1.jpg"),
	share("sddm-theme-maldives", "sddm/themes/maldives/background.jpg"),
	share("sddm-theme-maui", "sddm/themes/maui/background.png"),
	share("xfdesktop4-data", "backgrounds/xfce/xfce-blue.jpg", "backgrounds/xfce/xfce-teal.jpg",
		"backgrounds/xfce/xfce-stripes.png", "backgrounds/xfce/xfce-verticals.png"),
	share("gnome-backgrounds", "backgrounds/gnome/adwaita-l.webp", "backgrounds/gnome/licorice-d.webp",
		"backgrounds/gnome/truchet-d.webp", "backgrounds/gnome/wood-l.webp"),
	share("afterstep-data", "afterstep/desktop/tiles/rose512.jpg"),
)

// scene3 is a real photo with text in it and the window (fractions of its
// width and height) that holds the text.
type scene3 struct {
	photo
	x0, y0, x1, y1 float64
}

func sc3(pkg, path string, x0, y0, x1, y1 float64) scene3 {
	return scene3{photo{path, pkg}, x0, y0, x1, y1}
}

// sceneText3 lists version 3's photos with text in the scene.
var sceneText3 = []scene3{
	sc3("lxqt-themes", "lxqt/wallpapers/origami-bright-logo.png", 0.08, 0.25, 0.56, 0.85),
	sc3("lxqt-themes", "lxqt/wallpapers/plasma-logo-bright.png", 0.30, 0.20, 0.82, 0.80),
	sc3("lxqt-themes", "lxqt/wallpapers/plasma-logo-dark.png", 0.30, 0.20, 0.82, 0.80),
	sc3("lxqt-themes", "lxqt/wallpapers/triangles-logo.png", 0.22, 0.22, 0.72, 0.78),
	sc3("gimp-data", "gimp/2.0/images/gimp-splash.png", 0.35, 0.0, 1.0, 0.75),
	sc3("sddm-theme-maldives", "sddm/themes/maldives/maldives.jpg", 0.62, 0.0, 1.0, 0.32),
	sc3("sddm-theme-maui", "sddm/themes/maui/maui.jpg", 0.0, 0.2, 0.42, 0.75),
	sc3("desktop-base", "desktop-base/softwaves-theme/login/sddm-preview.jpg", 0.3, 0.15, 0.7, 0.6),
	sc3("desktop-base", "desktop-base/spacefun-theme/grub/grub-16x9.png", 0.6, 0.6, 1.0, 1.0),
	sc3("desktop-base", "desktop-base/joy-theme/login/sddm-preview.jpg", 0.32, 0.05, 0.68, 0.45),
}

// heldOut3FontFiles are version 3's typefaces: twenty packages that
// neither version 1 nor version 2 uses. Roboto Condensed, Yanone
// Kaffeesatz, Inter Display Black and Manrope ExtraBold stand in for
// Impact; Kaushan Script and Humor Sans are the hand-drawn faces.
var heldOut3FontFiles = []fontFile{
	{"truetype/roboto/unhinted/RobotoCondensed-Bold.ttf", "fonts-roboto-unhinted", []int{roleImpact}},
	{"opentype/yanone-kaffeesatz/YanoneKaffeesatz-Bold.otf", "fonts-yanone-kaffeesatz", []int{roleImpact, roleDisplay}},
	{"opentype/inter/InterDisplay-Black.otf", "fonts-inter", []int{roleImpact, roleDisplay}},
	{"truetype/manrope/Manrope-ExtraBold.ttf", "fonts-manrope", []int{roleImpact, roleSans}},
	{"truetype/roboto/unhinted/RobotoTTF/Roboto-Regular.ttf", "fonts-roboto-unhinted", []int{roleSans}},
	{"truetype/roboto/unhinted/RobotoTTF/Roboto-Medium.ttf", "fonts-roboto-unhinted", []int{roleSans}},
	{"opentype/inter/Inter-Regular.otf", "fonts-inter", []int{roleSans}},
	{"opentype/inter/Inter-SemiBold.otf", "fonts-inter", []int{roleSans}},
	{"truetype/karla/Karla-Regular.otf", "fonts-karla", []int{roleSans}},
	{"truetype/karla/Karla-Bold.otf", "fonts-karla", []int{roleSans}},
	{"opentype/cabin/Cabin-Regular.otf", "fonts-cabin", []int{roleSans}},
	{"opentype/cabin/Cabin-SemiBold.otf", "fonts-cabin", []int{roleSans, roleDisplay}},
	{"opentype/b612/B612-Regular.otf", "fonts-b612", []int{roleSans}},
	{"opentype/jura/Jura-Medium.otf", "fonts-jura", []int{roleSans}},
	{"truetype/andika/Andika-Regular.ttf", "fonts-sil-andika", []int{roleSans}},
	{"opentype/courier-prime/Courier Prime Sans Bold.otf", "fonts-courier-prime", []int{roleSans}},
	{"truetype/vollkorn/Vollkorn-Regular.ttf", "fonts-vollkorn", []int{roleSerif}},
	{"truetype/vollkorn/Vollkorn-Italic.ttf", "fonts-vollkorn", []int{roleSerif}},
	{"truetype/vollkorn/Vollkorn-Black.ttf", "fonts-vollkorn", []int{roleDisplay}},
	{"truetype/cardo/Cardo104s.ttf", "fonts-cardo", []int{roleSerif}},
	{"truetype/cardo/Cardoi99.ttf", "fonts-cardo", []int{roleSerif}},
	{"truetype/gentium/Gentium-R.ttf", "fonts-sil-gentium", []int{roleSerif}},
	{"truetype/gentium/Gentium-I.ttf", "fonts-sil-gentium", []int{roleSerif}},
	{"truetype/charis/CharisSIL-Regular.ttf", "fonts-sil-charis", []int{roleSerif}},
	{"truetype/charis/CharisSIL-BoldItalic.ttf", "fonts-sil-charis", []int{roleSerif, roleDisplay}},
	{"opentype/quattrocento/Quattrocento-Regular.otf", "fonts-quattrocento", []int{roleSerif}},
	{"truetype/fonts-oldstandard/OldStandard-Regular.ttf", "fonts-oldstandard", []int{roleSerif}},
	{"truetype/fonts-oldstandard/OldStandard-Italic.ttf", "fonts-oldstandard", []int{roleSerif}},
	{"truetype/adf/AccanthisADFStd-Regular.otf", "fonts-adf-accanthis", []int{roleSerif}},
	{"truetype/adf/AccanthisADFStd-Italic.otf", "fonts-adf-accanthis", []int{roleSerif}},
	{"opentype/roboto/slab/RobotoSlab-Regular.otf", "fonts-roboto-slab", []int{roleSerif}},
	{"opentype/roboto/slab/RobotoSlab-Bold.otf", "fonts-roboto-slab", []int{roleDisplay}},
	{"opentype/kaushanscript/KaushanScript-Regular.otf", "fonts-kaushanscript", []int{roleSerif, roleDisplay}},
	{"truetype/humor-sans/Humor-Sans.ttf", "fonts-humor-sans", []int{roleDisplay}},
	{"opentype/jura/Jura-Bold.otf", "fonts-jura", []int{roleDisplay}},
}

// composite3Min is the shortest long side of a photo that composites are
// drawn on (smaller ones, jigzo's, are negatives only).
const composite3Min = 400

// real3 builds PartHeldOut3 and says how many composites the label rule
// dropped and drew again.
func real3(o RealOptions) ([]Sample, int, error) {
	return buildHeldOut(heldOutSpec{part: PartHeldOut3, plain: plain3, scenes: sceneText3,
		fonts: heldOut3FontFiles, seed: 9, compose: compose3}, o)
}

// heldOutSpec is what one held-out part of version 3 or later is made of.
type heldOutSpec struct {
	part    string
	plain   []photo  // photos without text: negatives, crops and backgrounds
	scenes  []scene3 // photos with text and the windows around it
	fonts   []fontFile
	seed    int64
	compose func(*rand.Rand, *fontSet, string, *image.RGBA) (string, []image.Rectangle, legibility)
	kinds   []string       // the composite kinds, in order; nil: CompositeKinds then CompositeKinds2
	counts  map[string]int // composites of each kind; nil: RealOptions.PerKind of every kind
}

// buildHeldOut builds a held-out part (PartHeldOut3, PartHeldOut4) the
// same way: the scene windows, sp.compose's composites of every kind drawn
// again until they pass the label rule, the photos and their crops as
// negatives. It says how many composites the label rule dropped.
func buildHeldOut(sp heldOutSpec, o RealOptions) ([]Sample, int, error) {
	if o.PerKind <= 0 {
		o.PerKind = 8
	}
	if o.Crops <= 0 {
		o.Crops = 2
	}
	fonts, err := loadFontFiles(sp.part, sp.fonts)
	if err != nil {
		return nil, 0, err
	}
	all := append([]photo(nil), sp.plain...)
	for _, s := range sp.scenes {
		all = append(all, s.photo)
	}
	for _, p := range all {
		if _, err := os.Stat(onDisk(p.file())); err != nil {
			return nil, 0, fmt.Errorf("evalset: %w (installed by the Debian package %s)", err, p.pkg)
		}
	}
	// Decoding: two at once (the 4096-px WebP wallpapers take a second each).
	srcs := make([]image.Image, len(all))
	errs := make([]error, len(all))
	twoAtOnce(len(all), func(i int) {
		if srcs[i], errs[i] = decodePhoto(all[i].file()); errs[i] != nil {
			errs[i] = fmt.Errorf("evalset: %w (installed by the Debian package %s)", errs[i], all[i].pkg)
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, 0, err
	}
	bgs := make([]*image.RGBA, len(sp.plain))
	var backs []int // photos composites are drawn on
	for i := range sp.plain {
		bgs[i] = fitPhoto(srcs[i])
		if b := bgs[i].Bounds(); max(b.Dx(), b.Dy()) >= composite3Min {
			backs = append(backs, i)
		}
	}
	names := names3(all)
	var out []Sample
	add := func(s Sample, img *image.RGBA) { out = append(out, bothSizes(sp.part, s, img)...) }
	for k, s := range sp.scenes {
		src := srcs[len(sp.plain)+k]
		b := src.Bounds()
		win := image.Rect(b.Min.X+int(s.x0*float64(b.Dx())), b.Min.Y+int(s.y0*float64(b.Dy())),
			b.Min.X+int(s.x1*float64(b.Dx())), b.Min.Y+int(s.y1*float64(b.Dy())))
		sub, ok := src.(interface {
			SubImage(image.Rectangle) image.Image
		})
		if !ok {
			return nil, 0, fmt.Errorf("evalset: %s: cannot crop a %T", s.file(), src)
		}
		add(Sample{Name: "pos-scene-" + names[s.photo], Kind: "scene", HasText: true, Source: s.file()}, fitPhoto(sub.SubImage(win)))
	}
	seed := sp.seed
	dropped := 0
	kinds := append(append([]string(nil), CompositeKinds...), CompositeKinds2...)
	if sp.kinds != nil {
		kinds = sp.kinds
	}
	for k, kind := range kinds {
		n := o.PerKind
		if c, ok := sp.counts[kind]; ok {
			n = c
		}
		for i := range n {
			for try := 0; ; try++ {
				if try == 50 {
					return nil, 0, fmt.Errorf("evalset: %s %d: no legible draw in 50 tries", kind, i)
				}
				rng := rand.New(rand.NewSource(seed*1_000_003 + int64(k*1000+i) + int64(try)*100_000))
				b := backs[rng.Intn(len(backs))]
				bg := randomCropAR(rng, bgs[b], 0.45, 0.6, 1.0)
				text, boxes, leg := sp.compose(rng, fonts, kind, bg)
				if !leg.ok() || len(boxes) == 0 {
					dropped++
					continue
				}
				add(Sample{Name: fmt.Sprintf("pos-%s-%02d", kind, i), Kind: kind, HasText: true, Text: text,
					Source: sp.plain[b].file(), Boxes: boxes}, bg)
				break
			}
		}
	}
	for i, p := range sp.plain {
		add(Sample{Name: "neg-" + names[p], Kind: "photo", Source: p.file()}, bgs[i])
		if b := bgs[i].Bounds(); max(b.Dx(), b.Dy()) < composite3Min {
			continue // already thumbnail-sized: no crops
		}
		crops := o.Crops
		if b := bgs[i].Bounds(); max(b.Dx(), b.Dy()) < MaxFullSide {
			crops = max(1, o.Crops/2) // photos under 1024 px: fewer crops
		}
		rng := rand.New(rand.NewSource(seed*1_000_003 + 500_000 + int64(i)))
		for c := range crops {
			crop := randomCropAR(rng, bgs[i], 0.3, 0.6, 1.0)
			if c%2 == 0 {
				flipH(crop)
			}
			add(Sample{Name: fmt.Sprintf("neg-%s-crop%d", names[p], c+1), Kind: "photo", Source: p.file()}, crop)
		}
	}
	return out, dropped, nil
}

// puzzlePhoto decodes the photo a jigzo puzzle file holds: a text header,
// then the whole picture as a JPEG (then the pieces as more JPEGs).
func puzzlePhoto(path string) (image.Image, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	i := bytes.Index(data, []byte{0xff, 0xd8, 0xff})
	if !bytes.HasPrefix(data, []byte("PzlF")) || i < 0 {
		return nil, fmt.Errorf("%s: not a jigzo puzzle with a JPEG inside", path)
	}
	img, _, err := image.Decode(bytes.NewReader(data[i:]))
	if err != nil {
		return nil, fmt.Errorf("decode the photo in %s: %w", path, err)
	}
	return img, nil
}

// legibility is what compose3 measured of the blocks it drew: the smallest
// font size on the 220-px thumbnail and the weakest contrast.
type legibility struct {
	thumbPx, contrast float64
	cut               bool // a block (not of a tiled watermark) runs past the picture's edges
	missing           bool // a character the face has no glyph for
}

func (l legibility) ok() bool {
	return l.thumbPx >= MinThumbPx && l.contrast >= MinContrast && !l.cut && !l.missing
}

// measure records one block drawn in style s over what under held before.
func (l *legibility) measure(s style, under float64, thumbScale float64) {
	c := s.opacity * math.Abs(lum(s.fill)-under)
	if s.outline != nil {
		c = max(c, s.opacity*math.Abs(lum(s.fill)-lum(*s.outline)))
	}
	l.thumbPx = min(l.thumbPx, s.px*thumbScale)
	l.contrast = min(l.contrast, c)
}

// names3 gives every photo of version 3 a unique name: its file's stem,
// with as many of its folders before it as tell it from the others
// ("maldives-background", "maui-background").
func names3(list []photo) map[photo]string {
	split := func(p photo) []string {
		return strings.Split(strings.TrimSuffix(p.path, filepath.Ext(p.path)), "/")
	}
	name := func(p photo, k int) string { s := split(p); return strings.Join(s[max(0, len(s)-k):], "-") }
	out := map[photo]string{}
	for _, p := range list {
		for k := 1; ; k++ {
			n, clash := name(p, k), false
			for _, q := range list {
				clash = clash || q != p && name(q, k) == n
			}
			if !clash || k >= len(split(p)) {
				out[p] = n
				break
			}
		}
	}
	return out
}

// file names a version 3-8 photo under ShareDir.
func (p photo) file3() (string, bool) {
	if v3Packages[p.pkg] || v4Packages[p.pkg] || v5Packages[p.pkg] || v6Packages[p.pkg] || v7Packages[p.pkg] || v8Packages[p.pkg] {
		return filepath.Join(ShareDir, p.path), true
	}
	return "", false
}
