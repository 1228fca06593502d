package reports

import (
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"
)

// EvaluationSection is how good the models are: one entry per eval.json,
// grouped into eval sets (one ROC figure and per-class table each), and
// Table 3 over seeds.
type EvaluationSection struct {
	Entries []*EvalEntry `json:"entries"`
	Sets    []EvalSet    `json:"sets"`
	Table3  []Table3Row  `json:"table3"`
}

// EvalEntry is one eval.json (of an eval output or a run's test/ folder).
type EvalEntry struct {
	Name        string   `json:"name"`
	Path        string   `json:"path"` // the folder holding eval.json
	Set         string   `json:"set,omitempty"`
	Gram        *int     `json:"gram,omitempty"` // when the run is known
	Eval        *Eval    `json:"eval,omitempty"`
	Predictions int      `json:"predictions"`
	Missing     []string `json:"missing,omitempty"`

	preds       []Prediction
	datasetHint string // the run's dataset path, where predictions' ids are looked up if Eval.Source.Path fails
}

// EvalSet is every entry evaluated on the same images.
type EvalSet struct {
	Name       string     `json:"name"`
	Kind       string     `json:"kind"`
	Path       string     `json:"path"`
	Split      string     `json:"split,omitempty"`
	PaperTable string     `json:"paper_table,omitempty"` // the paper's table for this set
	Entries    []int      `json:"entries"`               // indices into EvaluationSection.Entries
	Rows       []ClassRow `json:"rows"`                  // per-class table (Table 4's layout), ours then the paper's
}

// ClassRow is one row of a per-class table.
type ClassRow struct {
	Model    string     `json:"model"`
	Source   string     `json:"source"` // "ours", "ours, mean of N runs", or "paper"
	Gram     *int       `json:"gram,omitempty"`
	Accuracy *Number    `json:"accuracy,omitempty"`
	ROCAUC   *Number    `json:"roc_auc,omitempty"`
	Others   ClassScore `json:"others"`
	Sadness  ClassScore `json:"sadness"`
}

// Table3Row is accuracy (%) mean ± SD over runs for one model, with the
// paper's number for the same k.
type Table3Row struct {
	Model    string       `json:"model"`
	Gram     int          `json:"gram"`
	Source   string       `json:"source"` // summary.json or the runs' test/eval.json
	Accuracy MeanSD       `json:"accuracy_percent"`
	ROCAUC   *MeanSD      `json:"roc_auc,omitempty"`
	Paper    *PaperTable3 `json:"paper,omitempty"`
}

// MeanSD is a mean with the sample standard deviation (n-1) of N values.
type MeanSD struct {
	Mean   Number   `json:"mean"`
	SD     Number   `json:"sd"` // undefined (null) with fewer than 2 values
	N      int      `json:"n"`
	Values []Number `json:"values"`
}

// meanSD is the mean and sample SD of values; an undefined value (NaN)
// makes both NaN.
func meanSD(values []Number) MeanSD {
	m := MeanSD{N: len(values), Values: values, SD: Number(math.NaN())}
	if len(values) == 0 {
		m.Mean = Number(math.NaN())
		return m
	}
	for _, v := range values {
		m.Mean += v
	}
	m.Mean /= Number(len(values))
	if len(values) > 1 {
		var ss Number
		for _, v := range values {
			ss += (v - m.Mean) * (v - m.Mean)
		}
		m.SD = Number(math.Sqrt(float64(ss) / float64(len(values)-1)))
	}
	return m
}

// loadEval reads dir/eval.json and dir/predictions.jsonl.
func loadEval(dir, name string) (*EvalEntry, error) {
	e := &EvalEntry{Name: name, Path: dir}
	path := filepath.Join(dir, evalFile)
	var ev Eval
	if err := readJSON(path, &ev); err == nil {
		if err := checkEval(&ev); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		e.Eval = &ev
	} else if err := missing(&e.Missing, path, err); err != nil {
		return nil, err
	}
	path = filepath.Join(dir, predictionsFile)
	err := readJSONL(path, func(p *Prediction) error {
		if p.Label != 0 && p.Label != 1 {
			return fmt.Errorf("label %d: want 0 or 1", p.Label)
		}
		if p.PSadness < 0 || p.PSadness > 1 || math.IsNaN(p.PSadness) {
			return fmt.Errorf("p_sadness %v: want 0..1", p.PSadness)
		}
		e.preds = append(e.preds, *p)
		return nil
	})
	if err := missing(&e.Missing, path, err); err != nil {
		return nil, err
	}
	e.Predictions = len(e.preds)
	return e, nil
}

