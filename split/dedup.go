package split

import (
	"cmp"
	"math/bits"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/curate-ml/curate/imagehash"
)

// unionFind is a disjoint-set forest over 0..n-1.
type unionFind struct{ parent, size []int }

func newUnionFind(n int) *unionFind {
	u := &unionFind{parent: make([]int, n), size: make([]int, n)}
	for i := range u.parent {
		u.parent[i] = i
		u.size[i] = 1
	}
	return u
}

func (u *unionFind) find(x int) int {
	for u.parent[x] != x {
		u.parent[x] = u.parent[u.parent[x]] // path halving
		x = u.parent[x]
	}
	return x
}

func (u *unionFind) union(a, b int) {
	a, b = u.find(a), u.find(b)
	if a == b {
		return
	}
	if u.size[a] < u.size[b] {
		a, b = b, a
	}
	u.parent[b] = a
	u.size[a] += u.size[b]
}

// groupDuplicates puts the live items into groups: the same sha256, or
// near-duplicates by signature (nearPairs; maxDist < 0: exact only), joined
// transitively. Groups come in the order of their first member, each with
// members ascending, so the result does not depend on anything but the
// items.
func groupDuplicates(items []Item, live []int, maxDist int, flips bool) (groups []*group, crowded int) {
	n := len(live)
	uf := newUnionFind(n)
	bySHA := make(map[[32]byte]int, n)
	for k, i := range live {
		if first, ok := bySHA[items[i].SHA256]; ok {
			uf.union(first, k)
		} else {
			bySHA[items[i].SHA256] = k
		}
	}
	if maxDist >= 0 {
		sigs := make([]*imagehash.Signature, n)
		for k, i := range live {
			sigs[k] = &items[i].Sig
		}
		crowded = nearPairs(sigs, maxDist, flips, uf.union)
	}
	byRoot := make(map[int]*group, n)
	for k, i := range live {
		r := uf.find(k)
		g := byRoot[r]
		if g == nil {
			g = &group{}
			byRoot[r] = g
			groups = append(groups, g)
		}
		g.members = append(g.members, i)
	}
	for _, g := range groups {
		g.key = groupKey(items, g.members)
	}
	return groups, crowded
}

