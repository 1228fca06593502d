package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/curate-ml/curate/fetch"
	"github.com/curate-ml/curate/partition"
	"github.com/curate-ml/curate/pipeline"
	"github.com/curate-ml/curate/shards"
	"github.com/curate-ml/curate/webemo"
)

// FetchOptions are the settings of `curate fetch`. The zero value of a field
// means its default, so callers (curate demo, tests) set only what they need.
type FetchOptions struct {
	Lists      []string // URL list files (WEBEmo, CSV, TSV or JSONL)
	Categories string   // category.txt naming the labels; "" = the released WEBEmo table
	Out        string   // output directory

	Workers   int    // 0 = 64
	PerHost   int    // 0 = 16
	UserAgent string // "" = curate/<version>

	Timeout      time.Duration // per request; 0 = 30s
	Retries      int           // 0 = 4; < 0 = none
	Backoff      time.Duration // first retry waits about this long; 0 = 1s
	MaxBytes     int64         // 0 = 20 MiB
	MaxPixels    int64         // 0 = 40 MP
	MaxRedirects int           // 0 = 5; < 0 = none
	AllowPrivate bool
	RetryFailed  bool
	Strict       bool
	KeepStaging  bool
	ShardBytes   int64          // 0 = 256 MiB
	Partition    partition.Spec // fetch only this part of the URLs (curate merge joins the parts)
}

// maxMalformedShown is how many malformed list lines are printed one by one.
const maxMalformedShown = 20

func defaultUserAgent() string {
	return "curate/" + version + " (+https://github.com/curate-ml/curate; WEBEmo research downloader)"
}

