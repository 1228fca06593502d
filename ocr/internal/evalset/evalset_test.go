package evalset

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func TestGenerateDeterministic(t *testing.T) {
	a := Generate(7, 2)
	b := Generate(7, 2)
	if len(a) != 2*2*len(PositiveKinds) {
		t.Fatalf("got %d samples, want %d", len(a), 2*2*len(PositiveKinds))
	}
	pos := 0
	for i := range a {
		if a[i].Name != b[i].Name || !bytes.Equal(a[i].Image.Pix, b[i].Image.Pix) {
			t.Fatalf("sample %d (%s) differs between two runs with the same seed", i, a[i].Name)
		}
		if a[i].HasText {
			pos++
		}
		lo := a[i].Image.Bounds().Dx()
		if h := a[i].Image.Bounds().Dy(); h > lo {
			lo = h
		}
		if a[i].Thumb && lo != ThumbSize {
			t.Errorf("%s: thumbnail long side %d, want %d", a[i].Name, lo, ThumbSize)
		}
	}
	if pos != len(a)/2 {
		t.Errorf("%d positives of %d, want half", pos, len(a))
	}
	if dir := os.Getenv("EVALSET_DUMP"); dir != "" {
		for _, s := range Generate(int64(envSeed()), 6) {
			var buf bytes.Buffer
			png.Encode(&buf, s.Image)
			os.WriteFile(filepath.Join(dir, s.Name+".png"), buf.Bytes(), 0o644)
		}
	}
}

func envSeed() int {
	n := 1
	fmt.Sscan(os.Getenv("EVALSET_SEED"), &n)
	return n
}
