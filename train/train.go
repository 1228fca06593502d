package train

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/curate-ml/curate/internal/atomicfile"
	"github.com/curate-ml/curate/metrics"
	"github.com/curate-ml/curate/model"
	"github.com/curate-ml/curate/weights"
)

// The files of a run folder.
const (
	RunFile         = "run.json"
	MetricsFile     = "metrics.jsonl"
	CheckpointDir   = "checkpoints"
	LastCheckpoint  = "checkpoints/last.safetensors"
	BestCheckpoint  = "checkpoints/best.safetensors"
	TestEvalFile    = "test/eval.json"
	TestPredictions = "test/predictions.jsonl"
)

// RunInfo is run.json.
type RunInfo struct {
	CurateVersion string      `json:"curate_version"`
	Options       Options     `json:"options"`
	Dataset       DatasetInfo `json:"dataset"`
	Model         ModelInfo   `json:"model"`
	Started       string      `json:"started"`
	// Init is what --init loaded (nil without --init).
	Init *weights.InitReport `json:"init,omitempty"`
}

// DatasetInfo describes the training dataset in run.json.
type DatasetInfo struct {
	Path        string           `json:"path"`
	Fingerprint string           `json:"fingerprint"`
	Splits      map[string]int64 `json:"splits"`
	LabelNames  []string         `json:"label_names"`
}

// ModelInfo describes the network in run.json.
type ModelInfo struct {
	Backbone string `json:"backbone"`
	Gram     int    `json:"gram"`
	Size     int    `json:"size"`
	Params   int    `json:"params"`
}

// EpochMetrics is one line of metrics.jsonl. Val is the validation EVAL
// without ROC points.
type EpochMetrics struct {
	Epoch         int          `json:"epoch"` // 1-based
	Step          uint64       `json:"step"`
	TrainLoss     float64      `json:"train_loss"`
	TrainAccuracy float64      `json:"train_accuracy"`
	LR            float64      `json:"lr"`
	ImagesPerS    float64      `json:"images_per_s"`
	Seconds       float64      `json:"seconds"`
	SkippedBad    int          `json:"skipped_bad"` // training and validation images dropped by --skip-bad
	Val           metrics.Eval `json:"val"`
}

// Hooks report a run's progress; any may be nil. They run on the training
// goroutine and should return quickly.
type Hooks struct {
	// EpochStart: epoch (1-based) of epochs begins with images training
	// images, done of them already trained on (a resumed epoch).
	EpochStart func(epoch, epochs, images, done int)
	// Step: after each step, the images done in the epoch and the running
	// mean training loss.
	Step func(done int, loss float64)
	// Phase: "validation" or "test" begins, over n images.
	Phase func(name string, n int)
	// Eval: images done of the current phase.
	Eval Progress
	// EpochEnd: an epoch finished and its metrics line is written.
	EpochEnd func(EpochMetrics)
}

// Env is what a run needs besides its options.
type Env struct {
	Version string // curate's version, for run.json
	Hooks   Hooks
	// Resume continues the run in Options.Out from its last checkpoint.
	Resume bool
}

// Result is what a finished run produced.
type Result struct {
	Run       string              `json:"run"`
	Epochs    []EpochMetrics      `json:"epochs"`
	BestEpoch int                 `json:"best_epoch"`
	Test      *metrics.Eval       `json:"test,omitempty"` // nil without a test split
	Params    int                 `json:"params"`
	Resumed   *State              `json:"resumed,omitempty"` // where a resumed run picked up
	PeakRSS   float64             `json:"peak_rss_mib"`      // the process's peak resident set
	Init      *weights.InitReport `json:"init,omitempty"`    // what --init loaded
}

// ReadRun reads RUN/run.json.
func ReadRun(dir string) (RunInfo, error) {
	var ri RunInfo
	b, err := os.ReadFile(filepath.Join(dir, RunFile))
	if err != nil {
		return ri, fmt.Errorf("run %s: %w", dir, err)
	}
	if err := json.Unmarshal(b, &ri); err != nil {
		return ri, fmt.Errorf("run %s: %s is not valid JSON: %w", dir, RunFile, err)
	}
	return ri, nil
}

