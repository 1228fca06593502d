package filter

import (
	"fmt"
	"iter"
	"path/filepath"

	"github.com/curate-ml/curate/partition"
)

// partitionItems keeps the items of part p: rows by their id (the key when
// a row has none). Items that failed to read stay in every part, so the
// error is reported wherever it is.
func partitionItems(items iter.Seq[item], p partition.Spec) iter.Seq[item] {
	if !p.Active() {
		return items
	}
	return func(yield func(item) bool) {
		for it := range items {
			key := it.key
			if it.row != nil && it.row.ID != "" {
				key = it.row.ID
			}
			if it.err == nil && !p.Has(key) {
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
