package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/curate-ml/curate/metrics"
	"github.com/curate-ml/curate/model"
	"github.com/curate-ml/curate/train"
)

// TrainOptions are the flags of `curate train`.
type TrainOptions struct {
	train.Options
	Resume string   // run folder to continue
	Seeds  string   // "1,2,3": one run per seed
	Set    []string // flag names given on the command line (checked against run.json on --resume)
	JSON   bool
}

func trainCommand(g *Global) *cli.Command {
	var o TrainOptions
	d := train.Defaults()
	return &cli.Command{
		Name:      "train",
		Usage:     "train the sadness classifier on a dataset from curate split",
		ArgsUsage: " ",
		Description: `Trains EfficientNetV2 + k Gram modules (Motiejauskas & Dzemyda 2024) on the
train split of a dataset, validating on its validation split after every
epoch, and evaluates the best checkpoint on its test split at the end. The
defaults are the paper's: B2, k = 4, 256x256, 25 epochs, batch 64, Adagrad
lr 0.002, RandAugment N=3 M=7 (TensorFlow convention), new draws each epoch.

The run folder (--out) gets run.json (every option, the dataset's
fingerprint, curate's version), metrics.jsonl (one line per epoch),
checkpoints/last.safetensors and best.safetensors (best validation accuracy,
ties to lower loss; weights under Keras names, BN statistics, Adagrad
accumulators, and where training stands), test/eval.json and
test/predictions.jsonl.

Kill it at any moment (SIGKILL included) and run curate train --resume RUN:
it continues at the exact step and ends byte-identical to an uninterrupted
run with the same --threads. Options given with --resume must match the
run's (--threads may change).

EXAMPLES:
   curate train --data out/dataset --out runs/k4
   curate train --data out/dataset --out runs/base --gram 0 --epochs 10
   curate train --resume runs/k4
   curate train --data out/dataset --out runs/k4x5 --seeds 1,2,3,4,5
   curate train --data out/dataset --out runs/ft --init efficientnetv2-b2_notop.h5 --freeze-until head
   curate train --data out/dataset --out runs/quick --backbone tiny --size 64 --epochs 3 --json
` + exitCodesHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "data", Usage: "dataset folder from curate split (train, validation, test)", Destination: &o.Data},
			&cli.StringFlag{Name: "out", Usage: "run folder to create", Destination: &o.Out},
			&cli.StringFlag{Name: "resume", Usage: "continue the run in this folder from its last checkpoint", Destination: &o.Resume},
			&cli.StringFlag{Name: "backbone", Value: d.Backbone, Usage: "EfficientNetV2 variant: " + strings.Join(model.Backbones, ", "), Destination: &o.Backbone},
			&cli.IntFlag{Name: "gram", Value: d.Gram, Usage: "Gram modules k (0 = the paper's baseline)", Destination: &o.Gram},
			&cli.IntFlag{Name: "size", Value: d.Size, Usage: "input height and width (images are resized when they differ)", Destination: &o.Size},
			&cli.IntFlag{Name: "epochs", Value: d.Epochs, Usage: "epochs", Destination: &o.Epochs},
			&cli.IntFlag{Name: "batch", Value: d.Batch, Usage: "images per step", Destination: &o.Batch},
			&cli.Float64Flag{Name: "lr", Value: d.LR, Usage: "Adagrad learning rate", Destination: &o.LR},
			&cli.StringFlag{Name: "augment", Value: d.Augment, Usage: "RandAugment convention: tf, torchvision or none", Destination: &o.Augment},
			&cli.IntFlag{Name: "n", Value: d.N, Usage: "RandAugment ops per image", Destination: &o.N},
			&cli.Float64Flag{Name: "m", Value: d.M, Usage: "RandAugment magnitude", Destination: &o.M},
			&cli.Uint64Flag{Name: "seed", Value: d.Seed, Usage: "seed of initialisation, data order, augmentation and dropout", Destination: &o.Seed},
			&cli.StringFlag{Name: "seeds", Usage: "comma-separated seeds: one run each under --out/seed-N, and summary.json", Destination: &o.Seeds},
			&cli.IntFlag{Name: "threads", Usage: "engine threads and loader workers (0 = all CPUs)", Destination: &o.Threads},
			&cli.StringFlag{Name: "init", Usage: "pretrained weights to start from (Keras .h5, timm or curate safetensors)", Destination: &o.Init},
			&cli.StringFlag{Name: "freeze-until", Usage: "freeze layers up to this Keras layer name (head = the whole backbone)", Destination: &o.FreezeUntil},
			&cli.IntFlag{Name: "checkpoint-every", Usage: "also checkpoint every N steps (0 = at the end of each epoch only)", Destination: &o.CheckpointEvery},
			&cli.BoolFlag{Name: "skip-bad", Usage: "skip images that do not decode (counted in metrics.jsonl) rather than fail", Destination: &o.SkipBad},
			&cli.BoolFlag{Name: "json", Usage: "print the result as one JSON object", Destination: &o.JSON},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("train takes no arguments (got %q); use --data and --out", c.Args().Slice())
			}
			o.JSON = o.JSON || g.JSON
			for _, f := range c.Command.Flags {
				name := f.Names()[0]
				if c.IsSet(name) && name != "resume" && name != "json" {
					o.Set = append(o.Set, name)
				}
			}
			return runTrain(c.Context, o, g)
		},
	}
}

