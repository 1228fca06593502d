package train

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/curate-ml/curate/metrics"
	"github.com/curate-ml/curate/model"
	"github.com/curate-ml/curate/shards"
)

// NetOptions say which network a weight file is loaded into. A curate
// checkpoint records its architecture and that wins; other safetensors
// files (exported weights) need Backbone and Gram.
type NetOptions struct {
	Weights  string
	Backbone string // default b2
	Gram     int    // Gram modules of such a file
	Size     int    // 0 = the checkpoint's, else 256
	Threads  int
	Backend  string // the engine's arithmetic ("" = the default)
}

// LoadNet builds the network for a weight file and loads it.
func LoadNet(o NetOptions) (*model.Net, *Checkpoint, error) {
	c, err := OpenCheckpoint(o.Weights)
	if err != nil {
		return nil, nil, err
	}
	backbone, gram, size := o.Backbone, o.Gram, o.Size
	if backbone == "" {
		backbone = "b2"
	}
	if c.Curate {
		backbone, gram = c.Backbone, c.Gram
		if size == 0 {
			size = c.Size
		}
	}
	if size == 0 {
		size = 256
	}
	cfg, err := model.Preset(backbone, gram)
	if err != nil {
		return nil, nil, fmt.Errorf("weights %s: %w", o.Weights, err)
	}
	cfg.Size, cfg.Threads, cfg.Backend = size, o.Threads, o.Backend
	net, err := model.New(cfg)
	if err != nil {
		return nil, nil, err
	}
	if err := c.Load(net, false); err != nil {
		return nil, nil, err
	}
	return net, c, nil
}

// EvalOptions configure Evaluate: a dataset split (Data, Split) or a
// labelled image folder (Folder, Layout).
type EvalOptions struct {
	NetOptions
	Data, Split    string
	Folder, Layout string
	Positive       string // class folder of the positive class (default sadness)
	Emotion6       Emotion6Rule
	Threshold      float64
	Batch          int
	SkipBad        bool
	Hook           Progress
}

// EvalResult is an evaluation and its per-image predictions.
type EvalResult struct {
	Eval        metrics.Eval
	Predictions []Prediction
	Skipped     []string // images dropped by SkipBad
}

// Evaluate runs the weights on a labelled set.
func Evaluate(ctx context.Context, o EvalOptions) (*EvalResult, error) {
	if (o.Data == "") == (o.Folder == "") {
		return nil, fmt.Errorf("evaluate a dataset (--data) or a folder (--folder), one of them")
	}
	if !(o.Threshold > 0 && o.Threshold <= 1) {
		return nil, fmt.Errorf("--threshold %v: want a probability in (0, 1]", o.Threshold)
	}
	net, ck, err := LoadNet(o.NetOptions)
	if err != nil {
		return nil, err
	}
	names := []string{"others", "sadness"}
	var src Source
	source := metrics.Source{}
	if o.Data != "" {
		split := o.Split
		if split == "" {
			split = "test"
		}
		ds, err := shards.Open(o.Data)
		if err != nil {
			return nil, fmt.Errorf("dataset %s: %w", o.Data, err)
		}
		defer ds.Close()
		s := ds.Split(split)
		if s == nil {
			var have []string
			for _, x := range ds.Splits {
				have = append(have, x.Name)
			}
			return nil, fmt.Errorf("dataset %s has no split %q (it has: %s)", o.Data, split, strings.Join(have, ", "))
		}
		if len(s.LabelNames) != 2 {
			return nil, fmt.Errorf("dataset %s: split %s has label names %q; want two classes (others, sadness)", o.Data, split, s.LabelNames)
		}
		names = s.LabelNames
		src = splitSource{s}
		source = metrics.Source{Kind: "dataset", Path: o.Data, Split: split}
	} else {
		pos := o.Positive
		if pos == "" {
			pos = "sadness"
		}
		fs, err := folderSource(o.Folder, o.Layout, pos, o.Emotion6)
		if err != nil {
			return nil, err
		}
		src = fs
		source = metrics.Source{Kind: "folder", Path: o.Folder, Layout: o.Layout}
	}
	if ck.Curate && len(ck.LabelNames) == 2 && o.Data != "" && (ck.LabelNames[0] != names[0] || ck.LabelNames[1] != names[1]) {
		return nil, fmt.Errorf("weights %s were trained on labels %q, dataset %s has %q", o.Weights, ck.LabelNames, o.Data, names)
	}
	preds, bad, err := predictAll(ctx, net, src, inferOptions{Batch: max(1, o.Batch), Workers: workers(o.Threads), SkipBad: o.SkipBad, Hook: o.Hook})
	if err != nil {
		return nil, err
	}
	ev, err := evalOf(preds, names, o.Threshold)
	if err != nil {
		return nil, err
	}
	ev.Weights, ev.Source, ev.SkippedBad = o.Weights, source, len(bad)
	return &EvalResult{Eval: ev, Predictions: preds, Skipped: bad}, nil
}

