package split

import (
	"math"
	"math/rand/v2"

	"github.com/curate-ml/curate/imagehash"
)

// synthCrawl makes n signatures distributed as a crawl's are, for the
// duplicate search's scale measurements and its brute-force check: the
// statistics come from the real edit set's originals (scripts/dedup_editset.py).
//
//   - 72% photos: the pHash's DC bit always set and every other bit set with
//     probability 0.45 (real photos: 30-32 of 64 bits set), a tenth of the
//     windows flat (a sky or wall corner), means 20..230;
//   - 18% copies of an earlier image, picked with a skew so some originals
//     have dozens of copies (stock photos): whole-image copies with up to 8
//     bits moved in every hash, crops (the whole hash near a window of the
//     original's) and mirror images;
//   - 10% flat images (few sure bits, no windows): two thirds dark scenes
//     (mean 5..40, spread 3..15), a third studio backgrounds and skies
//     (mean 150..240), whose pHashes keep only a few low-frequency bits, so
//     they crowd the same buckets, with the Shape (unit length x127, as
//     Sign's) and the Detail texture of one of 40 layouts plus noise, so
//     many of them verify as matches; those of spread 6 or less also a
//     Plain (near-uniform: the same layouts at 1.5 grey levels, plus noise).
func synthCrawl(n int, seed uint64) []*imagehash.Signature {
	rng := rand.New(rand.NewPCG(seed, 17))
	// The Plains of near-uniform flat images come from a stream of their
	// own, so the rest of the crawl is what it was before they existed.
	plainRng := rand.New(rand.NewPCG(seed, 29))
	plain := func(proto, mean int) *imagehash.Plain {
		r := rand.New(rand.NewPCG(uint64(proto), 7))
		var g [imagehash.DetailSize * imagehash.DetailSize]uint8
		for k := range g {
			g[k] = uint8(min(255, max(0, math.Round(float64(mean)+r.NormFloat64()*1.5+plainRng.NormFloat64()*0.5))))
		}
		return imagehash.NewPlain(&g)
	}
	flip := func(h imagehash.Hash, k int) imagehash.Hash {
		for range k {
			h ^= 1 << rng.IntN(64)
		}
		return h
	}
	bitsP := func(p float64) imagehash.Hash {
		h := imagehash.Hash(1 << 63)
		for b := range 63 {
			if rng.Float64() < p {
				h |= 1 << b
			}
		}
		return h
	}
	photoKey := func(mean, spread int) imagehash.Key {
		return imagehash.Key{P: bitsP(0.45), D: bitsP(0.45), Sure: uint8(45 + rng.IntN(20)),
			Mean: uint8(min(255, max(0, mean+rng.IntN(21)-10))), Spread: uint8(max(1, spread+rng.IntN(9)-4))}
	}
	// shape is a Shape as Sign makes them, unit length x127: one of the
	// layouts plus noise (proto < 0: a layout of its own).
	shape := func(s *[63]int8, proto int) {
		r := rand.New(rand.NewPCG(uint64(proto), 3))
		var v [63]float64
		norm := 0.0
		for i := range v {
			v[i] = r.NormFloat64() * 40 / float64(1+i/8)
			if proto < 0 {
				v[i] = rng.NormFloat64() * 40 / float64(1+i/8)
			}
			v[i] += rng.NormFloat64() * 4
			norm += v[i] * v[i]
		}
		for i := range s {
			s[i] = int8(math.Round(127 * v[i] / math.Sqrt(norm)))
		}
	}
	detail := func(proto, mean int) *imagehash.Detail {
		r := rand.New(rand.NewPCG(uint64(proto), 5))
		var d [imagehash.DetailSize * imagehash.DetailSize]uint8
		for k := range d {
			d[k] = uint8(min(255, max(0, float64(mean)+r.NormFloat64()*6+rng.NormFloat64()*2)))
		}
		return imagehash.NewDetail(&d)
	}
	const ls = imagehash.LocalSize
	// local is a photo's Local: a few random waves about its mean.
	local := func(mean, spread int) *imagehash.Local {
		var l imagehash.Local
		type wave struct{ fx, fy, ph, amp float64 }
		var ws [4]wave
		for k := range ws {
			ws[k] = wave{rng.Float64() * 0.8, rng.Float64() * 0.8, rng.Float64() * 6.3, float64(spread) * (0.3 + rng.Float64())}
		}
		// sin(fx x + fy y + ph) = sin(fx x + ph) cos(fy y) + cos(fx x + ph) sin(fy y), tabulated
		var sx, cx, sy, cy [4][ls]float64
		for k, w := range ws {
			for t := range ls {
				sx[k][t], cx[k][t] = math.Sincos(w.fx*float64(t) + w.ph)
				sy[k][t], cy[k][t] = math.Sincos(w.fy * float64(t))
			}
		}
		for y := range ls {
			for x := range ls {
				v := float64(mean) + rng.NormFloat64()*float64(spread)*0.2
				for k, w := range ws {
					v += w.amp * (sx[k][x]*cy[k][y] + cx[k][x]*sy[k][y])
				}
				l[y*ls+x] = uint8(min(255, max(0, v)))
			}
		}
		return &l
	}
	// copyLocal is o's Local over window w (nearest sample), mirrored when
	// mirror is set, with JPEG-like noise.
	copyLocal := func(o *imagehash.Local, w imagehash.Window, mirror bool) *imagehash.Local {
		if o == nil {
			return nil
		}
		var l imagehash.Local
		for y := range ls {
			for x := range ls {
				u := w.X0 + (w.X1-w.X0)*(float64(x)+0.5)/ls
				if mirror {
					u = 1 - u
				}
				v := w.Y0 + (w.Y1-w.Y0)*(float64(y)+0.5)/ls
				sx, sy := min(ls-1, int(u*ls)), min(ls-1, int(v*ls))
				l[y*ls+x] = uint8(min(255, max(0, float64(o[sy*ls+sx])+rng.NormFloat64()*2)))
			}
		}
		return &l
	}
	all := imagehash.Window{X0: 0, Y0: 0, X1: 1, Y1: 1}
	sigs := make([]*imagehash.Signature, n)
	for i := range sigs {
		r := rng.IntN(100)
		switch {
		case r < 18 && i > 0:
			o := sigs[int(float64(i)*rng.Float64()*rng.Float64())] // skewed: early images are copied most
			s := *o
			k := rng.IntN(9)
			switch e := rng.IntN(10); {
			case e < 6 || o.Windows == nil: // re-encode, resize, border, brightness
				s.Full.P, s.Full.D = flip(o.Full.P, k), flip(o.Full.D, k)
				s.Mirror.P = flip(o.Mirror.P, k)
				s.Local = copyLocal(o.Local, all, false)
				if o.Windows != nil {
					s.Windows = make([]imagehash.Key, len(o.Windows))
					for w, key := range o.Windows {
						key.P, key.D = flip(key.P, rng.IntN(9)), flip(key.D, rng.IntN(9))
						s.Windows[w] = key
					}
				}
			case e < 9: // a crop: its whole image is one of the original's windows
				wi := rng.IntN(len(o.Windows))
				w := o.Windows[wi]
				s.Local = copyLocal(o.Local, imagehash.Windows[wi], false)
				s.Full = imagehash.Key{P: flip(w.P, rng.IntN(7)), D: flip(w.D, rng.IntN(7)), Sure: w.Sure, Mean: w.Mean, Spread: w.Spread}
				s.Mirror = photoKey(int(w.Mean), int(w.Spread))
				s.Windows = make([]imagehash.Key, len(o.Windows))
				for w := range s.Windows {
					s.Windows[w] = photoKey(int(s.Full.Mean), int(s.Full.Spread))
				}
			default: // a mirror image: its Shape mirrored too (odd horizontal frequencies change sign)
				s.Full, s.Mirror = o.Mirror, o.Full
				s.Full.P = flip(s.Full.P, k)
				for c := range s.Shape {
					if (c+1)%8%2 == 1 {
						s.Shape[c] = -o.Shape[c]
					}
				}
				s.Local = copyLocal(o.Local, all, true)
				s.Windows = nil
			}
			s.PHash = s.Full.P
			sigs[i] = &s
		case r < 28:
			var s imagehash.Signature
			mean, spread := 5+rng.IntN(36), 3+rng.IntN(13)
			if rng.IntN(3) == 0 {
				mean, spread = 150+rng.IntN(91), 5+rng.IntN(21)
			}
			p := imagehash.Hash(1 << 63)
			for range rng.IntN(9) {
				p |= 1 << (47 + rng.IntN(16)) // low frequencies only
			}
			s.Full = imagehash.Key{P: p, D: flip(0, rng.IntN(6)), Sure: uint8(5 + rng.IntN(30)),
				Mean: uint8(mean), Spread: uint8(spread)}
			s.Mirror = s.Full
			s.Mirror.P = flip(p, rng.IntN(3))
			s.PHash = p
			proto := rng.IntN(40)
			shape(&s.Shape, proto)
			s.Detail = detail(proto, mean)
			if spread <= 6 { // near-uniform: a Plain of one of the layouts, its own median
				s.Plain = plain(proto, mean)
			}
			sigs[i] = &s
		default:
			mean, spread := 20+rng.IntN(211), 15+rng.IntN(60)
			s := imagehash.Signature{Full: photoKey(mean, spread), Mirror: photoKey(mean, spread),
				Windows: make([]imagehash.Key, len(imagehash.Windows))}
			for w := range s.Windows {
				s.Windows[w] = photoKey(mean, spread)
				if rng.IntN(10) == 0 {
					s.Windows[w].Sure = uint8(10 + rng.IntN(29))
				}
			}
			s.PHash = s.Full.P
			s.Local = local(mean, spread)
			shape(&s.Shape, -1)
			sigs[i] = &s
		}
	}
	return sigs
}
