package telnyx_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// Fixed ids and key for the wire tests.
const (
	wireKey     = "KEY0123-wire-test"
	sessionID   = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"
	roomID      = "7b61621f-5fe4-4aad-ab11-9fd19e272e73"
	participant = "7b61621f-62e0-4aad-ab11-9fd19e272e73"
	otherPart   = "3f1c8e2a-9b4d-4c6e-8f7a-1b2c3d4e5f60"
)

// seenRequest is what a wireServer received.
type seenRequest struct {
	Method, Path, RawQuery, Body string
	Header                       http.Header
}

// wireServer is an httptest server that records every request and answers with a
// handler chosen per test.
type wireServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seenRequest
}

// startWire starts a recording server answering with h.
func startWire(t testing.TB, h http.HandlerFunc) *wireServer {
	t.Helper()
	ws := &wireServer{}
	ws.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ws.mu.Lock()
		ws.reqs = append(ws.reqs, seenRequest{r.Method, r.URL.Path, r.URL.RawQuery, string(body), r.Header.Clone()})
		ws.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(ws.Close)
	return ws
}

// requests returns a copy of what the server received.
func (ws *wireServer) requests() []seenRequest {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return append([]seenRequest(nil), ws.reqs...)
}

// client returns a client pointed at ws's /v2 that never really sleeps.
func (ws *wireServer) client(t testing.TB, opts ...telnyx.Option) *telnyx.Client {
	t.Helper()
	base := []telnyx.Option{
		telnyx.WithAPIKey(wireKey),
		telnyx.WithBaseURL(ws.URL + "/v2"),
		telnyx.WithSleep(func(context.Context, time.Duration) error { return nil }),
	}
	c, err := telnyx.NewClient(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// answerJSON returns a handler that answers status with body as JSON.
func answerJSON(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("x-request-id", "req-1")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// mustTime parses an RFC 3339 timestamp.
func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// fmtAll formats v with %v, %+v and %#v.
func fmtAll(v any) string {
	return fmt.Sprintf("%v %+v %#v", v, v, v)
}

// discardLogger swallows an http.Server's error log (TLS handshake noise).
func discardLogger() *log.Logger { return log.New(io.Discard, "", 0) }
