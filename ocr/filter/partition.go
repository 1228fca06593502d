package filter

import (
	"iter"
	"path/filepath"

	"github.com/curate-ml/curate/partition"
)

// partitionItems keeps the items of part p by their key (the row id, split/id
// in a DatasetDict, the relative path in a folder): the verdict's "key".
// Items that failed to read stay in every part, so the error is reported
// wherever it is.
func partitionItems(items iter.Seq[item], p partition.Spec) iter.Seq[item] {
	if !p.Active() {
		return items
	}
	return func(yield func(item) bool) {
		for it := range items {
			if it.err == nil && !p.Has(it.key) {
				continue
			}
			if !yield(it) {
				return
			}
		}
	}
}

// partitionManifest is what filter-stats.json records of a partitioned
// run for `curate merge`: the part, the input and the settings the outputs
// were written with; nil without a partition.
func partitionManifest(cfg Config) *partition.Manifest {
	if !cfg.Partition.Active() {
		return nil
	}
	in := cfg.In
	if abs, err := filepath.Abs(in); err == nil {
		in = abs
	}
	return &partition.Manifest{
		Stage: "filter-text", Spec: cfg.Partition, Input: in, SheetPages: cfg.SheetPages, ShardBytes: cfg.ShardBytes,
	}
}
