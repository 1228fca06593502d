package evalset

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Font roles: what kind of text a typeface sets.
const (
	roleImpact  = iota // condensed heavy sans: meme captions
	roleSans           // signs, captions, watermarks
	roleSerif          // quotes
	roleDisplay        // headlines: anything goes
	nRoles
)

// FontDir is where Debian puts its font packages.
var FontDir = "/usr/share/fonts"

var realFontFiles = []fontFile{
	{"truetype/dejavu/DejaVuSansCondensed-Bold.ttf", "fonts-dejavu-extra", []int{roleImpact, roleSans}},
	{"truetype/liberation/LiberationSansNarrow-Bold.ttf", "fonts-liberation", []int{roleImpact}},
	{"opentype/urw-base35/NimbusSansNarrow-Bold.otf", "fonts-urw-base35", []int{roleImpact}},
	{"truetype/lato/Lato-Black.ttf", "fonts-lato", []int{roleImpact, roleDisplay}},
	{"truetype/dejavu/DejaVuSans.ttf", "fonts-dejavu-core", []int{roleSans}},
	{"truetype/dejavu/DejaVuSans-Bold.ttf", "fonts-dejavu-core", []int{roleSans, roleDisplay}},
	{"truetype/liberation/LiberationSans-Regular.ttf", "fonts-liberation", []int{roleSans}},
	{"truetype/liberation/LiberationSans-Bold.ttf", "fonts-liberation", []int{roleSans, roleDisplay}},
	{"truetype/freefont/FreeSans.ttf", "fonts-freefont-ttf", []int{roleSans}},
	{"truetype/freefont/FreeSansBold.ttf", "fonts-freefont-ttf", []int{roleSans}},
	{"opentype/urw-base35/NimbusSans-Regular.otf", "fonts-urw-base35", []int{roleSans}},
	{"opentype/urw-base35/URWGothic-Demi.otf", "fonts-urw-base35", []int{roleSans, roleDisplay}},
	{"truetype/lato/Lato-Regular.ttf", "fonts-lato", []int{roleSans}},
	{"truetype/liberation/LiberationSerif-Italic.ttf", "fonts-liberation", []int{roleSerif}},
	{"truetype/liberation/LiberationSerif-Regular.ttf", "fonts-liberation", []int{roleSerif}},
	{"truetype/freefont/FreeSerifItalic.ttf", "fonts-freefont-ttf", []int{roleSerif}},
	{"truetype/freefont/FreeSerifBold.ttf", "fonts-freefont-ttf", []int{roleSerif, roleDisplay}},
	{"truetype/dejavu/DejaVuSerif.ttf", "fonts-dejavu-core", []int{roleSerif}},
	{"opentype/urw-base35/C059-Italic.otf", "fonts-urw-base35", []int{roleSerif}},
	{"opentype/urw-base35/P052-Roman.otf", "fonts-urw-base35", []int{roleSerif}},
	{"opentype/urw-base35/URWBookman-Light.otf", "fonts-urw-base35", []int{roleSerif}},
	{"opentype/urw-base35/NimbusRoman-Bold.otf", "fonts-urw-base35", []int{roleSerif, roleDisplay}},
	{"truetype/lato/Lato-LightItalic.ttf", "fonts-lato", []int{roleSerif}},
	{"opentype/urw-base35/NimbusMonoPS-Bold.otf", "fonts-urw-base35", []int{roleDisplay}},
}

