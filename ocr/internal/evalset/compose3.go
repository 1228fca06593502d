package evalset

import (
	"fmt"
	"image"
	"image/color"
	"math/rand"
	"strings"

	"golang.org/x/image/font/opentype"
)

// Version 3's text: its own word list, agencies, accounts and sign texts
// (none of version 1/2's lists), so the held-out part does not reward a
// detector for the words it was tuned on.
var vocabulary3 = strings.Fields(`
monday weekend saturday mood vibes paddle dreamer wanderlust sunshine rainy cozy
someday somewhere everything nothing maybe almost enough again still yet
heartache umbrella crying melancholy blue firefly grey storm driftwood longing waiting
healing letting go move forward breathe slowly deeply honest truth lies
mountains valley lake harbor island desert canyon meadow orchard vineyard
bicycle lantern candle blanket compass letter postcard photograph suitcase
grandma brother sister daughter mother father neighbor stranger teacher
kitchen harvest porch attic rooftop balcony hallway pebble bookstore
fearless thunder wild lighthouse restless hopeful tender fragile golden silver
promise reason purpose lesson chance choice answer question velvet wish
dance laugh sing marble explore create inspire imagine wonder rooftops
coupon delivery organic handmade vintage premium limited exclusive
`)

var sites3 = []string{"adobestock", "canstockphoto", "vecteezy", "freepik", "stocksy", "pond5", "agefotostock",
	"photodune", "fotosearch", "colourbox", "megapixl", "crushpixel", "wallhere", "weheartit", "pinterest"}

var signWords3 = []string{"ONE WAY", "YIELD", "LOADING ZONE", "FIRE EXIT", "DELI", "GROCERY", "LAUNDRY", "BARBER",
	"HARDWARE", "POST OFFICE", "GAS", "MOTEL", "DINER", "PUB", "NO PARKING", "SLOW", "DETOUR", "ROAD CLOSED",
	"TICKETS", "BEACH", "HARBOR", "TRAIL", "CAMPING", "CINEMA", "GALLERY", "BANK", "HOSPITAL", "AIRPORT",
	"FERRY", "SUSHI", "BURGERS", "ICE CREAM", "BREAKFAST", "FLORIST", "TATTOO", "ANTIQUES"}

func words3(rng *rand.Rand, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = vocabulary3[rng.Intn(len(vocabulary3))]
	}
	return strings.Join(w, " ")
}

func pickS(rng *rand.Rand, l ...string) string { return l[rng.Intn(len(l))] }

// sansOrImpact picks a sans face, one time in three a condensed heavy one.
func sansOrImpact(rng *rand.Rand, fs *fontSet) *opentype.Font {
	f := fs.pick(rng, roleSans)
	if rng.Intn(3) == 0 {
		f = fs.pick(rng, roleImpact)
	}
	return f
}

