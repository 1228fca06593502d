package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/curate-ml/curate/runner"
	"github.com/curate-ml/curate/train"
)

// Output folders of the training stages under the root.
const (
	runTrainDir   = "train"
	runEvalDir    = "eval"
	runReportDir  = "report"
	runReportPage = "report.html"
)

// trainStages are train -> eval -> report, calling the trainer's and the
// report's Go entry points (through their command functions, which own the
// progress display).
func trainStages(cfg *runner.Config, g *Global, threads int, dir func(string) string) []runner.Stage {
	tc, ec, rc := cfg.Stages.Train, cfg.Stages.Eval, cfg.Stages.Report
	to := train.Defaults()
	to.Data, to.Out = dir(runDatasetDir), dir(runTrainDir)
	to.Backbone, to.Gram, to.Size, to.Epochs, to.Batch, to.LR = tc.Backbone, tc.Gram, tc.Size, tc.Epochs, tc.Batch, tc.LR
	to.Augment, to.N, to.M = tc.Augment, tc.N, tc.M
	to.Seed, to.Threads = cfg.Seed, threads
	to.Init, to.FreezeUntil, to.CheckpointEvery, to.SkipBad = cfg.Path(tc.Init), tc.FreezeUntil, tc.CheckpointEvery, tc.SkipBad
	var seeds []string
	if len(tc.Seeds) == 1 {
		to.Seed = tc.Seeds[0]
	} else {
		for _, s := range tc.Seeds {
			seeds = append(seeds, fmt.Sprint(s))
		}
	}
	// The checkpoints depend on the thread count (summation order), so it
	// is part of the key.
	type trainKey struct {
		Seed    uint64             `json:"seed"`
		Threads int                `json:"threads"`
		Train   runner.TrainConfig `json:"train"`
	}
	var inputs []string
	if tc.Init != "" {
		inputs = append(inputs, cfg.Path(tc.Init))
	}
	previous := dir(runTrainDir) + ".previous"
	weights := filepath.Join(dir(runTrainDir), train.BestCheckpoint)
	if len(tc.Seeds) > 1 {
		weights = filepath.Join(dir(runTrainDir), train.SeedRun(tc.Seeds[0]), train.BestCheckpoint)
	}
	batch := ec.Batch
	if batch <= 0 {
		batch = tc.Batch
	}
	type evalKey struct {
		Threads int               `json:"threads"`
		Eval    runner.EvalConfig `json:"eval"`
	}
	return []runner.Stage{
		{
			Name: "train", Options: trainKey{cfg.Seed, threads, tc}, Inputs: inputs, Output: runTrainDir,
			// A new run over a finished one: the finished one moves to
			// train.previous until the new one is complete.
			Reset: func(runner.Change) (bool, error) {
				if err := os.RemoveAll(previous); err != nil {
					return false, err
				}
				if err := os.Rename(dir(runTrainDir), previous); err != nil && !errors.Is(err, os.ErrNotExist) {
					return false, err
				}
				return true, nil
			},
			Run: func(ctx context.Context) error {
				o := TrainOptions{Options: to, Seeds: strings.Join(seeds, ",")}
				if started(to.Out) {
					// An interrupted run of this stage (no manifest): its
					// dataset or options may have changed since, so it is
					// not resumed but begun again.
					if err := os.RemoveAll(to.Out); err != nil {
						return err
					}
				}
				if err := runTrain(ctx, o, g); err != nil {
					return err
				}
				return os.RemoveAll(previous)
			},
		},
		{
			Name: "eval", Options: evalKey{threads, ec}, Output: runEvalDir,
			Run: func(ctx context.Context) error {
				return runEval(ctx, EvalOptions{
					NetFlags: NetFlags{Weights: weights, Threshold: ec.Threshold, Batch: batch, Threads: threads},
					Data:     dir(runDatasetDir),
					Split:    ec.Split,
					Out:      dir(runEvalDir),
				}, g)
			},
		},
		{
			Name: "report", Options: rc, Output: runReportDir,
			Run: func(ctx context.Context) error {
				if err := os.MkdirAll(dir(runReportDir), 0o755); err != nil {
					return err
				}
				return runReport(ctx, ReportOptions{
					Paths: []string{dir(runFetchDir), dir(runFilteredDir), dir(runDatasetDir), dir(runTrainDir), dir(runEvalDir)},
					Out:   filepath.Join(dir(runReportDir), runReportPage), Title: rc.Title, Examples: rc.Examples, Sheets: rc.Sheets,
				}, g)
			},
		},
	}
}

// started reports whether dir holds a training run begun earlier (a single
// run's run.json or a multi-seed run's seeds file).
func started(dir string) bool {
	for _, f := range []string{train.RunFile, train.SeedsFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			return true
		}
	}
	return false
}
