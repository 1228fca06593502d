package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	_ "image/gif"  // decoders for --verify
	_ "image/jpeg" // decoders for --verify
	_ "image/png"  // decoders for --verify
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"
	_ "golang.org/x/image/webp" // decoder for --verify

	"github.com/curate-ml/curate/internal/atomicfile"
	"github.com/curate-ml/curate/shards"
)

// InspectOptions are the flags of `curate inspect`.
type InspectOptions struct {
	Path         string
	JSON         bool
	Verify       bool
	Head         int
	ExportImages string
	Limit        int
}

func inspectCommand(g *Global) *cli.Command {
	return &cli.Command{
		Name:      "inspect",
		Usage:     "show what a shard file or dataset directory holds",
		ArgsUsage: "PATH",
		Description: `PATH is a DatasetDict directory (dataset_dict.json), a split directory
(state.json, data-*.arrow) or one .arrow shard. Prints the schema, rows per split and
shard, the label histogram with names, image formats and sizes, and bytes on disk.

EXAMPLES:
   curate inspect demo-out/dataset
   curate inspect --json out/fetch | jq .splits[0].rows
   curate inspect --verify out/dataset          # decode every image, check sha256
   curate inspect --head 5 out/dataset/train/data-00000-of-00001.arrow
   curate inspect --export-images /tmp/look --limit 20 out/dataset
` + exitCodesHelp + `   (--verify exits 1 when any image fails to decode or its sha256 differs)`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object"},
			&cli.BoolFlag{Name: "verify", Usage: "decode every image and check its sha256 where present"},
			&cli.IntFlag{Name: "head", Usage: "print the first `N` rows of each split"},
			&cli.StringFlag{Name: "export-images", Usage: "write sample images into `DIR`"},
			&cli.IntFlag{Name: "limit", Value: 16, Usage: "how many images --export-images writes per split"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("inspect: want exactly one PATH, got %d arguments", c.NArg())
			}
			opts := InspectOptions{
				Path: c.Args().First(), JSON: jsonFlag(c, g), Verify: c.Bool("verify"),
				Head: c.Int("head"), ExportImages: c.String("export-images"), Limit: c.Int("limit"),
			}
			if opts.Head < 0 || opts.Limit < 0 {
				return usagef("inspect: --head and --limit must not be negative")
			}
			return runInspect(c.Context, opts, g)
		},
	}
}

// InspectReport is what `curate inspect --json` prints.
type InspectReport struct {
	Path     string         `json:"path"`
	Columns  []ColumnInfo   `json:"columns"`
	Rows     int64          `json:"rows"`
	Bytes    int64          `json:"bytes"`
	Splits   []SplitSummary `json:"splits"`
	Verified *VerifySummary `json:"verified,omitempty"`
}

// ColumnInfo is one column of the schema.
type ColumnInfo struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// SplitSummary describes one split.
type SplitSummary struct {
	Name        string         `json:"name"`
	Rows        int64          `json:"rows"`
	Bytes       int64          `json:"bytes"`
	LabelNames  []string       `json:"label_names"`
	Labels      []LabelCount   `json:"labels"`
	Formats     map[string]int `json:"formats"`
	Width       Range          `json:"width"`
	Height      Range          `json:"height"`
	ImageBytes  Range          `json:"image_bytes"`
	Shards      []ShardSummary `json:"shards"`
	Head        []RowSummary   `json:"head,omitempty"`
	Exported    []string       `json:"exported,omitempty"`
	VerifyFails []string       `json:"verify_failures,omitempty"`
}

// LabelCount is one bar of the label histogram.
type LabelCount struct {
	Label int64  `json:"label"`
	Name  string `json:"name,omitempty"`
	Count int64  `json:"count"`
}

// Range is the min, mean and max of a value over rows that have it.
type Range struct {
	Min  int64   `json:"min"`
	Mean float64 `json:"mean"`
	Max  int64   `json:"max"`
	n    int64
	sum  float64
}

func (r *Range) add(v int64) {
	if r.n == 0 || v < r.Min {
		r.Min = v
	}
	if v > r.Max {
		r.Max = v
	}
	r.n++
	r.sum += float64(v)
	r.Mean = r.sum / float64(r.n)
}

// ShardSummary describes one shard file.
type ShardSummary struct {
	File    string `json:"file"`
	Rows    int64  `json:"rows"`
	Batches int    `json:"batches"`
	Bytes   int64  `json:"bytes"`
}

// RowSummary is one row as --head prints it.
type RowSummary struct {
	Index       int64   `json:"index"`
	ID          string  `json:"id"`
	Label       int64   `json:"label"`
	LabelName   string  `json:"label_name,omitempty"`
	Labels      []int64 `json:"labels,omitempty"`
	SourceLabel int64   `json:"source_label"`
	Format      string  `json:"format"`
	Width       int32   `json:"width"`
	Height      int32   `json:"height"`
	ImageBytes  int     `json:"image_bytes"`
	SHA256      string  `json:"sha256,omitempty"`
	URL         string  `json:"url,omitempty"`
	Path        string  `json:"path,omitempty"`
}

