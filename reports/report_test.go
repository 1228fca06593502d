package reports

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/curate-ml/curate/shards"
)

// fixture copies testdata/fixture (hand-written run, seed and eval outputs
// whose numbers were worked out on paper) to a temporary folder, writes the
// small dataset their predictions' ids name, and makes that folder the
// working directory, as if the trainer had run there.
func fixture(t *testing.T) string {
	t.Helper()
	src, err := filepath.Abs("testdata/fixture")
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	writeMiniDataset(t, filepath.Join(dst, "datasets/mini"), []string{"p1", "p2", "p3", "p4", "p5", "p6", "q1", "q2", "q3", "q4"})
	t.Chdir(dst)
	return dst
}

// writeMiniDataset writes a DatasetDict with one split, test, holding one
// solid-colour JPEG per id.
func writeMiniDataset(t *testing.T, dir string, ids []string) {
	t.Helper()
	w, err := shards.Create(filepath.Join(dir, "test"), shards.WriterOptions{LabelNames: []string{"others", "sadness"}, Split: "test"})
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		img := image.NewRGBA(image.Rect(0, 0, 40, 30))
		c := color.RGBA{R: uint8(40 + 20*i), G: uint8(200 - 15*i), B: 90, A: 255}
		for p := 0; p < len(img.Pix); p += 4 {
			img.Pix[p], img.Pix[p+1], img.Pix[p+2], img.Pix[p+3] = c.R, c.G, c.B, c.A
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, nil); err != nil {
			t.Fatal(err)
		}
		if err := w.Write(&shards.Row{ID: id, Image: buf.Bytes(), Label: int64(i % 2), SourceLabel: shards.NoLabel, Width: 40, Height: 30, Format: "jpeg"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := shards.WriteDatasetDict(dir, []string{"test"}); err != nil {
		t.Fatal(err)
	}
}

func near[T ~float64](a T, b float64) bool { return math.Abs(float64(a)-b) < 5e-6 }

func TestBuildFixtures(t *testing.T) {
	fixture(t)
	r, err := Build(context.Background(), []string{"runs/k0", "runs/k4", "seeds/k4x3", "evals/unbiasedemo"}, Options{Examples: 2})
	if err != nil {
		t.Fatal(err)
	}
	tr := r.Training.Runs
	if len(tr) != 5 {
		t.Fatalf("training runs: got %d, want 5 (k0, k4, three seeds)", len(tr))
	}
	ev := r.Evaluation
	entry := func(name string) *EvalEntry {
		for _, e := range ev.Entries {
			if e.Name == name {
				return e
			}
		}
		t.Fatalf("no eval entry %q", name)
		return nil
	}
	set := func(name string) *EvalSet {
		for i := range ev.Sets {
			if ev.Sets[i].Name == name {
				return &ev.Sets[i]
			}
		}
		t.Fatalf("no eval set %q in %+v", name, ev.Sets)
		return nil
	}
	webemo, unbiased := set("mini / test"), set("images")
	t3 := map[string]Table3Row{}
	for _, row := range ev.Table3 {
		t3[row.Model] = row
	}
	grid := func(entry, kind string) []string {
		for _, g := range r.Examples.Grids {
			if g.Entry == entry && g.Kind == kind {
				var out []string
				for _, it := range g.Items {
					s := it.ID + it.Path
					if !it.Found {
						s += " (missing)"
					}
					out = append(out, s)
				}
				return out
			}
		}
		t.Fatalf("no grid %s / %s", entry, kind)
		return nil
	}
	// Every want below was worked out by hand from the fixture files.
	checks := []struct {
		name      string
		got, want any
	}{
		// Training: k4's epochs 2 and 3 tie on val accuracy 0.70; epoch 3 has the lower val loss.
		{"k4 best epoch", tr[1].Best, 3},
		{"k4 best val acc", tr[1].BestValAcc, 0.70},
		{"k4 mean images/s (10+12+14)/3", tr[1].MeanImagesPerS, 12.0},
		{"k4 seconds 12+10+9", tr[1].TotalSeconds, 31.0},
		{"k0 best epoch (tie at 0.55, lower loss first)", tr[0].Best, 1},
		{"k0 mean images/s", tr[0].MeanImagesPerS, 21.0},
		{"seed run name", tr[2].Name, "k4x3/seed-1"},
		{"seed gram", tr[4].Gram, 4},
		// Eval sets: the dataset's test split holds k0, k4 and the seeds; the folder is UnbiasedEmo.
		{"sets", len(ev.Sets), 2},
		{"webemo entries", len(webemo.Entries), 5},
		{"webemo paper table", webemo.PaperTable, "Table 4"},
		{"unbiased paper table", unbiased.PaperTable, "Table 5"},
		{"unbiased gram from the weights' run", *entry("unbiasedemo").Gram, 4},
		{"k4 AUC 8/9", near(entry("k4").Eval.ROCAUC, 8.0/9), true},
		{"k0 AUC with a tie 2.5/4", entry("k0").Eval.ROCAUC, 0.625},
		{"k4 confusion", entry("k4").Eval.Confusion, [][]int{{2, 1}, {0, 3}}},
		// Per-class table: 5 of ours, the seeds' mean, 5 paper rows.
		{"webemo rows", len(webemo.Rows), 11},
		{"seed mean row source", webemo.Rows[5].Source, "ours, mean of 3 runs"},
		{"seed mean others P (0.8+0.807692+0.84)/3", near(webemo.Rows[5].Others.Precision, 0.815897), true},
		{"seed mean others R", near(webemo.Rows[5].Others.Recall, 0.826667), true},
		{"seed mean sadness F1 (0.8+0.816327+0.84)/3", near(webemo.Rows[5].Sadness.F1, 0.818776), true},
		{"seed mean accuracy", near(*webemo.Rows[5].Accuracy, 0.82), true},
		{"paper row", webemo.Rows[9].Model + " " + webemo.Rows[9].Source, "k=4 paper"},
		{"paper k=4 sadness P", webemo.Rows[9].Sadness.Precision, 0.8125},
		{"unbiased rows (ours + the paper's k=4)", len(unbiased.Rows), 2},
		{"paper Table 5 sadness support", unbiased.Rows[1].Sadness.Support, 353},
		// Table 3: 80, 82, 84 % -> 82 ± 2 (sample SD); single runs one row per k.
		{"table3 rows", len(ev.Table3), 3},
		{"table3 order", ev.Table3[0].Model + "," + ev.Table3[1].Model + "," + ev.Table3[2].Model, "k0,k4,k4x3"},
		{"table3 seeds mean", near(t3["k4x3"].Accuracy.Mean, 82), true},
		{"table3 seeds SD", near(t3["k4x3"].Accuracy.SD, 2), true},
		{"table3 seeds n", t3["k4x3"].Accuracy.N, 3},
		{"table3 seeds AUC", near(t3["k4x3"].ROCAUC.Mean, 0.87), true},
		{"table3 k4 single run %", near(t3["k4"].Accuracy.Mean, 83.3333), true},
		{"table3 k0 paper", t3["k0"].Paper.Mean, 81.368},
		{"table3 seeds paper", t3["k4x3"].Paper.Mean, 81.826},
		// Examples (2 per grid): sadness by p desc, others by p asc, errors = misclassified.
		{"k4 sadness grid", grid("k4", GridSadness), []string{"p1", "p2"}},
		{"k4 others grid", grid("k4", GridOthers), []string{"p6", "p5"}},
		{"k4 errors grid (p3: others at 0.7)", grid("k4", GridErrors), []string{"p3"}},
		{"k0 sadness grid (tie at 0.7 by id)", grid("k0", GridSadness), []string{"q1", "q2"}},
		{"k0 errors (q2 at 0.7, q3 at 0.3: both 0.7 away)", grid("k0", GridErrors), []string{"q2", "q3"}},
		{"unbiased others grid, one image gone", grid("unbiasedemo", GridOthers), []string{"joy/beach/gone.jpg (missing)", "joy/beach/o1.jpg"}},
		{"unbiased errors", grid("unbiasedemo", GridErrors), []string{"joy/beach/o2.jpg"}},
		{"no funnel", r.Funnel.Given(), false},
	}
	for _, c := range checks {
		gj, _ := json.Marshal(c.got)
		wj, _ := json.Marshal(c.want)
		if !bytes.Equal(gj, wj) {
			t.Errorf("%s: got %s, want %s", c.name, gj, wj)
		}
	}
	// Seeds have no predictions.jsonl: reported missing, not a crash.
	if m := strings.Join(r.Missing(), "\n"); !strings.Contains(m, filepath.Join("seeds/k4x3/seed-2/test", predictionsFile)) || !strings.Contains(m, "gone.jpg") {
		t.Errorf("missing files: got\n%s", m)
	}

	page, err := r.HTML()
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	for _, want := range []string{
		`id="funnel"`, `id="training"`, `id="evaluation"`, `id="paper"`, `id="examples"`,
		"Not given: no fetch, filter-text or split output",
		`<td class="n">0.8571</td>`, // k4 sadness F1
		`82.000 ± 2.000`,            // Table 3, seeds
		`81.826 ± 0.086 (k=4)`,      // the paper's beside it
		`0.8159`,                    // seed mean others P
		`<span class="paper-tag">paper</span>`,
		"p(sadness) = 0.900",
		"Eval set: images",
		`missing (k4x3/seed-1): <code>seeds/k4x3/seed-1/test/predictions.jsonl</code>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// 5 figures; grids: k0 2+2+2, k4 2+2+1, unbiasedemo 2+1+1 (one image gone).
	if n := strings.Count(html, `src="data:image/`); n != 5+6+5+4 {
		t.Errorf("page has %d embedded images", n)
	}
	if strings.Contains(html, "http://") || strings.Contains(html, "https://") || strings.Contains(html, "<script") {
		t.Errorf("page refers to the network or has a script")
	}
	var names []string
	for _, f := range r.Figures() {
		names = append(names, f.Name)
		if !bytes.HasPrefix(f.PNG, []byte("\x89PNG")) || !bytes.Contains(f.SVG, []byte("<svg")) {
			t.Errorf("figure %s: not PNG + SVG", f.Name)
		}
	}
	if got := strings.Join(names, ","); got != "loss,accuracy,images-per-s,roc-1,roc-2" {
		t.Errorf("figures: got %s", got)
	}
	// The ROC legend carries each entry's AUC.
	for _, want := range []string{"k4 (k=4)  AUC 0.889", "k0 (k=0)  AUC 0.625"} {
		if !bytes.Contains(r.figures[3].SVG, []byte(want)) {
			t.Errorf("ROC figure lacks %q", want)
		}
	}
}

func TestWriteDeterministic(t *testing.T) {
	dir := fixture(t)
	var pages [][]byte
	files := map[string][]byte{}
	stale := filepath.Join(dir, "out", "report-figures", "roc-9.png") // from an earlier report with more eval sets
	os.MkdirAll(filepath.Dir(stale), 0o755)
	os.WriteFile(stale, []byte("old"), 0o644)
	for i := 0; i < 2; i++ {
		r, err := Build(context.Background(), []string{"runs/k4", "evals/unbiasedemo"}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, "out", "report.html")
		w, err := r.Write(out)
		if err != nil {
			t.Fatal(err)
		}
		if len(w.Figures) != 2*(3+2) {
			t.Fatalf("figure files: %v", w.Figures)
		}
		for _, f := range w.Figures {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if old, ok := files[f]; ok && !bytes.Equal(old, data) {
				t.Errorf("%s differs between two builds", f)
			}
			files[f] = data
		}
		if _, err := os.Stat(stale); err == nil {
			t.Errorf("a stale figure of an earlier report is left in the figures folder")
		}
		page, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := os.ReadFile(w.JSON)
		if err != nil {
			t.Fatal(err)
		}
		var back Report
		if err := json.Unmarshal(doc, &back); err != nil || len(back.Evaluation.Entries) != 2 {
			t.Fatalf("report.json: %v, %d entries", err, len(back.Evaluation.Entries))
		}
		pages = append(pages, page)
	}
	if !bytes.Equal(pages[0], pages[1]) {
		t.Errorf("two builds of the same inputs gave different pages")
	}
}

func TestBadInput(t *testing.T) {
	dir := fixture(t)
	mk := func(path, content string) string {
		p := filepath.Join(dir, path)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return filepath.Dir(p)
	}
	empty := filepath.Join(dir, "empty")
	os.MkdirAll(empty, 0o755)
	errCases := []struct {
		name, path, want string
	}{
		{"unknown folder", empty, empty + ": none of the known outputs"},
		{"no such path", "nowhere", "nowhere"},
		{"a file", "runs/k4/run.json", "runs/k4/run.json: not a folder"},
		{"bad JSON", mk("badjson/eval.json", "{not json"), "badjson/eval.json: not valid JSON"},
		{"bad JSONL line", mk("badline/metrics.jsonl", "{\"epoch\": 1}\n{oops\n"), "badline/metrics.jsonl:2: not valid JSON"},
		{"bad label", mk("badlabel/predictions.jsonl", "{\"id\": \"a\", \"label\": 3, \"p_sadness\": 0.5}\n"), "badlabel/predictions.jsonl:1: label 3"},
		{"bad confusion", mk("badconf/eval.json", `{"n": 5, "confusion": [[1, 2], [0, 0]]}`), "badconf/eval.json: the confusion matrix counts 3 images, n is 5"},
	}
	for _, c := range errCases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Build(context.Background(), []string{c.path}, Options{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
		})
	}

	// Known outputs lacking files: "missing" in their section, no error.
	onlyLedger := mk("fetch-partial/ledger.jsonl", "")
	onlyVerdicts := mk("filter-partial/verdicts.jsonl", "")
	onlyPreds := mk("eval-partial/predictions.jsonl", "{\"id\": \"p1\", \"label\": 1, \"p_sadness\": 0.9}\n")
	onlyMetrics := mk("run-partial/metrics.jsonl", "{\"epoch\": 1, \"train_loss\": 0.5}\n")
	r, err := Build(context.Background(), []string{onlyLedger, onlyVerdicts, onlyPreds, onlyMetrics}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		filepath.Join(onlyLedger, "fetch-stats.json"),
		filepath.Join(onlyVerdicts, "filter-stats.json"),
		filepath.Join(onlyMetrics, "run.json"),
		filepath.Join(onlyMetrics, "test", "eval.json"),
		filepath.Join(onlyMetrics, "test", "predictions.jsonl"),
		filepath.Join(onlyPreds, "eval.json"),
	}
	got := strings.Join(r.Missing(), "\n")
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("missing list lacks %s; got\n%s", w, got)
		}
	}
	page, err := r.HTML()
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(page), `class="missing">missing`); n < len(want) {
		t.Errorf("page shows %d missing notes, want at least %d", n, len(want))
	}
}