// compose3 is version 3's compositor: the same nine kinds as compose, drawn
// with other choices (see real3.go). It returns the text, its boxes and
// the legibility of its weakest block.
func compose3(rng *rand.Rand, fs *fontSet, kind string, img *image.RGBA) (string, []image.Rectangle, legibility) {
	W, H := img.Bounds().Dx(), img.Bounds().Dy()
	long, short := float64(max(W, H)), float64(min(W, H))
	ly := newLayer(img, kind)
	scale, draw, band := ly.scale, ly.draw, ly.band
	minPx := MinThumbPx / scale // the smallest legible size, in full-size pixels
	black, white := color.RGBA{0, 0, 0, 255}, color.RGBA{255, 255, 255, 255}
	yellow := color.RGBA{255, 228, 40, 255}
	switch kind {
	case "meme":
		if rng.Intn(4) == 0 {
			// The white-band format: black sans words on a white strip above the photo.
			f := fs.pick(rng, roleSans)
			text := titleCase(words3(rng, 4+rng.Intn(6)))
			if rng.Intn(2) == 0 {
				text = strings.ToLower(text)
			}
			lines := splitLines(text, 1+rng.Intn(2))
			px := max(minPx*1.1, fit(f, short*(0.06+rng.Float64()*0.03), lines, int(float64(W)*0.92)))
			bandH := int(px * (1.25*float64(len(lines)) + 0.8))
			band(0, bandH, white, 1)
			draw(style{font: f, px: px, fill: rgb(15, 15, 15), opacity: 1}, lines, W/2, bandH/2)
			return text, ly.boxes, ly.leg
		}
		f := fs.pick(rng, roleImpact)
		fill := white
		if rng.Intn(5) == 0 {
			fill = yellow
		}
		s := style{font: f, fill: fill, opacity: 1, outline: &black}
		parts := []string{}
		where := rng.Intn(4) // 0 top only, 1 bottom only, else both
		for _, top := range []bool{true, false} {
			if (where == 0 && !top) || (where == 1 && top) {
				continue
			}
			line := strings.ToUpper(words3(rng, 2+rng.Intn(5)))
			lines := []string{line}
			if len(line) > 22 && rng.Intn(2) == 0 {
				lines = splitLines(line, 2)
			}
			s.px = max(minPx*1.2, fit(f, float64(H)*(0.08+rng.Float64()*0.08), lines, int(float64(W)*0.95)))
			s.outlineW = max(1, int(s.px/(9+rng.Float64()*12)+0.5))
			s.shadow = rng.Intn(4) == 0
			h := int(s.px * 1.1 * float64(len(lines)))
			cy := h/2 + int(s.px/4)
			if !top {
				cy = H - h/2 - int(s.px/4)
			}
			draw(s, lines, W/2, cy)
			parts = append(parts, strings.Join(lines, " "))
		}
		return strings.Join(parts, " / "), ly.boxes, ly.leg
	case "quote":
		if rng.Intn(2) == 0 {
			darken(img, 0.35+rng.Float64()*0.45)
		}
		f := fs.pick(rng, roleSerif)
		text := words3(rng, 4+rng.Intn(9))
		if rng.Intn(3) == 0 {
			text = titleCase(text)
		}
		text = `"` + text + `"`
		lines := splitLines(text, 2+rng.Intn(4))
		px := max(minPx, fit(f, short*(0.055+rng.Float64()*0.05), lines, int(float64(W)*0.86)))
		cy := H/4 + rng.Intn(H/2+1)
		region := image.Rect(0, cy-int(px)*len(lines)/2, W, cy+int(px)*len(lines)/2)
		fill := rgb(255, 248-rng.Float64()*25, 230-rng.Float64()*50)
		if lumOf(img, region) > 140 {
			fill = rgb(rng.Float64()*50, rng.Float64()*40, rng.Float64()*50)
		}
		if rng.Intn(4) == 0 {
			// A translucent plate behind the lines.
			plate := black
			if lum(fill) < 128 {
				plate = white
			}
			band(cy-int(px*0.75*float64(len(lines)+1)), cy+int(px*0.75*float64(len(lines)+1)), plate, 0.35+rng.Float64()*0.3)
		}
		s := style{font: f, px: px, fill: fill, opacity: 0.85 + rng.Float64()*0.15, shadow: lum(fill) > 128 && rng.Intn(3) > 0}
		if rng.Intn(3) == 0 {
			s.angle = (rng.Float64()*2 - 1) * 5
		}
		draw(s, lines, W/2, cy)
		if rng.Intn(5) < 2 {
			a := "- " + titleCase(words3(rng, 1)) + " " + titleCase(words3(rng, 1))
			as := style{font: fs.pick(rng, roleSans), px: max(minPx, px*0.6), fill: fill, opacity: s.opacity}
			draw(as, []string{a}, W/2, min(H-int(as.px), cy+int(px*0.62*float64(len(lines)+1))+int(as.px)))
			text += " " + a
		}
		return text, ly.boxes, ly.leg
	case "watermark":
		f := fs.pick(rng, roleSans)
		site := sites3[rng.Intn(len(sites3))]
		var text string
		switch rng.Intn(6) {
		case 0:
			text = "www." + site + ".com"
		case 1:
			text = fmt.Sprintf("© %d %s", 2009+rng.Intn(16), titleCase(words3(rng, 1)))
		case 2:
			text = "@" + strings.ReplaceAll(words3(rng, 2), " ", "_")
		case 3:
			text = fmt.Sprintf("%s - %d", site, 10_000_000+rng.Intn(90_000_000))
		case 4:
			text = "Photo: " + titleCase(words3(rng, 2))
		default:
			text = site + ".com"
		}
		if rng.Intn(10) < 3 {
			// Large and faint across the picture.
			px := max(minPx, fit(f, long*(0.07+rng.Float64()*0.06), []string{text}, int(float64(W)*0.92)))
			c := white
			if lumOf(img, img.Bounds()) > 150 {
				c = black
			}
			s := style{font: f, px: px, fill: c, opacity: 0.4 + rng.Float64()*0.25, angle: (rng.Float64()*2 - 1) * 35}
			draw(s, []string{text}, W/2+rng.Intn(W/5+1)-W/10, H/2+rng.Intn(H/5+1)-H/10)
			return text, ly.boxes, ly.leg
		}
		px := max(minPx, fit(f, minPx*(1+rng.Float64()*0.5), []string{text}, int(float64(W)*0.7)))
		wid := widest(f, px, []string{text})
		inset := int(px * (0.4 + rng.Float64()))
		cx, cy := inset+wid/2, inset+int(px/2)
		if rng.Intn(2) == 0 {
			cx = W - inset - wid/2
		}
		if rng.Intn(3) > 0 {
			cy = H - inset - int(px/2)
		}
		region := image.Rect(cx-wid/2, cy-int(px/2), cx+wid/2, cy+int(px/2))
		c := rgb(245, 245, 245)
		if lumOf(img, region) > 140 {
			c = rgb(25, 25, 25)
		}
		s := style{font: f, px: px, fill: c, opacity: 0.5 + rng.Float64()*0.45}
		switch rng.Intn(4) {
		case 0:
			s.shadow = lum(c) > 128
		case 1:
			o := rgb(0, 0, 0)
			if lum(c) < 128 {
				o = white
			}
			s.outline, s.outlineW = &o, 1
		}
		draw(s, []string{text}, cx, cy)
		return text, ly.boxes, ly.leg
	case "sign":
		f := sansOrImpact(rng, fs)
		text := signWords3[rng.Intn(len(signWords3))]
		if rng.Intn(4) == 0 {
			text += pickS(rng, " 24H", " EXIT 3", " 2ND FLOOR", " 500 m", " & CO")
		}
		lines := splitLines(text, 1+rng.Intn(2))
		plates := [][2]color.RGBA{
			{{0, 80, 160, 255}, white}, {{110, 60, 30, 255}, white}, {{0, 120, 70, 255}, white},
			{{255, 200, 0, 255}, {20, 20, 20, 255}}, {{20, 20, 20, 255}, white}, {{190, 20, 40, 255}, white},
			{{245, 245, 240, 255}, {180, 20, 30, 255}}, {{90, 40, 120, 255}, {255, 230, 120, 255}},
			{{240, 240, 235, 255}, {10, 40, 110, 255}},
		}
		p := plates[rng.Intn(len(plates))]
		px := max(minPx, fit(f, short*(0.06+rng.Float64()*0.09), lines, int(float64(W)*0.72)))
		s := style{font: f, px: px, fill: p[1], opacity: 1, panel: &p[0], panelPad: 0.25 + rng.Float64()*0.35,
			angle: (rng.Float64()*2 - 1) * 12, shadow: rng.Intn(3) == 0}
		cx, cy := W/5+rng.Intn(3*W/5+1), H/5+rng.Intn(3*H/5+1)
		if rng.Intn(2) == 0 {
			// A framed sign: a border plate of the text colour behind the plate.
			frame := style{font: f, px: px, fill: p[0], opacity: 0, panel: &p[1], panelPad: s.panelPad + 0.12, angle: s.angle}
			frame.draw(img, lines, cx, cy)
		}
		draw(s, lines, cx, cy)
		return text, ly.boxes, ly.leg
	case "caption":
		f := fs.pick(rng, roleSans)
		text := styleCase(rng, words3(rng, 3+rng.Intn(6)))
		lines := splitLines(text, 1+rng.Intn(2))
		px := max(minPx, fit(f, float64(H)*(0.045+rng.Float64()*0.04), lines, int(float64(W)*0.88)))
		bandH := int(px * (1.3*float64(len(lines)) + 0.7))
		y0 := H - bandH - rng.Intn(max(1, H/8))
		if rng.Intn(5) == 0 {
			y0 = 0
		}
		switch rng.Intn(3) {
		case 0: // a lower third: a vivid bar, white words, left-aligned
			bar := vivid(rng, false)
			band(y0, y0+bandH, bar, 0.85+rng.Float64()*0.15)
			wid := widest(f, px, lines)
			draw(style{font: f, px: px, fill: white, opacity: 1}, lines, min(W/2, int(px)+wid/2), y0+bandH/2)
		case 1: // a dark or light translucent band
			c, fill := black, white
			if rng.Intn(3) == 0 {
				c, fill = white, rgb(20, 20, 20)
			}
			band(y0, y0+bandH, c, 0.5+rng.Float64()*0.4)
			draw(style{font: f, px: px, fill: fill, opacity: 1}, lines, W/2, y0+bandH/2)
		default: // no band: white words with a dark edge or a shadow
			s := style{font: f, px: px, fill: white, opacity: 1}
			if rng.Intn(2) == 0 {
				s.outline, s.outlineW = &black, max(1, int(px/12))
			} else {
				s.shadow = true
			}
			draw(s, lines, W/2, y0+bandH/2)
		}
		return text, ly.boxes, ly.leg
	case "tiled":
		f := sansOrImpact(rng, fs)
		site := sites3[rng.Intn(len(sites3))]
		if rng.Intn(3) == 0 {
			site = pickS(rng, "PROOF", "WATERMARK", "DO NOT COPY", "© STOCK", "PREVIEW ONLY")
		}
		px := max(minPx, long*(0.045+rng.Float64()*0.045))
		c := white
		if lumOf(img, img.Bounds()) > 150 {
			c = black
		}
		s := style{font: f, px: px, fill: c, opacity: 0.4 + rng.Float64()*0.3,
			angle: float64(rng.Intn(2)*2-1) * (10 + rng.Float64()*45)}
		wid := widest(f, px, []string{site})
		stepX, stepY := wid+int(px*(1+rng.Float64()*2)), int(px*(2.5+rng.Float64()*2))
		for row, y := 0, rng.Intn(stepY); y < H+stepY; row, y = row+1, y+stepY {
			for x := (row%2)*stepX/2 - rng.Intn(stepX/2+1); x < W+stepX; x += stepX {
				draw(s, []string{site}, x, y)
			}
		}
		return site, ly.boxes, ly.leg
	case "card":
		f := fs.pick(rng, roleSerif)
		if rng.Intn(3) == 0 {
			f = fs.pick(rng, roleDisplay)
		}
		text := words3(rng, 3+rng.Intn(8))
		if rng.Intn(2) == 0 {
			text = titleCase(text)
		}
		lines := splitLines(text, 2+rng.Intn(3))
		panelC := vivid(rng, rng.Intn(2) == 0)
		if rng.Intn(3) == 0 {
			v := 230 + rng.Float64()*25
			panelC = rgb(v, v-rng.Float64()*15, v-rng.Float64()*30) // paper
		}
		ink := rgb(20, 20, 25)
		if lum(panelC) < 140 {
			ink = rgb(255, 250, 235)
		}
		mx := int(float64(W) * (0.03 + rng.Float64()*0.15))
		my := int(float64(H) * (0.03 + rng.Float64()*0.15))
		opacity := 0.75 + rng.Float64()*0.25
		for y := my; y < H-my; y++ {
			for x := mx; x < W-mx; x++ {
				i := img.PixOffset(x, y)
				for k, v := range []uint8{panelC.R, panelC.G, panelC.B} {
					img.Pix[i+k] = uint8(float64(img.Pix[i+k])*(1-opacity) + float64(v)*opacity)
				}
			}
		}
		px := max(minPx, fit(f, short*(0.06+rng.Float64()*0.05), lines, W-2*mx-int(short*0.1)))
		s := style{font: f, px: px, fill: ink, opacity: 1}
		draw(s, lines, W/2, H/2-int(px/2))
		author := pickS(rng, "- ", "~ ", "") + titleCase(words3(rng, 2))
		if rng.Intn(2) == 0 {
			author = "#" + strings.ReplaceAll(words3(rng, 2), " ", "")
		}
		ap := max(minPx, px*0.55)
		as := style{font: fs.pick(rng, roleSans), px: ap, fill: ink, opacity: 0.9}
		draw(as, []string{author}, W/2, min(H-my-int(ap), H/2+int(px*0.7*float64(len(lines)+1))))
		return text + " / " + author, ly.boxes, ly.leg
	case "price":
		f := fs.pick(rng, roleImpact)
		cur := pickS(rng, "$", "£", "€", "", "¥")
		price := fmt.Sprintf("%s%d.%02d", cur, 2+rng.Intn(480), []int{99, 90, 49, 0, 25}[rng.Intn(5)])
		var lines []string
		switch rng.Intn(4) {
		case 0:
			lines = []string{pickS(rng, "SALE", "HOT DEAL", "TODAY", "WAS", "NOW ONLY"), price}
		case 1:
			lines = []string{fmt.Sprintf("-%d%%", 5*(2+rng.Intn(14)))}
		case 2:
			lines = []string{pickS(rng, "2 FOR 1", "BUY 1 GET 1", "FREE GIFT", "NEW IN"), pickS(rng, "TODAY", "THIS WEEK", "ONLINE")}
		default:
			lines = []string{"FROM", price}
		}
		plates := [][2]color.RGBA{{{220, 0, 60, 255}, white}, {{255, 235, 59, 255}, {30, 30, 30, 255}},
			{{0, 150, 136, 255}, white}, {{33, 33, 33, 255}, {255, 82, 82, 255}}, {white, {0, 90, 180, 255}},
			{{255, 152, 0, 255}, {20, 20, 20, 255}}}
		p := plates[rng.Intn(len(plates))]
		px := max(minPx, fit(f, short*(0.07+rng.Float64()*0.07), lines, int(float64(W)*0.5)))
		s := style{font: f, px: px, fill: p[1], opacity: 1, panel: &p[0], panelPad: 0.3 + rng.Float64()*0.2,
			angle: (rng.Float64()*2 - 1) * 20, shadow: rng.Intn(3) > 0}
		draw(s, lines, W/5+rng.Intn(3*W/5+1), H/5+rng.Intn(3*H/5+1))
		return strings.Join(lines, " "), ly.boxes, ly.leg
	default: // headline
		f := fs.pick(rng, roleDisplay)
		text := styleCase(rng, words3(rng, 1+rng.Intn(3)))
		if rng.Intn(4) == 0 {
			text += pickS(rng, "!", "?", "...", " 2025", " #1")
		}
		lines := splitLines(text, 1+rng.Intn(3))
		px := max(minPx, fit(f, short*(0.08+rng.Float64()*0.1), lines, int(float64(W)*0.86)))
		cx, cy := W/2+rng.Intn(W/3+1)-W/6, H/5+rng.Intn(3*H/5+1)
		region := image.Rect(cx-W/3, cy-int(px), cx+W/3, cy+int(px))
		light := lumOf(img, region) < 128
		s := style{font: f, px: px, fill: vivid(rng, light), opacity: 0.75 + rng.Float64()*0.25, angle: (rng.Float64()*2 - 1) * 15}
		if rng.Intn(2) == 0 {
			s.fill = rgb(250, 250, 250)
			if !light {
				s.fill = rgb(15, 15, 15)
			}
		}
		switch rng.Intn(4) {
		case 0:
			o := black
			if !light {
				o = white
			}
			s.outline, s.outlineW = &o, max(1, int(px/(10+rng.Float64()*10)))
		case 1:
			s.shadow = true
		case 2:
			o := black
			if !light {
				o = white
			}
			s.outline, s.outlineW, s.shadow = &o, max(1, int(px/14)), true
		}
		draw(s, lines, cx, cy)
		return text, ly.boxes, ly.leg
	}
}