// nearPairs calls join(a, b) for pairs of signatures that match
// (imagehash's MatchWhole, MatchCrop, MatchCentre, MatchPlain,
// MatchTexture and, with flips, MatchMirror) at maxDist bits, enough of them that the transitive closure
// of the joins is that of all matching pairs, and returns how many images
// were crowded (see below). Every rule requires the P hashes of the two keys it compares
// within its threshold and their luma statistics to agree
// (Key.StatsAgree), so candidates come from two exact filters:
//
//   - Images that are not flat: multi-index hashing (Norouzi et al. 2012) of
//     their whole-image P hashes (the sharp index), joined with every
//     image's whole hash (MatchWhole) and mirror hash (MatchMirror); an
//     index of the whole hashes that are CentreSharp (the sharp ones and
//     low-contrast textures; the sharp index itself when there are no such
//     textures) joined with each CentreSharp window (MatchCrop: which
//     images are a crop of this one); and one index per centre-match window
//     (MatchCentre).
//     Windows are queries, never index entries, so an index holds one key
//     per image, and the queries of one kind run as a batch (multiIndex.join)
//     that reads only the part of a bucket whose Mean agrees with the query's.
//   - Pairs with a flat image as whole or mirror images: flat pHashes keep a few
//     low-frequency bits, so dark scenes and studio backgrounds crowd the
//     same P buckets. They are looked up instead in a grid of every image's
//     (Mean, Spread), in the cells whose statistics agree with the query's,
//     and, when near-uniform (MatchPlain), in an index of every near-uniform
//     image by median (plainIndex), its residual signs compared inline;
//     and, when a near-uniform texture, in an index of every texture by
//     median and Fine Level (textureIndex: MatchTexture, which a crop, a
//     turn or a mirror image of a paper passes though its signs move).
//
// Every candidate is then verified by its rule. The search is exact except
// for crowds: where one probe would read more than crowdLimit candidates
// (thousands of images with the same hash bits and luma, as synthetic or
// broken inputs have), it is skipped, and the query's image counted as
// crowded: its copies in that crowd may be missed. The work runs on
// GOMAXPROCS goroutines; the verified pairs are sorted before the joins, so
// the groups do not depend on the worker count.
func nearPairs(sigs []*imagehash.Signature, maxDist int, flips bool, join func(a, b int)) (crowded int) {
	n := len(sigs)
	workers := min(runtime.GOMAXPROCS(0), max(1, n/256))
	found := make([][]pair, workers) // per worker: verified pairs
	add := func(wk, i, j int) { found[wk] = append(found[wk], pair{int32(min(i, j)), int32(max(i, j))}) }
	crowd := make([][]int32, workers) // per worker: images with a skipped probe
	skip := func(wk, i int) { crowd[wk] = append(crowd[wk], int32(i)) }

	sharp := keysOf(sigs, func(s *imagehash.Signature) (imagehash.Key, bool) { return s.Full, !s.Full.Flat() })
	sharpIx := newMultiIndex(sharp, maxDist)
	sharpIx.join(sharp, maxDist, workers, skip, func(wk, i, j int) {
		if j > i && imagehash.MatchWhole(sigs[i], sigs[j], maxDist) {
			add(wk, i, j)
		}
	})
	if flips {
		mirror := keysOf(sigs, func(s *imagehash.Signature) (imagehash.Key, bool) { return s.Mirror, !s.Full.Flat() })
		sharpIx.join(mirror, maxDist, workers, skip, func(wk, i, j int) {
			if j != i && imagehash.MatchMirror(sigs[i], sigs[j], maxDist) {
				add(wk, i, j)
			}
		})
	}
	// Crops: every whole key that is CentreSharp (the sharp ones and the
	// low-contrast textures) against every CentreSharp window.
	cropDist := min(maxDist, imagehash.CropDistance)
	cropKeys := keysOf(sigs, func(s *imagehash.Signature) (imagehash.Key, bool) { return s.Full, s.Full.CentreSharp() })
	cropIx := sharpIx // its buckets serve any radius
	if len(cropKeys.keys) != len(sharp.keys) || chooseBlocks(len(sharp.keys), cropDist) != len(sharpIx.widths) {
		cropIx = newMultiIndex(cropKeys, cropDist)
	}
	for w := range imagehash.Windows {
		cropIx.join(windowKeys(sigs, w), cropDist, workers, skip, func(wk, i, j int) {
			if j != i && imagehash.MatchCrop(sigs[j], sigs[i], w, maxDist) {
				add(wk, i, j)
			}
		})
	}
	for _, w := range imagehash.CentreMatchWindows {
		keys := keysOf(sigs, func(s *imagehash.Signature) (imagehash.Key, bool) {
			if s.Windows == nil || !s.Windows[w].CentreMatchable() {
				return imagehash.Key{}, false
			}
			return s.Windows[w], true
		})
		newMultiIndex(keys, maxDist).join(keys, maxDist, workers, skip, func(wk, i, j int) {
			if j > i && imagehash.MatchCentre(sigs[i], sigs[j], w, maxDist) {
				add(wk, i, j)
			}
		})
	}
	if len(sharp.keys) < n {
		flatPairs(sigs, maxDist, flips, workers, skip, add)
	}

	var all []pair
	for _, f := range found {
		all = append(all, f...)
	}
	slices.SortFunc(all, func(x, y pair) int { return cmp.Or(cmp.Compare(x.a, y.a), cmp.Compare(x.b, y.b)) })
	for _, p := range slices.Compact(all) {
		join(int(p.a), int(p.b))
	}
	var skipped []int32
	for _, c := range crowd {
		skipped = append(skipped, c...)
	}
	slices.Sort(skipped)
	return len(slices.Compact(skipped))
}

// crowdLimit is the most candidates one probe of the search reads: 16,384,
// far above what a probe meets in a real collection (tens at 220,000
// images), so only crowds of near-identical hashes and luma reach it.
const crowdLimit = 1 << 14

// pair is a verified match of images a < b.
type pair struct{ a, b int32 }

