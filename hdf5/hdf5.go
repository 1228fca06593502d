// Package hdf5 is a read-only reader for the subset of HDF5 that h5py and
// Keras write: superblock versions 0 to 3, object headers version 1 and 2,
// groups stored as symbol tables (version 1 B-trees, leaf and non-leaf
// nodes, local heaps) or as link messages (compact storage), datasets with
// contiguous, compact or chunked (version 1 B-tree) layout and no filters,
// float (32/64-bit, either byte order) and integer data, and attributes of
// fixed-length and variable-length strings (global heap) and numbers.
//
// Anything outside that subset (dense link or attribute storage in fractal
// heaps, shared messages, filters such as gzip or shuffle, the chunk indexes
// of layout version 4 other than a single chunk, soft and external links) is
// refused with an error wrapping ErrUnsupported that names the feature. A
// damaged file is an error wrapping ErrFormat that names the file and the
// byte offset; the reader never panics on bad input (it is fuzzed) and
// bounds every structure by the file, so it never follows a cycle forever.
// Checksums of version 2 structures are not verified.
//
// The whole file is read into memory: Keras weight files are tens of MB.
// The one maintained Go HDF5 module fails on files with non-leaf B-tree
// nodes (any group with more than a few dozen members) and the other wraps
// the C library with cgo and is unmaintained, hence this reader of our own.
// It knows nothing of Keras; package weights reads Keras files with it.
package hdf5

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
)

var (
	// ErrFormat is wrapped by every error about a malformed file.
	ErrFormat = errors.New("hdf5: malformed file")
	// ErrUnsupported is wrapped by every error about a valid HDF5 feature
	// this reader does not implement.
	ErrUnsupported = errors.New("hdf5: unsupported feature")
)

// MaxDatasetBytes bounds the size of one dataset read into memory.
const MaxDatasetBytes = 1 << 31

const undef = ^uint64(0)

var signature = []byte("\x89HDF\r\n\x1a\n")

// File is an HDF5 file held in memory.
type File struct {
	Path    string // for error messages
	b       []byte
	offSize int
	lenSize int
	base    uint64
	root    uint64
	Version int // superblock version
	gheaps  map[uint64]map[uint16][]byte
	headers map[uint64][]message // parsed object headers by address
}

// parseError is panicked inside the parser and recovered at the API
// boundary, so deep readers need no error plumbing.
type parseError struct{ err error }

func (f *File) name() string {
	if f.Path == "" {
		return "hdf5 data"
	}
	return f.Path
}

func (f *File) failf(at uint64, format string, a ...any) {
	panic(parseError{fmt.Errorf("%w: %s at byte %d: %s", ErrFormat, f.name(), at, fmt.Sprintf(format, a...))})
}

func (f *File) unsupported(what string, a ...any) {
	panic(parseError{fmt.Errorf("%w: %s: %s", ErrUnsupported, f.name(), fmt.Sprintf(what, a...))})
}

func catch(err *error) {
	if r := recover(); r != nil {
		pe, ok := r.(parseError)
		if !ok {
			panic(r)
		}
		*err = pe.err
	}
}

// Open reads and parses the file at path.
func Open(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("hdf5: %w", err)
	}
	return parse(b, path)
}

// Parse reads the superblock of a file held in b.
func Parse(b []byte) (*File, error) { return parse(b, "") }

func parse(b []byte, path string) (f *File, err error) {
	defer func() {
		if err != nil {
			f = nil
		}
	}()
	f = &File{Path: path, b: b, gheaps: map[uint64]map[uint16][]byte{}, headers: map[uint64][]message{}}
	defer catch(&err)
	// The superblock is at 0, 512, 1024, ... (a user block may precede it).
	at := -1
	for p := 0; p+len(signature) <= len(b); p = max(512, p*2) {
		if bytes.Equal(b[p:p+len(signature)], signature) {
			at = p
			break
		}
	}
	if at < 0 {
		return nil, fmt.Errorf("%w: %s: no HDF5 signature", ErrFormat, f.name())
	}
	r := f.at(uint64(at) + 8)
	f.Version = int(r.u8())
	switch f.Version {
	case 0, 1:
		r.skip(4) // free-space, root group, reserved, shared header versions
		f.offSize, f.lenSize = int(r.u8()), int(r.u8())
		f.checkSizes(r.p)
		r.skip(1)
		r.skip(4) // group leaf and internal node K
		r.skip(4) // file consistency flags
		if f.Version == 1 {
			r.skip(4)
		}
		f.base = r.off()
		r.off() // free-space info
		r.off() // end of file
		r.off() // driver info
		// root group symbol table entry
		r.off() // link name offset
		f.root = r.off()
	case 2, 3:
		f.offSize, f.lenSize = int(r.u8()), int(r.u8())
		f.checkSizes(r.p)
		r.skip(1) // consistency flags
		f.base = r.off()
		r.off() // superblock extension
		r.off() // end of file
		f.root = r.off()
	default:
		f.unsupported("superblock version %d", f.Version)
	}
	if f.base != 0 && f.base != uint64(at) {
		f.failf(uint64(at), "base address %d", f.base)
	}
	f.base = uint64(at)
	return f, nil
}

