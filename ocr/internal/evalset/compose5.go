package evalset

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand"
	"strings"
)

// Version 5's text: its own word list (from the licence texts in
// /usr/share/common-licenses and the section 1 manual pages), agencies,
// sign texts, news labels, tiled words and price heads (none of versions
// 1-4's lists; a test checks it).
var vocabulary5 = strings.Fields(`
warranty merchantability fitness liability damages permission notice redistribute sublicense royalty
perpetual irrevocable patent trademark derivative contributor recipient licensee covered conveyed
propagate compliance attribution disclaimer remedy jurisdiction provision severability conspicuously
verbatim preamble guarantee freedom sharing surrender infringement
terminal directory recursive verbose argument parameter variable process signal buffer socket daemon
kernel module archive compress extract symbolic timestamp checksum pipeline wildcard prompt session
keyboard cursor console printer scanner monitor device partition mount backup restore upgrade
invoke execute compile debug trace profile benchmark install configure locale encoding charset
harbour quartz fjord bramble gravel thistle heather juniper willow hazel acorn chestnut
`)

var sites5 = []string{"stockunlimited", "pxhere", "snapwire", "lightstock", "gratisography", "kaboompics",
	"stockvault", "freeimages", "morguefile", "pikwizard", "reshot", "skitterphoto", "picjumbo", "lifeofpix",
	"foodiesfeed", "negativespace"}

var signWords5 = []string{"CAMPSITE", "FERRY TERMINAL", "HARBOUR", "MAIL DROP", "BOOKSHOP", "MULTIPLEX", "PETROL", "CHEMIST",
	"GREENGROCER", "GELATO", "SKI LIFT", "SUMMIT TRAIL", "HOSTEL", "CURRENCY EXCHANGE", "CHECK IN", "DEPARTURES", "ARRIVALS",
	"BAGGAGE", "CUSTOMS", "PHOTO BOOTH", "BICYCLE HIRE", "OBSERVATORY", "PLANETARIUM", "AQUARIUM", "ART STUDIO",
	"TICKET DESK", "BOX OFFICE", "SOUVENIRS", "PICNIC AREA", "FIRST AID", "LIFEGUARD", "REDUCE SPEED", "NO SWIMMING",
	"SKATE PARK", "RV PARK", "GUEST HOUSE", "CANTEEN", "FALAFEL"}

// newsLabels5 are the boxes at the left of version 5's lower thirds.
var newsLabels5 = []string{"BREAKING", "LIVE", "UPDATE", "EXCLUSIVE", "WEATHER", "JUST IN"}

var tiledWords5 = []string{"SPECIMEN", "NOT FOR PRINT", "EVALUATION COPY", "WATERMARKED", "LOW RES", "SCREENER"}

var priceHeads5 = []string{"WEEKEND OFFER", "BLOWOUT", "SPECIAL", "PRICE CUT", "BARGAIN", "SAVE NOW", "MEMBER PRICE",
	"CLOSING DOWN", "BONUS", "EVERYTHING MUST GO"}

func words5(rng *rand.Rand, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = vocabulary5[rng.Intn(len(vocabulary5))]
	}
	return strings.Join(w, " ")
}

// handle5 is a social account name made of version 5's words.
func handle5(rng *rand.Rand) string {
	return strings.ReplaceAll(words5(rng, 1+rng.Intn(2)), " ", pickS(rng, "", "_", ".")) + pickS(rng, "", "", fmt.Sprint(rng.Intn(100)))
}

// fillPoly paints a filled polygon (even-odd rule, sampled at pixel
// centres) of colour c at the given opacity.
func fillPoly(img *image.RGBA, pts [][2]float64, c color.RGBA, opacity float64) {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		minX, minY, maxX, maxY = math.Min(minX, p[0]), math.Min(minY, p[1]), math.Max(maxX, p[0]), math.Max(maxY, p[1])
	}
	r := image.Rect(int(minX), int(minY), int(maxX)+1, int(maxY)+1).Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		py := float64(y) + 0.5
		var xs []float64
		for i := range pts {
			a, b := pts[i], pts[(i+1)%len(pts)]
			if (a[1] <= py) != (b[1] <= py) {
				xs = append(xs, a[0]+(py-a[1])/(b[1]-a[1])*(b[0]-a[0]))
			}
		}
		for x := r.Min.X; x < r.Max.X; x++ {
			px, in := float64(x)+0.5, false
			for _, xi := range xs {
				if xi < px {
					in = !in
				}
			}
			if !in {
				continue
			}
			i := img.PixOffset(x, y)
			for k, v := range []uint8{c.R, c.G, c.B} {
				img.Pix[i+k] = uint8(float64(img.Pix[i+k])*(1-opacity) + float64(v)*opacity + 0.5)
			}
		}
	}
}

// ellipsePts is an ellipse as a polygon.
func ellipsePts(cx, cy, rx, ry float64) [][2]float64 {
	pts := make([][2]float64, 72)
	for i := range pts {
		a := float64(i) * 2 * math.Pi / 72
		pts[i] = [2]float64{cx + rx*math.Cos(a), cy + ry*math.Sin(a)}
	}
	return pts
}

// starPts is a starburst of n points between radii r0 and r1.
func starPts(cx, cy, r0, r1 float64, n int, turn float64) [][2]float64 {
	pts := make([][2]float64, 2*n)
	for i := range pts {
		r := r1
		if i%2 == 1 {
			r = r0
		}
		a := turn + float64(i)*math.Pi/float64(n)
		pts[i] = [2]float64{cx + r*math.Cos(a), cy + r*math.Sin(a)}
	}
	return pts
}

// drawArc sets one line along a circular arc through (cx, cy), each
// letter turned to the arc; bend is the arc's angle in degrees (positive
// bends the ends down: a smile below a frown). The line is one block.
func (c *layer) drawArc(s style, line string, cx, cy int, bend float64) {
	adv := func(r rune) float64 {
		if r == ' ' {
			return s.px * 0.3
		}
		return float64(widest(s.font, s.px, []string{string(r)}))
	}
	c.arcLetters(s, line, cx, cy, bend, float64(widest(s.font, s.px, []string{line})), adv)
}

