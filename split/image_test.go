package split

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/png"
	"testing"

	"github.com/disintegration/imaging"

	"github.com/curate-ml/curate/imagehash"
)

// quadrants is an upright test picture: red top-left, green top-right, blue
// bottom-left, white bottom-right, wider than tall.
func quadrants(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{255, 0, 0, 255}
			switch {
			case x >= w/2 && y < h/2:
				c = color.RGBA{0, 255, 0, 255}
			case x < w/2 && y >= h/2:
				c = color.RGBA{0, 0, 255, 255}
			case x >= w/2 && y >= h/2:
				c = color.RGBA{255, 255, 255, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// inverse is the orientation that undoes o.
func inverse(o int) int {
	switch o {
	case 6:
		return 8
	case 8:
		return 6
	}
	return o
}

func TestEXIFOrientation(t *testing.T) {
	upright := quadrants(64, 32)
	for o := 1; o <= 8; o++ {
		for _, big := range []bool{false, true} {
			t.Run(fmt.Sprintf("o=%d/bigendian=%v", o, big), func(t *testing.T) {
				stored := orient(upright, inverse(o)) // what a camera would store
				data := withEXIFOrientation(encodeJPEG(t, stored, 95), o, big)
				if got := Orientation(data); got != o {
					t.Fatalf("Orientation = %d, want %d", got, o)
				}
				img, err := Decode(data, 0)
				if err != nil {
					t.Fatal(err)
				}
				if img.Rect.Dx() != 64 || img.Rect.Dy() != 32 {
					t.Fatalf("decoded %v, want 64x32 upright", img.Rect)
				}
				for _, q := range []struct {
					r    image.Rectangle
					want [3]float64
				}{
					{image.Rect(4, 4, 28, 12), [3]float64{255, 0, 0}},
					{image.Rect(36, 4, 60, 12), [3]float64{0, 255, 0}},
					{image.Rect(4, 20, 28, 28), [3]float64{0, 0, 255}},
					{image.Rect(36, 20, 60, 28), [3]float64{255, 255, 255}},
				} {
					if got := meanColor(img, q.r); !near(got, q.want, 40) {
						t.Errorf("quadrant %v: colour %v, want %v", q.r, got, q.want)
					}
				}
				// An independent reader (disintegration/imaging) agrees pixel for pixel.
				ref, err := imaging.Decode(bytes.NewReader(data), imaging.AutoOrientation(true))
				if err != nil {
					t.Fatal(err)
				}
				if d := maxDiff(img, ref); d > 0 {
					t.Errorf("differs from imaging.AutoOrientation by %d levels", d)
				}
			})
		}
	}
}

func maxDiff(a, b image.Image) int {
	if a.Bounds().Size() != b.Bounds().Size() {
		return 1 << 30
	}
	m := 0
	ab, bb := a.Bounds(), b.Bounds()
	for y := range ab.Dy() {
		for x := range ab.Dx() {
			ca := color.NRGBAModel.Convert(a.At(ab.Min.X+x, ab.Min.Y+y)).(color.NRGBA)
			cb := color.NRGBAModel.Convert(b.At(bb.Min.X+x, bb.Min.Y+y)).(color.NRGBA)
			for _, d := range []int{int(ca.R) - int(cb.R), int(ca.G) - int(cb.G), int(ca.B) - int(cb.B)} {
				m = max(m, d, -d)
			}
		}
	}
	return m
}

func TestOrientationMalformed(t *testing.T) {
	good := withEXIFOrientation(encodeJPEG(t, quadrants(8, 8), 90), 6, false)
	cases := map[string][]byte{
		"empty":        nil,
		"soi only":     {0xFF, 0xD8},
		"truncated":    good[:20],
		"bad length":   {0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 'E', 'x'},
		"not tiff":     append([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0, 16}, []byte("Exif\x00\x00XX*\x00\x08\x00\x00\x00")...),
		"ifd too far":  append([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0, 16}, []byte("Exif\x00\x00II*\x00\xff\x00\x00\x00")...),
		"png no exif":  encodePNG(t, quadrants(4, 4)),
		"riff garbage": []byte("RIFF\x10\x00\x00\x00WEBPEXIF\xff\xff\xff\xff"),
	}
	for name, data := range cases {
		if got := Orientation(data); got != 1 {
			t.Errorf("%s: Orientation = %d, want 1", name, got)
		}
	}
	for n := range len(good) {
		Orientation(good[:n]) // must not panic on any truncation
	}
}

func encodePNG(t testing.TB, img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestBilinearMatchesTensorFlow checks the sampling positions of
// tf.image.resize(method="bilinear") (half-pixel centres, no antialias).
func TestBilinearMatchesTensorFlow(t *testing.T) {
	row := func(vals ...uint8) *image.RGBA {
		img := image.NewRGBA(image.Rect(0, 0, len(vals), len(vals)))
		for y := range vals {
			for x, v := range vals {
				img.SetRGBA(x, y, color.RGBA{v, v, v, 255})
			}
		}
		return img
	}
	tests := []struct {
		in   []uint8
		size int
		want []uint8
	}{
		{[]uint8{0, 100}, 4, []uint8{0, 25, 75, 100}},              // upscale: clamped ends
		{[]uint8{0, 100, 200, 40}, 2, []uint8{50, 120}},            // downscale by 2: pair means, no antialias
		{[]uint8{10, 20, 30}, 3, []uint8{10, 20, 30}},              // identity
		{[]uint8{0, 90, 180, 240, 0, 30}, 3, []uint8{45, 210, 15}}, // scale 2
		{[]uint8{0, 255}, 3, []uint8{0, 128, 255}},                 // rounding: 127.5 -> 128
	}
	for _, tt := range tests {
		got := resizeBilinear(row(tt.in...), tt.size)
		for x, want := range tt.want {
			for y := range tt.size {
				if c := got.RGBAAt(x, y); c.R != want || c.G != want || c.B != want || c.A != 255 {
					t.Errorf("%v -> %d: pixel (%d,%d) = %v, want %d", tt.in, tt.size, x, y, c, want)
				}
			}
		}
	}
}

func TestResizeModes(t *testing.T) {
	// 200x100: left half red, right half blue.
	src := image.NewRGBA(image.Rect(0, 0, 200, 100))
	draw.Draw(src, image.Rect(0, 0, 100, 100), image.NewUniform(color.RGBA{255, 0, 0, 255}), image.Point{}, draw.Src)
	draw.Draw(src, image.Rect(100, 0, 200, 100), image.NewUniform(color.RGBA{0, 0, 255, 255}), image.Point{}, draw.Src)
	red, blue, black := [3]float64{255, 0, 0}, [3]float64{0, 0, 255}, [3]float64{0, 0, 0}
	tests := []struct {
		mode   ResizeMode
		checks map[image.Rectangle][3]float64
	}{
		{Squash, map[image.Rectangle][3]float64{image.Rect(0, 0, 120, 256): red, image.Rect(136, 0, 256, 256): blue}},
		{CenterCrop, map[image.Rectangle][3]float64{image.Rect(0, 0, 120, 256): red, image.Rect(136, 0, 256, 256): blue}},
		{Pad, map[image.Rectangle][3]float64{
			image.Rect(0, 0, 256, 60): black, image.Rect(0, 196, 256, 256): black,
			image.Rect(0, 70, 120, 186): red, image.Rect(136, 70, 256, 186): blue}},
	}
	for _, tt := range tests {
		got := Resize(src, 256, tt.mode)
		if got.Rect.Dx() != 256 || got.Rect.Dy() != 256 {
			t.Fatalf("%v: size %v", tt.mode, got.Rect)
		}
		for r, want := range tt.checks {
			if c := meanColor(got, r); !near(c, want, 1) {
				t.Errorf("%v: %v has colour %v, want %v", tt.mode, r, c, want)
			}
		}
	}
	// Center-crop keeps the middle: a 300x100 image with a green middle third is all green.
	wide := image.NewRGBA(image.Rect(0, 0, 300, 100))
	draw.Draw(wide, wide.Rect, image.NewUniform(color.RGBA{255, 0, 0, 255}), image.Point{}, draw.Src)
	draw.Draw(wide, image.Rect(100, 0, 200, 100), image.NewUniform(color.RGBA{0, 255, 0, 255}), image.Point{}, draw.Src)
	if c := meanColor(Resize(wide, 64, CenterCrop), image.Rect(0, 0, 64, 64)); !near(c, [3]float64{0, 255, 0}, 0.5) {
		t.Errorf("center-crop of 300x100: colour %v, want green", c)
	}
}

func TestNormaliseFormats(t *testing.T) {
	pic := photo(1, 220, 160)
	nrgba := image.NewNRGBA(pic.Rect) // PNG with transparency: colours kept, alpha dropped
	for i := range nrgba.Pix {
		nrgba.Pix[i] = pic.Pix[i]
		if i%4 == 3 {
			nrgba.Pix[i] = 0x40
		}
	}
	gray := image.NewGray(pic.Rect)
	draw.Draw(gray, gray.Rect, pic, image.Point{}, draw.Src)
	var gifBuf bytes.Buffer
	if err := gif.Encode(&gifBuf, pic, nil); err != nil {
		t.Fatal(err)
	}
	inputs := map[string][]byte{
		"jpeg":       encodeJPEG(t, pic, 90),
		"png":        encodePNG(t, pic),
		"png-alpha":  encodePNG(t, nrgba),
		"png-gray":   encodePNG(t, gray),
		"gif":        gifBuf.Bytes(),
		"jpeg-exif6": withEXIFOrientation(encodeJPEG(t, pic, 90), 6, false),
	}
	want := Resize(pic, 256, Squash)
	for name, data := range inputs {
		for _, format := range []string{"jpeg", "png"} {
			out, err := Normalise(data, ImageOptions{Size: 256, Format: format, Quality: 95})
			if err != nil {
				t.Fatalf("%s -> %s: %v", name, format, err)
			}
			img, gotFormat, err := image.Decode(bytes.NewReader(out))
			if err != nil || gotFormat != format {
				t.Fatalf("%s -> %s: decodes as %q: %v", name, format, gotFormat, err)
			}
			if img.Bounds().Dx() != 256 || img.Bounds().Dy() != 256 {
				t.Fatalf("%s -> %s: %v", name, format, img.Bounds())
			}
			if _, ok := img.(*image.RGBA); format == "png" && !ok {
				t.Errorf("%s -> png: decoded as %T, want opaque RGB", name, img)
			}
			if name == "jpeg-exif6" || name == "png-gray" || name == "gif" {
				continue // rotated, grey or palette: not comparable pixel for pixel
			}
			if c, w := meanColor(img, img.Bounds()), meanColor(want, want.Rect); !near(c, w, 4) {
				t.Errorf("%s -> %s: mean colour %v, want %v", name, format, c, w)
			}
		}
	}
	if _, err := Normalise([]byte("<html>not an image</html>"), ImageOptions{Size: 256, Format: "jpeg", Quality: 95}); err == nil {
		t.Error("HTML: no error")
	}
	for _, bad := range []ImageOptions{{Size: 0, Format: "jpeg", Quality: 95}, {Size: 256, Format: "webp", Quality: 95}, {Size: 256, Format: "jpeg", Quality: 0}} {
		if _, err := Normalise(inputs["jpeg"], bad); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
	// Decompression-bomb guard: refused before decoding.
	if _, err := Decode(inputs["png"], 1000); err == nil {
		t.Error("pixel limit: no error")
	}
}

// TestSignatureThroughDecode: the signature of what Decode returns holds
// over re-encoding, resizing, EXIF rotation and PNG, and unrelated
// pictures do not match.
func TestSignatureThroughDecode(t *testing.T) {
	var sigs []imagehash.Signature
	for seed := range uint64(24) {
		pic := photo(seed, 220, 176)
		s := imagehash.Sign(pic)
		sigs = append(sigs, s)
		// The same picture re-encoded, resized, rotated by EXIF, as PNG.
		variants := map[string][]byte{
			"jpeg q60":       encodeJPEG(t, pic, 60),
			"resized 140":    encodeJPEG(t, imaging.Resize(pic, 140, 112, imaging.Lanczos), 85),
			"upscaled 400":   encodeJPEG(t, imaging.Resize(pic, 400, 320, imaging.Linear), 90),
			"png":            encodePNG(t, pic),
			"exif rotated 6": withEXIFOrientation(encodeJPEG(t, orient(pic, 8), 90), 6, true),
		}
		for name, data := range variants {
			img, err := Decode(data, 0)
			if err != nil {
				t.Fatal(err)
			}
			v := imagehash.Sign(img)
			if d := s.Full.P.Distance(v.Full.P); d > DefaultNearDistance || !imagehash.MatchWhole(&s, &v, DefaultNearDistance) {
				t.Errorf("seed %d, %s: distance %d, match %v; want a match at %d bits", seed, name, d,
					imagehash.MatchWhole(&s, &v, DefaultNearDistance), DefaultNearDistance)
			}
		}
	}
	for i := range sigs {
		for j := i + 1; j < len(sigs); j++ {
			if imagehash.MatchWhole(&sigs[i], &sigs[j], MaxNearDistance) {
				t.Errorf("unrelated pictures %d and %d match at %d bits", i, j, MaxNearDistance)
			}
		}
	}
	// Tiny images (smaller than the 32x32 grid) hash without trouble.
	imagehash.Sign(photo(1, 5, 3))
}

// refBilinear is the plain formula of tf.image.resize bilinear, one output
// pixel at a time: the reference resizeBilinear's row cache must agree with.
func refBilinear(src *image.RGBA, size int) *image.RGBA {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	xs, ys := bilinearAxis(w, size), bilinearAxis(h, size)
	dst := image.NewRGBA(image.Rect(0, 0, size, size))
	at := func(x, y, c int) float32 {
		return float32(src.Pix[src.PixOffset(src.Rect.Min.X+x, src.Rect.Min.Y+y)+c])
	}
	for y := range size {
		for x := range size {
			for c := range 3 {
				tl, tr := at(xs.lo[x], ys.lo[y], c), at(xs.hi[x], ys.lo[y], c)
				bl, br := at(xs.lo[x], ys.hi[y], c), at(xs.hi[x], ys.hi[y], c)
				t := tl + (tr-tl)*xs.frac[x]
				b := bl + (br-bl)*xs.frac[x]
				v := t + (b-t)*ys.frac[y]
				dst.Pix[dst.PixOffset(x, y)+c] = uint8(min(max(v+0.5, 0), 255))
			}
			dst.Pix[dst.PixOffset(x, y)+3] = 255
		}
	}
	return dst
}

func TestResizeMatchesReference(t *testing.T) {
	for _, sz := range []struct{ w, h, size int }{
		{220, 165, 256}, {165, 220, 256}, {1000, 750, 256}, {256, 256, 256}, {7, 3, 256}, {300, 40, 64}, {1, 1, 8}, {513, 257, 256},
	} {
		src := photo(uint64(sz.w*1000+sz.h), sz.w, sz.h)
		// A sub-image, to check offsets too.
		sub := src.SubImage(image.Rect(0, 0, sz.w, sz.h).Inset(min(sz.w, sz.h) / 8)).(*image.RGBA)
		for _, img := range []*image.RGBA{src, sub} {
			if got, want := resizeBilinear(img, sz.size), refBilinear(img, sz.size); !bytes.Equal(got.Pix, want.Pix) {
				t.Errorf("%dx%d -> %d (%v): differs from the reference", sz.w, sz.h, sz.size, img.Rect)
			}
		}
	}
}
