package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

func TestReorderArgs(t *testing.T) {
	app := newApp(&Global{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}})
	tests := []struct{ in, want string }{
		{"curate inspect DIR --json", "curate inspect --json -- DIR"},
		{"curate augment apply in.jpg out.png --op rotate --m 7", "curate augment apply --op rotate --m 7 -- in.jpg out.png"},
		{"curate augment apply --op=rotate in.jpg out.png", "curate augment apply --op=rotate -- in.jpg out.png"},
		{"curate inspect -- --weird-name --json", "curate inspect -- --weird-name --json"},
		{"curate demo --quiet", "curate --quiet demo"},
		{"curate --json inspect DIR", "curate --json inspect -- DIR"},
		{"curate model bench --size 64", "curate model bench --size 64"},
		{"curate bogus x --y", "curate bogus x --y"},
		{"curate", "curate"},
	}
	for _, tc := range tests {
		got := strings.Join(reorderArgs(app, strings.Fields(tc.in)), " ")
		if got != tc.want {
			t.Errorf("%s\n  got  %s\n  want %s", tc.in, got, tc.want)
		}
	}
}

// TestFlagsAfterArguments runs real commands with flags typed after their
// positional arguments.
func TestFlagsAfterArguments(t *testing.T) {
	ds := writeTestDataset(t, false)
	g, stdout, _ := inspectTestGlobal()
	if err := run(context.Background(), g, []string{"curate", "inspect", ds, "--json"}); err != nil {
		t.Fatal(err)
	}
	if !json.Valid(stdout.Bytes()) {
		t.Errorf("inspect DIR --json printed no JSON: %s", stdout)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in.png")
	os.WriteFile(in, augTestImage(t, 40, 30, 1), 0o644)
	out := filepath.Join(dir, "out.png")
	g2, _ := augTestGlobal()
	if err := run(context.Background(), g2, []string{"curate", "augment", "apply", in, out, "--op", "rotate"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(out); err != nil {
		t.Error(err)
	}
}

func TestNumericFlagChecks(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.png")
	os.WriteFile(in, augTestImage(t, 20, 20, 0), 0o644)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"curate", "split", "--in", dir, "--out", filepath.Join(dir, "o"), "--train", "NaN"}, "finite"},
		{[]string{"curate", "split", "--in", dir, "--out", filepath.Join(dir, "o"), "--ratio", "Inf"}, "finite"},
		{[]string{"curate", "split", "--in", dir, "--out", filepath.Join(dir, "o"), "--size", "0"}, "--size 0"},
		{[]string{"curate", "split", "--in", dir, "--out", filepath.Join(dir, "o"), "--quality", "0"}, "--quality 0"},
		{[]string{"curate", "augment", "preview", "--in", dir, "--out", filepath.Join(dir, "g.png"), "--n", "0"}, "--n 0"},
		{[]string{"curate", "augment", "preview", "--out", filepath.Join(dir, "g.png")}, "Required flag"},
		{[]string{"curate", "model", "bench", "--size", "0"}, "--size 0"},
		{[]string{"curate", "filter-text", "--in", dir, "--out", filepath.Join(dir, "o"), "--min-edges", "2"}, "--min-edges 2"},
		{[]string{"curate", "filter-text", "--in", dir, "--out", filepath.Join(dir, "o"), "--texture-edges", "0"}, "--texture-edges 0"},
		{[]string{"curate", "filter-text", "--in", dir, "--out", filepath.Join(dir, "o"), "--min-chars", "0"}, "--min-chars 0"},
	}
	for _, tc := range tests {
		g, _, _ := inspectTestGlobal()
		err := run(context.Background(), g, tc.args)
		if exitCode(err) != exitUsage || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: exit %d (%v), want exit 2 naming %q", tc.args[1:], exitCode(err), err, tc.want)
		}
	}
}

func TestJSONErrors(t *testing.T) {
	var buf bytes.Buffer
	args := []string{"curate", "inspect", "/no/such/dataset", "--json"}
	g, _, _ := inspectTestGlobal()
	err := run(context.Background(), g, args)
	printError(&buf, err, wantsJSON(args))
	var got struct {
		Error    string `json:"error"`
		ExitCode int    `json:"exit_code"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("not one JSON object: %q", buf.String())
	}
	if got.ExitCode != exitError || !strings.Contains(got.Error, "/no/such/dataset") {
		t.Errorf("got %+v", got)
	}
	buf.Reset()
	printError(&buf, errors.New("boom"), false)
	if buf.String() != "curate: boom\n" {
		t.Errorf("plain error %q", buf.String())
	}
}

// TestEveryCommandHelp: every command's --help has examples and the exit
// codes, and every command that prints results takes --json (the two
// parent commands only list their subcommands; demo takes the global one).
func TestEveryCommandHelp(t *testing.T) {
	noJSON := map[string]bool{"curate augment": true, "curate weights": true, "curate model": true, "curate demo": true}
	var walk func(prefix string, cmds []*cli.Command)
	seen := 0
	walk = func(prefix string, cmds []*cli.Command) {
		for _, c := range cmds {
			if c.Name == "help" {
				continue
			}
			name := prefix + " " + c.Name
			seen++
			if !strings.Contains(c.Description, "EXAMPLES:") || !strings.Contains(c.Description, "EXIT CODES:") {
				t.Errorf("%s --help lacks EXAMPLES or EXIT CODES", name)
			}
			hasJSON := false
			for _, f := range c.Flags {
				hasJSON = hasJSON || slices.Contains(f.Names(), "json")
			}
			if !hasJSON && !noJSON[name] && len(c.Subcommands) == 0 {
				t.Errorf("%s has no --json", name)
			}
			walk(name, c.Subcommands)
		}
	}
	g, _, _ := testGlobal()
	walk("curate", newApp(g).Commands)
	if seen < 20 {
		t.Errorf("walked %d commands", seen)
	}
}
