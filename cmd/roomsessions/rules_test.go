package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// TestConfirmationRule checks the one rule: end and kick ask on a terminal and need
// --yes without one (exit 2, nothing done); mute and unmute never ask.
func TestConfirmationRule(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string // after the session id
		ask  bool
	}{
		{[]string{"end"}, true},
		{[]string{"kick", "--everyone"}, true},
		{[]string{"mute", "--everyone"}, false},
		{[]string{"unmute", "--everyone"}, false},
	} {
		t.Run(tt.args[0], func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			s := seedMeeting(srv)
			args := append([]string{tt.args[0], s.ID}, tt.args[1:]...)

			r := runCLI(t, srv, args...) // no terminal, no --yes
			if tt.ask {
				wantCode(t, r, exitUsage)
				if !strings.Contains(r.stderr, "without confirmation: stdin is not a terminal; pass --yes") {
					t.Errorf("stderr:\n%s", r.stderr)
				}
				if p := posts(srv); len(p) != 0 {
					t.Fatalf("sent %v without confirmation", p)
				}
				r = runTerminal(t, srv, "no\n", args...)
				wantCode(t, r, exitError)
				if !strings.Contains(r.stderr, "? [y/N] ") || len(posts(srv)) != 0 {
					t.Errorf("declined on a terminal: stderr %q, sent %v", r.stderr, posts(srv))
				}
				r = runTerminal(t, srv, "y\n", args...)
			} else {
				wantCode(t, r, exitOK) // without a terminal or --yes
				r = runTerminal(t, srv, "", args...)
				if strings.Contains(r.stderr, "[y/N]") {
					t.Errorf("%s asked:\n%s", tt.args[0], r.stderr)
				}
			}
			wantCode(t, r, exitOK)
			want := map[bool]int{true: 1, false: 2}[tt.ask]
			if p := posts(srv); len(p) != want {
				t.Errorf("sent %v, want %d actions", p, want)
			}
		})
	}
}

// promptWriter is a stderr that says when a [y/N] prompt has been written.
type promptWriter struct {
	lockedBuffer
	once     sync.Once
	prompted chan struct{}
}

// Write records p and signals a prompt.
func (w *promptWriter) Write(p []byte) (int, error) {
	n, err := w.lockedBuffer.Write(p)
	if bytes.Contains(p, []byte("[y/N]")) {
		w.once.Do(func() { close(w.prompted) })
	}
	return n, err
}

// TestInterruptAtPrompt checks that Ctrl-C at a [y/N] prompt exits 130 at once,
// without waiting for a line on stdin, and does nothing.
func TestInterruptAtPrompt(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	s := seedMeeting(srv)
	stdin, never := io.Pipe() // a terminal nobody types into
	defer never.Close()
	stderr := &promptWriter{prompted: make(chan struct{})}
	a := newApp(serverEnv(srv), stdin, io.Discard, stderr)
	a.stdinTerminal = true
	ctx, cancel := context.WithCancelCause(t.Context())
	go func() {
		<-stderr.prompted
		cancel(signalError{syscall.SIGINT})
	}()
	if code := a.run(ctx, []string{"kick", s.ID, "--everyone"}); code != exitSIGINT {
		t.Errorf("exit status %d, want %d; stderr:\n%s", code, exitSIGINT, stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted by SIGINT") || len(posts(srv)) != 0 {
		t.Errorf("stderr %q, sent %v", stderr.String(), posts(srv))
	}
}

// TestActionOnSomeoneAbsent checks that naming a participant who is not in the session
// (never joined, or left) says who and exits 1, and that nothing is done.
func TestActionOnSomeoneAbsent(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	s := srv.AddSession(telnyxtest.Session{Active: true, Participants: []telnyxtest.Participant{
		{ID: uuidA, Context: "A"}, {ID: uuidB, Context: "Bob", LeftAt: srv.Now()},
	}})
	const stranger = "9a000000-0000-4000-8000-0000000000ff"
	for _, args := range [][]string{
		{"kick", s.ID, "--participant", stranger, "--yes"},
		{"mute", s.ID, "--participant", uuidA + "," + stranger},
		{"unmute", s.ID, "--participant", uuidB},
	} {
		r := runCLI(t, srv, args...)
		wantCode(t, r, exitError)
		if !strings.Contains(r.stderr, "not in session "+s.ID) || !strings.Contains(r.stderr, "nothing was done") {
			t.Errorf("%v: stderr:\n%s", args, r.stderr)
		}
		if strings.Contains(strings.Join(args, " "), stranger) && !strings.Contains(r.stderr, stranger+" (never joined)") {
			t.Errorf("%v: stderr does not name the stranger:\n%s", args, r.stderr)
		}
		if args[0] == "unmute" && !strings.Contains(r.stderr, uuidB+" (Bob, left at ") {
			t.Errorf("stderr does not say Bob left:\n%s", r.stderr)
		}
	}
	if p := posts(srv); len(p) != 0 {
		t.Errorf("sent %v", p)
	}
}

// TestNoAnswer checks that an action whose answer never came says it may have been
// applied, and that it was.
func TestNoAnswer(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	s := seedMeeting(srv)
	srv.Fail(telnyxtest.Fault{Method: http.MethodPost, Cut: telnyxtest.CutBeforeResponse, Times: 2})
	r := runCLI(t, srv, "--max-retries", "0", "mute", s.ID, "--everyone")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "mute in session "+s.ID+": no answer came") ||
		!strings.Contains(r.stderr, "it may have been applied: check with roomsessions get "+s.ID+" --participants") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	if after, _ := srv.Session(s.ID); !after.Participants[0].Muted {
		t.Error("the fake did not apply the mute (the test's premise)")
	}
}

