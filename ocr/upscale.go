package ocr

import "math"

// upFilter names how a frame's picture is scaled up for the passes that
// read it upscaled (frame.image): thumbnails of 220 px, whose letters are
// 5-9 px high, are read at about 2.9 times their size.
type upFilter int

const (
	upBilinear upFilter = iota // grayImage.resize
	upCubic                    // Catmull-Rom (resizeCubic): steeper letter edges
)

// thumbUpFilter is the filter of the upscaled image of a picture given
// small (thumbnails; not the views of large.go, whose reduced full-size
// pictures keep bilinear). thumbSharpen, when above 0, adds that share of
// an unsharp mask to it (sharpen).
var (
	thumbUpFilter = upBilinear
	thumbSharpen  = 0.0
)

// thumbMaxSide: pictures whose long side is at most it are thumbnails
// (WEBEmo's are 220 px); larger ones are scaled up bilinearly whatever
// thumbUpFilter says.
const thumbMaxSide = 300

// upscaleThumb scales a picture up by f, a thumbnail with thumbUpFilter
// and thumbSharpen.
func (c rgbImage) upscaleThumb(f float64) rgbImage {
	if max(c.w, c.h) > thumbMaxSide || thumbUpFilter == upBilinear && thumbSharpen <= 0 {
		return c.resize(f)
	}
	var ch [3]grayImage
	for k := range 3 {
		g := grayImage{w: c.w, h: c.h, pix: make([]uint8, c.w*c.h)}
		for i := range g.pix {
			g.pix[i] = c.pix[3*i+k]
		}
		if thumbUpFilter == upCubic {
			g = g.resizeCubic(f)
		} else {
			g = g.resize(f)
		}
		if thumbSharpen > 0 {
			g = g.sharpen(thumbSharpen, max(1, int(f+0.5)))
		}
		ch[k] = g
	}
	out := rgbImage{w: ch[0].w, h: ch[0].h, pix: make([]uint8, 3*ch[0].w*ch[0].h)}
	for i := range ch[0].pix {
		out.pix[3*i], out.pix[3*i+1], out.pix[3*i+2] = ch[0].pix[i], ch[1].pix[i], ch[2].pix[i]
	}
	return out
}

// cubicWeights are the Catmull-Rom weights of the four samples round t in
// [0, 1) (the sample before, at, after and two after).
func cubicWeights(t float64) [4]float64 {
	t2, t3 := t*t, t*t*t
	return [4]float64{
		(-t3 + 2*t2 - t) / 2,
		(3*t3 - 5*t2 + 2) / 2,
		(-3*t3 + 4*t2 + t) / 2,
		(t3 - t2) / 2,
	}
}

// resizeCubic scales the image up by f (f >= 1) with Catmull-Rom
// interpolation, separably (rows, then columns), clamped at the borders.
func (g grayImage) resizeCubic(f float64) grayImage {
	w, h := max(1, int(float64(g.w)*f+0.5)), max(1, int(float64(g.h)*f+0.5))
	sx, sy := float64(g.w)/float64(w), float64(g.h)/float64(h)
	// Horizontal pass into float rows of width w.
	tmp := make([]float64, w*g.h)
	xi := make([][4]int, w)
	xw := make([][4]float64, w)
	for x := range w {
		fx := (float64(x)+0.5)*sx - 0.5
		x0 := int(math.Floor(fx))
		xw[x] = cubicWeights(fx - float64(x0))
		for k := range 4 {
			xi[x][k] = min(g.w-1, max(0, x0-1+k))
		}
	}
	for y := range g.h {
		row := g.pix[y*g.w:]
		for x := range w {
			i, wt := xi[x], xw[x]
			tmp[y*w+x] = wt[0]*float64(row[i[0]]) + wt[1]*float64(row[i[1]]) + wt[2]*float64(row[i[2]]) + wt[3]*float64(row[i[3]])
		}
	}
	out := grayImage{w: w, h: h, pix: make([]uint8, w*h)}
	for y := range h {
		fy := (float64(y)+0.5)*sy - 0.5
		y0 := int(math.Floor(fy))
		wt := cubicWeights(fy - float64(y0))
		var rows [4][]float64
		for k := range 4 {
			yy := min(g.h-1, max(0, y0-1+k))
			rows[k] = tmp[yy*w : (yy+1)*w]
		}
		for x := range w {
			v := wt[0]*rows[0][x] + wt[1]*rows[1][x] + wt[2]*rows[2][x] + wt[3]*rows[3][x]
			out.pix[y*w+x] = uint8(min(255, max(0, v+0.5)))
		}
	}
	return out
}

