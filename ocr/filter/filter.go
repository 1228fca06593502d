package filter

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/curate-ml/curate/fetch"
	"github.com/curate-ml/curate/internal/atomicfile"
	"github.com/curate-ml/curate/ocr"
	"github.com/curate-ml/curate/partition"
	"github.com/curate-ml/curate/pipeline"
	"github.com/curate-ml/curate/shards"
)

// Output file names inside Config.Out.
const (
	VerdictsFile = "verdicts.jsonl"
	StatsFile    = "filter-stats.json"
	JournalFile  = "verdicts.journal"    // the resume journal: verdicts in completion order
	OptionsFile  = "filter-options.json" // the detector options the journal's verdicts were made with
	SheetsDir    = "dropped"             // contact sheets: dropped/page-0001.png, ...
)

// Config configures Run.
type Config struct {
	In  string // a dataset (DatasetDict, split folder or .arrow file) or a folder of images
	Out string // output folder

	Workers     int               // Tesseract engines working at once; 0 = runtime.NumCPU()
	Detector    ocr.Options       // thresholds; zero fields take ocr.DefaultOptions
	TessdataDir string            // "" = find eng.traineddata in the standard places
	ShardBytes  int64             // output shard size; 0 = the shards default
	SheetPages  int               // most contact-sheet pages; 0 = as many as needed, < 0 = none
	Counter     *pipeline.Counter // progress; nil = none
	// MaxPixels is the largest width*height decoded (default
	// DefaultMaxPixels); larger images are dropped as unreadable.
	MaxPixels int64
	// AllowIncomplete reads an interrupted fetch output instead of
	// refusing it.
	AllowIncomplete bool
	// Partition, when active, decides only the rows whose id hashes into
	// it (see partition.go); filter-stats.json then says which part (for merge).
	Partition partition.Spec
}

// DefaultMaxPixels is the default of Config.MaxPixels (fetch's default too).
const DefaultMaxPixels = 40_000_000

// Stats is filter-stats.json.
type Stats struct {
	Input      string           `json:"input"`
	InputKind  string           `json:"input_kind"` // "shards" or "folder"
	Images     int64            `json:"images"`
	Kept       int64            `json:"kept"`
	Dropped    int64            `json:"dropped"`    // images showing text
	Unreadable int64            `json:"unreadable"` // images that could not be decoded (dropped too, with the reason in verdicts)
	Resumed    int64            `json:"-"`          // verdicts taken from the journal of an earlier run (not in the file: it would differ on resume)
	ByPass     map[string]int64 `json:"by_pass"`    // deciding pass of every decoded image
	Splits     []SplitStats     `json:"splits"`
	SheetPages int              `json:"sheet_pages"`
	Options    ocr.Options      `json:"options"`
	// Partition is set by a run with --partition: the part it holds and
	// what `curate merge` needs.
	Partition *partition.Manifest `json:"partition,omitempty"`
}

// SplitStats counts one split.
type SplitStats struct {
	Name    string `json:"name"`
	Images  int64  `json:"images"`
	Kept    int64  `json:"kept"`
	Dropped int64  `json:"dropped"`
}

// Verdict is one line of verdicts.jsonl (and of the journal).
type Verdict struct {
	Key     string     `json:"key"`            // split/id (shards) or relative path (folder): what resume matches
	ID      string     `json:"id,omitempty"`   // the row's id (shards input)
	Path    string     `json:"path,omitempty"` // the file, relative to In (folder input) or the row's image.path
	HasText bool       `json:"has_text"`
	Pass    string     `json:"pass,omitempty"` // the pass that decided
	Rule    string     `json:"rule,omitempty"` // what decided (ocr.Rule*); the words marked "decisive" are its evidence
	Words   []ocr.Word `json:"words"`
	Error   string     `json:"error,omitempty"` // why the image could not be read
	MS      int64      `json:"ms"`              // detection time; the one field that varies between runs
}

// item is one image to decide, in input order.
type item struct {
	key string
	row *shards.Row
	err error // reading the item failed: reported as its verdict
}

