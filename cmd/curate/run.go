package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/urfave/cli/v2"

	"github.com/curate-ml/curate/fetch"
	"github.com/curate-ml/curate/internal/atomicfile"
	"github.com/curate-ml/curate/ocr/filter"
	"github.com/curate-ml/curate/runner"
)

// RunOptions are the settings of `curate run`.
type RunOptions struct {
	Config     string   // PIPELINE.yaml
	InitConfig string   // write the commented default config here and stop
	From       string   // start at this stage
	Until      string   // stop after this stage
	Force      []string // run these stages whatever the cache says
	DryRun     bool     // print the plan only
	DemoAddr   string   // demo: true: where to serve the scenes; "" = 127.0.0.1:18766
	// Build identifies curate's code in the stage manifests; "" = the
	// sha256 of this executable (tests set it to stand for another binary).
	Build string
}

// Output folders of the stages under the root.
const (
	runFetchDir    = "fetch"
	runFilteredDir = "filtered"
	runDatasetDir  = "dataset"
	runListsDir    = "lists" // demo: the generated lists
)

func runCommand(g *Global) *cli.Command {
	var opts RunOptions
	return &cli.Command{
		Name:      "run",
		Usage:     "run the whole pipeline from one config file, skipping stages that are up to date",
		UsageText: "curate run PIPELINE.yaml [--from STAGE] [--until STAGE] [--force STAGE] [--dry-run]\n   curate run --init-config PIPELINE.yaml",
		Description: `run runs the stages fetch -> filter-text -> split -> train -> eval -> report with the
options of one YAML file, under the file's output root (out:): ROOT/fetch, ROOT/filtered,
ROOT/dataset, ... Start from ` + "`curate run --init-config pipeline.yaml`" + `: a commented file
with the paper's settings. The file is read strictly: an unknown key, a key given twice or
a value of the wrong type is an error naming its line and column.

Caching: each finished stage writes ROOT/manifests/STAGE.json with its options, the digests
of its inputs (list files, category.txt, the previous stage's outputs), curate's version and
build (the sha256 of this binary) and the sha256 of every output file. A rerun skips every
stage whose options and inputs are unchanged and whose outputs are still as recorded, and
says so; a stage whose options, inputs or outputs changed, or that another build of curate
wrote, runs again, and so does every stage after it.

   --dry-run         print the plan and why each stage would run or be skipped
   --from STAGE      run STAGE and the ones after it; earlier stages are kept as they are
   --until STAGE     stop after STAGE
   --force STAGE     run STAGE (and the ones after it) even if it is up to date

Stages: fetch, filter-text, split (train, eval and report when built in). With demo: true
the embedded demo scenes are served on 127.0.0.1 and fetched from there.

EXAMPLES:
   curate run --init-config pipeline.yaml && $EDITOR pipeline.yaml
   curate run pipeline.yaml
   curate run pipeline.yaml --dry-run
   curate run pipeline.yaml --from split --until split
   curate run configs/demo.yaml             # what make demo runs
` + exitCodesHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "init-config", Usage: "write a commented config with the paper's settings to `FILE` and stop", Destination: &opts.InitConfig},
			&cli.StringFlag{Name: "from", Usage: "start at `STAGE`", Destination: &opts.From},
			&cli.StringFlag{Name: "until", Usage: "stop after `STAGE`", Destination: &opts.Until},
			&cli.StringSliceFlag{Name: "force", Usage: "run `STAGE` even if up to date (repeat for several)"},
			&cli.BoolFlag{Name: "dry-run", Usage: "print the plan only", Destination: &opts.DryRun},
			&cli.BoolFlag{Name: "json", Usage: "print the plan and outcome as JSON on stdout"},
		},
		Action: func(c *cli.Context) error {
			opts.Force = c.StringSlice("force")
			args := c.Args().Slice()
			switch {
			case opts.InitConfig != "" && len(args) > 0:
				return usagef("run: --init-config takes the file to write, no other argument")
			case opts.InitConfig == "" && len(args) != 1:
				return usagef("run: give one PIPELINE.yaml (or --init-config FILE), got %q", args)
			}
			if len(args) == 1 {
				opts.Config = args[0]
			}
			gg := *g
			gg.JSON = jsonFlag(c, g)
			return runRun(c.Context, opts, &gg)
		},
	}
}

// RunReport is what `curate run --json` prints.
type RunReport struct {
	Config string            `json:"config"`
	Root   string            `json:"root"`
	Report string            `json:"report,omitempty"` // the report page, once the report stage has run
	DryRun bool              `json:"dry_run"`
	Plan   []runner.Decision `json:"plan"`
}

