package main

//go:generate sh -c "cd demodata && go run gen.go"

import (
	"bufio"
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/curate-ml/curate/internal/atomicfile"
	"github.com/curate-ml/curate/webemo"
)

// demoFS holds the demo images drawn by demodata/gen.go and their manifest.
//
//go:embed demodata/images/*.jpg demodata/manifest.tsv
var demoFS embed.FS

// DemoOptions are the flags of `curate demo`.
type DemoOptions struct {
	Out     string
	Seed    uint64
	Workers int
}

// demoMarker marks a directory as a demo output that a new demo may replace.
const demoMarker = ".curate-demo"

func demoCommand(g *Global) *cli.Command {
	return &cli.Command{
		Name:  "demo",
		Usage: "run the whole pipeline on an embedded demo dataset served on loopback",
		Description: `The demo serves a few dozen embedded images (drawn by cmd/curate/demodata/gen.go)
from an HTTP server on 127.0.0.1, writes WEBEmo-style URL lists for them (train25.txt,
test25.txt, category.txt) including dead links, an HTML page and a truncated JPEG,
and runs the real stages on them: fetch -> filter-text -> split -> inspect -> report.
Outputs go under --out; a rerun replaces an earlier demo there.

EXAMPLES:
   curate demo                       # outputs in ./demo-out
   curate demo --out /tmp/demo --seed 7
   curate inspect demo-out/dataset   # look at the result again
` + exitCodesHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Value: "demo-out", Usage: "output `DIR`"},
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "seed for split and everything random"},
			&cli.IntFlag{Name: "workers", Value: 0, Usage: "workers per stage (0 = number of CPUs)"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 0 {
				return usagef("demo: takes no arguments, got %q", c.Args().Slice())
			}
			return runDemo(c.Context, DemoOptions{Out: c.String("out"), Seed: c.Uint64("seed"), Workers: c.Int("workers")}, g)
		},
	}
}

// demoImage is one line of the manifest.
type demoImage struct {
	name  string
	label int
	kind  string // photo, text, duplicate
}

func loadDemoManifest() ([]demoImage, error) {
	raw, err := demoFS.ReadFile("demodata/manifest.tsv")
	if err != nil {
		return nil, fmt.Errorf("demo manifest: %w", err)
	}
	var out []demoImage
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			return nil, fmt.Errorf("demo manifest line %d: want 3 fields, got %d", n, len(f))
		}
		label, err := strconv.Atoi(f[1])
		if err != nil {
			return nil, fmt.Errorf("demo manifest line %d: %w", n, err)
		}
		out = append(out, demoImage{f[0], label, f[2]})
	}
	return out, nil
}

// demoServer serves demo images on loopback (`curate demo`'s embedded ones,
// `curate run`'s generated scenes) and the broken answers a real crawl
// meets: /gone/ (404), /page/ (an HTML page with status 200), /broken/ (a
// JPEG cut short) and /flaky/ (a 503 first, then the image).
type demoServer struct {
	srv    *http.Server
	base   string
	images map[string][]byte // by file name
	mu     sync.Mutex
	flaky  map[string]bool // paths that already failed once
}

// demoAddr is where the demo server listens when the port is free. The URLs
// are part of the data (ids derive from them), so a fixed port makes two
// demo runs give byte-identical outputs; a busy port falls back to any.
const demoAddr = "127.0.0.1:18765"

// embeddedDemoImages reads every embedded demo image by file name.
func embeddedDemoImages() (map[string][]byte, error) {
	entries, err := demoFS.ReadDir("demodata/images")
	if err != nil {
		return nil, fmt.Errorf("demo images: %w", err)
	}
	images := map[string][]byte{}
	for _, e := range entries {
		b, err := demoFS.ReadFile("demodata/images/" + e.Name())
		if err != nil {
			return nil, fmt.Errorf("demo image %s: %w", e.Name(), err)
		}
		images[e.Name()] = b
	}
	return images, nil
}

// startDemoServer serves images on addr, or on any loopback port when addr
// is busy.
func startDemoServer(addr string, images map[string][]byte) (*demoServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		return nil, fmt.Errorf("demo server: %w", err)
	}
	d := &demoServer{base: "http://" + ln.Addr().String(), images: images, flaky: map[string]bool{}}
	d.srv = &http.Server{Handler: d, ReadHeaderTimeout: 5 * time.Second}
	go d.srv.Serve(ln)
	return d, nil
}

