package fetch

import (
	"fmt"
	"path/filepath"

	"github.com/curate-ml/curate/partition"
)

// partitionEntries keeps the entries of part p, in list order.
func partitionEntries(entries []Entry, p partition.Spec) []Entry {
	out := entries[:0:0]
	for _, e := range entries {
		if p.Has(e.URL) {
			out = append(out, e)
		}
	}
	return out
}

// writePartition records, for `curate merge`, which part of which lists a
// partitioned run holds and the settings its shards were written with.
func writePartition(o Options) error {
	if !o.Partition.Active() {
		return nil
	}
	lists := make([]string, len(o.Lists))
	for i, l := range o.Lists {
		abs, err := filepath.Abs(l)
		if err != nil {
			return fmt.Errorf("fetch: %w", err)
		}
		lists[i] = abs
	}
	return partition.WriteManifest(o.Out, partition.Manifest{
		Stage: "fetch", Spec: o.Partition, Lists: lists, LabelNames: o.LabelNames,
		ShardBytes: o.ShardBytes, Strict: o.Strict,
	})
}
