package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestOrderedKeepsInputOrder(t *testing.T) {
	for _, workers := range []int{1, 3, 16} {
		t.Run(fmt.Sprint(workers), func(t *testing.T) {
			var inFlight, peak atomic.Int64
			var got []int
			err := Ordered(context.Background(), workers, slices.Values(seq(200)),
				func(_ context.Context, i int) (int, error) {
					n := inFlight.Add(1)
					for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
					}
					time.Sleep(time.Duration(rand.IntN(300)) * time.Microsecond)
					inFlight.Add(-1)
					return i * i, nil
				},
				func(i, sq int) error {
					if sq != i*i {
						return fmt.Errorf("result %d for %d", sq, i)
					}
					got = append(got, i)
					return nil
				})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, seq(200)) {
				t.Fatalf("results out of order: %v", got[:10])
			}
			if peak.Load() > int64(workers) {
				t.Errorf("%d items worked at once with %d workers", peak.Load(), workers)
			}
		})
	}
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func TestOrderedStopsOnError(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name     string
		workErr  int // item whose work fails, -1 none
		sinkErr  int // item whose sink fails, -1 none
		wantSeen int // items the sink saw
	}{
		{"work error", 50, -1, 50},
		{"sink error", -1, 30, 30},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var started atomic.Int64
			seen := 0
			err := Ordered(context.Background(), 4, slices.Values(seq(100000)),
				func(_ context.Context, i int) (int, error) {
					started.Add(1)
					if i == tc.workErr {
						return 0, boom
					}
					return i, nil
				},
				func(i, _ int) error {
					if i == tc.sinkErr {
						return boom
					}
					seen++
					return nil
				})
			if !errors.Is(err, boom) {
				t.Fatalf("err = %v, want boom", err)
			}
			if seen != tc.wantSeen {
				t.Errorf("sink saw %d items, want %d", seen, tc.wantSeen)
			}
			if started.Load() > 1000 {
				t.Errorf("%d items started after the error; the run did not stop", started.Load())
			}
		})
	}
}

func TestOrderedCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err := Ordered(ctx, 2, slices.Values(seq(1000)),
		func(ctx context.Context, i int) (int, error) { return i, nil },
		func(i, _ int) error {
			n++
			if i == 10 {
				cancel()
			}
			return nil
		})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n > 20 {
		t.Errorf("sink saw %d items after cancel at 10", n)
	}
}

type rec struct {
	URL    string `json:"url"`
	Status string `json:"status"`
}

func TestJournalTornLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.jsonl")
	j, err := OpenJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []rec{{"http://a/1", "ok"}, {"http://a/<2>&", "failed"}}
	for _, r := range want {
		if err := j.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	// A crash mid-write leaves a torn last line.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"url":"http://a/3","sta`)
	f.Close()

	if got := readAll(t, path); !reflect.DeepEqual(got, want) {
		t.Fatalf("read %v, want %v", got, want)
	}
	j, err = OpenJournal(path) // cuts the torn line, then appends after it
	if err != nil {
		t.Fatal(err)
	}
	j.Append(rec{"http://a/3", "ok"})
	j.Close()
	want = append(want, rec{"http://a/3", "ok"})
	if got := readAll(t, path); !reflect.DeepEqual(got, want) {
		t.Fatalf("after reopen: %v, want %v", got, want)
	}
	raw, _ := os.ReadFile(path)
	if strings.Contains(string(raw), "sta\n") || strings.Contains(string(raw), `\u003c`) {
		t.Errorf("journal content: %s", raw)
	}
}

func readAll(t *testing.T, path string) []rec {
	t.Helper()
	var out []rec
	err := ReadJournal(path, func(line []byte) error {
		var r rec
		if err := json.Unmarshal(line, &r); err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestReadJournalMissingAndLongLines(t *testing.T) {
	dir := t.TempDir()
	if err := ReadJournal(filepath.Join(dir, "none.jsonl"), func([]byte) error { return errors.New("called") }); err != nil {
		t.Errorf("missing journal: %v", err)
	}
	path := filepath.Join(dir, "long.jsonl")
	j, _ := OpenJournal(path)
	long := strings.Repeat("x", 1<<20)
	j.Append(rec{URL: long})
	j.Close()
	if got := readAll(t, path); len(got) != 1 || got[0].URL != long {
		t.Errorf("long record not read back whole")
	}
}

func TestCounter(t *testing.T) {
	c := NewCounter(10)
	c.AddSkipped(2)
	c.AddDone(true)
	c.AddDone(false)
	c.AddBytes(100)
	s := c.Snapshot()
	if s.Total != 10 || s.Done != 4 || s.OK != 1 || s.Failed != 1 || s.Skipped != 2 || s.Bytes != 100 {
		t.Errorf("snapshot = %+v", s)
	}
	if s.ETA() <= 0 {
		t.Errorf("ETA = %v with work left", s.ETA())
	}
}

func TestLockDir(t *testing.T) {
	dir := t.TempDir()
	unlock, err := LockDir(dir, ".lock")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LockDir(dir, ".lock"); !errors.Is(err, ErrBusy) {
		t.Errorf("second lock: %v, want ErrBusy", err)
	}
	unlock()
	unlock2, err := LockDir(dir, ".lock")
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	unlock2()
}

// TestJournalSyncEveryAndOffsets: with SyncEvery the journal fsyncs every n
// appends; ReadJournalAt gives offsets that ReadRecord reads back.
func TestJournalSyncEveryAndOffsets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	j, err := OpenJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	j.SyncEvery(2, 0)
	for i := range 5 {
		if err := j.Append(map[string]int{"i": i}); err != nil {
			t.Fatal(err)
		}
	}
	if j.unsynced != 1 {
		t.Errorf("%d appends not synced, want 1 (synced after the 2nd and 4th)", j.unsynced)
	}
	j.Close()
	f, _ := os.Open(path)
	defer f.Close()
	n := 0
	err = ReadJournalAt(path, func(off int64, line []byte) error {
		got, err := ReadRecord(f, off, len(line))
		if err != nil || string(got) != string(line) || string(line) != fmt.Sprintf(`{"i":%d}`, n) {
			t.Errorf("record %d at %d: %q, %v", n, off, got, err)
		}
		n++
		return nil
	})
	if err != nil || n != 5 {
		t.Fatalf("%d records, %v", n, err)
	}
}
