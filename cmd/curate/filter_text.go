package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/curate-ml/curate/ocr"
	"github.com/curate-ml/curate/ocr/filter"
	"github.com/curate-ml/curate/partition"
	"github.com/curate-ml/curate/pipeline"
)

// FilterTextOptions are the settings of `curate filter-text`.
type FilterTextOptions struct {
	In      string // dataset (fetch output, any shards dataset) or folder of image files
	Out     string // output folder
	Workers int    // Tesseract engines; 0 = number of cores

	TessdataDir string      // folder holding eng.traineddata; "" = the standard places
	Detector    ocr.Options // zero fields take ocr.DefaultOptions
	SheetPages  int         // contact-sheet pages at most; 0 = all, < 0 = none
	ShardBytes  int64       // 0 = the shards default (256 MiB)

	MaxPixels       int64          // largest width*height decoded; 0 = filter.DefaultMaxPixels
	AllowIncomplete bool           // read an interrupted fetch output instead of refusing it
	Partition       partition.Spec // decide only this part of the rows (curate merge joins the parts)
}

func filterTextCommand(g *Global) *cli.Command {
	var opts FilterTextOptions
	d := ocr.DefaultOptions()
	var passes string
	return &cli.Command{
		Name:      "filter-text",
		Usage:     "drop images that show text (Tesseract OCR)",
		UsageText: "curate filter-text --in DIR --out DIR [options]",
		Description: `filter-text drops every image that shows text, as the paper does: captions, quotes,
   signs, book covers, posters, documents, watermarks.

   Input: a dataset in the shards format (a fetch output, a DatasetDict, a split folder or
   one .arrow file) or a plain folder of image files (jpg, png, gif, webp; searched
   recursively, in path order). Output, in --out:
     the kept images as shards in the same format, same columns and label names
       (a DatasetDict gets one folder per split); rows keep their input order
     verdicts.jsonl      one line per image: key, id or path, has_text, the words read
                         (text, confidence, box, pass, reject reason), deciding pass, ms
     filter-stats.json   images, kept, dropped, unreadable, deciding passes, options
     dropped/page-NNNN.png  contact sheets of the dropped images with the word boxes
   A rerun with the same --out resumes: the verdicts journal (verdicts.journal) keeps
   every decision, only undecided images are read again, and the outputs are
   byte-identical to an uninterrupted run (except the "ms" timings). The detector
   options are recorded in filter-options.json; a rerun with other thresholds is
   refused rather than mixing verdicts (remove both files to decide everything again).

   Detection: each image runs through passes (--passes) until one finds text:
     regions   candidate text lines found without Tesseract (glyph-like components of
               the image minus its local mean, at three contrast levels, both
               polarities, in luma and yellow-blue, chained into lines); each line is
               cropped, scaled to a 32-px glyph height, levelled, turned dark on
               light and read as one line (PSM 7)
     regions-grey  the same on grey crops (Tesseract's own threshold per crop)
     regions-large  regions on the picture set on a canvas of its border's colour, for
               letters taller than a third of it (banners, logos cut tight round them)
     regions-coarse  regions on a full-size picture reduced to 220 px (faces drawn in
               bars, menus of game screens); the words of both decide alone or on a
               line, never by agreeing with another pass
     auto      Tesseract's page layout (PSM 3), adaptive threshold, colour input
     auto-up   auto on the image upscaled to --upscale-to (220-px thumbnails: 3x)
     sparse    sparse text (PSM 11), adaptive threshold, upscaled when small
     otsu      sparse text, global threshold on colour, upscaled when small
     inverted  sparse text on the contrast-stretched negative (light text on dark)
     local     sparse text on the image minus its blur (translucent, outlined text)
     local-up  local, upscaled when small
     dark      local the other way round (dark text on busy backgrounds)
     chroma    sparse text on the colour-saturation channel (coloured text on grey)
     tilted    local, read turned 20 degrees each way (diagonal watermarks)
     steep     local with a lower contrast floor at 384 px, turned 36 degrees each way
               (tiled watermarks); runs only on images that repeat themselves (a peak of
               the autocorrelation) and are not bright; its words decide only at
               confidence 85 or when one repeats elsewhere (rule "repeat")
     steep-dark  steep the other way round (dark tiled watermarks), on images not dark
     steep-stack  steep on the image averaged with its copies along the repetition
               (the watermark adds up, the photo under it flattens); light or dark
               text by the image's brightness
   Images without edges (skies, blurs) are decided without OCR; images that are mostly
   texture (> --texture-edges of pixels on an edge) get the first pass only; after the
   first --scout-passes passes the rest run only if something word-like was read. A
   word counts when it has --min-chars letters or digits, confidence >= --min-conf,
   reads like a word (a vowel, no six consonants or three equal letters in a row, no
   case or letter/digit salad, not all vertical strokes; a web address is judged by its
   site name) and has a plausible box (>= --min-word-height px, glyphs 0.2..2x as wide
   as high). An image shows text with one word of --strong-conf and --strong-chars (or
   of --sure-conf, any length), one word two passes read alike at one place, or
   --min-words counting words side by side on one line, one of them of --line-conf;
   in steep, steep-dark and steep-stack, one word at confidence 85 or two at different places
   sharing four letters in a row (repeat).
   Each verdict says which: "pass" is the pass that decided, "rule" the rule
   (strong-word, agree, line, repeat; flat or none otherwise) and the words marked
   "decisive" are the boxes that decided.

   Each worker owns one Tesseract engine running single-threaded (OpenMP limited to one
   thread, as OMP_THREAD_LIMIT=1 does), so --workers engines use --workers cores.
   Needs the English language data (Debian/Ubuntu: apt-get install tesseract-ocr-eng).

EXAMPLES:
   curate filter-text --in fetched --out text-free
   curate filter-text --in ~/photos --out photos-no-text --workers 4 --json
   curate filter-text --in fetched --out text-free --passes auto,sparse --sheet-pages 5
   curate filter-text --in fetched --out text-free --min-conf 70 --strong-conf 85
   curate filter-text --in fetched --out part-1 --partition 1/4   # then: curate merge part-* --out text-free
` + exitCodesHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "in", Usage: "input dataset or folder of images", Destination: &opts.In},
			&cli.StringFlag{Name: "out", Usage: "output folder", Destination: &opts.Out},
			&cli.IntFlag{Name: "workers", Value: runtime.NumCPU(), Usage: "Tesseract engines working at once (one core each)", Destination: &opts.Workers},
			&cli.StringFlag{Name: "tessdata", Usage: "folder holding eng.traineddata (default: $TESSDATA_PREFIX, then the standard places)", Destination: &opts.TessdataDir},
			&cli.Float64Flag{Name: "min-conf", Value: d.MinConfidence, Usage: "word confidence (0..100) below which a word is ignored", Destination: &opts.Detector.MinConfidence},
			&cli.Float64Flag{Name: "strong-conf", Value: d.StrongConfidence, Usage: "confidence at which one word decides alone", Destination: &opts.Detector.StrongConfidence},
			&cli.IntFlag{Name: "min-chars", Value: d.MinChars, Usage: "letters or digits a word needs", Destination: &opts.Detector.MinChars},
			&cli.IntFlag{Name: "strong-chars", Value: d.StrongChars, Usage: "letters or digits of a word that decides alone", Destination: &opts.Detector.StrongChars},
			&cli.Float64Flag{Name: "sure-conf", Value: d.SureConfidence, Usage: "confidence at which one word of any length (>= --min-chars) decides alone (101: never)", Destination: &opts.Detector.SureConfidence},
			&cli.IntFlag{Name: "scout-passes", Value: d.ScoutPasses, Usage: "passes run on every image; later ones only after a word-like reading (0: all)", Destination: &opts.Detector.ScoutPasses},
			&cli.IntFlag{Name: "min-words", Value: d.MinWords, Usage: "words on one line that decide together", Destination: &opts.Detector.MinWords},
			&cli.Float64Flag{Name: "line-conf", Value: d.LineConfidence, Usage: "confidence one word of such a line needs", Destination: &opts.Detector.LineConfidence},
			&cli.BoolFlag{Name: "invert-lines", Value: d.InvertLines, Usage: "let Tesseract reread every unsure line inverted (tessedit_do_invert; slower)", Destination: &opts.Detector.InvertLines},
			&cli.IntFlag{Name: "min-word-height", Value: d.MinWordHeight, Usage: "smallest word box height in pixels of the original image", Destination: &opts.Detector.MinWordHeight},
			&cli.IntFlag{Name: "upscale-to", Value: d.UpscaleTo, Usage: "upscale smaller images (long side, at most 3x) for the -up and sparse-text passes", Destination: &opts.Detector.UpscaleTo},
			&cli.IntFlag{Name: "max-side", Value: d.MaxSide, Usage: "downscale larger images (long side) first", Destination: &opts.Detector.MaxSide},
			&cli.Float64Flag{Name: "min-edges", Value: d.MinEdgeDensity, Usage: "edge share below which an image is decided without OCR (-1: never)", Destination: &opts.Detector.MinEdgeDensity},
			&cli.Float64Flag{Name: "texture-edges", Value: d.TextureEdgeDensity, Usage: "edge share above which only the first pass runs (1: always all)", Destination: &opts.Detector.TextureEdgeDensity},
			&cli.StringFlag{Name: "passes", Value: strings.Join(d.Passes, ","), Usage: "passes in order, from " + strings.Join(ocr.PassNames, ","), Destination: &passes},
			&cli.IntFlag{Name: "sheet-pages", Usage: "contact-sheet pages at most (0: all, -1: none)", Destination: &opts.SheetPages},
			&cli.Int64Flag{Name: "max-pixels", Value: filter.DefaultMaxPixels, Usage: "largest width*height decoded (checked from the header first); larger images are dropped as unreadable", Destination: &opts.MaxPixels},
			&cli.BoolFlag{Name: "allow-incomplete", Usage: "read an interrupted fetch output instead of refusing it", Destination: &opts.AllowIncomplete},
			&cli.StringFlag{Name: "partition", Usage: "decide only rows whose id hashes into part `I/N` (/N: I from $JOB_COMPLETION_INDEX or $SLURM_ARRAY_TASK_ID); join parts with curate merge"},
			&cli.BoolFlag{Name: "json", Usage: "print the stats as JSON on stdout"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("filter-text: unexpected arguments %q", c.Args().Slice())
			}
			var err error
			if opts.Partition, err = partition.Parse(c.String("partition"), nil); err != nil {
				return usagef("filter-text: --%v", err)
			}
			if opts.In == "" || opts.Out == "" {
				return usagef("filter-text: --in and --out are required")
			}
			if opts.Workers < 1 {
				return usagef("filter-text: --workers %d: want 1 or more", opts.Workers)
			}
			if err := checkEdgeShares(opts.Detector); err != nil {
				return err
			}
			if opts.MaxPixels < 1 {
				return usagef("filter-text: --max-pixels %d: want 1 or more", opts.MaxPixels)
			}
			opts.Detector.Passes = nil
			for _, p := range strings.Split(passes, ",") {
				if p = strings.TrimSpace(p); p != "" {
					opts.Detector.Passes = append(opts.Detector.Passes, p)
				}
			}
			if len(opts.Detector.Passes) == 0 {
				return usagef("filter-text: --passes is empty; choose from %s", strings.Join(ocr.PassNames, ","))
			}
			if _, err := ocr.NewDetector(nil, opts.Detector); err != nil {
				return usagef("filter-text: %v", err)
			}
			gg := *g
			gg.JSON = jsonFlag(c, g)
			return runFilterText(c.Context, opts, &gg)
		},
	}
}

