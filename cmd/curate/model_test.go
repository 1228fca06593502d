package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func modelGlobal() (*Global, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &Global{Stdout: &out, Stderr: &errb, Quiet: true}, &out
}

func TestModelSummaryB2Baseline(t *testing.T) {
	g, out := modelGlobal()
	if err := runModelSummary(context.Background(), ModelSummaryOptions{Backbone: "b2", Gram: 0, Size: 256, JSON: true}, g); err != nil {
		t.Fatal(err)
	}
	var s summaryJSON
	if err := json.Unmarshal(out.Bytes(), &s); err != nil {
		t.Fatalf("summary --json: %v\n%s", err, out.String())
	}
	if s.BackboneParams != 8769374 || s.BackboneTrainable != 8687086 || s.BackboneNonTrainab != 82288 {
		t.Errorf("backbone params %d (%d + %d), want 8769374 (8687086 + 82288)", s.BackboneParams, s.BackboneTrainable, s.BackboneNonTrainab)
	}
	found := false
	for _, l := range s.Layers {
		if l.Name == "block3b_project_conv" {
			found = true
			if len(l.Shape) != 3 || l.Shape[0] != 32 || l.Shape[1] != 32 || l.Shape[2] != 56 {
				t.Errorf("block3b_project_conv shape %v, want 32x32x56", l.Shape)
			}
		}
		if l.Name == "head_dense" && l.Shape[0] != 168 {
			t.Errorf("baseline head_dense width %v, want 168", l.Shape)
		}
	}
	if !found {
		t.Error("block3b_project_conv missing")
	}
	// The text form prints the same totals.
	g, out = modelGlobal()
	if err := runModelSummary(context.Background(), ModelSummaryOptions{Backbone: "b2", Gram: 4, Size: 256}, g); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"block3b_project_conv", "(None, 32, 32, 56)", "gram4_multiply", "Backbone (no top): 8,769,374 (trainable 8,687,086, non-trainable 82,288)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary text lacks %q", want)
		}
	}
}

func TestModelBenchJSON(t *testing.T) {
	g, out := modelGlobal()
	opts := ModelBenchOptions{Backbone: "b0", Gram: 1, Size: 32, Batch: 2, Steps: 1, Threads: 1, Seed: 1, Backend: "ref", JSON: true}
	if err := runModelBench(context.Background(), opts, g); err != nil {
		t.Fatal(err)
	}
	var r map[string]any
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("bench --json: %v\n%s", err, out.String())
	}
	if r["backend"] != "ref" {
		t.Errorf("backend = %v, want ref (--backend ref)", r["backend"])
	}
	for _, k := range []string{"train_images_per_s", "infer_images_per_s", "peak_rss_mib", "batch", "size", "gram", "threads", "steps"} {
		v, ok := r[k].(float64)
		if !ok || v <= 0 {
			t.Errorf("%s = %v, want a positive number", k, r[k])
		}
	}
}

func TestModelFlagErrors(t *testing.T) {
	g, _ := modelGlobal()
	ctx := context.Background()
	for name, err := range map[string]error{
		"backbone": runModelSummary(ctx, ModelSummaryOptions{Backbone: "b7", Size: 256}, g),
		"size":     runModelSummary(ctx, ModelSummaryOptions{Backbone: "b2", Size: 4}, g),
		"gram":     runModelSummary(ctx, ModelSummaryOptions{Backbone: "b2", Gram: -1, Size: 256}, g),
		"batch":    runModelBench(ctx, ModelBenchOptions{Backbone: "b2", Size: 256, Batch: 0, Steps: 1}, g),
		"steps":    runModelBench(ctx, ModelBenchOptions{Backbone: "b2", Size: 256, Batch: 1, Steps: 0}, g),
		"backend":  runModelBench(ctx, ModelBenchOptions{Backbone: "b2", Size: 256, Batch: 1, Steps: 1, Backend: "tpu"}, g),
	} {
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("%s: error %v, want a usage error", name, err)
		}
	}
}

// TestModelBenchRefusesWhatCannotFit: a bench far larger than the machine's
// memory is refused up front with the estimate, not killed by Go's OOM.
func TestModelBenchRefusesWhatCannotFit(t *testing.T) {
	g, _, _ := inspectTestGlobal()
	err := run(context.Background(), g, []string{"curate", "model", "bench", "--size", "1024", "--batch", "512", "--steps", "1"})
	if err == nil || exitCode(err) != exitError || !strings.Contains(err.Error(), "GiB") {
		t.Fatalf("err = %v (exit %d), want the memory estimate", err, exitCode(err))
	}
	cfg, _ := modelConfig("b2", 4, 128, "")
	need, _, err := benchMemory(cfg, 16)
	// model bench --size 128 --batch 16 peaked at 586 MiB here: the estimate
	// must not be below it, nor wildly above.
	if err != nil || need < 586<<20 || need > 2*586<<20 {
		t.Errorf("estimate for 128x128 batch 16: %d MiB (%v), measured 586 MiB", need>>20, err)
	}
}
