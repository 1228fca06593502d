package reports

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/curate-ml/curate/fetch"
	"github.com/curate-ml/curate/ocr/filter"
	"github.com/curate-ml/curate/split"
	"github.com/curate-ml/curate/train"
)

// Kinds of input a PATH can be.
const (
	KindFetch  = "fetch"
	KindFilter = "filter-text"
	KindSplit  = "split"
	KindRun    = "run"   // a training run folder (run.json, metrics.jsonl, test/)
	KindSeeds  = "seeds" // a several-seed run (summary.json, seed-N/)
	KindEval   = "eval"  // an eval output (eval.json, predictions.jsonl)
)

// File names of the trainer's outputs (the contract).
const (
	runFile         = train.RunFile
	metricsFile     = train.MetricsFile
	summaryFile     = train.SummaryFile
	evalFile        = "eval.json"         // train.WriteEval's names
	predictionsFile = "predictions.jsonl" //
	testDir         = "test"              // train.TestEvalFile's folder
	checkpointsDir  = train.CheckpointDir
)

// markers are the files that tell what a folder is, strongest first. A
// folder holding any of them is of that kind; the others may be missing.
var markers = []struct {
	kind  string
	files []string
}{
	{KindSeeds, []string{summaryFile}},
	{KindRun, []string{runFile, metricsFile, checkpointsDir}},
	{KindEval, []string{evalFile, predictionsFile}},
	{KindSplit, []string{split.ReportFile, split.AssignmentsFile}},
	{KindFilter, []string{filter.StatsFile, filter.VerdictsFile, filter.OptionsFile, filter.JournalFile}},
	{KindFetch, []string{fetch.StatsFile, fetch.LedgerFile, fetch.StagingFile}},
}

// ErrUnknownInput marks a PATH that is no output the report knows.
var ErrUnknownInput = errors.New("not a report input")

// Classify says which kind of output path is, or returns an error naming it
// that wraps ErrUnknownInput.
func Classify(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("report input %s: %w (%w)", path, err, ErrUnknownInput)
	}
	if !st.IsDir() {
		return "", fmt.Errorf("report input %s: not a folder; give a fetch, filter-text or split output, a training run or an eval output (%w)", path, ErrUnknownInput)
	}
	for _, m := range markers {
		for _, f := range m.files {
			if exists(filepath.Join(path, f)) {
				return m.kind, nil
			}
		}
	}
	if len(seedDirs(path)) > 0 {
		return KindSeeds, nil
	}
	return "", fmt.Errorf("report input %s: none of the known outputs (no fetch-stats.json, filter-stats.json, split-report.json, run.json, summary.json or eval.json in it) (%w)", path, ErrUnknownInput)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// seedDirs lists the seed-N run folders of a several-seed run, in N order.
func seedDirs(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), "seed-") && exists(filepath.Join(dir, e.Name(), runFile)) {
			out = append(out, e.Name())
		}
	}
	sort.Slice(out, func(i, j int) bool { return naturalLess(out[i], out[j]) })
	return out
}

// naturalLess orders seed-2 before seed-10.
func naturalLess(a, b string) bool {
	if len(a) != len(b) && strings.TrimRight(a, "0123456789") == strings.TrimRight(b, "0123456789") {
		return len(a) < len(b)
	}
	return a < b
}

// errMissing marks a file an output should have but lacks.
var errMissing = errors.New("missing")

// readJSON decodes a JSON file into v. A file that does not exist is
// errMissing; one that is not valid JSON is an error naming it.
func readJSON(path string, v any) error {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return errMissing
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%s: not valid JSON: %w", path, err)
	}
	return nil
}

// readJSONL calls fn with every non-empty line of a JSON-lines file decoded
// into a fresh T. A missing file is errMissing; a bad line is an error
// naming the file and line.
func readJSONL[T any](path string, fn func(*T) error) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return errMissing
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<26)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var v T
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			return fmt.Errorf("%s:%d: not valid JSON: %w", path, n, err)
		}
		if err := fn(&v); err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return nil
}

// missing records a file that should be there; other errors pass through.
func missing(list *[]string, path string, err error) error {
	if errors.Is(err, errMissing) {
		*list = append(*list, path)
		return nil
	}
	return err
}