// trainJSON is what --json prints.
type trainJSON struct {
	*train.Result
	Summary *train.Summary  `json:"summary,omitempty"`
	Seeds   []*train.Result `json:"seeds,omitempty"`
}

func runTrain(ctx context.Context, o TrainOptions, g *Global) error {
	env := train.Env{Version: version}
	if o.Resume != "" {
		if o.Out != "" && filepath.Clean(o.Out) != filepath.Clean(o.Resume) {
			return usagef("--resume %s with --out %s: the run continues in its own folder; drop --out", o.Resume, o.Out)
		}
		stored, multi, err := storedOptions(o.Resume)
		if err != nil {
			return err
		}
		given := o.Options
		if o.Seeds != "" {
			if given.Seeds, err = train.ParseSeeds(o.Seeds); err != nil {
				return usagef("%v", err)
			}
		}
		if err := train.DiffOptions(stored, given, o.Set); err != nil {
			return usagef("%v", err)
		}
		merged := stored
		merged.Out = o.Resume
		for _, s := range o.Set {
			switch s {
			case "threads":
				merged.Threads = o.Threads
			case "data": // a moved dataset: its fingerprint must still match
				merged.Data = o.Data
			}
		}
		o.Options = merged
		env.Resume = true
		if multi {
			return runTrainSeeds(ctx, o, env, g)
		}
	} else {
		if o.Data == "" || o.Out == "" {
			return usagef("train needs --data DATASET and --out RUN (or --resume RUN)")
		}
		if err := o.Options.Check(); err != nil {
			return usagef("%v", err)
		}
		if o.Seeds != "" {
			seeds, err := train.ParseSeeds(o.Seeds)
			if err != nil {
				return usagef("%v", err)
			}
			o.Options.Seeds = seeds
			return runTrainSeeds(ctx, o, env, g)
		}
	}
	p := newTrainProgress(g)
	env.Hooks = p.hooks()
	res, err := train.Train(ctx, o.Options, env)
	p.stop()
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if o.JSON {
		return json.NewEncoder(g.Stdout).Encode(trainJSON{Result: res})
	}
	return printTrainResult(g.Stdout, res)
}

// storedOptions reads the options a run (run.json) or a multi-seed run
// (seeds.json) was started with.
func storedOptions(dir string) (train.Options, bool, error) {
	ri, err := train.ReadRun(dir)
	if err == nil {
		return ri.Options, false, nil
	}
	b, err2 := os.ReadFile(filepath.Join(dir, train.SeedsFile))
	if err2 != nil {
		if errors.Is(err2, os.ErrNotExist) {
			return train.Options{}, false, fmt.Errorf("--resume %s: not a run folder (%v)", dir, err)
		}
		return train.Options{}, false, err2
	}
	var o train.Options
	if err := json.Unmarshal(b, &o); err != nil {
		return o, false, fmt.Errorf("--resume %s: %s: %w", dir, train.SeedsFile, err)
	}
	return o, true, nil
}