// Run filters cfg.In into cfg.Out. Images already decided in cfg.Out's journal
// are not decided again. On error or cancellation the journal keeps the
// verdicts made so far and no final output is left half-written.
func Run(ctx context.Context, cfg Config) (*Stats, error) {
	if cfg.In == "" || cfg.Out == "" {
		return nil, errors.New("filter-text: input and output folders are required")
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.NumCPU()
	}
	if cfg.Counter == nil {
		cfg.Counter = pipeline.NewCounter(0)
	}
	if cfg.MaxPixels == 0 {
		cfg.MaxPixels = DefaultMaxPixels
	}
	if overlap, err := atomicfile.Overlaps(cfg.In, cfg.Out); err != nil {
		return nil, fmt.Errorf("filter-text: %w", err)
	} else if overlap {
		return nil, fmt.Errorf("filter-text: output %s and input %s are the same folder or one holds the other: writing it would replace the input; choose another output", cfg.Out, cfg.In)
	}
	if !cfg.AllowIncomplete {
		if err := fetch.CheckComplete(cfg.In); err != nil {
			return nil, fmt.Errorf("filter-text: %w", err)
		}
	}
	src, err := openSource(cfg.In)
	if err != nil {
		return nil, err
	}
	defer src.close()

	pool, err := ocr.NewPool(ocr.PoolOptions{Size: cfg.Workers, TessdataDir: cfg.TessdataDir})
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	det, err := ocr.NewDetector(pool, cfg.Detector)
	if err != nil {
		return nil, err
	}

	// The new output is a generation beside the current one, under the
	// output's lock for the whole run; the current one keeps the journal
	// the run appends to, and stays loadable until the final switch.
	gen, err := atomicfile.BeginDir(ctx, cfg.Out, atomicfile.DirOptions{Stage: "filter-text", Owns: func(name string) bool {
		switch name {
		case VerdictsFile, StatsFile, JournalFile, OptionsFile, SheetsDir, "dataset_dict.json":
			return true
		}
		if shards.SplitFiles(name) {
			return true
		}
		for _, sp := range src.splits {
			if src.dict && name == sp.name {
				return true
			}
		}
		return false
	}})
	if err != nil {
		return nil, err
	}
	defer gen.Abort()
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return nil, fmt.Errorf("filter-text: create output folder: %w", err)
	}
	optionsJSON, err := checkOptions(cfg.Out, det.Options())
	if err != nil {
		return nil, err
	}
	// The journal's verdicts are kept on disk: only where each one lies is
	// held in memory, so resuming from a journal of any length takes little.
	journalPath := filepath.Join(cfg.Out, JournalFile)
	type ref struct {
		off int64
		n   int
	}
	done := map[string]ref{}
	err = pipeline.ReadJournalAt(journalPath, func(off int64, line []byte) error {
		var v struct {
			Key *string `json:"key"`
		}
		if err := json.Unmarshal(line, &v); err != nil || v.Key == nil {
			return fmt.Errorf("not a verdict: %v", err)
		}
		done[*v.Key] = ref{off, len(line)}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("filter-text: resume: %w", err)
	}
	journal, err := pipeline.OpenJournal(journalPath)
	if err != nil {
		return nil, fmt.Errorf("filter-text: %w", err)
	}
	defer journal.Close()
	journal.SyncEvery(256, 2*time.Second)
	jr, err := os.Open(journalPath)
	if err != nil {
		return nil, fmt.Errorf("filter-text: %w", err)
	}
	defer jr.Close()
	earlier := func(key string) (Verdict, bool, error) {
		r, ok := done[key]
		if !ok {
			return Verdict{}, false, nil
		}
		line, err := pipeline.ReadRecord(jr, r.off, r.n)
		if err != nil {
			return Verdict{}, true, fmt.Errorf("filter-text: resume %s: %w", key, err)
		}
		var v Verdict
		if err := json.Unmarshal(line, &v); err != nil {
			return Verdict{}, true, fmt.Errorf("filter-text: resume %s: %w", key, err)
		}
		return v, true, nil
	}

	stats := &Stats{Input: cfg.In, InputKind: src.kind, ByPass: map[string]int64{}, Options: det.Options()}
	cfg.Counter.SetTotal(src.total())
	stats.Partition = partitionManifest(cfg)

	verdicts, err := gen.Create(VerdictsFile)
	if err != nil {
		return nil, fmt.Errorf("filter-text: %w", err)
	}
	defer verdicts.Abort()
	vw := bufio.NewWriterSize(verdicts, 1<<20)
	sheets := newSheets(gen.Join(SheetsDir), cfg.SheetPages)
	defer sheets.abort()

	for _, sp := range src.splits {
		ss := SplitStats{Name: sp.name}
		sub := ""
		if src.dict {
			sub = sp.name
		}
		w, err := shards.CreateIn(gen, sub, shards.WriterOptions{LabelNames: sp.labelNames, ShardBytes: cfg.ShardBytes, Split: sp.name})
		if err != nil {
			return nil, fmt.Errorf("filter-text: %w", err)
		}
		work := func(ctx context.Context, it item) (Verdict, error) {
			if v, ok, err := earlier(it.key); ok {
				cfg.Counter.AddSkipped(1)
				return v, err
			}
			v := Verdict{Key: it.key}
			if it.row != nil {
				v.ID, v.Path = it.row.ID, it.row.Path
			}
			if it.err != nil {
				return v, fmt.Errorf("filter-text: read %s: %w", it.key, it.err)
			}
			if src.kind == kindFolder {
				v.ID = ""
				v.Path = it.key
			}
			if ic, _, err := image.DecodeConfig(bytes.NewReader(it.row.Image)); err == nil && int64(ic.Width)*int64(ic.Height) > cfg.MaxPixels {
				// Decoding would take width*height*4 bytes per worker:
				// the header's size is checked before any pixel is.
				v.Error = fmt.Sprintf("image of %dx%d pixels is over the %d-pixel limit", ic.Width, ic.Height, cfg.MaxPixels)
			} else {
				ov, err := det.DetectBytes(ctx, it.row.Image)
				if err != nil && ctx.Err() != nil {
					return v, ctx.Err()
				}
				if err != nil {
					v.Error = err.Error()
				} else {
					v.HasText, v.Pass, v.Rule, v.Words, v.MS = ov.HasText, ov.Pass, ov.Rule, ov.Words, ov.Elapsed.Milliseconds()
					if v.Words == nil {
						v.Words = []ocr.Word{}
					}
				}
			}
			cfg.Counter.AddBytes(int64(len(it.row.Image)))
			if err := journal.Append(v); err != nil {
				return v, err
			}
			cfg.Counter.AddDone(v.Error == "")
			return v, nil
		}
		sink := func(it item, v Verdict) error {
			if _, ok := done[it.key]; ok {
				stats.Resumed++
			}
			line, err := json.Marshal(v)
			if err != nil {
				return fmt.Errorf("filter-text: %s: %w", it.key, err)
			}
			vw.Write(line)
			vw.WriteByte('\n')
			ss.Images++
			switch {
			case v.Error != "":
				stats.Unreadable++
				ss.Dropped++
			case v.HasText:
				ss.Dropped++
				stats.ByPass[v.Pass]++
				if err := sheets.add(it, v); err != nil {
					return err
				}
			default:
				ss.Kept++
				stats.ByPass[v.Pass]++
				if err := w.Write(it.row); err != nil {
					return fmt.Errorf("filter-text: write %s: %w", it.key, err)
				}
			}
			return nil
		}
		if err := pipeline.Ordered(ctx, cfg.Workers, partitionItems(sp.items(), cfg.Partition), work, sink); err != nil {
			w.Abort()
			return nil, err
		}
		if err := w.Close(); err != nil {
			return nil, fmt.Errorf("filter-text: %w", err)
		}
		stats.Images += ss.Images
		stats.Kept += ss.Kept
		stats.Dropped += ss.Dropped
		stats.Splits = append(stats.Splits, ss)
	}
	stats.Dropped -= stats.Unreadable
	if src.dict {
		names := make([]string, len(src.splits))
		for i, sp := range src.splits {
			names[i] = sp.name
		}
		if err := shards.WriteDatasetDictIn(gen, names); err != nil {
			return nil, fmt.Errorf("filter-text: %w", err)
		}
	}
	if err := vw.Flush(); err != nil {
		return nil, fmt.Errorf("filter-text: write %s: %w", VerdictsFile, err)
	}
	if err := verdicts.Commit(); err != nil {
		return nil, fmt.Errorf("filter-text: %w", err)
	}
	pages, err := sheets.finish()
	if err != nil {
		return nil, err
	}
	stats.SheetPages = pages
	js, err := json.MarshalIndent(stats, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := gen.WriteFile(StatsFile, append(js, '\n')); err != nil {
		return nil, fmt.Errorf("filter-text: %w", err)
	}
	if err := gen.WriteFile(OptionsFile, optionsJSON); err != nil {
		return nil, fmt.Errorf("filter-text: %w", err)
	}
	if err := journal.Sync(); err != nil {
		return nil, fmt.Errorf("filter-text: %w", err)
	}
	if err := gen.Carry(journalPath, JournalFile); err != nil {
		return nil, fmt.Errorf("filter-text: %w", err)
	}
	if stats.Images > 0 && stats.Kept == 0 {
		return stats, fmt.Errorf("filter-text: %w: all %d images were dropped (%d show text, %d unreadable); the earlier output, if any, is kept", ErrNothingKept, stats.Images, stats.Dropped, stats.Unreadable)
	}
	// The switch: the earlier output stays whole until here.
	if err := gen.Commit(); err != nil {
		return nil, fmt.Errorf("filter-text: %w", err)
	}
	return stats, nil
}

// ErrNothingKept is returned when every image was dropped: the output would
// be an empty dataset.
var ErrNothingKept = errors.New("nothing kept")

// checkOptions makes sure a resumed run decides with the options the
// journal's verdicts were made with: it records them in OptionsFile on the
// first run and refuses to mix verdicts of different thresholds later.
func checkOptions(out string, o ocr.Options) ([]byte, error) {
	want, err := json.MarshalIndent(o, "", "  ")
	if err != nil {
		return nil, err
	}
	want = append(want, '\n')
	name := filepath.Join(out, OptionsFile)
	have, err := os.ReadFile(name)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if _, jerr := os.Stat(filepath.Join(out, JournalFile)); jerr == nil {
			return nil, fmt.Errorf("filter-text: %s has a verdicts journal but no %s: remove the journal or use another output folder", out, OptionsFile)
		}
		if err := atomicfile.WriteFile(name, want); err != nil {
			return nil, fmt.Errorf("filter-text: %w", err)
		}
		return want, nil
	case err != nil:
		return nil, fmt.Errorf("filter-text: %w", err)
	case !bytes.Equal(have, want):
		return nil, fmt.Errorf("filter-text: %s holds verdicts made with other detector options (%s); rerun with those options, or remove %s and %s to decide every image again",
			out, name, JournalFile, OptionsFile)
	}
	return want, nil
}