// heldOutFontFiles are version 2's typefaces of the held-out part: none of
// them is used in the tuning part (which sets realFontFiles), so the
// held-out numbers say how the detector does on type it was not tuned on.
// Bebas Neue and League Spartan stand in for Impact; Lobster and Dancing
// Script are the script faces of quote cards.
var heldOutFontFiles = []fontFile{
	{"opentype/bebas-neue/BebasNeue-Bold.otf", "fonts-bebas-neue", []int{roleImpact, roleDisplay}},
	{"opentype/league-spartan/LeagueSpartan-Black.otf", "fonts-league-spartan", []int{roleImpact}},
	{"truetype/open-sans/OpenSans-CondBold.ttf", "fonts-open-sans", []int{roleImpact, roleSans}},
	{"truetype/open-sans/OpenSans-Regular.ttf", "fonts-open-sans", []int{roleSans}},
	{"truetype/open-sans/OpenSans-Semibold.ttf", "fonts-open-sans", []int{roleSans}},
	{"truetype/open-sans/OpenSans-ExtraBold.ttf", "fonts-open-sans", []int{roleSans, roleDisplay}},
	{"opentype/cantarell/Cantarell-Regular.otf", "fonts-cantarell", []int{roleSans}},
	{"opentype/cantarell/Cantarell-Bold.otf", "fonts-cantarell", []int{roleSans}},
	{"truetype/crosextra/Carlito-Regular.ttf", "fonts-crosextra-carlito", []int{roleSans}},
	{"truetype/crosextra/Carlito-Bold.ttf", "fonts-crosextra-carlito", []int{roleSans}},
	{"opentype/comic-neue/ComicNeue-Bold.otf", "fonts-comic-neue", []int{roleSans, roleDisplay}},
	{"opentype/linux-libertine/LinBiolinum_RB.otf", "fonts-linuxlibertine", []int{roleSans}},
	{"opentype/league-spartan/LeagueSpartan-Bold.otf", "fonts-league-spartan", []int{roleSans, roleDisplay}},
	{"truetype/crosextra/Caladea-Regular.ttf", "fonts-crosextra-caladea", []int{roleSerif}},
	{"truetype/crosextra/Caladea-Italic.ttf", "fonts-crosextra-caladea", []int{roleSerif}},
	{"truetype/crosextra/Caladea-Bold.ttf", "fonts-crosextra-caladea", []int{roleSerif, roleDisplay}},
	{"opentype/linux-libertine/LinLibertine_R.otf", "fonts-linuxlibertine", []int{roleSerif}},
	{"opentype/linux-libertine/LinLibertine_RI.otf", "fonts-linuxlibertine", []int{roleSerif}},
	{"opentype/ebgaramond/EBGaramond12-Regular.otf", "fonts-ebgaramond", []int{roleSerif}},
	{"opentype/ebgaramond/EBGaramond12-Italic.otf", "fonts-ebgaramond", []int{roleSerif}},
	{"opentype/dancingscript/DancingScript-Bold.otf", "fonts-dancingscript", []int{roleSerif, roleDisplay}},
	{"opentype/lobster/lobster.otf", "fonts-lobster", []int{roleDisplay}},
}

type fontSet [nRoles][]*opentype.Font

// fontFile is one typeface of the real set: its file under FontDir, the
// Debian package that installs it and the roles it plays.
type fontFile struct {
	file, pkg string
	roles     []int
}

// fontCache holds the parsed font sets (tuning, held-out, held-out v3) of
// one process.
var fontCache = struct {
	sync.Mutex
	sets map[string]*fontSet
}{sets: map[string]*fontSet{}}

// loadRealFonts parses the tuning typefaces, or with heldOut those of the
// held-out part of version 2.
func loadRealFonts(heldOut bool) (*fontSet, error) {
	if heldOut {
		return loadFontFiles(PartHeldOut, heldOutFontFiles)
	}
	return loadFontFiles(PartTune, realFontFiles)
}

// loadFontFiles parses files once per process (key names the list).
func loadFontFiles(key string, files []fontFile) (*fontSet, error) {
	fontCache.Lock()
	defer fontCache.Unlock()
	if fs, ok := fontCache.sets[key]; ok {
		return fs, nil
	}
	fs := &fontSet{}
	for _, ff := range files {
		path := filepath.Join(FontDir, ff.file)
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("evalset: font %w (installed by the Debian package %s)", err, ff.pkg)
		}
		f, err := opentype.Parse(data)
		if err != nil {
			return nil, fmt.Errorf("evalset: font %s: %w", path, err)
		}
		for _, r := range ff.roles {
			fs[r] = append(fs[r], f)
		}
	}
	fontCache.sets[key] = fs
	return fs, nil
}

func (fs *fontSet) pick(rng *rand.Rand, role int) *opentype.Font {
	l := fs[role]
	return l[rng.Intn(len(l))]
}

