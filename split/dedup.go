package split

import (
	"slices"
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
// perceptual hashes at most maxDist bits apart (maxDist < 0: exact only),
// joined transitively. Groups come in the order of their first member, each
// with members ascending, so the result does not depend on anything but the
// items.
func groupDuplicates(items []Item, live []int, maxDist int) []*group {
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
		hashes := make([]PHash, n)
		for k, i := range live {
			hashes[k] = items[i].Hash
		}
		nearPairs(hashes, maxDist, uf.union)
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

// nearPairs calls join(a, b) for pairs of hashes within maxDist bits, enough
// of them that the transitive closure equals that of all such pairs: equal
// hashes are chained, and the distinct values are searched with a
// multi-index: the 64 bits cut into 4 blocks of 16, so two hashes within d
// bits agree to within d/4 bits on at least one block (pigeonhole).
func nearPairs(hashes []PHash, maxDist int, join func(a, b int)) {
	// Equal hashes first.
	first := make(map[PHash]int, len(hashes))
	var distinct []PHash
	var rep []int
	for k, h := range hashes {
		if f, ok := first[h]; ok {
			join(f, k)
			continue
		}
		first[h] = k
		distinct = append(distinct, h)
		rep = append(rep, k)
	}
	if maxDist == 0 {
		return
	}
	const blocks = 4
	radius := maxDist / blocks
	block := func(h PHash, b int) uint16 { return uint16(h >> (16 * b)) }
	// One bucket index per block in compressed form: the members of bucket v
	// of block b are members[b][start[b][v]:start[b][v+1]].
	var start [blocks][]int32
	var members [blocks][]int32
	for b := range blocks {
		st := make([]int32, 1<<16+1)
		for _, h := range distinct {
			st[int(block(h, b))+1]++
		}
		for v := range 1 << 16 {
			st[v+1] += st[v]
		}
		mem := make([]int32, len(distinct))
		fill := slices.Clone(st[:1<<16])
		for j, h := range distinct {
			v := block(h, b)
			mem[fill[v]] = int32(j)
			fill[v]++
		}
		start[b], members[b] = st, mem
	}
	probes := neighbours16(radius)
	for j, h := range distinct {
		for b := range blocks {
			v := block(h, b)
			st, mem := start[b], members[b]
			for _, flip := range probes {
				u := v ^ flip
				for _, c := range mem[st[u]:st[int(u)+1]] {
					// A pair can be found through several blocks; joining twice is harmless.
					if int(c) > j && h.Distance(distinct[c]) <= maxDist {
						join(rep[j], rep[c])
					}
				}
			}
		}
	}
}

// neighbours16 lists every 16-bit mask with at most r bits set.
func neighbours16(r int) []uint16 {
	var out []uint16
	var rec func(start int, mask uint16, left int)
	rec = func(start int, mask uint16, left int) {
		out = append(out, mask)
		if left == 0 {
			return
		}
		for bit := start; bit < 16; bit++ {
			rec(bit+1, mask|1<<bit, left-1)
		}
	}
	rec(0, 0, min(r, 16))
	return out
}
