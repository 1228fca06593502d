package ocr

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	_ "image/gif" // decoders for the formats WEBEmo holds
	_ "image/jpeg"
	_ "image/png"
	"math"

	_ "golang.org/x/image/webp"
)

// grayImage is an 8-bit luma image, the form every pass works on.
type grayImage struct {
	w, h int
	pix  []uint8
}

// rgbImage is an 8-bit RGB image. Tesseract gets colour where it helps: its
// Otsu thresholding picks the channel that best separates text from the
// background (a dark word on a blue sign can vanish in luma).
type rgbImage struct {
	w, h int
	pix  []uint8 // r, g, b
}

// decodeRGB decodes an encoded image (JPEG, PNG, GIF, WebP).
func decodeRGB(data []byte) (rgbImage, error) {
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return rgbImage{}, fmt.Errorf("decode image: %w", err)
	}
	return toRGB(img), nil
}

// toRGB converts any image to RGB. Transparent parts are composited over
// a background that contrasts with what is drawn: white under dark content
// (black text on a transparent logo or caption, which a black background,
// what decoders give, would hide), black under light content.
func toRGB(img image.Image) rgbImage {
	b := img.Bounds()
	out := rgbImage{w: b.Dx(), h: b.Dy(), pix: make([]uint8, 3*b.Dx()*b.Dy())}
	// Straight (non-premultiplied) colour and alpha of every pixel.
	alpha := make([]uint8, out.w*out.h)
	transparent := false
	var lumSum, alphaSum float64
	i := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			var c color.NRGBA
			switch src := img.(type) {
			case *image.NRGBA:
				p := src.Pix[src.PixOffset(x, y):]
				c = color.NRGBA{p[0], p[1], p[2], p[3]}
			case *image.RGBA:
				p := src.Pix[src.PixOffset(x, y):]
				c = color.NRGBA{p[0], p[1], p[2], p[3]}
				if c.A != 255 && c.A != 0 { // un-premultiply
					c.R, c.G, c.B = uint8(int(c.R)*255/int(c.A)), uint8(int(c.G)*255/int(c.A)), uint8(int(c.B)*255/int(c.A))
				}
			case *image.YCbCr:
				yi, ci := src.YOffset(x, y), src.COffset(x, y)
				r, g, bb := color.YCbCrToRGB(src.Y[yi], src.Cb[ci], src.Cr[ci])
				c = color.NRGBA{r, g, bb, 255}
			case *image.Gray:
				v := src.Pix[src.PixOffset(x, y)]
				c = color.NRGBA{v, v, v, 255}
			default:
				c = color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			}
			out.pix[3*i], out.pix[3*i+1], out.pix[3*i+2] = c.R, c.G, c.B
			alpha[i] = c.A
			if c.A < 255 {
				transparent = true
			}
			a := float64(c.A)
			lumSum += a * (0.299*float64(c.R) + 0.587*float64(c.G) + 0.114*float64(c.B))
			alphaSum += a
			i++
		}
	}
	if !transparent {
		return out
	}
	bg := 0.0
	if alphaSum == 0 || lumSum/alphaSum < 128 {
		bg = 255
	}
	for i, a := range alpha {
		if a == 255 {
			continue
		}
		f := float64(a) / 255
		for k := range 3 {
			out.pix[3*i+k] = uint8(float64(out.pix[3*i+k])*f + bg*(1-f) + 0.5)
		}
	}
	return out
}

// gray converts to luma with the Rec. 601 weights.
func (c rgbImage) gray() grayImage {
	g := grayImage{w: c.w, h: c.h, pix: make([]uint8, c.w*c.h)}
	for i := range g.pix {
		r, gg, b := uint32(c.pix[3*i]), uint32(c.pix[3*i+1]), uint32(c.pix[3*i+2])
		g.pix[i] = uint8((299*r + 587*gg + 114*b + 500) / 1000)
	}
	return g
}

// saturation is max(r,g,b) - min(r,g,b): high on coloured text, zero on
// grey, whatever the brightness.
func (c rgbImage) saturation() grayImage {
	g := grayImage{w: c.w, h: c.h, pix: make([]uint8, c.w*c.h)}
	for i := range g.pix {
		r, gg, b := c.pix[3*i], c.pix[3*i+1], c.pix[3*i+2]
		g.pix[i] = max(r, gg, b) - min(r, gg, b)
	}
	return g
}

