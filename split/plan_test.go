package split

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/curate-ml/curate/imagehash"
)

var sadnessIDs = []int{4, 13, 19, 20, 21, 23}

func defaultPlanOptions() PlanOptions {
	return PlanOptions{
		Positive:      sadnessIDs,
		NumCategories: 25,
		MaxDistance:   6,
		Ratio:         0.46,
		Fractions:     [3]float64{0.8, 0.1, 0.1},
		Seed:          1,
	}
}

// synthItems makes n distinct readable items with random labels (npos of
// them positive) and random, far-apart hashes; names start with prefix.
func synthItems(prefix string, n, npos int, seed uint64) []Item {
	rng := rand.New(rand.NewPCG(seed, 7))
	items := make([]Item, n)
	for i := range items {
		id := fmt.Sprintf("%s%06d", prefix, i)
		label := []int{0, 1, 3, 5, 22}[rng.IntN(5)]
		if i < npos {
			label = sadnessIDs[rng.IntN(len(sadnessIDs))]
		}
		items[i] = Item{ID: id, Labels: []int{label}, SHA256: sha256.Sum256([]byte(id)),
			Sig: synthSig(rng), Pixels: 220 * 220, Readable: true}
	}
	rng.Shuffle(n, func(a, b int) { items[a], items[b] = items[b], items[a] })
	return items
}

