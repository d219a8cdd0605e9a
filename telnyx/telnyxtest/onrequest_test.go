package telnyxtest_test

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// A session ended right after the page listing it was answered: the page shows it
// active, the next action finds it ended.
func TestOnRequestEndsASessionRightAfterItWasListed(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	s := srv.AddSession(telnyxtest.Session{Active: true, Participants: []telnyxtest.Participant{{Context: "Alice"}}})
	srv.OnRequest(func(r telnyxtest.Request) {
		if r.Method == http.MethodGet && r.Path == "/v2/room_sessions" {
			if _, err := srv.EndSession(s.ID); err != nil {
				t.Error(err)
			}
		}
	})
	c := client(t, srv)
	page, err := c.RoomSessions.List(t.Context(), &telnyx.ListRoomSessionsParams{Active: telnyx.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "listed as active", roomSessionIDs(page.Items), []string{s.ID})
	if got, _ := srv.Session(s.ID); got.Active {
		t.Fatal("the hook did not end the session before List returned")
	}
	err = c.RoomSessions.Mute(t.Context(), s.ID, telnyx.AllParticipants())
	if !errors.Is(err, telnyx.ErrSessionEnded) {
		t.Fatalf("Mute after the session ended: %v, want ErrSessionEnded", err)
	}
}

// The hook sees every request, in order, as the log records it, including requests a
// fault answers and requests rejected; it may call the State's methods.
func TestOnRequestSeesEveryRequest(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	s := srv.AddSession(telnyxtest.Session{Active: true})
	var seen []telnyxtest.Request
	var joined []string
	srv.OnRequest(func(r telnyxtest.Request) {
		seen = append(seen, r)
		// Every method of the State is usable from the hook (none deadlocks).
		p, err := srv.Join(s.ID, telnyxtest.Participant{Context: "guest"})
		if err != nil {
			t.Error(err)
			return
		}
		joined = append(joined, p.ID)
		if _, err := srv.Leave(s.ID, p.ID); err != nil {
			t.Error(err)
		}
		srv.AddSession(telnyxtest.Session{})
		_, _ = srv.Session(s.ID)
		_ = srv.Sessions()
		_ = srv.Requests()
		srv.Advance(0)
	})
	srv.Fail(telnyxtest.Fault{Method: "GET", Path: "/v2/room_sessions/*", Status: http.StatusServiceUnavailable, Times: 1})
	call(t, srv, "GET", "/room_sessions/"+s.ID, "")                // the fault answers
	call(t, srv, "GET", "/room_sessions/"+s.ID, "")                // the fake answers
	call(t, srv, "GET", "/room_sessions/not-a-uuid", "")           // rejected
	callHeader(t, srv, "GET", "/room_sessions", "", http.Header{}) // no key
	a := call(t, srv, "GET", "/room_sessions/"+s.ID+"/participants", "")

	log := srv.Requests()
	if len(seen) != len(log) || len(log) != 5 {
		t.Fatalf("the hook saw %d requests, the log holds %d, want 5 each", len(seen), len(log))
	}
	for i := range log {
		if seen[i].Method != log[i].Method || seen[i].Path != log[i].Path || seen[i].RequestID != log[i].RequestID || seen[i].RequestID == "" {
			t.Errorf("request %d: the hook saw %s %s %q, the log holds %s %s %q", i,
				seen[i].Method, seen[i].Path, seen[i].RequestID, log[i].Method, log[i].Path, log[i].RequestID)
		}
	}
	if got := seen[3].Header.Get("Authorization"); got != "" {
		t.Errorf("request without a key: Authorization %q", got)
	}
	// The answer was decided before the hook ran: the participants page shows the four
	// guests of the earlier hooks, not the fifth.
	if n := strings.Count(string(a.body), `"context":"guest"`); n != 4 {
		t.Errorf("participants page lists %d guests, want the 4 of the hooks before it", n)
	}
	if got, _ := srv.Session(s.ID); len(got.Participants) != 5 {
		t.Errorf("after 5 requests the session has %d participants, want 5", len(got.Participants))
	}
}

// The hook gets its own copy of the request: changing it changes nothing in the log.
func TestOnRequestGetsACopy(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	s := srv.AddSession(telnyxtest.Session{Active: true})
	srv.OnRequest(func(r telnyxtest.Request) {
		r.Header.Set("Authorization", "changed")
		if len(r.Body) > 0 {
			r.Body[0] = 'X'
		}
	})
	call(t, srv, "POST", "/room_sessions/"+s.ID+"/actions/mute", `{"participants":"all"}`)
	r := srv.Requests()[0]
	if r.Header.Get("Authorization") != "Bearer ***" || string(r.Body) != `{"participants":"all"}` {
		t.Errorf("the log changed with the hook's copy: %q %q", r.Header.Get("Authorization"), r.Body)
	}
}

// Without a request log the hook still runs, with the request id answered.
func TestOnRequestWithoutRequestLog(t *testing.T) {
	t.Parallel()
	srv := newServer(t, telnyxtest.WithoutRequestLog())
	var seen []telnyxtest.Request
	srv.OnRequest(func(r telnyxtest.Request) { seen = append(seen, r) })
	a := call(t, srv, "GET", "/room_sessions?page[size]=5", "")
	if len(seen) != 1 || seen[0].Query != "page[size]=5" || seen[0].RequestID != a.header.Get("X-Request-Id") {
		t.Fatalf("hook saw %+v, answer's request id %q", seen, a.header.Get("X-Request-Id"))
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the log holds %d requests", n)
	}
}

// Concurrent requests run the hook one at a time, so it needs no locking of its own;
// a nil hook removes it and a later call replaces it.
func TestOnRequestOneAtATime(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	var inside, most atomic.Int32
	count := 0 // unguarded on purpose: the race detector fails the test if calls overlap
	srv.OnRequest(func(telnyxtest.Request) {
		n := inside.Add(1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		count++
		inside.Add(-1)
	})
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() { sendRaw(t, srv, "GET", "/room_sessions", "") })
	}
	wg.Wait()
	if count != 16 || most.Load() != 1 {
		t.Fatalf("hook ran %d times, at most %d at once; want 16, 1", count, most.Load())
	}

	replaced := 0
	srv.OnRequest(func(telnyxtest.Request) { replaced++ })
	call(t, srv, "GET", "/room_sessions", "")
	srv.OnRequest(nil)
	call(t, srv, "GET", "/room_sessions", "")
	if count != 16 || replaced != 1 {
		t.Errorf("after replacing and removing: first hook %d calls, second %d; want 16, 1", count, replaced)
	}
}
