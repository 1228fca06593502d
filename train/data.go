package train

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"io"
	"slices"
	"strings"

	"github.com/curate-ml/curate/shards"
)

// Positive is the class whose probability the classifier reports: label 1.
const Positive = 1

// Data is an opened training dataset: its train and validation splits (and
// test when present), two label names, and a fingerprint of its contents.
type Data struct {
	Path        string
	Train, Val  *shards.Split
	Test        *shards.Split // nil when the dataset has no test split
	LabelNames  []string
	Fingerprint string

	ds *shards.Dataset
}

// OpenData opens a DatasetDict for training. It needs `train` and
// `validation` splits whose labels are a two-class ClassLabel (negative
// first: ["others", "sadness"]) and every label 0 or 1.
func OpenData(path string) (*Data, error) {
	ds, err := shards.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dataset %s: %w", path, err)
	}
	d := &Data{Path: path, ds: ds}
	ok := false
	defer func() {
		if !ok {
			ds.Close()
		}
	}()
	var names []string
	for _, s := range ds.Splits {
		names = append(names, s.Name)
	}
	for _, want := range []string{"train", "validation"} {
		if !slices.Contains(names, want) {
			return nil, fmt.Errorf("dataset %s has no %q split (it has: %s); curate split writes train, validation and test",
				path, want, strings.Join(names, ", "))
		}
	}
	d.Train, d.Val, d.Test = ds.Split("train"), ds.Split("validation"), ds.Split("test")
	for _, s := range []*shards.Split{d.Train, d.Val, d.Test} {
		if s == nil {
			continue
		}
		if len(s.LabelNames) != 2 {
			return nil, fmt.Errorf("dataset %s: split %s has label names %q; the classifier needs exactly two classes (others, sadness)",
				path, s.Name, s.LabelNames)
		}
		if d.LabelNames == nil {
			d.LabelNames = s.LabelNames
		} else if !slices.Equal(d.LabelNames, s.LabelNames) {
			return nil, fmt.Errorf("dataset %s: split %s has label names %q, split train has %q", path, s.Name, s.LabelNames, d.LabelNames)
		}
		if s.NumRows() == 0 {
			return nil, fmt.Errorf("dataset %s: split %s is empty", path, s.Name)
		}
	}
	if d.Fingerprint, err = fingerprint(d); err != nil {
		return nil, err
	}
	ok = true
	return d, nil
}

// Close unmaps the shards.
func (d *Data) Close() error { return d.ds.Close() }

// Splits returns the row counts of the splits.
func (d *Data) Splits() map[string]int64 {
	m := map[string]int64{"train": d.Train.NumRows(), "validation": d.Val.NumRows()}
	if d.Test != nil {
		m["test"] = d.Test.NumRows()
	}
	return m
}

// fingerprint hashes every row's split, id, label and image hash (the
// stored sha256, or the image bytes when it is missing), and checks every
// label on the way, so a bad label is reported before training starts.
func fingerprint(d *Data) (string, error) {
	h := sha256.New()
	var buf [8]byte
	for _, s := range []*shards.Split{d.Train, d.Val, d.Test} {
		if s == nil {
			continue
		}
		io.WriteString(h, s.Name+"\x00")
		it := s.Iter()
		for {
			i := it.Index()
			r, err := it.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return "", fmt.Errorf("dataset %s: split %s row %d: %w", d.Path, s.Name, i, err)
			}
			if r.Label != 0 && r.Label != 1 {
				return "", fmt.Errorf("dataset %s: split %s row %d (id %q): label %d, want 0 (%s) or 1 (%s)",
					d.Path, s.Name, i, r.ID, r.Label, s.LabelNames[0], s.LabelNames[1])
			}
			io.WriteString(h, r.ID+"\x00")
			binary.LittleEndian.PutUint64(buf[:], uint64(r.Label))
			h.Write(buf[:])
			if r.SHA256 != "" {
				io.WriteString(h, r.SHA256)
			} else {
				sum := sha256.Sum256(r.Image)
				h.Write(sum[:])
			}
		}
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// Sample is one image to load: its encoded bytes, label (-1 = unknown) and
// where it came from.
type Sample struct {
	Data  []byte
	Label int
	ID    string // dataset rows
	Path  string // image files
	Row   int    // index in the source
}

// Source is a list of images the loader reads by index.
type Source interface {
	Len() int
	Sample(i int) (Sample, error)
	Describe(i int) string // "split train row 12 (id abc)" for errors
}

// splitSource reads a shards split.
type splitSource struct{ s *shards.Split }

func (s splitSource) Len() int { return int(s.s.NumRows()) }

func (s splitSource) Sample(i int) (Sample, error) {
	r, err := s.s.Row(int64(i))
	if err != nil {
		return Sample{}, err
	}
	return Sample{Data: r.Image, Label: int(r.Label), ID: r.ID, Row: i}, nil
}

func (s splitSource) Describe(i int) string {
	id := ""
	if r, err := s.s.Row(int64(i)); err == nil && r.ID != "" {
		id = fmt.Sprintf(" (id %q)", r.ID)
	}
	return fmt.Sprintf("split %s row %d%s", s.s.Name, i, id)
}

// augmentKey is the sample id RandAugment draws are keyed by: a hash of
// the image id, or of the row when there is none.
func augmentKey(s Sample) uint64 {
	h := fnv.New64a()
	if s.ID != "" {
		io.WriteString(h, "id:"+s.ID)
	} else {
		fmt.Fprintf(h, "row:%d", s.Row)
	}
	return h.Sum64()
}
