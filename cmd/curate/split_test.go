package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/curate-ml/curate/shards"
	"github.com/curate-ml/curate/split"
	"github.com/curate-ml/curate/webemo"
)

// splitInput writes a fetch-like dataset of n random pictures, every third
// one sadness, plus an exact copy of the first.
func splitInput(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	w, err := shards.Create(dir, shards.WriterOptions{LabelNames: webemo.DefaultCategories().Level3Names()})
	if err != nil {
		t.Fatal(err)
	}
	var first []byte
	for i := range n {
		rng := rand.New(rand.NewPCG(uint64(i), 3))
		img := image.NewRGBA(image.Rect(0, 0, 96, 72))
		for k := range 8 {
			c := color.RGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}
			x0, y0 := rng.IntN(96), rng.IntN(72)
			if k == 0 {
				x0, y0 = 0, 0
			}
			for y := y0; y < min(y0+10+rng.IntN(60), 72); y++ {
				for x := x0; x < min(x0+10+rng.IntN(90), 96); x++ {
					img.SetRGBA(x, y, c)
				}
			}
		}
		var b bytes.Buffer
		if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
			t.Fatal(err)
		}
		label := int64(0)
		switch {
		case i%3 == 0:
			label = 19
		case i%7 == 1:
			label = 10 // fear
		}
		if i == 0 {
			first = b.Bytes()
		}
		row := &shards.Row{ID: fmt.Sprintf("img%02d", i), Image: b.Bytes(), Label: label, Labels: []int64{label},
			SourceLabel: -1, URL: fmt.Sprintf("http://cdn.test/%d.jpg", i), List: "train25.txt"}
		if err := w.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Write(&shards.Row{ID: "copy", Image: first, Label: 19, Labels: []int64{19}, SourceLabel: -1}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func testGlobal() (*Global, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &Global{Stdout: &out, Stderr: &errb}, &out, &errb
}

func TestRunSplitTable(t *testing.T) {
	in := splitInput(t, 30)
	out := filepath.Join(t.TempDir(), "ds")
	g, stdout, stderr := testGlobal()
	// The zero value of every other field is its default, as curate demo uses it.
	if err := runSplit(context.Background(), SplitOptions{In: in, Out: out, Seed: 3}, g); err != nil {
		t.Fatal(err)
	}
	text := stdout.String()
	for _, want := range []string{"input images", "31", "duplicates", "kept", "train", "validation", "test", "total", split.ReportFile} {
		if !strings.Contains(text, want) {
			t.Errorf("table lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(stderr.String(), "split scan") || !strings.Contains(stderr.String(), "split write") {
		t.Errorf("no progress lines on stderr: %q", stderr.String())
	}
	var rep split.Report
	data, err := os.ReadFile(filepath.Join(out, split.ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Ratio != 0.46 || rep.Size != 256 || rep.Format != "jpeg" || rep.Quality != 95 || rep.MaxDistance != split.DefaultNearDistance || rep.NearFlips ||
		rep.Fractions != [3]float64{0.8, 0.1, 0.1} || fmt.Sprint(rep.PositiveIDs) != "[4 13 19 20 21 23]" {
		t.Errorf("defaults not applied: %s", data)
	}
	if rep.Funnel.Duplicates.Exact != 1 || rep.Funnel.Input != 31 {
		t.Errorf("funnel %+v", rep.Funnel)
	}
	t.Logf("\n%s", text)
}

func TestSplitCommandFlags(t *testing.T) {
	in := splitInput(t, 40)
	out := filepath.Join(t.TempDir(), "ds")
	run := func(args ...string) (string, int) {
		g, stdout, _ := testGlobal()
		g.Quiet = true
		err := newApp(g).RunContext(context.Background(), append([]string{"curate", "split"}, args...))
		if err != nil {
			t.Logf("%v: %v", args, err)
		}
		return stdout.String(), exitCode(err)
	}
	text, code := run("--in", in, "--out", out, "--json", "--positive-ids", "19", "--positive-name", "sad19", "--ratio", "0",
		"--train", "0.5", "--val", "0.25", "--test", "0.25", "--format", "png", "--resize", "pad", "--size", "64", "--workers", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, text)
	}
	var rep split.Report
	if err := json.Unmarshal([]byte(text), &rep); err != nil {
		t.Fatalf("--json output: %v\n%s", err, text)
	}
	if rep.Timing == nil || rep.Timing.Workers != 2 || rep.Ratio != 0 || rep.Format != "png" || rep.Size != 64 ||
		rep.Resize != "pad" || fmt.Sprint(rep.PositiveIDs) != "[19]" || rep.Funnel.Undersampled != [2]int{} ||
		fmt.Sprint(rep.Classes) != "[others sad19]" {
		t.Errorf("report %+v", rep)
	}
	ds, err := shards.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	if names := ds.Split("train").LabelNames; fmt.Sprint(names) != "[others sad19]" {
		t.Errorf("label names %v", names)
	}
	ds.Close()
	// --positive fear names the positive class fear.
	if text, code := run("--in", in, "--out", out, "--json", "--positive", "fear", "--ratio", "0"); code != 0 ||
		!strings.Contains(text, `"fear"`) || !strings.Contains(text, `"positive_ids": [
    10,
    14
  ]`) {
		t.Errorf("--positive fear: exit %d\n%s", code, text)
	}
	// --near-flips reaches the plan and the report.
	if text, code := run("--in", in, "--out", out, "--json", "--near-flips"); code != 0 || !strings.Contains(text, `"near_flips": true,`) {
		t.Errorf("--near-flips: exit %d\n%s", code, text)
	}
	// --max-per-class alone turns the ratio off.
	if text, code := run("--in", in, "--out", out, "--json", "--max-per-class", "10"); code != 0 || !strings.Contains(text, `"ratio": 0,`) {
		t.Errorf("--max-per-class: exit %d\n%s", code, text)
	}
	for _, args := range [][]string{
		{"--out", out},
		{"--in", in},
		{"--in", in, "--out", out, "--positive", "happiness"},
		{"--in", in, "--out", out, "--positive-ids", "4,x"},
		{"--in", in, "--out", out, "--positive-ids", "25"},
		{"--in", in, "--out", out, "--positive", "fear", "--positive-ids", "4"},
		{"--in", in, "--out", out, "--conflicts", "maybe"},
		{"--in", in, "--out", out, "--positive-name", "others"},
		{"--in", in, "--out", out, "--resize", "stretch"},
		{"--in", in, "--out", out, "--format", "gif"},
		{"--in", in, "--out", out, "--quality", "101"},
		{"--in", in, "--out", out, "--ratio", "1.5"},
		{"--in", in, "--out", out, "--ratio", "-0.2"},
		{"--in", in, "--out", out, "--train", "0.9"},
		{"--in", in, "--out", out, "--near-distance", "0"},
		{"--in", in, "--out", out, "--near-distance", "40"},
		{"--in", in, "--out", out, "extra"},
	} {
		if _, code := run(args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
	// A bad category file is a failure naming the file and line.
	cat := filepath.Join(t.TempDir(), "category.txt")
	os.WriteFile(cat, []byte("affection love +\nbroken\n"), 0o644)
	g, _, _ := testGlobal()
	err = runSplit(context.Background(), SplitOptions{In: in, Out: out, Categories: cat}, g)
	if err == nil || !strings.Contains(err.Error(), "category.txt:2") {
		t.Errorf("bad categories: %v", err)
	}
}
