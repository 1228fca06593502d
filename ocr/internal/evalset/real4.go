package evalset

// Version 4 of the real set is one more held-out part, PartHeldOut4, made
// like version 3 (buildHeldOut, the same label rule) for the same purpose:
// to be scored once by the integrator on the detector's final defaults of
// a wave, by nobody who tunes the detector. It shares nothing with
// versions 1-3 (TestHeldOut4Disjoint checks it): its photos come from nine
// Debian packages none of them uses, its typefaces from twenty-six font
// packages none of them uses, its words, agencies, sign texts, tiled words
// and price heads are new lists, and its composites are drawn by compose4,
// which varies what compose and compose3 fixed: black-band and mid-picture
// memes with coloured outlines, left-aligned quotes with an accent bar,
// curly quotation marks and hashtag lines, watermarks up the picture's
// edges, at the top and bottom centre and on translucent plates, street
// blades and two-tier signs, social-post strips, film subtitles, fades and
// top bars, upright grids, steep diagonals, large tiles and single rows of
// tiled words, split, snapshot and band cards, round stickers, regular/promo
// plates and European prices, letter-spaced and two-tone headlines set at
// the sides.
//
// Photos (ShareDir is /usr/share), all chosen by looking at them at full
// size (photos with any lettering, however small, are left out: a mill's
// cast gear wheel, a volcano with a road sign, a keyboard, a seal held by a
// person in a jacket):
//
//   - endless-sky-data: the game's landing photos (720x360): canyons,
//     snow, lakes, valleys, skies, seas, mountains, fields, badlands, fog,
//     deserts, lava, beaches, forests, dunes, hills;
//   - tuxpaint-data: Tux Paint's template photos (bark, a cliff, a corn
//     maze, jellyfish, a lighthouse, moss, mudstone, waves, redwoods,
//     pebbles, sheep, a spider's web, clouds, trees at dusk);
//   - tuxtype-data: Tux Typing's landscape photos (glaciers, a coast, a
//     cave, rice terraces, a beach, a lake, rocks, ice, a hot spring) and
//     its space backgrounds; its Tux4Kids banner is scene text;
//   - mypaint-data-extras: paper and cork textures;
//   - fluxbox, icewm-common: desktop backgrounds (Debian swirls, waves,
//     the Earth); fluxbox's logo wallpaper is scene text;
//   - lxde-common: its three logo wallpapers and its logout banner, scene
//     text only;
//   - hugin-data, imagemagick-6-doc: Hugin's hand-lettered splash, the
//     ImageMagick logo and its T-shirt page, scene text only.
//
// Typefaces (FontDir): PT Sans Narrow, Highway Gothic (roadgeek), Dosis,
// Gillius, Beteckna and National Park stand in for Impact; PT Sans, Clear
// Sans, Oxygen, Play, Quicksand, Sora, Tuffy, JetBrains Mono and Comfortaa
// set signs, captions and watermarks; Berenis, Fanwood, Linden Hill,
// Goudy Bookletter 1911, Century Catalogue, Arapey, Doulos, PT Serif and
// Avería Serif set quotes and cards; Leckerli One, Kristi, Cherry Bomb and
// Tomson Talks are the display and hand-lettered faces.

// PartHeldOut4 is version 4's held-out part (see above).
const PartHeldOut4 = "heldout4"

// v4Packages are the packages of version 4's photos: their paths are
// relative to ShareDir.
var v4Packages = map[string]bool{"endless-sky-data": true, "tuxpaint-data": true, "tuxtype-data": true,
	"mypaint-data-extras": true, "fluxbox": true, "icewm-common": true, "lxde-common": true, "hugin-data": true, "imagemagick-6-doc": true}

func esky(names ...string) []photo {
	for i, n := range names {
		names[i] = "games/endless-sky/images/land/" + n + ".jpg"
	}
	return share("endless-sky-data", names...)
}

func tuxpaint(names ...string) []photo {
	for i, n := range names {
		names[i] = "tuxpaint/templates/" + n + ".jpg"
	}
	return share("tuxpaint-data", names...)
}