// ---- masks ----

// textMask renders lines (centred on each other) into an alpha mask with pad
// pixels of margin on every side.
func textMask(f *opentype.Font, px float64, lines []string, pad int) *image.Alpha {
	fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		panic(fmt.Sprintf("evalset: face of size %.1f: %v", px, err)) // sizes are always positive
	}
	defer fc.Close()
	m := fc.Metrics()
	asc, desc := m.Ascent.Ceil(), m.Descent.Ceil()
	lineH := int(float64(asc+desc) * 1.05)
	wMax := 1
	widths := make([]int, len(lines))
	for i, l := range lines {
		widths[i] = font.MeasureString(fc, l).Ceil()
		wMax = max(wMax, widths[i])
	}
	out := image.NewAlpha(image.Rect(0, 0, wMax+2*pad, lineH*len(lines)+2*pad))
	for i, l := range lines {
		d := font.Drawer{Dst: out, Src: image.Opaque, Face: fc,
			Dot: fixed.P(pad+(wMax-widths[i])/2, pad+i*lineH+asc)}
		d.DrawString(l)
	}
	return out
}

// widest is the width of the widest line at px.
func widest(f *opentype.Font, px float64, lines []string) int {
	fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		panic(fmt.Sprintf("evalset: face of size %.1f: %v", px, err))
	}
	defer fc.Close()
	w := 1
	for _, l := range lines {
		w = max(w, font.MeasureString(fc, l).Ceil())
	}
	return w
}

// fit shrinks px until the widest line fits maxW.
func fit(f *opentype.Font, px float64, lines []string, maxW int) float64 {
	if w := widest(f, px, lines); w > maxW {
		px *= float64(maxW) / float64(w)
	}
	return px
}

// dilate grows a mask by r pixels (square max filter, separable).
func dilate(m *image.Alpha, r int) *image.Alpha {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	tmp := make([]uint8, w*h)
	for y := range h {
		for x := range w {
			v := uint8(0)
			for xx := max(0, x-r); xx <= min(w-1, x+r); xx++ {
				v = max(v, m.Pix[y*m.Stride+xx])
			}
			tmp[y*w+x] = v
		}
	}
	out := image.NewAlpha(m.Rect)
	for y := range h {
		for x := range w {
			v := uint8(0)
			for yy := max(0, y-r); yy <= min(h-1, y+r); yy++ {
				v = max(v, tmp[yy*w+x])
			}
			out.Pix[y*out.Stride+x] = v
		}
	}
	return out
}

// blur smooths a mask with two box blurs of radius r.
func blur(m *image.Alpha, r int) *image.Alpha {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	cur := append([]uint8(nil), m.Pix...)
	pass := func(src []uint8, horiz bool) []uint8 {
		dst := make([]uint8, len(src))
		for y := range h {
			for x := range w {
				s, n := 0, 0
				for d := -r; d <= r; d++ {
					xx, yy := x, y
					if horiz {
						xx += d
					} else {
						yy += d
					}
					if xx >= 0 && xx < w && yy >= 0 && yy < h {
						s += int(src[yy*w+xx])
						n++
					}
				}
				dst[y*w+x] = uint8(s / n)
			}
		}
		return dst
	}
	for range 2 {
		cur = pass(pass(cur, true), false)
	}
	out := image.NewAlpha(m.Rect)
	copy(out.Pix, cur)
	return out
}

