package shards

import (
	"errors"
	"fmt"
)

// Sentinel errors, wrapped in a *FormatError that says where.
var (
	ErrTruncated = errors.New("shards: truncated file")
	ErrCorrupt   = errors.New("shards: corrupt file")
	ErrSchema    = errors.New("shards: unexpected schema")
)

// FormatError reports a shard that cannot be read: which file, at which byte
// offset, and what is wrong with it.
type FormatError struct {
	File   string
	Offset int64 // byte offset of the Arrow message at fault; -1 if unknown
	Msg    string
	Err    error // ErrTruncated, ErrCorrupt or ErrSchema, possibly wrapping more
}

func (e *FormatError) Error() string {
	if e.Offset >= 0 {
		return fmt.Sprintf("%s: at byte %d: %s", e.File, e.Offset, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

func (e *FormatError) Unwrap() error { return e.Err }
