package split

import (
	"image"
	"math"
	"math/bits"
	"slices"
)

// PHash is a 64-bit perceptual hash: the signs of the 8x8 lowest
// frequencies of the 2-D DCT of a 32x32 grey version of the image, against
// their median (the pHash of Zauner 2010 and Python's imagehash.phash).
// Re-encoding, resizing and mild colour changes move few bits; unrelated
// pictures differ in about half of them.
type PHash uint64

// Distance is the Hamming distance between two hashes (0..64).
func (h PHash) Distance(o PHash) int { return bits.OnesCount64(uint64(h ^ o)) }

const phashGrid = 32

// dct32 is the orthonormal DCT-II matrix, rows k = 0..7 only.
var dct32 = func() (m [8][phashGrid]float64) {
	for k := range 8 {
		for n := range phashGrid {
			m[k][n] = math.Cos(math.Pi / phashGrid * (float64(n) + 0.5) * float64(k))
		}
	}
	return m
}()

// PerceptualHash hashes an upright RGB image.
func PerceptualHash(img *image.RGBA) PHash {
	var grid [phashGrid][phashGrid]float64
	greyGrid(img, &grid)
	// Rows then columns, keeping the 8 lowest frequencies of each.
	var rows [phashGrid][8]float64
	for y := range phashGrid {
		for k := range 8 {
			s := 0.0
			for x := range phashGrid {
				s += dct32[k][x] * grid[y][x]
			}
			rows[y][k] = s
		}
	}
	var coef [64]float64
	for ky := range 8 {
		for kx := range 8 {
			s := 0.0
			for y := range phashGrid {
				s += dct32[ky][y] * rows[y][kx]
			}
			coef[ky*8+kx] = s
		}
	}
	sorted := coef
	slices.Sort(sorted[:])
	med := (sorted[31] + sorted[32]) / 2
	var h uint64
	for i, c := range coef {
		if c > med {
			h |= 1 << (63 - i)
		}
	}
	return PHash(h)
}

// greyGrid averages the luma (ITU-R 601, as JPEG's Y) of img over a 32x32 grid
// of equal-area cells.
func greyGrid(img *image.RGBA, grid *[phashGrid][phashGrid]float64) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	var sum [phashGrid][phashGrid]float64
	var cnt [phashGrid][phashGrid]float64
	cellX := make([]int, w)
	for x := range w {
		cellX[x] = x * phashGrid / w
	}
	base := img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y)
	for y := range h {
		cy := y * phashGrid / h
		row := img.Pix[base+y*img.Stride:][:4*w]
		for x := range w {
			p := row[4*x : 4*x+3 : 4*x+3]
			luma := 0.299*float64(p[0]) + 0.587*float64(p[1]) + 0.114*float64(p[2])
			cx := cellX[x]
			sum[cy][cx] += luma
			cnt[cy][cx]++
		}
	}
	for y := range phashGrid {
		for x := range phashGrid {
			switch {
			case cnt[y][x] > 0:
				grid[y][x] = sum[y][x] / cnt[y][x]
			default: // an image smaller than the grid: repeat the nearest pixel
				grid[y][x] = nearestCell(img, x, y)
			}
		}
	}
}

func nearestCell(img *image.RGBA, cx, cy int) float64 {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	x := min((2*cx+1)*w/(2*phashGrid), w-1)
	y := min((2*cy+1)*h/(2*phashGrid), h-1)
	p := img.Pix[img.PixOffset(img.Rect.Min.X+x, img.Rect.Min.Y+y):]
	return 0.299*float64(p[0]) + 0.587*float64(p[1]) + 0.114*float64(p[2])
}