// checkEval rejects an eval.json the report cannot show.
func checkEval(ev *Eval) error {
	c := ev.Confusion
	if sum := c[0][0] + c[0][1] + c[1][0] + c[1][1]; sum != ev.N {
		return fmt.Errorf("the confusion matrix counts %d images, n is %d", sum, ev.N)
	}
	for _, c := range ev.Classes {
		if c.Name != "others" && c.Name != "sadness" {
			return fmt.Errorf("class %q: want others or sadness", c.Name)
		}
	}
	return nil
}

// classOf returns the named class's scores.
func classOf(ev *Eval, name string) ClassScore {
	for _, c := range ev.Classes {
		if c.Name == name {
			return c
		}
	}
	return ClassScore{Name: name}
}

// gramOf finds the run a weights file belongs to (RUN/checkpoints/X) and
// returns its Gram modules.
func gramOf(weights string) *int {
	if weights == "" {
		return nil
	}
	var info RunInfo
	if readJSON(filepath.Join(filepath.Dir(filepath.Dir(weights)), runFile), &info) != nil {
		return nil
	}
	g := info.Model.Gram
	return &g
}

// setKey identifies the images an Eval was computed on.
func setKey(s EvalSource) string {
	return s.Kind + "\x00" + filepath.Clean(s.Path) + "\x00" + s.Split
}

func setName(s EvalSource) string {
	base := filepath.Base(filepath.Clean(s.Path))
	if s.Split != "" {
		return base + " / " + s.Split
	}
	return base
}

// paperTableFor names the paper's table of an eval set: WEBEmo test
// (Table 4) for a dataset's test split, UnbiasedEmo (Table 5) and Emotion6
// (Table 6) for folders read with those layouts or so named.
func paperTableFor(s EvalSource) string {
	p := strings.ToLower(s.Path)
	switch {
	case s.Layout == "unbiasedemo" || (s.Kind == "folder" && strings.Contains(p, "unbiased")):
		return "Table 5"
	case s.Layout == "emotion6" || (s.Kind == "folder" && strings.Contains(p, "emotion6")):
		return "Table 6"
	case s.Kind == "dataset" && s.Split == "test":
		return "Table 4"
	}
	return ""
}

func buildEvaluation(runs *loadedRuns, evalDirs []string, names map[string]string) (EvaluationSection, error) {
	sec := EvaluationSection{Entries: []*EvalEntry{}, Sets: []EvalSet{}, Table3: []Table3Row{}}
	for _, r := range runs.order {
		sec.Entries = append(sec.Entries, r.test)
	}
	for _, d := range evalDirs {
		e, err := loadEval(d, names[d])
		if err != nil {
			return sec, err
		}
		if e.Eval != nil {
			e.Gram = gramOf(e.Eval.Weights)
		}
		sec.Entries = append(sec.Entries, e)
	}
	// seedOf maps a seed run's entry to its several-seed group.
	seedOf := map[*EvalEntry]*loadedSeeds{}
	for _, s := range runs.seeds {
		for _, r := range s.runs {
			seedOf[r.test] = s
		}
	}
	index := map[string]int{}
	for i, e := range sec.Entries {
		if e.Eval == nil {
			continue
		}
		key := setKey(e.Eval.Source)
		k, ok := index[key]
		if !ok {
			k = len(sec.Sets)
			index[key] = k
			src := e.Eval.Source
			sec.Sets = append(sec.Sets, EvalSet{Name: setName(src), Kind: src.Kind, Path: src.Path, Split: src.Split, PaperTable: paperTableFor(src)})
		}
		e.Set = sec.Sets[k].Name
		sec.Sets[k].Entries = append(sec.Sets[k].Entries, i)
	}
	paper := Published()
	for k := range sec.Sets {
		set := &sec.Sets[k]
		set.Rows = []ClassRow{}
		groups := map[*loadedSeeds][]*EvalEntry{}
		var groupOrder []*loadedSeeds
		for _, i := range set.Entries {
			e := sec.Entries[i]
			set.Rows = append(set.Rows, entryRow(e))
			if s := seedOf[e]; s != nil {
				if groups[s] == nil {
					groupOrder = append(groupOrder, s)
				}
				groups[s] = append(groups[s], e)
			}
		}
		for _, s := range groupOrder {
			if es := groups[s]; len(es) > 1 {
				set.Rows = append(set.Rows, meanRow(s.name, es))
			}
		}
		for _, p := range paper.classTable(set.PaperTable) {
			g := p.Gram
			row := ClassRow{Model: p.Model, Source: "paper", Gram: &g, Others: p.Others, Sadness: p.Sadness}
			if t3 := paper.table3(g); t3 != nil && set.PaperTable == "Table 4" {
				acc := Number(t3.Mean / 100) // Table 3's accuracy of the same network
				row.Accuracy = &acc
			}
			set.Rows = append(set.Rows, row)
		}
	}
	sec.Table3 = buildTable3(runs, paper)
	return sec, nil
}

