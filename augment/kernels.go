package augment

import (
	"errors"
	"fmt"
	"math"
	"sync"
)

// Fill values for pixels that geometric ops bring in from outside the image.
const (
	tfFill = 128 // replace_value = [128] * 3, via wrap/unwrap
	tvFill = 0   // RandAugment(fill=None) -> Pillow fillcolor 0
)

// ApplyOp writes op p applied to src into dst. dst takes src's size and must
// not share memory with src. It allocates nothing once dst is large enough.
func ApplyOp(dst, src *Image, p Params) error {
	if err := src.check("source"); err != nil {
		return err
	}
	if dst == nil {
		return errors.New("augment: destination image is nil")
	}
	if dst == src || (len(dst.Pix) > 0 && cap(dst.Pix) > 0 && &dst.Pix[:1][0] == &src.Pix[0]) {
		return errors.New("augment: destination and source must be different buffers")
	}
	if p.Op >= numOps || !p.Convention.Has(p.Op) {
		return fmt.Errorf("augment: op %s is not part of the %s convention", p.Op, p.Convention)
	}
	dst.resize(src.W, src.H)
	apply(dst, src, &p)
	return nil
}

// apply runs one op; dst has src's size and a distinct buffer.
func apply(dst, src *Image, p *Params) {
	tf := p.Convention == TF
	var lut [256]uint8
	switch p.Op {
	case Identity:
		copy(dst.Pix, src.Pix)
	case Invert:
		for i := range lut {
			lut[i] = 255 - uint8(i)
		}
		mapLUT(dst.Pix, src.Pix, &lut)
	case Posterize:
		bits := int(p.Arg)
		shift := 8 - bits
		if tf {
			// tf.bitwise shifts clamp the shift to [0, 7]: bits=0 keeps one bit.
			shift = min(max(shift, 0), 7)
			for i := range lut {
				lut[i] = uint8(i) >> shift << shift
			}
		} else {
			mask := ^uint8((1 << shift) - 1) // ImageOps.posterize
			if shift >= 8 {
				mask = 0
			}
			for i := range lut {
				lut[i] = uint8(i) & mask
			}
		}
		mapLUT(dst.Pix, src.Pix, &lut)
	case Solarize:
		t := p.Arg
		for i := range lut {
			if float64(i) < t {
				lut[i] = uint8(i)
			} else {
				lut[i] = 255 - uint8(i)
			}
		}
		mapLUT(dst.Pix, src.Pix, &lut)
	case SolarizeAdd:
		add := int(p.Arg)
		for i := range lut {
			v := i
			if i < 128 {
				v = min(max(i+add, 0), 255)
			}
			lut[i] = uint8(v)
		}
		mapLUT(dst.Pix, src.Pix, &lut)
	case AutoContrast:
		autoContrast(dst, src, tf)
	case Equalize:
		equalize(dst, src)
	case Brightness:
		f := float32(p.Arg)
		for i := range lut {
			lut[i] = blend32(0, uint8(i), f)
		}
		mapLUT(dst.Pix, src.Pix, &lut)
	case Contrast:
		var mean uint8
		if tf {
			// tensorflow/models: mean = sum(histogram) / 256, i.e. the pixel
			// count over 256, clipped to [0, 255] and cast to uint8.
			m := float32(src.W*src.H) / 256
			mean = uint8(min(max(m, 0), 255))
		} else {
			// ImageEnhance.Contrast: int(mean of convert("L") + 0.5).
			var sum int64
			for i := 0; i < len(src.Pix); i += 3 {
				sum += int64(lumaPIL(src.Pix[i], src.Pix[i+1], src.Pix[i+2]))
			}
			mean = uint8(int(float64(sum)/float64(src.W*src.H) + 0.5))
		}
		f := float32(p.Arg)
		for i := range lut {
			lut[i] = blend32(mean, uint8(i), f)
		}
		mapLUT(dst.Pix, src.Pix, &lut)
	case Color:
		colorOp(dst, src, float32(p.Arg), tf)
	case Sharpness:
		sharpness(dst, src, float32(p.Arg), tf)
	case Rotate:
		if tf {
			tfRotate(dst, src, p.Arg)
		} else {
			pilRotate(dst, src, p.Arg)
		}
	case ShearX, ShearY, TranslateX, TranslateY:
		var a [6]float64 // output (x, y) -> input (a0 x + a1 y + a2, a3 x + a4 y + a5)
		a[0], a[4] = 1, 1
		v := p.Arg
		switch {
		case p.Op == ShearX:
			a[1] = v
		case p.Op == ShearY:
			a[3] = v
		case p.Op == TranslateX && tf:
			a[2] = v // translate(image, [-pixels, 0]) -> x_in = x + pixels
		case p.Op == TranslateY && tf:
			a[5] = v
		case p.Op == TranslateX:
			a[2] = -v // F.affine(translate=[t, 0]) -> x_in = x - t
		default:
			a[5] = -v
		}
		if tf {
			var t [6]float32
			for i := range a {
				t[i] = float32(a[i])
			}
			tfTransform(dst, src, &t)
		} else {
			if p.Op == ShearX || p.Op == ShearY {
				// shear=[degrees(atan(m)), 0] goes back through radians and tan
				// in _get_inverse_affine_matrix.
				sh := radians(degrees(math.Atan(v)))
				if p.Op == ShearX {
					a[1] = math.Tan(sh) // -b = cos(0)*tan(sx)/cos(0) + sin(0)
				} else {
					a[3] = math.Sin(sh) / math.Cos(sh) // -c = -sin(-sy)/cos(sy)
				}
			}
			pilAffine(dst, src, &a, tvFill)
		}
	case Cutout:
		copy(dst.Pix, src.Pix)
		pad := int(p.Arg)
		y0, y1 := max(0, p.CY-pad), min(src.H, p.CY+pad)
		x0, x1 := max(0, p.CX-pad), min(src.W, p.CX+pad)
		if x0 >= x1 {
			break // a centre far outside the image: nothing to cut
		}
		for y := y0; y < y1; y++ {
			row := dst.Pix[3*(y*src.W+x0) : 3*(y*src.W+x1)]
			for i := range row {
				row[i] = tfFill
			}
		}
	}
}