// TestBulkSummary checks that a bulk end says "ended N of M" on every way out: done,
// declined, and interrupted while an answer was awaited.
func TestBulkSummary(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for range 5 {
		srv.AddSession(telnyxtest.Session{Active: true})
	}
	r := runTerminal(t, srv, "n\n", "end", "--active")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "ended 0 of 5 sessions: not confirmed; nothing was done") {
		t.Errorf("declined:\n%s", r.stderr)
	}

	// A signal arrives while the second end is being answered.
	ctx, cancel := context.WithCancelCause(t.Context())
	ends := 0
	srv.OnRequest(func(req telnyxtest.Request) {
		if req.Method == http.MethodPost {
			if ends++; ends == 2 {
				cancel(signalError{syscall.SIGINT})
			}
		}
	})
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"end", "--active", "--yes"}, serverEnv(srv), strings.NewReader(""), &stdout, &stderr)
	if code != exitSIGINT {
		t.Errorf("exit status %d, want %d", code, exitSIGINT)
	}
	re := regexp.MustCompile(`interrupted by SIGINT: ended [12] of 5 sessions, then session \S+: end session \S+: no answer came \(.*\); it may have been applied`)
	if !re.MatchString(stderr.String()) {
		t.Errorf("interrupted:\n%s", stderr.String())
	}
	srv.OnRequest(nil)

	srv = newServer(t)
	for range 3 {
		srv.AddSession(telnyxtest.Session{Active: true})
	}
	r = runCLI(t, srv, "end", "--active", "--yes")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stderr, "ended 3 of 3 sessions") {
		t.Errorf("done:\n%s", r.stderr)
	}
}

