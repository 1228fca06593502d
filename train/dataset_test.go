package train

import (
	"testing"

	"github.com/curate-ml/curate/internal/stripeset"
)

type splitSpec = stripeset.Split

// writeDataset writes a stripes dataset (see package stripeset).
func writeDataset(t testing.TB, dir string, size int, seed uint64, specs []splitSpec, bad map[int]bool, names []string) string {
	t.Helper()
	if err := stripeset.Write(dir, stripeset.Options{Size: size, Seed: seed, Splits: specs, Bad: bad, LabelNames: names}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// tinyOptions trains the tiny preset briefly on a small set.
func tinyOptions(data, out string) Options {
	o := Defaults()
	o.Data, o.Out = data, out
	o.Backbone, o.Gram, o.Size = "tiny", 1, 32
	o.Epochs, o.Batch, o.Threads = 2, 8, 2
	o.Augment = "none"
	return o
}
