package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/curate-ml/curate/reports"
	"github.com/curate-ml/curate/train"
)

func reportGlobal() (*Global, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &Global{Stdout: &out, Stderr: &errb, Quiet: true}, &out
}

// demoOnce runs `curate demo` (real fetch from loopback, Tesseract, split)
// into a temporary folder; its last step writes demo-out/report.html.
func runDemoForReport(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "demo")
	g, _ := reportGlobal()
	if err := runDemo(context.Background(), DemoOptions{Out: out, Seed: 1}, g); err != nil {
		t.Fatal(err)
	}
	return out
}

// reportDoc reads the report.json written beside a page.
func reportDoc(t *testing.T, htmlPath string) *reports.Report {
	t.Helper()
	raw, err := os.ReadFile(strings.TrimSuffix(htmlPath, ".html") + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var r reports.Report
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

// TestReportDemo renders the report of a small real pipeline run: the demo
// (fetch from loopback, Tesseract, split), a few training steps of the tiny
// network (a baseline k=0 and two seeds of k=1), and an eval of the
// validation split. It checks every section against numbers worked out
// independently (the demo's design; accuracy, confusion and ROC-AUC
// recomputed from predictions.jsonl here), then opens the page in Chromium.
func TestReportDemo(t *testing.T) {
	chromiumPath(t) // fail early, before the pipeline runs
	ctx := context.Background()
	demo := runDemoForReport(t)
	dataset := filepath.Join(demo, "dataset")
	runs := filepath.Join(t.TempDir(), "runs")
	g, _ := reportGlobal()
	tiny := func(out string, gram int) TrainOptions {
		o := train.Defaults()
		o.Data, o.Out = dataset, filepath.Join(runs, out)
		o.Backbone, o.Gram, o.Size = "tiny", gram, 32
		o.Epochs, o.Batch, o.Threads, o.Augment = 3, 8, 2, "none"
		return TrainOptions{Options: o}
	}
	if err := runTrain(ctx, tiny("k0", 0), g); err != nil {
		t.Fatal(err)
	}
	seeds := tiny("k1", 1)
	seeds.Seeds = "1,2"
	if err := runTrain(ctx, seeds, g); err != nil {
		t.Fatal(err)
	}
	evalDir := filepath.Join(runs, "eval-validation")
	if err := runEval(ctx, EvalOptions{
		NetFlags: NetFlags{Weights: filepath.Join(runs, "k1", "seed-1", train.BestCheckpoint), Threshold: 0.5, Batch: 8, Threads: 2},
		Data:     dataset,
		Split:    "validation",
		Out:      evalDir,
	}, g); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(t.TempDir(), "report.html")
	paths := []string{filepath.Join(demo, "fetch"), filepath.Join(demo, "filtered"), dataset,
		filepath.Join(runs, "k0"), filepath.Join(runs, "k1"), evalDir}
	if err := runReport(ctx, ReportOptions{Paths: paths, Out: page, Examples: 4, Sheets: 4}, g); err != nil {
		t.Fatal(err)
	}
	r := reportDoc(t, page)
	t.Run("funnel", func(t *testing.T) { testReportDemoFunnel(t, r, demo) })
	t.Run("training", func(t *testing.T) { testReportTraining(t, r) })
	t.Run("evaluation", func(t *testing.T) { testReportEvaluation(t, r) })
	t.Run("browser", func(t *testing.T) { testReportBrowser(t, page) })
}

func testReportTraining(t *testing.T, r *reports.Report) {
	var trainN int
	for _, s := range r.Funnel.Splits {
		if s.Name == "train" {
			trainN = s.Total
		}
	}
	stepsPerEpoch := (trainN + 7) / 8 // batch 8, the last batch partial
	want := []struct {
		name string
		gram int
	}{{"k0", 0}, {"k1/seed-1", 1}, {"k1/seed-2", 1}}
	if len(r.Training.Runs) != len(want) {
		t.Fatalf("training runs: got %d, want %d", len(r.Training.Runs), len(want))
	}
	for i, w := range want {
		run := r.Training.Runs[i]
		if run.Name != w.name || run.Gram != w.gram || run.Backbone != "tiny" || run.Size != 32 || len(run.Missing) != 0 {
			t.Errorf("run %d: %s k=%d %s %d missing %v; want %s k=%d tiny 32", i, run.Name, run.Gram, run.Backbone, run.Size, run.Missing, w.name, w.gram)
		}
		if len(run.Epochs) != 3 {
			t.Fatalf("%s: %d epochs, want 3", run.Name, len(run.Epochs))
		}
		best, bestAcc, bestLoss := 0, -1.0, 0.0
		for j, e := range run.Epochs {
			if e.Epoch != j+1 || e.Step != uint64((j+1)*stepsPerEpoch) || e.ImagesPerS <= 0 || e.ValAccuracy == nil || e.ValLoss == nil {
				t.Errorf("%s epoch %d: %+v (want step %d, images/s > 0, validation numbers)", run.Name, j+1, e, (j+1)*stepsPerEpoch)
				continue
			}
			a, l := float64(*e.ValAccuracy), float64(*e.ValLoss)
			if a > bestAcc || (a == bestAcc && l < bestLoss) {
				best, bestAcc, bestLoss = e.Epoch, a, l
			}
		}
		if run.Best != best {
			t.Errorf("%s: best epoch %d, want %d (best validation accuracy, ties to the lower loss)", run.Name, run.Best, best)
		}
	}
}

// scores recomputes what eval.json should hold from predictions.jsonl:
// accuracy and confusion at 0.5, and ROC-AUC as the share of
// (sadness, others) pairs ranked right, ties counting half.
func scores(t *testing.T, path string) (n int, acc float64, confusion [2][2]int, auc float64) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var pos, neg []float64
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var p struct {
			Label    int     `json:"label"`
			PSadness float64 `json:"p_sadness"`
		}
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		pred := 0
		if p.PSadness >= 0.5 {
			pred = 1
		}
		confusion[p.Label][pred]++
		if p.Label == 1 {
			pos = append(pos, p.PSadness)
		} else {
			neg = append(neg, p.PSadness)
		}
	}
	n = len(pos) + len(neg)
	acc = float64(confusion[0][0]+confusion[1][1]) / float64(n)
	var right float64
	for _, p := range pos {
		for _, q := range neg {
			switch {
			case p > q:
				right++
			case p == q:
				right += 0.5
			}
		}
	}
	auc = right / float64(len(pos)*len(neg))
	return n, acc, confusion, auc
}

