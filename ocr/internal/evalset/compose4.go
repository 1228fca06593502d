package evalset

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand"
	"strings"
)

// Version 4's text: its own word list, agencies, sign texts, tiled words
// and price heads (none of versions 1-3's lists; a test checks it).
var vocabulary4 = strings.Fields(`
sunrise horizon breeze coastline glacier tundra prairie savanna lagoon waterfall riverside cliffside
wander roam gather cherish embrace savor linger unwind recharge reflect forgive remind
bloom blossom petal ember spark glow flicker twilight dusk dawn midnight daybreak
picnic recipe sourdough espresso latte cinnamon honey lemon peach cherry plum mango basil noodle pancake
friday sunday tuesday april october december
kindred soulmate sweetheart buddy cousin nephew grandpa toddler puppy kitten
melody rhythm chorus guitar piano violin drummer concert festival carnival
gentleness patience gratitude serenity harmony balance clarity
weary tired hollow numb aching heavy gloomy bittersweet nostalgia
sparkle shimmer radiant vivid pastel crimson scarlet amber ivory indigo turquoise emerald
journal notebook sketch canvas brush pencil crayon poster sticker
cabin cottage chalet bungalow farmhouse greenhouse treehouse
sneakers backpack sweater scarf mittens raincoat
`)

var sites4 = []string{"unsplash", "pexels", "flickr", "eyeem", "rawpixel", "storyblocks", "superstock", "mostphotos",
	"photocase", "picfair", "twenty20", "jupiterimages", "thinkstock", "imagesource", "westend61", "masterfile"}

var signWords4 = []string{"BIKE LANE", "PEDESTRIANS", "SCHOOL ZONE", "MERGE", "DEAD END", "WRONG WAY", "PRIVATE",
	"STAFF ONLY", "RECEPTION", "ELEVATOR", "STAIRS", "RESTROOMS", "NOODLE BAR", "TACOS", "BOUTIQUE", "JEWELRY",
	"OPTICIAN", "DENTIST", "VET CLINIC", "GYM", "YOGA", "SALON", "CAR WASH", "BOWLING", "ARCADE", "THEATRE",
	"STADIUM", "PLATFORM 2", "SUBWAY", "TRAM STOP", "MARINA", "LOOKOUT", "VISITOR CENTER", "INFORMATION",
	"FRESH FISH", "BUTCHER", "WINE SHOP", "TEA ROOM"}

// signHeads4 are the small plates above version 4's two-tier signs.
var signHeads4 = []string{"NEXT LEFT", "LEVEL 1", "OPEN DAILY", "THIS WAY", "NORTH", "GATE B"}

var tiledWords4 = []string{"NOT FOR RESALE", "LICENSE REQUIRED", "DRAFT", "FOR REVIEW", "UNLICENSED", "COMP IMAGE"}

var priceHeads4 = []string{"CLEARANCE SALE", "FLASH DEAL", "LAST CHANCE", "MEGA SALE", "HALF PRICE", "OUTLET",
	"SUPER SAVER", "LOW PRICE", "BIG DEAL", "PRICE DROP"}

func words4(rng *rand.Rand, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = vocabulary4[rng.Intn(len(vocabulary4))]
	}
	return strings.Join(w, " ")
}

// handle4 is a social account name made of version 4's words.
func handle4(rng *rand.Rand) string {
	return strings.ReplaceAll(words4(rng, 1+rng.Intn(2)), " ", pickS(rng, "", "_", ".")) + pickS(rng, "", "", fmt.Sprint(rng.Intn(100)))
}

// hashtags4 is a line of n hashtags.
func hashtags4(rng *rand.Rand, n int) string {
	t := make([]string, n)
	for i := range t {
		t[i] = "#" + strings.ReplaceAll(words4(rng, 1+rng.Intn(2)), " ", "")
	}
	return strings.Join(t, " ")
}

