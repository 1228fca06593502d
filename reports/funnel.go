package reports

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/curate-ml/curate/fetch"
	"github.com/curate-ml/curate/ocr/filter"
	"github.com/curate-ml/curate/split"
)

// FunnelSection is where the data went: from list lines to the
// train/validation/test images per class.
type FunnelSection struct {
	Fetch   string   `json:"fetch,omitempty"`  // the fetch output given
	Filter  string   `json:"filter,omitempty"` // the filter-text output given
	Split   string   `json:"split,omitempty"`  // the split output given
	Missing []string `json:"missing,omitempty"`
	// Steps in pipeline order. A step either counts what remains (Removed
	// false) or what was left out at that point (Removed true).
	Steps          []FunnelStep   `json:"steps"`
	FailedByReason []ReasonCount  `json:"failed_by_reason,omitempty"`
	ClassNames     []string       `json:"class_names,omitempty"`
	Splits         []SplitClasses `json:"splits,omitempty"`
	ContactSheets  []string       `json:"contact_sheets,omitempty"` // pages of dropped images with their text boxes
	SheetPages     int            `json:"sheet_pages,omitempty"`    // pages the filter wrote (more than embedded, maybe)
	Notes          []string       `json:"notes,omitempty"`          // stages that do not follow on from each other
}

// FunnelStep is one row of the funnel.
type FunnelStep struct {
	Stage    string `json:"stage"`
	Name     string `json:"name"`
	Count    int64  `json:"count"`
	PerClass []int  `json:"per_class,omitempty"` // others, sadness
	Removed  bool   `json:"removed"`
	Note     string `json:"note,omitempty"`
}

// ReasonCount is how many URLs failed for one reason.
type ReasonCount struct {
	Reason string `json:"reason"`
	Count  int    `json:"count"`
}

// SplitClasses is one split's images per class.
type SplitClasses struct {
	Name     string `json:"name"`
	PerClass []int  `json:"per_class"`
	Total    int    `json:"total"`
}

// Given says whether any stage output was given.
func (f *FunnelSection) Given() bool { return f.Fetch != "" || f.Filter != "" || f.Split != "" }

func onlyOne(kind string, dirs []string) (string, error) {
	switch len(dirs) {
	case 0:
		return "", nil
	case 1:
		return dirs[0], nil
	default:
		return "", fmt.Errorf("report: %d %s outputs given (%s); give one per stage", len(dirs), kind, strings.Join(dirs, ", "))
	}
}

func buildFunnel(fetchDirs, filterDirs, splitDirs []string, maxSheets int) (FunnelSection, []Picture, error) {
	var f FunnelSection
	var err error
	if f.Fetch, err = onlyOne(KindFetch, fetchDirs); err != nil {
		return f, nil, err
	}
	if f.Filter, err = onlyOne(KindFilter, filterDirs); err != nil {
		return f, nil, err
	}
	if f.Split, err = onlyOne(KindSplit, splitDirs); err != nil {
		return f, nil, err
	}
	f.Steps = []FunnelStep{}
	var fs *fetch.Stats
	if f.Fetch != "" {
		path := filepath.Join(f.Fetch, fetch.StatsFile)
		var s fetch.Stats
		if err := readJSON(path, &s); err == nil {
			fs = &s
			f.addFetch(&s)
		} else if err := missing(&f.Missing, path, err); err != nil {
			return f, nil, err
		}
	}
	var ts *filter.Stats
	var sheets []Picture
	if f.Filter != "" {
		path := filepath.Join(f.Filter, filter.StatsFile)
		var s filter.Stats
		if err := readJSON(path, &s); err == nil {
			ts = &s
			f.addFilter(&s)
			if fs != nil && int64(fs.Rows) != s.Images {
				f.Notes = append(f.Notes, fmt.Sprintf("filter-text read %d images but fetch stored %d: the outputs may be of different runs", s.Images, fs.Rows))
			}
		} else if err := missing(&f.Missing, path, err); err != nil {
			return f, nil, err
		}
		if sheets, err = f.loadSheets(ts, maxSheets); err != nil {
			return f, nil, err
		}
	}
	if f.Split != "" {
		path := filepath.Join(f.Split, split.ReportFile)
		var s split.Report
		if err := readJSON(path, &s); err == nil {
			f.addSplit(&s)
			prev := int64(-1)
			switch {
			case ts != nil:
				prev = ts.Kept
			case fs != nil:
				prev = fs.Rows
			}
			if prev >= 0 && prev != int64(s.Funnel.Input) {
				f.Notes = append(f.Notes, fmt.Sprintf("split read %d images but the stage before kept %d: the outputs may be of different runs", s.Funnel.Input, prev))
			}
		} else if err := missing(&f.Missing, path, err); err != nil {
			return f, nil, err
		}
	}
	return f, sheets, nil
}

func (f *FunnelSection) add(stage, name string, count int64, removed bool, note string) {
	f.Steps = append(f.Steps, FunnelStep{Stage: stage, Name: name, Count: count, Removed: removed, Note: note})
}

func (f *FunnelSection) addClasses(stage, name string, perClass [2]int, removed bool, note string) {
	f.Steps = append(f.Steps, FunnelStep{Stage: stage, Name: name, Count: int64(perClass[0] + perClass[1]),
		PerClass: []int{perClass[0], perClass[1]}, Removed: removed, Note: note})
}