func runTrainSeeds(ctx context.Context, o TrainOptions, env train.Env, g *Global) error {
	p := newTrainProgress(g)
	env.Hooks = p.hooks()
	sum, results, err := train.TrainSeeds(ctx, o.Options, env, train.SeedHooks{Seed: func(i, n int, seed uint64) {
		p.setPrefix(fmt.Sprintf("seed %d (%d/%d) ", seed, i, n))
	}})
	p.stop()
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if o.JSON {
		return json.NewEncoder(g.Stdout).Encode(trainJSON{Summary: sum, Seeds: results})
	}
	for _, r := range results {
		fmt.Fprintf(g.Stdout, "== %s\n", r.Run)
		if err := printTrainResult(g.Stdout, r); err != nil {
			return err
		}
		fmt.Fprintln(g.Stdout)
	}
	fmt.Fprintf(g.Stdout, "Test metrics over %d seeds (mean ± SD), k = %d:\n", len(sum.Runs), sum.Gram)
	tw := tabwriter.NewWriter(g.Stdout, 0, 0, 2, ' ', 0)
	for _, k := range []string{"accuracy", "roc_auc", "others_precision", "others_recall", "others_f1", "sadness_precision", "sadness_recall", "sadness_f1"} {
		if s, ok := sum.Metrics[k]; ok {
			fmt.Fprintf(tw, "%s\t%s ± %s\n", k, num(s.Mean), num(s.SD))
		}
	}
	tw.Flush()
	fmt.Fprintf(g.Stdout, "summary: %s\n", filepath.Join(o.Out, train.SummaryFile))
	return nil
}

func num(x metrics.Number) string {
	if math.IsNaN(float64(x)) {
		return "-"
	}
	return fmt.Sprintf("%.4f", float64(x))
}

// printTrainResult prints the epoch table and the test metrics.
func printTrainResult(w io.Writer, r *train.Result) error {
	if in := r.Init; in != nil {
		known := ""
		if in.KerasPublished {
			known = ", Keras's published file"
		}
		fmt.Fprintf(w, "init: %s (%s, md5 %s%s): %d tensors (%d values) loaded; %d kept their initialisation (head, Gram modules)\n",
			in.Path, in.Format, in.MD5, known, len(in.Loaded), in.LoadedValues, len(in.Kept))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "epoch\tstep\ttrain loss\ttrain acc\tval loss\tval acc\tval AUC\timages/s\tseconds\tskipped\t\t\n")
	for _, m := range r.Epochs {
		mark := ""
		if m.Epoch == r.BestEpoch {
			mark = "best"
		}
		fmt.Fprintf(tw, "%d\t%d\t%.4f\t%.4f\t%s\t%s\t%s\t%.1f\t%.1f\t%d\t%s\t\n", m.Epoch, m.Step, m.TrainLoss, m.TrainAccuracy,
			num(m.Val.Loss), num(m.Val.Accuracy), num(m.Val.ROCAUC), m.ImagesPerS, m.Seconds, m.SkippedBad, mark)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if r.Test != nil {
		fmt.Fprintf(w, "\nTest (best checkpoint, epoch %d):\n", r.BestEpoch)
		printEvalTable(w, *r.Test)
	}
	fmt.Fprintf(w, "run: %s\n", r.Run)
	return nil
}

// printEvalTable prints an evaluation in the paper's Table 4 layout.
func printEvalTable(w io.Writer, e metrics.Eval) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "class\tprecision\trecall\tf1-score\tsupport\t\n")
	for _, c := range e.Classes {
		fmt.Fprintf(tw, "%s\t%.4f\t%.4f\t%.4f\t%d\t\n", c.Name, c.Precision, c.Recall, c.F1, c.Support)
	}
	tw.Flush()
	fmt.Fprintf(w, "accuracy %s on %d images, loss %s, ROC-AUC (%s) %s\n", num(e.Accuracy), e.N, num(e.Loss), e.Positive, num(e.ROCAUC))
	c := e.Confusion
	fmt.Fprintf(w, "confusion (rows true, cols predicted at %.2f): %s [%d %d]  %s [%d %d]\n", e.Threshold,
		e.Classes[0].Name, c[0][0], c[0][1], e.Classes[1].Name, c[1][0], c[1][1])
}