// fillDisc paints a filled circle of colour c (a round sticker).
func fillDisc(img *image.RGBA, cx, cy int, r float64, c color.RGBA) {
	b := img.Bounds()
	for y := max(b.Min.Y, cy-int(r)-1); y < min(b.Max.Y, cy+int(r)+2); y++ {
		for x := max(b.Min.X, cx-int(r)-1); x < min(b.Max.X, cx+int(r)+2); x++ {
			d := math.Hypot(float64(x-cx)+0.5, float64(y-cy)+0.5)
			a := math.Max(0, math.Min(1, r-d+0.5)) // antialiased edge
			if a <= 0 {
				continue
			}
			i := img.PixOffset(x, y)
			for k, v := range []uint8{c.R, c.G, c.B} {
				img.Pix[i+k] = uint8(float64(img.Pix[i+k])*(1-a) + float64(v)*a + 0.5)
			}
		}
	}
}

// lightOrDark is white on a dark region and near-black on a light one.
func lightOrDark(img *image.RGBA, r image.Rectangle) color.RGBA {
	if lumOf(img, r) > 140 {
		return rgb(22, 22, 28)
	}
	return rgb(248, 248, 248)
}

// compose4 is version 4's compositor: the same nine kinds as compose and
// compose3, drawn with other choices (see real4.go). It returns the text,
// its boxes and the legibility of its weakest block.
func compose4(rng *rand.Rand, fs *fontSet, kind string, img *image.RGBA) (string, []image.Rectangle, legibility) {
	W, H := img.Bounds().Dx(), img.Bounds().Dy()
	long, short := float64(max(W, H)), float64(min(W, H))
	ly := newLayer(img, kind)
	minPx := MinThumbPx / ly.scale // the smallest legible size, in full-size pixels
	black, white := color.RGBA{0, 0, 0, 255}, color.RGBA{255, 255, 255, 255}
	// leftLines sets lines one under another with their left edges at x0,
	// the first centred at y0; it returns the y below the last.
	leftLines := func(s style, lines []string, x0, y0 int) int {
		step := int(s.px * 1.25)
		for i, l := range lines {
			w := widest(s.font, s.px, []string{l})
			ly.draw(s, []string{l}, x0+w/2, y0+i*step)
		}
		return y0 + len(lines)*step
	}
	done := func(text string) (string, []image.Rectangle, legibility) { return text, ly.boxes, ly.leg }
	switch kind {
	case "meme":
		f := fs.pick(rng, roleImpact)
		opener := pickS(rng, "", "", "WHEN YOU ", "ME AFTER ", "POV: ", "NOBODY: ", "THAT FEELING WHEN ")
		switch rng.Intn(5) {
		case 0: // the black-band format: white words on a black strip below (or above) the photo
			text := strings.ToUpper(opener + words4(rng, 3+rng.Intn(5)))
			lines := splitLines(text, 1+rng.Intn(2))
			px := max(minPx*1.15, fit(f, short*(0.07+rng.Float64()*0.04), lines, int(float64(W)*0.9)))
			bandH := int(px * (1.2*float64(len(lines)) + 0.7))
			y0 := H - bandH
			if rng.Intn(3) == 0 {
				y0 = 0
			}
			ly.band(y0, y0+bandH, rgb(8, 8, 8), 1)
			ly.draw(style{font: f, px: px, fill: white, opacity: 1}, lines, W/2, y0+bandH/2)
			return done(text)
		case 1: // one line across the middle, a coloured outline
			text := strings.ToUpper(opener + words4(rng, 2+rng.Intn(3)))
			lines := splitLines(text, 1+rng.Intn(2))
			px := max(minPx*1.2, fit(f, float64(H)*(0.1+rng.Float64()*0.06), lines, int(float64(W)*0.92)))
			o := rgb(30+rng.Float64()*40, 10, 60+rng.Float64()*80)
			s := style{font: f, px: px, fill: white, opacity: 1, outline: &o, outlineW: max(2, int(px/(6+rng.Float64()*5)))}
			ly.draw(s, lines, W/2, H/2+rng.Intn(H/6+1)-H/12)
			return done(text)
		}
		fills := []color.RGBA{white, white, rgb(250, 240, 120), rgb(200, 245, 255)}
		s := style{font: f, fill: fills[rng.Intn(len(fills))], opacity: 1, outline: &black}
		if rng.Intn(4) == 0 {
			o := rgb(20, 30, 70)
			s.outline = &o
		}
		var parts []string
		for _, top := range []bool{true, false} {
			if !top && rng.Intn(4) == 0 {
				continue // top only
			}
			line := strings.ToUpper(words4(rng, 2+rng.Intn(4)))
			if top {
				line = strings.ToUpper(opener) + line
			}
			lines := splitLines(line, 1+rng.Intn(2))
			s.px = max(minPx*1.2, fit(f, float64(H)*(0.07+rng.Float64()*0.07), lines, int(float64(W)*0.94)))
			s.outlineW = max(1, int(s.px/(6+rng.Float64()*8)+0.5))
			s.shadow = rng.Intn(3) == 0
			h := int(s.px * 1.1 * float64(len(lines)))
			cy := h/2 + int(s.px/3)
			if !top {
				cy = H - h/2 - int(s.px/3)
			}
			ly.draw(s, lines, W/2, cy)
			parts = append(parts, strings.Join(lines, " "))
		}
		return done(strings.Join(parts, " / "))
	case "quote":
		f := fs.pick(rng, roleSerif)
		text := words4(rng, 5+rng.Intn(10))
		if rng.Intn(2) == 0 {
			text = titleCase(text)
		}
		lines := splitLines(text, 2+rng.Intn(4))
		if rng.Intn(2) == 0 {
			lines[0] = "\u201c" + lines[0]
			lines[len(lines)-1] += "\u201d"
		}
		px := max(minPx, fit(f, short*(0.05+rng.Float64()*0.05), lines, int(float64(W)*0.8)))
		blockH := int(px * 1.25 * float64(len(lines)))
		wid := widest(f, px, lines)
		switch rng.Intn(4) {
		case 0, 1: // left-aligned with an accent bar, over a plate or the darkened photo
			x0 := int(float64(W)*0.06) + rng.Intn(max(1, W-wid-int(float64(W)*0.12)))
			y0 := int(px) + rng.Intn(max(1, H-blockH-2*int(px)))
			region := image.Rect(x0, y0-int(px/2), x0+wid, y0+blockH)
			if rng.Intn(2) == 0 {
				plate := black
				if lumOf(img, region) > 150 {
					plate = white
				}
				ly.blend(region.Inset(-int(px*0.6)), plate, 0.45+rng.Float64()*0.35)
			} else {
				darken(img, 0.4+rng.Float64()*0.3)
			}
			ink := lightOrDark(img, region)
			bar := vivid(rng, true)
			ly.blend(image.Rect(x0-int(px*0.5), y0-int(px/2), x0-int(px*0.5)+max(3, int(px/5)), y0+blockH-int(px/2)), bar, 1)
			s := style{font: f, px: px, fill: ink, opacity: 0.9 + rng.Float64()*0.1}
			y := leftLines(s, lines, x0, y0)
			text = strings.Join(lines, " ")
			if rng.Intn(2) == 0 {
				a := pickS(rng, "\u2014 ", "- ", "") + titleCase(words4(rng, 2))
				as := style{font: fs.pick(rng, roleSans), px: max(minPx, px*0.6), fill: ink, opacity: s.opacity}
				if y+int(as.px) < H {
					leftLines(as, []string{a}, x0, y)
					text += " " + a
				}
			}
			return done(text)
		default: // centred and tilted, a soft shadow, hashtags below
			darken(img, 0.3+rng.Float64()*0.4)
			cy := H/3 + rng.Intn(H/3+1)
			fill := rgb(255, 235+rng.Float64()*20, 200+rng.Float64()*55)
			s := style{font: f, px: px, fill: fill, opacity: 1, shadow: rng.Intn(2) == 0, angle: (rng.Float64()*2 - 1) * 9}
			ly.draw(s, lines, W/2, cy)
			text = strings.Join(lines, " ")
			if rng.Intn(2) == 0 {
				tags := hashtags4(rng, 1+rng.Intn(3))
				ts := style{font: fs.pick(rng, roleSans), px: max(minPx, px*0.55), fill: fill, opacity: 0.95}
				ts.px = max(minPx, fit(ts.font, ts.px, []string{tags}, int(float64(W)*0.9)))
				ly.draw(ts, []string{tags}, W/2, min(H-int(ts.px), cy+int(px*0.7*float64(len(lines)+1))+int(ts.px)))
				text += " " + tags
			}
			return done(text)
		}
	case "watermark":
		f := fs.pick(rng, roleSans)
		site := sites4[rng.Intn(len(sites4))]
		var text string
		switch rng.Intn(7) {
		case 0:
			text = "www." + site + ".net"
		case 1:
			text = "\u00a9 " + titleCase(words4(rng, 2))
		case 2:
			text = "@" + handle4(rng)
		case 3:
			text = fmt.Sprintf("Image ID: %d", 100_000+rng.Intn(900_000))
		case 4:
			text = "Licensed via " + site
		case 5:
			text = fmt.Sprintf("%s.com/photos/%d", site, 1000+rng.Intn(9000))
		default:
			text = "stock photo \u00a9 " + site
		}
		c := lightOrDark(img, img.Bounds())
		switch rng.Intn(6) {
		case 0: // large and faint across the picture, upright or a little tilted
			px := max(minPx, fit(f, long*(0.06+rng.Float64()*0.05), []string{text}, int(float64(W)*0.9)))
			cy := H/2 + rng.Intn(H/3+1) - H/6
			wid := widest(f, px, []string{text})
			c = lightOrDark(img, image.Rect(W/2-wid/2, cy-int(px/2), W/2+wid/2, cy+int(px/2)))
			s := style{font: f, px: px, fill: c, opacity: 0.5 + rng.Float64()*0.25, angle: float64(rng.Intn(3)-1) * rng.Float64() * 20}
			ly.draw(s, []string{text}, W/2, cy)
			return done(text)
		case 1: // up the left or right edge
			px := max(minPx, fit(f, minPx*(1+rng.Float64()*0.4), []string{text}, int(float64(H)*0.8)))
			wid := widest(f, px, []string{text})
			cx, angle := int(px), 90.0
			if rng.Intn(2) == 0 {
				cx, angle = W-int(px), -90
			}
			cy := H/2 + rng.Intn(max(1, H-wid-int(2*px))+1) - max(0, H-wid-int(2*px))/2
			reg := image.Rect(cx-int(px/2), cy-wid/2, cx+int(px/2), cy+wid/2)
			c = lightOrDark(img, reg)
			ly.draw(style{font: f, px: px, fill: c, opacity: 0.6 + rng.Float64()*0.35, angle: angle}, []string{text}, cx, cy)
			return done(text)
		}
		// Small, at the top left, top right, top or bottom centre, on a
		// translucent plate one time in three.
		px := max(minPx, fit(f, minPx*(1.1+rng.Float64()*0.6), []string{text}, int(float64(W)*0.75)))
		wid := widest(f, px, []string{text})
		inset := int(px * (0.5 + rng.Float64()*0.8))
		var cx, cy int
		switch rng.Intn(4) {
		case 0:
			cx, cy = inset+wid/2, inset+int(px/2)
		case 1:
			cx, cy = W-inset-wid/2, inset+int(px/2)
		case 2:
			cx, cy = W/2, inset+int(px/2)
		default:
			cx, cy = W/2, H-inset-int(px/2)
		}
		region := image.Rect(cx-wid/2, cy-int(px/2), cx+wid/2, cy+int(px/2))
		s := style{font: f, px: px, opacity: 0.65 + rng.Float64()*0.35}
		if rng.Intn(3) == 0 {
			plate := rgb(10, 10, 10)
			if rng.Intn(2) == 0 {
				plate = rgb(250, 250, 250)
			}
			ly.blend(region.Inset(-int(px*0.35)), plate, 0.45+rng.Float64()*0.3)
			s.opacity = 0.85 + rng.Float64()*0.15
		}
		s.fill = lightOrDark(img, region)
		if rng.Intn(3) == 0 && lum(s.fill) > 128 {
			s.shadow = true
		}
		ly.draw(s, []string{text}, cx, cy)
		return done(text)
	case "sign":
		f := sansOrImpact(rng, fs)
		text := signWords4[rng.Intn(len(signWords4))]
		plates := [][2]color.RGBA{
			{{0, 105, 60, 255}, white}, {white, {10, 10, 10, 255}}, {{250, 180, 0, 255}, {15, 15, 15, 255}},
			{{0, 60, 125, 255}, white}, {{125, 0, 60, 255}, white}, {{40, 40, 44, 255}, {255, 205, 0, 255}},
			{{205, 230, 255, 255}, {0, 40, 95, 255}}, {{230, 90, 20, 255}, white}, {{60, 30, 15, 255}, {245, 225, 170, 255}},
		}
		p := plates[rng.Intn(len(plates))]
		cx, cy := W/6+rng.Intn(2*W/3+1), H/6+rng.Intn(2*H/3+1)
		switch rng.Intn(3) {
		case 0: // a street blade: one long line on a thin plate
			px := max(minPx, fit(f, short*(0.05+rng.Float64()*0.05), []string{text}, int(float64(W)*0.7)))
			s := style{font: f, px: px, fill: p[1], opacity: 1, panel: &p[0], panelPad: 0.15 + rng.Float64()*0.15,
				angle: (rng.Float64()*2 - 1) * 4}
			frame := style{font: f, px: px, fill: p[0], opacity: 0, panel: &p[1], panelPad: s.panelPad + 0.08, angle: s.angle}
			frame.draw(img, []string{text}, cx, cy)
			ly.draw(s, []string{text}, cx, cy)
			return done(text)
		case 1: // two tiers: a small heading plate above the sign
			head := signHeads4[rng.Intn(len(signHeads4))]
			px := max(minPx, fit(f, short*(0.06+rng.Float64()*0.06), []string{text}, int(float64(W)*0.6)))
			hp := max(minPx, px*0.65)
			q := plates[rng.Intn(len(plates))]
			s := style{font: f, px: px, fill: p[1], opacity: 1, panel: &p[0], panelPad: 0.35}
			h := style{font: fs.pick(rng, roleSans), px: hp, fill: q[1], opacity: 1, panel: &q[0], panelPad: 0.3}
			cy = max(cy, int(hp*1.6+px))
			ly.draw(h, []string{head}, cx, cy-int(px*0.85+hp*0.85))
			ly.draw(s, []string{text}, cx, cy)
			return done(head + " / " + text)
		}
		// A hanging sign, tilted, one or two lines, a shadow.
		lines := splitLines(text, 1+rng.Intn(2))
		px := max(minPx, fit(f, short*(0.07+rng.Float64()*0.08), lines, int(float64(W)*0.65)))
		s := style{font: f, px: px, fill: p[1], opacity: 1, panel: &p[0], panelPad: 0.3 + rng.Float64()*0.4,
			angle: float64(rng.Intn(2)*2-1) * (6 + rng.Float64()*12), shadow: rng.Intn(2) == 0}
		ly.draw(s, lines, cx, cy)
		return done(text)
	case "caption":
		f := fs.pick(rng, roleSans)
		text := strings.ToLower(words4(rng, 3+rng.Intn(5)))
		if rng.Intn(2) == 0 {
			text += " " + hashtags4(rng, 1+rng.Intn(3))
		}
		switch rng.Intn(4) {
		case 0: // a social post: a white strip, the account in bold above the words
			user := handle4(rng) + pickS(rng, "  2h", "  5 min", "  yesterday", "")
			lines := splitLines(text, 1+rng.Intn(2))
			px := max(minPx, fit(f, float64(H)*(0.04+rng.Float64()*0.03), lines, int(float64(W)*0.86)))
			bandH := int(px * (1.3*float64(len(lines)+1) + 0.8))
			ly.band(H-bandH, H, rgb(252, 252, 250), 0.92+rng.Float64()*0.08)
			x0 := int(px * 0.8)
			us := style{font: fs.pick(rng, roleImpact), px: px, fill: rgb(20, 20, 20), opacity: 1}
			y := leftLines(us, []string{user}, x0, H-bandH+int(px*0.9))
			leftLines(style{font: f, px: px, fill: rgb(50, 50, 55), opacity: 1}, lines, x0, y)
			return done(user + " " + text)
		case 1: // a film subtitle: yellow or white, a black edge, no band
			lines := splitLines(text, 1+rng.Intn(2))
			px := max(minPx, fit(f, float64(H)*(0.05+rng.Float64()*0.03), lines, int(float64(W)*0.9)))
			fill := pickC(rng, rgb(255, 235, 60), white)
			s := style{font: f, px: px, fill: fill, opacity: 1, outline: &black, outlineW: max(1, int(px/10))}
			ly.draw(s, lines, W/2, H-int(px*(0.7*float64(len(lines))+0.8)))
			return done(text)
		case 2: // a fade to black at the bottom, white words left-aligned
			lines := splitLines(text, 1+rng.Intn(3))
			px := max(minPx, fit(f, float64(H)*(0.045+rng.Float64()*0.03), lines, int(float64(W)*0.85)))
			fadeH := int(px * (1.3*float64(len(lines)) + 2.5))
			for y := H - fadeH; y < H; y++ {
				t := float64(y-(H-fadeH)) / float64(fadeH)
				ly.band(y, y+1, black, math.Min(0.9, 0.15+t*1.1))
			}
			leftLines(style{font: f, px: px, fill: white, opacity: 1}, lines, int(px), H-int(px*1.25*float64(len(lines))))
			return done(text)
		}
		// A coloured bar at the top, the words right-aligned.
		lines := []string{text}
		px := max(minPx, fit(f, float64(H)*(0.045+rng.Float64()*0.03), lines, int(float64(W)*0.88)))
		bandH := int(px * 2)
		ly.band(0, bandH, vivid(rng, false), 0.8+rng.Float64()*0.2)
		wid := widest(f, px, lines)
		ly.draw(style{font: f, px: px, fill: white, opacity: 1}, lines, W-int(px*0.6)-wid/2, bandH/2)
		return done(text)
	case "tiled":
		f := sansOrImpact(rng, fs)
		word := sites4[rng.Intn(len(sites4))]
		if rng.Intn(3) == 0 {
			word = tiledWords4[rng.Intn(len(tiledWords4))]
		}
		c := lightOrDark(img, img.Bounds())
		if rng.Intn(4) == 0 && lum(c) > 128 {
			c = rgb(210, 225, 255)
		}
		s := style{font: f, fill: c, opacity: 0.4 + rng.Float64()*0.3}
		switch rng.Intn(4) {
		case 0: // an upright grid, every other row shifted
			s.px = max(minPx, long*(0.04+rng.Float64()*0.03))
		case 1: // steep diagonals
			s.px = max(minPx, long*(0.045+rng.Float64()*0.04))
			s.angle = float64(rng.Intn(2)*2-1) * (40 + rng.Float64()*25)
		case 2: // a few large tiles
			s.px = max(minPx, long*(0.08+rng.Float64()*0.04))
			s.angle = float64(rng.Intn(2)*2-1) * (15 + rng.Float64()*20)
		default: // one row along the bottom
			s.px = max(minPx, long*(0.045+rng.Float64()*0.02))
			wid := widest(f, s.px, []string{word})
			step := wid + int(s.px*(0.8+rng.Float64()))
			y := H - int(s.px*(1+rng.Float64()))
			s.fill = lightOrDark(img, image.Rect(0, y-int(s.px/2), W, y+int(s.px/2)))
			s.opacity = 0.55 + rng.Float64()*0.3
			for x := wid/2 - rng.Intn(step/2+1); x < W+step; x += step {
				ly.draw(s, []string{word}, x, y)
			}
			return done(word)
		}
		// Steps that keep the tilted words apart: their boxes' width and
		// height plus a gap.
		wid := float64(widest(f, s.px, []string{word}))
		sin, cos := math.Abs(math.Sin(s.angle*math.Pi/180)), math.Abs(math.Cos(s.angle*math.Pi/180))
		stepX := int(wid*cos + s.px*sin + s.px*(0.8+rng.Float64()*1.5))
		stepY := int(wid*sin + s.px*cos + s.px*(0.6+rng.Float64()*1.5))
		ly.tileGrid(rng, s, word, stepX, stepY, 2)
		return done(word)
	case "card":
		f := fs.pick(rng, roleSerif)
		if rng.Intn(3) == 0 {
			f = fs.pick(rng, roleDisplay)
		}
		text := words4(rng, 3+rng.Intn(7))
		if rng.Intn(2) == 0 {
			text = titleCase(text)
		}
		lines := splitLines(text, 2+rng.Intn(3))
		var panel image.Rectangle
		switch rng.Intn(3) {
		case 0: // split: a panel over the left or right half
			panel = image.Rect(0, 0, W/2, H)
			if rng.Intn(2) == 0 {
				panel = image.Rect(W-W/2, 0, W, H)
			}
		case 1: // a snapshot: a white border, a deep strip below for the words
			m := int(short * 0.04)
			strip := int(float64(H) * (0.22 + rng.Float64()*0.08))
			paper := rgb(250, 249, 244)
			ly.blend(image.Rect(0, 0, W, m), paper, 1)
			ly.blend(image.Rect(0, 0, m, H), paper, 1)
			ly.blend(image.Rect(W-m, 0, W, H), paper, 1)
			panel = image.Rect(0, H-strip, W, H)
			lines = splitLines(text, 1+rng.Intn(2))
		default: // a band across the middle
			h := int(float64(H) * (0.4 + rng.Float64()*0.2))
			y0 := (H - h) / 2
			panel = image.Rect(0, y0, W, y0+h)
		}
		panelC := vivid(rng, rng.Intn(2) == 0)
		if rng.Intn(3) == 0 {
			v := 235 + rng.Float64()*20
			panelC = rgb(v, v-rng.Float64()*10, v-rng.Float64()*25)
		}
		ly.blend(panel, panelC, 0.82+rng.Float64()*0.18)
		ink := rgb(25, 22, 30)
		if lum(panelC) < 140 {
			ink = rgb(255, 250, 240)
		}
		pw, ph := panel.Dx(), panel.Dy()
		px := max(minPx, fit(f, math.Min(float64(pw), float64(ph))*(0.09+rng.Float64()*0.05), lines, int(float64(pw)*0.84)))
		for float64(len(lines)+1)*px*1.3 > float64(ph) && len(lines) > 1 {
			lines = lines[:len(lines)-1] // too tall for the panel: fewer lines
		}
		text = strings.Join(lines, " ")
		cx := panel.Min.X + pw/2
		cy := panel.Min.Y + ph/2 - int(px*0.45)
		ly.draw(style{font: f, px: px, fill: ink, opacity: 1}, lines, cx, cy)
		foot := pickS(rng, "@", "#", "- ")
		switch foot {
		case "@":
			foot += handle4(rng)
		case "#":
			foot = hashtags4(rng, 1+rng.Intn(2))
		default:
			foot += titleCase(words4(rng, 2))
		}
		fs2 := style{font: fs.pick(rng, roleSans), px: max(minPx, px*0.5), fill: ink, opacity: 0.9}
		fs2.px = max(minPx, fit(fs2.font, fs2.px, []string{foot}, int(float64(pw)*0.9)))
		fy := cy + int(px*0.65*float64(len(lines))) + int(fs2.px*1.2)
		if fy+int(fs2.px) < panel.Max.Y {
			ly.draw(fs2, []string{foot}, cx, fy)
			text += " / " + foot
		}
		return done(text)
	case "price":
		f := fs.pick(rng, roleImpact)
		amount := fmt.Sprintf("%d.%02d", 3+rng.Intn(300), []int{99, 95, 50, 0, 89}[rng.Intn(5)])
		var price string
		switch rng.Intn(4) {
		case 0:
			price = strings.Replace(amount, ".", ",", 1) + " \u20ac" // the European way round
		case 1:
			price = "$" + amount
		case 2:
			price = "\u00a3" + amount
		default:
			price = amount
		}
		plates := [][2]color.RGBA{{{235, 20, 80, 255}, white}, {{255, 215, 0, 255}, {20, 20, 20, 255}},
			{{20, 120, 200, 255}, white}, {{0, 0, 0, 255}, {255, 230, 0, 255}}, {{120, 200, 60, 255}, {10, 30, 10, 255}},
			{{250, 250, 250, 255}, {210, 0, 40, 255}}}
		p := plates[rng.Intn(len(plates))]
		cx, cy := W/5+rng.Intn(3*W/5+1), H/5+rng.Intn(3*H/5+1)
		switch rng.Intn(3) {
		case 0: // a round sticker
			lines := []string{pickS(rng, "JUST", "SAVE", "PROMO", fmt.Sprintf("-%d%%", 10*(1+rng.Intn(7)))), price}
			r := short * (0.16 + rng.Float64()*0.08)
			r = max(r, minPx*2.2)
			cx = min(max(cx, int(r)+2), W-int(r)-2)
			cy = min(max(cy, int(r)+2), H-int(r)-2)
			if rng.Intn(2) == 0 {
				fillDisc(img, cx+int(r/12), cy+int(r/12), r, rgb(0, 0, 0)) // a hard shadow
			}
			fillDisc(img, cx, cy, r, p[0])
			px := max(minPx, fit(f, r*0.55, lines, int(r*1.35)))
			ly.drawOver(style{font: f, px: px, fill: p[1], opacity: 1, angle: (rng.Float64()*2 - 1) * 12}, lines, cx, cy, lum(p[0]))
			return done(strings.Join(lines, " "))
		case 1: // the regular price and the offer: two plates, the regular one smaller
			old := "Reg. " + price
			now := fmt.Sprintf("PROMO %d.99", 2+rng.Intn(200))
			px := max(minPx, fit(f, short*(0.07+rng.Float64()*0.05), []string{now}, int(float64(W)*0.45)))
			q := plates[rng.Intn(len(plates))]
			op := max(minPx, px*0.7)
			cy = max(cy, int(px+op*1.5))
			ly.draw(style{font: fs.pick(rng, roleSans), px: op, fill: q[1], opacity: 1, panel: &q[0], panelPad: 0.25}, []string{old}, cx, cy-int(px*0.9+op*0.8))
			ly.draw(style{font: f, px: px, fill: p[1], opacity: 1, panel: &p[0], panelPad: 0.3, shadow: rng.Intn(2) == 0}, []string{now}, cx, cy)
			return done(old + " " + now)
		}
		// A tag: a heading over the price, tilted.
		lines := []string{priceHeads4[rng.Intn(len(priceHeads4))], price}
		if rng.Intn(3) == 0 {
			lines = splitLines(lines[0], 2)
		}
		px := max(minPx, fit(f, short*(0.06+rng.Float64()*0.06), lines, int(float64(W)*0.5)))
		s := style{font: f, px: px, fill: p[1], opacity: 1, panel: &p[0], panelPad: 0.2 + rng.Float64()*0.3,
			angle: float64(rng.Intn(2)*2-1) * (8 + rng.Float64()*20), shadow: rng.Intn(2) == 0}
		ly.draw(s, lines, cx, cy)
		return done(strings.Join(lines, " "))
	default: // headline
		f := fs.pick(rng, roleDisplay)
		text := words4(rng, 1+rng.Intn(3))
		if rng.Intn(3) == 0 {
			text = strings.ToUpper(text)
		} else {
			text = titleCase(text)
		}
		lines := splitLines(text, 1+rng.Intn(3))
		if len(lines) == 1 && !strings.Contains(text, " ") && len(text) <= 8 && rng.Intn(3) == 0 {
			lines[0] = strings.Join(strings.Split(strings.ToUpper(text), ""), " ") // letter-spaced
		}
		px := max(minPx, fit(f, short*(0.09+rng.Float64()*0.09), lines, int(float64(W)*0.8)))
		wid := widest(f, px, lines)
		blockH := int(px * 1.25 * float64(len(lines)))
		// Placed at the left or the right third, high or low.
		x0 := int(px * 0.6)
		if rng.Intn(2) == 0 {
			x0 = max(x0, W-wid-int(px*0.6))
		}
		y0 := int(px)
		if rng.Intn(2) == 0 {
			y0 = max(y0, H-blockH)
		}
		region := image.Rect(x0, y0-int(px), x0+wid, y0+blockH)
		light := lumOf(img, region) < 128
		fills := []color.RGBA{vivid(rng, light), vivid(rng, light)}
		if rng.Intn(2) == 0 {
			fills[0] = lightOrDark(img, region)
		}
		s := style{font: f, px: px, opacity: 0.8 + rng.Float64()*0.2}
		switch rng.Intn(3) {
		case 0:
			o := black
			if !light {
				o = white
			}
			s.outline, s.outlineW = &o, max(1, int(px/(9+rng.Float64()*8)))
		case 1:
			s.shadow = true
		}
		step := int(px * 1.25)
		for i, l := range lines { // two-tone: every other line in the second colour
			s.fill = fills[i%2]
			w := widest(f, px, []string{l})
			ly.draw(s, []string{l}, x0+w/2, y0+i*step)
		}
		return done(strings.Join(lines, " "))
	}
}

// pickC picks one of the colours.
func pickC(rng *rand.Rand, l ...color.RGBA) color.RGBA { return l[rng.Intn(len(l))] }
