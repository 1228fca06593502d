package shards

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// newBatch checks a record batch and picks out the columns curate knows.
// Unknown columns are allowed and ignored; a known column of the wrong type
// is an error, as are buffers that do not hold what their lengths promise.
func newBatch(rec arrow.Record, offset int64) (batch, error) {
	b := batch{rec: rec, offset: offset}
	n := int(rec.NumRows())
	for i, f := range rec.Schema().Fields() {
		col := rec.Column(i)
		if col.Len() != n {
			return b, fmt.Errorf("column %q has %d values in a batch of %d rows", f.Name, col.Len(), n)
		}
		if err := validate(col.Data(), f.Name); err != nil {
			return b, err
		}
		if err := b.take(f.Name, col); err != nil {
			return b, err
		}
	}
	return b, nil
}

// take stores col in b when its name is a known column, checking its type.
func (b *batch) take(name string, col arrow.Array) error {
	wrongType := func(want string) error {
		return fmt.Errorf("column %q has type %s, want %s: %w", name, col.DataType(), want, ErrSchema)
	}
	var ok bool
	switch name {
	case ColImage:
		st, isStruct := col.(*array.Struct)
		if !isStruct {
			return wrongType("struct<bytes: binary, path: string>")
		}
		b.image = st
		typ := st.DataType().(*arrow.StructType)
		for i, f := range typ.Fields() {
			switch f.Name {
			case "bytes":
				if b.imageBytes, ok = st.Field(i).(*array.Binary); !ok {
					return wrongType("struct<bytes: binary, path: string>")
				}
			case "path":
				if b.imagePath, ok = st.Field(i).(*array.String); !ok {
					return wrongType("struct<bytes: binary, path: string>")
				}
			}
		}
		return nil
	case ColLabel:
		b.label, ok = col.(*array.Int64)
		if !ok {
			return wrongType("int64")
		}
	case ColSourceLabel:
		b.sourceLabel, ok = col.(*array.Int64)
		if !ok {
			return wrongType("int64")
		}
	case ColLabels:
		b.labels, ok = col.(*array.List)
		if ok {
			b.labelValues, ok = b.labels.ListValues().(*array.Int64)
		}
		if !ok {
			return wrongType("list<int64>")
		}
	case ColWidth, ColHeight:
		a, isInt32 := col.(*array.Int32)
		if !isInt32 {
			return wrongType("int32")
		}
		if name == ColWidth {
			b.width = a
		} else {
			b.height = a
		}
	case ColID, ColURL, ColSHA256, ColFormat, ColList:
		a, isString := col.(*array.String)
		if !isString {
			return wrongType("string")
		}
		switch name {
		case ColID:
			b.id = a
		case ColURL:
			b.url = a
		case ColSHA256:
			b.sha256 = a
		case ColFormat:
			b.format = a
		case ColList:
			b.list = a
		}
	}
	return nil
}

// row fills r with row i of the batch.
func (b *batch) row(i int, r *Row) {
	*r = Row{Label: NoLabel, SourceLabel: NoLabel}
	if b.image != nil && b.image.IsValid(i) {
		if b.imageBytes != nil && b.imageBytes.IsValid(i) {
			r.Image = b.imageBytes.Value(i)
		}
		r.Path = str(b.imagePath, i)
	}
	if b.label != nil && b.label.IsValid(i) {
		r.Label = b.label.Value(i)
	}
	if b.sourceLabel != nil && b.sourceLabel.IsValid(i) {
		r.SourceLabel = b.sourceLabel.Value(i)
	}
	if b.labels != nil && b.labels.IsValid(i) {
		start, end := b.labels.ValueOffsets(i)
		r.Labels = make([]int64, 0, end-start)
		for j := start; j < end; j++ {
			r.Labels = append(r.Labels, b.labelValues.Value(int(j)))
		}
	}
	if b.width != nil && b.width.IsValid(i) {
		r.Width = b.width.Value(i)
	}
	if b.height != nil && b.height.IsValid(i) {
		r.Height = b.height.Value(i)
	}
	r.ID = str(b.id, i)
	r.URL = str(b.url, i)
	r.SHA256 = str(b.sha256, i)
	r.Format = str(b.format, i)
	r.List = str(b.list, i)
}

// str copies a string value out of the mapping, so it outlives Close.
func str(a *array.String, i int) string {
	if a == nil || !a.IsValid(i) {
		return ""
	}
	return strings.Clone(a.Value(i))
}

// validate checks that the buffers of d hold what its length, offset and
// type promise, so reading values can never index past a buffer.
func validate(d arrow.ArrayData, name string) error {
	n, off := d.Len(), d.Offset()
	if n < 0 || off < 0 {
		return fmt.Errorf("column %q: negative length or offset", name)
	}
	bufs := d.Buffers()
	bufLen := func(i int) int {
		if i >= len(bufs) || bufs[i] == nil {
			return 0
		}
		return bufs[i].Len()
	}
	if d.NullN() > 0 && bufLen(0)*8 < off+n {
		return fmt.Errorf("column %q: validity bitmap of %d bytes is too short for %d values", name, bufLen(0), off+n)
	}
	switch t := d.DataType().(type) {
	case *arrow.BinaryType, *arrow.StringType, *arrow.ListType:
		if n == 0 {
			break
		}
		if bufLen(1) < (off+n+1)*4 {
			return fmt.Errorf("column %q: offsets buffer of %d bytes is too short for %d values", name, bufLen(1), n)
		}
		offs := arrow.Int32Traits.CastFromBytes(bufs[1].Bytes())[off : off+n+1]
		limit := 0
		if _, isList := t.(*arrow.ListType); isList {
			if len(d.Children()) != 1 {
				return fmt.Errorf("column %q: list without its values", name)
			}
			limit = d.Children()[0].Len()
		} else {
			limit = bufLen(2)
		}
		if offs[0] < 0 {
			return fmt.Errorf("column %q: negative value offset", name)
		}
		for i := 1; i < len(offs); i++ {
			if offs[i] < offs[i-1] {
				return fmt.Errorf("column %q: value offsets decrease at value %d", name, i-1)
			}
		}
		if int(offs[n]) > limit {
			return fmt.Errorf("column %q: value offsets end at %d, past the %d bytes of values", name, offs[n], limit)
		}
	case arrow.FixedWidthDataType:
		if w := t.BitWidth(); w >= 8 && bufLen(1)*8 < (off+n)*w {
			return fmt.Errorf("column %q: values buffer of %d bytes is too short for %d values", name, bufLen(1), n)
		}
	case *arrow.StructType:
		for _, c := range d.Children() {
			if c.Len() < off+n {
				return fmt.Errorf("column %q: struct field shorter than the struct", name)
			}
		}
	}
	for i, c := range d.Children() {
		if err := validate(c, fmt.Sprintf("%s.%d", name, i)); err != nil {
			return err
		}
	}
	return nil
}
