package augment

import (
	"fmt"
	"image"
	"image/color"
)

// Image is a packed 8-bit RGB image: the channels of pixel (x, y) are
// Pix[3*(y*W+x)+0..2]. It is the buffer type every op reads and writes.
type Image struct {
	Pix  []uint8
	W, H int
}

// NewImage returns a black w x h image.
func NewImage(w, h int) *Image {
	return &Image{Pix: make([]uint8, 3*w*h), W: w, H: h}
}

// resize makes m a w x h image, reusing its buffer when it is large enough.
func (m *Image) resize(w, h int) {
	n := 3 * w * h
	if cap(m.Pix) < n {
		m.Pix = make([]uint8, n)
	}
	m.Pix = m.Pix[:n]
	m.W, m.H = w, h
}

func (m *Image) check(what string) error {
	if m == nil {
		return fmt.Errorf("augment: %s image is nil", what)
	}
	if m.W <= 0 || m.H <= 0 || len(m.Pix) != 3*m.W*m.H {
		return fmt.Errorf("augment: %s image is %dx%d with %d bytes, want %d", what, m.W, m.H, len(m.Pix), 3*m.W*m.H)
	}
	return nil
}

// FromImage converts any image.Image to RGB (alpha is dropped, as a JPEG
// decoder or PIL's convert("RGB") would for opaque images).
func FromImage(src image.Image) *Image {
	b := src.Bounds()
	m := NewImage(b.Dx(), b.Dy())
	CopyFrom(m, src)
	return m
}

// CopyFrom converts src into m, resizing m to src's size (reusing its
// buffer when it is large enough).
func CopyFrom(m *Image, src image.Image) {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	m.resize(w, h)
	switch s := src.(type) {
	case *image.RGBA:
		for y := 0; y < h; y++ {
			row := s.Pix[(y)*s.Stride : (y)*s.Stride+4*w]
			out := m.Pix[3*y*w : 3*(y+1)*w]
			for x := 0; x < w; x++ {
				out[3*x], out[3*x+1], out[3*x+2] = row[4*x], row[4*x+1], row[4*x+2]
			}
		}
	case *image.NRGBA:
		for y := 0; y < h; y++ {
			row := s.Pix[(y)*s.Stride : (y)*s.Stride+4*w]
			out := m.Pix[3*y*w : 3*(y+1)*w]
			for x := 0; x < w; x++ {
				out[3*x], out[3*x+1], out[3*x+2] = row[4*x], row[4*x+1], row[4*x+2]
			}
		}
	case *image.YCbCr:
		for y := 0; y < h; y++ {
			out := m.Pix[3*y*w : 3*(y+1)*w]
			for x := 0; x < w; x++ {
				yi := s.YOffset(b.Min.X+x, b.Min.Y+y)
				ci := s.COffset(b.Min.X+x, b.Min.Y+y)
				out[3*x], out[3*x+1], out[3*x+2] = color.YCbCrToRGB(s.Y[yi], s.Cb[ci], s.Cr[ci])
			}
		}
	case *image.Gray:
		for y := 0; y < h; y++ {
			row := s.Pix[y*s.Stride : y*s.Stride+w]
			out := m.Pix[3*y*w : 3*(y+1)*w]
			for x, v := range row {
				out[3*x], out[3*x+1], out[3*x+2] = v, v, v
			}
		}
	default:
		i := 0
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				c := color.NRGBAModel.Convert(src.At(x, y)).(color.NRGBA)
				m.Pix[i], m.Pix[i+1], m.Pix[i+2] = c.R, c.G, c.B
				i += 3
			}
		}
	}
}

// RGBA returns m as an opaque *image.RGBA (for encoding and drawing).
func (m *Image) RGBA() *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, m.W, m.H))
	for i, j := 0, 0; i < len(m.Pix); i, j = i+3, j+4 {
		out.Pix[j], out.Pix[j+1], out.Pix[j+2], out.Pix[j+3] = m.Pix[i], m.Pix[i+1], m.Pix[i+2], 255
	}
	return out
}

// Clone returns a copy of m.
func (m *Image) Clone() *Image {
	return &Image{Pix: append([]uint8(nil), m.Pix...), W: m.W, H: m.H}
}
