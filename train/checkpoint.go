package train

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/curate-ml/curate/internal/atomicfile"
	"github.com/curate-ml/curate/model"
	"github.com/curate-ml/curate/safetensors"
)

// checkpointFormat names the metadata layout of curate checkpoints.
const checkpointFormat = "curate-checkpoint/1"

// State is where training stands: what a checkpoint's __metadata__ holds
// beyond the tensors. Position is how many images of epoch Epoch's data
// order (0-based; Epoch = epochs finished) have been trained on; the running
// sums are those of that epoch so far.
type State struct {
	Epoch        int     `json:"epoch"`
	Position     int     `json:"position"`
	Step         uint64  `json:"step"`
	Seed         uint64  `json:"seed"`
	BestEpoch    int     `json:"best_epoch"` // 0 = none yet
	BestAccuracy float64 `json:"best_val_accuracy"`
	BestLoss     float64 `json:"best_val_loss"`
	LossSum      float64 `json:"train_loss_sum"` // sum over images of the batch mean loss
	Correct      int     `json:"train_correct"`
	Seen         int     `json:"train_seen"`
	Skipped      int     `json:"skipped_bad"`
}

func (s State) metadata(cfg model.Config, labelNames []string) map[string]string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	names, _ := json.Marshal(labelNames)
	return map[string]string{
		"format":            checkpointFormat,
		"backbone":          cfg.Backbone,
		"gram":              strconv.Itoa(cfg.Gram),
		"size":              strconv.Itoa(cfg.Size),
		"classes":           strconv.Itoa(cfg.Classes),
		"label_names":       string(names),
		"epoch":             strconv.Itoa(s.Epoch),
		"position":          strconv.Itoa(s.Position),
		"step":              strconv.FormatUint(s.Step, 10),
		"seed":              strconv.FormatUint(s.Seed, 10),
		"best_epoch":        strconv.Itoa(s.BestEpoch),
		"best_val_accuracy": f(s.BestAccuracy),
		"best_val_loss":     f(s.BestLoss),
		"train_loss_sum":    f(s.LossSum),
		"train_correct":     strconv.Itoa(s.Correct),
		"train_seen":        strconv.Itoa(s.Seen),
		"skipped_bad":       strconv.Itoa(s.Skipped),
	}
}

// tensorName is a parameter's checkpoint name: its Keras weight name
// without the ":0" suffix.
func tensorName(p *model.Param) string { return strings.TrimSuffix(p.Name, ":0") }

func accumulatorName(p *model.Param) string { return "optimizer/" + tensorName(p) + "/accumulator" }