// resize scales each channel by f (see grayImage.resize).
func (c rgbImage) resize(f float64) rgbImage {
	var ch [3]grayImage
	for k := range 3 {
		g := grayImage{w: c.w, h: c.h, pix: make([]uint8, c.w*c.h)}
		for i := range g.pix {
			g.pix[i] = c.pix[3*i+k]
		}
		ch[k] = g.resize(f)
	}
	out := rgbImage{w: ch[0].w, h: ch[0].h, pix: make([]uint8, 3*ch[0].w*ch[0].h)}
	for i := range ch[0].pix {
		out.pix[3*i], out.pix[3*i+1], out.pix[3*i+2] = ch[0].pix[i], ch[1].pix[i], ch[2].pix[i]
	}
	return out
}

// resize scales the image by f with bilinear interpolation (f > 1 upscales
// small text to a size Tesseract reads; f < 1 bounds the cost of big photos).
func (g grayImage) resize(f float64) grayImage {
	w, h := max(1, int(float64(g.w)*f+0.5)), max(1, int(float64(g.h)*f+0.5))
	out := grayImage{w: w, h: h, pix: make([]uint8, w*h)}
	sx, sy := float64(g.w)/float64(w), float64(g.h)/float64(h)
	if f < 1 {
		// Box filter for downscaling, so thin strokes do not vanish.
		for y := range h {
			y0, y1 := int(float64(y)*sy), max(int(float64(y)*sy)+1, int(float64(y+1)*sy))
			for x := range w {
				x0, x1 := int(float64(x)*sx), max(int(float64(x)*sx)+1, int(float64(x+1)*sx))
				sum, n := 0, 0
				for yy := y0; yy < min(y1, g.h); yy++ {
					row := g.pix[yy*g.w:]
					for xx := x0; xx < min(x1, g.w); xx++ {
						sum += int(row[xx])
						n++
					}
				}
				out.pix[y*w+x] = uint8(sum / max(n, 1))
			}
		}
		return out
	}
	for y := range h {
		fy := (float64(y)+0.5)*sy - 0.5
		y0 := max(0, int(fy))
		y1 := min(g.h-1, y0+1)
		ty := max(0, fy-float64(y0))
		for x := range w {
			fx := (float64(x)+0.5)*sx - 0.5
			x0 := max(0, int(fx))
			x1 := min(g.w-1, x0+1)
			tx := max(0, fx-float64(x0))
			a := float64(g.pix[y0*g.w+x0])*(1-tx) + float64(g.pix[y0*g.w+x1])*tx
			b := float64(g.pix[y1*g.w+x0])*(1-tx) + float64(g.pix[y1*g.w+x1])*tx
			out.pix[y*w+x] = uint8(a*(1-ty) + b*ty + 0.5)
		}
	}
	return out
}

// stretch maps the lo..hi percentiles of the histogram to 0..255, and
// inverts when invert is set (light text becomes dark text on light).
func (g grayImage) stretch(lo, hi float64, invert bool) grayImage {
	var hist [256]int
	for _, v := range g.pix {
		hist[v]++
	}
	n := len(g.pix)
	pl, ph := 0, 255
	for acc, i := 0, 0; i < 256; i++ {
		acc += hist[i]
		if float64(acc) >= lo*float64(n) {
			pl = i
			break
		}
	}
	for acc, i := 0, 255; i >= 0; i-- {
		acc += hist[i]
		if float64(acc) >= (1-hi)*float64(n) {
			ph = i
			break
		}
	}
	if ph <= pl {
		ph = pl + 1
	}
	var lut [256]uint8
	for i := range lut {
		v := (i - pl) * 255 / (ph - pl)
		v = min(255, max(0, v))
		if invert {
			v = 255 - v
		}
		lut[i] = uint8(v)
	}
	out := grayImage{w: g.w, h: g.h, pix: make([]uint8, len(g.pix))}
	for i, v := range g.pix {
		out.pix[i] = lut[v]
	}
	return out
}

// edgeDensity is the fraction of pixels whose horizontal or vertical
// neighbour differs by more than thresh: near zero for skies, blurs and
// flat colour, where no glyph can be.
func (g grayImage) edgeDensity(thresh int) float64 {
	if g.w < 2 || g.h < 2 {
		return 0
	}
	n := 0
	for y := 0; y < g.h-1; y++ {
		row, next := g.pix[y*g.w:(y+1)*g.w], g.pix[(y+1)*g.w:]
		for x := 0; x < g.w-1; x++ {
			v := int(row[x])
			dx, dy := v-int(row[x+1]), v-int(next[x])
			if dx > thresh || dx < -thresh || dy > thresh || dy < -thresh {
				n++
			}
		}
	}
	return float64(n) / float64((g.w-1)*(g.h-1))
}

