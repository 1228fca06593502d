package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/gif" // decoders for augment inputs
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/disintegration/imaging"
	"github.com/urfave/cli/v2"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
	_ "golang.org/x/image/webp" // decoder for augment inputs

	"github.com/curate-ml/curate/augment"
	"github.com/curate-ml/curate/internal/atomicfile"
	"github.com/curate-ml/curate/shards"
)

// AugmentPreviewOptions are the flags of `curate augment preview`.
type AugmentPreviewOptions struct {
	In         string  // dataset (shards.Open) or folder of images or one image
	Split      string  // dataset split; default train, else the first
	Images     int     // how many images (--n)
	Out        string  // grid PNG
	Convention string  // tf or torchvision
	N          int     // ops per image (--ops)
	M          float64 // magnitude
	Seed       uint64
	Epoch      uint64
	Size       int // tile size; images are centre-cropped and resized to it
	Columns    int // images (with their versions) per grid row
	Versions   int // augmented versions per image: epochs Epoch, Epoch+1, ...
	JSON       bool
}

// AugmentApplyOptions are the flags of `curate augment apply`.
type AugmentApplyOptions struct {
	Op         string
	M          float64
	Convention string
	Sign       string // "+" or "-"
	CX, CY     int    // Cutout centre; -1 = image centre
	In, Out    string
	JSON       bool
}

func augmentCommand(g *Global) *cli.Command {
	return &cli.Command{
		Name:  "augment",
		Usage: "RandAugment previews and single ops",
		Description: `RandAugment as the paper trains with it (N=3, M=7, a new draw every epoch).
Two conventions give different images at "M=7": tf (the default; tensorflow/models,
level 7 of 10, gray fill, 16 ops + Identity) and torchvision (bin 7 of 31, black
fill, 14 ops). See SPEC.md §4. The draws depend only on (--seed, --epoch, sample id).

EXAMPLES:
   curate augment preview --in demo-out/dataset --n 16 --out grid.png
   curate augment preview --in photos/ --n 8 --epoch 3 --convention torchvision --out tv.png
   curate augment apply --op rotate --m 7 --sign - in.jpg rotated.png
   curate augment apply --op solarize-add --m 7 in.jpg out.png
   curate augment apply --op translate-x --m 7 --convention torchvision in.jpg out.png
` + exitCodesHelp,
		Subcommands: []*cli.Command{augmentPreviewCommand(g), augmentApplyCommand(g)},
	}
}

func augmentPreviewCommand(g *Global) *cli.Command {
	return &cli.Command{
		Name:  "preview",
		Usage: "draw a grid of originals and their augmented versions, op names under each",
		Description: `--in is a dataset (DatasetDict directory, split directory or .arrow shard;
sample id = row index in the split), a folder of images (sample id = position in
name order) or one image. Each image is centre-cropped and resized to --size, then
augmented as training would augment that sample in --epoch.

EXAMPLES:
   curate augment preview --in demo-out/dataset --n 16 --out grid.png
   curate augment preview --in demo-out/dataset --split test --n 8 --seed 7 --out g.png
   curate augment preview --in photos/ --n 8 --epoch 1 --convention torchvision --out tv.png
   curate augment preview --in photos/ --n 4 --versions 3 --columns 2 --out epochs.png
   curate augment preview --json --in photos/ --out grid.png | jq '.images[].ops'
` + exitCodesHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "in", Required: true, Usage: "dataset, folder of images or one image (`PATH`)"},
			&cli.StringFlag{Name: "split", Usage: "dataset split (default train, else the first)"},
			&cli.IntFlag{Name: "n", Value: 16, Usage: "how many images"},
			&cli.StringFlag{Name: "out", Required: true, Usage: "grid PNG to write (`FILE`)"},
			&cli.StringFlag{Name: "convention", Value: "tf", Usage: "tf or torchvision"},
			&cli.IntFlag{Name: "ops", Value: 3, Usage: "RandAugment N: ops per image"},
			&cli.Float64Flag{Name: "m", Value: 7, Usage: "RandAugment M: level 0..10 (tf) or bin 0..30 (torchvision)"},
			&cli.Uint64Flag{Name: "seed", Value: 0, Usage: "augmentation seed"},
			&cli.Uint64Flag{Name: "epoch", Value: 0, Usage: "epoch whose draw to show"},
			&cli.IntFlag{Name: "size", Value: 256, Usage: "tile size in pixels (the model's input is 256)"},
			&cli.IntFlag{Name: "columns", Value: 4, Usage: "images (each with its versions) per grid row"},
			&cli.IntFlag{Name: "versions", Value: 1, Usage: "augmented versions per image: epochs --epoch, --epoch+1, ..."},
			&cli.BoolFlag{Name: "json", Usage: "print what was drawn as JSON"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 0 {
				return usagef("augment preview: unexpected arguments %q (use --in and --out)", c.Args().Slice())
			}
			opts := AugmentPreviewOptions{
				In: c.String("in"), Split: c.String("split"), Images: c.Int("n"), Out: c.String("out"),
				Convention: c.String("convention"), N: c.Int("ops"), M: c.Float64("m"),
				Seed: c.Uint64("seed"), Epoch: c.Uint64("epoch"), Size: c.Int("size"),
				Columns: c.Int("columns"), Versions: c.Int("versions"), JSON: jsonFlag(c, g),
			}
			return runAugmentPreview(c.Context, opts, g)
		},
	}
}

