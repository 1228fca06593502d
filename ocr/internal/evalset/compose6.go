package evalset

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand"
	"strings"

	"golang.org/x/image/font/opentype"
)

// Version 6's text: its own word list (astronomy, fantasy games, sport,
// tools, animals and bakery words), agencies, sign texts, screen words,
// tiled words, price heads and brands (none of versions 1-5's lists; a
// test checks it).
var vocabulary6 = strings.Fields(`
nebula comet asteroid orbit galaxy meteor eclipse quasar pulsar telescope astronaut satellite crater
wizard dragon goblin sorcerer potion scroll dungeon kingdom throne knight paladin archer catapult
tavern shield armour quest treasure rune amulet mercenary swamp citadel fortress
football tennis hockey marathon sprint referee goalkeeper stadium trophy medal champion league
hammer wrench screwdriver pliers ladder lumber plywood sawdust toolbox workshop chisel
penguin walrus otter badger ferret heron pelican flamingo gecko iguana hedgehog squirrel
rhubarb turnip parsnip radish spinach cabbage pumpkin pretzel waffle muffin bagel croissant
`)

var sites6 = []string{"wirestock", "crestock", "featurepics", "imagesbazaar", "bigfoto", "stockfreeimages",
	"photoeverywhere", "jumpstory", "nappy", "focusstock", "clipdealer", "yayimages", "inmagine", "dissolve", "shotshop", "panthermedia"}

var signWords6 = []string{"LOADING BAY", "ROAD WORKS", "FALLING ROCKS", "ICE ON ROAD", "DEER CROSSING", "HIGH VOLTAGE",
	"WET FLOOR", "HARD HAT AREA", "TOW ZONE", "LAUNDRETTE", "VACANCY", "KARAOKE", "PAWN SHOP", "ROCKFALL", "GRIT BIN",
	"LOW BRIDGE", "HUMP AHEAD", "FORD", "QUEUES LIKELY", "GUARD DOG", "LAUNDROMAT", "SMOKEHOUSE", "ICE RINK", "HAIRDRESSER",
	"NAIL SALON", "COBBLER", "TAILOR", "LOCKSMITH", "CASINO", "ROADHOUSE", "DRIVE THRU"}

var streets6 = []string{"Elm St", "Oak Ave", "Maple Rd", "Cedar Ln", "Birch Blvd", "Station Rd", "Mill Lane",
	"Church St", "Quarry Rd", "Harbour View", "King St", "Queen Ave"}

var screenWords6 = []string{"GAME OVER", "PAUSED", "YOU WIN", "LEVEL UP", "PLAYER ONE", "INSERT COIN", "CONTINUE?",
	"STAGE CLEAR", "TRY AGAIN", "HIGH SCORE", "NEW RECORD", "READY", "BONUS ROUND", "TIME UP"}

var menuWords6 = []string{"PLAY", "OPTIONS", "QUIT", "LOAD GAME", "SETTINGS", "CREDITS", "MULTIPLAYER", "EXTRAS",
	"NEW GAME", "CONTROLS", "BACK", "RESUME"}

var dialogs6 = [][3]string{{"Save changes?", "Yes", "No"}, {"Delete file?", "OK", "Cancel"}, {"Quit game?", "Quit", "Stay"},
	{"Update ready", "Install", "Later"}, {"Connection lost", "Retry", "Exit"}, {"Overwrite save?", "Confirm", "Back"}}

var tiledWords6 = []string{"CONFIDENTIAL", "NOT FOR SALE", "DEMO ONLY", "WATERMARK COPY", "PROOF COPY", "REVIEW COPY", "NOT APPROVED"}

var priceHeads6 = []string{"HAPPY HOUR", "FLASH SALE", "DEAL OF THE DAY", "MEGA DEAL", "TODAY ONLY", "BIG SAVINGS",
	"FINAL DAYS", "STEAL", "DOORBUSTER", "BEST BUY"}

var brands6 = []string{"Nordwind", "Bluefin", "Kestrel", "Orbitex", "Greenleaf", "Ironbark", "Solaris", "Mapleton",
	"Vortexa", "Lumina", "Peakline", "Copperfox"}

var taglines6 = []string{"EST. 1987", "SINCE 1952", "QUALITY GOODS", "TRUSTED WORLDWIDE", "HANDCRAFTED", "OUTDOOR GEAR",
	"COFFEE ROASTERS", "BREWING CO", "DESIGN STUDIO", "CYCLE WORKS"}

func words6(rng *rand.Rand, n int) string { return pickWords(rng, vocabulary6, n) }

// pickWords is n words drawn from list, joined by spaces.
func pickWords(rng *rand.Rand, list []string, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = list[rng.Intn(len(list))]
	}
	return strings.Join(w, " ")
}

// price6 is a price with a currency sign (or a unit) and decimals.
func price6(rng *rand.Rand) string {
	whole := []int{1, 2, 4, 9, 12, 19, 24, 49, 99, 129, 249, 1299}[rng.Intn(12)]
	cents := []int{99, 95, 49, 50, 0, 25, 75}[rng.Intn(7)]
	switch rng.Intn(6) {
	case 0:
		return fmt.Sprintf("\u20ac%d,%02d", whole, cents)
	case 1:
		return fmt.Sprintf("%d,%02d \u20ac", whole, cents)
	case 2:
		return fmt.Sprintf("\u00a3%d.%02d", whole, cents)
	case 3:
		return fmt.Sprintf("\u00a5%d", whole*100+cents)
	}
	return fmt.Sprintf("$%d.%02d", whole, cents)
}

