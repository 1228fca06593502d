package main

import (
	"bytes"
	"context"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/curate-ml/curate/shards"
)

// TestInspectVerifyCatches: --verify fails, naming the defect, on shards
// that open but are wrong: a label outside its ClassLabel names, no
// end-of-stream marker, trailing garbage, a second stream appended.
func TestInspectVerifyCatches(t *testing.T) {
	tests := []struct {
		name  string
		patch func([]byte) []byte
		want  string
	}{
		{"missing end marker", func(b []byte) []byte { return b[:len(b)-8] }, "no end-of-stream marker"},
		{"trailing garbage", func(b []byte) []byte { return append(b, "garbage!"...) }, "trailing garbage"},
		{"doubled stream", func(b []byte) []byte { return append(b, b...) }, "second Arrow stream"},
		{"label out of range", func(b []byte) []byte {
			return bytes.ReplaceAll(b, []byte(`"others","sadness","zzzz"]`), []byte(`"others","sadness"]       `))
		}, "label 2 is out of range"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "split")
			w, err := shards.Create(dir, shards.WriterOptions{LabelNames: []string{"others", "sadness", "zzzz"}})
			if err != nil {
				t.Fatal(err)
			}
			for i := range 3 {
				if err := w.Write(&shards.Row{ID: string(rune('a' + i)), Image: pngBytes(t, 8, 8, color.Black), Label: int64(i), SourceLabel: -1}); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			name := filepath.Join(dir, w.Files()[0])
			data, _ := os.ReadFile(name)
			patched := tc.patch(bytes.Clone(data))
			if bytes.Equal(patched, data) {
				t.Fatal("the patch changed nothing")
			}
			os.WriteFile(name, patched, 0o644)
			g, stdout, _ := inspectTestGlobal()
			err = runInspect(context.Background(), InspectOptions{Path: dir, Verify: true}, g)
			if err == nil || exitCode(err) != exitError {
				t.Fatalf("err = %v, want exit 1", err)
			}
			if !strings.Contains(stdout.String(), tc.want) {
				t.Errorf("output does not say %q:\n%s", tc.want, stdout)
			}
		})
	}
}

// TestInspectFIFO: a FIFO is refused at once, not opened (which would block).
func TestInspectFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "x.arrow")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	g, _, _ := inspectTestGlobal()
	err := run(context.Background(), g, []string{"curate", "inspect", fifo})
	if exitCode(err) != exitError || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("err = %v", err)
	}
}

// TestOutputsNeverReplaceSpecialFiles: a device or FIFO given as an output
// is refused, and stays what it was.
func TestOutputsNeverReplaceSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.png")
	os.WriteFile(in, augTestImage(t, 20, 20, 0), 0o644)
	fifo := filepath.Join(dir, "out.png")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{fifo, "/dev/full"} {
		g, _ := augTestGlobal()
		err := run(context.Background(), g, []string{"curate", "augment", "apply", in, out, "--op", "rotate"})
		if err == nil || exitCode(err) != exitError {
			t.Errorf("%s: err = %v, want exit 1", out, err)
		}
		if st, err := os.Lstat(out); err != nil || st.Mode().IsRegular() {
			t.Errorf("%s was replaced by a regular file", out)
		}
	}
}
