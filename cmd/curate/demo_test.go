package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/curate-ml/curate/shards"
)

// TestDemoJSON runs the whole demo with the global --json: stdout is one
// JSON document holding every stage's, and the dataset loads.
func TestDemoJSON(t *testing.T) {
	out := filepath.Join(t.TempDir(), "demo")
	g, stdout, _ := inspectTestGlobal()
	g.Quiet = true
	if err := run(context.Background(), g, []string{"curate", "--json", "demo", "--out", out, "--workers", "2"}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Outputs map[string]string          `json:"outputs"`
		Stages  map[string]json.RawMessage `json:"stages"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, stdout)
	}
	for _, s := range []string{"fetch", "filter-text", "split", "inspect", "augment preview", "report"} {
		if len(doc.Stages[s]) == 0 {
			t.Errorf("no %s document", s)
		}
	}
	ds, err := shards.Open(doc.Outputs["dataset"])
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	if len(ds.Splits) != 3 || ds.NumRows() == 0 {
		t.Errorf("dataset: %d splits, %d rows", len(ds.Splits), ds.NumRows())
	}
}
