package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/curate-ml/curate/pipeline"
	"github.com/curate-ml/curate/split"
	"github.com/curate-ml/curate/webemo"
)

// SplitOptions are the settings of `curate split`. The zero value of a field
// means its default, so callers (curate demo, tests) set only what they need.
type SplitOptions struct {
	In         string // fetch or filter-text output (shards format)
	Out        string // DatasetDict to write
	Categories string // category.txt; "" = the released WEBEmo table

	Positive     string // level-2 emotion of the positive class; "" = sadness
	PositiveIDs  []int  // level-3 ids of the positive class; overrides Positive
	PositiveName string // ClassLabel name of the positive class; "" = Positive, or sadness with PositiveIDs
	Conflicts    string // drop (default), positive, negative

	NearDistance   int  // near-duplicate Hamming threshold 1..15; 0 = split.DefaultNearDistance; -1 = exact duplicates only
	NearFlips      bool // a left-right mirror image counts as a near-duplicate
	KeepDuplicates bool // keep every copy of a duplicate group (all in one split)

	Ratio       float64 // positive share after undersampling; 0 = 0.46 (or none with MaxPerClass); < 0 = none
	MaxPerClass int     // cap on images per class; 0 = none

	Train, Val, Test float64 // split fractions; all 0 = 0.8/0.1/0.1
	Seed             uint64

	Size    int    // output side in pixels; 0 = 256
	Resize  string // squash (default), center-crop, pad
	Format  string // jpeg (default) or png
	Quality int    // JPEG quality; 0 = 95
	Workers int    // 0 = number of CPUs

	AllowIncomplete bool // read an interrupted fetch output instead of refusing it
}

// Defaults of SplitOptions.
const (
	defaultPositive     = "sadness"
	defaultNearDistance = split.DefaultNearDistance
	defaultRatio        = 0.46
	defaultSize         = 256
	defaultQuality      = 95
)

func (o *SplitOptions) applyDefaults() {
	if o.Positive == "" {
		o.Positive = defaultPositive
	}
	if o.PositiveName == "" {
		o.PositiveName = o.Positive
		if len(o.PositiveIDs) > 0 {
			o.PositiveName = defaultPositive
		}
	}
	if o.Conflicts == "" {
		o.Conflicts = "drop"
	}
	if o.NearDistance == 0 {
		o.NearDistance = defaultNearDistance
	}
	if o.Ratio == 0 {
		o.Ratio = defaultRatio
		if o.MaxPerClass > 0 {
			o.Ratio = -1
		}
	}
	if o.Train == 0 && o.Val == 0 && o.Test == 0 {
		o.Train, o.Val, o.Test = 0.8, 0.1, 0.1
	}
	if o.Size == 0 {
		o.Size = defaultSize
	}
	if o.Resize == "" {
		o.Resize = "squash"
	}
	if o.Format == "" {
		o.Format = "jpeg"
	}
	if o.Format == "jpg" {
		o.Format = "jpeg"
	}
	if o.Quality == 0 {
		o.Quality = defaultQuality
	}
	if o.Workers <= 0 {
		o.Workers = runtime.NumCPU()
	}
}

