package evalset

// Version 7 of the real set is one more held-out part, PartHeldOut7, made
// like versions 3-6 (buildHeldOut, the same label rule, the busy rule of
// version 5) for the same purpose: to be scored once by the integrator on
// the detector's final defaults of a wave, by nobody who tunes the
// detector (nobody ran the detector on it while it was built). It shares
// nothing with versions 1-6 (TestHeldOut7Disjoint checks it): its photos
// come from four Debian packages none of them uses, its typefaces from
// twenty-five font packages none of them uses, its words, agencies,
// shop-front texts, poster lines and authors are new lists, and its
// composites are drawn by compose7, weighted to what WEBEmo-like stock
// images hold and earlier versions under-sample: headlines round circles,
// in perspective, extruded in 3-D, upright and in mixed sizes; neon and
// gradient-filled words as kinds of their own; handwritten and brush
// scripts (a kind of their own too); thin light captions straight on busy
// photos; faint watermarks just over the contrast floor; memes and quotes
// in new faces; shop fronts turned in perspective (signs); street posters
// (a kind of their own); kraft price tags, struck-out prices, level and
// upright tiled rows and postcards for the older kinds.
//
// Photos (ShareDir is /usr/share), all looked at at full size; left out of
// the negatives: Colobot's font atlas (effect03), the Scribus kites photo
// (lettering on a tent), textures under 200 px (BZFlag's brick box wall):
//
//   - bzflag-data: stone and brick walls, grass and water textures, a
//     striped base wall, a mountain panorama; its title banner is scene
//     text;
//   - colobot-common-textures: clouds, fire, deserts, rock, ice, lava,
//     Mars maps, planets, water, a nebula, a star field; its title screen and three
//     intro pictures (with the game's and studio's names) are scene text;
//   - scribus-template: the template photos (an eclipse, the moon, a
//     canyon, a city at sunset, a pizza, prawns);
//   - klettres-data: two painted backgrounds (a snowfield, a desert).
//
// Few Debian packages that no earlier part uses hold photos of real
// lettering (shop fronts, menus, packaging are in opencv-doc, version 1's):
// the scene text here is game and studio lettering; the photographed kinds
// are drawn instead (signs in perspective, posters).
//
// Label rule: version 3's (MinThumbPx, MinContrast on the 220-px
// thumbnail, no cut block, no missing glyph) with version 5's busy rule,
// plus, for what reads smaller than its em, a smaller measured size:
// hairline faces three quarters of it and ThinMargin more contrast,
// scripts, neon tubes and edged meme scripts four fifths to 0.85, a sign
// in perspective its smallest line at the squeezed end; a gradient is
// measured at both ends. Every composite's and every negative's
// thumbnail was then looked at (contact sheets; the doubtful ones, the
// source photos and the scene windows at full size); faces that still read badly were dropped
// (Ferrite Core, Train One, Stick, Fantasma) or kept to large sizes.

// PartHeldOut7 is version 7's held-out part (see above).
const PartHeldOut7 = "heldout7"

// v7Packages are the packages of version 7's photos: their paths are
// relative to ShareDir.
var v7Packages = map[string]bool{"bzflag-data": true, "colobot-common-textures": true, "scribus-template": true,
	"klettres-data": true}

// plain7 lists version 7's photos without text.
var plain7 = concat(
	prefixed("bzflag-data", "games/bzflag/", ".png", "wall", "std_ground", "zone_ground", "water", "mountain1",
		"pyrwall", "blue_basewall", "red_basetop"),
	prefixed("colobot-common-textures", "games/colobot/textures/", ".png", "back46", "back22", "cloud02", "cloud03",
		"cloud04", "cloud05", "cloud09", "chili01", "chili02", "desert4", "desert5", "desert6", "dirty01", "dirty02",
		"dirty04", "dirty08", "green01", "green02", "mars001", "mars003", "mars008", "mix01", "moon103", "lava04",
		"lava05", "planet01", "planet03", "water12", "water16", "roca2", "rocb2", "terra002"),
	share("scribus-template", "scribus/templates/br2/brightness.jpg", "scribus/templates/br2/halfmoon.jpg",
		"scribus/templates/br2/moon.jpg", "scribus/templates/br2/nature.jpg", "scribus/templates/br2/sunset.jpg",
		"scribus/templates/menu2/pizza.jpg", "scribus/templates/menu1/teriyaki.png"),
	prefixed("klettres-data", "klettres/pics/", ".png", "klettres_grownup", "klettres_desert"),
)

