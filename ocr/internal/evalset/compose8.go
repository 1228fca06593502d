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

// Version 8's text: its own word list (hiking, sea, science, stationery,
// toys, textiles and weather-free feelings), agencies, shop texts, brands,
// display readings and quote authors (none of versions 1-7's lists; a test
// checks it).
var vocabulary8 = strings.Fields(`
trailhead summit ravine heathland permafrost boulder campfire sextant snowshoe hammock rapids
buoy seashell barnacle tidepool anchor sailboat jetty coral kelp dune estuary
microscope molecule magnet prism beaker fossil circuit gadget robot rocket
clipboard paperclip highlighter envelope stapler parchment inkwell bookmark
kite kazoo puppet yoyo jigsaw domino pinwheel
gingham denim linen tweed corduroy cashmere flannel
jolly sprightly cheerful curious playful upbeat merry wistful serene
`)

var sites8 = []string{"imagewell", "stockhaven", "pixelmob", "photofarm", "snapgrove", "framestock", "picvale",
	"lensdrop", "stockglow", "shotbank", "fotobay", "clickstock"}

// shopSigns8 are shop fronts, market stalls and packaging names.
var shopSigns8 = []string{"PAINT & TOOLS", "CHARCUTERIE", "FLOWER STALL", "WIG SHOP", "EYEWEAR", "CYCLE REPAIR", "TEAHOUSE",
	"PHO HOUSE", "DELICATESSEN", "BOOKBINDER", "CURIOS", "FRUIT & VEG", "CHOCOLATIER", "CANDLE SHOP", "SHOE REPAIR",
	"FARM SHOP", "SEAFOOD", "TACO STAND", "JUICE BAR", "FABRIC STORE"}

// brands8 are the wordmarks of logos, labels and packaging.
var brands8 = []string{"Brightwell", "Marloe", "Tidewater", "Fennick", "Alderpeak", "Quillon", "Sunmarsh", "Havrel",
	"Corvetto", "Oakhollow", "Pellaro", "Windrose"}

var labelLines8 = []string{"ORGANIC", "NATURAL", "EXTRA VIRGIN", "SPARKLING", "WILD HONEY", "TOMATO SOUP",
	"COLD BREW", "OAT MILK", "ROASTED", "SEA SALT", "LEMONADE", "GREEN TEA"}

var readings8 = []string{"12.99", "08:45", "23:10", "4.50", "19.95", "88.0", "07:30", "3.25", "16:05", "0.79"}

var ledWords8 = []string{"OPEN NOW", "EXIT 12", "SALE 50", "HOT", "CASH", "WAIT", "NEXT", "FUEL", "GATE 4", "RINK"}

var authors8 = []string{"Nadia Ferreira", "K. Osei", "Willa Hart", "Pavel Ruzicka", "Imogen Reyes", "D. Achebe",
	"Sven Aalto", "Lucia Moretti"}

var scriptLines8 = []string{"Hand made", "Happy days", "Sunday brunch", "Love always", "Homemade", "Fresh daily",
	"Good vibes", "Make a wish", "Sweet home", "Welcome friends"}

func words8(rng *rand.Rand, n int) string { return pickWords(rng, vocabulary8, n) }

// scriptFont8 is one of version 8's handwritten, brush and blackletter
// faces (the first nScript8 display faces of heldOut8FontFiles).
func scriptFont8(rng *rand.Rand, fs *fontSet) *opentype.Font {
	return firstDisplay(rng, fs, nScript8)
}

// plainScript8 is one of version 8's scripts that read small (the first
// nPlainScript8).
func plainScript8(rng *rand.Rand, fs *fontSet) *opentype.Font {
	return firstDisplay(rng, fs, nPlainScript8)
}

// plainDisplay8 is one of version 8's display faces after the scripts and
// before the segment displays.
func plainDisplay8(rng *rand.Rand, fs *fontSet) *opentype.Font {
	l := fs[roleDisplay]
	if len(l) <= nScript8+nSegment8 {
		return l[rng.Intn(len(l))]
	}
	return l[nScript8+rng.Intn(len(l)-nScript8-nSegment8)]
}

// segmentFont8 is a segment display face (DSEG7, or DSEG14 for letters).
func segmentFont8(fs *fontSet, letters bool) *opentype.Font {
	l := fs[roleDisplay]
	if letters {
		return l[len(l)-1]
	}
	return l[max(0, len(l)-nSegment8)]
}

// sansFont8 is one of version 8's sans faces that are not hairlines.
func sansFont8(rng *rand.Rand, fs *fontSet) *opentype.Font {
	l := fs[roleSans]
	return l[rng.Intn(max(1, len(l)-nThin8))]
}

// thinFont8 is one of version 8's hairline faces (the last nThin8 sans).
func thinFont8(rng *rand.Rand, fs *fontSet) *opentype.Font {
	l := fs[roleSans]
	n := min(nThin8, len(l))
	return l[len(l)-n+rng.Intn(n)]
}

// textPatch is an upright picture of lines set on a plate: the plate in
// board, each line in ink centred at its row (ys, pxs: the lines' centre
// rows and sizes), and the mask of the glyphs alone.
func textPatch(f *opentype.Font, lines []string, pxs []float64, ys []int, w, h int, board, ink color.RGBA) (*image.RGBA, *image.Alpha) {
	patch := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(patch.Pix); i += 4 {
		patch.Pix[i], patch.Pix[i+1], patch.Pix[i+2], patch.Pix[i+3] = board.R, board.G, board.B, 255
	}
	mask := image.NewAlpha(patch.Rect)
	for i, l := range lines {
		m := textMask(f, pxs[i], []string{l}, 0)
		paint(patch, m, w/2, ys[i], ink, 1)
		ox, oy := w/2-m.Rect.Dx()/2, ys[i]-m.Rect.Dy()/2
		for yy := range m.Rect.Dy() {
			for xx := range m.Rect.Dx() {
				if p := image.Pt(ox+xx, oy+yy); p.In(mask.Rect) {
					o := mask.PixOffset(p.X, p.Y)
					mask.Pix[o] = max(mask.Pix[o], m.Pix[yy*m.Stride+xx])
				}
			}
		}
	}
	return patch, mask
}

