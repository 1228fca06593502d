package ocr

import (
	"math"
	"slices"
	"sort"
)

// Quarter-turned lines (issue 16, wave 10): headlines turned a quarter up
// an edge of the picture, tiled words set in vertical columns and signs
// whose letters are stacked one a line run top to bottom, which the
// finder's upright chaining (lines up to maxLineDeg off level) never
// chains: their glyphs sit one above the other. The finder labels each
// binarisation once; its components are chained a second time with the
// axes swapped (each box turned a quarter clockwise, quarterBox), so
// that glyphs one above the other chain as glyphs side by side do, and
// the chains within maxQuarterDeg of level there are lines running up or
// down the picture (region.quarter), mapped back to the image's pixels.
//
// Such a line is read turned both ways (which way it reads is not known
// before Tesseract reads it), or, when its glyph boxes are taller than
// wide, with its glyphs cut out and set side by side upright
// (restacked): the letters of a vertical sign stand upright one above
// the other, and turned they are a line of letters lying on their
// sides.

// maxQuarterDeg: chains of the turned components steeper than this are
// left to the upright chaining, which takes lines up to maxLineDeg.
const maxQuarterDeg = 90 - maxLineDeg + 5

// quarterBox is the box of component c of an image h pixels high in the
// image turned a quarter clockwise (pixel (x, y) goes to (h-1-y, x)).
func quarterBox(c component, h int) component {
	c.x0, c.y0, c.x1, c.y1 = h-c.y1, c.x0, h-c.y0, c.x1
	return c
}

// unquarter maps a line found among quarterBox'ed components (an image h
// pixels high, turned a quarter clockwise) back to the image: box and
// centre line; its slope becomes that of the image's line, steep, and
// it is marked quarter. The trimmed box is dropped (it was measured
// along the turned line).
func unquarter(r region, h int) region {
	pt := func(x, y float64) (float64, float64) { return y, float64(h) - x }
	r.x0, r.y0, r.x1, r.y1 = r.y0, h-r.x1, r.y1, h-r.x0
	r.cx0, r.cy0 = pt(r.cx0, r.cy0)
	r.cx1, r.cy1 = pt(r.cx1, r.cy1)
	dx, dy := r.cx1-r.cx0, r.cy1-r.cy0
	if math.Abs(dx) < 1e-6 {
		dx = 1e-6
	}
	r.slope = dy / dx
	r.quarter, r.trim = true, [4]int{}
	return r
}

// quarterLines chains the components cs of an image w x h, turned a
// quarter clockwise, into lines (chainLines; glyphLike judged turned) and
// returns those within maxQuarterDeg of level there, mapped back
// (unquarter), each with the boxes of the glyphs it holds.
func quarterLines(cs []component, minH, minGlyphs, w, h int) []region {
	var turned []component
	for _, c := range cs {
		if q := quarterBox(c, h); glyphLike(q, minH, w) {
			turned = append(turned, q)
		}
	}
	if len(turned) < minGlyphs {
		return nil
	}
	var out []region
	for _, r := range chainLines(turned, minGlyphs) {
		if math.Abs(slopeDeg(r.slope)) > maxQuarterDeg {
			continue
		}
		var boxes [][4]int
		for _, c := range turned {
			if c.x0 >= r.x0 && c.x1 <= r.x1 && c.y0 >= r.y0 && c.y1 <= r.y1 {
				boxes = append(boxes, [4]int{c.y0, h - c.x1, c.y1, h - c.x0})
			}
		}
		q := unquarter(r, h)
		q.glyphBoxes = boxes
		out = append(out, q)
	}
	return out
}

// Quarter lines of less evidence are not read, and at most maxQuarter of
// them an image (best first).
const (
	minQuarterEvidence = 3
	maxQuarter         = 3
)

// quarterConfidence: of a quarter line's readings only the words of this
// confidence or more are kept (sureWords), so that they decide only as
// strong words that stand alone (soloConfidence). Texture read turned a
// quarter gives words at lower confidence that the rules for turned lines
// and echoes let decide: on version 2's held-out part two regions passes
// echoed "33333"@58 and "1333395"@47 on a whale's ribbed skin, on
// version 3's a lone "earl"@68 read up a room's wall decided as a turned
// word of four letters; the turned headlines, tiled columns and stacked
// signs of version 5 read at 86-96.
const quarterConfidence = soloConfidence

