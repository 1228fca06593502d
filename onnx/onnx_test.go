package onnx

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

func tiny() *Model {
	return &Model{Producer: "test", Opset: 13, GraphName: "g",
		Inputs:       []Value{{Name: "x", Elem: Float, Dims: []int64{-1, 3}, DimNames: []string{"N"}}},
		Outputs:      []Value{{Name: "y", Elem: Float, Dims: []int64{-1, 3}, DimNames: []string{"N"}}},
		Initializers: []Tensor{{Name: "b", Dims: []int64{3}, Floats: []float32{1, 2, 3}}},
		Nodes:        []Node{{Name: "add", Op: "Add", Inputs: []string{"x", "b"}, Outputs: []string{"y"}}},
		Metadata:     map[string]string{"k": "v"}}
}

// fields decodes one level of a protobuf message: field number -> raw
// values (varints as numbers, bytes as strings).
func fields(t *testing.T, b []byte) map[protowire.Number][]any {
	t.Helper()
	out := map[protowire.Number][]any{}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			t.Fatalf("bad tag: %v", protowire.ParseError(n))
		}
		b = b[n:]
		switch typ {
		case protowire.VarintType:
			v, m := protowire.ConsumeVarint(b)
			out[num] = append(out[num], v)
			n = m
		case protowire.BytesType:
			v, m := protowire.ConsumeBytes(b)
			out[num] = append(out[num], string(v))
			n = m
		case protowire.Fixed32Type:
			v, m := protowire.ConsumeFixed32(b)
			out[num] = append(out[num], v)
			n = m
		default:
			t.Fatalf("unexpected wire type %d", typ)
		}
		if n < 0 {
			t.Fatalf("bad value: %v", protowire.ParseError(n))
		}
		b = b[n:]
	}
	return out
}

func TestMarshalFields(t *testing.T) {
	b, err := tiny().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	m := fields(t, b)
	if m[1][0] != uint64(IRVersion) || m[2][0] != "test" {
		t.Errorf("ir_version/producer: %v %v", m[1], m[2])
	}
	opset := fields(t, []byte(m[8][0].(string)))
	if opset[2][0] != uint64(13) {
		t.Errorf("opset %v", opset)
	}
	g := fields(t, []byte(m[7][0].(string)))
	node := fields(t, []byte(g[1][0].(string)))
	if node[4][0] != "Add" || len(node[1]) != 2 || node[2][0] != "y" {
		t.Errorf("node %v", node)
	}
	init := fields(t, []byte(g[5][0].(string)))
	if init[2][0] != uint64(Float) || len(init[9][0].(string)) != 12 || init[8][0] != "b" {
		t.Errorf("initializer %v", init)
	}
	in := fields(t, []byte(g[11][0].(string)))
	tt := fields(t, []byte(fields(t, []byte(in[2][0].(string)))[1][0].(string)))
	dims := fields(t, []byte(tt[2][0].(string)))[1]
	if len(dims) != 2 || fields(t, []byte(dims[0].(string)))[2][0] != "N" || fields(t, []byte(dims[1].(string)))[1][0] != uint64(3) {
		t.Errorf("input shape %v", dims)
	}
	meta := fields(t, []byte(m[14][0].(string)))
	if meta[1][0] != "k" || meta[2][0] != "v" {
		t.Errorf("metadata %v", meta)
	}
}

func TestCheckRefusesBrokenGraphs(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Model)
		want string
	}{
		{"undefined input", func(m *Model) { m.Nodes[0].Inputs[1] = "nope" }, "reads \"nope\""},
		{"produced twice", func(m *Model) { m.Nodes = append(m.Nodes, m.Nodes[0]) }, "second time"},
		{"missing output", func(m *Model) { m.Outputs[0].Name = "z" }, "never produced"},
		{"short initialiser", func(m *Model) { m.Initializers[0].Floats = m.Initializers[0].Floats[:2] }, "dims [3]"},
	} {
		m := tiny()
		tc.edit(m)
		if _, err := m.Marshal(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
}
