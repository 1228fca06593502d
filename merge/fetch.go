package merge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/curate-ml/curate/fetch"
	"github.com/curate-ml/curate/internal/atomicfile"
	"github.com/curate-ml/curate/partition"
	"github.com/curate-ml/curate/pipeline"
	"github.com/curate-ml/curate/shards"
)

// fetchLockFile is the lock file fetch.Run takes in its output folder.
const fetchLockFile = ".fetch.lock"

// fetchPart is one part's output, read as the merge walks the lists.
type fetchPart struct {
	dir    string
	stats  fetch.Stats
	ledger map[string]*fetch.Record
	ds     *shards.Dataset
	rows   *shards.Iterator
}

func openFetchPart(dir string) (*fetchPart, error) {
	p := &fetchPart{dir: dir, ledger: map[string]*fetch.Record{}}
	b, err := os.ReadFile(filepath.Join(dir, fetch.StatsFile))
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	if err := json.Unmarshal(b, &p.stats); err != nil {
		return nil, fmt.Errorf("merge: %s: %w", filepath.Join(dir, fetch.StatsFile), err)
	}
	if !p.stats.Complete || p.stats.Run.Interrupted {
		return nil, fmt.Errorf("%w: %s is incomplete (%d URLs pending): run its fetch again first", ErrParts, dir, p.stats.ByStatus["pending"])
	}
	if err := fetch.ReadLedger(filepath.Join(dir, fetch.LedgerFile), func(r *fetch.Record) error {
		p.ledger[r.URL] = r
		return nil
	}); err != nil {
		return nil, fmt.Errorf("merge: %s: %w", dir, err)
	}
	if p.ds, err = shards.Open(dir); err != nil {
		return nil, fmt.Errorf("merge: %s: %w", dir, err)
	}
	if len(p.ds.Splits) != 1 {
		p.ds.Close()
		return nil, fmt.Errorf("merge: %s: want one split of shards, found %d", dir, len(p.ds.Splits))
	}
	p.rows = p.ds.Splits[0].Iter()
	return p, nil
}

