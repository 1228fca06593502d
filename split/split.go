package split

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/curate-ml/curate/fetch"
	"github.com/curate-ml/curate/imagehash"
	"github.com/curate-ml/curate/internal/atomicfile"
	"github.com/curate-ml/curate/pipeline"
	"github.com/curate-ml/curate/shards"
	"github.com/curate-ml/curate/webemo"
)

// Output file names inside the output dataset directory.
const (
	ReportFile      = "split-report.json"
	AssignmentsFile = "split-assignments.jsonl"
)

// maxListed caps the list of unreadable images in the report.
const maxListed = 100

// Options are the settings of Run.
type Options struct {
	Categories *webemo.Categories // level-3 names; nil = the released WEBEmo table
	Plan       PlanOptions        // NumCategories is filled in from Categories when 0
	Image      ImageOptions
	ClassNames []string // ClassLabel names of `label` (negative, positive); nil = ClassNames
	Workers    int      // images decoded and encoded at once; 0 = number of CPUs
	ShardBytes int64    // output shard size target; 0 = shards' default
	// AllowIncomplete reads an interrupted fetch output (fetch-stats.json
	// complete: false) instead of refusing it.
	AllowIncomplete bool

	// Progress, when set, is called at the start of each stage that works
	// through images ("scan": decode and hash every input image; "write":
	// normalise and store the kept ones) with the stage's counter; the
	// returned function is called when the stage ends.
	Progress func(stage string, c *pipeline.Counter) (stop func())
}

// Report is what a run did: the settings that decide the output, the funnel,
// and (not written to split-report.json, so that file is reproducible) timing.
type Report struct {
	Input          string     `json:"input"`
	Output         string     `json:"output"`
	Classes        []string   `json:"classes"`
	PositiveIDs    []int      `json:"positive_ids"`
	PositiveNames  []string   `json:"positive_names"`
	Seed           uint64     `json:"seed"`
	Conflicts      string     `json:"conflicts"`
	MaxDistance    int        `json:"max_distance"`
	NearFlips      bool       `json:"near_flips"`
	KeepDuplicates bool       `json:"keep_duplicates"`
	Ratio          float64    `json:"ratio"`
	MaxPerClass    int        `json:"max_per_class"`
	Fractions      [3]float64 `json:"fractions"`
	Size           int        `json:"size"`
	Resize         string     `json:"resize"`
	Format         string     `json:"format"`
	Quality        int        `json:"quality"`
	Funnel         Funnel     `json:"funnel"`
	// Unreadable lists the first 100 images that could not be decoded
	// (id: reason); split-assignments.jsonl has all of them.
	Unreadable []string `json:"unreadable,omitempty"`
	Timing     *Timing  `json:"timing,omitempty"`
}

// Timing is how long each stage took.
type Timing struct {
	Workers        int     `json:"workers"`
	ScanSeconds    float64 `json:"scan_seconds"`
	PlanSeconds    float64 `json:"plan_seconds"`
	WriteSeconds   float64 `json:"write_seconds"`
	ScanPerSecond  float64 `json:"scan_images_per_second"`
	WritePerSecond float64 `json:"write_images_per_second"`
}

// source locates an input row.
type source struct {
	split int
	row   int64
}

// assignmentLine is one line of split-assignments.jsonl.
type assignmentLine struct {
	ID          string `json:"id"`
	URL         string `json:"url,omitempty"`
	Split       string `json:"split,omitempty"`
	Reason      string `json:"dropped,omitempty"`
	Error       string `json:"error,omitempty"`
	Class       *int   `json:"class,omitempty"`
	SourceLabel *int   `json:"source_label,omitempty"`
	Group       string `json:"group,omitempty"`
	GroupSize   int    `json:"group_size,omitempty"`
}

