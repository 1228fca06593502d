package runner

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestInitConfigIsDefault(t *testing.T) {
	cfg, err := Parse("dir/pipeline.yaml", []byte(InitConfig))
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.dir = "dir"
	if !reflect.DeepEqual(*cfg, want) {
		t.Errorf("the init config parses to\n%+v\nwant Default()\n%+v", *cfg, want)
	}
}

func TestParseStrict(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"unknown top key", "out: x\nsede: 3\n", "[2:1]"},
		{"unknown nested key", "out: x\nsplit:\n  ratio: 0.5\n  ratoi: 0.4\n", "[4:3]"},
		{"wrong type", "out: x\nsplit:\n  size: big\n", "[3:9]"},
		{"duplicate key", "out: x\nseed: 1\nseed: 2\n", "[3:1]"},
	} {
		_, err := Parse("p.yaml", []byte(tc.in))
		var pe *ParseError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "p.yaml: ") {
			t.Errorf("%s: err %v, want a ParseError at %s", tc.name, err, tc.want)
		}
	}
}

func TestParseOverDefaults(t *testing.T) {
	cfg, err := Parse("/x/p.yaml", []byte("out: run\nfetch:\n  lists: [a.txt]\n  timeout: 5s\nsplit:\n  test: 0.3\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Stages.Fetch.Lists; len(got) != 1 || got[0] != "a.txt" {
		t.Errorf("lists %v: a list in the file replaces the default", got)
	}
	if cfg.Stages.Fetch.Timeout.Seconds() != 5 || cfg.Stages.Split.Test != 0.3 || cfg.Stages.Split.Train != 0.8 {
		t.Errorf("fetch %+v split %+v", cfg.Stages.Fetch, cfg.Stages.Split)
	}
	if cfg.Root() != "/x/run" || cfg.Path("a.txt") != "/x/a.txt" {
		t.Errorf("paths: root %s", cfg.Root())
	}
	if _, err := Parse("p.yaml", []byte("out: x\neval:\n  split: dev\n")); err == nil || !strings.Contains(err.Error(), "eval.split") {
		t.Errorf("bad eval split: %v", err)
	}
}

// FuzzParse: any bytes give a config or an error, never a panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte(InitConfig))
	f.Add([]byte("out: x\nsplit: {ratio: 0.5}\n"))
	f.Add([]byte("out: [\n"))
	f.Add([]byte("fetch:\n  lists: 3\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 1<<16 {
			return
		}
		cfg, err := Parse("f.yaml", b)
		if err == nil && cfg.Out == "" {
			t.Fatal("a config without out: was accepted")
		}
	})
}
