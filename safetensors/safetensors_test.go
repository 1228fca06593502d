package safetensors

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// build assembles a file by hand: header JSON, then data, the way the
// format's specification describes it (independent of Encode).
func build(hdr string, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint64(len(hdr)))
	b.WriteString(hdr)
	b.Write(data)
	return b.Bytes()
}

func le32(vs ...float32) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	return b
}

func le16(vs ...uint16) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint16(b, v)
	}
	return b
}

func TestParseHandBuilt(t *testing.T) {
	data := append(le32(1, -2.5, 3, 4, 5, 6), le16(0x3C00, 0xC000, 0x7BFF, 0x0001)...)
	data = append(data, le16(0x3F80, 0xC0A0)...)
	hdr := `{"__metadata__":{"epoch":"3"},"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},` +
		`"h":{"dtype":"F16","shape":[4],"data_offsets":[24,32]},"bf":{"dtype":"BF16","shape":[2],"data_offsets":[32,36]}}`
	f, err := Parse(build(hdr, data))
	if err != nil {
		t.Fatal(err)
	}
	if f.Metadata["epoch"] != "3" {
		t.Errorf("metadata %v", f.Metadata)
	}
	want := map[string][]float32{
		"w":  {1, -2.5, 3, 4, 5, 6},
		"h":  {1, -2, 65504, float32(math.Ldexp(1, -24))},
		"bf": {1, -5},
	}
	for name, w := range want {
		got, err := f.Float32(name)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, w) {
			t.Errorf("%s = %v, want %v", name, got, w)
		}
	}
	if names := []string{f.Tensors()[0].Name, f.Tensors()[1].Name, f.Tensors()[2].Name}; !slices.Equal(names, []string{"w", "h", "bf"}) {
		t.Errorf("data order %v", names)
	}
	if inf, _ := f.Info("w"); !slices.Equal(inf.Shape, []int{2, 3}) || inf.DType != F32 {
		t.Errorf("info %+v", inf)
	}
	if _, err := f.Float32("missing"); err == nil {
		t.Error("missing tensor read without error")
	}
}

func TestHalf(t *testing.T) {
	for _, c := range []struct {
		h    uint16
		want float32
	}{
		{0x0000, 0}, {0x3C00, 1}, {0x3555, 0.333251953125}, {0xC400, -4}, {0x0400, float32(math.Ldexp(1, -14))},
		{0x03FF, float32(math.Ldexp(1023, -24))}, {0x7C00, float32(math.Inf(1))}, {0xFC00, float32(math.Inf(-1))},
	} {
		if got := HalfToFloat32(c.h); got != c.want {
			t.Errorf("half %#04x = %v, want %v", c.h, got, c.want)
		}
	}
	if v := HalfToFloat32(0x7E00); !math.IsNaN(float64(v)) {
		t.Errorf("NaN half = %v", v)
	}
	if v := HalfToFloat32(0x8000); math.Float32bits(v) != 0x80000000 {
		t.Errorf("-0 half = %v", v)
	}
}

