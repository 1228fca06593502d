package imagehash

import (
	"math"
	"sync"
)

// DetailSize is the side of the luma thumbnail a flat image keeps for
// DetailCorrelation: the 32x32 Lanczos resize of the image without its
// frame (the grid its whole-image key is computed from).
const DetailSize = phashSize

// detailGrid is the side of the grid of samples DetailCorrelation compares.
const detailGrid = 16

// detailWindows are the regions of one image that DetailCorrelation lays
// over the whole of the other: the whole image and centred windows of 0.95
// to 0.7 of each side (the crops of the edit list keep 0.9 and 0.7). Off-centre
// windows (a 3x3 grid of 0.9, 0.8 and 0.7) were tried: on the tuning and
// validation parts they raised no copy's correlation (crops moved off centre
// by 3% still line up best with the centred window, at 0.82 or more) and made
// a rejected pair five times as dear.
var detailWindows = func() []Window {
	ws := []Window{{0, 0, 1, 1}}
	for _, s := range []float64{0.95, 0.9, 0.85, 0.8, 0.75, 0.7} {
		o := (1 - s) / 2
		ws = append(ws, Window{o, o, o + s, o + s})
	}
	return ws
}()

// Detail is what a flat image keeps for DetailAgree: its luma thumbnail,
// and the whole thumbnail's residual samples (see detailSample) as int8
// (x127) with their standard deviation, computed once so the common case,
// a copy that lines up as a whole, costs one dot product.
type Detail struct {
	Thumb  [DetailSize * DetailSize]uint8
	whole  [detailGrid * detailGrid]int8
	spread float32
}

// NewDetail is the Detail of a flat image whose thumbnail (the 32x32
// Lanczos resize of the image without its frame) is thumb.
func NewDetail(thumb *[DetailSize * DetailSize]uint8) *Detail {
	d := &Detail{Thumb: *thumb}
	v, s := detailSample(&d.Thumb, 0, false)
	for k, x := range v {
		d.whole[k] = int8(math.Round(float64(x) * 127))
	}
	d.spread = float32(s)
	return d
}

// wholeDot is the correlation of a's and b's whole residuals, b mirrored
// left to right when mirror is set (a column's samples sit at mirrored
// positions, and the plane fit commutes with mirroring).
func (a *Detail) wholeDot(b *Detail, mirror bool) float64 {
	const n = detailGrid
	s := 0
	for j := range n {
		ra, rb := a.whole[j*n:j*n+n], b.whole[j*n:j*n+n]
		for i := range n {
			x := i
			if mirror {
				x = n - 1 - i
			}
			s += int(ra[i]) * int(rb[x])
		}
	}
	return float64(s) / (127 * 127)
}

// detailVec is a detailGrid x detailGrid sample grid with its mean and its
// best-fitting plane removed, scaled to unit length; zero when nothing is
// left (a plain gradient).
type detailVec [detailGrid * detailGrid]float32

// axisTap is where one sample of an axis reads the thumbnail: between
// pixels i0 and i1 (edges clamped), t of the way to i1.
type axisTap struct {
	i0, i1 int
	t      float32
}

// gridTaps fills taps with the sample positions of an axis from lo to hi
// (fractions of the image, mirrored when mirror is set) on a thumbnail of
// size pixels: sample k sits at the centre of the k-th of len(taps) equal
// parts. Detail and Local sample their thumbnails through it.
func gridTaps(lo, hi float64, mirror bool, size int, taps []axisTap) {
	for k := range taps {
		u := lo + (hi-lo)*(float64(k)+0.5)/float64(len(taps))
		if mirror {
			u = 1 - u
		}
		f := u*float64(size) - 0.5
		i0 := int(math.Floor(f))
		taps[k] = axisTap{min(max(i0, 0), size-1), min(max(i0+1, 0), size-1), float32(f - float64(i0))}
	}
}

// detailTaps are the sample positions of window w's axis from lo to hi on
// the detail grid (gridTaps).
func detailTaps(lo, hi float64, mirror bool) (taps [detailGrid]axisTap) {
	gridTaps(lo, hi, mirror, DetailSize, taps[:])
	return taps
}

// detailPlan is how detailSample reads one window: the x taps, plain and
// mirrored, and the y taps.
type detailPlan struct{ x, xMirror, y [detailGrid]axisTap }

// detailPlans are the plans of detailWindows, computed once.
var detailPlans = sync.OnceValue(func() []detailPlan {
	ps := make([]detailPlan, len(detailWindows))
	for i, w := range detailWindows {
		ps[i] = detailPlan{detailTaps(w.X0, w.X1, false), detailTaps(w.X0, w.X1, true), detailTaps(w.Y0, w.Y1, false)}
	}
	return ps
})