func mustPlan(t *testing.T, items []Item, o PlanOptions) *Plan {
	t.Helper()
	p, err := MakePlan(items, o)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// counts returns images per split per class from the assignments.
func counts(items []Item, p *Plan) (out [3][2]int) {
	for _, a := range p.Assign {
		if a.Split >= 0 {
			out[a.Split][a.Class]++
		}
	}
	return out
}

func TestPlanStratifiedWithinOne(t *testing.T) {
	fracs := [][3]float64{{0.8, 0.1, 0.1}, {0.7, 0.15, 0.15}, {1, 0, 0}, {0.5, 0.5, 0}, {0.34, 0.33, 0.33}}
	for _, n := range []int{1, 2, 3, 7, 10, 29, 101, 1000, 3333} {
		for _, fr := range fracs {
			for _, ratio := range []float64{0, 0.46} {
				name := fmt.Sprintf("n=%d/fr=%v/ratio=%v", n, fr, ratio)
				npos := n * 2 / 5
				if ratio > 0 && (npos == 0 || npos == n) {
					continue
				}
				items := synthItems("x", n, npos, uint64(n))
				o := defaultPlanOptions()
				o.Fractions, o.Ratio = fr, ratio
				p := mustPlan(t, items, o)
				got := counts(items, p)
				f := p.Funnel
				for c := range 2 {
					sum := 0
					for s := range 3 {
						target := fr[s] * float64(f.Selected[c])
						if math.Abs(float64(got[s][c])-target) >= 1 {
							t.Errorf("%s: split %s class %d: %d images, target %.2f", name, SplitNames[s], c, got[s][c], target)
						}
						if got[s][c] != f.Splits[SplitNames[s]][c] {
							t.Errorf("%s: funnel says %d, assignments %d", name, f.Splits[SplitNames[s]][c], got[s][c])
						}
						sum += got[s][c]
					}
					if sum != f.Selected[c] {
						t.Errorf("%s: class %d: %d assigned, %d selected", name, c, sum, f.Selected[c])
					}
				}
			}
		}
	}
}

func TestUndersampleRatioExact(t *testing.T) {
	tests := []struct {
		pos, neg, max int
		ratio         float64
	}{
		{100, 1000, 0, 0.46}, {1000, 100, 0, 0.46}, {460, 540, 0, 0.46}, {3, 1000, 0, 0.46},
		{28000, 192000, 0, 0.46}, {999, 1001, 0, 0.5}, {7, 13, 0, 0.3}, {500, 4000, 300, 0.46},
		{5000, 5000, 1000, 0}, {10, 10, 0, 0.99}, {10, 10, 0, 0.01},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%d+%d/max=%d/ratio=%v", tt.pos, tt.neg, tt.max, tt.ratio)
		q, err := undersampleQuotas([2]int{tt.neg, tt.pos}, tt.ratio, tt.max)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		capPos, capNeg := tt.pos, tt.neg
		if tt.max > 0 {
			capPos, capNeg = min(capPos, tt.max), min(capNeg, tt.max)
		}
		if q[Sadness] > capPos || q[Others] > capNeg {
			t.Errorf("%s: quotas %v above what exists", name, q)
		}
		if tt.ratio > 0 {
			// Only one class is cut, the other keeps all it has.
			if q[Sadness] != capPos && q[Others] != capNeg {
				t.Errorf("%s: both classes cut: %v", name, q)
			}
			if d := math.Abs(float64(q[Sadness]) - tt.ratio*float64(q[Sadness]+q[Others])); d > 1 {
				t.Errorf("%s: %d positives of %d, %.2f from the ratio", name, q[Sadness], q[Sadness]+q[Others], d)
			}
		} else if q != [2]int{capNeg, capPos} {
			t.Errorf("%s: no ratio: quotas %v", name, q)
		}
	}
	if _, err := undersampleQuotas([2]int{10, 0}, 0.46, 0); err == nil {
		t.Error("no positives: no error")
	}

	// Through MakePlan, on items.
	items := synthItems("r", 5000, 700, 3)
	p := mustPlan(t, items, defaultPlanOptions())
	f := p.Funnel
	total := f.Selected[0] + f.Selected[1]
	if d := math.Abs(float64(f.Selected[Sadness]) - 0.46*float64(total)); d > 1 {
		t.Errorf("plan: %d of %d positive, %.2f images from 46%%", f.Selected[Sadness], total, d)
	}
	if f.Selected[Sadness] != 700 || f.Undersampled[Sadness] != 0 || f.Undersampled[Others]+f.Selected[Others] != 4300 {
		t.Errorf("plan funnel: %+v", f)
	}
}

func TestPlanStableWhenInputGrows(t *testing.T) {
	for _, ratio := range []float64{0, 0.46} {
		t.Run(fmt.Sprintf("ratio=%v", ratio), func(t *testing.T) {
			o := defaultPlanOptions()
			o.Ratio = ratio
			old := synthItems("a", 4000, 1800, 11)
			grown := append(slices.Clone(old), synthItems("b", 400, 180, 12)...)
			// Input order must not matter either.
			rand.New(rand.NewPCG(5, 5)).Shuffle(len(grown), func(i, j int) { grown[i], grown[j] = grown[j], grown[i] })
			p1, p2 := mustPlan(t, old, o), mustPlan(t, grown, o)
			where := map[string]Assignment{}
			for i, a := range p2.Assign {
				where[grown[i].ID] = a
			}
			both, moved := 0, 0
			for i, a := range p1.Assign {
				b := where[old[i].ID]
				if a.Split < 0 || b.Split < 0 {
					continue
				}
				both++
				if a.Split != b.Split {
					moved++
				}
			}
			t.Logf("grew 4000 -> 4400 images: %d kept in both runs, %d changed split (%.2f%%)", both, moved, 100*float64(moved)/float64(both))
			if moved > both/50 {
				t.Errorf("%d of %d images changed split when the input grew by 10%%", moved, both)
			}
			// Within a class, splits follow the rank order: an image moves only
			// when a cut point passes over it.
			for _, p := range []*Plan{p1, p2} {
				checkMonotone(t, o.Seed, p)
			}
		})
	}
}

// checkMonotone checks that within each class, split index never decreases
// with the group's rank.
func checkMonotone(t *testing.T, seed uint64, p *Plan) {
	t.Helper()
	type kr struct {
		rank  uint64
		split int
	}
	var byClass [2][]kr
	for _, a := range p.Assign {
		if a.Split >= 0 {
			byClass[a.Class] = append(byClass[a.Class], kr{rank(seed, saltSplit, a.Group), a.Split})
		}
	}
	for c, l := range byClass {
		slices.SortFunc(l, func(a, b kr) int { return cmp.Compare(a.rank, b.rank) })
		for i := 1; i < len(l); i++ {
			if l[i].split < l[i-1].split {
				t.Fatalf("class %d: split order not monotone in rank at %d", c, i)
			}
		}
	}
}

func TestPlanSeedChangesAssignment(t *testing.T) {
	items := synthItems("s", 1000, 400, 1)
	o := defaultPlanOptions()
	p1 := mustPlan(t, items, o)
	o.Seed = 2
	p2 := mustPlan(t, items, o)
	same := 0
	for i := range p1.Assign {
		if p1.Assign[i] == p2.Assign[i] {
			same++
		}
	}
	if same > 900 {
		t.Errorf("seed 1 and 2 agree on %d of 1000 assignments", same)
	}
	if counts(items, p1) != counts(items, p2) {
		t.Errorf("seed changed the per-split counts: %v vs %v", counts(items, p1), counts(items, p2))
	}
}

func TestPlanConflicts(t *testing.T) {
	mk := func(id string, labels []int, content string, h uint64) Item {
		return Item{ID: id, Labels: labels, SHA256: sha256.Sum256([]byte(content)), Sig: sigOf(h), Pixels: 1, Readable: true}
	}
	items := []Item{
		mk("both", []int{19, 0}, "both", 0x0000_0000_0000_0000), // URL listed as sadness and affection
		mk("sad2", []int{4, 13}, "sad2", 0xFFFF_FFFF_0000_0000), // two sadness ids: no conflict
		mk("gA", []int{19}, "g", 0x0F0F_0F0F_0F0F_0F0F),         // same bytes as gB, other class
		mk("gB", []int{1}, "g", 0x0F0F_0F0F_0F0F_0F0F),
		mk("nearA", []int{20}, "nA", 0x3333_3333_3333_3333), // near duplicates (2 bits), other class
		mk("nearB", []int{3}, "nB", 0x3333_3333_3333_3330),
		// nearA has more pixels, so it represents the pair; gA and gB tie, and
		// the first listed wins.
		mk("neg", []int{5, 7}, "neg", 0x5555_5555_5555_5555),
		mk("none", nil, "none", 0xAAAA_AAAA_AAAA_AAAA),
		{ID: "bad", Labels: []int{19}, SHA256: sha256.Sum256([]byte("bad"))},
	}
	tests := []struct {
		policy     ConflictPolicy
		wantClass  map[string]int // -1: dropped
		wantSource map[string]int
	}{
		{ConflictDrop,
			map[string]int{"both": -1, "sad2": 1, "gA": -1, "gB": -1, "nearA": -1, "nearB": -1, "neg": 0, "none": -1, "bad": -1},
			map[string]int{"both": 19, "sad2": 4, "neg": 5}},
		{ConflictPositive,
			map[string]int{"both": 1, "sad2": 1, "gA": 1, "gB": -1, "nearA": 1, "nearB": -1, "neg": 0, "none": -1, "bad": -1},
			map[string]int{"both": 19, "gA": 19, "nearA": 20}},
		{ConflictNegative,
			map[string]int{"both": 0, "sad2": 1, "gA": 0, "gB": -1, "nearA": 0, "nearB": -1, "neg": 0, "none": -1, "bad": -1},
			map[string]int{"both": 0, "gA": 19, "nearA": 20}}, // no "others" id listed: the first id stays
	}
	for _, tt := range tests {
		t.Run(tt.policy.String(), func(t *testing.T) {
			o := defaultPlanOptions()
			o.Ratio, o.Conflicts = 0, tt.policy
			o.Fractions = [3]float64{1, 0, 0}
			items := slices.Clone(items)
			items[4].Pixels = 2
			p := mustPlan(t, items, o)
			for i, a := range p.Assign {
				id := items[i].ID
				got := a.Class
				if a.Split < 0 {
					got = -1
				}
				if got != tt.wantClass[id] {
					t.Errorf("%s: class %d (reason %q), want %d", id, got, a.Reason, tt.wantClass[id])
				}
				if want, ok := tt.wantSource[id]; ok && a.SourceLabel != want {
					t.Errorf("%s: source label %d, want %d", id, a.SourceLabel, want)
				}
			}
			f := p.Funnel
			if f.Conflicts.Images != 1 || f.Conflicts.Groups != 2 || f.Conflicts.GroupImages != 4 {
				t.Errorf("conflict counts: %+v", f.Conflicts)
			}
			if f.Unlabelled != 1 || f.Unreadable != 1 || f.Input != len(items) {
				t.Errorf("funnel: %+v", f)
			}
			if f.Duplicates.Groups != 2 || f.Duplicates.Exact != 1 || f.Duplicates.Near != 1 {
				t.Errorf("duplicates: %+v", f.Duplicates)
			}
		})
	}
}

func TestPlanDuplicateGroupsInOneSplit(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	var items []Item
	for g := range 300 {
		base := rng.Uint64()
		size := 1 + rng.IntN(4)
		label := []int{19}
		if g%2 == 0 {
			label = []int{0}
		}
		for m := range size {
			h := base
			for range rng.IntN(5) { // up to 4 flipped bits: near duplicates
				h ^= 1 << rng.IntN(64)
			}
			content := fmt.Sprintf("%d-%d", g, m)
			if m == 1 {
				content = fmt.Sprintf("%d-0", g) // an exact copy of member 0
			}
			items = append(items, Item{ID: fmt.Sprintf("g%03d-%d", g, m), Labels: label,
				SHA256: sha256.Sum256([]byte(content)), Sig: sigOf(h), Pixels: int64(100 + m), Readable: true})
		}
	}
	for _, keep := range []bool{false, true} {
		o := defaultPlanOptions()
		o.KeepDuplicates, o.Ratio = keep, 0
		p := mustPlan(t, items, o)
		splitOf := map[string]int{}
		keptOf := map[string]int{}
		for i, a := range p.Assign {
			g := items[i].ID[:4]
			if a.Split < 0 {
				if a.Reason != ReasonDuplicate {
					t.Fatalf("%s dropped: %s", items[i].ID, a.Reason)
				}
				continue
			}
			keptOf[g]++
			if s, ok := splitOf[g]; ok && s != a.Split {
				t.Fatalf("keep=%v: group %s in splits %d and %d", keep, g, s, a.Split)
			}
			splitOf[g] = a.Split
		}
		if len(keptOf) != 300 {
			t.Errorf("keep=%v: %d groups kept, want 300", keep, len(keptOf))
		}
		for g, n := range keptOf {
			if !keep && n != 1 {
				t.Errorf("group %s kept %d times", g, n)
			}
		}
		if p.Funnel.Duplicates.Removed != 0 && keep || !keep && p.Funnel.Duplicates.Removed != len(items)-300 {
			t.Errorf("keep=%v: removed %d", keep, p.Funnel.Duplicates.Removed)
		}
	}
}

// TestNearPairsMatchesBruteForce checks the multi-index search against
// trying every pair with every match rule: clusters of signatures whose
// whole-image, window and mirror hashes are a few bits from another's
// whole-image or window hash, among random ones.
func TestNearPairsMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	flip := func(h imagehash.Hash, n int) imagehash.Hash {
		for range n {
			h ^= 1 << rng.IntN(64)
		}
		return h
	}
	var sigs []imagehash.Signature
	for range 120 {
		base := synthSig(rng)
		sigs = append(sigs, base)
		for range rng.IntN(4) {
			s := synthSig(rng)
			switch rng.IntN(4) {
			case 0: // whole-image copy
				s.Full.P = flip(base.Full.P, rng.IntN(12))
			case 1: // a crop: its whole image is near a window of base
				s.Full.P = flip(base.Windows[rng.IntN(len(base.Windows))].P, rng.IntN(10))
			case 2: // agrees in a centre window
				w := imagehash.CentreMatchWindows[rng.IntN(len(imagehash.CentreMatchWindows))]
				s.Windows[w].P = flip(base.Windows[w].P, rng.IntN(12))
			case 3: // a mirror image
				s.Mirror.P = flip(base.Full.P, rng.IntN(12))
			}
			s.Full.D, s.Mirror.D = s.Full.P, s.Mirror.P
			for w := range s.Windows {
				s.Windows[w].D = s.Windows[w].P
			}
			sigs = append(sigs, s)
		}
	}
	for range 200 {
		sigs = append(sigs, synthSig(rng))
	}
	sigs[5].Windows = nil // a flat image has no windows
	sigs[7].Full.Sure = 3
	ptrs := make([]*imagehash.Signature, len(sigs))
	for i := range sigs {
		ptrs[i] = &sigs[i]
	}
	for _, d := range []int{0, 3, 6, 8, 10, 12, 15} {
		for _, flips := range []bool{false, true} {
			fast := newUnionFind(len(sigs))
			nearPairs(ptrs, d, flips, fast.union)
			slow := newUnionFind(len(sigs))
			pairs := 0
			for i := range sigs {
				for j := i + 1; j < len(sigs); j++ {
					if matchAny(ptrs[i], ptrs[j], d, flips) {
						slow.union(i, j)
						pairs++
					}
				}
			}
			if d >= 8 && pairs < 100 {
				t.Fatalf("d=%d: only %d matching pairs: the test exercises little", d, pairs)
			}
			for i := range sigs {
				for j := i + 1; j < len(sigs); j++ {
					if (fast.find(i) == fast.find(j)) != (slow.find(i) == slow.find(j)) {
						t.Fatalf("d=%d flips=%v: %d and %d: multi-index %v, brute force %v", d, flips, i, j,
							fast.find(i) == fast.find(j), slow.find(i) == slow.find(j))
					}
				}
			}
		}
	}
}

