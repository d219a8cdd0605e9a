package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
	"unicode"

	"golang.org/x/term"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1 // an API or network error
	exitUsage = 2 // a usage error, or an argument the SDK rejected before sending
)

// main runs the program with the process's arguments, environment and streams.
func main() {
	os.Exit(runWithSignals(os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}

// runWithSignals is run with a context that SIGINT and SIGTERM cancel, so serve shuts
// down cleanly and a long --all stops.
func runWithSignals(args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, args, env, stdin, stdout, stderr)
}

// run is the whole program: it parses args, runs one command and returns the exit
// status. env stands for os.Getenv, so tests control the environment.
func run(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{env: env, stdin: stdin, stdout: stdout, stderr: stderr}
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		a.progress = true
	}

	fs := a.globalFlags()
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		writeUsage(stdout)
		return exitOK
	case err != nil:
		return a.usage(nil, err.Error())
	}
	if a.g.output != formatTable && a.g.output != formatJSON {
		return a.usage(nil, fmt.Sprintf("-o must be %s or %s, not %q", formatTable, formatJSON, a.g.output))
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return a.usage(nil, "missing command")
	}
	return a.runCommand(ctx, rest[0], rest[1:])
}

// globalOptions are the flags given before the command.
type globalOptions struct {
	apiKey     string
	baseURL    string
	maxRetries int
	timeout    time.Duration
	output     string
	verbose    bool
}

// app carries what every command needs: the global options, the I/O streams and,
// once made, the API client.
type app struct {
	g        globalOptions
	env      func(string) string
	stdin    io.Reader
	stdout   io.Writer
	stderr   io.Writer
	progress bool           // stderr is a terminal: --all may show progress there
	c        *telnyx.Client // set by client(), or by demo beforehand
}

// globalFlags defines the global flags on a new FlagSet that fills a.g.
func (a *app) globalFlags() *flag.FlagSet {
	fs := flag.NewFlagSet("roomsessions", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&a.g.apiKey, "api-key", "", "the API `KEY` (default $"+telnyx.EnvAPIKey+")")
	fs.StringVar(&a.g.baseURL, "base-url", "", "the API base `URL` (default $"+telnyx.EnvBaseURL+", else "+telnyx.DefaultBaseURL+")")
	fs.IntVar(&a.g.maxRetries, "max-retries", 2, "retry a failed attempt up to `N` times; 0 disables retries")
	fs.DurationVar(&a.g.timeout, "timeout", 30*time.Second, "time limit for each attempt, a `DURATION` like 30s or 2m; 0 means none")
	fs.StringVar(&a.g.output, "o", formatTable, "`FORMAT` of the output: table (the default) or json; also --output")
	fs.StringVar(&a.g.output, "output", formatTable, "") // an alias, left out of the usage
	fs.BoolVar(&a.g.verbose, "v", false, "write the SDK's debug log to stderr")
	return fs
}

// runCommand parses the flags of the named command and runs it.
func (a *app) runCommand(ctx context.Context, name string, args []string) int {
	if name == "help" {
		return a.help(args)
	}
	cmd, ok := lookup(name)
	if !ok {
		return a.usage(nil, fmt.Sprintf("unknown command %q", name))
	}
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	act := cmd.setup(fs)
	pos, err := parseInterspersed(fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		writeCommandHelp(a.stdout, cmd, fs)
		return exitOK
	case err != nil:
		return a.usage(&cmd, err.Error())
	}
	return a.exit(&cmd, act(ctx, a, pos))
}

// help prints the usage of the program or of one command to stdout.
func (a *app) help(args []string) int {
	if len(args) == 0 {
		writeUsage(a.stdout)
		return exitOK
	}
	cmd, ok := lookup(args[0])
	if !ok {
		return a.usage(nil, fmt.Sprintf("unknown command %q", args[0]))
	}
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	cmd.setup(fs)
	writeCommandHelp(a.stdout, cmd, fs)
	return exitOK
}