func (f *File) checkSizes(p uint64) {
	for _, s := range []int{f.offSize, f.lenSize} {
		if s != 2 && s != 4 && s != 8 {
			f.failf(p, "size of offsets/lengths %d", s)
		}
	}
}

// reader is a bounds-checked cursor into the file.
type reader struct {
	f   *File
	p   uint64
	end uint64 // exclusive bound; reads past it are errors
}

func (f *File) at(p uint64) *reader { return &reader{f: f, p: p, end: uint64(len(f.b))} }

// addr turns a file address into a byte position.
func (f *File) addr(a uint64) uint64 {
	if a == undef {
		f.failf(0, "undefined address used")
	}
	p := a + f.base
	if p < a || p >= uint64(len(f.b)) {
		f.failf(a, "address %d beyond the end of the file (%d bytes)", a, len(f.b))
	}
	return p
}

func (r *reader) bytes(n uint64) []byte {
	if n > r.end-min(r.p, r.end) {
		r.f.failf(r.p, "structure runs past its end (%d bytes wanted)", n)
	}
	b := r.f.b[r.p : r.p+n]
	r.p += n
	return b
}

func (r *reader) skip(n uint64) { r.bytes(n) }
func (r *reader) u8() uint64    { return uint64(r.bytes(1)[0]) }
func (r *reader) u16() uint64   { return uint64(binary.LittleEndian.Uint16(r.bytes(2))) }
func (r *reader) u32() uint64   { return uint64(binary.LittleEndian.Uint32(r.bytes(4))) }
func (r *reader) u64() uint64   { return binary.LittleEndian.Uint64(r.bytes(8)) }

func (r *reader) uint(n int) uint64 {
	b := r.bytes(uint64(n))
	var v uint64
	for i := n - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	if n < 8 && v == 1<<(8*n)-1 {
		return undef
	}
	return v
}

func (r *reader) off() uint64 { return r.uint(r.f.offSize) }
func (r *reader) len() uint64 { return r.uint(r.f.lenSize) }

func (r *reader) sig(s string) {
	at := r.p
	if string(r.bytes(uint64(len(s)))) != s {
		r.f.failf(at, "missing %q signature", s)
	}
}

// sub returns a reader limited to the next n bytes and advances past them.
func (r *reader) sub(n uint64) *reader {
	s := &reader{f: r.f, p: r.p, end: r.p}
	r.bytes(n)
	s.end = r.p
	return s
}

func (r *reader) left() uint64 { return r.end - min(r.p, r.end) }

// cString reads a NUL-terminated string from a local heap or name field.
func cString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// Kind is what an object is.
type Kind int

// Object kinds.
const (
	KindOther Kind = iota
	KindGroup
	KindDataset
)

// message is one object header message.
type message struct {
	typ   uint16
	flags uint8
	at    uint64 // position of its data, for errors
	data  []byte
}

// Object is a group or dataset: its parsed header.
type Object struct {
	f     *File
	Path  string
	addr  uint64
	msgs  []message
	links []Link // nil until read
	attrs []Attribute
	done  bool
}

// Link is a named member of a group.
type Link struct {
	Name string
	addr uint64 // object header address; undef for soft/external links
	kind string // "" hard, else "soft" or "external"
}

// Root returns the root group.
func (f *File) Root() (o *Object, err error) {
	defer catch(&err)
	return f.object(f.root, "/"), nil
}

// Get returns the object at a slash-separated path from the root. Names
// may themselves contain no slash; Keras weight names such as
// `block1a_project_conv/kernel:0` are two path components.
func (f *File) Get(path string) (*Object, error) {
	o, err := f.Root()
	if err != nil {
		return nil, err
	}
	for _, name := range strings.Split(strings.Trim(path, "/"), "/") {
		if name == "" {
			continue
		}
		if o, err = o.Child(name); err != nil {
			return nil, err
		}
	}
	return o, nil
}

const maxMessages = 1 << 16

