package train

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/curate-ml/curate/shards"
)

// stripes draws a size x size image of stripes in two random colours with
// a random period and phase: horizontal for label 0, vertical for label 1.
// Both classes draw their colours from the same distribution and cover the
// same share of the image with each, so the mean colour says nothing about
// the label; only the orientation does.
func stripes(rng *rand.Rand, size, label int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	c := [2]color.RGBA{}
	for k := range c {
		c[k] = color.RGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}
	}
	period := 4 + 2*rng.IntN(3) // 4, 6 or 8: even, so each colour covers half
	phase := rng.IntN(period)
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			t := y
			if label == 1 {
				t = x
			}
			img.SetRGBA(x, y, c[((t+phase)/(period/2))%2])
		}
	}
	return img
}

type splitSpec struct {
	name string
	rows int
}

// writeDataset writes a DatasetDict of stripe images with the shards
// package: labels alternate, ids are "<split>-<i>". bad lists row indices
// (of split "train") whose image bytes are garbage.
func writeDataset(t testing.TB, dir string, size int, seed uint64, specs []splitSpec, bad map[int]bool, names []string) string {
	t.Helper()
	if names == nil {
		names = []string{"others", "sadness"}
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	var splitNames []string
	for _, sp := range specs {
		w, err := shards.Create(filepath.Join(dir, sp.name), shards.WriterOptions{LabelNames: names, Split: sp.name, BatchRows: 16})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < sp.rows; i++ {
			label := i % 2
			var buf bytes.Buffer
			if err := png.Encode(&buf, stripes(rng, size, label)); err != nil {
				t.Fatal(err)
			}
			data := buf.Bytes()
			if sp.name == "train" && bad[i] {
				data = []byte("not an image")
			}
			row := &shards.Row{ID: fmt.Sprintf("%s-%d", sp.name, i), Image: data, Label: int64(label), SourceLabel: -1,
				Width: int32(size), Height: int32(size), Format: "png"}
			if err := w.Write(row); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		splitNames = append(splitNames, sp.name)
	}
	if err := shards.WriteDatasetDict(dir, splitNames); err != nil {
		t.Fatal(err)
	}
	return dir
}

// tinyOptions trains the tiny preset briefly on a small set.
func tinyOptions(data, out string) Options {
	o := Defaults()
	o.Data, o.Out = data, out
	o.Backbone, o.Gram, o.Size = "tiny", 1, 32
	o.Epochs, o.Batch, o.Threads = 2, 8, 2
	o.Augment = "none"
	return o
}