// plain4 lists version 4's photos without text.
var plain4 = concat(
	esky("canyon0", "canyon1", "snow0", "snow1", "water0", "water2", "valley1", "valley2", "sky1", "sky2",
		"sea0", "sea2", "mountain0", "mountain2", "fields0", "fields2", "badlands1", "fog1", "desert0",
		"lava1", "beach2", "dune1"),
	tuxpaint("burnt_bark", "cliff", "corn_maze", "jellyfish", "lighthouse", "mossy_log", "mudstone",
		"ocean_waves", "redwoods_above", "rocks", "sheep", "spiders_web", "sun_behind_clouds", "trees_at_dusk"),
	share("tuxtype-data", "tuxtype/images/kcas0.jpg", "tuxtype/images/kcas1.jpg", "tuxtype/images/kcas2.jpg",
		"tuxtype/images/kcas3.jpg", "tuxtype/images/kcas4.jpg", "tuxtype/images/kcas5.jpg",
		"tuxtype/images/kcas7.jpg", "tuxtype/images/kcas8.jpg", "tuxtype/images/kcas9.jpg",
		"tuxtype/images/kcas10.jpg", "tuxtype/images/kcas11.jpg", "tuxtype/images/backgrounds/0.jpg",
		"tuxtype/images/backgrounds/1.jpg", "tuxtype/images/backgrounds/2.jpg"),
	share("mypaint-data-extras", "mypaint/backgrounds/mrmamurk/mamurk_a_1.png",
		"mypaint/backgrounds/mrmamurk/mamurk_b_1.png", "mypaint/backgrounds/ramon/HR_Cork.png"),
	share("fluxbox", "images/fluxbox/debian-dark.png", "images/fluxbox/debian-squared.jpg"),
	share("icewm-common", "icewm/themes/NanoBlue/eos.jpg", "icewm/themes/default/default.png"),
)

// sceneText4 lists version 4's photos with text in the scene and the
// windows around it (chosen by looking, so the text stays legible on the
// 220-px thumbnail).
var sceneText4 = []scene3{
	sc3("lxde-common", "lxde/wallpapers/lxde_blue.jpg", 0.48, 0.28, 0.98, 0.72),
	sc3("lxde-common", "lxde/wallpapers/lxde_green.jpg", 0.45, 0.3, 0.95, 0.75),
	sc3("lxde-common", "lxde/wallpapers/lxde_red.jpg", 0.45, 0.3, 0.95, 0.75),
	sc3("lxde-common", "lxde/images/logout-banner.png", 0, 0, 1, 1),
	sc3("fluxbox", "images/fluxbox/fluxbox.png", 0.15, 0.3, 0.9, 0.7),
	sc3("tuxtype-data", "tuxtype/images/standby.png", 0, 0, 1, 1),
	sc3("hugin-data", "hugin/xrc/data/splash.png", 0, 0.5, 1, 1),
	sc3("imagemagick-6-doc", "doc/imagemagick-6-common/html/images/logo.png", 0, 0.03, 0.62, 0.6),
	sc3("imagemagick-6-doc", "doc/imagemagick-6-common/html/images/t-shirt.png", 0.15, 0.4, 0.55, 1),
}

