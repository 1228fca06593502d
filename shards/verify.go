package shards

import (
	"encoding/binary"
	"fmt"
)

// verifyMessage checks, before the arrow library parses it, that every
// table, vector and string of an IPC message's flatbuffer lies inside the
// metadata. The library trusts vector lengths and would try to allocate
// gigabytes for a corrupt one; this keeps a bad shard an error, not a crash.
//
// It walks the parts of Message.fbs a stream uses: Message, Schema, Field,
// KeyValue, the type union, DictionaryEncoding, RecordBatch, DictionaryBatch.
func verifyMessage(meta []byte) error {
	v := &fbVerifier{buf: meta, budget: 1 << 16}
	root, err := v.uoffset(0)
	if err != nil {
		return err
	}
	msg, err := v.table(root)
	if err != nil {
		return fmt.Errorf("message: %w", err)
	}
	headerType, err := msg.u8(1)
	if err != nil {
		return err
	}
	if err := msg.vectorOfTables(4, v.keyValue); err != nil {
		return fmt.Errorf("message metadata: %w", err)
	}
	header, ok, err := msg.child(2)
	if err != nil || !ok {
		return err
	}
	switch headerType {
	case 1:
		return v.schema(header)
	case 2: // DictionaryBatch: id, data (RecordBatch), isDelta
		t, err := v.table(header)
		if err != nil {
			return err
		}
		rb, ok, err := t.child(1)
		if err != nil || !ok {
			return err
		}
		return v.recordBatch(rb)
	case 3:
		return v.recordBatch(header)
	}
	return nil
}

type fbVerifier struct {
	buf    []byte
	budget int // tables left to visit, bounding work on hostile input
}

type fbTable struct {
	v      *fbVerifier
	pos    int
	vtable int
	vtsize int
}

func (v *fbVerifier) u32(pos int) (uint32, error) {
	if pos < 0 || pos+4 > len(v.buf) {
		return 0, fmt.Errorf("offset %d outside the %d-byte metadata", pos, len(v.buf))
	}
	return binary.LittleEndian.Uint32(v.buf[pos:]), nil
}

func (v *fbVerifier) uoffset(pos int) (int, error) {
	u, err := v.u32(pos)
	if err != nil {
		return 0, err
	}
	target := pos + int(u)
	if u > uint32(len(v.buf)) || target >= len(v.buf) {
		return 0, fmt.Errorf("offset at %d points outside the metadata", pos)
	}
	return target, nil
}

func (v *fbVerifier) table(pos int) (*fbTable, error) {
	if v.budget--; v.budget < 0 {
		return nil, fmt.Errorf("too many nested tables")
	}
	so, err := v.u32(pos)
	if err != nil {
		return nil, err
	}
	vt := pos - int(int32(so))
	if vt < 0 || vt+4 > len(v.buf) {
		return nil, fmt.Errorf("vtable of table at %d outside the metadata", pos)
	}
	vtsize := int(binary.LittleEndian.Uint16(v.buf[vt:]))
	tsize := int(binary.LittleEndian.Uint16(v.buf[vt+2:]))
	if vtsize < 4 || vtsize%2 != 0 || vt+vtsize > len(v.buf) || pos+tsize > len(v.buf) {
		return nil, fmt.Errorf("table at %d does not fit in the metadata", pos)
	}
	t := &fbTable{v: v, pos: pos, vtable: vt, vtsize: vtsize}
	// Every field present must lie within the table's inline size.
	for f := 0; 4+2*f < vtsize; f++ {
		if fo := t.fieldOffset(f); fo != 0 && fo+1 > tsize {
			return nil, fmt.Errorf("field %d of table at %d lies outside it", f, pos)
		}
	}
	return t, nil
}

// fieldOffset is field f's offset inside the table, 0 when absent.
func (t *fbTable) fieldOffset(f int) int {
	if 4+2*f+2 > t.vtsize {
		return 0
	}
	return int(binary.LittleEndian.Uint16(t.v.buf[t.vtable+4+2*f:]))
}

func (t *fbTable) u8(f int) (byte, error) {
	fo := t.fieldOffset(f)
	if fo == 0 {
		return 0, nil
	}
	if t.pos+fo >= len(t.v.buf) {
		return 0, fmt.Errorf("field outside the metadata")
	}
	return t.v.buf[t.pos+fo], nil
}

// child follows the offset in field f (a table, vector, string or union).
func (t *fbTable) child(f int) (int, bool, error) {
	fo := t.fieldOffset(f)
	if fo == 0 {
		return 0, false, nil
	}
	p, err := t.v.uoffset(t.pos + fo)
	return p, true, err
}

// vector checks the vector in field f with elements of elemSize bytes and
// returns its element start and length.
func (t *fbTable) vector(f, elemSize int) (start, n int, err error) {
	p, ok, err := t.child(f)
	if err != nil || !ok {
		return 0, 0, err
	}
	u, err := t.v.u32(p)
	if err != nil {
		return 0, 0, err
	}
	if uint64(u)*uint64(elemSize) > uint64(len(t.v.buf)-p-4) {
		return 0, 0, fmt.Errorf("vector of %d elements at %d runs past the metadata", u, p)
	}
	return p + 4, int(u), nil
}

