package ocr

import (
	"math"
	"slices"
	"sort"
)

// Curved lines (issue 16, wave 12): headlines set along a wave or an arch,
// each letter turned by the curve's slope, which the finder's straight chaining
// drops (a chain whose glyph centres stray more than half a glyph from one
// straight line is texture to straightLine, and a level chain whose box is
// over three glyphs high is no line to upright) or reads as one level line
// (Tesseract's single-line mode reads a wave's letters at their several
// heights as nothing: "Throne" on a wave read "Drow" at 57). The chains
// that chainPairs builds are tested a second time against a smooth curve
// (curvedLine: a polynomial of degree two to four through the glyph
// bottoms, every bottom near it, no tangent steeper than maxCurveDeg), and
// a chain that follows one is a curved candidate line (region.curve), read
// by the regions pass with its band unrolled along the curve (unwarp): each
// column of the read crop is the normal to the curve at its arc length, so
// that letters turned with the curve stand upright on one level line. It
// is read twice, the second time with the letters turned back the other
// way (turnAgainst): text set on a path turns its letters with the curve,
// but version 6's waves turn each letter by the slope the other way
// (compose6's drawWave: looked at, "Throne" stood upright only so), and
// which way a picture's letters turn is not known before reading.

// curve is a smooth line y(x) through a chain's glyph bottoms, in the
// pixels of the image searched: a polynomial in t = (x-x0)/sx between the
// first and last glyph centre (lo, hi), continued along its tangent
// beyond them (a polynomial fitted to a few points bends away past them).
type curve struct {
	x0, sx, lo, hi float64
	c              []float64
}

// poly is the polynomial's value and derivative (dy/dx) at x.
func (cv *curve) poly(x float64) (y, dy float64) {
	t := (x - cv.x0) / cv.sx
	for k := len(cv.c) - 1; k >= 0; k-- {
		dy = dy*t + y
		y = y*t + cv.c[k]
	}
	return y, dy / cv.sx
}

// at is the curve's height and slope (dy/dx) at x.
func (cv *curve) at(x float64) (y, slope float64) {
	e := min(max(x, cv.lo), cv.hi)
	y, slope = cv.poly(e)
	return y + slope*(x-e), slope
}

// fitCurve fits a polynomial of degree deg through the points (xs, ys),
// least squares; nil when the points do not determine it.
func fitCurve(xs, ys []float64, deg int) *curve {
	n := len(xs)
	if n <= deg {
		return nil
	}
	lo, hi := slices.Min(xs), slices.Max(xs)
	cv := &curve{x0: (lo + hi) / 2, sx: max(1, (hi-lo)/2), lo: lo, hi: hi}
	// Normal equations (t in [-1, 1] keeps them well conditioned for the
	// degrees used here).
	m := deg + 1
	a := make([][]float64, m)
	for i := range a {
		a[i] = make([]float64, m+1)
	}
	p := make([]float64, 2*m)
	for i, x := range xs {
		t := (x - cv.x0) / cv.sx
		p[0] = 1
		for k := 1; k < 2*m; k++ {
			p[k] = p[k-1] * t
		}
		for r := range m {
			for c := range m {
				a[r][c] += p[r+c]
			}
			a[r][m] += p[r] * ys[i]
		}
	}
	// Gaussian elimination with partial pivoting.
	for col := range m {
		piv := col
		for r := col + 1; r < m; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[piv][col]) {
				piv = r
			}
		}
		if math.Abs(a[piv][col]) < 1e-9 {
			return nil
		}
		a[col], a[piv] = a[piv], a[col]
		for r := range m {
			if r == col {
				continue
			}
			f := a[r][col] / a[col][col]
			for c := col; c <= m; c++ {
				a[r][c] -= f * a[col][c]
			}
		}
	}
	cv.c = make([]float64, m)
	for k := range m {
		cv.c[k] = a[k][m] / a[k][k]
	}
	return cv
}

// Curved chains: at least minCurveGlyphs glyphs over minCurveLen glyph
// heights along x, every centre within maxCurveDev glyph heights of the
// fitted curve, no tangent steeper than maxCurveDeg; a chain the straight
// tests took counts as curved only where it bends, a centre minBendDev
// glyph heights or more off its straight line.
const (
	minCurveGlyphs = 4
	minCurveLen    = 3
	maxCurveDev    = 0.3
	maxCurveDeg    = 45
	minBendDev     = 0.35
)

