package metrics

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

var names = [2]string{"others", "sadness"}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

// Every expected value below was worked out by hand from the labels and
// scores (see the comments), not produced by the code under test.
func TestCompute(t *testing.T) {
	cases := []struct {
		name      string
		labels    []int
		scores    []float64
		conf      [2][2]int
		acc       float64
		others    Class
		sadness   Class
		auc       float64 // NaN = undefined
		roc       []ROCPoint
		lossTerms []float64 // probabilities of the true class
	}{
		{
			// preds at 0.5: 0,1,1,1,0,1. negatives 0.1,0.5,0.9 -> TN 1 FP 2;
			// positives 0.5,0.8,0.3 -> TP 2 FN 1. AUC by pairs: (1+.5+0)+(1+1+0)+(1+0+0) = 4.5 of 9.
			name:   "ties",
			labels: []int{0, 0, 1, 1, 1, 0}, scores: []float64{0.1, 0.5, 0.5, 0.8, 0.3, 0.9},
			conf: [2][2]int{{1, 2}, {1, 2}}, acc: 0.5,
			others:  Class{"others", 0.5, 1.0 / 3, 0.4, 3},
			sadness: Class{"sadness", 0.5, 2.0 / 3, 4.0 / 7, 3},
			auc:     0.5,
			roc: []ROCPoint{{0, 0, 1.9}, {1.0 / 3, 0, 0.9}, {1.0 / 3, 1.0 / 3, 0.8}, {2.0 / 3, 2.0 / 3, 0.5},
				{2.0 / 3, 1, 0.3}, {1, 1, 0.1}},
			lossTerms: []float64{0.9, 0.5, 0.5, 0.8, 0.3, 0.1},
		},
		{
			// only sadness present: TP 2 (0.9, 0.6), FN 1 (0.2).
			name:   "single class",
			labels: []int{1, 1, 1}, scores: []float64{0.9, 0.2, 0.6},
			conf: [2][2]int{{0, 0}, {1, 2}}, acc: 2.0 / 3,
			others:    Class{"others", 0, 0, 0, 0},
			sadness:   Class{"sadness", 1, 2.0 / 3, 0.8, 3},
			auc:       math.NaN(),
			lossTerms: []float64{0.9, 0.2, 0.6},
		},
		{
			name:   "all correct",
			labels: []int{0, 1, 0, 1}, scores: []float64{0.2, 0.7, 0.4, 0.99},
			conf: [2][2]int{{2, 0}, {0, 2}}, acc: 1,
			others:    Class{"others", 1, 1, 1, 2},
			sadness:   Class{"sadness", 1, 1, 1, 2},
			auc:       1,
			roc:       []ROCPoint{{0, 0, 1.99}, {0, 0.5, 0.99}, {0, 1, 0.7}, {0.5, 1, 0.4}, {1, 1, 0.2}},
			lossTerms: []float64{0.8, 0.7, 0.6, 0.99},
		},
		{
			// every score tied: one step from (0,0) to (1,1), area 1/2;
			// all predicted positive at 0.5.
			name:   "all tied",
			labels: []int{0, 1, 0, 1}, scores: []float64{0.5, 0.5, 0.5, 0.5},
			conf: [2][2]int{{0, 2}, {0, 2}}, acc: 0.5,
			others:    Class{"others", 0, 0, 0, 2},
			sadness:   Class{"sadness", 0.5, 1, 2.0 / 3, 2},
			auc:       0.5,
			roc:       []ROCPoint{{0, 0, 1.5}, {1, 1, 0.5}},
			lossTerms: []float64{0.5, 0.5, 0.5, 0.5},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := Compute(c.labels, c.scores, 0.5, names)
			if err != nil {
				t.Fatal(err)
			}
			if e.Confusion != c.conf {
				t.Errorf("confusion %v, want %v", e.Confusion, c.conf)
			}
			if !near(float64(e.Accuracy), c.acc) {
				t.Errorf("accuracy %v, want %v", e.Accuracy, c.acc)
			}
			for i, want := range []Class{c.others, c.sadness} {
				got := e.Classes[i]
				if got.Name != want.Name || got.Support != want.Support || !near(got.Precision, want.Precision) ||
					!near(got.Recall, want.Recall) || !near(got.F1, want.F1) {
					t.Errorf("class %d = %+v, want %+v", i, got, want)
				}
			}
			if math.IsNaN(c.auc) != math.IsNaN(float64(e.ROCAUC)) || (!math.IsNaN(c.auc) && !near(float64(e.ROCAUC), c.auc)) {
				t.Errorf("AUC %v, want %v", e.ROCAUC, c.auc)
			}
			if len(e.ROC) != len(c.roc) {
				t.Fatalf("ROC %v, want %v", e.ROC, c.roc)
			}
			for i := range c.roc {
				g, w := e.ROC[i], c.roc[i]
				if !near(g.FPR, w.FPR) || !near(g.TPR, w.TPR) || !near(g.Threshold, w.Threshold) {
					t.Errorf("ROC[%d] = %v, want %v", i, g, w)
				}
			}
			var want float64
			for _, p := range c.lossTerms {
				want -= math.Log(p)
			}
			want /= float64(len(c.lossTerms))
			if math.Abs(float64(e.Loss)-want) > 1e-9 {
				t.Errorf("loss %v, want %v", e.Loss, want)
			}
		})
	}
}

func TestComputeRejects(t *testing.T) {
	for _, c := range []struct {
		labels []int
		scores []float64
		want   string
	}{
		{[]int{0, 2}, []float64{0.1, 0.2}, "label 2 of item 1"},
		{[]int{0}, []float64{1.5}, "score 1.5 of item 0"},
		{[]int{0}, []float64{0.1, 0.2}, "1 labels for 2 scores"},
	} {
		if _, err := Compute(c.labels, c.scores, 0.5, names); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Compute(%v, %v) error %v, want %q", c.labels, c.scores, err, c.want)
		}
	}
}

func TestUndefinedAUCIsNull(t *testing.T) {
	e, err := Compute([]int{1, 1}, []float64{0.3, 0.7}, 0.5, names)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"roc_auc":null`) || strings.Contains(string(b), `"roc":`) {
		t.Errorf("JSON %s: want roc_auc null and no roc", b)
	}
	var back Eval
	if err := json.Unmarshal(b, &back); err != nil || !math.IsNaN(float64(back.ROCAUC)) || back.Accuracy != 0.5 {
		t.Errorf("round trip %+v, %v", back, err)
	}
}

func TestMeanSD(t *testing.T) {
	s := MeanSD([]float64{1, 2, 3, 4}) // mean 2.5, squares 2.25+0.25+0.25+2.25 = 5, /3
	if !near(float64(s.Mean), 2.5) || !near(float64(s.SD), math.Sqrt(5.0/3)) {
		t.Errorf("MeanSD = %+v", s)
	}
	if one := MeanSD([]float64{0.8}); float64(one.Mean) != 0.8 || !math.IsNaN(float64(one.SD)) {
		t.Errorf("MeanSD of one value = %+v", one)
	}
}