func splitCommand(g *Global) *cli.Command {
	var opts SplitOptions
	var positiveIDs string
	return &cli.Command{
		Name:      "split",
		Usage:     "sadness vs others, de-duplicate, undersample, 80/10/10 Arrow shards",
		UsageText: "curate split --in DIR --out DATASET [options]",
		Description: `split turns a fetch or filter-text output into the training dataset of the paper:
   1. labels: the WEBEmo level-3 ids of --positive (a level-2 emotion, default sadness:
      ids 4,13,19,20,21,23) become "sadness", all others "others"; the level-3 id is kept
      as source_label. An image listed with ids of both classes is a conflict (--conflicts).
   2. duplicates: identical bytes (sha256) and near-duplicates form groups: 64-bit
      pHash and dHash of the whole image within --near-distance bits (resizes,
      re-encodes, borders, brightness, watermarks), of sub-windows (crops, small
      rotations), and with --near-flips of the mirror image; candidates are verified by
      a second hash and luma statistics (flat images: low-frequency shape, colour and
      a 32x32 thumbnail's fine structure). A group is kept once (the largest copy)
      unless --keep-duplicates, and never spans two splits.
   3. undersampling: the larger class is cut so that sadness is --ratio of the images
      (exact to one image), or each class is capped at --max-per-class; seeded.
   4. train/validation/test: stratified by class, each class within one image of its
      exact share; a group's split depends only on --seed and its content, so adding
      images to the input moves few images already assigned (only those at the cuts).
   5. images: decoded, EXIF orientation applied, RGB, resized to --size (bilinear as
      Keras image_dataset_from_directory), encoded as --format; in parallel, and the
      output is byte-identical whatever --workers.
   Output: a save_to_disk DatasetDict (train, validation, test; label names
   ["others","sadness"]), split-report.json (the funnel) and split-assignments.jsonl
   (one line per input image: its split, or why it was left out).

EXAMPLES:
   curate split --in webemo-text-free --out webemo-sadness
   curate split --in fetched --out ds --categories category.txt --seed 7 --json
   curate split --in fetched --out ds --positive-ids 4,19,21 --conflicts positive
   curate split --in fetched --out ds --max-per-class 5000 --resize center-crop --format png
   curate split --in fetched --out ds --keep-duplicates --near-distance 4 --ratio 0
   curate split --in fetched --out ds --near-flips
` + exitCodesHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "in", Usage: "input dataset (fetch or filter-text output)", Destination: &opts.In},
			&cli.StringFlag{Name: "out", Usage: "output DatasetDict directory", Destination: &opts.Out},
			&cli.StringFlag{Name: "categories", Usage: "WEBEmo category.txt (default: the released table)", Destination: &opts.Categories},
			&cli.StringFlag{Name: "positive", Value: defaultPositive, Usage: "level-2 emotion that is the positive class", Destination: &opts.Positive},
			&cli.StringFlag{Name: "positive-ids", Usage: "level-3 ids of the positive class, e.g. 4,13,19 (instead of --positive)", Destination: &positiveIDs},
			&cli.StringFlag{Name: "positive-name", Usage: "label name of the positive class (default: the --positive emotion, or sadness with --positive-ids)", Destination: &opts.PositiveName},
			&cli.StringFlag{Name: "conflicts", Value: "drop", Usage: "images listed with both classes: drop, positive or negative", Destination: &opts.Conflicts},
			&cli.IntFlag{Name: "near-distance", Aliases: []string{"hamming"}, Value: defaultNearDistance, Usage: "near-duplicate threshold in bits of a 64-bit perceptual hash (1..15; -1: exact duplicates only)", Destination: &opts.NearDistance},
			&cli.BoolFlag{Name: "near-flips", Usage: "count a left-right mirror image as a near-duplicate", Destination: &opts.NearFlips},
			&cli.BoolFlag{Name: "keep-duplicates", Usage: "keep every copy of a duplicate group (still in one split)", Destination: &opts.KeepDuplicates},
			&cli.Float64Flag{Name: "ratio", Value: defaultRatio, Usage: "share of the positive class after undersampling (0: no ratio)", Destination: &opts.Ratio},
			&cli.IntFlag{Name: "max-per-class", Usage: "keep at most N images per class (alone: no --ratio unless given)", Destination: &opts.MaxPerClass},
			&cli.Float64Flag{Name: "train", Value: 0.8, Usage: "train fraction", Destination: &opts.Train},
			&cli.Float64Flag{Name: "val", Aliases: []string{"validation"}, Value: 0.1, Usage: "validation fraction", Destination: &opts.Val},
			&cli.Float64Flag{Name: "test", Value: 0.1, Usage: "test fraction", Destination: &opts.Test},
			&cli.Uint64Flag{Name: "seed", Value: 0, Usage: "seed of undersampling and split assignment", Destination: &opts.Seed},
			&cli.IntFlag{Name: "size", Value: defaultSize, Usage: "output width and height in pixels", Destination: &opts.Size},
			&cli.StringFlag{Name: "resize", Value: "squash", Usage: "squash, center-crop or pad (Keras image_dataset_from_directory meanings)", Destination: &opts.Resize},
			&cli.StringFlag{Name: "format", Value: "jpeg", Usage: "jpeg or png", Destination: &opts.Format},
			&cli.IntFlag{Name: "quality", Value: defaultQuality, Usage: "JPEG quality 1..100", Destination: &opts.Quality},
			&cli.IntFlag{Name: "workers", Value: runtime.NumCPU(), Usage: "images decoded and encoded at once", Destination: &opts.Workers},
			&cli.BoolFlag{Name: "allow-incomplete", Usage: "read an interrupted fetch output (fetch-stats.json complete: false) instead of refusing it", Destination: &opts.AllowIncomplete},
			&cli.BoolFlag{Name: "json", Usage: "print the report as JSON on stdout"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("split: unexpected arguments %q", c.Args().Slice())
			}
			if positiveIDs != "" {
				if c.IsSet("positive") {
					return usagef("split: give --positive or --positive-ids, not both")
				}
				ids, err := parseIDs(positiveIDs)
				if err != nil {
					return usagef("split: --positive-ids: %v", err)
				}
				opts.PositiveIDs = ids
			}
			if c.IsSet("near-distance") && opts.NearDistance == 0 {
				return usagef("split: --near-distance 0: use 1..15, or -1 for exact duplicates only")
			}
			switch {
			case opts.Ratio < 0:
				return usagef("split: --ratio %v: want a share in (0, 1), or 0 for none", opts.Ratio)
			case c.IsSet("ratio") && opts.Ratio == 0:
				opts.Ratio = -1 // --ratio 0: no ratio
			case !c.IsSet("ratio") && opts.MaxPerClass > 0:
				opts.Ratio = -1 // --max-per-class alone
			}
			if opts.Ratio > 0 && opts.Ratio >= 1 {
				return usagef("split: --ratio %v: want a share in (0, 1), or 0 for none", opts.Ratio)
			}
			if g.JSON || c.Bool("json") {
				gg := *g
				gg.JSON = true
				return runSplit(c.Context, opts, &gg)
			}
			return runSplit(c.Context, opts, g)
		},
	}
}

