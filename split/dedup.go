package split

import (
	"math/bits"
	"runtime"
	"slices"
	"sync"

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
func groupDuplicates(items []Item, live []int, maxDist int, flips bool) []*group {
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
		nearPairs(sigs, maxDist, flips, uf.union)
	}
	byRoot := make(map[int]*group, n)
	var groups []*group
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
	return groups
}

// nearPairs calls join(a, b) for every pair of signatures that match
// (imagehash's MatchWhole, MatchCrop, MatchCentre and, with flips,
// MatchMirror) at maxDist bits, so the transitive closure of the joins is
// that of all matching pairs. Candidates come from multi-index hashing
// (Norouzi et al. 2012) on the P hashes: one index of the whole-image
// hashes, one of all window hashes, one per centre-match window; every
// candidate within the P threshold is then verified by the Match rule.
// Queries run on GOMAXPROCS goroutines; the joins happen afterwards, in query
// order.
func nearPairs(sigs []*imagehash.Signature, maxDist int, flips bool, join func(a, b int)) {
	n := len(sigs)
	whole := make([]uint64, n)
	for i, s := range sigs {
		whole[i] = uint64(s.Full.P)
	}
	fullIx := newMultiIndex(whole, maxDist)

	// Windows of images that are not flat; ref maps an entry to (image, window).
	type ref struct{ img, win int32 }
	var winKeys []uint64
	var winRefs []ref
	for i, s := range sigs {
		for w, k := range s.Windows {
			if !k.Flat() {
				winKeys = append(winKeys, uint64(k.P))
				winRefs = append(winRefs, ref{int32(i), int32(w)})
			}
		}
	}
	cropDist := min(maxDist, imagehash.CropDistance)
	winIx := newMultiIndex(winKeys, cropDist)

	centreIx := make([]*multiIndex, len(imagehash.CentreMatchWindows))
	centreImg := make([][]int32, len(imagehash.CentreMatchWindows))
	for c, w := range imagehash.CentreMatchWindows {
		var keys []uint64
		for i, s := range sigs {
			if s.Windows != nil && !s.Windows[w].Flat() {
				keys = append(keys, uint64(s.Windows[w].P))
				centreImg[c] = append(centreImg[c], int32(i))
			}
		}
		centreIx[c] = newMultiIndex(keys, maxDist)
	}

	// found[i] holds the partners of image i, each pair once.
	found := make([][]int32, n)
	workers := min(runtime.GOMAXPROCS(0), max(1, n/256))
	var wg sync.WaitGroup
	for wk := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var part []int32
			for i := wk; i < n; i += workers {
				part = part[:0]
				s := sigs[i]
				fullIx.query(uint64(s.Full.P), maxDist, func(j int) {
					if j > i && imagehash.MatchWhole(s, sigs[j], maxDist) {
						part = append(part, int32(j))
					}
				})
				if flips {
					fullIx.query(uint64(s.Mirror.P), maxDist, func(j int) {
						if j != i && imagehash.MatchMirror(s, sigs[j], maxDist) {
							part = append(part, int32(j))
						}
					})
				}
				winIx.query(uint64(s.Full.P), cropDist, func(e int) {
					r := winRefs[e]
					if int(r.img) != i && imagehash.MatchCrop(s, sigs[r.img], int(r.win), maxDist) {
						part = append(part, r.img)
					}
				})
				if s.Windows != nil {
					for c, w := range imagehash.CentreMatchWindows {
						if s.Windows[w].Flat() {
							continue
						}
						centreIx[c].query(uint64(s.Windows[w].P), maxDist, func(e int) {
							j := int(centreImg[c][e])
							if j > i && imagehash.MatchCentre(s, sigs[j], w, maxDist) {
								part = append(part, int32(j))
							}
						})
					}
				}
				if len(part) > 0 {
					slices.Sort(part)
					found[i] = slices.Clone(slices.Compact(part))
				}
			}
		}()
	}
	wg.Wait()
	for i, ps := range found {
		for _, j := range ps {
			join(i, int(j))
		}
	}
}

// multiIndex finds the keys within a Hamming radius of a query: the 64 bits
// are cut into m blocks, and two keys within d bits agree to within d/m bits
// on at least one block (pigeonhole), so probing every block value within
// d/m of the query's finds them all. m is chosen for the number of keys and
// the radius, to balance probes against bucket sizes.
type multiIndex struct {
	widths  []int
	shifts  []int
	start   [][]int32  // per block: bucket v holds members[start[v]:start[v+1]]
	members [][]int32  // key indices in bucket order
	bucketK [][]uint64 // the keys in bucket order, so a bucket is read sequentially
	probes  [][]uint32 // per block: the masks with at most d/m bits set
}

func newMultiIndex(keys []uint64, maxDist int) *multiIndex {
	m := chooseBlocks(len(keys), maxDist)
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
		mask := uint64(1)<<w - 1
		st := make([]int32, 1<<w+1)
		for _, k := range keys {
			st[(k>>ix.shifts[b])&mask+1]++
		}
		for v := range 1 << w {
			st[v+1] += st[v]
		}
		mem := make([]int32, len(keys))
		bk := make([]uint64, len(keys))
		fill := slices.Clone(st[:1<<w])
		for j, k := range keys {
			v := (k >> ix.shifts[b]) & mask
			mem[fill[v]] = int32(j)
			bk[fill[v]] = k
			fill[v]++
		}
		ix.start = append(ix.start, st)
		ix.members = append(ix.members, mem)
		ix.bucketK = append(ix.bucketK, bk)
		ix.probes = append(ix.probes, masksUpTo(w, maxDist/m))
	}
	return ix
}

// chooseBlocks picks the number of blocks with the least estimated work
// per query: probes, plus the keys those probes land on. A probe into a
// bucket table larger than a core's cache (over 2^16 entries) costs a
// cache miss, counted as 16 key comparisons (measured: with 21-bit blocks
// the probes, not the comparisons, took the time).
func chooseBlocks(n, maxDist int) int {
	best, bestCost := 4, -1.0
	for m := 2; m <= 8; m++ {
		w := 64 / m
		if w > 24 { // bucket tables of 2^w entries per block
			continue
		}
		miss := 1.0
		if w > 16 {
			miss = 16
		}
		probes := float64(len(masksUpTo(w, maxDist/m)))
		cost := float64(m) * probes * (miss + float64(n)/float64(uint64(1)<<w))
		if bestCost < 0 || cost < bestCost {
			best, bestCost = m, cost
		}
	}
	return best
}

// query calls fn(j) for every key j within maxDist bits of q (maxDist at
// most the radius the index was built for). A key may be reported more than
// once.
func (ix *multiIndex) query(q uint64, maxDist int, fn func(j int)) {
	for b, w := range ix.widths {
		mask := uint64(1)<<w - 1
		v := uint32((q >> ix.shifts[b]) & mask)
		st, mem, bk := ix.start[b], ix.members[b], ix.bucketK[b]
		for _, flip := range ix.probes[b] {
			u := v ^ flip
			lo, hi := st[u], st[u+1]
			for e, k := range bk[lo:hi] {
				if bits.OnesCount64(k^q) <= maxDist {
					fn(int(mem[int(lo)+e]))
				}
			}
		}
	}
}

// masksUpTo lists every w-bit mask with at most r bits set.
func masksUpTo(w, r int) []uint32 {
	var out []uint32
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