// arcLetters sets line's letters along a circular arc of bend degrees
// through (cx, cy), total pixels long, each advancing adv and turned to
// the arc. The line is one block.
func (c *layer) arcLetters(s style, line string, cx, cy int, bend, total float64, adv func(rune) float64) {
	img := c.img
	c.begin(s, line)
	theta := math.Abs(bend) * math.Pi / 180
	radius := total / math.Max(theta, 1e-3)
	sign := 1.0
	if bend < 0 {
		sign = -1
	}
	// Centre of the circle: below the line's middle for a frown (bend > 0
	// sets the letters on top of the circle), above it for a smile.
	ox, oy := float64(cx), float64(cy)+sign*radius
	var whole image.Rectangle
	x := -total / 2
	for _, r := range line {
		w := adv(r)
		a := (x + w/2) / radius // angle from the top of the circle
		px := ox + radius*math.Sin(a)
		py := oy - sign*radius*math.Cos(a)
		x += w
		if r == ' ' {
			continue
		}
		cs := s
		cs.angle = -sign * a * 180 / math.Pi
		whole = whole.Union(cs.drawWhole(img, []string{string(r)}, int(px), int(py)))
	}
	c.end(s, whole)
}

// drawHollow sets lines as outlines only (the ring the outline adds
// around each glyph, the inside left clear), in s.fill, s.outlineW wide.
// It is measured as text a fifth smaller than s.px: thin strokes read
// smaller than filled ones.
func (c *layer) drawHollow(s style, lines []string, cx, cy int) {
	img := c.img
	c.begin(s, lines...)
	pad := s.outlineW + int(s.px/4) + 4
	fill := textMask(s.font, s.px, lines, pad)
	edge := dilate(fill, max(1, s.outlineW))
	for i := range edge.Pix {
		edge.Pix[i] = uint8(max(0, int(edge.Pix[i])-int(fill.Pix[i])))
	}
	ring := rotate(edge, s.angle)
	if s.shadow {
		paint(img, blur(ring, max(1, int(s.px/14))), cx+max(1, int(s.px/16)), cy+max(1, int(s.px/16)), color.RGBA{0, 0, 0, 255}, 0.6)
	}
	paint(img, ring, cx, cy, s.fill, s.opacity)
	whole := inkBox(ring, cx-ring.Rect.Dx()/2, cy-ring.Rect.Dy()/2)
	r := whole.Intersect(img.Bounds())
	if r.Empty() {
		return
	}
	if c.kind != "tiled" && !whole.In(img.Bounds()) {
		c.leg.cut = true
	}
	c.boxes = append(c.boxes, r)
	m := s
	m.px *= 0.8
	m.outline = nil
	c.leg.measure(m, lumOf(c.under, r), c.scale)
}

// lumStd is the standard deviation of the luma of img inside r (every
// other pixel): how busy the picture is under a block.
func lumStd(img *image.RGBA, r image.Rectangle) float64 {
	r = r.Intersect(img.Bounds())
	var s, s2, n float64
	for y := r.Min.Y; y < r.Max.Y; y += 2 {
		for x := r.Min.X; x < r.Max.X; x += 2 {
			c := img.RGBAAt(x, y)
			v := lum(c)
			s, s2, n = s+v, s2+v*v, n+1
		}
	}
	if n == 0 {
		return 0
	}
	m := s / n
	return math.Sqrt(math.Max(0, s2/n-m*m))
}

// BusyFactor is version 5's addition to the label rule: text over a busy
// part of the picture (bark, rock, a starfield) needs more contrast than
// text over a flat one, MinContrast plus BusyFactor times the standard
// deviation of the luma under the busiest block (before any text or plate
// was set, plates and bands measured as drawn).
const BusyFactor = 1.5

// busy applies BusyFactor to what the layer measured.
func (c *layer) busy(plated bool) {
	if c.under == nil || plated {
		return
	}
	worst := 0.0
	for _, r := range c.boxes {
		worst = max(worst, lumStd(c.under, r))
	}
	if c.leg.contrast < MinContrast+BusyFactor*worst {
		c.leg.contrast = 0
	}
}

// stacked is a word set one letter a line (vertical signs).
func stacked(word string) []string {
	var out []string
	for _, r := range strings.ReplaceAll(word, " ", "") {
		out = append(out, string(r))
	}
	return out
}

