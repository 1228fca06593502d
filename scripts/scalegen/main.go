// Command scalegen writes the inputs of `make scale-test`: a fetch-like
// dataset of N small JPEG images in shards, and for filter-text a resume
// journal holding a verdict for every one of them (with the options file
// that goes with it), so filter-text's resume path runs at WEBEmo scale
// without OCR. It is a test tool, not part of curate.
package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/curate-ml/curate/ocr"
	"github.com/curate-ml/curate/ocr/filter"
	"github.com/curate-ml/curate/shards"
	"github.com/curate-ml/curate/webemo"
)

func main() {
	rows := flag.Int("rows", 220_000, "images to write")
	out := flag.String("out", "", "dataset folder to write")
	journal := flag.String("journal", "", "filter-text output folder to seed with a journal of a verdict per image")
	size := flag.Int("size", 24, "image side in pixels")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "scalegen: --out is required")
		os.Exit(2)
	}
	if err := run(*rows, *size, *out, *journal); err != nil {
		fmt.Fprintln(os.Stderr, "scalegen:", err)
		os.Exit(1)
	}
}

func run(n, size int, out, journalDir string) error {
	w, err := shards.Create(out, shards.WriterOptions{LabelNames: webemo.DefaultCategories().Level3Names()})
	if err != nil {
		return err
	}
	var jw *bufio.Writer
	if journalDir != "" {
		if err := os.MkdirAll(journalDir, 0o755); err != nil {
			return err
		}
		det, err := ocr.NewDetector(nil, ocr.DefaultOptions())
		if err != nil {
			return err
		}
		opts, err := json.MarshalIndent(det.Options(), "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(journalDir, filter.OptionsFile), append(opts, '\n'), 0o644); err != nil {
			return err
		}
		f, err := os.Create(filepath.Join(journalDir, filter.JournalFile))
		if err != nil {
			return err
		}
		defer f.Close()
		jw = bufio.NewWriterSize(f, 1<<20)
		defer jw.Flush()
	}
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	var buf bytes.Buffer
	for i := range n {
		rng := rand.New(rand.NewPCG(uint64(i), 11))
		base := color.RGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}
		for p := 0; p < len(img.Pix); p += 4 {
			img.Pix[p], img.Pix[p+1], img.Pix[p+2], img.Pix[p+3] = base.R^uint8(rng.IntN(64)), base.G, base.B^uint8(p), 255
		}
		buf.Reset()
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
			return err
		}
		sum := sha256.Sum256(buf.Bytes())
		label := int64(i % 25)
		id := fmt.Sprintf("img%07d", i)
		if err := w.Write(&shards.Row{ID: id, Image: buf.Bytes(), Path: id + ".jpg", Label: label, Labels: []int64{label},
			SourceLabel: label, URL: "http://scale.test/" + id + ".jpg", SHA256: hex.EncodeToString(sum[:]),
			Width: int32(size), Height: int32(size), Format: "jpeg", List: "train25.txt"}); err != nil {
			return err
		}
		if jw != nil {
			v := filter.Verdict{Key: id, ID: id, Path: id + ".jpg", HasText: i%10 == 0, Pass: "sparse", Words: []ocr.Word{}, MS: 5}
			line, err := json.Marshal(v)
			if err != nil {
				return err
			}
			jw.Write(append(line, '\n'))
		}
	}
	return w.Close()
}