// keySet is a list of P hashes with the Mean of their keys and the image
// each belongs to.
type keySet struct {
	keys  []uint64
	means []uint8
	imgs  []int32
}

// keysOf is the keySet of the key of each image that key accepts.
func keysOf(sigs []*imagehash.Signature, key func(*imagehash.Signature) (imagehash.Key, bool)) keySet {
	var ks keySet
	for i, s := range sigs {
		if k, ok := key(s); ok {
			ks.keys = append(ks.keys, uint64(k.P))
			ks.means = append(ks.means, k.Mean)
			ks.imgs = append(ks.imgs, int32(i))
		}
	}
	return ks
}

// windowKeys is the keySet of window w of the images whose window w is
// CentreSharp.
func windowKeys(sigs []*imagehash.Signature, w int) keySet {
	return keysOf(sigs, func(s *imagehash.Signature) (imagehash.Key, bool) {
		if s.Windows == nil || !s.Windows[w].CentreSharp() {
			return imagehash.Key{}, false
		}
		return s.Windows[w], true
	})
}

// flatPairs calls add for the pairs with a flat image that match as whole
// images (MatchWhole, MatchPlain) or, with flips, mirror images: each flat
// image looked up in grids of every image's whole-image key and of the
// mirror keys of the images that are not flat (for the mirror images of
// those that match a flat one), and a near-uniform one in the plainIndex.
// Two flat images are looked at once. A lookup over crowdLimit candidates
// is skipped and its image passed to skip. A candidate already joined to
// the flat image through the pairs found in its chunk (flatChunk images,
// fixed ranges, so the pairs do not depend on the number of workers) is not
// verified again: the pair adds nothing to the transitive closure. Flat images crowd (dark
// scenes, studio backgrounds: thousands share their statistics and their
// few sure bits), and their copies form cliques, so verifying every pair
// of a clique made this search quadratic (a 220,854-image crawl verified
// 16 times the pairs of a quarter of it); with the skip a clique costs about
// one verification per member.
func flatPairs(sigs []*imagehash.Signature, maxDist int, flips bool, workers int, skip func(wk, i int), add func(wk, i, j int)) {
	n := len(sigs)
	fullGrid := newStatsGrid(n, func(i int) (imagehash.Key, imagehash.ShapeLead, bool) {
		return sigs[i].Full, sigs[i].ShapeLead(false), true
	})
	var mirrorGrid *statsGrid
	if flips {
		mirrorGrid = newStatsGrid(n, func(i int) (imagehash.Key, imagehash.ShapeLead, bool) {
			return sigs[i].Mirror, sigs[i].ShapeLead(true), !sigs[i].Full.Flat()
		})
	}
	plainIx := newPlainIndex(sigs)
	textureIx := newTextureIndex(sigs)
	var next atomic.Int64
	var wg sync.WaitGroup
	for wk := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			joined := newChunkJoins(n)
			for {
				c := int(next.Add(1) - 1)
				if c*flatChunk >= n {
					return
				}
				joined.reset()
				flatChunkPairs(sigs, c*flatChunk, min(n, (c+1)*flatChunk), maxDist, flips, fullGrid, mirrorGrid, plainIx, textureIx, joined,
					func(i int) { skip(wk, i) }, func(i, j int) { add(wk, i, j) })
			}
		}()
	}
	wg.Wait()
}

// flatChunk is the number of images whose flat ones a chunk of flatPairs
// looks up: chunks are fixed ranges of images, whatever the number of
// workers, so the pairs found do not depend on it.
const flatChunk = 1 << 14

