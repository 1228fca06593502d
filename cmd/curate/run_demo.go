package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/curate-ml/curate/cmd/curate/demodata"
	"github.com/curate-ml/curate/runner"
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
		served := map[string][]byte{}
		for _, im := range images {
			served[im.Name] = im.Data
		}
		srv, err := startDemoServer(addr, served)
		if err != nil {
			return nil, "", "", fmt.Errorf("run: %w", err)
		}
		*closers = append(*closers, srv.close)
		base = srv.base
	}
	listed := make([]demoListed, len(images))
	for i, im := range images {
		listed[i] = demoListed{im.Name, im.Label}
	}
	lists, categories, err = writeDemoLists(dir, base, listed)
	if err != nil {
		return nil, "", "", fmt.Errorf("run: %w", err)
	}
	return lists, categories, digest, nil
}