func (f *File) object(a uint64, path string) *Object {
	o := &Object{f: f, Path: path, addr: a}
	if msgs, ok := f.headers[a]; ok {
		o.msgs = msgs
		return o
	}
	p := f.addr(a)
	r := f.at(p)
	if p+4 <= uint64(len(f.b)) && string(f.b[p:p+4]) == "OHDR" {
		o.parseV2(r)
	} else {
		o.parseV1(r)
	}
	f.headers[a] = o.msgs
	return o
}

func (o *Object) parseV1(r *reader) {
	f := o.f
	start := r.p
	if v := r.u8(); v != 1 {
		f.failf(start, "object header %s: version %d", o.Path, v)
	}
	r.skip(1)
	r.u16() // message count; the blocks are read to their ends instead
	r.u32() // reference count
	size := r.u32()
	r.skip(4) // align to 8
	o.readMessages(r.p, size, 1, false)
}

func (o *Object) parseV2(r *reader) {
	f := o.f
	start := r.p
	r.sig("OHDR")
	if v := r.u8(); v != 2 {
		f.failf(start, "object header %s: version %d", o.Path, v)
	}
	flags := r.u8()
	if flags&0x20 != 0 {
		r.skip(16)
	}
	if flags&0x10 != 0 {
		r.skip(4)
	}
	size := r.uint(1 << (flags & 3))
	if size == undef {
		f.failf(start, "object header %s: chunk size", o.Path)
	}
	o.readMessages(r.p, size, 2, flags&0x04 != 0)
}

// readMessages reads the messages of an object header of version v whose
// first block of n bytes is at p, following continuation messages into
// further blocks. Version 1 message headers are type u16, size u16, flags
// and 3 reserved bytes; version 2 ones type u8, size u16, flags and, when
// crt (creation order tracked), 2 more bytes, and their continuation blocks
// begin with "OCHK" and end with a checksum.
func (o *Object) readMessages(p, n uint64, v int, crt bool) {
	f := o.f
	typeLen, hdr := uint64(2), uint64(8)
	if v == 2 {
		typeLen, hdr = 1, 4
		if crt {
			hdr = 6
		}
	}
	type block struct{ p, n uint64 }
	blocks := []block{{p, n}}
	seen := map[uint64]bool{}
	for first := true; len(blocks) > 0; first = false {
		bl := blocks[0]
		blocks = blocks[1:]
		br := f.at(bl.p).sub(bl.n)
		if v == 2 && !first {
			br.sig("OCHK")
			if br.left() < 4 {
				f.failf(bl.p, "object header %s: short continuation block", o.Path)
			}
			br.end -= 4 // checksum
		}
		for br.left() >= hdr {
			var typ uint16
			if typeLen == 1 {
				typ = uint16(br.u8())
			} else {
				typ = uint16(br.u16())
			}
			n := br.u16()
			flags := uint8(br.u8())
			br.skip(hdr - typeLen - 3)
			at := br.p
			data := br.bytes(n)
			if len(o.msgs) >= maxMessages {
				f.failf(at, "object header %s: too many messages", o.Path)
			}
			if typ == 0x10 {
				c := f.at(at)
				c.end = at + n
				addr, length := c.off(), c.len()
				p := f.addr(addr)
				if seen[p] {
					f.failf(at, "object header %s: continuation loop", o.Path)
				}
				seen[p] = true
				blocks = append(blocks, block{p, length})
				continue
			}
			o.msgs = append(o.msgs, message{typ, flags, at, data})
		}
	}
}

func (o *Object) msg(typ uint16) *message {
	for i := range o.msgs {
		if o.msgs[i].typ == typ {
			m := &o.msgs[i]
			if m.flags&0x02 != 0 {
				o.f.unsupported("%s: shared message of type %d", o.Path, typ)
			}
			return m
		}
	}
	return nil
}

func (o *Object) mr(m *message) *reader {
	return &reader{f: o.f, p: m.at, end: m.at + uint64(len(m.data))}
}

// Kind says whether the object is a group or a dataset.
func (o *Object) Kind() Kind {
	for _, m := range o.msgs {
		switch m.typ {
		case 0x11, 0x02, 0x06:
			return KindGroup
		case 0x08:
			return KindDataset
		}
	}
	return KindOther
}

// Links lists the group's members in name order.
func (o *Object) Links() (links []Link, err error) {
	defer catch(&err)
	o.readLinks()
	return slices.Clone(o.links), nil
}

