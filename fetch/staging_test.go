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

// TestFetchRefetchesLostBytes: a ledger that says ok while the bytes are in
// neither the staging file (a crash tore them) nor earlier shards makes the
// URL be fetched again, not trusted.
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
	o.KeepStaging = true
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	want := shardBytes(t, o.Out)
	var recs []*Record
	ReadLedger(filepath.Join(o.Out, LedgerFile), func(r *Record) error { recs = append(recs, r); return nil })
	// The record with the largest offset was staged last: tear it, and
	// remove the shards, as if the run had died before writing them.
	var cut int64
	for _, r := range recs {
		cut = max(cut, r.Staged.Offset)
	}
	lost := 0
	for _, r := range recs {
		if r.Staged.Offset >= cut {
			lost++
		}
	}
	if err := os.Truncate(filepath.Join(o.Out, StagingFile), cut+stagingHeader+3); err != nil {
		t.Fatal(err)
	}
	names, _ := filepath.Glob(filepath.Join(o.Out, "data-*.arrow"))
	for _, n := range append(names, filepath.Join(o.Out, "state.json")) {
		os.Remove(n)
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

// TestFetchWithoutStaging: a complete run removes its staging file; later
// runs take the images from the shards and fetch only what is new.
func TestFetchWithoutStaging(t *testing.T) {
	srv := newFaultServer(t)
	line := func(i int) string {
		return fmt.Sprintf("%s %d\n", srv.url(fmt.Sprintf("/img/%d.jpg", i)), i)
	}
	var list strings.Builder
	for i := range 8 {
		srv.images[fmt.Sprintf("/img/%d.jpg", i)] = makeJPEG(t, uint64(i), 32, 32)
		if i < 6 {
			list.WriteString(line(i))
		}
	}
	list.WriteString(srv.url("/status/404") + " 3\n")
	dir := t.TempDir()
	listPath := writeList(t, dir, "l.txt", list.String())
	o := testOptions([]string{listPath}, filepath.Join(dir, "out"))
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(o.Out, StagingFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("staging file after a complete run: %v", err)
	}
	want := shardBytes(t, o.Out)

	// A rerun, and one retrying the failures, fetch no image again.
	for _, retryFailed := range []bool{false, true} {
		o.RetryFailed = retryFailed
		before := srv.totalHits()
		st, err := Run(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		wantHits := map[bool]int{false: 0, true: 1}[retryFailed]
		if got := srv.totalHits() - before; got != wantHits || st.Rows != 6 {
			t.Errorf("retry-failed %v: %d requests (want %d), %d rows", retryFailed, got, wantHits, st.Rows)
		}
		if !bytes.Equal(shardBytes(t, o.Out), want) {
			t.Errorf("retry-failed %v: shards changed", retryFailed)
		}
	}

	// New lines in the list: only they are fetched.
	os.WriteFile(listPath, []byte(list.String()+line(6)+line(7)), 0o644)
	o.RetryFailed = false
	before := srv.totalHits()
	st, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if got := srv.totalHits() - before; got != 2 || st.Rows != 8 || st.Run.Skipped != 7 {
		t.Errorf("two new URLs: %d requests, %d rows, %d skipped", got, st.Rows, st.Run.Skipped)
	}
}
