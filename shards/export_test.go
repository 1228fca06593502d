package shards

import (
	"os"
	"path/filepath"
	"testing"
)

// TestWriteFixtureForOtherReaders writes a small DatasetDict where
// CURATE_SHARDS_FIXTURE points, for readers in other languages
// (scripts/test-arrow-js.sh checks it with npm apache-arrow). Without the
// variable it writes to a temporary directory and only checks it reopens.
func TestWriteFixtureForOtherReaders(t *testing.T) {
	root := os.Getenv("CURATE_SHARDS_FIXTURE")
	if root == "" {
		root = t.TempDir()
	}
	rows := testRows(t, 250)
	splits := []string{"train", "validation", "test"}
	for i, split := range splits {
		writeSplit(t, filepath.Join(root, split), rows[:50+100*i], WriterOptions{
			LabelNames: []string{"others", "sadness"}, Split: split, ShardBytes: 32 << 10,
		})
	}
	if err := WriteDatasetDict(root, splits); err != nil {
		t.Fatal(err)
	}
	d, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.NumRows() != 50+150+250 {
		t.Errorf("rows = %d", d.NumRows())
	}
}
