package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestCommitAbort(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "out.json")
	if err := WriteFile(name, []byte("old")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		commit bool
		want   string
	}{
		{"abort keeps the old file", false, "old"},
		{"commit replaces it", true, "new"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Create(name)
			if err != nil {
				t.Fatal(err)
			}
			f.Write([]byte("new"))
			// Before Commit the final name still holds the old content.
			if got, _ := os.ReadFile(name); string(got) != "old" {
				t.Fatalf("before commit %s holds %q", name, got)
			}
			if tc.commit {
				if err := f.Commit(); err != nil {
					t.Fatal(err)
				}
			} else {
				f.Abort()
			}
			if got, _ := os.ReadFile(name); string(got) != tc.want {
				t.Errorf("%s holds %q, want %q", name, got, tc.want)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				t.Errorf("directory holds %d entries, want only %s", len(entries), filepath.Base(name))
			}
			if err := f.Commit(); err == nil {
				t.Error("a second Commit succeeded")
			}
		})
	}
}