func mapLUT(dst, src []uint8, lut *[256]uint8) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = lut[v]
	}
}

// blend32 is Image.blend / TF blend for one value: a + f*(b-a) in float32,
// clipped to [0, 255] and truncated.
func blend32(a, b uint8, f float32) uint8 {
	t := float32(a) + float32(f*float32(int(b)-int(a)))
	if t <= 0 {
		return 0
	}
	if t >= 255 {
		return 255
	}
	return uint8(t)
}

// lumaPIL is Pillow's RGB -> L conversion (ITU-R 601-2, 16-bit fixed point, rounded).
func lumaPIL(r, g, b uint8) uint8 {
	return uint8((uint32(r)*19595 + uint32(g)*38470 + uint32(b)*7471 + 0x8000) >> 16)
}

// tfLumaTables hold tf.image.rgb_to_grayscale's per-channel float32 terms:
// float32(v) * float32(1/255) * weight, weights (0.2989, 0.587, 0.114).
var tfLumaTables = sync.OnceValue(func() *[3][256]float32 {
	var t [3][256]float32
	const k = float32(1.0 / 255)
	for v := range 256 {
		f := float32(float32(v) * k)
		t[0][v] = float32(f * 0.2989)
		t[1][v] = float32(f * 0.587)
		t[2][v] = float32(f * 0.114)
	}
	return &t
})