// Train runs (or with env.Resume continues) the training run o.Out.
func Train(ctx context.Context, o Options, env Env) (*Result, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	data, err := OpenData(o.Data)
	if err != nil {
		return nil, err
	}
	defer data.Close()
	cfg, err := o.modelConfig()
	if err != nil {
		return nil, err
	}
	net, err := model.New(cfg)
	if err != nil {
		return nil, err
	}
	opt := net.Optimizer()
	opt.LR = float32(o.LR)
	net.SetOptimizer(opt)
	if err := net.Freeze(o.FreezeUntil); err != nil {
		return nil, fmt.Errorf("--freeze-until: %w", err)
	}
	params, _, _ := net.ParamCount()
	r := &trainer{o: o, env: env, data: data, net: net, res: &Result{Run: o.Out, Params: params}}
	if err := r.setup(ctx); err != nil {
		return nil, err
	}
	if err := r.run(ctx); err != nil {
		if ctx.Err() != nil && r.dirty {
			// Interrupted between steps: keep the steps since the last
			// checkpoint, a valid place to resume from like any other.
			if cerr := r.checkpoint(r.path(LastCheckpoint)); cerr != nil {
				return nil, errors.Join(err, cerr)
			}
		}
		return nil, err
	}
	r.res.PeakRSS = model.PeakRSSMiB()
	return r.res, nil
}

type trainer struct {
	o    Options
	env  Env
	data *Data
	net  *model.Net
	st   State
	res  *Result
	// dirty: steps were taken since last.safetensors was written.
	dirty bool
}

func (r *trainer) path(name string) string { return filepath.Join(r.o.Out, name) }

// setup creates the run folder, or on resume checks it and restores the
// last checkpoint.
func (r *trainer) setup(ctx context.Context) error {
	o := r.o
	r.st = State{Seed: o.Seed, BestLoss: math.Inf(1)}
	if r.env.Resume {
		ri, err := ReadRun(o.Out)
		if err != nil {
			return err
		}
		if ri.Dataset.Fingerprint != r.data.Fingerprint {
			return fmt.Errorf("--resume %s: dataset %s has changed since the run started (fingerprint %s, was %s)",
				o.Out, o.Data, r.data.Fingerprint, ri.Dataset.Fingerprint)
		}
		removeTemporaries(r.path(CheckpointDir))
		removeTemporaries(o.Out)
		removeTemporaries(r.path("test"))
		if _, err := os.Stat(r.path(LastCheckpoint)); err == nil {
			c, err := OpenCheckpoint(r.path(LastCheckpoint))
			if err != nil {
				return err
			}
			if err := c.Load(r.net, true); err != nil {
				return err
			}
			r.st = c.State
			st := c.State
			r.res.Resumed = &st
		} else if !errors.Is(err, os.ErrNotExist) {
			return err
		} else if err := r.init(ctx); err != nil { // killed before the first checkpoint: start over
			return err
		}
		return r.truncateMetrics()
	}
	if _, err := os.Stat(r.path(RunFile)); err == nil {
		return fmt.Errorf("%s already holds a run (%s); continue it with --resume %s or choose another --out", o.Out, RunFile, o.Out)
	}
	if err := os.MkdirAll(r.path(CheckpointDir), 0o755); err != nil {
		return err
	}
	if err := r.init(ctx); err != nil {
		return err
	}
	cfg := r.net.Config()
	ri := RunInfo{CurateVersion: r.env.Version, Options: o,
		Dataset: DatasetInfo{Path: o.Data, Fingerprint: r.data.Fingerprint, Splits: r.data.Splits(), LabelNames: r.data.LabelNames},
		Model:   ModelInfo{Backbone: cfg.Backbone, Gram: cfg.Gram, Size: cfg.Size, Params: r.res.Params},
		Started: time.Now().UTC().Format(time.RFC3339), Init: r.res.Init}
	os.Remove(r.path(MetricsFile))
	return writeJSON(r.path(RunFile), ri)
}

func (r *trainer) init(ctx context.Context) error {
	if r.o.Init == "" {
		return nil
	}
	rep, err := loadInit(ctx, r.o.Init, r.net)
	r.res.Init = rep
	return err
}

