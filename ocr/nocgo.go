//go:build !cgo

package ocr

import "errors"

// errNoCgo is what every Tesseract entry point returns in a binary built
// without cgo (CGO_ENABLED=0): the rest of curate works, filter-text does not.
var errNoCgo = errors.New("ocr: filter-text needs the cgo build with Tesseract (this curate was built with CGO_ENABLED=0)")

// engine stands in for the Tesseract engine of engine.go; it cannot be made.
type engine struct{}

func newEngine(dir, lang string) (*engine, error) { return nil, errNoCgo }

func (e *engine) set(name, value string) error { return errNoCgo }

func (e *engine) close() {}

func (e *engine) words(pix []uint8, w, h, bpp int, psm int) ([]rawWord, error) { return nil, errNoCgo }

func singleThreaded() (restore func()) { return func() {} }

func silenceLeptonica() {}
