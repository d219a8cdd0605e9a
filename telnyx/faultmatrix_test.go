package telnyx_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

var updateREADME = flag.Bool("update", false, "rewrite the fault matrix in ../README.md")

// matrixOp is one of the seven operations, run against a seeded session.
type matrixOp struct {
	name string
	call func(ctx context.Context, c *telnyx.Client, sessionID, participantID string) error
}

var matrixOps = []matrixOp{
	{"List", func(ctx context.Context, c *telnyx.Client, _, _ string) error {
		_, err := c.RoomSessions.List(ctx, nil)
		return err
	}},
	{"Get", func(ctx context.Context, c *telnyx.Client, id, _ string) error {
		_, err := c.RoomSessions.Get(ctx, id, &telnyx.GetRoomSessionParams{IncludeParticipants: true})
		return err
	}},
	{"Participants", func(ctx context.Context, c *telnyx.Client, id, _ string) error {
		_, err := c.RoomSessions.Participants(ctx, id, nil)
		return err
	}},
	{"End", func(ctx context.Context, c *telnyx.Client, id, _ string) error { return c.RoomSessions.End(ctx, id) }},
	{"Kick", func(ctx context.Context, c *telnyx.Client, id, p string) error {
		return c.RoomSessions.Kick(ctx, id, telnyx.Participants(p))
	}},
	{"Mute", func(ctx context.Context, c *telnyx.Client, id, p string) error {
		return c.RoomSessions.Mute(ctx, id, telnyx.AllParticipants().Except(p))
	}},
	{"Unmute", func(ctx context.Context, c *telnyx.Client, id, _ string) error {
		return c.RoomSessions.Unmute(ctx, id, telnyx.AllParticipants())
	}},
}

// matrixFault is one row of the matrix: a fault and what every operation should make of it.
type matrixFault struct {
	name    string
	fault   telnyxtest.Fault // the first matching request gets it (Times: 1) unless always
	always  bool             // every request gets it
	refused bool             // no server at all
	held    bool             // the attempt timeout ends an attempt once the fake holds it
	opts    []telnyx.Option
	reads   string // expected outcome of List, Get, Participants: "ok" or the sentinel
	actions string // expected outcome of End, Kick, Mute, Unmute
	tries   [2]int // attempts for reads and actions
	delay   time.Duration
}

