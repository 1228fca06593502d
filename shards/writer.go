package shards

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/curate-ml/curate/internal/atomicfile"
)

// Defaults of WriterOptions.
const (
	DefaultShardBytes = 256 << 20
	DefaultBatchRows  = 100
)

// WriterOptions configures a Writer.
type WriterOptions struct {
	// LabelNames makes `label` a ClassLabel with these names; nil writes it
	// as a plain int64 value.
	LabelNames []string
	// ShardBytes is the size at which a shard is closed and the next begun
	// (default 256 MiB). A shard ends at the first record batch that reaches it.
	ShardBytes int64
	// BatchRows is the number of rows per record batch (default 100).
	BatchRows int
	// Split is the split name recorded in state.json (default "train").
	Split string
}

// Writer writes one split directory in the save_to_disk layout. Shards are
// written to hidden temporary files, fsynced, and get their final names
// data-NNNNN-of-MMMMM.arrow only in Close, once their number is known; a
// crash never leaves a truncated shard under a final name.
//
// A Writer is not safe for concurrent use.
type Writer struct {
	dir     string
	opts    WriterOptions
	schema  *arrow.Schema
	builder *array.RecordBuilder

	cur      *atomicfile.File // shard being written
	curHash  hash.Hash
	ipcw     *ipc.Writer
	counter  *countingWriter
	pending  []pendingShard // committed shards awaiting their final names
	rows     int64
	buffered int
	closed   bool
}

type pendingShard struct {
	path string // hidden committed file
	sum  []byte // sha256 of its bytes, for the fingerprint
}

// Create starts writing a split into dir, creating it if needed. Leftover
// temporary files from an earlier crash are removed; shards of an earlier
// complete run are replaced when Close succeeds.
func Create(dir string, opts WriterOptions) (*Writer, error) {
	if opts.ShardBytes <= 0 {
		opts.ShardBytes = DefaultShardBytes
	}
	if opts.BatchRows <= 0 {
		opts.BatchRows = DefaultBatchRows
	}
	if opts.Split == "" {
		opts.Split = "train"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create dataset split %s: %w", dir, err)
	}
	if err := removeTemporaries(dir); err != nil {
		return nil, err
	}
	schema, err := newSchema(opts.LabelNames)
	if err != nil {
		return nil, fmt.Errorf("create dataset split %s: %w", dir, err)
	}
	return &Writer{
		dir:     dir,
		opts:    opts,
		schema:  schema,
		builder: array.NewRecordBuilder(memory.NewGoAllocator(), schema),
	}, nil
}

func removeTemporaries(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("read %s: %w", dir, err)
	}
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, ".pending-") || strings.HasPrefix(n, "..pending-") {
			if err := os.Remove(filepath.Join(dir, n)); err != nil {
				return fmt.Errorf("remove leftover %s: %w", n, err)
			}
		}
	}
	return nil
}

// Rows is the number of rows written so far.
func (w *Writer) Rows() int64 { return w.rows }

// Write appends one row.
func (w *Writer) Write(r *Row) error {
	if w.closed {
		return errors.New("shards: write to a closed writer")
	}
	if w.opts.LabelNames != nil && r.Label >= int64(len(w.opts.LabelNames)) {
		return fmt.Errorf("shards: row %q: label %d out of range for %d label names", r.ID, r.Label, len(w.opts.LabelNames))
	}
	b := w.builder
	img := b.Field(0).(*array.StructBuilder)
	img.Append(true)
	img.FieldBuilder(0).(*array.BinaryBuilder).Append(r.Image)
	if r.Path == "" {
		img.FieldBuilder(1).(*array.StringBuilder).AppendNull()
	} else {
		img.FieldBuilder(1).(*array.StringBuilder).Append(r.Path)
	}
	appendLabel(b.Field(1).(*array.Int64Builder), r.Label)
	b.Field(2).(*array.StringBuilder).Append(r.ID)
	b.Field(3).(*array.StringBuilder).Append(r.URL)
	lb := b.Field(4).(*array.ListBuilder)
	if r.Labels == nil {
		lb.AppendNull()
	} else {
		lb.Append(true)
		lb.ValueBuilder().(*array.Int64Builder).AppendValues(r.Labels, nil)
	}
	appendLabel(b.Field(5).(*array.Int64Builder), r.SourceLabel)
	b.Field(6).(*array.StringBuilder).Append(r.SHA256)
	b.Field(7).(*array.Int32Builder).Append(r.Width)
	b.Field(8).(*array.Int32Builder).Append(r.Height)
	b.Field(9).(*array.StringBuilder).Append(r.Format)
	b.Field(10).(*array.StringBuilder).Append(r.List)
	w.rows++
	w.buffered++
	if w.buffered >= w.opts.BatchRows {
		return w.flush()
	}
	return nil
}

func appendLabel(b *array.Int64Builder, v int64) {
	if v < 0 {
		b.AppendNull()
	} else {
		b.Append(v)
	}
}

// flush writes the buffered rows as one record batch, rolling the shard when
// it has reached its size target.
func (w *Writer) flush() error {
	if w.buffered == 0 {
		return nil
	}
	if w.cur == nil {
		if err := w.startShard(); err != nil {
			return err
		}
	}
	rec := w.builder.NewRecord()
	defer rec.Release()
	w.buffered = 0
	if err := w.ipcw.Write(rec); err != nil {
		return fmt.Errorf("write shard in %s: %w", w.dir, err)
	}
	if w.counter.n >= w.opts.ShardBytes {
		return w.finishShard()
	}
	return nil
}

