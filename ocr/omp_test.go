package ocr

import (
	"context"
	"image"
	"image/color"
	"os"
	"testing"

	"github.com/curate-ml/curate/ocr/internal/evalset"
)

// TestSingleThreadedEngines checks that Tesseract's OpenMP regions start
// no threads of their own: each engine must use one core, or N workers
// would oversubscribe N cores (libgomp would add 3 threads per LSTM call).
func TestSingleThreadedEngines(t *testing.T) {
	det := testDetector(t, 1, Options{Passes: PassNames, TextureEdgeDensity: 1})
	samples := evalset.Generate(6, 1)
	threads := func() int {
		ents, err := os.ReadDir("/proc/self/task")
		if err != nil {
			t.Skipf("no /proc/self/task to count threads: %v", err)
		}
		return len(ents)
	}
	// Warm up: the Go runtime settles its own threads.
	if _, err := det.Detect(context.Background(), samples[0].Image); err != nil {
		t.Fatal(err)
	}
	before := threads()
	imgs := []image.Image{}
	for _, s := range samples[:4] {
		imgs = append(imgs, s.Image)
	}
	// The quarter lines of turned.go (a word turned a quarter up a real
	// photo: read turned both ways) and the view passes (a banner whose
	// word fills the picture; a photo large enough to be reduced) call
	// Tesseract through the same Client.recognize, which holds it to one
	// thread; checked here as well, since the generated samples have
	// neither.
	photo := skimagePhoto(t, "coffee.png")
	up, _ := turnedText(t, photo, "JUNIPER", 40, image.Pt(500, 200), 90, false, color.Gray{Y: 250})
	dark := image.NewRGBA(image.Rect(0, 0, 300, 60))
	for i := range dark.Pix {
		dark.Pix[i] = map[bool]uint8{false: 30, true: 255}[i%4 == 3]
	}
	banner, _ := captioned(t, dark, "LOADING", 50, image.Pt(8, 54))
	imgs = append(imgs, up, banner, photo)
	for _, img := range imgs {
		if _, err := det.Detect(context.Background(), img); err != nil {
			t.Fatal(err)
		}
	}
	if after := threads(); after-before >= 3 {
		t.Errorf("threads grew from %d to %d during recognition: OpenMP is not limited to one thread", before, after)
	}
}
