package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/curate-ml/curate/train"
)

// PredictOptions are the flags of `curate predict`.
type PredictOptions struct {
	NetFlags
	Paths []string
	Split string
	JSON  bool
	CSV   bool
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
		Flags: append(netFlags(&o.NetFlags),
			&cli.StringFlag{Name: "split", Usage: "only this split of a dataset", Destination: &o.Split},
			&cli.BoolFlag{Name: "json", Usage: "print JSON lines", Destination: &o.JSON},
			&cli.BoolFlag{Name: "csv", Usage: "print CSV", Destination: &o.CSV},
		),
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
	if err := o.check("predict"); err != nil {
		return err
	}
	switch {
	case len(o.Paths) == 0:
		return usagef("predict needs at least one image, folder or dataset")
	case o.JSON && o.CSV:
		return usagef("--json and --csv: choose one")
	}
	p := newTrainProgress(g)
	p.begin("predict", 0, 0)
	preds, skipped, err := train.Predict(ctx, train.PredictOptions{
		NetOptions: o.net(), Paths: o.Paths, Split: o.Split, Batch: o.Batch, SkipBad: o.SkipBad, Hook: inferHook(p),
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
