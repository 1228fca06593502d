package augment

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
)

type refCase struct {
	Convention string  `json:"convention"`
	Op         string  `json:"op"`
	M          float64 `json:"m"`
	Negative   bool    `json:"negative"`
	CX         int     `json:"cx"`
	CY         int     `json:"cy"`
	Arg        float64 `json:"arg"`
	File       string  `json:"file"`
	Reference  string  `json:"reference"`
}

type refManifest struct {
	Source string    `json:"source"`
	Cases  []refCase `json:"cases"`
}

// loadPNG reads a PNG; with a nil t it panics on error (benchmark setup).
func loadPNG(t testing.TB, path string) *Image {
	fail := func(err error) {
		if t == nil {
			panic(err)
		}
		t.Helper()
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		fail(err)
	}
	defer f.Close()
	m, err := png.Decode(f)
	if err != nil {
		fail(fmt.Errorf("%s: %w", path, err))
	}
	return FromImage(m)
}

// tolerance is how far an op may be from its reference, in bytes that differ
// and in the largest difference. Every op is written to reproduce its
// reference's arithmetic, so all are exact; see TestOpsMatchReferences.
type tolerance struct {
	maxDiffering int // bytes allowed to differ
	maxDelta     int // largest allowed |got-want|
}

// TestOpsMatchReferences compares every op, in both conventions, at two
// magnitudes and both signs, with the outputs of scripts/gen_augment_refs.py:
// Pillow (torchvision's ops are Pillow's; TF's point ops, Brightness and
// Sharpness transcribe Pillow's) or a numpy float32 restatement of the
// tensorflow/models code (TF's AutoContrast, Color, Contrast, SolarizeAdd,
// Cutout and geometric ops).
//
// Tolerance: exact, for every op. Point ops and blends are exact because the
// Go code does the reference's integer or float32 arithmetic in the same
// order. Geometric ops are exact too: torchvision's through Pillow's 16.16
// fixed-point affine_fixed (the only float64 step is the matrix, rounded to
// 1/65536), TF's through the same float32 coordinate arithmetic as
// ImageProjectiveTransformV3 with round-half-away. Against real TensorFlow
// (not installed here), a geometric pixel could differ only where a float32
// coordinate lands within an ulp of a half pixel, and a Color gray value
// could differ by 1 if its kernel fuses multiply-adds.
func TestOpsMatchReferences(t *testing.T) {
	dir := filepath.Join("testdata", "refs")
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var man refManifest
	if err := json.Unmarshal(raw, &man); err != nil {
		t.Fatal(err)
	}
	if len(man.Cases) < 90 {
		t.Fatalf("manifest has %d cases, want the full set", len(man.Cases))
	}
	src := loadPNG(t, filepath.Join(dir, man.Source))
	seen := map[Convention]map[Op]bool{TF: {}, Torchvision: {}}
	dst := NewImage(1, 1)
	for _, c := range man.Cases {
		t.Run(c.File, func(t *testing.T) {
			conv, err := ParseConvention(c.Convention)
			if err != nil {
				t.Fatal(err)
			}
			op, err := ParseOp(c.Op)
			if err != nil {
				t.Fatal(err)
			}
			seen[conv][op] = true
			p, err := conv.Resolve(op, c.M, c.Negative, src.W, src.H)
			if err != nil {
				t.Fatal(err)
			}
			if p.Arg != c.Arg {
				t.Errorf("argument: got %v, reference %v", p.Arg, c.Arg)
			}
			p.CX, p.CY = c.CX, c.CY
			if err := ApplyOp(dst, src, p); err != nil {
				t.Fatal(err)
			}
			want := loadPNG(t, filepath.Join(dir, c.File))
			tol := tolerance{}
			differing, maxDelta, first := 0, 0, -1
			for i := range want.Pix {
				d := int(dst.Pix[i]) - int(want.Pix[i])
				if d != 0 {
					if first < 0 {
						first = i
					}
					differing++
					maxDelta = max(maxDelta, d, -d)
				}
			}
			if differing > tol.maxDiffering || maxDelta > tol.maxDelta {
				px := first / 3
				t.Errorf("%s (reference %s): %d of %d bytes differ (max %d); first at x=%d y=%d c=%d: got %d want %d",
					p, c.Reference, differing, len(want.Pix), maxDelta, px%src.W, px/src.W, first%3, dst.Pix[first], want.Pix[first])
			}
		})
	}
	for conv, ops := range seen {
		for _, op := range conv.ops() {
			if !ops[op] {
				t.Errorf("no reference case for %s %s", conv, op)
			}
		}
	}
}

// TestTFPosterizeZeroBits: below level 2.5 TF's posterize gets bits = 0 and
// shifts by 8, which tf.bitwise clamps to 7 (cwise_ops.h right_shift_op), so
// one bit survives; Pillow's posterize(0) would give black.
func TestTFPosterizeZeroBits(t *testing.T) {
	src := NewImage(16, 16)
	for i := range src.Pix {
		src.Pix[i] = uint8(i)
	}
	for _, m := range []float64{0, 1, 2.4} {
		p, err := TF.Resolve(Posterize, m, false, 16, 16)
		if err != nil || p.Arg != 0 {
			t.Fatalf("M=%v: arg %v, %v", m, p.Arg, err)
		}
		dst := NewImage(1, 1)
		if err := ApplyOp(dst, src, p); err != nil {
			t.Fatal(err)
		}
		for i, v := range src.Pix {
			if want := v &^ 127; dst.Pix[i] != want {
				t.Fatalf("M=%v: %d -> %d, want %d", m, v, dst.Pix[i], want)
			}
		}
	}
}

// FuzzApplyOp: any op, magnitude, sign and Cutout centre on any small image
// gives an image of the source's size without panicking, and the same bytes
// twice.
func FuzzApplyOp(f *testing.F) {
	f.Add(uint8(1), uint8(1), uint8(4), 7.0, false, 0, 0, false)
	f.Add(uint8(3), uint8(2), uint8(10), 10.0, true, 5, -3, true)
	f.Add(uint8(40), uint8(9), uint8(15), 7.0, false, 39, 8, false)
	f.Add(uint8(17), uint8(33), uint8(13), 30.0, true, 0, 0, true)
	f.Fuzz(func(t *testing.T, w, h, opi uint8, m float64, neg bool, cx, cy int, tv bool) {
		if w == 0 || h == 0 {
			return
		}
		conv := TF
		if tv {
			conv = Torchvision
			m = math.Trunc(m)
		}
		ops := conv.ops()
		op := ops[int(opi)%len(ops)]
		p, err := conv.Resolve(op, m, neg, int(w), int(h))
		if err != nil {
			if m >= 0 && m <= conv.MaxM() {
				t.Fatalf("valid magnitude %v rejected: %v", m, err)
			}
			return
		}
		p.CX, p.CY = cx, cy
		src := NewImage(int(w), int(h))
		for i := range src.Pix {
			src.Pix[i] = uint8(i*37 + int(opi))
		}
		a, b := NewImage(1, 1), NewImage(300, 300)
		if err := ApplyOp(a, src, p); err != nil {
			t.Fatal(err)
		}
		if err := ApplyOp(b, src, p); err != nil {
			t.Fatal(err)
		}
		if a.W != src.W || a.H != src.H || len(a.Pix) != len(src.Pix) || !bytes.Equal(a.Pix, b.Pix) {
			t.Fatalf("%v on %dx%d: got %dx%d, repeat equal %v", p, w, h, a.W, a.H, bytes.Equal(a.Pix, b.Pix))
		}
	})
}
