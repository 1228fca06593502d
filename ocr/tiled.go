package ocr

import (
	"fmt"
	"math"
	"math/cmplx"
	"sort"

	"gonum.org/v1/gonum/dsp/fourier"
)

// tileSide is the long side the repetition test works at: a tiled
// watermark's words are 13-23 px high there, and one test costs a few
// milliseconds.
const tileSide = 256

// tiling is what the repetition test measured on one image.
type tiling struct {
	// Score is the prominence of the strongest repetition: the normalised
	// autocorrelation of the high-passed luma at the best shift, less the
	// strongest value on a ring around that shift (a long straight edge
	// correlates with itself all along its length and makes a ridge, not a
	// peak; a repeated word makes an isolated peak).
	Score float64
	// DX, DY is the best shift, in pixels of the image tested.
	DX, DY int
	Second float64
}

// tiling measures how strongly the image repeats itself at a shift of at
// least a tenth of its long side: a stock preview's watermark is the same
// word drawn over and over at a fixed step, which shows as an isolated
// peak of the autocorrelation; photos (foliage, gravel, sky, faces) have
// none, and their own repetitions (bricks, windows) are the exceptions the
// recognition passes still have to reject.
func (g grayImage) tiling() tiling { return g.tilingAt(tileSide) }

func (g grayImage) tilingAt(side int) tiling {
	s := g
	if long := max(g.w, g.h); long > side {
		s = g.resize(float64(side) / float64(long))
	}
	w, h := s.w, s.h
	if w < 16 || h < 16 {
		return tiling{}
	}
	hp := s.highPass(2)
	// Zero-padded to twice the size, so the circular correlation of the
	// FFT is the linear one for every shift up to half the image.
	pw, ph := nextPow2(2*w), nextPow2(2*h)
	rows := fourier.NewCmplxFFT(pw)
	cols := fourier.NewCmplxFFT(ph)
	spec := make([]complex128, pw*ph) // row-major, ph rows of pw
	row := make([]complex128, pw)
	for y := range h {
		clear(row)
		for x := range w {
			row[x] = complex(hp[y*w+x], 0)
		}
		rows.Coefficients(spec[y*pw:(y+1)*pw], row)
	}
	col := make([]complex128, ph)
	out := make([]complex128, ph)
	for x := range pw {
		for y := range ph {
			col[y] = spec[y*pw+x]
		}
		cols.Coefficients(out, col)
		for y := range ph {
			v := cmplx.Abs(out[y])
			col[y] = complex(v*v, 0)
		}
		cols.Sequence(out, col)
		for y := range ph {
			spec[y*pw+x] = out[y]
		}
	}
	// Back along the rows only for the shifts looked at (|dy| <= h/2).
	maxDY := h / 2
	corr := make(map[int][]float64, 2*maxDY+1)
	for dy := -maxDY; dy <= maxDY; dy++ {
		r := (dy + ph) % ph
		seq := rows.Sequence(nil, spec[r*pw:(r+1)*pw])
		c := make([]float64, pw)
		for i, v := range seq {
			c[i] = real(v)
		}
		corr[dy] = c
	}
	zero := corr[0][0] / float64(w*h)
	if zero <= 0 {
		return tiling{}
	}
	maxDX := w / 2
	// at is the autocorrelation at a shift, per overlapping pixel, over
	// the variance: 1 where the image equals itself shifted.
	at := func(dx, dy int) float64 {
		if dy < -maxDY || dy > maxDY || dx < -maxDX || dx > maxDX {
			return 0
		}
		n := (w - abs(dx)) * (h - abs(dy))
		return corr[dy][(dx+pw)%pw] / float64(n) / zero
	}
	minShift := float64(max(w, h)) / 10
	const ring = 5 // px: a letter's width at the sizes looked for is 8-13 px
	var peaks []tiling
	// Shifts come in pairs (s and -s): only dy >= 0 is searched.
	for dy := 0; dy <= maxDY; dy++ {
		for dx := -maxDX; dx <= maxDX; dx++ {
			if dy == 0 && dx < 0 || math.Hypot(float64(dx), float64(dy)) < minShift {
				continue
			}
			v := at(dx, dy)
			if v < 0.03 {
				continue
			}
			around := 0.0
			for k := range 16 {
				a := float64(k) * math.Pi / 8
				around = max(around, at(dx+int(math.Round(ring*math.Cos(a))), dy+int(math.Round(ring*math.Sin(a)))))
			}
			if p := v - around; p > 0.02 {
				peaks = append(peaks, tiling{Score: p, DX: dx, DY: dy})
			}
		}
	}
	sort.Slice(peaks, func(a, b int) bool { return peaks[a].Score > peaks[b].Score })
	var best tiling
	var kept []tiling
	for _, p := range peaks {
		near := false
		for _, k := range kept {
			if abs(p.DX-k.DX) <= ring && abs(p.DY-k.DY) <= ring || abs(p.DX+k.DX) <= ring && abs(p.DY+k.DY) <= ring {
				near = true
			}
		}
		if !near {
			kept = append(kept, p)
		}
	}
	if len(kept) > 0 {
		best = kept[0]
	}
	if len(kept) > 1 {
		best.Second = kept[1].Score
	}
	return best
}

