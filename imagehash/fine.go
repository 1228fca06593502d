package imagehash

import (
	"math"
	"slices"
)

// Near-uniform images are where the other rules' thumbnails (16x16 Local
// and Plain, 32x32 Detail, the 8x8 DCT) see least: two posters of one
// template with other words, two star fields on black, two papers of one
// grain agree on every low frequency and differ only in the text, the stars
// or the grain, which a 16x16 thumbnail blurs away. A near-uniform image
// keeps its 64x64 work image (Fine) so that a match between two of them can
// compare that fine structure.

// Fine is a near-uniform image's 64x64 luma work image (the image without
// its frame, as the windows' keys are cut from) and Level, the standard
// deviation of its fine structure (fineResidual of its inner window) in
// grey levels.
type Fine struct {
	Grid  [WorkSize * WorkSize]uint8
	Level float32
	// Peak is the share of the fine structure's energy (squared residual)
	// in its tenth of strongest samples.
	Peak float32
}

// fineGrid is the side of the sample grid FineCorrelation compares, and
// fineInner the share of a region's side it keeps about the centre: the
// edges are where a rotated copy has its fill and a copy its watermark.
const (
	fineGrid  = 48
	fineInner = 0.8
)

// fineOf is the Fine of a 64x64 work image.
func fineOf(work *Gray) *Fine {
	f := &Fine{}
	copy(f.Grid[:], work.Pix)
	r := f.residual(whole, false)
	sq := 0.0
	for _, v := range r {
		sq += float64(v) * float64(v)
	}
	f.Level = float32(math.Sqrt(sq / float64(len(r))))
	e := make([]float64, len(r))
	for k, v := range r {
		e[k] = float64(v) * float64(v)
	}
	slices.Sort(e)
	top := 0.0
	for _, v := range e[len(e)-len(e)/10:] {
		top += v
	}
	if sq > 0 {
		f.Peak = float32(top / sq)
	}
	return f
}

// An image on a backdrop: at least FineShare of its 32x32 grid's pixels
// lie within FineBand grey levels of the grid's median (a poster's
// background, a star field's black, a paper), though its other pixels may
// be too many for a Plain (a poster's large text, a galaxy).
const (
	FineShare = 0.5
	FineBand  = 6
)

// backdropped reports whether the 32x32 grid is an image on a backdrop.
func backdropped(grid *Gray) bool {
	var hist [256]int
	for _, v := range grid.Pix {
		hist[v]++
	}
	n, c, med := len(grid.Pix), 0, 0
	for v, h := range hist {
		if c += h; c > n/2 {
			med = v
			break
		}
	}
	near := 0
	for v := max(0, med-FineBand); v <= min(255, med+FineBand); v++ {
		near += hist[v]
	}
	return float64(near) >= FineShare*float64(n)
}

// inner is the centred fineInner of window w.
func inner(w Window) Window {
	dx, dy := (1-fineInner)/2*(w.X1-w.X0), (1-fineInner)/2*(w.Y1-w.Y0)
	return Window{w.X0 + dx, w.Y0 + dy, w.X1 - dx, w.Y1 - dy}
}

// residual samples the inner part of window w of f (bilinear; mirrored left
// to right when mirror is set) on the fine grid and returns each sample
// less the mean of its 5x5 neighbourhood: the fine structure, strokes and
// points, without the shading under it.
func (f *Fine) residual(w Window, mirror bool) [fineGrid * fineGrid]float32 {
	const n = fineGrid
	w = inner(w)
	var xs, ys [n]axisTap
	gridTaps(w.X0, w.X1, mirror, WorkSize, xs[:])
	gridTaps(w.Y0, w.Y1, false, WorkSize, ys[:])
	var v [n * n]float32
	for j, ty := range ys {
		r0, r1 := f.Grid[ty.i0*WorkSize:][:WorkSize], f.Grid[ty.i1*WorkSize:][:WorkSize]
		for i, tx := range xs {
			a := float32(r0[tx.i0]) + (float32(r0[tx.i1])-float32(r0[tx.i0]))*tx.t
			b := float32(r1[tx.i0]) + (float32(r1[tx.i1])-float32(r1[tx.i0]))*tx.t
			v[j*n+i] = a + (b-a)*ty.t
		}
	}
	return boxResidual(&v)
}

