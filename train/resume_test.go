package train

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// The crash test re-executes the test binary as a child that trains and
// SIGKILLs itself at a chosen point (the parent cannot time a kill "during
// a checkpoint write" from outside reliably, so the child does it at the
// exact moment); the parent then resumes the run in-process and compares
// the final checkpoint with an uninterrupted run's.

const childEnv = "CURATE_TRAIN_CRASH_CHILD"

type childSpec struct {
	Options Options `json:"options"`
	Resume  bool    `json:"resume"`
	KillAt  string  `json:"kill_at"`
}

func TestMain(m *testing.M) {
	if spec := os.Getenv(benchChildEnv); spec != "" {
		if err := benchChild(spec); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if spec := os.Getenv(childEnv); spec != "" {
		var c childSpec
		if err := json.Unmarshal([]byte(spec), &c); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		c.Options.crash = func(point string) {
			if point == c.KillAt {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
				select {} // wait for the signal
			}
		}
		_, err := Train(context.Background(), c.Options, Env{Version: "test", Resume: c.Resume})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0) // the kill point was never reached
	}
	os.Exit(m.Run())
}

// runChild trains in a child process that kills itself at killAt and
// reports whether it was killed.
func runChild(t *testing.T, o Options, resume bool, killAt string) {
	t.Helper()
	spec, _ := json.Marshal(childSpec{o, resume, killAt})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+string(spec))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child (kill at %s) ended with %v, want SIGKILL; stderr: %s", killAt, err, stderr.String())
	}
}

// TestCrashResumeByteIdentical: SIGKILL at any point, then --resume, gives
// the uninterrupted run's bytes with the default backend (the first of
// model.Backends(): onednn where it is built, else cpu).
func TestCrashResumeByteIdentical(t *testing.T) {
	dir := t.TempDir()
	data := writeDataset(t, filepath.Join(dir, "ds"), 32, 2, []splitSpec{{Name: "train", Rows: 28}, {Name: "validation", Rows: 6}, {Name: "test", Rows: 6}}, nil, nil)
	base := tinyOptions(data, "")
	base.Epochs, base.CheckpointEvery = 3, 2 // 4 steps an epoch (8+8+8+4): mid-epoch checkpoints at steps 2, 6, 10
	base.Augment = "tf"

	ref := base
	ref.Out = filepath.Join(dir, "ref")
	if _, err := Train(context.Background(), ref, Env{}); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(ref.Out, LastCheckpoint))
	if err != nil {
		t.Fatal(err)
	}
	wantBest, _ := os.ReadFile(filepath.Join(ref.Out, BestCheckpoint))

	// Each case kills at one or more points in turn, resuming after each,
	// then resumes to the end.
	cases := map[string][]string{
		"mid-epoch before any checkpoint": {"step-1"},
		"mid-epoch after a checkpoint":    {"step-3"},
		"during a checkpoint write":       {"checkpoint-half"},
		"checkpoint written, not renamed": {"checkpoint-before-rename"},
		"after the metrics line":          {"metrics-written"},
		"after best, before last":         {"best-written"},
		"several kills":                   {"step-5", "checkpoint-half", "step-11"},
	}
	for name, points := range cases {
		t.Run(name, func(t *testing.T) {
			o := base
			o.Out = filepath.Join(t.TempDir(), "run")
			for i, p := range points {
				runChild(t, o, i > 0, p)
			}
			res, err := Train(context.Background(), o, Env{Resume: true})
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(o.Out, LastCheckpoint))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("last.safetensors after kills at %v differs from the uninterrupted run's", points)
			}
			if gotBest, _ := os.ReadFile(filepath.Join(o.Out, BestCheckpoint)); !bytes.Equal(gotBest, wantBest) {
				t.Errorf("best.safetensors differs")
			}
			if len(res.Epochs) != 3 {
				t.Errorf("%d epochs in the result, want 3", len(res.Epochs))
			}
			raw, _ := os.ReadFile(filepath.Join(o.Out, MetricsFile))
			if n := strings.Count(string(raw), "\n"); n != 3 {
				t.Errorf("metrics.jsonl has %d lines, want 3", n)
			}
			tmps, _ := filepath.Glob(filepath.Join(o.Out, CheckpointDir, ".*"))
			if len(tmps) > 0 {
				t.Errorf("temporary files left: %v", tmps)
			}
		})
	}
}

func TestResumeRefusesChangedOptions(t *testing.T) {
	stored := Defaults()
	given := stored
	given.LR = 0.01
	given.Threads = 7
	if err := DiffOptions(stored, given, []string{"threads"}); err != nil {
		t.Errorf("threads may change: %v", err)
	}
	err := DiffOptions(stored, given, []string{"threads", "lr"})
	if err == nil || !strings.Contains(err.Error(), "--lr was 0.002") || !strings.Contains(err.Error(), "now 0.01") {
		t.Errorf("changed --lr: %v", err)
	}
	given = stored
	given.Augment = "none"
	if err := DiffOptions(stored, given, []string{"augment"}); err == nil || !strings.Contains(err.Error(), "--augment") {
		t.Errorf("changed --augment: %v", err)
	}
}

// An interrupt (context cancelled, as SIGINT does) between steps writes a
// checkpoint at that step; resuming from it still ends byte-identical.
func TestInterruptCheckpoints(t *testing.T) {
	dir := t.TempDir()
	data := writeDataset(t, filepath.Join(dir, "ds"), 32, 3, []splitSpec{{Name: "train", Rows: 20}, {Name: "validation", Rows: 4}}, nil, nil)
	ref := tinyOptions(data, filepath.Join(dir, "ref"))
	if _, err := Train(context.Background(), ref, Env{}); err != nil {
		t.Fatal(err)
	}
	o := ref
	o.Out = filepath.Join(dir, "run")
	ctx, cancel := context.WithCancel(context.Background())
	steps := 0
	_, err := Train(ctx, o, Env{Hooks: Hooks{Step: func(int, float64) {
		if steps++; steps == 2 {
			cancel()
		}
	}}})
	if err == nil || ctx.Err() == nil {
		t.Fatalf("interrupted run: %v", err)
	}
	c, err := OpenCheckpoint(filepath.Join(o.Out, LastCheckpoint))
	if err != nil {
		t.Fatal(err)
	}
	if c.State.Step != 2 || c.State.Position != 16 {
		t.Fatalf("checkpoint at step %d position %d, want 2 and 16", c.State.Step, c.State.Position)
	}
	if _, err := Train(context.Background(), o, Env{Resume: true}); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(ref.Out, LastCheckpoint))
	b, _ := os.ReadFile(filepath.Join(o.Out, LastCheckpoint))
	if !bytes.Equal(a, b) {
		t.Error("resumed after an interrupt: last.safetensors differs")
	}
}