// flatChunkPairs looks up the flat images of lo..hi-1 (flatPairs), a
// candidate skipped when joined already joins it to the query.
func flatChunkPairs(sigs []*imagehash.Signature, lo, hi, maxDist int, flips bool, fullGrid, mirrorGrid *statsGrid,
	plainIx *plainIndex, textureIx *textureIndex, joined *chunkJoins, skip func(i int), add func(i, j int)) {
	for i := lo; i < hi; i++ {
		s := sigs[i]
		if !s.Full.Flat() {
			continue
		}
		lookup := func(g *statsGrid, k imagehash.Key, mirror bool, match func(j int) bool) {
			if !g.query(k, s.ShapeLead(mirror), maxDist, func(j int) {
				if joined.find(i) != joined.find(j) && match(j) {
					joined.union(i, j)
					add(i, j)
				}
			}) {
				skip(i)
			}
		}
		lookup(fullGrid, s.Full, false, func(j int) bool {
			return j != i && (j > i || !sigs[j].Full.Flat()) && imagehash.MatchWhole(s, sigs[j], maxDist)
		})
		if flips {
			lookup(fullGrid, s.Mirror, true, func(j int) bool { return j != i && imagehash.MatchMirror(s, sigs[j], maxDist) })
			lookup(mirrorGrid, s.Full, false, func(j int) bool { return j != i && imagehash.MatchMirror(sigs[j], s, maxDist) })
		}
		if s.Plain != nil && !plainIx.query(s.Plain, func(j int) {
			if j != i && (j > i || !sigs[j].Full.Flat()) && joined.find(i) != joined.find(j) && imagehash.MatchPlain(s, sigs[j]) {
				joined.union(i, j)
				add(i, j)
			}
		}) {
			skip(i)
		}
		if s.Plain != nil && s.Fine != nil && !textureIx.query(s, func(j int) {
			if j != i && (j > i || !sigs[j].Full.Flat()) && joined.find(i) != joined.find(j) && imagehash.MatchTexture(s, sigs[j], flips) {
				joined.union(i, j)
				add(i, j)
			}
		}) {
			skip(i)
		}
	}
}

// plainIndex holds the images with a Plain (near-uniform ones) by median,
// each entry with its residual signs and whether it is blank, so a query
// rules out most candidates of another structure with four popcounts
// before MatchPlain reads their signatures.
type plainIndex struct {
	start [257]int32 // median m holds entries start[m]:start[m+1]
	img   []int32
	bits  [][4]uint64
	blank []bool
}

func newPlainIndex(sigs []*imagehash.Signature) *plainIndex {
	ix := &plainIndex{}
	for _, s := range sigs {
		if s.Plain != nil {
			ix.start[int(s.Plain.Median)+1]++
		}
	}
	for m := range 256 {
		ix.start[m+1] += ix.start[m]
	}
	fill := ix.start
	ix.img = make([]int32, ix.start[256])
	ix.bits = make([][4]uint64, len(ix.img))
	ix.blank = make([]bool, len(ix.img))
	for i, s := range sigs {
		if p := s.Plain; p != nil {
			e := fill[p.Median]
			ix.img[e], ix.bits[e], ix.blank[e] = int32(i), p.Bits, p.Blank()
			fill[p.Median]++
		}
	}
	return ix
}

// query calls fn(j) for every image j whose Plain's median agrees with p's
// (imagehash.PlainMediansAgree) and whose residual signs are within
// imagehash.PlainBits of p's or, when both are blank, any: the candidates
// MatchPlain may accept. When those medians hold more than crowdLimit
// entries it calls nothing and returns false.
func (ix *plainIndex) query(p *imagehash.Plain, fn func(j int)) bool {
	r := agreeRanges().mean[p.Median]
	lo, hi := ix.start[r[0]], ix.start[int(r[1])+1]
	if hi-lo > crowdLimit {
		return false
	}
	blank := p.Blank()
	for e := lo; e < hi; e++ {
		b := &ix.bits[e]
		if blank && ix.blank[e] || bits.OnesCount64(b[0]^p.Bits[0])+bits.OnesCount64(b[1]^p.Bits[1])+
			bits.OnesCount64(b[2]^p.Bits[2])+bits.OnesCount64(b[3]^p.Bits[3]) <= imagehash.PlainBits {
			fn(int(ix.img[e]))
		}
	}
	return true
}

// chunkJoins is a union-find over 0..n-1 that a worker keeps for one chunk
// at a time: reset undoes the unions of the last chunk only, in the time
// they took.
type chunkJoins struct {
	parent  []int32
	touched []int32 // the images whose parent is not themselves
}

func newChunkJoins(n int) *chunkJoins {
	c := &chunkJoins{parent: make([]int32, n)}
	for i := range c.parent {
		c.parent[i] = int32(i)
	}
	return c
}

