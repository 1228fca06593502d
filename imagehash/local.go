package imagehash

import "math"

// LocalSize is the side of a Local thumbnail.
const LocalSize = 16

// Local is the 16x16 luma thumbnail (2x2 means of the 32x32 grid the
// whole-image key is computed from, so the image without its frame) that a
// signature of an image that is not flat keeps to verify the matches its
// hashes are unsure of (LocalAgree): 256 bytes, where the hashes keep 64
// bits of the lowest frequencies, it holds where the structure is.
type Local [LocalSize * LocalSize]uint8

// localOf is the Local of a 32x32 grid.
func localOf(grid *Gray) *Local {
	var l Local
	for y := range LocalSize {
		r0, r1 := grid.Pix[2*y*phashSize:][:phashSize], grid.Pix[(2*y+1)*phashSize:][:phashSize]
		for x := range LocalSize {
			s := int(r0[2*x]) + int(r0[2*x+1]) + int(r1[2*x]) + int(r1[2*x+1])
			l[y*LocalSize+x] = uint8((s + 2) / 4)
		}
	}
	return &l
}

// localGrid is the side of the sample grid LocalCorrelation compares.
const localGrid = 12

// localVec is a sample grid with its mean and best plane removed, unit
// length (zero when nothing is left).
type localVec [localGrid * localGrid]float32

// sample samples window w of l (bilinear, edges clamped; mirrored left to
// right when mirror is set) on the local grid and removes the mean and the
// best-fitting plane: what is left is the layout of the detail, which a
// copy keeps and another picture with the same low frequencies seldom has.
func (l *Local) sample(w Window, mirror bool) (v localVec) {
	const n = localGrid
	var xs, ys [n]axisTap
	gridTaps(w.X0, w.X1, mirror, LocalSize, xs[:])
	gridTaps(w.Y0, w.Y1, false, LocalSize, ys[:])
	norm := planeResidual(l[:], LocalSize, xs[:], ys[:], v[:])
	if norm < 1e-3 {
		return localVec{}
	}
	inv := 1 / float32(math.Sqrt(float64(norm)))
	for k := range v {
		v[k] *= inv
	}
	return v
}

func (v *localVec) dot(o *localVec) float64 { return dot32(v[:], o[:]) }

// whole is the window of the whole image.
var whole = Window{0, 0, 1, 1}

// LocalCorrelation is the correlation (-1..1) of the Local detail of
// region wa of a (mirrored when mirror is set) and region wb of b; 1 when
// either has no Local.
func LocalCorrelation(a *Signature, wa Window, mirror bool, b *Signature, wb Window) float64 {
	if a.Local == nil || b.Local == nil {
		return 1
	}
	va, vb := a.Local.sample(wa, mirror), b.Local.sample(wb, false)
	return va.dot(&vb)
}

// Verification of the matches the hashes are unsure of: a whole or mirror
// match more than SureDistance bits apart, and every crop and centre match
// (a window against a window or a whole image: 64 bits of a part of the
// picture), must also have LocalCorrelation of at least MinLocal.
const (
	SureDistance = 6
	MinLocal     = 0.7
)

// LocalAgree reports whether region wa of a (mirrored when mirror is set)
// and region wb of b have the same Local detail: LocalCorrelation at least
// MinLocal.
func LocalAgree(a *Signature, wa Window, mirror bool, b *Signature, wb Window) bool {
	return LocalCorrelation(a, wa, mirror, b, wb) >= MinLocal
}