// truncateMetrics keeps the metrics lines of the epochs the checkpoint has
// finished: a line written after the checkpoint belongs to an epoch that
// will run again.
func (r *trainer) truncateMetrics() error {
	raw, err := os.ReadFile(r.path(MetricsFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var keep bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var m EpochMetrics
		if json.Unmarshal(sc.Bytes(), &m) != nil || m.Epoch > r.st.Epoch {
			break // a torn last line, or an epoch past the checkpoint
		}
		keep.Write(sc.Bytes())
		keep.WriteByte('\n')
		r.res.Epochs = append(r.res.Epochs, m)
	}
	if keep.Len() == len(raw) {
		return nil
	}
	return atomicfile.WriteFile(r.path(MetricsFile), keep.Bytes())
}

func (r *trainer) checkpoint(path string) error {
	if err := saveCheckpoint(path, r.net, r.st, r.data.LabelNames, r.o.crash); err != nil {
		return err
	}
	if path == r.path(LastCheckpoint) {
		r.dirty = false
	}
	return nil
}

func (r *trainer) crash(point string) {
	if r.o.crash != nil {
		r.o.crash(point)
	}
}

func (r *trainer) run(ctx context.Context) error {
	o := r.o
	aug, err := o.randAugment()
	if err != nil {
		return err
	}
	src := splitSource{r.data.Train}
	n := src.Len()
	cfg := r.net.Config()
	probs := make([]float32, o.Batch*cfg.Classes)
	for r.st.Epoch < o.Epochs {
		epoch := r.st.Epoch
		h := r.env.Hooks
		if h.EpochStart != nil {
			h.EpochStart(epoch+1, o.Epochs, n, r.st.Position)
		}
		start := time.Now()
		trained := 0
		l := newLoader(ctx, src, loaderOptions{Size: cfg.Size, Batch: o.Batch, Workers: workers(o.Threads), Prefetch: 2,
			Augment: aug, Epoch: epoch, Order: shuffle(n, o.Seed, epoch), Start: r.st.Position, SkipBad: o.SkipBad})
		for {
			if err := ctx.Err(); err != nil {
				l.close()
				return err
			}
			b, err := l.next(ctx)
			if err != nil {
				l.close()
				return err
			}
			if b == nil {
				break
			}
			r.st.Skipped += b.Skipped
			if b.N > 0 {
				loss, err := r.net.Step(model.Batch{Images: b.Images, Labels: b.Labels, N: b.N, Size: cfg.Size})
				if err != nil {
					l.close()
					return err
				}
				p := probs[:b.N*cfg.Classes]
				if err := r.net.LastProbs(p); err != nil {
					l.close()
					return err
				}
				for i, lab := range b.Labels {
					if argmax(p[i*cfg.Classes:(i+1)*cfg.Classes]) == lab {
						r.st.Correct++
					}
				}
				r.st.LossSum += float64(loss) * float64(b.N)
				r.st.Seen += b.N
				trained += b.N
			}
			r.st.Position = b.End
			r.st.Step = r.net.Steps()
			r.dirty = true
			l.release(b)
			if h.Step != nil {
				h.Step(r.st.Position, r.st.LossSum/float64(max(1, r.st.Seen)))
			}
			r.crash(fmt.Sprintf("step-%d", r.st.Step))
			if o.CheckpointEvery > 0 && r.st.Step%uint64(o.CheckpointEvery) == 0 {
				if err := r.checkpoint(r.path(LastCheckpoint)); err != nil {
					l.close()
					return err
				}
			}
		}
		l.close()
		secs := time.Since(start).Seconds()
		if err := r.endEpoch(ctx, secs, trained); err != nil {
			return err
		}
	}
	return r.test(ctx)
}

// endEpoch validates, appends the metrics line, updates best and writes
// last, in that order: a kill between any two leaves a state that resume
// repairs (truncateMetrics drops the line of an epoch last does not hold;
// best is rewritten identically when the epoch runs again).
func (r *trainer) endEpoch(ctx context.Context, secs float64, trained int) error {
	o := r.o
	ev, err := r.evaluate(ctx, r.net, "validation", splitSource{r.data.Val})
	if err != nil {
		return err
	}
	ev.ROC = nil
	// skipped_bad counts the epoch's images dropped by --skip-bad in
	// training and in validation (val.skipped_bad says how many of them
	// were validation images).
	m := EpochMetrics{Epoch: r.st.Epoch + 1, Step: r.st.Step, LR: o.LR, Seconds: secs, SkippedBad: r.st.Skipped + ev.SkippedBad, Val: ev}
	if r.st.Seen > 0 {
		m.TrainLoss = r.st.LossSum / float64(r.st.Seen)
		m.TrainAccuracy = float64(r.st.Correct) / float64(r.st.Seen)
	}
	if secs > 0 {
		m.ImagesPerS = float64(trained) / secs
	}
	if err := appendLine(r.path(MetricsFile), m); err != nil {
		return err
	}
	r.crash("metrics-written")
	acc, loss := float64(ev.Accuracy), float64(ev.Loss)
	better := r.st.BestEpoch == 0 || acc > r.st.BestAccuracy || (acc == r.st.BestAccuracy && loss < r.st.BestLoss)
	r.st.Epoch++
	r.st.Position, r.st.LossSum, r.st.Correct, r.st.Seen, r.st.Skipped = 0, 0, 0, 0, 0
	if better {
		r.st.BestEpoch, r.st.BestAccuracy, r.st.BestLoss = r.st.Epoch, acc, loss
		if err := r.checkpoint(r.path(BestCheckpoint)); err != nil {
			return err
		}
		r.crash("best-written")
	}
	if err := r.checkpoint(r.path(LastCheckpoint)); err != nil {
		return err
	}
	r.res.Epochs = append(r.res.Epochs, m)
	if r.env.Hooks.EpochEnd != nil {
		r.env.Hooks.EpochEnd(m)
	}
	return nil
}

// test evaluates best.safetensors on the test split and writes
// test/predictions.jsonl, then test/eval.json.
func (r *trainer) test(ctx context.Context) error {
	r.res.BestEpoch = r.st.BestEpoch
	if r.data.Test == nil {
		return nil
	}
	c, err := OpenCheckpoint(r.path(BestCheckpoint))
	if err != nil {
		return err
	}
	best, err := model.New(r.net.Config())
	if err != nil {
		return err
	}
	if err := c.Load(best, false); err != nil {
		return err
	}
	ev, preds, err := r.evaluateWith(ctx, best, "test", splitSource{r.data.Test})
	if err != nil {
		return err
	}
	ev.Weights = r.path(BestCheckpoint)
	if err := os.MkdirAll(r.path("test"), 0o755); err != nil {
		return err
	}
	if err := writePredictions(r.path(TestPredictions), preds); err != nil {
		return err
	}
	if err := writeJSON(r.path(TestEvalFile), ev); err != nil {
		return err
	}
	r.res.Test = &ev
	return nil
}

func (r *trainer) evaluate(ctx context.Context, net *model.Net, phase string, src splitSource) (metrics.Eval, error) {
	ev, _, err := r.evaluateWith(ctx, net, phase, src)
	return ev, err
}

func (r *trainer) evaluateWith(ctx context.Context, net *model.Net, phase string, src splitSource) (metrics.Eval, []Prediction, error) {
	h := r.env.Hooks
	if h.Phase != nil {
		h.Phase(phase, src.Len())
	}
	preds, bad, err := predictAll(ctx, net, src, inferOptions{Batch: r.o.Batch, Workers: workers(r.o.Threads), SkipBad: r.o.SkipBad, Hook: h.Eval})
	if err != nil {
		return metrics.Eval{}, nil, err
	}
	ev, err := evalOf(preds, r.data.LabelNames, 0.5)
	if err != nil {
		return ev, nil, err
	}
	ev.SkippedBad = len(bad)
	ev.Weights = r.path(LastCheckpoint) // the weights validated are those last.safetensors gets at the end of the epoch
	ev.Source = metrics.Source{Kind: "dataset", Path: r.o.Data, Split: src.s.Name}
	return ev, preds, nil
}

// appendLine appends v as one JSON line to path and syncs it.
func appendLine(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func argmax(p []float32) int {
	best := 0
	for i, v := range p {
		if v > p[best] {
			best = i
		}
	}
	return best
}