func (c *chunkJoins) find(x int) int {
	for int(c.parent[x]) != x {
		c.parent[x] = c.parent[c.parent[x]] // path halving: x was touched already
		x = int(c.parent[x])
	}
	return x
}

func (c *chunkJoins) union(a, b int) {
	a, b = c.find(a), c.find(b)
	if a != b {
		c.parent[b] = int32(a)
		c.touched = append(c.touched, int32(b))
	}
}

func (c *chunkJoins) reset() {
	for _, x := range c.touched {
		c.parent[x] = x
	}
	c.touched = c.touched[:0]
}

// statsGrid holds keys by their luma statistics: cell (Mean, Spread) of a
// 256x256 grid, in one array, a Mean's cells consecutive, so the cells a
// query's statistics agree with are one slice per Mean.
type statsGrid struct {
	start []int32               // cell c holds entries start[c]:start[c+1]
	img   []int32               // the image of each entry
	keys  []uint64              // its P hash, read in the same pass
	leads []imagehash.ShapeLead // and its ShapeLead
}

// newStatsGrid builds the grid of images 0..n-1 by key(i), which gives the
// key and the ShapeLead of image i; images whose third result is false are
// left out.
func newStatsGrid(n int, key func(i int) (imagehash.Key, imagehash.ShapeLead, bool)) *statsGrid {
	cell := func(k imagehash.Key) int { return int(k.Mean)<<8 | int(k.Spread) }
	g := &statsGrid{start: make([]int32, 1<<16+1)}
	for i := range n {
		if k, _, ok := key(i); ok {
			g.start[cell(k)+1]++
		}
	}
	for c := range 1 << 16 {
		g.start[c+1] += g.start[c]
	}
	fill := slices.Clone(g.start[:1<<16])
	g.img = make([]int32, g.start[1<<16])
	g.keys = make([]uint64, len(g.img))
	g.leads = make([]imagehash.ShapeLead, len(g.img))
	for i := range n {
		if k, l, ok := key(i); ok {
			c := cell(k)
			g.img[fill[c]], g.keys[fill[c]], g.leads[fill[c]] = int32(i), uint64(k.P), l
			fill[c]++
		}
	}
	return g
}

// query calls fn(j) for every image j whose key's statistics agree with
// k's (Key.StatsAgree), whose P hash is within maxDist bits of k's (plus
// imagehash.FlatSlack, which a flat whole-image match may use) and whose
// ShapeLead agrees with lead (imagehash.LeadsAgree: every pair with a flat
// image needs its Shapes to correlate, and the check reads the grid, not
// the signatures). When those cells hold more than crowdLimit entries it
// calls nothing and returns false.
func (g *statsGrid) query(k imagehash.Key, lead imagehash.ShapeLead, maxDist int, fn func(j int)) bool {
	ranges := agreeRanges()
	means, spreads := ranges.mean[k.Mean], ranges.spread[k.Spread]
	total := 0
	for m := int(means[0]); m <= int(means[1]); m++ {
		total += int(g.start[m<<8|int(spreads[1])+1] - g.start[m<<8|int(spreads[0])])
	}
	if total > crowdLimit {
		return false
	}
	for m := int(means[0]); m <= int(means[1]); m++ {
		lo, hi := g.start[m<<8|int(spreads[0])], g.start[m<<8|int(spreads[1])+1]
		for e, key := range g.keys[lo:hi] {
			if bits.OnesCount64(key^uint64(k.P)) <= maxDist+imagehash.FlatSlack && imagehash.LeadsAgree(lead, g.leads[int(lo)+e]) {
				fn(int(g.img[int(lo)+e]))
			}
		}
	}
	return true
}

// statsRanges are, for each Mean (Spread), the least and greatest Mean
// (Spread) that Key.StatsAgree accepts beside it.
type statsRanges struct{ mean, spread [256][2]uint8 }