func (o *Object) readLinks() {
	if o.links != nil {
		return
	}
	f := o.f
	o.links = []Link{}
	if m := o.msg(0x11); m != nil {
		r := o.mr(m)
		btree, heap := r.off(), r.off()
		o.groupNodes(btree, o.localHeap(heap))
	}
	if m := o.msg(0x02); m != nil {
		r := o.mr(m)
		r.skip(1)
		fl := r.u8()
		if fl&1 != 0 {
			r.skip(8)
		}
		if heap := r.off(); heap != undef {
			f.unsupported("%s: dense link storage (fractal heap)", o.Path)
		}
	}
	for _, m := range o.msgs {
		if m.typ != 0x06 {
			continue
		}
		r := o.mr(&m)
		if v := r.u8(); v != 1 {
			f.failf(m.at, "link message version %d", v)
		}
		fl := r.u8()
		typ := uint64(0)
		if fl&0x08 != 0 {
			typ = r.u8()
		}
		if fl&0x04 != 0 {
			r.skip(8)
		}
		if fl&0x10 != 0 {
			r.skip(1)
		}
		n := r.uint(1 << (fl & 3))
		if n == undef || n == 0 {
			f.failf(m.at, "link name length")
		}
		name := string(r.bytes(n))
		l := Link{Name: name, addr: undef}
		switch typ {
		case 0:
			l.addr = r.off()
		case 1:
			l.kind = "soft"
		case 64:
			l.kind = "external"
		default:
			l.kind = fmt.Sprintf("type %d", typ)
		}
		o.links = append(o.links, l)
	}
	slices.SortFunc(o.links, func(a, b Link) int { return strings.Compare(a.Name, b.Name) })
	for i := 1; i < len(o.links); i++ {
		if o.links[i].Name == o.links[i-1].Name {
			f.failf(o.addr, "group %s: duplicate member %q", o.Path, o.links[i].Name)
		}
	}
}

// localHeap returns the data segment of a local heap.
func (o *Object) localHeap(a uint64) []byte {
	f := o.f
	r := f.at(f.addr(a))
	r.sig("HEAP")
	r.skip(4)
	size := r.len()
	r.len()
	data := f.addr(r.off())
	return f.at(data).bytes(size)
}

const maxDepth = 64

// walkBTree visits the leaf entries of a version 1 B-tree of node type typ
// (0: group symbol nodes, 1: raw data chunks) rooted at a, refusing cycles
// and depths beyond maxDepth. key reads one key (its layout depends on the
// type) and leaf gets the key and child address of each leaf entry; what
// names the object for errors.
func (f *File) walkBTree(a, typ uint64, what string, key func(r *reader) []uint64, leaf func(node, child uint64, key []uint64)) {
	seen := map[uint64]bool{}
	var walk func(a uint64, depth int)
	walk = func(a uint64, depth int) {
		p := f.addr(a)
		if seen[p] || depth > maxDepth {
			f.failf(p, "%s: B-tree cycle or depth", what)
		}
		seen[p] = true
		r := f.at(p)
		r.sig("TREE")
		if t := r.u8(); t != typ {
			f.failf(p, "%s: B-tree node type %d, want %d", what, t, typ)
		}
		level := r.u8()
		n := r.u16()
		r.off() // left sibling
		r.off() // right sibling
		for i := uint64(0); i < n; i++ {
			k := key(r)
			child := r.off()
			if level > 0 {
				walk(child, depth+1)
				continue
			}
			leaf(p, child, k)
		}
		// The last key (n+1 keys for n children) bounds the node; unused.
	}
	walk(a, 0)
}

// groupNodes reads the links of a symbol-table group: its B-tree's leaves
// are symbol table nodes naming members by offsets into the heap names.
func (o *Object) groupNodes(a uint64, names []byte) {
	f := o.f
	seen := map[uint64]bool{}
	groupKey := func(r *reader) []uint64 { r.len(); return nil } // an offset into the heap
	f.walkBTree(a, 0, "group "+o.Path, groupKey, func(_, child uint64, _ []uint64) {
		cp := f.addr(child)
		if seen[cp] {
			f.failf(cp, "group %s: symbol node seen twice", o.Path)
		}
		seen[cp] = true
		s := f.at(cp)
		s.sig("SNOD")
		if v := s.u8(); v != 1 {
			f.failf(cp, "symbol table node version %d", v)
		}
		s.skip(1)
		count := s.u16()
		for j := uint64(0); j < count; j++ {
			nameOff := s.off()
			hdr := s.off()
			s.skip(24)
			if nameOff >= uint64(len(names)) {
				f.failf(cp, "group %s: link name offset %d outside its heap", o.Path, nameOff)
			}
			o.links = append(o.links, Link{Name: cString(names[nameOff:]), addr: hdr})
		}
	})
}

