package reports

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/jpeg"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/disintegration/imaging"

	"github.com/curate-ml/curate/shards"
	"github.com/curate-ml/curate/split"
)

// thumbSide is the longest side of an example thumbnail, in pixels.
const thumbSide = 160

// ExamplesSection holds the example grids of every eval entry that has
// predictions: the most confident sadness and others, and the worst errors.
type ExamplesSection struct {
	Grids   []ExampleGrid `json:"grids"`
	Missing []string      `json:"missing,omitempty"`
}

// ExampleGrid is one grid of images.
type ExampleGrid struct {
	Entry string    `json:"entry"`
	Kind  string    `json:"kind"` // most confident sadness | most confident others | worst errors
	Items []Example `json:"items"`
}

// Example is one image of a grid.
type Example struct {
	ID        string  `json:"id,omitempty"`
	Path      string  `json:"path,omitempty"`
	Label     string  `json:"label"`
	PSadness  float64 `json:"p_sadness"`
	Predicted string  `json:"predicted"`
	Found     bool    `json:"found"` // the image was found and is shown

	thumb []byte // JPEG thumbnail
}

// Grid kinds, in page order.
const (
	GridSadness = "most confident sadness"
	GridOthers  = "most confident others"
	GridErrors  = "worst errors"
)

var classNames = [2]string{"others", "sadness"}

func buildExamples(ctx context.Context, entries []*EvalEntry, n int) (ExamplesSection, error) {
	sec := ExamplesSection{Grids: []ExampleGrid{}}
	look := newLookup()
	defer look.close()
	for _, e := range entries {
		if len(e.preds) == 0 {
			continue
		}
		threshold := 0.5
		if e.Eval != nil && e.Eval.Threshold > 0 {
			threshold = e.Eval.Threshold
		}
		for _, kind := range []string{GridSadness, GridOthers, GridErrors} {
			g := ExampleGrid{Entry: e.Name, Kind: kind, Items: []Example{}}
			for _, p := range pick(e.preds, kind, threshold, n) {
				pred := 0
				if p.PSadness >= threshold {
					pred = 1
				}
				g.Items = append(g.Items, Example{ID: p.ID, Path: p.Path, Label: classNames[p.Label], PSadness: p.PSadness, Predicted: classNames[pred]})
			}
			if err := look.thumbs(ctx, e, g.Items, &sec.Missing); err != nil {
				return sec, err
			}
			sec.Grids = append(sec.Grids, g)
		}
	}
	return sec, nil
}

// pick chooses a grid's predictions: the highest p(sadness), the lowest,
// or the misclassified ones furthest from their label; ties by id and path.
func pick(preds []Prediction, kind string, threshold float64, n int) []Prediction {
	var ps []Prediction
	var score func(p Prediction) float64
	switch kind {
	case GridSadness:
		ps = append(ps, preds...)
		score = func(p Prediction) float64 { return p.PSadness }
	case GridOthers:
		ps = append(ps, preds...)
		score = func(p Prediction) float64 { return -p.PSadness }
	case GridErrors:
		for _, p := range preds {
			if (p.PSadness >= threshold) != (p.Label == 1) {
				ps = append(ps, p)
			}
		}
		score = func(p Prediction) float64 { return math.Abs(float64(p.Label) - p.PSadness) }
	}
	sort.SliceStable(ps, func(i, j int) bool {
		si, sj := score(ps[i]), score(ps[j])
		if si != sj {
			return si > sj
		}
		if ps[i].ID != ps[j].ID {
			return ps[i].ID < ps[j].ID
		}
		return ps[i].Path < ps[j].Path
	})
	if len(ps) > n {
		ps = ps[:n]
	}
	return ps
}

// lookup finds example images: dataset rows by id through the shards API
// (each dataset split opened once), folder images by path.
type lookup struct {
	splits map[string]*shards.Dataset
}

func newLookup() *lookup { return &lookup{splits: map[string]*shards.Dataset{}} }

func (l *lookup) close() {
	for _, d := range l.splits {
		d.Close()
	}
}