// colorOp blends each pixel with its gray: Pillow's convert("L") or TF's
// rgb_to_grayscale (float32 sum, *255.5, truncated).
func colorOp(dst, src *Image, f float32, tf bool) {
	bc := blendPool.Get().(*blendTables)
	defer blendPool.Put(bc)
	bt := bc.table(f)
	lt := tfLumaTables()
	d, s := dst.Pix[:len(src.Pix)], src.Pix
	for i := 0; i+2 < len(s); i += 3 {
		r, g, b := s[i], s[i+1], s[i+2]
		var l int
		if tf {
			sum := float32(lt[0][r]+lt[1][g]) + lt[2][b]
			l = int(uint8(float32(sum * 255.5)))
		} else {
			l = int(lumaPIL(r, g, b))
		}
		row := bt[l<<8 : l<<8+256]
		d[i], d[i+1], d[i+2] = row[r], row[g], row[b]
	}
}

// autoContrast stretches each channel to [0, 255]: float32 arithmetic in TF,
// float64 in Pillow's ImageOps.autocontrast; both truncate.
func autoContrast(dst, src *Image, tf bool) {
	var lo, hi [3]uint8
	lo = [3]uint8{255, 255, 255}
	s := src.Pix
	for i := 0; i+2 < len(s); i += 3 {
		r, g, b := s[i], s[i+1], s[i+2]
		lo[0], hi[0] = min(lo[0], r), max(hi[0], r)
		lo[1], hi[1] = min(lo[1], g), max(hi[1], g)
		lo[2], hi[2] = min(lo[2], b), max(hi[2], b)
	}
	var luts [3][256]uint8
	for c := 0; c < 3; c++ {
		l := &luts[c]
		if hi[c] <= lo[c] {
			for i := range l {
				l[i] = uint8(i)
			}
			continue
		}
		if tf {
			scale := float32(255) / float32(hi[c]-lo[c])
			offset := -float32(lo[c]) * scale
			for i := range l {
				v := float32(float32(i)*scale) + offset
				l[i] = uint8(min(max(v, 0), 255))
			}
		} else {
			scale := 255.0 / float64(int(hi[c])-int(lo[c]))
			offset := -float64(lo[c]) * scale
			for i := range l {
				v := int(float64(float64(i)*scale) + offset)
				l[i] = uint8(min(max(v, 0), 255))
			}
		}
	}
	map3(dst.Pix, s, &luts)
}

func map3(dst, src []uint8, luts *[3][256]uint8) {
	dst = dst[:len(src)]
	for i := 0; i+2 < len(src); i += 3 {
		dst[i] = luts[0][src[i]]
		dst[i+1] = luts[1][src[i+1]]
		dst[i+2] = luts[2][src[i+2]]
	}
}

// equalize is ImageOps.equalize, which TF's equalize transcribes: per channel,
// step = (pixels - count of the last non-empty bin) // 255 and
// lut[i] = (step//2 + cumulative count below i) // step, clipped to 255.
func equalize(dst, src *Image) {
	var hist [3][256]int
	s := src.Pix
	for i := 0; i+2 < len(s); i += 3 {
		hist[0][s[i]]++
		hist[1][s[i+1]]++
		hist[2][s[i+2]]++
	}
	var luts [3][256]uint8
	for c := 0; c < 3; c++ {
		h, l := &hist[c], &luts[c]
		total, last, nonzero := 0, 0, 0
		for _, n := range h {
			if n != 0 {
				total += n
				last = n
				nonzero++
			}
		}
		step := 0
		if nonzero > 1 {
			step = (total - last) / 255
		}
		if step == 0 {
			for i := range l {
				l[i] = uint8(i)
			}
			continue
		}
		n := step / 2
		for i := range l {
			l[i] = uint8(min(n/step, 255))
			n += h[i]
		}
	}
	map3(dst.Pix, s, &luts)
}

