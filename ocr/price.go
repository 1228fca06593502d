package ocr

import (
	"math"
	"slices"
	"sort"
	"strings"
)

// Prices with raised cents (issue 16, wave 12): a price tag that sets its
// units big and its cents small at the top ("$ 88 ⁵⁰", "€ 1 ⁴⁹") is no
// line to the finder (glyphs whose heights differ by more than a factor
// two do not chain: the big units make a chain of one or two glyphs, too
// few), and read as one line Tesseract takes the mixed sizes for other
// letters ("$QQ50" at 59). raisedPrices finds the pattern among a
// binarisation's glyphs: one to four big glyphs side by side on one top
// line, two small glyphs right after them hanging from the same top line
// (the cents), and a small glyph before them (the currency sign) where
// there is one; readPrice sets the small glyphs at the big ones' height
// on one baseline and reads that as one line, so that the price reads as
// one word ("$8850", "€149": priceWord); only words that read as a price
// or a share (priceChars) are kept.

// The raised-cents pattern, in shares of the big glyphs' height H: small
// glyphs minSmall to maxSmall H high, their tops within topTol H of the
// big glyphs' top line, gaps under maxPriceGap H; big glyphs of heights
// within bigTol of each other.
const (
	minSmall    = 0.3
	maxSmall    = 0.65
	topTol      = 0.15
	maxPriceGap = 0.6
	bigTol      = 0.15
	maxBigRun   = 4
	// maxPrices: raised-cents candidates read an image (best first).
	maxPrices = 1
)

// raisedPrices returns the raised-cents prices among the glyphs cs (see
// above) as candidate lines (region.price), each with its glyph boxes in
// reading order: currency sign (if any), units, cents.
func raisedPrices(cs []component, minH int) []region {
	cs = slices.Clone(cs)
	sort.Slice(cs, func(a, b int) bool { return cs[a].x0 < cs[b].x0 })
	var out []region
	for i, b := range cs {
		H := float64(b.h())
		if b.h() < 2*minH {
			continue
		}
		// The big run: b and the big glyphs right after it.
		run := []component{b}
		for _, c := range cs[i+1:] {
			last := run[len(run)-1]
			if float64(c.x0-last.x1) > maxPriceGap*H || len(run) == maxBigRun {
				break
			}
			if c.x0 >= last.x1-last.w()/4 && math.Abs(float64(c.h())-H) <= bigTol*H && math.Abs(float64(c.y0-b.y0)) <= topTol*H {
				run = append(run, c)
			}
		}
		end := run[len(run)-1]
		small := func(c component) bool {
			return float64(c.h()) >= minSmall*H && float64(c.h()) <= maxSmall*H &&
				math.Abs(float64(c.y0-b.y0)) <= topTol*H && c.stroke() <= b.stroke()
		}
		// The cents: the next two glyphs, small and hanging from the top line.
		var cents []component
		for _, c := range cs[i+1:] {
			if float64(c.x0-end.x1) > 3*maxPriceGap*H {
				break // sorted by x0: the rest are farther
			}
			if c.x0 < end.x1-end.w()/4 || !small(c) {
				continue
			}
			prev := end
			if len(cents) > 0 {
				prev = cents[len(cents)-1]
			}
			if float64(c.x0-prev.x1) > maxPriceGap*H || c.x0 < prev.x1-prev.w()/4 {
				break
			}
			cents = append(cents, c)
			if len(cents) == 2 {
				break
			}
		}
		if len(cents) != 2 || math.Abs(float64(cents[0].h()-cents[1].h())) > 0.25*float64(cents[0].h()) {
			continue
		}
		// Skip a run that starts inside another one's units.
		if i > 0 && slices.ContainsFunc(out, func(r region) bool { return r.x0 <= b.x0 && b.x1 <= r.x1 }) {
			continue
		}
		glyphs := []component{}
		for j := i - 1; j >= 0; j-- {
			c := cs[j]
			if float64(b.x0-c.x1) > maxPriceGap*H {
				break
			}
			if c.x1 <= b.x0+b.w()/4 && small(c) {
				glyphs = append(glyphs, c)
				break
			}
		}
		glyphs = append(append(glyphs, run...), cents...)
		r := region{x0: glyphs[0].x0, y0: b.y0, x1: glyphs[0].x1, y1: b.y1, glyphs: len(glyphs), height: b.h(), price: true}
		for _, c := range glyphs {
			r.x0, r.y0, r.x1, r.y1 = min(r.x0, c.x0), min(r.y0, c.y0), max(r.x1, c.x1), max(r.y1, c.y1)
			r.glyphBoxes = append(r.glyphBoxes, [4]int{c.x0, c.y0, c.x1, c.y1})
		}
		r.cx0, r.cy0, r.cx1, r.cy1 = float64(r.x0), float64(r.y0+r.y1)/2, float64(r.x1), float64(r.y0+r.y1)/2
		// Evidence: the glyphs, the units' tops on one line.
		r.score = float64(len(glyphs))
		out = append(out, r)
	}
	return out
}

// readPrice reads a raised-cents price (see above): its crop (lineCrop)
// with every glyph scaled to the units' height and set side by side,
// bottoms on one line, in reading order; the words map back to the
// middle of the tag, their size kept (as restacked's do).
func readPrice(c *Client, g grayImage, diff []int16, r region) ([]rawWord, error) {
	crop, f, ox, oy := lineCrop(g, diff, r)
	H := float64(r.height) * f
	var parts []grayImage
	for _, b := range r.glyphBoxes {
		x0, y0 := max(0, int(float64(b[0]-ox)*f)), max(0, int(float64(b[1]-oy)*f))
		x1, y1 := min(crop.w, int(float64(b[2]-ox)*f+0.999)), min(crop.h, int(float64(b[3]-oy)*f+0.999))
		if x1-x0 < 2 || y1-y0 < 2 {
			continue
		}
		p := crop.crop([4]int{x0, y0, x1, y1})
		if k := H / float64(y1-y0); k > 1.2 {
			p = p.resize(k)
		}
		parts = append(parts, p)
	}
	if len(parts) < 3 {
		return nil, nil
	}
	top := 0
	for _, p := range parts {
		top = max(top, p.h)
	}
	gap, mx, my := max(2, int(H)/6), max(2, int(H)/2), max(2, int(H)/3)
	w := 2*mx - gap
	for _, p := range parts {
		w += p.w + gap
	}
	out := grayImage{w: w, h: top + 2*my, pix: make([]uint8, w*(top+2*my))}
	for i := range out.pix {
		out.pix[i] = 255
	}
	x := mx
	for _, p := range parts {
		dy := my + top - p.h // bottoms on one line
		for y := range p.h {
			copy(out.pix[(dy+y)*out.w+x:], p.pix[y*p.w:(y+1)*p.w])
		}
		x += p.w + gap
	}
	cx, cy := (float64(r.x0+r.x1)/2-float64(ox))*f, (float64(r.y0+r.y1)/2-float64(oy))*f
	ws, err := readLineCrop(c, out, func(float64, float64) (float64, float64) { return cx, cy }, f, ox, oy)
	// Only prices count: the pattern is found in texture too (clouds of
	// version 6 read "RANA" at 46 and 72 there, and the two regions
	// passes' readings agreed: a photo without text).
	return slices.DeleteFunc(ws, func(w rawWord) bool { return priceChars(strings.TrimSpace(w.text)) == 0 }), err
}
