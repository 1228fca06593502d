package imagehash

import (
	"math"
	"math/bits"
	"slices"
)

// Near-uniform images (flat renders, dark studio backgrounds, a wallpaper's
// plain quadrant) are what the other rules cannot verify: their pHash keeps
// a handful of sure bits, and a copy's small change (a watermark, the black
// corners of a rotation, a 1-px border's JPEG ringing) moves most of them,
// raises the luma Spread past SpreadRatio and turns the low-frequency Shape,
// so MatchWhole rejects the copy. Plain is what such an image keeps instead:
// its robust statistics and its fine structure with the few pixels a mark
// or a corner changed left out.

// PlainSize is the side of the thumbnail a Plain keeps: 2x2 sums of the
// 32x32 grid the whole-image key is computed from (the image without its
// frame), so no rounding below a quarter of a grey level.
const PlainSize = 16

// Plain is the near-uniform image's signature MatchPlain compares: the
// median of its 32x32 luma grid, its 16x16 thumbnail (sums of 2x2 grid
// pixels, four times the grey level), the sign of each thumbnail sample's
// residual after a robust plane (Bits, 256 bits: a copy agrees on most, two
// unrelated images on about half, so the search rules most candidates out
// with four popcounts) and which samples that plane calls outliers (Out).
type Plain struct {
	Median uint8
	Thumb  [PlainSize * PlainSize]uint16
	Bits   [4]uint64
	Out    [4]uint64
	// Level is the standard deviation of the residual over the samples
	// that are not outliers, in grey levels: under PlainFlat the image is
	// blank (a plain colour; its residual signs are noise).
	Level float32
}

// Blank reports whether the image has no structure left to compare: its
// Level is under PlainFlat.
func (p *Plain) Blank() bool { return p.Level < PlainFlat }

// Plain images: the interquartile range of the 32x32 luma grid is at most
// PlainIQR grey levels (a watermark or a rotation's corners are a few
// percent of the pixels and do not widen it). A sample is an outlier of its
// image's robust plane when its residual is more than PlainOutlier times
// the residuals' median absolute value, and at least PlainFloor grey
// levels, from the plane.
const (
	PlainIQR     = 6
	PlainOutlier = 4.0
	PlainFloor   = 2.0
)

// plainOf is the Plain of a region given as its 32x32 grid, or nil when
// the region is not near-uniform.
func plainOf(grid *Gray) *Plain {
	var hist [256]int
	for _, v := range grid.Pix {
		hist[v]++
	}
	n := len(grid.Pix)
	quantile := func(q int) int { // the least level with more than q pixels at or below it
		c := 0
		for v, h := range hist {
			if c += h; c > q {
				return v
			}
		}
		return 255
	}
	if quantile(3*n/4)-quantile(n/4) > PlainIQR {
		return nil
	}
	p := &Plain{Median: uint8(quantile(n / 2))}
	const s = PlainSize
	for y := range s {
		r0, r1 := grid.Pix[2*y*phashSize:][:phashSize], grid.Pix[(2*y+1)*phashSize:][:phashSize]
		for x := range s {
			p.Thumb[y*s+x] = uint16(r0[2*x]) + uint16(r0[2*x+1]) + uint16(r1[2*x]) + uint16(r1[2*x+1])
		}
	}
	v := p.sample(whole)
	var r [s * s]float64
	r, p.Out = robustResidual(&v)
	sq, n := 0.0, 0
	for k, x := range r {
		if x > 0 {
			p.Bits[k/64] |= 1 << (k % 64)
		}
		if p.Out[k/64]>>(k%64)&1 == 0 {
			sq, n = sq+x*x, n+1
		}
	}
	p.Level = float32(math.Sqrt(sq / float64(max(n, 1))))
	return p
}

