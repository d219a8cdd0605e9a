package telnyx_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// dialError is a transport whose every dial fails with err, as a resolver would.
func dialError(err error) *http.Transport {
	return &http.Transport{DialContext: func(context.Context, string, string) (net.Conn, error) {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: err}
	}}
}

// TestErrTransportClasses checks that every class of failure without an answer
// matches ErrTransport beside its cause, says how many attempts it made and names the
// path requested, and that the classes that cannot heal are not retried.
func TestErrTransportClasses(t *testing.T) {
	t.Parallel()
	errPolicy := errors.New("no redirects here")
	cases := []struct {
		name     string
		setup    func(t *testing.T) (base string, hc *http.Client)
		cause    func(err error) bool // the cause is still visible
		attempts int
	}{
		{"connection refused", func(t *testing.T) (string, *http.Client) {
			return closedAddr(t), nil
		}, func(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }, 3},
		{"host not found", func(t *testing.T) (string, *http.Client) {
			return "https://api.telnyx.invalid/v2", &http.Client{Transport: dialError(&net.DNSError{Err: "no such host", Name: "api.telnyx.invalid", IsNotFound: true})}
		}, func(err error) bool { e, ok := errors.AsType[*net.DNSError](err); return ok && e.IsNotFound }, 1},
		{"temporary DNS failure", func(t *testing.T) (string, *http.Client) {
			return "https://api.telnyx.com/v2", &http.Client{Transport: dialError(&net.DNSError{Err: "server misbehaving", Name: "api.telnyx.com", IsTemporary: true})}
		}, func(err error) bool { e, ok := errors.AsType[*net.DNSError](err); return ok && e.IsTemporary }, 3},
		{"DNS timeout", func(t *testing.T) (string, *http.Client) {
			return "https://api.telnyx.com/v2", &http.Client{Transport: dialError(&net.DNSError{Err: "i/o timeout", Name: "api.telnyx.com", IsTimeout: true})}
		}, func(err error) bool { e, ok := errors.AsType[*net.DNSError](err); return ok && e.IsTimeout }, 3},
		{"TLS certificate", func(t *testing.T) (string, *http.Client) {
			srv := httptest.NewUnstartedServer(http.HandlerFunc(writeOK))
			srv.Config.ErrorLog = discardLogger()
			srv.StartTLS()
			t.Cleanup(srv.Close)
			return srv.URL + "/v2", nil
		}, func(err error) bool { _, ok := errors.AsType[*tls.CertificateVerificationError](err); return ok }, 1},
		{"redirect loop", func(t *testing.T) (string, *http.Client) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, r.URL.Path, http.StatusFound)
			}))
			t.Cleanup(srv.Close)
			return srv.URL + "/v2", nil
		}, func(err error) bool { return strings.Contains(err.Error(), "redirects") }, 1},
		{"redirect refused by the caller's policy", func(t *testing.T) (string, *http.Client) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "/elsewhere", http.StatusFound)
			}))
			t.Cleanup(srv.Close)
			return srv.URL + "/v2", &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return errPolicy }}
		}, func(err error) bool { return errors.Is(err, errPolicy) }, 1},
		{"oversized headers", func(t *testing.T) (string, *http.Client) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Padding", strings.Repeat("x", 64<<10))
				writeOK(w, r)
			}))
			t.Cleanup(srv.Close)
			return srv.URL + "/v2", &http.Client{Transport: &http.Transport{MaxResponseHeaderBytes: 16 << 10}}
		}, func(err error) bool { return strings.Contains(err.Error(), "headers exceeded") }, 1},
		{"body cut off", func(t *testing.T) (string, *http.Client) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				cutBody(t, w, http.StatusOK, len(sessionOKBody), sessionOKBody[:40])
			}))
			t.Cleanup(srv.Close)
			return srv.URL + "/v2", nil
		}, func(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) }, 3},
		{"HTTP/2 stream reset", func(t *testing.T) (string, *http.Client) {
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
				panic(http.ErrAbortHandler) // RST_STREAM
			}))
			srv.EnableHTTP2 = true
			srv.Config.ErrorLog = discardLogger()
			srv.StartTLS()
			t.Cleanup(srv.Close)
			return srv.URL + "/v2", srv.Client()
		}, func(err error) bool { return strings.Contains(err.Error(), "stream error") }, 3},
		{"bare io.ErrUnexpectedEOF", func(t *testing.T) (string, *http.Client) {
			return "https://api.telnyx.com/v2", &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
				return nil, io.ErrUnexpectedEOF
			})}
		}, func(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) }, 3},
		{"the caller's transport refusing", func(t *testing.T) (string, *http.Client) {
			return "https://api.telnyx.com/v2", &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
				return nil, errPolicy
			})}
		}, func(err error) bool { return errors.Is(err, errPolicy) }, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			base, hc := tc.setup(t)
			opts := []telnyx.Option{telnyx.WithSleep(func(ctx context.Context, _ time.Duration) error { return ctx.Err() })}
			if hc != nil {
				opts = append(opts, telnyx.WithHTTPClient(hc))
			}
			c := newClientAt(t, base, opts...)
			_, err := c.RoomSessions.Get(t.Context(), sessionID, nil)
			if !errors.Is(err, telnyx.ErrTransport) {
				t.Fatalf("err = %v, want one matching ErrTransport", err)
			}
			if !tc.cause(err) {
				t.Errorf("err = %v: the cause is lost", err)
			}
			if _, ok := errors.AsType[*telnyx.Error](err); ok {
				t.Errorf("err is a *telnyx.Error: %v", err)
			}
			msg := err.Error()
			wantAttempts := "(3 attempts)"
			if tc.attempts == 1 {
				wantAttempts = "(1 attempt)"
			}
			if !strings.HasPrefix(msg, "telnyx: GET /room_sessions/{id} (/room_sessions/"+sessionID+"): ") || !strings.HasSuffix(msg, wantAttempts) {
				t.Errorf("Error() = %q, want the operation, the path requested and %s", msg, wantAttempts)
			}
		})
	}
}