// trainProgress draws one progress line per epoch: images done, images/s,
// running loss and ETA; rewritten in place on a terminal, a plain line
// every few seconds otherwise.
type trainProgress struct {
	g       *Global
	mu      sync.Mutex
	prefix  string
	label   string
	total   int
	start   time.Time
	first   int // images already done when the epoch (re)started
	done    int
	loss    float64
	last    time.Time
	drawn   bool
	quiet   bool
	started bool
}

func newTrainProgress(g *Global) *trainProgress {
	return &trainProgress{g: g, quiet: g.Quiet}
}

func (p *trainProgress) setPrefix(s string) {
	p.mu.Lock()
	p.prefix = s
	p.mu.Unlock()
}

func (p *trainProgress) hooks() train.Hooks {
	return train.Hooks{
		EpochStart: func(epoch, epochs, images, done int) {
			p.begin(fmt.Sprintf("epoch %d/%d", epoch, epochs), images, done)
		},
		Step: func(done int, loss float64) { p.update(done, loss) },
		Phase: func(name string, n int) {
			p.finish()
			p.begin(name, n, 0)
		},
		Eval: func(done, total int) { p.update(done, math.NaN()) },
		EpochEnd: func(m train.EpochMetrics) {
			p.finish()
			if !p.quiet {
				fmt.Fprintf(p.g.Stderr, "%sepoch %d: train loss %.4f acc %.4f, val loss %s acc %s AUC %s, %.1f images/s\n",
					p.prefix, m.Epoch, m.TrainLoss, m.TrainAccuracy, num(m.Val.Loss), num(m.Val.Accuracy), num(m.Val.ROCAUC), m.ImagesPerS)
			}
		},
	}
}

func (p *trainProgress) begin(label string, total, done int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.label, p.total, p.first, p.done, p.loss = label, total, done, done, math.NaN()
	p.start, p.last, p.started = time.Now(), time.Now(), true
}

func (p *trainProgress) update(done int, loss float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done = done
	if !math.IsNaN(loss) {
		p.loss = loss
	}
	now := time.Now()
	every := plainInterval
	if p.g.Terminal {
		every = 150 * time.Millisecond
	}
	if now.Sub(p.last) >= every {
		p.last = now
		p.draw(false)
	}
}

// finish draws the final state of the current line.
func (p *trainProgress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.started {
		p.draw(true)
		p.started = false
	}
}

func (p *trainProgress) stop() { p.finish() }

func (p *trainProgress) draw(final bool) {
	if p.quiet {
		return
	}
	el := time.Since(p.start)
	rate := float64(p.done-p.first) / max(el.Seconds(), 1e-9)
	line := fmt.Sprintf("%s%s: %d/%d images, %.1f images/s", p.prefix, p.label, p.done, p.total, rate)
	if !math.IsNaN(p.loss) {
		line += fmt.Sprintf(", loss %.4f", p.loss)
	}
	if rate > 0 && p.done < p.total {
		line += ", ETA " + fmtDuration(time.Duration(float64(p.total-p.done)/rate*float64(time.Second)))
	} else {
		line += ", " + fmtDuration(el)
	}
	if p.g.Terminal {
		end := ""
		if final {
			end = "\n"
		}
		fmt.Fprintf(p.g.Stderr, "\r\x1b[K%s%s", line, end)
		return
	}
	fmt.Fprintln(p.g.Stderr, line)
}
