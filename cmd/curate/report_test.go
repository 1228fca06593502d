package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"io/fs"
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

// TestReportDemo runs the demo once (real fetch from loopback, Tesseract,
// split; its last step is the report) and checks its report's sections and
// the page in a real browser.
func TestReportDemo(t *testing.T) {
	chromiumPath(t) // fail early, before the demo runs
	demo := runDemoForReport(t)
	t.Run("funnel", func(t *testing.T) { testReportDemoFunnel(t, demo) })
	t.Run("browser", func(t *testing.T) { testReportBrowser(t, demo) })
}

// testReportDemoFunnel checks the data funnel of the demo's report against
// numbers that follow from the demo's design (cmd/curate/demodata and
// writeDemoLists), not from the stages' code.
func testReportDemoFunnel(t *testing.T, demo string) {
	images, err := loadDemoManifest()
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, im := range images {
		kinds[im.kind]++
	}
	n := len(images)
	page := filepath.Join(demo, "report.html")
	r := reportDoc(t, page)
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
		if _, err := os.Stat(filepath.Join(demo, "report-figures", f)); err != nil {
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

// copyTree copies a folder.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
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

// testReportBrowser renders a report of the demo's stage outputs and of
// training runs and an eval output, opens it in headless Chromium with the
// network off, and checks that every image loaded and the page is not blank.
// With CURATE_REPORT_SCREENSHOT=FILE it also writes the screenshot (PNG) there
// (make docs-screenshot).
func testReportBrowser(t *testing.T, demo string) {
	work := filepath.Join(t.TempDir(), "work")
	copyTree(t, "../../reports/testdata/fixture", work)
	t.Chdir(work)
	page := filepath.Join(work, "report.html")
	g, _ := reportGlobal()
	paths := []string{filepath.Join(demo, "fetch"), filepath.Join(demo, "filtered"), filepath.Join(demo, "dataset"),
		"runs/k0", "runs/k4", "seeds/k4x3", "evals/unbiasedemo"}
	if err := runReport(context.Background(), ReportOptions{Paths: paths, Out: page, Examples: 4, Sheets: 4}, g); err != nil {
		t.Fatal(err)
	}
	widths, shot, reqs := browse(t, page)
	if len(reqs) > 0 {
		t.Errorf("the page fetched from the network: %v", reqs)
	}
	// funnel, 3 training, 2 ROC figures, 1 contact sheet, example thumbnails
	if len(widths) < 7 {
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
	copyTree(t, "../../reports/testdata/fixture", work)
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