// runRun runs `curate run`.
func runRun(ctx context.Context, opts RunOptions, g *Global) error {
	if opts.InitConfig != "" {
		if _, err := os.Stat(opts.InitConfig); err == nil {
			return usagef("run: %s exists; choose another name or remove it", opts.InitConfig)
		}
		if err := atomicfile.WriteFile(opts.InitConfig, []byte(runner.InitConfig)); err != nil {
			return fmt.Errorf("run: %w", err)
		}
		if !g.JSON {
			fmt.Fprintf(g.Stdout, "wrote %s (the paper's settings); run it with: curate run %s\n", opts.InitConfig, opts.InitConfig)
		}
		return nil
	}
	cfg, err := runner.Load(opts.Config)
	if err != nil {
		var pe *runner.ParseError
		if errors.As(err, &pe) {
			return usageError{err}
		}
		return fmt.Errorf("run: %w", err)
	}
	root := cfg.Root()
	if err := os.MkdirAll(root, 0o755); err != nil {
		return fmt.Errorf("run: %w", err)
	}
	// Stages print their own summaries; with --json only the run's document goes to stdout.
	sg := *g
	sg.JSON = false
	if g.JSON {
		sg.Stdout = io.Discard
	}
	var closers []func()
	defer func() {
		for _, c := range closers {
			c()
		}
	}()
	stages, err := runStages(cfg, &sg, opts, &closers)
	if err != nil {
		return err
	}
	build := opts.Build
	if build == "" {
		if build, err = executableDigest(); err != nil {
			return fmt.Errorf("run: %w", err)
		}
	}
	ro := runner.Options{
		Root: root, Version: version, Build: build, From: opts.From, Until: opts.Until, Force: opts.Force,
		Started: func(d runner.Decision) {
			if !g.JSON {
				fmt.Fprintf(g.Stdout, "\n== %s: runs (%s) ==\n", d.Stage, d.Reason)
			}
		},
	}
	var plan []runner.Decision
	if opts.DryRun {
		plan, err = runner.Plan(stages, ro)
	} else {
		if !g.JSON {
			if p, perr := runner.Plan(stages, ro); perr == nil {
				printPlan(g.Stdout, cfg, opts.Config, p, "plan")
			}
		}
		plan, err = runner.Run(ctx, stages, ro)
	}
	if err != nil {
		if errors.Is(err, runner.ErrStage) {
			return usageError{err}
		}
		return fmt.Errorf("run: %w", err)
	}
	if g.JSON {
		enc := json.NewEncoder(g.Stdout)
		enc.SetIndent("", "  ")
		rep := RunReport{Config: opts.Config, Root: root, DryRun: opts.DryRun, Plan: plan}
		if page := filepath.Join(root, runReportDir, runReportPage); fileExists(page) {
			rep.Report = page
		}
		return enc.Encode(rep)
	}
	if opts.DryRun {
		printPlan(g.Stdout, cfg, opts.Config, plan, "plan (dry run: nothing was run)")
		return nil
	}
	ran := 0
	for _, d := range plan {
		if d.Run {
			ran++
		}
	}
	fmt.Fprintf(g.Stdout, "\nrun: %d of %d stages ran, outputs under %s (manifests in %s)\n", ran, len(plan), root, filepath.Join(root, runner.ManifestDir))
	if page := filepath.Join(root, runReportDir, runReportPage); fileExists(page) {
		fmt.Fprintf(g.Stdout, "report: %s\n", page)
	}
	return nil
}

func printPlan(w io.Writer, cfg *runner.Config, file string, plan []runner.Decision, title string) {
	fmt.Fprintf(w, "curate run %s -> %s: %s\n", file, cfg.Root(), title)
	for _, d := range plan {
		verb := "skip"
		if d.Run {
			verb = "RUN "
		}
		fmt.Fprintf(w, "  %s %-12s %s\n", verb, d.Stage, d.Reason)
	}
}

