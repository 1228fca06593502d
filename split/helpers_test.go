package split

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"

	"github.com/curate-ml/curate/imagehash"
)

// sigOf is a photo-like signature whose whole-image hashes are h (no
// windows, so only whole-image matches).
func sigOf(h uint64) imagehash.Signature {
	k := imagehash.Key{P: imagehash.Hash(h), D: imagehash.Hash(h), Sure: 64, Mean: 128, Spread: 40}
	m := k
	m.P = imagehash.Hash(bits.Reverse64(h) ^ 0x5555_5555_5555_5555)
	m.D = m.P
	return imagehash.Signature{PHash: k.P, Full: k, Mirror: m}
}

// synthSig is a signature of random hashes, windows included: what an
// unrelated photo looks like to the duplicate search.
func synthSig(rng *rand.Rand) imagehash.Signature {
	key := func() imagehash.Key {
		h := imagehash.Hash(rng.Uint64())
		return imagehash.Key{P: h, D: h, Sure: 64, Mean: 128, Spread: 40}
	}
	s := imagehash.Signature{Full: key(), Mirror: key(), Windows: make([]imagehash.Key, len(imagehash.Windows))}
	s.PHash = s.Full.P
	for w := range s.Windows {
		s.Windows[w] = key()
	}
	return s
}

// photo draws a photo-like picture: a smooth background with random
// ellipses, bars and grain, all from seed, so distinct seeds give unrelated
// pictures.
func photo(seed uint64, w, h int) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	c0 := [3]float64{rng.Float64() * 255, rng.Float64() * 255, rng.Float64() * 255}
	c1 := [3]float64{rng.Float64() * 255, rng.Float64() * 255, rng.Float64() * 255}
	angle := rng.Float64() * 2 * math.Pi
	type blob struct {
		cx, cy, rx, ry float64
		col            [3]float64
		bar            bool
	}
	blobs := make([]blob, 4+rng.IntN(6))
	for i := range blobs {
		blobs[i] = blob{rng.Float64(), rng.Float64(), 0.05 + rng.Float64()*0.3, 0.05 + rng.Float64()*0.3,
			[3]float64{rng.Float64() * 255, rng.Float64() * 255, rng.Float64() * 255}, rng.IntN(3) == 0}
	}
	for y := range h {
		for x := range w {
			u, v := float64(x)/float64(w), float64(y)/float64(h)
			t := 0.5 + 0.5*math.Sin(3*(u*math.Cos(angle)+v*math.Sin(angle)))
			var c [3]float64
			for k := range 3 {
				c[k] = c0[k]*(1-t) + c1[k]*t
			}
			for _, b := range blobs {
				dx, dy := (u-b.cx)/b.rx, (v-b.cy)/b.ry
				inside := dx*dx+dy*dy < 1
				if b.bar {
					inside = math.Abs(dx) < 1 && math.Abs(dy) < 0.3
				}
				if inside {
					c = b.col
				}
			}
			o := img.PixOffset(x, y)
			for k := range 3 {
				img.Pix[o+k] = uint8(min(max(c[k]+rng.NormFloat64()*4, 0), 255))
			}
			img.Pix[o+3] = 255
		}
	}
	return img
}

func encodeJPEG(t testing.TB, img image.Image, q int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withEXIFOrientation inserts an APP1 Exif segment holding orientation o
// (big- or little-endian TIFF) right after the SOI marker of a JPEG.
func withEXIFOrientation(jpg []byte, o int, bigEndian bool) []byte {
	var bo binary.AppendByteOrder = binary.LittleEndian
	tiff := []byte("II*\x00")
	if bigEndian {
		bo = binary.BigEndian
		tiff = []byte("MM\x00*")
	}
	tiff = bo.AppendUint32(tiff, 8)
	tiff = bo.AppendUint16(tiff, 2) // two entries: a dummy tag, then orientation
	tiff = bo.AppendUint16(tiff, 0x010F)
	tiff = bo.AppendUint16(tiff, 2)
	tiff = bo.AppendUint32(tiff, 4)
	tiff = append(tiff, 'a', 'b', 'c', 0)
	tiff = bo.AppendUint16(tiff, 0x0112)
	tiff = bo.AppendUint16(tiff, 3)
	tiff = bo.AppendUint32(tiff, 1)
	tiff = bo.AppendUint16(tiff, uint16(o))
	tiff = append(tiff, 0, 0)
	tiff = bo.AppendUint32(tiff, 0)
	seg := append([]byte("Exif\x00\x00"), tiff...)
	out := []byte{0xFF, 0xD8, 0xFF, 0xE1, byte((len(seg) + 2) >> 8), byte(len(seg) + 2)}
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// meanColor is the average colour of a rectangle.
func meanColor(img image.Image, r image.Rectangle) [3]float64 {
	var s [3]float64
	n := 0.0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			s[0] += float64(c.R)
			s[1] += float64(c.G)
			s[2] += float64(c.B)
			n++
		}
	}
	return [3]float64{s[0] / n, s[1] / n, s[2] / n}
}

func near(a, b [3]float64, tol float64) bool {
	for k := range 3 {
		if math.Abs(a[k]-b[k]) > tol {
			return false
		}
	}
	return true
}

// matchAny is every match rule on a pair, in both directions: what the
// duplicate search must find, tried pair by pair.
func matchAny(a, b *imagehash.Signature, d int, flips bool) bool {
	if imagehash.MatchWhole(a, b, d) || imagehash.MatchPlain(a, b) || imagehash.MatchTexture(a, b, flips) ||
		flips && (imagehash.MatchMirror(a, b, d) || imagehash.MatchMirror(b, a, d)) {
		return true
	}
	for w := range imagehash.Windows {
		if imagehash.MatchCrop(a, b, w, d) || imagehash.MatchCrop(b, a, w, d) {
			return true
		}
	}
	for _, w := range imagehash.CentreMatchWindows {
		if imagehash.MatchCentre(a, b, w, d) {
			return true
		}
	}
	return false
}

// bruteGroups groups sigs by trying every pair with matchAny; it returns
// each image's union-find root.
func bruteGroups(sigs []*imagehash.Signature, d int, flips bool) []int {
	uf := newUnionFind(len(sigs))
	for i := range sigs {
		for j := i + 1; j < len(sigs); j++ {
			if matchAny(sigs[i], sigs[j], d, flips) {
				uf.union(i, j)
			}
		}
	}
	roots := make([]int, len(sigs))
	for i := range roots {
		roots[i] = uf.find(i)
	}
	return roots
}

// sameGroups reports whether two root assignments make the same partition,
// and where not, two images they disagree on.
func sameGroups(a, b []int) (int, int, bool) {
	firstA, firstB := map[int]int{}, map[int]int{} // root -> first member
	for i := range a {
		fa, ok := firstA[a[i]]
		if !ok {
			fa, firstA[a[i]] = i, i
		}
		fb, ok := firstB[b[i]]
		if !ok {
			fb, firstB[b[i]] = i, i
		}
		if fa != fb {
			return min(fa, fb), i, false
		}
	}
	return 0, 0, true
}