// compose5 is version 5's compositor: the same nine kinds as compose,
// compose3 and compose4, drawn with other layouts (see real5.go). It
// returns the text, its boxes and the legibility of its weakest block.
func compose5(rng *rand.Rand, fs *fontSet, kind string, img *image.RGBA) (string, []image.Rectangle, legibility) {
	W, H := img.Bounds().Dx(), img.Bounds().Dy()
	long, short := float64(max(W, H)), float64(min(W, H))
	ly := newLayer(img, kind)
	minPx := MinThumbPx / ly.scale // the smallest legible size, in full-size pixels
	black, white := color.RGBA{0, 0, 0, 255}, color.RGBA{255, 255, 255, 255}
	plated := false // the text sits on a plate, band or card of its own: the busy rule does not apply
	done := func(text string) (string, []image.Rectangle, legibility) {
		ly.busy(plated)
		return text, ly.boxes, ly.leg
	}
	// rule draws a thin horizontal line with a small diamond in its middle.
	rule := func(cx, y, half int, c color.RGBA, th int) {
		ly.blend(image.Rect(cx-half, y-th/2, cx-th*3, y-th/2+th), c, 1)
		ly.blend(image.Rect(cx+th*3, y-th/2, cx+half, y-th/2+th), c, 1)
		d := float64(th) * 2.2
		fillPoly(img, [][2]float64{{float64(cx) - d, float64(y)}, {float64(cx), float64(y) - d}, {float64(cx) + d, float64(y)}, {float64(cx), float64(y) + d}}, c, 1)
	}
	switch kind {
	case "meme":
		f := fs.pick(rng, roleImpact)
		switch rng.Intn(4) {
		case 0: // an arched top line, a straight bottom line, white with a black edge
			top := strings.ToUpper(words5(rng, 2+rng.Intn(2)))
			px := max(minPx*1.3, fit(f, short*(0.09+rng.Float64()*0.04), []string{top}, int(float64(W)*0.8)))
			s := style{font: f, px: px, fill: white, opacity: 1, outline: &black, outlineW: max(1, int(px/9))}
			ly.drawArc(s, top, W/2, int(px*1.4), 25+rng.Float64()*30)
			text := top
			if rng.Intn(3) > 0 {
				bot := strings.ToUpper(words5(rng, 2+rng.Intn(3)))
				s.px = max(minPx*1.2, fit(f, px, []string{bot}, int(float64(W)*0.92)))
				s.outlineW = max(1, int(s.px/9))
				ly.draw(s, []string{bot}, W/2, H-int(s.px*0.9))
				text += " / " + bot
			}
			return done(text)
		case 1: // a speech bubble: black words in a white ellipse with a tail
			text := strings.ToUpper(words5(rng, 2+rng.Intn(4)))
			n := 1 + rng.Intn(3)
			lines := splitLines(text, n)
			px := max(minPx*1.1, fit(f, short*(0.06+rng.Float64()*0.04), lines, int(float64(W)*0.5)))
			for ; widest(f, px, lines) > W/2 && n < 4; n++ {
				lines = splitLines(text, n+1) // too wide at the smallest legible size: more lines
			}
			wid := float64(widest(f, px, lines))
			hgt := px * 1.15 * float64(len(lines))
			rx, ry := wid*0.62+px*0.5, hgt*0.62+px*0.6
			cx := rx + 4 + rng.Float64()*math.Max(1, float64(W)-2*rx-8)
			cy := ry + 4 + rng.Float64()*math.Max(1, float64(H)*0.6-2*ry)
			tx := cx + (rng.Float64()*2-1)*rx*0.5
			tail := [][2]float64{{cx - rx*0.25, cy + ry*0.7}, {cx + rx*0.1, cy + ry*0.8}, {tx, math.Min(float64(H)-2, cy+ry*1.8)}}
			edge := pickC(rng, black, rgb(40, 40, 40))
			fillPoly(img, ellipsePts(cx, cy, rx+3, ry+3), edge, 1)
			fillPoly(img, [][2]float64{{tail[0][0] - 3, tail[0][1]}, {tail[1][0] + 3, tail[1][1]}, {tail[2][0], tail[2][1] + 3}}, edge, 1)
			fillPoly(img, ellipsePts(cx, cy, rx, ry), white, 1)
			fillPoly(img, tail, white, 1)
			ly.drawOver(style{font: f, px: px, fill: rgb(15, 15, 15), opacity: 1}, lines, int(cx), int(cy), 255)
			plated = true
			return done(strings.Join(lines, " "))
		case 2: // outline-only (hollow) letters across the middle, a soft shadow
			text := strings.ToUpper(words5(rng, 2+rng.Intn(3)))
			lines := splitLines(text, 1+rng.Intn(2))
			px := max(minPx*1.6, fit(f, float64(H)*(0.12+rng.Float64()*0.06), lines, int(float64(W)*0.9)))
			c := lightOrDark(img, image.Rect(0, H/3, W, 2*H/3))
			s := style{font: f, px: px, fill: c, opacity: 1, outlineW: max(2, int(px/10)), shadow: true}
			ly.drawHollow(s, lines, W/2, H/2+rng.Intn(H/5+1)-H/10)
			return done(text)
		}
		// Top and bottom lines with only a soft shadow (no outline), the
		// fill chosen against what is under each line.
		var parts []string
		for _, top := range []bool{true, false} {
			line := strings.ToUpper(words5(rng, 2+rng.Intn(3)))
			lines := splitLines(line, 1+rng.Intn(2))
			px := max(minPx*1.5, fit(f, float64(H)*(0.08+rng.Float64()*0.05), lines, int(float64(W)*0.92))) // no edge: larger
			h := int(px * 1.1 * float64(len(lines)))
			cy := h/2 + int(px/3)
			if !top {
				cy = H - h/2 - int(px/3)
			}
			c := lightOrDark(img, image.Rect(0, cy-h/2, W, cy+h/2))
			ly.draw(style{font: f, px: px, fill: c, opacity: 1, shadow: true}, lines, W/2, cy)
			parts = append(parts, strings.Join(lines, " "))
		}
		return done(strings.Join(parts, " / "))
	case "quote":
		f := fs.pick(rng, roleSerif)
		text := words5(rng, 5+rng.Intn(8))
		if rng.Intn(2) == 0 {
			text = titleCase(text)
		}
		lines := splitLines(text, 2+rng.Intn(3))
		px := max(minPx, fit(f, short*(0.05+rng.Float64()*0.04), lines, int(float64(W)*0.78)))
		blockH := int(px * 1.1 * float64(len(lines)))
		switch rng.Intn(3) {
		case 0: // centred between two decorative rules on the darkened photo
			darken(img, 0.35+rng.Float64()*0.25)
			cy := H/2 + rng.Intn(H/5+1) - H/10
			ink := pickC(rng, white, rgb(245, 225, 170), rgb(200, 230, 255))
			half := min(W*2/5, widest(f, px, lines)/2+int(px))
			th := max(2, int(px/10))
			rule(W/2, cy-blockH/2-int(px*0.8), half, ink, th)
			ly.draw(style{font: f, px: px, fill: ink, opacity: 1}, lines, W/2, cy)
			y := cy + blockH/2 + int(px*0.8)
			rule(W/2, y, half, ink, th)
			text = strings.Join(lines, " ")
			if rng.Intn(2) == 0 {
				a := strings.ToUpper(words5(rng, 2))
				as := style{font: fs.pick(rng, roleSans), px: max(minPx, px*0.55), fill: ink, opacity: 1}
				if y+int(as.px*1.6) < H {
					ly.draw(as, []string{a}, W/2, y+int(as.px*1.3))
					text += " " + a
				}
			}
			return done(text)
		case 1: // light on light: the photo washed out, white words with a thin dark outline
			ly.blend(img.Bounds(), rgb(245, 245, 240), 0.45+rng.Float64()*0.25)
			o := rgb(40+rng.Float64()*30, 40, 50)
			s := style{font: f, px: max(minPx*1.4, px), fill: white, opacity: 1, outline: &o}
			s.outlineW = max(int(1.3/ly.scale+0.5), int(s.px/12)) // at least 1.3 px on the thumbnail
			ly.draw(s, lines, W/2, H/2+rng.Intn(H/4+1)-H/8)
			return done(strings.Join(lines, " "))
		}
		// A rounded translucent card in the lower third, the author right-aligned below.
		wid := widest(f, px, lines)
		cx, cy := W/2, H-blockH/2-int(px*2.2)
		card := image.Rect(cx-wid/2-int(px), cy-blockH/2-int(px*0.8), cx+wid/2+int(px), cy+blockH/2+int(px*1.8))
		plate := pickC(rng, rgb(250, 248, 240), rgb(20, 24, 30))
		ly.blend(card, plate, 0.75+rng.Float64()*0.2)
		ink := rgb(20, 20, 25)
		if lum(plate) < 128 {
			ink = rgb(250, 250, 245)
		}
		ly.draw(style{font: f, px: px, fill: ink, opacity: 1}, lines, cx, cy)
		a := "~ " + titleCase(words5(rng, 2))
		as := style{font: f, px: max(minPx, px*0.65), fill: ink, opacity: 1}
		aw := widest(as.font, as.px, []string{a})
		ly.draw(as, []string{a}, card.Max.X-int(px*0.6)-aw/2, cy+blockH/2+int(px*0.9))
		return done(strings.Join(lines, " ") + " " + a)
	case "watermark":
		f := fs.pick(rng, roleSans)
		site := sites5[rng.Intn(len(sites5))]
		switch rng.Intn(4) {
		case 0: // a small credit turned up the bottom-right corner
			text := pickS(rng, "Photo: ", "Image: ", "\u00a9 ") + titleCase(words5(rng, 2))
			px := max(minPx, minPx*(1+rng.Float64()*0.3))
			wid := widest(f, px, []string{text})
			cx, cy := W-int(px*0.9), H-int(px*0.6)-wid/2
			c := lightOrDark(img, image.Rect(cx-int(px/2), cy-wid/2, cx+int(px/2), cy+wid/2))
			ly.draw(style{font: f, px: px, fill: c, opacity: 0.8 + rng.Float64()*0.2, angle: 90, shadow: lum(c) > 128}, []string{text}, cx, cy)
			return done(text)
		case 1: // a large hollow name across the middle, translucent
			text := pickS(rng, site, strings.ToUpper(site), site+".com")
			px := max(minPx*1.6, fit(f, long*(0.09+rng.Float64()*0.04), []string{text}, int(float64(W)*0.9)))
			c := lightOrDark(img, image.Rect(W/6, H/3, 5*W/6, 2*H/3))
			ly.drawHollow(style{font: f, px: px, fill: c, opacity: 0.7 + rng.Float64()*0.2, outlineW: max(2, int(px/12)),
				angle: (rng.Float64()*2 - 1) * 15}, []string{text}, W/2, H/2)
			return done(text)
		case 2: // a round stamp: a ring, the agency inside
			text := strings.ToUpper(site)
			px := max(minPx, fit(f, short*0.06, []string{text}, int(short*0.45)))
			r := float64(widest(f, px, []string{text}))*0.5 + px*0.8
			cx := int(r) + 4 + rng.Intn(max(1, W-2*int(r)-8))
			cy := int(r) + 4 + rng.Intn(max(1, H-2*int(r)-8))
			c := lightOrDark(img, image.Rect(cx-int(r), cy-int(r), cx+int(r), cy+int(r)))
			op := 0.65 + rng.Float64()*0.3
			ring := ellipsePts(float64(cx), float64(cy), r, r)
			inner := ellipsePts(float64(cx), float64(cy), r-math.Max(2, px/6), r-math.Max(2, px/6))
			fillPoly(img, append(ring, inner...), c, op) // even-odd: the ring only
			ly.draw(style{font: f, px: px, fill: c, opacity: op}, []string{text}, cx, cy)
			return done(text)
		}
		// Two small lines at the bottom left: the photographer and the site.
		lines := []string{"Photo by " + titleCase(words5(rng, 2)), site + pickS(rng, ".com", ".org", ".net")}
		px := max(minPx, minPx*(1.05+rng.Float64()*0.4))
		wid := widest(f, px, lines)
		cx, cy := int(px*0.7)+wid/2, H-int(px*1.6)
		region := image.Rect(cx-wid/2, cy-int(px), cx+wid/2, cy+int(px))
		c := lightOrDark(img, region)
		op := 0.75 + rng.Float64()*0.25
		if lumStd(img, region) > 30 { // a busy corner: a translucent plate under the credit
			plate := rgb(10, 10, 10)
			if lum(c) < 128 {
				plate = rgb(250, 250, 250)
			}
			ly.blend(region.Inset(-int(px*0.4)), plate, 0.5+rng.Float64()*0.2)
			op = 0.9 + rng.Float64()*0.1
		}
		ly.draw(style{font: f, px: px, fill: c, opacity: op}, lines, cx, cy)
		return done(strings.Join(lines, " "))
	case "sign":
		text := signWords5[rng.Intn(len(signWords5))]
		plates := [][2]color.RGBA{
			{{180, 20, 30, 255}, white}, {{10, 70, 40, 255}, {250, 250, 235, 255}}, {{250, 250, 245, 255}, {20, 40, 120, 255}},
			{{255, 200, 40, 255}, {20, 20, 20, 255}}, {{30, 30, 30, 255}, {120, 230, 255, 255}}, {{90, 50, 140, 255}, white},
			{{230, 230, 225, 255}, {170, 20, 20, 255}}, {{0, 90, 170, 255}, {255, 230, 0, 255}},
		}
		p := plates[rng.Intn(len(plates))]
		switch rng.Intn(3) {
		case 0: // a vertical sign: the letters stacked on a tall plate
			word := strings.Fields(text)[0]
			if len(word) > 8 {
				word = word[:8]
			}
			f := fs.pick(rng, roleSans)
			lines := stacked(word)
			px := max(minPx*1.1, float64(H)*0.8/(1.1*float64(len(lines))))
			px = math.Min(px, float64(H)*(0.08+rng.Float64()*0.04))
			px = max(minPx*1.1, px)
			cx := int(px) + rng.Intn(max(1, W-2*int(px)))
			cy := H / 2
			s := style{font: f, px: px, fill: p[1], opacity: 1, panel: &p[0], panelPad: 0.25}
			ly.draw(s, lines, cx, cy)
			plated = true
			return done(word)
		case 1: // stencil letters sprayed straight on the picture
			f := fs.pick(rng, roleDisplay)
			if rng.Intn(2) == 0 {
				f = fs.pick(rng, roleImpact)
			}
			lines := splitLines(text, 1+rng.Intn(2))
			px := max(minPx*1.5, fit(f, short*(0.1+rng.Float64()*0.06), lines, int(float64(W)*0.8)))
			cx, cy := W/2+rng.Intn(W/5+1)-W/10, H/2+rng.Intn(H/3+1)-H/6
			wid := widest(f, px, lines)
			c := lightOrDark(img, image.Rect(cx-wid/2, cy-int(px), cx+wid/2, cy+int(px)))
			if rng.Intn(2) == 0 {
				c = vivid(rng, lum(c) > 128)
			}
			ly.draw(style{font: f, px: px, fill: c, opacity: 0.85 + rng.Float64()*0.15, angle: (rng.Float64()*2 - 1) * 5}, lines, cx, cy)
			return done(strings.Join(lines, " "))
		}
		// A plate with an inner border line and an arrow beside the words.
		f := sansOrImpact(rng, fs)
		px := max(minPx, fit(f, short*(0.07+rng.Float64()*0.05), []string{text}, int(float64(W)*0.6)))
		wid := widest(f, px, []string{text})
		cx, cy := W/2+rng.Intn(W/4+1)-W/8, H/6+int(px)+rng.Intn(max(1, 2*H/3-2*int(px)))
		arrow := int(px * 1.1)
		plate := image.Rect(cx-wid/2-int(px*0.6)-arrow, cy-int(px*0.9), cx+wid/2+int(px*0.6), cy+int(px*0.9))
		ly.blend(plate, p[0], 1)
		in := plate.Inset(max(2, int(px/8)))
		th := max(1, int(px/14))
		for _, r := range []image.Rectangle{{in.Min, image.Pt(in.Max.X, in.Min.Y+th)}, {image.Pt(in.Min.X, in.Max.Y-th), in.Max},
			{in.Min, image.Pt(in.Min.X+th, in.Max.Y)}, {image.Pt(in.Max.X-th, in.Min.Y), in.Max}} {
			ly.blend(r, p[1], 1)
		}
		ax, ay, as := float64(plate.Min.X)+px*0.5+float64(arrow)/2, float64(cy), px*0.45
		dir := pickS(rng, "left", "right")
		if dir == "left" {
			fillPoly(img, [][2]float64{{ax - as, ay}, {ax, ay - as}, {ax, ay - as/2.5}, {ax + as, ay - as/2.5}, {ax + as, ay + as/2.5}, {ax, ay + as/2.5}, {ax, ay + as}}, p[1], 1)
		} else {
			fillPoly(img, [][2]float64{{ax + as, ay}, {ax, ay - as}, {ax, ay - as/2.5}, {ax - as, ay - as/2.5}, {ax - as, ay + as/2.5}, {ax, ay + as/2.5}, {ax, ay + as}}, p[1], 1)
		}
		ly.drawOver(style{font: f, px: px, fill: p[1], opacity: 1}, []string{text}, cx+arrow/2, cy, lum(p[0]))
		return done(text)
	case "caption":
		f := fs.pick(rng, roleSans)
		text := strings.ToLower(words5(rng, 3+rng.Intn(5)))
		switch rng.Intn(4) {
		case 0: // a news lower third: a label box, the headline on a band, a ticker under it
			label := newsLabels5[rng.Intn(len(newsLabels5))]
			head := strings.ToUpper(words5(rng, 3+rng.Intn(3)))
			px := max(minPx, fit(f, float64(H)*(0.05+rng.Float64()*0.02), []string{head}, int(float64(W)*0.62)))
			lp := max(minPx, px*0.8)
			bandH := int(px * 1.8)
			y0 := H - bandH - int(px*1.7)
			band := pickC(rng, rgb(250, 250, 250), rgb(15, 35, 80), rgb(30, 30, 30))
			ly.band(y0, y0+bandH, band, 0.9+rng.Float64()*0.1)
			tick := rgb(200, 20, 30)
			lf := fs.pick(rng, roleImpact)
			lw := widest(lf, lp, []string{label})
			ly.blend(image.Rect(0, y0, lw+int(lp*1.2), y0+bandH), tick, 1)
			ly.drawOver(style{font: lf, px: lp, fill: white, opacity: 1}, []string{label}, (lw+int(lp*1.2))/2, y0+bandH/2, lum(tick))
			ink := rgb(15, 15, 20)
			if lum(band) < 128 {
				ink = white
			}
			hw := widest(f, px, []string{head})
			ly.drawOver(style{font: f, px: px, fill: ink, opacity: 1}, []string{head}, lw+int(lp*1.2)+int(px*0.5)+hw/2, y0+bandH/2, lum(band))
			ly.band(y0+bandH, H-int(px*0.3), rgb(235, 235, 235), 0.95)
			tp := max(minPx, px*0.7)
			tw := widest(f, tp, []string{text})
			ly.drawOver(style{font: f, px: tp, fill: rgb(20, 20, 20), opacity: 1}, []string{text}, int(px*0.5)+tw/2, y0+bandH+int(px*0.7), 235)
			return done(label + " " + head + " " + text)
		case 1: // a tweet card: a white card, an avatar disc, the name, the handle and the words
			lines := splitLines(text, 2+rng.Intn(2))
			px := max(minPx, fit(f, short*(0.045+rng.Float64()*0.02), lines, int(float64(W)*0.7)))
			name := titleCase(words5(rng, 2))
			user := "@" + handle5(rng)
			wid := max(widest(f, px, lines), widest(f, px, []string{name + "  " + user})+int(px*2.5))
			cardH := int(px * (1.35*float64(len(lines)+2) + 1.2))
			x0 := (W - wid - int(px*2)) / 2
			y0 := (H-cardH)/2 + rng.Intn(H/6+1) - H/12
			card := image.Rect(x0, y0, x0+wid+int(px*2), y0+cardH)
			ly.blend(card.Add(image.Pt(3, 3)), black, 0.35)
			ly.blend(card, pickC(rng, white, rgb(21, 32, 43)), 1)
			ink, grey := rgb(15, 20, 25), rgb(100, 110, 120)
			if lumOf(img, card) < 128 {
				ink, grey = rgb(245, 248, 250), rgb(150, 160, 170)
			}
			ar := px * 0.9
			fillDisc(img, x0+int(px)+int(ar), y0+int(px)+int(ar), ar, vivid(rng, false))
			nx := x0 + int(px) + int(2*ar) + int(px*0.5)
			nf := fs.pick(rng, roleImpact)
			nw := widest(nf, px, []string{name})
			ly.drawOver(style{font: nf, px: px, fill: ink, opacity: 1}, []string{name}, nx+nw/2, y0+int(px)+int(ar*0.5), lumOf(img, card))
			uw := widest(f, px*0.9, []string{user})
			ly.drawOver(style{font: f, px: max(minPx, px*0.9), fill: grey, opacity: 1}, []string{user}, nx+uw/2, y0+int(px)+int(ar*1.6), lumOf(img, card))
			y := y0 + int(px) + int(2*ar) + int(px*1.1)
			for _, l := range lines {
				w := widest(f, px, []string{l})
				ly.drawOver(style{font: f, px: px, fill: ink, opacity: 1}, []string{l}, x0+int(px)+w/2, y, lumOf(img, card))
				y += int(px * 1.35)
			}
			return done(name + " " + user + " " + strings.Join(lines, " "))
		case 2: // coloured words on a coloured band
			lines := splitLines(text, 1+rng.Intn(2))
			px := max(minPx, fit(f, float64(H)*(0.05+rng.Float64()*0.03), lines, int(float64(W)*0.86)))
			pairs := [][2]color.RGBA{{{200, 20, 40, 255}, {255, 230, 80, 255}}, {{20, 60, 140, 255}, {255, 200, 60, 255}},
				{{0, 110, 90, 255}, {255, 240, 200, 255}}, {{250, 210, 30, 255}, {120, 20, 60, 255}}, {{90, 30, 120, 255}, {130, 240, 200, 255}}}
			p := pairs[rng.Intn(len(pairs))]
			bandH := int(px * (1.25*float64(len(lines)) + 0.9))
			y0 := pickI(rng, int(float64(H)*0.08), (H-bandH)/2, H-bandH-int(float64(H)*0.08))
			ly.band(y0, y0+bandH, p[0], 0.85+rng.Float64()*0.15)
			ly.drawOver(style{font: f, px: px, fill: p[1], opacity: 1}, lines, W/2, y0+bandH/2, lum(p[0]))
			return done(strings.Join(lines, " "))
		}
		// Words over the busiest part of the picture with only a soft shadow.
		lines := splitLines(text, 1+rng.Intn(2))
		px := max(minPx*1.1, fit(f, float64(H)*(0.055+rng.Float64()*0.03), lines, int(float64(W)*0.9)))
		cy := H/3 + rng.Intn(H/3+1)
		wid := widest(f, px, lines)
		c := lightOrDark(img, image.Rect(W/2-wid/2, cy-int(px), W/2+wid/2, cy+int(px)))
		ly.draw(style{font: f, px: px, fill: c, opacity: 1, shadow: true}, lines, W/2, cy)
		return done(strings.Join(lines, " "))
	case "tiled":
		f := sansOrImpact(rng, fs)
		word := sites5[rng.Intn(len(sites5))]
		if rng.Intn(3) == 0 {
			word = tiledWords5[rng.Intn(len(tiledWords5))]
		}
		c := lightOrDark(img, img.Bounds())
		s := style{font: f, fill: c, opacity: 0.45 + rng.Float64()*0.3}
		hollow := false
		switch rng.Intn(3) {
		case 0: // hollow words in a grid, a little tilted
			s.px = max(minPx*1.6, long*(0.06+rng.Float64()*0.03))
			s.outlineW = max(2, int(s.px/12))
			s.opacity = 0.6 + rng.Float64()*0.3
			s.angle = (rng.Float64()*2 - 1) * 12
			hollow = true
		case 1: // vertical columns: the words turned a quarter
			s.px = max(minPx, long*(0.045+rng.Float64()*0.025))
			s.angle = float64(rng.Intn(2)*2-1) * 90
		default: // crossing diagonals: every other row turned the other way
			s.px = max(minPx, long*(0.045+rng.Float64()*0.03))
			s.angle = 25 + rng.Float64()*15
		}
		wid := float64(widest(f, s.px, []string{word}))
		sin, cos := math.Abs(math.Sin(s.angle*math.Pi/180)), math.Abs(math.Cos(s.angle*math.Pi/180))
		stepX := int(wid*cos + s.px*sin + s.px*(0.8+rng.Float64()*1.2))
		stepY := int(wid*sin + s.px*cos + s.px*(0.6+rng.Float64()*1.2))
		cross := s.angle > 0 && s.angle < 80
		for row, y := 0, rng.Intn(stepY); y < H+stepY; row, y = row+1, y+stepY {
			rs := s
			if cross && row%2 == 1 {
				rs.angle = -s.angle
			}
			for x := (row%2)*stepX/2 - rng.Intn(stepX/2+1); x < W+stepX; x += stepX {
				if hollow {
					ly.drawHollow(rs, []string{word}, x, y)
				} else {
					ly.draw(rs, []string{word}, x, y)
				}
			}
		}
		return done(word)
	case "card":
		f := fs.pick(rng, roleSerif)
		if rng.Intn(3) == 0 {
			f = fs.pick(rng, roleDisplay)
		}
		text := words5(rng, 2+rng.Intn(5))
		if rng.Intn(2) == 0 {
			text = titleCase(text)
		}
		switch rng.Intn(3) {
		case 0: // a ribbon banner with notched ends across the picture
			lines := []string{text}
			px := max(minPx, fit(f, short*(0.07+rng.Float64()*0.04), lines, int(float64(W)*0.7)))
			wid := float64(widest(f, px, lines))
			cy := float64(H)*0.3 + rng.Float64()*float64(H)*0.4
			hh := px * 0.95
			x0, x1 := float64(W)/2-wid/2-px, float64(W)/2+wid/2+px
			col := vivid(rng, rng.Intn(3) == 0)
			dark := rgb(float64(col.R)*0.6, float64(col.G)*0.6, float64(col.B)*0.6)
			n := px * 0.8
			fillPoly(img, [][2]float64{{x0 - 2*n, cy - hh + n/2}, {x0 + n, cy - hh + n/2}, {x0 + n, cy + hh + n/2}, {x0 - 2*n, cy + hh + n/2}, {x0 - n, cy + n/2}}, dark, 1)
			fillPoly(img, [][2]float64{{x1 + 2*n, cy - hh + n/2}, {x1 - n, cy - hh + n/2}, {x1 - n, cy + hh + n/2}, {x1 + 2*n, cy + hh + n/2}, {x1 + n, cy + n/2}}, dark, 1)
			fillPoly(img, [][2]float64{{x0, cy - hh}, {x1, cy - hh}, {x1, cy + hh}, {x0, cy + hh}}, col, 1)
			ink := rgb(255, 252, 240)
			if lum(col) > 150 {
				ink = rgb(30, 20, 25)
			}
			ly.drawOver(style{font: f, px: px, fill: ink, opacity: 1}, lines, W/2, int(cy), lum(col))
			return done(text)
		case 1: // a badge: a disc with a ring, two or three lines inside
			lines := splitLines(text, 2+rng.Intn(2))
			r := short * (0.28 + rng.Float64()*0.1)
			px := max(minPx, fit(f, r*0.3, lines, int(r*1.2)))
			for float64(len(lines))*px*1.15 > r*1.2 && len(lines) > 1 {
				lines = lines[:len(lines)-1]
			}
			cx := int(r) + 2 + rng.Intn(max(1, W-2*int(r)-4))
			cy := int(r) + 2 + rng.Intn(max(1, H-2*int(r)-4))
			col := pickC(rng, rgb(250, 246, 235), vivid(rng, false), rgb(25, 25, 35))
			fillDisc(img, cx, cy, r, col)
			ink := rgb(25, 22, 30)
			if lum(col) < 140 {
				ink = rgb(255, 250, 240)
			}
			ring := ellipsePts(float64(cx), float64(cy), r*0.92, r*0.92)
			fillPoly(img, append(ring, ellipsePts(float64(cx), float64(cy), r*0.92-math.Max(2, r/40), r*0.92-math.Max(2, r/40))...), ink, 1)
			ly.drawOver(style{font: f, px: px, fill: ink, opacity: 1}, lines, cx, cy, lum(col))
			return done(strings.Join(lines, " "))
		}
		// A framed inset over the washed-out photo: a double border, the
		// words in the middle, a line of small capitals under them.
		ly.blend(img.Bounds(), rgb(250, 248, 242), 0.55+rng.Float64()*0.25)
		lines := splitLines(text, 1+rng.Intn(3))
		px := max(minPx, fit(f, short*(0.08+rng.Float64()*0.05), lines, int(float64(W)*0.7)))
		m := int(short * (0.05 + rng.Float64()*0.04))
		ink := pickC(rng, rgb(30, 30, 40), rgb(90, 20, 30), rgb(10, 50, 60))
		th := max(1, int(short/200))
		for _, in := range []int{m, m + 3*th} {
			r := image.Rect(in, in, W-in, H-in)
			for _, e := range []image.Rectangle{{r.Min, image.Pt(r.Max.X, r.Min.Y+th)}, {image.Pt(r.Min.X, r.Max.Y-th), r.Max},
				{r.Min, image.Pt(r.Min.X+th, r.Max.Y)}, {image.Pt(r.Max.X-th, r.Min.Y), r.Max}} {
				ly.blend(e, ink, 1)
			}
		}
		cy := H/2 - int(px*0.4)
		ly.draw(style{font: f, px: px, fill: ink, opacity: 1}, lines, W/2, cy)
		text = strings.Join(lines, " ")
		sub := strings.ToUpper(words5(rng, 2))
		ss := style{font: fs.pick(rng, roleSans), px: max(minPx, px*0.45), fill: ink, opacity: 1}
		sy := cy + int(px*0.6*float64(len(lines))) + int(ss.px*1.5)
		if sy+int(ss.px) < H-m-4*th {
			ly.draw(ss, []string{sub}, W/2, sy)
			text += " / " + sub
		}
		return done(text)
	case "price":
		f := fs.pick(rng, roleImpact)
		amount := fmt.Sprintf("%d.%02d", 2+rng.Intn(500), []int{99, 49, 90, 0, 25}[rng.Intn(5)])
		price := pickS(rng, "$", "\u00a3", "", "") + amount
		switch rng.Intn(3) {
		case 0: // a starburst with the price inside
			lines := []string{pickS(rng, "ONLY", "NOW", "WOW", "SAVE"), price}
			r := max(short*(0.18+rng.Float64()*0.08), minPx*2.6)
			cx := int(r) + 2 + rng.Intn(max(1, W-2*int(r)-4))
			cy := int(r) + 2 + rng.Intn(max(1, H-2*int(r)-4))
			col := pickC(rng, rgb(255, 220, 0), rgb(230, 30, 40), rgb(255, 120, 0), rgb(40, 180, 80))
			fillPoly(img, starPts(float64(cx), float64(cy), r*0.78, r, 14+rng.Intn(8), rng.Float64()), col, 1)
			ink := rgb(20, 20, 20)
			if lum(col) < 140 {
				ink = white
			}
			px := max(minPx, fit(f, r*0.5, lines, int(r*1.2)))
			ly.drawOver(style{font: f, px: px, fill: ink, opacity: 1, angle: (rng.Float64()*2 - 1) * 15}, lines, cx, cy, lum(col))
			return done(strings.Join(lines, " "))
		case 1: // a hanging tag: a turned plate with a hole and a string
			lines := []string{priceHeads5[rng.Intn(len(priceHeads5))], price}
			if rng.Intn(3) == 0 {
				lines = append(splitLines(lines[0], 2), price)
			}
			px := max(minPx, fit(f, short*(0.06+rng.Float64()*0.04), lines, int(float64(W)*0.45)))
			cx, cy := W/4+rng.Intn(W/2+1), H/3+rng.Intn(H/3+1)
			col := pickC(rng, rgb(250, 245, 225), rgb(255, 230, 0), rgb(220, 30, 60))
			ink := rgb(20, 20, 20)
			if lum(col) < 140 {
				ink = white
			}
			hy := cy - int(px*0.7*float64(len(lines))) - int(px*0.9)
			ly.blend(image.Rect(cx-1, 0, cx+1, hy), rgb(60, 50, 40), 1) // the string
			s := style{font: f, px: px, fill: ink, opacity: 1, panel: &col, panelPad: 0.45, angle: (rng.Float64()*2 - 1) * 8, shadow: rng.Intn(2) == 0}
			ly.draw(s, lines, cx, cy)
			plated = true
			fillDisc(img, cx, hy+int(px*0.3), math.Max(2, px/6), rgb(40, 40, 40))
			return done(strings.Join(lines, " "))
		}
		// The old price struck through beside the new one, on a band.
		old := pickS(rng, "$", "\u00a3", "") + fmt.Sprintf("%d.99", 10+rng.Intn(500))
		lines := []string{old + "  " + price}
		px := max(minPx*1.1, fit(f, short*(0.07+rng.Float64()*0.04), lines, int(float64(W)*0.8)))
		cy := H/4 + rng.Intn(H/2+1)
		band := pickC(rng, rgb(10, 10, 10), rgb(250, 250, 250), rgb(200, 0, 40))
		ly.band(cy-int(px), cy+int(px), band, 0.85+rng.Float64()*0.15)
		ink := rgb(255, 230, 0)
		if lum(band) > 128 {
			ink = rgb(200, 0, 30)
		}
		if lum(band) < 128 && band.R > 150 {
			ink = white
		}
		ly.drawOver(style{font: f, px: px, fill: ink, opacity: 1}, lines, W/2, cy, lum(band))
		ow := widest(f, px, []string{old})
		all := widest(f, px, lines)
		ly.blend(image.Rect(W/2-all/2, cy-max(1, int(px/14)), W/2-all/2+ow, cy+max(1, int(px/14))), ink, 1)
		return done(strings.Join(lines, " "))
	default: // headline
		f := fs.pick(rng, roleDisplay)
		text := words5(rng, 1+rng.Intn(3))
		if rng.Intn(2) == 0 {
			text = strings.ToUpper(text)
		} else {
			text = titleCase(text)
		}
		switch rng.Intn(3) {
		case 0: // turned a quarter up the left or right edge, large
			line := strings.Fields(text)[0]
			px := max(minPx*1.2, fit(f, short*(0.12+rng.Float64()*0.06), []string{line}, int(float64(H)*0.85)))
			cx, angle := int(px*0.9), 90.0
			if rng.Intn(2) == 0 {
				cx, angle = W-int(px*0.9), -90
			}
			wid := widest(f, px, []string{line})
			c := lightOrDark(img, image.Rect(cx-int(px/2), H/2-wid/2, cx+int(px/2), H/2+wid/2))
			s := style{font: f, px: px, fill: c, opacity: 0.9 + rng.Float64()*0.1, shadow: rng.Intn(2) == 0, angle: angle}
			ly.draw(s, []string{line}, cx, H/2)
			return done(line)
		case 1: // an arch over the middle of the picture
			px := max(minPx*1.3, fit(f, short*(0.1+rng.Float64()*0.05), []string{text}, int(float64(W)*0.75)))
			cy := H/3 + rng.Intn(H/3+1)
			c := vivid(rng, lumOf(img, image.Rect(0, cy-int(px), W, cy+int(px))) < 128)
			o := black
			if lum(c) < 128 {
				o = white
			}
			s := style{font: f, px: px, fill: c, opacity: 1, outline: &o, outlineW: max(1, int(px/12))}
			ly.drawArc(s, text, W/2, cy, pickF(rng, 1, -1)*(30+rng.Float64()*40))
			return done(text)
		}
		// Stacked words, each smaller than the one above, left-aligned, a
		// thick underline under the first.
		ws := strings.Fields(text)
		px := max(minPx*1.1, fit(f, short*(0.13+rng.Float64()*0.05), ws[:1], int(float64(W)*0.7)))
		x0 := int(px * 0.6)
		y := int(px * 1.1)
		region := image.Rect(x0, 0, W*3/4, H/2)
		c := lightOrDark(img, region)
		for i, w := range ws {
			p := max(minPx*1.1, px*math.Pow(0.72, float64(i)))
			p = max(minPx*1.1, fit(f, p, []string{w}, W-2*x0))
			wid := widest(f, p, []string{w})
			ly.draw(style{font: f, px: p, fill: c, opacity: 1, shadow: lum(c) > 128}, []string{w}, x0+wid/2, y)
			if i == 0 {
				ly.blend(image.Rect(x0, y+int(p*0.55), x0+wid, y+int(p*0.55)+max(2, int(p/10))), c, 1)
			}
			y += int(p*1.1) + int(px*0.25)
		}
		return done(strings.Join(ws, " "))
	}
}

func pickI(rng *rand.Rand, l ...int) int         { return l[rng.Intn(len(l))] }
func pickF(rng *rand.Rand, l ...float64) float64 { return l[rng.Intn(len(l))] }
