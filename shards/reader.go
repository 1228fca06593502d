package shards

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"syscall"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Shard is one memory-mapped Arrow IPC stream file.
type Shard struct {
	Path    string
	Bytes   int64 // size on disk
	Rows    int64
	Batches int
	Schema  *arrow.Schema

	// Problems are defects found while loading that do not stop reading
	// (readers such as pyarrow read such a stream the same way): no
	// end-of-stream marker, bytes after it. Verifiers report them.
	Problems []string

	data    []byte // the file's bytes
	mapped  bool   // data is a mapping to unmap in Close
	batches []batch
	starts  []int64 // first row of each batch
}

// batch holds the typed columns of one record batch; absent columns are nil.
type batch struct {
	rec         arrow.Record
	offset      int64 // byte offset of the batch's message, for errors
	image       *array.Struct
	imageBytes  *array.Binary
	imagePath   *array.String
	label       *array.Int64
	id          *array.String
	url         *array.String
	labels      *array.List
	labelValues *array.Int64
	sourceLabel *array.Int64
	sha256      *array.String
	width       *array.Int32
	height      *array.Int32
	format      *array.String
	list        *array.String
}

// OpenShard memory-maps and indexes one shard. Every record batch is
// checked, so a truncated or corrupt file fails here with a *FormatError,
// not later.
func OpenShard(path string) (*Shard, error) {
	// Stat before opening: opening a FIFO blocks until a writer comes.
	if st, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open shard: %w", err)
	} else if !st.Mode().IsRegular() && !st.IsDir() {
		return nil, fmt.Errorf("open shard %s: not a regular file (%s)", path, st.Mode().Type())
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open shard: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("open shard: %w", err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("open shard %s: is a directory", path)
	}
	s := &Shard{Path: path, Bytes: st.Size()}
	if st.Size() == 0 {
		return nil, &FormatError{File: path, Offset: 0, Msg: "empty file, not an Arrow IPC stream", Err: ErrTruncated}
	}
	if st.Size() > int64(^uint(0)>>1) {
		return nil, fmt.Errorf("open shard %s: too large to map", path)
	}
	s.data, err = syscall.Mmap(int(f.Fd()), 0, int(st.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("map shard %s: %w", path, err)
	}
	s.mapped = true
	if err := s.load(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// NewShard reads a shard held in memory (data must stay unchanged while the
// Shard is in use). name is used in errors.
func NewShard(name string, data []byte) (*Shard, error) {
	s := &Shard{Path: name, Bytes: int64(len(data)), data: data}
	if len(data) == 0 {
		return nil, &FormatError{File: name, Offset: 0, Msg: "empty file, not an Arrow IPC stream", Err: ErrTruncated}
	}
	if err := s.load(); err != nil {
		s.release()
		return nil, err
	}
	return s, nil
}

// load reads the stream with arrow-go's IPC reader, fed by messageReader:
// it frames each message as slices of the mapping and checks every
// flatbuffer (verifyMessage) before the library parses it, and the library
// (arrow-go v18) builds arrays over those slices without copying. Every
// column is then checked (validate) so that reading a value can never index
// past a buffer; a panic inside the library on hostile bytes becomes a
// *FormatError.
func (s *Shard) load() (err error) {
	msgs := &messageReader{path: s.Path, data: s.data}
	defer func() {
		if r := recover(); r != nil {
			err = &FormatError{File: s.Path, Offset: msgs.last, Msg: fmt.Sprintf("malformed Arrow data (%v)", r), Err: ErrCorrupt}
		}
	}()
	rd, err := ipc.NewReaderFromMessageReader(msgs, ipc.WithAllocator(memory.DefaultAllocator))
	if err != nil {
		return asFormatError(err, s.Path, msgs.last, "cannot read the schema")
	}
	defer rd.Release()
	s.Schema = rd.Schema()
	for rd.Next() {
		rec := rd.RecordBatch()
		rec.Retain() // the reader releases it on Next
		b, err := newBatch(rec, msgs.last)
		if err != nil {
			rec.Release()
			return &FormatError{File: s.Path, Offset: msgs.last, Msg: err.Error(), Err: ErrCorrupt}
		}
		s.starts = append(s.starts, s.Rows)
		s.batches = append(s.batches, b)
		s.Rows += rec.NumRows()
	}
	if err := rd.Err(); err != nil {
		return asFormatError(err, s.Path, msgs.last, "cannot read a record batch")
	}
	s.Batches = len(s.batches)
	switch rest := int64(len(s.data)) - msgs.off; {
	case !msgs.sawEnd:
		s.Problems = append(s.Problems, "no end-of-stream marker: the writer did not finish the stream")
	case rest >= 8 && binary.LittleEndian.Uint32(s.data[msgs.off:]) == continuation:
		s.Problems = append(s.Problems, fmt.Sprintf("a second Arrow stream (%d bytes) follows the end-of-stream marker at byte %d", rest, msgs.off))
	case rest > 0:
		s.Problems = append(s.Problems, fmt.Sprintf("%d bytes of trailing garbage after the end-of-stream marker at byte %d", rest, msgs.off))
	}
	return nil
}

func asFormatError(err error, path string, off int64, what string) error {
	var fe *FormatError
	if errors.As(err, &fe) {
		return fe
	}
	return &FormatError{File: path, Offset: off, Msg: what + ": " + err.Error(), Err: ErrCorrupt}
}

// Close releases the batches and unmaps the file. Rows read from the shard
// must not be used after Close.
func (s *Shard) Close() error {
	s.release()
	if s.mapped {
		s.mapped = false
		if err := syscall.Munmap(s.data); err != nil {
			return fmt.Errorf("unmap %s: %w", s.Path, err)
		}
	}
	return nil
}

func (s *Shard) release() {
	for _, b := range s.batches {
		b.rec.Release()
	}
	s.batches = nil
}

// Row returns row i (0 <= i < Rows). The Image bytes alias the mapped file:
// they are valid until Close; copy them to keep them longer.
func (s *Shard) Row(i int64) (*Row, error) {
	if i < 0 || i >= s.Rows {
		return nil, fmt.Errorf("shard %s: row %d out of range [0, %d)", s.Path, i, s.Rows)
	}
	k := sort.Search(len(s.starts), func(k int) bool { return s.starts[k] > i }) - 1
	r := &Row{}
	s.batches[k].row(int(i-s.starts[k]), r)
	return r, nil
}

// messageReader frames the Arrow IPC stream messages of a byte slice
// without copying: each body is a slice of the mapping.
type messageReader struct {
	path   string
	data   []byte
	off    int64 // next message
	last   int64 // offset of the message last returned
	sawEnd bool  // the end-of-stream marker was read
}

const continuation = 0xFFFFFFFF

// Message returns the next message for the arrow library (the schema).
func (m *messageReader) Message() (*ipc.Message, error) {
	meta, body, err := m.next()
	if err != nil {
		return nil, err
	}
	return ipc.NewMessage(memory.NewBufferBytes(meta), memory.NewBufferBytes(body)), nil
}

// next frames the next message: its flatbuffer metadata, checked, and its
// body, both slices of the data. io.EOF at the end of the stream.
func (m *messageReader) next() (meta, body []byte, err error) {
	m.last = m.off
	size := int64(len(m.data))
	if m.off == size {
		return nil, nil, io.EOF // a stream may end without the end-of-stream marker
	}
	if m.off+4 > size {
		return nil, nil, m.errf(ErrTruncated, "message length cut off")
	}
	pos := m.off
	n := binary.LittleEndian.Uint32(m.data[pos:])
	pos += 4
	if n == continuation {
		if pos+4 > size {
			return nil, nil, m.errf(ErrTruncated, "message length cut off")
		}
		n = binary.LittleEndian.Uint32(m.data[pos:])
		pos += 4
	}
	if n == 0 {
		m.off = pos
		m.sawEnd = true
		return nil, nil, io.EOF // end-of-stream marker
	}
	if int64(n) > size-pos {
		return nil, nil, m.errf(ErrTruncated, fmt.Sprintf("message metadata of %d bytes runs past the end of the file (%d bytes)", n, size))
	}
	if n%8 != 0 || n < 8 {
		return nil, nil, m.errf(ErrCorrupt, fmt.Sprintf("message metadata length %d is not a positive multiple of 8", n))
	}
	meta = m.data[pos : pos+int64(n)]
	pos += int64(n)
	pm, err := parseMessage(meta)
	if err != nil {
		return nil, nil, m.errf(ErrCorrupt, "malformed message metadata: "+err.Error())
	}
	bodyLen := pm.bodyLen
	if bodyLen < 0 || bodyLen > size-pos {
		return nil, nil, m.errf(ErrTruncated, fmt.Sprintf("message body of %d bytes runs past the end of the file (%d bytes)", bodyLen, size))
	}
	body = m.data[pos : pos+bodyLen]
	m.off = pos + bodyLen
	return meta, body, nil
}

func (m *messageReader) errf(kind error, msg string) error {
	return &FormatError{File: m.path, Offset: m.last, Msg: msg, Err: kind}
}

func (m *messageReader) Retain()  {}
func (m *messageReader) Release() {}
