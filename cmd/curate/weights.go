package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/curate-ml/curate/model"
	"github.com/curate-ml/curate/weights"
)

// WeightsImportOptions are the flags of `curate weights import`.
type WeightsImportOptions struct {
	File     string
	Out      string
	Backbone string
	JSON     bool
}

// WeightsInspectOptions are the flags of `curate weights inspect`.
type WeightsInspectOptions struct {
	File string
	JSON bool
}

// WeightsExportOptions are the flags of `curate weights export`.
type WeightsExportOptions struct {
	Checkpoint string
	Format     string
	Out        string
	Size       int
	JSON       bool
}

const weightsFormats = `FORMATS read (told apart by content, not by name):
   keras-h5            Keras legacy HDF5, e.g. efficientnetv2-b2_notop.h5 (root attribute
                       layer_names, one group per layer, kernels (kh,kw,in,out))
   timm-safetensors    timm tf_efficientnetv2_b2 (conv_stem, blocks.S.B.*, conv_head, bn2;
                       PyTorch layouts (out,in,kh,kw); num_batches_tracked and the
                       ImageNet classifier are ignored)
   curate-safetensors  curate checkpoints and weight files (Keras names without ":0")
`

func weightsCommand(g *Global) *cli.Command {
	return &cli.Command{
		Name:  "weights",
		Usage: "pretrained weights in (Keras .h5, timm safetensors) and trained weights out (safetensors, timm, ONNX)",
		Description: `Training starts from an ImageNet-pretrained backbone that you download yourself
(curate never fetches it): Keras's efficientnetv2-b2_notop.h5 or timm's
tf_efficientnetv2_b2 safetensors. import checks every backbone tensor by name
and shape and writes curate's own safetensors; curate train --init takes any
of the three formats directly. export writes a trained checkpoint for use
outside curate.

EXAMPLES:
   curate weights inspect efficientnetv2-b2_notop.h5
   curate weights import efficientnetv2-b2_notop.h5 --out b2-imagenet.safetensors
   curate weights export RUN/checkpoints/best.safetensors --format onnx --out sadness.onnx

` + weightsFormats + exitCodesHelp,
		Subcommands: []*cli.Command{
			{
				Name:      "import",
				Usage:     "check a pretrained file against the backbone and write it as curate safetensors",
				ArgsUsage: "FILE",
				Description: `Reads FILE (any format below), matches every backbone tensor by name and
shape (a missing, extra or mis-shaped tensor is an error that lists them all),
prints the file's MD5 and whether it is the efficientnetv2-b2_notop.h5 Keras
publishes, and writes the backbone tensors to --out (atomically). The head
and Gram modules are not in the file: training initialises them.

EXAMPLES:
   curate weights import efficientnetv2-b2_notop.h5 --out b2-imagenet.safetensors
   curate weights import tf_efficientnetv2_b2.safetensors --out b2.safetensors --json

` + weightsFormats + exitCodesHelp,
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "out", Usage: "curate safetensors file to write (required)"},
					&cli.StringFlag{Name: "backbone", Value: "b2", Usage: "EfficientNetV2 variant: " + strings.Join(model.Backbones, ", ")},
					&cli.BoolFlag{Name: "json", Usage: "print the import report as one JSON object"},
				},
				Action: func(c *cli.Context) error {
					a, err := oneArg(c, "FILE")
					if err != nil {
						return err
					}
					opts := WeightsImportOptions{File: a.arg, Out: a.str("out"), Backbone: a.str("backbone"), JSON: a.bool("json") || g.JSON}
					return runWeightsImport(c.Context, opts, g)
				},
			},
			{
				Name:      "inspect",
				Usage:     "print a weight file's format, MD5, tensors (name, shape, dtype) and parameter count",
				ArgsUsage: "FILE",
				Description: `EXAMPLES:
   curate weights inspect efficientnetv2-b2_notop.h5
   curate weights inspect RUN/checkpoints/best.safetensors --json | jq .parameters

` + weightsFormats + exitCodesHelp,
				Flags: []cli.Flag{
					&cli.BoolFlag{Name: "json", Usage: "print one JSON object"},
				},
				Action: func(c *cli.Context) error {
					a, err := oneArg(c, "FILE")
					if err != nil {
						return err
					}
					opts := WeightsInspectOptions{File: a.arg, JSON: a.bool("json") || g.JSON}
					return runWeightsInspect(c.Context, opts, g)
				},
			},
			{
				Name:      "export",
				Usage:     "write a curate checkpoint as safetensors (weights only), timm safetensors or ONNX",
				ArgsUsage: "CKPT",
				Description: `Reads a curate checkpoint or weights file (the backbone and k are recognised
from its tensors) and writes --out (atomically) in --format:
   safetensors  the weights without optimiser state, Keras names without ":0"
   timm         the backbone under timm's names and PyTorch layouts, for
                timm.create_model("tf_efficientnetv2_b2").load_state_dict(
                    safetensors.torch.load_file(FILE), strict=False)
                (strict=False: no classifier, no num_batches_tracked)
   onnx         the whole inference network, opset 13: input "images", float32
                [N, SIZE, SIZE, 3], RGB 0..255 NHWC (the model does the x/255 and
                ImageNet mean/std itself); output "probabilities", float32 [N, 2]
                softmax (class 0 others, 1 sadness). SIZE is --size.

EXAMPLES:
   curate weights export RUN/checkpoints/best.safetensors --format onnx --out sadness.onnx
   curate weights export RUN/checkpoints/best.safetensors --format timm --out b2-timm.safetensors
   curate weights export RUN/checkpoints/last.safetensors --format safetensors --out w.safetensors
` + exitCodesHelp,
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "format", Usage: "safetensors, timm or onnx (required)"},
					&cli.StringFlag{Name: "out", Usage: "file to write (required)"},
					&cli.IntFlag{Name: "size", Value: 256, Usage: "input height and width of the ONNX model"},
					&cli.BoolFlag{Name: "json", Usage: "print one JSON object"},
				},
				Action: func(c *cli.Context) error {
					a, err := oneArg(c, "CKPT")
					if err != nil {
						return err
					}
					size, err := a.int("size")
					if err != nil {
						return err
					}
					opts := WeightsExportOptions{Checkpoint: a.arg, Format: a.str("format"), Out: a.str("out"), Size: size, JSON: a.bool("json") || g.JSON}
					return runWeightsExport(c.Context, opts, g)
				},
			},
		},
	}
}