// saveCheckpoint writes the network's weights, BN statistics, Adagrad
// accumulators and st to path atomically. crash, when set (tests), is
// called halfway through the data and just before the rename.
func saveCheckpoint(path string, net *model.Net, st State, labelNames []string, crash func(string)) error {
	var ts []safetensors.Tensor
	var data int64
	for _, p := range net.Params() {
		ts = append(ts, safetensors.Tensor{Name: tensorName(p), Shape: p.Shape, Data: p.Data})
		data += 4 * int64(p.Len())
	}
	for _, p := range net.Params() {
		if acc := net.Accumulator(p); acc != nil {
			ts = append(ts, safetensors.Tensor{Name: accumulatorName(p), Shape: p.Shape, Data: acc})
			data += 4 * int64(len(acc))
		}
	}
	f, err := atomicfile.Create(path)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	var w io.Writer = f
	if crash != nil {
		w = &hookWriter{w: f, at: data / 2, hook: func() { crash("checkpoint-half") }}
	}
	if err := safetensors.Encode(w, ts, st.metadata(net.Config(), labelNames)); err != nil {
		f.Abort()
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	if crash != nil {
		crash("checkpoint-before-rename")
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// hookWriter calls hook once when more than at bytes have been written.
type hookWriter struct {
	w    io.Writer
	n    int64
	at   int64
	hook func()
	done bool
}

func (h *hookWriter) Write(p []byte) (int, error) {
	n, err := h.w.Write(p)
	h.n += int64(n)
	if !h.done && h.n > h.at {
		h.done = true
		h.hook()
	}
	return n, err
}

// removeTemporaries deletes the temporary files of interrupted writes.
func removeTemporaries(dir string) {
	tmps, _ := filepath.Glob(filepath.Join(dir, ".*.tmp-*"))
	for _, t := range tmps {
		os.Remove(t)
	}
}

// Checkpoint is an opened weight file: a curate checkpoint, or any
// safetensors file with the network's tensor names.
type Checkpoint struct {
	Path  string
	File  *safetensors.File
	State State
	// Curate says the file has curate's checkpoint metadata (architecture
	// and training state).
	Curate     bool
	Backbone   string
	Gram, Size int
	LabelNames []string
}

// OpenCheckpoint reads a weight file.
func OpenCheckpoint(path string) (*Checkpoint, error) {
	f, err := safetensors.Open(path)
	if err != nil {
		return nil, fmt.Errorf("weights: %w", err)
	}
	c := &Checkpoint{Path: path, File: f}
	m := f.Metadata
	if m["format"] != checkpointFormat {
		return c, nil
	}
	c.Curate = true
	bad := func(key string, err error) error {
		return fmt.Errorf("checkpoint %s: metadata %q = %q: %v", path, key, m[key], err)
	}
	ints := map[string]*int{"gram": &c.Gram, "size": &c.Size, "epoch": &c.State.Epoch, "position": &c.State.Position,
		"best_epoch": &c.State.BestEpoch, "train_correct": &c.State.Correct, "train_seen": &c.State.Seen, "skipped_bad": &c.State.Skipped}
	for k, p := range ints {
		if *p, err = strconv.Atoi(m[k]); err != nil {
			return nil, bad(k, err)
		}
	}
	u64 := map[string]*uint64{"step": &c.State.Step, "seed": &c.State.Seed}
	for k, p := range u64 {
		if *p, err = strconv.ParseUint(m[k], 10, 64); err != nil {
			return nil, bad(k, err)
		}
	}
	fl := map[string]*float64{"best_val_accuracy": &c.State.BestAccuracy, "best_val_loss": &c.State.BestLoss, "train_loss_sum": &c.State.LossSum}
	for k, p := range fl {
		if *p, err = strconv.ParseFloat(m[k], 64); err != nil {
			return nil, bad(k, err)
		}
	}
	c.Backbone = m["backbone"]
	if err := json.Unmarshal([]byte(m["label_names"]), &c.LabelNames); err != nil {
		return nil, bad("label_names", err)
	}
	return c, nil
}

// Load copies the checkpoint's weights and BN statistics into net, and
// with optimizer its Adagrad accumulators and step count too. Every
// parameter of net must be in the file with its shape, and every tensor of
// the file (accumulators aside) must be a parameter of net; otherwise the
// file is for another architecture and Load says which tensor differs.
func (c *Checkpoint) Load(net *model.Net, optimizer bool) error {
	arch := ""
	if c.Curate {
		arch = fmt.Sprintf(" (it was written for backbone %s with %d Gram modules; the network is %s with %d)",
			c.Backbone, c.Gram, net.Config().Backbone, net.Config().Gram)
	}
	want := map[string]bool{}
	for _, p := range net.Params() {
		name := tensorName(p)
		want[name] = true
		info, ok := c.File.Info(name)
		if !ok {
			return fmt.Errorf("weights %s: no tensor %q, which the network needs%s", c.Path, name, arch)
		}
		if !slices.Equal(info.Shape, p.Shape) {
			return fmt.Errorf("weights %s: tensor %q has shape %v, the network's is %v%s", c.Path, name, info.Shape, p.Shape, arch)
		}
		v, err := c.File.Float32(name)
		if err != nil {
			return fmt.Errorf("weights %s: %w", c.Path, err)
		}
		copy(p.Data, v)
		if !optimizer || !p.Trainable {
			continue
		}
		an := accumulatorName(p)
		if _, ok := c.File.Info(an); !ok {
			return fmt.Errorf("checkpoint %s: no optimiser accumulator %q; resume needs a checkpoint curate train wrote", c.Path, an)
		}
		acc, err := c.File.Float32(an)
		if err != nil {
			return fmt.Errorf("checkpoint %s: %w", c.Path, err)
		}
		if len(acc) != p.Len() {
			return fmt.Errorf("checkpoint %s: accumulator %q has %d values, want %d", c.Path, an, len(acc), p.Len())
		}
		copy(net.Accumulator(p), acc)
	}
	for _, t := range c.File.Tensors() {
		if !want[t.Name] && !strings.HasPrefix(t.Name, "optimizer/") {
			return fmt.Errorf("weights %s: tensor %q is not in the network%s", c.Path, t.Name, arch)
		}
	}
	if optimizer {
		net.SetSteps(c.State.Step)
	}
	return nil
}
