package telnyx_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

func TestResponseInfoOnSuccess(t *testing.T) {
	t.Parallel()
	rs := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			writeAnswer(w, http.StatusServiceUnavailable, "req-503", "")
			return
		}
		w.Header().Set("x-ratelimit-limit", "100")
		w.Header().Set("x-ratelimit-remaining", "42")
		w.Header().Set("x-ratelimit-reset", "7")
		w.Header().Set("x-echo", "Bearer "+testKey)
		writeOK(w, r)
	})
	c := rs.newClient(t)
	var info telnyx.ResponseInfo
	if err := getWith(t.Context(), c, telnyx.WithResponseInto(&info)); err != nil {
		t.Fatal(err)
	}
	if info.StatusCode != 200 || info.RequestID != "req-ok" || info.Attempts != 2 {
		t.Errorf("info %+v; want 200, req-ok, 2 attempts", info)
	}
	if rl := info.RateLimit; rl == nil || *rl != (telnyx.RateLimit{Limit: 100, Remaining: 42, Reset: 7 * time.Second}) {
		t.Errorf("rate limit %+v", rl)
	}
	if got := info.Header.Get("x-echo"); got != "Bearer [redacted]" {
		t.Errorf("a header echoing the key reads %q", got)
	}
	// Without rate-limit headers, RateLimit is nil; without WithResponseInto nothing is kept.
	var plain telnyx.ResponseInfo
	rs2 := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, n int) { writeOK(w, r) })
	if err := getWith(t.Context(), rs2.newClient(t), telnyx.WithResponseInto(&plain)); err != nil {
		t.Fatal(err)
	}
	if plain.RateLimit != nil || plain.Attempts != 1 || plain.StatusCode != 200 {
		t.Errorf("info %+v", plain)
	}
}

func TestResponseInfoOnFailure(t *testing.T) {
	t.Parallel()
	rs := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeAnswer(w, http.StatusNotFound, "req-404", notFoundBody)
	})
	var info telnyx.ResponseInfo
	if err := getWith(t.Context(), rs.newClient(t), telnyx.WithResponseInto(&info)); err == nil {
		t.Fatal("want the 404")
	}
	if info.StatusCode != 404 || info.RequestID != "req-404" || info.Attempts != 1 {
		t.Errorf("info %+v", info)
	}
}

func ExampleWithResponseInto() {
	srv := telnyxtest.NewServer()
	defer srv.Close()
	s := srv.AddSession(telnyxtest.Session{Active: true})
	srv.Fail(telnyxtest.Fault{Status: http.StatusServiceUnavailable, Times: 1})
	client := srv.Client()

	var info telnyx.ResponseInfo
	if _, err := client.RoomSessions.Get(context.Background(), s.ID, nil, telnyx.WithResponseInto(&info)); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("status:", info.StatusCode)
	fmt.Println("attempts:", info.Attempts)
	fmt.Println("has a request id:", info.RequestID != "")
	// Output:
	// status: 200
	// attempts: 2
	// has a request id: true
}

// getWith is callGet with options for the call.
func getWith(ctx context.Context, c *telnyx.Client, opts ...telnyx.Option) error {
	_, err := c.RoomSessions.Get(ctx, sessionID, nil, opts...)
	return err
}
