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

// Version 7's text: its own word list (weather, music, kitchen, travel,
// garden, craft and feeling words), agencies, shop-front texts, poster
// lines and quote authors (none of versions 1-6's lists; a test checks it).
var vocabulary7 = strings.Fields(`
drizzle thunderclap rainbow gust blizzard monsoon sunbeam hailstorm frost cloudburst dewdrop
ballad saxophone ukulele harmonica symphony encore lullaby cello banjo tambourine xylophone bassoon accordion
saucepan spatula colander teapot skillet ladle nutmeg paprika saffron ginger vanilla cardamom whisk
passport luggage voyage rucksack souvenir itinerary timetable boarding gondola ferryman
tulip daisy lavender orchid magnolia sunflower ivy fern clover primrose marigold bluebell
knitting pottery origami quilting embroidery weaving sketchbook watercolour easel crochet
joy kindly bravery awe thankful laughter dreamy liberty cosy mellow
`)

var sites7 = []string{"photostockeditor", "freerangestock", "burst", "styledstock", "picography", "splitshire",
	"stocksnapper", "freestocks", "picspree", "libreshot", "isorepublic"}

// shopSigns7 are shop fronts, street posters and packaging names.
var shopSigns7 = []string{"HABERDASHER", "NEWSAGENT", "IRONMONGER", "GELATERIA", "PATISSERIE", "FISHMONGER",
	"BISTRO", "DUMPLING HOUSE", "RECORD STORE", "GIFT SHOP", "RAMEN BAR", "PIANO SHOP", "KITE SHOP", "TOY SHOP",
	"LAUNDERETTE 24H", "PHOTO LAB", "WAFFLE HOUSE", "BAKEHOUSE", "CHEESE SHOP", "SPICE MARKET", "HAT SHOP", "SOAP STUDIO"}

var posterHeads7 = []string{"LIVE MUSIC", "OPEN MIC", "JAZZ NIGHT", "FOOD FESTIVAL", "SUMMER FAIR", "FILM CLUB",
	"GRAND OPENING", "STREET MARKET", "CRAFT FAIR", "DANCE PARTY", "BOOK SIGNING", "CHARITY RUN"}

var posterDates7 = []string{"FRIDAY 21 JUNE", "SAT 14 SEPT", "SUNDAY 3 MARCH", "12-14 JULY", "EVERY TUESDAY",
	"1 MAY 7PM", "THIS SATURDAY", "NOV 9 8PM"}

var authors7 = []string{"Maya Lindqvist", "J. Okafor", "Rosa Belmonte", "Ilse Varga", "T. Nakamura", "Owen Prydderch",
	"Amara Diallo", "Lena Sorensen"}

var scriptLines7 = []string{"Thank you", "With love", "Good morning", "Sweet dreams", "Best wishes", "Hello sunshine",
	"Stay wild", "Bon voyage", "Cheers", "Enjoy", "Just married", "Be kind"}

func words7(rng *rand.Rand, n int) string { return pickWords(rng, vocabulary7, n) }

// keystone squeezes m's rows towards its centre column: the top row to
// top of its width, the bottom row to bottom, the rows between in
// proportion (text on a plane receding from the camera).
func keystone(m *image.Alpha, top, bottom float64) *image.Alpha {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	out := image.NewAlpha(image.Rect(0, 0, w, h))
	cx := float64(w) / 2
	for y := range h {
		t := float64(y) / math.Max(1, float64(h-1))
		s := top + (bottom-top)*t
		for x := range w {
			sx := cx + (float64(x)+0.5-cx)/s
			i := int(sx)
			if i < 0 || i >= w-1 {
				continue
			}
			f := sx - float64(i)
			a := float64(m.Pix[y*m.Stride+i])*(1-f) + float64(m.Pix[y*m.Stride+i+1])*f
			out.Pix[y*out.Stride+x] = uint8(a + 0.5)
		}
	}
	return out
}

// paintGradient blends m into dst (centred at cx, cy) with a colour that
// runs from c0 at the mask's top row to c1 at its bottom one.
func paintGradient(dst *image.RGBA, m *image.Alpha, cx, cy int, c0, c1 color.RGBA, opacity float64) {
	ox, oy := cx-m.Rect.Dx()/2, cy-m.Rect.Dy()/2
	b := dst.Bounds()
	h := float64(max(1, m.Rect.Dy()-1))
	for y := range m.Rect.Dy() {
		ty := oy + y
		if ty < b.Min.Y || ty >= b.Max.Y {
			continue
		}
		t := float64(y) / h
		c := [3]float64{float64(c0.R)*(1-t) + float64(c1.R)*t, float64(c0.G)*(1-t) + float64(c1.G)*t, float64(c0.B)*(1-t) + float64(c1.B)*t}
		for x := range m.Rect.Dx() {
			tx := ox + x
			if tx < b.Min.X || tx >= b.Max.X {
				continue
			}
			a := float64(m.Pix[y*m.Stride+x]) / 255 * opacity
			if a <= 0 {
				continue
			}
			i := dst.PixOffset(tx, ty)
			for k := range 3 {
				dst.Pix[i+k] = uint8(float64(dst.Pix[i+k])*(1-a) + c[k]*a + 0.5)
			}
		}
	}
}

// drawMask paints a prepared glyph mask m (centred at cx, cy) in s.fill
// and records it as one block measured in style s (s.px its size).
func (c *layer) drawMask(s style, line string, m *image.Alpha, cx, cy int) {
	c.begin(s, line)
	paint(c.img, m, cx, cy, s.fill, s.opacity)
	c.end(s, inkBox(m, cx-m.Rect.Dx()/2, cy-m.Rect.Dy()/2))
}