// rotate turns a mask by deg degrees about its centre (bilinear), into a
// canvas large enough to hold the result.
func rotate(m *image.Alpha, deg float64) *image.Alpha {
	if deg == 0 {
		return m
	}
	w, h := float64(m.Rect.Dx()), float64(m.Rect.Dy())
	a := deg * math.Pi / 180
	c, s := math.Cos(a), math.Sin(a)
	nw := int(math.Abs(w*c)+math.Abs(h*s)) + 2
	nh := int(math.Abs(w*s)+math.Abs(h*c)) + 2
	out := image.NewAlpha(image.Rect(0, 0, nw, nh))
	cx, cy := w/2, h/2
	ncx, ncy := float64(nw)/2, float64(nh)/2
	at := func(x, y int) float64 {
		if x < 0 || y < 0 || x >= m.Rect.Dx() || y >= m.Rect.Dy() {
			return 0
		}
		return float64(m.Pix[y*m.Stride+x])
	}
	for y := range nh {
		for x := range nw {
			dx, dy := float64(x)+0.5-ncx, float64(y)+0.5-ncy
			sx, sy := c*dx+s*dy+cx-0.5, -s*dx+c*dy+cy-0.5
			x0, y0 := int(math.Floor(sx)), int(math.Floor(sy))
			tx, ty := sx-float64(x0), sy-float64(y0)
			v := (at(x0, y0)*(1-tx)+at(x0+1, y0)*tx)*(1-ty) + (at(x0, y0+1)*(1-tx)+at(x0+1, y0+1)*tx)*ty
			out.Pix[y*out.Stride+x] = uint8(v + 0.5)
		}
	}
	return out
}

// paint blends c into dst through mask m placed with its centre at (cx, cy).
func paint(dst *image.RGBA, m *image.Alpha, cx, cy int, c color.RGBA, opacity float64) {
	ox, oy := cx-m.Rect.Dx()/2, cy-m.Rect.Dy()/2
	b := dst.Bounds()
	for y := range m.Rect.Dy() {
		ty := oy + y
		if ty < b.Min.Y || ty >= b.Max.Y {
			continue
		}
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
			p := dst.Pix[i : i+3]
			p[0] = uint8(float64(p[0])*(1-a) + float64(c.R)*a + 0.5)
			p[1] = uint8(float64(p[1])*(1-a) + float64(c.G)*a + 0.5)
			p[2] = uint8(float64(p[2])*(1-a) + float64(c.B)*a + 0.5)
		}
	}
}

// style is how a block of text is set over a photo.
type style struct {
	font     *opentype.Font
	px       float64
	fill     color.RGBA
	opacity  float64 // of the fill (and outline)
	outline  *color.RGBA
	outlineW int
	shadow   bool // a soft dark shadow below and right
	angle    float64
	panel    *color.RGBA // a solid plate behind the text (signs)
	panelPad float64     // in units of px
}

// draw sets lines on dst centred at (cx, cy) and returns the text's box:
// where its glyphs (not outline, shadow or plate) landed, clipped to dst.
func (s style) draw(dst *image.RGBA, lines []string, cx, cy int) image.Rectangle {
	return s.drawWhole(dst, lines, cx, cy).Intersect(dst.Bounds())
}

// drawWhole is draw returning the glyphs' whole box, also where it runs
// past the picture's edges.
func (s style) drawWhole(dst *image.RGBA, lines []string, cx, cy int) image.Rectangle {
	pad := int(s.px*s.panelPad) + s.outlineW + int(s.px/4) + 4
	fill := textMask(s.font, s.px, lines, pad)
	if s.panel != nil {
		plate := image.NewAlpha(fill.Rect)
		inset := max(1, pad-int(s.px*s.panelPad))
		for y := inset; y < plate.Rect.Dy()-inset; y++ {
			for x := inset; x < plate.Rect.Dx()-inset; x++ {
				plate.Pix[y*plate.Stride+x] = 255
			}
		}
		if s.shadow {
			paint(dst, rotate(blur(plate, max(2, int(s.px/8))), s.angle), cx+int(s.px/8), cy+int(s.px/8), color.RGBA{0, 0, 0, 255}, 0.5)
		}
		paint(dst, rotate(plate, s.angle), cx, cy, *s.panel, 1)
	}
	var edge *image.Alpha
	if s.outline != nil {
		edge = dilate(fill, s.outlineW)
	}
	if s.shadow && s.panel == nil {
		base := fill
		if edge != nil {
			base = edge
		}
		off := max(1, int(s.px/14))
		paint(dst, rotate(blur(base, max(1, int(s.px/12))), s.angle), cx+off, cy+off, color.RGBA{0, 0, 0, 255}, 0.75)
	}
	if edge != nil {
		paint(dst, rotate(edge, s.angle), cx, cy, *s.outline, s.opacity)
	}
	glyphs := rotate(fill, s.angle)
	paint(dst, glyphs, cx, cy, s.fill, s.opacity)
	return inkBox(glyphs, cx-glyphs.Rect.Dx()/2, cy-glyphs.Rect.Dy()/2)
}

