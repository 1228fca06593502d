package split

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"slices"

	"github.com/curate-ml/curate/imagehash"
)

// Classes of the binary task, in ClassLabel order.
const (
	Others  = 0
	Sadness = 1 // the positive class, whatever --positive names
)

// ClassNames are the default ClassLabel names of the output `label`.
var ClassNames = []string{"others", "sadness"}

// SplitNames are the output splits, in DatasetDict order.
var SplitNames = []string{"train", "validation", "test"}

// ConflictPolicy says what happens to an image listed with labels of both
// classes (one URL listed several times, or duplicates of one picture).
type ConflictPolicy int

const (
	ConflictDrop     ConflictPolicy = iota // leave it out
	ConflictPositive                       // count it as the positive class
	ConflictNegative                       // count it as "others"
)

// ParseConflictPolicy reads "drop", "positive" or "negative".
func ParseConflictPolicy(s string) (ConflictPolicy, error) {
	switch s {
	case "drop":
		return ConflictDrop, nil
	case "positive":
		return ConflictPositive, nil
	case "negative":
		return ConflictNegative, nil
	}
	return 0, fmt.Errorf("conflict policy %q: want drop, positive or negative", s)
}

func (p ConflictPolicy) String() string {
	switch p {
	case ConflictPositive:
		return "positive"
	case ConflictNegative:
		return "negative"
	}
	return "drop"
}

// Item is what planning needs to know about one input image.
type Item struct {
	ID       string
	Labels   []int // level-3 ids listed for the image, in list order
	SHA256   [32]byte
	Sig      imagehash.Signature // near-duplicate signature
	Pixels   int64               // width*height, to keep the largest copy of a duplicate
	Readable bool                // decoded; an unreadable image has no Sig
}

// Drop reasons, as written in split-assignments.jsonl.
const (
	ReasonUnlabelled    = "unlabelled"
	ReasonUnreadable    = "unreadable"
	ReasonConflict      = "conflict"       // labels of both classes
	ReasonGroupConflict = "group_conflict" // duplicates of one picture with labels of both classes
	ReasonDuplicate     = "duplicate"
	ReasonUndersampled  = "undersampled"
)

// Assignment is the fate of one input item.
type Assignment struct {
	Split       int    // index into SplitNames, -1 when dropped
	Reason      string // why it was dropped; "" when kept
	Class       int    // Others or Sadness; -1 when unknown
	SourceLabel int    // level-3 id kept as source_label; -1 when none
	Group       string // group key (smallest sha256 of its members); "" when not grouped
	GroupSize   int    // members of the group
}

// PlanOptions are the settings of MakePlan.
type PlanOptions struct {
	Positive       []int // level-3 ids of the positive class
	NumCategories  int   // level-3 ids must be < this
	Conflicts      ConflictPolicy
	MaxDistance    int  // near-duplicate Hamming threshold; < 0 turns near-duplicate search off
	NearFlips      bool // a left-right mirror image is a near-duplicate too
	KeepDuplicates bool // keep every member of a duplicate group (all in one split)
	Ratio          float64
	MaxPerClass    int
	Fractions      [3]float64 // train, validation, test
	Seed           uint64
}

// Plan is the outcome of planning: one Assignment per input item and the
// funnel counts.
type Plan struct {
	Assign []Assignment
	Funnel Funnel
}

// Funnel counts what happened to the input, step by step.
type Funnel struct {
	Input      int `json:"input"`
	Unlabelled int `json:"unlabelled"`
	Unreadable int `json:"unreadable"`
	Conflicts  struct {
		Policy       string `json:"policy"`
		Images       int    `json:"images"`        // images listed with labels of both classes
		Dropped      int    `json:"dropped"`       // of those, left out (policy drop)
		Groups       int    `json:"groups"`        // duplicate groups with both classes
		GroupImages  int    `json:"group_images"`  // images in those groups
		GroupDropped int    `json:"group_dropped"` // of those, left out
	} `json:"conflicts"`
	Duplicates struct {
		Groups  int `json:"groups"`  // groups with more than one image
		Images  int `json:"images"`  // images in those groups
		Exact   int `json:"exact"`   // images whose bytes equal another member's
		Near    int `json:"near"`    // further images joined by perceptual hash
		Removed int `json:"removed"` // images left out (0 with --keep-duplicates)
		// Crowded counts images whose near-duplicate search skipped a crowd
		// of over 16,384 candidates with the same hash bits and luma (see
		// nearPairs): their copies in it may be missed.
		Crowded int  `json:"crowded"`
		Kept    bool `json:"kept"`
	} `json:"duplicates"`
	Deduplicated [2]int                `json:"deduplicated"` // images per class after de-duplication
	Undersampled [2]int                `json:"undersampled"` // images per class removed by undersampling
	Selected     [2]int                `json:"selected"`     // images per class after undersampling
	Splits       map[string][2]int     `json:"splits"`
	Targets      map[string][2]float64 `json:"targets"` // exact stratified targets
}