// runWidth runs the program with stdout taken for a terminal width columns wide.
func runWidth(t *testing.T, srv *telnyxtest.Server, width int, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	a := newApp(serverEnv(srv), strings.NewReader(""), &stdout, &stderr)
	a.width = width
	code := a.run(t.Context(), args)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// TestNarrowTable checks that on an 80-column terminal list keeps ID, ACTIVE, CREATED
// and ENDED whole, that -o wide shows every column whatever the width, and
// --no-headers.
func TestNarrowTable(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.AddSession(telnyxtest.Session{Active: true})
	srv.AddSession(telnyxtest.Session{Active: false})

	r := runWidth(t, srv, 80, "list")
	wantCode(t, r, exitOK)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if got := strings.Fields(lines[0]); strings.Join(got, " ") != "ID ACTIVE CREATED ENDED" {
		t.Errorf("header at 80 columns: %q", lines[0])
	}
	for _, l := range lines {
		if displayWidth(l) > 80 || strings.Contains(l, "…") {
			t.Errorf("line cut or too wide at 80 columns: %q", l)
		}
	}
	if !regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d  \d{4}-\d\d-\d\d \d\d:\d\d$`).MatchString(lines[2]) &&
		!regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d  \d{4}-\d\d-\d\d \d\d:\d\d$`).MatchString(lines[1]) {
		t.Errorf("the ended session's times are not whole:\n%s", r.stdout)
	}

	r = runWidth(t, srv, 80, "list", "--participants")
	if got := strings.Fields(strings.SplitN(r.stdout, "\n", 2)[0]); strings.Join(got, " ") != "ID ACTIVE CREATED ENDED" {
		t.Errorf("header with --participants at 80 columns: %v", got)
	}
	r = runWidth(t, srv, 200, "list")
	if got := strings.Fields(strings.SplitN(r.stdout, "\n", 2)[0]); len(got) != len(sessionHeader) {
		t.Errorf("header at 200 columns: %v", got)
	}
	r = runWidth(t, srv, 80, "-o", "wide", "list")
	wantCode(t, r, exitOK)
	if got := strings.Fields(strings.SplitN(r.stdout, "\n", 2)[0]); strings.Join(got, " ") != strings.Join(sessionHeader, " ") {
		t.Errorf("-o wide header: %v", got)
	}
	if strings.Contains(r.stdout, "…") {
		t.Errorf("-o wide cut a line:\n%s", r.stdout)
	}
	r = runWidth(t, srv, 80, "--no-headers", "list")
	if strings.Contains(r.stdout, "ACTIVE") || strings.Count(r.stdout, "\n") != 3 {
		t.Errorf("--no-headers:\n%s", r.stdout)
	}
	meeting := seedMeeting(srv)
	r = runWidth(t, srv, 80, "participants", meeting.ID)
	wantCode(t, r, exitOK)
	if got := strings.Fields(strings.SplitN(r.stdout, "\n", 2)[0]); strings.Join(got, " ") != "ID CONTEXT JOINED" {
		t.Errorf("participants header at 80 columns: %v", got)
	}
}

// TestPlainHTTP checks --plain-http and $TELNYX_PLAIN_HTTP: a plain http:// base URL
// off loopback (0.0.0.0 reaches this host's listener) is refused without them.
func TestPlainHTTP(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	base := strings.Replace(srv.URL, "127.0.0.1", "0.0.0.0", 1)
	env := func(kv ...string) func(string) string {
		return envOf(append([]string{"TELNYX_BASE_URL", base, "TELNYX_API_KEY", srv.APIKey}, kv...)...)
	}
	r := runEnv(t, env(), "", "list")
	wantCode(t, r, exitUsage)
	if !strings.Contains(r.stderr, "unless --plain-http (or $TELNYX_PLAIN_HTTP) is given") || strings.Contains(r.stderr, "telnyx.With") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	wantCode(t, runEnv(t, env(), "", "--plain-http", "list"), exitOK)
	wantCode(t, runEnv(t, env("TELNYX_PLAIN_HTTP", "1"), "", "list"), exitOK)
	wantCode(t, runEnv(t, env("TELNYX_PLAIN_HTTP", "false"), "", "list"), exitUsage)
	r = runEnv(t, env("TELNYX_PLAIN_HTTP", "maybe"), "", "list")
	wantCode(t, r, exitUsage)
	if !strings.Contains(r.stderr, `$TELNYX_PLAIN_HTTP must be true or false (or 1, 0, yes, no), not "maybe"`) {
		t.Errorf("stderr:\n%s", r.stderr)
	}
}

// TestBaseURLWithoutV2 checks that a 404 from a base URL without /v2 says so.
func TestBaseURLWithoutV2(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	root := strings.TrimSuffix(srv.URL, "/v2")
	r := runEnv(t, envOf("TELNYX_BASE_URL", root, "TELNYX_API_KEY", srv.APIKey), "", "list")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "the base URL "+root+" has no /v2") || !strings.Contains(r.stderr, "try --base-url "+root+"/v2") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	r = runCLI(t, srv, "get", uuidA)
	if strings.Contains(r.stderr, "has no /v2") {
		t.Errorf("a 404 with /v2 got the hint:\n%s", r.stderr)
	}
}

// TestBareCommandPrintsHelp checks that roomsessions alone prints its help.
func TestBareCommandPrintsHelp(t *testing.T) {
	t.Parallel()
	r := runEnv(t, envOf(), "")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "Available Commands:") || !strings.Contains(r.stdout, "serve") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
}
