// Command dump writes the real-material evaluation set (evalset.Real) as PNG
// files, one folder per part, with labels.tsv (name, has_text, kind, text,
// source photo), so the images can be looked at or fed to other tools.
// scripts/ocr-evalset.sh runs it.
//
//	go run ./ocr/internal/evalset/dump -out /tmp/ocr-evalset
//	go run ./ocr/internal/evalset/dump -out /tmp/ocr-evalset -parts heldout3
//	go run ./ocr/internal/evalset/dump -out /tmp/ocr-evalset -parts heldout4
//	go run ./ocr/internal/evalset/dump -out /tmp/ocr-evalset -parts heldout5
//	go run ./ocr/internal/evalset/dump -out /tmp/ocr-evalset -parts heldout6
//	go run ./ocr/internal/evalset/dump -out /tmp/ocr-evalset -parts heldout8
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"

	"github.com/curate-ml/curate/ocr/internal/evalset"
)

func main() {
	out := flag.String("out", "", "output folder (required)")
	perKind := flag.Int("per-kind", 0, "composites per kind (0: the default)")
	version := flag.Int("version", 0, "set version: 1 the previous set, 0 or 2 the current")
	parts := flag.String("parts", evalset.PartTune+","+evalset.PartHeldOut, "comma-separated parts ("+evalset.PartHeldOut3+", "+evalset.PartHeldOut4+", "+evalset.PartHeldOut5+", "+evalset.PartHeldOut6+", "+evalset.PartHeldOut7+", "+evalset.PartHeldOut8+": version 3-8's held-out parts)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "dump: -out is required")
		os.Exit(2)
	}
	if err := run(*out, *perKind, *version, strings.Split(*parts, ",")); err != nil {
		fmt.Fprintln(os.Stderr, "dump:", err)
		os.Exit(1)
	}
}

func run(out string, perKind, version int, parts []string) error {
	for _, part := range parts {
		samples, err := evalset.Real(part, evalset.RealOptions{PerKind: perKind, Version: version})
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(out, part), 0o755); err != nil {
			return err
		}
		f, err := os.Create(filepath.Join(out, part, "labels.tsv"))
		if err != nil {
			return err
		}
		w := bufio.NewWriter(f)
		fmt.Fprintln(w, "file\thas_text\tkind\tthumb\ttext\tsource")
		for _, s := range samples {
			name := filepath.Base(s.Name) + ".png"
			var buf bytes.Buffer
			if err := png.Encode(&buf, s.Image); err != nil {
				return fmt.Errorf("%s: %w", s.Name, err)
			}
			if err := os.WriteFile(filepath.Join(out, part, name), buf.Bytes(), 0o644); err != nil {
				return err
			}
			fmt.Fprintf(w, "%s\t%v\t%s\t%v\t%s\t%s\n", name, s.HasText, s.Kind, s.Thumb, s.Text, s.Source)
		}
		if err := w.Flush(); err != nil {
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return nil
}
