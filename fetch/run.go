package fetch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/curate-ml/curate/internal/atomicfile"
	"github.com/curate-ml/curate/partition"
	"github.com/curate-ml/curate/pipeline"
	"github.com/curate-ml/curate/shards"
)

// Files Run writes in Options.Out, beside the shards.
const (
	LedgerFile  = "ledger.jsonl"
	StatsFile   = "fetch-stats.json"
	StagingFile = "fetch-staging.bin"
)

// ErrBusy is returned when another fetch is writing the same directory.
var ErrBusy = pipeline.ErrBusy

// ErrNothingFetched is returned (with the stats, after the output is
// written) when every URL of the lists failed: the output holds no image.
var ErrNothingFetched = errors.New("every URL failed; the output holds no image")

// owns reports whether name is a file fetch writes in its output.
func owns(name string) bool {
	return name == LedgerFile || name == StatsFile || name == StagingFile || shards.SplitFiles(name)
}

// Defaults of Options.
const (
	DefaultWorkers       = 64
	DefaultPerHost       = 16
	DefaultTimeout       = 30 * time.Second
	DefaultRetries       = 4
	DefaultBackoffBase   = time.Second
	DefaultBackoffMax    = time.Minute
	DefaultMaxRetryAfter = 5 * time.Minute
	DefaultMaxBytes      = 20 << 20
	DefaultMaxPixels     = 40_000_000
	DefaultMaxRedirects  = 5
	DefaultSyncEvery     = 256
	DefaultSyncInterval  = 2 * time.Second
)

// Options configures Run. Zero values take the defaults above.
type Options struct {
	Lists      []string // list files, in order
	LabelNames []string // the class names of `label`; labels must lie in [0, len)
	Out        string   // output directory

	Workers   int    // URLs worked on at once
	PerHost   int    // requests in flight per host
	UserAgent string // required: an identifiable User-Agent

	Timeout       time.Duration // per request, headers and body
	Retries       int           // retries after the first attempt; < 0 means none
	BackoffBase   time.Duration // first retry waits about this long, doubling after
	BackoffMax    time.Duration // cap of the backoff
	MaxRetryAfter time.Duration // cap on a server's Retry-After

	MaxBytes     int64 // largest body accepted
	MaxPixels    int64 // largest width*height accepted
	MaxRedirects int   // redirects followed; < 0 means none
	AllowPrivate bool  // allow private, loopback and link-local addresses (tests, demos)

	RetryFailed bool // fetch again the URLs the ledger records as failed
	Strict      bool // a malformed list line is an error, not a warning
	// KeepStaging keeps fetch-staging.bin after a complete run. Without it
	// the file is removed once the shards hold every image; a later run
	// takes the images it already has from those shards.
	KeepStaging bool

	ShardBytes   int64         // shard size target (shards default when 0)
	SyncEvery    int           // fsync ledger and staging after this many records
	SyncInterval time.Duration // ... or this long

	// Partition, when active, keeps only the URLs whose stable hash falls
	// in it; fetch-stats.json then says which part it holds (for merge).
	Partition partition.Spec

	// Counter, if set, is updated as URLs finish: total = unique URLs,
	// skipped = decided by an earlier run.
	Counter *pipeline.Counter
	// OnMalformed, if set, is called for each malformed list line.
	OnMalformed func(*LineError)
}

func (o *Options) setDefaults() error {
	if len(o.Lists) == 0 {
		return errors.New("fetch: no list files")
	}
	if o.Out == "" {
		return errors.New("fetch: no output directory")
	}
	if len(o.LabelNames) == 0 {
		return errors.New("fetch: no label names")
	}
	if o.UserAgent == "" {
		return errors.New("fetch: a User-Agent is required")
	}
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defD := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.Workers, DefaultWorkers)
	def(&o.PerHost, DefaultPerHost)
	switch {
	case o.MaxRedirects == 0:
		o.MaxRedirects = DefaultMaxRedirects
	case o.MaxRedirects < 0:
		o.MaxRedirects = 0
	}
	def(&o.SyncEvery, DefaultSyncEvery)
	defD(&o.Timeout, DefaultTimeout)
	defD(&o.BackoffBase, DefaultBackoffBase)
	defD(&o.BackoffMax, DefaultBackoffMax)
	defD(&o.MaxRetryAfter, DefaultMaxRetryAfter)
	defD(&o.SyncInterval, DefaultSyncInterval)
	switch {
	case o.Retries == 0:
		o.Retries = DefaultRetries
	case o.Retries < 0:
		o.Retries = 0
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxBytes > shards.MaxImageBytes {
		return fmt.Errorf("fetch: max bytes %d over the %d-byte limit of an image in a shard", o.MaxBytes, shards.MaxImageBytes)
	}
	if o.MaxPixels <= 0 {
		o.MaxPixels = DefaultMaxPixels
	}
	if o.Counter == nil {
		o.Counter = pipeline.NewCounter(0)
	}
	return nil
}

