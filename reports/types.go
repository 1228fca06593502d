package reports

import (
	"github.com/curate-ml/curate/metrics"
	"github.com/curate-ml/curate/train"
)

// The trainer's JSON files (the project's contract), decoded with the
// trainer's own types so the report and the trainer cannot drift apart.
// The stage outputs (fetch-stats.json, filter-stats.json, split-report.json)
// are decoded into the stages' exported types in the same way.
type (
	// Eval is eval.json, and the "val" object of a metrics.jsonl line.
	Eval = metrics.Eval
	// EvalSource says what an Eval was computed on.
	EvalSource = metrics.Source
	// ClassScore is one class's precision, recall, F1 and support.
	ClassScore = metrics.Class
	// ROCPoint is one point of a ROC curve.
	ROCPoint = metrics.ROCPoint
	// Number is a float64 that JSON writes as null when undefined (NaN).
	Number = metrics.Number
	// Prediction is one line of predictions.jsonl.
	Prediction = train.Prediction
	// RunInfo is run.json.
	RunInfo = train.RunInfo
	// Epoch is one line of metrics.jsonl.
	Epoch = train.EpochMetrics
	// Summary is summary.json of a several-seed run.
	Summary = train.Summary
)