// MaxNearDistance is the largest near-duplicate Hamming threshold: beyond
// it unrelated pictures start to match and the search slows down.
const MaxNearDistance = 15

// DefaultNearDistance is the near-duplicate threshold curate split uses
// unless told otherwise, chosen on the real edit set (TestEditSet).
const DefaultNearDistance = 10

// Ranking salts: undersampling and split assignment use independent hashes.
const (
	saltUndersample = "undersample"
	saltSplit       = "split"
)

// rank is the group's position key for a purpose: the first 8 bytes of
// sha256(seed, purpose, key). It depends on nothing but these, so groups
// keep their order when other groups are added.
func rank(seed uint64, purpose, key string) uint64 {
	h := sha256.New()
	var s [8]byte
	binary.BigEndian.PutUint64(s[:], seed)
	h.Write(s[:])
	h.Write([]byte(purpose))
	h.Write([]byte{0})
	h.Write([]byte(key))
	var sum [32]byte
	return binary.BigEndian.Uint64(h.Sum(sum[:0]))
}

type group struct {
	key     string
	members []int // item indices, ascending
	class   int
	weight  int // images it contributes (1, or len(members) when duplicates are kept)
	rank    uint64
	split   int
}

// MakePlan maps labels, resolves conflicts, groups duplicates, undersamples
// and assigns groups to splits. It is deterministic in its inputs.
func MakePlan(items []Item, o PlanOptions) (*Plan, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	p := &Plan{Assign: make([]Assignment, len(items))}
	f := &p.Funnel
	f.Input = len(items)
	f.Conflicts.Policy = o.Conflicts.String()
	f.Duplicates.Kept = o.KeepDuplicates
	positive := make(map[int]bool, len(o.Positive))
	for _, id := range o.Positive {
		positive[id] = true
	}

	// 1. Labels.
	var live []int
	for i, it := range items {
		a := &p.Assign[i]
		*a = Assignment{Split: -1, Class: -1, SourceLabel: -1}
		if len(it.Labels) == 0 {
			a.Reason = ReasonUnlabelled
			f.Unlabelled++
			continue
		}
		var hasPos, hasNeg bool
		for _, id := range it.Labels {
			if id < 0 || id >= o.NumCategories {
				return nil, fmt.Errorf("image %s: label %d is not a level-3 id 0..%d", it.ID, id, o.NumCategories-1)
			}
			if positive[id] {
				hasPos = true
			} else {
				hasNeg = true
			}
		}
		a.Class = Others
		if hasPos {
			a.Class = Sadness
		}
		if hasPos && hasNeg {
			f.Conflicts.Images++
			switch o.Conflicts {
			case ConflictDrop:
				a.Class = -1
				a.Reason = ReasonConflict
				f.Conflicts.Dropped++
			case ConflictNegative:
				a.Class = Others
			}
		}
		a.SourceLabel = sourceLabel(it.Labels, a.Class, positive)
		if a.Reason != "" {
			continue
		}
		if !it.Readable {
			a.Reason = ReasonUnreadable
			f.Unreadable++
			continue
		}
		live = append(live, i)
	}

	// 2. Duplicate groups.
	groups, crowded := groupDuplicates(items, live, o.MaxDistance, o.NearFlips)
	f.Duplicates.Crowded = crowded
	var kept []*group
	for _, g := range groups {
		var classes [2]int
		for _, m := range g.members {
			classes[p.Assign[m].Class]++
		}
		g.class = Others
		if classes[Sadness] > 0 {
			g.class = Sadness
		}
		if len(g.members) > 1 {
			f.Duplicates.Groups++
			f.Duplicates.Images += len(g.members)
			seen := make(map[[32]byte]bool, len(g.members))
			for _, m := range g.members {
				if seen[items[m].SHA256] {
					f.Duplicates.Exact++
				}
				seen[items[m].SHA256] = true
			}
			f.Duplicates.Near += len(seen) - 1
		}
		for _, m := range g.members {
			p.Assign[m].Group = g.key
			p.Assign[m].GroupSize = len(g.members)
		}
		if classes[Others] > 0 && classes[Sadness] > 0 {
			f.Conflicts.Groups++
			f.Conflicts.GroupImages += len(g.members)
			switch o.Conflicts {
			case ConflictDrop:
				f.Conflicts.GroupDropped += len(g.members)
				for _, m := range g.members {
					p.Assign[m].Reason = ReasonGroupConflict
				}
				continue
			case ConflictNegative:
				g.class = Others
			}
			for _, m := range g.members {
				a := &p.Assign[m]
				a.Class = g.class
				a.SourceLabel = sourceLabel(items[m].Labels, g.class, positive)
			}
		}
		g.weight = len(g.members)
		if !o.KeepDuplicates && len(g.members) > 1 {
			best := g.members[0]
			for _, m := range g.members[1:] {
				if better(items[m], items[best]) {
					best = m
				}
			}
			for _, m := range g.members {
				if m != best {
					p.Assign[m].Reason = ReasonDuplicate
					f.Duplicates.Removed++
				}
			}
			g.weight = 1
		}
		kept = append(kept, g)
	}

	// 3. Undersampling.
	var byClass [2][]*group
	for _, g := range kept {
		byClass[g.class] = append(byClass[g.class], g)
		f.Deduplicated[g.class] += g.weight
	}
	quota, err := undersampleQuotas(f.Deduplicated, o.Ratio, o.MaxPerClass)
	if err != nil {
		return nil, err
	}
	for c := range 2 {
		gs := byClass[c]
		for _, g := range gs {
			g.rank = rank(o.Seed, saltUndersample, g.key)
		}
		sortByRank(gs)
		var sel []*group
		n := 0
		for _, g := range gs {
			if n+g.weight <= quota[c] {
				sel = append(sel, g)
				n += g.weight
				continue
			}
			f.Undersampled[c] += g.weight
			for _, m := range g.members {
				if p.Assign[m].Reason == "" {
					p.Assign[m].Reason = ReasonUndersampled
				}
			}
		}
		f.Selected[c] = n
		byClass[c] = sel
	}

	// 4. Stratified, stable split: rank groups by hash within each class and
	// cut at the per-class quotas.
	f.Splits = make(map[string][2]int, 3)
	f.Targets = make(map[string][2]float64, 3)
	for c := range 2 {
		gs := byClass[c]
		for _, g := range gs {
			g.rank = rank(o.Seed, saltSplit, g.key)
		}
		sortByRank(gs)
		counts := largestRemainder(f.Selected[c], o.Fractions)
		var bounds [3]float64
		acc := 0
		for s := range 3 {
			acc += counts[s]
			bounds[s] = float64(acc)
			t := f.Targets[SplitNames[s]]
			t[c] = o.Fractions[s] * float64(f.Selected[c])
			f.Targets[SplitNames[s]] = t
		}
		cum := 0
		for _, g := range gs {
			mid := float64(cum) + float64(g.weight)/2
			s := 0
			for s < 2 && mid > bounds[s] {
				s++
			}
			g.split = s
			cum += g.weight
			n := f.Splits[SplitNames[s]]
			n[c] += g.weight
			f.Splits[SplitNames[s]] = n
			for _, m := range g.members {
				if p.Assign[m].Reason == "" {
					p.Assign[m].Split = s
				}
			}
		}
	}
	return p, nil
}

