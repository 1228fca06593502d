package evalset

// Version 6 of the real set is one more held-out part, PartHeldOut6, made
// like versions 3-5 (buildHeldOut, the same label rule, the busy rule of
// version 5) for the same purpose: to be scored once by the integrator on
// the detector's final defaults of a wave, by nobody who tunes the
// detector (nobody ran the detector on it while it was built). It shares
// nothing with versions 1-5 (TestHeldOut6Disjoint checks it): its photos
// come from ten Debian packages none of them uses, its typefaces from
// thirty-one font packages none of them uses, its words, agencies, sign
// texts, tiled words and price heads are new lists, and its composites are
// drawn by compose6, weighted to what version 5 showed is hard and to what
// no version drew: arched, waved, stacked and turned headlines (more of
// them), prices with currency signs, decimals and raised cents, logos
// (emblems, ring text, wordmarks) and game or UI screens (HUDs, pause and
// game-over screens, menus, dialogs) as kinds of their own, warning
// diamonds, street blades and neon signs, memes on busy photos, faint
// corner watermarks and dense tiled ones (see compose6.go).
//
// Photos (ShareDir is /usr/share), all looked at at full size; photos with
// any lettering are left out of the negatives (Scorched 3D's tank
// textures, whose sheets carry their authors' notes; Hedgewars' brick
// textures, with "CAKE" scratched into a brick; a Scorched 3D cloud
// texture with a ghost of a mirrored mark):
//
//   - wesnoth-1.16-data: the story paintings (landscapes, a castle, a
//     coast, swamps) and unit portraits (faces over white); its logo (two
//     languages) and two dialogs of its manual's screenshots are scene
//     text;
//   - stellarium-data: nebula and galaxy photos, a star cluster, grass,
//     flowers, snow and sea textures, a fisheye forest canopy; its splash
//     is scene text;
//   - hedgewars-data: its themes' land textures (brick, cobbles, stone
//     walls, tiles: glyph-like edges) and a painted sky;
//   - scorched3d-data: ground detail textures (grey noise like floors),
//     cloud textures, the painted island backdrop; its logo is scene text;
//   - pingus-data: painted space, industry and mountain backgrounds; its
//     logo is scene text;
//   - supertux-data: painted forest, arctic and night backgrounds; its
//     development logo is scene text;
//   - tuxmath-data: space photos (a galaxy, Jupiter, the Earth from
//     orbit); its status banners (GAME OVER, PAUSED, LOADING, DEMO, Good!)
//     are scene text;
//   - lincity-ng-data: two isometric building tiles; its menu's logo is
//     scene text;
//   - tuxpaint-stamps-default: photos of road signs: STOP, GIVE WAY,
//     YIELD, HOSPITAL and School are scene text; pictogram signs, a traffic
//     light and a cone are negatives (small: no crops, no composites).

// PartHeldOut6 is version 6's held-out part (see above).
const PartHeldOut6 = "heldout6"

// v6Packages are the packages of version 6's photos: their paths are
// relative to ShareDir.
var v6Packages = map[string]bool{"wesnoth-1.16-data": true, "stellarium-data": true, "hedgewars-data": true,
	"scorched3d-data": true, "pingus-data": true, "supertux-data": true, "tuxmath-data": true,
	"lincity-ng-data": true, "tuxpaint-stamps-default": true}

// prefixed turns names into pkg's photos at dir/name.ext.
func prefixed(pkg, dir, ext string, names ...string) []photo {
	out := make([]photo, len(names))
	for i, n := range names {
		out[i] = photo{dir + n + ext, pkg}
	}
	return out
}

