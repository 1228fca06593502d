package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/curate-ml/curate/runner"
)

// freeAddr returns a loopback address that is free now; the runs of one
// test share it, so the demo lists (and their URLs) stay the same.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// smallDemoConfig writes a demo pipeline small enough for a test.
func smallDemoConfig(t *testing.T, dir, extra string) string {
	t.Helper()
	cfg := `out: out
seed: 3
threads: 2
demo: true
demo_images: 36
fetch:
  workers: 4
  timeout: 5s
  retries: 1
  backoff: 10ms
  shard_bytes: 200000
filter_text:
  shard_bytes: 200000
  detector:
    passes: [auto]
train:
  backbone: tiny
  gram: 1
  size: 32
  epochs: 2
  batch: 8
  augment: none
split:
  ratio: -1
  size: 48
` + extra
	p := filepath.Join(dir, "pipeline.yaml")
	if err := os.WriteFile(p, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func runPlan(t *testing.T, opts RunOptions) map[string]runner.Decision {
	t.Helper()
	g, out, errb := testGlobal()
	g.JSON = true
	if err := runRun(context.Background(), opts, g); err != nil {
		t.Fatalf("curate run %s: %v\n%s", opts.Config, err, errb)
	}
	var rep RunReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("run --json: %v\n%s", err, out)
	}
	m := map[string]runner.Decision{}
	for _, d := range rep.Plan {
		m[d.Stage] = d
	}
	return m
}

func ran(plan map[string]runner.Decision) string {
	var names []string
	for _, s := range []string{"fetch", "filter-text", "split", "train", "eval", "report"} {
		if d, ok := plan[s]; ok && d.Run {
			names = append(names, s)
		}
	}
	return strings.Join(names, ",")
}

// mtimes records every output file's modification time under root.
func mtimes(t *testing.T, root string) map[string]int64 {
	t.Helper()
	m := map[string]int64{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			info, _ := d.Info()
			m[p] = info.ModTime().UnixNano()
		}
		return nil
	})
	return m
}