// mergeFetch writes, in list order, what fetch.Run writes at the end of a
// complete run: shards, the compacted ledger, fetch-stats.json.
func mergeFetch(ctx context.Context, dirs []string, ms []*partition.Manifest, out string) (*Result, error) {
	m := ms[0]
	ls, err := fetch.ReadLists(m.Lists, len(m.LabelNames), m.Strict, nil)
	if err != nil {
		return nil, fmt.Errorf("merge: the lists of %s: %w", dirs[0], err)
	}
	parts := make([]*fetchPart, len(dirs))
	for i, d := range dirs {
		if parts[i], err = openFetchPart(d); err != nil {
			for _, p := range parts[:i] {
				p.ds.Close()
			}
			return nil, err
		}
	}
	defer func() {
		for _, p := range parts {
			p.ds.Close()
		}
	}()
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	// The lock fetch takes: no fetch or merge writes out meanwhile.
	unlock, err := pipeline.LockDir(out, fetchLockFile)
	if err != nil {
		return nil, fmt.Errorf("merge: %s: %w", out, err)
	}
	defer unlock()

	st := &fetch.Stats{
		Lines: ls.Lines, LinesPerList: ls.PerList, MalformedLines: len(ls.Malformed), URLs: len(ls.Entries),
		RepeatedLines: ls.Lines - len(ls.Entries),
		ByStatus:      map[string]int{fetch.StatusOK: 0, fetch.StatusFailed: 0, "pending": 0},
		ByReason:      map[string]int{},
	}
	for _, l := range m.Lists {
		st.Lists = append(st.Lists, filepath.Base(l))
	}
	for i, le := range ls.Malformed {
		if i == 20 {
			break
		}
		st.MalformedSample = append(st.MalformedSample, le.Error())
	}
	w, err := shards.Create(out, shards.WriterOptions{LabelNames: m.LabelNames, ShardBytes: m.ShardBytes})
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	tally := fetch.NewTally()
	recs := make([]*fetch.Record, 0, len(ls.Entries))
	for i := range ls.Entries {
		if i%1024 == 0 && ctx.Err() != nil {
			w.Abort()
			return nil, ctx.Err()
		}
		e := &ls.Entries[i]
		if len(e.Labels) > 1 {
			st.MultiLabelURLs++
		}
		p := parts[partition.Of(e.URL, len(parts))]
		rec := p.ledger[e.URL]
		if rec == nil {
			w.Abort()
			return nil, fmt.Errorf("%w: %s has no record of %s, which hashes into it: was it fetched from other lists?", ErrParts, p.dir, e.URL)
		}
		delete(p.ledger, e.URL)
		rec.Labels, rec.List, rec.DuplicateOf, rec.Staged = e.Labels, e.List, "", nil
		recs = append(recs, rec)
		if !tally.Add(st, rec) {
			continue
		}
		row, err := p.rows.Next()
		if errors.Is(err, io.EOF) {
			err = errors.New("fewer rows than ok records in the ledger")
		}
		if err == nil && row.ID != rec.ID {
			err = fmt.Errorf("row %d is %s, the ledger's next ok record %s", p.rows.Index()-1, row.ID, rec.ID)
		}
		if err != nil {
			w.Abort()
			return nil, fmt.Errorf("merge: %s: %w", p.dir, err)
		}
		if err := w.Write(row); err != nil {
			w.Abort()
			return nil, fmt.Errorf("merge: %w", err)
		}
		st.BytesStored += int64(len(row.Image))
	}
	for _, p := range parts {
		for u := range p.ledger {
			w.Abort()
			return nil, fmt.Errorf("%w: %s holds %s, which the lists its stats name do not (or not in this part)", ErrParts, p.dir, u)
		}
		if _, err := p.rows.Next(); !errors.Is(err, io.EOF) {
			w.Abort()
			return nil, fmt.Errorf("merge: %s: more rows than ok records in its ledger", p.dir)
		}
	}
	st.Rows = w.Rows()
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	names, _ := filepath.Glob(filepath.Join(out, "data-*-of-*.arrow"))
	for _, n := range names {
		st.Shards = append(st.Shards, filepath.Base(n))
	}
	st.Complete = true
	st.Run = sumRuns(parts)
	if err := writeLedger(filepath.Join(out, fetch.LedgerFile), recs); err != nil {
		return nil, err
	}
	if err := writeStats(filepath.Join(out, fetch.StatsFile), st); err != nil {
		return nil, err
	}
	return &Result{Stage: "fetch", Parts: len(parts), Out: out, Rows: st.Rows, Items: int64(len(recs))}, nil
}

// sumRuns describes the parts' runs as one: counts add up, the duration is
// the longest part's (they run side by side).
func sumRuns(parts []*fetchPart) fetch.RunStats {
	var r fetch.RunStats
	for _, p := range parts {
		q := p.stats.Run
		r.Fetched += q.Fetched
		r.OK += q.OK
		r.Failed += q.Failed
		r.Skipped += q.Skipped
		r.Requests += q.Requests
		r.Retries += q.Retries
		r.Bytes += q.Bytes
		r.HostSlowdowns += q.HostSlowdowns
		r.DurationSeconds = max(r.DurationSeconds, q.DurationSeconds)
		r.Workers += q.Workers
		r.PerHost = max(r.PerHost, q.PerHost)
	}
	if r.DurationSeconds > 0 {
		r.ImagesPerSecond = float64(r.OK) / r.DurationSeconds
	}
	return r
}

// writeLedger writes records the way fetch writes its compacted ledger.
func writeLedger(path string, recs []*fetch.Record) error {
	f, err := atomicfile.Create(path)
	if err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	if err := fetch.EncodeLedger(f, recs); err != nil {
		f.Abort()
		return fmt.Errorf("merge: ledger %s: %w", path, err)
	}
	return f.Commit()
}

func writeStats(path string, st *fetch.Stats) error {
	b, err := fetch.EncodeStats(st)
	if err != nil {
		return fmt.Errorf("merge: %s: %w", path, err)
	}
	return atomicfile.WriteFile(path, b)
}
