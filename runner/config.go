package runner

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/curate-ml/curate/ocr"
	"github.com/curate-ml/curate/split"
)

// Config is a pipeline file (PIPELINE.yaml). Relative paths are relative
// to the file's folder. Every field has the paper's setting as its default
// (see Default), so a config names only what it changes.
type Config struct {
	Out     string `yaml:"out" json:"-"`     // output root; the stages write ROOT/fetch, ROOT/filtered, ...
	Seed    uint64 `yaml:"seed" json:"seed"` // seed of every random choice
	Threads int    `yaml:"threads" json:"-"` // CPU threads for OCR, split and training; 0 = all
	Demo    bool   `yaml:"demo" json:"demo"` // fetch the embedded demo images from a loopback server instead of fetch.lists
	// DemoImages is how many demo scenes are drawn (demo: true).
	DemoImages int    `yaml:"demo_images" json:"demo_images"`
	Stages     Stages `yaml:",inline" json:"-"` // the stage sections
	dir        string // the config file's folder
}

// Stages holds each stage's section.
type Stages struct {
	Fetch      FetchConfig      `yaml:"fetch"`
	FilterText FilterTextConfig `yaml:"filter_text"`
	Split      SplitConfig      `yaml:"split"`
	Train      TrainConfig      `yaml:"train"`
	Eval       EvalConfig       `yaml:"eval"`
	Report     ReportConfig     `yaml:"report"`
}

// FetchConfig is the fetch section (see `curate fetch --help`).
type FetchConfig struct {
	Lists        []string      `yaml:"lists" json:"lists"`
	Categories   string        `yaml:"categories" json:"categories"`
	Workers      int           `yaml:"workers" json:"workers"`
	PerHost      int           `yaml:"per_host" json:"per_host"`
	UserAgent    string        `yaml:"user_agent" json:"user_agent"`
	Timeout      time.Duration `yaml:"timeout" json:"timeout"`
	Retries      int           `yaml:"retries" json:"retries"`
	Backoff      time.Duration `yaml:"backoff" json:"backoff"`
	MaxBytes     int64         `yaml:"max_bytes" json:"max_bytes"`
	MaxPixels    int64         `yaml:"max_pixels" json:"max_pixels"`
	AllowPrivate bool          `yaml:"allow_private" json:"allow_private"`
	ShardBytes   int64         `yaml:"shard_bytes" json:"shard_bytes"`
}

// FilterTextConfig is the filter_text section (see `curate filter-text --help`).
type FilterTextConfig struct {
	Detector   ocr.Options `yaml:"detector" json:"detector"` // keys as in filter-options.json
	SheetPages int         `yaml:"sheet_pages" json:"sheet_pages"`
	ShardBytes int64       `yaml:"shard_bytes" json:"shard_bytes"`
	Tessdata   string      `yaml:"tessdata" json:"-"`
}

// SplitConfig is the split section (see `curate split --help`).
type SplitConfig struct {
	Positive       string  `yaml:"positive" json:"positive"`
	Conflicts      string  `yaml:"conflicts" json:"conflicts"`
	NearDistance   int     `yaml:"near_distance" json:"near_distance"`
	KeepDuplicates bool    `yaml:"keep_duplicates" json:"keep_duplicates"`
	Ratio          float64 `yaml:"ratio" json:"ratio"`
	MaxPerClass    int     `yaml:"max_per_class" json:"max_per_class"`
	Train          float64 `yaml:"train" json:"train"`
	Validation     float64 `yaml:"validation" json:"validation"`
	Test           float64 `yaml:"test" json:"test"`
	Size           int     `yaml:"size" json:"size"`
	Resize         string  `yaml:"resize" json:"resize"`
	Format         string  `yaml:"format" json:"format"`
	Quality        int     `yaml:"quality" json:"quality"`
}

// TrainConfig is the train section (see `curate train --help`; keys are its
// flag names with underscores).
type TrainConfig struct {
	Backbone        string   `yaml:"backbone" json:"backbone"` // b0..b3, s, tiny
	Gram            int      `yaml:"gram" json:"gram"`
	Size            int      `yaml:"size" json:"size"`
	Epochs          int      `yaml:"epochs" json:"epochs"`
	Batch           int      `yaml:"batch" json:"batch"`
	LR              float64  `yaml:"lr" json:"lr"`
	Augment         string   `yaml:"augment" json:"augment"` // tf, torchvision or none
	N               int      `yaml:"n" json:"n"`
	M               float64  `yaml:"m" json:"m"`
	Init            string   `yaml:"init" json:"init"`
	FreezeUntil     string   `yaml:"freeze_until" json:"freeze_until"`
	Seeds           []uint64 `yaml:"seeds" json:"seeds"` // several: one run each (RUN/seed-N) and summary.json; empty = [seed]
	CheckpointEvery int      `yaml:"checkpoint_every" json:"checkpoint_every"`
	SkipBad         bool     `yaml:"skip_bad" json:"skip_bad"`
}

// EvalConfig is the eval section: the best checkpoint scored on a split.
type EvalConfig struct {
	Split     string  `yaml:"split" json:"split"`
	Threshold float64 `yaml:"threshold" json:"threshold"`
	Batch     int     `yaml:"batch" json:"batch"` // 0 = train.batch
}