// highPass is the luma minus its box blur of radius r, less its mean.
func (g grayImage) highPass(r int) []float64 {
	w, h := g.w, g.h
	sum := make([]int64, (w+1)*(h+1))
	for y := range h {
		var row int64
		for x := range w {
			row += int64(g.pix[y*w+x])
			sum[(y+1)*(w+1)+x+1] = sum[y*(w+1)+x+1] + row
		}
	}
	out := make([]float64, w*h)
	mean := 0.0
	for y := range h {
		y0, y1 := max(0, y-r), min(h, y+r+1)
		for x := range w {
			x0, x1 := max(0, x-r), min(w, x+r+1)
			s := sum[y1*(w+1)+x1] - sum[y0*(w+1)+x1] - sum[y1*(w+1)+x0] + sum[y0*(w+1)+x0]
			d := float64(g.pix[y*w+x]) - float64(s)/float64((y1-y0)*(x1-x0))
			out[y*w+x] = d
			mean += d
		}
	}
	mean /= float64(w * h)
	for i := range out {
		out[i] -= mean
	}
	return out
}

func nextPow2(n int) int {
	p := 1
	for p < n {
		p *= 2
	}
	return p
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// turnedSides bounds the long side of the image a turned pass reads, by
// pass (absent: the pass's image as it is). A turned image holds up to
// twice the pixels of the upright one, twice over (one per turn), and
// Tesseract's time grows with them.
var turnedSides = map[string]int{}

// runTurned runs a turned pass (prepTilted): local contrast with the
// pass's floor, read turned by +turn and -turn degrees, the boxes mapped
// back into the upright image.
func (d *Detector) runTurned(c *Client, pass string, spec passSpec, gimg grayImage, scale float64) ([]rawWord, float64, error) {
	src := gimg
	if side := turnedSides[pass]; side > 0 && max(src.w, src.h) > side {
		f := float64(side) / float64(max(src.w, src.h))
		src = src.resize(f)
		scale *= f
	}
	if spec.dark {
		src = src.stretch(0, 1, true)
	}
	lc := src.localContrast(max(8, min(src.w, src.h)/16), spec.floor)
	var out []rawWord
	for _, deg := range []float64{spec.turn, -spec.turn} {
		rot, back := lc.rotate(deg, 255)
		ws, err := c.recognize(rot, spec.psm, spec.thresh, spec.invertLines || d.opts.InvertLines)
		if err != nil {
			return nil, 0, fmt.Errorf("ocr: %s pass: %w", pass, err)
		}
		// Boxes go back upright: the same size, centred where the
		// word's centre was in the untilted image.
		for _, w := range ws {
			cx, cy := back(float64(w.x0+w.x1)/2, float64(w.y0+w.y1)/2)
			hw, hh := float64(w.x1-w.x0)/2, float64(w.y1-w.y0)/2
			w.x0, w.y0, w.x1, w.y1 = int(cx-hw), int(cy-hh), int(cx+hw+0.999), int(cy+hh+0.999)
			out = append(out, w)
		}
	}
	return out, scale, nil
}
