// Package atomicfile is curate's one mechanism for never losing an output:
// a crash, SIGKILL or full disk at any instant leaves either the previous
// complete output or the new complete one, never neither and never a mix.
//
// Single files go to a temporary file in the same directory, are fsynced
// and renamed into place (Create, WriteFile). A whole output directory is
// written as a new generation beside the old one (BeginDir): a hidden
// sibling directory that is filled, fsynced, and switched with the old one
// by a single atomic exchange of the two names (renameat2 RENAME_EXCHANGE),
// after which the old generation is deleted. Until that exchange the old
// output is untouched and loads as it did; after it the new one is whole.
//
// Outputs are only ever regular files and directories: a device, FIFO or
// symlink found where an output goes is refused, never replaced. Files are
// created with mode 0644 less the umask, like os.Create.
//
// The package knows nothing of datasets or stages; it is used by shards and
// by every stage's commit path.
package atomicfile

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
)

// ErrNotRegular is returned when an output path is a device, FIFO, socket
// or symlink: curate never replaces those.
var ErrNotRegular = errors.New("not a regular file or directory")

// Hook is called before each step of a commit sequence (creating a file,
// its first write, fsync, rename, the directory exchange, removing the old
// generation). A non-nil error makes the step fail as if the system call
// had. Tests use it to inject faults at every step; nil in production.
type Hook func(step string) error

type hookKey struct{}

// WithHook returns a context whose BeginDir generations call h before each
// step.
func WithHook(ctx context.Context, h Hook) context.Context {
	return context.WithValue(ctx, hookKey{}, h)
}

func hookFrom(ctx context.Context) Hook {
	if ctx == nil {
		return nil
	}
	h, _ := ctx.Value(hookKey{}).(Hook)
	return h
}

// File is a file being written; Commit makes it visible under its name.
type File struct {
	*os.File
	name    string
	done    bool
	hook    Hook
	written bool
}

// CheckTarget returns an error wrapping ErrNotRegular if name exists and is
// neither a regular file nor a directory (symlinks are not followed).
func CheckTarget(name string) error {
	st, err := os.Lstat(name)
	if err != nil {
		return nil
	}
	if m := st.Mode(); !m.IsRegular() && !m.IsDir() {
		return fmt.Errorf("%s is a %s: %w; refusing to replace it", name, kind(m), ErrNotRegular)
	}
	return nil
}

func kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "symlink"
	case m&fs.ModeNamedPipe != 0:
		return "FIFO"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	}
	return "special file"
}

var tmpSeq atomic.Uint64

// Create starts writing name. Nothing appears under name until Commit. An
// existing name that is not a regular file is refused.
func Create(name string) (*File, error) { return create(name, nil) }

func create(name string, hook Hook) (*File, error) {
	if err := CheckTarget(name); err != nil {
		return nil, err
	}
	if st, err := os.Lstat(name); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s is a directory; refusing to replace it with a file", name)
	}
	if hook != nil {
		if err := hook("create " + filepath.Base(name)); err != nil {
			return nil, fmt.Errorf("create %s: %w", name, err)
		}
	}
	dir, base := filepath.Split(name)
	if dir == "" {
		dir = "."
	}
	// os.CreateTemp would make the file 0600; outputs are for other users
	// and training jobs too, so 0644 less the umask, as os.Create.
	for range 100 {
		tmp := filepath.Join(dir, "."+base+".tmp-"+strconv.Itoa(os.Getpid())+"-"+strconv.FormatUint(tmpSeq.Add(1), 10))
		f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("create temporary file for %s: %w", name, err)
		}
		return &File{File: f, name: name, hook: hook}, nil
	}
	return nil, fmt.Errorf("create temporary file for %s: too many leftovers", name)
}

// Write writes to the temporary file.
func (f *File) Write(p []byte) (int, error) {
	if !f.written && f.hook != nil {
		f.written = true
		if err := f.hook("write " + filepath.Base(f.name)); err != nil {
			return 0, fmt.Errorf("write %s: %w", f.name, err)
		}
	}
	return f.File.Write(p)
}

func (f *File) step(s string) error {
	if f.hook == nil {
		return nil
	}
	return f.hook(s + " " + filepath.Base(f.name))
}

// Commit fsyncs the data, closes the file and renames it to its final name.
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("commit %s: already closed", f.name)
	}
	f.done = true
	tmp := f.File.Name()
	fail := func(what string, err error) error {
		f.File.Close()
		os.Remove(tmp)
		return fmt.Errorf("%s %s: %w", what, f.name, err)
	}
	if err := f.step("sync"); err != nil {
		return fail("sync", err)
	}
	if err := f.File.Sync(); err != nil {
		return fail("sync", err)
	}
	if err := f.File.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("close %s: %w", f.name, err)
	}
	if err := CheckTarget(f.name); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := f.step("rename"); err == nil {
		err = os.Rename(tmp, f.name)
		if err != nil {
			os.Remove(tmp)
			return fmt.Errorf("rename %s into place: %w", f.name, err)
		}
	} else {
		os.Remove(tmp)
		return fmt.Errorf("rename %s into place: %w", f.name, err)
	}
	return syncDir(filepath.Dir(f.name))
}

// Abort discards the temporary file. It is safe to call after Commit.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	tmp := f.File.Name()
	f.File.Close()
	os.Remove(tmp)
}

// WriteFile writes data to name atomically.
func WriteFile(name string, data []byte) error { return writeFile(name, data, nil) }

func writeFile(name string, data []byte, hook Hook) error {
	f, err := create(name, hook)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return fmt.Errorf("write %s: %w", name, err)
	}
	return f.Commit()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return nil // some filesystems do not allow opening directories; the rename stands
	}
	defer d.Close()
	_ = d.Sync()
	return nil
}
