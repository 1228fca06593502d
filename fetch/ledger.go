package fetch

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/curate-ml/curate/internal/atomicfile"
	"github.com/curate-ml/curate/pipeline"
)

// Status values of a ledger record.
const (
	StatusOK     = "ok"
	StatusFailed = "failed"
)

// Record is one line of DIR/ledger.jsonl: the outcome of one URL. While a
// run is going the ledger is an append-only journal (a URL retried later
// appears again, the last record wins); a run that ends rewrites it with
// one record per URL in list order.
type Record struct {
	URL         string `json:"url"`
	Status      string `json:"status"` // ok | failed
	Reason      string `json:"reason"` // a Reason* code; "ok" for successes
	Attempts    int    `json:"attempts"`
	ID          string `json:"id"`
	SHA256      string `json:"sha256,omitempty"`
	DuplicateOf string `json:"duplicate_of,omitempty"` // id of an earlier URL with identical bytes
	Error       string `json:"error,omitempty"`        // the last error, for people
	HTTPStatus  int    `json:"http_status,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	Bytes       int64  `json:"bytes,omitempty"`
	Width       int    `json:"width,omitempty"`
	Height      int    `json:"height,omitempty"`
	Format      string `json:"format,omitempty"`
	List        string `json:"list"`
	Labels      []int  `json:"labels"`
	Staged      *Span  `json:"staged,omitempty"` // where the bytes lie in fetch-staging.bin
}

// ReadLedger calls fn with every record of a ledger file in order; a
// missing file has none. A line that is not a record is an error naming it.
func ReadLedger(path string, fn func(*Record) error) error {
	return pipeline.ReadJournal(path, func(line []byte) error {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			return nil
		}
		var r Record
		if err := json.Unmarshal(line, &r); err != nil {
			return fmt.Errorf("not a ledger record: %w", err)
		}
		if r.URL == "" || (r.Status != StatusOK && r.Status != StatusFailed) {
			return fmt.Errorf("not a ledger record: url %q, status %q", r.URL, r.Status)
		}
		return fn(&r)
	})
}

// writeLedger writes recs as the ledger of the generation gen.
func writeLedger(gen *atomicfile.Dir, recs []*Record) error {
	path := gen.Join(LedgerFile)
	f, err := gen.Create(LedgerFile)
	if err != nil {
		return err
	}
	if err := EncodeLedger(f, recs); err != nil {
		f.Abort()
		return fmt.Errorf("ledger %s: %w", path, err)
	}
	return f.Commit()
}

// EncodeLedger writes recs to w as a compacted ledger: one JSON object per
// line, in the order given, without HTML escaping.
func EncodeLedger(w io.Writer, recs []*Record) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, r := range recs {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// CheckComplete returns an error if dir is the output of a fetch that did
// not decide every URL (interrupted, or killed before the end): reading it
// as a complete dataset would silently lack those images. Other folders
// (no fetch-stats.json) pass.
func CheckComplete(dir string) error {
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return nil
	}
	raw, err := os.ReadFile(filepath.Join(dir, StatsFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var s struct {
		Complete *bool          `json:"complete"`
		ByStatus map[string]int `json:"by_status"`
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return fmt.Errorf("%s: not valid JSON: %w", filepath.Join(dir, StatsFile), err)
	}
	if s.Complete != nil && !*s.Complete {
		return fmt.Errorf("%s is an incomplete fetch (%d URLs not fetched yet): rerun fetch to finish it, or allow an incomplete input explicitly", dir, s.ByStatus["pending"])
	}
	return nil
}
