package telnyx_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// classify is the README's switch (section "Errors"), for the tests that check every
// failure lands in the class it expects.
func classify(err error) string {
	var apiErr *telnyx.Error
	switch {
	case errors.Is(err, telnyx.ErrNotFound): // also ErrUnauthorized, ErrForbidden, ErrRateLimited, ErrInvalidRequest, ErrServer
		return "no such session"
	case errors.As(err, &apiErr):
		return fmt.Sprintf("telnyx said %d %s (request %s)", apiErr.StatusCode, apiErr.Code(), apiErr.RequestID)
	case errors.Is(err, context.DeadlineExceeded): // failures without an answer wrap their cause
		return "timed out"
	case errors.Is(err, telnyx.ErrTransport): // no answer: connection, DNS, TLS, a body cut off...
		return "no answer from the API"
	}
	return "unclassified"
}

// endingCtx is a caller's context that the test ends from inside the transport, at the
// precise moment a failure happens, with the error it chooses (context.Canceled or
// context.DeadlineExceeded).
type endingCtx struct {
	context.Context
	once sync.Once
	done chan struct{}
	mu   sync.Mutex
	err  error
}

func newEndingCtx(parent context.Context) *endingCtx {
	return &endingCtx{Context: parent, done: make(chan struct{})}
}

func (c *endingCtx) Done() <-chan struct{} { return c.done }

func (c *endingCtx) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// end ends the context with err.
func (c *endingCtx) end(err error) {
	c.once.Do(func() {
		c.mu.Lock()
		c.err = err
		c.mu.Unlock()
		close(c.done)
	})
}

// failingTransport ends the caller's context (when ctx is set) and then fails as fail
// says: no answer at all, or a 200 whose body breaks off.
type failingTransport struct {
	ctx     *endingCtx
	ctxErr  error
	fail    error
	midBody bool
}

func (f *failingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if !f.midBody {
		if f.ctx != nil {
			f.ctx.end(f.ctxErr)
		}
		return nil, f.fail
	}
	body := &breakingBody{r: strings.NewReader(`{"data":{"id":"`), then: func() error {
		if f.ctx != nil {
			f.ctx.end(f.ctxErr)
		}
		return f.fail
	}}
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: body, Request: r}, nil
}

// breakingBody reads r, then fails with what then returns.
type breakingBody struct {
	r    io.Reader
	then func() error
}

func (b *breakingBody) Read(p []byte) (int, error) {
	if n, _ := b.r.Read(p); n > 0 {
		return n, nil
	}
	return 0, b.then()
}

func (b *breakingBody) Close() error { return nil }

// TestClassifyIsTheREADMEsSwitch keeps classify a copy of the README's switch: each of its
// cases and answers appears in README.md as written here.
func TestClassifyIsTheREADMEsSwitch(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("errclass_test.go")
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := strings.Cut(string(src), "func classify(err error) string {")
	body, _, _ = strings.Cut(body, "\n\treturn \"unclassified\"")
	n := 0
	for line := range strings.Lines(body) {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "case ") || strings.HasPrefix(line, "return ") {
			n++
			if !strings.Contains(string(readme), line) {
				t.Errorf("classify's line is not in README.md's switch: %s", line)
			}
		}
	}
	if n < 8 {
		t.Errorf("found %d case and return lines in classify, want the 4 cases and their answers", n)
	}
}

// TestFailuresLandInTheREADMEsClasses: a failure without an answer that coincides with
// the end of the caller's context matches the context's error (and keeps its cause);
// the same failure with the context alive matches ErrTransport, and so does an
// attempt's own timeout, which never reads as the caller's deadline.
func TestFailuresLandInTheREADMEsClasses(t *testing.T) {
	t.Parallel()
	reset := &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}
	h2 := errors.New("stream error: stream ID 3; INTERNAL_ERROR; received from peer")
	cases := []struct {
		name    string
		fail    error
		midBody bool
	}{
		{"a reset", reset, false},
		{"an unexpected EOF", io.ErrUnexpectedEOF, false},
		{"an HTTP/2 INTERNAL_ERROR", h2, false},
		{"a body cut off by a reset", reset, true},
		{"a body cut off by an unexpected EOF", io.ErrUnexpectedEOF, true},
		{"a body cut off by an HTTP/2 INTERNAL_ERROR", h2, true},
	}
	for _, tc := range cases {
		for _, end := range []error{nil, context.DeadlineExceeded, context.Canceled} {
			name := tc.name + ", the caller's context alive"
			if end != nil {
				name = tc.name + ", coinciding with " + end.Error()
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				ft := &failingTransport{fail: tc.fail, midBody: tc.midBody, ctxErr: end}
				ctx := context.Context(t.Context())
				if end != nil {
					ft.ctx = newEndingCtx(t.Context())
					ctx = ft.ctx
				}
				c, err := telnyx.NewClient(telnyx.WithAPIKey(testKey), telnyx.WithBaseURL("http://127.0.0.1:9/v2"),
					telnyx.WithHTTPClient(&http.Client{Transport: ft}), telnyx.WithMaxRetries(0))
				if err != nil {
					t.Fatal(err)
				}
				_, err = c.RoomSessions.Get(ctx, sessionID, nil)
				if !errors.Is(err, tc.fail) {
					t.Errorf("err = %v; its cause is lost", err)
				}
				switch end {
				case nil:
					if !errors.Is(err, telnyx.ErrTransport) || errors.Is(err, context.DeadlineExceeded) || classify(err) != "no answer from the API" {
						t.Errorf("err = %v (%s); want ErrTransport only", err, classify(err))
					}
				case context.DeadlineExceeded:
					if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, telnyx.ErrTransport) || classify(err) != "timed out" {
						t.Errorf("err = %v (%s); want the caller's deadline, not ErrTransport", err, classify(err))
					}
				case context.Canceled:
					if !errors.Is(err, context.Canceled) || errors.Is(err, telnyx.ErrTransport) {
						t.Errorf("err = %v; want context.Canceled, not ErrTransport", err)
					}
				}
			})
		}
	}
}

// TestAttemptTimeoutIsNotTheCallersDeadline: with an attempt limit shorter than the
// caller's deadline, an attempt that runs out reads as "no answer", not "timed out",
// and the caller's own deadline, when it comes first, reads as "timed out".
func TestAttemptTimeoutIsNotTheCallersDeadline(t *testing.T) {
	t.Parallel()
	hold := http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { hold(w, r) })
	// The attempt's own limit, expired at once by the injected bound.
	expired := func(ctx context.Context, _ time.Duration) (context.Context, context.CancelFunc) {
		return context.WithDeadline(ctx, time.Unix(0, 0))
	}
	c := srv.newClient(t, telnyx.WithTimeout(time.Hour), telnyx.WithAttemptContext(expired), telnyx.WithMaxRetries(0))
	_, err := c.RoomSessions.Get(t.Context(), sessionID, nil)
	if classify(err) != "no answer from the API" || errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "attempt timed out after 1h0m0s") {
		t.Errorf("the attempt's own timeout: %v (%s)", err, classify(err))
	}
	// The caller's deadline, already past: "timed out".
	ctx, cancel := context.WithDeadline(t.Context(), time.Unix(0, 0))
	defer cancel()
	_, err = srv.newClient(t, telnyx.WithMaxRetries(0)).RoomSessions.Get(ctx, sessionID, nil)
	if classify(err) != "timed out" || errors.Is(err, telnyx.ErrTransport) {
		t.Errorf("the caller's deadline: %v (%s)", err, classify(err))
	}
}
