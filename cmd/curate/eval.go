package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/curate-ml/curate/train"
)

// NetFlags are the flags eval and predict share: the weights, the network
// they need when they carry no curate metadata, and how to run it.
type NetFlags struct {
	Weights   string
	Threshold float64
	Batch     int
	Threads   int
	Backend   string
	Backbone  string
	Gram      int
	Size      int
	SkipBad   bool
}

// netFlags are the command-line flags of NetFlags.
func netFlags(o *NetFlags) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "weights", Usage: "checkpoint (curate train's .safetensors)", Destination: &o.Weights},
		&cli.Float64Flag{Name: "threshold", Value: 0.5, Usage: "predict sadness when p(sadness) >= this", Destination: &o.Threshold},
		&cli.IntFlag{Name: "batch", Value: 64, Usage: "images per inference batch", Destination: &o.Batch},
		&cli.IntFlag{Name: "threads", Usage: "threads (0 = all CPUs)", Destination: &o.Threads},
		backendFlag(&o.Backend),
		&cli.StringFlag{Name: "backbone", Usage: "architecture of weights without curate metadata (default b2)", Destination: &o.Backbone},
		&cli.IntFlag{Name: "gram", Value: 4, Usage: "Gram modules of weights without curate metadata", Destination: &o.Gram},
		&cli.IntFlag{Name: "size", Usage: "input size (0 = the checkpoint's, else 256)", Destination: &o.Size},
		&cli.BoolFlag{Name: "skip-bad", Usage: "skip images that do not decode rather than fail", Destination: &o.SkipBad},
	}
}

// check validates the shared flags; cmd names the command in messages.
func (o NetFlags) check(cmd string) error {
	switch {
	case o.Weights == "":
		return usagef("%s needs --weights CHECKPOINT", cmd)
	case !(o.Threshold > 0 && o.Threshold <= 1):
		return usagef("--threshold %v: want a probability in (0, 1]", o.Threshold)
	case o.Batch < 1:
		return usagef("--batch %d: want at least 1", o.Batch)
	}
	return nil
}

// net is the trainer's view of the shared flags.
func (o NetFlags) net() train.NetOptions {
	return train.NetOptions{Weights: o.Weights, Backbone: o.Backbone, Gram: o.Gram, Size: o.Size, Threads: o.Threads, Backend: o.Backend}
}

// inferHook shows an inference's progress on p.
func inferHook(p *trainProgress) func(done, total int) {
	return func(done, total int) {
		p.mu.Lock()
		p.total = total
		p.mu.Unlock()
		p.update(done, math.NaN())
	}
}

// EvalOptions are the flags of `curate eval`.
type EvalOptions struct {
	NetFlags
	Data        string
	Split       string
	Folder      string
	Layout      string
	Positive    string
	Emotion6    string
	Predictions string
	Out         string
	JSON        bool
}