// drawGradient sets lines filled with a vertical gradient from c0 to c1
// (an outline of s.outline when set) and measures the block at its weaker
// end.
func (c *layer) drawGradient(s style, lines []string, cx, cy int, c0, c1 color.RGBA) {
	c.begin(s, lines...)
	pad := s.outlineW + int(s.px/4) + 4
	m := rotate(textMask(s.font, s.px, lines, pad), s.angle)
	if s.outline != nil {
		paint(c.img, rotate(dilate(textMask(s.font, s.px, lines, pad), s.outlineW), s.angle), cx, cy, *s.outline, s.opacity)
	}
	paintGradient(c.img, m, cx, cy, c0, c1, s.opacity)
	whole := inkBox(m, cx-m.Rect.Dx()/2, cy-m.Rect.Dy()/2)
	e := s
	e.fill = c0
	c.end(e, whole)
	if r := whole.Intersect(c.img.Bounds()); !r.Empty() {
		e.fill = c1 // the other end of the gradient
		c.leg.measure(e, lumOf(c.under, r), c.scale)
	}
}

// endOver is end for a block read against a plate of luma bg.
func (c *layer) endOver(s style, whole image.Rectangle, bg float64) {
	r := whole.Intersect(c.img.Bounds())
	if r.Empty() {
		return
	}
	if !whole.In(c.img.Bounds()) {
		c.leg.cut = true
	}
	c.boxes = append(c.boxes, r)
	c.leg.measure(s, bg, c.scale)
}

// drawNeon sets lines as a neon tube: a wide soft glow in glow, then the
// tube's core in core. The block is measured by its core against what
// was under it.
func (c *layer) drawNeon(s style, lines []string, cx, cy int, glow color.RGBA) {
	c.begin(s, lines...)
	r := max(2, int(s.px/7))
	pad := 3*r + int(s.px/4) + 4
	m := rotate(textMask(s.font, s.px, lines, pad), s.angle)
	halo := blur(dilate(m, r), 2*r)
	paint(c.img, halo, cx, cy, glow, 0.85)
	paint(c.img, blur(dilate(m, max(1, r/2)), r/2+1), cx, cy, glow, 1)
	paint(c.img, m, cx, cy, s.fill, s.opacity)
	c.end(s, inkBox(m, cx-m.Rect.Dx()/2, cy-m.Rect.Dy()/2))
}

// drawExtruded sets lines as 3-D letters: depth copies stepped down and
// right in side, then the face in s.fill (with s.outline round it when
// set).
func (c *layer) drawExtruded(s style, lines []string, cx, cy, depth int, side color.RGBA) {
	c.begin(s, lines...)
	pad := s.outlineW + int(s.px/4) + depth + 4
	m := rotate(textMask(s.font, s.px, lines, pad), s.angle)
	for d := depth; d >= 1; d-- {
		paint(c.img, m, cx+d, cy+d, side, 1)
	}
	if s.outline != nil {
		paint(c.img, rotate(dilate(textMask(s.font, s.px, lines, pad), s.outlineW), s.angle), cx, cy, *s.outline, 1)
	}
	paint(c.img, m, cx, cy, s.fill, s.opacity)
	c.end(s, inkBox(m, cx-m.Rect.Dx()/2, cy-m.Rect.Dy()/2))
}

// ThinMargin is version 7's addition to the label rule for hairline
// faces: their blocks need this many grey levels of contrast more.
const ThinMargin = 40.0

// firstDisplay is one of the first n display faces of fs (all of them
// when there are fewer): versions 7's and 8's scripts lead their lists.
func firstDisplay(rng *rand.Rand, fs *fontSet, n int) *opentype.Font {
	return fs[roleDisplay][rng.Intn(min(n, len(fs[roleDisplay])))]
}

// scriptFont7 is one of version 7's handwritten and brush faces (the
// first nScript7 display faces of heldOut7FontFiles).
func scriptFont7(rng *rand.Rand, fs *fontSet) *opentype.Font {
	return firstDisplay(rng, fs, nScript7)
}

// plainScript7 is one of version 7's scripts that read small (the first
// nPlainScript7).
func plainScript7(rng *rand.Rand, fs *fontSet) *opentype.Font {
	return firstDisplay(rng, fs, nPlainScript7)
}

// plainDisplay7 is one of version 7's display faces that read in
// capitals (those after the scripts).
func plainDisplay7(rng *rand.Rand, fs *fontSet) *opentype.Font {
	l := fs[roleDisplay]
	if len(l) <= nScript7 {
		return l[rng.Intn(len(l))]
	}
	return l[nScript7+rng.Intn(len(l)-nScript7)]
}

// sansFont7 is one of version 7's sans faces that are not hairlines.
func sansFont7(rng *rand.Rand, fs *fontSet) *opentype.Font {
	l := fs[roleSans]
	n := max(1, len(l)-nThin7)
	return l[rng.Intn(n)]
}

// readsSmaller measures the layer's blocks as if set at f times their
// size: hairlines and scripts read smaller than their em.
func (c *layer) readsSmaller(px, f float64) {
	c.leg.thumbPx = math.Min(c.leg.thumbPx, px*f*c.scale)
}

