// Package merge joins the outputs of a stage run in partitions (`curate fetch
// --partition I/N`, `curate filter-text --partition I/N`) into exactly what
// one run over everything would have written: the same shards, ledger,
// verdicts, stats and contact sheets, byte for byte. (The only fields that
// differ are those that describe a run rather than the data and vary from
// run to run anyway: fetch-stats.json's "run" block, and each verdict's "ms".)
//
// fetch: the lists are read again (the parts' fetch-stats.json name them under
// "partition"), and every
// URL's record is taken, in list order, from the part its hash falls in; rows
// come from that part's shards. filter-text: the parts' verdicts seed the
// output's resume journal and filter.Run writes the output from them without
// running OCR again (so merged outputs come from the very code that writes a
// single run's). The package checks that the parts are complete, cover
// 0..N-1 once each, and were made with the same settings; it never prints.
package merge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"

	"github.com/curate-ml/curate/fetch"
	"github.com/curate-ml/curate/ocr/filter"
	"github.com/curate-ml/curate/partition"
)

// Options configures Run.
type Options struct {
	Parts []string // partition output folders, in any order
	Out   string   // the merged output folder
	// TessdataDir is passed to filter.Run (which loads Tesseract, though it
	// decides nothing); "" = the standard places.
	TessdataDir string
}

// Result says what was merged.
type Result struct {
	Stage string `json:"stage"`
	Parts int    `json:"parts"`
	Out   string `json:"out"`
	Rows  int64  `json:"rows"`  // rows in the merged shards
	Items int64  `json:"items"` // URLs (fetch) or images (filter-text) decided
}

// ErrParts is wrapped by every error about the set of parts.
var ErrParts = errors.New("merge: the parts do not make a whole")

// Run merges opts.Parts into opts.Out. Out must not be one of the parts.
func Run(ctx context.Context, opts Options) (*Result, error) {
	if len(opts.Parts) == 0 || opts.Out == "" {
		return nil, errors.New("merge: parts and an output folder are required")
	}
	parts, ms, err := readParts(opts.Parts, opts.Out)
	if err != nil {
		return nil, err
	}
	switch ms[0].Stage {
	case "fetch":
		return mergeFetch(ctx, parts, ms, opts.Out)
	case "filter-text":
		return mergeFilter(ctx, parts, ms, opts)
	}
	return nil, fmt.Errorf("%w: %s: unknown stage %q", ErrParts, parts[0], ms[0].Stage)
}

// readManifest reads the "partition" of a part's fetch-stats.json or
// filter-stats.json.
func readManifest(dir string) (*partition.Manifest, error) {
	for _, name := range []string{fetch.StatsFile, filter.StatsFile} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		var st struct {
			Partition *partition.Manifest `json:"partition"`
		}
		if err := json.Unmarshal(b, &st); err != nil {
			return nil, fmt.Errorf("merge: %s: %w", filepath.Join(dir, name), err)
		}
		if st.Partition == nil {
			return nil, fmt.Errorf("merge: %s: not the output of a run with --partition (no \"partition\" in %s)", dir, name)
		}
		if err := st.Partition.Check(); err != nil {
			return nil, fmt.Errorf("merge: %s: %w", filepath.Join(dir, name), err)
		}
		return st.Partition, nil
	}
	return nil, fmt.Errorf("merge: %s holds neither %s nor %s: not a finished fetch or filter-text output", dir, fetch.StatsFile, filter.StatsFile)
}

// readParts reads the manifests and returns the parts ordered by index,
// checking that they are N distinct parts of one run.
func readParts(dirs []string, out string) ([]string, []*partition.Manifest, error) {
	absOut, err := filepath.Abs(out)
	if err != nil {
		return nil, nil, err
	}
	type part struct {
		dir string
		m   *partition.Manifest
	}
	var ps []part
	for _, d := range dirs {
		if a, err := filepath.Abs(d); err == nil && a == absOut {
			return nil, nil, fmt.Errorf("merge: --out %s is one of the parts", out)
		}
		m, err := readManifest(d)
		if err != nil {
			return nil, nil, err
		}
		ps = append(ps, part{d, m})
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].m.Index < ps[j].m.Index })
	first := ps[0].m
	n := first.Count
	if len(ps) != n {
		return nil, nil, fmt.Errorf("%w: %d folders given for %d partitions (%s is part %s)", ErrParts, len(ps), n, ps[0].dir, first.Spec)
	}
	dirsOut := make([]string, n)
	msOut := make([]*partition.Manifest, n)
	for i, p := range ps {
		if p.m.Index != i {
			return nil, nil, fmt.Errorf("%w: part %d of %d is missing or given twice (%s is part %s)", ErrParts, i, n, p.dir, p.m.Spec)
		}
		same := *p.m
		same.Spec = first.Spec
		if !reflect.DeepEqual(&same, first) {
			return nil, nil, fmt.Errorf("%w: %s and %s come from runs with different settings (the \"partition\" of their stats)", ErrParts, ps[0].dir, p.dir)
		}
		dirsOut[i], msOut[i] = p.dir, p.m
	}
	return dirsOut, msOut, nil
}
