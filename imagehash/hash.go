package imagehash

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// Hash is a 64-bit image hash; bit 63 is the first cell of imagehash's
// row-major bit array, so Hash's %016x is imagehash's str().
type Hash uint64

// Distance is the Hamming distance between two hashes (0..64).
func (h Hash) Distance(o Hash) int { return bits.OnesCount64(uint64(h ^ o)) }

func (h Hash) String() string { return fmt.Sprintf("%016x", uint64(h)) }

const (
	phashSize = 32 // imagehash.phash: hash_size 8 * highfreq_factor 4
	hashBits  = 8
)

// dctRows[k][n] = 2 cos(pi k (2n+1) / 2N): scipy.fftpack.dct type II,
// unnormalised, rows k = 0..7 only.
var dctRows = func() (m [hashBits][phashSize]float64) {
	for k := range hashBits {
		for n := range phashSize {
			m[k][n] = 2 * math.Cos(math.Pi*float64(k)*float64(2*n+1)/(2*phashSize))
		}
	}
	return m
}()

// lowDCT returns the 8x8 lowest frequencies of
// scipy.fftpack.dct(scipy.fftpack.dct(g, axis=0), axis=1) of a 32x32 image,
// row-major (vertical frequency first).
func lowDCT(g *Gray) [64]float64 {
	// Along axis 0 (down each column), then along axis 1.
	var cols [hashBits][phashSize]float64
	for k := range hashBits {
		d := &dctRows[k]
		for x := range phashSize {
			s := 0.0
			for y := range phashSize {
				s += d[y] * float64(g.Pix[y*phashSize+x])
			}
			cols[k][x] = s
		}
	}
	var c [64]float64
	for ky := range hashBits {
		for kx := range hashBits {
			d := &dctRows[kx]
			s := 0.0
			for x := range phashSize {
				s += d[x] * cols[ky][x]
			}
			c[ky*hashBits+kx] = s
		}
	}
	return c
}

func median64(c [64]float64) float64 {
	s := c
	slices.Sort(s[:])
	return (s[31] + s[32]) / 2
}

// thresholdBits sets bit 63-i where v[i] > t[i].
func thresholdBits(v *[64]float64, t float64) Hash {
	var h uint64
	for i, c := range v {
		if c > t {
			h |= 1 << (63 - i)
		}
	}
	return Hash(h)
}

// PHash is Python imagehash.phash(img) (hash_size 8, highfreq_factor 4) of
// the luma image g: PIL's Lanczos resize to 32x32, the 2-D DCT-II (scipy
// convention), and the 8x8 lowest frequencies against their median. It
// matches imagehash bit for bit except where a coefficient lies within
// float rounding (~1e-9) of the median, which only flat images have.
func PHash(g *Gray) Hash {
	c := lowDCT(g.Resize(Box{0, 0, float64(g.W), float64(g.H)}, phashSize, phashSize))
	return thresholdBits(&c, median64(c))
}

// DHash is Python imagehash.dhash(img) (hash_size 8) of g: PIL's Lanczos
// resize to 9x8 and whether each pixel is darker than its right neighbour
// (pixels[:, 1:] > pixels[:, :-1]).
func DHash(g *Gray) Hash {
	s := g.Resize(Box{0, 0, float64(g.W), float64(g.H)}, 9, 8)
	var h uint64
	for y := range 8 {
		for x := range 8 {
			if s.Pix[y*9+x+1] > s.Pix[y*9+x] {
				h |= 1 << (63 - (y*8 + x))
			}
		}
	}
	return Hash(h)
}
