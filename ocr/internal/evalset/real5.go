package evalset

// Version 5 of the real set is one more held-out part, PartHeldOut5, made
// like versions 3 and 4 (buildHeldOut, the same label rule) for the same
// purpose: to be scored once by the integrator on the detector's final
// defaults of a wave, by nobody who tunes the detector (nobody ran the
// detector on it while it was built). It shares nothing with versions 1-4
// (TestHeldOut5Disjoint checks it): its photos come from six Debian
// packages none of them uses, its typefaces from twenty-one font packages
// none of them uses, its words, agencies, sign texts, tiled words and
// price heads are new lists (words from the licence texts and manual
// pages), and its composites are drawn by compose5, which varies what
// compose, compose3 and compose4 fixed: arched captions, speech bubbles,
// vertical (stacked and rotated) text, outline-only and stencil lettering,
// words over busy regions with a soft shadow, light-on-light text with
// thin dark outlines, small corner credits, centred quotes between
// decorative rules, coloured words on coloured bands, tweet cards, news
// lower thirds, ribbon banners and price bursts (see compose5.go).
//
// Photos (ShareDir is /usr/share), all chosen by looking at them at full
// size (photos with any lettering, however small, are left out: a painted
// solar flare signed with the artist's initials, Frozen Bubble's game
// screens with their logo and version, Tux Racer's course previews with
// their speed gauges):
//
//   - extremetuxracer-data: the game's skyboxes (snowy mountains under
//     sunny, cloudy, evening and night skies; rendered landscapes, 1024
//     px) and its ground textures (dirt, grass, paving, pebbles, rock,
//     sand, mud, ice; 256 px: negatives only); its splash logo is scene
//     text;
//   - moon-lander-data: its space backgrounds (Hubble nebulae, the
//     Earth over the Moon, Saturn, a red sunrise); its logo is scene text;
//   - kstars-data: a night sky over mountains with constellation lines,
//     the Blue Marble world map, and the Moon and planets (256 px,
//     negatives only); its splash (the KStars name on the sky) is scene
//     text;
//   - digikam-data: a red hill over a lake (4032x3024), crumpled paper
//     and marble, wall and stone textures (the small ones negatives only);
//     its lens logo (lettering around the ring) and the Exiv2 and gPhoto
//     logos are scene text;
//   - krita-data: Krita's patterns (rock, wood, bark, crackle,
//     vegetation, reptile skin, chain mail, impasto, sand, paper, canvas,
//     brush marks, swirls);
//   - frozen-bubble-data: scene text only (its logo, the PAUSE screen,
//     the high-score board).

// PartHeldOut5 is version 5's held-out part (see above).
const PartHeldOut5 = "heldout5"

// v5Packages are the packages of version 5's photos: their paths are
// relative to ShareDir.
var v5Packages = map[string]bool{"extremetuxracer-data": true, "moon-lander-data": true, "kstars-data": true,
	"digikam-data": true, "krita-data": true, "frozen-bubble-data": true}

func etr(names ...string) []photo {
	for i, n := range names {
		names[i] = "games/etr/" + n + ".png"
	}
	return share("extremetuxracer-data", names...)
}

func mlander(names ...string) []photo {
	for i, n := range names {
		names[i] = "games/moon-lander/images/backgrounds/" + n + ".jpg"
	}
	return share("moon-lander-data", names...)
}

func krita(names ...string) []photo {
	for i, n := range names {
		names[i] = "krita/patterns/" + n + ".png"
	}
	return share("krita-data", names...)
}