// checkEdgeShares validates the edge-density thresholds: shares of edge
// pixels lie in [0, 1], so --min-edges 2 would decide every image without
// OCR and silently turn the filter off.
func checkEdgeShares(d ocr.Options) error {
	if m := d.MinEdgeDensity; m != -1 && (m < 0 || m >= 1) {
		return usagef("filter-text: --min-edges %v: want an edge share in [0, 1), or -1 for never", m)
	}
	if x := d.TextureEdgeDensity; x <= 0 || x > 1 {
		return usagef("filter-text: --texture-edges %v: want an edge share in (0, 1]", x)
	}
	if d.MinEdgeDensity >= d.TextureEdgeDensity {
		return usagef("filter-text: --min-edges %v is not below --texture-edges %v", d.MinEdgeDensity, d.TextureEdgeDensity)
	}
	return nil
}

// runFilterText runs the stage and prints its summary.
func runFilterText(ctx context.Context, opts FilterTextOptions, g *Global) error {
	counter := pipeline.NewCounter(0)
	stop := newProgress(g, "filter-text", counter)
	start := time.Now()
	stats, err := filter.Run(ctx, filter.Config{
		In: opts.In, Out: opts.Out, Workers: opts.Workers, Detector: opts.Detector,
		TessdataDir: opts.TessdataDir, SheetPages: opts.SheetPages, ShardBytes: opts.ShardBytes,
		MaxPixels: opts.MaxPixels, AllowIncomplete: opts.AllowIncomplete,
		Counter: counter, Partition: opts.Partition,
	})
	stop()
	if err != nil {
		if errors.Is(err, ocr.ErrNoLanguageData) {
			return fmt.Errorf("filter-text needs Tesseract's English data: %w", err)
		}
		return err
	}
	elapsed := time.Since(start)
	decided := stats.Images - stats.Resumed
	if g.JSON {
		out := struct {
			*filter.Stats
			Seconds       float64 `json:"seconds"`
			ImagesPerSec  float64 `json:"images_per_second"`
			OutputFolder  string  `json:"output"`
			VerdictsFile  string  `json:"verdicts"`
			ContactSheets string  `json:"contact_sheets"`
		}{stats, elapsed.Seconds(), float64(decided) / max(elapsed.Seconds(), 1e-9), opts.Out,
			opts.Out + "/" + filter.VerdictsFile, opts.Out + "/" + filter.SheetsDir}
		enc := json.NewEncoder(g.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	pct := func(n int64) float64 { return 100 * float64(n) / float64(max(stats.Images, 1)) }
	fmt.Fprintf(g.Stdout, "filter-text: %d images, %d kept (%.1f%%), %d dropped for text (%.1f%%), %d unreadable\n",
		stats.Images, stats.Kept, pct(stats.Kept), stats.Dropped, pct(stats.Dropped), stats.Unreadable)
	fmt.Fprintf(g.Stdout, "  decided %d in %s (%.1f images/s with %d workers), %d from an earlier run\n",
		decided, elapsed.Round(time.Millisecond), float64(decided)/max(elapsed.Seconds(), 1e-9), opts.Workers, stats.Resumed)
	var by []string
	for _, p := range append([]string{ocr.PassFlat}, ocr.PassNames...) {
		if n := stats.ByPass[p]; n > 0 {
			by = append(by, fmt.Sprintf("%s %d", p, n))
		}
	}
	fmt.Fprintf(g.Stdout, "  deciding pass: %s\n", strings.Join(by, ", "))
	fmt.Fprintf(g.Stdout, "  output %s: shards, %s, %s, %d contact-sheet page(s) in %s/\n",
		opts.Out, filter.VerdictsFile, filter.StatsFile, stats.SheetPages, filter.SheetsDir)
	return nil
}