func (o PlanOptions) check() error {
	if o.NumCategories <= 0 {
		return fmt.Errorf("no categories")
	}
	if len(o.Positive) == 0 {
		return fmt.Errorf("no positive level-3 ids")
	}
	for _, id := range o.Positive {
		if id < 0 || id >= o.NumCategories {
			return fmt.Errorf("positive id %d: want 0..%d", id, o.NumCategories-1)
		}
	}
	if o.MaxDistance > MaxNearDistance {
		return fmt.Errorf("near-duplicate distance %d: want at most %d of 64 bits", o.MaxDistance, MaxNearDistance)
	}
	if o.Ratio < 0 || o.Ratio >= 1 || math.IsNaN(o.Ratio) {
		return fmt.Errorf("ratio %v: want 0 (off) or a positive share in (0, 1)", o.Ratio)
	}
	if o.MaxPerClass < 0 {
		return fmt.Errorf("max per class %d: want 0 (off) or more", o.MaxPerClass)
	}
	sum := 0.0
	for i, f := range o.Fractions {
		if f < 0 || f > 1 || math.IsNaN(f) {
			return fmt.Errorf("%s fraction %v: want 0..1", SplitNames[i], f)
		}
		sum += f
	}
	if math.Abs(sum-1) > 1e-6 {
		return fmt.Errorf("split fractions %v add up to %v, want 1", o.Fractions, sum)
	}
	return nil
}

