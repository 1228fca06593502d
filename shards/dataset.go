package shards

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
)

// Dataset is an opened dataset: a DatasetDict with several splits, one split
// directory, or a single shard file (then one split named after the file).
type Dataset struct {
	Path   string
	Splits []*Split
}

// Split is one split: its shards in order, read as one sequence of rows.
type Split struct {
	Name       string
	Dir        string
	LabelNames []string // ClassLabel names of `label`, nil if none
	Shards     []*Shard
	starts     []int64 // first row of each shard
	rows       int64
}

// Open opens path, which is a DatasetDict directory (dataset_dict.json), a
// split directory (state.json or data-*.arrow files) or one .arrow shard.
func Open(path string) (*Dataset, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("open dataset: %w", err)
	}
	d := &Dataset{Path: path}
	if !st.IsDir() {
		sh, err := OpenShard(path)
		if err != nil {
			return nil, err
		}
		s, err := newSplit(filepath.Base(path), filepath.Dir(path), []*Shard{sh})
		if err != nil {
			sh.Close()
			return nil, err
		}
		d.Splits = []*Split{s}
		return d, nil
	}
	dictPath := filepath.Join(path, "dataset_dict.json")
	raw, err := os.ReadFile(dictPath)
	switch {
	case err == nil:
		var dict struct {
			Splits []string `json:"splits"`
		}
		if err := json.Unmarshal(raw, &dict); err != nil {
			return nil, fmt.Errorf("%s: not valid JSON: %w", dictPath, err)
		}
		if len(dict.Splits) == 0 {
			return nil, fmt.Errorf("%s: lists no splits", dictPath)
		}
		for _, name := range dict.Splits {
			if name == "" || name != filepath.Base(name) || name == "." || name == ".." {
				d.Close()
				return nil, fmt.Errorf("%s: bad split name %q", dictPath, name)
			}
			s, err := OpenSplit(filepath.Join(path, name))
			if err != nil {
				d.Close()
				return nil, err
			}
			s.Name = name
			d.Splits = append(d.Splits, s)
		}
		return d, nil
	case errors.Is(err, os.ErrNotExist):
		s, err := OpenSplit(path)
		if err != nil {
			return nil, err
		}
		d.Splits = []*Split{s}
		return d, nil
	default:
		return nil, fmt.Errorf("open dataset: %w", err)
	}
}