func (t *fbTable) vectorOfTables(f int, each func(pos int) error) error {
	start, n, err := t.vector(f, 4)
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		p, err := t.v.uoffset(start + 4*i)
		if err != nil {
			return err
		}
		if err := each(p); err != nil {
			return err
		}
	}
	return nil
}

func (v *fbVerifier) keyValue(pos int) error {
	t, err := v.table(pos)
	if err != nil {
		return err
	}
	if _, _, err := t.vector(0, 1); err != nil {
		return err
	}
	_, _, err = t.vector(1, 1)
	return err
}

func (v *fbVerifier) schema(pos int) error {
	t, err := v.table(pos)
	if err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	if err := t.vectorOfTables(1, v.field); err != nil {
		return fmt.Errorf("schema fields: %w", err)
	}
	if err := t.vectorOfTables(2, v.keyValue); err != nil {
		return fmt.Errorf("schema metadata: %w", err)
	}
	_, _, err = t.vector(3, 8)
	return err
}

func (v *fbVerifier) field(pos int) error {
	t, err := v.table(pos)
	if err != nil {
		return err
	}
	if _, _, err := t.vector(0, 1); err != nil { // name
		return err
	}
	typeType, err := t.u8(2)
	if err != nil {
		return err
	}
	if p, ok, err := t.child(3); err != nil {
		return err
	} else if ok {
		tt, err := v.table(p)
		if err != nil {
			return fmt.Errorf("field type: %w", err)
		}
		switch typeType {
		case 10: // Timestamp: unit, timezone (string)
			_, _, err = tt.vector(1, 1)
		case 14: // Union: mode, typeIds (vector of int)
			_, _, err = tt.vector(1, 4)
		}
		if err != nil {
			return err
		}
	}
	if p, ok, err := t.child(4); err != nil {
		return err
	} else if ok { // DictionaryEncoding: id, indexType (Int table), ...
		de, err := v.table(p)
		if err != nil {
			return err
		}
		if ip, ok, err := de.child(1); err != nil {
			return err
		} else if ok {
			if _, err := v.table(ip); err != nil {
				return err
			}
		}
	}
	if err := t.vectorOfTables(5, v.field); err != nil {
		return err
	}
	return t.vectorOfTables(6, v.keyValue)
}

func (v *fbVerifier) recordBatch(pos int) error {
	t, err := v.table(pos)
	if err != nil {
		return fmt.Errorf("record batch: %w", err)
	}
	if _, _, err := t.vector(1, 16); err != nil { // FieldNode structs
		return fmt.Errorf("record batch nodes: %w", err)
	}
	if _, _, err := t.vector(2, 16); err != nil { // Buffer structs
		return fmt.Errorf("record batch buffers: %w", err)
	}
	if p, ok, err := t.child(3); err != nil {
		return err
	} else if ok {
		if _, err := v.table(p); err != nil {
			return err
		}
	}
	_, _, err = t.vector(4, 8)
	return err
}

// i64 reads the int64 scalar in field f (0 when absent).
func (t *fbTable) i64(f int) (int64, error) {
	fo := t.fieldOffset(f)
	if fo == 0 {
		return 0, nil
	}
	p := t.pos + fo
	if p+8 > len(t.v.buf) {
		return 0, fmt.Errorf("field outside the metadata")
	}
	return int64(binary.LittleEndian.Uint64(t.v.buf[p:])), nil
}

// parsedMessage is what decoding needs from a verified message.
type parsedMessage struct {
	headerType byte
	bodyLen    int64
	header     *fbTable // nil when absent
}

// parseMessage verifies meta and reads its header type, body length and header table.
func parseMessage(meta []byte) (*parsedMessage, error) {
	if err := verifyMessage(meta); err != nil {
		return nil, err
	}
	v := &fbVerifier{buf: meta, budget: 1 << 16}
	root, _ := v.uoffset(0)
	msg, err := v.table(root)
	if err != nil {
		return nil, err
	}
	pm := &parsedMessage{}
	if pm.headerType, err = msg.u8(1); err != nil {
		return nil, err
	}
	if pm.bodyLen, err = msg.i64(3); err != nil {
		return nil, err
	}
	if p, ok, err := msg.child(2); err != nil {
		return nil, err
	} else if ok {
		if pm.header, err = v.table(p); err != nil {
			return nil, err
		}
	}
	return pm, nil
}

// structs16 reads a vector of 16-byte structs of two int64s (FieldNode,
// Buffer) from field f.
func (t *fbTable) structs16(f int) ([][2]int64, error) {
	start, n, err := t.vector(f, 16)
	if err != nil {
		return nil, err
	}
	out := make([][2]int64, n)
	for i := range out {
		p := start + 16*i
		out[i][0] = int64(binary.LittleEndian.Uint64(t.v.buf[p:]))
		out[i][1] = int64(binary.LittleEndian.Uint64(t.v.buf[p+8:]))
	}
	return out, nil
}