// plain5 lists version 5's photos without text.
var plain5 = concat(
	etr("env/etr/sunny/frontH", "env/etr/sunny/leftH", "env/etr/sunny/rightH",
		"env/etr/cloudy/frontH", "env/etr/cloudy/leftH", "env/etr/cloudy/rightH",
		"env/etr/evening/frontH", "env/etr/evening/leftH", "env/etr/evening/rightH",
		"env/etr/night/frontH", "env/etr/night/leftH", "env/etr/night/rightH",
		"env/tuxracer/sunny/front", "env/tuxracer/cloudy/front", "env/tuxracer/evening/front", "env/tuxracer/night/front",
		"terrains/dirt01", "terrains/grass01", "terrains/pave01", "terrains/pave02", "terrains/pebbles01",
		"terrains/pebbles05", "terrains/rock01", "terrains/rock03", "terrains/rock05", "terrains/sand01",
		"terrains/mud01", "terrains/ice01", "terrains/rock06", "terrains/rock07", "terrains/snow01", "terrains/grass03",
		"terrains/floor02"),
	mlander("blue_nebula", "earth_moon", "fingers", "glowing_nebula", "orange_gas", "red_plain", "saturn"),
	share("kstars-data", "kstars/kstarslite/qml/images/splash_bg@4x.jpeg", "kstars/geomap.jpg",
		"kstars/textures/moon00.png", "kstars/textures/moon08.png", "kstars/textures/neptune.png",
		"kstars/textures/pluto.png", "kstars/textures/sun.png", "kstars/textures/moon16.png",
		"kstars/textures/moon24.png", "kstars/textures/saturn.png"),
	share("digikam-data", "digikam/about/images/body-background.jpg", "digikam/data/paper2-texture.png",
		"digikam/data/marble-texture.png", "digikam/data/wall-texture.png", "digikam/data/modern-texture.png",
		"digikam/data/canvas-texture.png", "digikam/data/cellwood-texture.png"),
	krita("14_texture-rock", "15_texture-rockB", "16_texture-woody", "17_texture-melt", "18_texture-bark",
		"19_texture-crackle", "20_texture-vegetal", "22_texture-reptile", "Rough_Wall_With_Impasto", "Sand_fine",
		"13_drawed_swirl", "21_texture-chainmail", "26_brush-marks", "Rough_Paper", "02_rough-canvas"),
)

// sceneText5 lists version 5's photos with text in the scene and the
// windows around it (chosen by looking, so the text stays legible on the
// 220-px thumbnail).
var sceneText5 = []scene3{
	sc3("extremetuxracer-data", "games/etr/textures/splash_1.png", 0, 0, 1, 1),
	sc3("moon-lander-data", "games/moon-lander/images/logo.png", 0, 0, 1, 1),
	sc3("kstars-data", "kstars/kstars.png", 0.25, 0.15, 0.75, 0.85),
	sc3("digikam-data", "digikam/data/logo-digikam.png", 0, 0, 1, 1),
	sc3("digikam-data", "digikam/data/logo-exiv2.png", 0, 0, 1, 1),
	sc3("digikam-data", "digikam/data/logo-gphoto.png", 0, 0, 1, 1),
	sc3("frozen-bubble-data", "games/frozen-bubble/gfx/menu/fblogo.png", 0, 0, 1, 1),
	sc3("frozen-bubble-data", "games/frozen-bubble/gfx/back_paused.png", 0.15, 0.05, 0.85, 0.55),
	sc3("frozen-bubble-data", "games/frozen-bubble/gfx/back_hiscores.png", 0, 0, 0.42, 0.22),
}