// inkBox is the box of a mask's clearly inked pixels (alpha over a
// quarter), placed with its top left corner at (ox, oy).
func inkBox(m *image.Alpha, ox, oy int) image.Rectangle {
	var r image.Rectangle
	for y := range m.Rect.Dy() {
		for x := range m.Rect.Dx() {
			if m.Pix[y*m.Stride+x] > 64 {
				r = r.Union(image.Rect(ox+x, oy+y, ox+x+1, oy+y+1))
			}
		}
	}
	return r
}

// ---- text content ----

var sites = []string{"shutterstock", "dreamstime", "istockphoto", "depositphotos", "123rf", "alamy", "gettyimages",
	"pixabay", "fotolia", "bigstock", "quotesgram", "tumblr", "lovethispic", "picturequotes"}

var signWords = []string{"EXIT", "STOP", "OPEN", "CLOSED", "HOTEL", "PARKING", "POLICE", "DANGER", "CAFE", "PHARMACY",
	"BAKERY", "TAXI", "SALE", "KEEP OUT", "NO ENTRY", "WELCOME", "BUS STOP", "TOILETS", "MAIN STREET", "SCHOOL",
	"STATION", "MUSEUM", "LIBRARY", "BAR", "PIZZA", "FLOWERS", "BOOKS", "MARKET", "GARDEN CENTRE", "CITY HALL"}