func (f *FunnelSection) addFetch(s *fetch.Stats) {
	f.add(KindFetch, "list lines", int64(s.Lines+s.MalformedLines), false, fmt.Sprintf("%d list files", len(s.Lists)))
	if s.MalformedLines > 0 {
		f.add(KindFetch, "malformed lines", int64(s.MalformedLines), true, "not \"<URL> <label>\"")
	}
	if s.RepeatedLines > 0 {
		f.add(KindFetch, "repeated URL lines", int64(s.RepeatedLines), true, "a URL listed again")
	}
	f.add(KindFetch, "unique URLs", int64(s.URLs), false, fmt.Sprintf("%d listed with 2+ different labels", s.MultiLabelURLs))
	for _, reason := range sortedKeys(s.ByReason) {
		if reason == fetch.StatusOK || s.ByReason[reason] == 0 {
			continue
		}
		f.FailedByReason = append(f.FailedByReason, ReasonCount{reason, s.ByReason[reason]})
	}
	sort.SliceStable(f.FailedByReason, func(i, j int) bool { return f.FailedByReason[i].Count > f.FailedByReason[j].Count })
	for _, rc := range f.FailedByReason {
		f.add(KindFetch, "failed: "+rc.Reason, int64(rc.Count), true, "")
	}
	if n := s.ByStatus["pending"]; n > 0 {
		f.add(KindFetch, "not fetched yet", int64(n), true, "the fetch is incomplete")
	}
	note := ""
	if s.DuplicateBytes > 0 {
		note = fmt.Sprintf("%d with the same bytes as an earlier URL", s.DuplicateBytes)
	}
	f.add(KindFetch, "fetched ok", int64(s.ByStatus[fetch.StatusOK]), false, note)
}

func (f *FunnelSection) addFilter(s *filter.Stats) {
	f.add(KindFilter, "text found", s.Dropped, true, "OCR (Tesseract) found words")
	if s.Unreadable > 0 {
		f.add(KindFilter, "unreadable", s.Unreadable, true, "could not be decoded")
	}
	f.add(KindFilter, "text-free", s.Kept, false, fmt.Sprintf("of %d images checked", s.Images))
	f.SheetPages = s.SheetPages
}

func (f *FunnelSection) addSplit(s *split.Report) {
	fu := &s.Funnel
	f.ClassNames = s.Classes
	f.add(KindSplit, "split input", int64(fu.Input), false, "")
	if fu.Unlabelled > 0 {
		f.add(KindSplit, "unlabelled", int64(fu.Unlabelled), true, "")
	}
	if fu.Unreadable > 0 {
		f.add(KindSplit, "unreadable", int64(fu.Unreadable), true, "")
	}
	f.add(KindSplit, "label conflicts", int64(fu.Conflicts.Dropped+fu.Conflicts.GroupDropped), true,
		fmt.Sprintf("%d images listed with both classes, %d duplicate groups with both; policy %s",
			fu.Conflicts.Images, fu.Conflicts.Groups, fu.Conflicts.Policy))
	f.add(KindSplit, "duplicates merged", int64(fu.Duplicates.Removed), true,
		fmt.Sprintf("%d duplicate groups of %d images (%d exact, %d near)", fu.Duplicates.Groups, fu.Duplicates.Images, fu.Duplicates.Exact, fu.Duplicates.Near))
	f.addClasses(KindSplit, "after de-duplication", fu.Deduplicated, false, "")
	f.addClasses(KindSplit, "undersampled", fu.Undersampled, true, undersampleNote(s))
	f.addClasses(KindSplit, "selected", fu.Selected, false, "")
	for _, name := range splitOrder(fu.Splits) {
		c := fu.Splits[name]
		f.addClasses(KindSplit, name, c, false, "")
		f.Splits = append(f.Splits, SplitClasses{Name: name, PerClass: []int{c[0], c[1]}, Total: c[0] + c[1]})
	}
}

func undersampleNote(s *split.Report) string {
	switch {
	case s.MaxPerClass > 0:
		return fmt.Sprintf("at most %d per class", s.MaxPerClass)
	case s.Ratio > 0:
		return fmt.Sprintf("to %.0f%% sadness", 100*s.Ratio)
	}
	return "none"
}

// splitOrder is train, validation, test, then any other in name order.
func splitOrder[V any](m map[string]V) []string {
	var out []string
	for _, n := range []string{"train", "validation", "test"} {
		if _, ok := m[n]; ok {
			out = append(out, n)
		}
	}
	for _, n := range sortedKeys(m) {
		if n != "train" && n != "validation" && n != "test" {
			out = append(out, n)
		}
	}
	return out
}

// loadSheets reads the contact-sheet pages the filter wrote.
func (f *FunnelSection) loadSheets(s *filter.Stats, max int) ([]Picture, error) {
	dir := filepath.Join(f.Filter, filter.SheetsDir)
	pages, err := filepath.Glob(filepath.Join(dir, "page-*.png"))
	if err != nil {
		return nil, err
	}
	sort.Strings(pages)
	if len(pages) == 0 {
		if s != nil && s.SheetPages > 0 {
			f.Missing = append(f.Missing, filepath.Join(dir, "page-0001.png"))
		}
		return nil, nil
	}
	if s == nil {
		f.SheetPages = len(pages)
	}
	var out []Picture
	for i, p := range pages {
		if max < 0 || i >= max {
			break
		}
		data, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			f.Missing = append(f.Missing, p)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
		f.ContactSheets = append(f.ContactSheets, p)
		out = append(out, Picture{Name: filepath.Base(p), MIME: "image/png", Data: data})
	}
	return out, nil
}
