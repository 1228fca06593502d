// Package onnx writes ONNX models: a small builder for graphs of nodes,
// float32/int64 initialisers and typed inputs and outputs, encoded as the
// ModelProto of onnx.proto (IR version 8) with protowire.
//
// Only the messages and fields an inference graph needs are written
// (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
// ValueInfoProto, TypeProto.Tensor, TensorShapeProto, OperatorSetIdProto,
// StringStringEntryProto); field numbers are those of Debian libonnx-dev's
// /usr/include/onnx/onnx.proto. Encoding a dozen messages by hand with
// google.golang.org/protobuf's protowire is smaller than generating and
// vendoring Go types for all of onnx.proto. The package knows nothing of
// curate's network; package weights builds the graph.
package onnx

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/curate-ml/curate/internal/atomicfile"
)

// IRVersion is the ONNX IR version written (onnx 1.10+ reads it).
const IRVersion = 8

// Element types (TensorProto.DataType).
const (
	Float = 1
	Uint8 = 2
	Int64 = 7
)

// Attr is one node attribute; set exactly one of the value fields.
type Attr struct {
	Name   string
	Int    *int64
	Float  *float32
	Ints   []int64
	Floats []float32
	String *string
}

// AInt, AFloat, AInts and AString make attributes.
func AInt(name string, v int64) Attr         { return Attr{Name: name, Int: &v} }
func AFloat(name string, v float32) Attr     { return Attr{Name: name, Float: &v} }
func AInts(name string, v ...int64) Attr     { return Attr{Name: name, Ints: v} }
func AString(name string, v string) Attr     { return Attr{Name: name, String: &v} }
func AFloats(name string, v ...float32) Attr { return Attr{Name: name, Floats: v} }

// Node is one operator application.
type Node struct {
	Name    string
	Op      string
	Inputs  []string
	Outputs []string
	Attrs   []Attr
}

// Tensor is an initialiser: float32 (Floats) or int64 (Ints) data.
type Tensor struct {
	Name   string
	Dims   []int64
	Floats []float32
	Ints   []int64
}

// Value is a graph input or output: element type and dimensions; a
// negative dimension is symbolic, named by DimNames at the same index.
type Value struct {
	Name     string
	Elem     int
	Dims     []int64
	DimNames []string
	Doc      string
}

// Model is an ONNX model with one graph.
type Model struct {
	Producer, ProducerVersion string
	Doc                       string
	Opset                     int64
	GraphName                 string
	Nodes                     []Node
	Initializers              []Tensor
	Inputs, Outputs           []Value
	Metadata                  map[string]string
}

type enc []byte

func (b *enc) varint(num protowire.Number, v uint64) {
	*b = protowire.AppendTag(*b, num, protowire.VarintType)
	*b = protowire.AppendVarint(*b, v)
}

func (b *enc) bytes(num protowire.Number, v []byte) {
	*b = protowire.AppendTag(*b, num, protowire.BytesType)
	*b = protowire.AppendBytes(*b, v)
}

func (b *enc) str(num protowire.Number, s string) { b.bytes(num, []byte(s)) }

func (b *enc) msg(num protowire.Number, fill func(*enc)) {
	var m enc
	fill(&m)
	b.bytes(num, m)
}

func (b *enc) fixed32(num protowire.Number, v uint32) {
	*b = protowire.AppendTag(*b, num, protowire.Fixed32Type)
	*b = protowire.AppendFixed32(*b, v)
}

// Marshal encodes the model as a ModelProto.
func (m *Model) Marshal() ([]byte, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	var b enc
	b.varint(1, IRVersion)
	b.str(2, m.Producer)
	b.str(3, m.ProducerVersion)
	if m.Doc != "" {
		b.str(6, m.Doc)
	}
	b.msg(7, func(g *enc) {
		for _, n := range m.Nodes {
			g.msg(1, func(e *enc) { node(e, n) })
		}
		g.str(2, m.GraphName)
		for _, t := range m.Initializers {
			g.msg(5, func(e *enc) { tensor(e, t) })
		}
		for _, v := range m.Inputs {
			g.msg(11, func(e *enc) { value(e, v) })
		}
		for _, v := range m.Outputs {
			g.msg(12, func(e *enc) { value(e, v) })
		}
	})
	b.msg(8, func(e *enc) { e.str(1, ""); e.varint(2, uint64(m.Opset)) })
	keys := make([]string, 0, len(m.Metadata))
	for k := range m.Metadata {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b.msg(14, func(e *enc) { e.str(1, k); e.str(2, m.Metadata[k]) })
	}
	return b, nil
}