// curvedLine reports whether the chain g of cs (region r: box, height and
// straight centre line set) follows a smooth curve (see above), and if so
// sets r's curve, its slope to 0 (a curved line is read unrolled, and its
// words are measured upright) and its spreads about the curve. straight
// says whether the straight tests took the chain. Pieces under half the
// median height (the counter of an outlined letter, a dot) and up to a
// third of the glyphs off the curve (a letter split in two, one above the
// other) are left out of the fit; they stay in the crop.
func curvedLine(cs []component, g []int, r *region, straight bool) bool {
	h := float64(r.height)
	if len(g) < minCurveGlyphs || float64(r.x1-r.x0) < minCurveLen*h {
		return false
	}
	var xs, ys, hs []float64
	for _, k := range g {
		c := cs[k]
		if 2*c.h() < r.height {
			continue
		}
		xs, ys, hs = append(xs, float64(c.x0+c.x1)/2), append(ys, float64(c.y1)), append(hs, float64(c.h()))
	}
	if straight {
		line := fitCurve(xs, ys, 1)
		if line == nil {
			return false
		}
		bend := 0.0
		for i, x := range xs {
			y, _ := line.at(x)
			bend = max(bend, math.Abs(ys[i]-y))
		}
		if bend < minBendDev*h {
			return false
		}
	}
	drops := len(xs) / 4
	var cv *curve
	for {
		deg := 2
		switch {
		case len(xs) >= 9:
			deg = 4
		case len(xs) >= 6:
			deg = 3
		}
		if len(xs) < max(minCurveGlyphs, deg+3) {
			return false
		}
		if cv = fitCurve(xs, ys, deg); cv == nil {
			return false
		}
		worst, wd := -1, maxCurveDev*h
		for i, x := range xs {
			if y, _ := cv.at(x); math.Abs(ys[i]-y) > wd {
				worst, wd = i, math.Abs(ys[i]-y)
			}
		}
		if worst < 0 {
			break
		}
		if drops == 0 {
			return false
		}
		drops--
		xs, ys, hs = slices.Delete(xs, worst, worst+1), slices.Delete(ys, worst, worst+1), slices.Delete(hs, worst, worst+1)
	}
	if cv.hi-cv.lo < (minCurveLen-1)*h {
		return false
	}
	steep := math.Tan(maxCurveDeg * math.Pi / 180)
	for i := 0; i <= 16; i++ {
		if _, s := cv.at(cv.lo + (cv.hi-cv.lo)*float64(i)/16); math.Abs(s) > steep {
			return false
		}
	}
	var bottoms float64
	for i, x := range xs {
		y, _ := cv.at(x)
		bottoms += (ys[i] - y) * (ys[i] - y)
	}
	r.curve, r.slope = cv, 0
	r.bottomDev = math.Sqrt(bottoms/float64(len(xs))) / h
	r.trim = [4]int{}
	return true
}

// curveConfidence: of a curved line's readings only the words of this
// confidence or more are kept. Curved chains are found in texture too
// (wood grain, clouds, a path), and the two regions passes' readings of
// one agreed or echoed under 75: "ARNG" at 53 and 68 on a path (version
// 2's held-out part, a thumbnail), "BASS." at 46 and 47 on wood grain
// (version 5), both photos without text of validation parts. From 75 the
// one image a curved reading found on version 6 under it, a waved
// "Scroll," read at 58 (a thumbnail), is lost.
const curveConfidence = 75

// turnWith and turnAgainst: the two ways a curved line is unrolled (see
// unwarp and readCurve).
const (
	turnWith    = 1
	turnAgainst = -1
)

// curveAbove and curveBelow: see unwarp.
const (
	curveAbove = 1.5
	curveBelow = 0.5
)

// Curved candidate lines of less evidence are not read, and at most
// maxCurves of them an image (best first), by the regions pass alone
// (each is read twice): read by both regions passes they cost 11-19% more
// CPU an image on versions 2-6 (load 4-8) for no image more than the
// regions pass alone found.
const (
	minCurveEvidence = 3
	maxCurves        = 2
)

// readCurve reads a curved candidate line: its crop (lineCrop's
// contrast or grey crop, with a glyph's margin all round) unrolled along
// its curve (unwarp) with the letters turned back with the curve and
// against it, each as one line; the words' boxes map back to the upright
// boxes of the stretches of curve they were read on. (Both readings are
// the one pass's: they never agree with or echo each other.)
func readCurve(c *Client, g grayImage, diff []int16, r region) ([]rawWord, error) {
	m := max(2, r.height)
	crop, f, ox, oy := lineCropMargin(g, diff, r, m, m)
	var out []rawWord
	for _, turn := range []float64{turnWith, turnAgainst} {
		band, back := unwarp(crop, r, f, ox, oy, turn)
		ws, err := c.recognize(band, psmLine, otsu, false)
		if err != nil {
			return nil, err
		}
		mapCurveWords(ws, back, f, ox, oy)
		out = append(out, sureWords(ws, curveConfidence)...)
	}
	return out, nil
}