func augmentApplyCommand(g *Global) *cli.Command {
	return &cli.Command{
		Name:      "apply",
		Usage:     "apply exactly one op at one magnitude to one image",
		ArgsUsage: "IN OUT",
		Description: `Reads IN (JPEG, PNG, GIF or WebP) at its own size, applies --op at --m in the
chosen convention and writes OUT (PNG, or JPEG quality 95 for .jpg/.jpeg).
Signed ops (Rotate, ShearX/Y, TranslateX/Y; and Brightness, Color, Contrast,
Sharpness under torchvision) take --sign; RandAugment flips it with probability 1/2.
Ops: Identity AutoContrast Equalize Invert Rotate Posterize Solarize Color Contrast
Brightness Sharpness ShearX ShearY TranslateX TranslateY, and for tf Cutout SolarizeAdd.

EXAMPLES:
   curate augment apply --op rotate --m 7 --sign - in.jpg rotated.png
   curate augment apply --op posterize --m 7 --convention torchvision in.jpg out.png
   curate augment apply --op cutout --m 7 --cx 40 --cy 40 in.jpg out.png
   curate augment apply --json --op shear-x --m 7 in.jpg out.png
` + exitCodesHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "op", Required: true, Usage: "op name (case and dashes ignored)"},
			&cli.Float64Flag{Name: "m", Value: 7, Usage: "magnitude: level 0..10 (tf) or bin 0..30 (torchvision)"},
			&cli.StringFlag{Name: "convention", Value: "tf", Usage: "tf or torchvision"},
			&cli.StringFlag{Name: "sign", Value: "+", Usage: "+ or -, for signed ops"},
			&cli.IntFlag{Name: "cx", Value: -1, Usage: "Cutout centre x (default: image centre)"},
			&cli.IntFlag{Name: "cy", Value: -1, Usage: "Cutout centre y (default: image centre)"},
			&cli.BoolFlag{Name: "json", Usage: "print the resolved op as JSON"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 2 {
				return usagef("augment apply: want IN and OUT, got %d arguments", c.NArg())
			}
			opts := AugmentApplyOptions{
				Op: c.String("op"), M: c.Float64("m"), Convention: c.String("convention"),
				Sign: c.String("sign"), CX: c.Int("cx"), CY: c.Int("cy"),
				In: c.Args().Get(0), Out: c.Args().Get(1), JSON: jsonFlag(c, g),
			}
			return runAugmentApply(c.Context, opts, g)
		},
	}
}

// AugmentAppliedOp is one op as --json reports it.
type AugmentAppliedOp struct {
	Op       string  `json:"op"`
	Arg      float64 `json:"arg"`
	Negative bool    `json:"negative,omitempty"`
	CX       *int    `json:"cx,omitempty"`
	CY       *int    `json:"cy,omitempty"`
	Label    string  `json:"label"`
}

func augAppliedOp(p augment.Params) AugmentAppliedOp {
	a := AugmentAppliedOp{Op: p.Op.String(), Arg: p.Arg, Negative: p.Negative, Label: p.String()}
	if p.Op == augment.Cutout {
		cx, cy := p.CX, p.CY
		a.CX, a.CY = &cx, &cy
	}
	return a
}

