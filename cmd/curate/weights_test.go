package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/curate-ml/curate/model"
	"github.com/curate-ml/curate/safetensors"
	"github.com/curate-ml/curate/weights"
)

func TestWeightsInspectFixture(t *testing.T) {
	g, out := modelGlobal()
	err := run(context.Background(), g, []string{"curate", "weights", "inspect", "../../testdata/hdf5/small_v0.h5", "--json"})
	if err != nil {
		t.Fatal(err)
	}
	var in weights.Inspection
	if err := json.Unmarshal(out.Bytes(), &in); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	// 10 tensors written by scripts/keras_h5.py --net small: 108+4*4+45+10+2,
	// and layer_39's 2+2, whose weight_names Keras-style split in two.
	if in.Format != weights.FormatKeras || in.Count != 10 || in.Parameters != 108+16+45+10+2+4 || in.KerasPublished || len(in.MD5) != 32 {
		t.Errorf("inspect: %+v", in)
	}
	if in.Tensors[5].Name != "block4a_dwconv2/depthwise_kernel:0" || !slices.Equal(in.Tensors[5].Shape, []int{3, 3, 5, 1}) || in.Tensors[5].DType != "float32" {
		t.Errorf("tensor 5: %+v", in.Tensors[5])
	}
	if in.Tensors[9].Name != "layer_39/bias:0" {
		t.Errorf("split weight_names: last tensor %+v", in.Tensors[9])
	}
}

func TestWeightsCommandErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"weights", "import", "../../testdata/hdf5/small_v0.h5", "--out", filepath.Join(dir, "x.safetensors")}, exitError, "mis-shaped (8)"},
		{[]string{"weights", "import", "../../testdata/hdf5/small_v0.h5"}, exitUsage, "--out"},
		{[]string{"weights", "import"}, exitUsage, "missing FILE"},
		{[]string{"weights", "import", "a.h5", "b.h5", "--out", "x"}, exitUsage, "one FILE"},
		{[]string{"weights", "import", "a.h5", "--bogus"}, exitUsage, "-bogus"},
		{[]string{"weights", "export", "ckpt", "--format", "pt", "--out", "x"}, exitUsage, "--format"},
		{[]string{"weights", "inspect", filepath.Join(dir, "absent.h5")}, exitError, "absent.h5"},
	} {
		g, _ := modelGlobal()
		err := run(context.Background(), g, append([]string{"curate"}, tc.args...))
		if exitCode(err) != tc.code || err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: exit %d (%v), want %d and %q", tc.args, exitCode(err), err, tc.code, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x.safetensors")); !os.IsNotExist(err) {
		t.Error("a failed import wrote its output")
	}
}

// A checkpoint (weights plus optimiser state, as training writes it)
// exports to all three formats; the timm export imports back to the same
// backbone, and the curate export to the same network.
func TestWeightsExportImportRoundTrip(t *testing.T) {
	cfg, err := model.Preset("b0", 2)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Seed, cfg.Threads = 9, 1
	net, err := model.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ckpt := filepath.Join(dir, "last.safetensors")
	ts := weights.Tensors(net)
	ts = append(ts, safetensors.Tensor{Name: "optimizer/stem_conv/kernel/accumulator", Shape: []int{1}, Data: []float32{0.1}})
	if err := safetensors.Write(ckpt, ts, map[string]string{"epoch": "3"}); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"safetensors", "timm", "onnx"} {
		out := filepath.Join(dir, "out."+format)
		g, stdout := modelGlobal()
		if err := run(context.Background(), g, []string{"curate", "weights", "export", ckpt, "--format", format, "--out", out, "--size", "64", "--json"}); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		var res exportJSON
		if err := json.Unmarshal(stdout.Bytes(), &res); err != nil || res.Backbone != "b0" || res.Gram != 2 {
			t.Errorf("%s: %s (%v)", format, stdout, err)
		}
		b, err := os.ReadFile(out)
		if err != nil || len(b) < 1<<20 {
			t.Fatalf("%s: %d bytes, %v", format, len(b), err)
		}
	}
	// Exports are deterministic.
	first, _ := os.ReadFile(filepath.Join(dir, "out.onnx"))
	g0, _ := modelGlobal()
	if err := run(context.Background(), g0, []string{"curate", "weights", "export", ckpt, "--format", "onnx", "--out", filepath.Join(dir, "again.onnx"), "--size", "64"}); err != nil {
		t.Fatal(err)
	}
	if second, _ := os.ReadFile(filepath.Join(dir, "again.onnx")); string(first) != string(second) {
		t.Error("two ONNX exports of one checkpoint differ")
	}
	// timm -> import -> the same backbone.
	g, stdout := modelGlobal()
	back := filepath.Join(dir, "back.safetensors")
	if err := run(context.Background(), g, []string{"curate", "weights", "import", filepath.Join(dir, "out.timm"), "--backbone", "b0", "--out", back}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"timm-safetensors", "MD5 ", "not the efficientnetv2-b2_notop.h5", "head and Gram modules"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("import output lacks %q:\n%s", want, stdout)
		}
	}
	f, err := safetensors.Open(back)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range net.Params() {
		if weights.IsHead(p.Name) {
			continue
		}
		n++
		got, err := f.Float32(strings.TrimSuffix(p.Name, ":0"))
		if err != nil || !slices.Equal(got, p.Data) {
			t.Fatalf("%s after timm export and import: %v", p.Name, err)
		}
	}
	if len(f.Tensors()) != n {
		t.Errorf("import wrote %d tensors, want the %d of the backbone", len(f.Tensors()), n)
	}
	// A backbone-only init file is not a checkpoint to export.
	g1, _ := modelGlobal()
	err = run(context.Background(), g1, []string{"curate", "weights", "export", back, "--format", "onnx", "--out", filepath.Join(dir, "no.onnx")})
	if exitCode(err) != exitError || !strings.Contains(err.Error(), "head_dense") {
		t.Errorf("export of an init file: %v", err)
	}
	// curate export -> a network equal to the checkpoint's.
	w, err := weights.Read(filepath.Join(dir, "out.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := weights.NetFor(w, 64)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range net.Params() {
		if q := again.Param(p.Name); q == nil || !slices.Equal(q.Data, p.Data) {
			t.Fatalf("%s differs after export", p.Name)
		}
	}
}