func titleCase(s string) string {
	f := strings.Fields(s)
	for i, w := range f {
		f[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(f, " ")
}

// splitLines breaks words into n lines of similar length.
func splitLines(s string, n int) []string {
	f := strings.Fields(s)
	n = max(1, min(n, len(f)))
	var out []string
	per := (len(f) + n - 1) / n
	for i := 0; i < len(f); i += per {
		out = append(out, strings.Join(f[i:min(len(f), i+per)], " "))
	}
	return out
}

// ---- colours ----

func lumOf(img *image.RGBA, r image.Rectangle) float64 { return lum(meanColor(img, r)) }

// vivid returns a saturated colour of a random hue, light or dark.
func vivid(rng *rand.Rand, light bool) color.RGBA {
	h := rng.Float64() * 6
	x := 1 - math.Abs(math.Mod(h, 2)-1)
	var r, g, b float64
	switch int(h) {
	case 0:
		r, g = 1, x
	case 1:
		r, g = x, 1
	case 2:
		g, b = 1, x
	case 3:
		g, b = x, 1
	case 4:
		r, b = x, 1
	default:
		r, b = 1, x
	}
	lo, hi := 0.0, 140.0
	if light {
		lo, hi = 150, 255
	}
	return rgb(lo+(hi-lo)*r, lo+(hi-lo)*g, lo+(hi-lo)*b)
}

func darken(img *image.RGBA, f float64) {
	for i := 0; i < len(img.Pix); i += 4 {
		for k := range 3 {
			img.Pix[i+k] = uint8(float64(img.Pix[i+k]) * f)
		}
	}
}

// ---- composites ----

// compose draws one kind of web-style text on img and returns the text and
// the boxes it was drawn in (one a block of lines).
// Sizes are relative to the image so that the text stays legible, if
// small, on the 220-px thumbnail: the smallest cap height is about 3.5% of
// the long side (some 7-8 px on a thumbnail).
func compose(rng *rand.Rand, fs *fontSet, kind string, img *image.RGBA) (string, []image.Rectangle) {
	var boxes []image.Rectangle
	draw := func(s style, lines []string, cx, cy int) {
		if r := s.draw(img, lines, cx, cy); !r.Empty() {
			boxes = append(boxes, r)
		}
	}
	W, H := img.Bounds().Dx(), img.Bounds().Dy()
	long, short := float64(max(W, H)), float64(min(W, H))
	minPx := 0.05 * long
	black, white := color.RGBA{0, 0, 0, 255}, color.RGBA{255, 255, 255, 255}
	switch kind {
	case "meme":
		f := fs.pick(rng, roleImpact)
		top := strings.ToUpper(words(rng, 2+rng.Intn(4)))
		px := fit(f, max(minPx*1.2, float64(H)*(0.09+rng.Float64()*0.06)), []string{top}, int(float64(W)*0.94))
		s := style{font: f, px: px, fill: white, opacity: 1, outline: &black, outlineW: max(1, int(px/14+0.5))}
		if rng.Intn(5) == 0 {
			s.outline, s.outlineW, s.shadow = nil, 0, true
		}
		text := top
		draw(s, []string{top}, W/2, int(px*0.75)+int(px/3))
		if rng.Intn(3) > 0 {
			bottom := strings.ToUpper(words(rng, 2+rng.Intn(4)))
			s.px = fit(f, px, []string{bottom}, int(float64(W)*0.94))
			draw(s, []string{bottom}, W/2, H-int(s.px*0.75)-int(s.px/3))
			text += " / " + bottom
		}
		return text, boxes
	case "quote":
		if rng.Intn(2) == 0 {
			darken(img, 0.45+rng.Float64()*0.35)
		}
		f := fs.pick(rng, roleSerif)
		text := words(rng, 5+rng.Intn(8))
		if rng.Intn(2) == 0 {
			text = titleCase(text)
		}
		lines := splitLines(text, 2+rng.Intn(3))
		px := fit(f, max(minPx, short*(0.06+rng.Float64()*0.04)), lines, int(float64(W)*0.88))
		px = max(px, minPx*0.9)
		bg := lumOf(img, img.Bounds())
		fill := rgb(255, 250-rng.Float64()*20, 235-rng.Float64()*40)
		if bg > 150 && rng.Intn(2) == 0 {
			fill = rgb(rng.Float64()*40, rng.Float64()*40, rng.Float64()*40)
		}
		s := style{font: f, px: px, fill: fill, opacity: 1, shadow: lum(fill) > 128}
		draw(s, lines, W/2, H/2+rng.Intn(H/6+1)-H/12)
		return text, boxes
	case "watermark":
		f := fs.pick(rng, roleSans)
		site := sites[rng.Intn(len(sites))]
		var text string
		switch rng.Intn(4) {
		case 0:
			text = "www." + site + ".com"
		case 1:
			text = "© " + site
		case 2:
			text = site + ".com"
		default:
			text = "© " + titleCase(words(rng, 2)) + " Photography"
		}
		if rng.Intn(3) == 0 {
			// Big, faint, across the middle.
			px := fit(f, long*(0.08+rng.Float64()*0.05), []string{text}, int(float64(W)*0.9))
			c := white
			if lumOf(img, img.Bounds()) > 170 {
				c = black
			}
			s := style{font: f, px: max(px, minPx), fill: c, opacity: 0.35 + rng.Float64()*0.2, angle: float64(rng.Intn(2)*2-1) * (rng.Float64() * 30)}
			draw(s, []string{text}, W/2, H/2)
			return text, boxes
		}
		px := minPx * (0.95 + rng.Float64()*0.35)
		px = fit(f, px, []string{text}, int(float64(W)*0.6))
		wid := widest(f, px, []string{text})
		right, bottom := rng.Intn(4) > 0, rng.Intn(4) > 0
		cx, cy := int(px)+wid/2, int(px)
		if right {
			cx = W - int(px/2) - wid/2
		}
		if bottom {
			cy = H - int(px)
		}
		region := image.Rect(cx-wid/2, cy-int(px/2), cx+wid/2, cy+int(px/2))
		c := white
		if lumOf(img, region) > 150 {
			c = black
		}
		s := style{font: f, px: px, fill: c, opacity: 0.6 + rng.Float64()*0.35, shadow: c == white && rng.Intn(2) == 0}
		draw(s, []string{text}, cx, cy)
		return text, boxes
	case "sign":
		f := fs.pick(rng, roleSans)
		text := signWords[rng.Intn(len(signWords))]
		if rng.Intn(3) == 0 {
			text += " " + strings.ToUpper(words(rng, 1))
		}
		lines := splitLines(text, 1+rng.Intn(2))
		plates := [][2]color.RGBA{
			{{250, 210, 20, 255}, black}, {{200, 20, 30, 255}, white}, {{20, 110, 60, 255}, white},
			{{20, 60, 160, 255}, white}, {white, black}, {{30, 30, 30, 255}, {255, 220, 60, 255}},
			{{240, 120, 20, 255}, white}, {{120, 70, 40, 255}, {250, 235, 200, 255}},
		}
		p := plates[rng.Intn(len(plates))]
		px := fit(f, max(minPx, short*(0.07+rng.Float64()*0.07)), lines, int(float64(W)*0.7))
		s := style{font: f, px: max(px, minPx*0.9), fill: p[1], opacity: 1, panel: &p[0], panelPad: 0.4,
			angle: (rng.Float64()*2 - 1) * 8, shadow: rng.Intn(2) == 0}
		draw(s, lines, W/4+rng.Intn(W/2+1), H/4+rng.Intn(H/2+1))
		return text, boxes
	case "caption":
		f := fs.pick(rng, roleSans)
		text := titleCase(words(rng, 3+rng.Intn(5)))
		lines := splitLines(text, 1+rng.Intn(2))
		px := fit(f, max(minPx, float64(H)*(0.05+rng.Float64()*0.03)), lines, int(float64(W)*0.9))
		px = max(px, minPx*0.9)
		bandH := int(px * (1.3*float64(len(lines)) + 0.6))
		top := rng.Intn(4) == 0
		y0 := H - bandH
		if top {
			y0 = 0
		}
		band := color.RGBA{0, 0, 0, 255}
		fill := white
		opacity := 0.45 + rng.Float64()*0.35
		if rng.Intn(4) == 0 {
			band, fill, opacity = white, black, 0.7+rng.Float64()*0.3
		}
		for y := max(0, y0); y < min(H, y0+bandH); y++ {
			for x := range W {
				i := img.PixOffset(x, y)
				for k, v := range []uint8{band.R, band.G, band.B} {
					img.Pix[i+k] = uint8(float64(img.Pix[i+k])*(1-opacity) + float64(v)*opacity)
				}
			}
		}
		s := style{font: f, px: px, fill: fill, opacity: 1}
		draw(s, lines, W/2, y0+bandH/2)
		return text, boxes
	case "tiled":
		// A stock preview: the agency's name repeated across the picture,
		// diagonal and faint.
		f := fs.pick(rng, roleSans)
		site := sites[rng.Intn(len(sites))]
		if rng.Intn(2) == 0 {
			site = brands[rng.Intn(len(brands))]
		}
		px := max(minPx, long*(0.05+rng.Float64()*0.04))
		c := white
		if lumOf(img, img.Bounds()) > 170 {
			c = black
		}
		s := style{font: f, px: px, fill: c, opacity: 0.3 + rng.Float64()*0.25,
			angle: float64(rng.Intn(2)*2-1) * (20 + rng.Float64()*25)}
		wid := widest(f, px, []string{site})
		stepX, stepY := wid+int(px*2), int(px*3.5)
		for row, y := 0, int(px)+rng.Intn(stepY); y < H+stepY; row, y = row+1, y+stepY {
			for x := (row%2)*stepX/2 - rng.Intn(stepX/2+1); x < W+stepX; x += stepX {
				draw(s, []string{site}, x, y)
			}
		}
		return site, boxes
	case "card":
		// A quote card: a flat or tinted panel over most of the picture
		// (the photo showing at the edges or through it), the quote in a
		// serif or script face and the author or account below.
		f := fs.pick(rng, roleSerif)
		text := words(rng, 4+rng.Intn(7))
		if rng.Intn(2) == 0 {
			text = titleCase(text)
		}
		lines := splitLines(text, 2+rng.Intn(3))
		panelC := vivid(rng, rng.Intn(2) == 0)
		if rng.Intn(3) == 0 {
			v := rng.Float64() * 40
			if rng.Intn(2) == 0 {
				v = 215 + v
			}
			panelC = rgb(v, v, v)
		}
		ink := black
		if lum(panelC) < 140 {
			ink = rgb(255, 252, 240)
		}
		margin := int(short * (0.04 + rng.Float64()*0.08))
		opacity := 0.8 + rng.Float64()*0.2
		for y := margin; y < H-margin; y++ {
			for x := margin; x < W-margin; x++ {
				i := img.PixOffset(x, y)
				for k, v := range []uint8{panelC.R, panelC.G, panelC.B} {
					img.Pix[i+k] = uint8(float64(img.Pix[i+k])*(1-opacity) + float64(v)*opacity)
				}
			}
		}
		px := fit(f, max(minPx, short*(0.06+rng.Float64()*0.04)), lines, W-2*margin-int(short*0.08))
		px = max(px, minPx*0.9)
		s := style{font: f, px: px, fill: ink, opacity: 1}
		draw(s, lines, W/2, H/2-int(px/2))
		author := "- " + titleCase(words(rng, 2))
		if rng.Intn(2) == 0 {
			author = "@" + sites[rng.Intn(len(sites))]
		}
		ap := max(minPx*0.8, px*0.55)
		as := style{font: fs.pick(rng, roleSans), px: ap, fill: ink, opacity: 0.85}
		draw(as, []string{author}, W/2, min(H-margin-int(ap), H/2+int(px*0.7*float64(len(lines)+1))))
		return text + " / " + author, boxes
	case "price":
		// A price tag or sale sticker on the photo: a bright plate, a word
		// and a price, tilted a little.
		f := fs.pick(rng, roleImpact)
		cur := []string{"$", "£", "€", ""}[rng.Intn(4)]
		price := fmt.Sprintf("%s%d.%02d", cur, 1+rng.Intn(199), []int{99, 95, 49, 0, 50}[rng.Intn(5)])
		head := []string{"SALE", "NOW", "ONLY", "SPECIAL OFFER", "CLEARANCE", "NEW", "BEST PRICE", "DEAL"}[rng.Intn(8)]
		lines := []string{head, price}
		if rng.Intn(3) == 0 {
			lines = []string{fmt.Sprintf("%d%% OFF", 10*(1+rng.Intn(7))), head}
		}
		plates := [][2]color.RGBA{{{230, 30, 40, 255}, white}, {{250, 220, 30, 255}, black}, {white, {200, 20, 30, 255}},
			{{20, 20, 20, 255}, {250, 220, 30, 255}}, {{255, 120, 0, 255}, white}, {{30, 140, 60, 255}, white}}
		p := plates[rng.Intn(len(plates))]
		px := fit(f, max(minPx, short*(0.06+rng.Float64()*0.06)), lines, int(float64(W)*0.5))
		s := style{font: f, px: max(px, minPx*0.9), fill: p[1], opacity: 1, panel: &p[0], panelPad: 0.35,
			angle: (rng.Float64()*2 - 1) * 15, shadow: rng.Intn(2) == 0}
		draw(s, lines, W/5+rng.Intn(3*W/5+1), H/5+rng.Intn(3*H/5+1))
		return strings.Join(lines, " "), boxes
	default: // headline
		f := fs.pick(rng, roleDisplay)
		text := styleCase(rng, words(rng, 1+rng.Intn(4)))
		lines := splitLines(text, 1+rng.Intn(2))
		px := fit(f, max(minPx, short*(0.08+rng.Float64()*0.07)), lines, int(float64(W)*0.85))
		px = max(px, minPx*0.9)
		cx, cy := W/2+rng.Intn(W/4+1)-W/8, H/4+rng.Intn(H/2+1)
		region := image.Rect(cx-W/3, cy-int(px), cx+W/3, cy+int(px))
		light := lumOf(img, region) < 128
		s := style{font: f, px: px, fill: vivid(rng, light), opacity: 1, angle: (rng.Float64()*2 - 1) * 12}
		switch rng.Intn(3) {
		case 0:
			o := black
			if !light {
				o = white
			}
			s.outline, s.outlineW = &o, max(1, int(px/16))
		case 1:
			s.shadow = true
		}
		if rng.Intn(4) == 0 {
			s.opacity = 0.7 + rng.Float64()*0.2
		}
		draw(s, lines, cx, cy)
		return text, boxes
	}
}