// Child returns the named member of a group.
func (o *Object) Child(name string) (c *Object, err error) {
	defer catch(&err)
	o.readLinks()
	i, ok := slices.BinarySearchFunc(o.links, name, func(l Link, n string) int { return strings.Compare(l.Name, n) })
	if !ok {
		return nil, fmt.Errorf("hdf5: %s: %s has no member %q", o.f.name(), o.Path, name)
	}
	l := o.links[i]
	if l.kind != "" {
		o.f.unsupported("%s: %s link %q", o.Path, l.kind, name)
	}
	return o.f.object(l.addr, strings.TrimSuffix(o.Path, "/")+"/"+name), nil
}

// Attribute is one attribute: strings (Strings set) or numbers (Numbers).
type Attribute struct {
	Name    string
	Shape   []int
	Strings []string
	Numbers []float64
}

// Attributes returns the object's attributes in header order.
func (o *Object) Attributes() (attrs []Attribute, err error) {
	defer catch(&err)
	o.readAttrs()
	return slices.Clone(o.attrs), nil
}

// Attr returns the named attribute.
func (o *Object) Attr(name string) (Attribute, bool, error) {
	attrs, err := o.Attributes()
	if err != nil {
		return Attribute{}, false, err
	}
	for _, a := range attrs {
		if a.Name == name {
			return a, true, nil
		}
	}
	return Attribute{}, false, nil
}

func (o *Object) readAttrs() {
	if o.done {
		return
	}
	f := o.f
	if m := o.msg(0x15); m != nil {
		r := o.mr(m)
		r.skip(1)
		fl := r.u8()
		if fl&1 != 0 {
			r.skip(2)
		}
		if heap := r.off(); heap != undef {
			f.unsupported("%s: dense attribute storage (fractal heap)", o.Path)
		}
	}
	var attrs []Attribute
	for _, m := range o.msgs {
		if m.typ != 0x0C {
			continue
		}
		if m.flags&0x02 != 0 {
			f.unsupported("%s: shared attribute message", o.Path)
		}
		attrs = append(attrs, o.attribute(&m))
	}
	o.attrs, o.done = attrs, true
}

func pad8(n uint64) uint64 { return (n + 7) &^ 7 }

func (o *Object) attribute(m *message) Attribute {
	f := o.f
	r := o.mr(m)
	v := r.u8()
	fl := r.u8()
	nameSize, dtSize, dsSize := r.u16(), r.u16(), r.u16()
	if v >= 2 && fl&3 != 0 {
		f.unsupported("%s: attribute with shared datatype or dataspace", o.Path)
	}
	if v == 3 {
		r.skip(1)
	}
	pad := func(n uint64) uint64 { return n }
	switch v {
	case 1:
		pad = pad8
	case 2, 3:
	default:
		f.failf(m.at, "attribute message version %d", v)
	}
	name := cString(r.bytes(pad(nameSize)))
	dt := f.datatype(r.sub(pad(dtSize)))
	shape := f.dataspace(r.sub(pad(dsSize)))
	n := elements(f, m.at, shape)
	a := Attribute{Name: name, Shape: shape}
	if n > r.left()/max(uint64(dt.size), 1) {
		f.failf(m.at, "attribute %s of %s: %d elements of %d bytes in %d bytes", name, o.Path, n, dt.size, r.left())
	}
	dataAt := r.p
	data := r.bytes(n * uint64(dt.size))
	switch dt.class {
	case classString:
		a.Strings = make([]string, 0, n)
		for i := uint64(0); i < n; i++ {
			s := data[i*uint64(dt.size) : (i+1)*uint64(dt.size)]
			a.Strings = append(a.Strings, strings.TrimRight(cString(s), " "))
		}
	case classVLen:
		if !dt.vlenString {
			f.unsupported("%s: attribute %s is a variable-length sequence", o.Path, name)
		}
		a.Strings = make([]string, 0, n)
		for i := uint64(0); i < n; i++ {
			e := &reader{f: f, p: dataAt + i*uint64(dt.size)}
			e.end = e.p + uint64(dt.size)
			length := e.u32()
			coll := e.off()
			idx := e.u32()
			if length == 0 && coll == undef {
				a.Strings = append(a.Strings, "")
				continue
			}
			s := f.globalObject(coll, uint16(idx))
			if uint64(len(s)) < length {
				f.failf(m.at, "attribute %s: string of %d bytes in a heap object of %d", name, length, len(s))
			}
			a.Strings = append(a.Strings, string(s[:length]))
		}
	case classFloat, classInt:
		a.Numbers = make([]float64, n)
		for i := range a.Numbers {
			a.Numbers[i] = dt.number(data[i*dt.size:])
		}
	default:
		f.unsupported("%s: attribute %s of datatype class %d", o.Path, name, dt.class)
	}
	return a
}

