package evalset

import (
	"image"
	"image/color"
	"math"
	"math/rand"
	"strings"
)

// textPx picks a font size (em, px) for a canvas of height h. Thumbnails get
// text that is larger relative to the picture, so it survives the shrink at
// about the size stock-photo quotes and captions have in WEBEmo.
func textPx(rng *rand.Rand, h int, thumb bool, lo, hi float64) float64 {
	if thumb {
		lo, hi = lo*1.6, hi*1.6
	}
	return math.Max(14, float64(h)*(lo+rng.Float64()*(hi-lo)))
}

// positive draws one image of the given kind with text on it.
func positive(rng *rand.Rand, kind string, thumb bool) (*image.RGBA, string) {
	w, h := canvasSize(rng)
	var img *image.RGBA
	var lines []string
	switch kind {
	case "caption":
		// One line near the bottom (or top): white with a dark outline, or
		// dark on a light translucent strip.
		img = scene(rng, w, h)
		s := styleCase(rng, words(rng, 2+rng.Intn(3)))
		lines = []string{s}
		fc := fitFace(rng, textPx(rng, h, thumb, 0.05, 0.08), s, w*9/10)
		tw := textWidth(fc, s)
		asc := fc.Metrics().Ascent.Ceil()
		x := (w - tw) / 2
		y := h - h/12 - rng.Intn(h/10)
		if rng.Intn(4) == 0 {
			y = h/10 + asc
		}
		switch rng.Intn(3) {
		case 0:
			drawText(img, fc, x, y, s, rgb(250, 250, 250), rgb(10, 10, 10), 1+asc/20)
		case 1:
			fillRect(img, image.Rect(0, y-asc-asc/3, w, y+asc/2), color.NRGBA{250, 250, 250, 190})
			drawText(img, fc, x, y, s, rgb(20, 20, 20), nil, 0)
		default:
			bg := meanColor(img, image.Rect(x, y-asc, x+tw, y))
			drawText(img, fc, x, y, s, contrasting(rng, bg), nil, 0)
		}
	case "quote":
		// Two or three centred lines on a translucent band across the picture.
		img = scene(rng, w, h)
		n := 2 + rng.Intn(2)
		fcPx := textPx(rng, h, thumb, 0.045, 0.075)
		for range n {
			lines = append(lines, styleCase(rng, words(rng, 2+rng.Intn(3))))
		}
		longest := ""
		for _, l := range lines {
			if len(l) > len(longest) {
				longest = l
			}
		}
		fc := fitFace(rng, fcPx, longest, w*85/100)
		lh := fc.Metrics().Height.Ceil() * 12 / 10
		top := (h - n*lh) / 2
		dark := rng.Intn(2) == 0
		band, ink := color.NRGBA{0, 0, 0, uint8(150 + rng.Intn(80))}, rgb(245, 245, 245)
		if !dark {
			band, ink = color.NRGBA{255, 255, 255, uint8(150 + rng.Intn(80))}, rgb(25, 25, 25)
		}
		fillRect(img, image.Rect(0, top-lh/2, w, top+n*lh+lh/3), band)
		for i, l := range lines {
			drawText(img, fc, (w-textWidth(fc, l))/2, top+(i+1)*lh-lh/5, l, ink, nil, 0)
		}
	case "sign":
		// A coloured panel with a border and one or two big words, set in a scene.
		img = scene(rng, w, h)
		s := strings.ToUpper(words(rng, 1+rng.Intn(2)))
		lines = []string{s}
		fc := fitFace(rng, textPx(rng, h, thumb, 0.07, 0.12), s, w*7/10)
		tw, asc := textWidth(fc, s), fc.Metrics().Ascent.Ceil()
		pad := asc / 2
		x0 := rng.Intn(max(1, w-tw-2*pad))
		y0 := rng.Intn(max(1, h-asc-2*pad-pad))
		panel := randColor(rng)
		r := image.Rect(x0, y0, x0+tw+2*pad, y0+asc+2*pad+pad/2)
		fillRect(img, r.Inset(-3), contrasting(rng, panel))
		fillRect(img, r, panel)
		drawText(img, fc, x0+pad, y0+pad+asc, s, contrasting(rng, panel), nil, 0)
	case "book":
		// A cover: flat or two-tone colour, a big title and a smaller author line.
		img = image.NewRGBA(image.Rect(0, 0, min(w, h), max(w, h)))
		w, h = img.Bounds().Dx(), img.Bounds().Dy()
		bg := randColor(rng)
		fillRect(img, img.Bounds(), bg)
		fillRect(img, image.Rect(0, h*6/10, w, h), randColor(rng))
		grain(rng, img, 6)
		title := styleCase(rng, words(rng, 1+rng.Intn(3)))
		author := strings.Title(words(rng, 2)) //nolint:staticcheck // ASCII words only
		lines = []string{title, author}
		fc := fitFace(rng, textPx(rng, h, thumb, 0.06, 0.1), title, w*85/100)
		ink := contrasting(rng, bg)
		drawText(img, fc, (w-textWidth(fc, title))/2, h/4, title, ink, nil, 0)
		fa := fitFace(rng, textPx(rng, h, thumb, 0.035, 0.05), author, w*8/10)
		low := meanColor(img, image.Rect(0, h*8/10, w, h*9/10))
		drawText(img, fa, (w-textWidth(fa, author))/2, h*87/100, author, contrasting(rng, low), nil, 0)
	case "document":
		// A page of dark text on paper, with a heading.
		img = image.NewRGBA(image.Rect(0, 0, w, h))
		p := 225 + rng.Float64()*30
		fillRect(img, img.Bounds(), rgb(p, p, p-rng.Float64()*20))
		grain(rng, img, 8)
		head := styleCase(rng, words(rng, 2+rng.Intn(2)))
		fh := fitFace(rng, textPx(rng, h, thumb, 0.06, 0.09), head, w*8/10)
		drawText(img, fh, w/12, h/8+fh.Metrics().Ascent.Ceil(), head, rgb(15, 15, 30), nil, 0)
		lines = []string{head}
		fb := face(rng, math.Max(12, float64(h)*0.03))
		lh := fb.Metrics().Height.Ceil() * 13 / 10
		for y := h/8 + fh.Metrics().Height.Ceil()*2 + lh; y < h-h/10; y += lh {
			l := words(rng, 3+rng.Intn(5))
			for textWidth(fb, l) > w*10/12 && strings.Contains(l, " ") {
				l = l[:strings.LastIndex(l, " ")]
			}
			lines = append(lines, l)
			drawText(img, fb, w/12, y, l, rgb(30, 30, 40), nil, 0)
		}
	case "watermark":
		// A stock agency's name in translucent white across the middle.
		img = scene(rng, w, h)
		s := brands[rng.Intn(len(brands))]
		lines = []string{s}
		fc := fitFace(rng, textPx(rng, h, thumb, 0.09, 0.14), s, w*8/10)
		tw := textWidth(fc, s)
		a := uint8(140 + rng.Intn(90))
		ink := color.NRGBA{255, 255, 255, a}
		if lum(meanColor(img, image.Rect(w/4, h/3, 3*w/4, 2*h/3))) > 160 {
			ink = color.NRGBA{20, 20, 20, a}
		}
		drawText(img, fc, (w-tw)/2, h/2+fc.Metrics().Ascent.Ceil()/2, s, ink, nil, 0)
	case "poster":
		// Light words on a dark flat background (or the reverse), several lines.
		img = image.NewRGBA(image.Rect(0, 0, w, h))
		bg := randColor(rng)
		fillRect(img, img.Bounds(), bg)
		grain(rng, img, 10)
		ink := contrasting(rng, bg)
		n := 1 + rng.Intn(3)
		y := h / 5
		for range n {
			l := strings.ToUpper(words(rng, 1+rng.Intn(3)))
			fc := fitFace(rng, textPx(rng, h, thumb, 0.06, 0.11), l, w*85/100)
			y += fc.Metrics().Ascent.Ceil()
			drawText(img, fc, (w-textWidth(fc, l))/2, y, l, ink, nil, 0)
			y += fc.Metrics().Height.Ceil() / 2
			lines = append(lines, l)
		}
	default:
		panic("evalset: unknown positive kind " + kind)
	}
	grain(rng, img, 3+rng.Float64()*5)
	return img, strings.Join(lines, "\n")
}