// VerifySummary is the outcome of --verify.
type VerifySummary struct {
	Checked  int64 `json:"checked"`
	Failures int64 `json:"failures"`
}

func runInspect(ctx context.Context, opts InspectOptions, g *Global) error {
	d, err := shards.Open(opts.Path)
	if err != nil {
		return err
	}
	defer d.Close()
	rep := InspectReport{Path: opts.Path}
	if len(d.Splits) > 0 && len(d.Splits[0].Shards) > 0 {
		for _, f := range d.Splits[0].Shards[0].Schema.Fields() {
			rep.Columns = append(rep.Columns, ColumnInfo{f.Name, f.Type.String()})
		}
	}
	if opts.Verify {
		rep.Verified = &VerifySummary{}
	}
	for _, s := range d.Splits {
		sum, err := summarizeSplit(ctx, s, opts, rep.Verified)
		if err != nil {
			return err
		}
		rep.Rows += sum.Rows
		rep.Bytes += sum.Bytes
		rep.Splits = append(rep.Splits, sum)
	}
	if opts.JSON {
		enc := json.NewEncoder(g.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		printInspect(g.Stdout, &rep)
	}
	if rep.Verified != nil && rep.Verified.Failures > 0 {
		return fmt.Errorf("inspect: %d problems found verifying %d images", rep.Verified.Failures, rep.Verified.Checked)
	}
	return nil
}

func summarizeSplit(ctx context.Context, s *shards.Split, opts InspectOptions, ver *VerifySummary) (SplitSummary, error) {
	sum := SplitSummary{Name: s.Name, Rows: s.NumRows(), Bytes: s.Bytes(), LabelNames: s.LabelNames, Formats: map[string]int{}}
	for _, sh := range s.Shards {
		sum.Shards = append(sum.Shards, ShardSummary{filepath.Base(sh.Path), sh.Rows, sh.Batches, sh.Bytes})
		if ver != nil {
			for _, p := range sh.Problems {
				ver.Failures++
				sum.VerifyFails = append(sum.VerifyFails, fmt.Sprintf("%s: %s", sh.Path, p))
			}
		}
	}
	if opts.ExportImages != "" {
		if err := os.MkdirAll(opts.ExportImages, 0o755); err != nil {
			return sum, fmt.Errorf("export images: %w", err)
		}
	}
	hist := map[int64]int64{}
	it := s.Iter()
	for {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		i := it.Index()
		r, err := it.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return sum, err
		}
		hist[r.Label]++
		format, w, h := r.Format, int64(r.Width), int64(r.Height)
		if format == "" || w == 0 || h == 0 {
			if cfg, f, err := image.DecodeConfig(bytes.NewReader(r.Image)); err == nil {
				format, w, h = f, int64(cfg.Width), int64(cfg.Height)
			} else {
				format = "unknown"
			}
		}
		sum.Formats[format]++
		if w > 0 {
			sum.Width.add(w)
			sum.Height.add(h)
		}
		sum.ImageBytes.add(int64(len(r.Image)))
		if i < int64(opts.Head) {
			sum.Head = append(sum.Head, RowSummary{
				Index: i, ID: r.ID, Label: r.Label, LabelName: labelName(s.LabelNames, r.Label), Labels: r.Labels,
				SourceLabel: r.SourceLabel, Format: format, Width: int32(w), Height: int32(h),
				ImageBytes: len(r.Image), SHA256: r.SHA256, URL: r.URL, Path: r.Path,
			})
		}
		if opts.ExportImages != "" && i < int64(opts.Limit) {
			name, err := exportImage(opts.ExportImages, s.Name, i, r, format)
			if err != nil {
				return sum, err
			}
			sum.Exported = append(sum.Exported, name)
		}
		if ver != nil {
			ver.Checked++
			msg := verifyRow(r)
			if s.LabelNames != nil && r.Label >= int64(len(s.LabelNames)) {
				msg = fmt.Sprintf("label %d is out of range for the %d label names %q", r.Label, len(s.LabelNames), s.LabelNames)
			}
			if msg != "" {
				ver.Failures++
				sum.VerifyFails = append(sum.VerifyFails, fmt.Sprintf("%s row %d (id %q): %s", s.Name, i, r.ID, msg))
			}
		}
	}
	for label, n := range hist {
		sum.Labels = append(sum.Labels, LabelCount{label, labelName(s.LabelNames, label), n})
	}
	sort.Slice(sum.Labels, func(a, b int) bool { return sum.Labels[a].Label < sum.Labels[b].Label })
	return sum, nil
}

