package telnyx_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// Helpers shared by errors_test.go, retry_test.go and connections_test.go (and free
// for any other test of the package to reuse).

// Fixed UUIDs for the tests of this file's users.
// testKey is the API key of every test: distinctive, so that a leak anywhere is found
// by a plain substring search.
const testKey = "KEY01-test-zq7x-DO-NOT-LEAK"

// sessionOKBody is a 200 answer to GET /room_sessions/{sessionID}. The trailing
// newline (as json.Encoder writes it) must be drained for the connection to be reused.
const sessionOKBody = `{"data":{"id":"` + sessionID + `","room_id":"` + roomID + `","active":true,` +
	`"created_at":"2021-04-16T09:46:20.954863Z","updated_at":"2021-04-16T09:50:20.954863Z",` +
	`"record_type":"room_session"}}` + "\n"

// listOKBody is a 200 answer to GET /room_sessions: one session on the only page.
const listOKBody = `{"data":[{"id":"` + sessionID + `","room_id":"` + roomID + `","active":true,` +
	`"created_at":"2021-04-16T09:46:20.954863Z","updated_at":"2021-04-16T09:50:20.954863Z",` +
	`"record_type":"room_session"}],` +
	`"meta":{"page_number":1,"page_size":20,"total_pages":1,"total_results":1}}` + "\n"

// actionOKBody is a 200 answer to the four actions.
const actionOKBody = `{"data":{"result":"ok"}}` + "\n"

// notFoundBody is the Telnyx error envelope of a 404 for an unknown session.
const notFoundBody = `{"errors":[{"code":"10005","title":"Resource not found",` +
	`"detail":"The requested resource or URL could not be found.",` +
	`"source":{"pointer":"/room_session_id"},` +
	`"meta":{"url":"https://developers.telnyx.com/docs/overview/errors/10005"}}]}` + "\n"

// recordedRequest is what a recordingServer received.
type recordedRequest struct {
	Method, Path, RawQuery, Body string
	Header                       http.Header
}

// numberedHandler answers request number n (1-based, in arrival order).
type numberedHandler func(w http.ResponseWriter, r *http.Request, n int)

// recordingServer is an httptest server that records every request (its body read in
// full before the handler runs) and hands the handler the request's number.
type recordingServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []recordedRequest
}

// newRecordingServer starts a recordingServer answering with h; it is closed when the
// test ends.
func newRecordingServer(t testing.TB, h numberedHandler) *recordingServer {
	t.Helper()
	rs := &recordingServer{}
	rs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rs.mu.Lock()
		rs.reqs = append(rs.reqs, recordedRequest{
			Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
			Header: r.Header.Clone(), Body: string(body),
		})
		n := len(rs.reqs)
		rs.mu.Unlock()
		h(w, r, n)
	}))
	t.Cleanup(rs.Close)
	return rs
}

// requests returns a copy of what the server received, in order.
func (rs *recordingServer) requests() []recordedRequest {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return append([]recordedRequest(nil), rs.reqs...)
}

// count is the number of requests received.
func (rs *recordingServer) count() int {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return len(rs.reqs)
}

// newClient returns a client for rs's /v2 with testKey, zero jitter and a sleep
// that returns at once; opts come last and override these.
func (rs *recordingServer) newClient(t testing.TB, opts ...telnyx.Option) *telnyx.Client {
	t.Helper()
	return newClientAt(t, rs.URL+"/v2", opts...)
}

// newClientAt is newClient for any base URL.
func newClientAt(t testing.TB, baseURL string, opts ...telnyx.Option) *telnyx.Client {
	t.Helper()
	base := []telnyx.Option{
		telnyx.WithAPIKey(testKey),
		telnyx.WithBaseURL(baseURL),
		telnyx.WithJitter(constJitter(0)),
		telnyx.WithSleep(func(ctx context.Context, _ time.Duration) error { return ctx.Err() }),
	}
	c, err := telnyx.NewClient(append(base, opts...)...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// constJitter is a random source that always returns v.
func constJitter(v float64) func() float64 { return func() float64 { return v } }

// fakeClock records the delays the client sleeps, never really sleeping, and moves
// its clock forward by each of them.
type fakeClock struct {
	mu     sync.Mutex
	base   time.Time
	slept  []time.Duration
	onWait func() // called during each sleep, if set
}

// newFakeClock returns a clock reading base.
func newFakeClock(base time.Time) *fakeClock { return &fakeClock{base: base} }

// Sleep is the telnyx.WithSleep seam: it records d and returns ctx.Err().
func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.slept = append(c.slept, d)
	onWait := c.onWait
	c.mu.Unlock()
	if onWait != nil {
		onWait()
	}
	return ctx.Err()
}

// Now is the telnyx.WithNow seam: base plus everything slept so far.
func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.base
	for _, d := range c.slept {
		now = now.Add(d)
	}
	return now
}

