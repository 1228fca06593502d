package filter

import (
	"fmt"
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

// writePartition records, for `curate merge`, which part of which input a
// partitioned run holds and the settings its outputs were written with.
func writePartition(cfg Config) error {
	if !cfg.Partition.Active() {
		return nil
	}
	in, err := filepath.Abs(cfg.In)
	if err != nil {
		return fmt.Errorf("filter-text: %w", err)
	}
	return partition.WriteManifest(cfg.Out, partition.Manifest{
		Stage: "filter-text", Spec: cfg.Partition, Input: in, SheetPages: cfg.SheetPages, ShardBytes: cfg.ShardBytes,
	})
}
