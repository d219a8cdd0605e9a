package telnyx_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// getVia makes one Get through a client built from opts and returns what the server saw.
func getVia(t *testing.T, ws *recordingServer, opts ...telnyx.Option) recordedRequest {
	t.Helper()
	c, err := telnyx.NewClient(opts...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	if _, err := c.RoomSessions.Get(t.Context(), sessionID, nil); err != nil {
		t.Fatalf("Get: %v", err)
	}
	reqs := ws.requests()
	return reqs[len(reqs)-1]
}

func TestAPIKeyFromOptionAndEnvironment(t *testing.T) {
	ws := startWire(t, answerJSON(http.StatusOK, `{"data":`+sessionJSON+`}`))
	t.Setenv(telnyx.EnvBaseURL, ws.URL+"/v2")

	t.Setenv(telnyx.EnvAPIKey, "KEY-from-env")
	if got := getVia(t, ws).Header.Get("Authorization"); got != "Bearer KEY-from-env" {
		t.Errorf("env key: Authorization = %q", got)
	}
	if got := getVia(t, ws, telnyx.WithAPIKey("KEY-from-option")).Header.Get("Authorization"); got != "Bearer KEY-from-option" {
		t.Errorf("option key: Authorization = %q, want the option to win", got)
	}

	t.Setenv(telnyx.EnvAPIKey, "")
	before := len(ws.requests())
	_, err := telnyx.NewClient()
	if !errors.Is(err, telnyx.ErrNoAPIKey) {
		t.Fatalf("no key: err = %v, want ErrNoAPIKey", err)
	}
	if !strings.Contains(err.Error(), telnyx.EnvAPIKey) {
		t.Errorf("no key error %q does not say how to set one", err)
	}
	if _, err := telnyx.NewClient(telnyx.WithAPIKey("")); !errors.Is(err, telnyx.ErrNoAPIKey) {
		t.Errorf("empty WithAPIKey: err = %v, want ErrNoAPIKey", err)
	}
	if n := len(ws.requests()); n != before {
		t.Errorf("%d requests sent without a key", n-before)
	}
}

func TestBaseURLFromOptionEnvironmentAndDefault(t *testing.T) {
	ws := startWire(t, answerJSON(http.StatusOK, `{"data":`+sessionJSON+`}`))
	t.Setenv(telnyx.EnvAPIKey, testKey)
	want := "/v2/room_sessions/" + sessionID

	for _, base := range []string{ws.URL + "/v2", ws.URL + "/v2/", ws.URL + "/v2//"} {
		if got := getVia(t, ws, telnyx.WithBaseURL(base)).Path; got != want {
			t.Errorf("WithBaseURL(%q): path %q, want %q", base, got, want)
		}
	}
	t.Setenv(telnyx.EnvBaseURL, ws.URL+"/v2/")
	if got := getVia(t, ws).Path; got != want {
		t.Errorf("$%s: path %q, want %q", telnyx.EnvBaseURL, got, want)
	}
	// The option wins over the environment.
	t.Setenv(telnyx.EnvBaseURL, "http://127.0.0.1:1/elsewhere")
	if got := getVia(t, ws, telnyx.WithBaseURL(ws.URL+"/v2")).Path; got != want {
		t.Errorf("option over env: path %q", got)
	}

	// The default is the public API: observe it through a transport that answers locally.
	t.Setenv(telnyx.EnvBaseURL, "")
	var seen string
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		seen = r.URL.String()
		return ws.Client().Transport.RoundTrip(mustRewrite(t, r, ws.URL))
	})}
	getVia(t, ws, telnyx.WithHTTPClient(hc))
	if seen != telnyx.DefaultBaseURL+"/room_sessions/"+sessionID {
		t.Errorf("default base URL: request went to %q", seen)
	}
}

// roundTripFunc adapts a function to http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// mustRewrite sends r to base instead, keeping its path and query.
func mustRewrite(t *testing.T, r *http.Request, base string) *http.Request {
	r2 := r.Clone(r.Context())
	u, err := r.URL.Parse(base + "/v2" + strings.TrimPrefix(r.URL.Path, "/v2"))
	if err != nil {
		t.Error(err)
	}
	u.RawQuery = r.URL.RawQuery
	r2.URL, r2.Host = u, u.Host
	return r2
}

