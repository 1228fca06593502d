package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/curate-ml/curate/merge"
)

// MergeOptions are the settings of `curate merge`.
type MergeOptions struct {
	Parts       []string // partition output folders
	Out         string   // merged output folder
	TessdataDir string   // filter-text parts: where eng.traineddata is
}

func mergeCommand(g *Global) *cli.Command {
	var opts MergeOptions
	return &cli.Command{
		Name:      "merge",
		Usage:     "join the outputs of fetch or filter-text run with --partition I/N",
		UsageText: "curate merge PART... --out DIR",
		Description: `merge joins the N outputs of ` + "`curate fetch --partition I/N`" + ` (or of filter-text) into
exactly what one run over everything would have written, byte for byte: shards, ledger.jsonl
and fetch-stats.json (fetch), or shards, verdicts.jsonl, filter-stats.json and the contact
sheets (filter-text). Only the fields that describe a run rather than the data differ, as
they do between any two runs: fetch-stats.json's "run" block (the parts' counts added up,
the longest part's duration) and each verdict's "ms".

Each part's fetch-stats.json or filter-stats.json records (under "partition") its part, the
lists or input it came from and its settings. merge refuses parts that are incomplete (run that part
again: it resumes), missing, given twice, or made with different settings. fetch parts: the
lists are read again from the paths the parts' stats name, so they must be reachable (a shared
volume). filter-text parts: the input dataset must be reachable; no OCR is run again.

EXAMPLES:
   curate fetch --list train25.txt --out parts/fetch-0 --partition 0/3   # ... 1/3, 2/3
   curate merge parts/fetch-0 parts/fetch-1 parts/fetch-2 --out webemo
   curate merge parts/filter-* --out text-free --json
` + exitCodesHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Usage: "merged output `DIR`", Destination: &opts.Out},
			&cli.StringFlag{Name: "tessdata", Usage: "folder holding eng.traineddata (filter-text parts)", Destination: &opts.TessdataDir},
			&cli.BoolFlag{Name: "json", Usage: "print the result as JSON on stdout"},
		},
		Action: func(c *cli.Context) error {
			opts.Parts = c.Args().Slice()
			gg := *g
			gg.JSON = jsonFlag(c, g)
			return runMerge(c.Context, opts, &gg)
		},
	}
}

// runMerge runs `curate merge` and prints what it wrote.
func runMerge(ctx context.Context, opts MergeOptions, g *Global) error {
	if len(opts.Parts) == 0 || opts.Out == "" {
		return usagef("merge: give the partition folders and --out")
	}
	res, err := merge.Run(ctx, merge.Options{Parts: opts.Parts, Out: opts.Out, TessdataDir: opts.TessdataDir})
	if err != nil {
		return err
	}
	if g.JSON {
		enc := json.NewEncoder(g.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Fprintf(g.Stdout, "merge: %d %s parts -> %s: %d items, %d rows\n", res.Parts, res.Stage, res.Out, res.Items, res.Rows)
	return nil
}