// delays returns a copy of the delays slept so far.
func (c *fakeClock) delays() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.slept...)
}

// writeAnswer answers status with a JSON content type, an x-request-id (when not "")
// and body.
func writeAnswer(w http.ResponseWriter, status int, requestID, body string) {
	w.Header().Set("Content-Type", "application/json")
	if requestID != "" {
		w.Header().Set("x-request-id", requestID)
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// writeOK answers 200 with the body the operation of r expects.
func writeOK(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodPost:
		writeAnswer(w, http.StatusOK, "req-ok", actionOKBody)
	case strings.HasSuffix(r.URL.Path, "/room_sessions"):
		writeAnswer(w, http.StatusOK, "req-ok", listOKBody)
	default:
		writeAnswer(w, http.StatusOK, "req-ok", sessionOKBody)
	}
}

// hangUp takes over the connection and closes it without answering; with reset, the
// close sends a TCP RST (connection reset by peer) instead of a FIN.
func hangUp(t *testing.T, w http.ResponseWriter, reset bool) {
	t.Helper()
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok && reset {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// cutBody answers status, announcing a Content-Length of declared bytes, writes only
// partial and closes the connection.
func cutBody(t *testing.T, w http.ResponseWriter, status, declared int, partial string) {
	t.Helper()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(declared))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, partial)
	if err := http.NewResponseController(w).Flush(); err != nil {
		t.Errorf("flush: %v", err)
	}
	hangUp(t, w, false)
}

// requireAPIError returns err as a *telnyx.Error, failing the test when it is not one.
func requireAPIError(t *testing.T, err error) *telnyx.Error {
	t.Helper()
	var apiErr *telnyx.Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %#v (%v), want a *telnyx.Error", err, err)
	}
	return apiErr
}

// connCountingServer is an httptest server that counts the TCP connections it accepts.
type connCountingServer struct {
	*httptest.Server
	newConns atomic.Int64
}

// newConnCountingServer starts a connCountingServer answering with h; it is closed when
// the test ends.
func newConnCountingServer(t *testing.T, h http.HandlerFunc) *connCountingServer {
	t.Helper()
	cs := &connCountingServer{}
	cs.Server = httptest.NewUnstartedServer(h)
	cs.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			cs.newConns.Add(1)
		}
	}
	cs.Start()
	t.Cleanup(cs.Close)
	return cs
}

// testEpoch is the fixed instant fake clocks start from.
func testEpoch() time.Time { return time.Date(2026, time.July, 16, 12, 0, 0, 0, time.UTC) }

// opCall is an operation adapted to one signature, for tables.
type opCall struct {
	name string
	call func(context.Context, *telnyx.Client) error
}

// someOps are a read, a list and two actions (one with a body, one without).
func someOps() []opCall {
	return []opCall{{"Get", callGet}, {"List", callList}, {"Mute", callMute}, {"End", callEnd}}
}

// callGet, callList, callMute and callEnd adapt operations to one signature.
func callGet(ctx context.Context, c *telnyx.Client) error {
	_, err := c.RoomSessions.Get(ctx, sessionID, nil)
	return err
}

func callList(ctx context.Context, c *telnyx.Client) error {
	_, err := c.RoomSessions.List(ctx, nil)
	return err
}

func callMute(ctx context.Context, c *telnyx.Client) error {
	return c.RoomSessions.Mute(ctx, sessionID, telnyx.AllParticipants())
}

func callEnd(ctx context.Context, c *telnyx.Client) error {
	return c.RoomSessions.End(ctx, sessionID)
}

// wantRequests checks that srv received n requests.
func wantRequests(t testing.TB, srv *recordingServer, n int) {
	t.Helper()
	if got := srv.count(); got != n {
		t.Errorf("server saw %d requests, want %d", got, n)
	}
}

// wantSleeps checks that clock was asked to sleep n times.
func wantSleeps(t testing.TB, clock *fakeClock, n int) {
	t.Helper()
	if d := clock.delays(); len(d) != n {
		t.Errorf("slept %v, want %d sleeps", d, n)
	}
}