func TestUserAgent(t *testing.T) {
	t.Parallel()
	ws := startWire(t, answerJSON(http.StatusOK, `{"data":`+sessionJSON+`}`))
	plain := getVia(t, ws, telnyx.WithAPIKey(testKey), telnyx.WithBaseURL(ws.URL+"/v2"))
	if got, want := plain.Header.Get("User-Agent"), "roomsessions-go/"+telnyx.Version; got != want {
		t.Errorf("User-Agent = %q, want %q", got, want)
	}
	custom := getVia(t, ws, telnyx.WithAPIKey(testKey), telnyx.WithBaseURL(ws.URL+"/v2"), telnyx.WithUserAgent("ops-bot/2"))
	if got, want := custom.Header.Get("User-Agent"), "roomsessions-go/"+telnyx.Version+" ops-bot/2"; got != want {
		t.Errorf("User-Agent = %q, want %q", got, want)
	}
}

func TestBadOptionsAreRejected(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		opt  telnyx.Option
		arg  string // named in the error
	}{
		{"negative retries", telnyx.WithMaxRetries(-1), "max retries"},
		{"negative timeout", telnyx.WithTimeout(-time.Second), "timeout"},
		{"unparsable base url", telnyx.WithBaseURL("http://[::1"), "base url"},
		{"relative base url", telnyx.WithBaseURL("/v2"), "base url"},
		{"ftp base url", telnyx.WithBaseURL("ftp://api.telnyx.com/v2"), "base url"},
		{"plain http to a remote host", telnyx.WithBaseURL("http://api.telnyx.com/v2"), "base url"},
		{"credentials in the base url", telnyx.WithBaseURL("https://user:pw@api.telnyx.com/v2"), "base url"},
		{"query in the base url", telnyx.WithBaseURL("https://api.telnyx.com/v2?x=1"), "base url"},
		{"space in the base url's host", telnyx.WithBaseURL("https://api telnyx.com/v2"), "base url"},
		{"space in the base url's path", telnyx.WithBaseURL("https://api.telnyx.com/v 2"), "base url"},
		{"leading space in the base url", telnyx.WithBaseURL(" https://api.telnyx.com/v2"), "base url"},
		{"trailing newline in the base url", telnyx.WithBaseURL("https://api.telnyx.com/v2\n"), "base url"},
		{"tab in the base url", telnyx.WithBaseURL("https://api.telnyx.com/\tv2"), "base url"},
		{"NUL in the base url", telnyx.WithBaseURL("https://api.telnyx.com/v2\x00"), "base url"},
		{"DEL in the base url", telnyx.WithBaseURL("https://api.telnyx.com/v2\x7f"), "base url"},
		{"nil http client", telnyx.WithHTTPClient(nil), "http client"},
		{"key with a newline", telnyx.WithAPIKey("KEY\nInjected: yes"), "api key"},
		{"one-byte key", telnyx.WithAPIKey("k"), "WithAPIKey"},
		{"seven-byte key", telnyx.WithAPIKey("KEY_Inj"), "WithAPIKey"},
		{"user agent with a newline", telnyx.WithUserAgent("a\r\nb"), "user agent"},
		{"nil option", nil, "option"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := telnyx.NewClient(telnyx.WithAPIKey(testKey), tc.opt)
			if !errors.Is(err, telnyx.ErrInvalidArgument) {
				t.Fatalf("err = %v, want ErrInvalidArgument", err)
			}
			if !strings.Contains(err.Error(), tc.arg) {
				t.Errorf("error %q does not name %q", err, tc.arg)
			}
			if strings.Contains(err.Error(), "Inj") {
				t.Errorf("error %q echoes the key", err)
			}
		})
	}
}

func TestPlainHTTPAllowedOnlyToLoopback(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"http://127.0.0.1:4010/v2", "http://localhost:4010/v2", "http://[::1]:4010/v2", "https://api.telnyx.com/v2", "https://example.com:8443/telnyx/v2"} {
		if _, err := telnyx.NewClient(telnyx.WithAPIKey(testKey), telnyx.WithBaseURL(base)); err != nil {
			t.Errorf("%s rejected: %v", base, err)
		}
	}
	for _, base := range []string{"http://10.0.0.1/v2", "http://api.telnyx.com/v2", "http://localhost.evil.com/v2"} {
		if _, err := telnyx.NewClient(telnyx.WithAPIKey(testKey), telnyx.WithBaseURL(base)); !errors.Is(err, telnyx.ErrInvalidArgument) {
			t.Errorf("%s accepted, want ErrInvalidArgument (err %v)", base, err)
		}
	}
}