// sceneText7 lists version 7's photos with text in them and the windows
// around it, each with why it is a positive (looked at at full size; the
// windows keep the text legible on the 220-px thumbnail).
var sceneText7 = []scene3{
	sc3("bzflag-data", "games/bzflag/title.png", 0, 0, 1, 1),                                    // "BZFLAG", carved capitals, "v2.4.26" beside
	sc3("colobot-common-textures", "games/colobot/textures/interface/generico.png", 0, 0, 1, 1), // "COLOBOT" in chrome capitals, "EPSITEC" and "TerranovaTeam" buttons
	sc3("colobot-common-textures", "games/colobot/textures/interface/intro1.png", 0.3, 0.05, 0.75, 0.5),
	sc3("colobot-common-textures", "games/colobot/textures/interface/intro2.png", 0.4, 0.0, 0.9, 0.45),
	sc3("colobot-common-textures", "games/colobot/textures/interface/intro3.png", 0.3, 0.0, 0.8, 0.5),
}

// heldOut7FontFiles are version 7's typefaces: packages that none of
// versions 1-6 uses (nor the Go fonts of the procedural set). OSP-DIN,
// BM Dohyeon, BM Hanna Pro, Smiley Sans and M+ 1 Black stand in for
// Impact; M+, Radis Sans, Solothurn, Agave, Osifont and DotGothic16 set
// signs, captions and watermarks, and M+ 1 Light, M+ 1 ExtraLight and M+
// 2 Light are the hairline faces (the last nThin7 sans faces); Linex's
// Jara and Quercus, George Williams' Caslon and Caliban, Campania, Museum
// Sixty and Solide Mirage set quotes and signs; Yusei Magic, Klee One,
// Setofont, BM Kirang Haerang, Havana and Ecolier (the plainer first
// nPlainScript7), Femke Klaver, Isabella, Aenigma's Ink Swipe and
// Gesture, Blankenburg, Joscelyn and Bajaderka are the handwritten, brush
// and blackletter scripts (the first nScript7 display faces: never set in
// capitals only, the ornate ones only large), and BM Jua, Aenigma's
// Homespun and (again) M+ 1 Black, BM Dohyeon and Smiley Sans the plain
// display faces, set in capitals too. Left out after looking at a
// specimen: Baskervald (x/image/sfnt rejects its table order), GFS
// Bodoni Classic and Baskerville (Greek only), Typo Script (no digits),
// Ferrite Core, Train One and Stick (too thin or hollow to read on the
// thumbnail), Fantasma.
var heldOut7FontFiles = []fontFile{
	{"truetype/opendin/OSP-DIN.ttf", "fonts-opendin", []int{roleImpact}},
	{"truetype/woowa-bm/BMDOHYEON_ttf.ttf", "fonts-woowa-bm", []int{roleImpact}},
	{"truetype/woowa-bm/BMHANNAPro.ttf", "fonts-woowa-bm", []int{roleImpact, roleSans}},
	{"truetype/smiley-sans/SmileySans-Oblique.ttf", "fonts-smiley-sans", []int{roleImpact}},
	{"opentype/mplus/Mplus1-Black.otf", "fonts-mplus", []int{roleImpact}},
	{"opentype/mplus/Mplus1-Medium.otf", "fonts-mplus", []int{roleSans}},
	{"opentype/mplus/Mplus2-Regular.otf", "fonts-mplus", []int{roleSans}},
	{"opentype/radisnoir/RadisSans-medium.otf", "fonts-radisnoir", []int{roleSans}},
	{"truetype/adf/Solothurn-Regular.otf", "fonts-adf-solothurn", []int{roleSans}},
	{"truetype/adf/Solothurn-Bold.otf", "fonts-adf-solothurn", []int{roleSans}},
	{"truetype/agave/agave-r-autohinted.ttf", "fonts-agave", []int{roleSans}},
	{"truetype/osifont/osifont.ttf", "fonts-osifont", []int{roleSans}},
	{"truetype/dotgothic16/DotGothic16-Regular.ttf", "fonts-dotgothic16", []int{roleSans}},
	{"opentype/mplus/Mplus1-Light.otf", "fonts-mplus", []int{roleSans}},
	{"opentype/mplus/Mplus1-ExtraLight.otf", "fonts-mplus", []int{roleSans}},
	{"opentype/mplus/Mplus2-Light.otf", "fonts-mplus", []int{roleSans}},
	{"truetype/linex/Jara.ttf", "fonts-linex", []int{roleSerif}},
	{"truetype/linex/Jara_It.ttf", "fonts-linex", []int{roleSerif}},
	{"truetype/linex/Quercus.ttf", "fonts-linex", []int{roleSerif}},
	{"truetype/fonts-georgewilliams/CaslonRoman.ttf", "fonts-georgewilliams", []int{roleSerif}},
	{"truetype/fonts-georgewilliams/CaslonItalic.ttf", "fonts-georgewilliams", []int{roleSerif}},
	{"truetype/fonts-georgewilliams/Caliban.ttf", "fonts-georgewilliams", []int{roleSerif}},
	{"opentype/campania/Campania.otf", "fonts-campania", []int{roleSerif}},
	{"opentype/levien/MuseumSixty.otf", "fonts-levien-museum", []int{roleSerif}},
	{"opentype/solid-mirage/SolideMirageEtroit.otf", "fonts-solide-mirage", []int{roleSerif}},
	{"truetype/yusei-magic/YuseiMagic-Regular.ttf", "fonts-yusei-magic", []int{roleDisplay}},
	{"truetype/klee/KleeOne-SemiBold.ttf", "fonts-klee", []int{roleDisplay}},
	{"truetype/seto/setofont.ttf", "fonts-seto", []int{roleDisplay}},
	{"truetype/woowa-bm/BMKIRANGHAERANG-TTF.ttf", "fonts-woowa-bm", []int{roleDisplay}},
	{"opentype/havana/Havana-Regular.otf", "fonts-havana", []int{roleDisplay}},
	{"truetype/ecolier-court/Ecolier-court.ttf", "fonts-ecolier-court", []int{roleDisplay}},
	{"truetype/femkeklaver/femkeklaver.ttf", "fonts-femkeklaver", []int{roleDisplay}},
	{"truetype/isabella/Isabella.ttf", "fonts-isabella", []int{roleDisplay}},
	{"truetype/aenigma/inkswipe.ttf", "fonts-aenigma", []int{roleDisplay}},
	{"truetype/aenigma/gesture.ttf", "fonts-aenigma", []int{roleDisplay}},
	{"truetype/blankenburg/Blankenburg_UNZ1A.ttf", "fonts-blankenburg", []int{roleDisplay}},
	{"opentype/joscelyn/Joscelyn-Regular.otf", "fonts-joscelyn", []int{roleDisplay}},
	{"opentype/bajaderka/Bajaderka-Regular.otf", "fonts-bajaderka", []int{roleDisplay}},
	{"truetype/woowa-bm/BMJUA_ttf.ttf", "fonts-woowa-bm", []int{roleDisplay}},
	{"truetype/aenigma/homespun.ttf", "fonts-aenigma", []int{roleDisplay}},
	{"opentype/mplus/Mplus1-Black.otf", "fonts-mplus", []int{roleDisplay}},
	{"truetype/woowa-bm/BMDOHYEON_ttf.ttf", "fonts-woowa-bm", []int{roleDisplay}},
	{"truetype/smiley-sans/SmileySans-Oblique.ttf", "fonts-smiley-sans", []int{roleDisplay}},
}

