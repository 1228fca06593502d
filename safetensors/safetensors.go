// Package safetensors reads and writes the safetensors weight format: an
// 8-byte little-endian header length, a JSON header mapping each tensor name
// to its dtype, shape and byte range, then the raw little-endian tensor data.
//
// The reader is strict, because weight files come from users and from the
// web: the header length, every byte range, dtype, shape and element count
// are checked against each other and against the file; ranges must not
// overlap and must tile the data region exactly (as the reference Rust
// implementation requires); duplicate names are refused. F32, F16 and BF16
// tensors are read as float32; the writer writes F32 only.
//
// Written files are deterministic: tensors are laid out in the order given,
// the header's keys are sorted, `__metadata__` first, and the header is
// padded with spaces to a multiple of 8 bytes so tensor data is aligned.
//
// The format is small enough that a reader of our own (about 300 lines) is
// simpler than a dependency; the Go module that exists wraps cgo to the Rust
// crate. This package knows nothing of the network: package model names
// tensors, package weights maps other layouts onto them.
package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/curate-ml/curate/internal/atomicfile"
)

// MaxHeader is the largest JSON header accepted (the reference
// implementation's limit is 100 MB).
const MaxHeader = 100 << 20

// ErrFormat is wrapped by every error about a malformed file.
var ErrFormat = errors.New("safetensors: malformed file")

// DType is a tensor element type as the header spells it.
type DType string

// The element types this package knows the size of. Only F32, F16 and BF16
// can be converted to float32.
const (
	F64  DType = "F64"
	F32  DType = "F32"
	F16  DType = "F16"
	BF16 DType = "BF16"
	I64  DType = "I64"
	I32  DType = "I32"
	I16  DType = "I16"
	I8   DType = "I8"
	U8   DType = "U8"
	Bool DType = "BOOL"
)

// Size is the element size in bytes, or 0 for an unknown dtype.
func (d DType) Size() int {
	switch d {
	case F64, I64:
		return 8
	case F32, I32:
		return 4
	case F16, BF16, I16:
		return 2
	case I8, U8, Bool:
		return 1
	}
	return 0
}

// Info describes one tensor of a file.
type Info struct {
	Name  string
	DType DType
	Shape []int
	Begin int64 // byte offset in the data region
	End   int64
}

// Elements is the number of elements (1 for a scalar of shape []).
func (t Info) Elements() int64 {
	n := int64(1)
	for _, d := range t.Shape {
		n *= int64(d)
	}
	return n
}

// File is a parsed safetensors file held in memory.
type File struct {
	Path     string            // for error messages; "" when parsed from bytes
	Metadata map[string]string // the `__metadata__` entries; never nil
	tensors  []Info            // in data order
	byName   map[string]int
	data     []byte
}

// Open reads and checks the file at path.
func Open(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	f, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	f.Path = path
	return f, nil
}

type headerEntry struct {
	DType       DType   `json:"dtype"`
	Shape       []int64 `json:"shape"`
	DataOffsets []int64 `json:"data_offsets"`
}

