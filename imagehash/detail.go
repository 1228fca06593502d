package imagehash

import "math"

// DetailSize is the side of the luma thumbnail a flat image keeps for
// DetailCorrelation: the 32x32 Lanczos resize of the image without its
// frame (the grid its whole-image key is computed from).
const DetailSize = phashSize

// detailGrid is the side of the grid of samples DetailCorrelation compares.
const detailGrid = 16

// detailWindows are the regions of one image that DetailCorrelation lays
// over the whole of the other: the whole image and centred windows of 0.95
// to 0.7 of each side (the crops of the edit list keep 0.9 and 0.7), and
// for 0.9, 0.8 and 0.7 the eight off-centre positions of a 3x3 grid (a crop
// moved off centre).
var detailWindows = func() []Window {
	ws := []Window{{0, 0, 1, 1}}
	for _, s := range []float64{0.95, 0.9, 0.85, 0.8, 0.75, 0.7} {
		o := (1 - s) / 2
		ws = append(ws, Window{o, o, o + s, o + s})
	}
	for _, s := range []float64{0.9, 0.8, 0.7} {
		for oy := range 3 {
			for ox := range 3 {
				if ox == 1 && oy == 1 {
					continue
				}
				x0, y0 := float64(ox)/2*(1-s), float64(oy)/2*(1-s)
				ws = append(ws, Window{x0, y0, x0 + s, y0 + s})
			}
		}
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
	v, s := detailSample(&d.Thumb, detailWindows[0], false)
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

// detailSample samples the window w of the thumbnail t (bilinear, edges
// clamped; mirrored left to right when mirror is set) on the detail grid
// and returns its residual after the mean and plane, unit length, and the
// residual's standard deviation in grey levels.
func detailSample(t *[DetailSize * DetailSize]uint8, w Window, mirror bool) (v detailVec, spread float64) {
	const n = detailGrid
	var raw [n * n]float64
	for j := range n {
		fy := (w.Y0+(w.Y1-w.Y0)*(float64(j)+0.5)/n)*DetailSize - 0.5
		y0 := int(math.Floor(fy))
		ty := fy - float64(y0)
		y0c, y1c := min(max(y0, 0), DetailSize-1), min(max(y0+1, 0), DetailSize-1)
		for i := range n {
			u := w.X0 + (w.X1-w.X0)*(float64(i)+0.5)/n
			if mirror {
				u = 1 - u
			}
			fx := u*DetailSize - 0.5
			x0 := int(math.Floor(fx))
			tx := fx - float64(x0)
			x0c, x1c := min(max(x0, 0), DetailSize-1), min(max(x0+1, 0), DetailSize-1)
			a := float64(t[y0c*DetailSize+x0c])*(1-tx) + float64(t[y0c*DetailSize+x1c])*tx
			b := float64(t[y1c*DetailSize+x0c])*(1-tx) + float64(t[y1c*DetailSize+x1c])*tx
			raw[j*n+i] = a*(1-ty) + b*ty
		}
	}
	// The plane's coordinates are centred on the grid, so mean, x and y
	// slopes are orthogonal and fit apart.
	var sum, sx, sy, sxx float64
	for j := range n {
		for i := range n {
			x, y := float64(i)-(n-1)/2.0, float64(j)-(n-1)/2.0
			p := raw[j*n+i]
			sum += p
			sx += p * x
			sy += p * y
			sxx += x * x
		}
	}
	mean, bx, by := sum/(n*n), sx/sxx, sy/sxx
	norm := 0.0
	for j := range n {
		for i := range n {
			x, y := float64(i)-(n-1)/2.0, float64(j)-(n-1)/2.0
			r := raw[j*n+i] - mean - bx*x - by*y
			raw[j*n+i] = r
			norm += r * r
		}
	}
	if norm == 0 {
		return v, 0
	}
	spread = math.Sqrt(norm / (n * n))
	norm = math.Sqrt(norm)
	for k, r := range raw {
		v[k] = float32(r / norm)
	}
	return v, spread
}

func (v *detailVec) dot(o *detailVec) float64 {
	var s float32
	for k := range v {
		s += v[k] * o[k]
	}
	return float64(s)
}

// DetailCorrelation is how well the fine structure of flat images a and b
// agrees (b mirrored left to right when mirror is set): the correlation
// (-1..1) of their 16x16 luma samples after each one's mean and best plane
// are removed, the greatest over laying the whole of one image on each of
// detailWindows of the other (so a crop of 5-15% per side, centred or a
// little off centre, lines up with its original), and the greater
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
	fa, _ := detailSample(&a.Detail.Thumb, detailWindows[0], false)
	fb, _ := detailSample(&b.Detail.Thumb, detailWindows[0], mirror)
	for _, w := range detailWindows[1:] {
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