func (d *demoServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	dir, name := path.Split(r.URL.Path)
	data, ok := d.images[name]
	switch {
	case dir == "/page/": // a CDN's HTML error page with status 200
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<!doctype html><html><body><h1>This image is no longer available</h1></body></html>")
	case dir == "/gone/" || !ok:
		http.NotFound(w, r)
	case dir == "/broken/": // a transfer cut short
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(data[:len(data)/3])
	case dir == "/flaky/": // a 503 first, then the image
		d.mu.Lock()
		failed := d.flaky[r.URL.Path]
		d.flaky[r.URL.Path] = true
		d.mu.Unlock()
		if !failed {
			w.Header().Set("Retry-After", "0")
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		fallthrough
	default:
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(data)
	}
}

func (d *demoServer) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	d.srv.Shutdown(ctx)
}

// writeDemoLists writes train25.txt, test25.txt and category.txt for the
// images on the server, with some broken entries, and returns their paths.
func writeDemoLists(dir, base string, images []demoListed) (lists []string, categories string, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, "", err
	}
	var train, test bytes.Buffer
	for i, im := range images {
		w := &train
		if i%5 == 4 {
			w = &test
		}
		prefix := "/img/"
		if i == 7 {
			prefix = "/flaky/"
		}
		fmt.Fprintf(w, "%s%s%s %d\n", base, prefix, im.name, im.label)
		if i == 3 { // the same URL listed again with a label of another emotion
			fmt.Fprintf(w, "%s%s%s %d\n", base, prefix, im.name, 19)
		}
	}
	fmt.Fprintf(&train, "%s/gone/scene-999.jpg 19\n", base)
	fmt.Fprintf(&train, "%s/page/landing.jpg 1\n", base)
	if len(images) > 0 {
		fmt.Fprintf(&test, "%s/broken/%s 13\n", base, images[0].name)
	}
	test.WriteString("this line is not a URL and a label\n")

	var cat bytes.Buffer
	for _, c := range webemo.DefaultCategories().All() {
		pol := "+"
		if c.Polarity == webemo.Negative {
			pol = "-"
		}
		fmt.Fprintf(&cat, "%d %s %s %s\n", c.ID, c.Name, c.Level2, pol)
	}
	files := []struct {
		name string
		data []byte
	}{{"train25.txt", train.Bytes()}, {"test25.txt", test.Bytes()}, {"category.txt", cat.Bytes()}}
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		// An unchanged list keeps its mtime, so curate run's cache holds.
		if have, err := os.ReadFile(p); err == nil && bytes.Equal(have, f.data) {
			continue
		}
		if err := atomicfile.WriteFile(p, f.data); err != nil {
			return nil, "", err
		}
	}
	return []string{filepath.Join(dir, "train25.txt"), filepath.Join(dir, "test25.txt")}, filepath.Join(dir, "category.txt"), nil
}

// demoListed is one image as the demo's lists name it.
type demoListed struct {
	name  string
	label int
}

// prepareDemoDir makes out empty, refusing to clear a directory that is not
// an earlier demo's.
func prepareDemoDir(out string) error {
	entries, err := os.ReadDir(out)
	if errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(out, 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(out, demoMarker), nil, 0o644)
	}
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		if _, err := os.Stat(filepath.Join(out, demoMarker)); err != nil {
			return usagef("demo: %s is not empty and not an earlier demo's output; choose another --out", out)
		}
		for _, e := range entries {
			if e.Name() == demoMarker {
				continue
			}
			if err := os.RemoveAll(filepath.Join(out, e.Name())); err != nil {
				return err
			}
		}
	}
	return os.WriteFile(filepath.Join(out, demoMarker), nil, 0o644)
}

