// Command curate turns the WEBEmo image-emotion dataset into clean training
// data and trains a sadness classifier on it, in one reproducible pipeline:
// fetch -> filter-text -> split -> train -> report.
//
// This package owns the terminal: progress bars, tables and --json output.
// The stages it calls never print.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

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
   report       one HTML page: data funnel, training curves, evaluation, examples
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
			weightsCommand(g),
			inspectCommand(g),
			reportCommand(g),
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

// markUsageErrors makes flag-parsing errors usage errors (exit 2) and
// checks every command's numeric flags before it runs (checkNumbers), so a
// new command gets both without a line of its own.
func markUsageErrors(cmds []*cli.Command) {
	for _, c := range cmds {
		if c.OnUsageError == nil {
			c.OnUsageError = onUsageError
		}
		before := c.Before
		c.Before = func(ctx *cli.Context) error {
			if err := checkNumbers(ctx); err != nil {
				return err
			}
			if before != nil {
				return before(ctx)
			}
			return nil
		}
		markUsageErrors(c.Subcommands)
	}
}

// checkNumbers refuses, with exit 2, numeric flag values a command would
// silently misread: NaN and infinities, and an explicit 0 for an integer
// flag whose default is positive unless its usage says what 0 means (the
// options structs read 0 as "the default", so --size 0 would silently run
// at 256).
func checkNumbers(c *cli.Context) error {
	for _, f := range c.Command.Flags {
		name := f.Names()[0]
		if !c.IsSet(name) {
			continue
		}
		var zero, nonzeroDefault bool
		var usage string
		switch f := f.(type) {
		case *cli.Float64Flag:
			v := c.Float64(name)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return usagef("--%s %v: want a finite number", name, v)
			}
			continue // 0 is a real magnitude, share or fraction
		case *cli.IntFlag:
			zero, nonzeroDefault, usage = c.Int(name) == 0, f.Value > 0, f.Usage
		case *cli.Int64Flag:
			zero, nonzeroDefault, usage = c.Int64(name) == 0, f.Value > 0, f.Usage
		default: // unsigned flags are seeds and the like, where 0 is a value
			continue
		}
		if zero && nonzeroDefault && !zeroDocumented(usage) {
			return usagef("--%s 0: not a valid value (leave the flag out for its default)", name)
		}
	}
	return nil
}

// zeroDocumented reports whether a flag's usage gives 0 a meaning
// ("0 = all CPUs", "(0: all, ...)", "or 0 for none").
func zeroDocumented(usage string) bool {
	for _, p := range []string{"0 =", "0:", "0 for", "0 means", "or 0", "(0", "0 (", "0 off", "0 is"} {
		if strings.Contains(usage, p) {
			return true
		}
	}
	return false
}

func main() {
	g := &Global{Stdout: os.Stdout, Stderr: os.Stderr, Terminal: term.IsTerminal(int(os.Stderr.Fd()))}
	ctx, stop := interruptContext()
	defer stop()
	err := run(ctx, g, os.Args)
	if err != nil && ctx.Err() != nil && !errors.Is(err, context.Canceled) {
		err = fmt.Errorf("%w: %v", context.Canceled, err)
	}
	printError(g.Stderr, err, wantsJSON(os.Args))
	os.Exit(exitCode(err))
}

// interruptContext is canceled by the first SIGINT/SIGTERM, so the stage
// keeps its work; a second one kills the process at once, whatever it is
// doing, by the signal's default action. After the first, the handler is
// switched off (signal.Stop: from then on the runtime takes the default
// action itself, without waiting for a goroutine), and a second signal that
// came before that, and so went to the channel, kills the process too:
// signal.NotifyContext's stop left such a signal in its channel unread, so
// under load the second Ctrl-C was lost (TestSecondSIGINTKills caught it).
func interruptContext() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ch
		cancel()
		signal.Stop(ch) // either the next signal is in ch, or it takes the default action
		select {
		case s := <-ch:
			if sig, ok := s.(syscall.Signal); ok {
				syscall.Kill(syscall.Getpid(), sig)
			}
			time.Sleep(time.Second) // the signal was ignored when curate started
			os.Exit(exitInterrupted)
		default:
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		cancel()
	}
}