// WriteEval writes dir/eval.json and dir/predictions.jsonl.
func WriteEval(dir string, r *EvalResult) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := writePredictions(filepath.Join(dir, "predictions.jsonl"), r.Predictions); err != nil {
		return err
	}
	return writeJSON(filepath.Join(dir, "eval.json"), r.Eval)
}

// WritePredictions writes predictions as JSON lines to path atomically.
func WritePredictions(path string, preds []Prediction) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return writePredictions(path, preds)
}

// PredictOptions configure Predict.
type PredictOptions struct {
	NetOptions
	Paths   []string // image files, folders (searched recursively) or datasets
	Split   string   // dataset split; "" = every split
	Batch   int
	SkipBad bool
	Hook    Progress
}

// Predict computes p(sadness) for every image the paths name, in order:
// each path in turn, a folder's images sorted by path, a dataset's splits
// in order and rows in order. Label is the true label where a dataset has
// one, else -1.
func Predict(ctx context.Context, o PredictOptions) ([]Prediction, []string, error) {
	if len(o.Paths) == 0 {
		return nil, nil, fmt.Errorf("no images: give image files, folders or datasets")
	}
	net, _, err := LoadNet(o.NetOptions)
	if err != nil {
		return nil, nil, err
	}
	var all []Prediction
	var skipped []string
	files := &fileSource{}
	flush := func() error {
		if files.Len() == 0 {
			return nil
		}
		p, bad, err := predictAll(ctx, net, files, inferOptions{Batch: max(1, o.Batch), Workers: workers(o.Threads), SkipBad: o.SkipBad, Hook: o.Hook})
		if err != nil {
			return err
		}
		all, skipped = append(all, p...), append(skipped, bad...)
		files = &fileSource{}
		return nil
	}
	for _, path := range o.Paths {
		st, err := os.Stat(path)
		if err != nil {
			return nil, nil, err
		}
		if isDataset(path, st.IsDir()) {
			if err := flush(); err != nil {
				return nil, nil, err
			}
			ds, err := shards.Open(path)
			if err != nil {
				return nil, nil, fmt.Errorf("dataset %s: %w", path, err)
			}
			for _, s := range ds.Splits {
				if o.Split != "" && s.Name != o.Split {
					continue
				}
				p, bad, err := predictAll(ctx, net, splitSource{s}, inferOptions{Batch: max(1, o.Batch), Workers: workers(o.Threads), SkipBad: o.SkipBad, Hook: o.Hook})
				if err != nil {
					ds.Close()
					return nil, nil, fmt.Errorf("dataset %s: %w", path, err)
				}
				all, skipped = append(all, p...), append(skipped, bad...)
			}
			ds.Close()
			continue
		}
		if st.IsDir() {
			imgs, err := imagesUnder(path)
			if err != nil {
				return nil, nil, err
			}
			if len(imgs) == 0 {
				return nil, nil, fmt.Errorf("folder %s holds no images (%s)", path, strings.Join(imageExts, " "))
			}
			files.paths = append(files.paths, imgs...)
			continue
		}
		files.paths = append(files.paths, path)
	}
	if err := flush(); err != nil {
		return nil, nil, err
	}
	for i := range all {
		if all[i].Path != "" {
			all[i].Label = -1
		}
	}
	return all, skipped, nil
}

// isDataset reports whether path is a shards dataset, split or shard.
func isDataset(path string, dir bool) bool {
	if !dir {
		return strings.HasSuffix(path, ".arrow")
	}
	for _, f := range []string{"dataset_dict.json", "state.json"} {
		if _, err := os.Stat(filepath.Join(path, f)); err == nil {
			return true
		}
	}
	return false
}
