package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/curate-ml/curate/internal/atomicfile"
	"github.com/curate-ml/curate/shards"
)

func rowsIn(dir string) (int64, error) {
	d, err := shards.Open(dir)
	if err != nil {
		return 0, err
	}
	defer d.Close()
	for _, s := range d.Splits {
		it := s.Iter()
		for {
			if _, err := it.Next(); err != nil {
				if errors.Is(err, io.EOF) {
					break
				}
				return 0, err
			}
		}
	}
	return d.NumRows(), nil
}

func ledgerStatus(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	if err := ReadLedger(filepath.Join(dir, LedgerFile), func(r *Record) error {
		m[r.URL] = r.Status
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestFetchCommitFaults: a rerun that adds URLs fails with ENOSPC at every
// step of its commit sequence in turn. After each failure the output loads
// completely as the earlier run's (4 rows) or the new one's (6 rows), and a
// final clean rerun never records an earlier ok URL as failed, although the
// server has lost it meanwhile.
func TestFetchCommitFaults(t *testing.T) {
	srv := newFaultServer(t)
	line := func(i int) string { return fmt.Sprintf("%s %d\n", srv.url(fmt.Sprintf("/img/%d.jpg", i)), i) }
	var list strings.Builder
	for i := range 6 {
		srv.images[fmt.Sprintf("/img/%d.jpg", i)] = makeJPEG(t, uint64(i), 24, 24)
		if i < 4 {
			list.WriteString(line(i))
		}
	}
	dir := t.TempDir()
	listPath := writeList(t, dir, "l.txt", list.String())
	o := testOptions([]string{listPath}, filepath.Join(dir, "out"))
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	delete(srv.images, "/img/0.jpg") // the URL dies after it was fetched
	os.WriteFile(listPath, []byte(list.String()+line(4)+line(5)), 0o644)
	for k := 1; ; k++ {
		n := 0
		ctx := atomicfile.WithHook(context.Background(), func(step string) error {
			if n++; n == k {
				return fmt.Errorf("%s: %w", step, syscall.ENOSPC)
			}
			return nil
		})
		_, err := Run(ctx, o)
		rows, rerr := rowsIn(o.Out)
		if rerr != nil {
			t.Fatalf("fault at step %d (%v): the output does not load: %v", k, err, rerr)
		}
		if n < k {
			if err != nil || rows != 6 {
				t.Fatalf("unfaulted rerun: %v, %d rows", err, rows)
			}
			if k < 8 {
				t.Fatalf("only %d steps", k-1)
			}
			break
		}
		if rows != 4 && rows != 6 {
			t.Fatalf("fault at step %d: %d rows, neither 4 nor 6", k, rows)
		}
		if err == nil && rows != 6 {
			t.Fatalf("fault at step %d: no error, old output", k)
		}
		if rows == 6 { // committed before the fault: start over from 4
			os.WriteFile(listPath, []byte(list.String()), 0o644)
			if _, err := Run(context.Background(), o); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(listPath, []byte(list.String()+line(4)+line(5)), 0o644)
		}
	}
	st := ledgerStatus(t, o.Out)
	if s := st[srv.url("/img/0.jpg")]; s != StatusOK {
		t.Errorf("the dead URL fetched before is %q in the ledger, want ok", s)
	}
}

// TestFetchUnreadablePrevious: earlier shards that cannot be read stop the
// run with an error naming them; nothing is refetched or rewritten.
func TestFetchUnreadablePrevious(t *testing.T) {
	srv := newFaultServer(t)
	srv.images["/img/1.jpg"] = makeJPEG(t, 1, 24, 24)
	dir := t.TempDir()
	o := testOptions([]string{writeList(t, dir, "l.txt", srv.url("/img/1.jpg")+" 1\n")}, filepath.Join(dir, "out"))
	st, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	shard := filepath.Join(o.Out, st.Shards[0])
	os.WriteFile(shard, []byte("not arrow"), 0o644)
	ledger, _ := os.ReadFile(filepath.Join(o.Out, LedgerFile))
	before := srv.totalHits()
	_, err = Run(context.Background(), o)
	if err == nil || !strings.Contains(err.Error(), st.Shards[0]) {
		t.Fatalf("err = %v, want one naming %s", err, st.Shards[0])
	}
	if srv.totalHits() != before {
		t.Error("URLs were fetched again")
	}
	if after, _ := os.ReadFile(filepath.Join(o.Out, LedgerFile)); string(after) != string(ledger) {
		t.Error("the ledger was rewritten")
	}
}

// TestFetchRefusesOtherOutput: fetch --out onto another stage's output is
// refused and the output left as it was.
func TestFetchRefusesOtherOutput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "filtered")
	os.MkdirAll(out, 0o755)
	os.WriteFile(filepath.Join(out, "verdicts.jsonl"), []byte("{}\n"), 0o644)
	o := testOptions([]string{writeList(t, dir, "l.txt", "http://127.0.0.1:1/x.jpg 1\n")}, out)
	if _, err := Run(context.Background(), o); err == nil || !strings.Contains(err.Error(), "verdicts.jsonl") {
		t.Fatalf("err = %v, want a refusal naming verdicts.jsonl", err)
	}
	if _, err := os.Stat(filepath.Join(out, LedgerFile)); !errors.Is(err, os.ErrNotExist) {
		t.Error("a ledger was written into the other stage's output")
	}
}