// hairline applies the label rule's terms for a hairline face set at px:
// measured at three quarters of its size, with ThinMargin more contrast
// needed.
func (c *layer) hairline(px float64) {
	c.readsSmaller(px, 0.75)
	c.leg.contrast -= ThinMargin
}

// thinFont7 is one of version 7's hairline faces (the last nThin7 sans
// faces of heldOut7FontFiles).
func thinFont7(rng *rand.Rand, fs *fontSet) *opentype.Font {
	l := fs[roleSans]
	n := min(nThin7, len(l))
	return l[len(l)-n+rng.Intn(n)]
}

// compose7 is version 7's compositor (see real7.go): headlines round a
// circle, in perspective, extruded, upright and in mixed sizes; neon and
// gradient-filled words; handwritten and brush scripts; thin light
// captions on busy photos; faint watermarks; memes; quotes; shop fronts,
// book covers and packaging turned in perspective; street posters. It
// returns the text, its boxes and the legibility of its weakest block.
func compose7(rng *rand.Rand, fs *fontSet, kind string, img *image.RGBA) (string, []image.Rectangle, legibility) {
	W, H := img.Bounds().Dx(), img.Bounds().Dy()
	short := float64(min(W, H))
	ly := newLayer(img, kind)
	minPx := MinThumbPx / ly.scale
	black, white := color.RGBA{0, 0, 0, 255}, color.RGBA{255, 255, 255, 255}
	plated := false
	done := func(text string) (string, []image.Rectangle, legibility) {
		ly.busy(plated)
		return text, ly.boxes, ly.leg
	}
	switch kind {
	case "headline":
		f := pickFont(rng, plainDisplay7(rng, fs), fs.pick(rng, roleImpact))
		text := strings.ToUpper(words7(rng, 1+rng.Intn(2)))
		switch rng.Intn(5) {
		case 0: // round a circle: the words run most of the way round a disc
			r := short * (0.24 + rng.Float64()*0.08)
			circ := 2 * math.Pi * r
			line := text
			if rng.Intn(2) == 0 {
				line += " \u2022 " + strings.ToUpper(words7(rng, 1))
			}
			// over the top of the circle: the line spans 120-200 degrees
			px := max(minPx*1.3, math.Min(r*0.45, pxForWidth(f, line, int(circ*(0.33+rng.Float64()*0.22)))))
			if w := float64(widest(f, px, []string{line})); w > circ*0.6 {
				r = w / (0.6 * 2 * math.Pi) // a wider circle: the line still spans some 216 degrees
				circ = 2 * math.Pi * r
			}
			cx, cy := W/2+rng.Intn(W/4+1)-W/8, H/2
			col := lightOrDark(img, image.Rect(cx-int(r*1.3), cy-int(r*1.3), cx+int(r*1.3), cy+int(r*1.3)))
			bend := 360 * float64(widest(f, px, []string{line})) / circ
			ly.arcLetters(style{font: f, px: px, fill: col, opacity: 1, shadow: true}, line, cx, cy-int(r), bend,
				float64(widest(f, px, []string{line})), func(q rune) float64 {
					if q == ' ' {
						return px * 0.3
					}
					return float64(widest(f, px, []string{string(q)}))
				})
			return done(line)
		case 1: // in perspective: a keystone, like letters on a wall or the floor
			px := max(minPx*1.6, fit(f, short*(0.14+rng.Float64()*0.06), []string{text}, int(float64(W)*0.85)))
			top, bot := 0.55+rng.Float64()*0.2, 1.0
			if rng.Intn(2) == 0 {
				top, bot = bot, top
			}
			m := keystone(textMask(f, px, []string{text}, int(px/4)+4), top, bot)
			cy := H/2 + rng.Intn(H/4+1) - H/8
			c := lightOrDark(img, image.Rect(0, cy-int(px), W, cy+int(px)))
			sh := blur(m, max(1, int(px/12)))
			paint(img, sh, W/2+int(px/14), cy+int(px/14), black, 0.6)
			// measured a fifth smaller: the squeezed end reads smaller
			ly.drawMask(style{font: f, px: px * math.Min(top, bot), fill: c, opacity: 1}, text, m, W/2, cy)
			return done(text)
		case 2: // extruded 3-D capitals
			px := max(minPx*1.5, fit(f, short*(0.13+rng.Float64()*0.06), []string{text}, int(float64(W)*0.85)))
			face := vivid(rng, true)
			side := rgb(float64(face.R)*0.35, float64(face.G)*0.35, float64(face.B)*0.35)
			o := black
			ly.drawExtruded(style{font: f, px: px, fill: face, opacity: 1, outline: &o, outlineW: max(1, int(px/20))},
				[]string{text}, W/2, H/2+rng.Intn(H/4+1)-H/8, max(3, int(px/9)), side)
			return done(text)
		case 3: // upright: one line turned 90 degrees up a side
			line := strings.ToUpper(words7(rng, 1))
			px := max(minPx*1.4, fit(f, short*(0.11+rng.Float64()*0.05), []string{line}, int(float64(H)*0.85)))
			ang := pickF(rng, 90, -90)
			cx := pickI(rng, int(px*0.9), W-int(px*0.9))
			c := lightOrDark(img, image.Rect(cx-int(px), 0, cx+int(px), H))
			ly.draw(style{font: f, px: px, fill: c, opacity: 1, shadow: true, angle: ang}, []string{line}, cx, H/2)
			return done(line)
		}
		// Mixed sizes in one block: a small line, a huge word, a middle line.
		big := strings.ToUpper(words7(rng, 1))
		small := strings.ToUpper(pickS(rng, "the ", "a taste of ", "welcome to ", "all about ") + words7(rng, 1))
		mid := titleCase(words7(rng, 2))
		bp := max(minPx*2, fit(f, short*(0.22+rng.Float64()*0.08), []string{big}, int(float64(W)*0.8)))
		sf := sansFont7(rng, fs)
		sp := max(minPx, bp*0.28)
		mp := max(minPx*1.1, bp*0.42)
		if widest(sf, sp, []string{small}) > W*9/10 || widest(f, mp, []string{mid}) > W*9/10 {
			return done("")
		}
		cy := H / 2
		c := lightOrDark(img, image.Rect(0, cy-int(bp*1.4), W, cy+int(bp*1.4)))
		ly.draw(style{font: sf, px: sp, fill: c, opacity: 1, shadow: true}, []string{small}, W/2, cy-int(bp*0.75))
		ly.draw(style{font: f, px: bp, fill: c, opacity: 1, shadow: true}, []string{big}, W/2, cy)
		ly.draw(style{font: f, px: mp, fill: c, opacity: 1, shadow: true}, []string{mid}, W/2, cy+int(bp*0.8))
		return done(small + " " + big + " " + mid)
	case "neon":
		f := pickFont(rng, plainScript7(rng, fs), plainDisplay7(rng, fs), sansFont7(rng, fs))
		text := pickS(rng, titleCase(words7(rng, 1+rng.Intn(2))), scriptLines7[rng.Intn(len(scriptLines7))])
		darken(img, 0.25+rng.Float64()*0.2) // night: the sign lights the dark
		lines := splitLines(text, 1+rng.Intn(2))
		px := max(minPx*2, fit(f, short*(0.14+rng.Float64()*0.06), lines, int(float64(W)*0.8)))
		glow := pickC(rng, rgb(255, 40, 160), rgb(40, 200, 255), rgb(255, 120, 20), rgb(120, 255, 80), rgb(190, 80, 255))
		core := rgb(255-float64(255-glow.R)*0.25, 255-float64(255-glow.G)*0.25, 255-float64(255-glow.B)*0.25)
		cy := H/2 + rng.Intn(H/5+1) - H/10
		if rng.Intn(2) == 0 { // a tube frame round the words
			bw, bh := widest(f, px, lines)+int(px*1.4), int(px*(1.25*float64(len(lines))+0.9))
			if bw < W && bh < H {
				x0, y0 := W/2-bw/2, cy-bh/2
				for _, q := range []image.Rectangle{image.Rect(x0, y0, x0+bw, y0+3), image.Rect(x0, y0+bh-3, x0+bw, y0+bh),
					image.Rect(x0, y0, x0+3, y0+bh), image.Rect(x0+bw-3, y0, x0+bw, y0+bh)} {
					ly.blend(q.Inset(-2), glow, 0.5)
					ly.blend(q, core, 1)
				}
			}
		}
		ly.drawNeon(style{font: f, px: px, fill: core, opacity: 1, angle: (rng.Float64()*2 - 1) * 6}, lines, W/2, cy, glow)
		ly.readsSmaller(px, 0.8) // a tube's strokes are thin
		return done(strings.Join(lines, " "))
	case "gradient":
		f := pickFont(rng, fs.pick(rng, roleImpact), plainDisplay7(rng, fs))
		text := strings.ToUpper(words7(rng, 1+rng.Intn(2)))
		lines := splitLines(text, 1+rng.Intn(2))
		px := max(minPx*1.5, fit(f, short*(0.14+rng.Float64()*0.07), lines, int(float64(W)*0.85)))
		cy := H/2 + rng.Intn(H/4+1) - H/8
		pairs := [][2]color.RGBA{{rgb(255, 230, 60), rgb(255, 60, 40)}, {rgb(120, 230, 255), rgb(60, 60, 220)},
			{rgb(255, 150, 220), rgb(140, 40, 200)}, {rgb(250, 250, 250), rgb(150, 200, 255)}, {rgb(255, 220, 120), rgb(200, 110, 20)}}
		p := pairs[rng.Intn(len(pairs))]
		s := style{font: f, px: px, opacity: 1, angle: (rng.Float64()*2 - 1) * 8}
		if rng.Intn(3) > 0 { // with a dark edge
			o := rgb(20, 15, 30)
			s.outline, s.outlineW = &o, max(2, int(px/12))
		} else {
			darken(img, 0.45+rng.Float64()*0.2)
		}
		ly.drawGradient(s, lines, W/2, cy, p[0], p[1])
		return done(strings.Join(lines, " "))
	case "script":
		f := plainScript7(rng, fs)
		text := pickS(rng, scriptLines7[rng.Intn(len(scriptLines7))], titleCase(words7(rng, 2)), words7(rng, 3))
		switch rng.Intn(3) {
		case 0: // on a paper tag or card pinned over the photo
			lines := splitLines(text, 1+rng.Intn(2))
			px := max(minPx*1.6, fit(f, short*(0.12+rng.Float64()*0.05), lines, int(float64(W)*0.6)))
			paper := pickC(rng, rgb(250, 246, 235), rgb(255, 255, 255), rgb(245, 230, 200))
			ink := pickC(rng, rgb(30, 30, 60), rgb(120, 20, 40), rgb(20, 70, 40))
			s := style{font: f, px: px, fill: ink, opacity: 1, panel: &paper, panelPad: 0.5, shadow: true, angle: (rng.Float64()*2 - 1) * 10}
			plated = true
			ly.draw(s, lines, W/2+rng.Intn(W/5+1)-W/10, H/2+rng.Intn(H/5+1)-H/10)
			ly.readsSmaller(px, 0.8)
			return done(strings.Join(lines, " "))
		case 1: // brush letters, any script, edged, large across the photo
			f = scriptFont7(rng, fs)
			lines := splitLines(text, 1+rng.Intn(2))
			px := max(minPx*1.7, fit(f, short*(0.14+rng.Float64()*0.06), lines, int(float64(W)*0.85)))
			cy := H/2 + rng.Intn(H/4+1) - H/8
			c := lightOrDark(img, image.Rect(0, cy-int(px), W, cy+int(px)))
			o := rgb(255-float64(c.R), 255-float64(c.G), 255-float64(c.B))
			ly.draw(style{font: f, px: px, fill: c, opacity: 1, outline: &o, outlineW: max(2, int(px/16)), shadow: true,
				angle: (rng.Float64()*2 - 1) * 12}, lines, W/2, cy)
			ly.readsSmaller(px, 0.8)
			return done(strings.Join(lines, " "))
		}
		// A signature in a lower corner, over a light fade.
		line := pickS(rng, authors7[rng.Intn(len(authors7))], titleCase(words7(rng, 1))+" Studio", "xo "+strings.Fields(authors7[rng.Intn(len(authors7))])[0])
		px := max(minPx*1.6, short*(0.09+rng.Float64()*0.04))
		wid := widest(f, px, []string{line})
		if wid > W*8/10 {
			return done("")
		}
		cx := pickI(rng, wid/2+int(px*0.6), W-wid/2-int(px*0.6))
		cy := H - int(px*1.1)
		c := lightOrDark(img, image.Rect(cx-wid/2, cy-int(px/2), cx+wid/2, cy+int(px/2)))
		ly.draw(style{font: f, px: px, fill: c, opacity: 0.95, shadow: true}, []string{line}, cx, cy)
		ly.readsSmaller(px, 0.8)
		return done(line)
	case "caption":
		// Thin light text on the photo itself, no band: a hairline face.
		f := thinFont7(rng, fs)
		text := pickS(rng, strings.ToLower(words7(rng, 3+rng.Intn(3))), titleCase(words7(rng, 2)), strings.ToUpper(words7(rng, 2)))
		lines := splitLines(text, 1+rng.Intn(2))
		px := max(minPx*2.2, fit(f, short*(0.11+rng.Float64()*0.04), lines, int(float64(W)*0.85)))
		cx := W / 2
		cy := pickI(rng, H/2, int(px*1.5), H-int(px*1.5*float64(len(lines))))
		c := pickC(rng, white, rgb(240, 240, 230), rgb(255, 245, 220))
		if lumOf(img, image.Rect(0, cy-int(px), W, cy+int(px))) > 150 {
			c = rgb(25, 25, 25)
		}
		// Hairlines read smaller and fainter than their size and fill.
		ly.draw(style{font: f, px: px, fill: c, opacity: 1}, lines, cx, cy)
		ly.hairline(px)
		return done(strings.Join(lines, " "))
	case "watermark":
		site := sites7[rng.Intn(len(sites7))]
		switch rng.Intn(3) {
		case 0: // one big faint name across the middle
			f := pickFont(rng, sansFont7(rng, fs), fs.pick(rng, roleImpact))
			text := pickS(rng, site, strings.ToUpper(site), "\u00a9 "+site)
			px := max(minPx*1.6, fit(f, short*0.16, []string{text}, int(float64(W)*0.8)))
			region := image.Rect(W/2-widest(f, px, []string{text})/2, H/2-int(px/2), W/2+widest(f, px, []string{text})/2, H/2+int(px/2))
			c := lightOrDark(img, region)
			need := MinContrast + BusyFactor*lumStd(img, region) + 15 + rng.Float64()*25
			op := math.Min(1, need/math.Max(1, math.Abs(lum(c)-lumOf(img, region))))
			ly.draw(style{font: f, px: px, fill: c, opacity: op, angle: pickF(rng, 0, -15, 15)}, []string{text}, W/2, H/2)
			return done(text)
		case 1: // a faint logo and name in a corner, two lines
			f := sansFont7(rng, fs)
			lines := []string{strings.ToUpper(site), pickS(rng, "stock photo", "image id "+fmt.Sprint(100000+rng.Intn(900000)), "royalty free")}
			px := max(minPx*1.3, short*0.055)
			wid := widest(f, px, lines)
			if wid > W*8/10 {
				lines = lines[:1]
				wid = widest(f, px, lines)
			}
			cx := pickI(rng, wid/2+int(px), W-wid/2-int(px))
			cy := pickI(rng, int(px*1.5), H-int(px*1.5))
			region := image.Rect(cx-wid/2, cy-int(px), cx+wid/2, cy+int(px))
			c := lightOrDark(img, region)
			need := MinContrast + BusyFactor*lumStd(img, region) + 15 + rng.Float64()*30
			op := math.Min(1, need/math.Max(1, math.Abs(lum(c)-lumOf(img, region))))
			ly.draw(style{font: f, px: px, fill: c, opacity: op}, lines, cx, cy)
			return done(strings.Join(lines, " "))
		}
		// Two diagonal rows of the name, faint, crossing the picture.
		f := fs.pick(rng, roleImpact)
		px := max(minPx*1.3, short*0.09)
		c := lightOrDark(img, img.Bounds())
		op := math.Min(1, (MinContrast+BusyFactor*lumStd(img, img.Bounds())+15+rng.Float64()*25)/math.Max(1, math.Abs(lum(c)-lumOf(img, img.Bounds()))))
		s := style{font: f, px: px, fill: c, opacity: op, angle: -30}
		if widest(f, px, []string{site}) > int(float64(W)*0.55) {
			return done("")
		}
		ly.draw(s, []string{site}, W/3, H/3)
		ly.draw(s, []string{site}, 2*W/3, 2*H/3)
		return done(site + " " + site)
	case "meme":
		f := fs.pick(rng, roleImpact)
		switch rng.Intn(3) {
		case 0: // classic top and bottom lines, white with a black edge
			top := strings.ToUpper(pickS(rng, "when the ", "me after ", "nobody: ", "that moment ") + words7(rng, 1+rng.Intn(2)))
			bot := strings.ToUpper(words7(rng, 2+rng.Intn(2)))
			px := max(minPx*1.4, fit(f, float64(H)*(0.1+rng.Float64()*0.03), []string{top, bot}, int(float64(W)*0.92)))
			s := style{font: f, px: px, fill: white, opacity: 1, outline: &black, outlineW: max(2, int(px/10))}
			ly.draw(s, []string{top}, W/2, int(px*0.85))
			ly.draw(s, []string{bot}, W/2, H-int(px*0.85))
			return done(top + " " + bot)
		case 1: // a white band on top with black text: the post-style meme
			sf := sansFont7(rng, fs)
			text := pickS(rng, "me trying to ", "pov: you finally ", "nobody:\n me: ") + words7(rng, 2+rng.Intn(2))
			text = strings.ReplaceAll(text, "\n", "")
			lines := splitLines(text, 1+rng.Intn(2))
			px := max(minPx*1.1, fit(sf, short*(0.065+rng.Float64()*0.02), lines, int(float64(W)*0.9)))
			bh := int(px * (1.25*float64(len(lines)) + 0.8))
			ly.band(0, bh, white, 1)
			plated = true
			ly.drawOver(style{font: sf, px: px, fill: rgb(15, 15, 15), opacity: 1}, lines, W/2, bh/2, 255)
			return done(strings.Join(lines, " "))
		}
		// One line in a script or display face with a heavy drop shadow.
		df := pickFont(rng, plainScript7(rng, fs), plainDisplay7(rng, fs))
		line := titleCase(pickS(rng, "keep calm and ", "but first, ", "life is better with ") + words7(rng, 1))
		lines := splitLines(line, 2)
		px := max(minPx*1.5, fit(df, short*0.13, lines, int(float64(W)*0.88)))
		c := pickC(rng, white, rgb(255, 230, 80))
		o := rgb(10, 10, 10)
		ly.draw(style{font: df, px: px, fill: c, opacity: 1, outline: &o, outlineW: max(1, int(px/14)), shadow: true}, lines, W/2, H/2)
		ly.readsSmaller(px, 0.85)
		return done(strings.Join(lines, " "))
	case "quote":
		f, script := fs.pick(rng, roleSerif), rng.Intn(3) == 0
		if script {
			f = plainScript7(rng, fs)
		}
		text := words7(rng, 5+rng.Intn(5))
		if rng.Intn(2) == 0 {
			text = titleCase(text)
		}
		lines := splitLines(text, 2+rng.Intn(2))
		author := "\u2014 " + authors7[rng.Intn(len(authors7))]
		darken(img, 0.35+rng.Float64()*0.25)
		px := max(minPx*1.5, fit(f, short*(0.075+rng.Float64()*0.03), lines, int(float64(W)*0.8)))
		if script {
			px = max(px, minPx*1.6)
		}
		ink := pickC(rng, white, rgb(255, 236, 200), rgb(220, 240, 255))
		bh := int(px * 1.2 * float64(len(lines)))
		cy := H/2 - int(px*0.4)
		ly.draw(style{font: f, px: px, fill: ink, opacity: 1}, lines, W/2, cy)
		if script {
			ly.readsSmaller(px, 0.8)
		}
		af := sansFont7(rng, fs)
		ap := max(minPx, px*0.5)
		if cy+bh/2+int(ap*2) < H && widest(af, ap, []string{author}) < W*9/10 {
			ly.draw(style{font: af, px: ap, fill: ink, opacity: 0.95}, []string{strings.ToUpper(author)}, W/2, cy+bh/2+int(ap*1.4))
			return done(strings.Join(lines, " ") + " " + author)
		}
		return done(strings.Join(lines, " "))
	case "sign":
		// A shop front, book cover or package: a plate and its words turned
		// in perspective as one picture.
		text := shopSigns7[rng.Intn(len(shopSigns7))]
		f := pickFont(rng, fs.pick(rng, roleImpact), fs.pick(rng, roleSerif), plainDisplay7(rng, fs))
		lines := []string{text}
		if rng.Intn(2) == 0 {
			lines = append(lines, titleCase(pickS(rng, "est. 19"+fmt.Sprint(20+rng.Intn(80)), "open daily", words7(rng, 2), "since 1"+fmt.Sprint(800+rng.Intn(200)))))
		}
		px := max(minPx*1.8, fit(f, short*(0.1+rng.Float64()*0.05), lines[:1], int(float64(W)*0.7)))
		sp := max(minPx*1.3, px*0.5)
		tw := max(widest(f, px, lines[:1]), widest(f, sp, lines[1:]))
		y1, y2 := int(px*0.75), int(px*0.75+px*0.55+sp*0.85) // the lines' centres on the plate
		pw, ph := tw+int(px*1.2), int(px*1.5)
		if len(lines) > 1 {
			ph = y2 + int(sp*0.8)
		}
		if pw > W*95/100 || ph > H*9/10 {
			return done("")
		}
		board := pickC(rng, rgb(25, 50, 40), rgb(120, 25, 30), rgb(20, 30, 70), rgb(235, 225, 200), rgb(30, 30, 30), rgb(210, 160, 40))
		ink := pickC(rng, rgb(240, 215, 140), white)
		if lum(board) > 150 {
			ink = pickC(rng, rgb(30, 30, 30), rgb(120, 20, 20))
		}
		// Draw the plate and words upright on a patch, then squeeze it.
		patch := image.NewRGBA(image.Rect(0, 0, pw, ph))
		for i := 0; i < len(patch.Pix); i += 4 {
			patch.Pix[i], patch.Pix[i+1], patch.Pix[i+2], patch.Pix[i+3] = board.R, board.G, board.B, 255
		}
		mask := image.NewAlpha(patch.Rect)
		for i, l := range lines {
			p, y := px, y1
			if i > 0 {
				p, y = sp, y2
			}
			m := textMask(f, p, []string{l}, 0)
			paint(patch, m, pw/2, y, ink, 1)
			for yy := range m.Rect.Dy() {
				for xx := range m.Rect.Dx() {
					tx, ty := pw/2-m.Rect.Dx()/2+xx, y-m.Rect.Dy()/2+yy
					if image.Pt(tx, ty).In(mask.Rect) {
						mask.Pix[mask.PixOffset(tx, ty)] = max(mask.Pix[mask.PixOffset(tx, ty)], m.Pix[yy*m.Stride+xx])
					}
				}
			}
		}
		k := 0.7 + rng.Float64()*0.2
		top, bot := k, 1.0
		if rng.Intn(2) == 0 {
			top, bot = 1.0, k
		}
		plate := image.NewAlpha(patch.Rect)
		for i := range plate.Pix {
			plate.Pix[i] = 255
		}
		plateK, maskK := keystone(plate, top, bot), keystone(mask, top, bot)
		cx, cy := W/2+rng.Intn(W/6+1)-W/12, H/2+rng.Intn(H/6+1)-H/12
		ly.begin(style{font: f, px: px}, lines...)
		paint(img, blur(plateK, 3), cx+4, cy+5, black, 0.45)
		paint(img, plateK, cx, cy, board, 1)
		plated = true
		paint(img, maskK, cx, cy, ink, 1)
		smallest := px
		if len(lines) > 1 {
			smallest = sp
		}
		// measured at its smallest line's squeezed end
		ly.endOver(style{font: f, px: smallest * math.Min(top, bot), fill: ink, opacity: 1}, inkBox(maskK, cx-pw/2, cy-ph/2), lum(board))
		return done(strings.Join(lines, " "))
	case "price":
		f := pickFont(rng, fs.pick(rng, roleImpact), sansFont7(rng, fs))
		cur := pickS(rng, "$", "$", "\u00a3", "\u20ac")
		now := 2 + rng.Intn(60)
		was := now + 3 + rng.Intn(40)
		cents := pickS(rng, "", ".99", ".50", ".95")
		if rng.Intn(2) == 0 { // a hand-lettered kraft tag on a string, turned
			pf := plainScript7(rng, fs)
			lines := []string{pickS(rng, "sale", "only", "today", "special"), cur + fmt.Sprint(now) + cents}
			px := max(minPx*1.7, fit(pf, short*(0.11+rng.Float64()*0.04), lines, int(float64(W)*0.45)))
			kraft := pickC(rng, rgb(205, 170, 120), rgb(235, 220, 190), rgb(250, 250, 245))
			ink := pickC(rng, rgb(30, 30, 30), rgb(150, 20, 20))
			plated = true
			ly.draw(style{font: pf, px: px, fill: ink, opacity: 1, panel: &kraft, panelPad: 0.45, shadow: true,
				angle: (rng.Float64()*2 - 1) * 14}, lines, W/2+rng.Intn(W/4+1)-W/8, H/2+rng.Intn(H/4+1)-H/8)
			ly.readsSmaller(px, 0.8)
			return done(strings.Join(lines, " "))
		}
		// The old price struck through above the new one, on a white band.
		old := "was " + cur + fmt.Sprint(was) + cents
		nw := "now " + cur + fmt.Sprint(now) + cents
		np := max(minPx*1.6, fit(f, short*(0.12+rng.Float64()*0.04), []string{nw}, int(float64(W)*0.8)))
		op := max(minPx*1.1, np*0.45)
		bh := int(np*1.2 + op*1.6)
		y0 := pickI(rng, int(float64(H)*0.1), H-bh-int(float64(H)*0.1))
		ly.band(y0, y0+bh, white, 0.92)
		plated = true
		grey := rgb(90, 90, 90)
		oy := y0 + int(op*0.9)
		ly.drawOver(style{font: f, px: op, fill: grey, opacity: 1}, []string{old}, W/2, oy, 245)
		ow := widest(f, op, []string{old})
		ly.blend(image.Rect(W/2-ow/2, oy-max(1, int(op/14)), W/2+ow/2, oy+max(1, int(op/14))+1), rgb(200, 20, 20), 1)
		ly.drawOver(style{font: f, px: np, fill: rgb(200, 20, 20), opacity: 1}, []string{nw}, W/2, y0+int(op*1.6+np*0.6), 245)
		return done(old + " " + nw)
	case "tiled":
		// Rows of a name and a dot, level or upright, faint over the whole picture.
		f := sansFont7(rng, fs)
		word := sites7[rng.Intn(len(sites7))] + " \u2022"
		c := lightOrDark(img, img.Bounds())
		s := style{font: f, fill: c, angle: pickF(rng, 0, 0, 90)}
		s.px = max(minPx*1.4, short*(0.06+rng.Float64()*0.02))
		s.opacity = math.Min(1, (MinContrast+BusyFactor*lumStd(img, img.Bounds())+15+rng.Float64()*25)/math.Max(1, math.Abs(lum(c)-lumOf(img, img.Bounds()))))
		wid := widest(f, s.px, []string{word})
		stepX, stepY := wid+int(s.px*(0.6+rng.Float64())), int(s.px*(2+rng.Float64()*1.5))
		if s.angle != 0 {
			stepX, stepY = stepY, wid+int(s.px*(0.6+rng.Float64()))
		}
		ly.tileGrid(rng, s, word, stepX, stepY, 2)
		return done(word)
	case "card":
		// A postcard: the photo in a white frame, "Greetings from" in a
		// script and a place name in big capitals on the bottom strip.
		place := strings.ToUpper(words7(rng, 1))
		m := int(short * 0.04)
		sh := int(short * (0.26 + rng.Float64()*0.06))
		for _, r := range []image.Rectangle{image.Rect(0, 0, W, m), image.Rect(0, 0, m, H), image.Rect(W-m, 0, W, H), image.Rect(0, H-sh, W, H)} {
			ly.blend(r, pickC(rng, white, rgb(250, 247, 238)), 1)
		}
		plated = true
		sf := plainScript7(rng, fs)
		gp := max(minPx*1.6, float64(sh)*0.3)
		pf := fs.pick(rng, roleImpact)
		pp := max(minPx*1.5, fit(pf, float64(sh)*0.5, []string{place}, int(float64(W)*0.85)))
		ink := pickC(rng, rgb(200, 40, 60), rgb(20, 80, 160), rgb(30, 110, 70))
		greet := pickS(rng, "Greetings from", "Love from", "Hello from", "Memories of")
		if widest(sf, gp, []string{greet}) > W*9/10 || gp*0.9+pp*0.9 > float64(sh) {
			return done("")
		}
		ly.drawOver(style{font: sf, px: gp, fill: ink, opacity: 1}, []string{greet}, W/2, H-sh+int(gp*0.7), 250)
		ly.readsSmaller(gp, 0.8)
		ly.drawOver(style{font: pf, px: pp, fill: ink, opacity: 1}, []string{place}, W/2, H-sh+int(gp*1.1+pp*0.6), 250)
		return done(greet + " " + place)
	case "poster":
		// A street poster: a coloured sheet, a big head, a date and a small line.
		head := posterHeads7[rng.Intn(len(posterHeads7))]
		date := posterDates7[rng.Intn(len(posterDates7))]
		sub := titleCase(words7(rng, 2))
		f := fs.pick(rng, roleImpact)
		sf := sansFont7(rng, fs)
		pw := int(float64(W) * (0.42 + rng.Float64()*0.2))
		hl := splitLines(head, 2)
		hp := max(minPx*1.5, fit(f, float64(pw)*0.22, hl, int(float64(pw)*0.86)))
		dp := max(minPx*1.1, fit(sf, hp*0.45, []string{date}, int(float64(pw)*0.86)))
		bp := max(minPx, dp*0.8)
		// the sheet grows to hold its smallest lines
		pw = max(pw, widest(f, hp, hl)*8/7, widest(sf, dp, []string{date})*8/7, widest(sf, bp, []string{sub})*8/7)
		ph := int(hp*1.1*float64(len(hl)) + dp*1.6 + bp*1.6 + hp*0.8)
		if ph > H*95/100 || pw > W*95/100 {
			return done("")
		}
		x0 := pickI(rng, int(float64(W)*0.04), W-pw-int(float64(W)*0.04))
		y0 := (H - ph) / 2
		sheet := pickC(rng, rgb(245, 200, 30), rgb(230, 60, 50), rgb(30, 120, 200), rgb(245, 240, 230), rgb(40, 160, 110))
		ink := rgb(20, 20, 25)
		if lum(sheet) < 130 {
			ink = white
		}
		ly.blend(image.Rect(x0+5, y0+6, x0+pw+5, y0+ph+6), black, 0.35)
		ly.blend(image.Rect(x0, y0, x0+pw, y0+ph), sheet, 1)
		plated = true
		y := y0 + int(hp*0.9)
		for _, l := range hl {
			ly.drawOver(style{font: f, px: hp, fill: ink, opacity: 1}, []string{l}, x0+pw/2, y, lum(sheet))
			y += int(hp * 1.05)
		}
		y += int(dp * 0.4)
		ly.drawOver(style{font: sf, px: dp, fill: ink, opacity: 1}, []string{date}, x0+pw/2, y, lum(sheet))
		y += int(dp*0.8 + bp*1.0)
		ly.drawOver(style{font: sf, px: bp, fill: ink, opacity: 1}, []string{sub}, x0+pw/2, y, lum(sheet))
		return done(strings.Join(hl, " ") + " " + date + " " + sub)
	}
	return done("")
}