// agreeRanges asks Key.StatsAgree itself, Mean and Spread apart, so the
// filters follow the rule; the ranges only narrow the scan, every candidate
// is still verified by its rule.
var agreeRanges = sync.OnceValue(func() *statsRanges {
	r := &statsRanges{}
	for a := range 256 {
		r.mean[a] = [2]uint8{255, 0}
		r.spread[a] = [2]uint8{255, 0}
		for b := range 256 {
			if (imagehash.Key{Mean: uint8(a)}).StatsAgree(imagehash.Key{Mean: uint8(b)}) {
				r.mean[a] = [2]uint8{min(r.mean[a][0], uint8(b)), max(r.mean[a][1], uint8(b))}
			}
			if (imagehash.Key{Spread: uint8(a)}).StatsAgree(imagehash.Key{Spread: uint8(b)}) {
				r.spread[a] = [2]uint8{min(r.spread[a][0], uint8(b)), max(r.spread[a][1], uint8(b))}
			}
		}
	}
	return r
})

// multiIndex finds the keys within a Hamming radius of a query: the 64 bits
// are cut into m blocks, and two keys within d bits agree to within
// blockRadius bits on at least one block (pigeonhole), so probing every
// block value within that radius of the query's finds them all. m is chosen for the number of keys and
// the radius, to balance probes against bucket sizes. Buckets are slices of
// one array per block (a sorted layout, no maps) holding the keys beside
// their Means and images, a bucket's entries in Mean order, so a probe reads
// only the entries whose Mean agrees with the query's.
type multiIndex struct {
	widths []int
	shifts []int
	start  [][]int32 // per block: bucket v holds entries start[v]:start[v+1]
	bucket []keySet  // per block: the entries, in bucket order
}

// newMultiIndex indexes ks for queries within maxDist bits (any radius
// works; the number of blocks is chosen for this one).
func newMultiIndex(ks keySet, maxDist int) *multiIndex {
	return newMultiIndexBlocks(ks, chooseBlocks(len(ks.keys), maxDist))
}

// newMultiIndexBlocks indexes ks in m blocks.
func newMultiIndexBlocks(ks keySet, m int) *multiIndex {
	ix := &multiIndex{}
	shift := 0
	for b := range m {
		w := 64 / m
		if b < 64%m {
			w++
		}
		ix.widths = append(ix.widths, w)
		ix.shifts = append(ix.shifts, shift)
		shift += w
		st, sorted := bucketOrder(ks, shift-w, w)
		ix.start = append(ix.start, st)
		ix.bucket = append(ix.bucket, sorted)
	}
	return ix
}

// blockRadius is the radius block b of m is probed with for keys within d
// bits: with d = m*r + a (0 <= a < m), blocks 0..a are probed within r bits
// and the others within r-1 (-1: not probed), since two keys that differ in
// more than r bits on each of blocks 0..a and in more than r-1 on each other
// block differ in at least (a+1)(r+1) + (m-a-1)r = d+1 bits (the refinement
// of Norouzi et al.'s pigeonhole). At 10 bits in 4 blocks it saves a fifth
// of the probes of radius d/m everywhere, at 8 bits two thirds.
func blockRadius(m, b, d int) int {
	if b <= d%m {
		return d / m
	}
	return d/m - 1
}

// bucketOrder sorts ks by their w bits from shift, then by Mean (two stable
// counting sorts): bucket v holds entries start[v]:start[v+1] of sorted.
func bucketOrder(ks keySet, shift, w int) (start []int32, sorted keySet) {
	n := len(ks.keys)
	var byMean [257]int32
	for _, m := range ks.means {
		byMean[int(m)+1]++
	}
	for v := range 256 {
		byMean[v+1] += byMean[v]
	}
	order := make([]int32, n)
	for j, m := range ks.means {
		order[byMean[m]] = int32(j)
		byMean[m]++
	}
	mask := uint64(1)<<w - 1
	start = make([]int32, 1<<w+1)
	for _, k := range ks.keys {
		start[(k>>shift)&mask+1]++
	}
	for v := range 1 << w {
		start[v+1] += start[v]
	}
	fill := slices.Clone(start[:1<<w])
	sorted = keySet{make([]uint64, n), make([]uint8, n), make([]int32, n)}
	for _, j := range order {
		v := (ks.keys[j] >> shift) & mask
		e := fill[v]
		sorted.keys[e], sorted.means[e], sorted.imgs[e] = ks.keys[j], ks.means[j], ks.imgs[j]
		fill[v]++
	}
	return start, sorted
}