func faultRows() []matrixFault {
	huge := strings.Repeat(" ", 1<<20+1) // over the cap of 1 MiB the row sets
	html := "<html><body><h1>502 Bad Gateway</h1></body></html>"
	return []matrixFault{
		{name: "connection refused", refused: true, reads: "connection refused", actions: "connection refused", tries: [2]int{3, 3}, delay: 250 * time.Millisecond},
		{name: "reset before the response", fault: telnyxtest.Fault{Cut: telnyxtest.CutBeforeResponse}, reads: "ok", actions: "ok", tries: [2]int{2, 2}, delay: 250 * time.Millisecond},
		{name: "reset mid-body", fault: telnyxtest.Fault{Cut: telnyxtest.CutMidBody}, reads: "ok", actions: "ok", tries: [2]int{2, 1}, delay: 250 * time.Millisecond},
		{name: "500", fault: telnyxtest.Fault{Status: 500}, reads: "ok", actions: "ok", tries: [2]int{2, 2}, delay: 250 * time.Millisecond},
		{name: "502 with an HTML body", fault: telnyxtest.Fault{Status: 502, Body: html, Header: http.Header{"Content-Type": {"text/html"}}}, reads: "ok", actions: "ok", tries: [2]int{2, 2}, delay: 250 * time.Millisecond},
		{name: "503 with Retry-After: 1", fault: telnyxtest.Fault{Status: 503, Header: http.Header{"Retry-After": {"1"}}}, reads: "ok", actions: "ok", tries: [2]int{2, 2}, delay: time.Second},
		{name: "429 with x-ratelimit-reset: 2", fault: telnyxtest.Fault{Status: 429, Header: http.Header{"X-Ratelimit-Reset": {"2"}}}, reads: "ok", actions: "ok", tries: [2]int{2, 2}, delay: 2 * time.Second},
		{name: "408", fault: telnyxtest.Fault{Status: 408}, reads: "ok", actions: "ok", tries: [2]int{2, 2}, delay: 250 * time.Millisecond},
		{name: "headers slower than the attempt timeout", fault: telnyxtest.Fault{Latency: time.Minute}, held: true, opts: []telnyx.Option{telnyx.WithTimeout(100 * time.Millisecond)}, reads: "ok", actions: "ok", tries: [2]int{2, 2}, delay: 250 * time.Millisecond},
		{name: "truncated JSON", fault: telnyxtest.Fault{MalformedJSON: true}, reads: "ErrMalformedResponse", actions: "ok", tries: [2]int{1, 1}},
		{name: "body over the cap", fault: telnyxtest.Fault{Status: 200, Body: huge}, opts: []telnyx.Option{telnyx.WithMaxBody(1 << 20)}, reads: "ErrResponseTooLarge", actions: "ok", tries: [2]int{1, 1}},
		{name: "401", fault: telnyxtest.Fault{Status: 401}, always: true, reads: "ErrUnauthorized", actions: "ErrUnauthorized", tries: [2]int{1, 1}},
		{name: "404", fault: telnyxtest.Fault{Status: 404}, always: true, reads: "ErrNotFound", actions: "ErrNotFound", tries: [2]int{1, 1}},
		{name: "422", fault: telnyxtest.Fault{Status: 422}, always: true, reads: "ErrInvalidRequest", actions: "ErrInvalidRequest", tries: [2]int{1, 1}},
		{name: "500 on every attempt", fault: telnyxtest.Fault{Status: 500}, always: true, reads: "ErrServer", actions: "ErrServer", tries: [2]int{3, 3}, delay: 250 * time.Millisecond},
	}
}

// outcomeOf names what a call returned, for the matrix.
func outcomeOf(err error) string {
	for _, s := range []struct {
		err  error
		name string
	}{
		{telnyx.ErrUnauthorized, "ErrUnauthorized"}, {telnyx.ErrNotFound, "ErrNotFound"},
		{telnyx.ErrInvalidRequest, "ErrInvalidRequest"}, {telnyx.ErrRateLimited, "ErrRateLimited"},
		{telnyx.ErrServer, "ErrServer"}, {telnyx.ErrMalformedResponse, "ErrMalformedResponse"},
		{telnyx.ErrResponseTooLarge, "ErrResponseTooLarge"}, {syscall.ECONNREFUSED, "connection refused"},
		{context.DeadlineExceeded, "timeout"},
	} {
		if errors.Is(err, s.err) {
			return s.name
		}
	}
	if err == nil {
		return "ok"
	}
	return "error: " + err.Error()
}

// connCounter counts a server's open connections and lets a test wait for zero.
type connCounter struct {
	mu      sync.Mutex
	open    int
	total   int
	changed chan struct{}
}

func newConnCounter() *connCounter { return &connCounter{changed: make(chan struct{}, 1)} }

func (cc *connCounter) track(_ net.Conn, state http.ConnState) {
	cc.mu.Lock()
	switch state {
	case http.StateNew:
		cc.open++
		cc.total++
	case http.StateClosed, http.StateHijacked:
		cc.open--
	}
	cc.mu.Unlock()
	select {
	case cc.changed <- struct{}{}:
	default:
	}
}

// waitClosed waits, event by event, until no connection is open or ctx ends.
func (cc *connCounter) waitClosed(ctx context.Context) (open int) {
	for {
		cc.mu.Lock()
		open = cc.open
		cc.mu.Unlock()
		if open <= 0 {
			return open
		}
		select {
		case <-cc.changed:
		case <-ctx.Done():
			return open
		}
	}
}