// TestContextEndIsNotErrTransport checks that a cancelled or expired context, and an
// answer, do not match ErrTransport.
func TestContextEndIsNotErrTransport(t *testing.T) {
	t.Parallel()
	srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if strings.HasSuffix(r.URL.Path, "/actions/end") {
			writeAnswer(w, http.StatusNotFound, "r", notFoundBody)
			return
		}
		<-r.Context().Done() // answers nothing until the client leaves
	})
	c := srv.newClient(t)

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := c.RoomSessions.Get(ctx, sessionID, nil)
	if !errors.Is(err, context.Canceled) || errors.Is(err, telnyx.ErrTransport) {
		t.Errorf("cancelled: %v; want context.Canceled, not ErrTransport", err)
	}
	ctx, cancel = context.WithTimeout(t.Context(), time.Millisecond)
	defer cancel()
	_, err = c.RoomSessions.Get(ctx, sessionID, nil)
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, telnyx.ErrTransport) {
		t.Errorf("deadline: %v; want context.DeadlineExceeded, not ErrTransport", err)
	}
	err = c.RoomSessions.End(t.Context(), sessionID)
	if !errors.Is(err, telnyx.ErrNotFound) || errors.Is(err, telnyx.ErrTransport) {
		t.Errorf("404: %v; want ErrNotFound, not ErrTransport", err)
	}
}

// TestAttemptTimeoutIsErrTransport checks that the client's own attempt timeout, with
// the caller's context still alive, is a transport failure and a net.Error timeout, and
// does not read as the caller's deadline (context.DeadlineExceeded), which the README's
// switch tests first.
func TestAttemptTimeoutIsErrTransport(t *testing.T) {
	t.Parallel()
	srv := newRecordingServer(t, func(_ http.ResponseWriter, r *http.Request, _ int) { <-r.Context().Done() })
	c := srv.newClient(t, telnyx.WithTimeout(time.Millisecond), telnyx.WithMaxRetries(1))
	_, err := c.RoomSessions.Get(t.Context(), sessionID, nil)
	if !errors.Is(err, telnyx.ErrTransport) || errors.Is(err, context.DeadlineExceeded) || !strings.HasSuffix(err.Error(), "(2 attempts)") {
		t.Errorf("err = %v; want ErrTransport, not context.DeadlineExceeded, after 2 attempts", err)
	}
	if ne, ok := errors.AsType[net.Error](err); !ok || !ne.Timeout() {
		t.Errorf("err = %v; want a net.Error whose Timeout is true", err)
	}
	if got := classify(err); got != "no answer from the API" {
		t.Errorf("the README's switch says %q", got)
	}
}

