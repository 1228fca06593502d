package ocr

import (
	"context"
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
	for _, s := range samples[:4] {
		if _, err := det.Detect(context.Background(), s.Image); err != nil {
			t.Fatal(err)
		}
	}
	if after := threads(); after-before >= 3 {
		t.Errorf("threads grew from %d to %d during recognition: OpenMP is not limited to one thread", before, after)
	}
}