// globalObject returns one object of a global heap collection.
func (f *File) globalObject(coll uint64, idx uint16) []byte {
	objs, ok := f.gheaps[coll]
	if !ok {
		p := f.addr(coll)
		r := f.at(p)
		r.sig("GCOL")
		if v := r.u8(); v != 1 {
			f.failf(p, "global heap version %d", v)
		}
		r.skip(3)
		size := r.len()
		if size < 16 {
			f.failf(p, "global heap size %d", size)
		}
		r.p = p
		r = r.sub(size)
		r.skip(16)
		objs = map[uint16][]byte{}
		for r.left() >= 8+uint64(f.lenSize) {
			i := uint16(r.u16())
			if i == 0 {
				break
			}
			r.skip(6)
			n := r.len()
			if n > r.left() {
				f.failf(r.p, "global heap object %d of %d bytes past the collection", i, n)
			}
			objs[i] = r.bytes(n)
			r.skip(min(pad8(n)-n, r.left()))
		}
		f.gheaps[coll] = objs
	}
	s, ok := objs[idx]
	if !ok {
		f.failf(coll, "global heap has no object %d", idx)
	}
	return s
}

type class int

const (
	classInt    class = 0
	classFloat  class = 1
	classString class = 3
	classVLen   class = 9
)

type datatype struct {
	class      class
	size       int
	bigEndian  bool
	signed     bool
	vlenString bool
}

func (f *File) datatype(r *reader) datatype {
	at := r.p
	b0 := r.u8()
	bits := r.bytes(3)
	dt := datatype{class: class(b0 & 15), size: int(r.u32())}
	if dt.size <= 0 || dt.size > 1<<16 {
		f.failf(at, "datatype size %d", dt.size)
	}
	switch dt.class {
	case classInt:
		dt.bigEndian = bits[0]&1 != 0
		dt.signed = bits[0]&8 != 0
		if dt.size != 1 && dt.size != 2 && dt.size != 4 && dt.size != 8 {
			f.unsupported("integers of %d bytes", dt.size)
		}
	case classFloat:
		if bits[0]&0x40 != 0 {
			f.unsupported("VAX float byte order")
		}
		dt.bigEndian = bits[0]&1 != 0
		if dt.size != 4 && dt.size != 8 {
			f.unsupported("floats of %d bytes", dt.size)
		}
	case classString:
	case classVLen:
		dt.vlenString = bits[0]&15 == 1
		dt.size = 4 + f.offSize + 4
	default:
		// Other classes are reported by whoever reads the data.
	}
	return dt
}

func (dt datatype) number(b []byte) float64 {
	var u uint64
	for i := 0; i < dt.size; i++ {
		j := i
		if dt.bigEndian {
			j = dt.size - 1 - i
		}
		u |= uint64(b[j]) << (8 * i)
	}
	switch {
	case dt.class == classFloat && dt.size == 4:
		return float64(math.Float32frombits(uint32(u)))
	case dt.class == classFloat:
		return math.Float64frombits(u)
	case dt.signed:
		shift := 64 - 8*dt.size
		return float64(int64(u<<shift) >> shift)
	}
	return float64(u)
}

// dataspace returns the dimensions (nil for a scalar, one 0 dimension for
// a null dataspace).
func (f *File) dataspace(r *reader) []int {
	at := r.p
	v := r.u8()
	rank := int(r.u8())
	fl := r.u8()
	typ := uint64(1)
	switch v {
	case 1:
		r.skip(5)
		if fl&2 != 0 {
			f.unsupported("dataspace permutation")
		}
	case 2:
		typ = r.u8()
	default:
		f.failf(at, "dataspace version %d", v)
	}
	if rank > 32 {
		f.failf(at, "dataspace rank %d", rank)
	}
	if typ == 2 {
		return []int{0}
	}
	shape := make([]int, rank)
	for i := range shape {
		d := r.len()
		if d > 1<<40 {
			f.failf(at, "dimension %d", d)
		}
		shape[i] = int(d)
	}
	if shape == nil {
		shape = []int{}
	}
	return shape
}

