// Package atomicfile writes files so that a crash never leaves a half-written
// file under the final name: data goes to a temporary file in the same
// directory, is fsynced, and is renamed into place.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// File is a file being written; Commit makes it visible under its name.
type File struct {
	*os.File
	name string
	done bool
}

// Create starts writing name. Nothing appears under name until Commit.
func Create(name string) (*File, error) {
	dir, base := filepath.Split(name)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("create temporary file for %s: %w", name, err)
	}
	return &File{File: f, name: name}, nil
}

// Commit fsyncs the data, closes the file and renames it to its final name.
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("commit %s: already closed", f.name)
	}
	f.done = true
	tmp := f.File.Name()
	if err := f.File.Sync(); err != nil {
		f.File.Close()
		os.Remove(tmp)
		return fmt.Errorf("sync %s: %w", f.name, err)
	}
	if err := f.File.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("close %s: %w", f.name, err)
	}
	if err := os.Rename(tmp, f.name); err != nil {
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
func WriteFile(name string, data []byte) error {
	f, err := Create(name)
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
