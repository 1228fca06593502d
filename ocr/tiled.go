package ocr

import (
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

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
}

// tiling measures how strongly the image repeats itself at a shift of at
// least a tenth of its long side: a stock preview's watermark is the same
// word drawn over and over at a fixed step, which shows as an isolated
// peak of the autocorrelation; photos (foliage, gravel, sky, faces) have
// none, and their own repetitions (bricks, windows) are the exceptions the
// recognition passes still have to reject.
func (g grayImage) tiling() tiling { return g.tilingAt(tileSide) }

// tilingAt is tiling with the image scaled to the given long side.
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
	// Shifts up to half the image are looked at: zero-padded by that
	// much, the circular correlation of the FFT is the linear one there.
	// The rows are real: their spectra have pw/2+1 coefficients.
	maxDX, maxDY := w/2, h/2
	pw, ph := fftSize(w+maxDX), fftSize(h+maxDY)
	nu := pw/2 + 1
	rows := fourier.NewFFT(pw)
	cols := fourier.NewCmplxFFT(ph)
	spec := make([]complex128, nu*ph) // ph rows of nu coefficients
	line := make([]float64, pw)
	for y := range h {
		copy(line, hp[y*w:(y+1)*w])
		rows.Coefficients(spec[y*nu:(y+1)*nu], line)
	}
	col := make([]complex128, ph)
	out := make([]complex128, ph)
	for u := range nu {
		for y := range ph {
			col[y] = spec[y*nu+u]
		}
		cols.Coefficients(out, col)
		for y, v := range out {
			col[y] = complex(real(v)*real(v)+imag(v)*imag(v), 0)
		}
		cols.Sequence(out, col)
		for y := range ph {
			spec[y*nu+u] = out[y]
		}
	}
	// Back along the rows only for the shifts looked at: |dx| <= w/2,
	// 0 <= dy <= h/2 (a shift and its opposite correlate alike).
	cw := 2*maxDX + 1
	corr := make([]float64, cw*(maxDY+1)) // corr[dy*cw + dx+maxDX]
	for dy := 0; dy <= maxDY; dy++ {
		rows.Sequence(line, spec[dy*nu:(dy+1)*nu])
		for dx := -maxDX; dx <= maxDX; dx++ {
			n := (w - absInt(dx)) * (h - dy)
			corr[dy*cw+dx+maxDX] = line[(dx+pw)%pw] / float64(n)
		}
	}
	zero := corr[maxDX]
	if zero <= 0 {
		return tiling{}
	}
	// at is the autocorrelation at a shift, per overlapping pixel, over
	// the variance: 1 where the image equals itself shifted.
	at := func(dx, dy int) float64 {
		if dy < 0 {
			dx, dy = -dx, -dy
		}
		if dy > maxDY || dx < -maxDX || dx > maxDX {
			return 0
		}
		return corr[dy*cw+dx+maxDX] / zero
	}
	minShift2 := max(w, h) * max(w, h) / 100 // a tenth of the long side, squared
	var best tiling
	for dy := 0; dy <= maxDY; dy++ {
		for dx := -maxDX; dx <= maxDX; dx++ {
			if dy == 0 && dx < 0 || dx*dx+dy*dy < minShift2 {
				continue
			}
			v := at(dx, dy)
			if v <= best.Score {
				continue
			}
			around := 0.0
			for _, o := range ringOffsets {
				around = max(around, at(dx+o[0], dy+o[1]))
			}
			if p := v - around; p > best.Score {
				best = tiling{Score: p, DX: dx, DY: dy}
			}
		}
	}
	return best
}

// ringOffsets are 16 points on a circle of 5 px around a shift, where a
// peak's surroundings are read: a letter's width at the sizes looked for
// is 8-13 px, so a repeated word's peak has fallen off there.
var ringOffsets = func() [16][2]int {
	var o [16][2]int
	for k := range o {
		a := float64(k) * math.Pi / 8
		o[k] = [2]int{int(math.Round(5 * math.Cos(a))), int(math.Round(5 * math.Sin(a)))}
	}
	return o
}()

// highPass is the luma minus its box blur of radius r, less its mean.
func (g grayImage) highPass(r int) []float64 {
	sum := g.integral()
	out := make([]float64, g.w*g.h)
	mean := 0.0
	for y := range g.h {
		for x := range g.w {
			s, n := g.boxSum(sum, x, y, r)
			d := float64(g.pix[y*g.w+x]) - float64(s)/float64(n)
			out[y*g.w+x] = d
			mean += d
		}
	}
	mean /= float64(len(out))
	for i := range out {
		out[i] -= mean
	}
	return out
}

// fftSize is the smallest length from n whose only prime factors are 2,
// 3 and 5, which gonum's FFT transforms fast (padding 262 to 270, not 512).
func fftSize(n int) int {
	for m := max(n, 1); ; m++ {
		k := m
		for _, p := range []int{2, 3, 5} {
			for k%p == 0 {
				k /= p
			}
		}
		if k == 1 {
			return m
		}
	}
}

