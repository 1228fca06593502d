package model

import (
	"fmt"
	"math"
	"strings"
)

// BlockArgs is one stage of the EfficientNetV2 block table, before width and
// depth scaling (Keras `DEFAULT_BLOCKS_ARGS`).
type BlockArgs struct {
	Kernel, Repeats, In, Out, Expand, Stride int
	SE                                       float64 // squeeze ratio of the block's input channels; 0 = none
	Fused                                    bool    // Fused-MBConv rather than MBConv
}

// baseBlocks is the EfficientNetV2-B table shared by B0..B3.
var baseBlocks = []BlockArgs{
	{3, 1, 32, 16, 1, 1, 0, true},
	{3, 2, 16, 32, 4, 2, 0, true},
	{3, 2, 32, 48, 4, 2, 0, true},
	{3, 3, 48, 96, 4, 2, 0.25, false},
	{3, 5, 96, 112, 6, 1, 0.25, false},
	{3, 8, 112, 192, 6, 2, 0.25, false},
}

// sBlocks is the EfficientNetV2-S table.
var sBlocks = []BlockArgs{
	{3, 2, 24, 24, 1, 1, 0, true},
	{3, 4, 24, 48, 4, 2, 0, true},
	{3, 4, 48, 64, 4, 2, 0, true},
	{3, 6, 64, 128, 4, 2, 0.25, false},
	{3, 9, 128, 160, 6, 1, 0.25, false},
	{3, 15, 160, 256, 6, 2, 0.25, false},
}

// Config describes one network: a backbone from the block table scaled by
// width and depth, and the paper's head with Gram modules.
type Config struct {
	Backbone    string      // "b0", "b1", "b2", "b3" or "s"; names the preset
	Width       float64     // width coefficient (filters)
	Depth       float64     // depth coefficient (repeats)
	Blocks      []BlockArgs // unscaled block table
	TopFilters  int         // unscaled top conv filters (1280)
	Size        int         // default input size (summary)
	Gram        int         // k, number of Gram modules; 0 = the paper's baseline
	HeadWidth   int         // width of the backbone branch dense; 0 = k*C, or 168 for k = 0
	Classes     int         // output classes (2)
	Dropout     float64     // dropout before the head dense (0.5)
	DropConnect float64     // Keras drop_connect_rate (0.2)
	Tap         string      // layer feeding the Gram modules (block3b_project_conv)
	ImageNet    bool        // B-variant preprocessing: x/255 then ImageNet mean/std; else x/128-1
	Seed        uint64      // weight initialisation and dropout masks
	Threads     int         // goroutines and BLAS threads; 0 = all CPUs
	Backend     string      // arithmetic backend (Backends()); "" = the fastest built
}

// Backbones lists the presets Preset accepts.
var Backbones = []string{"b0", "b1", "b2", "b3", "s", "tiny"}

// Preset returns the configuration of a named backbone with the paper's
// head: k Gram modules, 256x256 input, 2 classes.
func Preset(backbone string, gram int) (Config, error) {
	c := Config{Backbone: strings.ToLower(backbone), Blocks: baseBlocks, TopFilters: 1280, Size: 256, Gram: gram,
		Classes: 2, Dropout: 0.5, DropConnect: 0.2, Tap: "block3b_project_conv", ImageNet: true}
	switch c.Backbone {
	case "b0":
		c.Width, c.Depth = 1.0, 1.0
	case "b1":
		c.Width, c.Depth = 1.0, 1.1
	case "b2":
		c.Width, c.Depth = 1.1, 1.2
	case "b3":
		c.Width, c.Depth = 1.2, 1.4
	case "s", "v2-s", "v2s":
		c.Backbone, c.Width, c.Depth, c.Blocks, c.ImageNet = "s", 1.0, 1.0, sBlocks, false
	case "tiny":
		c = tinyPreset(c)
	default:
		return Config{}, fmt.Errorf("model: unknown backbone %q (want one of %s)", backbone, strings.Join(Backbones, ", "))
	}
	if gram < 0 || gram > 64 {
		return Config{}, fmt.Errorf("model: gram modules %d out of range 0..64", gram)
	}
	return c, nil
}

// roundFilters is Keras's round_filters with divisor 8.
func (c *Config) roundFilters(f int) int {
	v := float64(f) * c.Width
	return max(8, int(v+4)/8*8)
}

// roundRepeats is Keras's round_repeats.
func (c *Config) roundRepeats(r int) int { return int(math.Ceil(c.Depth * float64(r))) }

func (c *Config) validate() error {
	switch {
	case len(c.Blocks) == 0:
		return fmt.Errorf("model: config has no blocks")
	case c.Width <= 0 || c.Depth <= 0:
		return fmt.Errorf("model: width %v and depth %v must be positive", c.Width, c.Depth)
	case c.Classes < 2:
		return fmt.Errorf("model: %d classes, want at least 2", c.Classes)
	case c.Size < 8:
		return fmt.Errorf("model: input size %d too small", c.Size)
	case c.Dropout < 0 || c.Dropout >= 1 || c.DropConnect < 0 || c.DropConnect >= 1:
		return fmt.Errorf("model: dropout rates must be in [0,1)")
	case c.Gram < 0:
		return fmt.Errorf("model: negative Gram module count %d", c.Gram)
	}
	return nil
}
