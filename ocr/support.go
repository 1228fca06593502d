package ocr

import "math"

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
	return cropSupport(g.crop(crop), b, levels, false)
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

// cropSupport is glyphSupport on a word's neighbourhood, box in its
// pixels. With level (a neighbourhood turned so that its word lies level:
// supportAlong) only chains within levelChainDeg of level count: the
// word's letters lie level there, while grass blades and gravel turned
// with it chain into steep lines as readily as upright ones do.
func cropSupport(crop grayImage, box [4]int, levels []int, level bool) int {
	return cropFit(crop, box, levels, level).glyphs
}

// chainFit describes the longest chain of glyphs under a word's box
// (cropFit): its glyphs, the spread of their bottoms about one baseline
// and of their stroke widths (region.bottomDev, strokeDev), its score
// (lineScore: even heights), and its width and median height over the
// box's.
type chainFit struct {
	glyphs               int
	bottomDev, strokeDev float64
	score                float64
	cover, height        float64
}

// cropFit is cropSupport's longest chain (the first found of the most
// glyphs), described.
func cropFit(crop grayImage, box [4]int, levels []int, level bool) chainFit {
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
	var best chainFit
	keep := func(r region) {
		if r.glyphs <= best.glyphs {
			return
		}
		best = chainFit{glyphs: r.glyphs, bottomDev: r.bottomDev, strokeDev: r.strokeDev, score: r.score,
			cover: float64(r.x1-r.x0) / float64(max(1, bx1-bx0)), height: float64(r.height) / float64(max(1, sh))}
	}
	lab.eachThreshold(diff, crop.w, crop.h, levels, centred, func(_ bool, _ int, glyphs []component) {
		if level {
			for _, r := range chainPairs(glyphs, 1, false, nil) {
				if math.Abs(r.slope) <= math.Tan(levelChainDeg*math.Pi/180) {
					keep(r)
				}
			}
			return
		}
		for _, r := range chainLines(glyphs, 1) {
			keep(r)
		}
	})
	return best
}

// supportFit is support's longest chain described (chainFit): in luma,
// or in yellow-blue where luma has under minSupport glyphs and it more.
func (fr *frame) supportFit(box [4]int) chainFit {
	col, g, s := fr.image(false)
	b := [4]int{int(float64(box[0]) * s), int(float64(box[1]) * s), int(float64(box[2])*s + 0.999), int(float64(box[3])*s + 0.999)}
	crop, cb, ok := supportCrop(g.w, g.h, b)
	if !ok {
		return chainFit{}
	}
	n := cropFit(g.crop(crop), cb, defaultRegionParams.levels, false)
	if n.glyphs >= minSupport {
		return n
	}
	if yb := cropFit(col.crop(crop).yellowBlue(), cb, defaultRegionParams.levels, false); yb.glyphs > n.glyphs {
		return yb
	}
	return n
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
	n := cropSupport(g.crop(crop), cb, defaultRegionParams.levels, false)
	if n >= minSupport {
		return n
	}
	// Text that differs from its surroundings in hue more than in
	// brightness, as the region finder searches it.
	return max(n, cropSupport(col.crop(crop).yellowBlue(), cb, defaultRegionParams.levels, false))
}

// minAlongDeg: words read on a line sloping by more than this (degrees)
// are measured along it (supportAlong); closer to level the line is read
// upright (readLine deskews only past 2 degrees) and so are its words.
const minAlongDeg = 2

// supportAlong is support for a word read on a candidate line that slopes
// by slope (dy/dx, the chain's fitted line): the word's box (its size
// along the line, centred on the word: mapWordsBack) lies turned on the
// image, so its neighbourhood is cut around the turned box, turned level
// and measured there. Measured upright, the glyphs of a line turned by 20
// degrees or more leave the box at its ends and their upright boxes grow
// taller than the word's, so a word read well on a turned line ("RIGH" at
// 68) stood on one glyph or none.
func (fr *frame) supportAlong(box [4]int, slope float64) int {
	deg := slopeDeg(slope)
	if math.Abs(deg) <= minAlongDeg {
		return fr.support(box)
	}
	col, g, s := fr.image(false)
	cx, cy := float64(box[0]+box[2])/2*s, float64(box[1]+box[3])/2*s
	hw, hh := float64(box[2]-box[0])/2*s, float64(box[3]-box[1])/2*s
	if hh < 1 || hw < 1 {
		return 0
	}
	a := deg * math.Pi / 180
	c, sn := math.Abs(math.Cos(a)), math.Abs(math.Sin(a))
	// The turned box's upright bounds, with supportCrop's margin of one
	// box height.
	ex, ey := hw*c+hh*sn+2*hh, hw*sn+hh*c+2*hh
	r := [4]int{max(0, int(cx-ex)), max(0, int(cy-ey)), min(g.w, int(cx+ex+0.999)), min(g.h, int(cy+ey+0.999))}
	if r[2]-r[0] < 4 || r[3]-r[1] < 4 {
		return 0
	}
	level := func(crop grayImage) (grayImage, [4]int) {
		rot, _ := crop.rotate(deg, uint8(crop.meanLum()))
		fx, fy := turnPoint(crop, rot, deg, cx-float64(r[0]), cy-float64(r[1]))
		return rot, [4]int{int(fx - hw), int(fy - hh), int(fx + hw + 0.999), int(fy + hh + 0.999)}
	}
	rot, b := level(g.crop(r))
	n := cropSupport(rot, b, defaultRegionParams.levels, true)
	if n >= minSupport {
		return n
	}
	rot, b = level(col.crop(r).yellowBlue())
	return max(n, cropSupport(rot, b, defaultRegionParams.levels, true))
}

// readSlope is the slope a candidate line was read turned level by
// (readLine: deskewed past 2 degrees), 0 when it was read upright.
func readSlope(r region, deskew bool) float64 {
	if !deskew || math.Abs(math.Atan(r.slope)*180/math.Pi) <= minAlongDeg {
		return 0
	}
	return r.slope
}

// levelChainDeg: see cropSupport.
const levelChainDeg = 10

// turnPoint maps the point (x, y) of crop to rot, crop turned by deg
// (grayImage.rotate: the inverse of its back mapping).
func turnPoint(crop, rot grayImage, deg, x, y float64) (float64, float64) {
	a := deg * math.Pi / 180
	c, sn := math.Cos(a), math.Sin(a)
	dx, dy := x-float64(crop.w)/2, y-float64(crop.h)/2
	return c*dx + sn*dy + float64(rot.w)/2, -sn*dx + c*dy + float64(rot.h)/2
}

// crop copies the rectangle r (x0, y0, x1, y1, inside c) out of c.
func (c rgbImage) crop(r [4]int) rgbImage {
	out := rgbImage{w: r[2] - r[0], h: r[3] - r[1], pix: make([]uint8, 3*(r[2]-r[0])*(r[3]-r[1]))}
	for y := r[1]; y < r[3]; y++ {
		copy(out.pix[3*(y-r[1])*out.w:3*(y-r[1]+1)*out.w], c.pix[3*(y*c.w+r[0]):3*(y*c.w+r[2])])
	}
	return out
}