// detailSample samples window w (an index into detailWindows) of the
// thumbnail t (bilinear, edges clamped; mirrored left to right when mirror
// is set) on the detail grid and returns its residual after the mean and
// plane, unit length, and the residual's standard deviation in grey levels.
func detailSample(t *[DetailSize * DetailSize]uint8, w int, mirror bool) (v detailVec, spread float64) {
	const n = detailGrid
	p := &detailPlans()[w]
	xs := &p.x
	if mirror {
		xs = &p.xMirror
	}
	norm := planeResidual(t[:], DetailSize, xs[:], p.y[:], v[:])
	if norm < 1e-6 {
		return detailVec{}, 0
	}
	spread = math.Sqrt(float64(norm) / (n * n))
	inv := 1 / float32(math.Sqrt(float64(norm)))
	for k := range v {
		v[k] *= inv
	}
	return v, spread
}

// planeResidual samples the size x size grey levels src bilinearly at the
// square grid of taps xs x ys into v (row by row) and removes the mean and
// the best-fitting plane; it returns the squared norm of what is left. The
// plane's coordinates are centred on the grid, so mean, x and y slopes are
// orthogonal and fit apart. detailSample and Local.sample share it.
func planeResidual(src []uint8, size int, xs, ys []axisTap, v []float32) (norm float32) {
	n := len(xs)
	c := float32(n-1) / 2
	var sum, sx, sy float32
	for j, ty := range ys {
		r0, r1 := src[ty.i0*size:][:size], src[ty.i1*size:][:size]
		y := float32(j) - c
		for i, tx := range xs {
			a := float32(r0[tx.i0]) + (float32(r0[tx.i1])-float32(r0[tx.i0]))*tx.t
			b := float32(r1[tx.i0]) + (float32(r1[tx.i1])-float32(r1[tx.i0]))*tx.t
			val := a + (b-a)*ty.t
			v[j*n+i] = val
			sum += val
			sx += val * (float32(i) - c)
			sy += val * y
		}
	}
	sxx := float32(n*n*(n*n-1)) / 12 // sum of x*x over the grid
	mean, bx, by := sum/float32(n*n), sx/sxx, sy/sxx
	for j := range n {
		y := float32(j) - c
		for i := range n {
			r := v[j*n+i] - mean - bx*(float32(i)-c) - by*y
			v[j*n+i] = r
			norm += r * r
		}
	}
	return norm
}

func (v *detailVec) dot(o *detailVec) float64 { return dot32(v[:], o[:]) }

// dot32 is the dot product of a and b (of one length), summed in float32
// in order.
func dot32(a, b []float32) float64 {
	var s float32
	for k := range a {
		s += a[k] * b[k]
	}
	return float64(s)
}

// DetailCorrelation is how well the fine structure of flat images a and b
// agrees (b mirrored left to right when mirror is set): the correlation
// (-1..1) of their 16x16 luma samples after each one's mean and best plane
// are removed, the greatest over laying the whole of one image on each of
// detailWindows of the other (so a crop of 5-15% per side lines up with its
// original), and the greater
// residual standard deviation of the two whole images (grey levels: when it
// is under DetailFlat, neither has structure left to compare, as plain
// gradients do). It returns 1, 0 when either image has no Detail.
func DetailCorrelation(a, b *Signature, mirror bool) (corr, spread float64) {
	return detailCorrelation(a, b, mirror, 2)
}

// detailCorrelation is DetailCorrelation, stopping the search at the first
// alignment that reaches stop.
func detailCorrelation(a, b *Signature, mirror bool, stop float64) (corr, spread float64) {
	if a.Detail == nil || b.Detail == nil {
		return 1, 0
	}
	spread = float64(max(a.Detail.spread, b.Detail.spread))
	best := a.Detail.wholeDot(b.Detail, mirror)
	if best >= stop {
		return best, spread
	}
	fa, _ := detailSample(&a.Detail.Thumb, 0, false)
	fb, _ := detailSample(&b.Detail.Thumb, 0, mirror)
	for w := 1; w < len(detailWindows); w++ {
		wa, _ := detailSample(&a.Detail.Thumb, w, false)
		best = max(best, wa.dot(&fb))
		wb, _ := detailSample(&b.Detail.Thumb, w, mirror) // window w of b's mirror image
		best = max(best, fa.dot(&wb))
		if best >= stop {
			break
		}
	}
	return best, spread
}

// MinDetail is the least DetailCorrelation of two flat images that match
// when either has DetailFlat or more of residual structure. Chosen on the
// tuning and validation parts of the edit set: copies of flat photos
// (whole, crops, watermark, mirror) correlate 0.82 or more (the least: a
// 15% crop moved off centre), distinct flat originals whose luma
// statistics agree 0.39 or less, plain gradients (residual under 0.5
// levels) are left to Shape.
const (
	MinDetail  = 0.6
	DetailFlat = 1.0
)

// DetailAgree reports whether flat images a and b (b mirrored when mirror
// is set) agree in their fine structure: DetailCorrelation at least
// MinDetail, or too little structure to tell, or one of them is not flat
// (only flat images keep a Detail).
func DetailAgree(a, b *Signature, mirror bool) bool {
	c, s := detailCorrelation(a, b, mirror, MinDetail)
	return s < DetailFlat || c >= MinDetail
}