// integral returns the summed-area table of g, (w+1)*(h+1) sums row by
// row, for box sums in constant time (boxSum).
func (g grayImage) integral() []int64 {
	w := g.w
	sum := make([]int64, (w+1)*(g.h+1))
	for y := range g.h {
		var row int64
		for x := range w {
			row += int64(g.pix[y*w+x])
			sum[(y+1)*(w+1)+x+1] = sum[y*(w+1)+x+1] + row
		}
	}
	return sum
}

// boxSum returns the sum and count of the pixels within r of (x, y),
// clipped to the image, from g's integral.
func (g grayImage) boxSum(sum []int64, x, y, r int) (int64, int) {
	w := g.w
	y0, y1 := max(0, y-r), min(g.h, y+r+1)
	x0, x1 := max(0, x-r), min(w, x+r+1)
	s := sum[y1*(w+1)+x1] - sum[y0*(w+1)+x1] - sum[y1*(w+1)+x0] + sum[y0*(w+1)+x0]
	return s, (y1 - y0) * (x1 - x0)
}

// localContrast subtracts a box blur of radius r (the background) and
// stretches the rest, dark where the image is lighter than its
// surroundings: translucent white watermarks become dark glyphs on white.
func (g grayImage) localContrast(r int, floor float64) grayImage {
	w, h := g.w, g.h
	sum := g.integral()
	diff := make([]int, w*h)
	lo, hi := 0, 0
	for y := range h {
		for x := range w {
			s, n := g.boxSum(sum, x, y, r)
			mean := int(s / int64(n))
			d := int(g.pix[y*w+x]) - mean
			diff[y*w+x] = d
			lo, hi = min(lo, d), max(hi, d)
		}
	}
	out := grayImage{w: w, h: h, pix: make([]uint8, w*h)}
	// Only what is clearly lighter than its surroundings turns dark: the
	// floor (a share of the strongest difference) keeps the faint ripples
	// of textures white, so Tesseract sees fewer blobs.
	low := int(floor * float64(hi))
	span := max(1, hi-low)
	for i, d := range diff {
		v := 255 - min(255, max(0, d-low)*255/span)
		out.pix[i] = uint8(v)
	}
	return out
}

// rotate turns the image by deg degrees (counter-clockwise on screen) about
// its centre, bilinear, into a canvas that holds all of it; uncovered
// pixels get fill. It returns the mapping of a point of the result back to
// the original's coordinates.
func (g grayImage) rotate(deg float64, fill uint8) (grayImage, func(x, y float64) (float64, float64)) {
	a := deg * math.Pi / 180
	c, s := math.Cos(a), math.Sin(a)
	w, h := float64(g.w), float64(g.h)
	nw := int(math.Abs(w*c)+math.Abs(h*s)) + 1
	nh := int(math.Abs(w*s)+math.Abs(h*c)) + 1
	out := grayImage{w: nw, h: nh, pix: make([]uint8, nw*nh)}
	cx, cy := w/2, h/2
	ncx, ncy := float64(nw)/2, float64(nh)/2
	back := func(x, y float64) (float64, float64) {
		dx, dy := x-ncx, y-ncy
		return c*dx - s*dy + cx, s*dx + c*dy + cy
	}
	for y := range nh {
		for x := range nw {
			sx, sy := back(float64(x)+0.5, float64(y)+0.5)
			v, ok := g.bilinear(sx-0.5, sy-0.5)
			if !ok {
				out.pix[y*nw+x] = fill
				continue
			}
			out.pix[y*nw+x] = uint8(v + 0.5)
		}
	}
	return out, back
}

// bilinear is the image's value at (sx, sy) (pixel centres at integers),
// interpolated between its four neighbours; false when they are not all
// inside the image.
func (g grayImage) bilinear(sx, sy float64) (float64, bool) {
	x0, y0 := int(math.Floor(sx)), int(math.Floor(sy))
	if x0 < 0 || y0 < 0 || x0+1 >= g.w || y0+1 >= g.h {
		return 0, false
	}
	tx, ty := sx-float64(x0), sy-float64(y0)
	p, q := g.pix[y0*g.w+x0:], g.pix[(y0+1)*g.w+x0:]
	return (float64(p[0])*(1-tx)+float64(p[1])*tx)*(1-ty) + (float64(q[0])*(1-tx)+float64(q[1])*tx)*ty, true
}