// Parse checks and indexes a whole file held in b. The File keeps b.
func Parse(b []byte) (*File, error) {
	if len(b) < 8 {
		return nil, fmt.Errorf("%w: %d bytes, shorter than the 8-byte header length", ErrFormat, len(b))
	}
	n := binary.LittleEndian.Uint64(b[:8])
	if n > MaxHeader {
		return nil, fmt.Errorf("%w: header length %d over the %d-byte limit", ErrFormat, n, MaxHeader)
	}
	if n > uint64(len(b)-8) {
		return nil, fmt.Errorf("%w: header length %d but only %d bytes follow", ErrFormat, n, len(b)-8)
	}
	hdr := b[8 : 8+n]
	data := b[8+n:]
	if len(bytes.TrimSpace(hdr)) == 0 || hdr[0] != '{' {
		return nil, fmt.Errorf("%w: header is not a JSON object", ErrFormat)
	}
	raw, err := decodeObject(hdr)
	if err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrFormat, err)
	}
	f := &File{Metadata: map[string]string{}, byName: map[string]int{}, data: data}
	for _, kv := range raw {
		if kv.key == "__metadata__" {
			if err := json.Unmarshal(kv.val, &f.Metadata); err != nil {
				return nil, fmt.Errorf("%w: __metadata__ is not an object of strings: %v", ErrFormat, err)
			}
			if f.Metadata == nil {
				f.Metadata = map[string]string{}
			}
			continue
		}
		var e headerEntry
		dec := json.NewDecoder(bytes.NewReader(kv.val))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("%w: tensor %q: %v", ErrFormat, kv.key, err)
		}
		t, err := checkEntry(kv.key, e)
		if err != nil {
			return nil, err
		}
		f.tensors = append(f.tensors, t)
	}
	sort.SliceStable(f.tensors, func(i, j int) bool { return f.tensors[i].Begin < f.tensors[j].Begin })
	var at int64
	for i, t := range f.tensors {
		if t.Begin != at {
			if t.Begin < at {
				return nil, fmt.Errorf("%w: tensor %q bytes [%d,%d) overlap the previous tensor's", ErrFormat, t.Name, t.Begin, t.End)
			}
			return nil, fmt.Errorf("%w: tensor %q starts at byte %d, leaving bytes [%d,%d) unused", ErrFormat, t.Name, t.Begin, at, t.Begin)
		}
		at = t.End
		f.byName[t.Name] = i
	}
	if at != int64(len(data)) {
		if at > int64(len(data)) {
			return nil, fmt.Errorf("%w: tensors need %d data bytes, the file holds %d (truncated?)", ErrFormat, at, len(data))
		}
		return nil, fmt.Errorf("%w: %d bytes after the last tensor", ErrFormat, int64(len(data))-at)
	}
	return f, nil
}

func checkEntry(name string, e headerEntry) (Info, error) {
	bad := func(format string, a ...any) (Info, error) {
		return Info{}, fmt.Errorf("%w: tensor %q: %s", ErrFormat, name, fmt.Sprintf(format, a...))
	}
	if name == "" {
		return bad("empty name")
	}
	size := e.DType.Size()
	if size == 0 {
		return bad("unknown dtype %q", e.DType)
	}
	if e.Shape == nil {
		return bad("no shape")
	}
	if len(e.DataOffsets) != 2 {
		return bad("data_offsets has %d values, want 2", len(e.DataOffsets))
	}
	elems := int64(1)
	shape := make([]int, len(e.Shape))
	for i, d := range e.Shape {
		if d < 0 || d > math.MaxInt32 {
			return bad("dimension %d is %d", i, d)
		}
		if d != 0 && elems > math.MaxInt64/8/d {
			return bad("shape %v overflows", e.Shape)
		}
		elems *= d
		shape[i] = int(d)
	}
	begin, end := e.DataOffsets[0], e.DataOffsets[1]
	if begin < 0 || end < begin {
		return bad("data_offsets [%d,%d) are not a range", begin, end)
	}
	if end-begin != elems*int64(size) {
		return bad("%d bytes for shape %v of %s, want %d", end-begin, e.Shape, e.DType, elems*int64(size))
	}
	return Info{Name: name, DType: e.DType, Shape: shape, Begin: begin, End: end}, nil
}

type rawKV struct {
	key string
	val json.RawMessage
}

// decodeObject decodes one JSON object keeping every key, so duplicates can
// be refused (encoding/json would keep the last silently).
func decodeObject(b []byte) ([]rawKV, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("not a JSON object")
	}
	seen := map[string]bool{}
	var out []rawKV
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("key %v is not a string", tok)
		}
		if seen[key] {
			return nil, fmt.Errorf("name %q appears twice", key)
		}
		seen[key] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("value of %q: %w", key, err)
		}
		out = append(out, rawKV{key, v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if rest := bytes.TrimRight(b[dec.InputOffset():], " \t\r\n"); len(rest) != 0 {
		return nil, fmt.Errorf("%d bytes after the header object", len(rest))
	}
	return out, nil
}

// Tensors lists the tensors in data order.
func (f *File) Tensors() []Info { return slices.Clone(f.tensors) }

// Info returns the named tensor's description.
func (f *File) Info(name string) (Info, bool) {
	i, ok := f.byName[name]
	if !ok {
		return Info{}, false
	}
	return f.tensors[i], true
}

// Raw returns the named tensor's bytes (little-endian, as stored).
func (f *File) Raw(name string) ([]byte, error) {
	t, ok := f.Info(name)
	if !ok {
		return nil, f.errorf("no tensor %q", name)
	}
	return f.data[t.Begin:t.End], nil
}

// Float32 returns the named tensor as float32 values, converting F16 and
// BF16.
func (f *File) Float32(name string) ([]float32, error) {
	t, ok := f.Info(name)
	if !ok {
		return nil, f.errorf("no tensor %q", name)
	}
	b := f.data[t.Begin:t.End]
	out := make([]float32, t.Elements())
	switch t.DType {
	case F32:
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
	case F16:
		for i := range out {
			out[i] = HalfToFloat32(binary.LittleEndian.Uint16(b[2*i:]))
		}
	case BF16:
		for i := range out {
			out[i] = math.Float32frombits(uint32(binary.LittleEndian.Uint16(b[2*i:])) << 16)
		}
	default:
		return nil, f.errorf("tensor %q is %s; only F32, F16 and BF16 convert to float32", name, t.DType)
	}
	return out, nil
}

func (f *File) errorf(format string, a ...any) error {
	msg := fmt.Sprintf(format, a...)
	if f.Path != "" {
		return fmt.Errorf("safetensors: %s: %s", f.Path, msg)
	}
	return fmt.Errorf("safetensors: %s", msg)
}

// HalfToFloat32 converts an IEEE 754 binary16 value, subnormals, infinities
// and NaN included.
func HalfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	man := uint32(h) & 0x3ff
	switch {
	case exp == 0 && man == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal: man * 2^-24
		v := float32(man) / (1 << 24)
		if sign != 0 {
			v = -v
		}
		return v
	case exp == 0x1f:
		return math.Float32frombits(sign | 0xff<<23 | man<<13)
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | man<<13)
}

