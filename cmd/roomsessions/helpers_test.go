package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// testKey is the key of the fakes the tests start: distinctive, so a leak is easy to find.
const testKey = "KEY_cli_test_0123456789abcdef"

// result is what one run of the program produced.
type result struct {
	code           int
	stdout, stderr string
}

// newServer starts a fake that accepts testKey and stops it when the test ends.
func newServer(t *testing.T, opts ...telnyxtest.Option) *telnyxtest.Server {
	t.Helper()
	srv := telnyxtest.NewServer(append([]telnyxtest.Option{telnyxtest.WithAPIKey(testKey)}, opts...)...)
	t.Cleanup(srv.Close)
	return srv
}

// envOf is an environment holding only the given variables.
func envOf(kv ...string) func(string) string {
	m := make(map[string]string)
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

// serverEnv points $TELNYX_BASE_URL and $TELNYX_API_KEY at srv.
func serverEnv(srv *telnyxtest.Server) func(string) string {
	return envOf("TELNYX_BASE_URL", srv.URL, "TELNYX_API_KEY", srv.APIKey)
}

// runCLI runs the program against srv (through the environment) with no stdin.
func runCLI(t *testing.T, srv *telnyxtest.Server, args ...string) result {
	t.Helper()
	return runEnv(t, serverEnv(srv), "", args...)
}

// runEnv runs the program with env and stdin.
func runEnv(t *testing.T, env func(string) string, stdin string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), args, env, strings.NewReader(stdin), &stdout, &stderr)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// wantCode fails the test unless r exited with code.
func wantCode(t *testing.T, r result, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
}

// decodeJSON parses s, which must be exactly one JSON document, into v.
func decodeJSON(t *testing.T, s string, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	if err := dec.Decode(v); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, s)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("output holds more than one JSON document:\n%s", s)
	}
}

// lastQuery returns the parsed query of the last request srv received.
func lastQuery(t *testing.T, srv *telnyxtest.Server) url.Values {
	t.Helper()
	reqs := srv.Requests()
	if len(reqs) == 0 {
		t.Fatal("the server received no request")
	}
	q, err := url.ParseQuery(reqs[len(reqs)-1].Query)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// day returns midnight UTC of the date s (YYYY-MM-DD) plus d.
func day(t *testing.T, s string, d time.Duration) time.Time {
	t.Helper()
	tm, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm.Add(d)
}

// lockedBuffer is a bytes.Buffer safe for concurrent writes and reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written so far.
func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// ownClient returns an HTTP client with a transport of the test's own: a parallel test
// closing an httptest.Server closes http.DefaultTransport's idle connections, which can
// break a request of http.DefaultClient that was about to reuse one.
func ownClient(t testing.TB) *http.Client {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}