// plain6 lists version 6's photos without text.
var plain6 = concat(
	prefixed("wesnoth-1.16-data", "games/wesnoth/1.16/data/core/images/story/", ".jpg",
		"landscape-bridge", "landscape-castle", "landscape-coast", "landscape-hills-01", "landscape-mountains-01",
		"landscape-mountains-03", "landscape-plain", "swamp-01"),
	prefixed("wesnoth-1.16-data", "games/wesnoth/1.16/data/core/images/portraits/", ".png",
		"humans/mage-white", "elves/sorceress", "humans/thief", "dwarves/scout", "orcs/grunt"),
	prefixed("stellarium-data", "stellarium/nebulae/default/", ".png", "etaCarinae", "ic1396", "m42", "m101-vasey", "m44"),
	share("stellarium-data", "stellarium/landscapes/garching/garching-ground3.png", "stellarium/landscapes/guereins/guereinsb.png",
		"stellarium/landscapes/hurricane/hurricane1.png", "stellarium/landscapes/ocean/ocean9.png",
		"stellarium/landscapes/trees/trees_512.png", "stellarium/landscapes/hurricane/hurricaneb.png"),
	prefixed("hedgewars-data", "games/hedgewars/Data/Themes/", ".png", "Castle/LandTex", "Cave/LandTex",
		"Hell/LandTex", "Island/LandTex", "Stage/LandTex", "Underwater/LandTex", "Desert/LandTex", "Jungle/LandTex",
		"Golf/Sky"),
	prefixed("scorched3d-data", "games/scorched3d/data/globalmods/none/data/textures/landscape/", ".jpg",
		"arizona/detail", "denali/detail", "tuscan/detail", "storm/cloud1"),
	share("scorched3d-data", "games/scorched3d/data/images/backdrop.jpg"),
	prefixed("pingus-data", "games/pingus/data/images/textures/", "", "bluestars.jpg", "industrial.jpg", "mountain.png"),
	prefixed("supertux-data", "games/supertux2/images/background/", "", "forest/forest_para3.png", "antarctic/semi_arctic.jpg",
		"ghostforest/ghostforest.jpg", "halloween/intro.jpg"),
	prefixed("tuxmath-data", "tuxmath/images/", ".jpg", "backgrounds/0", "backgrounds/5", "title/menu_bkg"),
	prefixed("lincity-ng-data", "games/lincity-ng/images/tiles/", ".png", "commune1", "industryhc"),
	prefixed("tuxpaint-stamps-default", "tuxpaint/stamps/town/roadsigns/", ".png", "toilets", "roundabout", "dead_end_sign",
		"stoplight_01_red", "traffic_cone"),
)

// sceneText6 lists version 6's photos with text in them and the windows
// around it, each with why it is a positive (looked at at full size; the
// windows keep the text legible on the 220-px thumbnail).
var sceneText6 = []scene3{
	sc3("stellarium-data", "stellarium/data/splash.png", 0, 0, 1, 1),                                      // "Stellarium" in white over a night sky, "stellarium.org" under it
	sc3("wesnoth-1.16-data", "games/wesnoth/1.16/images/misc/logo.png", 0, 0, 1, 1),                       // "The Battle for Wesnoth", grey engraved capitals on white
	sc3("wesnoth-1.16-data", "games/wesnoth/1.16/images/misc/l10n/la/logo.png", 0, 0, 1, 1),               // the Latin logo: "Proelium pro Vesnote"
	sc3("wesnoth-1.16-data", "doc/wesnoth-1.16-data/images/multiplayer-1.13.11+dev.png", 0, 0, 0.7, 0.45), // a UI dialog: "Multiplayer", "Login: Player", "Join Official Server"
	sc3("wesnoth-1.16-data", "doc/wesnoth-1.16-data/images/recruit-1.13.11+dev.png", 0.45, 0, 1, 0.42),    // a game menu: unit names and their costs ("Bowman 14", "Cavalryman 17")
	sc3("scorched3d-data", "games/scorched3d/data/images/scorched.png", 0, 0, 1, 1),                       // the "Scorched 3D" logo in flames, "www.scorched3d.co.uk" under it
	sc3("pingus-data", "games/pingus/data/images/core/misc/logo.png", 0, 0, 1, 1),                         // the "PINGUS" logo, green rounded capitals
	sc3("supertux-data", "games/supertux2/images/engine/menu/logo_dev.png", 0, 0, 1, 1),                   // the "SuperTux" logo in ice letters, "Development Version" across it
	sc3("tuxmath-data", "tuxmath/images/status/gameover.png", 0, 0, 1, 1),                                 // a game screen banner: "GAME OVER", green glow
	sc3("tuxmath-data", "tuxmath/images/status/paused.png", 0, 0, 1, 1),                                   // "PAUSED", engraved serif capitals
	sc3("tuxmath-data", "tuxmath/images/status/loading.png", 0, 0, 1, 1),                                  // "LOADING", green on black
	sc3("tuxmath-data", "tuxmath/images/status/demo.png", 0, 0, 1, 1),                                     // "DEMO", engraved serif capitals
	sc3("tuxmath-data", "tuxmath/images/factoroids/good.png", 0, 0, 1, 1),                                 // "Good!", blue italic
	sc3("tuxpaint-stamps-default", "tuxpaint/stamps/town/roadsigns/stop.png", 0, 0, 1, 1),                 // a photo of a STOP sign
	sc3("tuxpaint-stamps-default", "tuxpaint/stamps/town/roadsigns/give_way_sign.png", 0, 0, 1, 1),        // a photo of a GIVE WAY sign
	sc3("tuxpaint-stamps-default", "tuxpaint/stamps/town/roadsigns/yield.png", 0, 0, 1, 1),                // a photo of a YIELD sign
	sc3("tuxpaint-stamps-default", "tuxpaint/stamps/town/roadsigns/hospital.png", 0, 0, 1, 1),             // a blue sign: "H" and "HOSPITAL"
	sc3("tuxpaint-stamps-default", "tuxpaint/stamps/town/roadsigns/school_sign.png", 0, 0, 1, 1),          // a warning triangle over a plate reading "School"
	sc3("lincity-ng-data", "games/lincity-ng/images/mainmenu/menu_back.png", 0.55, 0, 1, 0.26),            // the "LinCity" logo, hand-lettered, top right of the menu
}

