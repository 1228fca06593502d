package train

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/curate-ml/curate/augment"
	"github.com/curate-ml/curate/model"
)

// Options are the settings of a training run. JSON names are the flag
// names of `curate train`; run.json records them all.
type Options struct {
	Data            string   `json:"data"`
	Out             string   `json:"out"`
	Backbone        string   `json:"backbone"`
	Gram            int      `json:"gram"`
	Size            int      `json:"size"`
	Epochs          int      `json:"epochs"`
	Batch           int      `json:"batch"`
	LR              float64  `json:"lr"`
	Augment         string   `json:"augment"` // tf, torchvision or none
	N               int      `json:"n"`
	M               float64  `json:"m"`
	Seed            uint64   `json:"seed"`
	Seeds           []uint64 `json:"seeds,omitempty"` // set on a multi-seed parent only
	Threads         int      `json:"threads"`
	Init            string   `json:"init"`
	FreezeUntil     string   `json:"freeze-until"`
	CheckpointEvery int      `json:"checkpoint-every"`
	SkipBad         bool     `json:"skip-bad"`

	// test hooks (never set outside tests)
	crash func(point string)
}

// Defaults are the paper's settings: EfficientNetV2-B2 with 4 Gram modules,
// 256x256, 25 epochs, batch 64, Adagrad lr 0.002, TF RandAugment N=3 M=7.
func Defaults() Options {
	return Options{Backbone: "b2", Gram: 4, Size: 256, Epochs: 25, Batch: 64, LR: 0.002,
		Augment: "tf", N: 3, M: 7, Seed: 1}
}

// Check validates the options.
func (o Options) Check() error {
	switch {
	case o.Data == "":
		return fmt.Errorf("no dataset (--data)")
	case o.Out == "":
		return fmt.Errorf("no run folder (--out)")
	case o.Epochs < 1:
		return fmt.Errorf("--epochs %d: want at least 1", o.Epochs)
	case o.Batch < 1 || o.Batch > 4096:
		return fmt.Errorf("--batch %d: want 1..4096", o.Batch)
	case !(o.LR > 0 && o.LR < 10):
		return fmt.Errorf("--lr %v: want a positive rate below 10", o.LR)
	case o.Size < 32 || o.Size > 1024:
		return fmt.Errorf("--size %d: want 32..1024", o.Size)
	case o.Threads < 0:
		return fmt.Errorf("--threads %d: want 0 (all CPUs) or more", o.Threads)
	case o.CheckpointEvery < 0:
		return fmt.Errorf("--checkpoint-every %d: want 0 (each epoch only) or more steps", o.CheckpointEvery)
	}
	if _, err := model.Preset(o.Backbone, o.Gram); err != nil {
		return err
	}
	if _, err := o.randAugment(); err != nil {
		return err
	}
	return nil
}

// randAugment builds the augmentation, or nil for --augment none.
func (o Options) randAugment() (*augment.RandAugment, error) {
	if o.Augment == "none" {
		return nil, nil
	}
	c, err := augment.ParseConvention(o.Augment)
	if err != nil {
		return nil, fmt.Errorf("--augment %q: want tf, torchvision or none", o.Augment)
	}
	r, err := augment.New(augment.Options{N: o.N, M: o.M, Convention: c, Seed: o.Seed})
	if err != nil {
		return nil, fmt.Errorf("--n %d --m %v: %w", o.N, o.M, err)
	}
	return r, nil
}

// modelConfig is the network the options describe.
func (o Options) modelConfig() (model.Config, error) {
	cfg, err := model.Preset(o.Backbone, o.Gram)
	if err != nil {
		return cfg, err
	}
	cfg.Size, cfg.Seed, cfg.Threads = o.Size, o.Seed, o.Threads
	return cfg, nil
}

// resumeIgnored are the options that may differ on --resume: where the run
// is, where the dataset is (its fingerprint must match), and the thread
// count (a different count still resumes, but the result is then not
// byte-identical to an uninterrupted run).
var resumeIgnored = []string{"out", "data", "threads"}

// DiffOptions compares the options a run was started with against the
// options given on --resume, only for the flag names in set (the flags the
// user gave), and names the first that differs.
func DiffOptions(stored, given Options, set []string) error {
	a, b := optionMap(stored), optionMap(given)
	names := slices.Clone(set)
	slices.Sort(names)
	for _, k := range names {
		if slices.Contains(resumeIgnored, k) {
			continue
		}
		va, okA := a[k]
		vb, okB := b[k]
		if !okA && !okB {
			continue
		}
		if string(va) != string(vb) {
			return fmt.Errorf("--resume: option --%s was %s when the run started, now %s; start a new run with --out to change it",
				k, orNone(va), orNone(vb))
		}
	}
	return nil
}

func orNone(v json.RawMessage) string {
	if len(v) == 0 || string(v) == `""` || string(v) == "null" {
		return "(none)"
	}
	return string(v)
}

func optionMap(o Options) map[string]json.RawMessage {
	b, _ := json.Marshal(o)
	m := map[string]json.RawMessage{}
	_ = json.Unmarshal(b, &m)
	return m
}

// ParseSeeds reads "1,2,3".
func ParseSeeds(s string) ([]uint64, error) {
	var out []uint64
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		v, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("--seeds %q: %q is not a seed", s, f)
		}
		if slices.Contains(out, v) {
			return nil, fmt.Errorf("--seeds %q: seed %d given twice", s, v)
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--seeds %q: no seeds", s)
	}
	return out, nil
}
