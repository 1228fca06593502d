package imagehash

import (
	"image"
	"math"
)

// Gray is an 8-bit luma image, row-major, Stride == W.
type Gray struct {
	W, H int
	Pix  []uint8
}

// Luma converts img to 8-bit luma exactly as PIL's convert("L") does for RGB:
// (R*19595 + G*38470 + B*7471 + 0x8000) >> 16, alpha ignored. *image.RGBA
// and *image.NRGBA take a fast path; other types go through color.RGBA64
// (premultiplied, as Go's decoders give them, so only images with
// transparency can differ from PIL).
func Luma(img image.Image) *Gray {
	b := img.Bounds()
	g := &Gray{W: b.Dx(), H: b.Dy(), Pix: make([]uint8, b.Dx()*b.Dy())}
	var pix []uint8
	var stride int
	switch m := img.(type) {
	case *image.RGBA:
		pix, stride = m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride
	case *image.NRGBA:
		pix, stride = m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride
	case *image.Gray:
		for y := range g.H {
			copy(g.Pix[y*g.W:(y+1)*g.W], m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):])
		}
		return g
	}
	if pix != nil {
		for y := range g.H {
			row := pix[y*stride:][:4*g.W]
			out := g.Pix[y*g.W:][:g.W]
			for x := range out {
				p := row[4*x : 4*x+3 : 4*x+3]
				out[x] = luma8(p[0], p[1], p[2])
			}
		}
		return g
	}
	for y := range g.H {
		for x := range g.W {
			r, gg, bb, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			g.Pix[y*g.W+x] = luma8(uint8(r>>8), uint8(gg>>8), uint8(bb>>8))
		}
	}
	return g
}

func luma8(r, g, b uint8) uint8 {
	return uint8((uint32(r)*19595 + uint32(g)*38470 + uint32(b)*7471 + 0x8000) >> 16)
}

// Box is a region of an image in pixel coordinates, as PIL's resize box:
// (x0, y0, x1, y1), fractional allowed.
type Box [4]float64

// precision of PIL's 8-bit resampling coefficients.
const precisionBits = 32 - 8 - 2

func lanczos(x float64) float64 {
	if -3 <= x && x < 3 {
		return sinc(x) * sinc(x/3)
	}
	return 0
}

func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	x *= math.Pi
	return math.Sin(x) / x
}

// coeffs is PIL's precompute_coeffs + normalize_coeffs_8bpc for the Lanczos
// filter: for each output position its first input index, its tap count and
// ksize fixed-point weights.
type coeffs struct {
	ksize  int
	bounds []int // xmin, n per output
	k      []int32
}

func precompute(inSize int, in0, in1 float64, outSize int) coeffs {
	// PIL computes in0, in1 as C floats.
	in0, in1 = float64(float32(in0)), float64(float32(in1))
	scale := (in1 - in0) / float64(outSize)
	filterscale := max(scale, 1)
	support := 3 * filterscale
	ksize := int(math.Ceil(support))*2 + 1
	c := coeffs{ksize: ksize, bounds: make([]int, 2*outSize), k: make([]int32, outSize*ksize)}
	kk := make([]float64, ksize)
	for xx := range outSize {
		center := in0 + (float64(xx)+0.5)*scale
		ss := 1 / filterscale
		xmin := max(int(center-support+0.5), 0) // C's (int) truncates toward zero, as Go's
		xmax := min(int(center+support+0.5), inSize)
		xmax -= xmin
		ww := 0.0
		for x := range xmax {
			w := lanczos((float64(x+xmin) - center + 0.5) * ss)
			kk[x] = w
			ww += w
		}
		for x := range xmax {
			if ww != 0 {
				kk[x] /= ww
			}
			v := kk[x] * (1 << precisionBits)
			if kk[x] < 0 {
				c.k[xx*ksize+x] = int32(-0.5 + v)
			} else {
				c.k[xx*ksize+x] = int32(0.5 + v)
			}
		}
		c.bounds[2*xx], c.bounds[2*xx+1] = xmin, xmax
	}
	return c
}

func clip8(v int32) uint8 {
	v >>= precisionBits
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v)
}

// Resize resamples the box of g to w x h pixels with PIL's Lanczos filter
// (Image.resize(size, Image.LANCZOS, box)) in PIL's fixed point: a
// horizontal pass rounded to 8 bits, then a vertical pass, so the result
// equals PIL's pixel for pixel.
func (g *Gray) Resize(box Box, w, h int) *Gray {
	return g.resize(box, w, h, nil)
}

// plan is the precomputed coefficients of one resize, for a box and sizes
// that repeat (the windows of every signature).
type plan struct{ h, v coeffs }

func newPlan(inW, inH int, box Box, w, h int) *plan {
	return &plan{precompute(inW, box[0], box[2], w), precompute(inH, box[1], box[3], h)}
}

func (g *Gray) resize(box Box, w, h int, p *plan) *Gray {
	needH := w != g.W || box[0] != 0 || box[2] != float64(w)
	needV := h != g.H || box[1] != 0 || box[3] != float64(h)
	if p == nil {
		p = newPlan(g.W, g.H, box, w, h)
	}
	cv := p.v
	src := g
	if needH {
		ch := p.h
		// Only the rows the vertical pass reads.
		first := cv.bounds[0]
		last := cv.bounds[2*h-2] + cv.bounds[2*h-1]
		if !needV {
			first, last = 0, g.H
		}
		tmp := &Gray{W: w, H: g.H, Pix: make([]uint8, w*g.H)}
		for y := first; y < last; y++ {
			in := g.Pix[y*g.W : (y+1)*g.W]
			out := tmp.Pix[y*w : (y+1)*w]
			for xx := range w {
				xmin, n := ch.bounds[2*xx], ch.bounds[2*xx+1]
				k := ch.k[xx*ch.ksize:][:n]
				px := in[xmin:][:n]
				ss := int32(1) << (precisionBits - 1)
				for x, kv := range k {
					ss += int32(px[x]) * kv
				}
				out[xx] = clip8(ss)
			}
		}
		src = tmp
	}
	if !needV {
		if src == g {
			return &Gray{W: g.W, H: g.H, Pix: append([]uint8(nil), g.Pix...)}
		}
		return src
	}
	out := &Gray{W: src.W, H: h, Pix: make([]uint8, src.W*h)}
	for yy := range h {
		ymin, n := cv.bounds[2*yy], cv.bounds[2*yy+1]
		k := cv.k[yy*cv.ksize:][:n]
		row := out.Pix[yy*src.W : (yy+1)*src.W]
		for x := range row {
			ss := int32(1) << (precisionBits - 1)
			for y, kv := range k {
				ss += int32(src.Pix[(ymin+y)*src.W+x]) * kv
			}
			row[x] = clip8(ss)
		}
	}
	return out
}

// Mirror returns g flipped left to right.
func (g *Gray) Mirror() *Gray {
	out := &Gray{W: g.W, H: g.H, Pix: make([]uint8, len(g.Pix))}
	for y := range g.H {
		in, o := g.Pix[y*g.W:(y+1)*g.W], out.Pix[y*g.W:(y+1)*g.W]
		for x := range in {
			o[g.W-1-x] = in[x]
		}
	}
	return out
}