func elements(f *File, at uint64, shape []int) uint64 {
	n := uint64(1)
	for _, d := range shape {
		if d != 0 && n > math.MaxInt64/uint64(d) {
			f.failf(at, "dataspace of %v elements overflows", shape)
		}
		n *= uint64(d)
	}
	return n
}

// Dataset is a dataset's description.
type Dataset struct {
	Shape []int
	DType string // "float32", "float64", "int64", "string", ...
}

func (dt datatype) String() string {
	switch dt.class {
	case classFloat:
		return fmt.Sprintf("float%d", 8*dt.size)
	case classInt:
		if dt.signed {
			return fmt.Sprintf("int%d", 8*dt.size)
		}
		return fmt.Sprintf("uint%d", 8*dt.size)
	case classString, classVLen:
		return "string"
	}
	return fmt.Sprintf("class%d", dt.class)
}

func (o *Object) describe() (datatype, []int) {
	if o.Kind() != KindDataset {
		panic(parseError{fmt.Errorf("hdf5: %s: %s is not a dataset", o.f.name(), o.Path)})
	}
	dtm, dsm := o.msg(0x03), o.msg(0x01)
	if dtm == nil || dsm == nil {
		o.f.failf(o.addr, "dataset %s lacks its datatype or dataspace", o.Path)
	}
	return o.f.datatype(o.mr(dtm)), o.f.dataspace(o.mr(dsm))
}

// Info describes a dataset.
func (o *Object) Info() (d Dataset, err error) {
	defer catch(&err)
	dt, shape := o.describe()
	return Dataset{Shape: shape, DType: dt.String()}, nil
}

// Float32 reads a numeric dataset as float32 values in row-major order.
func (o *Object) Float32() (out []float32, err error) {
	defer catch(&err)
	f := o.f
	dt, shape := o.describe()
	if dt.class != classFloat && dt.class != classInt {
		f.unsupported("%s: dataset of %s read as numbers", o.Path, dt)
	}
	n := elements(f, o.addr, shape)
	total := n * uint64(dt.size)
	if total > MaxDatasetBytes {
		f.unsupported("%s: dataset of %d bytes (limit %d)", o.Path, total, MaxDatasetBytes)
	}
	if m := o.msg(0x0B); m != nil {
		o.checkFilters(m)
	}
	raw := o.raw(dt, shape, total)
	out = make([]float32, n)
	if dt.class == classFloat && dt.size == 4 && !dt.bigEndian {
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
		return out, nil
	}
	for i := range out {
		out[i] = float32(dt.number(raw[uint64(i)*uint64(dt.size):]))
	}
	return out, nil
}

var filterNames = map[uint64]string{1: "deflate (gzip)", 2: "shuffle", 3: "fletcher32", 4: "szip", 5: "nbit", 6: "scaleoffset",
	32000: "lzf", 32001: "blosc", 32004: "lz4", 32015: "zstd"}

func (o *Object) checkFilters(m *message) {
	f := o.f
	r := o.mr(m)
	v := r.u8()
	n := r.u8()
	if n == 0 {
		return
	}
	if v == 1 {
		r.skip(6)
	}
	id := r.u16()
	name := filterNames[id]
	if name == "" {
		name = "unknown"
	}
	f.unsupported("%s: filter %d (%s); write the file without compression", o.Path, id, name)
}

// raw returns the dataset's bytes, total long, in row-major order.
func (o *Object) raw(dt datatype, shape []int, total uint64) []byte {
	f := o.f
	m := o.msg(0x08)
	r := o.mr(m)
	v := r.u8()
	switch v {
	case 1, 2:
		rank := r.u8()
		cls := r.u8()
		r.skip(5)
		switch cls {
		case 1:
			a := r.off()
			return o.contiguous(a, total)
		case 0:
			r.skip(4 * rank)
			size := r.u32()
			return o.compact(r.bytes(size), total)
		case 2:
			a := r.off()
			dims := make([]uint64, rank)
			for i := range dims {
				dims[i] = r.u32()
			}
			return o.chunked(a, dims, dt, shape, total)
		}
		f.unsupported("%s: layout class %d", o.Path, cls)
	case 3, 4:
		cls := r.u8()
		switch cls {
		case 0:
			size := r.u16()
			return o.compact(r.bytes(size), total)
		case 1:
			a := r.off()
			r.len()
			return o.contiguous(a, total)
		case 2:
			if v == 4 {
				fl := r.u8()
				rank := r.u8()
				enc := int(r.u8())
				if enc < 1 || enc > 8 {
					f.failf(m.at, "chunk dimension width %d", enc)
				}
				dims := make([]uint64, rank)
				for i := range dims {
					dims[i] = r.uint(enc)
				}
				idx := r.u8()
				if idx != 1 {
					names := map[uint64]string{2: "implicit", 3: "fixed array", 4: "extensible array", 5: "version 2 B-tree"}
					f.unsupported("%s: chunk index %d (%s) of layout version 4", o.Path, idx, names[idx])
				}
				if fl&2 != 0 {
					f.unsupported("%s: filtered single chunk", o.Path)
				}
				return o.contiguous(r.off(), total)
			}
			rank := r.u8()
			a := r.off()
			dims := make([]uint64, rank)
			for i := range dims {
				dims[i] = r.u32()
			}
			return o.chunked(a, dims, dt, shape, total)
		}
		f.unsupported("%s: layout class %d", o.Path, cls)
	}
	f.unsupported("%s: data layout message version %d", o.Path, v)
	return nil
}