// Stats is DIR/fetch-stats.json: the state of the whole output directory
// (every URL of the lists) and of the run that wrote it.
type Stats struct {
	Lists           []string       `json:"lists"`
	Lines           int            `json:"lines"` // well-formed list lines
	LinesPerList    map[string]int `json:"lines_per_list"`
	MalformedLines  int            `json:"malformed_lines"` // skipped list lines
	MalformedSample []string       `json:"malformed_sample,omitempty"`
	URLs            int            `json:"urls"`               // unique URLs
	RepeatedLines   int            `json:"repeated_url_lines"` // lines naming a URL listed before
	MultiLabelURLs  int            `json:"multi_label_urls"`   // URLs listed with 2+ different labels
	ByStatus        map[string]int `json:"by_status"`          // ok, failed, pending
	ByReason        map[string]int `json:"by_reason"`
	DuplicateBytes  int            `json:"duplicate_content"` // ok URLs whose bytes equal an earlier URL's
	Rows            int64          `json:"rows"`
	Shards          []string       `json:"shards"`
	BytesStored     int64          `json:"bytes_stored"`
	Complete        bool           `json:"complete"` // every URL decided
	Run             RunStats       `json:"run"`

	// Partition is set by a run with --partition: the part it holds and
	// what `curate merge` needs.
	Partition *partition.Manifest `json:"partition,omitempty"`
}

// RunStats describes one run.
type RunStats struct {
	Fetched         int     `json:"fetched"` // URLs decided in this run
	OK              int     `json:"ok"`
	Failed          int     `json:"failed"`
	Skipped         int     `json:"skipped"` // decided by an earlier run
	Requests        int     `json:"requests"`
	Retries         int     `json:"retries"`
	Bytes           int64   `json:"bytes_downloaded"`
	HostSlowdowns   int     `json:"host_slowdowns"` // 429 answers that slowed a host down
	DurationSeconds float64 `json:"duration_seconds"`
	ImagesPerSecond float64 `json:"images_per_second"` // ok images of this run per second of fetching
	Interrupted     bool    `json:"interrupted"`
	Workers         int     `json:"workers"`
	PerHost         int     `json:"per_host"`
}

// urlID is the stable id of a URL: the first 16 hex digits of its sha256.
func urlID(u string) string {
	s := sha256.Sum256([]byte(u))
	return hex.EncodeToString(s[:8])
}

type runner struct {
	o       Options
	lists   *Lists
	staging *staging
	journal *pipeline.Journal
	client  *httpFetcher
	prev    *previous // the shards of an earlier run, if any

	mu       sync.Mutex
	ledger   map[string]*Record // latest record per URL
	bySHA    map[string]Span    // staged bytes by sha256, to store identical bytes once
	unsynced int
	run      RunStats
	fatal    error
}

