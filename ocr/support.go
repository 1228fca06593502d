package ocr

// Geometric support of a word (issue 16): how many glyph-like components
// sit side by side under the box Tesseract put a word in. Words of real
// text stand on glyphs: strokes of one width, of about the box's height,
// chained along a baseline. The lone words Tesseract reads in texture
// ("Fars" on drawn window panes, "Bast" on bokeh, "Bowe" on foliage) stand
// on solid blocks, blobs and speckle that do not chain.

// supportHeight is the glyph height (px) a word's neighbourhood is scaled
// to before its components are found.
const supportHeight = 32

// glyphSupport returns the most glyph-like components chained side by
// side under box (x0, y0, x1, y1 in g's pixels), over both polarities and
// the region finder's contrast levels: the word's surroundings (a margin
// of one box height) are scaled so the box is supportHeight high, taken
// minus their local mean, thresholded; components that could be glyphs
// (glyphLike), at least a third of the box's height and centred inside
// it, are chained as the region finder chains a line (chainLines), and
// the longest chain counts.
func glyphSupport(g grayImage, box [4]int, levels []int) int {
	crop, b, ok := supportCrop(g.w, g.h, box)
	if !ok {
		return 0
	}
	return cropSupport(g.crop(crop), b, levels)
}

// supportCrop returns the neighbourhood of box (a margin of one box height)
// clipped to a w x h image, and the box in the neighbourhood's pixels.
func supportCrop(w, h int, box [4]int) (crop, b [4]int, ok bool) {
	bh := box[3] - box[1]
	if bh < 2 || box[2] <= box[0] {
		return crop, b, false
	}
	x0, y0 := max(0, box[0]-bh), max(0, box[1]-bh)
	x1, y1 := min(w, box[2]+bh), min(h, box[3]+bh)
	if x1-x0 < 4 || y1-y0 < 4 {
		return crop, b, false
	}
	return [4]int{x0, y0, x1, y1}, [4]int{box[0] - x0, box[1] - y0, box[2] - x0, box[3] - y0}, true
}

// crop copies the rectangle r (x0, y0, x1, y1, inside g) out of g.
func (g grayImage) crop(r [4]int) grayImage {
	out := grayImage{w: r[2] - r[0], h: r[3] - r[1], pix: make([]uint8, (r[2]-r[0])*(r[3]-r[1]))}
	for y := r[1]; y < r[3]; y++ {
		copy(out.pix[(y-r[1])*out.w:(y-r[1]+1)*out.w], g.pix[y*g.w+r[0]:y*g.w+r[2]])
	}
	return out
}

// cropSupport is glyphSupport on a word's neighbourhood, box in its pixels.
func cropSupport(crop grayImage, box [4]int, levels []int) int {
	bh := box[3] - box[1]
	f := min(4, max(0.25, float64(supportHeight)/float64(bh)))
	crop = crop.resize(f)
	// The box in the scaled crop.
	bx0, by0 := int(float64(box[0])*f), int(float64(box[1])*f)
	bx1, by1 := int(float64(box[2])*f+0.999), int(float64(box[3])*f+0.999)
	sh := by1 - by0
	diff := crop.minusLocalMean(max(4, sh))
	centred := func(c component) bool { // in the box, a glyph's height for it
		cx, cy := (c.x0+c.x1)/2, (c.y0+c.y1)/2
		return cx >= bx0 && cx < bx1 && cy >= by0 && cy < by1 && 4*c.h() >= sh && 10*c.h() <= 14*sh && glyphLike(c, 1, 1<<30)
	}
	var lab labeller
	best := 0
	lab.eachThreshold(diff, crop.w, crop.h, levels, centred, func(_ bool, _ int, glyphs []component) {
		for _, r := range chainLines(glyphs, 1) {
			best = max(best, r.glyphs)
		}
	})
	return best
}

// support is glyphSupport on the frame's native image of a box of the
// original image.
func (fr *frame) support(box [4]int) int {
	col, g, s := fr.image(false)
	b := [4]int{int(float64(box[0]) * s), int(float64(box[1]) * s), int(float64(box[2])*s + 0.999), int(float64(box[3])*s + 0.999)}
	crop, cb, ok := supportCrop(g.w, g.h, b)
	if !ok {
		return 0
	}
	n := cropSupport(g.crop(crop), cb, defaultRegionParams.levels)
	if n >= minSupport {
		return n
	}
	// Text that differs from its surroundings in hue more than in
	// brightness, as the region finder searches it.
	return max(n, cropSupport(col.crop(crop).yellowBlue(), cb, defaultRegionParams.levels))
}

// crop copies the rectangle r (x0, y0, x1, y1, inside c) out of c.
func (c rgbImage) crop(r [4]int) rgbImage {
	out := rgbImage{w: r[2] - r[0], h: r[3] - r[1], pix: make([]uint8, 3*(r[2]-r[0])*(r[3]-r[1]))}
	for y := r[1]; y < r[3]; y++ {
		copy(out.pix[3*(y-r[1])*out.w:3*(y-r[1]+1)*out.w], c.pix[3*(y*c.w+r[0]):3*(y*c.w+r[2])])
	}
	return out
}
