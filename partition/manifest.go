package partition

import "fmt"

// Manifest is what a partitioned stage records in its stats file
// (fetch-stats.json, filter-stats.json under "partition"): which part the
// output holds and what `curate merge` needs to write what one run over
// everything would have written.
type Manifest struct {
	Stage string `json:"stage"` // "fetch" or "filter-text"
	Spec
	// fetch: the lists (absolute paths) and the writer's settings.
	Lists      []string `json:"lists,omitempty"`
	LabelNames []string `json:"label_names,omitempty"`
	Strict     bool     `json:"strict,omitempty"`
	// filter-text: the input (absolute path) and the writer's settings.
	Input      string `json:"input,omitempty"`
	SheetPages int    `json:"sheet_pages,omitempty"`
	// both
	ShardBytes int64 `json:"shard_bytes,omitempty"`
}

// Check reports a manifest that cannot describe a part.
func (m *Manifest) Check() error {
	if m.Count < 1 || m.Index < 0 || m.Index >= m.Count {
		return fmt.Errorf("partition %d/%d is not valid", m.Index, m.Count)
	}
	return nil
}