// sharpness blends towards a smoothed image: the 3x3 kernel 1 1 1 / 1 5 1 /
// 1 1 1 divided by 13, border pixels copied. Both references sum in float32:
// Pillow's SMOOTH filter starts from 0.5 and truncates (rounds), TF's
// depthwise_conv2d result is truncated by the uint8 cast.
//
// With S the integer weighted sum, Pillow's value is exactly
// floor((2S+13)/26): the float32 error (< 3e-4) never crosses an integer,
// since (2S+13)/26 is at least 1/26 from one. TF's truncation of S/13 is
// exactly S/13 too unless S is a multiple of 13, where the float32 sum may
// fall an ulp short of the integer; those pixels (about 1 in 13) are summed
// in float32 in Pillow's order (rows y+1, y, y-1; (left+centre)+right).
func sharpness(dst, src *Image, f float32, tf bool) {
	w, h := src.W, src.H
	s, d := src.Pix, dst.Pix[:len(src.Pix)]
	if w < 3 || h < 3 {
		copy(d, s) // every pixel is a border pixel
		return
	}
	stride := 3 * w
	bufp := rowPool.Get().(*[]int32)
	defer rowPool.Put(bufp)
	if cap(*bufp) < 3*stride {
		*bufp = make([]int32, 3*stride)
	}
	buf := (*bufp)[:3*stride]
	// hs[k] holds the horizontal 3-sums of source row y with y%3 == k.
	hs := [3][]int32{buf[:stride], buf[stride : 2*stride], buf[2*stride:]}
	hsum := func(out []int32, row []uint8) {
		out = out[:len(row)]
		for i := 3; i < len(row)-3; i++ {
			out[i] = int32(row[i-3]) + int32(row[i]) + int32(row[i+3])
		}
	}
	hsum(hs[0], s[0:stride])
	hsum(hs[1], s[stride:2*stride])
	var k1, k5 [256]float32
	if tf {
		c1, c5 := float32(1)/13, float32(5)/13
		for i := range k1 {
			k1[i] = float32(i) * c1
			k5[i] = float32(i) * c5
		}
	}
	bc := blendPool.Get().(*blendTables)
	defer blendPool.Put(bc)
	bt := bc.table(f)
	copy(d[:stride], s[:stride])
	copy(d[(h-1)*stride:], s[(h-1)*stride:])
	for y := 1; y < h-1; y++ {
		up, mid, dn := hs[(y-1)%3], hs[y%3], hs[(y+1)%3]
		hsum(dn, s[(y+1)*stride:(y+2)*stride])
		rowUp := s[(y-1)*stride : y*stride]
		row := s[y*stride : (y+1)*stride]
		rowDn := s[(y+1)*stride : (y+2)*stride]
		out := d[y*stride : (y+1)*stride]
		copy(out[:3], row[:3])
		copy(out[stride-3:], row[stride-3:])
		for i := 3; i < stride-3; i++ {
			sum := up[i] + mid[i] + dn[i] + 4*int32(row[i])
			var sm int
			if !tf {
				sm = int((2*sum + 13) / 26)
			} else if sum%13 != 0 {
				sm = int(sum / 13)
			} else {
				ss := float32(k1[rowDn[i-3]]+k1[rowDn[i]]) + k1[rowDn[i+3]]
				ss += float32(k1[row[i-3]]+k5[row[i]]) + k1[row[i+3]]
				ss += float32(k1[rowUp[i-3]]+k1[rowUp[i]]) + k1[rowUp[i+3]]
				sm = int(min(ss, 255)) // ss >= 0
			}
			out[i] = bt[sm<<8|int(row[i])]
		}
	}
}

var rowPool = sync.Pool{New: func() any { return new([]int32) }}

// blendTables caches blend32(a, b, f) for all a, b at a few factors f: a
// RandAugment only ever blends at one or two factors, so after the first
// images every Color and Sharpness blend is a table lookup.
type blendTables struct {
	f    [4]float32
	ok   [4]bool
	t    [4][65536]uint8 // t[k][a<<8|b]
	next int
}

