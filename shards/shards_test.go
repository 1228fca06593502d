package shards

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// testJPEG encodes a w x h noisy gradient, different for every seed.
func testJPEG(t testing.TB, seed uint64, w, h int) []byte {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x*255/w) ^ uint8(rng.IntN(32)), uint8(y * 255 / h), uint8(seed * 37), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func testRows(t testing.TB, n int) []*Row {
	rows := make([]*Row, n)
	for i := range rows {
		img := testJPEG(t, uint64(i), 24, 16)
		sum := sha256.Sum256(img)
		rows[i] = &Row{
			ID: fmt.Sprintf("img-%04d", i), Image: img, Path: fmt.Sprintf("%04d.jpg", i),
			Label: int64(i % 2), Labels: []int64{int64(i % 25), 3}, SourceLabel: int64(i % 25),
			URL: fmt.Sprintf("https://example.test/%d.jpg", i), SHA256: hex.EncodeToString(sum[:]),
			Width: 24, Height: 16, Format: "jpeg", List: "train25.txt",
		}
	}
	// Nulls and empty values must survive too.
	rows[1].Labels = nil
	rows[2].Label = NoLabel
	rows[2].SourceLabel = NoLabel
	rows[3].Path = ""
	rows[4].Labels = []int64{}
	return rows
}

func writeSplit(t testing.TB, dir string, rows []*Row, opts WriterOptions) {
	t.Helper()
	w, err := Create(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name       string
		rows       int
		opts       WriterOptions
		wantShards int
	}{
		{"empty", 0, WriterOptions{LabelNames: []string{"others", "sadness"}}, 1},
		{"one batch", 7, WriterOptions{LabelNames: []string{"others", "sadness"}}, 1},
		{"several batches", 250, WriterOptions{LabelNames: []string{"others", "sadness"}}, 1},
		{"rolled shards", 250, WriterOptions{ShardBytes: 20 << 10, BatchRows: 10}, 0},
		{"no label names", 30, WriterOptions{}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			want := testRows(t, max(tc.rows, 5))[:tc.rows]
			writeSplit(t, dir, want, tc.opts)

			d, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			s := d.Splits[0]
			if tc.wantShards > 0 && len(s.Shards) != tc.wantShards {
				t.Errorf("shards = %d, want %d", len(s.Shards), tc.wantShards)
			}
			if tc.wantShards == 0 && len(s.Shards) < 2 {
				t.Errorf("shards = %d, want the writer to roll", len(s.Shards))
			}
			for i, sh := range s.Shards {
				if want := ShardName(i, len(s.Shards)); filepath.Base(sh.Path) != want {
					t.Errorf("shard %d named %s, want %s", i, filepath.Base(sh.Path), want)
				}
			}
			if !reflect.DeepEqual(s.LabelNames, tc.opts.LabelNames) {
				t.Errorf("label names = %q, want %q", s.LabelNames, tc.opts.LabelNames)
			}
			if s.NumRows() != int64(len(want)) {
				t.Fatalf("rows = %d, want %d", s.NumRows(), len(want))
			}
			it := s.Iter()
			for i, w := range want {
				got, err := it.Next()
				if err != nil {
					t.Fatalf("row %d: %v", i, err)
				}
				if !reflect.DeepEqual(got, w) {
					t.Fatalf("row %d via iterator:\n got %+v\nwant %+v", i, got, w)
				}
				byIndex, err := s.Row(int64(i))
				if err != nil || !reflect.DeepEqual(byIndex, w) {
					t.Fatalf("row %d by index: %+v, %v", i, byIndex, err)
				}
			}
			if _, err := it.Next(); err != io.EOF {
				t.Fatalf("after last row: %v, want io.EOF", err)
			}
			if _, err := s.Row(int64(len(want))); err == nil {
				t.Error("row past the end: no error")
			}
		})
	}
}