// Run reads the dataset at in (a fetch or filter-text output), plans the
// split and writes the DatasetDict (train, validation, test) to out, with
// split-report.json and split-assignments.jsonl (one line per input image:
// its split, or why it was left out).
func Run(ctx context.Context, in, out string, o Options) (*Report, error) {
	if o.Categories == nil {
		o.Categories = webemo.DefaultCategories()
	}
	if o.Plan.NumCategories == 0 {
		o.Plan.NumCategories = o.Categories.Len()
	}
	if o.Workers <= 0 {
		o.Workers = runtime.NumCPU()
	}
	if o.ClassNames == nil {
		o.ClassNames = ClassNames
	}
	if len(o.ClassNames) != 2 || o.ClassNames[0] == "" || o.ClassNames[1] == "" || o.ClassNames[0] == o.ClassNames[1] {
		return nil, fmt.Errorf("split: class names %q: want two different names", o.ClassNames)
	}
	if err := o.Image.check(); err != nil {
		return nil, err
	}
	if err := o.Plan.check(); err != nil {
		return nil, err
	}
	if overlap, err := atomicfile.Overlaps(in, out); err != nil {
		return nil, fmt.Errorf("split: %w", err)
	} else if overlap {
		return nil, fmt.Errorf("split: output %s and input %s are the same folder or one holds the other: writing it would replace the input; write the split elsewhere", out, in)
	}
	if !o.AllowIncomplete {
		if err := fetch.CheckComplete(in); err != nil {
			return nil, fmt.Errorf("split: %w", err)
		}
	}
	// The new output is written as a generation beside the old one, under
	// the output's lock; the old stays loadable until the final switch.
	gen, err := atomicfile.BeginDir(ctx, out, atomicfile.DirOptions{Stage: "split", Owns: func(name string) bool {
		return name == ReportFile || name == AssignmentsFile || shards.DictFiles(name, SplitNames)
	}})
	if err != nil {
		return nil, err
	}
	defer gen.Abort()
	ds, err := shards.Open(in)
	if err != nil {
		return nil, fmt.Errorf("split: %w", err)
	}
	defer ds.Close()
	if ds.NumRows() == 0 {
		return nil, fmt.Errorf("split: input %s holds no images", in)
	}

	rep := &Report{
		Input: in, Output: out, Classes: slices.Clone(o.ClassNames), PositiveIDs: slices.Clone(o.Plan.Positive),
		Seed: o.Plan.Seed, Conflicts: o.Plan.Conflicts.String(), MaxDistance: o.Plan.MaxDistance, NearFlips: o.Plan.NearFlips,
		KeepDuplicates: o.Plan.KeepDuplicates, Ratio: o.Plan.Ratio, MaxPerClass: o.Plan.MaxPerClass,
		Fractions: o.Plan.Fractions, Size: o.Image.Size, Resize: o.Image.Resize.String(),
		Format: o.Image.Format, Quality: o.Image.Quality,
		Timing: &Timing{Workers: o.Workers},
	}
	if o.Image.Format == "png" {
		rep.Quality = 0
	}
	for _, id := range o.Plan.Positive {
		if c, ok := o.Categories.Category(id); ok {
			rep.PositiveNames = append(rep.PositiveNames, c.Name)
		}
	}

	// 1. Scan: decode and hash every input image.
	start := time.Now()
	items, srcs, errs, err := scan(ctx, ds, o)
	if err != nil {
		return nil, err
	}
	rep.Timing.ScanSeconds = time.Since(start).Seconds()
	rep.Timing.ScanPerSecond = perSecond(len(items), rep.Timing.ScanSeconds)

	// 2. Plan.
	start = time.Now()
	plan, err := MakePlan(items, o.Plan)
	if err != nil {
		return nil, fmt.Errorf("split %s: %w", in, err)
	}
	rep.Funnel = plan.Funnel
	if err := checkUseful(&plan.Funnel, o.ClassNames, o.Plan.Fractions); err != nil {
		return rep, fmt.Errorf("split %s: %w", in, err)
	}
	for i, e := range errs {
		if plan.Assign[i].Reason == ReasonUnreadable && len(rep.Unreadable) < maxListed {
			rep.Unreadable = append(rep.Unreadable, items[i].ID+": "+e)
		}
	}
	rep.Timing.PlanSeconds = time.Since(start).Seconds()

	// 3. Write the kept images, normalised, split by split.
	start = time.Now()
	written, err := write(ctx, ds, gen, items, srcs, plan, o)
	if err != nil {
		return nil, err
	}
	rep.Timing.WriteSeconds = time.Since(start).Seconds()
	rep.Timing.WritePerSecond = perSecond(written, rep.Timing.WriteSeconds)

	if err := writeAssignments(ds, gen, items, srcs, errs, plan); err != nil {
		return nil, err
	}
	fileRep := *rep
	fileRep.Timing = nil
	data, err := json.MarshalIndent(&fileRep, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode split report: %w", err)
	}
	if err := gen.WriteFile(ReportFile, append(data, '\n')); err != nil {
		return nil, err
	}
	if err := shards.WriteDatasetDictIn(gen, SplitNames); err != nil {
		return nil, fmt.Errorf("split: %w", err)
	}
	// The switch: the whole DatasetDict replaces the old one at once.
	if err := gen.Commit(); err != nil {
		return nil, fmt.Errorf("split: %w", err)
	}
	return rep, nil
}

// ErrUseless wraps the reasons a planned split is not worth writing: no
// image kept, a class or a split left empty. The earlier output is kept.
var ErrUseless = errors.New("the split would be useless")