// Run fetches every URL of the lists that the output directory does not
// already hold, then writes the shards, the ledger and the stats. Cancelling
// ctx stops fetching; what finished is kept, the shards are written from it
// and Run returns ctx's error, so a rerun goes on where this one stopped.
func Run(ctx context.Context, opts Options) (*Stats, error) {
	if err := opts.setDefaults(); err != nil {
		return nil, err
	}
	start := time.Now()
	r := &runner{o: opts, ledger: map[string]*Record{}, bySHA: map[string]Span{}}
	var err error
	r.lists, err = ReadLists(opts.Lists, len(opts.LabelNames), opts.Strict, opts.OnMalformed)
	if err != nil {
		return nil, err
	}
	if opts.Partition.Active() {
		r.lists.Entries = partitionEntries(r.lists.Entries, opts.Partition)
	}
	// The new generation of the output is begun now: it holds the lock
	// for the whole run. The current output keeps the journal (ledger)
	// and staging file as the run appends to them; its shards stay as they
	// are until finish switches to the new generation.
	gen, err := atomicfile.BeginDir(ctx, opts.Out, atomicfile.DirOptions{Stage: "fetch", Owns: owns})
	if err != nil {
		return nil, err
	}
	defer gen.Abort()
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return nil, fmt.Errorf("create output directory: %w", err)
	}
	if r.staging, err = openStaging(filepath.Join(opts.Out, StagingFile)); err != nil {
		return nil, err
	}
	defer r.staging.close()
	if r.prev, err = openPrevious(ctx, opts.Out); err != nil {
		return nil, err
	}
	defer r.prev.close()
	ledgerPath := filepath.Join(opts.Out, LedgerFile)
	if err := ReadLedger(ledgerPath, func(rec *Record) error {
		r.ledger[rec.URL] = rec
		return nil
	}); err != nil {
		return nil, fmt.Errorf("resume: %w", err)
	}
	if r.journal, err = pipeline.OpenJournal(ledgerPath); err != nil {
		return nil, err
	}
	journalOpen := true
	defer func() {
		if journalOpen {
			r.journal.Close()
		}
	}()

	// What is left to do.
	var todo []*Entry
	for i := range r.lists.Entries {
		e := &r.lists.Entries[i]
		if rec := r.ledger[e.URL]; rec != nil && r.decided(rec) {
			if rec.Status == StatusOK && r.staged(rec) {
				r.bySHA[rec.SHA256] = *rec.Staged
			}
			continue
		}
		todo = append(todo, e)
	}
	c := opts.Counter
	c.SetTotal(int64(len(r.lists.Entries)))
	c.AddSkipped(int64(len(r.lists.Entries) - len(todo)))
	r.run.Skipped = len(r.lists.Entries) - len(todo)
	r.run.Workers, r.run.PerHost = opts.Workers, opts.PerHost

	r.client = newHTTPFetcher(&r.o)
	fetchStart := time.Now()
	ferr := r.fetchAll(ctx, todo)
	fetchSeconds := time.Since(fetchStart).Seconds()
	r.client.close()
	r.run.HostSlowdowns = r.client.limiter.slowdowns()

	journalOpen = false
	if err := r.journal.Close(); err != nil && ferr == nil {
		ferr = err
	}
	if err := r.staging.sync(); err != nil && ferr == nil {
		ferr = err
	}
	interrupted := ferr != nil && ctx.Err() != nil && errors.Is(ferr, ctx.Err())
	if ferr != nil && !interrupted {
		return nil, ferr // a fatal error (disk full, ...): keep the journal for a rerun
	}

	// Write what is there: everything after a complete run, what finished
	// so far after an interrupt.
	st, err := r.finish(gen, start, fetchSeconds, interrupted)
	if err != nil {
		return nil, err
	}
	if interrupted {
		return st, ferr
	}
	if st.URLs > 0 && st.ByStatus[StatusOK] == 0 {
		return st, ErrNothingFetched
	}
	return st, nil
}

// decided reports whether rec settles its URL for this run.
func (r *runner) decided(rec *Record) bool {
	switch rec.Status {
	case StatusOK:
		return r.staged(rec) || r.prev.has(rec.ID, rec.SHA256)
	case StatusFailed:
		return !r.o.RetryFailed
	}
	return false
}

// fetchAll works through todo with o.Workers goroutines. Results are
// journaled as they come, in completion order; order is restored when the
// shards are written.
func (r *runner) fetchAll(ctx context.Context, todo []*Entry) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan *Entry)
	var wg sync.WaitGroup
	for range min(r.o.Workers, max(len(todo), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range jobs {
				res := r.client.fetch(ctx, e.URL)
				if ctx.Err() != nil {
					return // cut short by cancellation: not an outcome
				}
				if err := r.record(e, res); err != nil {
					r.mu.Lock()
					if r.fatal == nil {
						r.fatal = err
					}
					r.mu.Unlock()
					cancel()
					return
				}
			}
		}()
	}
	syncDone := make(chan struct{})
	go func() {
		t := time.NewTicker(r.o.SyncInterval)
		defer t.Stop()
		for {
			select {
			case <-syncDone:
				return
			case <-t.C:
				r.mu.Lock()
				err := r.syncLocked()
				r.mu.Unlock()
				if err != nil {
					r.mu.Lock()
					if r.fatal == nil {
						r.fatal = err
					}
					r.mu.Unlock()
					cancel()
				}
			}
		}
	}()