// sharpen adds amount times the image minus its box blur of radius r (an
// unsharp mask), clamped to 0..255.
func (g grayImage) sharpen(amount float64, r int) grayImage {
	blur := g.boxBlur(r)
	out := grayImage{w: g.w, h: g.h, pix: make([]uint8, len(g.pix))}
	for i, v := range g.pix {
		d := float64(v) + amount*(float64(v)-float64(blur[i]))
		out.pix[i] = uint8(min(255, max(0, d+0.5)))
	}
	return out
}

// boxBlur is the mean of the (2r+1)^2 box round each pixel, clamped at the
// borders, by running sums along rows and then columns.
func (g grayImage) boxBlur(r int) []uint8 {
	w, h := g.w, g.h
	tmp := make([]int, w*h)
	for y := range h {
		row := g.pix[y*w:]
		for x := range w {
			s := 0
			for k := -r; k <= r; k++ {
				s += int(row[min(w-1, max(0, x+k))])
			}
			tmp[y*w+x] = s
		}
	}
	out := make([]uint8, w*h)
	n := (2*r + 1) * (2*r + 1)
	for y := range h {
		for x := range w {
			s := 0
			for k := -r; k <= r; k++ {
				s += tmp[min(h-1, max(0, y+k))*w+x]
			}
			out[y*w+x] = uint8((s + n/2) / n)
		}
	}
	return out
}

// thumbLookCubic: the second look at a candidate line of a thumbnail
// (regions.go, lookAgain) reads its crop from the thumbnail's luma scaled
// up with Catmull-Rom (lookGray) instead of the bilinear image the line
// was found in: a second look is a second chance for the same glyphs, and
// read from steeper edges they come out differently. Chosen on the
// validation parts' thumbnails (TestThumbScore, all of each, wave 13; the
// idea from the tuning part's and version 2's misses, where it changed
// nothing): version 5 0.947 -> 0.953 (a sign "MULTIPLE?" read at 90),
// version 6 0.945 -> 0.951 (the logo "Solaris" read "Sala" at 82), the
// tuning part and versions 2, 3, 4 and 7 unchanged, precision 1.000 on
// every part. Upscaling the whole thumbnail with Catmull-Rom instead
// (every pass) gained three thumbnails of version 7 but made false
// positives on three parts and lost two of version 4; an unsharp mask
// lost more still.
var thumbLookCubic = true

// lookGray returns the luma (and, for a contrast pass, its difference from
// the local mean) a second look at a line of channel ch reads from: g and
// diff themselves except on a thumbnail searched upscaled, whose luma
// lines are read again from the Catmull-Rom upscale of its luma (the same
// size as g, so the line's box holds).
func (fr *frame) lookGray(ch int, g grayImage, diff []int16) (grayImage, []int16) {
	if !thumbLookCubic || ch != 0 || !fr.given || max(fr.native.w, fr.native.h) > thumbMaxSide || fr.upFactor == 1 {
		return g, diff
	}
	if fr.lookUp.pix == nil {
		fr.lookUp = fr.native.gray().resizeCubic(fr.upFactor)
	}
	if fr.lookUp.w != g.w || fr.lookUp.h != g.h {
		return g, diff
	}
	if diff == nil {
		return fr.lookUp, nil
	}
	if fr.lookDiff == nil {
		fr.lookDiff = fr.lookUp.minusLocalMean(max(8, min(g.w, g.h)/16))
	}
	return fr.lookUp, fr.lookDiff
}