func checkUseful(f *Funnel, classes []string, fractions [3]float64) error {
	if f.Selected[0]+f.Selected[1] == 0 {
		return fmt.Errorf("%w: every one of the %d input images was dropped (unlabelled %d, unreadable %d, conflicts %d, duplicates %d)",
			ErrUseless, f.Input, f.Unlabelled, f.Unreadable, f.Conflicts.Dropped+f.Conflicts.GroupDropped, f.Duplicates.Removed)
	}
	for c, n := range f.Selected {
		if n == 0 {
			return fmt.Errorf("%w: no %s image is left after de-duplication and undersampling (%d before undersampling); check --positive and --ratio",
				ErrUseless, classes[c], f.Deduplicated[c])
		}
	}
	for i, name := range SplitNames {
		if n := f.Splits[name]; n[0]+n[1] == 0 && fractions[i] > 0 {
			return fmt.Errorf("%w: the %s split is empty (%d images selected); use more images or other --fractions", ErrUseless, name, f.Selected[0]+f.Selected[1])
		}
	}
	return nil
}

func perSecond(n int, s float64) float64 {
	if s <= 0 {
		return 0
	}
	return float64(n) / s
}

// rows yields every row of every split of ds in order with its location.
func rows(ds *shards.Dataset, errp *error) iter.Seq2[source, *shards.Row] {
	return func(yield func(source, *shards.Row) bool) {
		for si, s := range ds.Splits {
			it := s.Iter()
			for {
				r, err := it.Next()
				if err != nil {
					if !errors.Is(err, io.EOF) {
						*errp = fmt.Errorf("read %s: %w", s.Dir, err)
					}
					break
				}
				if !yield(source{si, it.Index() - 1}, r) {
					return
				}
			}
		}
	}
}

type scanJob struct {
	src source
	row *shards.Row
}

type scanResult struct {
	item Item
	err  string
}

// scan decodes and hashes every input image with o.Workers goroutines.
func scan(ctx context.Context, ds *shards.Dataset, o Options) ([]Item, []source, []string, error) {
	counter := pipeline.NewCounter(ds.NumRows())
	if o.Progress != nil {
		defer o.Progress("scan", counter)()
	}
	useSource := make([]bool, len(ds.Splits))
	for i, s := range ds.Splits {
		// A split whose label has other classes than the level-3 ids (e.g.
		// an earlier split output: others, sadness) carries the level-3 id
		// in source_label.
		useSource[i] = s.LabelNames != nil && len(s.LabelNames) != o.Categories.Len()
	}
	n := int(ds.NumRows())
	items := make([]Item, 0, n)
	srcs := make([]source, 0, n)
	errs := make([]string, 0, n)
	var readErr error
	jobs := func(yield func(scanJob) bool) {
		for src, r := range rows(ds, &readErr) {
			if !yield(scanJob{src, r}) {
				return
			}
		}
	}
	work := func(_ context.Context, j scanJob) (scanResult, error) {
		r := j.row
		if names := ds.Splits[j.src.split].LabelNames; names != nil && r.Label >= int64(len(names)) {
			return scanResult{}, fmt.Errorf("%s row %d (id %q): label %d is out of range for its %d label names", ds.Splits[j.src.split].Dir, j.src.row, r.ID, r.Label, len(names))
		}
		it := Item{ID: r.ID, SHA256: sha256.Sum256(r.Image)}
		if it.ID == "" {
			it.ID = r.Path
		}
		switch {
		case r.Labels != nil:
			for _, l := range r.Labels {
				it.Labels = append(it.Labels, int(l))
			}
		case useSource[j.src.split]:
			if r.SourceLabel >= 0 {
				it.Labels = []int{int(r.SourceLabel)}
			}
		case r.Label >= 0:
			it.Labels = []int{int(r.Label)}
		}
		img, err := Decode(r.Image, o.Image.MaxPixels)
		if err != nil {
			counter.AddDone(false)
			return scanResult{it, err.Error()}, nil
		}
		it.Readable = true
		it.Pixels = int64(img.Rect.Dx()) * int64(img.Rect.Dy())
		it.Sig = imagehash.Sign(img)
		counter.AddDone(true)
		counter.AddBytes(int64(len(r.Image)))
		return scanResult{item: it}, nil
	}
	sink := func(j scanJob, res scanResult) error {
		items = append(items, res.item)
		srcs = append(srcs, j.src)
		errs = append(errs, res.err)
		return nil
	}
	if err := pipeline.Ordered(ctx, o.Workers, jobs, work, sink); err != nil {
		return nil, nil, nil, fmt.Errorf("split: scan %s: %w", ds.Path, err)
	}
	if readErr != nil {
		return nil, nil, nil, fmt.Errorf("split: %w", readErr)
	}
	return items, srcs, errs, nil
}