feed:
	for _, e := range todo {
		select {
		case jobs <- e:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	close(syncDone)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.syncLocked(); err != nil && r.fatal == nil {
		r.fatal = err
	}
	if r.fatal != nil {
		return r.fatal
	}
	return ctx.Err()
}

// record stores the outcome of one URL: bytes to staging (once per distinct
// content), then the ledger record.
func (r *runner) record(e *Entry, res *result) error {
	rec := &Record{URL: e.URL, ID: urlID(e.URL), Attempts: res.attempts, HTTPStatus: res.status,
		ContentType: res.contentType, List: e.List, Labels: e.Labels, Bytes: res.bytes}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.run.Requests += res.attempts
	r.run.Retries += max(res.attempts-1, 0)
	r.run.Bytes += res.bytes
	r.run.Fetched++
	if res.img != nil {
		rec.Status, rec.Reason = StatusOK, ReasonOK
		rec.SHA256, rec.Width, rec.Height, rec.Format = res.img.SHA256, res.img.Width, res.img.Height, res.img.Format
		sp, ok := r.bySHA[rec.SHA256]
		if !ok {
			var err error
			if sp, err = r.staging.append(res.img.Data); err != nil {
				return err
			}
			r.bySHA[rec.SHA256] = sp
		}
		rec.Staged = &sp
		r.run.OK++
	} else {
		rec.Status, rec.Reason, rec.Error = StatusFailed, res.fail.reason, res.fail.err.Error()
		r.run.Failed++
	}
	if err := r.journal.Append(rec); err != nil {
		return err
	}
	r.ledger[e.URL] = rec
	r.o.Counter.AddDone(res.img != nil)
	r.o.Counter.AddBytes(res.bytes)
	r.unsynced++
	if r.unsynced >= r.o.SyncEvery {
		return r.syncLocked()
	}
	return nil
}

// syncLocked makes the staged bytes durable before the ledger records that
// point at them.
func (r *runner) syncLocked() error {
	if r.unsynced == 0 {
		return nil
	}
	if err := r.staging.sync(); err != nil {
		return err
	}
	if err := r.journal.Sync(); err != nil {
		return err
	}
	r.unsynced = 0
	return nil
}

// finish writes the shards in list order from staging, the compacted
// ledger, and returns the stats.
func (r *runner) finish(gen *atomicfile.Dir, start time.Time, fetchSeconds float64, interrupted bool) (*Stats, error) {
	ls := r.lists
	st := &Stats{
		Lines: ls.Lines, LinesPerList: ls.PerList, MalformedLines: len(ls.Malformed), URLs: len(ls.Entries),
		RepeatedLines: ls.Lines - len(ls.Entries),
		ByStatus:      map[string]int{StatusOK: 0, StatusFailed: 0, "pending": 0},
		ByReason:      map[string]int{},
		Run:           r.run,
	}
	st.Partition = partitionManifest(r.o)
	for _, p := range r.o.Lists {
		st.Lists = append(st.Lists, filepath.Base(p))
	}
	for i, le := range ls.Malformed {
		if i == 20 {
			break
		}
		st.MalformedSample = append(st.MalformedSample, le.Error())
	}

	w, err := shards.CreateIn(gen, "", shards.WriterOptions{LabelNames: r.o.LabelNames, ShardBytes: r.o.ShardBytes})
	if err != nil {
		return nil, err
	}
	tally := NewTally()
	recs := make([]*Record, 0, len(ls.Entries))
	var buf []byte
	for i := range ls.Entries {
		e := &ls.Entries[i]
		if len(e.Labels) > 1 {
			st.MultiLabelURLs++
		}
		rec := r.ledger[e.URL]
		if rec == nil || (rec.Status == StatusOK && !r.decided(rec)) {
			st.ByStatus["pending"]++
			continue
		}
		// Labels and list come from the lists as they are now.
		rec.Labels, rec.List, rec.DuplicateOf = e.Labels, e.List, ""
		recs = append(recs, rec)
		if !tally.Add(st, rec) {
			continue
		}
		data, err := r.imageOf(rec, buf)
		if err != nil {
			w.Abort()
			return nil, fmt.Errorf("%s: %w (delete %s and rerun to fetch again)", e.URL, err, LedgerFile)
		}
		if r.staged(rec) {
			buf = data[:0:cap(data)]
		}
		labels := make([]int64, len(e.Labels))
		for j, l := range e.Labels {
			labels[j] = int64(l)
		}
		row := shards.Row{
			ID: rec.ID, Image: data, Path: imageName(e.URL, rec.Format),
			Label: labels[0], Labels: labels, SourceLabel: labels[0],
			URL: e.URL, SHA256: rec.SHA256, Width: int32(rec.Width), Height: int32(rec.Height),
			Format: rec.Format, List: e.List,
		}
		if err := w.Write(&row); err != nil {
			w.Abort()
			return nil, err
		}
		st.BytesStored += int64(len(data))
	}
	st.Rows = w.Rows()
	if err := w.Close(); err != nil {
		return nil, err
	}
	st.Shards = w.Files()
	st.Complete = st.ByStatus["pending"] == 0
	// After a complete run the shards hold every image: the staging file
	// can go, and the ledger stops pointing into it.
	dropStaging := st.Complete && !interrupted && !r.o.KeepStaging
	if dropStaging {
		for _, rec := range recs {
			rec.Staged = nil
		}
	}
	if err := writeLedger(gen, recs); err != nil {
		return nil, err
	}
	if !dropStaging {
		if err := gen.Carry(r.staging.path, StagingFile); err != nil {
			return nil, err
		}
	}
	st.Run.DurationSeconds = time.Since(start).Seconds()
	if fetchSeconds > 0 {
		st.Run.ImagesPerSecond = float64(st.Run.OK) / fetchSeconds
	}
	st.Run.Interrupted = interrupted
	if err := writeStats(gen, st); err != nil {
		return nil, err
	}
	// The switch: until here the earlier output (shards, ledger, staging)
	// is as it was; from here the new one is whole.
	if err := gen.Commit(); err != nil {
		return nil, fmt.Errorf("fetch: %w", err)
	}
	return st, nil
}

// staged reports whether rec's bytes are whole in the staging file.
func (r *runner) staged(rec *Record) bool {
	return rec.Staged != nil && rec.SHA256 != "" && r.staging.has(*rec.Staged)
}

// imageOf returns the bytes of an ok record from staging or, failing that,
// from the earlier shards, checked against the record's sha256.
func (r *runner) imageOf(rec *Record, buf []byte) ([]byte, error) {
	var data []byte
	var err error
	if r.staged(rec) {
		data, err = r.staging.read(*rec.Staged, buf)
	} else {
		data, err = r.prev.image(rec.ID)
	}
	if err != nil {
		return nil, err
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != rec.SHA256 {
		return nil, errors.New("the stored bytes do not match the ledger's sha256")
	}
	return data, nil
}

// imageName is the image.path of a row: the URL's file name.
func imageName(u, format string) string {
	if pu, err := url.Parse(u); err == nil {
		if b := path.Base(pu.Path); b != "." && b != "/" && b != "" {
			return b
		}
	}
	return urlID(u) + "." + strings.TrimPrefix(format, ".")
}

func writeStats(gen *atomicfile.Dir, st *Stats) error {
	b, err := EncodeStats(st)
	if err != nil {
		return fmt.Errorf("encode %s: %w", StatsFile, err)
	}
	return gen.WriteFile(StatsFile, b)
}

// Tally counts the records of a finished run into its Stats in ledger
// order: status and reason counts, and for ok records the byte-identical
// copies (a record whose sha256 an earlier ok record has gets DuplicateOf
// that record's id). fetch and merge both count through it, so a merged
// run's stats equal one run's.
type Tally struct{ firstBySHA map[string]string }

// NewTally returns an empty Tally.
func NewTally() *Tally { return &Tally{firstBySHA: map[string]string{}} }

// Add counts rec into st and reports whether rec is ok (has an image).
func (t *Tally) Add(st *Stats, rec *Record) bool {
	st.ByStatus[rec.Status]++
	st.ByReason[rec.Reason]++
	if rec.Status != StatusOK {
		return false
	}
	if first, ok := t.firstBySHA[rec.SHA256]; ok {
		rec.DuplicateOf = first
		st.DuplicateBytes++
	} else {
		t.firstBySHA[rec.SHA256] = rec.ID
	}
	return true
}

// EncodeStats returns st as StatsFile holds it: indented JSON, HTML
// characters unescaped. fetch and merge write the file through it.
func EncodeStats(st *Stats) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(st); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