// usageError is a mistake on the command line: exit status 2.
type usageError struct{ msg string }

// Error returns the message.
func (e *usageError) Error() string { return e.msg }

// usagef returns a usage error.
func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// exit reports err on stderr and returns the exit status it deserves.
func (a *app) exit(cmd *command, err error) int {
	var ue *usageError
	var apiErr *telnyx.Error
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		return a.usage(cmd, ue.msg)
	case errors.Is(err, telnyx.ErrInvalidArgument):
		return a.usage(cmd, err.Error())
	case errors.As(err, &apiErr):
		fmt.Fprintf(a.stderr, "roomsessions %s: %s\n", cmd.name, printable(describeAPIError(apiErr)))
		return exitError
	default:
		fmt.Fprintf(a.stderr, "roomsessions %s: %s\n", cmd.name, printable(err.Error()))
		return exitError
	}
}

// usage prints a one-line message and the usage (of cmd, or of the program) on
// stderr, and returns exit status 2.
func (a *app) usage(cmd *command, msg string) int {
	if cmd == nil {
		fmt.Fprintf(a.stderr, "roomsessions: %s\n", msg)
		writeUsage(a.stderr)
		return exitUsage
	}
	fmt.Fprintf(a.stderr, "roomsessions %s: %s\n", cmd.name, msg)
	fmt.Fprintf(a.stderr, "usage: roomsessions [global flags] %s %s\n", cmd.name, cmd.args)
	fmt.Fprintf(a.stderr, "Run 'roomsessions %s -h' for its flags.\n", cmd.name)
	return exitUsage
}

// printable replaces control characters (a server's text could carry terminal escape
// sequences or line breaks) with spaces, so an error stays one harmless line.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// describeAPIError formats an API error from its fields: status, every Telnyx error
// (code, title, detail, source), the request id, and the attempts and retry delay.
func describeAPIError(e *telnyx.Error) string {
	if len(e.Errors) == 0 {
		return e.Error() // it summarizes an unparsable body safely
	}
	s := strings.TrimSpace(fmt.Sprintf("%d %s", e.StatusCode, http.StatusText(e.StatusCode)))
	for i, d := range e.Errors {
		sep := "; "
		if i == 0 {
			sep = ": "
		}
		s += sep + d.String()
	}
	s += " (request id " + cmp.Or(e.RequestID, "none") + ")"
	if e.Attempts > 1 {
		s += fmt.Sprintf(" after %d attempts", e.Attempts)
	}
	if e.RetryAfter > 0 {
		s += fmt.Sprintf("; the server asks to retry after %s", e.RetryAfter)
	}
	return s
}

// client returns the API client, making it from the global options on first use.
// A missing API key is a usage error.
func (a *app) client() (*telnyx.Client, error) {
	if a.c != nil {
		return a.c, nil
	}
	key := cmp.Or(a.g.apiKey, a.env(telnyx.EnvAPIKey))
	if key == "" {
		return nil, usagef("%v: pass --api-key or set $%s", telnyx.ErrNoAPIKey, telnyx.EnvAPIKey)
	}
	opts := []telnyx.Option{
		telnyx.WithAPIKey(key),
		telnyx.WithBaseURL(cmp.Or(a.g.baseURL, a.env(telnyx.EnvBaseURL), telnyx.DefaultBaseURL)),
		telnyx.WithMaxRetries(a.g.maxRetries),
		telnyx.WithTimeout(a.g.timeout),
		telnyx.WithUserAgent("roomsessions-cli/" + telnyx.Version),
	}
	if l := a.logger(); l != nil {
		opts = append(opts, telnyx.WithLogger(l))
	}
	c, err := telnyx.NewClient(opts...)
	if err != nil {
		return nil, err
	}
	a.c = c
	return c, nil
}

// logger returns the debug logger of -v (text records on stderr), or nil.
func (a *app) logger() *slog.Logger {
	if !a.g.verbose {
		return nil
	}
	return slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