// parseIDs reads "4,13, 19" (commas or spaces).
func parseIDs(s string) ([]int, error) {
	var ids []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		id, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not a level-3 id", f)
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("no ids in %q", s)
	}
	return ids, nil
}

// splitPlan turns the options into the split package's settings.
func splitPlan(opts SplitOptions) (split.Options, error) {
	cats := webemo.DefaultCategories()
	if opts.Categories != "" {
		var err error
		if cats, err = webemo.LoadCategories(opts.Categories); err != nil {
			return split.Options{}, fmt.Errorf("split: %w", err)
		}
	}
	positive := opts.PositiveIDs
	if len(positive) == 0 {
		ids, err := cats.IDsOfLevel2(opts.Positive)
		if err != nil {
			return split.Options{}, usagef("split: --positive: %v", err)
		}
		positive = ids
	}
	for _, id := range positive {
		if _, ok := cats.Category(id); !ok {
			return split.Options{}, usagef("split: positive id %d: the categories have ids 0..%d", id, cats.Len()-1)
		}
	}
	conflicts, err := split.ParseConflictPolicy(opts.Conflicts)
	if err != nil {
		return split.Options{}, usagef("split: --conflicts: %v", err)
	}
	mode, err := split.ParseResizeMode(opts.Resize)
	if err != nil {
		return split.Options{}, usagef("split: --resize: %v", err)
	}
	if opts.NearDistance < -1 || opts.NearDistance > split.MaxNearDistance {
		return split.Options{}, usagef("split: --near-distance %d: want 1..%d, or -1", opts.NearDistance, split.MaxNearDistance)
	}
	if opts.Format != "jpeg" && opts.Format != "png" {
		return split.Options{}, usagef("split: --format %q: want jpeg or png", opts.Format)
	}
	if opts.Quality < 1 || opts.Quality > 100 {
		return split.Options{}, usagef("split: --quality %d: want 1..100", opts.Quality)
	}
	if opts.Size < 1 || opts.Size > 8192 {
		return split.Options{}, usagef("split: --size %d: want 1..8192", opts.Size)
	}
	if opts.PositiveName == split.ClassNames[split.Others] {
		return split.Options{}, usagef("split: --positive-name %q is the name of the negative class", opts.PositiveName)
	}
	if opts.MaxPerClass < 0 {
		return split.Options{}, usagef("split: --max-per-class %d: want 0 or more", opts.MaxPerClass)
	}
	if opts.Ratio >= 1 {
		return split.Options{}, usagef("split: --ratio %v: want a share in (0, 1)", opts.Ratio)
	}
	sum := opts.Train + opts.Val + opts.Test
	if opts.Train < 0 || opts.Val < 0 || opts.Test < 0 || sum < 0.999999 || sum > 1.000001 {
		return split.Options{}, usagef("split: --train %v --val %v --test %v: want fractions >= 0 that add up to 1", opts.Train, opts.Val, opts.Test)
	}
	return split.Options{
		Categories: cats,
		Plan: split.PlanOptions{
			Positive:       positive,
			NumCategories:  cats.Len(),
			Conflicts:      conflicts,
			MaxDistance:    opts.NearDistance,
			NearFlips:      opts.NearFlips,
			KeepDuplicates: opts.KeepDuplicates,
			Ratio:          max(opts.Ratio, 0),
			MaxPerClass:    opts.MaxPerClass,
			Fractions:      [3]float64{opts.Train, opts.Val, opts.Test},
			Seed:           opts.Seed,
		},
		Image:           split.ImageOptions{Size: opts.Size, Resize: mode, Format: opts.Format, Quality: opts.Quality},
		ClassNames:      []string{split.ClassNames[split.Others], opts.PositiveName},
		Workers:         opts.Workers,
		AllowIncomplete: opts.AllowIncomplete,
	}, nil
}

