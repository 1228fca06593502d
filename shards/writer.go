package shards

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/curate-ml/curate/internal/atomicfile"
)

// Defaults and limits of WriterOptions.
const (
	DefaultShardBytes = 256 << 20
	DefaultBatchRows  = 100
	DefaultBatchBytes = 64 << 20
	// MaxImageBytes is the largest image a row can hold: `binary` has
	// 32-bit offsets, so a record batch holds at most this many bytes of
	// images.
	MaxImageBytes = math.MaxInt32
)

// WriterOptions configures a Writer.
type WriterOptions struct {
	// LabelNames makes `label` a ClassLabel with these names; nil writes it
	// as a plain int64 value.
	LabelNames []string
	// ShardBytes is the size at which a shard is closed and the next begun
	// (default 256 MiB). A shard ends at the first record batch that reaches it.
	ShardBytes int64
	// BatchRows is the most rows per record batch (default 100).
	BatchRows int
	// BatchBytes is the most image bytes per record batch (default 64 MiB,
	// at most MaxImageBytes); a batch ends before the row that would pass
	// it, so a batch of large images holds fewer rows (an image larger
	// than BatchBytes gets a batch of its own).
	BatchBytes int64
	// Split is the split name recorded in state.json (default "train").
	Split string
}

// Writer writes one split directory in the save_to_disk layout, always as a
// new generation (atomicfile.BeginDir): the shards, state.json and
// dataset_info.json go into a hidden sibling of the split directory, and
// only when all of them are complete and fsynced does Close switch the two
// with one atomic rename. Until then an earlier split there loads as it was;
// a crash at any point leaves the old split or the new one, never neither.
//
// A Writer is not safe for concurrent use.
type Writer struct {
	gen     *atomicfile.Dir // the generation being written
	sub     string          // the split's folder inside gen ("" = gen itself)
	own     bool            // Close commits gen (Create), else its creator does (CreateIn)
	dir     string          // gen.Join(sub), for errors
	opts    WriterOptions
	schema  *arrow.Schema
	builder *array.RecordBuilder

	cur       *atomicfile.File // shard being written
	curHash   hash.Hash
	ipcw      *ipc.Writer
	counter   *countingWriter
	pending   []pendingShard // committed shards awaiting their final names
	files     []string       // final shard names, after Close
	rows      int64
	buffered  int
	bufBytes  int64
	closed    bool
	committed bool
}

type pendingShard struct {
	path string // hidden committed file
	sum  []byte // sha256 of its bytes, for the fingerprint
}

// SplitFiles reports whether name is a file of a split directory
// (DatasetDict splits hold only these).
func SplitFiles(name string) bool {
	if name == "state.json" || name == "dataset_info.json" {
		return true
	}
	ok, _ := filepath.Match("data-*-of-*.arrow", name)
	return ok
}

// Create starts writing a split into dir. An existing dir must be a split
// directory (only SplitFiles); it stays as it was until Close succeeds, and
// is replaced as a whole then. Another process writing dir gets ErrBusy.
func Create(dir string, opts WriterOptions) (*Writer, error) {
	return create(context.Background(), dir, opts)
}

// create is Create with a context carrying a fault hook (tests).
func create(ctx context.Context, dir string, opts WriterOptions) (*Writer, error) {
	gen, err := atomicfile.BeginDir(ctx, dir, atomicfile.DirOptions{Stage: "shards", Owns: SplitFiles})
	if err != nil {
		return nil, err
	}
	w, err := CreateIn(gen, "", opts)
	if err != nil {
		gen.Abort()
		return nil, err
	}
	w.own = true
	return w, nil
}

