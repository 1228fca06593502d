package split

import "github.com/curate-ml/curate/imagehash"

// textureIndex holds the near-uniform textures, the images that
// imagehash.MatchTexture may join (a Plain and a Fine with
// imagehash.TextureLevel of fine structure), by median, each entry with its
// Fine Level. A crop, a resize or a mirror image of a texture keeps its
// median and, within TextureLevelRatio, its Level, though its hashes and
// residual signs move, so these two filter its candidates, which the rule
// then verifies by their fine structure.
type textureIndex struct {
	start [257]int32 // median m holds entries start[m]:start[m+1]
	img   []int32
	level []float32
}

// textureCrowd is the most candidates one texture lookup verifies: each
// verification correlates fine structure at several windows (tens of
// microseconds), so a crowd of textures that share a median and a Level is
// skipped (and its query counted as crowded) long before crowdLimit.
const textureCrowd = 1 << 10

// isTexture reports whether s goes into the textureIndex.
func isTexture(s *imagehash.Signature) bool {
	return s.Plain != nil && s.Fine != nil && s.Fine.Level >= imagehash.TextureLevel
}

func newTextureIndex(sigs []*imagehash.Signature) *textureIndex {
	ix := &textureIndex{}
	for _, s := range sigs {
		if isTexture(s) {
			ix.start[int(s.Plain.Median)+1]++
		}
	}
	for m := range 256 {
		ix.start[m+1] += ix.start[m]
	}
	fill := ix.start
	ix.img = make([]int32, ix.start[256])
	ix.level = make([]float32, len(ix.img))
	for i, s := range sigs {
		if isTexture(s) {
			e := fill[s.Plain.Median]
			ix.img[e], ix.level[e] = int32(i), s.Fine.Level
			fill[s.Plain.Median]++
		}
	}
	return ix
}

// query calls fn(j) for every texture j whose median agrees with s's
// (imagehash.PlainMediansAgree) and whose Level is within
// imagehash.TextureLevelRatio of s's: the candidates MatchTexture may
// accept. When there are more than textureCrowd of them it calls nothing
// and returns false; it returns true at once when s is no texture.
func (ix *textureIndex) query(s *imagehash.Signature, fn func(j int)) bool {
	if !isTexture(s) {
		return true
	}
	r := agreeRanges().mean[s.Plain.Median]
	lo, hi := ix.start[r[0]], ix.start[int(r[1])+1]
	l := s.Fine.Level
	near := func(e int32) bool {
		m, x := min(l, ix.level[e]), max(l, ix.level[e])
		return x <= imagehash.TextureLevelRatio*m
	}
	n := 0
	for e := lo; e < hi; e++ {
		if near(e) {
			n++
		}
	}
	if n > textureCrowd {
		return false
	}
	for e := lo; e < hi; e++ {
		if near(e) {
			fn(int(ix.img[e]))
		}
	}
	return true
}