// nScript7 and nThin7 are how many of heldOut7FontFiles' display faces
// (from the first) are scripts, nPlainScript7 how many of those (from the
// first) are plain enough to read small, and nThin7 how many of its sans
// faces (from the last) are hairlines.
const (
	nScript7      = 13
	nPlainScript7 = 6
	nThin7        = 3
)

// CompositeKinds7 are the kinds of version 7's composites, in order: the
// kinds it redraws (with layouts of its own: kraft tags and struck-out
// prices, level and upright tiled rows, postcards among them) and the ones
// it adds (neon, gradient, script, poster).
var CompositeKinds7 = []string{"headline", "neon", "gradient", "script", "caption", "watermark", "meme", "quote", "sign",
	"poster", "price", "tiled", "card"}

// perKind7 is how many composites version 7 draws of each kind.
var perKind7 = map[string]int{"headline": 11, "neon": 8, "gradient": 8, "script": 9, "caption": 8, "watermark": 9,
	"meme": 8, "quote": 7, "sign": 8, "poster": 5, "price": 5, "tiled": 4, "card": 4}

// real7 builds PartHeldOut7 and says how many composites the label rule
// dropped and drew again. RealOptions.PerKind, when set, replaces
// perKind7 with one count for every kind; RealOptions.Crops defaults to 4
// (most of version 7's photos are textures under 1024 px, cropped half as
// often).
func real7(o RealOptions) ([]Sample, int, error) {
	counts := perKind7
	if o.PerKind > 0 {
		counts = nil
	}
	if o.Crops <= 0 {
		o.Crops = 4
	}
	return buildHeldOut(heldOutSpec{part: PartHeldOut7, plain: plain7, scenes: sceneText7,
		fonts: heldOut7FontFiles, seed: 27, compose: compose7, kinds: CompositeKinds7, counts: counts}, o)
}