// runSplit runs `curate split` and prints the funnel table (or, with --json,
// the report).
func runSplit(ctx context.Context, opts SplitOptions, g *Global) error {
	if opts.In == "" || opts.Out == "" {
		return usagef("split: --in and --out are required")
	}
	opts.applyDefaults()
	so, err := splitPlan(opts)
	if err != nil {
		return err
	}
	so.Progress = func(stage string, c *pipeline.Counter) func() {
		return newProgress(g, "split "+stage, c)
	}
	rep, err := split.Run(ctx, opts.In, opts.Out, so)
	if err != nil {
		return err
	}
	if g.JSON {
		enc := json.NewEncoder(g.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printSplitReport(g.Stdout, rep)
	return nil
}

// printSplitReport prints the funnel and the per-split table.
func printSplitReport(w io.Writer, rep *split.Report) {
	f := rep.Funnel
	neg, pos := rep.Classes[split.Others], rep.Classes[split.Sadness]
	fmt.Fprintf(w, "split %s -> %s (seed %d, %s = level-3 ids %v %v)\n\n", rep.Input, rep.Output, rep.Seed, pos, rep.PositiveIDs, rep.PositiveNames)
	row := func(label string, n int, note string) {
		fmt.Fprintf(w, "  %-22s %9d  %s\n", label, n, note)
	}
	row("input images", f.Input, "")
	row("unlabelled", -f.Unlabelled, "")
	row("unreadable", -f.Unreadable, "")
	row("label conflicts", -(f.Conflicts.Dropped + f.Conflicts.GroupDropped),
		fmt.Sprintf("policy %s: %d images listed with both classes, %d duplicate groups (%d images) mixing them",
			f.Conflicts.Policy, f.Conflicts.Images, f.Conflicts.Groups, f.Conflicts.GroupImages))
	note := fmt.Sprintf("%d groups of %d images: %d exact copies, %d near (<= %d bits)",
		f.Duplicates.Groups, f.Duplicates.Images, f.Duplicates.Exact, f.Duplicates.Near, rep.MaxDistance)
	if rep.KeepDuplicates {
		note += ", all kept"
	}
	if f.Duplicates.Crowded > 0 {
		note += fmt.Sprintf("; %d images in crowds of near-identical hashes not searched pairwise (copies among them may be missed)", f.Duplicates.Crowded)
	}
	row("duplicates", -f.Duplicates.Removed, note)
	row("after de-duplication", f.Deduplicated[0]+f.Deduplicated[1],
		fmt.Sprintf("%d %s, %d %s", f.Deduplicated[0], neg, f.Deduplicated[1], pos))
	row("undersampled", -(f.Undersampled[0] + f.Undersampled[1]),
		fmt.Sprintf("%d %s, %d %s", f.Undersampled[0], neg, f.Undersampled[1], pos))
	sel := f.Selected[0] + f.Selected[1]
	share := 0.0
	if sel > 0 {
		share = 100 * float64(f.Selected[1]) / float64(sel)
	}
	note = fmt.Sprintf("%.2f%% %s", share, pos)
	if rep.Ratio > 0 {
		note += fmt.Sprintf(" (target %.2f%%)", 100*rep.Ratio)
	}
	row("kept", sel, note)

	fmt.Fprintln(w)
	fmt.Fprintf(w, "  %-12s %9s %9s %9s\n", "split", neg, pos, "total")
	var tot [2]int
	for _, s := range split.SplitNames {
		n := f.Splits[s]
		tot[0] += n[0]
		tot[1] += n[1]
		fmt.Fprintf(w, "  %-12s %9d %9d %9d\n", s, n[0], n[1], n[0]+n[1])
	}
	fmt.Fprintf(w, "  %-12s %9d %9d %9d\n", "total", tot[0], tot[1], tot[0]+tot[1])
	if t := rep.Timing; t != nil {
		fmt.Fprintf(w, "\nscan %d images in %.1fs (%.0f/s), wrote %d in %.1fs (%.0f/s), %d workers\n",
			f.Input, t.ScanSeconds, t.ScanPerSecond, sel, t.WriteSeconds, t.WritePerSecond, t.Workers)
	}
	fmt.Fprintf(w, "wrote %s: train, validation, test, %s, %s\n", rep.Output, split.ReportFile, split.AssignmentsFile)
}