func fetchCommand(g *Global) *cli.Command {
	var opts FetchOptions
	return &cli.Command{
		Name:      "fetch",
		Usage:     "download URL lists politely and resumably into Arrow shards",
		UsageText: "curate fetch --list FILE [--list FILE...] [--categories category.txt] --out DIR [options]",
		Description: `fetch downloads every URL of the lists, checks that each body is a real image
(JPEG, PNG, GIF or WebP that decodes completely, at most --max-bytes and --max-pixels)
and writes the images as Arrow shards in list order.

Lists: WEBEmo's "<URL> <label>" lines (the label is the last whitespace token), or
.csv/.tsv files with url and label header columns, or .jsonl with "url" and "label".
Malformed lines are reported as FILE:LINE and skipped (--strict: stop instead). A URL
listed several times is fetched once and keeps all its labels (column labels).

Politeness: --workers URLs at once, at most --per-host requests per host, an
identifying --user-agent. Timeouts, connection errors, 5xx and 429 are retried
--retries times with exponential backoff and jitter, honouring Retry-After; a 429
also halves the host's concurrency for a while. 404, 403 and 410 are not retried.
Addresses that are private, loopback or link-local are refused (checked when
connecting, so redirects and DNS cannot get around it) unless --allow-private.

Output in --out: data-NNNNN-of-MMMMM.arrow + state.json + dataset_info.json (a
Hugging Face datasets split; columns id, url, image, label, labels, source_label,
sha256, width, height, format, list), ledger.jsonl (one record per URL: url, status
ok|failed, reason, attempts, id, sha256, ...), fetch-stats.json, and while a run
is incomplete fetch-staging.bin (downloaded bytes not yet in the shards; removed
after a complete run unless --keep-staging).

Resume: kill it at any time (SIGKILL included) and run the same command again; only
URLs without a ledger record are fetched, and images already fetched are taken from
the staging file or the shards. --retry-failed also tries the failed URLs again.
Ctrl-C stops cleanly and writes shards of what finished. Two complete runs give
byte-identical shards whatever --workers.

Reason codes: ` + reasonList() + `

EXAMPLES:
   curate fetch --list train25.txt --list test25.txt --categories category.txt --out webemo
   curate fetch --list train25.txt --out webemo --retry-failed      # after a run with errors
   curate fetch --list urls.csv --out imgs --workers 16 --per-host 4 --timeout 10s --json
   curate fetch --list urls.jsonl --out imgs --max-pixels 10000000 --strict
   curate fetch --list train25.txt --out part-0 --partition 0/4   # then: curate merge part-* --out webemo
` + exitCodesHelp,
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "list", Usage: "URL list `FILE` (repeat for several)"},
			&cli.StringFlag{Name: "categories", Usage: "WEBEmo category.txt naming the labels (default: the released table)", Destination: &opts.Categories},
			&cli.StringFlag{Name: "out", Usage: "output `DIR`", Destination: &opts.Out},
			&cli.IntFlag{Name: "workers", Value: fetch.DefaultWorkers, Usage: "URLs worked on at once", Destination: &opts.Workers},
			&cli.IntFlag{Name: "per-host", Value: fetch.DefaultPerHost, Usage: "requests in flight per host", Destination: &opts.PerHost},
			&cli.StringFlag{Name: "user-agent", Value: defaultUserAgent(), Usage: "User-Agent header", Destination: &opts.UserAgent},
			&cli.DurationFlag{Name: "timeout", Value: fetch.DefaultTimeout, Usage: "limit per request (headers and body)", Destination: &opts.Timeout},
			&cli.IntFlag{Name: "retries", Value: fetch.DefaultRetries, Usage: "retries of timeouts, connection errors, 5xx and 429 (0: none)", Destination: &opts.Retries},
			&cli.DurationFlag{Name: "backoff", Value: fetch.DefaultBackoffBase, Usage: "wait before the first retry (doubles each time, with jitter)", Destination: &opts.Backoff},
			&cli.Int64Flag{Name: "max-bytes", Value: fetch.DefaultMaxBytes, Usage: "largest image in bytes (enforced while downloading)", Destination: &opts.MaxBytes},
			&cli.Int64Flag{Name: "max-pixels", Value: fetch.DefaultMaxPixels, Usage: "largest width*height (checked before decoding)", Destination: &opts.MaxPixels},
			&cli.IntFlag{Name: "max-redirects", Value: fetch.DefaultMaxRedirects, Usage: "redirects followed per request (0: none)", Destination: &opts.MaxRedirects},
			&cli.BoolFlag{Name: "allow-private", Usage: "allow private, loopback and link-local addresses", Destination: &opts.AllowPrivate},
			&cli.BoolFlag{Name: "retry-failed", Usage: "fetch again the URLs the ledger records as failed", Destination: &opts.RetryFailed},
			&cli.BoolFlag{Name: "strict", Usage: "stop at the first malformed list line", Destination: &opts.Strict},
			&cli.BoolFlag{Name: "keep-staging", Usage: "keep fetch-staging.bin after a complete run", Destination: &opts.KeepStaging},
			&cli.Int64Flag{Name: "shard-size", Value: 256 << 20, Usage: "shard size target in bytes", Destination: &opts.ShardBytes},
			&cli.StringFlag{Name: "partition", Usage: "fetch only URLs whose hash falls in part `I/N` (/N: I from $JOB_COMPLETION_INDEX or $SLURM_ARRAY_TASK_ID); join parts with curate merge"},
			&cli.BoolFlag{Name: "json", Usage: "print the stats as JSON on stdout"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("fetch: unexpected arguments %q", c.Args().Slice())
			}
			var err error
			if opts.Partition, err = partition.Parse(c.String("partition"), nil); err != nil {
				return usagef("fetch: --%v", err)
			}
			opts.Lists = c.StringSlice("list")
			const positive, natural = "a positive value", "0 or more"
			for _, f := range []struct {
				name string
				bad  bool
				want string
			}{
				{"workers", opts.Workers < 1, positive}, {"per-host", opts.PerHost < 1, positive},
				{"timeout", opts.Timeout <= 0, positive}, {"backoff", opts.Backoff <= 0, positive},
				{"retries", opts.Retries < 0, natural}, {"max-redirects", opts.MaxRedirects < 0, natural},
				{"max-bytes", opts.MaxBytes < 1 || opts.MaxBytes > shards.MaxImageBytes, fmt.Sprintf("1 to %d (2 GiB less a byte: the largest image a shard holds)", shards.MaxImageBytes)},
				{"max-pixels", opts.MaxPixels < 1, positive}, {"shard-size", opts.ShardBytes < 1, positive},
			} {
				if f.bad {
					return usagef("fetch: --%s %v: want %s", f.name, c.Value(f.name), f.want)
				}
			}
			if opts.Retries == 0 {
				opts.Retries = -1 // --retries 0 means none; the zero value of FetchOptions means the default
			}
			if opts.MaxRedirects == 0 {
				opts.MaxRedirects = -1
			}
			if jsonFlag(c, g) {
				gg := *g
				gg.JSON = true
				return runFetch(c.Context, opts, &gg)
			}
			return runFetch(c.Context, opts, g)
		},
	}
}

func reasonList() string {
	s, line := "", len("Reason codes: ")
	for i, r := range fetch.Reasons {
		if i > 0 {
			s += ","
			line++
			if line+len(r)+1 > 84 {
				s += "\n  "
				line = 2
			}
			s += " "
			line++
		}
		s += r
		line += len(r)
	}
	return s
}

// FetchReport is what `curate fetch --json` prints.
type FetchReport struct {
	Out string `json:"out"`
	*fetch.Stats
}