func runDemo(ctx context.Context, opts DemoOptions, g *Global) error {
	if err := prepareDemoDir(opts.Out); err != nil {
		return err
	}
	images, err := loadDemoManifest()
	if err != nil {
		return err
	}
	served, err := embeddedDemoImages()
	if err != nil {
		return err
	}
	srv, err := startDemoServer(demoAddr, served)
	if err != nil {
		return err
	}
	defer srv.close()
	listed := make([]demoListed, len(images))
	for i, im := range images {
		listed[i] = demoListed{im.name, im.label}
	}
	lists, categories, err := writeDemoLists(filepath.Join(opts.Out, "lists"), srv.base, listed)
	if err != nil {
		return err
	}
	say := func(format string, args ...any) {
		if !g.JSON {
			fmt.Fprintf(g.Stdout, format, args...)
		}
	}
	say("demo: serving %d images on %s; lists in %s\n", len(images), srv.base, filepath.Dir(lists[0]))

	dirs := map[string]string{
		"fetch":    filepath.Join(opts.Out, "fetch"),
		"filtered": filepath.Join(opts.Out, "filtered"),
		"dataset":  filepath.Join(opts.Out, "dataset"),
	}
	steps := []struct {
		name string
		run  func() error
	}{
		{"fetch", func() error { return demoFetch(ctx, lists, categories, dirs["fetch"], opts, g) }},
		{"filter-text", func() error { return demoFilterText(ctx, dirs["fetch"], dirs["filtered"], opts, g) }},
		{"split", func() error { return demoSplit(ctx, dirs["filtered"], dirs["dataset"], categories, opts, g) }},
		{"inspect", func() error {
			return runInspect(ctx, InspectOptions{Path: dirs["dataset"], JSON: g.JSON, Verify: true, Head: 3}, g)
		}},
		{"augment preview", func() error {
			return runAugmentPreview(ctx, AugmentPreviewOptions{
				In: dirs["dataset"], Split: "train", Images: 8, Out: filepath.Join(opts.Out, "augment-preview.png"),
				Convention: "tf", N: 3, M: 7, Seed: opts.Seed, Versions: 2, JSON: g.JSON,
			}, g)
		}},
		{"report", func() error {
			return runReport(ctx, ReportOptions{Paths: []string{dirs["fetch"], dirs["filtered"], dirs["dataset"]},
				Out: filepath.Join(opts.Out, "report.html"), Title: "curate demo report", Examples: 8, Sheets: 4, JSON: g.JSON}, g)
		}},
	}
	// With --json each stage's document is collected, and the demo prints
	// one document holding them all.
	stageOut := g.Stdout
	docs := map[string]json.RawMessage{}
	var buf bytes.Buffer
	if g.JSON {
		g.Stdout = &buf
		defer func() { g.Stdout = stageOut }()
	}
	for _, s := range steps {
		say("\n== curate %s ==\n", s.name)
		buf.Reset()
		if err := s.run(); err != nil {
			return fmt.Errorf("demo %s: %w", s.name, err)
		}
		if g.JSON {
			doc := bytes.TrimSpace(buf.Bytes())
			if !json.Valid(doc) {
				return fmt.Errorf("demo %s: its --json output is not one JSON document", s.name)
			}
			docs[s.name] = append(json.RawMessage(nil), doc...)
		}
	}
	if g.JSON {
		g.Stdout = stageOut
		out, err := json.MarshalIndent(struct {
			Lists   string                     `json:"lists"`
			Outputs map[string]string          `json:"outputs"`
			Stages  map[string]json.RawMessage `json:"stages"`
		}{filepath.Dir(lists[0]), map[string]string{
			"fetch": dirs["fetch"], "filtered": dirs["filtered"], "dataset": dirs["dataset"],
			"augment": filepath.Join(opts.Out, "augment-preview.png"),
			"report":  filepath.Join(opts.Out, "report.html"),
		}, docs}, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(g.Stdout, "%s\n", out)
		return nil
	}
	say("\ndemo outputs:\n  lists      %s\n  fetch      %s (ledger.jsonl, fetch-stats.json)\n  filtered   %s (verdicts.jsonl, contact sheets)\n  dataset    %s (load with datasets.load_from_disk)\n  augment    %s (RandAugment N=3 M=7 on training images)\n  report     %s (open in a browser; works offline)\n",
		filepath.Dir(lists[0]), dirs["fetch"], dirs["filtered"], dirs["dataset"], filepath.Join(opts.Out, "augment-preview.png"), filepath.Join(opts.Out, "report.html"))
	return nil
}