// heldOut6FontFiles are version 6's typefaces: packages that none of
// versions 1-5 uses. Apropal, Rampart One, Reggae One, RocknRoll One,
// Verana Sans Bold and BIZ UDPGothic Bold stand in for Impact; Verana
// Sans, Irianis, OpenDyslexic, Hermit, Monoid, Inconsolata, Anonymous Pro,
// Compagnon, Dustismo, CMU Sans, Monofur, Klaudia and Okolaks set signs,
// captions, watermarks and screens; CMU Serif, GFS Neohellenic, GFS
// Artemisia, Ikarius, Elstob, Berenika and Essays 1743 set quotes and
// cards; Cabin Sketch, Stay Puft, Breip, Steve Hand, Great Vibes, Domestic
// Manners, Engadget, Mekanus Titling and C-64 are the display,
// hand-lettered and pixel faces. Left out after looking at a specimen:
// millimetre and OCR-B (no euro sign), DSEG (digits only), Prociono (no
// yen), Euterpe (no Latin), Ubuntu Title (no capitals), Oldania
// (x/image/sfnt rejects its table order).
var heldOut6FontFiles = []fontFile{
	{"opentype/apropal/Apropal-Bold.otf", "fonts-apropal", []int{roleImpact}},
	{"truetype/rampart/RampartOne-Regular.ttf", "fonts-rampart", []int{roleImpact, roleDisplay}},
	{"truetype/reggae/ReggaeOne-Regular.ttf", "fonts-reggae", []int{roleImpact}},
	{"truetype/rocknroll/RocknRollOne-Regular.ttf", "fonts-rocknroll", []int{roleImpact, roleSans}},
	{"truetype/adf/VeranaSans-Bold.otf", "fonts-adf-verana", []int{roleImpact}},
	{"truetype/bizud-gothic/BIZUDPGothic-Bold.ttf", "fonts-morisawa-bizud-gothic", []int{roleImpact}},
	{"truetype/adf/VeranaSans-Regular.otf", "fonts-adf-verana", []int{roleSans}},
	{"truetype/adf/IrianisADFStd-Regular.otf", "fonts-adf-irianis", []int{roleSans}},
	{"truetype/adf/IrianisADFStd-Bold.otf", "fonts-adf-irianis", []int{roleSans}},
	{"opentype/opendyslexic/OpenDyslexic-Regular.otf", "fonts-opendyslexic", []int{roleSans}},
	{"truetype/hermit/Hermit-medium.otf", "fonts-hermit", []int{roleSans}},
	{"truetype/monoid/Monoid-Bold.ttf", "fonts-monoid", []int{roleSans}},
	{"truetype/inconsolata/Inconsolata.otf", "fonts-inconsolata", []int{roleSans}},
	{"truetype/anonymous-pro/Anonymous Pro B.ttf", "fonts-anonymous-pro", []int{roleSans}},
	{"opentype/compagnon/Compagnon-Roman.otf", "fonts-compagnon", []int{roleSans}},
	{"truetype/bizud-gothic/BIZUDPGothic-Regular.ttf", "fonts-morisawa-bizud-gothic", []int{roleSans}},
	{"truetype/dustin/Dustismo.ttf", "fonts-dustin", []int{roleSans}},
	{"truetype/cmu/cmunss.ttf", "fonts-cmu", []int{roleSans}},
	{"truetype/cmu/cmunsx.ttf", "fonts-cmu", []int{roleSans}},
	{"truetype/monofur/monof55.ttf", "fonts-monofur", []int{roleSans}},
	{"truetype/klaudia-berenika/Klaudia.ttf", "fonts-klaudia-berenika", []int{roleSans}},
	{"truetype/okolaks/okolaksBold.ttf", "fonts-okolaks", []int{roleSans, roleDisplay}},
	{"truetype/cmu/cmunrm.ttf", "fonts-cmu", []int{roleSerif}},
	{"truetype/cmu/cmunti.ttf", "fonts-cmu", []int{roleSerif}},
	{"opentype/neohellenic/GFSNeohellenic.otf", "fonts-gfs-neohellenic", []int{roleSerif}},
	{"opentype/artemisia/GFSArtemisia.otf", "fonts-gfs-artemisia", []int{roleSerif}},
	{"truetype/adf/IkariusADFStd-Regular.otf", "fonts-adf-ikarius", []int{roleSerif}},
	{"truetype/adf/IkariusADFStd-Bold.otf", "fonts-adf-ikarius", []int{roleSerif, roleDisplay}},
	{"opentype/elstob/ElstobD-14pt.otf", "fonts-elstob", []int{roleSerif}},
	{"truetype/klaudia-berenika/Berenika.ttf", "fonts-klaudia-berenika", []int{roleSerif}},
	{"truetype/essays1743/Essays1743.ttf", "fonts-essays1743", []int{roleSerif}},
	{"truetype/cabinsketch/CabinSketch-Bold.ttf", "fonts-cabinsketch", []int{roleDisplay}},
	{"truetype/staypuft/StayPuft.ttf", "fonts-staypuft", []int{roleDisplay}},
	{"truetype/breip/Breip.ttf", "fonts-breip", []int{roleDisplay}},
	{"truetype/sjfonts/SteveHand.ttf", "fonts-sjfonts", []int{roleDisplay}},
	{"truetype/GreatVibes-Regular.ttf", "fonts-cegui", []int{roleDisplay}},
	{"truetype/dustin/Domestic_Manners.ttf", "fonts-dustin", []int{roleDisplay}},
	{"truetype/engadget/Engadget.ttf", "fonts-engadget", []int{roleDisplay}},
	{"truetype/adf/MekanusADFTitlingStd-Bold.otf", "fonts-adf-mekanus", []int{roleDisplay}},
	{"truetype/sixtyfour/C-64-Regular.ttf", "fonts-sixtyfour", []int{roleDisplay}},
}