// shadeAcross darkens img's columns from a factor lo at one side (left,
// or right with fromRight) to 1 at the other: light falling on a plate
// from one side.
func shadeAcross(img *image.RGBA, lo float64, fromRight bool) {
	w := img.Rect.Dx()
	for y := range img.Rect.Dy() {
		for x := range w {
			t := float64(x) / math.Max(1, float64(w-1))
			if fromRight {
				t = 1 - t
			}
			f := lo + (1-lo)*t
			i := img.PixOffset(x, y)
			for k := range 3 {
				img.Pix[i+k] = uint8(float64(img.Pix[i+k])*f + 0.5)
			}
		}
	}
}

// keystoneRGBA is keystone for a colour picture (each channel squeezed
// the same way), with the squeezed plate's alpha: where it lands.
func keystoneRGBA(p *image.RGBA, top, bottom float64) (*image.RGBA, *image.Alpha) {
	w, h := p.Rect.Dx(), p.Rect.Dy()
	out := image.NewRGBA(p.Rect)
	chans := [3]*image.Alpha{}
	for k := range 3 {
		a := image.NewAlpha(p.Rect)
		for i := range w * h {
			a.Pix[i] = p.Pix[4*i+k]
		}
		chans[k] = keystone(a, top, bottom)
	}
	full := image.NewAlpha(p.Rect)
	for i := range full.Pix {
		full.Pix[i] = 255
	}
	plate := keystone(full, top, bottom)
	for i := range w * h {
		for k := range 3 {
			if plate.Pix[i] > 0 { // undo the blend towards 0 at the squeezed edges
				out.Pix[4*i+k] = uint8(min(255, int(chans[k].Pix[i])*255/int(plate.Pix[i])))
			}
		}
		out.Pix[4*i+3] = 255
	}
	return out, plate
}

// pastePatch blends patch over dst centred at (cx, cy) where alpha says.
func pastePatch(dst, patch *image.RGBA, alpha *image.Alpha, cx, cy int) {
	ox, oy := cx-patch.Rect.Dx()/2, cy-patch.Rect.Dy()/2
	b := dst.Bounds()
	for y := range patch.Rect.Dy() {
		for x := range patch.Rect.Dx() {
			tx, ty := ox+x, oy+y
			a := float64(alpha.Pix[y*alpha.Stride+x]) / 255
			if a <= 0 || !image.Pt(tx, ty).In(b) {
				continue
			}
			i, j := dst.PixOffset(tx, ty), patch.PixOffset(x, y)
			for k := range 3 {
				dst.Pix[i+k] = uint8(float64(dst.Pix[i+k])*(1-a) + float64(patch.Pix[j+k])*a + 0.5)
			}
		}
	}
}

// softenRGBA blurs r of img by a 3x3 box once: the softness of a camera.
func softenRGBA(img *image.RGBA, r image.Rectangle) {
	r = r.Intersect(img.Bounds()).Inset(1)
	if r.Empty() {
		return
	}
	src := image.NewRGBA(img.Bounds())
	copy(src.Pix, img.Pix)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			for k := range 3 {
				s := 0
				for dy := -1; dy <= 1; dy++ {
					for dx := -1; dx <= 1; dx++ {
						s += int(src.Pix[src.PixOffset(x+dx, y+dy)+k])
					}
				}
				img.Pix[img.PixOffset(x, y)+k] = uint8(s / 9)
			}
		}
	}
}

// scaled is c with its channels times f.
func scaled(c color.RGBA, f float64) color.RGBA {
	return rgb(float64(c.R)*f, float64(c.G)*f, float64(c.B)*f)
}

// cylinderCols maps the columns of a flat label w wide wrapped round a
// can or jar seen from the front: the label spans the visible half turn,
// so column x shows the flat column src[x] (x = R sin t: squeezed near
// the edges), darkened to shade[x] (0.45 + 0.55 cos t).
func cylinderCols(w int) (src []int, shade []float64) {
	r := float64(w) / 2
	src, shade = make([]int, w), make([]float64, w)
	for x := range w {
		t := math.Asin(math.Max(-1, math.Min(1, (float64(x)+0.5-r)/r)))
		src[x] = min(w-1, max(0, int((t/math.Pi+0.5)*float64(w))))
		shade[x] = 0.45 + 0.55*math.Cos(t)
	}
	return src, shade
}

// cylinder wraps a flat picture round a can (cylinderCols).
func cylinder(p *image.RGBA) *image.RGBA {
	w, h := p.Rect.Dx(), p.Rect.Dy()
	out := image.NewRGBA(p.Rect)
	src, shade := cylinderCols(w)
	for x := range w {
		for y := range h {
			a, b := out.PixOffset(x, y), p.PixOffset(src[x], y)
			for k := range 3 {
				out.Pix[a+k] = uint8(float64(p.Pix[b+k])*shade[x] + 0.5)
			}
			out.Pix[a+3] = 255
		}
	}
	return out
}

// cylinderMask wraps a flat mask round a can (cylinderCols), unshaded:
// where the glyphs land.
func cylinderMask(m *image.Alpha) *image.Alpha {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	out := image.NewAlpha(m.Rect)
	src, _ := cylinderCols(w)
	for x := range w {
		for y := range h {
			out.Pix[y*out.Stride+x] = m.Pix[y*m.Stride+src[x]]
		}
	}
	return out
}