// thumbs fills in the thumbnails of items; images it cannot find are
// recorded as missing.
func (l *lookup) thumbs(ctx context.Context, e *EvalEntry, items []Example, miss *[]string) error {
	src := EvalSource{}
	if e.Eval != nil {
		src = e.Eval.Source
	}
	byID := map[string]int{}
	for i, it := range items {
		switch {
		case it.ID != "" && src.Kind != "folder":
			byID[it.ID] = i
		case it.Path != "":
			p, data, err := readImage(it.Path, candidates(e, src.Path))
			if err != nil {
				*miss = append(*miss, fmt.Sprintf("%s: image %s: %v", e.Name, it.Path, err))
				continue
			}
			l.setThumb(e, &items[i], data, p, miss)
		}
	}
	if len(byID) == 0 {
		return nil
	}
	sp, where, err := l.split(src.Split, append(candidates(e, src.Path), e.datasetHint))
	if err != nil {
		*miss = append(*miss, fmt.Sprintf("%s: images of %d examples: %v", e.Name, len(byID), err))
		return nil
	}
	it := sp.Iter()
	for len(byID) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		row, err := it.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", where, err)
		}
		if i, ok := byID[row.ID]; ok {
			delete(byID, row.ID)
			l.setThumb(e, &items[i], row.Image, where+" id "+row.ID, miss)
		}
	}
	for _, id := range sortedKeys(byID) {
		*miss = append(*miss, fmt.Sprintf("%s: id %s not in %s", e.Name, id, where))
	}
	return nil
}

func (l *lookup) setThumb(e *EvalEntry, it *Example, data []byte, where string, miss *[]string) {
	t, err := thumbnail(data)
	if err != nil {
		*miss = append(*miss, fmt.Sprintf("%s: %s: %v", e.Name, where, err))
		return
	}
	it.thumb, it.Found = t, true
}

// candidates are the places a relative source path may be relative to:
// the working directory the eval ran in, or the eval's own folder (outputs
// moved together keep working).
func candidates(e *EvalEntry, path string) []string {
	if path == "" || filepath.IsAbs(path) {
		return []string{path}
	}
	return []string{path, filepath.Join(e.Path, path)}
}

// readImage reads a folder image: its path as given (absolute, or relative
// to the working directory) or relative to one of the source folders.
func readImage(path string, dirs []string) (string, []byte, error) {
	tries := []string{path}
	if !filepath.IsAbs(path) {
		tries = nil
		for _, d := range dirs {
			if d != "" {
				tries = append(tries, filepath.Join(d, path))
			}
		}
		tries = append(tries, path)
	}
	var first error
	for _, p := range tries {
		data, err := os.ReadFile(p)
		if err == nil {
			return p, data, nil
		}
		if first == nil {
			first = err
		}
	}
	return "", nil, first
}

// split opens the split an eval ran on: the first of paths that is a
// dataset (the eval's source path, then the run's dataset path).
func (l *lookup) split(name string, paths []string) (*shards.Split, string, error) {
	var errs []error
	tried := map[string]bool{}
	for _, p := range paths {
		if p == "" || tried[p] || !exists(p) {
			continue
		}
		tried[p] = true
		d, ok := l.splits[p]
		if !ok {
			var err error
			if d, err = shards.Open(p); err != nil {
				errs = append(errs, err)
				continue
			}
			l.splits[p] = d
		}
		if name == "" {
			name = "test"
		}
		if s := d.Split(name); s != nil {
			return s, filepath.Join(p, name), nil
		}
		if len(d.Splits) == 1 {
			return d.Splits[0], p, nil
		}
		errs = append(errs, fmt.Errorf("%s has no split %q", p, name))
	}
	if len(errs) == 0 {
		return nil, "", fmt.Errorf("no dataset at %s", strings.Join(nonEmpty(paths), " or "))
	}
	return nil, "", errors.Join(errs...)
}

func nonEmpty(s []string) []string {
	var out []string
	for _, v := range s {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// thumbnail decodes an image and re-encodes it at most thumbSide pixels on
// its longest side as JPEG.
func thumbnail(data []byte) ([]byte, error) {
	img, err := split.Decode(data, 0)
	if err != nil {
		return nil, err
	}
	small := imaging.Fit(img, thumbSide, thumbSide, imaging.Linear)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, small, &jpeg.Options{Quality: 85}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Thumb is the example's JPEG thumbnail (nil when not found).
func (e Example) Thumb() []byte { return e.thumb }