// sourceLabel is the first listed level-3 id of class c, else the first listed.
func sourceLabel(labels []int, c int, positive map[int]bool) int {
	if c < 0 {
		return labels[0]
	}
	for _, id := range labels {
		if positive[id] == (c == Sadness) {
			return id
		}
	}
	return labels[0]
}

// better reports whether a should represent a duplicate group rather than b:
// more pixels, then the smaller sha256, then the earlier item.
func better(a, b Item) bool {
	if a.Pixels != b.Pixels {
		return a.Pixels > b.Pixels
	}
	return bytes.Compare(a.SHA256[:], b.SHA256[:]) < 0
}

func sortByRank(gs []*group) {
	slices.SortFunc(gs, func(a, b *group) int {
		return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(a.key, b.key))
	})
}

// undersampleQuotas returns how many images of each class to keep: at most
// maxPerClass each (0 = no cap), then the majority class cut so that the
// positive share is ratio (0 = no ratio), rounded to the nearest image.
func undersampleQuotas(n [2]int, ratio float64, maxPerClass int) ([2]int, error) {
	q := n
	if maxPerClass > 0 {
		q[0], q[1] = min(q[0], maxPerClass), min(q[1], maxPerClass)
	}
	if ratio == 0 {
		return q, nil
	}
	if q[Sadness] == 0 || q[Others] == 0 {
		return q, fmt.Errorf("cannot undersample to a positive share of %v: %d negative and %d positive images (use --ratio 0 to keep all)",
			ratio, q[Others], q[Sadness])
	}
	share := float64(q[Sadness]) / float64(q[Sadness]+q[Others])
	if share > ratio {
		q[Sadness] = min(q[Sadness], int(math.Round(float64(q[Others])*ratio/(1-ratio))))
	} else {
		q[Others] = min(q[Others], int(math.Round(float64(q[Sadness])*(1-ratio)/ratio)))
	}
	return q, nil
}

// largestRemainder splits n into parts proportional to fractions, each within
// one of its exact share, summing to n (Hamilton's method; ties to the
// earlier split).
func largestRemainder(n int, fractions [3]float64) [3]int {
	var counts [3]int
	var rem [3]float64
	total := 0
	for s, f := range fractions {
		exact := f * float64(n)
		counts[s] = int(math.Floor(exact + 1e-9))
		rem[s] = exact - float64(counts[s])
		total += counts[s]
	}
	order := []int{0, 1, 2}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(rem[b], rem[a]) })
	for k := 0; total < n; k = (k + 1) % 3 {
		if fractions[order[k]] > 0 {
			counts[order[k]]++
			total++
		}
	}
	return counts
}

// groupKey is the hex sha256 smallest among the members: a name for the
// group that depends only on its content.
func groupKey(items []Item, members []int) string {
	best := items[members[0]].SHA256
	for _, m := range members[1:] {
		if bytes.Compare(items[m].SHA256[:], best[:]) < 0 {
			best = items[m].SHA256
		}
	}
	return hex.EncodeToString(best[:])
}