// cylinderShade is the shade (cylinder) at a flat column that is frac of
// the patch's width from its centre (0 the centre, 0.5 the edge).
func cylinderShade(frac float64) float64 { return 0.45 + 0.55*math.Cos(frac*math.Pi) }

// compose8 is version 8's compositor (see real8.go): photographed signs,
// can labels, segment displays, covers, memes, quotes over photos,
// watermarks, logos, gradient and hollow headlines, scripts and small
// text. It returns the text, its boxes and the legibility of its weakest
// block.
func compose8(rng *rand.Rand, fs *fontSet, kind string, img *image.RGBA) (string, []image.Rectangle, legibility) {
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
	case "sign":
		// A shop sign as a camera sees it: a board lit from one side,
		// turned in perspective, softened, on the wall of the photo.
		text := shopSigns8[rng.Intn(len(shopSigns8))]
		f := pickFont(rng, fs.pick(rng, roleImpact), fs.pick(rng, roleSerif), plainDisplay8(rng, fs))
		lines := []string{text}
		if rng.Intn(2) == 0 {
			lines = append(lines, pickS(rng, "Est. "+fmt.Sprint(1890+rng.Intn(120)), "Open 7 days", titleCase(words8(rng, 2)),
				fmt.Sprintf("Tel %d %04d", 200+rng.Intn(700), rng.Intn(10000))))
		}
		px := max(minPx*1.9, fit(f, short*(0.1+rng.Float64()*0.05), lines[:1], int(float64(W)*0.7)))
		sp := max(minPx*1.4, px*0.48)
		tw := max(widest(f, px, lines[:1]), widest(f, sp, lines[1:]))
		pw, ph := tw+int(px*1.1), int(px*1.5)
		ys, pxs := []int{int(px * 0.75)}, []float64{px}
		if len(lines) > 1 {
			ys = append(ys, int(px*0.75+px*0.55+sp*0.85))
			pxs = append(pxs, sp)
			ph = ys[1] + int(sp*0.8)
		}
		if pw > W*95/100 || ph > H*9/10 {
			return done("")
		}
		board := pickC(rng, rgb(30, 60, 45), rgb(110, 30, 35), rgb(25, 35, 80), rgb(240, 232, 210), rgb(35, 30, 28), rgb(200, 150, 50), rgb(245, 245, 245))
		ink := pickC(rng, rgb(245, 220, 150), white)
		if lum(board) > 150 {
			ink = pickC(rng, rgb(25, 25, 25), rgb(130, 25, 25), rgb(20, 50, 110))
		}
		patch, _ := textPatch(f, lines, pxs, ys, pw, ph, board, ink)
		lo := 0.6 + rng.Float64()*0.3
		shadeAcross(patch, lo, rng.Intn(2) == 0)
		k := 0.72 + rng.Float64()*0.2
		top, bot := k, 1.0
		if rng.Intn(2) == 0 {
			top, bot = 1.0, k
		}
		warped, plate := keystoneRGBA(patch, top, bot)
		cx, cy := W/2+rng.Intn(W/6+1)-W/12, H/2+rng.Intn(H/6+1)-H/12
		ly.begin(style{font: f, px: px}, lines...)
		paint(img, blur(plate, 3), cx+4, cy+5, black, 0.45)
		pastePatch(img, warped, plate, cx, cy)
		area := image.Rect(cx-pw/2, cy-ph/2, cx+pw/2, cy+ph/2)
		softenRGBA(img, area)
		plated = true
		smallest := pxs[len(pxs)-1]
		// measured at its smallest line's squeezed end, where it is darkest
		ly.endOver(style{font: f, px: smallest * math.Min(top, bot) * 0.95, fill: scaled(ink, lo), opacity: 1},
			area.Inset(int(px/4)), lum(board)*lo)
		return done(strings.Join(lines, " "))
	case "label":
		// A label round a can or a jar: a brand and a product line on a
		// coloured band wrapped round the body, the edges squeezed and dark.
		brand := brands8[rng.Intn(len(brands8))]
		product := labelLines8[rng.Intn(len(labelLines8))]
		f := pickFont(rng, fs.pick(rng, roleImpact), plainDisplay8(rng, fs), fs.pick(rng, roleSerif))
		sf := sansFont8(rng, fs)
		// the text keeps to the middle of the label (from its centre to
		// reach of the half width: squeezed at most to cos(reach pi))
		const reach = 0.3
		bp := max(minPx*1.7, fit(f, short*(0.12+rng.Float64()*0.05), []string{brand}, int(float64(W)*0.92*2*reach)))
		lp := max(minPx*1.3, fit(sf, bp*0.55, []string{product}, int(float64(W)*0.92*2*reach)))
		tw := max(widest(f, bp, []string{brand}), widest(sf, lp, []string{product}))
		pw := max(int(short*(0.55+rng.Float64()*0.25)), int(float64(tw)/(2*reach))+2)
		ph := int(bp*1.2 + lp*1.5 + bp*0.6)
		if pw > W*95/100 || ph > H*8/10 {
			return done("")
		}
		band := vivid(rng, rng.Intn(2) == 0)
		ink := rgb(250, 250, 245)
		if lum(band) > 140 {
			ink = rgb(20, 20, 25)
		}
		ys := []int{int(bp * 0.9), int(bp*0.9 + bp*0.65 + lp*0.8)}
		// the label flat, the brand in f and the product line in sf, with
		// the can's metal above and below it; then wrapped round the can
		rim := int(bp * 0.35)
		patch, brandMask := textPatch(f, []string{brand}, []float64{bp}, ys[:1], pw, ph, band, ink)
		_, productMask := textPatch(sf, []string{product}, []float64{lp}, ys[1:], pw, ph, band, ink)
		paint(patch, textMask(sf, lp, []string{product}, 0), pw/2, ys[1], ink, 1)
		flat := image.NewRGBA(image.Rect(0, 0, pw, ph+2*rim))
		for i := 0; i < len(flat.Pix); i += 4 {
			flat.Pix[i], flat.Pix[i+1], flat.Pix[i+2], flat.Pix[i+3] = 170, 170, 178, 255
		}
		copy(flat.Pix[rim*flat.Stride:], patch.Pix)
		body := cylinder(flat)
		full := image.NewAlpha(body.Rect)
		for i := range full.Pix {
			full.Pix[i] = 255
		}
		cx, cy := W/2+rng.Intn(W/5+1)-W/10, H/2+rng.Intn(H/6+1)-H/12
		ly.begin(style{font: f, px: bp}, brand, product)
		paint(img, blur(full, 4), cx+int(bp/5), cy+int(bp/6), black, 0.4)
		pastePatch(img, body, full, cx, cy)
		plated = true
		edge := cylinderShade(reach)
		x0, y0 := cx-pw/2, cy-body.Rect.Dy()/2+rim
		// measured squeezed and shaded as at the text's outer edge
		ly.endOver(style{font: f, px: bp * 0.8, fill: scaled(ink, edge), opacity: 1}, inkBox(cylinderMask(brandMask), x0, y0), lum(band)*edge)
		ly.endOver(style{font: sf, px: lp * 0.8, fill: scaled(ink, edge), opacity: 1}, inkBox(cylinderMask(productMask), x0, y0), lum(band)*edge)
		return done(brand + " " + product)
	case "led":
		// A segment display: a dark panel, the unlit segments faintly
		// there, the lit ones glowing, and a small printed label above.
		letters := rng.Intn(3) == 0
		sf := segmentFont8(fs, letters)
		reading := readings8[rng.Intn(len(readings8))]
		if letters {
			reading = ledWords8[rng.Intn(len(ledWords8))]
		}
		ghost := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' || letters && r != ' ' {
				return '8'
			}
			return r
		}, reading)
		if letters {
			ghost = strings.Repeat("~", len([]rune(reading))) // DSEG14's all-segments glyph
			if i, err := sf.GlyphIndex(nil, '~'); err != nil || i == 0 {
				ghost = ""
			}
		}
		px := max(minPx*2.2, fit(sf, short*(0.13+rng.Float64()*0.06), []string{ghost + "8"}, int(float64(W)*0.6)))
		lit := pickC(rng, rgb(255, 50, 40), rgb(60, 255, 110), rgb(255, 170, 30), rgb(80, 220, 255))
		panel := rgb(18+rng.Float64()*12, 16+rng.Float64()*10, 16+rng.Float64()*10)
		label := pickS(rng, "PRICE", "TIME", "NOW SERVING", "TOTAL", "PUMP 3", "LITRES", "DEPARTS")
		lf := sansFont8(rng, fs)
		lp := max(minPx*1.2, px*0.3)
		tw := max(widest(sf, px, []string{reading}), widest(lf, lp, []string{label}))
		bw, bh := tw+int(px*0.9), int(px*1.5+lp*1.6)
		if bw > W*9/10 || bh > H*8/10 {
			return done("")
		}
		cx, cy := W/2+rng.Intn(W/5+1)-W/10, H/2+rng.Intn(H/5+1)-H/10
		x0, y0 := cx-bw/2, cy-bh/2
		ly.begin(style{font: sf, px: px}, reading)
		ly.blend(image.Rect(x0+5, y0+6, x0+bw+5, y0+bh+6), black, 0.4)
		roundRect(img, image.Rect(x0, y0, x0+bw, y0+bh), px*0.15, rgb(70, 70, 75), 1)
		roundRect(img, image.Rect(x0+3, y0+3, x0+bw-3, y0+bh-3), px*0.12, panel, 1)
		plated = true
		ry := y0 + int(lp*1.6+px*0.6)
		if ghost != "" {
			paint(img, textMask(sf, px, []string{ghost}, 0), cx, ry, scaled(lit, 0.22), 1)
		}
		m := textMask(sf, px, []string{reading}, int(px/3))
		paint(img, blur(dilate(m, max(1, int(px/16))), max(2, int(px/8))), cx, ry, lit, 0.55)
		paint(img, m, cx, ry, lit, 1)
		// the unlit segments are ink of the panel: read against the panel
		ly.endOver(style{font: sf, px: px * 0.85, fill: lit, opacity: 1}, inkBox(m, cx-m.Rect.Dx()/2, ry-m.Rect.Dy()/2),
			math.Max(lum(panel), lum(scaled(lit, 0.22))))
		ly.drawOver(style{font: lf, px: lp, fill: rgb(200, 200, 200), opacity: 1}, []string{label}, cx, y0+int(lp*0.95), lum(panel))
		return done(label + " " + reading)
	case "cover":
		// The photo as a book cover or a magazine: a title, an author or
		// cover lines, a band or a fade behind them.
		if rng.Intn(2) == 0 { // a book: title on a fade, author at the foot
			f := pickFont(rng, fs.pick(rng, roleSerif), plainDisplay8(rng, fs))
			title := titleCase(words8(rng, 1+rng.Intn(2)))
			if rng.Intn(2) == 0 {
				title = strings.ToUpper(title)
			}
			lines := splitLines(title, 1+rng.Intn(2))
			author := strings.ToUpper(authors8[rng.Intn(len(authors8))])
			px := max(minPx*1.8, fit(f, short*(0.12+rng.Float64()*0.05), lines, int(float64(W)*0.85)))
			ap := max(minPx*1.2, px*0.4)
			af := sansFont8(rng, fs)
			if widest(af, ap, []string{author}) > W*9/10 {
				return done("")
			}
			fade := pickC(rng, black, rgb(20, 30, 60), rgb(60, 20, 20))
			ink := pickC(rng, white, rgb(250, 235, 200))
			th := int(px * (1.2*float64(len(lines)) + 0.8))
			ly.band(0, th+int(px*0.4), fade, 0.55+rng.Float64()*0.2)
			ly.band(H-int(ap*2.6), H, fade, 0.65)
			plated = true
			ly.drawOver(style{font: f, px: px, fill: ink, opacity: 1}, lines, W/2, th/2+int(px*0.2), -1)
			ly.drawOver(style{font: af, px: ap, fill: ink, opacity: 1}, []string{author}, W/2, H-int(ap*1.3), -1)
			return done(strings.Join(lines, " ") + " " + author)
		}
		// a magazine: a masthead across the top, two cover lines beside
		f := fs.pick(rng, roleImpact)
		mast := strings.ToUpper(pickS(rng, words8(rng, 1), brands8[rng.Intn(len(brands8))]))
		mp := max(minPx*2, fit(f, short*0.25, []string{mast}, int(float64(W)*0.9)))
		col := pickC(rng, rgb(230, 30, 40), white, rgb(250, 210, 30))
		ly.draw(style{font: f, px: mp, fill: col, opacity: 1, shadow: true}, []string{mast}, W/2, int(mp*0.75))
		sf := sansFont8(rng, fs)
		cl := []string{strings.ToUpper(words8(rng, 2)), titleCase(words8(rng, 3))}
		cp := max(minPx*1.15, short*0.045)
		x := pickI(rng, W/4, 3*W/4)
		if widest(sf, cp, cl) > W*45/100 { // too wide for a side: centred, one line if need be
			x = W / 2
			if widest(sf, cp, cl) > W*9/10 {
				cl = cl[:1]
			}
		}
		y := H - int(cp*3.2)
		c := lightOrDark(img, image.Rect(x-W/4, y-int(cp*1.5), x+W/4, y+int(cp*2)))
		ly.draw(style{font: sf, px: cp, fill: c, opacity: 1, shadow: true}, cl, x, y)
		return done(mast + " " + strings.Join(cl, " "))
	case "meme":
		f := fs.pick(rng, roleImpact)
		o := black
		switch rng.Intn(3) {
		case 0: // top and bottom capitals, white, a thick black edge
			top := strings.ToUpper(pickS(rng, "when you ", "me when ", "my face when ", "nobody: ") + words8(rng, 1+rng.Intn(2)))
			bot := strings.ToUpper(words8(rng, 2+rng.Intn(2)))
			px := max(minPx*1.4, fit(f, float64(H)*(0.1+rng.Float64()*0.04), []string{top, bot}, int(float64(W)*0.94)))
			s := style{font: f, px: px, fill: white, opacity: 1, outline: &o, outlineW: max(2, int(px/9))}
			ly.draw(s, []string{top}, W/2, int(px*0.85))
			ly.draw(s, []string{bot}, W/2, H-int(px*0.85))
			return done(top + " " + bot)
		case 1: // one caption in lower case, yellow or white, edged, at the foot
			sf := sansFont8(rng, fs)
			text := pickS(rng, "that feeling when ", "me explaining ", "pov: ") + words8(rng, 2+rng.Intn(2))
			lines := splitLines(text, 1+rng.Intn(2))
			px := max(minPx*1.3, fit(sf, short*(0.08+rng.Float64()*0.03), lines, int(float64(W)*0.9)))
			c := pickC(rng, white, rgb(255, 230, 40))
			n := float64(len(lines))
			ly.draw(style{font: sf, px: px, fill: c, opacity: 1, outline: &o, outlineW: max(2, int(px/10))}, lines, W/2,
				H-int(px*(0.7+0.6*n)))
			return done(strings.Join(lines, " "))
		}
		// black capitals with a white edge over the middle (the reversed meme)
		line := strings.ToUpper(words8(rng, 2+rng.Intn(2)))
		lines := splitLines(line, 2)
		px := max(minPx*1.5, fit(f, short*0.14, lines, int(float64(W)*0.9)))
		ly.draw(style{font: f, px: px, fill: rgb(10, 10, 10), opacity: 1, outline: &white, outlineW: max(2, int(px/10)),
			angle: (rng.Float64()*2 - 1) * 5}, lines, W/2, H/2+rng.Intn(H/4+1)-H/8)
		return done(strings.Join(lines, " "))
	case "quote":
		script := rng.Intn(3) == 0
		f := fs.pick(rng, roleSerif)
		if script {
			f = plainScript8(rng, fs)
		}
		text := words8(rng, 5+rng.Intn(5))
		if rng.Intn(2) == 0 {
			text = titleCase(text)
		}
		lines := splitLines(text, 2+rng.Intn(2))
		px := max(minPx*1.5, fit(f, short*(0.075+rng.Float64()*0.03), lines, int(float64(W)*0.78)))
		if script {
			px = max(px, minPx*1.7)
		}
		author := authors8[rng.Intn(len(authors8))]
		af := sansFont8(rng, fs)
		ap := max(minPx*1.05, px*0.45)
		boxed := rng.Intn(3) == 0
		ink := pickC(rng, white, rgb(255, 240, 210))
		bg := -1.0
		bh := int(px * 1.25 * float64(len(lines)))
		if boxed { // on a translucent white box
			bw := widest(f, px, lines) + int(px*1.6)
			x0, y0 := W/2-bw/2, H/2-bh/2-int(px*0.9)
			box := image.Rect(x0, y0, x0+bw, y0+bh+int(px*1.2)+int(ap*2))
			ly.blend(box, white, 0.78)
			plated = true
			ink = rgb(30, 30, 35)
			bg = lumOf(img, box)
		} else {
			darken(img, 0.4+rng.Float64()*0.25)
		}
		cy := H/2 - int(px*0.4)
		// a big opening quote mark above the lines
		if rng.Intn(2) == 0 {
			ly.drawOver(style{font: f, px: px * 1.8, fill: ink, opacity: 0.9}, []string{"\u201c"}, W/2, cy-bh/2-int(px*0.3), bg)
		}
		ly.drawOver(style{font: f, px: px, fill: ink, opacity: 1}, lines, W/2, cy, bg)
		if script {
			ly.readsSmaller(px, 0.8)
		}
		if cy+bh/2+int(ap*2) < H && widest(af, ap, []string{author}) < W*9/10 {
			ly.drawOver(style{font: af, px: ap, fill: ink, opacity: 0.95}, []string{"- " + author}, W/2, cy+bh/2+int(ap*1.3), bg)
			return done(strings.Join(lines, " ") + " " + author)
		}
		return done(strings.Join(lines, " "))
	case "watermark":
		site := sites8[rng.Intn(len(sites8))]
		faint := func(r image.Rectangle, c color.RGBA) float64 {
			need := MinContrast + BusyFactor*lumStd(img, r) + 12 + rng.Float64()*25
			return math.Min(1, need/math.Max(1, math.Abs(lum(c)-lumOf(img, r))))
		}
		switch rng.Intn(4) {
		case 0: // one big name across the middle, a dark edge at low opacity too
			f := pickFont(rng, sansFont8(rng, fs), fs.pick(rng, roleImpact))
			text := pickS(rng, site, "\u00a9 "+site, site+".com")
			px := max(minPx*1.6, fit(f, short*0.15, []string{text}, int(float64(W)*0.8)))
			wid := widest(f, px, []string{text})
			region := image.Rect(W/2-wid/2, H/2-int(px/2), W/2+wid/2, H/2+int(px/2))
			c := lightOrDark(img, region)
			ly.draw(style{font: f, px: px, fill: c, opacity: faint(region, c)}, []string{text}, W/2, H/2)
			return done(text)
		case 1: // a name and an image number at the foot, on a faint strip
			f := sansFont8(rng, fs)
			text := site + "  #" + fmt.Sprint(1000000+rng.Intn(9000000))
			px := max(minPx*1.25, short*0.045)
			if widest(f, px, []string{text}) > W*9/10 {
				text = site
			}
			y := H - int(px*1.2)
			ly.band(y-int(px*0.9), H, black, 0.35)
			region := image.Rect(0, y-int(px/2), W, y+int(px/2))
			ly.draw(style{font: f, px: px, fill: white, opacity: faint(region, white)}, []string{text}, W/2, y)
			return done(text)
		case 2: // a tiled grid of the name, turned, faint
			f := sansFont8(rng, fs)
			c := lightOrDark(img, img.Bounds())
			s := style{font: f, fill: c, angle: pickF(rng, -30, 30, 0)}
			s.px = max(minPx*1.4, short*(0.055+rng.Float64()*0.02))
			s.opacity = faint(img.Bounds(), c)
			wid := widest(f, s.px, []string{site})
			ly.tileGrid(rng, s, site, wid+int(s.px*(1+rng.Float64())), int(s.px*(2.4+rng.Float64())), 3)
			return done(site)
		}
		// a faint logo in a corner: a ring and the name beside it
		f := fs.pick(rng, roleImpact)
		px := max(minPx*1.4, short*0.07)
		wid := widest(f, px, []string{site})
		if wid+int(px*2) > W*9/10 {
			return done("")
		}
		x := pickI(rng, int(px*1.2), W-wid-int(px*2.2))
		y := pickI(rng, int(px*1.1), H-int(px*1.1))
		region := image.Rect(x, y-int(px/2), x+wid+int(px*1.4), y+int(px/2))
		c := lightOrDark(img, region)
		op := faint(region, c)
		ring := image.NewAlpha(image.Rect(0, 0, int(px), int(px)))
		for yy := range int(px) {
			for xx := range int(px) {
				d := math.Hypot(float64(xx)-px/2+0.5, float64(yy)-px/2+0.5)
				if d < px/2 && d > px/2-math.Max(2, px/8) {
					ring.Pix[yy*ring.Stride+xx] = 255
				}
			}
		}
		paint(img, ring, x+int(px/2), y, c, op)
		ly.draw(style{font: f, px: px, fill: c, opacity: op}, []string{site}, x+int(px*1.3)+wid/2, y)
		return done(site)
	case "logo":
		// A mark and a wordmark: a disc, a rounded square or a diamond in
		// the brand's colour, the name beside or under it, a tagline.
		brand := brands8[rng.Intn(len(brands8))]
		f := pickFont(rng, fs.pick(rng, roleImpact), plainDisplay8(rng, fs), sansFont8(rng, fs), fs.pick(rng, roleSerif))
		name := pickS(rng, brand, strings.ToUpper(brand), strings.ToLower(brand))
		tag := pickS(rng, "", strings.ToUpper(words8(rng, 2)), "since "+fmt.Sprint(1950+rng.Intn(70)))
		px := max(minPx*1.8, fit(f, short*(0.11+rng.Float64()*0.05), []string{name}, int(float64(W)*0.6)))
		tp := max(minPx*1.1, px*0.35)
		tf := sansFont8(rng, fs)
		brandC := vivid(rng, false)
		onPlate := rng.Intn(2) == 0
		under := rng.Intn(2) == 0
		wid := widest(f, px, []string{name})
		mark := px * 1.3
		bw, bh := wid+int(mark+px*1.4), int(math.Max(mark, px)+px*0.8)
		if under {
			bw, bh = max(wid, widest(tf, tp, []string{tag}))+int(px), int(mark+px*1.9)
		}
		if tag != "" {
			bh += int(tp * 1.5)
		}
		if bw > W*95/100 || bh > H*9/10 {
			return done("")
		}
		cx, cy := W/2+rng.Intn(W/5+1)-W/10, H/2+rng.Intn(H/5+1)-H/10
		x0, y0 := cx-bw/2, cy-bh/2
		ink := brandC
		bg := -1.0
		if onPlate {
			roundRect(img, image.Rect(x0, y0, x0+bw, y0+bh), px*0.3, white, 0.95)
			plated = true
			bg = 250
		} else {
			ink = lightOrDark(img, image.Rect(x0, y0, x0+bw, y0+bh))
			brandC = ink
		}
		mx, my := x0+int(px*0.5+mark/2), y0+int(px*0.4+mark/2)
		nx, ny := x0+int(mark+px*0.9)+wid/2, my
		if under {
			mx, my = cx, y0+int(px*0.4+mark/2)
			nx, ny = cx, y0+int(mark+px*1.1)
		}
		switch rng.Intn(3) {
		case 0:
			fillDisc(img, mx, my, mark/2, brandC)
		case 1:
			roundRect(img, image.Rect(mx-int(mark/2), my-int(mark/2), mx+int(mark/2), my+int(mark/2)), mark*0.2, brandC, 1)
		default:
			fillPoly(img, [][2]float64{{float64(mx), float64(my) - mark/2}, {float64(mx) + mark/2, float64(my)},
				{float64(mx), float64(my) + mark/2}, {float64(mx) - mark/2, float64(my)}}, brandC, 1)
		}
		ly.drawOver(style{font: f, px: px, fill: ink, opacity: 1, shadow: !onPlate}, []string{name}, nx, ny, bg)
		if tag != "" {
			ly.drawOver(style{font: tf, px: tp, fill: ink, opacity: 1, shadow: !onPlate}, []string{tag}, nx, ny+int(px*0.55+tp*1.0), bg)
			return done(name + " " + tag)
		}
		return done(name)
	case "gradient":
		f := pickFont(rng, fs.pick(rng, roleImpact), plainDisplay8(rng, fs))
		text := strings.ToUpper(words8(rng, 1+rng.Intn(2)))
		lines := splitLines(text, 1+rng.Intn(2))
		px := max(minPx*1.6, fit(f, short*(0.15+rng.Float64()*0.07), lines, int(float64(W)*0.85)))
		pairs := [][2]color.RGBA{{rgb(255, 250, 200), rgb(255, 140, 0)}, {rgb(200, 255, 230), rgb(0, 150, 120)},
			{rgb(255, 200, 200), rgb(200, 0, 60)}, {rgb(230, 230, 240), rgb(110, 110, 130)}, {rgb(180, 220, 255), rgb(255, 120, 200)}}
		p := pairs[rng.Intn(len(pairs))]
		s := style{font: f, px: px, opacity: 1, angle: (rng.Float64()*2 - 1) * 10}
		switch rng.Intn(3) {
		case 0: // a dark edge
			o := rgb(25, 20, 35)
			s.outline, s.outlineW = &o, max(2, int(px/11))
		case 1: // a light edge on a darkened photo
			o := white
			s.outline, s.outlineW = &o, max(1, int(px/18))
			darken(img, 0.5+rng.Float64()*0.2)
		default:
			darken(img, 0.4+rng.Float64()*0.2)
		}
		ly.drawGradient(s, lines, W/2, H/2+rng.Intn(H/4+1)-H/8, p[0], p[1])
		return done(strings.Join(lines, " "))
	case "outlined":
		// Hollow letters: only the ring round each glyph, in white or a
		// colour, sometimes over a filled copy offset behind (retro).
		f := pickFont(rng, fs.pick(rng, roleImpact), plainDisplay8(rng, fs))
		text := strings.ToUpper(words8(rng, 1+rng.Intn(2)))
		lines := splitLines(text, 1+rng.Intn(2))
		px := max(minPx*2, fit(f, short*(0.16+rng.Float64()*0.07), lines, int(float64(W)*0.85)))
		cy := H/2 + rng.Intn(H/4+1) - H/8
		c := lightOrDark(img, image.Rect(0, cy-int(px), W, cy+int(px)))
		if rng.Intn(3) == 0 {
			c = vivid(rng, lum(c) > 128)
		}
		s := style{font: f, px: px, fill: c, opacity: 1, outlineW: max(2, int(px/12)), shadow: rng.Intn(2) == 0}
		if rng.Intn(3) == 0 { // a filled copy behind, offset down and right
			back := vivid(rng, lum(c) < 128)
			off := max(2, int(px/12))
			paint(img, textMask(f, px, lines, s.outlineW+int(px/4)+4), W/2+off, cy+off, back, 1)
		}
		ly.drawHollow(s, lines, W/2, cy)
		return done(strings.Join(lines, " "))
	case "script":
		f := plainScript8(rng, fs)
		text := pickS(rng, scriptLines8[rng.Intn(len(scriptLines8))], titleCase(words8(rng, 2)), words8(rng, 3))
		switch rng.Intn(3) {
		case 0: // brush letters across the photo, any script, with a shadow
			f = scriptFont8(rng, fs)
			lines := splitLines(text, 1+rng.Intn(2))
			px := max(minPx*1.8, fit(f, short*(0.15+rng.Float64()*0.06), lines, int(float64(W)*0.85)))
			cy := H/2 + rng.Intn(H/4+1) - H/8
			c := lightOrDark(img, image.Rect(0, cy-int(px), W, cy+int(px)))
			ly.draw(style{font: f, px: px, fill: c, opacity: 1, shadow: true, angle: (rng.Float64()*2 - 1) * 10}, lines, W/2, cy)
			ly.readsSmaller(px, 0.8)
			return done(strings.Join(lines, " "))
		case 1: // a script word over a small sans line (a cafe's window)
			word := scriptLines8[rng.Intn(len(scriptLines8))]
			sub := strings.ToUpper(pickS(rng, "coffee & cake", "since "+fmt.Sprint(1960+rng.Intn(60)), words8(rng, 2)))
			px := max(minPx*1.8, fit(f, short*(0.16+rng.Float64()*0.05), []string{word}, int(float64(W)*0.8)))
			sf := sansFont8(rng, fs)
			sp := max(minPx*1.1, px*0.3)
			if widest(sf, sp, []string{sub}) > W*9/10 {
				return done("")
			}
			cy := H/2 - int(px*0.2)
			c := lightOrDark(img, image.Rect(0, cy-int(px), W, cy+int(px*1.4)))
			ly.draw(style{font: f, px: px, fill: c, opacity: 1, shadow: true}, []string{word}, W/2, cy)
			ly.readsSmaller(px, 0.8)
			ly.draw(style{font: sf, px: sp, fill: c, opacity: 1, shadow: true}, []string{sub}, W/2, cy+int(px*0.75+sp*0.6))
			return done(word + " " + sub)
		}
		// handwriting on a torn paper note, turned
		lines := splitLines(text, 1+rng.Intn(2))
		px := max(minPx*1.7, fit(f, short*(0.11+rng.Float64()*0.05), lines, int(float64(W)*0.6)))
		paper := pickC(rng, rgb(252, 250, 240), rgb(255, 245, 160), rgb(235, 245, 255))
		ink := pickC(rng, rgb(20, 30, 110), rgb(30, 30, 30), rgb(160, 20, 30))
		plated = true
		ly.draw(style{font: f, px: px, fill: ink, opacity: 1, panel: &paper, panelPad: 0.45, shadow: true,
			angle: (rng.Float64()*2 - 1) * 12}, lines, W/2+rng.Intn(W/5+1)-W/10, H/2+rng.Intn(H/5+1)-H/10)
		ly.readsSmaller(px, 0.8)
		return done(strings.Join(lines, " "))
	case "small":
		// Small text that only just reads on the thumbnail: a credit line,
		// a date stamp, a hashtag line, a hairline caption.
		switch rng.Intn(4) {
		case 0: // a photo credit in a corner, shadowed
			f := sansFont8(rng, fs)
			text := pickS(rng, "Photo: ", "\u00a9 ", "by ") + authors8[rng.Intn(len(authors8))]
			px := minPx * (1.05 + rng.Float64()*0.25)
			wid := widest(f, px, []string{text})
			if wid > W*9/10 {
				return done("")
			}
			x := pickI(rng, wid/2+int(px*0.6), W-wid/2-int(px*0.6))
			y := pickI(rng, int(px*0.9), H-int(px*0.9))
			c := lightOrDark(img, image.Rect(x-wid/2, y-int(px/2), x+wid/2, y+int(px/2)))
			ly.draw(style{font: f, px: px, fill: c, opacity: 1, shadow: true}, []string{text}, x, y)
			return done(text)
		case 1: // a camera's date stamp, orange segments, lower right
			sf := segmentFont8(fs, false)
			text := fmt.Sprintf("%02d %d %02d", 10+rng.Intn(15), 1+rng.Intn(9), 1+rng.Intn(28))
			px := minPx * (1.3 + rng.Float64()*0.3)
			wid := widest(sf, px, []string{text})
			x, y := W-wid/2-int(px), H-int(px*1.1)
			orange := rgb(255, 150, 40)
			ly.draw(style{font: sf, px: px, fill: orange, opacity: 1, shadow: true}, []string{text}, x, y)
			return done(text)
		case 2: // hashtags on a dark strip at the foot
			f := sansFont8(rng, fs)
			var tags []string
			for range 2 + rng.Intn(2) {
				tags = append(tags, "#"+strings.ReplaceAll(words8(rng, 1+rng.Intn(2)), " ", ""))
			}
			px := minPx * (1.1 + rng.Float64()*0.2)
			for len(tags) > 1 && widest(f, px, []string{strings.Join(tags, " ")}) > W*9/10 {
				tags = tags[:len(tags)-1]
			}
			text := strings.Join(tags, " ")
			y := H - int(px*1.1)
			ly.band(y-int(px*0.9), H, black, 0.55)
			plated = true
			ly.drawOver(style{font: f, px: px, fill: white, opacity: 1}, []string{text}, W/2, y, lumOf(img, image.Rect(0, y-int(px/2), W, y+int(px/2))))
			return done(text)
		}
		// a hairline caption of a few words, with ThinMargin more contrast
		f := thinFont8(rng, fs)
		text := strings.ToLower(words8(rng, 2+rng.Intn(3)))
		px := max(minPx*1.6, fit(f, minPx*(1.6+rng.Float64()*0.5), []string{text}, int(float64(W)*0.9)))
		y := pickI(rng, int(px*1.2), H-int(px*1.2))
		c := lightOrDark(img, image.Rect(0, y-int(px/2), W, y+int(px/2)))
		ly.draw(style{font: f, px: px, fill: c, opacity: 1}, []string{text}, W/2, y)
		ly.hairline(px)
		return done(text)
	}
	return done("")
}