func testReportEvaluation(t *testing.T, r *reports.Report) {
	ev := r.Evaluation
	splitN := map[string]int{}
	for _, s := range r.Funnel.Splits {
		splitN[s.Name] = s.Total
	}
	wantSets := []struct {
		name, table string
		entries     []string
	}{
		{"dataset / test", "Table 4", []string{"k0", "k1/seed-1", "k1/seed-2"}},
		{"dataset / validation", "", []string{"eval-validation"}},
	}
	if len(ev.Sets) != len(wantSets) {
		t.Fatalf("eval sets: got %d, want %d", len(ev.Sets), len(wantSets))
	}
	accOf := map[string]float64{}
	for i, w := range wantSets {
		set := ev.Sets[i]
		var names []string
		for _, k := range set.Entries {
			names = append(names, ev.Entries[k].Name)
		}
		if set.Name != w.name || set.PaperTable != w.table || strings.Join(names, ",") != strings.Join(w.entries, ",") {
			t.Errorf("set %d: %s (%s) %v; want %s (%s) %v", i, set.Name, set.PaperTable, names, w.name, w.table, w.entries)
		}
		for _, k := range set.Entries {
			e := ev.Entries[k]
			n, acc, conf, auc := scores(t, filepath.Join(e.Path, "predictions.jsonl"))
			accOf[e.Name] = acc
			if e.Eval == nil {
				t.Fatalf("%s: no eval", e.Name)
			}
			got := e.Eval
			if n != splitN[set.Split] || got.N != n || e.Predictions != n {
				t.Errorf("%s: n %d, predictions %d; the funnel's %s split has %d", e.Name, got.N, e.Predictions, set.Split, splitN[set.Split])
			}
			if math.Abs(float64(got.Accuracy)-acc) > 1e-9 || math.Abs(float64(got.ROCAUC)-auc) > 1e-9 {
				t.Errorf("%s: accuracy %v AUC %v; recomputed %v and %v", e.Name, got.Accuracy, got.ROCAUC, acc, auc)
			}
			if len(got.Confusion) != 2 || got.Confusion[0][0] != conf[0][0] || got.Confusion[0][1] != conf[0][1] || got.Confusion[1][0] != conf[1][0] || got.Confusion[1][1] != conf[1][1] {
				t.Errorf("%s: confusion %v, recomputed %v", e.Name, got.Confusion, conf)
			}
			if len(got.ROC) < 2 {
				t.Errorf("%s: ROC has %d points", e.Name, len(got.ROC))
			}
		}
	}
	// Table 4's layout for the test split: 3 runs, the mean of the k=1 seeds, 5 paper rows.
	if rows := ev.Sets[0].Rows; len(rows) != 9 || rows[3].Source != "ours, mean of 2 runs" || rows[4].Source != "paper" {
		t.Errorf("test split rows: %d, %+v", len(rows), rows)
	}
	// Table 3: the baseline's one run, and the two k=1 seeds (mean ± sample SD).
	if len(ev.Table3) != 2 {
		t.Fatalf("Table 3: %d rows, want 2", len(ev.Table3))
	}
	a1, a2 := 100*accOf["k1/seed-1"], 100*accOf["k1/seed-2"]
	mean := (a1 + a2) / 2
	sd := math.Abs(a1-a2) / math.Sqrt2
	k0, k1 := ev.Table3[0], ev.Table3[1]
	if k0.Gram != 0 || k0.Accuracy.N != 1 || math.Abs(float64(k0.Accuracy.Mean)-100*accOf["k0"]) > 1e-9 || k0.Paper == nil || k0.Paper.Mean != 81.368 {
		t.Errorf("Table 3 baseline: %+v", k0)
	}
	if k1.Gram != 1 || k1.Accuracy.N != 2 || math.Abs(float64(k1.Accuracy.Mean)-mean) > 1e-6 || math.Abs(float64(k1.Accuracy.SD)-sd) > 1e-6 {
		t.Errorf("Table 3 k=1: %+v; want %.4f ± %.4f over 2", k1.Accuracy, mean, sd)
	}
	// Examples: three grids per entry, every image found in the dataset.
	if len(r.Examples.Grids) != 3*4 || len(r.Examples.Missing) != 0 {
		t.Errorf("example grids %d, missing %v", len(r.Examples.Grids), r.Examples.Missing)
	}
	for _, g := range r.Examples.Grids {
		for _, it := range g.Items {
			if !it.Found {
				t.Errorf("%s %s: image %s not found", g.Entry, g.Kind, it.ID)
			}
		}
	}
}

