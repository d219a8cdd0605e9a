package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/term"
)

// Exit statuses.
const (
	exitOK      = 0
	exitError   = 1   // an API or network error
	exitUsage   = 2   // a usage error, or an argument the SDK rejected before sending
	exitSIGINT  = 130 // 128 + SIGINT: interrupted with Ctrl-C
	exitSIGTERM = 143 // 128 + SIGTERM
)

// main runs the program with the process's arguments, environment and streams.
func main() {
	a := newApp(os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	os.Exit(a.runWithSignals(os.Args[1:]))
}

// run runs the program once, in process, with the given streams: it parses args, runs
// one command and returns the exit status. env stands for os.Getenv. Tests call it.
func run(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	return newApp(env, stdin, stdout, stderr).run(ctx, args)
}

// newApp returns an app on the given streams, finding out which of them are terminals.
func newApp(env func(string) string, stdin io.Reader, stdout, stderr io.Writer) *app {
	a := &app{
		env: env, stdin: stdin, stdout: stdout, stderr: stderr,
		waitNotice: defaultWaitNotice,
		afterFunc: func(d time.Duration, f func()) func() bool {
			return time.AfterFunc(d, f).Stop
		},
	}
	a.stdinTerminal = isTerminal(stdin)
	a.stderrTerminal = isTerminal(stderr)
	if f, ok := stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			a.width = w
		}
	}
	return a
}

// isTerminal reports whether v is an *os.File open on a terminal.
func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// signalError is the cause of the context's cancellation when a signal arrived.
type signalError struct{ sig syscall.Signal }

// Error names the signal, as "interrupted by SIGINT".
func (e signalError) Error() string {
	switch e.sig {
	case syscall.SIGINT:
		return "interrupted by SIGINT"
	case syscall.SIGTERM:
		return "interrupted by SIGTERM"
	}
	return "interrupted by " + e.sig.String()
}

// exitCode is the conventional status of a process stopped by the signal: 128 + its number.
func (e signalError) exitCode() int { return 128 + int(e.sig) }

// runWithSignals runs args with a context that the first SIGINT or SIGTERM cancels,
// with that signal as its cause. Commands then stop, flush what they wrote and exit
// 130 or 143 (serve stops cleanly and exits 0). A second signal kills the process
// the default way, should anything hang.
func (a *app) runWithSignals(args []string) int {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case s := <-sigs:
			signal.Stop(sigs)
			cancel(signalError{s.(syscall.Signal)})
		case <-done:
			signal.Stop(sigs)
		}
	}()
	return a.run(ctx, args)
}

// run parses args, runs one command and returns the exit status. Standard output is
// buffered and flushed before run returns, whatever happened.
func (a *app) run(ctx context.Context, args []string) int {
	out := bufio.NewWriterSize(a.stdout, 32<<10)
	a.out = out
	code := a.execute(ctx, args)
	if err := out.Flush(); err != nil && code == exitOK {
		fmt.Fprintf(a.stderr, "roomsessions: writing the output: %v\n", err)
		code = exitError
	}
	return code
}

// interruption returns the signal error that cancelled ctx, if one did.
func interruption(ctx context.Context) (signalError, bool) {
	var se signalError
	ok := errors.As(context.Cause(ctx), &se)
	return se, ok
}