type writeJob struct {
	item int
	row  *shards.Row
}

// write normalises the kept images and writes the three splits. It returns
// the number of images written.
func write(ctx context.Context, ds *shards.Dataset, gen *atomicfile.Dir, items []Item, srcs []source, plan *Plan, o Options) (int, error) {
	var kept []int
	for i, a := range plan.Assign {
		if a.Split >= 0 {
			kept = append(kept, i)
		}
	}
	counter := pipeline.NewCounter(int64(len(kept)))
	if o.Progress != nil {
		defer o.Progress("write", counter)()
	}
	writers := make([]*shards.Writer, len(SplitNames))
	abort := func() {
		for _, w := range writers {
			if w != nil {
				w.Abort()
			}
		}
	}
	for s, name := range SplitNames {
		w, err := shards.CreateIn(gen, name, shards.WriterOptions{
			LabelNames: o.ClassNames, Split: name, ShardBytes: o.ShardBytes})
		if err != nil {
			abort()
			return 0, fmt.Errorf("split: %w", err)
		}
		writers[s] = w
	}
	ext := "." + o.Image.Format
	if o.Image.Format == "jpeg" {
		ext = ".jpg"
	}
	var readErr error
	jobs := func(yield func(writeJob) bool) {
		for _, i := range kept {
			src := srcs[i]
			r, err := ds.Splits[src.split].Row(src.row)
			if err != nil {
				readErr = err
				return
			}
			if !yield(writeJob{i, r}) {
				return
			}
		}
	}
	work := func(_ context.Context, j writeJob) ([]byte, error) {
		data, err := Normalise(j.row.Image, o.Image)
		if err != nil {
			return nil, fmt.Errorf("image %s: %w", items[j.item].ID, err)
		}
		counter.AddDone(true)
		counter.AddBytes(int64(len(data)))
		return data, nil
	}
	sink := func(j writeJob, data []byte) error {
		a := plan.Assign[j.item]
		r := j.row
		sum := sha256.Sum256(data)
		name := r.ID
		if r.Path != "" {
			name = strings.TrimSuffix(filepath.Base(r.Path), filepath.Ext(r.Path))
		}
		var labels []int64
		for _, l := range items[j.item].Labels {
			labels = append(labels, int64(l))
		}
		return writers[a.Split].Write(&shards.Row{
			ID: r.ID, Image: data, Path: name + ext, Label: int64(a.Class), Labels: labels,
			SourceLabel: int64(a.SourceLabel), URL: r.URL, SHA256: hex.EncodeToString(sum[:]),
			Width: int32(o.Image.Size), Height: int32(o.Image.Size), Format: o.Image.Format, List: r.List,
		})
	}
	if err := pipeline.Ordered(ctx, o.Workers, jobs, work, sink); err != nil {
		abort()
		return 0, fmt.Errorf("split: write %s: %w", gen.Final(), err)
	}
	if readErr != nil {
		abort()
		return 0, fmt.Errorf("split: %w", readErr)
	}
	for s, w := range writers {
		if err := w.Close(); err != nil {
			writers[s] = nil
			abort()
			return 0, fmt.Errorf("split: %w", err)
		}
		writers[s] = nil
	}
	return len(kept), nil
}

// writeAssignments writes one JSON line per input image, in input order.
func writeAssignments(ds *shards.Dataset, gen *atomicfile.Dir, items []Item, srcs []source, errs []string, plan *Plan) error {
	path := gen.Join(AssignmentsFile)
	f, err := gen.Create(AssignmentsFile)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for i, a := range plan.Assign {
		src := srcs[i]
		r, err := ds.Splits[src.split].Row(src.row)
		if err != nil {
			f.Abort()
			return fmt.Errorf("split: %w", err)
		}
		line := assignmentLine{ID: items[i].ID, URL: r.URL, Reason: a.Reason, Error: errs[i],
			Group: a.Group, GroupSize: a.GroupSize}
		if a.Split >= 0 {
			line.Split = SplitNames[a.Split]
		}
		if a.Class >= 0 {
			line.Class = &a.Class
		}
		if a.SourceLabel >= 0 {
			line.SourceLabel = &a.SourceLabel
		}
		if err := enc.Encode(&line); err != nil {
			f.Abort()
			return fmt.Errorf("split: encode assignment of %s: %w", items[i].ID, err)
		}
		if buf.Len() > 1<<20 {
			if _, err := f.Write(buf.Bytes()); err != nil {
				f.Abort()
				return fmt.Errorf("write %s: %w", path, err)
			}
			buf.Reset()
		}
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Abort()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Commit()
}