func (o *Object) compact(b []byte, total uint64) []byte {
	if uint64(len(b)) < total {
		o.f.failf(o.addr, "dataset %s: compact data of %d bytes, want %d", o.Path, len(b), total)
	}
	return b[:total]
}

func (o *Object) contiguous(a, total uint64) []byte {
	if a == undef {
		return make([]byte, total) // never written: the default fill value
	}
	r := o.f.at(o.f.addr(a))
	return r.bytes(total)
}

// chunked assembles a dataset from its chunks (version 1 B-tree, type 1).
func (o *Object) chunked(a uint64, dims []uint64, dt datatype, shape []int, total uint64) []byte {
	f := o.f
	rank := len(shape)
	if len(dims) != rank+1 || dims[rank] != uint64(dt.size) {
		f.failf(o.addr, "dataset %s: chunk dimensions %v for shape %v", o.Path, dims, shape)
	}
	csize := uint64(dt.size)
	for _, d := range dims[:rank] {
		if d == 0 {
			f.failf(o.addr, "dataset %s: zero chunk dimension", o.Path)
		}
		csize *= d
		if csize > MaxDatasetBytes {
			f.unsupported("%s: chunks of more than %d bytes", o.Path, MaxDatasetBytes)
		}
	}
	if csize > uint64(len(f.b)) {
		f.failf(o.addr, "dataset %s: chunks of %d bytes in a file of %d", o.Path, csize, len(f.b))
	}
	out := make([]byte, total)
	if a == undef || total == 0 {
		return out
	}
	// A chunk's key: its size, filter mask and offset in each dimension
	// (plus one for the element size).
	chunkKey := func(r *reader) []uint64 {
		k := make([]uint64, rank+2)
		k[0] = r.u32() // size in bytes
		r.u32()        // filter mask
		for j := range rank + 1 {
			k[1+j] = r.u64()
		}
		return k
	}
	f.walkBTree(a, 1, "dataset "+o.Path, chunkKey, func(node, child uint64, k []uint64) {
		if k[0] != csize {
			f.failf(node, "dataset %s: chunk of %d bytes, want %d", o.Path, k[0], csize)
		}
		data := f.at(f.addr(child)).bytes(csize)
		o.placeChunk(out, data, k[1:1+rank], dims[:rank], shape, uint64(dt.size))
	})
	return out
}

// placeChunk copies one chunk into the row-major dataset, clipping at the
// dataset's edges.
func (o *Object) placeChunk(out, data []byte, offs, cdims []uint64, shape []int, es uint64) {
	rank := len(shape)
	for i := range offs {
		if offs[i] >= uint64(shape[i]) || offs[i]%cdims[i] != 0 {
			o.f.failf(o.addr, "dataset %s: chunk offset %v outside shape %v", o.Path, offs, shape)
		}
	}
	if rank == 0 {
		copy(out, data[:es])
		return
	}
	// Iterate over the rows of the last dimension that lie inside both the
	// chunk and the dataset.
	idx := make([]uint64, rank)
	lim := make([]uint64, rank)
	for d := range lim {
		lim[d] = min(cdims[d], uint64(shape[d])-offs[d])
	}
	last := rank - 1
	rowLen := lim[last]
	for {
		var src, dst uint64
		for d := 0; d < rank; d++ {
			src = src*cdims[d] + idx[d]
			dst = dst*uint64(shape[d]) + offs[d] + idx[d]
		}
		copy(out[dst*es:(dst+rowLen)*es], data[src*es:(src+rowLen)*es])
		d := last - 1
		for ; d >= 0; d-- {
			idx[d]++
			if idx[d] < lim[d] {
				break
			}
			idx[d] = 0
		}
		if d < 0 {
			return
		}
	}
}
