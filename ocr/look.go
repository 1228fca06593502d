package ocr

import "math"

// A second look at strong candidate lines (issue 16, wave 7): a candidate
// line of lookEvidence or more whose reading decided nothing is read
// again, as crops the regions passes do not cut:
//
//   - as the regions pass's contrast crop reaching further along the line (lookReach glyph heights past the
//     chain's first and last glyph): the chain often stops short of a
//     line's ends where the text crosses a part of the photo as light as
//     itself ("www." and ".com" of a web address over bright cloud), and
//     the word rules need the whole word; on thumbnails (lines searched
//     upscaled) the crop is sharpened (sharpen), since bilinear
//     upscaling leaves 5-9 px glyphs too soft for Tesseract's line
//     recogniser;
//   - each part of a chain split at its widest gap (splitChain), as the
//     regions pass's contrast crop: a price tag's line chained with the
//     lamps of the bridge behind it reads as nothing whole;
//   - in the colour channel (red, green, blue, saturation) that separates
//     the line's box best, when it separates it clearly better than luma
//     (bestChannel): text that differs from its surroundings in hue more
//     than in brightness (red on a dark tag, a word over a yellow flower).
//
// Their words are judged under the pass name pass+lookSuffix by the word
// and line rules, never by agreement or echo with the first reading of the
// same crop (texture reads alike however it is cut). At most maxLooks lines
// an image are looked at again, each once whatever pass found it.
// baseDeg: see lineDeg.
const baseDeg = 12

const (
	lookEvidence = 4
	maxLooks     = 2
	lookSuffix   = "+look"
	lookReach    = 2
)

// lookKey names a candidate line for the at-most-once rule of lookLine.
type lookKey struct{ x0, y0, x1, y1, ch int }

func keyOf(r region) lookKey { return lookKey{r.x0, r.y0, r.x1, r.y1, r.ch} }

// lineDeg is the turn (degrees) that levels line r when deskew is set
// and the line slopes by more than 2 degrees; 0 otherwise. With base,
// lines within baseDeg of level are levelled by their baseline
// (region.baseSlope), as Tesseract lays a line on its baseline; steeper
// ones by their centres (the upright boxes of turned letters stand on no
// common baseline). The regions passes level by the centres (as tuned);
// the second look by the baseline.
func lineDeg(r region, deskew, base bool) float64 {
	deg := math.Atan(r.slope) * 180 / math.Pi
	if b := math.Atan(r.baseSlope) * 180 / math.Pi; base && math.Abs(deg) < baseDeg && math.Abs(b) < baseDeg {
		deg = b
	}
	if !deskew || math.Abs(deg) <= 2 {
		return 0
	}
	return deg
}

// lookLine reads candidate line r of frame fr again (see above) and
// returns the words in the pixels of the image the regions passes
// searched.
func (fr *frame) lookLine(c *Client, r region, deskew bool) ([]rawWord, error) {
	up := max(fr.native.w, fr.native.h) < regionUpBelow
	col, _, _ := fr.image(up)
	deg := lineDeg(r, deskew, true)
	g := fr.lineChannel(r)
	k := map[bool]int{false: 0, true: 1}[up]
	var diff []int16
	if l := fr.lumaLines[k]; r.ch == 0 && l != nil && l.diff != nil {
		diff = l.diff
	} else {
		diff = g.minusLocalMean(max(8, min(g.w, g.h)/16))
	}
	ws, err := readReaching(c, g, diff, r, deg, up)
	if err != nil {
		return nil, err
	}
	if r.split {
		for _, b := range r.parts {
			part := r
			part.x0, part.y0, part.x1, part.y1 = b[0], b[1], b[2], b[3]
			more, err := readCrop(c, g, diff, part, lineDeg(part, deskew, true), false)
			if err != nil {
				return nil, err
			}
			ws = append(ws, more...)
		}
	}
	more, err := readBestChannel(c, col, r, deg)
	return append(ws, more...), err
}

// readReaching reads line r of g as the regions pass's contrast crop (diff
// is g minus its local mean) reaching lookReach glyph heights past both
// ends of the chain, levelled by deg (as its band when the line is steep,
// see levelBand), sharpened when sharp is set.
func readReaching(c *Client, g grayImage, diff []int16, r region, deg float64, sharp bool) ([]rawWord, error) {
	h := float64(r.height)
	a := math.Atan(r.slope)
	reach := lookReach * h
	mx := max(2, r.height/2) + int(reach*math.Abs(math.Cos(a)))
	my := max(2, r.height/2) + int(reach*math.Abs(math.Sin(a)))
	crop, f, ox, oy := lineCropMargin(g, diff, r, mx, my)
	back := func(x, y float64) (float64, float64) { return x, y }
	switch {
	case math.Abs(deg) >= minBandDeg:
		crop, back = levelBandReach(crop, deg, r, f, ox, oy, reach*f)
	case deg != 0:
		crop, back = crop.rotate(deg, 255)
	}
	if sharp {
		crop = crop.sharpen(lookSharpRadius, lookSharpAmount)
	}
	return readLineCrop(c, crop, back, f, ox, oy)
}

// lookSharpRadius and lookSharpAmount: the unsharp mask of readReaching,
// in pixels of the crop (glyphs lineHeight high, strokes of 3-6 px).
const (
	lookSharpRadius = 2
	lookSharpAmount = 1.0
)