// heldOut4FontFiles are version 4's typefaces: twenty-six packages that
// none of versions 1-3 uses.
var heldOut4FontFiles = []fontFile{
	{"truetype/paratype/PTN77F.ttf", "fonts-paratype", []int{roleImpact}},
	{"truetype/roadgeek/RG2014C.ttf", "fonts-roadgeek", []int{roleImpact}},
	{"opentype/dosis/Dosis-ExtraBold.otf", "fonts-dosis", []int{roleImpact, roleDisplay}},
	{"truetype/adf/GilliusADF-BoldCond.otf", "fonts-adf-gillius", []int{roleImpact}},
	{"truetype/beteckna/BetecknaGSCondensed-Bold.ttf", "fonts-beteckna", []int{roleImpact}},
	{"opentype/national-park/NationalPark-Heavy.otf", "fonts-national-park", []int{roleImpact, roleDisplay}},
	{"truetype/paratype/PTS55F.ttf", "fonts-paratype", []int{roleSans}},
	{"truetype/paratype/PTS75F.ttf", "fonts-paratype", []int{roleSans}},
	{"truetype/clear-sans/ClearSans-Regular.ttf", "fonts-clear-sans", []int{roleSans}},
	{"truetype/clear-sans/ClearSans-Bold.ttf", "fonts-clear-sans", []int{roleSans}},
	{"truetype/oxygen/Oxygen-Sans.ttf", "fonts-oxygen", []int{roleSans}},
	{"truetype/oxygen/Oxygen-Sans-Bold.ttf", "fonts-oxygen", []int{roleSans}},
	{"opentype/play/Play-Regular.otf", "fonts-play", []int{roleSans}},
	{"opentype/play/Play-Bold.otf", "fonts-play", []int{roleSans}},
	{"truetype/quicksand/Quicksand-Medium.ttf", "fonts-quicksand", []int{roleSans}},
	{"truetype/quicksand/Quicksand-Bold.ttf", "fonts-quicksand", []int{roleSans}},
	{"opentype/sora/Sora-Regular.otf", "fonts-sora", []int{roleSans}},
	{"opentype/sora/Sora-SemiBold.otf", "fonts-sora", []int{roleSans, roleDisplay}},
	{"truetype/tuffy/Tuffy.ttf", "fonts-tuffy", []int{roleSans}},
	{"truetype/jetbrains-mono/JetBrainsMono-Bold.ttf", "fonts-jetbrains-mono", []int{roleSans}},
	{"truetype/roadgeek/RG2014D.ttf", "fonts-roadgeek", []int{roleSans}},
	{"truetype/adf/GilliusADF-Regular.otf", "fonts-adf-gillius", []int{roleSans}},
	{"truetype/comfortaa/Comfortaa-Bold.ttf", "fonts-comfortaa", []int{roleSans, roleDisplay}},
	{"truetype/adf/BerenisADFPro-Regular.otf", "fonts-adf-berenis", []int{roleSerif}},
	{"truetype/adf/BerenisADFPro-Italic.otf", "fonts-adf-berenis", []int{roleSerif}},
	{"truetype/fanwood/Fanwood.otf", "fonts-fanwood", []int{roleSerif}},
	{"truetype/fanwood/Fanwood-Italic.otf", "fonts-fanwood", []int{roleSerif}},
	{"truetype/lindenhill/LindenHill.otf", "fonts-lindenhill", []int{roleSerif}},
	{"truetype/lindenhill/LindenHill-Italic.otf", "fonts-lindenhill", []int{roleSerif}},
	{"opentype/sortsmill/GoudyBookletter1911.otf", "fonts-goudybookletter", []int{roleSerif}},
	{"truetype/fonts-century-catalogue/Century-Catalogue.ttf", "fonts-century-catalogue", []int{roleSerif}},
	{"opentype/arapey/Arapey-Regular.otf", "fonts-arapey", []int{roleSerif}},
	{"truetype/doulos/DoulosSIL-Regular.ttf", "fonts-sil-doulos", []int{roleSerif}},
	{"truetype/paratype/PTF55F.ttf", "fonts-paratype", []int{roleSerif}},
	{"truetype/paratype/PTF56F.ttf", "fonts-paratype", []int{roleSerif}},
	{"truetype/averia-gwf/AveriaSerifGWF-Regular.ttf", "fonts-averia-serif-gwf", []int{roleSerif}},
	{"truetype/adf/BerenisADFPro-Bold.otf", "fonts-adf-berenis", []int{roleDisplay}},
	{"truetype/leckerli-one/LeckerliOne-Regular.ttf", "fonts-leckerli-one", []int{roleDisplay}},
	{"truetype/kristi/Kristi.ttf", "fonts-kristi", []int{roleDisplay}},
	{"opentype/cherrybomb/CherryBomb-Regular.otf", "fonts-cherrybomb", []int{roleDisplay}},
	{"truetype/tomsontalks/TomsonTalks.ttf", "fonts-tomsontalks", []int{roleDisplay}},
}

// real4 builds PartHeldOut4 and says how many composites the label rule
// dropped and drew again.
func real4(o RealOptions) ([]Sample, int, error) {
	if o.PerKind <= 0 {
		o.PerKind = 9
	}
	return buildHeldOut(heldOutSpec{part: PartHeldOut4, plain: plain4, scenes: sceneText4,
		fonts: heldOut4FontFiles, seed: 13, compose: compose4}, o)
}
