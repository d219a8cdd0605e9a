package telnyx_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// TestConnectionReusedAcrossErrors checks that bodies are drained and closed, error
// answers included, so that 200 sequential calls use one TCP connection.
func TestConnectionReusedAcrossErrors(t *testing.T) {
	t.Parallel()
	// The calls alternate success and a 404 with a JSON body, over a read and an action.
	// The successes end with 3 KiB of whitespace (as a pretty-printing server may send)
	// that decoding the JSON value does not read: it must be drained too.
	padding := strings.Repeat(" \n", 1536)
	srv := newConnCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.Contains(r.URL.Path, "/"+participant): // the id that is not found
			writeAnswer(w, http.StatusNotFound, "req-404", notFoundBody)
		case r.Method == http.MethodPost:
			writeAnswer(w, http.StatusOK, "req-ok", actionOKBody+padding)
		default:
			writeAnswer(w, http.StatusOK, "req-ok", sessionOKBody+padding)
		}
	})
	c := newClientAt(t, srv.URL+"/v2", telnyx.WithMaxRetries(0))
	ctx := t.Context()
	var failures int
	for i := range 200 {
		id := sessionID
		if i%2 == 1 {
			id = participant
		}
		var err error
		if i%4 < 2 {
			_, err = c.RoomSessions.Get(ctx, id, nil)
		} else {
			err = c.RoomSessions.Mute(ctx, id, telnyx.Participants(otherPart))
		}
		switch {
		case i%2 == 0 && err != nil:
			t.Fatalf("call %d: %v", i, err)
		case i%2 == 1:
			if e := requireAPIError(t, err); e.StatusCode != http.StatusNotFound || e.Code() != "10005" {
				t.Fatalf("call %d: %v", i, err)
			}
			failures++
		}
	}
	if failures != 100 {
		t.Errorf("%d failures, want 100", failures)
	}
	if n := srv.newConns.Load(); n != 1 {
		t.Errorf("the server accepted %d connections, want 1", n)
	}
}

// TestConnectionPoolKeeps64PerHost checks that the default transport keeps enough idle
// connections for 64 concurrent callers: a second wave of 64 concurrent calls opens no
// new connection.
func TestConnectionPoolKeeps64PerHost(t *testing.T) {
	t.Parallel()
	const callers = 64
	// Each wave's requests are held until all of them arrived, so the first wave needs
	// 64 connections at once, and the second could not do with fewer either.
	var (
		mu      sync.Mutex
		release chan struct{}
	)
	arrived := make(chan struct{}, callers)
	srv := newConnCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		ch := release
		mu.Unlock()
		arrived <- struct{}{}
		select {
		case <-ch:
		case <-r.Context().Done():
			return
		}
		writeOK(w, r)
	})
	c := newClientAt(t, srv.URL+"/v2", telnyx.WithMaxRetries(0))

	wave := func(n int) {
		t.Helper()
		mu.Lock()
		release = make(chan struct{})
		ch := release
		mu.Unlock()
		errs := make(chan error, callers)
		var wg sync.WaitGroup
		for range callers {
			wg.Go(func() {
				_, err := c.RoomSessions.Get(t.Context(), sessionID, nil)
				errs <- err
			})
		}
		// A guard, not a wait: it only fires if the client cannot run 64 calls at once.
		guard := time.NewTimer(20 * time.Second)
		defer guard.Stop()
		for i := range callers {
			select {
			case <-arrived:
			case <-guard.C:
				close(ch)
				wg.Wait()
				t.Fatalf("wave %d: only %d of %d requests reached the server at once", n, i, callers)
			}
		}
		close(ch)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("wave %d: %v", n, err)
			}
		}
	}

	wave(1)
	if got := srv.newConns.Load(); got != callers {
		t.Fatalf("first wave opened %d connections, want %d", got, callers)
	}
	wave(2)
	if got := srv.newConns.Load(); got != callers {
		t.Errorf("second wave opened %d new connections, want 0 (all %d reused from the idle pool)", got-callers, callers)
	}
}