// sample is window w of p's thumbnail on a PlainSize grid, in grey levels
// (bilinear, edges clamped; the whole window reads the thumbnail itself).
func (p *Plain) sample(w Window) (v [PlainSize * PlainSize]float64) {
	const s = PlainSize
	if w == whole {
		for k, t := range p.Thumb {
			v[k] = float64(t) / 4
		}
		return v
	}
	var xs, ys [s]axisTap
	gridTaps(w.X0, w.X1, false, s, xs[:])
	gridTaps(w.Y0, w.Y1, false, s, ys[:])
	for j, ty := range ys {
		r0, r1 := p.Thumb[ty.i0*s:][:s], p.Thumb[ty.i1*s:][:s]
		for i, tx := range xs {
			a := float64(r0[tx.i0]) + (float64(r0[tx.i1])-float64(r0[tx.i0]))*float64(tx.t)
			b := float64(r1[tx.i0]) + (float64(r1[tx.i1])-float64(r1[tx.i0]))*float64(tx.t)
			v[j*s+i] = (a + (b-a)*float64(ty.t)) / 4
		}
	}
	return v
}

// robustResidual is v less its robust plane: a least-squares plane over
// every sample, then again over the samples that plane does not call
// outliers (outliers); it returns the residual and the outliers of the
// second plane.
func robustResidual(v *[PlainSize * PlainSize]float64) (r [PlainSize * PlainSize]float64, out [4]uint64) {
	r = planeFit(v, notMask([4]uint64{}))
	r = planeFit(v, notMask(outliers(&r)))
	return r, outliers(&r)
}

// notMask is the complement of a sample mask.
func notMask(m [4]uint64) [4]uint64 { return [4]uint64{^m[0], ^m[1], ^m[2], ^m[3]} }

// planeFit is v less the least-squares plane (a + b x + c y) over the
// samples in mask (all of them when fewer than 16 are).
func planeFit(v *[PlainSize * PlainSize]float64, mask [4]uint64) (r [PlainSize * PlainSize]float64) {
	const s = PlainSize
	if count(mask) < 16 {
		mask = notMask([4]uint64{})
	}
	var n, sx, sy, sxx, syy, sxy, sv, sxv, syv float64
	for k, val := range v {
		if mask[k/64]>>(k%64)&1 == 0 {
			continue
		}
		x, y := float64(k%s), float64(k/s)
		n++
		sx, sy, sxx, syy, sxy = sx+x, sy+y, sxx+x*x, syy+y*y, sxy+x*y
		sv, sxv, syv = sv+val, sxv+x*val, syv+y*val
	}
	// Normal equations, centred: [Sxx Sxy; Sxy Syy] [b c] = [Sxv Syv].
	mx, my, mv := sx/n, sy/n, sv/n
	cxx, cyy, cxy := sxx-n*mx*mx, syy-n*my*my, sxy-n*mx*my
	cxv, cyv := sxv-n*mx*mv, syv-n*my*mv
	b, c := 0.0, 0.0
	if det := cxx*cyy - cxy*cxy; math.Abs(det) > 1e-9 {
		b, c = (cxv*cyy-cyv*cxy)/det, (cyv*cxx-cxv*cxy)/det
	}
	for k, val := range v {
		r[k] = val - mv - b*(float64(k%s)-mx) - c*(float64(k/s)-my)
	}
	return r
}

// outliers marks the residuals farther from 0 than PlainOutlier times
// their median absolute value, and PlainFloor.
func outliers(r *[PlainSize * PlainSize]float64) (m [4]uint64) {
	abs := make([]float64, len(r))
	for k, x := range r {
		abs[k] = math.Abs(x)
	}
	slices.Sort(abs)
	thr := max(PlainFloor, PlainOutlier*abs[len(abs)/2])
	for k, x := range r {
		if math.Abs(x) > thr {
			m[k/64] |= 1 << (k % 64)
		}
	}
	return m
}

// count is the number of samples in a mask.
func count(m [4]uint64) int {
	return bits.OnesCount64(m[0]) + bits.OnesCount64(m[1]) + bits.OnesCount64(m[2]) + bits.OnesCount64(m[3])
}

// PlainBitDistance is the number of residual signs on which a and b
// disagree (0..256).
func PlainBitDistance(a, b *Plain) int {
	return count([4]uint64{a.Bits[0] ^ b.Bits[0], a.Bits[1] ^ b.Bits[1], a.Bits[2] ^ b.Bits[2], a.Bits[3] ^ b.Bits[3]})
}

// PlainCorrelation is the correlation (-1..1) of the fine structure of
// near-uniform images a and b: their thumbnails less each one's
// least-squares plane over the samples that neither calls an outlier,
// compared on those samples; inliers is their share of the 256, and
// spread the lesser residual standard deviation there, in grey levels.
func PlainCorrelation(a, b *Plain) (corr, inliers, spread float64) {
	return PlainWindowCorrelation(a, whole, b, whole)
}