// drawWave sets one line along a sine wave through (cx, cy), each letter
// turned to the curve; amp is in pixels, waves the number of periods over
// the line. The line is one block.
func (c *layer) drawWave(s style, line string, cx, cy int, amp, waves, phase float64) {
	img := c.img
	c.begin(s, line)
	total := float64(widest(s.font, s.px, []string{line}))
	k := 2 * math.Pi * waves / math.Max(total, 1)
	var whole image.Rectangle
	x := -total / 2
	for _, r := range line {
		ch := string(r)
		w := float64(widest(s.font, s.px, []string{ch}))
		if r == ' ' {
			w = s.px * 0.3
		}
		mid := x + w/2
		x += w
		if r == ' ' {
			continue
		}
		py := float64(cy) + amp*math.Sin(k*mid+phase)
		cs := s
		cs.angle = -math.Atan(amp*k*math.Cos(k*mid+phase)) * 180 / math.Pi
		whole = whole.Union(cs.drawWhole(img, []string{ch}, cx+int(mid), int(py)))
	}
	c.end(s, whole)
}

// drawArc6 is drawArc with the letters spread by track em (arched
// words set tight crowd into each other on the inside of the curve).
func (c *layer) drawArc6(s style, line string, cx, cy int, bend, track float64) {
	adv := func(r rune) float64 {
		if r == ' ' {
			return s.px * 0.35
		}
		return float64(widest(s.font, s.px, []string{string(r)})) + track*s.px
	}
	total := 0.0
	for _, r := range line {
		total += adv(r)
	}
	c.arcLetters(s, line, cx, cy, bend, total, adv)
}

// pxForWidth is the size at which f sets word exactly wid pixels wide.
func pxForWidth(f *opentype.Font, word string, wid int) float64 {
	w := widest(f, 100, []string{word})
	if w == 0 {
		return 100
	}
	return 100 * float64(wid) / float64(w)
}

// roundRect blends a rectangle with rounded corners of radius r.
func roundRect(img *image.RGBA, b image.Rectangle, r float64, c color.RGBA, opacity float64) {
	x0, y0, x1, y1 := float64(b.Min.X), float64(b.Min.Y), float64(b.Max.X), float64(b.Max.Y)
	r = math.Min(r, math.Min(x1-x0, y1-y0)/2)
	var pts [][2]float64
	for q, cnr := range [][2]float64{{x1 - r, y0 + r}, {x1 - r, y1 - r}, {x0 + r, y1 - r}, {x0 + r, y0 + r}} {
		for i := 0; i <= 6; i++ {
			a := -math.Pi/2 + float64(q)*math.Pi/2 + float64(i)*math.Pi/12
			pts = append(pts, [2]float64{cnr[0] + r*math.Cos(a), cnr[1] + r*math.Sin(a)})
		}
	}
	fillPoly(img, pts, c, opacity)
}

