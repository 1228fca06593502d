package reports

import (
	"encoding/json"
	"math"
)

// The JSON files reports reads, as the project's contract fixes them
// (briefs/CONTRACT.md): the trainer's run folder and the eval output. The
// stage outputs (fetch-stats.json, filter-stats.json, split-report.json) are
// decoded into the stages' own exported types.

// Eval is eval.json, and the "val" object of a metrics.jsonl line (then
// without ROC points).
type Eval struct {
	Weights   string       `json:"weights"`
	Source    EvalSource   `json:"source"`
	N         int          `json:"n"`
	Loss      Number       `json:"loss"`
	Accuracy  Number       `json:"accuracy"`
	Classes   []ClassScore `json:"classes"`
	Confusion [][]int      `json:"confusion"` // rows = true others/sadness, cols = predicted
	Positive  string       `json:"positive"`
	Threshold float64      `json:"threshold"`
	ROCAUC    Number       `json:"roc_auc"`
	ROC       []ROCPoint   `json:"roc,omitempty"`
}

// EvalSource says what an Eval was computed on.
type EvalSource struct {
	Kind   string `json:"kind"` // dataset | folder
	Path   string `json:"path"`
	Split  string `json:"split"`
	Layout string `json:"layout"`
}

// ClassScore is one class's precision, recall, F1 and support.
type ClassScore struct {
	Name      string `json:"name"`
	Precision Number `json:"precision"`
	Recall    Number `json:"recall"`
	F1        Number `json:"f1"`
	Support   int    `json:"support"`
}

// ROCPoint is one point of a ROC curve.
type ROCPoint struct {
	FPR       float64 `json:"fpr"`
	TPR       float64 `json:"tpr"`
	Threshold float64 `json:"threshold"`
}

// Prediction is one line of predictions.jsonl.
type Prediction struct {
	ID       string  `json:"id,omitempty"`
	Path     string  `json:"path,omitempty"`
	Label    int     `json:"label"`
	PSadness float64 `json:"p_sadness"`
}

// RunInfo is run.json.
type RunInfo struct {
	CurateVersion string         `json:"curate_version"`
	Options       map[string]any `json:"options"`
	Dataset       struct {
		Path        string         `json:"path"`
		Fingerprint string         `json:"fingerprint"`
		Splits      map[string]int `json:"splits"`
		LabelNames  []string       `json:"label_names"`
	} `json:"dataset"`
	Model struct {
		Backbone string `json:"backbone"`
		Gram     int    `json:"gram"`
		Size     int    `json:"size"`
		Params   int64  `json:"params"`
	} `json:"model"`
	Started string `json:"started"`
}

// Epoch is one line of metrics.jsonl.
type Epoch struct {
	Epoch         int     `json:"epoch"`
	Step          int     `json:"step"`
	TrainLoss     Number  `json:"train_loss"`
	TrainAccuracy Number  `json:"train_accuracy"`
	LR            float64 `json:"lr"`
	ImagesPerS    float64 `json:"images_per_s"`
	Seconds       float64 `json:"seconds"`
	SkippedBad    int     `json:"skipped_bad"`
	Val           *Eval   `json:"val"`
}

// Summary is summary.json of a several-seed run.
type Summary struct {
	Runs    []string               `json:"runs"`
	Gram    int                    `json:"gram"`
	Metrics map[string]SummaryStat `json:"metrics"`
}

// SummaryStat is one metric over the seeds.
type SummaryStat struct {
	Mean   Number   `json:"mean"`
	SD     Number   `json:"sd"`
	Values []Number `json:"values"`
}

// Number is a float64 that JSON writes as null when it is NaN or infinite
// (an undefined metric, as the trainer writes it) and reads null as NaN.
type Number float64

// MarshalJSON writes null for NaN and infinities.
func (x Number) MarshalJSON() ([]byte, error) {
	f := float64(x)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(f)
}

// UnmarshalJSON reads null as NaN.
func (x *Number) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*x = Number(math.NaN())
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*x = Number(f)
	return nil
}