// TestNearPairsCrawl checks the search on a synthetic crawl (synthCrawl:
// real photos' hash statistics, clusters of copies and crops, crowds of
// flat dark and studio images) against brute force, and that the pairs it
// joins do not depend on the number of workers.
func TestNearPairsCrawl(t *testing.T) {
	sigs := synthCrawl(1500, 7)
	for _, tc := range []struct {
		d     int
		flips bool
	}{{10, true}, {6, false}} {
		roots, pairs := searchGroups(sigs, tc.d, tc.flips)
		if pairs < 200 {
			t.Fatalf("d=%d: only %d pairs: the test exercises little", tc.d, pairs)
		}
		if i, j, ok := sameGroups(roots, bruteGroups(sigs, tc.d, tc.flips)); !ok {
			t.Fatalf("d=%d flips=%v: images %d and %d: the search and brute force group them differently", tc.d, tc.flips, i, j)
		}
	}
	joins := func(procs int) [][2]int {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		var out [][2]int
		nearPairs(sigs, 10, true, func(a, b int) { out = append(out, [2]int{a, b}) })
		return out
	}
	if one, four := joins(1), joins(4); !slices.Equal(one, four) {
		t.Fatalf("joins differ with 1 and 4 workers: %d and %d pairs", len(one), len(four))
	}
}

