package split

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/disintegration/imaging"

	"github.com/curate-ml/curate/pipeline"
	"github.com/curate-ml/curate/shards"
	"github.com/curate-ml/curate/webemo"
)

// fixture describes one input row of the test dataset.
type fixture struct {
	id     string
	base   int // picture it shows; -1 for none
	labels []int64
	data   []byte
}

// buildInput writes a fetch-like DatasetDict (two splits named after the
// WEBEmo lists) of n pictures plus duplicates, conflicts and bad rows, and
// returns its directory and rows.
func buildInput(t testing.TB, dir string, n int) []fixture {
	t.Helper()
	var rows []fixture
	for i := range n {
		w, h := 200+(i%5)*8, 150+(i%3)*20
		pic := photo(uint64(1000+i), w, h)
		label := []int64{[]int64{0, 1, 3, 5, 22, 10}[i%6]}
		if i%2 == 1 {
			label = []int64{[]int64{4, 13, 19, 20, 21, 23}[i%6]}
		}
		data := encodeJPEG(t, pic, 90)
		switch {
		case i == 3:
			label = []int64{19, 0} // listed as sadness and affection: a URL conflict
		case i == 4:
			data = withEXIFOrientation(encodeJPEG(t, orient(pic, 8), 90), 6, false)
		case i == 5:
			data = encodePNG(t, pic)
		}
		rows = append(rows, fixture{fmt.Sprintf("p%03d", i), i, label, data})
		if i%5 == 0 { // near duplicate: resized and re-encoded
			small := imaging.Resize(pic, w*3/4, h*3/4, imaging.Lanczos)
			rows = append(rows, fixture{fmt.Sprintf("p%03d-small", i), i, label, encodeJPEG(t, small, 70)})
		}
		if i%7 == 0 { // exact duplicate under another URL
			rows = append(rows, fixture{fmt.Sprintf("p%03d-copy", i), i, label, data})
		}
	}
	rows = append(rows,
		fixture{"broken", -1, []int64{19}, []byte("<html>404</html>")},
		fixture{"nolabel", -2, nil, encodeJPEG(t, photo(7, 64, 64), 90)},
	)
	names := webemo.DefaultCategories().Level3Names()
	var splits []string
	for part, list := range []string{"train25", "test25"} {
		w, err := shards.Create(filepath.Join(dir, list), shards.WriterOptions{LabelNames: names, Split: list, BatchRows: 7})
		if err != nil {
			t.Fatal(err)
		}
		for k, f := range rows {
			if k%3 == 2 != (part == 1) {
				continue
			}
			r := &shards.Row{ID: f.id, Image: f.data, Label: -1, Labels: f.labels, SourceLabel: -1,
				URL: "http://cdn.test/" + f.id + ".jpg", List: list + ".txt"}
			if len(f.labels) > 0 {
				r.Label = f.labels[0]
			}
			if err := w.Write(r); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		splits = append(splits, list)
	}
	if err := shards.WriteDatasetDict(dir, splits); err != nil {
		t.Fatal(err)
	}
	return rows
}

// shared60 is the 60-picture input, built once for the tests that only read it.
var shared60 struct {
	once sync.Once
	dir  string
	rows []fixture
	err  error
}

func sharedInput(t *testing.T) (string, []fixture) {
	t.Helper()
	shared60.once.Do(func() {
		shared60.dir, shared60.err = os.MkdirTemp("", "split-input-")
		if shared60.err == nil {
			shared60.rows = buildInput(t, shared60.dir, 60)
		}
	})
	if shared60.err != nil || shared60.rows == nil {
		t.Fatalf("shared input: %v", shared60.err)
	}
	return shared60.dir, shared60.rows
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared60.dir != "" {
		os.RemoveAll(shared60.dir)
	}
	os.Exit(code)
}

func testOptions(workers int) Options {
	return Options{
		Plan: PlanOptions{
			Positive:    sadnessIDs,
			MaxDistance: 6,
			Ratio:       0.46,
			Fractions:   [3]float64{0.8, 0.1, 0.1},
			Seed:        42,
		},
		Image:   ImageOptions{Size: 256, Format: "jpeg", Quality: 95},
		Workers: workers,
	}
}

// readFiles returns every file under dir by relative path.
func readFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[rel] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestRunDeterministicAcrossWorkers(t *testing.T) {
	in := t.TempDir()
	buildInput(t, in, 40)
	var outs []map[string][]byte
	out := filepath.Join(t.TempDir(), "ds") // the same path: the report names it
	for _, workers := range []int{1, 4} {
		if err := os.RemoveAll(out); err != nil {
			t.Fatal(err)
		}
		var stages []string
		o := testOptions(workers)
		o.Progress = func(stage string, c *pipeline.Counter) func() {
			stages = append(stages, stage)
			return func() {
				if s := c.Snapshot(); s.Done != s.Total {
					t.Errorf("stage %s ended at %d of %d", stage, s.Done, s.Total)
				}
			}
		}
		rep, err := Run(context.Background(), in, out, o)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(stages, []string{"scan", "write"}) {
			t.Errorf("progress stages %v", stages)
		}
		if rep.Timing == nil || rep.Timing.Workers != workers {
			t.Errorf("timing %+v", rep.Timing)
		}
		outs = append(outs, readFiles(t, out))
	}
	if len(outs[0]) != len(outs[1]) {
		t.Fatalf("workers 1 wrote %d files, workers 4 wrote %d", len(outs[0]), len(outs[1]))
	}
	for name, data := range outs[0] {
		if !bytes.Equal(data, outs[1][name]) {
			t.Errorf("%s differs between workers 1 and 4", name)
		}
	}
	for _, want := range []string{"dataset_dict.json", ReportFile, AssignmentsFile, "train/state.json",
		"validation/dataset_info.json", "test/data-00000-of-00001.arrow"} {
		if _, ok := outs[0][want]; !ok {
			t.Errorf("no %s in output", want)
		}
	}
}

func TestRunOutput(t *testing.T) {
	in, rows := sharedInput(t)
	out := filepath.Join(t.TempDir(), "ds")
	rep, err := Run(context.Background(), in, out, testOptions(2))
	if err != nil {
		t.Fatal(err)
	}
	f := rep.Funnel

	// The funnel adds up.
	dropped := f.Unlabelled + f.Unreadable + f.Conflicts.Dropped + f.Conflicts.GroupDropped + f.Duplicates.Removed +
		f.Undersampled[0] + f.Undersampled[1]
	kept := 0
	for _, s := range SplitNames {
		kept += f.Splits[s][0] + f.Splits[s][1]
	}
	if f.Input != len(rows) || dropped+kept != f.Input {
		t.Errorf("funnel: input %d (want %d), dropped %d + kept %d", f.Input, len(rows), dropped, kept)
	}
	if f.Unreadable != 1 || f.Unlabelled != 1 || f.Conflicts.Images != 1 || f.Conflicts.Dropped != 1 {
		t.Errorf("funnel: %+v", f)
	}
	if len(rep.Unreadable) != 1 || !strings.HasPrefix(rep.Unreadable[0], "broken: ") {
		t.Errorf("unreadable list %q", rep.Unreadable)
	}
	// 12 near duplicates (i%5==0) and 9 exact copies (i%7==0) of 60 pictures,
	// in 19 groups (pictures 0 and 35 have both).
	if f.Duplicates.Near != 12 || f.Duplicates.Exact != 9 || f.Duplicates.Groups != 19 || f.Duplicates.Removed != 21 {
		t.Errorf("duplicates: %+v, want 12 near, 9 exact in 19 groups", f.Duplicates)
	}
	total := f.Selected[0] + f.Selected[1]
	if d := float64(f.Selected[1]) - 0.46*float64(total); d > 1 || d < -1 {
		t.Errorf("after undersampling %d of %d positive", f.Selected[1], total)
	}

	// Read the DatasetDict back: each picture at most once, in one split.
	ds, err := shards.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	if len(ds.Splits) != 3 {
		t.Fatalf("%d splits", len(ds.Splits))
	}
	byID := map[string]fixture{}
	for _, r := range rows {
		byID[r.id] = r
	}
	seen := map[int]string{}
	for si, s := range ds.Splits {
		if s.Name != SplitNames[si] || !slices.Equal(s.LabelNames, ClassNames) {
			t.Errorf("split %d: %s, labels %v", si, s.Name, s.LabelNames)
		}
		var perClass [2]int
		it := s.Iter()
		for {
			r, err := it.Next()
			if err != nil {
				break
			}
			fx := byID[r.ID]
			if prev, dup := seen[fx.base]; dup {
				t.Errorf("picture %d in %s and again as %s in %s", fx.base, prev, r.ID, s.Name)
			}
			seen[fx.base] = s.Name + "/" + r.ID
			perClass[r.Label]++
			img, format, err := image.Decode(bytes.NewReader(r.Image))
			if err != nil || format != "jpeg" || img.Bounds().Dx() != 256 || img.Bounds().Dy() != 256 {
				t.Errorf("%s: %s %v %v", r.ID, format, img.Bounds(), err)
			}
			wantClass := int64(0)
			if slices.Contains(sadnessIDs, int(r.SourceLabel)) {
				wantClass = 1
			}
			if r.Label != wantClass || !slices.Equal(r.Labels, fx.labels) || r.SourceLabel != fx.labels[0] {
				t.Errorf("%s: label %d source %d labels %v, fixture %v", r.ID, r.Label, r.SourceLabel, r.Labels, fx.labels)
			}
			if r.Width != 256 || r.Format != "jpeg" || !strings.HasSuffix(r.URL, r.ID+".jpg") || r.List == "" {
				t.Errorf("%s: row metadata %+v", r.ID, *r)
			}
		}
		if perClass != f.Splits[s.Name] {
			t.Errorf("%s: %v per class, report says %v", s.Name, perClass, f.Splits[s.Name])
		}
	}

	// Assignments: one line per input row; duplicates named with their group.
	af, err := os.Open(filepath.Join(out, AssignmentsFile))
	if err != nil {
		t.Fatal(err)
	}
	defer af.Close()
	sc := bufio.NewScanner(af)
	lines := map[string]assignmentLine{}
	for sc.Scan() {
		var l assignmentLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		lines[l.ID] = l
	}
	if len(lines) != len(rows) {
		t.Errorf("%d assignment lines, %d rows", len(lines), len(rows))
	}
	// The larger picture represents a near-duplicate pair; exact copies tie
	// and one of them stays.
	if l, base := lines["p010-small"], lines["p010"]; l.Group == "" || l.Group != base.Group || l.Reason != ReasonDuplicate || base.Reason == ReasonDuplicate {
		t.Errorf("p010-small: %+v; p010: %+v", l, base)
	}
	for _, b := range []string{"p035", "p014"} {
		l, base := lines[b+"-copy"], lines[b]
		if l.Group == "" || l.Group != base.Group || (l.Reason == ReasonDuplicate) == (base.Reason == ReasonDuplicate) {
			t.Errorf("%s-copy: %+v; %s: %+v", b, l, b, base)
		}
	}
	if lines["p004"].Reason == "" && lines["p004"].Split == "" {
		t.Errorf("p004 (EXIF) neither kept nor dropped: %+v", lines["p004"])
	}
	if l := lines["broken"]; l.Reason != ReasonUnreadable || l.Error == "" {
		t.Errorf("broken: %+v", l)
	}

	// split-report.json holds the funnel and no timing.
	var fileRep Report
	data, err := os.ReadFile(filepath.Join(out, ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &fileRep); err != nil {
		t.Fatal(err)
	}
	if fileRep.Timing != nil || fmt.Sprint(fileRep.Funnel) != fmt.Sprint(f) {
		t.Errorf("split-report.json: %s", data)
	}
}

func TestRunKeepDuplicatesSameSplit(t *testing.T) {
	in, rows := sharedInput(t)
	out := filepath.Join(t.TempDir(), "ds")
	o := testOptions(2)
	o.Plan.KeepDuplicates, o.Plan.Ratio = true, 0
	o.Plan.Fractions = [3]float64{0.5, 0.25, 0.25} // many cuts, to make leaks likely if grouping failed
	if _, err := Run(context.Background(), in, out, o); err != nil {
		t.Fatal(err)
	}
	ds, err := shards.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	base := map[string]int{}
	for _, r := range rows {
		base[r.id] = r.base
	}
	splitOf := map[int]string{}
	copies := 0
	for _, s := range ds.Splits {
		it := s.Iter()
		for r, err := it.Next(); err == nil; r, err = it.Next() {
			b := base[r.ID]
			if prev, ok := splitOf[b]; ok {
				copies++
				if prev != s.Name {
					t.Errorf("picture %d in %s and %s (%s)", b, prev, s.Name, r.ID)
				}
			}
			splitOf[b] = s.Name
		}
	}
	if copies != 21 {
		t.Errorf("%d duplicate copies kept, want 21", copies)
	}
}

func TestRunErrors(t *testing.T) {
	in := t.TempDir()
	buildInput(t, in, 6)
	o := testOptions(1)
	if _, err := Run(context.Background(), in, in, o); err == nil || !strings.Contains(err.Error(), "same folder") {
		t.Errorf("out = in: %v", err)
	}
	// split --in DS/train --out DS would replace its own input.
	nested := filepath.Join(t.TempDir(), "ds")
	buildInput(t, filepath.Join(nested, "train"), 6)
	if _, err := Run(context.Background(), filepath.Join(nested, "train"), nested, o); err == nil || !strings.Contains(err.Error(), "same folder") {
		t.Errorf("in inside out: %v", err)
	}
	if _, err := shards.Open(filepath.Join(nested, "train")); err != nil {
		t.Errorf("the input was damaged: %v", err)
	}
	if _, err := Run(context.Background(), filepath.Join(in, "missing"), t.TempDir(), o); err == nil {
		t.Error("missing input: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, in, filepath.Join(t.TempDir(), "x"), o); err == nil {
		t.Error("cancelled: no error")
	}
	// An empty input is an error, not an empty dataset.
	empty := t.TempDir()
	if w, err := shards.Create(empty, shards.WriterOptions{}); err != nil || w.Close() != nil {
		t.Fatal("create empty split")
	}
	if _, err := Run(context.Background(), empty, filepath.Join(t.TempDir(), "x"), o); err == nil || !strings.Contains(err.Error(), "no images") {
		t.Errorf("empty input: %v", err)
	}
	// A label that is not a level-3 id names the image.
	bad := t.TempDir()
	w, err := shards.Create(bad, shards.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(&shards.Row{ID: "weird", Image: encodeJPEG(t, photo(1, 32, 32), 90), Label: 99, SourceLabel: -1}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), bad, filepath.Join(t.TempDir(), "x"), o); err == nil || !strings.Contains(err.Error(), "weird") {
		t.Errorf("label 99: %v", err)
	}
	// A ClassLabel value out of range of its names is refused, naming the row.
	badClass := t.TempDir()
	writeBadClassLabel(t, badClass)
	if _, err := Run(context.Background(), badClass, filepath.Join(t.TempDir(), "x"), o); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("ClassLabel 7 of 2 names: %v", err)
	}
}

// writeBadClassLabel rewrites dir as a ClassLabel split (others, sadness)
// whose one row has label 2, as a hostile or buggy writer might: it writes
// three names and label 2, then blanks the third name out of the schema
// metadata with JSON whitespace, keeping every length.
func writeBadClassLabel(t *testing.T, dir string) {
	t.Helper()
	w, err := shards.Create(dir, shards.WriterOptions{LabelNames: []string{"others", "sadness", "zzzzzz"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(&shards.Row{ID: "badclass", Image: encodeJPEG(t, photo(2, 32, 32), 90), Label: 2, SourceLabel: 4}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(dir, shards.ShardName(0, 1))
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	from := []byte(`"sadness","zzzzzz"]`)
	to := []byte(`"sadness"]         `)
	if !bytes.Contains(data, from) {
		t.Fatal("label names not found in the shard")
	}
	os.WriteFile(name, bytes.ReplaceAll(data, from, to), 0o644)
}

// An earlier split output (label = others/sadness) is read through
// source_label, and re-splitting it keeps every image and label.
func TestRunReadsSourceLabel(t *testing.T) {
	in := t.TempDir()
	w, err := shards.Create(in, shards.WriterOptions{LabelNames: ClassNames})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		src := int64([]int{19, 0, 4, 22}[i%4])
		class := int64(0)
		if src == 19 || src == 4 {
			class = 1
		}
		if err := w.Write(&shards.Row{ID: fmt.Sprintf("r%02d", i), Image: encodeJPEG(t, photo(uint64(500+i), 64, 48), 90),
			Label: class, SourceLabel: src}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	o := testOptions(2)
	o.Plan.Ratio = 0
	out := filepath.Join(t.TempDir(), "ds")
	rep, err := Run(context.Background(), in, out, o)
	if err != nil {
		t.Fatal(err)
	}
	if f := rep.Funnel; f.Unlabelled != 0 || f.Selected != [2]int{10, 10} {
		t.Fatalf("funnel %+v", f)
	}
	ds, err := shards.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	for _, s := range ds.Splits {
		it := s.Iter()
		for r, err := it.Next(); err == nil; r, err = it.Next() {
			if want := slices.Contains(sadnessIDs, int(r.SourceLabel)); (r.Label == 1) != want || !slices.Equal(r.Labels, []int64{r.SourceLabel}) {
				t.Errorf("%s: label %d, source %d, labels %v", r.ID, r.Label, r.SourceLabel, r.Labels)
			}
		}
	}
}

// TestWriteScaleInput writes a larger WEBEmo-like input for timing the
// command by hand: CURATE_SPLIT_SCALE_DIR=/tmp/in CURATE_SPLIT_SCALE_N=5000
// go test -run TestWriteScaleInput ./split. Skipped otherwise.
func TestWriteScaleInput(t *testing.T) {
	dir := os.Getenv("CURATE_SPLIT_SCALE_DIR")
	if dir == "" {
		t.Skip("set CURATE_SPLIT_SCALE_DIR to write a scale input")
	}
	n := 5000
	if s := os.Getenv("CURATE_SPLIT_SCALE_N"); s != "" {
		fmt.Sscan(s, &n)
	}
	rows := buildInput(t, dir, n)
	t.Logf("wrote %d rows to %s", len(rows), dir)
}

func TestRunOutputDirectory(t *testing.T) {
	in := t.TempDir()
	buildInput(t, in, 40)
	o := testOptions(2)
	o.Plan.Ratio = 0
	// A directory with other files is refused, and left alone.
	busy := t.TempDir()
	os.WriteFile(filepath.Join(busy, "thesis.tex"), []byte("x"), 0o644)
	if _, err := Run(context.Background(), in, busy, o); err == nil || !strings.Contains(err.Error(), "thesis.tex") {
		t.Errorf("busy output: %v", err)
	}
	if entries, _ := os.ReadDir(busy); len(entries) != 1 {
		t.Errorf("busy output touched: %d entries", len(entries))
	}
	// An earlier output is replaced; a failed run leaves no dataset_dict.json.
	out := filepath.Join(t.TempDir(), "ds")
	if _, err := Run(context.Background(), in, out, o); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), in, out, o); err != nil {
		t.Fatalf("rerun into an earlier output: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	o.Progress = func(stage string, c *pipeline.Counter) func() {
		if stage == "write" {
			cancel()
		}
		return func() {}
	}
	if _, err := Run(ctx, in, out, o); err == nil {
		t.Fatal("cancelled run: no error")
	}
	// The earlier complete output still loads, every split of it.
	ds, err := shards.Open(out)
	if err != nil {
		t.Fatalf("after a cancelled rerun the earlier output does not load: %v", err)
	}
	defer ds.Close()
	if len(ds.Splits) != 3 || ds.NumRows() == 0 {
		t.Errorf("earlier output: %d splits, %d rows", len(ds.Splits), ds.NumRows())
	}
	for _, name := range []string{"dataset_dict.json", ReportFile} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("%s after a failed rerun: %v", name, err)
		}
	}
}

// TestRunUseless: a plan that keeps nothing, loses a class or leaves a split
// empty is an error wrapping ErrUseless, and the earlier output is kept.
func TestRunUseless(t *testing.T) {
	in := t.TempDir()
	buildInput(t, in, 40)
	unlabelled := t.TempDir()
	w, err := shards.Create(unlabelled, shards.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		w.Write(&shards.Row{ID: fmt.Sprint("u", i), Image: encodeJPEG(t, photo(uint64(i), 32, 32), 90), Label: -1, SourceLabel: -1})
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "ds")
	good := testOptions(2)
	good.Plan.Ratio = 0
	if _, err := Run(context.Background(), in, out, good); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(out, ReportFile))
	tests := []struct {
		name, in, want string
		opts           func(*Options)
	}{
		{"every row dropped", unlabelled, "every one of the 5", func(*Options) {}},
		{"tiny ratio removes a class", in, "no ", func(o *Options) { o.Plan.Ratio = 0.001 }},
		{"empty test split", in, "split is empty", func(o *Options) { o.Plan.Fractions = [3]float64{0.98, 0.01, 0.01} }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := testOptions(2)
			o.Plan.Ratio = 0
			tc.opts(&o)
			_, err := Run(context.Background(), tc.in, out, o)
			if !errors.Is(err, ErrUseless) && !strings.Contains(fmt.Sprint(err), "fraction") {
				t.Fatalf("err = %v, want ErrUseless", err)
			}
			if err != nil && errors.Is(err, ErrUseless) && !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to say %q", err, tc.want)
			}
			if after, _ := os.ReadFile(filepath.Join(out, ReportFile)); !bytes.Equal(after, before) {
				t.Error("the earlier output was replaced")
			}
		})
	}
}
