package partition

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/curate-ml/curate/internal/atomicfile"
)

// ManifestFile is written beside a partitioned stage's outputs.
const ManifestFile = "partition.json"

// Manifest is DIR/partition.json: which part a stage output holds and what
// `curate merge` needs to write what one run over everything would have.
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

// WriteManifest writes m to dir/partition.json atomically.
func WriteManifest(dir string, m Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, ManifestFile), append(b, '\n')); err != nil {
		return fmt.Errorf("partition manifest: %w", err)
	}
	return nil
}

// ReadManifest reads dir/partition.json; an output without one is an error
// naming it (it was not written by a partitioned run).
func ReadManifest(dir string) (*Manifest, error) {
	name := filepath.Join(dir, ManifestFile)
	b, err := os.ReadFile(name)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: no %s: not the output of a run with --partition", dir, ManifestFile)
	}
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if m.Count < 1 || m.Index < 0 || m.Index >= m.Count {
		return nil, fmt.Errorf("%s: partition %d/%d is not valid", name, m.Index, m.Count)
	}
	return &m, nil
}
