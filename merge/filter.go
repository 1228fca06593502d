package merge

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/curate-ml/curate/internal/atomicfile"
	"github.com/curate-ml/curate/ocr"
	"github.com/curate-ml/curate/ocr/filter"
	"github.com/curate-ml/curate/partition"
	"github.com/curate-ml/curate/shards"
)

// mergeFilter seeds Out's verdicts journal with every part's verdicts and
// lets filter.Run write the output from them.
func mergeFilter(ctx context.Context, dirs []string, ms []*partition.Manifest, opts Options) (*Result, error) {
	m := ms[0]
	var options []byte
	var journal bytes.Buffer
	var verdicts int64
	for i, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, filter.StatsFile)); err != nil {
			return nil, fmt.Errorf("%w: %s has no %s: its filter-text did not finish; run it again first", ErrParts, d, filter.StatsFile)
		}
		o, err := os.ReadFile(filepath.Join(d, filter.OptionsFile))
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		if i == 0 {
			options = o
		} else if !bytes.Equal(o, options) {
			return nil, fmt.Errorf("%w: %s and %s were filtered with different detector options (%s)", ErrParts, dirs[0], d, filter.OptionsFile)
		}
		n, err := appendVerdicts(&journal, filepath.Join(d, filter.VerdictsFile), i, len(dirs))
		if err != nil {
			return nil, err
		}
		verdicts += n
	}
	ds, err := shards.Open(m.Input)
	if err != nil {
		return nil, fmt.Errorf("merge: the input of the parts: %w", err)
	}
	total := ds.NumRows()
	ds.Close()
	if verdicts != total {
		return nil, fmt.Errorf("%w: the parts hold %d verdicts, their input %s has %d rows", ErrParts, verdicts, m.Input, total)
	}
	var det ocr.Options
	if err := json.Unmarshal(options, &det); err != nil {
		return nil, fmt.Errorf("merge: %s: %w", filepath.Join(dirs[0], filter.OptionsFile), err)
	}
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	for _, name := range []string{filter.OptionsFile, filter.JournalFile} {
		if _, err := os.Stat(filepath.Join(opts.Out, name)); err == nil {
			return nil, fmt.Errorf("merge: %s already holds %s: merge into a new folder", opts.Out, name)
		}
	}
	if err := atomicfile.WriteFile(filepath.Join(opts.Out, filter.JournalFile), journal.Bytes()); err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	if err := atomicfile.WriteFile(filepath.Join(opts.Out, filter.OptionsFile), options); err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	st, err := filter.Run(ctx, filter.Config{
		In: m.Input, Out: opts.Out, Workers: 1, Detector: det, TessdataDir: opts.TessdataDir,
		SheetPages: m.SheetPages, ShardBytes: m.ShardBytes,
	})
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	if st.Resumed != st.Images {
		return nil, fmt.Errorf("merge: %d of %d images had no verdict in the parts and were decided again", st.Images-st.Resumed, st.Images)
	}
	return &Result{Stage: "filter-text", Parts: len(dirs), Out: opts.Out, Rows: st.Kept, Items: st.Images}, nil
}

// appendVerdicts copies the verdict lines of one part, checking that each
// belongs to it.
func appendVerdicts(dst *bytes.Buffer, path string, part, n int) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("merge: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var count int64
	for line := 1; sc.Scan(); line++ {
		var v filter.Verdict
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			return 0, fmt.Errorf("merge: %s:%d: not a verdict: %w", path, line, err)
		}
		if partition.Of(v.Key, n) != part {
			return 0, fmt.Errorf("%w: %s:%d: %s does not hash into part %d/%d", ErrParts, path, line, v.Key, part, n)
		}
		dst.Write(sc.Bytes())
		dst.WriteByte('\n')
		count++
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("merge: %s: %w", path, err)
	}
	if count == 0 {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return 0, fmt.Errorf("merge: %w", err)
		}
	}
	return count, nil
}
