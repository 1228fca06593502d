package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStagingKeepsWholeRecords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.bin")
	s, err := openStaging(path)
	if err != nil {
		t.Fatal(err)
	}
	data := [][]byte{[]byte("first image"), bytes.Repeat([]byte{7}, 5000), []byte("third")}
	var spans []Span
	for _, d := range data {
		sp, err := s.append(d)
		if err != nil {
			t.Fatal(err)
		}
		spans = append(spans, sp)
	}
	s.close()
	full, _ := os.ReadFile(path)

	tests := []struct {
		name  string
		mod   func([]byte) []byte
		whole int // records that survive
	}{
		{"intact", func(b []byte) []byte { return b }, 3},
		{"torn last record", func(b []byte) []byte { return b[:len(b)-2] }, 2},
		{"torn header", func(b []byte) []byte { return b[:spans[2].Offset+5] }, 2},
		{"flipped byte in the middle record", func(b []byte) []byte {
			c := bytes.Clone(b)
			c[spans[1].Offset+stagingHeader+100] ^= 1
			return c
		}, 1},
		{"garbage appended", func(b []byte) []byte { return append(bytes.Clone(b), "junk after a crash"...) }, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			os.WriteFile(path, tc.mod(full), 0o644)
			s, err := openStaging(path)
			if err != nil {
				t.Fatal(err)
			}
			defer s.close()
			for i, sp := range spans {
				if got, want := s.has(sp), i < tc.whole; got != want {
					t.Errorf("record %d whole: %v, want %v", i, got, want)
				}
				if i < tc.whole {
					b, err := s.read(sp, nil)
					if err != nil || !bytes.Equal(b, data[i]) {
						t.Errorf("record %d: %v", i, err)
					}
				}
			}
			// New records go after the last whole one.
			sp, err := s.append([]byte("new"))
			if err != nil {
				t.Fatal(err)
			}
			if tc.whole > 0 && sp.Offset != spans[tc.whole-1].Offset+stagingHeader+spans[tc.whole-1].Length {
				t.Errorf("appended at %d", sp.Offset)
			}
		})
	}
}

// TestFetchRefetchesLostBytes: a ledger that says ok while the staged bytes
// are gone (a crash lost them) makes the URL be fetched again, not trusted.
func TestFetchRefetchesLostBytes(t *testing.T) {
	srv := newFaultServer(t)
	var list strings.Builder
	for i := range 6 {
		srv.images[fmt.Sprintf("/img/%d.jpg", i)] = makeJPEG(t, uint64(i), 32, 32)
		fmt.Fprintf(&list, "%s %d\n", srv.url(fmt.Sprintf("/img/%d.jpg", i)), i)
	}
	dir := t.TempDir()
	o := testOptions([]string{writeList(t, dir, "l.txt", list.String())}, filepath.Join(dir, "out"))
	o.Workers = 1
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	want := shardBytes(t, o.Out)
	// Cut the staging file in the middle of its fourth record.
	var recs []*Record
	ReadLedger(filepath.Join(o.Out, LedgerFile), func(r *Record) error { recs = append(recs, r); return nil })
	// The record with the largest offset was staged last: tear it.
	var cut int64
	for _, r := range recs {
		cut = max(cut, r.Staged.Offset)
	}
	lost := 0
	if err := os.Truncate(filepath.Join(o.Out, StagingFile), cut+stagingHeader+3); err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.Staged.Offset >= cut {
			lost++
		}
	}
	before := srv.totalHits()
	st, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if got := srv.totalHits() - before; got != lost || st.Run.Fetched != lost {
		t.Errorf("refetched %d URLs (stats %d), want %d", got, st.Run.Fetched, lost)
	}
	if !bytes.Equal(shardBytes(t, o.Out), want) {
		t.Error("shards differ after refetching lost bytes")
	}
}

func TestLockDir(t *testing.T) {
	dir := t.TempDir()
	unlock, err := lockDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lockDir(dir); !errors.Is(err, ErrBusy) {
		t.Errorf("second lock: %v, want ErrBusy", err)
	}
	unlock()
	unlock2, err := lockDir(dir)
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	unlock2()
}
