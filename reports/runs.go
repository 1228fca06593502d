package reports

import (
	"fmt"
	"path/filepath"
)

// runInput is a run PATH as given.
type runInput struct {
	dir, name string
	seeds     bool
}

// loadedRun is one training run folder, read.
type loadedRun struct {
	name    string
	dir     string
	info    *RunInfo
	epochs  []Epoch
	test    *EvalEntry // test/eval.json and test/predictions.jsonl
	missing []string
}

// loadedSeeds is a several-seed run: summary.json and its seed-N folders.
type loadedSeeds struct {
	name    string
	dir     string
	summary *Summary
	runs    []*loadedRun
	missing []string
}

// loadedRuns holds every run input in the order given.
type loadedRuns struct {
	single []*loadedRun
	seeds  []*loadedSeeds
	order  []*loadedRun // every run folder, seeds expanded, in input order
}

func loadRuns(inputs []runInput) (*loadedRuns, error) {
	out := &loadedRuns{}
	for _, in := range inputs {
		if !in.seeds {
			r, err := loadRun(in.dir, in.name)
			if err != nil {
				return nil, err
			}
			out.single = append(out.single, r)
			out.order = append(out.order, r)
			continue
		}
		s := &loadedSeeds{name: in.name, dir: in.dir}
		path := filepath.Join(in.dir, summaryFile)
		var sum Summary
		if err := readJSON(path, &sum); err == nil {
			s.summary = &sum
		} else if err := missing(&s.missing, path, err); err != nil {
			return nil, err
		}
		names := seedDirs(in.dir)
		if s.summary != nil && len(s.summary.Runs) > 0 {
			names = s.summary.Runs
		}
		for _, n := range names {
			dir := filepath.Join(in.dir, n)
			if !exists(dir) {
				s.missing = append(s.missing, dir)
				continue
			}
			r, err := loadRun(dir, in.name+"/"+n)
			if err != nil {
				return nil, err
			}
			s.runs = append(s.runs, r)
			out.order = append(out.order, r)
		}
		out.seeds = append(out.seeds, s)
	}
	return out, nil
}

func loadRun(dir, name string) (*loadedRun, error) {
	r := &loadedRun{name: name, dir: dir}
	path := filepath.Join(dir, runFile)
	var info RunInfo
	if err := readJSON(path, &info); err == nil {
		r.info = &info
	} else if err := missing(&r.missing, path, err); err != nil {
		return nil, err
	}
	path = filepath.Join(dir, metricsFile)
	err := readJSONL(path, func(e *Epoch) error {
		r.epochs = append(r.epochs, *e)
		return nil
	})
	if err := missing(&r.missing, path, err); err != nil {
		return nil, err
	}
	test, err := loadEval(filepath.Join(dir, testDir), name)
	if err != nil {
		return nil, err
	}
	if r.info != nil {
		g := r.info.Model.Gram
		test.Gram = &g
		test.datasetHint = r.info.Dataset.Path
	}
	r.test = test
	return r, nil
}

// gram is the run's number of Gram modules, -1 when unknown.
func (r *loadedRun) gram() int {
	if r.info == nil {
		return -1
	}
	return r.info.Model.Gram
}

// TrainingSection is how training went, one entry per run folder.
type TrainingSection struct {
	Runs []TrainingRun `json:"runs"`
}

// TrainingRun is one run's curves and settings.
type TrainingRun struct {
	Name     string           `json:"name"`
	Path     string           `json:"path"`
	Backbone string           `json:"backbone,omitempty"`
	Gram     int              `json:"gram"` // -1 = unknown (run.json missing)
	Size     int              `json:"size,omitempty"`
	Params   int              `json:"params,omitempty"`
	Dataset  string           `json:"dataset,omitempty"`
	Splits   map[string]int64 `json:"splits,omitempty"`
	Epochs   []EpochRow       `json:"epochs"`
	// Best is the epoch with the best validation accuracy, ties to the
	// lower validation loss (how the trainer picks best.safetensors); 0 = none.
	Best           int      `json:"best_epoch"`
	BestValAcc     Number   `json:"best_val_accuracy"`
	MeanImagesPerS float64  `json:"mean_images_per_s"`
	TotalSeconds   float64  `json:"total_seconds"`
	Missing        []string `json:"missing,omitempty"`
}

// EpochRow is one epoch's numbers.
type EpochRow struct {
	Epoch         int     `json:"epoch"`
	Step          uint64  `json:"step"`
	TrainLoss     Number  `json:"train_loss"`
	TrainAccuracy Number  `json:"train_accuracy"`
	ValLoss       *Number `json:"val_loss,omitempty"`
	ValAccuracy   *Number `json:"val_accuracy,omitempty"`
	ValAUC        *Number `json:"val_roc_auc,omitempty"`
	LR            float64 `json:"lr"`
	ImagesPerS    float64 `json:"images_per_s"`
	Seconds       float64 `json:"seconds"`
	SkippedBad    int     `json:"skipped_bad"`
}

func buildTraining(runs *loadedRuns) TrainingSection {
	sec := TrainingSection{Runs: []TrainingRun{}}
	for _, r := range runs.order {
		t := TrainingRun{Name: r.name, Path: r.dir, Gram: r.gram(), Epochs: []EpochRow{}, Missing: r.missing}
		if r.info != nil {
			t.Backbone, t.Size, t.Params = r.info.Model.Backbone, r.info.Model.Size, r.info.Model.Params
			t.Dataset, t.Splits = r.info.Dataset.Path, r.info.Dataset.Splits
		}
		var ips float64
		for _, e := range r.epochs {
			row := EpochRow{Epoch: e.Epoch, Step: e.Step, TrainLoss: Number(e.TrainLoss), TrainAccuracy: Number(e.TrainAccuracy),
				LR: e.LR, ImagesPerS: e.ImagesPerS, Seconds: e.Seconds, SkippedBad: e.SkippedBad}
			if e.Val.N > 0 { // validated this epoch
				l, a, u := e.Val.Loss, e.Val.Accuracy, e.Val.ROCAUC
				row.ValLoss, row.ValAccuracy, row.ValAUC = &l, &a, &u
				if t.Best == 0 || a > t.BestValAcc || (a == t.BestValAcc && l < *t.Epochs[t.Best-1].ValLoss) {
					t.Best, t.BestValAcc = len(t.Epochs)+1, a
				}
			}
			t.Epochs = append(t.Epochs, row)
			ips += e.ImagesPerS
			t.TotalSeconds += e.Seconds
		}
		if t.Best > 0 {
			t.Best = t.Epochs[t.Best-1].Epoch // index+1 -> epoch number
		}
		if len(r.epochs) > 0 {
			t.MeanImagesPerS = ips / float64(len(r.epochs))
		}
		sec.Runs = append(sec.Runs, t)
	}
	return sec
}

func (t *TrainingRun) label() string {
	if t.Gram >= 0 {
		return fmt.Sprintf("%s (k=%d)", t.Name, t.Gram)
	}
	return t.Name
}
