package filter

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/curate-ml/curate/internal/atomicfile"
	"github.com/curate-ml/curate/ocr/internal/evalset"
	"github.com/curate-ml/curate/shards"
)

func outputIDs(dir string) (string, error) {
	d, err := shards.Open(dir)
	if err != nil {
		return "", err
	}
	defer d.Close()
	var b strings.Builder
	it := d.Splits[0].Iter()
	for {
		r, err := it.Next()
		if errors.Is(err, io.EOF) {
			return b.String(), nil
		}
		if err != nil {
			return "", err
		}
		b.WriteString(r.ID + ",")
	}
}

// TestRunCommitFaults: a rerun over more input fails with ENOSPC at every
// step of writing and switching the output; after each, the output loads
// whole as the earlier run's or the new run's, and verdicts.jsonl belongs
// to the same run as the shards.
func TestRunCommitFaults(t *testing.T) {
	s := evalset.Generate(5, 1) // text kinds first, then kinds without text
	n := len(s)
	small, _ := makeDataset(t, []evalset.Sample{s[0], s[n-1]})
	large, _ := makeDataset(t, []evalset.Sample{s[0], s[1], s[n-1], s[n-2], s[n-3]})
	out := filepath.Join(t.TempDir(), "out")
	if _, err := Run(context.Background(), Config{In: large, Out: out, Workers: 1, SheetPages: -1}); err != nil {
		t.Fatal(err)
	}
	want, _ := outputIDs(out)
	wantV := len(readVerdicts(t, out))
	if _, err := Run(context.Background(), Config{In: small, Out: out, Workers: 1, SheetPages: -1}); err != nil {
		t.Fatal(err)
	}
	old, _ := outputIDs(out)
	oldV := len(readVerdicts(t, out))
	for k := 1; ; k++ {
		n := 0
		ctx := atomicfile.WithHook(context.Background(), func(step string) error {
			if n++; n == k {
				return fmt.Errorf("%s: %w", step, syscall.ENOSPC)
			}
			return nil
		})
		_, err := Run(ctx, Config{In: large, Out: out, Workers: 1, SheetPages: -1})
		got, rerr := outputIDs(out)
		if rerr != nil {
			t.Fatalf("fault at step %d (%v): output does not load: %v", k, err, rerr)
		}
		nv := len(readVerdicts(t, out))
		if n < k {
			if err != nil || got != want || nv != wantV {
				t.Fatalf("unfaulted rerun: %v", err)
			}
			if k < 8 {
				t.Fatalf("only %d steps", k-1)
			}
			return
		}
		switch {
		case got == old && nv == oldV && err != nil:
		case got == want && nv == wantV && err == nil:
			if _, err := Run(context.Background(), Config{In: small, Out: out, Workers: 1, SheetPages: -1}); err != nil {
				t.Fatal(err)
			}
		default:
			t.Fatalf("fault at step %d (err %v): output is neither run's (%d verdicts)", k, err, nv)
		}
	}
}

// pixelBomb is a valid PNG header declaring w x h pixels over a tiny body.
func pixelBomb(t *testing.T, w, h uint32) []byte {
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1)))
	b := buf.Bytes()
	// IHDR data starts at 16: width, height; its CRC covers type+data.
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

func TestRunGuards(t *testing.T) {
	samples := evalset.Generate(6, 1)
	ds, _ := makeDataset(t, samples[:2])

	t.Run("onto a fetch output", func(t *testing.T) {
		out := t.TempDir()
		os.WriteFile(filepath.Join(out, "ledger.jsonl"), []byte("{}\n"), 0o644)
		if _, err := Run(context.Background(), Config{In: ds, Out: out, Workers: 1}); err == nil || !strings.Contains(err.Error(), "ledger.jsonl") {
			t.Fatalf("err = %v", err)
		}
		if entries, _ := os.ReadDir(out); len(entries) != 1 {
			t.Errorf("the fetch output was changed: %d entries", len(entries))
		}
	})
	t.Run("onto its input", func(t *testing.T) {
		if _, err := Run(context.Background(), Config{In: ds, Out: ds, Workers: 1}); err == nil || !strings.Contains(err.Error(), "same folder") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("incomplete fetch", func(t *testing.T) {
		in, _ := makeDataset(t, samples[:1])
		os.WriteFile(filepath.Join(in, "fetch-stats.json"), []byte(`{"complete": false, "by_status": {"pending": 3}}`), 0o644)
		if _, err := Run(context.Background(), Config{In: in, Out: filepath.Join(t.TempDir(), "o"), Workers: 1}); err == nil || !strings.Contains(err.Error(), "incomplete") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("FIFO in a folder", func(t *testing.T) {
		in := t.TempDir()
		if err := syscall.Mkfifo(filepath.Join(in, "x.png"), 0o644); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_, err := Run(ctx, Config{In: in, Out: filepath.Join(t.TempDir(), "o"), Workers: 1})
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("FIFO as the input", func(t *testing.T) {
		fifo := filepath.Join(t.TempDir(), "x.arrow")
		syscall.Mkfifo(fifo, 0o644)
		_, err := Run(context.Background(), Config{In: fifo, Out: filepath.Join(t.TempDir(), "o"), Workers: 1})
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("pixel bomb and nothing kept", func(t *testing.T) {
		in := t.TempDir()
		os.WriteFile(filepath.Join(in, "bomb.png"), pixelBomb(t, 20000, 20000), 0o644)
		os.WriteFile(filepath.Join(in, "broken.jpg"), []byte("not a jpeg"), 0o644)
		out := filepath.Join(t.TempDir(), "o")
		st, err := Run(context.Background(), Config{In: in, Out: out, Workers: 1})
		if !errors.Is(err, ErrNothingKept) || st == nil || st.Unreadable != 2 {
			t.Fatalf("err = %v, stats %+v; want ErrNothingKept with 2 unreadable", err, st)
		}
		if _, err := os.Stat(out); err == nil {
			if _, err := shards.Open(out); err == nil {
				t.Error("an empty dataset was committed")
			}
		}
	})
}