func TestLayoutFiles(t *testing.T) {
	root := t.TempDir()
	rows := testRows(t, 12)
	for _, split := range []string{"train", "validation", "test"} {
		writeSplit(t, filepath.Join(root, split), rows, WriterOptions{LabelNames: []string{"others", "sadness"}, Split: split})
	}
	if err := WriteDatasetDict(root, []string{"train", "validation", "test"}); err != nil {
		t.Fatal(err)
	}
	var dict map[string][]string
	readJSON(t, filepath.Join(root, "dataset_dict.json"), &dict)
	if !reflect.DeepEqual(dict["splits"], []string{"train", "validation", "test"}) {
		t.Errorf("dataset_dict.json = %v", dict)
	}
	var state map[string]any
	readJSON(t, filepath.Join(root, "validation", "state.json"), &state)
	if state["_split"] != "validation" || state["_format_type"] != nil || state["_output_all_columns"] != false {
		t.Errorf("state.json = %v", state)
	}
	files := state["_data_files"].([]any)
	if len(files) != 1 || files[0].(map[string]any)["filename"] != "data-00000-of-00001.arrow" {
		t.Errorf("state.json _data_files = %v", files)
	}
	var info map[string]any
	readJSON(t, filepath.Join(root, "test", "dataset_info.json"), &info)
	label := info["features"].(map[string]any)["label"].(map[string]any)
	if label["_type"] != "ClassLabel" || !reflect.DeepEqual(label["names"], []any{"others", "sadness"}) {
		t.Errorf("dataset_info.json label feature = %v", label)
	}
	d, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if len(d.Splits) != 3 || d.Split("test") == nil || d.NumRows() != 36 {
		t.Errorf("opened %d splits, %d rows", len(d.Splits), d.NumRows())
	}
	hf, _ := d.Splits[0].Shards[0].Schema.Metadata().GetValue("huggingface")
	var md map[string]any
	if err := json.Unmarshal([]byte(hf), &md); err != nil {
		t.Fatalf("huggingface metadata: %v", err)
	}
	if img := md["info"].(map[string]any)["features"].(map[string]any)["image"].(map[string]any); img["_type"] != "Image" {
		t.Errorf("image feature = %v", img)
	}
	// Leftovers of a crash never carry final names, and are removed by the next Create.
	entries, _ := os.ReadDir(filepath.Join(root, "train"))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("leftover temporary file %s", e.Name())
		}
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func TestDeterministicBytes(t *testing.T) {
	rows := testRows(t, 40)
	a, b := t.TempDir(), t.TempDir()
	writeSplit(t, a, rows, WriterOptions{LabelNames: []string{"x", "y"}})
	writeSplit(t, b, rows, WriterOptions{LabelNames: []string{"x", "y"}})
	for _, f := range []string{"data-00000-of-00001.arrow", "state.json", "dataset_info.json"} {
		x, _ := os.ReadFile(filepath.Join(a, f))
		y, _ := os.ReadFile(filepath.Join(b, f))
		if !bytes.Equal(x, y) || len(x) == 0 {
			t.Errorf("%s differs between two writes of the same rows", f)
		}
	}
}

func TestAbortKeepsEarlierRun(t *testing.T) {
	dir := t.TempDir()
	rows := testRows(t, 20)
	writeSplit(t, dir, rows[:10], WriterOptions{})
	before, _ := os.ReadFile(filepath.Join(dir, ShardName(0, 1)))

	w, err := Create(dir, WriterOptions{BatchRows: 3, ShardBytes: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	w.Abort() // a failed rerun
	after, _ := os.ReadFile(filepath.Join(dir, ShardName(0, 1)))
	if !bytes.Equal(before, after) {
		t.Error("an aborted writer changed the shard of the earlier run")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("abort left %s", e.Name())
		}
	}
	d, err := Open(dir)
	if err != nil || d.NumRows() != 10 {
		t.Fatalf("earlier run no longer readable: %v", err)
	}
	d.Close()
}

func TestWriteRejectsBadLabel(t *testing.T) {
	w, err := Create(t.TempDir(), WriterOptions{LabelNames: []string{"others", "sadness"}})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	if err := w.Write(&Row{ID: "x", Label: 2}); err == nil || !strings.Contains(err.Error(), `"x"`) {
		t.Errorf("label 2 of 2 names: err = %v, want an error naming the row", err)
	}
}

func TestCorruptShards(t *testing.T) {
	dir := t.TempDir()
	writeSplit(t, dir, testRows(t, 30), WriterOptions{BatchRows: 10})
	good, err := os.ReadFile(filepath.Join(dir, ShardName(0, 1)))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrTruncated},
		{"cut in length", good[:6], ErrTruncated},
		{"cut in schema", good[:40], ErrTruncated},
		{"cut in the middle", good[:len(good)/2], ErrTruncated},
		{"cut before the end marker", good[:len(good)-9], ErrTruncated},
		{"not arrow", []byte(strings.Repeat("this is not an arrow file\n", 20)), ErrTruncated},
		{"bad metadata length", append([]byte{0xff, 0xff, 0xff, 0xff, 3, 0, 0, 0}, good[8:]...), ErrCorrupt},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.arrow")
			if err := os.WriteFile(path, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Open(path)
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a *FormatError", err)
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("err = %q does not name the file", err)
			}
		})
	}
}

func FuzzOpenShard(f *testing.F) {
	dir := f.TempDir()
	writeSplit(f, dir, testRows(f, 6), WriterOptions{BatchRows: 2, LabelNames: []string{"a", "b"}})
	good, err := os.ReadFile(filepath.Join(dir, ShardName(0, 1)))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)/3])
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<20 {
			return
		}
		s, err := NewShard("fuzz.arrow", data)
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error is not a *FormatError: %v", err)
			}
			return
		}
		defer s.Close()
		// Rows of a shard that opened must read without panicking. A batch
		// of all-null columns can claim a million rows in a few bytes, so
		// read the first few hundred and the last.
		for i := int64(0); i < s.Rows; i++ {
			if i == 256 {
				i = s.Rows - 1
			}
			if _, err := s.Row(i); err != nil {
				t.Fatal(err)
			}
		}
	})
}