// chooseBlocks picks the number of blocks with the least estimated work
// per query of a join: each probe (2, a bucket-table read and the loop)
// plus the keys in the bucket it lands on (1 each). Blocks are at most 16
// bits wide, so a block's bucket table stays in a core's cache. Measured on
// 220,000 keys: with one query at a time the probes' cache misses, not the
// comparisons, took the time (34 us a query at 8 bits); a join reads the
// buckets in order.
func chooseBlocks(n, maxDist int) int {
	best, bestCost := 4, -1.0
	for m := 4; m <= 12; m++ {
		cost := 0.0
		for b := range m {
			w := 64 / m
			if b < 64%m {
				w++
			}
			cost += float64(len(masksUpTo(w, blockRadius(m, b, maxDist)))) * (2 + float64(n)/float64(uint64(1)<<w))
		}
		if bestCost < 0 || cost < bestCost {
			best, bestCost = m, cost
		}
	}
	return best
}

// join calls visit(worker, img, j) for every query qs.keys[q] (of image
// qs.imgs[q]) and every indexed key within maxDist bits of it whose Mean
// agrees with the query's (Key.StatsAgree), j that key's image, on workers
// goroutines (worker in 0..workers-1). A pair may be visited more than once.
// A probe that would read over crowdLimit entries is skipped and the
// query's image passed to skip. The queries are sorted by each block's bits,
// so each probe pass reads the buckets in order: one pass per block and
// probe mask, the passes shared among the workers.
func (ix *multiIndex) join(qs keySet, maxDist, workers int, skip func(worker, img int), visit func(worker, img, j int)) {
	if len(qs.keys) == 0 || len(ix.widths) == 0 {
		return
	}
	byBlock := make([]keySet, len(ix.widths))
	type pass struct {
		b    int
		flip uint32
	}
	var passes []pass
	for b, w := range ix.widths {
		masks := masksUpTo(w, blockRadius(len(ix.widths), b, maxDist))
		if len(masks) == 0 {
			continue
		}
		_, byBlock[b] = bucketOrder(qs, ix.shifts[b], w)
		for _, f := range masks {
			passes = append(passes, pass{b, f})
		}
	}
	means := &agreeRanges().mean
	var next atomic.Int64
	var wg sync.WaitGroup
	for wk := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				p := int(next.Add(1) - 1)
				if p >= len(passes) {
					return
				}
				b, flip := passes[p].b, passes[p].flip
				mask, shift := uint64(1)<<ix.widths[b]-1, ix.shifts[b]
				st, bk := ix.start[b], ix.bucket[b]
				q := byBlock[b]
				for e, key := range q.keys {
					u := uint32((key>>shift)&mask) ^ flip
					lo, hi := int(st[u]), int(st[u+1])
					if hi-lo > 16 { // narrow to the Means that agree
						r := means[q.means[e]]
						bm := bk.means[lo:hi]
						lo, hi = lo+sort.Search(len(bm), func(x int) bool { return bm[x] >= r[0] }),
							lo+sort.Search(len(bm), func(x int) bool { return bm[x] > r[1] })
						if hi-lo > crowdLimit {
							skip(wk, int(q.imgs[e]))
							continue
						}
					}
					for f, k := range bk.keys[lo:hi] {
						if bits.OnesCount64(k^key) <= maxDist {
							visit(wk, int(q.imgs[e]), int(bk.imgs[lo+f]))
						}
					}
				}
			}
		}()
	}
	wg.Wait()
}

// masksUpTo lists every w-bit mask with at most r bits set (none when r
// is negative).
func masksUpTo(w, r int) []uint32 {
	var out []uint32
	if r < 0 {
		return nil
	}
	var rec func(start int, mask uint32, left int)
	rec = func(start int, mask uint32, left int) {
		out = append(out, mask)
		if left == 0 {
			return
		}
		for bit := start; bit < w; bit++ {
			rec(bit+1, mask|1<<bit, left-1)
		}
	}
	rec(0, 0, min(r, w))
	return out
}