// negative draws one image of the given kind without any text.
func negative(rng *rand.Rand, kind string, thumb bool) *image.RGBA {
	w, h := canvasSize(rng)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	switch kind {
	case "noise":
		// Multi-octave noise: sand, stone, concrete.
		nz := newNoise(rng, w, h, 4+rng.Intn(24), 4)
		c := randColor(rng)
		amp := 40 + rng.Float64()*80
		for y := range h {
			for x := range w {
				n := nz.at(x, y) * amp
				img.SetRGBA(x, y, rgb(float64(c.R)+n, float64(c.G)+n, float64(c.B)+n))
			}
		}
	case "brick":
		// Rows of bricks offset by half a brick, mortar lines, colour jitter.
		mortar := rgb(170+rng.Float64()*40, 170+rng.Float64()*30, 160)
		fillRect(img, img.Bounds(), mortar)
		bh := 10 + rng.Intn(20)
		bw := bh*2 + rng.Intn(bh*2)
		gap := 1 + rng.Intn(3)
		base := rgb(120+rng.Float64()*80, 40+rng.Float64()*40, 30+rng.Float64()*30)
		for row, y := 0, 0; y < h; row, y = row+1, y+bh+gap {
			off := 0
			if row%2 == 1 {
				off = -bw / 2
			}
			for x := off; x < w; x += bw + gap {
				j := rng.Float64()*50 - 25
				fillRect(img, image.Rect(x, y, x+bw, y+bh), rgb(float64(base.R)+j, float64(base.G)+j/2, float64(base.B)+j/2))
			}
		}
	case "stripes":
		// Bars at an angle: awnings, fences, shirts, blinds.
		a, b := randColor(rng), randColor(rng)
		period := 6 + rng.Float64()*30
		ang := rng.Float64() * math.Pi
		ca, sa := math.Cos(ang), math.Sin(ang)
		duty := 0.3 + rng.Float64()*0.4
		for y := range h {
			for x := range w {
				t := math.Mod(float64(x)*ca+float64(y)*sa+1e6, period) / period
				if t < duty {
					img.SetRGBA(x, y, a)
				} else {
					img.SetRGBA(x, y, b)
				}
			}
		}
	case "checker":
		// Checkerboards and tiles, sometimes with a grout line.
		a, b := randColor(rng), randColor(rng)
		if rng.Intn(2) == 0 {
			a, b = rgb(20, 20, 20), rgb(235, 235, 235)
		}
		s := 6 + rng.Intn(40)
		for y := range h {
			for x := range w {
				if (x/s+y/s)%2 == 0 {
					img.SetRGBA(x, y, a)
				} else {
					img.SetRGBA(x, y, b)
				}
			}
		}
	case "foliage":
		// Many small leaves in greens over a dark ground, plus twigs.
		fillRect(img, img.Bounds(), rgb(20+rng.Float64()*30, 50+rng.Float64()*40, 20))
		n := w * h / (40 + rng.Intn(80))
		for range n {
			r := 2 + rng.Float64()*7
			g := 80 + rng.Float64()*150
			fillEllipse(img, rng.Float64()*float64(w), rng.Float64()*float64(h), r*(0.5+rng.Float64()), r,
				rgb(g*0.3+rng.Float64()*60, g, g*0.2+rng.Float64()*40))
		}
		for range 20 + rng.Intn(40) {
			x, y := rng.Float64()*float64(w), rng.Float64()*float64(h)
			ang := rng.Float64() * math.Pi
			for t := 0.0; t < 40+rng.Float64()*80; t++ {
				fillEllipse(img, x+t*math.Cos(ang), y+t*math.Sin(ang), 1.2, 1.2, rgb(60, 45, 30))
			}
		}
	case "face":
		// A head: skin oval, hair, eyes with brows, nose shadow, mouth.
		img = scene(rng, w, h)
		cx, cy := float64(w)/2+(rng.Float64()-0.5)*float64(w)/4, float64(h)/2
		ry := float64(h) * (0.28 + rng.Float64()*0.12)
		rx := ry * 0.75
		skin := rgb(150+rng.Float64()*90, 100+rng.Float64()*80, 70+rng.Float64()*70)
		hair := rgb(rng.Float64()*90, rng.Float64()*60, rng.Float64()*40)
		fillEllipse(img, cx, cy-ry*0.25, rx*1.1, ry*0.9, hair)
		fillEllipse(img, cx, cy, rx, ry, skin)
		for _, sx := range []float64{-1, 1} {
			ex, ey := cx+sx*rx*0.38, cy-ry*0.12
			fillEllipse(img, ex, ey, rx*0.18, ry*0.07, rgb(245, 245, 245))
			fillEllipse(img, ex, ey, rx*0.08, ry*0.065, rgb(40, 30, 20))
			fillEllipse(img, ex, ey-ry*0.14, rx*0.22, ry*0.025, hair)
		}
		fillEllipse(img, cx, cy+ry*0.15, rx*0.08, ry*0.1, rgb(float64(skin.R)*0.8, float64(skin.G)*0.8, float64(skin.B)*0.8))
		fillEllipse(img, cx, cy+ry*0.45, rx*0.32, ry*0.07, rgb(150, 50, 60))
	case "sky":
		// Blue-to-pale gradient with soft clouds.
		img = scene(rng, w, h)
		top := rgb(40+rng.Float64()*60, 90+rng.Float64()*80, 180+rng.Float64()*75)
		nz := newNoise(rng, w, h, 64+rng.Intn(96), 5)
		for y := range h {
			t := float64(y) / float64(h)
			for x := range w {
				c := math.Max(0, nz.at(x, y)) * 2.2
				c = math.Min(1, c)
				r := float64(top.R)*(1-t) + 230*t
				g := float64(top.G)*(1-t) + 230*t
				b := float64(top.B)*(1-t) + 240*t
				img.SetRGBA(x, y, rgb(r*(1-c)+250*c, g*(1-c)+250*c, b*(1-c)+252*c))
			}
		}
	case "facade":
		// A building: a wall with a regular grid of dark windows, the most
		// text-like layout a photo without text has.
		fillRect(img, img.Bounds(), rgb(150+rng.Float64()*80, 140+rng.Float64()*70, 120+rng.Float64()*60))
		ww, wh := 6+rng.Intn(20), 8+rng.Intn(24)
		gx, gy := ww/2+rng.Intn(ww), wh/2+rng.Intn(wh)
		glass := rgb(rng.Float64()*60, rng.Float64()*70, 40+rng.Float64()*80)
		for y := gy; y+wh < h; y += wh + gy {
			for x := gx; x+ww < w; x += ww + gx {
				fillRect(img, image.Rect(x, y, x+ww, y+wh), glass)
				if rng.Intn(4) == 0 {
					fillRect(img, image.Rect(x+ww/2, y, x+ww/2+1, y+wh), rgb(220, 220, 220))
				}
			}
		}
	case "scene":
		// The very backgrounds the positives use, without the text.
		img = scene(rng, w, h)
	default:
		panic("evalset: unknown negative kind " + kind)
	}
	grain(rng, img, 3+rng.Float64()*6)
	return img
}