var blendPool = sync.Pool{New: func() any { return new(blendTables) }}

// table returns the blend table for f, building it if it is not cached.
func (c *blendTables) table(f float32) *[65536]uint8 {
	for k := range c.f {
		if c.ok[k] && math.Float32bits(c.f[k]) == math.Float32bits(f) {
			return &c.t[k]
		}
	}
	k := c.next
	c.next = (c.next + 1) % len(c.f)
	t := &c.t[k]
	for a := 0; a < 256; a++ {
		row := t[a<<8 : a<<8+256]
		for b := range row {
			row[b] = blend32(uint8(a), uint8(b), f)
		}
	}
	c.f[k], c.ok[k] = f, true
	return t
}

var colPool = sync.Pool{New: func() any { return new([]float32) }}

func radians(d float64) float64 { return d * (math.Pi / 180) }
func degrees(r float64) float64 { return r * (180 / math.Pi) }

// tfTransform is ImageProjectiveTransformV3 with NEAREST interpolation and
// constant fill, then unwrap's gray: output (x, y) reads input
// (round(t0 x + t1 y + t2), round(t3 x + t4 y + t5)) in float32, round half
// away from zero; coordinates outside the image give 128.
func tfTransform(dst, src *Image, t *[6]float32) {
	w, h := src.W, src.H
	s, d := src.Pix, dst.Pix[:len(src.Pix)]
	if t[0] == 1 && t[1] == 0 && t[3] == 0 && t[4] == 1 && t[2] == float32(int(t[2])) && t[5] == float32(int(t[5])) {
		shift(dst, src, int(t[2]), int(t[5]), tfFill) // exact: integer coordinates
		return
	}
	// The products t0*x and t3*x are the same numbers on every row.
	bufp := colPool.Get().(*[]float32)
	defer colPool.Put(bufp)
	if cap(*bufp) < 2*w {
		*bufp = make([]float32, 2*w)
	}
	colX, colY := (*bufp)[:w], (*bufp)[w:2*w]
	for x := range colX {
		colX[x] = float32(t[0] * float32(x))
		colY[x] = float32(t[3] * float32(x))
	}
	o := 0
	for y := 0; y < h; y++ {
		fy := float32(y)
		by := float32(t[1] * fy)
		ey := float32(t[4] * fy)
		for x := 0; x < w; x++ {
			xi := roundIndex(float32(colX[x]+by) + t[2])
			yi := roundIndex(float32(colY[x]+ey) + t[5])
			if uint(xi) < uint(w) && uint(yi) < uint(h) {
				j := 3 * (yi*w + xi)
				d[o], d[o+1], d[o+2] = s[j], s[j+1], s[j+2]
			} else {
				d[o], d[o+1], d[o+2] = tfFill, tfFill, tfFill
			}
			o += 3
		}
	}
}

// roundIndex is std::round(v) for an index: half away from zero; any v at or
// below -0.5 (rounding to -1 or less) gives -1.
func roundIndex(v float32) int {
	if v <= -0.5 {
		return -1
	}
	return int(float64(v) + 0.5) // exact in float64; non-negative, so int() floors
}

// shift writes out(x, y) = in(x+dx, y+dy), fill outside.
func shift(dst, src *Image, dx, dy int, fill uint8) {
	w, h := src.W, src.H
	s, d := src.Pix, dst.Pix[:len(src.Pix)]
	x0, x1 := max(0, -dx), min(w, w-dx) // output columns that read inside
	for y := 0; y < h; y++ {
		out := d[3*y*w : 3*(y+1)*w]
		sy := y + dy
		if sy < 0 || sy >= h || x0 >= x1 {
			for i := range out {
				out[i] = fill
			}
			continue
		}
		for i := 0; i < 3*x0; i++ {
			out[i] = fill
		}
		copy(out[3*x0:3*x1], s[3*(sy*w+x0+dx):3*(sy*w+x1+dx)])
		for i := 3 * x1; i < len(out); i++ {
			out[i] = fill
		}
	}
}

