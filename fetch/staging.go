package fetch

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"sync"
)

// staging is the append-only file that holds downloaded image bytes until
// the shards are written. Each record is
//
//	magic "CSTG" | uint32 length | uint32 CRC-32C of the data | data
//
// (little endian), written with one write call. After a crash the file holds
// whole records and at most one torn one; openStaging keeps the whole
// records and cuts the rest away, and a ledger record is trusted only if the
// staging record it points at is whole and checksums.
type staging struct {
	mu    sync.Mutex
	f     *os.File
	path  string
	end   int64
	valid map[int64]int64 // offset of each whole record -> data length
	buf   []byte
}

const stagingMagic = "CSTG"
const stagingHeader = 12

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Span locates one image in the staging file.
type Span struct {
	Offset int64 `json:"off"`
	Length int64 `json:"len"`
}

func openStaging(path string) (*staging, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open staging file: %w", err)
	}
	s := &staging{f: f, path: path, valid: map[int64]int64{}}
	if err := s.scan(); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Truncate(s.end); err != nil {
		f.Close()
		return nil, fmt.Errorf("staging %s: cut torn record: %w", path, err)
	}
	return s, nil
}

// scan walks the records from the start and stops at the first one that is
// torn or does not checksum.
func (s *staging) scan() error {
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("staging %s: %w", s.path, err)
	}
	r := bufio.NewReaderSize(s.f, 1<<20)
	var hdr [stagingHeader]byte
	var data []byte
	var off int64
	for {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			break // EOF or a torn header
		}
		if string(hdr[:4]) != stagingMagic {
			break
		}
		n := int64(binary.LittleEndian.Uint32(hdr[4:8]))
		if int64(cap(data)) < n {
			data = make([]byte, n)
		}
		data = data[:n]
		if _, err := io.ReadFull(r, data); err != nil {
			break
		}
		if crc32.Checksum(data, castagnoli) != binary.LittleEndian.Uint32(hdr[8:12]) {
			break
		}
		s.valid[off] = n
		off += stagingHeader + n
	}
	s.end = off
	return nil
}

// append writes one record and returns where it lies.
func (s *staging) append(data []byte) (Span, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	need := stagingHeader + len(data)
	if cap(s.buf) < need {
		s.buf = make([]byte, need)
	}
	b := s.buf[:need]
	copy(b, stagingMagic)
	binary.LittleEndian.PutUint32(b[4:8], uint32(len(data)))
	binary.LittleEndian.PutUint32(b[8:12], crc32.Checksum(data, castagnoli))
	copy(b[stagingHeader:], data)
	if _, err := s.f.WriteAt(b, s.end); err != nil {
		return Span{}, fmt.Errorf("staging %s: append: %w", s.path, err)
	}
	sp := Span{Offset: s.end, Length: int64(len(data))}
	s.valid[s.end] = sp.Length
	s.end += int64(need)
	return sp, nil
}

// has reports whether sp is a whole record.
func (s *staging) has(sp Span) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, ok := s.valid[sp.Offset]
	return ok && n == sp.Length
}

// errStagingCorrupt marks a record that changed on disk after it was checked.
var errStagingCorrupt = errors.New("staging record does not checksum")

// read returns the data of the record at sp, checking its checksum, into
// buf (grown if needed).
func (s *staging) read(sp Span, buf []byte) ([]byte, error) {
	need := stagingHeader + int(sp.Length)
	if cap(buf) < need {
		buf = make([]byte, need)
	}
	buf = buf[:need]
	if _, err := s.f.ReadAt(buf, sp.Offset); err != nil {
		return nil, fmt.Errorf("staging %s at %d: %w", s.path, sp.Offset, err)
	}
	if string(buf[:4]) != stagingMagic || int64(binary.LittleEndian.Uint32(buf[4:8])) != sp.Length ||
		crc32.Checksum(buf[stagingHeader:], castagnoli) != binary.LittleEndian.Uint32(buf[8:12]) {
		return nil, fmt.Errorf("staging %s at %d: %w", s.path, sp.Offset, errStagingCorrupt)
	}
	return buf[stagingHeader:], nil
}

func (s *staging) sync() error {
	if err := s.f.Sync(); err != nil {
		return fmt.Errorf("staging %s: sync: %w", s.path, err)
	}
	return nil
}

func (s *staging) close() error {
	serr := s.f.Sync()
	cerr := s.f.Close()
	if err := errors.Join(serr, cerr); err != nil {
		return fmt.Errorf("staging %s: close: %w", s.path, err)
	}
	return nil
}
