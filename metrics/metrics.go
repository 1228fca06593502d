// Package metrics computes the binary-classification metrics curate reports
// for the sadness classifier: accuracy, per-class precision, recall, F1 and
// support, the confusion matrix, the ROC curve and ROC-AUC (ties in the
// scores handled exactly), and the cross-entropy of the predicted
// probabilities. It also holds the JSON types of an evaluation (EVAL in the
// run-folder contract) that the trainer, eval, the report and the runner
// share.
//
// Conventions (scikit-learn's): precision of a class never predicted, and
// recall of a class absent from the labels, are 0; F1 is 0 when precision
// and recall are both 0. The ROC curve has one point per distinct score,
// from (0,0) to (1,1); the first point's threshold is the highest score + 1
// (scikit-learn before 1.3; JSON has no infinity). ROC-AUC is undefined when
// only one class is present: it is NaN in Go and null in JSON.
//
// The package knows nothing of the network or the data: it sees labels
// (0 = negative, 1 = positive) and positive-class probabilities.
package metrics

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
)

// Class is one class's row of the paper's Table 4.
type Class struct {
	Name      string  `json:"name"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int     `json:"support"`
}

// ROCPoint is one point of the ROC curve: predicting positive when the
// score is >= Threshold gives this false and true positive rate.
type ROCPoint struct {
	FPR       float64 `json:"fpr"`
	TPR       float64 `json:"tpr"`
	Threshold float64 `json:"threshold"`
}

// Source says what an evaluation ran on.
type Source struct {
	Kind   string `json:"kind"` // "dataset" or "folder"
	Path   string `json:"path"`
	Split  string `json:"split,omitempty"`
	Layout string `json:"layout,omitempty"`
}

// Number is a float64 that is written as null in JSON when it is NaN or
// infinite (an undefined metric).
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

// Eval is the result of evaluating a classifier on a labelled set (the
// contract's EVAL object).
type Eval struct {
	Weights string `json:"weights"`
	Source  Source `json:"source"`
	N       int    `json:"n"`
	// SkippedBad counts the images left out of N because they do not
	// decode (--skip-bad); omitted when none were.
	SkippedBad int        `json:"skipped_bad,omitempty"`
	Loss       Number     `json:"loss"`
	Accuracy   Number     `json:"accuracy"`
	Classes    []Class    `json:"classes"`
	Confusion  [2][2]int  `json:"confusion"` // rows = true negative/positive, cols = predicted
	Positive   string     `json:"positive"`
	Threshold  float64    `json:"threshold"`
	ROCAUC     Number     `json:"roc_auc"`
	ROC        []ROCPoint `json:"roc,omitempty"`
}

// Clip is the probability floor of the cross-entropy (Keras's epsilon).
const Clip = 1e-7

// Compute evaluates positive-class probabilities scores against labels
// (0 or 1) at threshold: predicted positive when score >= threshold. names
// are the negative and positive class names.
func Compute(labels []int, scores []float64, threshold float64, names [2]string) (Eval, error) {
	if len(labels) != len(scores) {
		return Eval{}, fmt.Errorf("metrics: %d labels for %d scores", len(labels), len(scores))
	}
	e := Eval{N: len(labels), Positive: names[1], Threshold: threshold}
	var loss float64
	for i, l := range labels {
		s := scores[i]
		if l != 0 && l != 1 {
			return Eval{}, fmt.Errorf("metrics: label %d of item %d is not 0 or 1", l, i)
		}
		if math.IsNaN(s) || s < 0 || s > 1 {
			return Eval{}, fmt.Errorf("metrics: score %v of item %d is not a probability", s, i)
		}
		pred := 0
		if s >= threshold {
			pred = 1
		}
		e.Confusion[l][pred]++
		p := s
		if l == 0 {
			p = 1 - s
		}
		loss -= math.Log(min(max(p, Clip), 1-Clip))
	}
	if e.N == 0 {
		nan := Number(math.NaN())
		e.Loss, e.Accuracy, e.ROCAUC = nan, nan, nan
		e.Classes = []Class{{Name: names[0]}, {Name: names[1]}}
		return e, nil
	}
	e.Loss = Number(loss / float64(e.N))
	c := e.Confusion
	e.Accuracy = Number(float64(c[0][0]+c[1][1]) / float64(e.N))
	e.Classes = []Class{
		classRow(names[0], c[0][0], c[1][0], c[0][1]), // negative: TP=TN, FP=FN, FN=FP
		classRow(names[1], c[1][1], c[0][1], c[1][0]),
	}
	e.ROC, e.ROCAUC = ROC(labels, scores)
	return e, nil
}

// classRow computes one class's precision, recall and F1 from its true
// positives, false positives and false negatives.
func classRow(name string, tp, fp, fn int) Class {
	r := Class{Name: name, Support: tp + fn}
	if tp+fp > 0 {
		r.Precision = float64(tp) / float64(tp+fp)
	}
	if tp+fn > 0 {
		r.Recall = float64(tp) / float64(tp+fn)
	}
	if r.Precision+r.Recall > 0 {
		r.F1 = 2 * r.Precision * r.Recall / (r.Precision + r.Recall)
	}
	return r
}

// ROC returns the ROC curve (one point per distinct score, highest first,
// from (0,0) to (1,1)) and the area under it by the trapezoidal rule, which
// counts a positive and a negative with the same score as half a correctly
// ordered pair. With only one class present the rates are undefined: ROC
// returns nil and NaN.
func ROC(labels []int, scores []float64) ([]ROCPoint, Number) {
	var P, N int
	for _, l := range labels {
		if l == 1 {
			P++
		} else {
			N++
		}
	}
	if P == 0 || N == 0 {
		return nil, Number(math.NaN())
	}
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return scores[idx[a]] > scores[idx[b]] })
	pts := []ROCPoint{{0, 0, scores[idx[0]] + 1}}
	var tp, fp int
	var area float64
	for i := 0; i < len(idx); {
		s := scores[idx[i]]
		for i < len(idx) && scores[idx[i]] == s {
			if labels[idx[i]] == 1 {
				tp++
			} else {
				fp++
			}
			i++
		}
		prev := pts[len(pts)-1]
		pt := ROCPoint{FPR: float64(fp) / float64(N), TPR: float64(tp) / float64(P), Threshold: s}
		area += (pt.FPR - prev.FPR) * (pt.TPR + prev.TPR) / 2
		pts = append(pts, pt)
	}
	return pts, Number(area)
}

// Stat is the mean and sample standard deviation (n-1) of one metric over
// several runs.
type Stat struct {
	Mean   Number   `json:"mean"`
	SD     Number   `json:"sd"`
	Values []Number `json:"values"`
}

// MeanSD summarises values; SD is NaN for fewer than two values.
func MeanSD(values []float64) Stat {
	s := Stat{Values: make([]Number, len(values))}
	for i, v := range values {
		s.Values[i] = Number(v)
	}
	if len(values) == 0 {
		s.Mean, s.SD = Number(math.NaN()), Number(math.NaN())
		return s
	}
	var sum float64
	for _, v := range values {
		sum += v
	}
	m := sum / float64(len(values))
	s.Mean = Number(m)
	if len(values) < 2 {
		s.SD = Number(math.NaN())
		return s
	}
	var ss float64
	for _, v := range values {
		ss += (v - m) * (v - m)
	}
	s.SD = Number(math.Sqrt(ss / float64(len(values)-1)))
	return s
}