func TestParseRejects(t *testing.T) {
	ok := `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`
	for _, c := range []struct {
		name string
		file []byte
	}{
		{"short", []byte{1, 2, 3}},
		{"header past end", build(ok, nil)[:20]},
		{"huge header length", append(binary.LittleEndian.AppendUint64(nil, 1<<40), "{}"...)},
		{"not object", build(`[1,2]`, nil)},
		{"bad json", build(`{"a":`, nil)},
		{"trailing header bytes", build(`{} x`, nil)},
		{"duplicate name", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, le32(1, 2))},
		{"unknown dtype", build(`{"a":{"dtype":"F8","shape":[2],"data_offsets":[0,2]}}`, []byte{1, 2})},
		{"size mismatch", build(`{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}`, le32(1, 2))},
		{"negative dim", build(`{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}`, nil)},
		{"overflowing shape", build(`{"a":{"dtype":"F32","shape":[2147483647,2147483647,2147483647],"data_offsets":[0,8]}}`, le32(1, 2))},
		{"reversed range", build(`{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}`, le32(1, 2))},
		{"three offsets", build(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8,9]}}`, le32(1, 2))},
		{"no shape", build(`{"a":{"dtype":"F32","data_offsets":[0,8]}}`, le32(1, 2))},
		{"extra field", build(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"x":1}}`, le32(1, 2))},
		{"truncated data", build(ok, le32(1))},
		{"trailing data", build(ok, le32(1, 2, 3))},
		{"overlap", build(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}`, le32(1, 2, 3))},
		{"gap", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, le32(1, 2))},
		{"metadata not strings", build(`{"__metadata__":{"a":1}}`, nil)},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.file)
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("Parse = %v, want an ErrFormat", err)
			}
		})
	}
}

func TestRoundTripAndDeterminism(t *testing.T) {
	dir := t.TempDir()
	ts := []Tensor{
		{Name: "stem_conv/kernel", Shape: []int{3, 3, 3, 2}, Data: make([]float32, 54)},
		{Name: "b/bias", Shape: []int{2}, Data: []float32{float32(math.Inf(-1)), -0}},
		{Name: "scalar", Shape: nil, Data: []float32{7}},
		{Name: "empty", Shape: []int{0, 4}, Data: nil},
	}
	for i := range ts[0].Data {
		ts[0].Data[i] = float32(i) / 7
	}
	meta := map[string]string{"step": "12", "epoch": "1"}
	p1, p2 := filepath.Join(dir, "a.safetensors"), filepath.Join(dir, "b.safetensors")
	if err := Write(p1, ts, meta); err != nil {
		t.Fatal(err)
	}
	if err := Write(p2, ts, meta); err != nil {
		t.Fatal(err)
	}
	b1, _ := os.ReadFile(p1)
	b2, _ := os.ReadFile(p2)
	if !bytes.Equal(b1, b2) {
		t.Fatal("two writes of the same tensors differ")
	}
	if n := binary.LittleEndian.Uint64(b1); (8+n)%8 != 0 {
		t.Errorf("data starts at %d, not 8-aligned", 8+n)
	}
	f, err := Open(p1)
	if err != nil {
		t.Fatal(err)
	}
	if f.Metadata["step"] != "12" || len(f.Metadata) != 2 {
		t.Errorf("metadata %v", f.Metadata)
	}
	for _, want := range ts {
		got, err := f.Float32(want.Name)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want.Data) {
			t.Fatalf("%s: %d values, want %d", want.Name, len(got), len(want.Data))
		}
		for i := range got {
			if math.Float32bits(got[i]) != math.Float32bits(want.Data[i]) {
				t.Fatalf("%s[%d] = %v, want %v", want.Name, i, got[i], want.Data[i])
			}
		}
	}
	if got := f.Tensors()[0].Name; got != "stem_conv/kernel" {
		t.Errorf("first tensor in data order = %s", got)
	}
}

func TestWriteRejects(t *testing.T) {
	dir := t.TempDir()
	for _, ts := range [][]Tensor{
		{{Name: "a", Shape: []int{2}, Data: []float32{1}}},
		{{Name: "a", Shape: []int{1}, Data: []float32{1}}, {Name: "a", Shape: []int{1}, Data: []float32{1}}},
		{{Name: "", Shape: []int{1}, Data: []float32{1}}},
		{{Name: "__metadata__", Shape: []int{1}, Data: []float32{1}}},
	} {
		p := filepath.Join(dir, "x.safetensors")
		if err := Write(p, ts, nil); err == nil {
			t.Errorf("Write(%v) succeeded", ts)
		}
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("failed Write left %s behind", p)
		}
	}
}

// FuzzParse: no input panics, and whatever parses re-encodes (as F32) to a
// file that parses to the same values.
func FuzzParse(f *testing.F) {
	f.Add(build(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, le32(1, 2)))
	f.Add(build(`{"__metadata__":{"k":"v"},"h":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}`, le16(0x3C00)))
	f.Add(build(`{}`, nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := Parse(b)
		if err != nil {
			return
		}
		var ts []Tensor
		for _, inf := range file.Tensors() {
			v, err := file.Float32(inf.Name)
			if err != nil || inf.Name == "__metadata__" {
				return
			}
			ts = append(ts, Tensor{Name: inf.Name, Shape: inf.Shape, Data: v})
		}
		var buf bytes.Buffer
		if err := Encode(&buf, ts, file.Metadata); err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		again, err := Parse(buf.Bytes())
		if err != nil {
			t.Fatalf("re-encoded file does not parse: %v", err)
		}
		for _, tt := range ts {
			v, _ := again.Float32(tt.Name)
			for i := range v {
				if math.Float32bits(v[i]) != math.Float32bits(tt.Data[i]) {
					t.Fatalf("%s[%d] changed", tt.Name, i)
				}
			}
		}
	})
}