// readOnce reports whether candidate line r is read once only, neither
// looked at again (lookAgain) nor read a second time when unsure
// (rereadLine): a curved line or a raised-cents price (price.go), whose
// crops those readings do not unroll or restack. Re-read as its grey
// crop, a raised-cents candidate on clouds along the earth's rim read
// "RANA" at 72 beside its first reading's 46, and the two agreed
// (version 6, a photo without text).
func (r region) readOnce() bool { return r.curve != nil || r.price }

// mapCurveWords moves the boxes of words read on an unrolled band back
// onto the image: each box becomes the upright box of the band's stretch
// it covers (back maps the band's pixels to the crop's, f is the crop's
// scale and (ox, oy) its corner).
func mapCurveWords(ws []rawWord, back func(u, v float64) (float64, float64), f float64, ox, oy int) {
	for i, w := range ws {
		bx := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
		for k := 0; k <= 4; k++ {
			u := float64(w.x0) + float64(w.x1-w.x0)*float64(k)/4
			for _, v := range []float64{float64(w.y0), float64(w.y1)} {
				x, y := back(u, v)
				bx = [4]float64{min(bx[0], x), min(bx[1], y), max(bx[2], x), max(bx[3], y)}
			}
		}
		ws[i].x0, ws[i].y0 = int(float64(ox)+bx[0]/f), int(float64(oy)+bx[1]/f)
		ws[i].x1, ws[i].y1 = int(float64(ox)+bx[2]/f+0.999), int(float64(oy)+bx[3]/f+0.999)
	}
}

// unwarp unrolls crop (region r cut from its image at (ox, oy), scaled by
// f) along r's curve: column u of the result is the normal to the curve at
// arc length u (in crop pixels, from a glyph height before the first glyph
// to one past the last), row v the offset along that normal, from
// curveAbove glyph heights above the curve (the glyphs' bottoms: a capital
// or an ascender reaches well over the median glyph) to curveBelow below
// it (descenders), each plus a quarter of a glyph. With turn turnAgainst
// the normal is that of the curve mirrored (slope -s for s): letters
// turned by the slope the other way stand upright. It returns the band
// (white where the normal leaves crop) and the map from its pixels to
// crop's.
func unwarp(crop grayImage, r region, f float64, ox, oy int, turn float64) (grayImage, func(u, v float64) (float64, float64)) {
	cv := r.curve
	h := float64(r.height)
	x0, x1 := cv.lo-h, cv.hi+h
	// Arc length tabulated every half crop pixel along x.
	step := 0.5 / f
	var xs, arcs []float64
	arc := 0.0
	py, _ := cv.at(x0)
	px := x0
	for x := x0; x <= x1; x += step {
		y, _ := cv.at(x)
		arc += math.Hypot(x-px, y-py) * f
		px, py = x, y
		xs, arcs = append(xs, x), append(arcs, arc)
	}
	m := max(2, h/4)
	above, below := (curveAbove*h+m)*f, (curveBelow*h+m)*f
	w, bh := max(8, int(arc+0.5)), max(8, int(above+below+0.5))
	band := grayImage{w: w, h: bh, pix: make([]uint8, w*bh)}
	// where is the curve's point and unit normal (crop pixels) at arc u.
	where := func(u float64) (float64, float64, float64, float64) {
		i := min(len(arcs)-1, sort.SearchFloat64s(arcs, u))
		x := xs[i]
		y, s := cv.at(x)
		s *= turn
		n := math.Hypot(1, s)
		return (x - float64(ox)) * f, (y - float64(oy)) * f, -s / n, 1 / n
	}
	for u := range w {
		cx, cy, nx, ny := where(float64(u) + 0.5)
		for v := range bh {
			d := float64(v) + 0.5 - above
			p, ok := crop.bilinear(cx+d*nx-0.5, cy+d*ny-0.5)
			if !ok {
				p = 255
			}
			band.pix[v*w+u] = uint8(p + 0.5)
		}
	}
	return band, func(u, v float64) (float64, float64) {
		cx, cy, nx, ny := where(u)
		d := v - above
		return cx + d*nx, cy + d*ny
	}
}
