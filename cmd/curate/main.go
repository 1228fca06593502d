// Command curate turns the WEBEmo image-emotion dataset into clean training
// data and trains a sadness classifier on it, in one reproducible pipeline:
// fetch -> filter-text -> split -> train -> report.
//
// This package owns the terminal: progress bars, tables and --json output.
// The stages it calls never print.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// Global holds what every command shares: where output goes and how.
type Global struct {
	JSON     bool      // print one machine-readable JSON document on stdout
	Quiet    bool      // no progress output
	Stdout   io.Writer // results (tables, JSON)
	Stderr   io.Writer // progress and log lines
	Terminal bool      // stderr is a terminal: draw live bars rather than log lines

	unknownCommand string // set when the first argument names no command
}

// Exit codes, mapped once in exitCode.
const (
	exitOK          = 0
	exitError       = 1   // the command failed; the message says why
	exitUsage       = 2   // bad flags or arguments
	exitInterrupted = 130 // stopped by SIGINT/SIGTERM; work done so far is kept
)

// usageError marks an error as the user's invocation being wrong.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

func exitCode(err error) int {
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		return exitUsage
	case errors.Is(err, context.Canceled):
		return exitInterrupted
	default:
		return exitError
	}
}

const exitCodesHelp = `
EXIT CODES:
   0    success
   1    the command failed (the message names the file, URL or record)
   2    bad flags or arguments
   130  interrupted (SIGINT/SIGTERM); finished work is kept (fetch, filter-text and train resume it)
`

func newApp(g *Global) *cli.App {
	app := &cli.App{
		Name:    "curate",
		Usage:   "turn WEBEmo into clean training data and train a sadness classifier",
		Version: version,
		Description: `curate runs the pipeline of Motiejauskas & Dzemyda (2024):
   fetch        download the WEBEmo URL lists, validate every image, resume after a crash
   filter-text  drop images that show text (Tesseract OCR)
   split        sadness vs others, de-duplicate, undersample, 80/10/10 Arrow shards
   augment      RandAugment previews and single ops
   model        the EfficientNetV2-B2 + Gram network: summary and benchmark
   train        train the sadness classifier on a split dataset; resume after a crash
   eval         evaluate a checkpoint on a dataset split or an image folder
   predict      p(sadness) for images, folders or datasets
   inspect      look inside shards and datasets
   demo         the whole pipeline on an embedded demo dataset, served on loopback
   merge        join the outputs of fetch or filter-text run in partitions (--partition I/N)
   run          the whole pipeline from one config file, with cached stages
` + exitCodesHelp,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print machine-readable JSON on stdout"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress output"},
		},
		Before: func(c *cli.Context) error {
			g.JSON = c.Bool("json")
			g.Quiet = c.Bool("quiet")
			return nil
		},
		Commands: []*cli.Command{
			fetchCommand(g),
			filterTextCommand(g),
			splitCommand(g),
			augmentCommand(g),
			modelCommand(g),
			trainCommand(g),
			evalCommand(g),
			predictCommand(g),
			inspectCommand(g),
			demoCommand(g),
			mergeCommand(g),
			runCommand(g),
		},
		EnableBashCompletion: true,
		Writer:               g.Stdout,
		ErrWriter:            g.Stderr,
		ExitErrHandler:       func(*cli.Context, error) {}, // exit codes are decided in main
		OnUsageError:         onUsageError,
		CommandNotFound: func(c *cli.Context, name string) {
			g.unknownCommand = name
		},
	}
	markUsageErrors(app.Commands)
	return app
}

// onUsageError makes flag-parsing errors usage errors (exit 2).
func onUsageError(_ *cli.Context, err error, _ bool) error { return usageError{err} }

func markUsageErrors(cmds []*cli.Command) {
	for _, c := range cmds {
		if c.OnUsageError == nil {
			c.OnUsageError = onUsageError
		}
		markUsageErrors(c.Subcommands)
	}
}

func main() {
	g := &Global{Stdout: os.Stdout, Stderr: os.Stderr, Terminal: term.IsTerminal(int(os.Stderr.Fd()))}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, g, os.Args)
	if err != nil {
		if ctx.Err() != nil && !errors.Is(err, context.Canceled) {
			err = fmt.Errorf("%w: %v", context.Canceled, err)
		}
		fmt.Fprintf(os.Stderr, "curate: %v\n", err)
	}
	os.Exit(exitCode(err))
}

// run runs the command line args and returns the error that decides the exit code.
func run(ctx context.Context, g *Global, args []string) error {
	err := newApp(g).RunContext(ctx, args)
	if err == nil && g.unknownCommand != "" {
		err = usagef("no command %q; see curate --help", g.unknownCommand)
	}
	return err
}

// jsonFlag reports whether --json was given globally or on the command.
func jsonFlag(c *cli.Context, g *Global) bool {
	return g.JSON || c.Bool("json")
}
