package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/curate-ml/curate/model"
	"github.com/curate-ml/curate/pipeline"
)

// ModelSummaryOptions are the flags of `curate model summary`.
type ModelSummaryOptions struct {
	Backbone string
	Gram     int
	Size     int
	Backend  string
	JSON     bool
}

// ModelBenchOptions are the flags of `curate model bench`.
type ModelBenchOptions struct {
	Backbone string
	Gram     int
	Size     int
	Batch    int
	Steps    int
	Threads  int
	Seed     uint64
	Backend  string
	JSON     bool
}

// backendFlag is --backend of every command that runs the network.
func backendFlag(dst *string) cli.Flag {
	return &cli.StringFlag{Name: "backend", Usage: "the engine's arithmetic: " + strings.Join(model.Backends(), ", ") + " (default: the first)", Destination: dst}
}

func modelCommand(g *Global) *cli.Command {
	var so ModelSummaryOptions
	var bo ModelBenchOptions
	backboneFlag := func(dst *string) cli.Flag {
		return &cli.StringFlag{Name: "backbone", Value: "b2", Usage: "EfficientNetV2 variant: " + strings.Join(model.Backbones, ", "), Destination: dst}
	}
	return &cli.Command{
		Name:  "model",
		Usage: "the EfficientNetV2-B2 + Gram network: summary and benchmark",
		Description: `The sadness classifier of Motiejauskas & Dzemyda (2024): an EfficientNetV2
backbone (Keras layout and layer names) whose block3b_project_conv feature map
feeds k Gram-matrix modules, added to the pooled backbone features before a
2-way softmax. Trained on the CPU by curate's own engine; --backend chooses
its arithmetic: onednn (Intel oneDNN convolutions over cpu, the default where
built), cpu (OpenBLAS and C loops) or ref (plain Go, the definition). Each gives
the same bits whatever --threads.

EXAMPLES:
   curate model summary                         # B2, 4 Gram modules, 256x256
   curate model summary --gram 0 --json         # the paper's baseline, as JSON
   curate model bench --batch 16 --steps 5      # training and inference images/s
   curate model bench --threads 1 --json
   curate model bench --backend cpu --batch 8  # compare backends
` + exitCodesHelp,
		Subcommands: []*cli.Command{
			{
				Name:  "summary",
				Usage: "list every layer with its Keras name, output shape and parameters",
				Description: `Prints the network layer by layer as Keras's model.summary() would, then the
totals: all parameters, trainable, non-trainable (BN moving statistics), and
the backbone alone (up to top_activation, Keras include_top=False).

EXAMPLES:
   curate model summary --backbone b2 --gram 4 --size 256
   curate model summary --backbone b0 --gram 0 --json | jq .backbone_params
   curate model summary --backend ref           # any backend builds the same network
` + exitCodesHelp,
				Flags: []cli.Flag{
					backboneFlag(&so.Backbone),
					&cli.IntFlag{Name: "gram", Value: 4, Usage: "number of Gram modules k (0 = baseline head)", Destination: &so.Gram},
					&cli.IntFlag{Name: "size", Value: 256, Usage: "input height and width", Destination: &so.Size},
					backendFlag(&so.Backend),
					&cli.BoolFlag{Name: "json", Usage: "print one JSON object", Destination: &so.JSON},
				},
				Action: func(c *cli.Context) error {
					so.JSON = so.JSON || g.JSON
					return runModelSummary(c.Context, so, g)
				},
			},
			{
				Name:  "bench",
				Usage: "measure training and inference speed and peak memory on synthetic data",
				Description: `Builds the network, trains it for --steps steps on one synthetic batch
(after one untimed warm-up step), then runs --steps inference batches, and
reports images per second for both and the process's peak resident memory.

EXAMPLES:
   curate model bench                                  # B2 + 4 Gram, batch 16, 256x256
   curate model bench --batch 8 --gram 0 --steps 3
   curate model bench --threads 2 --json
   curate model bench --backend ref --batch 2 --size 64
` + exitCodesHelp,
				Flags: []cli.Flag{
					backboneFlag(&bo.Backbone),
					&cli.IntFlag{Name: "gram", Value: 4, Usage: "number of Gram modules k", Destination: &bo.Gram},
					&cli.IntFlag{Name: "size", Value: 256, Usage: "input height and width", Destination: &bo.Size},
					&cli.IntFlag{Name: "batch", Value: 16, Usage: "images per step", Destination: &bo.Batch},
					&cli.IntFlag{Name: "steps", Value: 5, Usage: "timed steps", Destination: &bo.Steps},
					&cli.IntFlag{Name: "threads", Value: 0, Usage: "threads (0 = all CPUs)", Destination: &bo.Threads},
					&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "weight and data seed", Destination: &bo.Seed},
					backendFlag(&bo.Backend),
					&cli.BoolFlag{Name: "json", Usage: "print one JSON object", Destination: &bo.JSON},
				},
				Action: func(c *cli.Context) error {
					bo.JSON = bo.JSON || g.JSON
					return runModelBench(c.Context, bo, g)
				},
			},
		},
	}
}