// ---- input ----

const (
	kindShards = "shards"
	kindFolder = "folder"
)

type source struct {
	kind   string
	dict   bool // a DatasetDict: one output folder per split
	splits []srcSplit
	ds     *shards.Dataset
}

type srcSplit struct {
	name       string
	labelNames []string
	n          int64
	items      func() iter.Seq[item]
}

func (s *source) total() int64 {
	var n int64
	for _, sp := range s.splits {
		n += sp.n
	}
	return n
}

func (s *source) close() {
	if s.ds != nil {
		s.ds.Close()
	}
}

// imageExts are the files a folder input takes.
var imageExts = map[string]string{".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".gif": "gif", ".webp": "webp"}

// openSource opens in as a dataset when it looks like one (an .arrow file,
// or a folder with dataset_dict.json, state.json or data-*.arrow), and as a
// folder of image files otherwise.
func openSource(in string) (*source, error) {
	st, err := os.Stat(in)
	if err != nil {
		return nil, fmt.Errorf("filter-text: input: %w", err)
	}
	isDataset := !st.IsDir()
	if st.IsDir() {
		for _, probe := range []string{"dataset_dict.json", "state.json"} {
			if _, err := os.Stat(filepath.Join(in, probe)); err == nil {
				isDataset = true
			}
		}
		if m, _ := filepath.Glob(filepath.Join(in, "*.arrow")); len(m) > 0 {
			isDataset = true
		}
	}
	if isDataset {
		ds, err := shards.Open(in)
		if err != nil {
			return nil, fmt.Errorf("filter-text: input %s: %w", in, err)
		}
		_, dictErr := os.Stat(filepath.Join(in, "dataset_dict.json"))
		src := &source{kind: kindShards, ds: ds, dict: st.IsDir() && dictErr == nil}
		for _, sp := range ds.Splits {
			name := sp.Name
			if !st.IsDir() || name == "" {
				name = "train" // a lone .arrow file is named after the file
			}
			src.splits = append(src.splits, srcSplit{name: name, labelNames: sp.LabelNames, n: sp.NumRows(),
				items: shardItems(sp, src.dict)})
		}
		return src, nil
	}
	return openFolder(in)
}

func shardItems(sp *shards.Split, dict bool) func() iter.Seq[item] {
	return func() iter.Seq[item] {
		return func(yield func(item) bool) {
			it := sp.Iter()
			for {
				i := it.Index()
				row, err := it.Next()
				if errors.Is(err, io.EOF) {
					return
				}
				key := row.ID
				if err == nil && key == "" {
					key = fmt.Sprintf("#%d", i)
				}
				if dict {
					key = sp.Name + "/" + key
				}
				if err != nil {
					// A row that cannot be read stops the run (in work): the
					// output would silently lack it otherwise.
					yield(item{key: fmt.Sprintf("%s#%d", sp.Name, i), err: err})
					return
				}
				if !yield(item{key: key, row: row}) {
					return
				}
			}
		}
	}
}

func openFolder(in string) (*source, error) {
	var files []string
	err := filepath.WalkDir(in, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != in && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if _, ok := imageExts[strings.ToLower(filepath.Ext(p))]; ok {
			// Only regular files (or links to them) are read: opening a
			// FIFO or device would block forever.
			if !d.Type().IsRegular() {
				st, err := os.Stat(p)
				if err != nil {
					return err
				}
				if !st.Mode().IsRegular() {
					return fmt.Errorf("%s is not a regular file (%s); remove it from the input folder", p, st.Mode().Type())
				}
			}
			rel, err := filepath.Rel(in, p)
			if err != nil {
				return err
			}
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("filter-text: list images in %s: %w", in, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("filter-text: %s holds no image files (%s) and is not a dataset", in, strings.Join(sortedKeys(imageExts), ", "))
	}
	sort.Strings(files)
	items := func() iter.Seq[item] {
		return func(yield func(item) bool) {
			for _, rel := range files {
				if !yield(folderItem(in, rel)) {
					return
				}
			}
		}
	}
	return &source{kind: kindFolder, splits: []srcSplit{{name: "train", n: int64(len(files)), items: items}}}, nil
}

// folderItem reads one image file into a row: id is the path without its
// extension, image.path the file's base name, no label.
func folderItem(in, rel string) item {
	data, err := os.ReadFile(filepath.Join(in, filepath.FromSlash(rel)))
	if err != nil {
		return item{key: rel, err: err}
	}
	sum := sha256.Sum256(data)
	row := &shards.Row{
		ID:          strings.TrimSuffix(rel, filepath.Ext(rel)),
		Image:       data,
		Path:        filepath.Base(rel),
		Label:       shards.NoLabel,
		SourceLabel: shards.NoLabel,
		SHA256:      hex.EncodeToString(sum[:]),
		Format:      imageExts[strings.ToLower(filepath.Ext(rel))],
	}
	// The format is what the bytes are, whatever the file's name says.
	if cfg, format, err := image.DecodeConfig(bytes.NewReader(data)); err == nil {
		row.Width, row.Height, row.Format = int32(cfg.Width), int32(cfg.Height), format
	} else {
		row.Format = "" // not what its name says: left unknown
	}
	return item{key: rel, row: row}
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
