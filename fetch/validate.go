package fetch

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/webp"
)

// Image is a validated image: its bytes and what was learned from them.
type Image struct {
	Data          []byte
	Format        string // jpeg, png, gif or webp
	Width, Height int
	SHA256        string // hex
}

// codec is one accepted format, chosen from the magic bytes rather than the
// image package's global registry, so formats other packages register (BMP,
// TIFF) are not let in by accident.
type codec struct {
	name         string
	decodeConfig func(io.Reader) (image.Config, error)
	decode       func(io.Reader) (image.Image, error)
}

var (
	codecJPEG = codec{"jpeg", jpeg.DecodeConfig, jpeg.Decode}
	codecPNG  = codec{"png", png.DecodeConfig, png.Decode}
	codecGIF  = codec{"gif", gif.DecodeConfig, gif.Decode}
	codecWebP = codec{"webp", webp.DecodeConfig, webp.Decode}
)

func sniff(b []byte) *codec {
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return &codecJPEG
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return &codecPNG
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return &codecGIF
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return &codecWebP
	}
	return nil
}

// ValidationError is a body that is not an acceptable image; Reason is one
// of ReasonNotImage, ReasonDecodeError, ReasonTooManyPixels.
type ValidationError struct {
	Reason string
	Err    error
}

func (e *ValidationError) Error() string { return e.Reason + ": " + e.Err.Error() }
func (e *ValidationError) Unwrap() error { return e.Err }

// Validate checks that data is a JPEG, PNG, GIF or WebP image of at most
// maxPixels pixels (0 = no limit) that decodes completely. The dimensions are
// read from the header first, so a decompression bomb is refused before any
// pixel buffer is allocated.
func Validate(data []byte, contentType string, maxPixels int64) (*Image, error) {
	c := sniff(data)
	if c == nil {
		what := "unknown content"
		switch {
		case len(data) == 0:
			what = "an empty body"
		case looksLikeHTML(data):
			what = "an HTML page"
		}
		if contentType != "" {
			what += fmt.Sprintf(" (Content-Type %q)", contentType)
		}
		return nil, &ValidationError{ReasonNotImage, fmt.Errorf("%d bytes of %s, not a JPEG, PNG, GIF or WebP image", len(data), what)}
	}
	cfg, err := c.decodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, &ValidationError{ReasonDecodeError, fmt.Errorf("%s header: %w", c.name, err)}
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, &ValidationError{ReasonDecodeError, fmt.Errorf("%s header: size %dx%d", c.name, cfg.Width, cfg.Height)}
	}
	if px := int64(cfg.Width) * int64(cfg.Height); maxPixels > 0 && px > maxPixels {
		return nil, &ValidationError{ReasonTooManyPixels, fmt.Errorf("%s of %dx%d = %d pixels, more than the limit of %d", c.name, cfg.Width, cfg.Height, px, maxPixels)}
	}
	if _, err := c.decode(bytes.NewReader(data)); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			err = fmt.Errorf("image data ends early (%w)", err)
		}
		return nil, &ValidationError{ReasonDecodeError, fmt.Errorf("%s: %w", c.name, err)}
	}
	sum := sha256.Sum256(data)
	return &Image{Data: data, Format: c.name, Width: cfg.Width, Height: cfg.Height, SHA256: hex.EncodeToString(sum[:])}, nil
}

func looksLikeHTML(b []byte) bool {
	b = bytes.TrimLeft(b[:min(len(b), 512)], " \t\r\n\ufeff")
	l := bytes.ToLower(b)
	for _, p := range []string{"<!doctype html", "<html", "<head", "<body", "<?xml", "<"} {
		if bytes.HasPrefix(l, []byte(p)) {
			return true
		}
	}
	return false
}
