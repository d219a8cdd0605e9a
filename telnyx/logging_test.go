package telnyx_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// logRecord is one JSON log line.
type logRecord map[string]any

// parseLogs splits a JSON handler's output into records.
func parseLogs(t *testing.T, out []byte) []logRecord {
	t.Helper()
	var recs []logRecord
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var r logRecord
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("log output is not JSON lines: %v\n%s", err, out)
		}
		recs = append(recs, r)
	}
	return recs
}

// TestRetryLogging checks the Debug records: one per attempt and one per scheduled
// retry, never the key.
func TestRetryLogging(t *testing.T) {
	t.Parallel()
	t.Run("answers", func(t *testing.T) {
		t.Parallel()
		srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				writeAnswer(w, http.StatusServiceUnavailable, "req-503", `{"errors":[{"code":"10007","title":"Unexpected error"}]}`)
				return
			}
			writeOK(w, r)
		})
		var out bytes.Buffer
		logger := slog.New(slog.NewJSONHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))
		if err := callGet(t.Context(), srv.newClient(t, telnyx.WithLogger(logger))); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out.String(), testKey) {
			t.Errorf("the key was logged:\n%s", out.String())
		}
		recs := parseLogs(t, out.Bytes())
		if len(recs) != 3 {
			t.Fatalf("got %d records, want 3 (attempt, retry scheduled, attempt):\n%s", len(recs), out.String())
		}
		path := "/v2/room_sessions/" + sessionID
		checkAttemptRecord(t, recs[0], "GET", path, 503, 1, "req-503", true)
		if msg, _ := recs[1]["msg"].(string); !strings.Contains(msg, "retry scheduled") {
			t.Errorf("record 2 msg = %q, want a retry scheduled record", msg)
		}
		if d, _ := recs[1]["delay"].(float64); time.Duration(d) != 250*time.Millisecond {
			t.Errorf("record 2 delay = %v, want 250ms: %v", recs[1]["delay"], recs[1])
		}
		if lvl := recs[1]["level"]; lvl != "DEBUG" {
			t.Errorf("record 2 level = %v", lvl)
		}
		checkAttemptRecord(t, recs[2], "GET", path, 200, 2, "req-ok", false)
	})
	t.Run("no answer", func(t *testing.T) {
		t.Parallel()
		var out bytes.Buffer
		logger := slog.New(slog.NewJSONHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))
		c := newClientAt(t, closedAddr(t), telnyx.WithMaxRetries(0), telnyx.WithLogger(logger))
		if err := callMute(t.Context(), c); err == nil {
			t.Fatal("err = nil")
		}
		recs := parseLogs(t, out.Bytes())
		if len(recs) != 1 {
			t.Fatalf("got %d records, want 1:\n%s", len(recs), out.String())
		}
		checkAttemptRecord(t, recs[0], "POST", "/v2/room_sessions/"+sessionID+"/actions/mute", 0, 1, "", true)
	})
	t.Run("debug disabled", func(t *testing.T) {
		t.Parallel()
		srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			writeAnswer(w, http.StatusServiceUnavailable, "req-503", "")
		})
		var out bytes.Buffer
		logger := slog.New(slog.NewJSONHandler(&out, &slog.HandlerOptions{Level: slog.LevelInfo}))
		_ = callGet(t.Context(), srv.newClient(t, telnyx.WithLogger(logger)))
		if out.Len() != 0 {
			t.Errorf("an Info logger got records:\n%s", out.String())
		}
	})
}

// checkAttemptRecord checks one per-attempt record.
func checkAttemptRecord(t *testing.T, r logRecord, method, path string, status, attempt int, requestID string, withErr bool) {
	t.Helper()
	if r["level"] != "DEBUG" {
		t.Errorf("level = %v, want DEBUG: %v", r["level"], r)
	}
	want := map[string]any{
		"method": method, "path": path, "status": float64(status),
		"attempt": float64(attempt), "request_id": requestID,
	}
	for k, v := range want {
		if got, ok := r[k]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v: %v", k, got, ok, v, r)
		}
	}
	if d, ok := r["duration"].(float64); !ok || d < 0 {
		t.Errorf("duration = %v, want a non-negative number: %v", r["duration"], r)
	}
	e, hasErr := r["error"].(string)
	switch {
	case withErr && (!hasErr || e == ""):
		t.Errorf("no error in %v", r)
	case !withErr && hasErr:
		t.Errorf("error %q in a successful attempt's record", e)
	}
}

// TestNoLoggingWithoutLogger checks that without WithLogger nothing is logged, not even
// to slog's default logger. Not parallel: it replaces slog's process-wide default
// logger (and restores it), which no parallel test may see.
func TestNoLoggingWithoutLogger(t *testing.T) {
	var out bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { slog.SetDefault(prev) })

	srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n%2 == 1 {
			writeAnswer(w, http.StatusServiceUnavailable, "req-503", "")
			return
		}
		writeOK(w, r)
	})
	for _, c := range []*telnyx.Client{srv.newClient(t), srv.newClient(t, telnyx.WithLogger(nil))} {
		if err := callGet(t.Context(), c); err != nil {
			t.Fatal(err)
		}
		if err := callMute(t.Context(), c); err != nil {
			t.Fatal(err)
		}
	}
	_ = callGet(t.Context(), newClientAt(t, closedAddr(t), telnyx.WithMaxRetries(1)))
	if out.Len() != 0 {
		t.Errorf("logged without a logger:\n%s", out.String())
	}
}