// TestErrorNamesThePathRequested checks that API errors name the path requested beside
// the operation's template, which stays in Op for grouping.
func TestErrorNamesThePathRequested(t *testing.T) {
	t.Parallel()
	srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeAnswer(w, http.StatusNotFound, "req-1", notFoundBody)
	})
	c := srv.newClient(t)
	ctx := t.Context()
	upper := strings.ToUpper(sessionID)
	_, getErr := c.RoomSessions.Get(ctx, upper, nil)
	_, listErr := c.RoomSessions.List(ctx, nil)
	_, partErr := c.RoomSessions.Participants(ctx, sessionID, nil)
	muteErr := c.RoomSessions.Mute(ctx, sessionID, telnyx.AllParticipants())
	for _, tc := range []struct {
		err            error
		op, path, text string
	}{
		{getErr, "GET /room_sessions/{id}", "/room_sessions/" + sessionID, "telnyx: GET /room_sessions/{id} (/room_sessions/" + sessionID + "): 404 Not Found"},
		{listErr, "GET /room_sessions", "/room_sessions", "telnyx: GET /room_sessions: 404 Not Found"},
		{partErr, "GET /room_sessions/{id}/participants", "/room_sessions/" + sessionID + "/participants", "telnyx: GET /room_sessions/{id}/participants (/room_sessions/" + sessionID + "/participants): 404"},
		{muteErr, "POST /room_sessions/{id}/actions/mute", "/room_sessions/" + sessionID + "/actions/mute", "telnyx: POST /room_sessions/{id}/actions/mute (/room_sessions/" + sessionID + "/actions/mute): 404"},
	} {
		e := requireAPIError(t, tc.err)
		if e.Op != tc.op || e.Path != tc.path || !strings.HasPrefix(e.Error(), tc.text) {
			t.Errorf("Op %q, Path %q, Error() %q; want %q, %q, starting %q", e.Op, e.Path, e.Error(), tc.op, tc.path, tc.text)
		}
	}
}

// countingRoundTripper is a RoundTripper of another type than *http.Transport, as a
// program that wraps http.DefaultTransport installs.
type countingRoundTripper struct{ n atomic.Int64 }

func (c *countingRoundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

// TestNewTransportFromAnyDefault checks the construction of the default transport from
// http.DefaultTransport, whatever a program has put there (the global itself is not
// touched: the construction takes it as an argument).
func TestNewTransportFromAnyDefault(t *testing.T) {
	t.Parallel()
	wrapped := &countingRoundTripper{}
	if got := telnyx.NewTransport(wrapped); got != wrapped {
		t.Errorf("a wrapped default transport gives %T, want the wrapper itself", got)
	}
	base := &http.Transport{MaxIdleConnsPerHost: 2, TLSHandshakeTimeout: 7 * time.Second}
	got, ok := telnyx.NewTransport(base).(*http.Transport)
	if !ok || got == base || got.MaxIdleConnsPerHost != 64 || got.TLSHandshakeTimeout != 7*time.Second {
		t.Errorf("from an *http.Transport: %T %+v; want a tuned clone", got, got)
	}
	if base.MaxIdleConnsPerHost != 2 {
		t.Error("the base transport was modified")
	}
	var typedNil *http.Transport
	for _, b := range []http.RoundTripper{nil, typedNil} {
		if got, ok := telnyx.NewTransport(b).(*http.Transport); !ok || got == nil || got.MaxIdleConnsPerHost != 64 || got.Proxy == nil {
			t.Errorf("from %#v: %T %+v; want a tuned transport", b, got, got)
		}
	}
	// A client whose transport is a wrapper works through it.
	srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { writeOK(w, r) })
	c := srv.newClient(t, telnyx.WithHTTPClient(&http.Client{Transport: telnyx.NewTransport(wrapped)}))
	if _, err := c.RoomSessions.Get(t.Context(), sessionID, nil); err != nil || wrapped.n.Load() != 1 {
		t.Errorf("through the wrapper: %v, %d round trips", err, wrapped.n.Load())
	}
}

