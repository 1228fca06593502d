package fetch

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// testPicture draws a w x h picture that differs with seed.
func testPicture(seed uint64, w, h int) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, 7))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r0, g0, b0 := rng.IntN(256), rng.IntN(256), rng.IntN(256)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(r0 + x), uint8(g0 + y), uint8(b0 + x*y/7 + rng.IntN(8)), 255})
		}
	}
	return img
}

func makeJPEG(t testing.TB, seed uint64, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, testPicture(seed, w, h), &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func makePNG(t testing.TB, seed uint64, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, testPicture(seed, w, h)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func makeGIF(t testing.TB, seed uint64, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gif.Encode(&b, testPicture(seed, w, h), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// bombPNG is a small valid PNG whose header claims w x h pixels: a decoder
// that trusted it would allocate w*h*4 bytes.
func bombPNG(t testing.TB, w, h uint32) []byte {
	t.Helper()
	b := makePNG(t, 1, 8, 8)
	// signature (8) | length (4) | "IHDR" (4) | width (4) | height (4) | ... | crc
	binary.BigEndian.PutUint32(b[16:20], w)
	binary.BigEndian.PutUint32(b[20:24], h)
	binary.BigEndian.PutUint32(b[29:33], crc32.ChecksumIEEE(b[12:29]))
	return b
}

// corruptJPEG keeps a JPEG's headers and replaces its entropy-coded data
// with noise.
func corruptJPEG(t testing.TB) []byte {
	t.Helper()
	b := makeJPEG(t, 99, 64, 64)
	sos := bytes.Index(b, []byte{0xFF, 0xDA})
	if sos < 0 {
		t.Fatal("no SOS marker")
	}
	start := sos + 2 + int(binary.BigEndian.Uint16(b[sos+2:]))
	rng := rand.New(rand.NewPCG(3, 3))
	out := append([]byte(nil), b[:start]...)
	for range 300 {
		v := byte(rng.IntN(256))
		out = append(out, v)
		if v == 0xFF {
			out = append(out, 0xD9) // a premature EOI inside the scan
			break
		}
	}
	return out
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestValidate(t *testing.T) {
	jpg := makeJPEG(t, 1, 220, 165)
	tests := []struct {
		name      string
		data      []byte
		maxPixels int64
		reason    string // "" = valid
		format    string
		w, h      int
	}{
		{"jpeg", jpg, 0, "", "jpeg", 220, 165},
		{"png", makePNG(t, 2, 30, 20), 0, "", "png", 30, 20},
		{"gif", makeGIF(t, 3, 17, 9), 0, "", "gif", 17, 9},
		{"webp lossy", readTestdata(t, "lossy.webp"), 0, "", "webp", 0, 0},
		{"webp lossless", readTestdata(t, "lossless.webp"), 0, "", "webp", 0, 0},
		{"at the pixel limit", jpg, 220 * 165, "", "jpeg", 220, 165},
		{"over the pixel limit", jpg, 220*165 - 1, ReasonTooManyPixels, "", 0, 0},
		{"bomb", bombPNG(t, 20000, 20000), 40_000_000, ReasonTooManyPixels, "", 0, 0},
		{"html", []byte("<!DOCTYPE html><html><body>gone</body></html>"), 0, ReasonNotImage, "", 0, 0},
		{"empty", nil, 0, ReasonNotImage, "", 0, 0},
		{"json", []byte(`{"error":"not found"}`), 0, ReasonNotImage, "", 0, 0},
		{"bmp is not accepted", append([]byte("BM"), make([]byte, 60)...), 0, ReasonNotImage, "", 0, 0},
		{"truncated jpeg", jpg[:len(jpg)*6/10], 0, ReasonDecodeError, "", 0, 0},
		{"corrupt jpeg", corruptJPEG(t), 0, ReasonDecodeError, "", 0, 0},
		{"jpeg magic only", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 16}, 0, ReasonDecodeError, "", 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			img, err := Validate(tc.data, "image/jpeg", tc.maxPixels)
			if tc.reason != "" {
				ve, ok := err.(*ValidationError)
				if !ok || ve.Reason != tc.reason {
					t.Fatalf("Validate = %v, %v; want reason %s", img, err, tc.reason)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if img.Format != tc.format || (tc.w != 0 && (img.Width != tc.w || img.Height != tc.h)) {
				t.Errorf("got %s %dx%d, want %s %dx%d", img.Format, img.Width, img.Height, tc.format, tc.w, tc.h)
			}
			if len(img.SHA256) != 64 {
				t.Errorf("sha256 %q", img.SHA256)
			}
		})
	}
}
