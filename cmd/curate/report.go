package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/curate-ml/curate/reports"
)

// ReportOptions are the settings of `curate report`.
type ReportOptions struct {
	Paths    []string // stage outputs, training runs, eval outputs
	Out      string   // the HTML page; "" = report.html
	Title    string   // "" = curate report
	Examples int      // images per example grid; 0 = 8
	Sheets   int      // contact-sheet pages embedded; 0 = 4, < 0 = none
	JSON     bool     // print the report's numbers as one JSON document
}

func reportCommand(g *Global) *cli.Command {
	var opts ReportOptions
	return &cli.Command{
		Name:      "report",
		Usage:     "one self-contained HTML page: data funnel, training curves, evaluation, examples",
		UsageText: "curate report [--out report.html] PATH...",
		Description: `report reads any mix of PATHs and writes one HTML page that opens offline
(every figure embedded as a PNG; no script, font or image from the network):
   fetch, filter-text and split outputs   the data funnel: list lines -> unique URLs ->
                                          fetched ok / failed by reason -> text found
                                          (with the contact sheets) -> label conflicts ->
                                          duplicates merged -> undersampled ->
                                          train/validation/test per class
   training runs (run.json, metrics.jsonl) loss and accuracy per epoch, train vs
                                          validation, one line per run; images/s
   several-seed runs (summary.json)       Table 3: accuracy mean ± SD, baseline k=0
                                          beside the Gram models
   eval outputs, runs' test/ folders      ROC with AUC per eval set (several runs on one
                                          plot, as the paper's Figure 7), confusion
                                          matrices, per-class P/R/F1 (Table 4's layout),
                                          example grids with p(sadness)
The paper's published numbers (Tables 3-6) are shown beside ours, marked as the paper's.
Beside the page: the same numbers as JSON (report.json) and every figure as PNG and
SVG (report-figures/). A PATH that is none of these outputs is an error (exit 2); an
output that lacks one of its files shows "missing" in its section.

EXAMPLES:
   curate report demo-out/fetch demo-out/filtered demo-out/dataset
   curate report --out paper.html runs/baseline runs/gram4 evals/unbiasedemo
   curate report --json runs/gram4 > numbers.json
` + exitCodesHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Value: "report.html", Usage: "the HTML `FILE`; report.json and report-figures/ go beside it", Destination: &opts.Out},
			&cli.StringFlag{Name: "title", Usage: "page title (default \"curate report\")", Destination: &opts.Title},
			&cli.IntFlag{Name: "examples", Value: 8, Usage: "images per example grid", Destination: &opts.Examples},
			&cli.IntFlag{Name: "sheets", Value: 4, Usage: "contact-sheet pages to embed (-1 = none)", Destination: &opts.Sheets},
			&cli.BoolFlag{Name: "json", Usage: "print the report's numbers as one JSON document on stdout"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return usagef("report: give at least one PATH (a stage output, training run or eval output)")
			}
			if opts.Examples < 1 {
				return usagef("report: --examples must be at least 1, got %d", opts.Examples)
			}
			if opts.Sheets == 0 {
				opts.Sheets = -1
			}
			opts.Paths = c.Args().Slice()
			opts.JSON = jsonFlag(c, g)
			return runReport(c.Context, opts, g)
		},
	}
}

// runReport builds the report and writes the page, its JSON and figures.
func runReport(ctx context.Context, opts ReportOptions, g *Global) error {
	if opts.Out == "" {
		opts.Out = "report.html"
	}
	r, err := reports.Build(ctx, opts.Paths, reports.Options{Title: opts.Title, Examples: opts.Examples, Sheets: opts.Sheets})
	if errors.Is(err, reports.ErrUnknownInput) {
		return usageError{err}
	}
	if err != nil {
		return err
	}
	w, err := r.Write(opts.Out)
	if err != nil {
		return err
	}
	if opts.JSON {
		doc, err := r.JSON()
		if err != nil {
			return err
		}
		_, err = g.Stdout.Write(doc)
		return err
	}
	if !g.Quiet {
		fmt.Fprintf(g.Stdout, "wrote %s (numbers in %s, %d figure files in %s)\n", w.HTML, w.JSON, len(w.Figures), reports.FiguresDir(w.HTML))
		for _, in := range r.Inputs {
			fmt.Fprintf(g.Stdout, "  %-11s %s\n", in.Kind, in.Path)
		}
		for _, m := range r.Missing() {
			fmt.Fprintf(g.Stdout, "  missing     %s\n", m)
		}
	}
	return nil
}
