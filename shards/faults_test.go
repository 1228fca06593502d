package shards

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/curate-ml/curate/internal/atomicfile"
)

// readIDs opens dir and returns its row ids in order; an error if it does
// not load completely.
func readIDs(dir string) ([]string, error) {
	d, err := Open(dir)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	var ids []string
	for _, s := range d.Splits {
		it := s.Iter()
		for {
			r, err := it.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, err
			}
			ids = append(ids, r.ID)
		}
	}
	return ids, nil
}

func idsOf(rows []*Row) []string {
	var ids []string
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	return ids
}

func sameIDs(a, b []string) bool {
	return fmt.Sprint(a) == fmt.Sprint(b)
}

// faultWrite writes rows as a split into dir through create with ctx.
func faultWrite(ctx context.Context, dir string, rows []*Row) error {
	w, err := create(ctx, dir, WriterOptions{BatchRows: 4, ShardBytes: 2 << 10, LabelNames: []string{"others", "sadness"}})
	if err != nil {
		return err
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			w.Abort()
			return err
		}
	}
	return w.Close()
}

// TestWriterFaults fails (ENOSPC) and kills (SIGKILL, in a child process)
// the writer at every step of writing and committing a split over an
// earlier one: after each, the split loads completely as the old rows or
// the new rows, never neither.
func TestWriterFaults(t *testing.T) {
	if s := os.Getenv("SHARDS_KILL_AT"); s != "" {
		k, _ := strconv.Atoi(s)
		n := 0
		ctx := atomicfile.WithHook(context.Background(), func(string) error {
			if n++; n == k {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
			}
			return nil
		})
		if err := faultWrite(ctx, os.Getenv("SHARDS_OUT"), testRows(t, 30)[10:]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		os.Exit(0)
	}
	all := testRows(t, 30)
	oldRows, newRows := all[:12], all[10:]
	for _, mode := range []string{"ENOSPC", "SIGKILL"} {
		t.Run(mode, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "split")
			for k := 1; ; k++ {
				if err := faultWrite(context.Background(), dir, oldRows); err != nil {
					t.Fatal(err)
				}
				var err error
				finished := false
				if mode == "ENOSPC" {
					n := 0
					ctx := atomicfile.WithHook(context.Background(), func(step string) error {
						if n++; n == k {
							return fmt.Errorf("%s: %w", step, syscall.ENOSPC)
						}
						return nil
					})
					err = faultWrite(ctx, dir, newRows)
					finished = n < k
				} else {
					cmd := exec.Command(os.Args[0], "-test.run=^TestWriterFaults$")
					cmd.Env = append(os.Environ(), "SHARDS_KILL_AT="+strconv.Itoa(k), "SHARDS_OUT="+dir)
					err = cmd.Run()
					var ee *exec.ExitError
					if err != nil && (!errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL) {
						t.Fatalf("step %d: child failed: %v", k, err)
					}
					finished = err == nil
				}
				ids, rerr := readIDs(dir)
				if rerr != nil {
					t.Fatalf("after a fault at step %d the split does not load: %v", k, rerr)
				}
				if finished {
					if err != nil || !sameIDs(ids, idsOf(newRows)) {
						t.Fatalf("unfaulted run: err %v, rows %v", err, ids)
					}
					if k < 10 {
						t.Fatalf("only %d steps seen", k-1)
					}
					return
				}
				if !sameIDs(ids, idsOf(oldRows)) && !sameIDs(ids, idsOf(newRows)) {
					t.Fatalf("fault at step %d (%v): split holds neither the old nor the new rows: %v", k, err, ids)
				}
				if mode == "ENOSPC" && err == nil && !sameIDs(ids, idsOf(newRows)) {
					t.Fatalf("fault at step %d: no error but the old rows", k)
				}
			}
		})
	}
}

// TestCreateRefusesForeignDir: Create over a directory holding files a
// split does not have (another stage's output) is refused, not replaced.
func TestCreateRefusesForeignDir(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "ledger.jsonl"), []byte("{}\n"), 0o644)
	if _, err := Create(dir, WriterOptions{}); err == nil {
		t.Fatal("Create over a folder holding ledger.jsonl succeeded")
	}
	if _, err := os.Stat(filepath.Join(dir, "ledger.jsonl")); err != nil {
		t.Fatal(err)
	}
}

// TestBatchesCutByBytes: large images end a record batch before BatchRows.
func TestBatchesCutByBytes(t *testing.T) {
	dir := t.TempDir()
	rows := testRows(t, 20)
	for _, r := range rows {
		r.Image = append(r.Image, make([]byte, 3000)...)
	}
	w, err := Create(dir, WriterOptions{BatchRows: 100, BatchBytes: 10_000})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := OpenSplit(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, sh := range s.Shards {
		for _, b := range sh.batches {
			var n int64
			for i := 0; i < int(b.rec.NumRows()); i++ {
				n += int64(len(b.imageBytes.Value(i)))
			}
			if n > 10_000 {
				t.Errorf("a batch holds %d image bytes, over BatchBytes 10000", n)
			}
		}
	}
	if s.NumRows() != 20 || s.Shards[0].Batches < 6 {
		t.Errorf("rows %d, batches %d: want 20 rows in at least 6 batches", s.NumRows(), s.Shards[0].Batches)
	}
}
