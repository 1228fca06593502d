package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/curate-ml/curate/internal/stripeset"
	"github.com/curate-ml/curate/train"
)

func TestExitCodes(t *testing.T) {
	tests := []struct {
		args []string
		want int
	}{
		{[]string{"curate", "bogus"}, exitUsage},
		{[]string{"curate", "inspect"}, exitUsage},
		{[]string{"curate", "inspect", "--no-such-flag", "x"}, exitUsage},
		{[]string{"curate", "model", "summary", "--no-such-flag"}, exitUsage},
		{[]string{"curate", "inspect", "/no/such/dataset"}, exitError},
	}
	for _, tc := range tests {
		g, _, _ := inspectTestGlobal()
		err := run(context.Background(), g, tc.args)
		if got := exitCode(err); got != tc.want {
			t.Errorf("%v: exit %d (%v), want %d", tc.args, got, err, tc.want)
		}
	}
}

// The main child is the real main() in a child process (this test binary,
// re-executed with os.Args from the environment): its signal handling is
// what the curate binary does.
const mainChildEnv = "CURATE_MAIN_CHILD"

func TestMainChild(t *testing.T) {
	spec := os.Getenv(mainChildEnv)
	if spec == "" {
		return // only meaningful as the child of TestSecondSIGINTKills
	}
	var args []string
	if err := json.Unmarshal([]byte(spec), &args); err != nil {
		t.Fatal(err)
	}
	os.Args = args
	main()
}

// TestSecondSIGINTKills: the first SIGINT lets the command keep its work
// (train finishes its step and checkpoints); a second one kills the process
// at once, and the previous complete output (the last checkpoint written)
// still loads.
func TestSecondSIGINTKills(t *testing.T) {
	dir := t.TempDir()
	// B2 at 128 px, batch 16: a step takes seconds, so the second SIGINT
	// lands while the first one's step and checkpoint are still going.
	data := writeStripes(t, filepath.Join(dir, "data"), stripeset.Options{Seed: 5, Size: 128, Splits: stripeSplits(48, 4, 4)})
	out := filepath.Join(dir, "run")
	args := []string{"curate", "--quiet", "train", "--data", data, "--out", out, "--backbone", "b2", "--gram", "1",
		"--size", "128", "--batch", "16", "--epochs", "3", "--threads", "1", "--augment", "none", "--checkpoint-every", "1"}
	spec, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^TestMainChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), mainChildEnv+"="+string(spec))
	var cout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &cout, &cout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	last := filepath.Join(out, train.LastCheckpoint)
	deadline := time.After(3 * time.Minute)
	for !fileExists(last) { // step 1 is checkpointed: step 2 runs now
		select {
		case <-done:
			t.Fatalf("train ended before its first checkpoint:\n%s", cout.String())
		case <-deadline:
			cmd.Process.Kill()
			<-done
			t.Fatalf("no checkpoint after 3 minutes:\n%s", cout.String())
		case <-time.After(5 * time.Millisecond):
		}
	}
	cmd.Process.Signal(os.Interrupt)
	select {
	case <-done:
		t.Fatalf("the first SIGINT ended train at once (exit %d), before a second could be sent:\n%s", cmd.ProcessState.ExitCode(), cout.String())
	case <-time.After(100 * time.Millisecond):
	}
	cmd.Process.Signal(os.Interrupt)
	second := time.Now()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("still running 20 s after the second SIGINT:\n%s", cout.String())
	}
	ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ws.Signaled() || ws.Signal() != syscall.SIGINT {
		t.Fatalf("after two SIGINTs: %v, want killed by SIGINT:\n%s", cmd.ProcessState, cout.String())
	}
	t.Logf("killed %v after the second SIGINT", time.Since(second))
	c, err := train.OpenCheckpoint(last)
	if err != nil {
		t.Fatalf("the last complete checkpoint does not load after the kill: %v", err)
	}
	if !c.Curate || c.State.Step != 1 || c.Backbone != "b2" {
		t.Errorf("last checkpoint after the kill: step %d, backbone %q, want the step-1 checkpoint of b2", c.State.Step, c.Backbone)
	}
}