// testReportDemoFunnel checks the data funnel of the demo's report against
// numbers that follow from the demo's design (cmd/curate/demodata and
// writeDemoLists), not from the stages' code.
func testReportDemoFunnel(t *testing.T, r *reports.Report, demo string) {
	images, err := loadDemoManifest()
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, im := range images {
		kinds[im.kind]++
	}
	n := len(images)
	if demoReport := reportDoc(t, filepath.Join(demo, "report.html")); len(demoReport.Funnel.Steps) != len(r.Funnel.Steps) {
		t.Errorf("the demo's own report has %d funnel steps, this one %d", len(demoReport.Funnel.Steps), len(r.Funnel.Steps))
	}
	steps := map[string]int64{}
	for _, s := range r.Funnel.Steps {
		steps[s.Stage+": "+s.Name] = s.Count
	}
	want := map[string]int64{
		// every image, scene-03 listed twice, gone + page + broken, one malformed line
		"fetch: list lines":           int64(n + 1 + 3 + 1),
		"fetch: malformed lines":      1,
		"fetch: repeated URL lines":   1,
		"fetch: unique URLs":          int64(n + 3),
		"fetch: failed: http_404":     1,        // /gone/
		"fetch: failed: not_image":    1,        // /page/: HTML with status 200
		"fetch: failed: decode_error": 1,        // /broken/: a third of a JPEG
		"fetch: fetched ok":           int64(n), // /flaky/ succeeds on retry
		"filter-text: text found":     int64(kinds["text"]),
		"filter-text: text-free":      int64(n - kinds["text"]),
		"split: split input":          int64(n - kinds["text"]),
		"split: label conflicts":      1, // scene-03: joy (6) and sadness (19)
		"split: undersampled":         0, // the demo keeps every image
	}
	for k, v := range want {
		if steps[k] != v {
			t.Errorf("%s: got %d, want %d", k, steps[k], v)
		}
	}
	// Each split step follows from the one before.
	dedup := steps["split: split input"] - steps["split: label conflicts"] - steps["split: duplicates merged"]
	if steps["split: after de-duplication"] != dedup || steps["split: selected"] != dedup {
		t.Errorf("de-duplicated %d, selected %d; want %d", steps["split: after de-duplication"], steps["split: selected"], dedup)
	}
	if s := steps["split: train"] + steps["split: validation"] + steps["split: test"]; s != dedup {
		t.Errorf("train+validation+test = %d, want %d", s, dedup)
	}
	if steps["split: duplicates merged"] < 1 { // scene-10-copy.jpg at least
		t.Errorf("duplicates merged: %d", steps["split: duplicates merged"])
	}
	if len(r.Funnel.ContactSheets) != 1 || len(r.Funnel.Missing) != 0 || len(r.Funnel.Notes) != 0 {
		t.Errorf("contact sheets %v, missing %v, notes %v", r.Funnel.ContactSheets, r.Funnel.Missing, r.Funnel.Notes)
	}
	for _, f := range []string{"funnel.png", "funnel.svg", "splits.png", "splits.svg"} {
		if _, err := os.Stat(filepath.Join(demo, "report-figures", f)); err != nil { // the demo's own report
			t.Error(err)
		}
	}
}