// An undefined metric (null in the trainer's JSON: AUC of a one-class set)
// shows as a dash and stays null in report.json; its curve is left out.
func TestUndefinedMetrics(t *testing.T) {
	dir := t.TempDir()
	ev := `{"source": {"kind": "folder", "path": "x"}, "n": 2, "loss": 0.1, "accuracy": 1, "roc_auc": null,
 "classes": [{"name": "others", "precision": 1, "recall": 1, "f1": 1, "support": 2}, {"name": "sadness", "precision": 0, "recall": 0, "f1": 0, "support": 0}],
 "confusion": [[2, 0], [0, 0]], "threshold": 0.5, "roc": [{"fpr": 0, "tpr": null, "threshold": 1}]}`
	if err := os.WriteFile(filepath.Join(dir, "eval.json"), []byte(ev), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Build(context.Background(), []string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(doc, []byte(`"roc_auc": null`)) {
		t.Errorf("report.json lacks a null roc_auc")
	}
	page, err := r.HTML()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), `<td class="n">1.0000</td><td class="n">–</td></tr>`) {
		t.Errorf("page does not show accuracy 1 and a dash for the AUC")
	}
}

func TestPaperTableFor(t *testing.T) {
	cases := []struct {
		src  EvalSource
		want string
	}{
		{EvalSource{Kind: "dataset", Path: "out/dataset", Split: "test"}, "Table 4"},
		{EvalSource{Kind: "dataset", Path: "out/dataset", Split: "validation"}, ""},
		{EvalSource{Kind: "folder", Path: "/data/x", Layout: "unbiasedemo"}, "Table 5"},
		{EvalSource{Kind: "folder", Path: "/data/UnbiasedEmo/images", Layout: "classfolders"}, "Table 5"},
		{EvalSource{Kind: "folder", Path: "/data/E6", Layout: "emotion6"}, "Table 6"},
		{EvalSource{Kind: "folder", Path: "/data/Emotion6", Layout: "classfolders"}, "Table 6"},
		{EvalSource{Kind: "folder", Path: "/data/mine", Layout: "classfolders"}, ""},
	}
	for _, c := range cases {
		if got := paperTableFor(c.src); got != c.want {
			t.Errorf("%+v: got %q, want %q", c.src, got, c.want)
		}
	}
}

// Two runs in folders of the same name keep apart; a run's test/ folder
// given as an eval output is named after its run.
func TestNames(t *testing.T) {
	dir := fixture(t)
	other := filepath.Join(dir, "other", "k4")
	os.MkdirAll(filepath.Join(other, "test"), 0o755)
	for _, f := range []string{"run.json", "metrics.jsonl", "test/eval.json", "test/predictions.jsonl"} {
		data, err := os.ReadFile(filepath.Join("runs/k4", f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(other, f), data, 0o644)
	}
	r, err := Build(context.Background(), []string{"runs/k4", "other/k4", "runs/k0/test"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range r.Evaluation.Entries {
		names = append(names, e.Name)
	}
	if got := strings.Join(names, ","); got != "runs/k4,other/k4,k0/test" {
		t.Errorf("names: %s", got)
	}
}