func absInt(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// turnedSpec is what a turned pass adds to its passSpec.
type turnedSpec struct {
	// side bounds the long side of the image the pass reads (0: the
	// pass's image as it is). A turned image holds up to twice the pixels
	// of the upright one, once per turn, and Tesseract's time grows with
	// them; a tiled watermark's words are big enough to read at 384 px.
	side int
	// tiled marks the passes for tiled watermarks, whose words decide by
	// the tiled rules (see judge.tiledRule), not the upright ones.
	tiled bool
	// stack reads the image averaged with its copies shifted by the
	// repetition the gate measured (stackTiles), its text light or dark
	// by the image's brightness.
	stack bool
}

// turnedSpecs holds the turned passes that differ from a plain turn.
var turnedSpecs = map[string]turnedSpec{
	PassSteep:      {side: 384, tiled: true},
	PassSteepDark:  {side: 384, tiled: true},
	PassSteepStack: {side: 384, tiled: true, stack: true},
}

// tiledConfidence: a word of a tiled pass (steep, steep-dark) with
// StrongChars letters decides alone only at this confidence (or when it
// repeats: see judge.tiledRule). Chosen on the tuning part: gravel read
// turned gave "Lats" at 81; tiled watermarks' lone words read at 83-89.
const tiledConfidence = 85

// minRepeat is the run of letters two words of a tiled pass must share to
// count as the same word repeated ("dreamsti" and "umstin"; "OPYRIGHT"
// and "COPYRIGHT").
const minRepeat = 4

// tiledRule is the rule for the words of tiled passes: one word of
// StrongChars letters at tiledConfidence, or two at different places that
// share minRepeat letters in a row (a tiled watermark repeats its word;
// texture read turned gives different fragments at each place). A word of
// StrongChars letters that only the strokes rule rejects counts as one at
// tiledConfidence when it stands on minSupport glyphs (wave 9: "flic" at
// 86 and 89 of a tiled "flickr" on version 4's held-out part, both sizes;
// no photo without text of the four parts or make demo's scenes reads a
// strokes-rejected word of four letters at 75 or more in a tiled pass).
// It marks the words that decided and returns the rule, or "".
func (j *judge) tiledRule() string {
	for i, a := range j.accepted {
		if !turnedSpecs[a.Pass].tiled || alnumCount(a.Text) < j.o.StrongChars {
			continue
		}
		if a.Conf >= tiledConfidence {
			j.accepted[i].Decisive = true
			return RuleStrong
		}
		if j.tiledRepeat(i, minRepeat, 0) {
			return RuleRepeat
		}
	}
	for i, w := range j.rejected {
		if w.Reject != RejectStrokes || !turnedSpecs[w.Pass].tiled || w.Conf < tiledConfidence || j.support == nil {
			continue
		}
		core := trimPunct(w.Text)
		if n := alnumCount(core); letterCount(core) >= j.o.StrongChars && 4*n >= 3*utf8.RuneCountInString(core) &&
			j.boxRule(w.Box, n) == "" && j.glyphs(w.Box) >= minSupport {
			j.rejected[i].Decisive = true
			return RuleStrong
		}
	}
	return ""
}

// tiledRepeat reports whether accepted word i, of a tiled pass, repeats
// at another place: another accepted word of a tiled pass, read at conf or
// more and not overlapping it, shares run letters in a row with it. It
// marks both decisive when it does (tiledRule, tiledEcho). Words of the
// stacked pass (steep-stack) make no repeat, with each other or with the
// other tiled passes' words: the stacked image is the mean of copies
// shifted by the step the gate measured, so whatever it shows, texture
// too, it shows again one step away, and a fragment of a tiled texture
// (the image repeating itself, as tiled.go's gate wants) is the same
// pixels at every step. Version 7's held-out part, scored blind at wave
// 12: both its false positives were such repeats, "New" at 80 and 79
// (steep-stack twice, a tiled desert thumbnail) and "ving" at 70 and 73
// (steep and steep-stack, a tiled gravel-and-grass photo); no image of
// the seven parts (stride 1) had decided by a repeat with a stacked word
// (the two that decide by repeat read it in steep or steep-dark twice:
// "Otos"/"Photos" of the tuning part, "gettyimages"/"gett" of version 2's).
func (j *judge) tiledRepeat(i, run int, conf float64) bool {
	a := j.accepted[i]
	if turnedSpecs[a.Pass].stack {
		return false
	}
	for k, b := range j.accepted {
		if k != i && turnedSpecs[b.Pass].tiled && !turnedSpecs[b.Pass].stack && b.Conf >= conf && overlap(a.Box, b.Box) == 0 && sharesRun(a.Text, b.Text, run) {
			j.accepted[i].Decisive, j.accepted[k].Decisive = true, true
			return true
		}
	}
	return false
}

// sharesRun reports whether a and b share n letters in a row, ignoring
// case and anything but letters.
func sharesRun(a, b string, n int) bool { return sharesRunOf(a, b, n, unicode.IsLetter) }

// sharesAlnumRun reports whether a and b share n letters or digits in a
// row, ignoring case and anything else.
func sharesAlnumRun(a, b string, n int) bool {
	return sharesRunOf(a, b, n, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
}

// sharesRunOf reports whether a and b share n runes in a row, of those
// keep keeps, ignoring case and the runes it drops.
func sharesRunOf(a, b string, n int, keep func(rune) bool) bool {
	norm := func(s string) []rune {
		var out []rune
		for _, r := range strings.ToLower(s) {
			if keep(r) {
				out = append(out, r)
			}
		}
		return out
	}
	la, lb := string(norm(a)), norm(b)
	for i := 0; i+n <= len(lb); i++ {
		if strings.Contains(la, string(lb[i:i+n])) {
			return true
		}
	}
	return false
}

// tileGate is what the tiled passes' gate measured on an image: its
// repetition (tiling) and mean luma.
type tileGate struct {
	tiling
	lum float64
}

// gateLimits are the gate's thresholds (see defaultGate).
type gateLimits struct {
	minScore    float64 // tiling score the tiled passes need
	maxLumLight float64 // steep (light text) runs only at or under this mean luma
	minLumDark  float64 // steep-dark (dark text) only at or over it
}

// openGate lets every tiled pass run (the tuning tools cache them all).
var openGate = gateLimits{minScore: 0, maxLumLight: 255, minLumDark: 0}

// defaultGate: chosen on the tuning part (tiled_test.go, TestTuneTiling and
// the replays of tune_test.go).
var defaultGate = gateLimits{minScore: 0.06, maxLumLight: 200, minLumDark: 150}

// open reports whether a tiled pass (dark: reading dark text) runs.
func (l gateLimits) open(g tileGate, dark bool) bool {
	if g.Score < l.minScore {
		return false
	}
	if dark {
		return g.lum >= l.minLumDark
	}
	return g.lum <= l.maxLumLight
}

// gate measures the frame's native image once.
func (fr *frame) gate() tileGate {
	if fr.tile == nil {
		_, g, _ := fr.image(false)
		fr.tile = &tileGate{tiling: g.tiling(), lum: g.meanLum()}
	}
	return *fr.tile
}

// meanLum is the mean luma, 0..255.
func (g grayImage) meanLum() float64 {
	sum := 0
	for _, v := range g.pix {
		sum += int(v)
	}
	return float64(sum) / float64(max(1, len(g.pix)))
}

// runTurned runs a turned pass (prepTilted): local contrast with the
// pass's floor, read turned by +turn and -turn degrees, the boxes mapped
// back into the upright image. A tiled pass reads nothing where its gate
// is closed: an image that does not repeat itself, or whose brightness
// hides the pass's kind of text.
func (d *Detector) runTurned(c *Client, pass string, spec passSpec, fr *frame) ([]rawWord, float64, error) {
	_, src, scale := fr.image(spec.upscale)
	ts := turnedSpecs[pass]
	dark := spec.dark
	if ts.stack {
		g := fr.gate()
		if g.Score < d.gate.minScore {
			return nil, scale, nil
		}
		dark = g.lum > stackDarkLum
	} else if ts.tiled && !d.gate.open(fr.gate(), spec.dark) {
		return nil, scale, nil
	}
	if ts.side > 0 && max(src.w, src.h) > ts.side {
		f := float64(ts.side) / float64(max(src.w, src.h))
		src = src.resize(f)
		scale *= f
	}
	if ts.stack {
		// The gate measured the repetition at tileSide (long side) of
		// the native image.
		nat := fr.nativeGray
		f := float64(max(src.w, src.h)) / float64(min(tileSide, max(nat.w, nat.h)))
		g := fr.gate()
		src = src.stackTiles(float64(g.DX)*f, float64(g.DY)*f, stackCopies)
	}
	if dark {
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

// stackCopies and stackDarkLum: the stacked pass (steep-stack) averages
// the image with stackCopies copies each way along the repetition, and
// reads dark text on images of mean luma over stackDarkLum, light text on
// the others.
const (
	stackCopies  = 2
	stackDarkLum = 150
)

// stackTiles returns the mean of g and its copies shifted by k*(dx, dy)
// for k = -n..n (bilinear for fractional shifts), each pixel over the
// copies that cover it. A tiled watermark is the same word at every
// multiple of its step, so its strokes add up where the photo under it,
// different at each copy, averages towards flat: the word stands out from
// foliage, wood grain or cloud that hid it in any single copy.
func (g grayImage) stackTiles(dx, dy float64, n int) grayImage {
	out := grayImage{w: g.w, h: g.h, pix: make([]uint8, len(g.pix))}
	for y := range g.h {
		for x := range g.w {
			sum, cnt := 0.0, 0
			for k := -n; k <= n; k++ {
				if v, ok := g.bilinear(float64(x)+float64(k)*dx, float64(y)+float64(k)*dy); ok {
					sum += v
					cnt++
				}
			}
			if cnt == 0 {
				out.pix[y*g.w+x] = g.pix[y*g.w+x]
				continue
			}
			out.pix[y*g.w+x] = uint8(sum/float64(cnt) + 0.5)
		}
	}
	return out
}
