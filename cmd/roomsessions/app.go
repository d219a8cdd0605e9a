package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// defaultWaitNotice is how long a request may wait for its answer before a line on
// stderr (a terminal only) says so.
const defaultWaitNotice = 2 * time.Second

// globalOptions are the flags every command accepts, before or after its name.
type globalOptions struct {
	apiKey     string
	baseURL    string
	maxRetries int
	timeout    time.Duration
	output     string
	verbose    bool
	plainHTTP  bool
	noHeaders  bool
}

// envPlainHTTP is the environment variable that stands for --plain-http.
const envPlainHTTP = "TELNYX_PLAIN_HTTP"

// app carries what every command needs: the global options, the I/O streams, what
// is known about them, and, once made, the API client.
type app struct {
	g      globalOptions
	env    func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	out    *bufio.Writer // buffered stdout; run flushes it, streaming output flushes as it goes

	stdinTerminal  bool // confirmation prompts are possible
	stderrTerminal bool // progress and waiting notices are shown
	width          int  // stdout's terminal width; 0 when stdout is not a terminal
	wide           bool // -o wide: the table with every column

	// waitNotice is how long a request waits before a notice on a terminal's stderr;
	// afterFunc schedules it (time.AfterFunc, returning Stop). Tests replace both.
	waitNotice time.Duration
	afterFunc  func(d time.Duration, f func()) (stop func() bool)

	started bool           // a command's own code ran (so an error is not the parser's)
	c       *telnyx.Client // set by client(), or by demo beforehand
}

// usageError is a mistake on the command line: exit status 2.
type usageError struct{ msg string }

// Error returns the message.
func (e *usageError) Error() string { return e.msg }

// usagef returns a usage error.
func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// execute builds the command tree, runs the command args name and returns its exit
// status, reporting any error on stderr.
func (a *app) execute(ctx context.Context, args []string) int {
	root := a.rootCommand()
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if cmd == nil {
		cmd = root
	}
	return a.exit(ctx, cmd, err)
}

// exit reports err on stderr and returns the exit status it deserves.
func (a *app) exit(ctx context.Context, cmd *cobra.Command, err error) int {
	var ue *usageError
	var apiErr *telnyx.Error
	var ended *endedError
	name := cmd.CommandPath()
	if se, ok := interruption(ctx); ok && err != nil {
		// What had been done, and an action that may have been applied, are said even
		// when a signal stopped the command.
		var pe *progressError
		var na *noAnswerError
		if errors.As(err, &pe) || errors.As(err, &na) {
			fmt.Fprintf(a.stderr, "%s: %s: %s\n", name, se, printable(err.Error()))
		} else {
			fmt.Fprintf(a.stderr, "%s: %s\n", name, se)
		}
		return se.exitCode()
	}
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		return a.usage(cmd, ue.msg)
	case !a.started:
		return a.usage(cmd, err.Error()) // the parser's: unknown command or flag, bad value
	case errors.Is(err, telnyx.ErrInvalidArgument) || errors.Is(err, telnyx.ErrNoAPIKey):
		return a.usage(cmd, flagTerms(flagNames(cmd.Name(), err.Error())))
	case errors.As(err, &ended):
		fmt.Fprintf(a.stderr, "%s: %s\n", name, printable(ended.Error()))
		return exitError
	case errors.As(err, &apiErr):
		// Keep what wrapped the API's error ("ended 2 of 5 sessions, then ...").
		prefix := strings.TrimSuffix(err.Error(), apiErr.Error())
		fmt.Fprintf(a.stderr, "%s: %s%s\n", name, printable(prefix), printable(describeAPIError(apiErr)))
		if hint := a.baseURLHint(apiErr); hint != "" {
			fmt.Fprintf(a.stderr, "%s: %s\n", name, hint)
		}
		return exitError
	default:
		fmt.Fprintf(a.stderr, "%s: %s\n", name, printable(err.Error()))
		return exitError
	}
}

// baseURLHint explains a 404 that comes from a base URL without /v2 (as
// http://fake:4010 for a fake whose API is at http://fake:4010/v2), or returns "".
func (a *app) baseURLHint(e *telnyx.Error) string {
	if e.StatusCode != http.StatusNotFound {
		return ""
	}
	base := cmp.Or(a.g.baseURL, a.env(telnyx.EnvBaseURL))
	u, err := url.Parse(base)
	if base == "" || err != nil || strings.HasSuffix(strings.TrimSuffix(u.Path, "/"), "/v2") {
		return ""
	}
	return fmt.Sprintf("the base URL %s has no /v2: Telnyx's API (and the fake) answer under /v2, so try --base-url %s/v2",
		printable(u.Redacted()), printable(strings.TrimSuffix(u.Redacted(), "/")))
}

// usage prints a one-line message, the usage line of cmd and where to find more on
// stderr, and returns exit status 2.
func (a *app) usage(cmd *cobra.Command, msg string) int {
	fmt.Fprintf(a.stderr, "%s: %s\n", cmd.CommandPath(), printable(msg))
	fmt.Fprintf(a.stderr, "usage: %s\n", cmd.UseLine())
	fmt.Fprintf(a.stderr, "Run '%s -h' for its flags and examples.\n", cmd.CommandPath())
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
	plain, err := a.plainHTTP()
	if err != nil {
		return nil, err
	}
	opts := []telnyx.Option{
		telnyx.WithAPIKey(key),
		telnyx.WithBaseURL(cmp.Or(a.g.baseURL, a.env(telnyx.EnvBaseURL), telnyx.DefaultBaseURL)),
		telnyx.WithMaxRetries(a.g.maxRetries),
		telnyx.WithTimeout(a.g.timeout),
		telnyx.WithUserAgent("roomsessions-cli/" + telnyx.Version),
	}
	if plain {
		opts = append(opts, telnyx.WithPlainHTTP())
	}
	if l := a.logger(); l != nil {
		opts = append(opts, telnyx.WithLogger(l))
	}
	if hc := a.httpClient(); hc != nil {
		opts = append(opts, telnyx.WithHTTPClient(hc))
	}
	c, err := telnyx.NewClient(opts...)
	if err != nil {
		return nil, err
	}
	a.c = c
	return c, nil
}

// plainHTTP reports whether --plain-http, or else $TELNYX_PLAIN_HTTP, allows plain
// http:// off loopback. A value of the variable that is no boolean is a usage error.
func (a *app) plainHTTP() (bool, error) {
	if a.g.plainHTTP {
		return true, nil
	}
	v := strings.TrimSpace(a.env(envPlainHTTP))
	if v == "" {
		return false, nil
	}
	switch strings.ToLower(v) {
	case "1", "true", "yes", "on":
		return true, nil
	case "0", "false", "no", "off":
		return false, nil
	}
	return false, usagef("$%s must be true or false (or 1, 0, yes, no), not %q", envPlainHTTP, v)
}

// logger returns the debug logger of -v (text records on stderr), or nil. Each
// record of a request also carries its query string, which the SDK leaves out.
func (a *app) logger() *slog.Logger {
	if !a.g.verbose {
		return nil
	}
	return slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
