package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"sync"
	"time"

	"github.com/curate-ml/curate/cmd/curate/demodata"
	"github.com/curate-ml/curate/internal/atomicfile"
	"github.com/curate-ml/curate/runner"
	"github.com/curate-ml/curate/webemo"
)

// runDemoAddr is where `curate run` serves the demo scenes (demo: true). The
// URLs are part of the data (ids derive from them), so a fixed port keeps
// two runs byte-identical; when it is busy any port is used and the fetch
// stage's lists, and so the stage, change.
const runDemoAddr = "127.0.0.1:18766"

// prepareRunDemo draws the demo scenes, serves them on loopback (unless this
// is a dry run) and writes WEBEmo-style lists for them into dir.
func prepareRunDemo(cfg *runner.Config, dir, addr string, dryRun bool, closers *[]func()) (lists []string, categories, digest string, err error) {
	if addr == "" {
		addr = runDemoAddr
	}
	images, err := demodata.Generate(cfg.DemoImages)
	if err != nil {
		return nil, "", "", fmt.Errorf("run: demo scenes: %w", err)
	}
	// The served bytes are an input of fetch as much as the lists are.
	h := sha256.New()
	for _, im := range images {
		fmt.Fprintf(h, "%s %d\n", im.Name, len(im.Data))
		h.Write(im.Data)
	}
	digest = hex.EncodeToString(h.Sum(nil))
	base := "http://" + addr
	if !dryRun {
		srv, err := startRunDemoServer(addr, images)
		if err != nil {
			return nil, "", "", err
		}
		*closers = append(*closers, srv.close)
		base = srv.base
	}
	lists, categories, err = writeRunDemoLists(dir, base, images)
	return lists, categories, digest, err
}

type runDemoServer struct {
	srv    *http.Server
	base   string
	images map[string][]byte
	mu     sync.Mutex
	flaky  map[string]bool
}

func startRunDemoServer(addr string, images []demodata.Image) (*runDemoServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		return nil, fmt.Errorf("run: demo server: %w", err)
	}
	d := &runDemoServer{base: "http://" + ln.Addr().String(), images: map[string][]byte{}, flaky: map[string]bool{}}
	for _, im := range images {
		d.images[im.Name] = im.Data
	}
	d.srv = &http.Server{Handler: d, ReadHeaderTimeout: 5 * time.Second}
	go d.srv.Serve(ln)
	return d, nil
}

// ServeHTTP answers /img/NAME with the scene, and the broken answers a real
// crawl meets: /gone/ (404), /page/ (an HTML page with status 200),
// /broken/ (a JPEG cut short) and /flaky/ (a 503 first).
func (d *runDemoServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	dir, name := path.Split(r.URL.Path)
	data, ok := d.images[name]
	switch {
	case dir == "/page/":
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<!doctype html><html><body><h1>This image is no longer available</h1></body></html>")
	case dir == "/gone/" || !ok:
		http.NotFound(w, r)
	case dir == "/broken/":
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(data[:len(data)/3])
	case dir == "/flaky/":
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

func (d *runDemoServer) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	d.srv.Shutdown(ctx)
}

// writeRunDemoLists writes train25.txt, test25.txt and category.txt, with
// some broken entries; a file whose content is unchanged is left alone.
func writeRunDemoLists(dir, base string, images []demodata.Image) ([]string, string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, "", fmt.Errorf("run: %w", err)
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
		fmt.Fprintf(w, "%s%s%s %d\n", base, prefix, im.Name, im.Label)
		if i == 3 { // listed again with the label of another emotion
			fmt.Fprintf(w, "%s%s%s %d\n", base, prefix, im.Name, 19)
		}
	}
	fmt.Fprintf(&train, "%s/gone/scene-999.jpg 19\n", base)
	fmt.Fprintf(&train, "%s/page/landing.jpg 1\n", base)
	if len(images) > 0 {
		fmt.Fprintf(&test, "%s/broken/%s 13\n", base, images[0].Name)
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
		if have, err := os.ReadFile(p); err == nil && bytes.Equal(have, f.data) {
			continue
		}
		if err := atomicfile.WriteFile(p, f.data); err != nil {
			return nil, "", fmt.Errorf("run: %w", err)
		}
	}
	return []string{filepath.Join(dir, "train25.txt"), filepath.Join(dir, "test25.txt")}, filepath.Join(dir, "category.txt"), nil
}