// cmdArgs is a command's one positional argument and its flags (which may
// come after it: main's reorderArgs moves them before it for cli).
type cmdArgs struct {
	c   *cli.Context
	arg string
}

func oneArg(c *cli.Context, what string) (cmdArgs, error) {
	args := c.Args().Slice()
	if len(args) == 0 {
		return cmdArgs{}, usagef("%s: missing %s", "weights "+c.Command.Name, what)
	}
	if len(args) > 1 {
		return cmdArgs{}, usagef("%s takes one %s, got %q too", "weights "+c.Command.Name, what, args[1])
	}
	return cmdArgs{c: c, arg: args[0]}, nil
}

func (a cmdArgs) str(name string) string { return a.c.String(name) }

func (a cmdArgs) bool(name string) bool { return a.c.Bool(name) }

func (a cmdArgs) int(name string) (int, error) { return a.c.Int(name), nil }

type importJSON struct {
	weights.InitReport
	Out string `json:"out"`
}

func runWeightsImport(ctx context.Context, opts WeightsImportOptions, g *Global) error {
	if opts.Out == "" {
		return usagef("weights import: --out INIT.safetensors is required")
	}
	cfg, err := model.Preset(opts.Backbone, 0)
	if err != nil {
		return usagef("--backbone: %v", err)
	}
	net, err := model.New(cfg)
	if err != nil {
		return err
	}
	rep, err := weights.LoadInit(ctx, opts.File, net)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	meta := map[string]string{"source": opts.File, "source_md5": rep.MD5, "source_format": string(rep.Format)}
	if err := weights.WriteBackbone(opts.Out, net, rep.Loaded, meta); err != nil {
		return err
	}
	if opts.JSON {
		return json.NewEncoder(g.Stdout).Encode(importJSON{rep, opts.Out})
	}
	printSource(g, rep.Path, rep.Format, rep.MD5, rep.KerasPublished)
	fmt.Fprintf(g.Stdout, "backbone %s: %d tensors, %s values matched by name and shape\n", cfg.Backbone, len(rep.Loaded), commas(rep.LoadedValues))
	for _, s := range rep.Ignored {
		fmt.Fprintf(g.Stdout, "ignored: %s\n", s)
	}
	fmt.Fprintf(g.Stdout, "head and Gram modules: not in the file; training initialises them\n")
	fmt.Fprintf(g.Stdout, "wrote %s\n", opts.Out)
	return nil
}