// heldOut5FontFiles are version 5's typefaces: twenty-one packages that
// none of versions 1-4 uses. Switzera and Universalis Bold Condensed,
// League Mono Condensed ExtraBold and Le Murmure stand in for Impact;
// Switzera, Universalis, Libris, Karmilla, Junction, Hack, Fira Code,
// mononoki, Tiresias, Routed Gothic, Eurofurence and Allerta set signs,
// captions and watermarks; Romande, Tribun, GFS Didot and Junicode set
// quotes and cards; Allerta Stencil, Rufscript, DKG's handwriting and
// Fantasque Sans are the display and hand-lettered faces. Left out after
// looking: Baskervald (x/image/sfnt rejects its table order), Museum (no
// capitals but A and H, no digits), Open DIN (blank @, $, £ and ©),
// Isabella (its script could not be read turned on a thumbnail) and
// Bajaderka (strokes 2% of the em: a hairline on a thumbnail).
var heldOut5FontFiles = []fontFile{
	{"truetype/adf/SwitzeraADF-BoldCond.otf", "fonts-adf-switzera", []int{roleImpact}},
	{"truetype/adf/UniversalisADFStd-BoldCond.otf", "fonts-adf-universalis", []int{roleImpact}},
	{"opentype/league-mono/LeagueMono-CondensedExtraBold.otf", "fonts-league-mono", []int{roleImpact}},
	{"opentype/le-murmure/le-murmure.otf", "fonts-le-murmure", []int{roleImpact, roleDisplay}},
	{"truetype/adf/SwitzeraADF-Regular.otf", "fonts-adf-switzera", []int{roleSans}},
	{"truetype/adf/SwitzeraADF-Bold.otf", "fonts-adf-switzera", []int{roleSans}},
	{"truetype/adf/UniversalisADFStd-Regular.otf", "fonts-adf-universalis", []int{roleSans}},
	{"truetype/adf/LibrisADFStd-Regular.otf", "fonts-adf-libris", []int{roleSans}},
	{"truetype/adf/LibrisADFStd-Bold.otf", "fonts-adf-libris", []int{roleSans}},
	{"truetype/karmilla/Karmilla-Regular.ttf", "fonts-karmilla", []int{roleSans}},
	{"truetype/karmilla/Karmilla-Bold.ttf", "fonts-karmilla", []int{roleSans, roleDisplay}},
	{"opentype/junction/Junction.otf", "fonts-junction", []int{roleSans}},
	{"truetype/hack/Hack-Regular.ttf", "fonts-hack", []int{roleSans}},
	{"truetype/hack/Hack-Bold.ttf", "fonts-hack", []int{roleSans}},
	{"truetype/firacode/FiraCode-Medium.ttf", "fonts-firacode", []int{roleSans}},
	{"truetype/mononoki/mononoki-Bold.ttf", "fonts-mononoki", []int{roleSans}},
	{"truetype/tiresias/tiresias_infofont.ttf", "fonts-tiresias", []int{roleSans}},
	{"truetype/tiresias/tiresias_infofont_bold.ttf", "fonts-tiresias", []int{roleSans}},
	{"truetype/routed-gothic/routed-gothic.ttf", "fonts-routed-gothic", []int{roleSans}},
	{"truetype/eurofurence/eurof55.ttf", "fonts-eurofurence", []int{roleSans}},
	{"truetype/eurofurence/eurof75.ttf", "fonts-eurofurence", []int{roleSans, roleDisplay}},
	{"truetype/adf/RomandeADFStd-Regular.otf", "fonts-adf-romande", []int{roleSerif}},
	{"truetype/adf/RomandeADFStd-Italic.otf", "fonts-adf-romande", []int{roleSerif}},
	{"truetype/adf/TribunADFStd-Regular.otf", "fonts-adf-tribun", []int{roleSerif}},
	{"truetype/adf/TribunADFStd-Bold.otf", "fonts-adf-tribun", []int{roleSerif, roleDisplay}},
	{"opentype/didot/GFSDidot.otf", "fonts-gfs-didot", []int{roleSerif}},
	{"opentype/didot/GFSDidotItalic.otf", "fonts-gfs-didot", []int{roleSerif}},
	{"opentype/junicode/JunicodeTwoBeta-Regular.otf", "fonts-junicode", []int{roleSerif}},
	{"opentype/junicode/JunicodeTwoBeta-Italic.otf", "fonts-junicode", []int{roleSerif}},
	{"opentype/allerta/allerta_stencil.otf", "fonts-allerta", []int{roleDisplay}},
	{"opentype/allerta/allerta_medium.otf", "fonts-allerta", []int{roleSans}},
	{"truetype/rufscript/Rufscript010.ttf", "fonts-rufscript", []int{roleDisplay}},
	{"truetype/fifthhorseman/dkgBd.ttf", "fonts-dkg-handwriting", []int{roleDisplay}},
	{"opentype/fantasque-sans/Normal/OTF/FantasqueSansMono-Bold.otf", "fonts-fantasque-sans", []int{roleDisplay}},
}

// real5 builds PartHeldOut5 and says how many composites the label rule
// dropped and drew again.
func real5(o RealOptions) ([]Sample, int, error) {
	if o.PerKind <= 0 {
		o.PerKind = 9
	}
	return buildHeldOut(heldOutSpec{part: PartHeldOut5, plain: plain5, scenes: sceneText5,
		fonts: heldOut5FontFiles, seed: 17, compose: compose5}, o)
}