// ReportConfig is the report section (see `curate report --help`).
type ReportConfig struct {
	Title    string `yaml:"title" json:"title"`
	Examples int    `yaml:"examples" json:"examples"`
	Sheets   int    `yaml:"sheets" json:"sheets"`
}

// Default is the paper's pipeline (Motiejauskas & Dzemyda 2024): every
// WEBEmo list, text-bearing images dropped, sadness vs others undersampled
// to 46% sadness, 80/10/10, 256x256, EfficientNetV2-B2 with 4 Gram modules,
// Adagrad lr 0.002, batch 64, 25 epochs, RandAugment N=3 M=7.
func Default() Config {
	return Config{
		Out:        "out",
		Seed:       1,
		DemoImages: 240,
		Stages: Stages{
			Fetch: FetchConfig{
				Lists: []string{"train25.txt", "test25.txt"}, Categories: "category.txt",
				Workers: 64, PerHost: 16, Timeout: 30 * time.Second, Retries: 4, Backoff: time.Second,
				MaxBytes: 20 << 20, MaxPixels: 40_000_000, ShardBytes: 256 << 20,
			},
			FilterText: FilterTextConfig{Detector: ocr.DefaultOptions(), ShardBytes: 256 << 20},
			Split: SplitConfig{
				Positive: "sadness", Conflicts: "drop", NearDistance: split.DefaultNearDistance, Ratio: 0.46,
				Train: 0.8, Validation: 0.1, Test: 0.1, Size: 256, Resize: "squash", Format: "jpeg", Quality: 95,
			},
			Train: TrainConfig{
				Backbone: "b2", Gram: 4, Size: 256, Epochs: 25, Batch: 64, LR: 0.002,
				Augment: "tf", N: 3, M: 7,
			},
			Eval:   EvalConfig{Split: "test", Threshold: 0.5},
			Report: ReportConfig{Title: "curate report", Examples: 8, Sheets: 4},
		},
	}
}

// ParseError is a config error at a place in the file.
type ParseError struct {
	File string
	Msg  string // goccy/go-yaml's message, which starts with [LINE:COLUMN]
}

func (e *ParseError) Error() string { return e.File + ": " + e.Msg }

// Load reads a config file over Default, strictly: an unknown key, a key
// given twice or a value of the wrong type is a *ParseError naming its line
// and column.
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(path, b)
}

// Parse is Load for bytes already read; name is the file's path.
func Parse(name string, b []byte) (*Config, error) {
	cfg := Default()
	// Lists given in the file replace the default lists rather than merge
	// into them.
	cfg.Stages.Fetch.Lists = nil
	cfg.Stages.FilterText.Detector.Passes = nil
	if err := unmarshal(b, &cfg); err != nil {
		return nil, &ParseError{File: name, Msg: strings.TrimSpace(yaml.FormatError(err, false, false))}
	}
	def := Default()
	if cfg.Stages.Fetch.Lists == nil && !cfg.Demo {
		cfg.Stages.Fetch.Lists = def.Stages.Fetch.Lists
	}
	if cfg.Stages.FilterText.Detector.Passes == nil {
		cfg.Stages.FilterText.Detector.Passes = def.Stages.FilterText.Detector.Passes
	}
	if len(cfg.Stages.Train.Seeds) == 0 {
		cfg.Stages.Train.Seeds = nil // "seeds: []" is the default: one run with seed
	}
	cfg.dir = filepath.Dir(name)
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &cfg, nil
}

// unmarshal decodes strictly. goccy/go-yaml v1.19.2 panics on some
// malformed input (a tag on a sequence key, found by FuzzParse; see
// testdata/fuzz): that is returned as an error rather than crashing.
func unmarshal(b []byte, cfg *Config) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the YAML could not be parsed (the parser failed: %v)", p)
		}
	}()
	return yaml.UnmarshalWithOptions(b, cfg, yaml.Strict())
}

func (c *Config) validate() error {
	var errs []error
	check := func(bad bool, format string, args ...any) {
		if bad {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	check(c.Out == "", "out: an output root is required")
	check(!c.Demo && len(c.Stages.Fetch.Lists) == 0, "fetch.lists: at least one list (or demo: true)")
	s := c.Stages.Split
	check(s.Train < 0 || s.Validation < 0 || s.Test < 0 || s.Train+s.Validation+s.Test <= 0, "split: train, validation and test fractions must be >= 0 and not all 0")
	check(c.Stages.Train.Epochs < 1, "train.epochs: want 1 or more, got %d", c.Stages.Train.Epochs)
	check(c.Stages.Train.Batch < 1, "train.batch: want 1 or more, got %d", c.Stages.Train.Batch)
	switch c.Stages.Train.Augment {
	case "tf", "torchvision", "none":
	default:
		check(true, "train.augment: %q is not tf, torchvision or none", c.Stages.Train.Augment)
	}
	switch c.Stages.Eval.Split {
	case "train", "validation", "test":
	default:
		check(true, "eval.split: %q is not train, validation or test", c.Stages.Eval.Split)
	}
	return errors.Join(errs...)
}

// Path resolves a path of the config against the config file's folder.
func (c *Config) Path(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.dir, p)
}

// Root is the output root, resolved.
func (c *Config) Root() string { return c.Path(c.Out) }