// tfRotate is tensorflow/models rotate: the angle in float32 radians and
// _convert_angles_to_transform's matrix about ((w-1)/2, (h-1)/2).
func tfRotate(dst, src *Image, deg float64) {
	rad := float32(deg * (math.Pi / 180.0))
	c := float32(math.Cos(float64(rad)))
	s := float32(math.Sin(float64(rad)))
	w1, h1 := float32(src.W-1), float32(src.H-1)
	xo := (w1 - (float32(c*w1) - float32(s*h1))) / 2
	yo := (h1 - (float32(s*w1) + float32(c*h1))) / 2
	t := [6]float32{c, -s, xo, s, c, yo}
	tfTransform(dst, src, &t)
}

// pilRotate is Image.rotate(angle, NEAREST, fillcolor=0) without expand: the
// inverse matrix rounded to 15 digits about (w/2, h/2).
func pilRotate(dst, src *Image, angle float64) {
	angle = math.Mod(angle, 360)
	if angle < 0 {
		angle += 360 // Python's % takes the divisor's sign
	}
	a := -radians(angle)
	cs, sn := round15(math.Cos(a)), round15(math.Sin(a))
	m := [6]float64{cs, sn, 0, round15(-math.Sin(a)), cs, 0}
	cx, cy := float64(src.W)/2, float64(src.H)/2
	m[2] = m[0]*(-cx) + m[1]*(-cy) + m[2]
	m[5] = m[3]*(-cx) + m[4]*(-cy) + m[5]
	m[2] += cx
	m[5] += cy
	pilAffine(dst, src, &m, tvFill)
}

// round15 is Python's round(v, 15).
func round15(v float64) float64 {
	p := math.Pow(10, 15)
	r := math.RoundToEven(v * p)
	// Python rounds the exact decimal value; v*p is exact enough here except
	// at ties, which cos/sin never hit.
	return r / p
}

// pilAffine is Pillow's nearest-neighbour affine transform (Geometry.c
// affine_fixed): the matrix in 16.16 fixed point, sampled at pixel centres,
// rows and columns stepped by adding the fixed-point coefficients.
func pilAffine(dst, src *Image, a *[6]float64, fill uint8) {
	if a[0] == 1 && a[1] == 0 && a[3] == 0 && a[4] == 1 && a[2] == math.Trunc(a[2]) && a[5] == math.Trunc(a[5]) &&
		math.Abs(a[2]) < 1<<20 && math.Abs(a[5]) < 1<<20 {
		// Pillow takes ImagingScaleAffine here; an integer shift either way.
		shift(dst, src, int(a[2]), int(a[5]), fill)
		return
	}
	fix := func(v float64) int32 { return int32(math.Floor(v*65536.0 + 0.5)) }
	a0, a1, a3, a4 := fix(a[0]), fix(a[1]), fix(a[3]), fix(a[4])
	a2 := fix(a[2] + a[0]*0.5 + a[1]*0.5)
	a5 := fix(a[5] + a[3]*0.5 + a[4]*0.5)
	w, h := int32(src.W), int32(src.H)
	s, d := src.Pix, dst.Pix[:len(src.Pix)]
	o := 0
	for y := int32(0); y < h; y++ {
		xx, yy := a2, a5
		for x := int32(0); x < w; x++ {
			xin, yin := xx>>16, yy>>16
			if xin >= 0 && xin < w && yin >= 0 && yin < h {
				j := 3 * int(yin*w+xin)
				d[o], d[o+1], d[o+2] = s[j], s[j+1], s[j+2]
			} else {
				d[o], d[o+1], d[o+2] = fill, fill, fill
			}
			o += 3
			xx += a0
			yy += a3
		}
		a2 += a1
		a5 += a4
	}
}