// CreateIn starts writing a split into the folder sub ("" for the top) of
// the generation gen, for a stage that writes more than one split or more
// files beside it: Close completes the split's files but the stage commits
// gen when its whole output is written.
func CreateIn(gen *atomicfile.Dir, sub string, opts WriterOptions) (*Writer, error) {
	if opts.ShardBytes <= 0 {
		opts.ShardBytes = DefaultShardBytes
	}
	if opts.BatchRows <= 0 {
		opts.BatchRows = DefaultBatchRows
	}
	if opts.BatchBytes <= 0 {
		opts.BatchBytes = DefaultBatchBytes
	}
	opts.BatchBytes = min(opts.BatchBytes, MaxImageBytes)
	if opts.Split == "" {
		opts.Split = "train"
	}
	dir := gen.Join(sub)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create dataset split %s: %w", dir, err)
	}
	schema, err := newSchema(opts.LabelNames)
	if err != nil {
		return nil, fmt.Errorf("create dataset split %s: %w", dir, err)
	}
	return &Writer{
		gen:     gen,
		sub:     sub,
		dir:     dir,
		opts:    opts,
		schema:  schema,
		builder: array.NewRecordBuilder(memory.NewGoAllocator(), schema),
	}, nil
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
	if int64(len(r.Image)) > MaxImageBytes {
		return fmt.Errorf("shards: row %q: image of %d bytes is over the %d-byte limit of a record batch", r.ID, len(r.Image), MaxImageBytes)
	}
	if w.buffered > 0 && w.bufBytes+int64(len(r.Image)) > w.opts.BatchBytes {
		if err := w.flush(); err != nil {
			return err
		}
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
	w.bufBytes += int64(len(r.Image))
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
	w.buffered, w.bufBytes = 0, 0
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
	f, err := w.gen.Create(filepath.Join(w.sub, fmt.Sprintf(".pending-%05d.arrow", len(w.pending))))
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
// and writes state.json and dataset_info.json; a Writer from Create then
// switches the split directory to the new generation. A split with no rows
// still gets one shard holding the schema, as `datasets` does. On error the
// earlier split (if any) is left as it was.
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

	// The generation is private until committed: naming the shards there
	// touches nothing a reader sees.
	n := len(w.pending)
	files := make([]string, n)
	fp := sha256.New()
	for i, p := range w.pending {
		files[i] = ShardName(i, n)
		fp.Write(p.sum)
		if err := os.Rename(p.path, filepath.Join(w.dir, files[i])); err != nil {
			w.abortGen()
			return fmt.Errorf("name shard %s: %w", files[i], err)
		}
	}
	w.pending = nil
	if err := w.writeSplitInfo(files, hex.EncodeToString(fp.Sum(nil))[:16]); err != nil {
		w.abortGen()
		return err
	}
	w.files = files
	if w.own {
		w.committed = true
		if err := w.gen.Commit(); err != nil {
			return fmt.Errorf("shards: %w", err)
		}
	}
	return nil
}

// Files are the split's shard file names, known after Close.
func (w *Writer) Files() []string { return w.files }

func (w *Writer) abortGen() {
	if w.own {
		w.gen.Abort()
	}
}

// Abort stops writing and removes what this writer wrote. An earlier split
// is left as it was.
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
	if !w.committed {
		w.abortGen()
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
	if err := writeJSON(w.gen, filepath.Join(w.sub, "dataset_info.json"), info); err != nil {
		return err
	}
	return writeJSON(w.gen, filepath.Join(w.sub, "state.json"), st)
}

// WriteDatasetDictIn writes dataset_dict.json naming the splits into the
// generation gen, which makes it a DatasetDict for datasets.load_from_disk
// once committed. Stages write every split of a DatasetDict into one
// generation (CreateIn) so that the whole dict switches at once.
func WriteDatasetDictIn(gen *atomicfile.Dir, splits []string) error {
	return writeJSON(gen, "dataset_dict.json", dictJSON{splits})
}

// WriteDatasetDict writes dir/dataset_dict.json naming the splits (written
// before with Create), which makes dir a DatasetDict.
func WriteDatasetDict(dir string, splits []string) error {
	data, err := json.MarshalIndent(dictJSON{splits}, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(dir, "dataset_dict.json"), append(data, '\n'))
}

type dictJSON struct {
	Splits []string `json:"splits"`
}

// DictFiles reports whether name is an entry of a DatasetDict directory
// with the given splits.
func DictFiles(name string, splits []string) bool {
	return name == "dataset_dict.json" || slices.Contains(splits, name)
}

func writeJSON(gen *atomicfile.Dir, rel string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", rel, err)
	}
	return gen.WriteFile(rel, append(data, '\n'))
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