// Tensor is a float32 tensor to write.
type Tensor struct {
	Name  string
	Shape []int
	Data  []float32
}

// Encode writes tensors (as F32, in the order given) and metadata to w.
func Encode(w io.Writer, tensors []Tensor, metadata map[string]string) error {
	hdr, err := header(tensors, metadata)
	if err != nil {
		return err
	}
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(hdr)))
	if _, err := w.Write(n[:]); err != nil {
		return err
	}
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	buf := make([]byte, 0, 1<<16)
	for _, t := range tensors {
		for _, v := range t.Data {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
			if len(buf) == cap(buf) {
				if _, err := w.Write(buf); err != nil {
					return err
				}
				buf = buf[:0]
			}
		}
	}
	_, err = w.Write(buf)
	return err
}

func header(tensors []Tensor, metadata map[string]string) ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	first := true
	put := func(k string, v any) error {
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
		return nil
	}
	if len(metadata) > 0 {
		if err := put("__metadata__", metadata); err != nil { // json sorts map keys
			return nil, err
		}
	}
	type entry struct {
		DType       DType   `json:"dtype"`
		Shape       []int   `json:"shape"`
		DataOffsets []int64 `json:"data_offsets"`
	}
	entries := map[string]entry{}
	var at int64
	for _, t := range tensors {
		if t.Name == "" || t.Name == "__metadata__" {
			return nil, fmt.Errorf("safetensors: cannot write a tensor named %q", t.Name)
		}
		if _, dup := entries[t.Name]; dup {
			return nil, fmt.Errorf("safetensors: tensor %q given twice", t.Name)
		}
		elems := 1
		for _, d := range t.Shape {
			if d < 0 {
				return nil, fmt.Errorf("safetensors: tensor %q has shape %v", t.Name, t.Shape)
			}
			elems *= d
		}
		if elems != len(t.Data) {
			return nil, fmt.Errorf("safetensors: tensor %q has %d values for shape %v", t.Name, len(t.Data), t.Shape)
		}
		shape := t.Shape
		if shape == nil {
			shape = []int{}
		}
		end := at + 4*int64(elems)
		entries[t.Name] = entry{F32, shape, []int64{at, end}}
		at = end
	}
	names := make([]string, 0, len(entries))
	for k := range entries {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if err := put(k, entries[k]); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	for b.Len()%8 != 0 {
		b.WriteByte(' ')
	}
	return []byte(b.String()), nil
}

// Write writes tensors and metadata to path atomically: the file under path
// is either the previous one or the complete new one, whatever kills the
// process.
func Write(path string, tensors []Tensor, metadata map[string]string) error {
	f, err := atomicfile.Create(path)
	if err != nil {
		return fmt.Errorf("safetensors: %w", err)
	}
	if err := Encode(f, tensors, metadata); err != nil {
		f.Abort()
		return fmt.Errorf("safetensors: write %s: %w", path, err)
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("safetensors: %w", err)
	}
	return nil
}