// AugmentApplyReport is what `curate augment apply --json` prints.
type AugmentApplyReport struct {
	In         string           `json:"in"`
	Out        string           `json:"out"`
	Width      int              `json:"width"`
	Height     int              `json:"height"`
	Convention string           `json:"convention"`
	M          float64          `json:"m"`
	Applied    AugmentAppliedOp `json:"applied"`
}

func runAugmentApply(ctx context.Context, opts AugmentApplyOptions, g *Global) error {
	conv, err := augment.ParseConvention(opts.Convention)
	if err != nil {
		return usagef("augment apply: %v", err)
	}
	op, err := augment.ParseOp(opts.Op)
	if err != nil {
		return usagef("augment apply: %v", err)
	}
	if !conv.Has(op) {
		return usagef("augment apply: %s is not an op of the %s convention", op, conv)
	}
	var negative bool
	switch opts.Sign {
	case "+", "":
	case "-":
		if !op.Signed(conv) {
			return usagef("augment apply: --sign - given but %s is not a signed op in the %s convention", op, conv)
		}
		negative = true
	default:
		return usagef("augment apply: --sign must be + or -, got %q", opts.Sign)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	img, err := augDecodeFile(opts.In)
	if err != nil {
		return err
	}
	src := augment.FromImage(img)
	p, err := conv.Resolve(op, opts.M, negative, src.W, src.H)
	if err != nil {
		return usagef("augment apply: %v", err)
	}
	if op == augment.Cutout {
		p.CX, p.CY = src.W/2, src.H/2
		if opts.CX >= 0 {
			p.CX = opts.CX
		}
		if opts.CY >= 0 {
			p.CY = opts.CY
		}
	}
	dst := &augment.Image{}
	if err := augment.ApplyOp(dst, src, p); err != nil {
		return err
	}
	if err := augWriteImage(opts.Out, dst.RGBA()); err != nil {
		return err
	}
	rep := AugmentApplyReport{In: opts.In, Out: opts.Out, Width: src.W, Height: src.H,
		Convention: conv.String(), M: opts.M, Applied: augAppliedOp(p)}
	if opts.JSON {
		return augWriteJSON(g.Stdout, rep)
	}
	fmt.Fprintf(g.Stdout, "%s M=%g (%s): %s; wrote %s (%dx%d)\n", op, opts.M, conv, p, opts.Out, src.W, src.H)
	return nil
}

// augInput is one image to show, with the sample id training would use.
type augInput struct {
	Name  string
	ID    uint64
	Label string
	Img   image.Image
}

// AugmentPreviewImage is one grid entry as --json reports it.
type AugmentPreviewImage struct {
	Name     string                  `json:"name"`
	SampleID uint64                  `json:"sample_id"`
	Label    string                  `json:"label,omitempty"`
	Versions []AugmentPreviewVersion `json:"versions"`
}

// AugmentPreviewVersion is one augmented version: the epoch and its ops.
type AugmentPreviewVersion struct {
	Epoch uint64             `json:"epoch"`
	Ops   []AugmentAppliedOp `json:"ops"`
}

// AugmentPreviewReport is what `curate augment preview --json` prints.
type AugmentPreviewReport struct {
	In         string                `json:"in"`
	Out        string                `json:"out"`
	Convention string                `json:"convention"`
	N          int                   `json:"n"`
	M          float64               `json:"m"`
	Seed       uint64                `json:"seed"`
	Epoch      uint64                `json:"epoch"`
	Width      int                   `json:"width"`
	Height     int                   `json:"height"`
	Images     []AugmentPreviewImage `json:"images"`
}

func runAugmentPreview(ctx context.Context, opts AugmentPreviewOptions, g *Global) error {
	conv, err := augment.ParseConvention(opts.Convention)
	if err != nil {
		return usagef("augment preview: %v", err)
	}
	// Zero values (callers such as `curate demo` building options in code)
	// take the flag defaults.
	if opts.Images == 0 {
		opts.Images = 16
	}
	if opts.Size == 0 {
		opts.Size = 256
	}
	if opts.Columns == 0 {
		opts.Columns = 4
	}
	if opts.Versions == 0 {
		opts.Versions = 1
	}
	if opts.Images <= 0 {
		return usagef("augment preview: --n must be positive, got %d", opts.Images)
	}
	if opts.Size < 16 || opts.Size > 2048 {
		return usagef("augment preview: --size must be 16..2048, got %d", opts.Size)
	}
	if opts.Columns <= 0 {
		return usagef("augment preview: --columns must be positive, got %d", opts.Columns)
	}
	if opts.Versions <= 0 || opts.Versions > 64 {
		return usagef("augment preview: --versions must be 1..64, got %d", opts.Versions)
	}
	ra, err := augment.New(augment.Options{N: opts.N, M: opts.M, Convention: conv, Seed: opts.Seed})
	if err != nil {
		return usagef("augment preview: %v", err)
	}
	inputs, err := augLoadInputs(ctx, opts.In, opts.Split, opts.Images)
	if err != nil {
		return err
	}
	if len(inputs) == 0 {
		return fmt.Errorf("augment preview: %s holds no images", opts.In)
	}
	rep := AugmentPreviewReport{In: opts.In, Out: opts.Out, Convention: conv.String(), N: opts.N,
		M: opts.M, Seed: opts.Seed, Epoch: opts.Epoch}
	per := 1 + opts.Versions
	grid := newAugGrid(len(inputs), per, opts.Columns, opts.Size, opts.N)
	src, dst := &augment.Image{}, &augment.Image{}
	for i, in := range inputs {
		if err := ctx.Err(); err != nil {
			return err
		}
		tile := imaging.Fill(in.Img, opts.Size, opts.Size, imaging.Center, imaging.Lanczos)
		augment.CopyFrom(src, tile)
		head := fmt.Sprintf("#%d %s", in.ID, in.Name)
		if in.Label != "" {
			head = fmt.Sprintf("#%d %s", in.ID, in.Label)
		}
		grid.put(per*i, tile, []string{head, "original"})
		pi := AugmentPreviewImage{Name: in.Name, SampleID: in.ID, Label: in.Label}
		for v := 0; v < opts.Versions; v++ {
			epoch := opts.Epoch + uint64(v)
			trace, err := ra.Apply(dst, src, epoch, in.ID)
			if err != nil {
				return fmt.Errorf("augment preview: %s: %w", in.Name, err)
			}
			labels := []string{fmt.Sprintf("epoch %d, %s", epoch, conv)}
			ver := AugmentPreviewVersion{Epoch: epoch, Ops: []AugmentAppliedOp{}}
			for _, p := range trace {
				labels = append(labels, p.String())
				ver.Ops = append(ver.Ops, augAppliedOp(p))
			}
			grid.put(per*i+1+v, dst.RGBA(), labels)
			pi.Versions = append(pi.Versions, ver)
		}
		rep.Images = append(rep.Images, pi)
	}
	b := grid.img.Bounds()
	rep.Width, rep.Height = b.Dx(), b.Dy()
	if err := augWriteImage(opts.Out, grid.img); err != nil {
		return err
	}
	if opts.JSON {
		return augWriteJSON(g.Stdout, rep)
	}
	fmt.Fprintf(g.Stdout, "wrote %s (%dx%d): %d images, %d augmented version(s) each, %s N=%d M=%g seed=%d epoch=%d\n",
		opts.Out, rep.Width, rep.Height, len(inputs), opts.Versions, conv, opts.N, opts.M, opts.Seed, opts.Epoch)
	return nil
}

// augGrid lays tiles out in rows, each with text lines under it.
type augGrid struct {
	img         *image.RGBA
	cols, size  int
	cellH, pad  int
	lineH, text int
}

func newAugGrid(images, per, groupsPerRow, size, ops int) *augGrid {
	cols := per * min(groupsPerRow, images)
	rows := (per*images + cols - 1) / cols
	const lineH, pad = 14, 6
	lines := max(2, ops+1)
	cellH := size + pad + lines*lineH + pad
	g := &augGrid{cols: cols, size: size, cellH: cellH, pad: pad, lineH: lineH}
	g.img = image.NewRGBA(image.Rect(0, 0, pad+cols*(size+pad), pad+rows*cellH))
	draw.Draw(g.img, g.img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	return g
}

func (g *augGrid) put(i int, tile image.Image, lines []string) {
	x := g.pad + (i%g.cols)*(g.size+g.pad)
	y := g.pad + (i/g.cols)*g.cellH
	draw.Draw(g.img, image.Rect(x, y, x+g.size, y+g.size), tile, tile.Bounds().Min, draw.Src)
	d := &font.Drawer{Dst: g.img, Src: image.NewUniform(color.Black), Face: basicfont.Face7x13}
	maxChars := g.size / 7
	for k, line := range lines {
		if len(line) > maxChars {
			line = line[:max(0, maxChars-1)] + "~"
		}
		d.Dot = fixed.P(x, y+g.size+g.pad+(k+1)*g.lineH-3)
		d.DrawString(line)
	}
}

// loadPreviewInputs reads up to n images from a dataset, a folder of images
// or one image file.
func augLoadInputs(ctx context.Context, path, split string, n int) ([]augInput, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("augment preview: %w", err)
	}
	if augIsDataset(path, st) {
		return augLoadDataset(ctx, path, split, n)
	}
	if split != "" {
		return nil, usagef("augment preview: --split applies to datasets; %s is not one", path)
	}
	if !st.IsDir() {
		img, err := augDecodeFile(path)
		if err != nil {
			return nil, err
		}
		return []augInput{{Name: filepath.Base(path), ID: 0, Img: img}}, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, fmt.Errorf("augment preview: %w", err)
	}
	var names []string
	for _, e := range entries {
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".jpg", ".jpeg", ".png", ".gif", ".webp":
			if e.Type().IsRegular() {
				names = append(names, e.Name())
			}
		}
	}
	sort.Strings(names)
	var out []augInput
	for i, name := range names {
		if len(out) == n {
			break
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		img, err := augDecodeFile(filepath.Join(path, name))
		if err != nil {
			return nil, err
		}
		out = append(out, augInput{Name: name, ID: uint64(i), Img: img})
	}
	return out, nil
}

func augIsDataset(path string, st os.FileInfo) bool {
	if !st.IsDir() {
		return strings.EqualFold(filepath.Ext(path), ".arrow")
	}
	for _, name := range []string{"dataset_dict.json", "state.json"} {
		if _, err := os.Stat(filepath.Join(path, name)); err == nil {
			return true
		}
	}
	m, _ := filepath.Glob(filepath.Join(path, "*.arrow"))
	return len(m) > 0
}

func augLoadDataset(ctx context.Context, path, split string, n int) ([]augInput, error) {
	ds, err := shards.Open(path)
	if err != nil {
		return nil, fmt.Errorf("augment preview: %w", err)
	}
	defer ds.Close()
	var s *shards.Split
	switch {
	case split != "":
		if s = ds.Split(split); s == nil {
			names := make([]string, len(ds.Splits))
			for i, sp := range ds.Splits {
				names[i] = sp.Name
			}
			return nil, usagef("augment preview: %s has no split %q (it has %s)", path, split, strings.Join(names, ", "))
		}
	case ds.Split("train") != nil:
		s = ds.Split("train")
	case len(ds.Splits) > 0:
		s = ds.Splits[0]
	default:
		return nil, fmt.Errorf("augment preview: %s holds no splits", path)
	}
	it := s.Iter()
	var out []augInput
	for len(out) < n {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		idx := it.Index()
		row, err := it.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("augment preview: %s split %s row %d: %w", path, s.Name, idx, err)
		}
		// Decode now: Image aliases the mapping, which Close unmaps.
		img, _, err := image.Decode(bytes.NewReader(row.Image))
		if err != nil {
			return nil, fmt.Errorf("augment preview: %s split %s row %d (id %q): image does not decode: %w", path, s.Name, idx, row.ID, err)
		}
		label := ""
		if row.Label >= 0 && int(row.Label) < len(s.LabelNames) {
			label = s.LabelNames[row.Label]
		}
		name := row.ID
		if name == "" {
			name = fmt.Sprintf("row %d", idx)
		}
		if label != "" {
			label = name + " " + label
		}
		out = append(out, augInput{Name: name, ID: uint64(idx), Label: label, Img: img})
	}
	return out, nil
}

func augDecodeFile(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable image: %w", path, err)
	}
	return img, nil
}

// writeImageFile encodes img by OUT's extension (PNG unless .jpg/.jpeg) and
// writes it atomically.
func augWriteImage(path string, img image.Image) error {
	f, err := atomicfile.Create(path)
	if err != nil {
		return err
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jpg", ".jpeg":
		err = jpeg.Encode(f, img, &jpeg.Options{Quality: 95})
	default:
		err = png.Encode(f, img)
	}
	if err != nil {
		f.Abort()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Commit()
}

func augWriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