// TestRunCache: a rerun with nothing changed runs nothing; a changed split
// option reruns split and what follows, leaving the earlier stages' files
// alone; a changed output file reruns its stage.
func TestRunCache(t *testing.T) {
	dir := t.TempDir()
	addr := freeAddr(t)
	cfg := smallDemoConfig(t, dir, "")
	all := "fetch,filter-text,split,train,eval,report"
	if got := ran(runPlan(t, RunOptions{Config: cfg, DemoAddr: addr})); got != all {
		t.Fatalf("first run ran %q, want %q", got, all)
	}
	root := filepath.Join(dir, "out")
	before := mtimes(t, filepath.Join(root, runFetchDir))
	plan := runPlan(t, RunOptions{Config: cfg, DemoAddr: addr})
	if got := ran(plan); got != "" {
		t.Fatalf("an unchanged rerun ran %q: %+v", got, plan)
	}
	if !strings.HasPrefix(plan["split"].Reason, "up to date") {
		t.Errorf("split: %q", plan["split"].Reason)
	}

	// Workers change the speed, not the output: nothing to do.
	cfgFast := strings.Replace(readFile(t, cfg), "workers: 4", "workers: 7", 1)
	os.WriteFile(cfg, []byte(cfgFast), 0o644)
	if got := ran(runPlan(t, RunOptions{Config: cfg, DemoAddr: addr, DryRun: true})); got != "" {
		t.Fatalf("a change of fetch.workers plans %q", got)
	}

	// One split option changes: split (and later stages) only.
	cfg = smallDemoConfig(t, dir, "  test: 0.3\n  train: 0.6\n")
	dry := runPlan(t, RunOptions{Config: cfg, DemoAddr: addr, DryRun: true})
	if got := ran(dry); got != "split,train,eval,report" || !strings.Contains(dry["split"].Reason, "options changed") {
		t.Fatalf("dry run after a split change: %q, %+v", got, dry)
	}
	if got := ran(runPlan(t, RunOptions{Config: cfg, DemoAddr: addr, DryRun: true})); got != "split,train,eval,report" {
		t.Fatalf("a dry run must not run anything: second dry run plans %q", got)
	}
	if got := ran(runPlan(t, RunOptions{Config: cfg, DemoAddr: addr})); got != "split,train,eval,report" {
		t.Fatalf("after a split option change ran %q, want split,train,eval", got)
	}
	rep, err := os.ReadFile(filepath.Join(root, runDatasetDir, "split-report.json"))
	if err != nil || !bytes.Contains(rep, []byte(`0.3`)) {
		t.Errorf("split did not run with the new option: %v\n%.300s", err, rep)
	}
	after := mtimes(t, filepath.Join(root, runFetchDir))
	for p, m := range before {
		if after[p] != m {
			t.Errorf("%s was rewritten by a run that should have skipped fetch", p)
		}
	}
	if got := ran(runPlan(t, RunOptions{Config: cfg, DemoAddr: addr})); got != "" {
		t.Fatalf("a rerun after the split change ran %q", got)
	}

	// A damaged output reruns its stage and the later ones.
	verdicts := filepath.Join(root, runFilteredDir, "verdicts.jsonl")
	if err := os.WriteFile(verdicts, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	plan = runPlan(t, RunOptions{Config: cfg, DemoAddr: addr, DryRun: true})
	if got := ran(plan); got != "filter-text,split,train,eval,report" || !strings.Contains(plan["filter-text"].Reason, "verdicts.jsonl was modified") {
		t.Fatalf("after damaging verdicts.jsonl: %q, %+v", got, plan)
	}

	// A changed detector option reruns filter-text from scratch (its old
	// verdicts are not resumed) and split after it.
	cfg = smallDemoConfig(t, dir, "  test: 0.3\n  train: 0.6\n")
	cfg2 := strings.Replace(readFile(t, cfg), "passes: [auto]", "passes: [auto]\n    min_confidence: 65", 1)
	os.WriteFile(cfg, []byte(cfg2), 0o644)
	if got := ran(runPlan(t, RunOptions{Config: cfg, DemoAddr: addr})); got != "filter-text,split,train,eval,report" {
		t.Fatalf("after a detector change ran %q", got)
	}
	if opts := readFile(t, filepath.Join(root, runFilteredDir, "filter-options.json")); !strings.Contains(opts, "65") {
		t.Errorf("filter-options.json does not hold the new option:\n%s", opts)
	}

	// --from, --until, --force.
	if got := ran(runPlan(t, RunOptions{Config: cfg, DemoAddr: addr, DryRun: true, From: "fetch", Until: "fetch"})); got != "fetch" {
		t.Errorf("--from fetch --until fetch plans %q", got)
	}
	if got := ran(runPlan(t, RunOptions{Config: cfg, DemoAddr: addr, DryRun: true, Force: []string{"split"}, Until: "split"})); got != "split" {
		t.Errorf("--force split plans %q", got)
	}
	g, _, _ := testGlobal()
	if err := runRun(context.Background(), RunOptions{Config: cfg, DemoAddr: addr, From: "nosuch"}, g); exitCode(err) != exitUsage {
		t.Errorf("--from nosuch: %v, want a usage error", err)
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRunConfigErrors(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "p.yaml")
	os.WriteFile(p, []byte("out: o\nfetch:\n  lists: [a.txt]\n  wokers: 3\n"), 0o644)
	g, _, _ := testGlobal()
	err := run(context.Background(), g, []string{"curate", "run", p})
	if exitCode(err) != exitUsage || !strings.Contains(err.Error(), "[4:3]") || !strings.Contains(err.Error(), "wokers") {
		t.Errorf("unknown key: %v (exit %d), want a usage error at [4:3]", err, exitCode(err))
	}
	os.WriteFile(p, []byte("out: o\nfetch:\n  lists: [missing.txt]\n"), 0o644)
	err = run(context.Background(), g, []string{"curate", "run", p, "--dry-run"})
	if exitCode(err) != exitError || !strings.Contains(err.Error(), "missing.txt") {
		t.Errorf("missing list: %v", err)
	}
	init := filepath.Join(dir, "init.yaml")
	if err := run(context.Background(), g, []string{"curate", "run", "--init-config", init}); err != nil {
		t.Fatal(err)
	}
	if _, err := runner.Load(init); err != nil {
		t.Errorf("the init config does not load: %v", err)
	}
	if err := run(context.Background(), g, []string{"curate", "run", "--init-config", init}); exitCode(err) != exitUsage {
		t.Errorf("--init-config over an existing file: %v", err)
	}
}

// compareRoots checks that two roots of one config hold byte-identical
// shards, row-level records, checkpoints and predictions, and the same eval
// and report numbers (paths inside the reports differ by root).
func compareRoots(t *testing.T, root0, root1 string) {
	t.Helper()
	roots := []string{root0, root1}
	compared := 0
	err := filepath.WalkDir(roots[0], func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(roots[0], p)
		if strings.HasPrefix(rel, runReportDir+"/") {
			return nil // the figures include the training speed; its numbers are compared below
		}
		switch filepath.Ext(p) {
		case ".arrow", ".png", ".safetensors":
		default:
			switch filepath.Base(p) {
			case "ledger.jsonl", "split-assignments.jsonl", "dataset_info.json", "state.json", "dataset_dict.json", "train25.txt", "predictions.jsonl":
			default:
				return nil
			}
		}
		a, _ := os.ReadFile(p)
		b, err := os.ReadFile(filepath.Join(roots[1], rel))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs between the two roots (%v)", rel, err)
		}
		compared++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if compared < 16 {
		t.Fatalf("compared only %d files", compared)
	}
	// Files only the second root holds (a stale checkpoint, an old run).
	filepath.WalkDir(roots[1], func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(roots[1], p)
		if _, err := os.Stat(filepath.Join(roots[0], rel)); err != nil {
			t.Errorf("%s is in %s only", rel, roots[1])
		}
		return nil
	})
	// The eval's numbers, without the paths.
	var evals [2]map[string]any
	for i, r := range roots {
		if err := json.Unmarshal([]byte(readFile(t, filepath.Join(r, runEvalDir, "eval.json"))), &evals[i]); err != nil {
			t.Fatal(err)
		}
		delete(evals[i], "weights")
		delete(evals[i], "source")
	}
	a, _ := json.Marshal(evals[0])
	b, _ := json.Marshal(evals[1])
	if !bytes.Equal(a, b) || !bytes.Contains(a, []byte(`"accuracy"`)) {
		t.Errorf("eval numbers differ between the two roots:\n%s\n%s", a, b)
	}
	// The report's evaluation numbers, with the roots' paths taken out.
	var sections [2]string
	for i, r := range roots {
		var rep map[string]json.RawMessage
		if err := json.Unmarshal([]byte(readFile(t, filepath.Join(r, runReportDir, "report.json"))), &rep); err != nil {
			t.Fatal(err)
		}
		sections[i] = strings.ReplaceAll(string(rep["evaluation"]), r, "ROOT")
	}
	if sections[0] != sections[1] || len(sections[0]) < 50 {
		t.Errorf("the report's evaluation differs between the two roots:\n%.400s\n%.400s", sections[0], sections[1])
	}
}

// TestRunRerunSameBytes: two fresh roots of one config hold the same bytes;
// and whatever happened in a root before (a rerun with nothing changed, an
// option changed and changed back, a train stage SIGKILLed mid-run, another
// build of curate), the next run leaves the bytes a fresh root gets.
func TestRunRerunSameBytes(t *testing.T) {
	addr := freeAddr(t)
	freshDir := t.TempDir()
	runPlan(t, RunOptions{Config: smallDemoConfig(t, freshDir, ""), DemoAddr: addr})
	fresh := filepath.Join(freshDir, "out")

	dir := t.TempDir()
	cfg := smallDemoConfig(t, dir, "")
	root := filepath.Join(dir, "out")
	original := readFile(t, cfg)
	runPlan(t, RunOptions{Config: cfg, DemoAddr: addr})
	compareRoots(t, fresh, root)
	edit := func(old, new string) {
		t.Helper()
		if !strings.Contains(original, old) {
			t.Fatalf("the config has no %q", old)
		}
		if err := os.WriteFile(cfg, []byte(strings.Replace(original, old, new, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	restore := func() {
		t.Helper()
		if err := os.WriteFile(cfg, []byte(original), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("unchanged", func(t *testing.T) {
		if got := ran(runPlan(t, RunOptions{Config: cfg, DemoAddr: addr})); got != "" {
			t.Errorf("an unchanged rerun ran %q", got)
		}
		compareRoots(t, fresh, root)
	})
	for _, c := range []struct{ name, old, new, ran string }{
		{"train", "epochs: 2", "epochs: 3", "train,eval,report"},
		{"split", "  size: 48\n", "  size: 48\n  test: 0.3\n  train: 0.6\n", "split,train,eval,report"},
	} {
		t.Run(c.name+" option changed back", func(t *testing.T) {
			edit(c.old, c.new)
			if got := ran(runPlan(t, RunOptions{Config: cfg, DemoAddr: addr})); got != c.ran {
				t.Fatalf("after changing %s ran %q, want %q", c.name, got, c.ran)
			}
			restore()
			// In a child process: one that has run only these stages
			// (no Tesseract, no fetch before train) gives the same bytes.
			if got := ran(runChild(t, RunOptions{Config: cfg, DemoAddr: addr})); got != c.ran {
				t.Fatalf("after changing %s back ran %q, want %q", c.name, got, c.ran)
			}
			compareRoots(t, fresh, root)
		})
	}
	t.Run("train killed", func(t *testing.T) {
		// A changed option makes train run over the finished one; the run
		// is SIGKILLed inside train; the original config runs again.
		edit("epochs: 2", "epochs: 3")
		killRunInTrain(t, RunOptions{Config: cfg, DemoAddr: addr}, filepath.Join(root, runTrainDir))
		restore()
		if got := ran(runPlan(t, RunOptions{Config: cfg, DemoAddr: addr})); got != "train,eval,report" {
			t.Fatalf("after the killed train ran %q", got)
		}
		compareRoots(t, fresh, root)
	})
	t.Run("another build", func(t *testing.T) {
		// A rebuilt binary with other code (same version string) reuses
		// nothing the old code wrote; fetch keeps its ledger (what the
		// server answered), filter-text decides every image again.
		plan := runPlan(t, RunOptions{Config: cfg, DemoAddr: addr, Build: "another-binary"})
		if got := ran(plan); got != "fetch,filter-text,split,train,eval,report" || !strings.Contains(plan["fetch"].Reason, "build changed") {
			t.Fatalf("another build ran %q: %+v", got, plan)
		}
		compareRoots(t, fresh, root)
	})
}

// The run child is `curate run` in a child process (this test binary,
// re-executed) that TestRunRerunSameBytes SIGKILLs inside a stage.
const runChildEnv = "CURATE_RUN_CHILD"

func TestRunChild(t *testing.T) {
	spec := os.Getenv(runChildEnv)
	if spec == "" {
		return // only meaningful as the child of TestRunRerunSameBytes
	}
	var opts RunOptions
	if err := json.Unmarshal([]byte(spec), &opts); err != nil {
		t.Fatal(err)
	}
	g, _, errb := testGlobal()
	g.Stdout = os.Stdout
	g.JSON = true
	err := runRun(context.Background(), opts, g)
	if err != nil {
		fmt.Fprintln(os.Stderr, err, errb)
	}
	os.Exit(exitCode(err))
}

// runChild runs `curate run --json` in a child process to its end.
func runChild(t *testing.T, opts RunOptions) map[string]runner.Decision {
	t.Helper()
	cmd, out := startChild(t, "TestRunChild", runChildEnv, opts)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("curate run in a child: %v\n%s", err, out.String())
	}
	var rep RunReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("run --json in a child: %v\n%s", err, out.String())
	}
	m := map[string]runner.Decision{}
	for _, d := range rep.Plan {
		m[d.Stage] = d
	}
	return m
}

// killRunInTrain runs `curate run` in a child and SIGKILLs it once the train
// stage has moved the finished run aside and begun a new run folder
// (run.json written).
func killRunInTrain(t *testing.T, opts RunOptions, trainDir string) {
	t.Helper()
	cmd, out := startChild(t, "TestRunChild", runChildEnv, opts)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.After(2 * time.Minute)
	for {
		select {
		case err := <-done:
			t.Fatalf("the run finished (%v) before train began:\n%s", err, out.String())
		case <-deadline:
			cmd.Process.Kill()
			<-done
			t.Fatalf("train never began:\n%s", out.String())
		case <-time.After(2 * time.Millisecond):
		}
		if fileExists(trainDir+".previous") && fileExists(filepath.Join(trainDir, "run.json")) {
			cmd.Process.Kill()
			<-done
			return
		}
	}
}