// PlainWindowCorrelation is PlainCorrelation of window wa of a and window
// wb of b (each resampled on the PlainSize grid, its outliers those of its
// own robust plane there).
func PlainWindowCorrelation(a *Plain, wa Window, b *Plain, wb Window) (corr, inliers, spread float64) {
	va, vb := a.sample(wa), b.sample(wb)
	oa, ob := a.Out, b.Out
	if wa != whole {
		_, oa = robustResidual(&va)
	}
	if wb != whole {
		_, ob = robustResidual(&vb)
	}
	joint := notMask([4]uint64{oa[0] | ob[0], oa[1] | ob[1], oa[2] | ob[2], oa[3] | ob[3]})
	n := count(joint)
	inliers = float64(n) / (PlainSize * PlainSize)
	if n < 16 {
		return 0, inliers, 0
	}
	ra, rb := planeFit(&va, joint), planeFit(&vb, joint)
	var saa, sbb, sab float64
	for k := range ra {
		if joint[k/64]>>(k%64)&1 == 0 {
			continue
		}
		saa, sbb, sab = saa+ra[k]*ra[k], sbb+rb[k]*rb[k], sab+ra[k]*rb[k]
	}
	spread = math.Sqrt(min(saa, sbb) / float64(n))
	if saa <= 0 || sbb <= 0 {
		return 0, inliers, spread
	}
	return sab / math.Sqrt(saa*sbb), inliers, spread
}

// MatchPlain thresholds: the residual signs within PlainBits of 256, the
// samples neither image calls an outlier at least MinPlainInliers of them,
// and there the residuals' standard deviation at least PlainFlat grey
// levels in both (less is too little structure to tell two renders apart)
// and their correlation at least MinPlain.
const (
	PlainBits       = 88
	MinPlainInliers = 0.75
	PlainFlat       = 0.5
	MinPlain        = 0.7
)

// MatchPlain reports whether near-uniform images a and b are copies as
// whole images: both have a Plain, at least one of them is flat (where
// neither is, MatchWhole's hashes decide), their medians agree as Means
// do (Key.StatsAgree's Mean test), their colours agree (ColourAgree; a grey
// side against a colourful one only with medians within GreyMean), the
// residual signs are within PlainBits, a grey side against a colourful one
// has a grayscale copy's luma statistics (greyAgree: two dark posters of one
// template, one grey and one navy, share a median but not a Spread), and
// PlainCorrelation reaches MinPlain on at least MinPlainInliers of the
// samples with PlainFlat of structure and the fine structure agrees
// (FineAgree); or both are blank, both grey or
// both colourful, and their medians within BlankMedian plus MeanShare of the
// larger, and, unless one is under PlainBlank, their structure correlating
// at MinPlain on MinPlainInliers of the samples with their outliers within
// BlankOutliers of each other.
func MatchPlain(a, b *Signature) bool { return PlainMismatch(a, b) == "" }

// PlainMismatch is the first check of MatchPlain that a and b fail
// ("none" when either has no Plain or neither is flat, "median", "bits",
// "colour", "grey", "blank", "inliers", "flat", "corr", "fine"), or "" when
// they match.
func PlainMismatch(a, b *Signature) string {
	pa, pb := a.Plain, b.Plain
	if pa == nil || pb == nil || !a.Full.Flat() && !b.Full.Flat() {
		return "none"
	}
	if !PlainMediansAgree(pa.Median, pb.Median) {
		return "median"
	}
	if (!pa.Blank() || !pb.Blank()) && PlainBitDistance(pa, pb) > PlainBits {
		return "bits"
	}
	if !ColourAgree(a, b, false) ||
		a.Colour.Gray() != b.Colour.Gray() && max(pa.Median, pb.Median)-min(pa.Median, pb.Median) > GreyMean {
		return "colour"
	}
	if !greyAgree(a, b, a.Full, b.Full) {
		return "grey"
	}
	if pa.Blank() && pb.Blank() { // a plain colour patch and a copy with little added
		ma, mb := float64(pa.Median), float64(pb.Median)
		if a.Colour.Gray() != b.Colour.Gray() || math.Abs(ma-mb) > BlankMedian+MeanShare*max(ma, mb) {
			return "blank"
		}
		if min(pa.Level, pb.Level) < PlainBlank {
			return ""
		}
		// Both faintly structured: the structure and its outliers agree.
		corr, inliers, _ := PlainCorrelation(pa, pb)
		out := count([4]uint64{pa.Out[0] ^ pb.Out[0], pa.Out[1] ^ pb.Out[1], pa.Out[2] ^ pb.Out[2], pa.Out[3] ^ pb.Out[3]})
		if corr < MinPlain || inliers < MinPlainInliers || out > BlankOutliers {
			return "blank"
		}
		return ""
	}
	corr, inliers, spread := PlainCorrelation(pa, pb)
	switch {
	case inliers < MinPlainInliers:
		return "inliers"
	case spread < PlainFlat:
		return "flat"
	case corr < MinPlain:
		return "corr"
	case !FineAgree(a, whole, false, b, whole):
		return "fine"
	}
	return ""
}

