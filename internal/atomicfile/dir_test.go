package atomicfile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// writeGen writes files into a new generation of dir and commits it.
func writeGen(ctx context.Context, dir string, files map[string]string) error {
	d, err := BeginDir(ctx, dir, DirOptions{Stage: "test"})
	if err != nil {
		return err
	}
	for name, body := range files {
		if err := d.WriteFile(name, []byte(body)); err != nil {
			d.Abort()
			return err
		}
	}
	return d.Commit()
}

// snapshot reads every visible file under dir; hidden entries (locks,
// generations being written) are not part of the output.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	got := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(e.Name(), ".") && p != dir {
			if e.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !e.IsDir() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			got[rel] = string(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func equal(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

var (
	oldGen = map[string]string{"a.txt": "old a", "sub/b.txt": "old b", "gone.txt": "only old"}
	newGen = map[string]string{"a.txt": "new a", "sub/b.txt": "new b", "sub/c.txt": "only new"}
)

func TestDirCommitAndAbort(t *testing.T) {
	for _, commit := range []bool{true, false} {
		t.Run(fmt.Sprint("commit=", commit), func(t *testing.T) {
			parent := t.TempDir()
			out := filepath.Join(parent, "out")
			if err := writeGen(context.Background(), out, oldGen); err != nil {
				t.Fatal(err)
			}
			d, err := BeginDir(context.Background(), out, DirOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for name, body := range newGen {
				if err := d.WriteFile(name, []byte(body)); err != nil {
					t.Fatal(err)
				}
			}
			if got := snapshot(t, out); !equal(got, oldGen) {
				t.Fatalf("before Commit the output holds %v", got)
			}
			want := oldGen
			if commit {
				if err := d.Commit(); err != nil {
					t.Fatal(err)
				}
				want = newGen
			} else {
				d.Abort()
			}
			if got := snapshot(t, out); !equal(got, want) {
				t.Errorf("output holds %v, want %v", got, want)
			}
			left, _ := filepath.Glob(filepath.Join(parent, ".out.gen-*"))
			if len(left) != 0 {
				t.Errorf("generations left behind: %v", left)
			}
			// The lock is released: the next generation can begin.
			d2, err := BeginDir(context.Background(), out, DirOptions{})
			if err != nil {
				t.Fatal(err)
			}
			d2.Abort()
		})
	}
}

func TestDirBusy(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	d, err := BeginDir(context.Background(), out, DirOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Abort()
	if _, err := BeginDir(context.Background(), out, DirOptions{}); !errors.Is(err, ErrBusy) {
		t.Fatalf("second BeginDir: %v, want ErrBusy", err)
	}
}

func TestRefusesSpecialTargets(t *testing.T) {
	parent := t.TempDir()
	fifo := filepath.Join(parent, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	real := filepath.Join(parent, "real")
	os.Mkdir(real, 0o755)
	link := filepath.Join(parent, "link")
	os.Symlink(real, link)
	file := filepath.Join(parent, "file")
	os.WriteFile(file, []byte("x"), 0o644)
	foreign := filepath.Join(parent, "foreign")
	os.Mkdir(foreign, 0o755)
	os.WriteFile(filepath.Join(foreign, "ledger.jsonl"), []byte("x"), 0o644)

	tests := []struct {
		name, path, want string
		dir              bool
	}{
		{"FIFO as file", fifo, "FIFO", false},
		{"symlink as file", link, "symlink", false},
		{"device as file", "/dev/null", "device", false},
		{"FIFO as dir", fifo, "FIFO", true},
		{"symlink as dir", link, "symlink", true},
		{"file as dir", file, "not a directory", true},
		{"another's output", foreign, "ledger.jsonl", true},
		{"directory as file", real, "directory", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.dir {
				var d *Dir
				d, err = BeginDir(context.Background(), tc.path, DirOptions{Owns: func(n string) bool { return n == "state.json" }})
				if err == nil {
					d.Abort()
				}
			} else {
				err = WriteFile(tc.path, []byte("data"))
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one naming %q", err, tc.want)
			}
		})
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Error("the FIFO was replaced")
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Error("the symlink was replaced")
	}
}

func TestFileMode(t *testing.T) {
	old := syscall.Umask(0o027)
	defer syscall.Umask(old)
	dir := t.TempDir()
	name := filepath.Join(dir, "f")
	if err := WriteFile(name, []byte("x")); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(name)
	if got := st.Mode().Perm(); got != 0o640 {
		t.Errorf("mode %o, want 0644 less umask 027 = 0640", got)
	}
}

func TestOverlaps(t *testing.T) {
	root := t.TempDir()
	ds := filepath.Join(root, "ds")
	os.MkdirAll(filepath.Join(ds, "train"), 0o755)
	os.Symlink(ds, filepath.Join(root, "alias"))
	tests := []struct {
		a, b string
		want bool
	}{
		{ds, ds, true},
		{filepath.Join(ds, "train"), ds, true},
		{ds, filepath.Join(ds, "train"), true},
		{filepath.Join(root, "alias", "train"), ds, true},
		{ds + "/../ds/", ds, true},
		{filepath.Join(root, "ds2"), ds, false},
		{filepath.Join(root, "other", "x"), ds, false},
	}
	for _, tc := range tests {
		got, err := Overlaps(tc.a, tc.b)
		if err != nil || got != tc.want {
			t.Errorf("Overlaps(%s, %s) = %v, %v; want %v", tc.a, tc.b, got, err, tc.want)
		}
	}
}

// TestDirFaults fails every step of writing and committing a generation in
// turn with ENOSPC: after each failure the output is the old generation,
// complete; with no failure left it is the new one.
func TestDirFaults(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "out")
	if err := writeGen(context.Background(), out, oldGen); err != nil {
		t.Fatal(err)
	}
	for k := 1; ; k++ {
		n := 0
		ctx := WithHook(context.Background(), func(step string) error {
			n++
			if n == k {
				return fmt.Errorf("%s: %w", step, syscall.ENOSPC)
			}
			return nil
		})
		err := writeGen(ctx, out, newGen)
		got := snapshot(t, out)
		if n < k { // no step left to fail
			if err != nil || !equal(got, newGen) {
				t.Fatalf("unfailed run: err %v, output %v", err, got)
			}
			if k < 8 {
				t.Fatalf("only %d steps seen", k-1)
			}
			break
		}
		switch {
		case equal(got, oldGen):
		case equal(got, newGen) && err == nil: // failed after the switch: cleanup only
		default:
			t.Fatalf("failing step %d (err %v): output is neither generation: %v", k, err, got)
		}
		if err == nil && !equal(got, newGen) {
			t.Fatalf("failing step %d: no error but the old output", k)
		}
		// Put the old generation back for the next round.
		if equal(got, newGen) {
			if err := writeGen(context.Background(), out, oldGen); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestDirKilled SIGKILLs a process at every step of writing and committing
// a generation: after each, the output is one complete generation.
func TestDirKilled(t *testing.T) {
	if s := os.Getenv("ATOMICFILE_KILL_AT"); s != "" {
		k, _ := strconv.Atoi(s)
		n := 0
		ctx := WithHook(context.Background(), func(string) error {
			n++
			if n == k {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
			}
			return nil
		})
		if err := writeGen(ctx, os.Getenv("ATOMICFILE_OUT"), newGen); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		os.Exit(0)
	}
	out := filepath.Join(t.TempDir(), "out")
	for k := 1; ; k++ {
		if err := writeGen(context.Background(), out, oldGen); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestDirKilled$")
		cmd.Env = append(os.Environ(), "ATOMICFILE_KILL_AT="+strconv.Itoa(k), "ATOMICFILE_OUT="+out)
		err := cmd.Run()
		got := snapshot(t, out)
		if err == nil { // ran to the end: no step k
			if !equal(got, newGen) {
				t.Fatalf("complete run left %v", got)
			}
			if k < 8 {
				t.Fatalf("only %d steps seen", k-1)
			}
			return
		}
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("step %d: helper failed: %v", k, err)
		}
		if !equal(got, oldGen) && !equal(got, newGen) {
			t.Fatalf("killed at step %d: output is neither generation: %v", k, got)
		}
	}
}
