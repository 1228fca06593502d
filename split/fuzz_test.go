package split

import (
	"testing"
)

func FuzzOrientation(f *testing.F) {
	jpg := encodeJPEG(f, quadrants(8, 8), 90)
	for o := 1; o <= 8; o++ {
		f.Add(withEXIFOrientation(jpg, o, o%2 == 0)[:200])
	}
	f.Add([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0eeXIfMM\x00*\x00\x00\x00\x08\x00\x01\x01\x12"))
	f.Add([]byte("RIFF\x20\x00\x00\x00WEBPEXIF\x10\x00\x00\x00Exif\x00\x00II*\x00\x08\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := Orientation(data); o < 1 || o > 8 {
			t.Fatalf("Orientation = %d", o)
		}
	})
}
