package telnyx_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// peakCounter is a connCounter that also remembers the most connections open at once.
type peakCounter struct {
	mu         sync.Mutex
	open, peak int
	total      int
}

func (pc *peakCounter) track(state http.ConnState) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	switch state {
	case http.StateNew:
		pc.open++
		pc.total++
		pc.peak = max(pc.peak, pc.open)
	case http.StateClosed, http.StateHijacked:
		pc.open--
	}
}

// TestSixtyFourCallersWithFaults shares one client between 64 goroutines mixing reads and
// actions against the fake while it injects 5xx, 429, cuts and malformed bodies. Every
// call must end in success or a proper error, and connections must stay bounded.
func TestSixtyFourCallersWithFaults(t *testing.T) {
	t.Parallel()
	h, state := telnyxtest.NewHandler()
	var sessions []telnyxtest.Session
	for range 8 {
		sessions = append(sessions, state.AddSession(telnyxtest.Session{Active: true,
			Participants: []telnyxtest.Participant{{Context: "a"}, {Context: "b"}, {Context: "c"}}}))
	}
	for _, f := range []telnyxtest.Fault{
		{Status: 503, Header: http.Header{"Retry-After": {"0"}}, Times: 60},
		{Path: "/v2/room_sessions/*/actions/*", Cut: telnyxtest.CutMidBody, Times: 30},
		{Method: "GET", Cut: telnyxtest.CutBeforeResponse, Times: 30},
		{Status: 429, Header: http.Header{"X-Ratelimit-Reset": {"0"}}, Times: 60},
		{Method: "GET", Path: "/v2/room_sessions/*", MalformedJSON: true, Times: 10},
		{Status: 500, Times: 40},
	} {
		state.Fail(f)
	}
	var conns peakCounter
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) { conns.track(s) }
	srv.Start()
	t.Cleanup(srv.Close)

	c, err := telnyx.NewClient(telnyx.WithAPIKey(telnyxtest.DefaultAPIKey), telnyx.WithBaseURL(srv.URL+"/v2"),
		telnyx.WithSleep(func(ctx context.Context, _ time.Duration) error { return ctx.Err() }))
	if err != nil {
		t.Fatal(err)
	}
	const callers, callsEach = 64, 12
	var wg sync.WaitGroup
	var mu sync.Mutex
	outcomes := map[string]int{}
	for g := range callers {
		wg.Go(func() {
			for i := range callsEach {
				sess := sessions[(g+i)%len(sessions)]
				err := matrixOps[(g*callsEach+i)%len(matrixOps)].call(t.Context(), c, sess.ID, sess.Participants[g%3].ID)
				kind := outcomeOf(err)
				var apiErr *telnyx.Error
				switch {
				case err == nil, errors.As(err, &apiErr) && apiErr.StatusCode >= 400,
					errors.Is(err, telnyx.ErrMalformedResponse):
				default:
					// A transport failure after every retry is a proper error too, but it
					// must say which operation failed.
					if kind == "ok" || err.Error() == "" {
						t.Errorf("improper outcome: %v", err)
					}
				}
				mu.Lock()
				outcomes[kind]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	t.Logf("outcomes: %v; connections: %d opened, at most %d open at once", outcomes, conns.total, conns.peak)
	if outcomes["ok"] == 0 {
		t.Error("no call succeeded")
	}
	// Each caller holds at most one connection, plus the odd one net/http dials while an
	// idle one comes free; without reuse there would be one per call (768).
	if conns.peak > 2*callers {
		t.Errorf("%d connections open at once for %d callers", conns.peak, callers)
	}
	// The 60 cut connections are replaced, and net/http may dial while an idle connection
	// comes free; every answer, errors included, leaves its connection reusable, so the
	// total stays far below one per call (768).
	if cuts := 60; conns.total > 2*callers+cuts {
		t.Errorf("%d connections opened: idle connections are not reused", conns.total)
	}
}
