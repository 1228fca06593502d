// Package stripeset writes small synthetic two-class image datasets for
// tests and benchmarks of the trainer: stripes in two random colours with a
// random period and phase, horizontal for label 0 ("others") and vertical
// for label 1 ("sadness"). Both classes draw their colours from the same
// distribution and cover the same share of the image with each, so the
// mean colour says nothing about the label; only the orientation does.
// Datasets are written with package shards, as curate split writes them.
package stripeset

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"path/filepath"

	"github.com/curate-ml/curate/shards"
)

// Image draws one size x size image of the class label.
func Image(rng *rand.Rand, size, label int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	var c [2]color.RGBA
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

// Split is one split to write.
type Split struct {
	Name string
	Rows int
}

// Options configure Write.
type Options struct {
	Size       int
	Seed       uint64
	Splits     []Split
	LabelNames []string                // default others, sadness
	Bad        map[int]bool            // rows of split "train" whose bytes are not an image
	BadIn      map[string]map[int]bool // the same for other splits, by split name
	JPEG       bool                    // JPEG (quality 90) rather than PNG
}

// Write writes a DatasetDict to dir. Labels alternate 0, 1, 0, ...; ids
// are "<split>-<row>".
func Write(dir string, o Options) error {
	names := o.LabelNames
	if names == nil {
		names = []string{"others", "sadness"}
	}
	rng := rand.New(rand.NewPCG(o.Seed, 7))
	var splitNames []string
	for _, sp := range o.Splits {
		w, err := shards.Create(filepath.Join(dir, sp.Name), shards.WriterOptions{LabelNames: names, Split: sp.Name, BatchRows: 16})
		if err != nil {
			return err
		}
		for i := 0; i < sp.Rows; i++ {
			label := i % 2
			var buf bytes.Buffer
			img := Image(rng, o.Size, label)
			format := "png"
			if o.JPEG {
				format = "jpeg"
				err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90})
			} else {
				err = png.Encode(&buf, img)
			}
			if err != nil {
				w.Abort()
				return err
			}
			data := buf.Bytes()
			if (sp.Name == "train" && o.Bad[i]) || o.BadIn[sp.Name][i] {
				data = []byte("not an image")
			}
			row := &shards.Row{ID: fmt.Sprintf("%s-%d", sp.Name, i), Image: data, Label: int64(label), SourceLabel: -1,
				Width: int32(o.Size), Height: int32(o.Size), Format: format}
			if err := w.Write(row); err != nil {
				w.Abort()
				return err
			}
		}
		if err := w.Close(); err != nil {
			return err
		}
		splitNames = append(splitNames, sp.Name)
	}
	return shards.WriteDatasetDict(dir, splitNames)
}