func evalCommand(g *Global) *cli.Command {
	var o EvalOptions
	return &cli.Command{
		Name:      "eval",
		Usage:     "evaluate a checkpoint on a dataset split or a labelled image folder",
		ArgsUsage: " ",
		Description: `Runs the weights on every image of a dataset split (--data, --split) or of a
labelled folder (--folder, --layout) and prints accuracy, per-class precision,
recall, F1 and support (the paper's Table 4 layout), the confusion matrix and
ROC-AUC for sadness. --out DIR writes DIR/eval.json (with the ROC points) and
DIR/predictions.jsonl; --predictions FILE writes the per-image lines alone.

Folder layouts:
   classfolders  DIR/<class>/...: images under the folder named --positive
                 (sadness) are positive, every other folder is "others"
   unbiasedemo   UnbiasedEmo: DIR/images/<emotion>/<object>/*.jpg; sadness is
                 positive, the five other emotions are "others"
   emotion6      Emotion6: DIR/ground_truth.txt (tab-separated: filename,
                 valence, arousal, p(anger), p(disgust), p(fear), p(joy),
                 p(sadness), p(surprise), p(neutral)) naming images under
                 DIR/images. Every listed image is evaluated. Rule (change
                 with --emotion6-rule): an image is positive when its sadness
                 probability is at least every other emotion's (ties count as
                 sadness); --emotion6-rule 0.5 makes it positive when
                 p(sadness) >= 0.5 instead.

A curate checkpoint records its architecture; for other safetensors files
give --backbone and --gram.

EXAMPLES:
   curate eval --weights runs/k4/checkpoints/best.safetensors --data out/dataset --split test
   curate eval --weights best.safetensors --folder UnbiasedEmo --layout unbiasedemo --out eval/unbiased
   curate eval --weights best.safetensors --folder Emotion6 --layout emotion6 --json
   curate eval --weights best.safetensors --folder Emotion6 --layout emotion6 --emotion6-rule 0.4
` + exitCodesHelp,
		Flags: append(netFlags(&o.NetFlags),
			&cli.StringFlag{Name: "data", Usage: "dataset folder", Destination: &o.Data},
			&cli.StringFlag{Name: "split", Value: "test", Usage: "dataset split", Destination: &o.Split},
			&cli.StringFlag{Name: "folder", Usage: "labelled image folder", Destination: &o.Folder},
			&cli.StringFlag{Name: "layout", Value: train.LayoutClassFolders, Usage: "folder layout: " + strings.Join(train.Layouts, ", "), Destination: &o.Layout},
			&cli.StringFlag{Name: "positive", Value: "sadness", Usage: "class folder of the positive class (classfolders, unbiasedemo)", Destination: &o.Positive},
			&cli.StringFlag{Name: "emotion6-rule", Value: "argmax", Usage: "which Emotion6 images are sadness: argmax, or a minimum p(sadness) such as 0.5", Destination: &o.Emotion6},
			&cli.StringFlag{Name: "predictions", Usage: "write per-image predictions (JSON lines) to this file", Destination: &o.Predictions},
			&cli.StringFlag{Name: "out", Usage: "write eval.json and predictions.jsonl into this folder", Destination: &o.Out},
			&cli.BoolFlag{Name: "json", Usage: "print the evaluation as one JSON object", Destination: &o.JSON},
		),
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("eval takes no arguments (got %q)", c.Args().Slice())
			}
			o.JSON = o.JSON || g.JSON
			if !c.IsSet("layout") && c.IsSet("folder") && !c.IsSet("data") {
				o.Layout = train.LayoutClassFolders
			}
			return runEval(c.Context, o, g)
		},
	}
}

func runEval(ctx context.Context, o EvalOptions, g *Global) error {
	if err := o.check("eval"); err != nil {
		return err
	}
	if (o.Data == "") == (o.Folder == "") {
		return usagef("eval needs --data DATASET or --folder DIR (one of them)")
	}
	rule, err := train.ParseEmotion6Rule(o.Emotion6)
	if err != nil {
		return usagef("--emotion6-rule: %v", err)
	}
	p := newTrainProgress(g)
	p.begin("eval", 0, 0)
	r, err := train.Evaluate(ctx, train.EvalOptions{
		NetOptions: o.net(),
		Data:       o.Data, Split: o.Split, Folder: o.Folder, Layout: o.Layout, Positive: o.Positive, Emotion6: rule,
		Threshold: o.Threshold, Batch: o.Batch, SkipBad: o.SkipBad, Hook: inferHook(p),
	})
	p.stop()
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	if o.Out != "" {
		if err := train.WriteEval(o.Out, r); err != nil {
			return fmt.Errorf("eval: %w", err)
		}
	}
	if o.Predictions != "" {
		if err := train.WritePredictions(o.Predictions, r.Predictions); err != nil {
			return fmt.Errorf("eval: %w", err)
		}
	}
	if o.JSON {
		return json.NewEncoder(g.Stdout).Encode(r.Eval)
	}
	src := r.Eval.Source
	where := src.Path
	if src.Split != "" {
		where += " split " + src.Split
	}
	if src.Layout != "" {
		where += " (" + src.Layout + ")"
	}
	fmt.Fprintf(g.Stdout, "%s on %s:\n", o.Weights, where)
	printEvalTable(g.Stdout, r.Eval)
	if len(r.Skipped) > 0 {
		fmt.Fprintf(g.Stdout, "skipped %d images that do not decode (first: %s)\n", len(r.Skipped), r.Skipped[0])
	}
	if o.Out != "" {
		fmt.Fprintf(g.Stdout, "wrote %s and %s\n", filepath.Join(o.Out, "eval.json"), filepath.Join(o.Out, "predictions.jsonl"))
	}
	return nil
}
