package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/curate-ml/curate/internal/stripeset"
	"github.com/curate-ml/curate/metrics"
	"github.com/curate-ml/curate/safetensors"
	"github.com/curate-ml/curate/shards"
	"github.com/curate-ml/curate/train"
)

func trainGlobal() (*Global, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &Global{Stdout: &out, Stderr: &errb, Quiet: true}, &out
}

func writeStripes(t testing.TB, dir string, o stripeset.Options) string {
	t.Helper()
	if o.Size == 0 {
		o.Size = 32
	}
	if err := stripeset.Write(dir, o); err != nil {
		t.Fatal(err)
	}
	return dir
}

func stripeSplits(train, val, test int) []stripeset.Split {
	return []stripeset.Split{{Name: "train", Rows: train}, {Name: "validation", Rows: val}, {Name: "test", Rows: test}}
}

// tinyTrain is a quick run of the tiny network.
func tinyTrain(data, out string) TrainOptions {
	o := train.Defaults()
	o.Data, o.Out = data, out
	o.Backbone, o.Gram, o.Size = "tiny", 1, 32
	o.Epochs, o.Batch, o.LR, o.Threads, o.Augment = 2, 16, 0.02, 2, "none"
	return TrainOptions{Options: o}
}

var (
	learnOnce sync.Once
	learnRun  string
	learnData string
	learnErr  error
)

// learnedRun trains the tiny network on stripes once per test binary and
// returns its run folder and dataset.
func learnedRun(t *testing.T) (run, data string) {
	t.Helper()
	learnOnce.Do(func() {
		dir, err := os.MkdirTemp("", "curate-learn-")
		if err != nil {
			learnErr = err
			return
		}
		learnData = filepath.Join(dir, "ds")
		if learnErr = stripeset.Write(learnData, stripeset.Options{Size: 32, Seed: 11, Splits: stripeSplits(480, 100, 200)}); learnErr != nil {
			return
		}
		learnRun = filepath.Join(dir, "run")
		o := tinyTrain(learnData, learnRun)
		o.Epochs = 10
		g, _ := trainGlobal()
		learnErr = runTrain(context.Background(), o, g)
	})
	if learnErr != nil {
		t.Fatal(learnErr)
	}
	return learnRun, learnData
}