// fineScales are the centred windows FineCorrelation lays one whole image
// on in the other (so a crop of 5-15% per side lines up), as Detail does.
var fineScales = []float64{0.95, 0.9, 0.85, 0.8, 0.75, 0.7}

// FineCorrelation is the correlation (-1..1) of the fine structure of
// region wa of a (mirrored when mirror is set) and region wb of b, the
// inner part of each (fineInner); with both regions whole, the greatest
// over laying the whole of one image on each centred window of fineScales
// of the other too. It returns 1 when either has no Fine.
func FineCorrelation(a *Signature, wa Window, mirror bool, b *Signature, wb Window) float64 {
	if a.Fine == nil || b.Fine == nil {
		return 1
	}
	ra, rb := a.Fine.residual(wa, mirror), b.Fine.residual(wb, false)
	best := corr32(ra[:], rb[:])
	if wa != whole || wb != whole || best >= MinFine {
		return best
	}
	for _, s := range fineScales {
		o := (1 - s) / 2
		w := Window{o, o, o + s, o + s}
		ca, cb := a.Fine.residual(w, mirror), b.Fine.residual(w, false)
		best = max(best, corr32(ca[:], rb[:]), corr32(ra[:], cb[:]))
		if best >= MinFine {
			break
		}
	}
	return best
}

// corr32 is the greatest correlation of residual grids a and b with b
// shifted by up to fineShift samples each way (a resize or a crop moved
// off its window by a percent lines the fine structure up a sample off),
// over a's samples fineShift or more from the edge: 0 when either is 0.
func corr32(a, b []float32) float64 {
	const n, m = fineGrid, fineShift
	best := 0.0
	for dy := -m; dy <= m; dy++ {
		for dx := -m; dx <= m; dx++ {
			var aa, bb, ab float64
			for y := m; y < n-m; y++ {
				ra, rb := a[y*n+m:y*n+n-m], b[(y+dy)*n+m+dx:(y+dy)*n+n-m+dx]
				var saa, sbb, sab float32
				for k, x := range ra {
					yv := rb[k]
					saa, sbb, sab = saa+x*x, sbb+yv*yv, sab+x*yv
				}
				aa, bb, ab = aa+float64(saa), bb+float64(sbb), ab+float64(sab)
			}
			if aa > 0 && bb > 0 {
				best = max(best, ab/math.Sqrt(aa*bb))
			}
		}
	}
	return best
}

// fineShift is how many samples corr32 shifts one grid against the other.
const fineShift = 1

// FineAgree thresholds: where both images keep a Fine with a Level of at
// least FineLevel grey levels (more than JPEG's noise on a flat patch) and
// a Peak of at least FinePeak (sparse structure: text, stars; the grain of
// sand, paper or a city at night, 0.47-0.53 in the edit set, decorrelates
// when a rotation or a crop resamples it, so it is left to the other
// rules), their fine structure must correlate at MinFine.
const (
	FineLevel = 2.5
	FinePeak  = 0.6
	MinFine   = 0.4
)

// FineAgree reports whether region wa of a (mirrored when mirror is set)
// and region wb of b, matched by another rule, agree in their fine
// structure where both are near-uniform images with fine structure to
// compare (FineLevel): FineCorrelation at least MinFine.
func FineAgree(a *Signature, wa Window, mirror bool, b *Signature, wb Window) bool {
	if a.Fine == nil || b.Fine == nil || min(a.Fine.Level, b.Fine.Level) < FineLevel || min(a.Fine.Peak, b.Fine.Peak) < FinePeak {
		return true
	}
	return FineCorrelation(a, wa, mirror, b, wb) >= MinFine
}