// minChannelGain: a colour channel is read only when it separates the
// line's box by this factor more than luma does (Otsu's between-class
// variance): on a grey photo every channel is luma again.
const minChannelGain = 1.3

// readBestChannel reads line r of col in the colour channel that best
// separates its box (bestChannel), its text turned dark, levelled as the
// regions passes level it; nothing when no channel beats luma by
// minChannelGain.
func readBestChannel(c *Client, col rgbImage, r region, deg float64) ([]rawWord, error) {
	// The neighbourhood the crop is cut from (readCrop's margins, and room
	// for its band), so that the channel is made only there.
	m := 2 * max(2, r.height)
	box := [4]int{max(0, r.x0-m), max(0, r.y0-m), min(col.w, r.x1+m), min(col.h, r.y1+m)}
	if box[2]-box[0] < 8 || box[3]-box[1] < 8 {
		return nil, nil
	}
	sub := col.crop(box)
	rr := shiftRegion(r, -box[0], -box[1])
	ch, ok := bestChannel(sub, [4]int{rr.x0, rr.y0, rr.x1, rr.y1})
	if !ok {
		return nil, nil
	}
	rr.light = false // bestChannel turned the text dark
	ws, err := readCrop(c, ch, nil, rr, deg, math.Abs(deg) >= minBandDeg && r.glyphs >= minBandGlyphs)
	for i := range ws {
		ws[i].x0, ws[i].x1 = ws[i].x0+box[0], ws[i].x1+box[0]
		ws[i].y0, ws[i].y1 = ws[i].y0+box[1], ws[i].y1+box[1]
	}
	return ws, err
}

// shiftRegion moves region r by (dx, dy).
func shiftRegion(r region, dx, dy int) region {
	r.x0, r.x1, r.y0, r.y1 = r.x0+dx, r.x1+dx, r.y0+dy, r.y1+dy
	r.cx0, r.cx1 = r.cx0+float64(dx), r.cx1+float64(dx)
	r.cy0, r.cy1 = r.cy0+float64(dy), r.cy1+float64(dy)
	return r
}

// bestChannel returns, of the red, green, blue and saturation channels of
// c, the one whose pixels inside box Otsu's threshold separates best
// (between-class variance), with the smaller class (the text: strokes
// cover less of a line's box than the gaps between them) turned dark; ok
// is false when that channel does not beat luma by minChannelGain.
func bestChannel(c rgbImage, box [4]int) (grayImage, bool) {
	luma := otsuSplit(c.gray(), box)
	var best grayImage
	var bs otsuResult
	for k := range 4 {
		g := grayImage{w: c.w, h: c.h, pix: make([]uint8, c.w*c.h)}
		for i := range g.pix {
			p := c.pix[3*i : 3*i+3]
			if k < 3 {
				g.pix[i] = p[k]
			} else {
				g.pix[i] = max(p[0], p[1], p[2]) - min(p[0], p[1], p[2])
			}
		}
		if s := otsuSplit(g, box); s.between > bs.between {
			best, bs = g, s
		}
	}
	if best.pix == nil || bs.between < minChannelGain*luma.between {
		return grayImage{}, false
	}
	// Text dark: invert when the brighter class is the smaller one.
	return best.stretch(0.01, 0.99, bs.above < bs.below), true
}

// otsuResult is Otsu's split of a histogram: the between-class variance
// at the best threshold and the pixels above and at-or-below it.
type otsuResult struct {
	between      float64
	above, below int
}

// otsuSplit is Otsu's threshold over the pixels of g inside box.
func otsuSplit(g grayImage, box [4]int) otsuResult {
	var hist [256]int
	n := 0
	for y := max(0, box[1]); y < min(g.h, box[3]); y++ {
		for x := max(0, box[0]); x < min(g.w, box[2]); x++ {
			hist[g.pix[y*g.w+x]]++
			n++
		}
	}
	if n == 0 {
		return otsuResult{}
	}
	total := 0.0
	for i, v := range hist {
		total += float64(i * v)
	}
	var best otsuResult
	w0, sum0 := 0, 0.0
	for t := range 255 {
		w0 += hist[t]
		sum0 += float64(t * hist[t])
		w1 := n - w0
		if w0 == 0 || w1 == 0 {
			continue
		}
		m0, m1 := sum0/float64(w0), (total-sum0)/float64(w1)
		p0, p1 := float64(w0)/float64(n), float64(w1)/float64(n)
		if v := p0 * p1 * (m0 - m1) * (m0 - m1); v > best.between {
			best = otsuResult{between: v, above: w1, below: w0}
		}
	}
	return best
}

// sharpen is an unsharp mask: each pixel plus amount times its difference
// from the mean of the box of radius r around it, clipped to 0..255.
func (g grayImage) sharpen(r int, amount float64) grayImage {
	sum := g.integral()
	out := grayImage{w: g.w, h: g.h, pix: make([]uint8, len(g.pix))}
	for y := range g.h {
		for x := range g.w {
			s, n := g.boxSum(sum, x, y, r)
			v := float64(g.pix[y*g.w+x])
			v += amount * (v - float64(s)/float64(n))
			out.pix[y*g.w+x] = uint8(min(255, max(0, v+0.5)))
		}
	}
	return out
}