func modelConfig(backbone string, gram, size int, backend string) (model.Config, error) {
	cfg, err := model.Preset(backbone, gram)
	if err != nil {
		return cfg, usagef("%v", err)
	}
	if _, err := model.NewBackend(backend); err != nil {
		return cfg, usagef("--backend: %v", err)
	}
	cfg.Backend = backend
	if size < 32 || size > 1024 {
		return cfg, usagef("--size %d: want 32..1024", size)
	}
	cfg.Size = size
	return cfg, nil
}

type summaryJSON struct {
	Backbone           string        `json:"backbone"`
	Gram               int           `json:"gram"`
	Size               int           `json:"size"`
	Backend            string        `json:"backend"`
	Layers             []model.Layer `json:"layers"`
	Params             int           `json:"params"`
	Trainable          int           `json:"trainable_params"`
	NonTrainable       int           `json:"non_trainable_params"`
	BackboneParams     int           `json:"backbone_params"`
	BackboneTrainable  int           `json:"backbone_trainable_params"`
	BackboneNonTrainab int           `json:"backbone_non_trainable_params"`
}

func runModelSummary(ctx context.Context, opts ModelSummaryOptions, g *Global) error {
	cfg, err := modelConfig(opts.Backbone, opts.Gram, opts.Size, opts.Backend)
	if err != nil {
		return err
	}
	net, err := model.New(cfg)
	if err != nil {
		return err
	}
	layers, err := net.Layers(opts.Size)
	if err != nil {
		return err
	}
	s := summaryJSON{Backbone: cfg.Backbone, Gram: cfg.Gram, Size: opts.Size, Backend: net.Backend(), Layers: layers}
	inBackbone := true
	for _, l := range layers {
		s.Params += l.Params
		s.Trainable += l.Trainable
		if inBackbone {
			s.BackboneParams += l.Params
			s.BackboneTrainable += l.Trainable
		}
		if l.Name == "top_activation" {
			inBackbone = false
		}
	}
	s.NonTrainable = s.Params - s.Trainable
	s.BackboneNonTrainab = s.BackboneParams - s.BackboneTrainable
	if opts.JSON {
		enc := json.NewEncoder(g.Stdout)
		return enc.Encode(s)
	}
	tw := tabwriter.NewWriter(g.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Layer\tType\tOutput shape\tParams\n")
	for _, l := range layers {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", l.Name, l.Type, shapeString(l.Shape), commas(l.Params))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(g.Stdout, "\nEfficientNetV2-%s + %d Gram modules at %dx%d: %d layers (backend %s)\n", strings.ToUpper(cfg.Backbone), cfg.Gram, opts.Size, opts.Size, len(layers), net.Backend())
	fmt.Fprintf(g.Stdout, "Total params: %s (trainable %s, non-trainable %s)\n", commas(s.Params), commas(s.Trainable), commas(s.NonTrainable))
	fmt.Fprintf(g.Stdout, "Backbone (no top): %s (trainable %s, non-trainable %s)\n", commas(s.BackboneParams), commas(s.BackboneTrainable), commas(s.BackboneNonTrainab))
	return nil
}

func shapeString(s []int) string {
	parts := []string{"None"}
	for _, v := range s {
		parts = append(parts, fmt.Sprint(v))
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func commas(n int) string {
	s := fmt.Sprint(n)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// benchMemory estimates the peak memory of a training step (need) and
// reads the memory this process may still take (have: MemAvailable, or the
// cgroup's limit if lower; 0 if unknown), so a bench that cannot fit is
// refused up front instead of dying in Go's out-of-memory crash.
//
// need = every layer's output for each image (kept for the backward pass)
// + weights with their gradients and optimiser state (4 copies) + 64 MiB.
// Measured with model bench at 128x128, batch 4 and 16 (B2 + 4 Gram): the
// peak grows by 0.84 x the layer outputs per image, so the estimate errs
// a little high.
func benchMemory(cfg model.Config, batch int) (need, have int64, err error) {
	net, err := model.New(cfg)
	if err != nil {
		return 0, 0, err
	}
	layers, err := net.Layers(cfg.Size)
	if err != nil {
		return 0, 0, err
	}
	var acts, params int64
	for _, l := range layers {
		n := int64(1)
		for _, v := range l.Shape {
			n *= int64(v)
		}
		acts += n
		params += int64(l.Params)
	}
	need = int64(batch)*acts*4 + params*4*4 + 64<<20
	return need, availableMemory(), nil
}

// availableMemory is MemAvailable from /proc/meminfo, lowered to what the
// cgroup v2 limit leaves; 0 when neither can be read.
func availableMemory() int64 {
	var have int64
	if raw, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(raw), "\n") {
			if rest, ok := strings.CutPrefix(line, "MemAvailable:"); ok {
				var kb int64
				if _, err := fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), &kb); err == nil {
					have = kb << 10
				}
			}
		}
	}
	limit, err1 := os.ReadFile("/sys/fs/cgroup/memory.max")
	used, err2 := os.ReadFile("/sys/fs/cgroup/memory.current")
	if err1 == nil && err2 == nil {
		var l, u int64
		if _, err := fmt.Sscan(string(limit), &l); err == nil {
			if _, err := fmt.Sscan(string(used), &u); err == nil && l > u && (have == 0 || l-u < have) {
				have = l - u
			}
		}
	}
	return have
}

type benchJSON struct {
	Backbone string `json:"backbone"`
	Batch    int    `json:"batch"`
	Size     int    `json:"size"`
	Gram     int    `json:"gram"`
	Threads  int    `json:"threads"`
	Steps    int    `json:"steps"`
	model.BenchResult
}

func runModelBench(ctx context.Context, opts ModelBenchOptions, g *Global) error {
	cfg, err := modelConfig(opts.Backbone, opts.Gram, opts.Size, opts.Backend)
	if err != nil {
		return err
	}
	switch {
	case opts.Batch < 1 || opts.Batch > 1024:
		return usagef("--batch %d: want 1..1024", opts.Batch)
	case opts.Steps < 1:
		return usagef("--steps %d: want at least 1", opts.Steps)
	case opts.Threads < 0:
		return usagef("--threads %d: want 0 (all CPUs) or more", opts.Threads)
	}
	threads := opts.Threads
	if threads == 0 {
		threads = runtime.NumCPU()
	}
	cfg.Threads, cfg.Seed = threads, opts.Seed
	if need, have, err := benchMemory(cfg, opts.Batch); err != nil {
		return fmt.Errorf("model bench: %w", err)
	} else if have > 0 && need > have {
		return fmt.Errorf("model bench: batch %d at %dx%d needs about %.1f GiB of memory (estimated from the layer shapes), but %.1f GiB is available; use a smaller --batch or --size",
			opts.Batch, opts.Size, opts.Size, float64(need)/(1<<30), float64(have)/(1<<30))
	}
	counter := pipeline.NewCounter(int64(2 * opts.Steps))
	stop := newProgress(g, "model bench", counter)
	r, err := model.Bench(ctx, model.BenchOptions{Config: cfg, Batch: opts.Batch, Steps: opts.Steps, Counter: counter})
	stop()
	if err != nil {
		return fmt.Errorf("model bench: %w", err)
	}
	out := benchJSON{Backbone: cfg.Backbone, Batch: opts.Batch, Size: opts.Size, Gram: opts.Gram, Threads: threads, Steps: opts.Steps, BenchResult: r}
	if opts.JSON {
		return json.NewEncoder(g.Stdout).Encode(out)
	}
	fmt.Fprintf(g.Stdout, "EfficientNetV2-%s + %d Gram, batch %d, %dx%d, %d threads, backend %s (%s), %d steps\n",
		strings.ToUpper(cfg.Backbone), opts.Gram, opts.Batch, opts.Size, opts.Size, threads, r.Backend, r.BLAS, opts.Steps)
	fmt.Fprintf(g.Stdout, "train      %8.2f images/s  (fastest step %.2f; loss %.4f -> %.4f)\n", r.TrainImagesPerS, r.TrainBestPerS, r.FirstLoss, r.LastLoss)
	fmt.Fprintf(g.Stdout, "inference  %8.2f images/s  (fastest batch %.2f)\n", r.InferImagesPerS, r.InferBestPerS)
	fmt.Fprintf(g.Stdout, "peak RSS   %8.0f MiB\n", r.PeakRSSMiB)
	fmt.Fprintf(g.Stdout, "per CPU-second: train %.2f, inference %.2f images (x%d threads = speed on idle cores)\n",
		r.TrainCPUPerS, r.InferCPUPerS, threads)
	return nil
}
