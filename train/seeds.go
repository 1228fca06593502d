package train

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/curate-ml/curate/metrics"
)

// SummaryFile is the multi-seed summary in the parent run folder, and
// SeedsFile the options the multi-seed run was started with.
const (
	SummaryFile = "summary.json"
	SeedsFile   = "seeds.json"
)

// Summary is summary.json: the mean and sample SD of each test metric over
// the runs (the paper's Table 3 form).
type Summary struct {
	Runs    []string                `json:"runs"`
	Gram    int                     `json:"gram"`
	Metrics map[string]metrics.Stat `json:"metrics"`
}

// SeedRun names the run folder of one seed under the parent.
func SeedRun(seed uint64) string { return fmt.Sprintf("seed-%d", seed) }

// SeedHooks report a multi-seed run; Run is the hooks of each seed's run.
type SeedHooks struct {
	Seed func(i, n int, seed uint64)
}

// TrainSeeds trains one run per seed in o.Seeds under o.Out/seed-N (each a
// run folder as Train writes), then writes o.Out/summary.json. With
// env.Resume, finished seeds are kept, an interrupted one is resumed and the
// rest are started.
func TrainSeeds(ctx context.Context, o Options, env Env, sh SeedHooks) (*Summary, []*Result, error) {
	if len(o.Seeds) == 0 {
		return nil, nil, fmt.Errorf("no seeds")
	}
	if err := o.Check(); err != nil {
		return nil, nil, err
	}
	if !env.Resume {
		if _, err := os.Stat(filepath.Join(o.Out, SeedsFile)); err == nil {
			return nil, nil, fmt.Errorf("%s already holds a multi-seed run; continue it with --resume %s or choose another --out", o.Out, o.Out)
		}
		if err := writeJSON(filepath.Join(o.Out, SeedsFile), o); err != nil {
			return nil, nil, err
		}
	}
	var results []*Result
	sum := &Summary{Gram: o.Gram, Metrics: map[string]metrics.Stat{}}
	vals := map[string][]float64{}
	for i, seed := range o.Seeds {
		if sh.Seed != nil {
			sh.Seed(i+1, len(o.Seeds), seed)
		}
		so := o
		so.Seeds, so.Seed, so.Out = nil, seed, filepath.Join(o.Out, SeedRun(seed))
		se := env
		_, err := os.Stat(filepath.Join(so.Out, RunFile))
		se.Resume = env.Resume && err == nil
		if env.Resume && err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, nil, err
		}
		res, err := Train(ctx, so, se)
		if err != nil {
			return nil, nil, fmt.Errorf("seed %d: %w", seed, err)
		}
		results = append(results, res)
		sum.Runs = append(sum.Runs, SeedRun(seed))
		if res.Test == nil {
			return nil, nil, fmt.Errorf("seed %d: dataset %s has no test split to summarise", seed, o.Data)
		}
		t := res.Test
		vals["accuracy"] = append(vals["accuracy"], float64(t.Accuracy))
		vals["roc_auc"] = append(vals["roc_auc"], float64(t.ROCAUC))
		for _, c := range t.Classes {
			key := strings.ToLower(c.Name)
			vals[key+"_precision"] = append(vals[key+"_precision"], c.Precision)
			vals[key+"_recall"] = append(vals[key+"_recall"], c.Recall)
			vals[key+"_f1"] = append(vals[key+"_f1"], c.F1)
		}
	}
	for k, v := range vals {
		sum.Metrics[k] = metrics.MeanSD(v)
	}
	if err := writeJSON(filepath.Join(o.Out, SummaryFile), sum); err != nil {
		return nil, nil, err
	}
	return sum, results, nil
}
