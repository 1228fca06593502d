package demodata

import (
	"bytes"
	"image"
	_ "image/jpeg"
	"testing"
)

// meanSatLight is the mean HSL-style saturation and lightness of an image.
func meanSatLight(t *testing.T, data []byte) (sat, light float64) {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	n := 0.0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			hi := float64(max(r, g, bl)) / 0xffff
			lo := float64(min(r, g, bl)) / 0xffff
			if hi > 0 {
				sat += (hi - lo) / hi
			}
			light += (hi + lo) / 2
			n++
		}
	}
	return sat / n, light / n
}

func TestGenerateDeterministicAndLearnable(t *testing.T) {
	a, err := Generate(60)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Generate(60)
	if len(a) != 61 || len(b) != len(a) {
		t.Fatalf("%d images, want 60 and one duplicate", len(a))
	}
	kinds := map[string]int{}
	for i := range a {
		if a[i].Name != b[i].Name || !bytes.Equal(a[i].Data, b[i].Data) {
			t.Fatalf("%s differs between two calls", a[i].Name)
		}
		kinds[a[i].Kind]++
	}
	if kinds["text"] != 2 || kinds["duplicate"] != 1 {
		t.Errorf("kinds %v", kinds)
	}
	// The classes differ the way sad and other photos do, on average, but
	// neither saturation nor lightness alone separates them.
	var sadSat, othSat, sadLight, othLight []float64
	for _, im := range a {
		if im.Kind != "photo" {
			continue
		}
		s, l := meanSatLight(t, im.Data)
		if im.Sad {
			sadSat, sadLight = append(sadSat, s), append(sadLight, l)
		} else {
			othSat, othLight = append(othSat, s), append(othLight, l)
		}
	}
	mean := func(v []float64) float64 {
		s := 0.0
		for _, x := range v {
			s += x
		}
		return s / float64(len(v))
	}
	if !(mean(sadSat) < mean(othSat)-0.1) || !(mean(sadLight) < mean(othLight)) {
		t.Errorf("sad scenes: saturation %.2f, lightness %.2f; others %.2f, %.2f: want sad ones duller and darker",
			mean(sadSat), mean(sadLight), mean(othSat), mean(othLight))
	}
	overlap := func(low, high []float64) bool { // some "low" value above some "high" value
		mx, mn := low[0], high[0]
		for _, x := range low {
			mx = max(mx, x)
		}
		for _, x := range high {
			mn = min(mn, x)
		}
		return mx > mn
	}
	if !overlap(sadLight, othLight) || !overlap(sadSat, othSat) {
		t.Error("one channel separates the classes: the demo would be trivial")
	}
}
