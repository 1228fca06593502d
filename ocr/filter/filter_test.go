package filter

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/curate-ml/curate/ocr"
	"github.com/curate-ml/curate/ocr/internal/evalset"
	"github.com/curate-ml/curate/pipeline"
	"github.com/curate-ml/curate/shards"
)

// makeDataset writes the samples as a shards split (JPEG and PNG mixed,
// labelled, with every column set) and returns its folder and rows.
func makeDataset(t *testing.T, samples []evalset.Sample) (string, []*shards.Row) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "in")
	w, err := shards.Create(dir, shards.WriterOptions{LabelNames: []string{"others", "sadness"}, BatchRows: 4})
	if err != nil {
		t.Fatal(err)
	}
	var rows []*shards.Row
	for i, s := range samples {
		var buf bytes.Buffer
		format := "png"
		if i%2 == 0 {
			format = "jpeg"
			jpeg.Encode(&buf, s.Image, &jpeg.Options{Quality: 92})
		} else {
			png.Encode(&buf, s.Image)
		}
		sum := sha256.Sum256(buf.Bytes())
		r := &shards.Row{ID: s.Name, Image: buf.Bytes(), Path: s.Name + "." + format, Label: int64(i % 2),
			Labels: []int64{int64(i % 25)}, SourceLabel: int64(i % 25), URL: "http://example.test/" + s.Name,
			SHA256: hex.EncodeToString(sum[:]), Width: int32(s.Image.Bounds().Dx()), Height: int32(s.Image.Bounds().Dy()),
			Format: format, List: "train25"}
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, rows
}

func readRows(t *testing.T, dir string) ([]*shards.Row, []string) {
	t.Helper()
	ds, err := shards.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	var out []*shards.Row
	it := ds.Splits[0].Iter()
	for {
		r, err := it.Next()
		if err != nil {
			break
		}
		r.Image = append([]byte(nil), r.Image...)
		out = append(out, r)
	}
	return out, ds.Splits[0].LabelNames
}

func readVerdicts(t *testing.T, dir string) []Verdict {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, VerdictsFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Verdict
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var v Verdict
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("verdicts.jsonl: %v", err)
		}
		out = append(out, v)
	}
	return out
}

// outputs reads every final output file (not the journal) of a run.
func outputs(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Base(p) == JournalFile {
			return err
		}
		b, _ := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[rel] = b
		return nil
	})
	return files
}

var msField = regexp.MustCompile(`"ms":[0-9]+`)