// sureWords keeps the words of confidence conf or more.
func sureWords(ws []rawWord, conf float64) []rawWord {
	return slices.DeleteFunc(ws, func(w rawWord) bool { return w.conf < conf })
}

// readQuarter reads a quarter line (see above): its crop turned level
// both ways, or its glyphs restacked side by side (stackedGlyphs).
func readQuarter(c *Client, g grayImage, diff []int16, r region) ([]rawWord, error) {
	if stackedGlyphs(r.glyphBoxes) {
		crop, back, f, ox, oy := restacked(g, diff, r)
		return readLineCrop(c, crop, back, f, ox, oy)
	}
	deg := slopeDeg(r.slope)
	var ws []rawWord
	for _, d := range []float64{deg, deg + 180} {
		// lineCrop's margins, turned: a third of a glyph height across
		// the line, half of one along it.
		crop, f, ox, oy := lineCropMargin(g, diff, r, max(2, r.height/3), max(2, r.height/2))
		crop, back := crop.rotate(d, 255)
		more, err := readLineCrop(c, crop, back, f, ox, oy)
		if err != nil {
			return nil, err
		}
		ws = append(ws, more...)
	}
	return ws, nil
}

// stackedGlyphs reports whether the glyph boxes of a quarter line look
// like upright letters stacked (most boxes taller than wide) rather than
// letters turned a quarter (wider than tall): the line is then read
// restacked only, else turned only, one reading or two instead of three.
func stackedGlyphs(bs [][4]int) bool {
	tall := 0
	for _, b := range bs {
		if b[3]-b[1] > b[2]-b[0] {
			tall++
		}
	}
	return len(bs) >= 3 && 2*tall > len(bs)
}

// restacked cuts line r's crop (lineCrop: scaled, dark glyphs on white)
// and sets its glyphs side by side, top one first, bottoms on one line,
// a third of the median glyph height apart, with lineCrop's margins. The
// words read there map back to the middle of the line (back), their size
// kept.
func restacked(g grayImage, diff []int16, r region) (grayImage, func(x, y float64) (float64, float64), float64, int, int) {
	crop, f, ox, oy := lineCrop(g, diff, r)
	bs := slices.Clone(r.glyphBoxes)
	sort.Slice(bs, func(a, b int) bool { return bs[a][1]+bs[a][3] < bs[b][1]+bs[b][3] })
	// Glyph boxes in crop's pixels, clipped to it.
	hs := make([]int, 0, len(bs))
	for i, b := range bs {
		x0, y0 := max(0, int(float64(b[0]-ox)*f)), max(0, int(float64(b[1]-oy)*f))
		x1, y1 := min(crop.w, int(float64(b[2]-ox)*f+0.999)), min(crop.h, int(float64(b[3]-oy)*f+0.999))
		bs[i] = [4]int{x0, y0, max(x0, x1), max(y0, y1)}
		hs = append(hs, y1-y0)
	}
	sort.Ints(hs)
	med := max(1, hs[len(hs)/2])
	top := 0
	for _, h := range hs {
		top = max(top, h)
	}
	gap, mx, my := max(2, med/3), max(2, med/2), max(2, med/3)
	w := 2*mx - gap
	for _, b := range bs {
		w += b[2] - b[0] + gap
	}
	out := grayImage{w: max(1, w), h: top + 2*my, pix: make([]uint8, max(1, w)*(top+2*my))}
	for i := range out.pix {
		out.pix[i] = 255
	}
	x := mx
	for _, b := range bs {
		dy := my + top - (b[3] - b[1]) // bottoms on one line
		for y := b[1]; y < b[3]; y++ {
			copy(out.pix[(dy+y-b[1])*out.w+x:], crop.pix[y*crop.w+b[0]:y*crop.w+b[2]])
		}
		x += b[2] - b[0] + gap
	}
	cx, cy := (float64(r.x0+r.x1)/2-float64(ox))*f, (float64(r.y0+r.y1)/2-float64(oy))*f
	return out, func(float64, float64) (float64, float64) { return cx, cy }, f, ox, oy
}
