package pipeline

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// Journal is an append-only file of JSON lines, the record of finished work
// that lets a stage resume after a crash. Each record is written with a single
// write call ending in a newline, so after a crash the file holds whole
// records and at most one torn last line, which ReadJournal ignores and
// OpenJournal cuts off before appending.
//
// A Journal is safe for concurrent use.
type Journal struct {
	mu   sync.Mutex
	f    *os.File
	path string
	buf  bytes.Buffer

	syncEvery int           // appends between fsyncs; 0 = only Sync and Close
	syncAfter time.Duration // ... or this long since the last fsync
	unsynced  int
	lastSync  time.Time
}

// SyncEvery makes Append fsync the journal after n appends or when d has
// passed since the last fsync, whichever comes first, so a crash loses at
// most that much work.
func (j *Journal) SyncEvery(n int, d time.Duration) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.syncEvery, j.syncAfter, j.lastSync = n, d, time.Now()
}

// OpenJournal opens path for appending, creating it if needed. A torn last
// line left by a crash is truncated away first.
func OpenJournal(path string) (*Journal, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open journal: %w", err)
	}
	end, err := wholeRecordsEnd(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	if err := f.Truncate(end); err != nil {
		f.Close()
		return nil, fmt.Errorf("journal %s: cut torn last line: %w", path, err)
	}
	if _, err := f.Seek(end, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	return &Journal{f: f, path: path}, nil
}

// wholeRecordsEnd returns the offset just past the last newline of f.
func wholeRecordsEnd(f *os.File) (int64, error) {
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	size := st.Size()
	const chunk = 64 << 10
	buf := make([]byte, chunk)
	for end := size; end > 0; {
		start := max(end-chunk, 0)
		n, err := f.ReadAt(buf[:end-start], start)
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			return start + int64(i) + 1, nil
		}
		end = start
	}
	return 0, nil
}

// Append writes rec as one JSON line.
func (j *Journal) Append(rec any) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.buf.Reset()
	enc := json.NewEncoder(&j.buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rec); err != nil { // Encode ends the line with '\n'
		return fmt.Errorf("journal %s: encode record: %w", j.path, err)
	}
	if _, err := j.f.Write(j.buf.Bytes()); err != nil {
		return fmt.Errorf("journal %s: append: %w", j.path, err)
	}
	if j.syncEvery > 0 {
		j.unsynced++
		if j.unsynced >= j.syncEvery || (j.syncAfter > 0 && time.Since(j.lastSync) >= j.syncAfter) {
			if err := j.f.Sync(); err != nil {
				return fmt.Errorf("journal %s: sync: %w", j.path, err)
			}
			j.unsynced, j.lastSync = 0, time.Now()
		}
	}
	return nil
}

// Sync flushes appended records to stable storage.
func (j *Journal) Sync() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("journal %s: sync: %w", j.path, err)
	}
	return nil
}

// Close syncs and closes the journal.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	serr := j.f.Sync()
	cerr := j.f.Close()
	if err := errors.Join(serr, cerr); err != nil {
		return fmt.Errorf("journal %s: close: %w", j.path, err)
	}
	return nil
}

// ReadJournal calls fn with every whole record line of the journal at path,
// in order. A missing file holds no records. A torn last line (no newline) is
// skipped, since the record it began was never acknowledged. fn's line is only
// valid during the call.
func ReadJournal(path string, fn func(line []byte) error) error {
	return ReadJournalAt(path, func(_ int64, line []byte) error { return fn(line) })
}

// ReadJournalAt is ReadJournal that also gives each line's byte offset in
// the file, so a caller can keep offsets instead of records and read a
// record back later (ReadRecord) with bounded memory.
func ReadJournalAt(path string, fn func(off int64, line []byte) error) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read journal: %w", err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 256<<10)
	var off int64
	for lineNo := 1; ; lineNo++ {
		line, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A record longer than the buffer: collect it whole.
			long := append([]byte(nil), line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = r.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if errors.Is(err, io.EOF) {
			return nil // a line without '\n' is torn: ignore it
		}
		if err != nil {
			return fmt.Errorf("read journal %s line %d: %w", path, lineNo, err)
		}
		if err := fn(off, line[:len(line)-1]); err != nil {
			return fmt.Errorf("journal %s line %d: %w", path, lineNo, err)
		}
		off += int64(len(line))
	}
}

// ReadRecord reads the line of n bytes (without its newline) at off of an
// open journal file, as ReadJournalAt reported it.
func ReadRecord(f io.ReaderAt, off int64, n int) ([]byte, error) {
	buf := make([]byte, n)
	if _, err := f.ReadAt(buf, off); err != nil {
		return nil, fmt.Errorf("read journal record at byte %d: %w", off, err)
	}
	return buf, nil
}