// runStages builds the runner's stages from the config. Each stage's
// Options are the config's section for it (what its key covers); Run calls
// the stage's command function.
func runStages(cfg *runner.Config, g *Global, opts RunOptions, closers *[]func()) ([]runner.Stage, error) {
	root := cfg.Root()
	dir := func(name string) string { return filepath.Join(root, name) }
	threads := cfg.Threads
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	fc := cfg.Stages.Fetch
	lists := make([]string, len(fc.Lists))
	for i, l := range fc.Lists {
		lists[i] = cfg.Path(l)
	}
	categories := cfg.Path(fc.Categories)
	demoDigest := ""
	if cfg.Demo {
		var err error
		lists, categories, demoDigest, err = prepareRunDemo(cfg, dir(runListsDir), opts.DemoAddr, opts.DryRun, closers)
		if err != nil {
			return nil, err
		}
		fc.AllowPrivate = true
	}
	inputs := append([]string(nil), lists...)
	if categories != "" {
		inputs = append(inputs, categories)
	}
	var catInputs []string
	if categories != "" {
		catInputs = []string{categories}
	}
	type fetchKey struct {
		Demo       bool               `json:"demo"`
		DemoImages int                `json:"demo_images,omitempty"`
		DemoSHA256 string             `json:"demo_sha256,omitempty"` // the demo scenes served
		Fetch      runner.FetchConfig `json:"fetch"`
	}
	type seeded[T any] struct {
		Seed    uint64 `json:"seed"`
		Options T      `json:"options"`
	}
	ft := cfg.Stages.FilterText
	sp := cfg.Stages.Split
	stages := []runner.Stage{
		{
			Name: "fetch", Options: fetchKey{cfg.Demo, cfg.DemoImages, demoDigest, fetchKeyOptions(fc)}, Inputs: inputs, Output: runFetchDir,
			Run: func(ctx context.Context) error {
				return runFetch(ctx, FetchOptions{
					Lists: lists, Categories: categories, Out: dir(runFetchDir),
					Workers: fc.Workers, PerHost: fc.PerHost, UserAgent: fc.UserAgent,
					Timeout: fc.Timeout, Retries: orNone(fc.Retries), Backoff: fc.Backoff,
					MaxBytes: fc.MaxBytes, MaxPixels: fc.MaxPixels, AllowPrivate: fc.AllowPrivate,
					ShardBytes: fc.ShardBytes,
				}, g)
			},
			// Changed lists are fetched incrementally (fetch's own resume: new
			// URLs are fetched, dropped ones leave the output). Changed
			// options (or demo scenes) fetch everything again.
			// A new build (other code) rebuilds the shards from the ledger
			// without fetching again: the ledger records what the network
			// answered, which no code change alters.
			Reset: func(c runner.Change) (bool, error) {
				if !c.Own {
					return false, nil
				}
				return true, removeFiles(dir(runFetchDir), fetch.LedgerFile, fetch.StagingFile)
			},
		},
		{
			Name: "filter-text", Options: ft, Output: runFilteredDir,
			Run: func(ctx context.Context) error {
				return runFilterText(ctx, FilterTextOptions{
					In: dir(runFetchDir), Out: dir(runFilteredDir), Workers: threads,
					TessdataDir: cfg.Path(ft.Tessdata), Detector: ft.Detector, SheetPages: ft.SheetPages, ShardBytes: ft.ShardBytes,
				}, g)
			},
			// Verdicts made with other options or other code are not
			// resumed: filter-text refuses to mix options, and a fresh
			// root would decide them anew.
			Reset: func(c runner.Change) (bool, error) {
				if !c.Own && !c.Build && !c.Upstream {
					return false, nil // new rows only: the journal's verdicts still hold
				}
				return true, removeFiles(dir(runFilteredDir), filter.JournalFile, filter.OptionsFile)
			},
		},
		{
			Name: "split", Options: seeded[runner.SplitConfig]{cfg.Seed, sp}, Inputs: catInputs, Output: runDatasetDir,
			Run: func(ctx context.Context) error {
				return runSplit(ctx, SplitOptions{
					In: dir(runFilteredDir), Out: dir(runDatasetDir), Categories: categories,
					Positive: sp.Positive, Conflicts: sp.Conflicts, NearDistance: sp.NearDistance, KeepDuplicates: sp.KeepDuplicates,
					Ratio: sp.Ratio, MaxPerClass: sp.MaxPerClass, Train: sp.Train, Val: sp.Validation, Test: sp.Test,
					Seed: cfg.Seed, Size: sp.Size, Resize: sp.Resize, Format: sp.Format, Quality: sp.Quality, Workers: threads,
				}, g)
			},
		},
	}
	stages = append(stages, trainStages(cfg, g, threads, dir)...)
	return stages, nil
}

// fetchKeyOptions are the fetch options that can change its output: not
// workers and per_host, which change only its speed (the shards are the
// same whatever the concurrency).
func fetchKeyOptions(fc runner.FetchConfig) runner.FetchConfig {
	fc.Workers, fc.PerHost = 0, 0
	return fc
}

// executableDigest is the sha256 of the running binary: the identity of
// curate's code in the stage manifests (the version string stays the same
// across rebuilds during development).
func executableDigest() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("curate's own executable: %w", err)
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", fmt.Errorf("curate's own executable: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("curate's own executable %s: %w", exe, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// removeFiles removes the named files of dir; missing ones are fine.
func removeFiles(dir string, names ...string) error {
	for _, n := range names {
		if err := os.Remove(filepath.Join(dir, n)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// orNone maps a config's "0 retries" to FetchOptions' "none" (whose zero
// value means the default).
func orNone(n int) int {
	if n == 0 {
		return -1
	}
	return n
}
