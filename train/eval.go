package train

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/curate-ml/curate/internal/atomicfile"
	"github.com/curate-ml/curate/metrics"
	"github.com/curate-ml/curate/model"
)

// Prediction is one line of predictions.jsonl: the image (id for dataset
// rows, path for files), its true label (-1 when unknown) and p(sadness).
type Prediction struct {
	ID       string  `json:"id,omitempty"`
	Path     string  `json:"path,omitempty"`
	Label    int     `json:"label"`
	PSadness float64 `json:"p_sadness"`
}

// Progress reports how many of total images are done.
type Progress func(done, total int)

// inferOptions configure predictAll.
type inferOptions struct {
	Batch   int
	Workers int
	SkipBad bool
	Hook    Progress
}

// predictAll runs net in inference mode over every image of src in order,
// in batches padded to a fixed size (inference treats images independently,
// so padding changes nothing but keeps one batch shape). It returns one
// prediction per image that decoded and the descriptions of those skipped.
func predictAll(ctx context.Context, net *model.Net, src Source, o inferOptions) ([]Prediction, []string, error) {
	size := net.Config().Size
	n := src.Len()
	batch := max(1, min(o.Batch, n))
	l := newLoader(ctx, src, loaderOptions{Size: size, Batch: batch, Workers: o.Workers, Prefetch: 2,
		Order: identity(n), SkipBad: o.SkipBad, Pad: true})
	defer l.close()
	classes := net.Config().Classes
	probs := make([]float32, batch*classes)
	preds := make([]Prediction, 0, n)
	var bad []string
	for {
		b, err := l.next(ctx)
		if err != nil {
			return nil, nil, err
		}
		if b == nil {
			break
		}
		bad = append(bad, b.Bad...)
		if b.N > 0 {
			if err := net.Predict(model.Batch{Images: b.Images, N: batch, Size: size}, probs); err != nil {
				l.release(b)
				return nil, nil, err
			}
			for i, s := range b.Samples {
				preds = append(preds, Prediction{ID: s.ID, Path: s.Path, Label: s.Label, PSadness: float64(probs[i*classes+Positive])})
			}
		}
		end := b.End
		l.release(b)
		if o.Hook != nil {
			o.Hook(end, n)
		}
	}
	return preds, bad, nil
}

// evalOf computes the metrics of labelled predictions.
func evalOf(preds []Prediction, names []string, threshold float64) (metrics.Eval, error) {
	labels := make([]int, len(preds))
	scores := make([]float64, len(preds))
	for i, p := range preds {
		if p.Label != 0 && p.Label != 1 {
			where := p.ID
			if where == "" {
				where = p.Path
			}
			return metrics.Eval{}, fmt.Errorf("%s: label %d, want 0 or 1", where, p.Label)
		}
		labels[i], scores[i] = p.Label, p.PSadness
	}
	return metrics.Compute(labels, scores, threshold, [2]string{names[0], names[1]})
}

// writePredictions writes preds as JSON lines to path atomically.
func writePredictions(path string, preds []Prediction) error {
	f, err := atomicfile.Create(path)
	if err != nil {
		return err
	}
	if err := encodeLines(f, preds); err != nil {
		f.Abort()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Commit()
}

func encodeLines(w io.Writer, preds []Prediction) error {
	enc := json.NewEncoder(w)
	for _, p := range preds {
		if err := enc.Encode(p); err != nil {
			return err
		}
	}
	return nil
}

// writeJSON writes v indented to path atomically.
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, append(b, '\n'))
}

func workers(threads int) int {
	if threads <= 0 {
		return runtime.NumCPU()
	}
	return threads
}