// pixelFont6 is the face of version 6's game screens (C-64, the last of
// heldOut6FontFiles' display faces).
func pixelFont6(fs *fontSet) int { return len(fs[roleDisplay]) - 1 }

// CompositeKinds6 are the kinds version 6 adds: logos and game or UI
// screens drawn over photos.
var CompositeKinds6 = []string{"logo", "screen"}

// perKind6 is how many composites version 6 draws of each kind: more of
// the kinds version 5 missed most.
var perKind6 = map[string]int{"headline": 11, "price": 9, "sign": 9, "meme": 8, "watermark": 8, "tiled": 6,
	"quote": 6, "caption": 4, "card": 4, "logo": 6, "screen": 6}

// real6 builds PartHeldOut6 and says how many composites the label rule
// dropped and drew again. RealOptions.PerKind, when set, replaces
// perKind6 with one count for every kind.
func real6(o RealOptions) ([]Sample, int, error) {
	counts := perKind6
	if o.PerKind > 0 {
		counts = nil
	}
	return buildHeldOut(heldOutSpec{part: PartHeldOut6, plain: plain6, scenes: sceneText6,
		fonts: heldOut6FontFiles, seed: 21, compose: compose6,
		kinds: concatKinds(CompositeKinds, CompositeKinds2, CompositeKinds6), counts: counts}, o)
}

func concatKinds(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}