// Split returns the split called name, or nil.
func (d *Dataset) Split(name string) *Split {
	for _, s := range d.Splits {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// NumRows is the number of rows over all splits.
func (d *Dataset) NumRows() int64 {
	var n int64
	for _, s := range d.Splits {
		n += s.NumRows()
	}
	return n
}

// Close closes every shard.
func (d *Dataset) Close() error {
	var errs []error
	for _, s := range d.Splits {
		errs = append(errs, s.Close())
	}
	return errors.Join(errs...)
}

// OpenSplit opens a split directory. The shards are those state.json lists,
// or else the data-*.arrow files in name order.
func OpenSplit(dir string) (*Split, error) {
	files, name, err := splitFiles(dir)
	if err != nil {
		return nil, err
	}
	var shards []*Shard
	for _, f := range files {
		sh, err := OpenShard(filepath.Join(dir, f))
		if err != nil {
			for _, s := range shards {
				s.Close()
			}
			return nil, err
		}
		shards = append(shards, sh)
	}
	s, err := newSplit(name, dir, shards)
	if err != nil {
		for _, sh := range shards {
			sh.Close()
		}
		return nil, err
	}
	return s, nil
}

func splitFiles(dir string) (files []string, name string, err error) {
	statePath := filepath.Join(dir, "state.json")
	raw, err := os.ReadFile(statePath)
	if err == nil {
		var st stateJSON
		if err := json.Unmarshal(raw, &st); err != nil {
			return nil, "", fmt.Errorf("%s: not valid JSON: %w", statePath, err)
		}
		for _, f := range st.DataFiles {
			if f.Filename == "" || f.Filename != filepath.Base(f.Filename) {
				return nil, "", fmt.Errorf("%s: bad data file name %q", statePath, f.Filename)
			}
			files = append(files, f.Filename)
		}
		if len(files) == 0 {
			return nil, "", fmt.Errorf("%s: lists no data files", statePath)
		}
		name = st.Split
		if name == "" {
			name = filepath.Base(dir)
		}
		return files, name, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, "", fmt.Errorf("open split: %w", err)
	}
	matches, err := filepath.Glob(filepath.Join(dir, "*.arrow"))
	if err != nil {
		return nil, "", err
	}
	if len(matches) == 0 {
		return nil, "", fmt.Errorf("open split %s: no dataset_dict.json, state.json or .arrow files there", dir)
	}
	sort.Strings(matches)
	for _, m := range matches {
		files = append(files, filepath.Base(m))
	}
	return files, filepath.Base(dir), nil
}

func newSplit(name, dir string, shards []*Shard) (*Split, error) {
	s := &Split{Name: name, Dir: dir, Shards: shards}
	for i, sh := range shards {
		names, err := labelNamesFromSchema(sh.Schema)
		if err != nil {
			return nil, &FormatError{File: sh.Path, Offset: -1, Msg: err.Error(), Err: ErrSchema}
		}
		if i == 0 {
			s.LabelNames = names
		} else if !sameStrings(names, s.LabelNames) {
			return nil, &FormatError{File: sh.Path, Offset: -1, Msg: fmt.Sprintf("label names %q differ from %q in %s", names, s.LabelNames, shards[0].Path), Err: ErrSchema}
		}
		s.starts = append(s.starts, s.rows)
		s.rows += sh.Rows
	}
	return s, nil
}

func sameStrings(a, b []string) bool {
	if len(a) != len(b) || (a == nil) != (b == nil) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// NumRows is the number of rows in the split.
func (s *Split) NumRows() int64 { return s.rows }

// Bytes is the size of the split's shards on disk.
func (s *Split) Bytes() int64 {
	var n int64
	for _, sh := range s.Shards {
		n += sh.Bytes
	}
	return n
}

// Row returns row i of the split. Image aliases the mapped shard until Close.
func (s *Split) Row(i int64) (*Row, error) {
	if i < 0 || i >= s.rows {
		return nil, fmt.Errorf("split %s: row %d out of range [0, %d)", s.Name, i, s.rows)
	}
	k := sort.Search(len(s.starts), func(k int) bool { return s.starts[k] > i }) - 1
	return s.Shards[k].Row(i - s.starts[k])
}

// Close closes the split's shards.
func (s *Split) Close() error {
	var errs []error
	for _, sh := range s.Shards {
		errs = append(errs, sh.Close())
	}
	return errors.Join(errs...)
}

// Iter returns an iterator over the split's rows in order.
func (s *Split) Iter() *Iterator { return &Iterator{split: s} }

// Iterator streams the rows of a split in order.
type Iterator struct {
	split *Split
	shard int
	batch int
	row   int
	index int64
}

// Next returns the next row, or io.EOF after the last. Image aliases the
// mapped shard until the split is closed.
func (it *Iterator) Next() (*Row, error) {
	for it.shard < len(it.split.Shards) {
		sh := it.split.Shards[it.shard]
		if it.batch >= len(sh.batches) {
			it.shard++
			it.batch, it.row = 0, 0
			continue
		}
		b := &sh.batches[it.batch]
		if it.row >= int(b.rec.NumRows()) {
			it.batch++
			it.row = 0
			continue
		}
		r := &Row{}
		b.row(it.row, r)
		it.row++
		it.index++
		return r, nil
	}
	return nil, io.EOF
}

// Index is the number of rows returned so far.
func (it *Iterator) Index() int64 { return it.index }
