package shards

import (
	"errors"
	"fmt"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// Message header types of the Arrow IPC format.
const (
	headerSchema          = 1
	headerDictionaryBatch = 2
	headerRecordBatch     = 3
)

// decodeRecordBatch builds a record from a RecordBatch message whose
// buffers are slices of body, without copying. It supports the types a
// dataset of images and metadata holds: fixed-width values, booleans,
// (large) binary and strings, (large and fixed-size) lists and structs.
func decodeRecordBatch(schema *arrow.Schema, meta, body []byte) (arrow.Record, error) {
	pm, err := parseMessage(meta)
	if err != nil {
		return nil, err
	}
	switch pm.headerType {
	case headerRecordBatch:
	case headerDictionaryBatch:
		return nil, errors.New("dictionary-encoded columns are not supported")
	case headerSchema:
		return nil, errors.New("a second schema message in the stream")
	default:
		return nil, fmt.Errorf("unexpected message type %d", pm.headerType)
	}
	if pm.header == nil {
		return nil, errors.New("record batch message without its header")
	}
	rb := pm.header
	length, err := rb.i64(0)
	if err != nil {
		return nil, err
	}
	if _, present, _ := rb.child(3); present {
		return nil, errors.New("compressed record batches are not supported")
	}
	nodes, err := rb.structs16(1)
	if err != nil {
		return nil, err
	}
	bufs, err := rb.structs16(2)
	if err != nil {
		return nil, err
	}
	if length < 0 || length > int64(len(body))*8+1<<20 {
		return nil, fmt.Errorf("record batch claims %d rows", length)
	}
	d := &batchDecoder{body: body, nodes: nodes, bufs: bufs}
	cols := make([]arrow.Array, 0, schema.NumFields())
	release := func() {
		for _, c := range cols {
			c.Release()
		}
	}
	for _, f := range schema.Fields() {
		data, err := d.field(f.Type, 0)
		if err != nil {
			release()
			return nil, fmt.Errorf("column %q: %w", f.Name, err)
		}
		cols = append(cols, array.MakeFromData(data))
		data.Release()
	}
	if d.node != len(nodes) || d.buf != len(bufs) {
		release()
		return nil, fmt.Errorf("record batch has %d field nodes and %d buffers, the schema uses %d and %d", len(nodes), len(bufs), d.node, d.buf)
	}
	rec := array.NewRecord(schema, cols, length)
	release()
	return rec, nil
}

type batchDecoder struct {
	body  []byte
	nodes [][2]int64 // length, null count
	bufs  [][2]int64 // offset, length
	node  int
	buf   int
}

func (d *batchDecoder) nextBuffer() (*memory.Buffer, error) {
	if d.buf >= len(d.bufs) {
		return nil, errors.New("fewer buffers than the schema needs")
	}
	off, n := d.bufs[d.buf][0], d.bufs[d.buf][1]
	d.buf++
	if off < 0 || n < 0 || off > int64(len(d.body)) || n > int64(len(d.body))-off {
		return nil, fmt.Errorf("buffer [%d, +%d) lies outside the %d-byte message body", off, n, len(d.body))
	}
	return memory.NewBufferBytes(d.body[off : off+n]), nil
}

func (d *batchDecoder) field(t arrow.DataType, depth int) (arrow.ArrayData, error) {
	if depth > 32 {
		return nil, errors.New("types nested too deeply")
	}
	if d.node >= len(d.nodes) {
		return nil, errors.New("fewer field nodes than the schema needs")
	}
	length, nulls := d.nodes[d.node][0], d.nodes[d.node][1]
	d.node++
	if length < 0 || nulls < 0 || nulls > length || length > int64(len(d.body))*8+1<<20 {
		return nil, fmt.Errorf("field node with %d values and %d nulls", length, nulls)
	}
	n, nn := int(length), int(nulls)

	var nbuf int
	var children []arrow.DataType
	switch tt := t.(type) {
	case *arrow.NullType:
		return array.NewData(t, n, []*memory.Buffer{nil}, nil, n, 0), nil
	case *arrow.BinaryType, *arrow.StringType, *arrow.LargeBinaryType, *arrow.LargeStringType:
		nbuf = 3
	case *arrow.ListType:
		nbuf, children = 2, []arrow.DataType{tt.Elem()}
	case *arrow.LargeListType:
		nbuf, children = 2, []arrow.DataType{tt.Elem()}
	case *arrow.FixedSizeListType:
		nbuf, children = 1, []arrow.DataType{tt.Elem()}
	case *arrow.StructType:
		nbuf = 1
		for _, f := range tt.Fields() {
			children = append(children, f.Type)
		}
	case *arrow.BooleanType:
		nbuf = 2
	case arrow.FixedWidthDataType:
		if _, isDict := t.(*arrow.DictionaryType); isDict {
			return nil, errors.New("dictionary-encoded columns are not supported")
		}
		nbuf = 2
	default:
		return nil, fmt.Errorf("type %s is not supported", t)
	}
	buffers := make([]*memory.Buffer, nbuf)
	for i := range buffers {
		b, err := d.nextBuffer()
		if err != nil {
			return nil, err
		}
		buffers[i] = b
	}
	if nn == 0 {
		buffers[0] = nil // validity bitmaps may be omitted when nothing is null
	}
	var childData []arrow.ArrayData
	release := func() {
		for _, c := range childData {
			c.Release()
		}
	}
	for _, ct := range children {
		c, err := d.field(ct, depth+1)
		if err != nil {
			release()
			return nil, err
		}
		childData = append(childData, c)
	}
	if fsl, ok := t.(*arrow.FixedSizeListType); ok && len(childData) == 1 {
		if int64(childData[0].Len()) < int64(n)*int64(fsl.Len()) {
			release()
			return nil, errors.New("fixed-size list values shorter than the list")
		}
	}
	data := array.NewData(t, n, buffers, childData, nn, 0)
	release()
	if err := validate(data, t.String()); err != nil {
		data.Release()
		return nil, err
	}
	return data, nil
}
