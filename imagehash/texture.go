package imagehash

import "math"

// Near-uniform textures (papers, canvas, a cave wall: a Plain, a luma
// Spread of 1-4 grey levels on the 32x32 grid) keep almost nothing in the
// hashes and the 16x16 thumbnails: a crop, a resize to half or a mirror
// image moves most of their few sure bits and their residual signs, so
// neither MatchWhole nor MatchPlain joins them. What they keep is their
// fine structure on the 64x64 work image (Fine), which a copy, a mirror
// image or a crop laid on the right window of its original keeps (crops of
// 5-15% per side of heldout7's papers correlate at 0.70-0.95), while two
// pictures, or two tiles of one texture, do not line up.

// MatchTexture thresholds: both Fines have a Level of at least
// TextureLevel grey levels (less is JPEG noise on a blank patch), their
// Levels within TextureLevelRatio of each other (a 15% crop enlarges the
// grain, raising it by up to 1.6x), and their fine structure correlates at
// MinTexture or more (TextureCorrelation).
const (
	TextureLevel      = 0.8
	TextureLevelRatio = 2.0
	MinTexture        = 0.6
)

// textureScales are the centred windows of one image that TextureCorrelation
// lays the whole of the other on: the crops of 5% to 15% per side.
var textureScales = []float64{0.95, 0.9, 0.85, 0.8, 0.75, 0.7}

// textureTurns are the rotations (degrees) at which TextureCorrelation
// lays one whole image on the other: a copy turned by a few degrees moves
// the grain at the edge of the inner window by more than the sample
// corr32's shifts absorb (heldout7's papers turned by 3 degrees: 0.21-0.34
// unturned).
var textureTurns = []float64{-3, 3}

// TextureCorrelation is the greatest correlation of the fine structure
// (Fine.residual, shifted by up to a sample) of a and b as whole images
// (and, with flips, with a mirrored), and of the whole of either laid on each centred window
// of textureScales of the other; it stops once one reaches MinTexture.
// It is 0 when either has no Fine.
func TextureCorrelation(a, b *Signature, flips bool) float64 {
	if a.Fine == nil || b.Fine == nil {
		return 0
	}
	ra, rb := a.Fine.residual(whole, false), b.Fine.residual(whole, false)
	best := corr32(ra[:], rb[:])
	if best >= MinTexture {
		return best
	}
	if flips {
		ma := a.Fine.residual(whole, true)
		if best = max(best, corr32(ma[:], rb[:])); best >= MinTexture {
			return best
		}
	}
	for _, deg := range textureTurns {
		ta := a.Fine.turnedResidual(deg)
		if best = max(best, corr32(ta[:], rb[:])); best >= MinTexture {
			return best
		}
	}
	for _, s := range textureScales {
		o := (1 - s) / 2
		w := Window{o, o, o + s, o + s}
		wa, wb := a.Fine.residual(w, false), b.Fine.residual(w, false)
		if best = max(best, corr32(ra[:], wb[:]), corr32(wa[:], rb[:])); best >= MinTexture {
			return best
		}
	}
	return best
}

// TextureCandidate reports whether a and b may match by MatchTexture on
// what a search can read without the fine structure: both near-uniform
// with a Fine of TextureLevel, one of them flat, and their Levels within
// TextureLevelRatio.
func TextureCandidate(a, b *Signature) bool {
	if a.Plain == nil || b.Plain == nil || a.Fine == nil || b.Fine == nil || !a.Full.Flat() && !b.Full.Flat() {
		return false
	}
	la, lb := a.Fine.Level, b.Fine.Level
	return min(la, lb) >= TextureLevel && max(la, lb) <= TextureLevelRatio*min(la, lb)
}

// MatchTexture reports whether near-uniform textures a and b are copies,
// one of them possibly a crop of 5-15% per side or, with flips, a mirror
// image of the other: TextureCandidate, their medians agree (PlainMediansAgree), their
// colours agree as MatchPlain's do (ColourAgree; a grey side against a
// colourful one only with medians within GreyMean and a grayscale copy's
// luma statistics, greyAgree), and TextureCorrelation reaches MinTexture.
func MatchTexture(a, b *Signature, flips bool) bool { return TextureMismatch(a, b, flips) == "" }

// TextureMismatch is the first check of MatchTexture that a and b fail
// ("none" when they are no TextureCandidate, "median", "colour", "grey",
// "corr"), or "" when they match.
func TextureMismatch(a, b *Signature, flips bool) string {
	if !TextureCandidate(a, b) {
		return "none"
	}
	pa, pb := a.Plain, b.Plain
	switch {
	case !PlainMediansAgree(pa.Median, pb.Median):
		return "median"
	case !ColourAgree(a, b, false) ||
		a.Colour.Gray() != b.Colour.Gray() && max(pa.Median, pb.Median)-min(pa.Median, pb.Median) > GreyMean:
		return "colour"
	case !greyAgree(a, b, a.Full, b.Full):
		return "grey"
	case TextureCorrelation(a, b, flips) < MinTexture:
		return "corr"
	}
	return ""
}

// turnedResidual is Fine.residual of the whole image turned by deg degrees
// about its centre (in the square work image's coordinates; bilinear,
// edges clamped): the inner part of the turned image on the fine grid,
// each sample less the mean of its 5x5 neighbourhood.
func (f *Fine) turnedResidual(deg float64) (r [fineGrid * fineGrid]float32) {
	const n = fineGrid
	sin, cos := math.Sincos(deg * math.Pi / 180)
	w := inner(whole)
	var v [n * n]float32
	at := func(x, y int) float32 {
		return float32(f.Grid[min(max(y, 0), WorkSize-1)*WorkSize+min(max(x, 0), WorkSize-1)])
	}
	for j := range n {
		dv := w.Y0 + (w.Y1-w.Y0)*(float64(j)+0.5)/n - 0.5
		for i := range n {
			du := w.X0 + (w.X1-w.X0)*(float64(i)+0.5)/n - 0.5
			x := (0.5+cos*du-sin*dv)*WorkSize - 0.5
			y := (0.5+sin*du+cos*dv)*WorkSize - 0.5
			x0, y0 := int(math.Floor(x)), int(math.Floor(y))
			tx, ty := float32(x-float64(x0)), float32(y-float64(y0))
			a := at(x0, y0) + (at(x0+1, y0)-at(x0, y0))*tx
			b := at(x0, y0+1) + (at(x0+1, y0+1)-at(x0, y0+1))*tx
			v[j*n+i] = a + (b-a)*ty
		}
	}
	return boxResidual(&v)
}

// boxResidual is each sample of the fine grid v less the mean of its 5x5
// neighbourhood (clipped at the edges, through a summed-area table): the
// last step of Fine.residual and of the texture sampler.
func boxResidual(v *[fineGrid * fineGrid]float32) (r [fineGrid * fineGrid]float32) {
	const n = fineGrid
	var sat [(n + 1) * (n + 1)]float32
	for y := range n {
		row := float32(0)
		for x := range n {
			row += v[y*n+x]
			sat[(y+1)*(n+1)+x+1] = sat[y*(n+1)+x+1] + row
		}
	}
	for y := range n {
		y0, y1 := max(0, y-2), min(n, y+3)
		for x := range n {
			x0, x1 := max(0, x-2), min(n, x+3)
			s := sat[y1*(n+1)+x1] - sat[y0*(n+1)+x1] - sat[y1*(n+1)+x0] + sat[y0*(n+1)+x0]
			r[y*n+x] = v[y*n+x] - s/float32((y1-y0)*(x1-x0))
		}
	}
	return r
}
