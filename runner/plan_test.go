package runner

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fileStages are two stages that really read and write files: "a" copies
// an input file into its output with a prefix option, "b" counts a's bytes.
func fileStages(root, input string, prefix *string, runs map[string]int) []Stage {
	return []Stage{
		{Name: "a", Options: map[string]string{"prefix": *prefix}, Inputs: []string{input}, Output: "a",
			Run: func(context.Context) error {
				runs["a"]++
				in, err := os.ReadFile(input)
				if err != nil {
					return err
				}
				os.MkdirAll(filepath.Join(root, "a"), 0o755)
				return os.WriteFile(filepath.Join(root, "a", "out.txt"), append([]byte(*prefix), in...), 0o644)
			}},
		{Name: "b", Options: struct{}{}, Output: "b",
			Run: func(context.Context) error {
				runs["b"]++
				in, err := os.ReadFile(filepath.Join(root, "a", "out.txt"))
				if err != nil {
					return err
				}
				os.MkdirAll(filepath.Join(root, "b"), 0o755)
				return os.WriteFile(filepath.Join(root, "b", "n.txt"), []byte(strings.Repeat("x", len(in))), 0o644)
			}},
	}
}

func reasons(ds []Decision) map[string]string {
	m := map[string]string{}
	for _, d := range ds {
		if d.Run {
			m[d.Stage] = d.Reason
		}
	}
	return m
}

func TestPlanReasons(t *testing.T) {
	root := t.TempDir()
	input := filepath.Join(root, "input.txt")
	os.WriteFile(input, []byte("hello"), 0o644)
	prefix := "p1"
	runs := map[string]int{}
	o := Options{Root: root, Version: "1"}
	ctx := context.Background()

	if _, err := Run(ctx, fileStages(root, input, &prefix, runs), Options{Root: root, Version: "1", From: "b"}); err == nil {
		t.Error("--from b before a ever finished: want an error")
	}
	if _, err := Run(ctx, fileStages(root, input, &prefix, runs), o); err != nil {
		t.Fatal(err)
	}
	check := func(name string, o Options, want map[string]string) {
		t.Helper()
		ds, err := Plan(fileStages(root, input, &prefix, runs), o)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := reasons(ds)
		if len(got) != len(want) {
			t.Errorf("%s: runs %v, want %v", name, got, want)
		}
		for s, w := range want {
			if !strings.Contains(got[s], w) {
				t.Errorf("%s: %s reason %q, want %q", name, s, got[s], w)
			}
		}
	}
	check("unchanged", o, map[string]string{})
	check("new version", Options{Root: root, Version: "2"}, map[string]string{"a": "version changed (1 -> 2)", "b": "after a"})
	// Same version string, other code (a rebuilt binary): nothing is reused.
	check("new build", Options{Root: root, Version: "1", Build: "0123456789abcdef"}, map[string]string{"a": "curate's build changed (none -> 0123456789ab)", "b": "after a"})
	prefix = "p2"
	check("option", o, map[string]string{"a": "options changed: prefix \"p1\" -> \"p2\"", "b": "after a"})
	prefix = "p1"
	os.WriteFile(input, []byte("hello!"), 0o644)
	check("input", o, map[string]string{"a": "input changed: " + input, "b": "after a"})
	os.WriteFile(input, []byte("hello"), 0o644)
	check("input back", o, map[string]string{})
	os.WriteFile(filepath.Join(root, "b", "extra.txt"), nil, 0o644)
	check("new output file", o, map[string]string{"b": "extra.txt is new"})
	os.Remove(filepath.Join(root, "b", "extra.txt"))
	os.WriteFile(filepath.Join(root, "b", ".lock"), nil, 0o644) // hidden files do not count
	check("hidden file", o, map[string]string{})
	check("until", Options{Root: root, Version: "2", Until: "a"}, map[string]string{"a": "version"})
	check("force", Options{Root: root, Version: "1", Force: []string{"b"}}, map[string]string{"b": "forced"})
	check("from", Options{Root: root, Version: "1", From: "b"}, map[string]string{"b": "--from b"})
	if _, err := Plan(fileStages(root, input, &prefix, runs), Options{Root: root, Force: []string{"c"}}); !errors.Is(err, ErrStage) {
		t.Errorf("--force c: %v", err)
	}

	// Running after a change in a: both run, then nothing.
	before := runs["b"]
	prefix = "p3"
	if _, err := Run(ctx, fileStages(root, input, &prefix, runs), o); err != nil {
		t.Fatal(err)
	}
	if runs["b"] != before+1 {
		t.Errorf("b ran %d times after a changed, want once", runs["b"]-before)
	}
	check("after rerun", o, map[string]string{})

	// A failing stage leaves no manifest: it runs again next time.
	stages := fileStages(root, input, &prefix, runs)
	stages[1].Run = func(context.Context) error { return errors.New("disk full") }
	if _, err := Run(ctx, stages, Options{Root: root, Version: "1", Force: []string{"b"}}); err == nil || !strings.Contains(err.Error(), "stage b: disk full") {
		t.Fatalf("failing stage: %v", err)
	}
	check("after a failure", o, map[string]string{"b": "never finished"})
}

func TestResetWhy(t *testing.T) {
	root := t.TempDir()
	input := filepath.Join(root, "input.txt")
	os.WriteFile(input, []byte("hello"), 0o644)
	prefix := "p1"
	runs := map[string]int{}
	type call = Change
	var calls map[string]call
	build := func() []Stage {
		st := fileStages(root, input, &prefix, runs)
		for i := range st {
			name := st[i].Name
			st[i].Reset = func(c Change) (bool, error) {
				calls[name] = c
				return c.Own || c.Build, nil // a stage resets when its own options or the code changed
			}
		}
		return st
	}
	o := Options{Root: root, Version: "1"}
	ctx := context.Background()
	calls = map[string]call{}
	if _, err := Run(ctx, build(), o); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 0 {
		t.Errorf("first run: Reset called %v; nothing to reset", calls)
	}
	for _, tc := range []struct {
		name   string
		change func()
		o      Options
		want   map[string]call
	}{
		{"input", func() { os.WriteFile(input, []byte("hello!"), 0o644) }, o,
			map[string]call{"a": {}, "b": {}}},
		{"option", func() { prefix = "p2" }, o,
			map[string]call{"a": {Own: true}, "b": {Upstream: true}}},
		{"forced b", func() {}, Options{Root: root, Version: "1", Force: []string{"b"}},
			map[string]call{"b": {Own: true}}},
		{"build", func() {}, Options{Root: root, Version: "1", Build: "other"},
			map[string]call{"a": {Build: true}, "b": {Build: true, Upstream: true}}},
	} {
		tc.change()
		calls = map[string]call{}
		if _, err := Run(ctx, build(), tc.o); err != nil {
			t.Fatal(err)
		}
		if len(calls) != len(tc.want) {
			t.Errorf("%s: Reset calls %v, want %v", tc.name, calls, tc.want)
		}
		for s, w := range tc.want {
			if calls[s] != w {
				t.Errorf("%s: %s Reset(%+v), want %+v", tc.name, s, calls[s], w)
			}
		}
	}
}