// runFetch runs `curate fetch` and prints the summary (or, with --json, the
// stats). An interrupted run still prints what it did and returns the
// context's error.
func runFetch(ctx context.Context, opts FetchOptions, g *Global) error {
	if len(opts.Lists) == 0 || opts.Out == "" {
		return usagef("fetch: --list and --out are required")
	}
	cats := webemo.DefaultCategories()
	if opts.Categories != "" {
		var err error
		if cats, err = webemo.LoadCategories(opts.Categories); err != nil {
			return fmt.Errorf("fetch: %w", err)
		}
	}
	if opts.UserAgent == "" {
		opts.UserAgent = defaultUserAgent()
	}
	fo := fetch.Options{
		Lists: opts.Lists, LabelNames: cats.Level3Names(), Out: opts.Out,
		Workers: opts.Workers, PerHost: opts.PerHost, UserAgent: opts.UserAgent,
		Timeout: opts.Timeout, Retries: opts.Retries, BackoffBase: opts.Backoff,
		MaxBytes: opts.MaxBytes, MaxPixels: opts.MaxPixels, MaxRedirects: opts.MaxRedirects,
		AllowPrivate: opts.AllowPrivate, RetryFailed: opts.RetryFailed, Strict: opts.Strict, KeepStaging: opts.KeepStaging,
		ShardBytes: opts.ShardBytes, Partition: opts.Partition,
		Counter: pipeline.NewCounter(0),
	}
	shown := 0
	fo.OnMalformed = func(e *fetch.LineError) {
		if shown < maxMalformedShown {
			fmt.Fprintf(g.Stderr, "fetch: skipping malformed line %v\n", e)
		}
		shown++
	}
	stop := newProgress(g, "fetch", fo.Counter)
	st, err := fetch.Run(ctx, fo)
	stop()
	if shown > maxMalformedShown {
		fmt.Fprintf(g.Stderr, "fetch: ... and %d more malformed lines (see %s)\n", shown-maxMalformedShown, fetch.StatsFile)
	}
	if st == nil {
		if errors.Is(err, fetch.ErrNoURLs) {
			return fmt.Errorf("fetch: %w (%d malformed lines)", err, shown)
		}
		return fmt.Errorf("fetch: %w", err)
	}
	rep := FetchReport{Out: opts.Out, Stats: st}
	if g.JSON {
		enc := json.NewEncoder(g.Stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if jerr := enc.Encode(rep); jerr != nil && err == nil {
			err = jerr
		}
	} else {
		printFetchReport(g.Stdout, &rep)
	}
	if err != nil {
		return fmt.Errorf("fetch: %w", err)
	}
	return nil
}

// printFetchReport prints the summary table.
func printFetchReport(w io.Writer, rep *FetchReport) {
	st := rep.Stats
	state := "complete"
	switch {
	case st.Run.Interrupted:
		state = "interrupted: run the same command again to go on"
	case !st.Complete:
		state = "incomplete"
	}
	fmt.Fprintf(w, "fetch %v -> %s (%s)\n\n", st.Lists, rep.Out, state)
	row := func(label string, n int, note string) {
		fmt.Fprintf(w, "  %-22s %9d  %s\n", label, n, note)
	}
	row("list lines", st.Lines+st.MalformedLines, fmt.Sprintf("%d malformed, skipped", st.MalformedLines))
	row("unique URLs", st.URLs, fmt.Sprintf("%d repeated lines merged, %d URLs with 2+ labels", st.RepeatedLines, st.MultiLabelURLs))
	row("ok", st.ByStatus[fetch.StatusOK], fmt.Sprintf("%d with the same bytes as an earlier URL", st.DuplicateBytes))
	row("failed", st.ByStatus[fetch.StatusFailed], "")
	reasons := make([]string, 0, len(st.ByReason))
	for r := range st.ByReason {
		if r != fetch.ReasonOK {
			reasons = append(reasons, r)
		}
	}
	slices.SortFunc(reasons, func(a, b string) int {
		if d := st.ByReason[b] - st.ByReason[a]; d != 0 {
			return d
		}
		if a < b {
			return -1
		}
		return 1
	})
	for _, r := range reasons {
		row("  "+r, st.ByReason[r], "")
	}
	if p := st.ByStatus["pending"]; p > 0 {
		row("pending", p, "not fetched yet")
	}
	row("rows", int(st.Rows), fmt.Sprintf("in %d shards, %s of images", len(st.Shards), fmtBytes(st.BytesStored)))
	r := st.Run
	fmt.Fprintf(w, "\n  this run: %d URLs fetched (%d ok, %d failed), %d already done; %d requests, %d retries, %s downloaded, %d host slowdowns\n",
		r.Fetched, r.OK, r.Failed, r.Skipped, r.Requests, r.Retries, fmtBytes(r.Bytes), r.HostSlowdowns)
	fmt.Fprintf(w, "  %s, %.1f images/s with %d workers, %d per host\n",
		fmtDuration(time.Duration(r.DurationSeconds*float64(time.Second))), r.ImagesPerSecond, r.Workers, r.PerHost)
}

func fmtBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
