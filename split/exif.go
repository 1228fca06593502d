package split

import (
	"bytes"
	"encoding/binary"
)

// Orientation returns the EXIF orientation (1..8) recorded in an encoded
// image, or 1 when there is none or it cannot be read. It looks in a JPEG's
// APP1 "Exif" segment, a PNG's eXIf chunk and a WebP's EXIF chunk, and never
// reads past the end of data.
//
//	1 upright          2 mirrored          3 rotated 180       4 flipped vertically
//	5 transposed       6 needs 90° CW      7 transversed       8 needs 90° CCW
func Orientation(data []byte) int {
	var o int
	switch {
	case len(data) >= 2 && data[0] == 0xFF && data[1] == 0xD8:
		o = jpegOrientation(data)
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		o = pngOrientation(data)
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		o = webpOrientation(data)
	}
	if o < 1 || o > 8 {
		return 1
	}
	return o
}

func jpegOrientation(b []byte) int {
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return 0
		}
		marker := b[i+1]
		switch {
		case marker == 0xFF: // fill byte
			i++
			continue
		case marker == 0x01 || marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7): // no length
			i += 2
			continue
		case marker == 0xDA || marker == 0xD9: // start of scan, end of image: no EXIF after this
			return 0
		}
		n := int(b[i+2])<<8 | int(b[i+3])
		if n < 2 || i+2+n > len(b) {
			return 0
		}
		seg := b[i+4 : i+2+n]
		if marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			if o := tiffOrientation(seg[6:]); o != 0 {
				return o
			}
		}
		i += 2 + n
	}
	return 0
}

func pngOrientation(b []byte) int {
	for i := 8; i+12 <= len(b); {
		n := int64(binary.BigEndian.Uint32(b[i:]))
		typ := string(b[i+4 : i+8])
		end := int64(i) + 12 + n
		if end > int64(len(b)) {
			return 0
		}
		switch typ {
		case "eXIf":
			return tiffOrientation(b[i+8 : i+8+int(n)])
		case "IDAT", "IEND": // eXIf must come before the image data
			return 0
		}
		i = int(end)
	}
	return 0
}

func webpOrientation(b []byte) int {
	for i := 12; i+8 <= len(b); {
		n := int64(binary.LittleEndian.Uint32(b[i+4:]))
		end := int64(i) + 8 + n
		if end > int64(len(b)) {
			return 0
		}
		if string(b[i:i+4]) == "EXIF" {
			payload := b[i+8 : end]
			payload = bytes.TrimPrefix(payload, []byte("Exif\x00\x00"))
			return tiffOrientation(payload)
		}
		i = int(end + n&1) // chunks are padded to even size
	}
	return 0
}

// tiffOrientation reads tag 0x0112 from IFD0 of a TIFF structure.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 0
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0
	}
	if bo.Uint16(t[2:]) != 42 {
		return 0
	}
	off := int64(bo.Uint32(t[4:]))
	if off+2 > int64(len(t)) {
		return 0
	}
	count := int64(bo.Uint16(t[off:]))
	for k := int64(0); k < count; k++ {
		e := off + 2 + 12*k
		if e+12 > int64(len(t)) {
			return 0
		}
		if bo.Uint16(t[e:]) != 0x0112 {
			continue
		}
		if bo.Uint16(t[e+2:]) != 3 { // SHORT
			return 0
		}
		return int(bo.Uint16(t[e+8:]))
	}
	return 0
}