// compose6 is version 6's compositor: the nine kinds of compose-compose5
// and version 6's logos and screens, drawn with other layouts (see
// real6.go). It returns the text, its boxes and the legibility of its
// weakest block.
func compose6(rng *rand.Rand, fs *fontSet, kind string, img *image.RGBA) (string, []image.Rectangle, legibility) {
	W, H := img.Bounds().Dx(), img.Bounds().Dy()
	long, short := float64(max(W, H)), float64(min(W, H))
	ly := newLayer(img, kind)
	minPx := MinThumbPx / ly.scale // the smallest legible size, in full-size pixels
	black, white := color.RGBA{0, 0, 0, 255}, color.RGBA{255, 255, 255, 255}
	yellow := rgb(255, 204, 0)
	plated := false // the text sits on a plate, band or card of its own: the busy rule does not apply
	done := func(text string) (string, []image.Rectangle, legibility) {
		ly.busy(plated)
		return text, ly.boxes, ly.leg
	}
	switch kind {
	case "headline":
		f := fs.pick(rng, roleDisplay)
		if rng.Intn(3) == 0 {
			f = fs.pick(rng, roleImpact)
		}
		text := words6(rng, 1+rng.Intn(3))
		if rng.Intn(2) == 0 {
			text = strings.ToUpper(text)
		} else {
			text = titleCase(text)
		}
		switch rng.Intn(5) {
		case 0: // a deep arch (or a smile), outlined
			px := max(minPx*1.3, fit(f, short*(0.1+rng.Float64()*0.06), []string{text}, int(float64(W)*0.8)))
			cy := H/3 + rng.Intn(H/3+1)
			c := vivid(rng, lumOf(img, image.Rect(0, cy-int(px), W, cy+int(px))) < 128)
			o := black
			if lum(c) < 128 {
				o = white
			}
			s := style{font: f, px: px, fill: c, opacity: 1, outline: &o, outlineW: max(1, int(px/11))}
			ly.drawArc6(s, text, W/2, cy, pickF(rng, 1, -1)*(40+rng.Float64()*50), 0.08+rng.Float64()*0.08)
			return done(text)
		case 1: // a wave: the letters ride a sine curve
			px := max(minPx*1.3, fit(f, short*(0.09+rng.Float64()*0.05), []string{text}, int(float64(W)*0.8)))
			cy := H/3 + rng.Intn(H/3+1)
			c := lightOrDark(img, image.Rect(0, cy-int(px), W, cy+int(px)))
			s := style{font: f, px: px, fill: c, opacity: 1, shadow: true}
			if rng.Intn(2) == 0 {
				o := rgb(255-float64(c.R), 255-float64(c.G), 255-float64(c.B))
				s.outline, s.outlineW, s.shadow = &o, max(1, int(px/12)), false
			}
			ly.drawWave(s, text, W/2, cy, px*(0.25+rng.Float64()*0.3), 0.7+rng.Float64()*0.8, rng.Float64()*math.Pi)
			return done(text)
		case 2: // stacked words justified to one width, each its own size
			ws := strings.Fields(strings.ToUpper(words6(rng, 2+rng.Intn(2))))
			wid := int(float64(W) * (0.55 + rng.Float64()*0.3))
			x0 := pickI(rng, (W-wid)/2, int(short*0.06))
			c := lightOrDark(img, image.Rect(x0, 0, x0+wid, H))
			y := int(short * 0.06)
			var set []string
			for _, w := range ws {
				p := math.Min(pxForWidth(f, w, wid), float64(H)/3.2)
				if p < minPx*1.1 {
					continue
				}
				h := int(p * 0.8)
				if y+h+4 > H {
					break
				}
				ww := widest(f, p, []string{w})
				ly.draw(style{font: f, px: p, fill: c, opacity: 1, shadow: lum(c) > 128}, []string{w}, x0+ww/2, y+h/2+int(p*0.1))
				set = append(set, w)
				y += h + int(p*0.25)
			}
			if len(set) == 0 {
				return done("")
			}
			return done(strings.Join(set, " "))
		case 3: // one line turned 20-45 degrees across the picture
			line := text
			angle := pickF(rng, 1, -1) * (20 + rng.Float64()*25)
			px := max(minPx*1.5, fit(f, short*(0.1+rng.Float64()*0.05), []string{line}, int(float64(min(W, H))*1.0)))
			c := vivid(rng, lumOf(img, img.Bounds()) < 128)
			o := black
			if lum(c) < 128 {
				o = white
			}
			ly.draw(style{font: f, px: px, fill: c, opacity: 1, outline: &o, outlineW: max(1, int(px/12)), angle: angle}, []string{line}, W/2, H/2)
			return done(line)
		}
		// One word, its letters stacked down a side, on a translucent strip.
		word := strings.ToUpper(strings.Fields(text)[0])
		if len(word) > 7 {
			word = word[:7]
		}
		lines := stacked(word)
		px := max(minPx*1.2, math.Min(float64(H)*0.85/(1.05*float64(len(lines))), short*0.16))
		cx := int(px * 0.9)
		if rng.Intn(2) == 0 {
			cx = W - int(px*0.9)
		}
		c := lightOrDark(img, image.Rect(cx-int(px), 0, cx+int(px), H))
		ly.draw(style{font: f, px: px, fill: c, opacity: 1, shadow: true}, lines, cx, H/2)
		return done(word)
	case "price":
		f := fs.pick(rng, roleImpact)
		price := price6(rng)
		switch rng.Intn(4) {
		case 0: // big units with raised small cents: $ 19 99 on a tag
			cur := pickS(rng, "$", "\u00a3", "\u20ac")
			whole, cents := fmt.Sprint(1+rng.Intn(99)), fmt.Sprintf("%02d", []int{99, 95, 49, 50, 25}[rng.Intn(5)])
			big := max(minPx*1.8, short*(0.16+rng.Float64()*0.08))
			small := max(minPx, big*0.45)
			bw, cw := widest(f, big, []string{whole}), widest(f, small, []string{cur})
			sw := widest(f, small, []string{cents})
			total := cw + bw + sw + int(big*0.2)
			if total > W*9/10 {
				return done("")
			}
			cx, cy := W/2+rng.Intn(W/5+1)-W/10, H/2+rng.Intn(H/5+1)-H/10
			col := pickC(rng, yellow, rgb(230, 30, 40), white)
			ink := rgb(20, 20, 20)
			if lum(col) < 140 {
				ink = white
			}
			pad := int(big * 0.3)
			plate := image.Rect(cx-total/2-pad, cy-int(big*0.55)-pad, cx+total/2+pad, cy+int(big*0.45)+pad)
			ly.blend(plate, col, 1)
			plated = true
			x := cx - total/2
			ly.drawOver(style{font: f, px: small, fill: ink, opacity: 1}, []string{cur}, x+cw/2, cy-int(big*0.2), lum(col))
			x += cw + int(big*0.1)
			ly.drawOver(style{font: f, px: big, fill: ink, opacity: 1}, []string{whole}, x+bw/2, cy, lum(col))
			x += bw + int(big*0.1)
			ly.drawOver(style{font: f, px: small, fill: ink, opacity: 1}, []string{cents}, x+sw/2, cy-int(big*0.2), lum(col))
			return done(cur + whole + "." + cents)
		case 1: // a chalkboard menu: items and prices, light on dark
			f := fs.pick(rng, roleDisplay)
			n := 2 + rng.Intn(3)
			var lines []string
			for range n {
				lines = append(lines, titleCase(words6(rng, 1))+" "+price6(rng))
			}
			px := max(minPx, fit(f, short*(0.06+rng.Float64()*0.03), lines, int(float64(W)*0.7)))
			bw, bh := widest(f, px, lines)+int(px*1.6), int(px*(1.3*float64(n)+1.2))
			if bw > W || bh > H {
				return done("")
			}
			x0, y0 := rng.Intn(W-bw+1), rng.Intn(H-bh+1)
			board := pickC(rng, rgb(30, 45, 35), rgb(25, 25, 30), rgb(50, 30, 20))
			ly.blend(image.Rect(x0-4, y0-4, x0+bw+4, y0+bh+4), rgb(120, 80, 40), 1)
			ly.blend(image.Rect(x0, y0, x0+bw, y0+bh), board, 1)
			plated = true
			ink := pickC(rng, rgb(245, 245, 235), rgb(255, 230, 120), rgb(200, 240, 255))
			ly.drawOver(style{font: f, px: px, fill: ink, opacity: 1}, lines, x0+bw/2, y0+bh/2, lum(board))
			return done(strings.Join(lines, " "))
		case 2: // a percentage burst and the new price under it
			pct := fmt.Sprintf("-%d%%", []int{10, 15, 20, 25, 30, 40, 50, 70}[rng.Intn(8)])
			r := max(short*(0.16+rng.Float64()*0.06), minPx*2.4)
			cx := int(r) + 2 + rng.Intn(max(1, W-2*int(r)-4))
			cy := int(r) + 2 + rng.Intn(max(1, H/2-int(r)))
			col := pickC(rng, rgb(230, 20, 30), yellow, rgb(20, 120, 220))
			fillPoly(img, starPts(float64(cx), float64(cy), r*0.8, r, 18+rng.Intn(10), rng.Float64()), col, 1)
			ink := white
			if lum(col) > 140 {
				ink = rgb(20, 20, 20)
			}
			px := max(minPx*1.2, fit(f, r*0.7, []string{pct}, int(r*1.3)))
			ly.drawOver(style{font: f, px: px, fill: ink, opacity: 1}, []string{pct}, cx, cy, lum(col))
			head := priceHeads6[rng.Intn(len(priceHeads6))] + " " + price
			hp := max(minPx*1.1, fit(f, short*0.07, []string{head}, int(float64(W)*0.9)))
			hy := min(H-int(hp), cy+int(r)+int(hp))
			band := pickC(rng, rgb(15, 15, 15), white)
			ly.band(hy-int(hp*0.8), hy+int(hp*0.8), band, 0.9)
			hi := rgb(255, 220, 0)
			if lum(band) > 128 {
				hi = rgb(200, 0, 20)
			}
			ly.drawOver(style{font: f, px: hp, fill: hi, opacity: 1}, []string{head}, W/2, hy, lum(band))
			plated = true
			return done(pct + " " + head)
		}
		// A round sticker, turned, the head and the price inside.
		lines := []string{strings.Fields(priceHeads6[rng.Intn(len(priceHeads6))])[0], price}
		r := max(short*(0.2+rng.Float64()*0.08), minPx*2.8)
		cx := int(r) + 2 + rng.Intn(max(1, W-2*int(r)-4))
		cy := int(r) + 2 + rng.Intn(max(1, H-2*int(r)-4))
		col := pickC(rng, rgb(255, 120, 0), rgb(0, 150, 80), rgb(240, 240, 240), rgb(120, 0, 160))
		fillDisc(img, cx, cy, r, col)
		ink := white
		if lum(col) > 150 {
			ink = rgb(30, 30, 30)
		}
		px := max(minPx, fit(f, r*0.45, lines, int(r*1.4)))
		ly.drawOver(style{font: f, px: px, fill: ink, opacity: 1, angle: (rng.Float64()*2 - 1) * 20}, lines, cx, cy, lum(col))
		return done(strings.Join(lines, " "))
	case "sign":
		text := signWords6[rng.Intn(len(signWords6))]
		f := sansOrImpact(rng, fs)
		switch rng.Intn(4) {
		case 0: // a warning diamond: black words on yellow, a black border
			lines := splitLines(text, 1+strings.Count(text, " "))
			d := short * (0.25 + rng.Float64()*0.1) // half the diagonal
			px := max(minPx*1.1, fit(f, d*0.32, lines, int(d*1.0)))
			for float64(len(lines))*px*1.15 > d*0.95 && px > minPx*1.1 {
				px *= 0.9
			}
			px = max(px, minPx*1.1)
			// The diamond grows until its words fit inside it.
			d = math.Max(d, float64(widest(f, px, lines))/1.4+px*0.6+float64(len(lines)-1)*px*0.6)
			if 2*int(d)+4 > min(W, H) {
				return done("")
			}
			cx := int(d) + 2 + rng.Intn(max(1, W-2*int(d)-4))
			cy := int(d) + 2 + rng.Intn(max(1, H-2*int(d)-4))
			fx, fy := float64(cx), float64(cy)
			fillPoly(img, [][2]float64{{fx, fy - d}, {fx + d, fy}, {fx, fy + d}, {fx - d, fy}}, rgb(20, 20, 20), 1)
			e := d * 0.92
			fillPoly(img, [][2]float64{{fx, fy - e}, {fx + e, fy}, {fx, fy + e}, {fx - e, fy}}, yellow, 1)
			ly.drawOver(style{font: f, px: px, fill: rgb(15, 15, 15), opacity: 1}, lines, cx, cy, lum(yellow))
			plated = true
			return done(strings.Join(lines, " "))
		case 1: // a street blade: light words on dark green or blue, on a post
			street := streets6[rng.Intn(len(streets6))]
			px := max(minPx*1.1, fit(f, short*(0.07+rng.Float64()*0.04), []string{street}, int(float64(W)*0.6)))
			wid := widest(f, px, []string{street})
			cx, cy := W/2+rng.Intn(W/3+1)-W/6, H/4+rng.Intn(H/3+1)
			plate := pickC(rng, rgb(0, 90, 50), rgb(20, 50, 130), rgb(30, 30, 30))
			ly.blend(image.Rect(cx-3, cy, cx+3, H), rgb(90, 90, 95), 1) // the post
			roundRect(img, image.Rect(cx-wid/2-int(px*0.5), cy-int(px*0.75), cx+wid/2+int(px*0.5), cy+int(px*0.75)), px*0.2, white, 1)
			roundRect(img, image.Rect(cx-wid/2-int(px*0.4), cy-int(px*0.65), cx+wid/2+int(px*0.4), cy+int(px*0.65)), px*0.15, plate, 1)
			ly.drawOver(style{font: f, px: px, fill: white, opacity: 1}, []string{street}, cx, cy, lum(plate))
			plated = true
			return done(street)
		case 2: // neon: a glowing coloured word on the darkened photo
			darken(img, 0.25+rng.Float64()*0.15)
			f := fs.pick(rng, roleDisplay)
			lines := splitLines(text, 1+rng.Intn(2))
			px := max(minPx*1.4, fit(f, short*(0.1+rng.Float64()*0.05), lines, int(float64(W)*0.8)))
			glow := pickC(rng, rgb(255, 40, 160), rgb(40, 220, 255), rgb(120, 255, 80), rgb(255, 160, 30))
			cx, cy := W/2, H/2+rng.Intn(H/4+1)-H/8
			m := textMask(f, px, lines, int(px))
			paint(img, blur(dilate(m, max(1, int(px/10))), max(2, int(px/5))), cx, cy, glow, 0.8)
			core := rgb(255-(255-float64(glow.R))*0.3, 255-(255-float64(glow.G))*0.3, 255-(255-float64(glow.B))*0.3)
			ly.drawOver(style{font: f, px: px, fill: core, opacity: 1}, lines, cx, cy, lumOf(img, image.Rect(0, 0, W, H)))
			plated = true // the glow is the sign's own plate
			return done(strings.Join(lines, " "))
		}
		// A shop fascia: a dark band across the top, light capitals on it.
		px := max(minPx*1.2, fit(f, short*(0.08+rng.Float64()*0.04), []string{text}, int(float64(W)*0.85)))
		band := pickC(rng, rgb(20, 20, 25), rgb(110, 10, 20), rgb(10, 40, 90), rgb(0, 70, 60))
		bh := int(px * 1.7)
		ly.band(0, bh, band, 1)
		ink := pickC(rng, white, rgb(255, 215, 120), rgb(230, 230, 200))
		ly.drawOver(style{font: f, px: px, fill: ink, opacity: 1}, []string{text}, W/2, bh/2, lum(band))
		plated = true
		return done(text)
	case "meme":
		f := fs.pick(rng, roleImpact)
		switch rng.Intn(3) {
		case 0: // the classic: white capitals with a black edge, top and bottom
			var parts []string
			for _, top := range []bool{true, false} {
				line := strings.ToUpper(words6(rng, 2+rng.Intn(3)))
				lines := splitLines(line, 1+rng.Intn(2))
				px := max(minPx*1.2, fit(f, float64(H)*(0.08+rng.Float64()*0.04), lines, int(float64(W)*0.94)))
				h := int(px * 1.1 * float64(len(lines)))
				cy := h/2 + int(px/3)
				if !top {
					cy = H - h/2 - int(px/3)
				}
				ly.draw(style{font: f, px: px, fill: white, opacity: 1, outline: &black, outlineW: max(2, int(px/8))}, lines, W/2, cy)
				parts = append(parts, strings.Join(lines, " "))
			}
			return done(strings.Join(parts, " / "))
		case 1: // the modern one: black words on a white strip above the photo
			text := "when the " + words6(rng, 3+rng.Intn(4))
			lines := splitLines(text, 1+rng.Intn(3))
			sf := fs.pick(rng, roleSans)
			px := max(minPx*1.1, fit(sf, short*(0.06+rng.Float64()*0.02), lines, int(float64(W)*0.92)))
			bh := int(px * (1.3*float64(len(lines)) + 0.8))
			if bh > H/2 {
				return done("")
			}
			ly.band(0, bh, white, 1)
			plated = true
			ly.drawOver(style{font: sf, px: px, fill: rgb(10, 10, 10), opacity: 1}, lines, W/2, bh/2, 255)
			return done(strings.Join(lines, " "))
		}
		// Black capitals with a white edge over the middle of the photo.
		line := strings.ToUpper(words6(rng, 2+rng.Intn(3)))
		lines := splitLines(line, 1+rng.Intn(2))
		px := max(minPx*1.3, fit(f, float64(H)*(0.1+rng.Float64()*0.05), lines, int(float64(W)*0.9)))
		ly.draw(style{font: f, px: px, fill: rgb(10, 10, 10), opacity: 1, outline: &white, outlineW: max(2, int(px/9))}, lines, W/2, H/2+rng.Intn(H/4+1)-H/8)
		return done(strings.Join(lines, " "))
	case "watermark":
		f := fs.pick(rng, roleSans)
		site := sites6[rng.Intn(len(sites6))]
		switch rng.Intn(3) {
		case 0: // a faint credit in a corner, just over the contrast floor
			text := pickS(rng, "\u00a9 ", "", "by ") + pickS(rng, site, site+".com", titleCase(words6(rng, 2))) + pickS(rng, "", " 2019", " 2024")
			px := max(minPx, minPx*(1+rng.Float64()*0.25))
			wid := widest(f, px, []string{text})
			if wid > W*9/10 {
				text = site
				wid = widest(f, px, []string{text})
			}
			cx := pickI(rng, int(px*0.5)+wid/2, W-int(px*0.5)-wid/2)
			cy := pickI(rng, int(px), H-int(px))
			region := image.Rect(cx-wid/2, cy-int(px/2), cx+wid/2, cy+int(px/2))
			c := lightOrDark(img, region)
			under := lumOf(img, region)
			op := math.Min(1, (MinContrast+8+rng.Float64()*25)/math.Max(1, math.Abs(lum(c)-under)))
			ly.draw(style{font: f, px: px, fill: c, opacity: op}, []string{text}, cx, cy)
			return done(text)
		case 1: // an emblem watermark in the middle: a ring and the name, translucent
			text := strings.ToUpper(site)
			px := max(minPx*1.2, fit(f, short*0.08, []string{text}, int(short*0.6)))
			r := float64(widest(f, px, []string{text}))*0.5 + px*0.7
			c := lightOrDark(img, image.Rect(W/2-int(r), H/2-int(r), W/2+int(r), H/2+int(r)))
			op := 0.5 + rng.Float64()*0.3
			ring := ellipsePts(float64(W/2), float64(H/2), r, r)
			inner := ellipsePts(float64(W/2), float64(H/2), r-math.Max(3, px/5), r-math.Max(3, px/5))
			fillPoly(img, append(ring, inner...), c, op)
			ly.draw(style{font: f, px: px, fill: c, opacity: op}, []string{text}, W/2, H/2)
			return done(text)
		}
		// A name along the bottom edge, small, on a dark strip at half opacity.
		text := site + pickS(rng, ".com", ".net", "") + " | " + titleCase(words6(rng, 2))
		px := max(minPx, minPx*(1.05+rng.Float64()*0.3))
		if widest(f, px, []string{text}) > W*9/10 {
			text = site // no room for the photographer
		}
		ly.band(H-int(px*1.8), H, black, 0.5+rng.Float64()*0.2)
		plated = true
		ly.drawOver(style{font: f, px: px, fill: white, opacity: 0.9}, []string{text}, W/2, H-int(px*0.9), lumOf(img, image.Rect(0, H-int(px*1.8), W, H)))
		return done(text)
	case "tiled":
		f := sansOrImpact(rng, fs)
		word := sites6[rng.Intn(len(sites6))]
		if rng.Intn(3) == 0 {
			word = tiledWords6[rng.Intn(len(tiledWords6))]
		}
		c := lightOrDark(img, img.Bounds())
		s := style{font: f, fill: c, opacity: 0.5 + rng.Float64()*0.3, angle: -(20 + rng.Float64()*25)}
		s.px = max(minPx, long*(0.04+rng.Float64()*0.02))
		if rng.Intn(2) == 0 { // with a copyright sign
			word = "\u00a9 " + word
		}
		wid := float64(widest(f, s.px, []string{word}))
		sin, cos := math.Abs(math.Sin(s.angle*math.Pi/180)), math.Abs(math.Cos(s.angle*math.Pi/180))
		stepX := int(wid*cos + s.px*sin + s.px*(0.5+rng.Float64()*0.6))
		stepY := int(wid*sin + s.px*cos + s.px*(0.3+rng.Float64()*0.6))
		ly.tileGrid(rng, s, word, stepX, stepY, 3)
		return done(word)
	case "quote":
		f := fs.pick(rng, roleSerif)
		text := words6(rng, 5+rng.Intn(7))
		if rng.Intn(2) == 0 {
			text = titleCase(text)
		}
		lines := splitLines(text, 2+rng.Intn(3))
		switch rng.Intn(2) {
		case 0: // big quotation marks over the darkened photo, the words between
			darken(img, 0.3+rng.Float64()*0.25)
			px := max(minPx, fit(f, short*(0.06+rng.Float64()*0.03), lines, int(float64(W)*0.75)))
			ink := pickC(rng, white, rgb(255, 240, 200))
			cy := H/2 + rng.Intn(H/6+1) - H/12
			bh := int(px * 1.1 * float64(len(lines)))
			qp := px * 3
			if cy-bh/2-int(qp*0.4) > int(qp*0.4) {
				ly.draw(style{font: f, px: qp, fill: ink, opacity: 0.9}, []string{"\u201c"}, W/2, cy-bh/2-int(qp*0.35))
			}
			ly.draw(style{font: f, px: px, fill: ink, opacity: 1}, lines, W/2, cy)
			return done(strings.Join(lines, " "))
		}
		// Half the picture a flat panel, the quote on it, left-aligned.
		px := max(minPx, fit(f, short*(0.055+rng.Float64()*0.03), lines, int(float64(W)*0.42)))
		panel := pickC(rng, rgb(245, 240, 230), rgb(25, 30, 40), rgb(200, 60, 60), rgb(40, 90, 80))
		left := rng.Intn(2) == 0
		x0, x1 := 0, W/2
		if !left {
			x0, x1 = W/2, W
		}
		ly.blend(image.Rect(x0, 0, x1, H), panel, 1)
		plated = true
		ink := rgb(25, 25, 30)
		if lum(panel) < 140 {
			ink = rgb(250, 250, 245)
		}
		y := H/2 - int(px*0.6*float64(len(lines)-1))
		for _, l := range lines {
			w := widest(f, px, []string{l})
			ly.drawOver(style{font: f, px: px, fill: ink, opacity: 1}, []string{l}, x0+int(px*0.8)+w/2, y, lum(panel))
			y += int(px * 1.2)
		}
		return done(strings.Join(lines, " "))
	case "caption":
		f := fs.pick(rng, roleSans)
		text := strings.ToLower(words6(rng, 3+rng.Intn(5)))
		if rng.Intn(2) == 0 { // film subtitles: yellow with a black edge at the bottom
			lines := splitLines(text, 1+rng.Intn(2))
			px := max(minPx*1.1, fit(f, float64(H)*(0.05+rng.Float64()*0.02), lines, int(float64(W)*0.9)))
			h := int(px * 1.15 * float64(len(lines)))
			ly.draw(style{font: f, px: px, fill: rgb(255, 230, 40), opacity: 1, outline: &black, outlineW: max(1, int(px/10))}, lines, W/2, H-h/2-int(px*0.6))
			return done(strings.Join(lines, " "))
		}
		// A rounded caption box in a corner.
		n := 1 + rng.Intn(3)
		lines := splitLines(text, n)
		px := max(minPx, fit(f, short*(0.05+rng.Float64()*0.02), lines, int(float64(W)*0.6)))
		for ; widest(f, px, lines) > W*8/10 && n < 5; n++ {
			lines = splitLines(text, n+1) // too wide at the smallest legible size: more lines
		}
		bw, bh := widest(f, px, lines)+int(px*1.2), int(px*(1.2*float64(len(lines))+0.8))
		if bw > W || bh > H {
			return done("")
		}
		x0 := pickI(rng, int(px*0.5), W-bw-int(px*0.5))
		y0 := pickI(rng, int(px*0.5), H-bh-int(px*0.5))
		box := pickC(rng, rgb(255, 255, 255), rgb(20, 20, 20), rgb(240, 80, 120))
		roundRect(img, image.Rect(x0, y0, x0+bw, y0+bh), px*0.4, box, 0.92)
		plated = true
		ink := rgb(20, 20, 20)
		if lum(box) < 150 {
			ink = white
		}
		ly.drawOver(style{font: f, px: px, fill: ink, opacity: 1}, lines, x0+bw/2, y0+bh/2, lum(box))
		return done(strings.Join(lines, " "))
	case "card":
		f := fs.pick(rng, roleDisplay)
		head := pickS(rng, "Happy ", "Merry ", "Dear ", "Welcome ", "Congrats ") + titleCase(words6(rng, 1))
		sub := words6(rng, 3+rng.Intn(3))
		ly.blend(img.Bounds(), pickC(rng, rgb(255, 235, 240), rgb(235, 245, 255), rgb(245, 250, 230)), 0.6+rng.Float64()*0.2)
		px := max(minPx*1.3, fit(f, short*(0.12+rng.Float64()*0.05), []string{head}, int(float64(W)*0.85)))
		ink := pickC(rng, rgb(170, 20, 60), rgb(20, 60, 140), rgb(40, 100, 40))
		cy := H/2 - int(px*0.4)
		ly.draw(style{font: f, px: px, fill: ink, opacity: 1}, []string{head}, W/2, cy)
		sf := fs.pick(rng, roleSerif)
		sp := max(minPx, fit(sf, px*0.4, []string{sub}, int(float64(W)*0.85)))
		text := head
		if cy+int(px*0.7+sp*1.5) < H {
			ly.draw(style{font: sf, px: sp, fill: ink, opacity: 1}, []string{sub}, W/2, cy+int(px*0.7+sp))
			text += " / " + sub
		}
		return done(text)
	case "logo":
		brand := brands6[rng.Intn(len(brands6))]
		tag := taglines6[rng.Intn(len(taglines6))]
		switch rng.Intn(3) {
		case 0: // an emblem: a disc, the brand on it, the tagline on a ring arc above
			r := max(short*(0.22+rng.Float64()*0.1), minPx*3)
			cx := int(r) + 4 + rng.Intn(max(1, W-2*int(r)-8))
			cy := int(r) + 4 + rng.Intn(max(1, H-2*int(r)-8))
			col := pickC(rng, rgb(20, 40, 80), rgb(120, 20, 30), rgb(20, 20, 20), rgb(240, 235, 220))
			ink := white
			if lum(col) > 140 {
				ink = rgb(30, 25, 20)
			}
			fillDisc(img, cx, cy, r, ink)
			fillDisc(img, cx, cy, r*0.93, col)
			plated = true
			f := fs.pick(rng, roleDisplay)
			px := max(minPx*1.1, fit(f, r*0.4, []string{brand}, int(r*1.5)))
			ly.drawOver(style{font: f, px: px, fill: ink, opacity: 1}, []string{brand}, cx, cy, lum(col))
			tf := fs.pick(rng, roleSans)
			tp := max(minPx, r*0.16)
			if widest(tf, tp, []string{tag}) < int(r*1.6) {
				ly.drawArc6(style{font: tf, px: tp, fill: ink, opacity: 1}, tag, cx, cy-int(r*0.62), 60+rng.Float64()*20, 0.12)
				return done(brand + " " + tag)
			}
			return done(brand)
		case 1: // a wordmark with a swoosh under it, in a corner or the middle, on a white card
			f := fs.pick(rng, roleImpact)
			px := max(minPx*1.4, fit(f, short*(0.1+rng.Float64()*0.05), []string{brand}, int(float64(W)*0.6)))
			wid := widest(f, px, []string{brand})
			cx := pickI(rng, W/2, int(px*0.6)+wid/2, W-int(px*0.6)-wid/2)
			cy := pickI(rng, H/2, int(px*1.2), H-int(px*1.4))
			card := image.Rect(cx-wid/2-int(px*0.5), cy-int(px*0.9), cx+wid/2+int(px*0.5), cy+int(px*1.1))
			ly.blend(card, white, 0.95)
			plated = true
			col := vivid(rng, false)
			ly.drawOver(style{font: f, px: px, fill: col, opacity: 1}, []string{brand}, cx, cy, 250)
			sw := [][2]float64{}
			for i := 0; i <= 20; i++ {
				t := float64(i) / 20
				sw = append(sw, [2]float64{float64(cx-wid/2) + t*float64(wid), float64(cy) + px*0.6 + px*0.15*math.Sin(t*math.Pi)})
			}
			for i := 20; i >= 0; i-- {
				t := float64(i) / 20
				sw = append(sw, [2]float64{float64(cx-wid/2) + t*float64(wid), float64(cy) + px*0.6 + px*0.3*math.Sin(t*math.Pi)})
			}
			fillPoly(img, sw, col, 1)
			return done(brand)
		}
		// A badge logo: a shield-like plate, the brand and the tagline in two lines.
		f := fs.pick(rng, roleSerif)
		lines := []string{strings.ToUpper(brand), tag}
		px := max(minPx*1.2, fit(f, short*(0.08+rng.Float64()*0.04), lines[:1], int(float64(W)*0.5)))
		tp := max(minPx, px*0.45)
		tf := fs.pick(rng, roleSans)
		wid := max(widest(f, px, lines[:1]), widest(tf, tp, lines[1:]))
		cx := W/2 + rng.Intn(W/3+1) - W/6
		cy := H/2 + rng.Intn(H/3+1) - H/6
		hw, top, bot := float64(wid)/2+px*0.7, float64(cy)-px*1.3, float64(cy)+px*1.6
		col := pickC(rng, rgb(15, 60, 40), rgb(90, 20, 20), rgb(25, 25, 60))
		gold := rgb(235, 200, 110)
		fx := float64(cx)
		shield := [][2]float64{{fx - hw, top}, {fx + hw, top}, {fx + hw, bot - px*0.5}, {fx, bot + px*0.6}, {fx - hw, bot - px*0.5}}
		fillPoly(img, shield, gold, 1)
		in := [][2]float64{{fx - hw + 3, top + 3}, {fx + hw - 3, top + 3}, {fx + hw - 3, bot - px*0.5}, {fx, bot + px*0.6 - 4}, {fx - hw + 3, bot - px*0.5}}
		fillPoly(img, in, col, 1)
		plated = true
		ly.drawOver(style{font: f, px: px, fill: gold, opacity: 1}, lines[:1], cx, cy-int(px*0.3), lum(col))
		ly.drawOver(style{font: tf, px: tp, fill: gold, opacity: 1}, lines[1:], cx, cy+int(px*0.75), lum(col))
		return done(strings.Join(lines, " "))
	case "screen":
		pix := fs[roleDisplay][pixelFont6(fs)]
		switch rng.Intn(3) {
		case 0: // a HUD over the darkened scene: score and lives at the top, a big banner in the middle
			darken(img, 0.35+rng.Float64()*0.25)
			hp := max(minPx, short*(0.045+rng.Float64()*0.015))
			score := fmt.Sprintf("SCORE %d", rng.Intn(100000)*10)
			if rng.Intn(2) == 0 {
				score = fmt.Sprintf("%06d", rng.Intn(100000)*10)
			}
			lives := fmt.Sprintf("LIVES %d", 1+rng.Intn(5))
			sw, lw := widest(pix, hp, []string{score}), widest(pix, hp, []string{lives})
			ink := pickC(rng, white, rgb(255, 230, 60), rgb(120, 255, 120))
			ly.draw(style{font: pix, px: hp, fill: ink, opacity: 1}, []string{score}, int(hp*0.6)+sw/2, int(hp*1.1))
			if sw+lw+int(hp*2) > W { // no room beside the score: the lives under it
				ly.draw(style{font: pix, px: hp, fill: ink, opacity: 1}, []string{lives}, int(hp*0.6)+lw/2, int(hp*2.4))
			} else {
				ly.draw(style{font: pix, px: hp, fill: ink, opacity: 1}, []string{lives}, W-int(hp*0.6)-lw/2, int(hp*1.1))
			}
			banner := screenWords6[rng.Intn(len(screenWords6))]
			bp := max(minPx*1.4, fit(pix, short*0.14, []string{banner}, int(float64(W)*0.85)))
			bc := pickC(rng, rgb(255, 60, 60), rgb(255, 220, 0), rgb(80, 200, 255), white)
			ly.draw(style{font: pix, px: bp, fill: bc, opacity: 1, shadow: true}, []string{banner}, W/2, H/2)
			return done(score + " " + lives + " " + banner)
		case 1: // a menu: buttons on a translucent column
			f := pickFont(rng, pix, fs.pick(rng, roleSans), fs.pick(rng, roleImpact))
			n := 3 + rng.Intn(2)
			perm := rng.Perm(len(menuWords6))[:n]
			var items []string
			for _, i := range perm {
				items = append(items, menuWords6[i])
			}
			px := max(minPx*1.1, fit(f, short*(0.055+rng.Float64()*0.02), items, int(float64(W)*0.5)))
			for ; n > 2 && int(px*2)*n+int(px) > H; n-- {
				items = items[:n-1] // no room for so many buttons
			}
			bw := widest(f, px, items) + int(px*2)
			step := int(px * 2)
			if bw > W || step*n+int(px) > H {
				return done("")
			}
			cx := pickI(rng, W/2, bw/2+int(px), W-bw/2-int(px))
			y0 := (H-step*n)/2 + step/2
			ly.blend(image.Rect(cx-bw/2-int(px*0.5), y0-step/2-int(px*0.5), cx+bw/2+int(px*0.5), y0+step*n-step/2+int(px*0.5)), black, 0.55)
			btn := pickC(rng, rgb(40, 70, 140), rgb(60, 60, 60), rgb(140, 40, 40))
			for i, it := range items {
				y := y0 + i*step
				roundRect(img, image.Rect(cx-bw/2, y-int(px*0.75), cx+bw/2, y+int(px*0.75)), px*0.3, btn, 1)
				ink := white
				if i == 0 {
					ink = rgb(255, 220, 60)
				}
				ly.drawOver(style{font: f, px: px, fill: ink, opacity: 1}, []string{it}, cx, y, lum(btn))
			}
			plated = true
			return done(strings.Join(items, " "))
		}
		// A dialog box: a title bar, a question and two buttons.
		f := fs.pick(rng, roleSans)
		dl := dialogs6[rng.Intn(len(dialogs6))]
		px := max(minPx*1.05, math.Min(short*(0.05+rng.Float64()*0.02), float64(H)/5.5))
		qw := widest(f, px, []string{dl[0]})
		bw := max(widest(f, px, dl[1:2]), widest(f, px, dl[2:3])) + int(px*1.6)
		dw := max(qw+int(px*2), 2*bw+int(px*3))
		dh := int(px * 5.2)
		if dw > W || dh > H {
			return done("")
		}
		x0 := (W-dw)/2 + rng.Intn(W/6+1) - W/12
		x0 = max(0, min(W-dw, x0))
		y0 := (H - dh) / 2
		ly.blend(image.Rect(x0+4, y0+4, x0+dw+4, y0+dh+4), black, 0.4)
		bg := pickC(rng, rgb(240, 240, 240), rgb(45, 48, 55))
		ly.blend(image.Rect(x0, y0, x0+dw, y0+dh), bg, 1)
		plated = true
		ink, btn, bink := rgb(20, 20, 20), rgb(40, 110, 220), white
		if lum(bg) < 128 {
			ink = rgb(235, 235, 235)
		}
		ly.drawOver(style{font: f, px: px, fill: ink, opacity: 1}, dl[:1], x0+dw/2, y0+int(px*1.6), lum(bg))
		by := y0 + int(px*3.7)
		for i, lbl := range dl[1:] {
			bx := x0 + dw/2 + (2*i-1)*(bw/2+int(px*0.5))
			c := btn
			if i == 1 {
				c = rgb(150, 150, 155)
			}
			roundRect(img, image.Rect(bx-bw/2, by-int(px*0.75), bx+bw/2, by+int(px*0.75)), px*0.25, c, 1)
			ly.drawOver(style{font: f, px: px, fill: bink, opacity: 1}, []string{lbl}, bx, by, lum(c))
		}
		return done(strings.Join(dl[:], " "))
	}
	return done("")
}

func pickFont(rng *rand.Rand, l ...*opentype.Font) *opentype.Font { return l[rng.Intn(len(l))] }