// TestPlainHTTPOption checks that WithPlainHTTP allows http:// to a host that is not
// loopback, and that requests then go there.
func TestPlainHTTPOption(t *testing.T) {
	t.Parallel()
	srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { writeOK(w, r) })
	const base = "http://fake:4010/v2" // a container's address, say
	if _, err := telnyx.NewClient(telnyx.WithAPIKey(testKey), telnyx.WithBaseURL(base)); !errors.Is(err, telnyx.ErrInvalidArgument) || !strings.Contains(err.Error(), "WithPlainHTTP") {
		t.Errorf("without WithPlainHTTP: %v; want ErrInvalidArgument pointing at WithPlainHTTP", err)
	}
	// "fake" resolves, in this test, to the recording server.
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, srv.Listener.Addr().String())
	}}}
	c, err := telnyx.NewClient(telnyx.WithAPIKey(testKey), telnyx.WithBaseURL(base), telnyx.WithPlainHTTP(), telnyx.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.RoomSessions.Get(t.Context(), sessionID, nil); err != nil {
		t.Fatal(err)
	}
	reqs := srv.requests()
	if len(reqs) != 1 || reqs[0].Path != "/v2/room_sessions/"+sessionID || reqs[0].Header.Get("Authorization") != "Bearer "+testKey {
		t.Errorf("requests %+v", reqs)
	}
	// Other rules still hold.
	for _, bad := range []string{"ftp://fake/v2", "http://user:pw@fake/v2"} {
		if _, err := telnyx.NewClient(telnyx.WithAPIKey(testKey), telnyx.WithBaseURL(bad), telnyx.WithPlainHTTP()); !errors.Is(err, telnyx.ErrInvalidArgument) {
			t.Errorf("%s with WithPlainHTTP: %v, want ErrInvalidArgument", bad, err)
		}
	}
}

// TestContextEndingDuringARetryWait checks the documented error of a call whose context
// ends while it waits to retry a transport failure: it wraps the context's error and the
// last attempt's cause, and, as the context ended it, does not match ErrTransport.
func TestContextEndingDuringARetryWait(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	clock := newFakeClock(testEpoch())
	clock.onWait = cancel
	c := newClientAt(t, closedAddr(t), telnyx.WithSleep(clock.Sleep))
	_, err := c.RoomSessions.Get(ctx, sessionID, nil)
	if !errors.Is(err, context.Canceled) || errors.Is(err, telnyx.ErrTransport) || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("err = %v; want context.Canceled and the refusal, not ErrTransport", err)
	}
	if !strings.Contains(err.Error(), "(1 attempt)") {
		t.Errorf("err = %v; want the attempt counted", err)
	}
}

// TestRefusedAnswersNameThePath checks that a 2xx answer the client refuses names the
// path requested beside the operation, like the other errors.
func TestRefusedAnswersNameThePath(t *testing.T) {
	t.Parallel()
	srv := telnyxtest.NewServer()
	t.Cleanup(srv.Close)
	s := srv.AddSession(telnyxtest.Session{Active: true})
	srv.Fail(telnyxtest.Fault{MalformedJSON: true, Times: 1})
	_, err := srv.Client().RoomSessions.Get(t.Context(), s.ID, nil)
	if !errors.Is(err, telnyx.ErrMalformedResponse) || !strings.Contains(err.Error(), "GET /room_sessions/{id} (/room_sessions/"+s.ID+"): ") {
		t.Errorf("err = %v; want ErrMalformedResponse naming the path", err)
	}
}

// TestIteratorErrorsNameThePath checks that an iterator's error about a page names the
// participants path requested, not only the operation's template.
func TestIteratorErrorsNameThePath(t *testing.T) {
	t.Parallel()
	rs := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeAnswer(w, http.StatusOK, "req-page", `{"data":[],"meta":{"page_number":7,"page_size":250,"total_pages":9,"total_results":2000}}`)
	})
	c := rs.newClient(t)
	var err error
	for _, err = range c.RoomSessions.AllParticipants(t.Context(), sessionID, nil) {
		if err != nil {
			break
		}
	}
	want := "GET /room_sessions/{id}/participants (/room_sessions/" + sessionID + "/participants): "
	if !errors.Is(err, telnyx.ErrMalformedResponse) || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v; want ErrMalformedResponse naming %q", err, want)
	}
}