func TestReportCommandErrors(t *testing.T) {
	dir := t.TempDir()
	g, _ := reportGlobal()
	err := run(context.Background(), g, []string{"curate", "report", "--out", filepath.Join(dir, "r.html"), dir})
	if err == nil || exitCode(err) != exitUsage || !strings.Contains(err.Error(), dir+": none of the known outputs") {
		t.Errorf("unknown folder: got %v (exit %d)", err, exitCode(err))
	}
	err = run(context.Background(), g, []string{"curate", "report"})
	if exitCode(err) != exitUsage {
		t.Errorf("no PATH: got %v (exit %d), want exit 2", err, exitCode(err))
	}
	if _, err := os.Stat(filepath.Join(dir, "r.html")); err == nil {
		t.Errorf("a failed report wrote its page")
	}
}

// chromiumPath finds Debian's chromium. The browser test never skips: a
// machine without it fails with how to install it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("chromium not found: the browser test needs Debian's chromium; `make deps` installs it")
	return ""
}

// browse opens a page in headless Chromium with the network off and returns
// every <img>'s natural width (by alt text), a full-page screenshot (PNG) and
// the URLs the page tried to fetch other than data: and file: URLs.
func browse(t *testing.T, page string) (widths map[string]int, shot []byte, requests []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	actx, acancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 900),
	)
	defer acancel()
	var reqs []string
	bctx, bcancel := chromedp.NewContext(actx, chromedp.WithListener(func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			u := e.Request.URL
			if !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "file:") {
				reqs = append(reqs, u)
			}
		}
	}))
	defer bcancel()
	abs, err := filepath.Abs(page)
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(bctx,
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
				return fmt.Errorf("network.enable: %w", err)
			}
			_, err := cdp.Call(ctx, tg, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
				MatchedNetworkConditions: []*network.Conditions{{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}},
			})
			if err != nil {
				return fmt.Errorf("network offline: %w", err)
			}
			return nil
		}),
		chromedp.Navigate("file://"+abs),
	)
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	type img struct {
		Alt      string `json:"alt"`
		Complete bool   `json:"complete"`
		Width    int    `json:"w"`
	}
	imgs, err := chromedp.Run(bctx, chromedp.Evaluate[[]img](
		`Array.from(document.images).map(i => ({alt: i.alt, complete: i.complete, w: i.naturalWidth}))`))
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	widths = map[string]int{}
	for i, im := range imgs {
		widths[fmt.Sprintf("%d %s", i, im.Alt)] = im.Width
	}
	shot, err = chromedp.Run(bctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("chromium screenshot: %v", err)
	}
	return widths, shot, reqs
}