func (w *Writer) startShard() error {
	// Committed shards wait under a hidden pending name until Close knows
	// how many there are.
	name := filepath.Join(w.dir, fmt.Sprintf(".pending-%05d.arrow", len(w.pending)))
	f, err := atomicfile.Create(name)
	if err != nil {
		return err
	}
	w.cur = f
	w.curHash = sha256.New()
	w.counter = &countingWriter{w: io.MultiWriter(f, w.curHash)}
	w.ipcw = ipc.NewWriter(w.counter, ipc.WithSchema(w.schema))
	return nil
}

func (w *Writer) finishShard() error {
	if err := w.ipcw.Close(); err != nil { // writes the end-of-stream marker
		w.cur.Abort()
		return fmt.Errorf("finish shard in %s: %w", w.dir, err)
	}
	name := filepath.Join(w.dir, fmt.Sprintf(".pending-%05d.arrow", len(w.pending)))
	f := w.cur
	w.cur = nil
	if err := f.Commit(); err != nil {
		return fmt.Errorf("finish shard in %s: %w", w.dir, err)
	}
	w.pending = append(w.pending, pendingShard{path: name, sum: w.curHash.Sum(nil)})
	return nil
}

// Close writes the last batch and shard, gives the shards their final names
// and writes state.json and dataset_info.json. A split with no rows still
// gets one shard holding the schema, as `datasets` does.
func (w *Writer) Close() error {
	if w.closed {
		return errors.New("shards: writer already closed")
	}
	if err := w.flush(); err != nil {
		w.Abort()
		return err
	}
	if w.cur == nil && len(w.pending) == 0 {
		if err := w.startShard(); err != nil {
			w.Abort()
			return err
		}
	}
	if w.cur != nil {
		if err := w.finishShard(); err != nil {
			w.Abort()
			return err
		}
	}
	w.closed = true
	w.builder.Release()

	n := len(w.pending)
	final := make(map[string]bool, n)
	files := make([]string, n)
	fp := sha256.New()
	for i, p := range w.pending {
		files[i] = ShardName(i, n)
		final[files[i]] = true
		fp.Write(p.sum)
	}
	// Remove shards of an earlier run that the new set does not overwrite.
	old, _ := filepath.Glob(filepath.Join(w.dir, "data-*-of-*.arrow"))
	for _, o := range old {
		if !final[filepath.Base(o)] {
			if err := os.Remove(o); err != nil {
				return fmt.Errorf("remove old shard %s: %w", o, err)
			}
		}
	}
	for i, p := range w.pending {
		if err := os.Rename(p.path, filepath.Join(w.dir, files[i])); err != nil {
			return fmt.Errorf("name shard %s: %w", files[i], err)
		}
	}
	return w.writeSplitInfo(files, hex.EncodeToString(fp.Sum(nil))[:16])
}

// Abort stops writing and removes the temporary and pending shards. Shards
// of an earlier complete run are left as they were.
func (w *Writer) Abort() {
	if w.cur != nil {
		w.cur.Abort()
		w.cur = nil
	}
	for _, p := range w.pending {
		os.Remove(p.path)
	}
	w.pending = nil
	if !w.closed {
		w.closed = true
		w.builder.Release()
	}
}

// ShardName is the save_to_disk name of shard i of n.
func ShardName(i, n int) string { return fmt.Sprintf("data-%05d-of-%05d.arrow", i, n) }

type stateJSON struct {
	DataFiles        []dataFile     `json:"_data_files"`
	Fingerprint      string         `json:"_fingerprint"`
	FormatColumns    []string       `json:"_format_columns"`
	FormatKwargs     map[string]any `json:"_format_kwargs"`
	FormatType       *string        `json:"_format_type"`
	OutputAllColumns bool           `json:"_output_all_columns"`
	Split            string         `json:"_split"`
}

type dataFile struct {
	Filename string `json:"filename"`
}

type datasetInfoJSON struct {
	Citation    string          `json:"citation"`
	Description string          `json:"description"`
	Features    json.RawMessage `json:"features"`
	Homepage    string          `json:"homepage"`
	License     string          `json:"license"`
}

func (w *Writer) writeSplitInfo(files []string, fingerprint string) error {
	st := stateJSON{FormatKwargs: map[string]any{}, Fingerprint: fingerprint, Split: w.opts.Split}
	for _, f := range files {
		st.DataFiles = append(st.DataFiles, dataFile{f})
	}
	features, err := featuresJSON(w.opts.LabelNames)
	if err != nil {
		return err
	}
	info := datasetInfoJSON{Features: features}
	if err := writeJSON(filepath.Join(w.dir, "dataset_info.json"), info); err != nil {
		return err
	}
	return writeJSON(filepath.Join(w.dir, "state.json"), st)
}

// WriteDatasetDict writes dir/dataset_dict.json naming the splits, which
// makes dir a DatasetDict for datasets.load_from_disk.
func WriteDatasetDict(dir string, splits []string) error {
	return writeJSON(filepath.Join(dir, "dataset_dict.json"), struct {
		Splits []string `json:"splits"`
	}{splits})
}

func writeJSON(name string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", name, err)
	}
	return atomicfile.WriteFile(name, append(data, '\n'))
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
