package imagehash

import (
	"encoding/hex"
	"encoding/json"
	"image"
	_ "image/png"
	"os"
	"path/filepath"
	"testing"
)

type vector struct {
	File      string  `json:"file"`
	PHash     string  `json:"phash"`
	DHash     string  `json:"dhash"`
	TieMargin float64 `json:"phash_tie_margin"`
	Resize32  string  `json:"resize32"`
}

// decodeFile is the picture at path, decoded.
func decodeFile(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

func loadGray(t *testing.T, path string) *Gray {
	t.Helper()
	return Luma(decodeFile(t, path))
}

// TestMatchesImagehash compares with vectors written by
// scripts/imagehash_fixtures.py (Python imagehash's phash and dhash
// transcribed on Debian's PIL and SciPy): the PIL Lanczos resize byte for
// byte, and both hashes bit for bit.
func TestMatchesImagehash(t *testing.T) {
	data, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vs []vector
	if err := json.Unmarshal(data, &vs); err != nil {
		t.Fatal(err)
	}
	if len(vs) < 8 {
		t.Fatalf("%d vectors, want 8", len(vs))
	}
	for _, v := range vs {
		t.Run(v.File, func(t *testing.T) {
			g := loadGray(t, filepath.Join("testdata", v.File))
			want, err := hex.DecodeString(v.Resize32)
			if err != nil {
				t.Fatal(err)
			}
			got := g.Resize(Box{0, 0, float64(g.W), float64(g.H)}, 32, 32)
			diff := 0
			for i := range want {
				if got.Pix[i] != want[i] {
					diff++
				}
			}
			if diff > 0 {
				t.Errorf("32x32 Lanczos resize: %d of 1024 pixels differ from PIL", diff)
			}
			if v.TieMargin < 1e-6 {
				t.Fatalf("fixture has a coefficient on the median (margin %g): not a bit-exact case", v.TieMargin)
			}
			if got := PHash(g).String(); got != v.PHash {
				t.Errorf("phash %s, imagehash %s", got, v.PHash)
			}
			if got := DHash(g).String(); got != v.DHash {
				t.Errorf("dhash %s, imagehash %s", got, v.DHash)
			}
		})
	}
}

func TestWindows(t *testing.T) {
	if len(Windows) != 34 || len(CentreMatchWindows) != 6 {
		t.Fatalf("%d windows, %d centre-match windows; want 34 and 6", len(Windows), len(CentreMatchWindows))
	}
	for i, w := range Windows {
		if w.X0 < 0 || w.Y0 < 0 || w.X1 > 1+1e-9 || w.Y1 > 1+1e-9 || w.X1 <= w.X0 || w.Y1 <= w.Y0 {
			t.Errorf("window %d: %+v", i, w)
		}
		if i < CentreWindows && (w.X0+w.X1 < 0.999 || w.X0+w.X1 > 1.001) {
			t.Errorf("window %d is not centred: %+v", i, w)
		}
	}
}

// A 1-px frame added around a picture is trimmed before the keys are
// computed, so the keys equal the picture's; PHash (imagehash's) sees the frame.
func TestSignTrimsFrame(t *testing.T) {
	g := loadGray(t, "testdata/coffee.png")
	framed := &image.Gray{Pix: make([]uint8, (g.W+2)*(g.H+2)), Stride: g.W + 2, Rect: image.Rect(0, 0, g.W+2, g.H+2)}
	plain := &image.Gray{Pix: g.Pix, Stride: g.W, Rect: image.Rect(0, 0, g.W, g.H)}
	for y := range g.H {
		copy(framed.Pix[(y+1)*(g.W+2)+1:], g.Pix[y*g.W:(y+1)*g.W])
	}
	a, b := Sign(plain), Sign(framed)
	if a.Full != b.Full || a.Mirror != b.Mirror {
		t.Errorf("frame moved the keys: %+v vs %+v", a.Full, b.Full)
	}
	if !MatchWhole(&a, &b, 0) {
		t.Error("framed copy does not match at 0 bits")
	}
	if a.PHash == b.PHash {
		t.Log("note: the frame left imagehash's phash unchanged")
	}
	if tb := trimFrame(Luma(framed)); tb != (Box{1, 1, float64(g.W + 1), float64(g.H + 1)}) {
		t.Errorf("trimmed box %v", tb)
	}
}
