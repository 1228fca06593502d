package reports

// PaperTables are the numbers Motiejauskas & Dzemyda (2024) publish
// (SPEC.md §7), shown beside ours and always marked as the paper's.
type PaperTables struct {
	Citation string        `json:"citation"`
	Table3   []PaperTable3 `json:"table3"` // WEBEmo test accuracy (%), mean ± SD over 5 runs
	Table4   []PaperClass  `json:"table4"` // WEBEmo test, per class, mean of 5 runs
	Table5   []PaperClass  `json:"table5"` // UnbiasedEmo, k=4 trained on WEBEmo
	Table6   []PaperClass  `json:"table6"` // Emotion6, k=4
}

// PaperTable3 is one row of the paper's Table 3.
type PaperTable3 struct {
	Model string  `json:"model"`
	Gram  int     `json:"gram"` // -1 for the row that is not this network (Zhang et al.)
	Mean  float64 `json:"mean"`
	SD    float64 `json:"sd"`
}

// PaperClass is one row of the paper's per-class tables.
type PaperClass struct {
	Model   string     `json:"model"`
	Gram    int        `json:"gram"`
	Others  ClassScore `json:"others"`
	Sadness ClassScore `json:"sadness"`
}

// Published returns the paper's tables.
func Published() PaperTables {
	pc := func(model string, gram int, op, or, of, sp, sr, sf float64, on, sn int) PaperClass {
		return PaperClass{Model: model, Gram: gram,
			Others:  ClassScore{Name: "others", Precision: op, Recall: or, F1: of, Support: on},
			Sadness: ClassScore{Name: "sadness", Precision: sp, Recall: sr, F1: sf, Support: sn}}
	}
	return PaperTables{
		Citation: "Motiejauskas & Dzemyda (2024), EfficientNet CNN with Gram Matrices Modules for Predicting Sadness Emotion, IJCCC 19(5) 6697",
		Table3: []PaperTable3{
			{"baseline B2", 0, 81.368, 0.174},
			{"Zhang et al. (ResNet-50 + Gram, 60 epochs)", -1, 81.313, 0.186},
			{"k=2", 2, 81.772, 0.118},
			{"k=3", 3, 81.806, 0.177},
			{"k=4", 4, 81.826, 0.086},
			{"k=5", 5, 81.816, 0.235},
		},
		Table4: []PaperClass{
			pc("baseline B2", 0, 0.8374, 0.8088, 0.8229, 0.7862, 0.8174, 0.8015, 0, 0),
			pc("k=2", 2, 0.8257, 0.8368, 0.8312, 0.8071, 0.7946, 0.8008, 0, 0),
			pc("k=3", 3, 0.8253, 0.8392, 0.8322, 0.8092, 0.7932, 0.8011, 0, 0),
			pc("k=4", 4, 0.8252, 0.8427, 0.8339, 0.8125, 0.7924, 0.8022, 0, 0),
			pc("k=5", 5, 0.8242, 0.8414, 0.8327, 0.8109, 0.7911, 0.8009, 0, 0),
		},
		Table5: []PaperClass{pc("k=4", 4, 0.8607, 0.8025, 0.8307, 0.7603, 0.8283, 0.7928, 467, 353)},
		Table6: []PaperClass{pc("k=4", 4, 0.8365, 0.7198, 0.7737, 0.5907, 0.7417, 0.6576, 888, 484)},
	}
}

// paperTable3 returns the paper's Table 3 row for k Gram modules.
func (p PaperTables) table3(gram int) *PaperTable3 {
	for i := range p.Table3 {
		if p.Table3[i].Gram == gram {
			return &p.Table3[i]
		}
	}
	return nil
}

// classTable returns the paper's per-class table for an eval set's table name.
func (p PaperTables) classTable(name string) []PaperClass {
	switch name {
	case "Table 4":
		return p.Table4
	case "Table 5":
		return p.Table5
	case "Table 6":
		return p.Table6
	}
	return nil
}