func entryRow(e *EvalEntry) ClassRow {
	acc, auc := e.Eval.Accuracy, e.Eval.ROCAUC
	return ClassRow{Model: e.Name, Source: "ours", Gram: e.Gram, Accuracy: &acc, ROCAUC: &auc,
		Others: classOf(e.Eval, "others"), Sadness: classOf(e.Eval, "sadness")}
}

// meanRow averages the entries of several seeds, as the paper's Table 4
// averages its 5 runs.
func meanRow(name string, es []*EvalEntry) ClassRow {
	var row ClassRow
	row.Model = name
	row.Source = fmt.Sprintf("ours, mean of %d runs", len(es))
	row.Gram = es[0].Gram
	row.Others.Name, row.Sadness.Name = "others", "sadness"
	var acc, auc Number
	n := float64(len(es))
	for _, e := range es {
		o, s := classOf(e.Eval, "others"), classOf(e.Eval, "sadness")
		row.Others.Precision += o.Precision / n
		row.Others.Recall += o.Recall / n
		row.Others.F1 += o.F1 / n
		row.Others.Support += o.Support
		row.Sadness.Precision += s.Precision / n
		row.Sadness.Recall += s.Recall / n
		row.Sadness.F1 += s.F1 / n
		row.Sadness.Support += s.Support
		acc += e.Eval.Accuracy / Number(n)
		auc += e.Eval.ROCAUC / Number(n)
	}
	row.Others.Support /= len(es)
	row.Sadness.Support /= len(es)
	row.Accuracy, row.ROCAUC = &acc, &auc
	return row
}

// buildTable3 makes one row per several-seed run (its summary.json values,
// or its seeds' test accuracies when summary.json is missing) and one per
// Gram setting of the single runs given, baseline first.
func buildTable3(runs *loadedRuns, paper PaperTables) []Table3Row {
	rows := []Table3Row{}
	for _, s := range runs.seeds {
		row := Table3Row{Model: s.name, Gram: -1}
		var acc, auc []Number
		if s.summary != nil {
			row.Gram = s.summary.Gram
			row.Source = filepath.Join(s.dir, summaryFile)
			acc = s.summary.Metrics["accuracy"].Values
			auc = s.summary.Metrics["roc_auc"].Values
		} else {
			row.Source = "test/eval.json of each seed"
			for _, r := range s.runs {
				if r.test.Eval != nil {
					acc = append(acc, r.test.Eval.Accuracy)
					auc = append(auc, r.test.Eval.ROCAUC)
				}
				if row.Gram < 0 {
					row.Gram = r.gram()
				}
			}
		}
		if len(acc) == 0 {
			continue
		}
		row.Accuracy = percent(meanSD(acc))
		if len(auc) > 0 {
			m := meanSD(auc)
			row.ROCAUC = &m
		}
		rows = append(rows, row)
	}
	byGram := map[int][]*loadedRun{}
	for _, r := range runs.single {
		if r.test.Eval != nil {
			byGram[r.gram()] = append(byGram[r.gram()], r)
		}
	}
	for g, rs := range byGram {
		var acc, auc []Number
		var names []string
		for _, r := range rs {
			acc = append(acc, r.test.Eval.Accuracy)
			auc = append(auc, r.test.Eval.ROCAUC)
			names = append(names, r.name)
		}
		m := meanSD(auc)
		rows = append(rows, Table3Row{Model: strings.Join(names, ", "), Gram: g, Source: "test/eval.json",
			Accuracy: percent(meanSD(acc)), ROCAUC: &m})
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Gram != rows[j].Gram {
			return rows[i].Gram < rows[j].Gram
		}
		return rows[i].Model < rows[j].Model
	})
	for i := range rows {
		if rows[i].Gram >= 0 {
			rows[i].Paper = paper.table3(rows[i].Gram)
		}
	}
	return rows
}

// percent scales accuracies (0..1) to percent, as the paper's Table 3.
func percent(m MeanSD) MeanSD {
	vals := make([]Number, len(m.Values))
	for i, v := range m.Values {
		vals[i] = 100 * v
	}
	return meanSD(vals)
}