// The learning test: curate train, on a two-class set that only texture
// orientation separates, reaches >= 0.9 test accuracy.
func TestTrainLearnsOrientation(t *testing.T) {
	run, data := learnedRun(t)
	var ev metrics.Eval
	raw, err := os.ReadFile(filepath.Join(run, train.TestEvalFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.N != 200 || float64(ev.Accuracy) < 0.9 {
		t.Fatalf("test accuracy %v on %d images, want >= 0.9 on 200", ev.Accuracy, ev.N)
	}
	if len(ev.ROC) < 3 || ev.ROC[0].FPR != 0 || ev.ROC[len(ev.ROC)-1].TPR != 1 {
		t.Errorf("ROC %v", ev.ROC)
	}
	// Mean colour alone does not separate the classes: a nearest-class-mean
	// classifier on the mean RGB of each image, fitted on train, is near
	// chance on test.
	if acc := meanColourAccuracy(t, data); acc > 0.65 {
		t.Errorf("mean colour separates the classes (accuracy %.2f): the test set is too easy", acc)
	}
}

func meanColourAccuracy(t *testing.T, data string) float64 {
	ds, err := shards.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	means := func(s *shards.Split) ([][3]float64, []int) {
		var ms [][3]float64
		var ls []int
		for i := int64(0); i < s.NumRows(); i++ {
			r, _ := s.Row(i)
			img, err := png.Decode(bytes.NewReader(r.Image))
			if err != nil {
				t.Fatal(err)
			}
			var m [3]float64
			b := img.Bounds()
			for y := b.Min.Y; y < b.Max.Y; y++ {
				for x := b.Min.X; x < b.Max.X; x++ {
					cr, cg, cb, _ := img.At(x, y).RGBA()
					m[0], m[1], m[2] = m[0]+float64(cr), m[1]+float64(cg), m[2]+float64(cb)
				}
			}
			ms, ls = append(ms, m), append(ls, int(r.Label))
		}
		return ms, ls
	}
	trm, trl := means(ds.Split("train"))
	var cen [2][3]float64
	var cnt [2]float64
	for i, m := range trm {
		for k := range 3 {
			cen[trl[i]][k] += m[k]
		}
		cnt[trl[i]]++
	}
	for c := range 2 {
		for k := range 3 {
			cen[c][k] /= cnt[c]
		}
	}
	tem, tel := means(ds.Split("test"))
	ok := 0
	for i, m := range tem {
		d := [2]float64{}
		for c := range 2 {
			for k := range 3 {
				d[c] += (m[k] - cen[c][k]) * (m[k] - cen[c][k])
			}
		}
		pred := 0
		if d[1] < d[0] {
			pred = 1
		}
		if pred == tel[i] {
			ok++
		}
	}
	return float64(ok) / float64(len(tem))
}

func TestEvalAndPredict(t *testing.T) {
	run, data := learnedRun(t)
	best := filepath.Join(run, train.BestCheckpoint)
	dir := t.TempDir()

	// On the dataset's test split: the same numbers as the run's test/eval.json.
	g, out := trainGlobal()
	if err := runEval(context.Background(), EvalOptions{
		NetFlags: NetFlags{Weights: best, Threshold: 0.5, Batch: 32, Threads: 2},
		Data:     data,
		Split:    "test",
		Out:      filepath.Join(dir, "ev"),
		JSON:     true,
	}, g); err != nil {
		t.Fatal(err)
	}
	var ev, trainEv metrics.Eval
	if err := json.Unmarshal(out.Bytes(), &ev); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(run, train.TestEvalFile))
	json.Unmarshal(raw, &trainEv)
	if ev.Accuracy != trainEv.Accuracy || ev.ROCAUC != trainEv.ROCAUC || ev.Source.Split != "test" || ev.N != 200 {
		t.Errorf("eval %v/%v on %+v, the run's test eval %v/%v", ev.Accuracy, ev.ROCAUC, ev.Source, trainEv.Accuracy, trainEv.ROCAUC)
	}
	for _, f := range []string{"eval.json", "predictions.jsonl"} {
		if _, err := os.Stat(filepath.Join(dir, "ev", f)); err != nil {
			t.Error(err)
		}
	}

	// The same test images as a class folder, an UnbiasedEmo tree and Emotion6.
	folders := filepath.Join(dir, "classes")
	unb := filepath.Join(dir, "unbiased", "images")
	e6 := filepath.Join(dir, "emotion6")
	ds, err := shards.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	s := ds.Split("test")
	gt := "[image_filename]\t[valence]\t[arousal]\t[prob. anger]\t[prob. disgust]\t[prob. fear]\t[prob. joy]\t[prob. sadness]\t[prob. surprise]\t[prob. neutral]\n"
	for i := int64(0); i < s.NumRows(); i++ {
		r, _ := s.Row(i)
		cls, emo := "others", "joy"
		row := "0.1\t0.1\t0.1\t0.5\t0.1\t0.05\t0.05"
		if r.Label == 1 {
			cls, emo, row = "sadness", "sadness", "0.1\t0.1\t0.1\t0.05\t0.5\t0.1\t0.05"
		}
		name := r.ID + ".png"
		for _, p := range []string{filepath.Join(folders, cls, name), filepath.Join(unb, emo, "thing", name), filepath.Join(e6, "images", emo, name)} {
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, r.Image, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		gt += emo + "/" + name + "\t5\t5\t" + row + "\n"
	}
	os.WriteFile(filepath.Join(e6, "ground_truth.txt"), []byte(gt), 0o644)
	for _, c := range []struct{ folder, layout string }{{folders, "classfolders"}, {filepath.Dir(unb), "unbiasedemo"}, {e6, "emotion6"}} {
		g, out := trainGlobal()
		pred := filepath.Join(dir, c.layout+".jsonl")
		if err := runEval(context.Background(), EvalOptions{
			NetFlags:    NetFlags{Weights: best, Threshold: 0.5, Batch: 32, Threads: 2},
			Folder:      c.folder,
			Layout:      c.layout,
			Positive:    "sadness",
			Emotion6:    "argmax",
			Predictions: pred,
			JSON:        true,
		}, g); err != nil {
			t.Fatalf("%s: %v", c.layout, err)
		}
		var fe metrics.Eval
		json.Unmarshal(out.Bytes(), &fe)
		if fe.N != 200 || fe.Accuracy != ev.Accuracy || fe.Confusion != ev.Confusion || fe.Source.Kind != "folder" {
			t.Errorf("%s: accuracy %v confusion %v n %d, the dataset's %v %v", c.layout, fe.Accuracy, fe.Confusion, fe.N, ev.Accuracy, ev.Confusion)
		}
		lines, _ := os.ReadFile(pred)
		if n := bytes.Count(lines, []byte("\n")); n != 200 || !bytes.Contains(lines, []byte(`"path":`)) {
			t.Errorf("%s: %d prediction lines", c.layout, n)
		}
	}

	// The Emotion6 rule flag changes which images are positive: with
	// p(sadness) >= 0.6 none is, so there is no positive support.
	g, out = trainGlobal()
	if err := runEval(context.Background(), EvalOptions{NetFlags: NetFlags{Weights: best, Threshold: 0.5, Batch: 32}, Folder: e6, Layout: "emotion6", Emotion6: "0.6", JSON: true}, g); err != nil {
		t.Fatal(err)
	}
	var e6ev metrics.Eval
	json.Unmarshal(out.Bytes(), &e6ev)
	if e6ev.Classes[1].Support != 0 {
		t.Errorf("emotion6 rule 0.6: sadness support %d, want 0", e6ev.Classes[1].Support)
	}

	// predict: a folder, in path order, --csv and --json, same p(sadness) as eval.
	g, out = trainGlobal()
	if err := runPredict(context.Background(), PredictOptions{NetFlags: NetFlags{Weights: best, Threshold: 0.5, Batch: 16}, Paths: []string{folders}, CSV: true}, g); err != nil {
		t.Fatal(err)
	}
	csvLines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(csvLines) != 201 || csvLines[0] != "id,path,p_sadness,predicted,label" {
		t.Fatalf("predict --csv: %d lines, header %q", len(csvLines), csvLines[0])
	}
	g, out = trainGlobal()
	if err := runPredict(context.Background(), PredictOptions{NetFlags: NetFlags{Weights: best, Threshold: 0.5, Batch: 32, Threads: 2}, Paths: []string{data}, Split: "test", JSON: true}, g); err != nil {
		t.Fatal(err)
	}
	predLines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var first predictLine
	json.Unmarshal([]byte(predLines[0]), &first)
	evLines, _ := os.ReadFile(filepath.Join(dir, "ev", "predictions.jsonl"))
	var evFirst train.Prediction
	json.Unmarshal(bytes.SplitN(evLines, []byte("\n"), 2)[0], &evFirst)
	if len(predLines) != 200 || first.ID != "test-0" || first.PSadness != evFirst.PSadness || first.Label == nil {
		t.Errorf("predict --json: %d lines, first %+v, eval's first %+v", len(predLines), first, evFirst)
	}
}

func TestTrainSeedsSummary(t *testing.T) {
	dir := t.TempDir()
	data := writeStripes(t, filepath.Join(dir, "ds"), stripeset.Options{Seed: 3, Splits: stripeSplits(32, 8, 10)})
	o := tinyTrain(data, filepath.Join(dir, "runs"))
	o.Epochs, o.Seeds = 1, "1,2"
	g, out := trainGlobal()
	if err := runTrain(context.Background(), o, g); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Test metrics over 2 seeds") {
		t.Errorf("output:\n%s", out.String())
	}
	var sum train.Summary
	raw, err := os.ReadFile(filepath.Join(o.Out, train.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &sum); err != nil {
		t.Fatal(err)
	}
	if len(sum.Runs) != 2 || sum.Runs[0] != "seed-1" || sum.Gram != 1 {
		t.Fatalf("summary %+v", sum)
	}
	var accs []float64
	for _, r := range sum.Runs {
		var ev metrics.Eval
		b, err := os.ReadFile(filepath.Join(o.Out, r, train.TestEvalFile))
		if err != nil {
			t.Fatal(err)
		}
		json.Unmarshal(b, &ev)
		accs = append(accs, float64(ev.Accuracy))
	}
	a := sum.Metrics["accuracy"]
	mean := (accs[0] + accs[1]) / 2
	sd := (accs[0] - accs[1]) / 2 * 1.4142135623730951 // sample SD of two values: |a-b|/sqrt(2)
	if sd < 0 {
		sd = -sd
	}
	if d := float64(a.Mean) - mean; d > 1e-12 || d < -1e-12 || float64(a.SD)-sd > 1e-12 || sd-float64(a.SD) > 1e-12 {
		t.Errorf("accuracy summary %+v, want mean %v sd %v of %v", a, mean, sd, accs)
	}
	for _, k := range []string{"roc_auc", "sadness_precision", "sadness_recall", "sadness_f1", "others_precision", "others_recall", "others_f1"} {
		if len(sum.Metrics[k].Values) != 2 {
			t.Errorf("summary has no %s", k)
		}
	}
	// Resuming a finished multi-seed run re-uses both runs.
	r := TrainOptions{Resume: o.Out, Options: train.Options{}}
	if err := runTrain(context.Background(), r, g); err != nil {
		t.Fatal(err)
	}
}

// Bad input: each gets an error naming the file, split, row, id or option,
// and a non-zero exit.
func TestTrainBadInput(t *testing.T) {
	dir := t.TempDir()
	good := writeStripes(t, filepath.Join(dir, "good"), stripeset.Options{Seed: 4, Splits: stripeSplits(20, 6, 6)})
	noVal := writeStripes(t, filepath.Join(dir, "noval"), stripeset.Options{Seed: 4, Splits: []stripeset.Split{{Name: "train", Rows: 4}, {Name: "test", Rows: 4}}})
	three := writeStripes(t, filepath.Join(dir, "three"), stripeset.Options{Seed: 4, Splits: stripeSplits(4, 4, 4), LabelNames: []string{"a", "b", "c"}})
	bad := writeStripes(t, filepath.Join(dir, "bad"), stripeset.Options{Seed: 4, Splits: stripeSplits(20, 6, 6), Bad: map[int]bool{5: true},
		BadIn: map[string]map[int]bool{"validation": {1: true, 4: true}, "test": {2: true}}})

	// A finished run to resume and whose checkpoint to misuse.
	runDir := filepath.Join(dir, "run")
	g, _ := trainGlobal()
	o := tinyTrain(good, runDir)
	o.Epochs = 1
	if err := runTrain(context.Background(), o, g); err != nil {
		t.Fatal(err)
	}
	last := filepath.Join(runDir, train.LastCheckpoint)

	cases := []struct {
		name string
		run  func() error
		want []string
		code int
	}{
		{"no validation split", func() error { return runTrain(context.Background(), tinyTrain(noVal, filepath.Join(dir, "r1")), g) },
			[]string{noVal, `no "validation" split`, "train, test"}, exitError},
		{"three label names", func() error { return runTrain(context.Background(), tinyTrain(three, filepath.Join(dir, "r2")), g) },
			[]string{"split train", `["a" "b" "c"]`, "exactly two classes"}, exitError},
		{"image that does not decode", func() error { return runTrain(context.Background(), tinyTrain(bad, filepath.Join(dir, "r3")), g) },
			[]string{"split train row 5", `id "train-5"`, "--skip-bad"}, exitError},
		{"resume with a changed option", func() error {
			r := tinyTrain(good, "")
			r.Resume, r.LR, r.Set = runDir, 0.5, []string{"lr"}
			return runTrain(context.Background(), r, g)
		}, []string{"--lr was 0.02", "now 0.5"}, exitUsage},
		{"out already holds a run", func() error { return runTrain(context.Background(), tinyTrain(good, runDir), g) },
			[]string{runDir, "--resume"}, exitError},
		{"checkpoint of another architecture", func() error {
			return runEval(context.Background(), EvalOptions{
				NetFlags: NetFlags{Weights: stripMetadata(t, last, filepath.Join(dir, "plain.safetensors")), Backbone: "tiny", Gram: 2, Threshold: 0.5, Batch: 8},
				Data:     good,
				Split:    "test",
			}, g)
		}, []string{"plain.safetensors", `tensor "head_dense/kernel" has shape [320 16], the network's is [320 32]`}, exitError},
		{"resume from a checkpoint of another architecture", func() error {
			other := filepath.Join(dir, "other")
			oo := tinyTrain(good, other)
			oo.Epochs, oo.Gram = 1, 2
			if err := runTrain(context.Background(), oo, g); err != nil {
				return err
			}
			raw, _ := os.ReadFile(last)
			os.WriteFile(filepath.Join(other, train.LastCheckpoint), raw, 0o644)
			return runTrain(context.Background(), TrainOptions{Resume: other}, g)
		}, []string{"backbone tiny with 1 Gram modules", "the network is tiny with 2"}, exitError},
		{"eval of a missing split", func() error {
			return runEval(context.Background(), EvalOptions{NetFlags: NetFlags{Weights: last, Threshold: 0.5, Batch: 8}, Data: good, Split: "dev"}, g)
		}, []string{good, `no split "dev"`}, exitError},
		{"emotion6 without ground truth", func() error {
			return runEval(context.Background(), EvalOptions{NetFlags: NetFlags{Weights: last, Threshold: 0.5, Batch: 8}, Folder: dir, Layout: "emotion6"}, g)
		}, []string{"ground_truth.txt"}, exitError},
		{"init of a missing file", func() error {
			r := tinyTrain(good, filepath.Join(dir, "r4"))
			r.Init = "weights.h5"
			return runTrain(context.Background(), r, g)
		}, []string{"--init weights.h5", "no such file"}, exitError},
		{"init of a file that is no weights", func() error {
			bad := filepath.Join(dir, "notweights.h5")
			os.WriteFile(bad, []byte("not an HDF5 file at all"), 0o644)
			r := tinyTrain(good, filepath.Join(dir, "r5"))
			r.Init = bad
			return runTrain(context.Background(), r, g)
		}, []string{"--init " + filepath.Join(dir, "notweights.h5")}, exitError},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.run()
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if got := exitCode(err); got != c.code {
				t.Errorf("exit code %d, want %d", got, c.code)
			}
		})
	}

	// --skip-bad trains on and counts the bad images in the metrics line:
	// one of training, two of validation (also in val.skipped_bad); the
	// test eval counts its one.
	sk := tinyTrain(bad, filepath.Join(dir, "skip"))
	sk.Epochs, sk.SkipBad = 1, true
	if err := runTrain(context.Background(), sk, g); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(sk.Out, train.MetricsFile))
	var m train.EpochMetrics
	if err := json.Unmarshal(bytes.TrimSpace(raw), &m); err != nil || m.SkippedBad != 3 || m.Val.SkippedBad != 2 || m.Val.N != 4 {
		t.Errorf("metrics line %s: skipped_bad %d, val.skipped_bad %d, val.n %d; want 3, 2, 4 (%v)", raw, m.SkippedBad, m.Val.SkippedBad, m.Val.N, err)
	}
	var te metrics.Eval
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(sk.Out, train.TestEvalFile))), &te); err != nil || te.SkippedBad != 1 || te.N != 5 {
		t.Errorf("test/eval.json: skipped_bad %d, n %d; want 1, 5 (%v)", te.SkippedBad, te.N, err)
	}
	// So does curate eval of a split with a bad image.
	eo := EvalOptions{NetFlags: NetFlags{Weights: filepath.Join(sk.Out, train.BestCheckpoint), Threshold: 0.5, Batch: 8, SkipBad: true}, Data: bad, Split: "validation", Out: filepath.Join(dir, "skip-eval")}
	if err := runEval(context.Background(), eo, g); err != nil {
		t.Fatal(err)
	}
	var ee metrics.Eval
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(eo.Out, "eval.json"))), &ee); err != nil || ee.SkippedBad != 2 || ee.N != 4 {
		t.Errorf("curate eval --skip-bad: eval.json skipped_bad %d, n %d; want 2, 4 (%v)", ee.SkippedBad, ee.N, err)
	}
}

// stripMetadata copies a checkpoint's tensors without curate's metadata,
// as an exported weight file would be.
func stripMetadata(t *testing.T, src, dst string) string {
	t.Helper()
	f, err := safetensors.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	var ts []safetensors.Tensor
	for _, info := range f.Tensors() {
		v, _ := f.Float32(info.Name)
		ts = append(ts, safetensors.Tensor{Name: info.Name, Shape: info.Shape, Data: v})
	}
	if err := safetensors.Write(dst, ts, nil); err != nil {
		t.Fatal(err)
	}
	return dst
}
