package telnyx_test

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"testing"
	"time"
)

// Fixed ids and key for the wire tests.
const (
	sessionID   = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"
	roomID      = "7b61621f-5fe4-4aad-ab11-9fd19e272e73"
	participant = "7b61621f-62e0-4aad-ab11-9fd19e272e73"
	otherPart   = "3f1c8e2a-9b4d-4c6e-8f7a-1b2c3d4e5f60"
)

// startWire starts a recordingServer answering every request with h.
func startWire(t testing.TB, h http.HandlerFunc) *recordingServer {
	t.Helper()
	return newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { h(w, r) })
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
