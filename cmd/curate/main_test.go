package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
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

// startChild starts this test binary again running only the test named
// test, with v as JSON in the environment variable env; the child's stdout
// and stderr go to the returned buffer.
func startChild(t *testing.T, test, env string, v any) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	spec, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env+"="+string(spec))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &out
}

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
	last := filepath.Join(out, train.LastCheckpoint)
	// An attempt in which train ends by itself within a moment of the
	// second signal proves nothing (the first signal came as its step
	// ended, or while it waited for a batch): up to three attempts.
	for attempt := 1; ; attempt++ {
		os.RemoveAll(out)
		killed, why := interruptTwice(t, args, last)
		if killed {
			break
		}
		if attempt == 3 || why != "" {
			t.Fatalf("attempt %d: %s", attempt, why)
		}
		t.Logf("attempt %d: train finished its interrupt before the second signal; again", attempt)
	}
	c, err := train.OpenCheckpoint(last)
	if err != nil {
		t.Fatalf("the last complete checkpoint does not load after the kill: %v", err)
	}
	if !c.Curate || c.State.Step < 1 || c.Backbone != "b2" {
		t.Errorf("last checkpoint after the kill: step %d, backbone %q, want a b2 checkpoint of step 1 or later", c.State.Step, c.Backbone)
	}
}

// interruptTwice starts `curate train` (args) in a child, waits for its
// first checkpoint (so a step runs now), sends SIGINT, then another 100 ms
// later. killed: the child died of the second SIGINT. Otherwise why says
// what went wrong, or is "" when train ended by itself within 2 s of the
// second signal (the attempt proves nothing).
func interruptTwice(t *testing.T, args []string, last string) (killed bool, why string) {
	t.Helper()
	cmd, cout := startChild(t, "TestMainChild", mainChildEnv, args)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	deadline := time.After(3 * time.Minute)
	for !fileExists(last) { // step 1 is checkpointed: step 2 runs now
		select {
		case <-done:
			return false, "train ended before its first checkpoint:\n" + cout.String()
		case <-deadline:
			cmd.Process.Kill()
			<-done
			return false, "no checkpoint after 3 minutes:\n" + cout.String()
		case <-time.After(5 * time.Millisecond):
		}
	}
	cmd.Process.Signal(os.Interrupt)
	select {
	case <-done:
		return false, "" // the interrupt came between steps
	case <-time.After(100 * time.Millisecond):
	}
	cmd.Process.Signal(os.Interrupt)
	second := time.Now()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		<-done
		return false, "still running 20 s after the second SIGINT:\n" + cout.String()
	}
	after := time.Since(second)
	ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
	switch {
	case ws.Signaled() && ws.Signal() == syscall.SIGINT:
		t.Logf("killed %v after the second SIGINT", after)
		return true, ""
	case after < 2*time.Second:
		return false, ""
	}
	return false, fmt.Sprintf("%v %v after the second SIGINT, want killed by SIGINT at once:\n%s", cmd.ProcessState, after, cout.String())
}