// printError writes err for the user: a line "curate: ...", or with --json
// one JSON object {"error": ..., "exit_code": ...}.
func printError(w io.Writer, err error, asJSON bool) {
	if err == nil {
		return
	}
	if asJSON {
		b, _ := json.Marshal(struct {
			Error    string `json:"error"`
			ExitCode int    `json:"exit_code"`
		}{err.Error(), exitCode(err)})
		fmt.Fprintf(w, "%s\n", b)
		return
	}
	fmt.Fprintf(w, "curate: %v\n", err)
}

// wantsJSON reports whether --json is among the flags of args.
func wantsJSON(args []string) bool {
	for _, a := range args[1:] {
		if a == "--" {
			break
		}
		if a == "--json" || a == "-json" || a == "--json=true" || a == "-json=true" {
			return true
		}
	}
	return false
}

// run runs the command line args and returns the error that decides the exit code.
func run(ctx context.Context, g *Global, args []string) error {
	app := newApp(g)
	err := app.RunContext(ctx, reorderArgs(app, args))
	var ue usageError
	if err != nil && !errors.As(err, &ue) && strings.HasPrefix(err.Error(), "Required flag") {
		err = usageError{err} // urfave/cli's missing required flags: a usage error too
	}
	if err == nil && g.unknownCommand != "" {
		err = usagef("no command %q; see curate --help", g.unknownCommand)
	}
	return err
}

// reorderArgs lets flags follow positional arguments, as users type them
// (curate inspect DIR --json): urfave/cli v2 stops reading flags at the
// first positional argument, so the arguments of the chosen command are
// put in the order flags, "--", positionals, using the command's own flag
// definitions to tell a flag's value from a positional. Everything after a
// "--" the user gave stays positional. A global flag (--json, --quiet)
// given after the command moves before it unless the command has its own.
func reorderArgs(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	i := 1
	var global []string
	for i < len(args) && strings.HasPrefix(args[i], "-") && args[i] != "--" {
		global = append(global, args[i])
		i++
	}
	if i >= len(args) {
		return args
	}
	cmd := findCommand(app.Commands, args[i])
	if cmd == nil {
		return args
	}
	path := []string{args[i]}
	i++
	for len(cmd.Subcommands) > 0 && i < len(args) {
		sub := findCommand(cmd.Subcommands, args[i])
		if sub == nil {
			break
		}
		cmd = sub
		path = append(path, args[i])
		i++
	}
	var flags, positional []string
	rest := args[i:]
	for k := 0; k < len(rest); k++ {
		a := rest[k]
		if a == "--" {
			positional = append(positional, rest[k+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			positional = append(positional, a)
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		f := findFlag(cmd.Flags, name)
		if f == nil {
			if g := findFlag(app.Flags, name); g != nil {
				global = append(global, a)
				continue
			}
			flags = append(flags, a) // unknown: cli reports it
			continue
		}
		flags = append(flags, a)
		if tv, ok := f.(cli.DocGenerationFlag); ok && tv.TakesValue() && !hasValue && k+1 < len(rest) {
			k++
			flags = append(flags, rest[k])
		}
	}
	out := append([]string{args[0]}, global...)
	out = append(out, path...)
	out = append(out, flags...)
	if len(positional) > 0 {
		out = append(out, "--")
		out = append(out, positional...)
	}
	return out
}

func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}

func findFlag(flags []cli.Flag, name string) cli.Flag {
	if name == "help" || name == "h" {
		return &cli.BoolFlag{Name: "help"}
	}
	for _, f := range flags {
		for _, n := range f.Names() {
			if n == name {
				return f
			}
		}
	}
	return nil
}

// jsonFlag reports whether --json was given globally or on the command.
func jsonFlag(c *cli.Context, g *Global) bool {
	return g.JSON || c.Bool("json")
}