// countHandler counts slog records by message.
type countHandler struct {
	mu     sync.Mutex
	counts map[string]int
	text   bytes.Buffer
}

func (h *countHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *countHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.counts[r.Message]++
	h.text.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool { fmt.Fprintf(&h.text, " %s=%v", a.Key, a.Value); return true })
	h.text.WriteString("\n")
	return nil
}
func (h *countHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *countHandler) WithGroup(string) slog.Handler      { return h }

func (h *countHandler) count(msg string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.counts[msg]
}

// TestFaultMatrix runs each of the seven operations against each fault, through the
// fake, and checks the outcome, the attempts, the wait asked for, the elapsed time,
// that no connection stays open and no goroutine is left behind. The matrix is printed
// in README.md (go test ./telnyx -run TestFaultMatrix -update rewrites it).
func TestFaultMatrix(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	rows := faultRows()
	cells := make([][]string, len(rows))
	for i, row := range rows {
		cells[i] = make([]string, len(matrixOps))
		for j, op := range matrixOps {
			t.Run(row.name+"/"+op.name, func(t *testing.T) {
				cells[i][j] = runMatrixCell(t, row, op, j >= 3)
			})
		}
	}
	checkREADMEMatrix(t, renderMatrix(rows, cells))
}

func runMatrixCell(t *testing.T, row matrixFault, op matrixOp, action bool) string {
	h, state := telnyxtest.NewHandler()
	sess := state.AddSession(telnyxtest.Session{Active: true, Participants: []telnyxtest.Participant{{Context: "Alice"}, {Context: "Bob"}}})
	conns := newConnCounter()
	arrived := make(chan struct{}, 1) // the first request reached the fake and matched its fault
	firstDone := make(chan struct{})  // the fake has recorded and answered the first request
	var first atomic.Bool
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if first.CompareAndSwap(false, true) {
			defer close(firstDone)
			// Signal once the fake has recorded the request, and so matched it with the
			// fault (both under one lock): signalled any earlier, the attempt could end and
			// its retry reach the fake first, taking the one-time fault and its minute.
			go func() {
				for len(state.Requests()) == 0 {
					time.Sleep(time.Millisecond)
				}
				arrived <- struct{}{}
			}()
		}
		h.ServeHTTP(w, r)
	}))
	srv.Config.ConnState = conns.track
	srv.Start()
	base := srv.URL + "/v2"
	if row.refused {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		base = "http://" + ln.Addr().String() + "/v2"
		_ = ln.Close()
	} else {
		f := row.fault
		if !row.always {
			f.Times = 1
		}
		state.Fail(f)
	}

	tr := &http.Transport{MaxIdleConnsPerHost: 4}
	logs := &countHandler{counts: map[string]int{}}
	var mu sync.Mutex
	var delays []time.Duration
	opts := append([]telnyx.Option{
		telnyx.WithAPIKey(telnyxtest.DefaultAPIKey), telnyx.WithBaseURL(base),
		telnyx.WithHTTPClient(&http.Client{Transport: tr}), telnyx.WithLogger(slog.New(logs)),
		telnyx.WithJitter(func() float64 { return 0 }),
		telnyx.WithSleep(func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			delays = append(delays, d)
			mu.Unlock()
			return ctx.Err()
		}),
	}, row.opts...)
	if row.held {
		// The attempt's deadline passes once the fake holds the request, not after a
		// real delay a loaded machine could spend before the request even arrives.
		opts = append(opts, telnyx.WithAttemptContext(expireOn(arrived)))
	}
	c, err := telnyx.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	err = op.call(t.Context(), c, sess.ID, sess.Participants[0].ID)
	elapsed := time.Since(start)

	want, wantTries := row.reads, row.tries[0]
	if action {
		want, wantTries = row.actions, row.tries[1]
	}
	got := outcomeOf(err)
	tries := logs.count("telnyx: attempt")
	if got != want || tries != wantTries {
		t.Errorf("%s after %d attempts, want %s after %d\nerr: %v\nlog:\n%s", got, tries, want, wantTries, err, logs.text.String())
	}
	var apiErr *telnyx.Error
	if errors.As(err, &apiErr) && apiErr.Attempts != tries {
		t.Errorf("Error.Attempts = %d, the log shows %d", apiErr.Attempts, tries)
	}
	if !row.refused {
		if row.held {
			<-firstDone // its handler may still be running when the call has returned
		}
		if n := len(state.Requests()); n != tries {
			t.Errorf("the fake saw %d requests, the client made %d attempts", n, tries)
		}
	}
	if tries > 1 && (len(delays) != tries-1 || delays[0] != row.delay) {
		t.Errorf("waits %v, want %d of %v", delays, tries-1, row.delay)
	}
	if bound := 10 * time.Second; elapsed > bound { // a held minute, not load: waits are injected
		t.Errorf("took %v, want under %v (waits are injected)", elapsed, bound)
	}

	tr.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if open := conns.waitClosed(ctx); open != 0 {
		t.Errorf("%d connections still open on the server", open)
	}
	srv.Close()

	if got == "ok" {
		return fmt.Sprintf("ok (%d)", tries)
	}
	return fmt.Sprintf("%s (%d)", got, tries)
}