func printSource(g *Global, path string, f weights.Format, md5 string, published bool) {
	fmt.Fprintf(g.Stdout, "%s: %s\n", path, f)
	note := "not the efficientnetv2-b2_notop.h5 Keras publishes (" + weights.KerasB2NoTopMD5 + ")"
	if published {
		note = "the efficientnetv2-b2_notop.h5 Keras publishes"
	}
	fmt.Fprintf(g.Stdout, "MD5 %s: %s\n", md5, note)
}

func runWeightsInspect(ctx context.Context, opts WeightsInspectOptions, g *Global) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	in, err := weights.Inspect(opts.File)
	if err != nil {
		return err
	}
	if opts.JSON {
		return json.NewEncoder(g.Stdout).Encode(in)
	}
	printSource(g, in.Path, in.Format, in.MD5, in.KerasPublished)
	tw := tabwriter.NewWriter(g.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Tensor\tShape\tDType\n")
	for _, t := range in.Tensors {
		fmt.Fprintf(tw, "%s\t%v\t%s\n", t.Name, t.Shape, t.DType)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(in.Ignored) > 0 {
		fmt.Fprintf(g.Stdout, "not weights: %d tensors (%s, ...)\n", len(in.Ignored), in.Ignored[0])
	}
	keys := make([]string, 0, len(in.Metadata))
	for k := range in.Metadata {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(g.Stdout, "metadata %s: %v\n", k, in.Metadata[k])
	}
	fmt.Fprintf(g.Stdout, "%d tensors, %s parameters\n", in.Count, commas(in.Parameters))
	return nil
}

type exportJSON struct {
	Checkpoint string `json:"checkpoint"`
	Format     string `json:"format"`
	Out        string `json:"out"`
	Backbone   string `json:"backbone"`
	Gram       int    `json:"gram"`
	Size       int    `json:"size,omitempty"`
	Tensors    int    `json:"tensors,omitempty"`
}

func runWeightsExport(ctx context.Context, opts WeightsExportOptions, g *Global) error {
	if opts.Out == "" {
		return usagef("weights export: --out FILE is required")
	}
	switch opts.Format {
	case "safetensors", "timm", "onnx":
	default:
		return usagef("--format %q: want safetensors, timm or onnx", opts.Format)
	}
	if opts.Size < 32 || opts.Size > 1024 {
		return usagef("--size %d: want 32..1024", opts.Size)
	}
	f, err := weights.Read(opts.Checkpoint)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	net, err := weights.NetFor(f, opts.Size)
	if err != nil {
		return err
	}
	cfg := net.Config()
	res := exportJSON{Checkpoint: opts.Checkpoint, Format: opts.Format, Out: opts.Out, Backbone: cfg.Backbone, Gram: cfg.Gram}
	switch opts.Format {
	case "safetensors":
		err = weights.WriteSafetensors(opts.Out, net, map[string]string{"source": opts.Checkpoint})
		res.Tensors = len(net.Params())
	case "timm":
		err = weights.WriteTimm(opts.Out, net)
		res.Tensors = len(weights.TimmTensors(net))
	case "onnx":
		err = weights.WriteONNX(opts.Out, net, opts.Size, version)
		res.Size = opts.Size
	}
	if err != nil {
		return err
	}
	if opts.JSON {
		return json.NewEncoder(g.Stdout).Encode(res)
	}
	fmt.Fprintf(g.Stdout, "%s: EfficientNetV2-%s with %d Gram modules\n", opts.Checkpoint, strings.ToUpper(cfg.Backbone), cfg.Gram)
	if opts.Format == "onnx" {
		fmt.Fprintf(g.Stdout, "input %q: %s\noutput %q: float32 [N, %d] softmax probabilities (others, sadness)\n",
			weights.ONNXInput, weights.ONNXInputDoc, weights.ONNXOutput, cfg.Classes)
	}
	fmt.Fprintf(g.Stdout, "wrote %s (%s)\n", opts.Out, opts.Format)
	return nil
}