func TestRunShards(t *testing.T) {
	samples := evalset.Generate(3, 1) // 7 with text, 7 without
	in, rows := makeDataset(t, samples)
	out := filepath.Join(t.TempDir(), "out")
	counter := pipeline.NewCounter(0)
	st, err := Run(context.Background(), Config{In: in, Out: out, Workers: 2, Counter: counter})
	if err != nil {
		t.Fatal(err)
	}
	if snap := counter.Snapshot(); snap.Total != int64(len(rows)) || snap.Done != snap.Total {
		t.Errorf("counter %+v, want %d done", snap, len(rows))
	}
	vs := readVerdicts(t, out)
	if len(vs) != len(rows) {
		t.Fatalf("%d verdicts for %d images", len(vs), len(rows))
	}
	kept, names := readRows(t, out)
	if !reflect.DeepEqual(names, []string{"others", "sadness"}) {
		t.Errorf("label names %v not carried over", names)
	}
	// The kept rows are exactly the rows judged without text, in input
	// order, with every column as it was.
	var want []*shards.Row
	correct := 0
	for i, v := range vs {
		if v.Key != rows[i].ID || v.ID != rows[i].ID {
			t.Fatalf("verdict %d is for %q, want %q (input order)", i, v.Key, rows[i].ID)
		}
		if v.HasText == samples[i].HasText {
			correct++
		}
		if !v.HasText {
			want = append(want, rows[i])
		}
		if v.HasText && len(v.Words) == 0 {
			t.Errorf("%s: has_text without words", v.Key)
		}
		// The verdict explains itself: the rule that decided and its boxes.
		decisive := 0
		for _, w := range v.Words {
			if w.Decisive {
				decisive++
			}
		}
		switch {
		case v.HasText && (v.Rule != ocr.RuleStrong && v.Rule != ocr.RuleAgree && v.Rule != ocr.RuleLine || decisive == 0):
			t.Errorf("%s: has_text by rule %q with %d decisive words", v.Key, v.Rule, decisive)
		case !v.HasText && (v.Rule != ocr.RuleNone && v.Rule != ocr.RuleFlat || decisive != 0):
			t.Errorf("%s: no text by rule %q with %d decisive words", v.Key, v.Rule, decisive)
		}
	}
	if !reflect.DeepEqual(kept, want) {
		t.Errorf("kept rows differ from the rows judged without text: %d kept, want %d", len(kept), len(want))
	}
	if correct < len(rows)-2 {
		t.Errorf("only %d of %d images judged right", correct, len(rows))
	}
	if st.Images != int64(len(rows)) || st.Kept != int64(len(kept)) || st.Dropped != st.Images-st.Kept {
		t.Errorf("stats %+v disagree with %d rows, %d kept", st, len(rows), len(kept))
	}
	if _, err := os.Stat(filepath.Join(out, SheetsDir, "page-0001.png")); st.Dropped > 0 && err != nil {
		t.Errorf("no contact sheet for %d dropped images: %v", st.Dropped, err)
	}
	first := outputs(t, out)

	// A rerun resumes from the journal: nothing is decided again and every
	// output is byte-identical.
	st2, err := Run(context.Background(), Config{In: in, Out: out, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if st2.Resumed != int64(len(rows)) {
		t.Errorf("rerun decided %d images again", int64(len(rows))-st2.Resumed)
	}
	if again := outputs(t, out); !reflect.DeepEqual(again, first) {
		t.Error("resumed run's outputs differ from the first run's")
	}

	// Other thresholds cannot reuse the journal's verdicts.
	if _, err := Run(context.Background(), Config{In: in, Out: out, Workers: 1, Detector: ocr.Options{MinConfidence: 80}}); err == nil ||
		!strings.Contains(err.Error(), "other detector options") {
		t.Errorf("rerun with other options: %v", err)
	}

	// A crash after half the images: the journal holds half the verdicts
	// and a torn line. The resumed run's outputs equal the complete run's,
	// timings aside.
	journal, err := os.ReadFile(filepath.Join(out, JournalFile))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(journal), "\n")
	crashed := filepath.Join(t.TempDir(), "crashed")
	os.MkdirAll(crashed, 0o755)
	os.WriteFile(filepath.Join(crashed, OptionsFile), first[OptionsFile], 0o644)
	os.WriteFile(filepath.Join(crashed, JournalFile), []byte(strings.Join(lines[:len(rows)/2], "")+`{"key":"torn`), 0o644)
	st3, err := Run(context.Background(), Config{In: in, Out: crashed, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if st3.Resumed != int64(len(rows)/2) {
		t.Errorf("resumed %d verdicts, want %d", st3.Resumed, len(rows)/2)
	}
	got := outputs(t, crashed)
	if len(got) != len(first) {
		t.Errorf("resumed run wrote %d files, want %d", len(got), len(first))
	}
	for name, b := range first {
		g := got[name]
		if name == VerdictsFile {
			b, g = msField.ReplaceAll(b, nil), msField.ReplaceAll(g, nil)
		}
		if !bytes.Equal(b, g) {
			t.Errorf("%s differs after a crash and resume", name)
		}
	}
}

func TestRunFolder(t *testing.T) {
	in := t.TempDir()
	samples := evalset.Generate(4, 1)
	keep := []evalset.Sample{samples[0], samples[1], samples[len(samples)-1], samples[len(samples)-3]} // 2 with text, 2 without
	for i, s := range keep {
		var buf bytes.Buffer
		png.Encode(&buf, s.Image)
		sub := filepath.Join(in, []string{"a", "b"}[i%2])
		os.MkdirAll(sub, 0o755)
		os.WriteFile(filepath.Join(sub, s.Name+".png"), buf.Bytes(), 0o644)
	}
	os.WriteFile(filepath.Join(in, "broken.jpg"), []byte("not a jpeg"), 0o644)
	os.WriteFile(filepath.Join(in, "notes.txt"), []byte("not an image"), 0o644)
	out := filepath.Join(t.TempDir(), "out")
	st, err := Run(context.Background(), Config{In: in, Out: out, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if st.Images != 5 || st.Unreadable != 1 || st.InputKind != kindFolder {
		t.Errorf("stats %+v: want 5 images (4 + broken.jpg), 1 unreadable", st)
	}
	vs := readVerdicts(t, out)
	// Path order: a/..., b/..., broken.jpg.
	if last := vs[len(vs)-1]; last.Path != "broken.jpg" || last.Error == "" || !strings.HasPrefix(vs[0].Path, "a/") {
		t.Errorf("verdicts not in path order or broken.jpg without its error: %+v", vs)
	}
	kept, _ := readRows(t, out)
	for _, r := range kept {
		if r.Label != shards.NoLabel || r.SHA256 == "" || r.Width == 0 || r.Format != "png" || !strings.Contains(r.ID, "/") {
			t.Errorf("kept row %+v lacks its folder metadata", r.ID)
		}
	}
	if int64(len(kept)) != st.Kept {
		t.Errorf("%d kept rows, stats say %d", len(kept), st.Kept)
	}
}

func TestRunErrors(t *testing.T) {
	if _, err := Run(context.Background(), Config{In: filepath.Join(t.TempDir(), "missing"), Out: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing input: %v", err)
	}
	empty := t.TempDir()
	if _, err := Run(context.Background(), Config{In: empty, Out: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "no image files") {
		t.Errorf("empty folder: %v", err)
	}
	in := t.TempDir()
	os.WriteFile(filepath.Join(in, "x.png"), []byte("x"), 0o644)
	if _, err := Run(context.Background(), Config{In: in, Out: t.TempDir(), TessdataDir: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "eng.traineddata") {
		t.Errorf("missing language data: %v", err)
	}
}

func TestRunDatasetDict(t *testing.T) {
	samples := evalset.Generate(7, 1)
	in := t.TempDir()
	pick := map[string][]evalset.Sample{
		"train": {samples[0], samples[len(samples)-1]}, // caption, plain scene
		"test":  {samples[2], samples[len(samples)-2]}, // sign, sky
	}
	for _, name := range []string{"train", "test"} {
		w, err := shards.Create(filepath.Join(in, name), shards.WriterOptions{Split: name})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range pick[name] {
			var buf bytes.Buffer
			png.Encode(&buf, s.Image)
			if err := w.Write(&shards.Row{ID: s.Name, Image: buf.Bytes(), Label: shards.NoLabel, SourceLabel: shards.NoLabel, Format: "png"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if err := shards.WriteDatasetDict(in, []string{"train", "test"}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	st, err := Run(context.Background(), Config{In: in, Out: out, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := shards.Open(out)
	if err != nil {
		t.Fatalf("output is not a DatasetDict: %v", err)
	}
	defer ds.Close()
	if len(ds.Splits) != 2 || ds.Split("train") == nil || ds.Split("test") == nil {
		t.Fatalf("output splits %v", ds.Splits)
	}
	if len(st.Splits) != 2 || st.Splits[0].Images != 2 || st.Splits[1].Images != 2 {
		t.Errorf("split stats %+v", st.Splits)
	}
	vs := readVerdicts(t, out)
	if len(vs) != 4 || vs[0].Key != "train/"+pick["train"][0].Name || vs[2].Key != "test/"+pick["test"][0].Name {
		t.Errorf("verdict keys %v", vs)
	}
	if ds.NumRows() != st.Kept {
		t.Errorf("%d rows kept, stats say %d", ds.NumRows(), st.Kept)
	}
}
