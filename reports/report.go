package reports

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
)

// Options configure Build.
type Options struct {
	Title    string // page title; "" = "curate report"
	Examples int    // images per example grid; 0 = 8
	Sheets   int    // contact-sheet pages embedded; 0 = 4, < 0 = none
}

func (o *Options) defaults() {
	if o.Title == "" {
		o.Title = "curate report"
	}
	if o.Examples <= 0 {
		o.Examples = 8
	}
	if o.Sheets == 0 {
		o.Sheets = 4
	}
}

// Report is everything the page shows; its JSON form is `curate report --json`.
type Report struct {
	Title      string            `json:"title"`
	Inputs     []Input           `json:"inputs"`
	Funnel     FunnelSection     `json:"funnel"`
	Training   TrainingSection   `json:"training"`
	Evaluation EvaluationSection `json:"evaluation"`
	Paper      PaperTables       `json:"paper"`
	Examples   ExamplesSection   `json:"examples"`

	figures []*Figure // in page order
	sheets  []Picture // contact sheets, embedded as they are
}

// Input is one PATH and what it was taken for.
type Input struct {
	Path string `json:"path"`
	Kind string `json:"kind"`
}

// Build reads every path (any mix of stage outputs, training runs and eval
// outputs), computes each section and draws the figures. It writes nothing;
// see Report.Write. A path that is none of the known outputs is an error
// naming it.
func Build(ctx context.Context, paths []string, opts Options) (*Report, error) {
	opts.defaults()
	if len(paths) == 0 {
		return nil, fmt.Errorf("report: no input paths")
	}
	r := &Report{Title: opts.Title, Paper: Published()}
	var fetchDirs, filterDirs, splitDirs []string
	var runs []runInput
	var evalDirs []string
	seen := map[string]bool{}
	for _, p := range paths {
		p = filepath.Clean(p)
		if seen[p] {
			continue
		}
		seen[p] = true
		kind, err := Classify(p)
		if err != nil {
			return nil, err
		}
		r.Inputs = append(r.Inputs, Input{Path: p, Kind: kind})
		switch kind {
		case KindFetch:
			fetchDirs = append(fetchDirs, p)
		case KindFilter:
			filterDirs = append(filterDirs, p)
		case KindSplit:
			splitDirs = append(splitDirs, p)
		case KindRun:
			runs = append(runs, runInput{dir: p, name: filepath.Base(p)})
		case KindSeeds:
			runs = append(runs, runInput{dir: p, name: filepath.Base(p), seeds: true})
		case KindEval:
			evalDirs = append(evalDirs, p)
		}
	}
	evalNames := uniqueNames(runs, evalDirs)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var err error
	if r.Funnel, r.sheets, err = buildFunnel(fetchDirs, filterDirs, splitDirs, opts.Sheets); err != nil {
		return nil, err
	}
	loaded, err := loadRuns(runs)
	if err != nil {
		return nil, err
	}
	r.Training = buildTraining(loaded)
	if r.Evaluation, err = buildEvaluation(loaded, evalDirs, evalNames); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if r.Examples, err = buildExamples(ctx, r.Evaluation.Entries, opts.Examples); err != nil {
		return nil, err
	}
	if err := r.drawFigures(); err != nil {
		return nil, err
	}
	return r, nil
}

// uniqueNames names runs by their folder, or by their whole path where two
// folders share a name (a/k4 and b/k4), so lines and rows stay apart.
// It renames runs in place and returns the names of the eval outputs.
func uniqueNames(runs []runInput, evalDirs []string) map[string]string {
	evalName := func(d string) string {
		if name := filepath.Base(d); name != testDir {
			return name
		}
		return filepath.Base(filepath.Dir(d)) + "/" + testDir // a run's test/ folder given on its own
	}
	count := map[string]int{}
	for _, r := range runs {
		count[r.name]++
	}
	for _, d := range evalDirs {
		count[evalName(d)]++
	}
	for i := range runs {
		if count[runs[i].name] > 1 {
			runs[i].name = runs[i].dir
		}
	}
	names := map[string]string{}
	for _, d := range evalDirs {
		names[d] = evalName(d)
		if count[names[d]] > 1 {
			names[d] = d
		}
	}
	return names
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Missing lists every file the inputs should have held but lacked, over
// all sections.
func (r *Report) Missing() []string {
	out := append([]string(nil), r.Funnel.Missing...)
	for _, t := range r.Training.Runs {
		out = append(out, t.Missing...)
	}
	for _, e := range r.Evaluation.Entries {
		out = append(out, e.Missing...)
	}
	return append(out, r.Examples.Missing...)
}
