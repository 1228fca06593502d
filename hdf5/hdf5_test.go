package hdf5

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The fixtures are written by scripts/keras_h5.py --net small (h5py, not
// this package): 40 layers, weight t holding v[i] = (i%17-8)/8 + t.
var smallWeights = []struct {
	layer, name string
	shape       []int
}{
	{"stem_conv", "stem_conv/kernel:0", []int{3, 3, 3, 4}},
	{"stem_bn", "stem_bn/gamma:0", []int{4}},
	{"stem_bn", "stem_bn/beta:0", []int{4}},
	{"stem_bn", "stem_bn/moving_mean:0", []int{4}},
	{"stem_bn", "stem_bn/moving_variance:0", []int{4}},
	{"block4a_dwconv2", "block4a_dwconv2/depthwise_kernel:0", []int{3, 3, 5, 1}},
	{"block4a_se_reduce", "block4a_se_reduce/kernel:0", []int{1, 1, 5, 2}},
	{"block4a_se_reduce", "block4a_se_reduce/bias:0", []int{2}},
}

func TestKerasFixtures(t *testing.T) {
	for _, tc := range []struct {
		file    string
		version int
		top     string
	}{
		{"small_v0.h5", 0, "/"},              // h5py defaults: symbol tables, v1 headers, contiguous
		{"small_v2.h5", 2, "/model_weights"}, // link messages, v2 headers, chunked, vlen strings
	} {
		t.Run(tc.file, func(t *testing.T) {
			f, err := Open(filepath.Join("..", "testdata", "hdf5", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if f.Version != tc.version {
				t.Errorf("superblock version %d, want %d", f.Version, tc.version)
			}
			top, err := f.Get(tc.top)
			if err != nil {
				t.Fatal(err)
			}
			names, ok, err := top.Attr("layer_names")
			if err != nil || !ok {
				t.Fatalf("layer_names: %v %v", ok, err)
			}
			if len(names.Strings) != 40 || !slices.Equal(names.Strings[:4], []string{"stem_conv", "stem_bn", "block4a_dwconv2", "block4a_se_reduce"}) || names.Strings[39] != "layer_39" {
				t.Errorf("layer_names = %q", names.Strings)
			}
			if kv, _, _ := top.Attr("keras_version"); !slices.Equal(kv.Strings, []string{"2.12.0"}) {
				t.Errorf("keras_version = %+v", kv)
			}
			links, err := top.Links()
			if err != nil {
				t.Fatal(err)
			}
			if len(links) != 40 && !(len(links) == 41 && slices.ContainsFunc(links, func(l Link) bool { return l.Name == "compressed" })) {
				t.Errorf("%d members, want 40", len(links))
			}
			empty, err := top.Child("layer_17")
			if err != nil {
				t.Fatal(err)
			}
			if wn, ok, err := empty.Attr("weight_names"); err != nil || !ok || len(wn.Strings)+len(wn.Numbers) != 0 {
				t.Errorf("layer_17 weight_names = %+v %v %v", wn, ok, err)
			}
			for ti, w := range smallWeights {
				g, err := top.Child(w.layer)
				if err != nil {
					t.Fatal(err)
				}
				wn, _, err := g.Attr("weight_names")
				if err != nil || !slices.Contains(wn.Strings, w.name) {
					t.Errorf("%s weight_names %q lacks %s (%v)", w.layer, wn.Strings, w.name, err)
				}
				d, err := f.Get(tc.top + "/" + w.layer + "/" + w.name)
				if err != nil {
					t.Fatal(err)
				}
				info, err := d.Info()
				if err != nil || !slices.Equal(info.Shape, w.shape) || info.DType != "float32" {
					t.Errorf("%s: %+v %v, want %v float32", w.name, info, err, w.shape)
				}
				v, err := d.Float32()
				if err != nil {
					t.Fatal(err)
				}
				n := 1
				for _, s := range w.shape {
					n *= s
				}
				if len(v) != n {
					t.Fatalf("%s: %d values, want %d", w.name, len(v), n)
				}
				for i, x := range v {
					if want := float32(i%17-8)/8 + float32(ti); x != want {
						t.Fatalf("%s[%d] = %v, want %v", w.name, i, x, want)
					}
				}
			}
		})
	}
}

func TestRefusesUnsupported(t *testing.T) {
	for _, tc := range []struct{ file, path, want string }{
		{"small_v0.h5", "/compressed/x", "deflate"},
		{"small_v2.h5", "/compressed/x", "deflate"},
		{"small_v2.h5", "/dense/g00", "dense link storage"},
	} {
		f, err := Open(filepath.Join("..", "testdata", "hdf5", tc.file))
		if err != nil {
			t.Fatal(err)
		}
		o, err := f.Get(tc.path)
		if err == nil {
			_, err = o.Float32()
		}
		if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.file) {
			t.Errorf("%s %s: err = %v, want ErrUnsupported naming %q and the file", tc.file, tc.path, err, tc.want)
		}
	}
}

func TestMalformed(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("..", "testdata", "hdf5", "small_v0.h5"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"not hdf5", []byte("PK\x03\x04 this is a zip file, not HDF5 at all.............")},
		{"signature only", good[:8]},
		{"truncated superblock", good[:40]},
		{"truncated", good[:2000]},
		{"bad superblock version", append(append(slices.Clone(good[:8]), 9), good[9:]...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := walk(tc.b)
			if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrUnsupported) {
				t.Errorf("err = %v, want ErrFormat or ErrUnsupported", err)
			}
		})
	}
	if err := walk(good); err == nil || !strings.Contains(err.Error(), "deflate") {
		t.Errorf("whole fixture: %v, want only the gzip refusal", err)
	}
}

// walk visits every object, attribute and dataset of a file and returns
// the first error.
func walk(b []byte) error {
	f, err := Parse(b)
	if err != nil {
		return err
	}
	root, err := f.Root()
	if err != nil {
		return err
	}
	var first error
	seen := map[uint64]bool{} // a damaged file may link a group into itself
	var visit func(o *Object, depth int)
	visit = func(o *Object, depth int) {
		if seen[o.addr] {
			return
		}
		seen[o.addr] = true
		if _, err := o.Attributes(); err != nil && first == nil {
			first = err
		}
		switch o.Kind() {
		case KindGroup:
			links, err := o.Links()
			if err != nil {
				first = cmpOr(first, err)
				return
			}
			for _, l := range links {
				c, err := o.Child(l.Name)
				if err != nil {
					first = cmpOr(first, err)
					continue
				}
				if depth < 8 {
					visit(c, depth+1)
				}
			}
		case KindDataset:
			info, err := o.Info()
			if err != nil {
				first = cmpOr(first, err)
				return
			}
			n := 1
			for _, s := range info.Shape {
				n *= s
			}
			if n <= 1<<20 {
				if _, err := o.Float32(); err != nil {
					first = cmpOr(first, err)
				}
			}
		}
	}
	visit(root, 0)
	return first
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"small_v0.h5", "small_v2.h5"} {
		b, err := os.ReadFile(filepath.Join("..", "testdata", "hdf5", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		err := walk(b)
		if err != nil && !errors.Is(err, ErrFormat) && !errors.Is(err, ErrUnsupported) && !strings.Contains(err.Error(), "no member") && !strings.Contains(err.Error(), "not a dataset") {
			t.Fatalf("unexpected error kind: %v", err)
		}
	})
}