// lumaSD is the standard deviation of the screenshot's luminance: a blank
// (all-white or all-black) page has 0.
func lumaSD(t *testing.T, shot []byte) (sd float64, w, h int) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	b := img.Bounds()
	var sum, sq, n float64
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			l := (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(bl)) / 257
			sum += l
			sq += l * l
			n++
		}
	}
	m := sum / n
	return math.Sqrt(sq/n - m*m), b.Dx(), b.Dy()
}

// testReportBrowser opens the pipeline's report in headless Chromium with
// the network off and checks that every image loaded and the page is not
// blank.
// With CURATE_REPORT_SCREENSHOT=FILE it also writes the screenshot (PNG) there
// (make docs-screenshot).
func testReportBrowser(t *testing.T, page string) {
	widths, shot, reqs := browse(t, page)
	if len(reqs) > 0 {
		t.Errorf("the page fetched from the network: %v", reqs)
	}
	// funnel, splits, 3 training, 2 ROC figures, 1 contact sheet, 12 grids of up to 4 thumbnails
	if len(widths) < 8+12 {
		t.Errorf("only %d images on the page", len(widths))
	}
	for name, w := range widths {
		if w <= 0 {
			t.Errorf("image %q did not load (naturalWidth %d)", name, w)
		}
	}
	sd, w, h := lumaSD(t, shot)
	if sd < 20 || w < 1000 || h < 2000 {
		t.Errorf("screenshot %dx%d, luminance SD %.1f: looks blank", w, h, sd)
	}
	if out := os.Getenv("CURATE_REPORT_SCREENSHOT"); out != "" {
		if err := os.WriteFile(out, shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBrowseCatchesNetwork checks the checker: an image from the network
// does not load (the network is off) and the request is reported.
func TestBrowseCatchesNetwork(t *testing.T) {
	page := filepath.Join(t.TempDir(), "net.html")
	html := `<!doctype html><html><body><p>x</p><img alt="remote" src="http://127.0.0.1:9/x.png"></body></html>`
	if err := os.WriteFile(page, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	widths, _, reqs := browse(t, page)
	if widths["0 remote"] != 0 || len(reqs) != 1 || reqs[0] != "http://127.0.0.1:9/x.png" {
		t.Errorf("widths %v, requests %v: want the remote image unloaded and its request reported", widths, reqs)
	}
}

// --json prints the same document that report.json beside the page holds.
func TestReportJSONFlag(t *testing.T) {
	work := filepath.Join(t.TempDir(), "work")
	if err := os.CopyFS(work, os.DirFS("../../reports/testdata/fixture")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(work)
	g, out := reportGlobal()
	page := filepath.Join(work, "out", "report.html")
	if err := run(context.Background(), g, []string{"curate", "report", "--json", "--out", page, "evals/unbiasedemo"}); err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile(filepath.Join(work, "out", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), file) {
		t.Errorf("--json printed %d bytes, report.json holds %d: they differ", out.Len(), len(file))
	}
	r := reportDoc(t, page)
	if len(r.Evaluation.Entries) != 1 || r.Evaluation.Entries[0].Eval.ROCAUC != 1 || r.Evaluation.Sets[0].PaperTable != "Table 5" {
		t.Errorf("report.json: %+v", r.Evaluation)
	}
}
