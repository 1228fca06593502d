package train

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Folder layouts that eval reads.
const (
	// LayoutClassFolders is DIR/<class>/...: images under a folder named
	// after the positive class (sadness) are positive, all others negative.
	LayoutClassFolders = "classfolders"
	// LayoutUnbiasedEmo is UnbiasedEmo's DIR/images/<emotion>/<object>/*.jpg
	// (or DIR/<emotion>/<object>/*.jpg): the sadness emotion is positive,
	// the five others negative.
	LayoutUnbiasedEmo = "unbiasedemo"
	// LayoutEmotion6 is Emotion6: DIR/ground_truth.txt (tab-separated,
	// header: filename, valence, arousal, then the probabilities of anger,
	// disgust, fear, joy, sadness, surprise, neutral) naming images under
	// DIR/images (or DIR). See Emotion6Rule for which images are positive.
	LayoutEmotion6 = "emotion6"
)

// Layouts lists the folder layouts.
var Layouts = []string{LayoutClassFolders, LayoutUnbiasedEmo, LayoutEmotion6}

// Emotion6Rule decides which Emotion6 images are positive from their
// ground-truth probabilities. The default, argmax, makes an image positive
// when its sadness probability is at least every other emotion's (neutral
// included; a tie with another emotion counts as sadness); MinP > 0
// instead makes it positive when p(sadness) >= MinP. Every image is
// evaluated, none is left out.
type Emotion6Rule struct {
	MinP float64 // 0 = argmax
}

// ParseEmotion6Rule reads "argmax" or a probability such as "0.5".
func ParseEmotion6Rule(s string) (Emotion6Rule, error) {
	if s == "" || s == "argmax" {
		return Emotion6Rule{}, nil
	}
	p, err := strconv.ParseFloat(s, 64)
	if err != nil || p <= 0 || p > 1 {
		return Emotion6Rule{}, fmt.Errorf("emotion6 rule %q: want argmax or a probability in (0, 1]", s)
	}
	return Emotion6Rule{MinP: p}, nil
}

func (r Emotion6Rule) String() string {
	if r.MinP == 0 {
		return "argmax"
	}
	return strconv.FormatFloat(r.MinP, 'g', -1, 64)
}

// imageExts are the file types folders are searched for.
var imageExts = []string{".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp"}

func isImage(name string) bool {
	return slices.Contains(imageExts, strings.ToLower(filepath.Ext(name)))
}

// fileSource reads image files.
type fileSource struct {
	paths  []string
	labels []int // nil = unknown
}

func (s *fileSource) Len() int { return len(s.paths) }

func (s *fileSource) Sample(i int) (Sample, error) {
	b, err := os.ReadFile(s.paths[i])
	if err != nil {
		return Sample{}, err
	}
	l := -1
	if s.labels != nil {
		l = s.labels[i]
	}
	return Sample{Data: b, Label: l, Path: s.paths[i], Row: i}, nil
}

func (s *fileSource) Describe(i int) string { return "image " + s.paths[i] }

// imagesUnder lists the image files under dir, recursively, sorted.
func imagesUnder(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && isImage(p) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(out)
	return out, nil
}

// folderSource lists a labelled folder in one of the layouts.
func folderSource(dir, layout, positive string, rule Emotion6Rule) (*fileSource, error) {
	switch layout {
	case LayoutClassFolders, LayoutUnbiasedEmo:
		root := dir
		if layout == LayoutUnbiasedEmo {
			if st, err := os.Stat(filepath.Join(dir, "images")); err == nil && st.IsDir() {
				root = filepath.Join(dir, "images")
			}
		}
		ents, err := os.ReadDir(root)
		if err != nil {
			return nil, fmt.Errorf("folder %s: %w", dir, err)
		}
		src := &fileSource{labels: []int{}}
		var classes []string
		found := false
		for _, e := range ents {
			p := filepath.Join(root, e.Name())
			if !e.IsDir() {
				if isImage(e.Name()) {
					return nil, fmt.Errorf("folder %s (layout %s): image %s is not in a class folder", dir, layout, p)
				}
				continue
			}
			classes = append(classes, e.Name())
			imgs, err := imagesUnder(p)
			if err != nil {
				return nil, fmt.Errorf("folder %s: %w", dir, err)
			}
			label := 0
			if strings.EqualFold(e.Name(), positive) {
				label, found = 1, true
			}
			for _, im := range imgs {
				src.paths = append(src.paths, im)
				src.labels = append(src.labels, label)
			}
		}
		if !found {
			return nil, fmt.Errorf("folder %s (layout %s): no class folder named %q (found: %s)", root, layout, positive, strings.Join(classes, ", "))
		}
		if len(src.paths) == 0 {
			return nil, fmt.Errorf("folder %s: no images (%s)", root, strings.Join(imageExts, " "))
		}
		return src, nil
	case LayoutEmotion6:
		return emotion6Source(dir, rule)
	}
	return nil, fmt.Errorf("layout %q: want one of %s", layout, strings.Join(Layouts, ", "))
}

// emotion6Columns are the probability columns of ground_truth.txt.
var emotion6Columns = []string{"anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral"}

func emotion6Source(dir string, rule Emotion6Rule) (*fileSource, error) {
	gt := filepath.Join(dir, "ground_truth.txt")
	f, err := os.Open(gt)
	if err != nil {
		return nil, fmt.Errorf("emotion6 folder %s: %w", dir, err)
	}
	defer f.Close()
	imgRoot := dir
	if st, err := os.Stat(filepath.Join(dir, "images")); err == nil && st.IsDir() {
		imgRoot = filepath.Join(dir, "images")
	}
	sc := bufio.NewScanner(f)
	line := 0
	col := map[string]int{}
	src := &fileSource{labels: []int{}}
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" {
			continue
		}
		fields := strings.Split(text, "\t")
		if len(col) == 0 {
			for i, h := range fields {
				h = strings.ToLower(strings.Trim(strings.TrimSpace(h), "[]"))
				h = strings.TrimSpace(strings.TrimPrefix(h, "prob."))
				if h == "image_filename" || h == "filename" || h == "file" || h == "image" {
					h = "filename"
				}
				col[h] = i
			}
			for _, need := range append([]string{"filename"}, emotion6Columns...) {
				if _, ok := col[need]; !ok {
					return nil, fmt.Errorf("%s line %d: header has no %q column (got %q)", gt, line, need, text)
				}
			}
			continue
		}
		if len(fields) < len(col) {
			return nil, fmt.Errorf("%s line %d: %d fields, the header has %d", gt, line, len(fields), len(col))
		}
		probs := map[string]float64{}
		for _, c := range emotion6Columns {
			v, err := strconv.ParseFloat(strings.TrimSpace(fields[col[c]]), 64)
			if err != nil {
				return nil, fmt.Errorf("%s line %d: %s probability %q is not a number", gt, line, c, fields[col[c]])
			}
			probs[c] = v
		}
		label := 1
		if rule.MinP > 0 {
			if probs["sadness"] < rule.MinP {
				label = 0
			}
		} else {
			for _, c := range emotion6Columns {
				if probs[c] > probs["sadness"] {
					label = 0
				}
			}
		}
		name := strings.TrimSpace(fields[col["filename"]])
		p := filepath.Join(imgRoot, filepath.FromSlash(name))
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("%s line %d: image %s: %w", gt, line, name, err)
		}
		src.paths = append(src.paths, p)
		src.labels = append(src.labels, label)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", gt, err)
	}
	if len(src.paths) == 0 {
		return nil, fmt.Errorf("%s: no images listed", gt)
	}
	return src, nil
}