// PlainAgree reports whether region wa of a and region wb of b, matched by
// another rule, do not disagree in their fine structure where both images
// are near-uniform: a mark they share (one watermark on two dark renders)
// can carry every hash and the Local detail of the two, so where both have
// a Plain, the samples neither calls an outlier (MinPlainInliers of them,
// with PlainFlat of structure) must not correlate under MinPlainVeto
// (PlainWindowCorrelation). The bar is low: a window resampled on the
// 16x16 grid lines up with a crop only roughly. On the edit set's tuned-on
// parts the matches of two Plain images of one family that another rule
// made correlate under 0.2 in 33 of 962 crop matches (fine textures: a star
// field), the two watermarked quadrants of one dark render (origami-dark)
// -0.16 to 0.12.
func PlainAgree(a *Signature, wa Window, b *Signature, wb Window) bool {
	if a.Plain == nil || b.Plain == nil {
		return true
	}
	corr, inliers, spread := PlainWindowCorrelation(a.Plain, wa, b.Plain, wb)
	return spread < PlainFlat || inliers < MinPlainInliers || corr >= MinPlainVeto
}

// PlainBlank is the most Level of one of two blank images that match: a
// plain colour patch (FlyingKonqui's quadrant: 0.04 grey levels; its
// copies 0.04-0.42) matches a blank image of its median and colours, but
// two images that are blank only after an edit (two dark edits, a crop of a
// quiet texture: 0.28-0.49 both) are not copies for that.
const PlainBlank = 0.15

// BlankOutliers is the most samples that one of two blank images with
// PlainBlank of structure or more calls an outlier and the other does not:
// a cave wall's copies (blank at Level PlainBlank-PlainFlat, 6-12 sure
// bits, matched by no other rule) keep their faint structure
// (PlainCorrelation at MinPlain) and their outliers, while the near-black
// edits of star fields, blank only after the edit, put their stars, the
// outliers, elsewhere (10-13 samples of 256 from the cave wall's dark
// edit).
const BlankOutliers = 4

// BlankMedian is, with MeanShare of the larger, the most two blank images
// that match may differ in median (grey levels): a plain patch's copies keep
// it or scale it by a brightness edit (FlyingKonqui's quadrant: 84 and 92),
// while the near-black edits of two star fields (0 and 5) and a near-white
// paper against a blown-out white one (222 and 255) agree only as loosely as
// StatsAgree's Means do.
const BlankMedian = 2

// MinPlainVeto is the correlation under which PlainAgree rejects a match.
const MinPlainVeto = 0.25

// PlainMediansAgree reports whether two Plain medians agree as the Means of
// two keys must (Key.StatsAgree).
func PlainMediansAgree(a, b uint8) bool { return Key{Mean: a}.StatsAgree(Key{Mean: b}) }

// NewPlain is the Plain of an image whose 32x32 grid (the Lanczos resize of
// the image without its frame, row by row) is grid, or nil when it is not
// near-uniform: for signatures built without Sign (synthetic crawls).
func NewPlain(grid *[DetailSize * DetailSize]uint8) *Plain {
	return plainOf(&Gray{W: phashSize, H: phashSize, Pix: grid[:]})
}