func labelName(names []string, label int64) string {
	if label >= 0 && label < int64(len(names)) {
		return names[label]
	}
	return ""
}

// verifyRow decodes the image and checks its sha256; "" when all is well.
func verifyRow(r *shards.Row) string {
	if len(r.Image) == 0 {
		return "no image bytes"
	}
	if r.SHA256 != "" {
		sum := sha256.Sum256(r.Image)
		if got := hex.EncodeToString(sum[:]); got != r.SHA256 {
			return fmt.Sprintf("sha256 is %s, the row says %s", got, r.SHA256)
		}
	}
	if _, _, err := image.Decode(bytes.NewReader(r.Image)); err != nil {
		return "image does not decode: " + err.Error()
	}
	return ""
}

func exportImage(dir, split string, i int64, r *shards.Row, format string) (string, error) {
	ext := map[string]string{"jpeg": ".jpg", "png": ".png", "gif": ".gif", "webp": ".webp"}[format]
	if ext == "" {
		ext = ".bin"
	}
	id := strings.Map(func(c rune) rune {
		if c == '/' || c == '\\' || c == 0 || c == ':' {
			return '_'
		}
		return c
	}, r.ID)
	if len(id) > 80 {
		id = id[:80]
	}
	name := filepath.Join(dir, fmt.Sprintf("%s-%06d-%s%s", split, i, id, ext))
	if err := atomicfile.WriteFile(name, r.Image); err != nil {
		return "", fmt.Errorf("export image: %w", err)
	}
	return name, nil
}

func printInspect(w io.Writer, rep *InspectReport) {
	fmt.Fprintf(w, "%s: %d rows, %s on disk\n\ncolumns:\n", rep.Path, rep.Rows, humanBytes(rep.Bytes))
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, c := range rep.Columns {
		fmt.Fprintf(tw, "  %s\t%s\n", c.Name, c.Type)
	}
	tw.Flush()
	for _, s := range rep.Splits {
		fmt.Fprintf(w, "\nsplit %s: %d rows, %s in %d shard(s)\n", s.Name, s.Rows, humanBytes(s.Bytes), len(s.Shards))
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		for _, sh := range s.Shards {
			fmt.Fprintf(tw, "  %s\t%d rows\t%d batches\t%s\n", sh.File, sh.Rows, sh.Batches, humanBytes(sh.Bytes))
		}
		tw.Flush()
		if len(s.Labels) > 0 {
			fmt.Fprintln(w, "  labels:")
			tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
			for _, l := range s.Labels {
				name := l.Name
				if l.Label < 0 {
					name = "(none)"
				}
				pct := 100 * float64(l.Count) / float64(max(s.Rows, 1))
				fmt.Fprintf(tw, "    %d\t%s\t%d\t%.1f%%\t\n", l.Label, name, l.Count, pct)
			}
			tw.Flush()
		}
		if s.Rows > 0 {
			var formats []string
			for f, n := range s.Formats {
				formats = append(formats, fmt.Sprintf("%s %d", f, n))
			}
			sort.Strings(formats)
			fmt.Fprintf(w, "  images: %s; width %d..%d (mean %.0f), height %d..%d (mean %.0f), %s..%s each (mean %s)\n",
				strings.Join(formats, ", "), s.Width.Min, s.Width.Max, s.Width.Mean, s.Height.Min, s.Height.Max, s.Height.Mean,
				humanBytes(s.ImageBytes.Min), humanBytes(s.ImageBytes.Max), humanBytes(int64(s.ImageBytes.Mean)))
		}
		if len(s.Head) > 0 {
			fmt.Fprintln(w, "  rows:")
			tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "    #\tid\tlabel\tsource\tformat\tsize\tbytes\tsha256\turl")
			for _, r := range s.Head {
				label := fmt.Sprint(r.Label)
				if r.LabelName != "" {
					label += " " + r.LabelName
				}
				sha := r.SHA256
				if len(sha) > 12 {
					sha = sha[:12]
				}
				fmt.Fprintf(tw, "    %d\t%s\t%s\t%d\t%s\t%dx%d\t%d\t%s\t%s\n", r.Index, r.ID, label, r.SourceLabel, r.Format, r.Width, r.Height, r.ImageBytes, sha, r.URL)
			}
			tw.Flush()
		}
		if len(s.Exported) > 0 {
			fmt.Fprintf(w, "  exported %d images to %s\n", len(s.Exported), filepath.Dir(s.Exported[0]))
		}
		for _, f := range s.VerifyFails {
			fmt.Fprintf(w, "  FAILED %s\n", f)
		}
	}
	if rep.Verified != nil {
		fmt.Fprintf(w, "\nverified %d images: %d failed\n", rep.Verified.Checked, rep.Verified.Failures)
	}
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