// expireOn returns an attempt bound whose deadline passes when signal receives, once
// for all the attempts it bounds; until then the attempt runs unbounded.
func expireOn(signal <-chan struct{}) func(context.Context, time.Duration) (context.Context, context.CancelFunc) {
	return func(ctx context.Context, _ time.Duration) (context.Context, context.CancelFunc) {
		actx, cancel := context.WithCancelCause(ctx)
		go func() {
			select {
			case <-signal:
				cancel(context.DeadlineExceeded)
			case <-actx.Done():
			}
		}()
		return deadlineContext{actx}, func() { cancel(context.Canceled) }
	}
}

// deadlineContext reports a cancellation whose cause is context.DeadlineExceeded as
// an expired deadline, as a context from context.WithTimeout would.
type deadlineContext struct{ context.Context }

// Err returns context.DeadlineExceeded once the cause says so.
func (c deadlineContext) Err() error {
	if err := c.Context.Err(); err != nil && errors.Is(context.Cause(c.Context), context.DeadlineExceeded) {
		return context.DeadlineExceeded
	}
	return c.Context.Err()
}

const (
	matrixStart = "<!-- fault-matrix:start -->"
	matrixEnd   = "<!-- fault-matrix:end -->"
)

func renderMatrix(rows []matrixFault, cells [][]string) string {
	var b strings.Builder
	b.WriteString("| fault | wait before retry |")
	for _, op := range matrixOps {
		b.WriteString(" " + op.name + " |")
	}
	b.WriteString("\n|---|---|" + strings.Repeat("---|", len(matrixOps)) + "\n")
	for i, row := range rows {
		wait := "-"
		if row.delay > 0 {
			wait = row.delay.String()
		}
		fmt.Fprintf(&b, "| %s | %s |", row.name, wait)
		for _, c := range cells[i] {
			b.WriteString(" " + c + " |")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// checkREADMEMatrix compares the matrix with the one in README.md, or rewrites it with -update.
func checkREADMEMatrix(t *testing.T, table string) {
	t.Helper()
	const path = "../README.md"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read README: %v", err)
	}
	before, rest, ok1 := strings.Cut(string(data), matrixStart+"\n")
	current, after, ok2 := strings.Cut(rest, matrixEnd)
	if !ok1 || !ok2 {
		t.Fatalf("README.md has no %s ... %s section", matrixStart, matrixEnd)
	}
	if current == table {
		return
	}
	if !*updateREADME {
		t.Errorf("README.md's fault matrix is stale; run go test ./telnyx -run TestFaultMatrix -update\nwant:\n%s", table)
		return
	}
	if err := os.WriteFile(path, []byte(before+matrixStart+"\n"+table+matrixEnd+after), 0o644); err != nil {
		t.Fatal(err)
	}
}
