package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/curate-ml/curate/train"
)

// PredictOptions are the flags of `curate predict`.
type PredictOptions struct {
	Weights   string
	Paths     []string
	Split     string
	Threshold float64
	Batch     int
	Threads   int
	Backbone  string
	Gram      int
	Size      int
	SkipBad   bool
	JSON      bool
	CSV       bool
}

func predictCommand(g *Global) *cli.Command {
	var o PredictOptions
	return &cli.Command{
		Name:      "predict",
		Usage:     "p(sadness) for images, folders or datasets",
		ArgsUsage: "PATH...",
		Description: `Prints one line per image: the image, p(sadness) and the predicted class at
--threshold. PATH is an image file, a folder (searched recursively for
.jpg .jpeg .png .gif .webp .bmp, in path order) or a dataset (all splits, or
--split). --json prints JSON lines ({"path"|"id", "p_sadness", "predicted"}),
--csv a CSV table with a header.

EXAMPLES:
   curate predict --weights runs/k4/checkpoints/best.safetensors photo.jpg
   curate predict --weights best.safetensors --csv photos/ > scores.csv
   curate predict --weights best.safetensors --json --split test out/dataset
` + exitCodesHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "weights", Usage: "checkpoint (curate train's .safetensors)", Destination: &o.Weights},
			&cli.StringFlag{Name: "split", Usage: "only this split of a dataset", Destination: &o.Split},
			&cli.Float64Flag{Name: "threshold", Value: 0.5, Usage: "predict sadness when p(sadness) >= this", Destination: &o.Threshold},
			&cli.IntFlag{Name: "batch", Value: 64, Usage: "images per inference batch", Destination: &o.Batch},
			&cli.IntFlag{Name: "threads", Usage: "threads (0 = all CPUs)", Destination: &o.Threads},
			&cli.StringFlag{Name: "backbone", Usage: "architecture of weights without curate metadata (default b2)", Destination: &o.Backbone},
			&cli.IntFlag{Name: "gram", Value: 4, Usage: "Gram modules of weights without curate metadata", Destination: &o.Gram},
			&cli.IntFlag{Name: "size", Usage: "input size (0 = the checkpoint's, else 256)", Destination: &o.Size},
			&cli.BoolFlag{Name: "skip-bad", Usage: "skip images that do not decode rather than fail", Destination: &o.SkipBad},
			&cli.BoolFlag{Name: "json", Usage: "print JSON lines", Destination: &o.JSON},
			&cli.BoolFlag{Name: "csv", Usage: "print CSV", Destination: &o.CSV},
		},
		Action: func(c *cli.Context) error {
			o.Paths = c.Args().Slice()
			o.JSON = o.JSON || g.JSON
			return runPredict(c.Context, o, g)
		},
	}
}

// predictLine is one --json line of predict.
type predictLine struct {
	ID        string  `json:"id,omitempty"`
	Path      string  `json:"path,omitempty"`
	PSadness  float64 `json:"p_sadness"`
	Predicted string  `json:"predicted"`
	Label     *int    `json:"label,omitempty"` // the dataset's label, when it has one
}

func runPredict(ctx context.Context, o PredictOptions, g *Global) error {
	switch {
	case o.Weights == "":
		return usagef("predict needs --weights CHECKPOINT")
	case len(o.Paths) == 0:
		return usagef("predict needs at least one image, folder or dataset")
	case o.JSON && o.CSV:
		return usagef("--json and --csv: choose one")
	case !(o.Threshold > 0 && o.Threshold <= 1):
		return usagef("--threshold %v: want a probability in (0, 1]", o.Threshold)
	case o.Batch < 1:
		return usagef("--batch %d: want at least 1", o.Batch)
	}
	p := newTrainProgress(g)
	p.begin("predict", 0, 0)
	preds, skipped, err := train.Predict(ctx, train.PredictOptions{
		NetOptions: train.NetOptions{Weights: o.Weights, Backbone: o.Backbone, Gram: o.Gram, Size: o.Size, Threads: o.Threads},
		Paths:      o.Paths, Split: o.Split, Batch: o.Batch, SkipBad: o.SkipBad,
		Hook: func(done, total int) {
			p.mu.Lock()
			p.total = total
			p.mu.Unlock()
			p.update(done, math.NaN())
		},
	})
	p.stop()
	if err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	class := func(ps float64) string {
		if ps >= o.Threshold {
			return "sadness"
		}
		return "others"
	}
	var cw *csv.Writer
	if o.CSV {
		cw = csv.NewWriter(g.Stdout)
		cw.Write([]string{"id", "path", "p_sadness", "predicted", "label"})
	}
	enc := json.NewEncoder(g.Stdout)
	for _, pr := range preds {
		switch {
		case o.JSON:
			l := predictLine{ID: pr.ID, Path: pr.Path, PSadness: pr.PSadness, Predicted: class(pr.PSadness)}
			if pr.Label >= 0 {
				lab := pr.Label
				l.Label = &lab
			}
			if err := enc.Encode(l); err != nil {
				return err
			}
		case o.CSV:
			label := ""
			if pr.Label >= 0 {
				label = strconv.Itoa(pr.Label)
			}
			cw.Write([]string{pr.ID, pr.Path, strconv.FormatFloat(pr.PSadness, 'f', 6, 64), class(pr.PSadness), label})
		default:
			name := pr.Path
			if name == "" {
				name = pr.ID
			}
			fmt.Fprintf(g.Stdout, "%s\t%.4f\t%s\n", name, pr.PSadness, class(pr.PSadness))
		}
	}
	if cw != nil {
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	}
	if len(skipped) > 0 {
		fmt.Fprintf(g.Stderr, "predict: skipped %d images that do not decode (first: %s)\n", len(skipped), skipped[0])
	}
	return nil
}
