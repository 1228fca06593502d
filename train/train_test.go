package train

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/curate-ml/curate/shards"
)

func TestTrainRunFolder(t *testing.T) {
	dir := t.TempDir()
	data := writeDataset(t, filepath.Join(dir, "ds"), 32, 1, []splitSpec{{Name: "train", Rows: 20}, {Name: "validation", Rows: 6}, {Name: "test", Rows: 6}}, nil, nil)
	o := tinyOptions(data, filepath.Join(dir, "run"))
	o.Augment = "tf"
	res, err := Train(context.Background(), o, Env{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Epochs) != 2 || res.Test == nil || res.Test.N != 6 {
		t.Fatalf("result %+v", res)
	}
	// 20 images in batches of 8: 3 steps an epoch, the last of 4 images.
	if res.Epochs[1].Step != 6 {
		t.Errorf("step after 2 epochs %d, want 6", res.Epochs[1].Step)
	}
	for _, f := range []string{RunFile, MetricsFile, LastCheckpoint, BestCheckpoint, TestEvalFile, TestPredictions} {
		if _, err := os.Stat(filepath.Join(o.Out, f)); err != nil {
			t.Error(err)
		}
	}
	ri, err := ReadRun(o.Out)
	if err != nil || ri.Options.Epochs != 2 || ri.Dataset.Splits["train"] != 20 || ri.Model.Backbone != "tiny" {
		t.Errorf("run.json %+v, %v", ri, err)
	}
	f, _ := os.Open(filepath.Join(o.Out, MetricsFile))
	defer f.Close()
	lines := 0
	for sc := bufio.NewScanner(f); sc.Scan(); lines++ {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		val := m["val"].(map[string]any)
		if _, ok := val["roc"]; ok {
			t.Error("metrics line holds ROC points")
		}
		if val["n"].(float64) != 6 {
			t.Errorf("val n %v", val["n"])
		}
	}
	if lines != 2 {
		t.Errorf("%d metrics lines, want 2", lines)
	}
	c, err := OpenCheckpoint(filepath.Join(o.Out, LastCheckpoint))
	if err != nil {
		t.Fatal(err)
	}
	if c.State.Epoch != 2 || c.State.Step != 6 || c.Backbone != "tiny" {
		t.Errorf("last checkpoint state %+v", c.State)
	}
	if _, ok := c.File.Info("block1a_project_conv/kernel"); !ok {
		t.Error("no block1a_project_conv/kernel tensor")
	}
	if _, ok := c.File.Info("optimizer/block1a_project_conv/kernel/accumulator"); !ok {
		t.Error("no accumulator tensor")
	}
	if _, err := Train(context.Background(), o, Env{}); err == nil {
		t.Error("a second run into the same folder: no error")
	}
}

func TestOpenDataBadLabel(t *testing.T) {
	dir := t.TempDir()
	data := writeDataset(t, filepath.Join(dir, "ds"), 32, 1, []splitSpec{{Name: "train", Rows: 3}, {Name: "validation", Rows: 2}}, nil, nil)
	// Rewrite validation with a row without a label (null) in row 1.
	w, err := shards.Create(filepath.Join(data, "validation"), shards.WriterOptions{LabelNames: []string{"others", "sadness"}, Split: "validation"})
	if err != nil {
		t.Fatal(err)
	}
	img := []byte("OpenData checks labels before any image is decoded")
	for i, l := range []int64{0, shards.NoLabel} { // the writer refuses labels past the names; null is possible
		if err := w.Write(&shards.Row{ID: fmt.Sprintf("v%d", i), Image: img, Label: l, SourceLabel: -1}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = OpenData(data)
	if err == nil || !strings.Contains(err.Error(), `split validation row 1 (id "v1"): label -1`) {
		t.Fatalf("OpenData: %v", err)
	}
}

// --init takes a curate checkpoint of the same network: every tensor is
// loaded (its optimiser state is not), and run.json says so.
func TestTrainInitFromCheckpoint(t *testing.T) {
	dir := t.TempDir()
	data := writeDataset(t, filepath.Join(dir, "ds"), 32, 1, []splitSpec{{Name: "train", Rows: 8}, {Name: "validation", Rows: 4}}, nil, nil)
	o := tinyOptions(data, filepath.Join(dir, "first"))
	o.Epochs = 1
	if _, err := Train(context.Background(), o, Env{Version: "test"}); err != nil {
		t.Fatal(err)
	}
	o2 := tinyOptions(data, filepath.Join(dir, "second"))
	o2.Epochs = 1
	o2.Init = filepath.Join(o.Out, LastCheckpoint)
	res, err := Train(context.Background(), o2, Env{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Init == nil || len(res.Init.Loaded) == 0 || res.Init.LoadedValues != res.Params {
		t.Fatalf("init report %+v", res.Init)
	}
	has := func(list []string, name string) bool {
		for _, s := range list {
			if s == name {
				return true
			}
		}
		return false
	}
	if !has(res.Init.Loaded, "stem_conv/kernel:0") || !has(res.Init.Ignored, "optimizer/stem_conv/kernel/accumulator") {
		t.Errorf("loaded %v, ignored %v", res.Init.Loaded, res.Init.Ignored)
	}
	ri, err := ReadRun(o2.Out)
	if err != nil || ri.Init == nil || ri.Init.MD5 == "" {
		t.Errorf("run.json init %+v, %v", ri.Init, err)
	}
	o3 := tinyOptions(data, filepath.Join(dir, "third"))
	o3.Init = filepath.Join(dir, "no-such.safetensors")
	if _, err := Train(context.Background(), o3, Env{Version: "test"}); err == nil {
		t.Error("--init of a missing file: no error")
	}
}
