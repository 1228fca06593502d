package fetch

import (
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

// partitionManifest is what fetch-stats.json records of a partitioned run
// for `curate merge`: the part, the lists and the settings the shards were
// written with; nil without a partition.
func partitionManifest(o Options) *partition.Manifest {
	if !o.Partition.Active() {
		return nil
	}
	lists := make([]string, len(o.Lists))
	for i, l := range o.Lists {
		if abs, err := filepath.Abs(l); err == nil {
			l = abs
		}
		lists[i] = l
	}
	return &partition.Manifest{
		Stage: "fetch", Spec: o.Partition, Lists: lists, LabelNames: o.LabelNames,
		ShardBytes: o.ShardBytes, Strict: o.Strict,
	}
}