// TestNearPairsCrowd checks that a crowd (20,000 images with one hash and
// one luma) is skipped and counted, not scanned pair by pair, while a copy
// outside it is still found.
func TestNearPairsCrowd(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var sigs []*imagehash.Signature
	for range 20000 {
		s := synthSig(rng)
		s.Full.P, s.Full.D = 0x0f0f_0f0f_0f0f_0f0f, 0x0f0f_0f0f_0f0f_0f0f
		sigs = append(sigs, &s)
	}
	a := synthSig(rng)
	b := a
	b.Full.P ^= 0b101
	sigs = append(sigs, &a, &b)
	start := time.Now()
	var joined bool
	crowded := nearPairs(sigs, 10, false, func(x, y int) {
		if x == 20000 && y == 20001 {
			joined = true
		}
	})
	if crowded < 20000 {
		t.Errorf("crowded %d, want the 20,000 images of the crowd", crowded)
	}
	if !joined {
		t.Error("the copy outside the crowd was not found")
	}
	t.Logf("crowd of 20,000: %d crowded, %.1fs", crowded, time.Since(start).Seconds())
}

func TestPlanOptionErrors(t *testing.T) {
	items := synthItems("e", 10, 4, 1)
	bad := []func(*PlanOptions){
		func(o *PlanOptions) { o.Fractions = [3]float64{0.8, 0.1, 0.2} },
		func(o *PlanOptions) { o.Ratio = 1 },
		func(o *PlanOptions) { o.Ratio = -0.1 },
		func(o *PlanOptions) { o.Positive = nil },
		func(o *PlanOptions) { o.Positive = []int{25} },
		func(o *PlanOptions) { o.MaxDistance = 16 },
		func(o *PlanOptions) { o.MaxPerClass = -1 },
	}
	for i, mod := range bad {
		o := defaultPlanOptions()
		mod(&o)
		if _, err := MakePlan(items, o); err == nil {
			t.Errorf("case %d: no error", i)
		}
	}
	items[0].Labels = []int{25}
	if _, err := MakePlan(items, defaultPlanOptions()); err == nil {
		t.Error("label 25: no error")
	}
}

// sanity: rank is a function of seed, purpose and key only.
func TestRank(t *testing.T) {
	if rank(1, saltSplit, "k") != rank(1, saltSplit, "k") || rank(1, saltSplit, "k") == rank(2, saltSplit, "k") ||
		rank(1, saltSplit, "k") == rank(1, saltUndersample, "k") {
		t.Error("rank not a function of (seed, purpose, key)")
	}
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], rank(1, "x", "y"))
	if b == [8]byte{} {
		t.Error("zero rank")
	}
}