// check verifies that every node input is a graph input, an initialiser
// or an earlier node's output, and that names are not produced twice.
func (m *Model) check() error {
	known := map[string]bool{"": true}
	for _, v := range m.Inputs {
		known[v.Name] = true
	}
	for _, t := range m.Initializers {
		if known[t.Name] {
			return fmt.Errorf("onnx: %q defined twice", t.Name)
		}
		n := int64(1)
		for _, d := range t.Dims {
			n *= d
		}
		if (t.Ints == nil && int64(len(t.Floats)) != n) || (t.Ints != nil && int64(len(t.Ints)) != n) {
			return fmt.Errorf("onnx: initialiser %q has dims %v but %d/%d values", t.Name, t.Dims, len(t.Floats), len(t.Ints))
		}
		known[t.Name] = true
	}
	for _, n := range m.Nodes {
		for _, in := range n.Inputs {
			if !known[in] {
				return fmt.Errorf("onnx: node %s (%s) reads %q before it is produced", n.Name, n.Op, in)
			}
		}
		for _, out := range n.Outputs {
			if known[out] {
				return fmt.Errorf("onnx: node %s produces %q a second time", n.Name, out)
			}
			known[out] = true
		}
	}
	for _, v := range m.Outputs {
		if !known[v.Name] {
			return fmt.Errorf("onnx: graph output %q is never produced", v.Name)
		}
	}
	return nil
}

func node(e *enc, n Node) {
	for _, in := range n.Inputs {
		e.str(1, in)
	}
	for _, out := range n.Outputs {
		e.str(2, out)
	}
	e.str(3, n.Name)
	e.str(4, n.Op)
	for _, a := range n.Attrs {
		e.msg(5, func(e *enc) { attr(e, a) })
	}
}

// AttributeProto.AttributeType values.
const (
	attrFloat  = 1
	attrInt    = 2
	attrString = 3
	attrFloats = 6
	attrInts   = 7
)

func attr(e *enc, a Attr) {
	e.str(1, a.Name)
	switch {
	case a.Int != nil:
		e.varint(3, uint64(*a.Int))
		e.varint(20, attrInt)
	case a.Float != nil:
		e.fixed32(2, math.Float32bits(*a.Float))
		e.varint(20, attrFloat)
	case a.String != nil:
		e.str(4, *a.String)
		e.varint(20, attrString)
	case a.Floats != nil:
		for _, f := range a.Floats {
			e.fixed32(7, math.Float32bits(f))
		}
		e.varint(20, attrFloats)
	default:
		for _, v := range a.Ints {
			e.varint(8, uint64(v))
		}
		e.varint(20, attrInts)
	}
}

func tensor(e *enc, t Tensor) {
	for _, d := range t.Dims {
		e.varint(1, uint64(d))
	}
	var raw []byte
	if t.Ints != nil {
		e.varint(2, Int64)
		raw = make([]byte, 8*len(t.Ints))
		for i, v := range t.Ints {
			binary.LittleEndian.PutUint64(raw[8*i:], uint64(v))
		}
	} else {
		e.varint(2, Float)
		raw = make([]byte, 4*len(t.Floats))
		for i, v := range t.Floats {
			binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(v))
		}
	}
	e.str(8, t.Name)
	e.bytes(9, raw)
}

func value(e *enc, v Value) {
	e.str(1, v.Name)
	e.msg(2, func(tp *enc) {
		tp.msg(1, func(tt *enc) {
			tt.varint(1, uint64(v.Elem))
			tt.msg(2, func(sh *enc) {
				for i, d := range v.Dims {
					sh.msg(1, func(dim *enc) {
						if d < 0 {
							dim.str(2, v.DimNames[i])
						} else {
							dim.varint(1, uint64(d))
						}
					})
				}
			})
		})
	})
	if v.Doc != "" {
		e.str(3, v.Doc)
	}
}

// Write encodes the model and writes it to path atomically.
func (m *Model) Write(path string) error {
	b, err := m.Marshal()
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(path, b); err != nil {
		return fmt.Errorf("onnx: %w", err)
	}
	return nil
}
