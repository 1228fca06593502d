package split

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/curate-ml/curate/internal/atomicfile"
	"github.com/curate-ml/curate/shards"
)

// dictIDs is the row ids of every split of the DatasetDict at dir, or an
// error if it does not load completely.
func dictIDs(dir string) (string, error) {
	d, err := shards.Open(dir)
	if err != nil {
		return "", err
	}
	defer d.Close()
	if len(d.Splits) != len(SplitNames) {
		return "", fmt.Errorf("%d splits", len(d.Splits))
	}
	out := ""
	for _, s := range d.Splits {
		out += s.Name + ":"
		it := s.Iter()
		for {
			r, err := it.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return "", err
			}
			out += r.ID + ","
		}
	}
	return out, nil
}

// TestRunCommitFaults: a rerun with another seed fails with ENOSPC at every
// step of writing and switching its DatasetDict. After each, the output is
// the earlier DatasetDict or the new one, whole: never a mix of splits.
func TestRunCommitFaults(t *testing.T) {
	in := t.TempDir()
	buildInput(t, in, 24)
	out := filepath.Join(t.TempDir(), "ds")
	oldOpts, newOpts := testOptions(1), testOptions(1)
	oldOpts.Plan.Ratio, newOpts.Plan.Ratio = 0, 0
	newOpts.Plan.Seed = oldOpts.Plan.Seed + 1
	oldOpts.Image.Size, newOpts.Image.Size = 48, 48
	oldOpts.Workers, newOpts.Workers = 2, 2
	if _, err := Run(context.Background(), in, out, newOpts); err != nil {
		t.Fatal(err)
	}
	want, _ := dictIDs(out)
	if _, err := Run(context.Background(), in, out, oldOpts); err != nil {
		t.Fatal(err)
	}
	old, _ := dictIDs(out)
	if old == want {
		t.Fatal("the two seeds give the same split")
	}
	for k := 1; ; k++ {
		n := 0
		ctx := atomicfile.WithHook(context.Background(), func(step string) error {
			if n++; n == k {
				return fmt.Errorf("%s: %w", step, syscall.ENOSPC)
			}
			return nil
		})
		_, err := Run(ctx, in, out, newOpts)
		got, rerr := dictIDs(out)
		if rerr != nil {
			t.Fatalf("fault at step %d (%v): the output does not load: %v", k, err, rerr)
		}
		if n < k {
			if err != nil || got != want {
				t.Fatalf("unfaulted rerun: %v", err)
			}
			if k < 15 {
				t.Fatalf("only %d steps", k-1)
			}
			return
		}
		switch {
		case got == old && err != nil:
		case got == want && err == nil:
			if _, err := Run(context.Background(), in, out, oldOpts); err != nil {
				t.Fatal(err)
			}
		default:
			t.Fatalf("fault at step %d (err %v): output is neither the old nor the new split", k, err)
		}
	}
}

// TestRunLocksOutput: while another process (here: a held generation)
// writes the output, split refuses with ErrBusy instead of both writing.
func TestRunLocksOutput(t *testing.T) {
	in := t.TempDir()
	buildInput(t, in, 6)
	out := filepath.Join(t.TempDir(), "ds")
	held, err := atomicfile.BeginDir(context.Background(), out, atomicfile.DirOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Abort()
	if _, err := Run(context.Background(), in, out, testOptions(1)); !errors.Is(err, atomicfile.ErrBusy) {
		t.Fatalf("err = %v, want ErrBusy", err)
	}
}