func TestCallerHTTPClientIsUsedNotMutated(t *testing.T) {
	t.Parallel()
	ws := startWire(t, answerJSON(http.StatusOK, `{"data":`+sessionJSON+`}`))
	var used int
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		used++
		return http.DefaultTransport.RoundTrip(r)
	})}
	getVia(t, ws, telnyx.WithAPIKey(testKey), telnyx.WithBaseURL(ws.URL+"/v2"), telnyx.WithHTTPClient(hc))
	if used != 1 {
		t.Errorf("caller's transport used %d times, want 1", used)
	}
	if hc.CheckRedirect != nil || hc.Timeout != 0 || hc.Jar != nil {
		t.Errorf("caller's client was mutated: %+v", hc)
	}
}

func TestClientStringHidesTheKey(t *testing.T) {
	t.Parallel()
	c, err := telnyx.NewClient(telnyx.WithAPIKey("KEY-very-secret-77"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{c.String(), fmtAll(c), fmtAll(*c), fmtAll(c.RoomSessions)} {
		if strings.Contains(s, "KEY-very-secret-77") {
			t.Errorf("client formatting shows the key: %s", s)
		}
	}
}

func TestEmptyBaseURLFallsBackToTheEnvironment(t *testing.T) {
	ws := startWire(t, answerJSON(http.StatusOK, `{"data":`+sessionJSON+`}`))
	t.Setenv(telnyx.EnvBaseURL, ws.URL+"/v2")
	if got := getVia(t, ws, telnyx.WithAPIKey(testKey), telnyx.WithBaseURL("")).Path; got != "/v2/room_sessions/"+sessionID {
		t.Errorf("WithBaseURL(\"\") with $%s set: path %q", telnyx.EnvBaseURL, got)
	}
}

func TestControlCharactersInTheUserAgentAreRejected(t *testing.T) {
	t.Parallel()
	for _, ua := range []string{"app\x00/1", "app\t1", "a\x7fb", "x\ny"} {
		if _, err := telnyx.NewClient(telnyx.WithAPIKey(testKey), telnyx.WithUserAgent(ua)); !errors.Is(err, telnyx.ErrInvalidArgument) {
			t.Errorf("WithUserAgent(%q): err = %v, want ErrInvalidArgument", ua, err)
		}
	}
}

func TestUnretryableTransportErrorsAreNotRetried(t *testing.T) {
	t.Parallel()
	calls := 0
	refuse := errors.New("proxy says no")
	hc := &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
		calls++
		return nil, refuse
	})}
	c, err := telnyx.NewClient(telnyx.WithAPIKey(testKey), telnyx.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.RoomSessions.Get(t.Context(), sessionID, nil); !errors.Is(err, refuse) || calls != 1 {
		t.Errorf("err %v after %d calls, want the transport's error after 1", err, calls)
	}
}

// timeoutError is a net.Error that timed out, like net/http's TLS handshake timeout.
type timeoutError struct{}

func (timeoutError) Error() string   { return "net/http: TLS handshake timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

func TestTransientTransportErrorsAreRetried(t *testing.T) {
	t.Parallel()
	for _, transient := range []error{
		timeoutError{},
		errors.New("http: server closed idle connection"),
		errors.New("http2: client connection lost"),
		errors.New("stream error: stream ID 3; INTERNAL_ERROR; received from peer"),
		io.ErrUnexpectedEOF,
		syscall.ECONNRESET,
	} {
		calls := 0
		hc := &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
			calls++
			return nil, transient
		})}
		c, err := telnyx.NewClient(telnyx.WithAPIKey(testKey), telnyx.WithHTTPClient(hc),
			telnyx.WithSleep(func(context.Context, time.Duration) error { return nil }))
		if err != nil {
			t.Fatal(err)
		}
		err = c.RoomSessions.End(t.Context(), sessionID)
		if calls != 3 || !errors.Is(err, transient) {
			t.Errorf("%v: %d calls, err %v; want 3 attempts", transient, calls, err)
		}
	}
}
