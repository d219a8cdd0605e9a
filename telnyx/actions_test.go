package telnyx_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// actionCalls are the four actions adapted to one signature.
var actionCalls = []opCall{
	{"End", callEnd},
	{"Kick", func(ctx context.Context, c *telnyx.Client) error {
		return c.RoomSessions.Kick(ctx, sessionID, telnyx.Participants(participant))
	}},
	{"Mute", callMute},
	{"Unmute", func(ctx context.Context, c *telnyx.Client) error {
		return c.RoomSessions.Unmute(ctx, sessionID, telnyx.AllParticipants().Except(otherPart))
	}},
}

// TestActionSucceedsWhateverTheBody checks that an action answered 2xx succeeds at the
// first attempt, whatever its body: the status is the answer.
func TestActionSucceedsWhateverTheBody(t *testing.T) {
	t.Parallel()
	answers := []struct {
		name   string
		answer func(t *testing.T, w http.ResponseWriter)
	}{
		{"ok", func(_ *testing.T, w http.ResponseWriter) { writeAnswer(w, 200, "r", actionOKBody) }},
		{"empty", func(_ *testing.T, w http.ResponseWriter) { writeAnswer(w, 200, "r", "") }},
		{"204", func(_ *testing.T, w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }},
		{"202 not json", func(_ *testing.T, w http.ResponseWriter) { writeAnswer(w, 202, "r", "accepted") }},
		{"malformed", func(_ *testing.T, w http.ResponseWriter) { writeAnswer(w, 200, "r", `{"data": nope}`) }},
		{"truncated", func(_ *testing.T, w http.ResponseWriter) { writeAnswer(w, 200, "r", `{"data":{"res`) }},
		{"wrong types", func(_ *testing.T, w http.ResponseWriter) { writeAnswer(w, 200, "r", `{"data":{"result":7}}`) }},
		{"trailing garbage", func(_ *testing.T, w http.ResponseWriter) { writeAnswer(w, 200, "r", actionOKBody+"}{") }},
		{"html", func(_ *testing.T, w http.ResponseWriter) { writeAnswer(w, 200, "r", "<html>ok</html>") }},
		{"cut mid-body", func(t *testing.T, w http.ResponseWriter) { cutBody(t, w, 200, 100, `{"data":{"re`) }},
		{"content-length over 32 MiB", func(_ *testing.T, w http.ResponseWriter) {
			w.Header().Set("Content-Length", strconv.Itoa(64<<20))
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, `{"data":`)
		}},
	}
	for _, a := range answers {
		for _, op := range actionCalls {
			t.Run(a.name+"/"+op.name, func(t *testing.T) {
				t.Parallel()
				srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { a.answer(t, w) })
				clock := newFakeClock(testEpoch())
				c := srv.newClient(t, telnyx.WithSleep(clock.Sleep))
				if err := op.call(t.Context(), c); err != nil {
					t.Fatalf("err = %v, want success: the 2xx status is the answer", err)
				}
				wantRequests(t, srv, 1)
			})
		}
	}
}

// TestSessionEnded checks the recogniser of the ended-session race: an action on a
// session that ended after it was listed matches ErrSessionEnded (and
// ErrInvalidRequest); nothing else does.
func TestSessionEnded(t *testing.T) {
	t.Parallel()
	srv := telnyxtest.NewServer()
	t.Cleanup(srv.Close)
	client := srv.Client(telnyx.WithMaxRetries(0))
	ctx := t.Context()
	s := srv.AddSession(telnyxtest.Session{Active: true, Participants: []telnyxtest.Participant{{Context: "host"}, {Context: "guest"}}})
	listed, err := telnyx.Collect(client.RoomSessions.All(ctx, &telnyx.ListRoomSessionsParams{Active: telnyx.Bool(true)}))
	if err != nil || len(listed) != 1 {
		t.Fatalf("listed %v, %v", listed, err)
	}
	if err := client.RoomSessions.End(ctx, s.ID); err != nil { // someone else ends it
		t.Fatal(err)
	}
	guest := s.Participants[1].ID
	for _, act := range []struct {
		name string
		call func() error
	}{
		{"Kick", func() error { return client.RoomSessions.Kick(ctx, listed[0].ID, telnyx.Participants(guest)) }},
		{"Mute", func() error { return client.RoomSessions.Mute(ctx, listed[0].ID, telnyx.AllParticipants()) }},
		{"Unmute", func() error { return client.RoomSessions.Unmute(ctx, listed[0].ID, telnyx.Participants(guest)) }},
	} {
		err := act.call()
		if !errors.Is(err, telnyx.ErrSessionEnded) || !errors.Is(err, telnyx.ErrInvalidRequest) {
			t.Errorf("%s on an ended session: %v; want ErrSessionEnded and ErrInvalidRequest", act.name, err)
		}
	}
	if err := client.RoomSessions.End(ctx, s.ID); err != nil {
		t.Errorf("End of an ended session: %v, want success", err)
	}

	// Other failures are not the race.
	_, err = client.RoomSessions.Get(ctx, "5e5e5e5e-0000-4000-8000-000000000000", nil)
	if errors.Is(err, telnyx.ErrSessionEnded) {
		t.Errorf("a 404 Get matches ErrSessionEnded: %v", err)
	}
	err = client.RoomSessions.Mute(ctx, "5e5e5e5e-0000-4000-8000-000000000000", telnyx.AllParticipants())
	if !errors.Is(err, telnyx.ErrNotFound) || errors.Is(err, telnyx.ErrSessionEnded) {
		t.Errorf("Mute of an unknown session: %v; want ErrNotFound only", err)
	}
	for _, tc := range []struct {
		name string
		body string
		call func(context.Context, *telnyx.Client) error
		want bool
	}{
		{"422 to Mute", `{"errors":[{"code":"10015","title":"Bad Request","detail":"The room session has ended.","source":{"pointer":"/room_session_id"}}]}`, callMute, true},
		{"422 to End", "", callEnd, true},
		{"422 pointing at the selection", `{"errors":[{"code":"10015","title":"Bad Request","source":{"pointer":"/participants/0"}}]}`, callMute, false},
		{"422 to a read", "", callGet, false},
		{"400 to Mute", "", callMute, false},
	} {
		status := http.StatusUnprocessableEntity
		if strings.HasPrefix(tc.name, "400") {
			status = http.StatusBadRequest
		}
		rs := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeAnswer(w, status, "r", tc.body) })
		err := tc.call(ctx, rs.newClient(t))
		if got := errors.Is(err, telnyx.ErrSessionEnded); got != tc.want {
			t.Errorf("%s: errors.Is(%v, ErrSessionEnded) = %v, want %v", tc.name, err, got, tc.want)
		}
	}
}

// lateDelivery is a fake whose first Mute is held after it has fully arrived, as a slow
// network or a busy API would, and applied only when the test says so.
type lateDelivery struct {
	*httptest.Server
	state   *telnyxtest.State
	first   atomic.Bool
	held    chan struct{} // closed when the first Mute has arrived
	release chan struct{} // close to apply it
	landed  chan struct{} // closed once it has been applied
}

func newLateDelivery(t *testing.T) *lateDelivery {
	t.Helper()
	h, state := telnyxtest.NewHandler()
	ld := &lateDelivery{state: state, held: make(chan struct{}), release: make(chan struct{}), landed: make(chan struct{})}
	ld.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/actions/mute") || !ld.first.CompareAndSwap(false, true) {
			h.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body) // the request has been sent in full
		close(ld.held)
		<-ld.release
		late := r.Clone(context.WithoutCancel(r.Context()))
		late.Body = io.NopCloser(bytes.NewReader(body))
		h.ServeHTTP(httptest.NewRecorder(), late) // applied; the answer reaches no one
		close(ld.landed)
	}))
	t.Cleanup(ld.Close)
	t.Cleanup(func() {
		select {
		case <-ld.release:
		default:
			close(ld.release) // before Close, which waits for the held handler
		}
	})
	return ld
}

// client returns a client of ld whose attempts time out after timeout, and that does
// not really wait between attempts.
func (ld *lateDelivery) client(t *testing.T, timeout time.Duration, opts ...telnyx.Option) *telnyx.Client {
	t.Helper()
	base := []telnyx.Option{
		telnyx.WithAPIKey(telnyxtest.DefaultAPIKey), telnyx.WithBaseURL(ld.URL + "/v2"),
		telnyx.WithTimeout(timeout), telnyx.WithSleep(func(ctx context.Context, _ time.Duration) error { return ctx.Err() }),
	}
	c, err := telnyx.NewClient(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestActionTimedOutAfterSendingIsRetried tests the documented decision: an action
// whose attempt timed out after its request was sent is retried by default, and with
// WithMaxRetries(0) the failure is reported. It also shows the documented hazard: the
// first attempt, applied late, undoes the caller's next action.
func TestActionTimedOutAfterSendingIsRetried(t *testing.T) {
	t.Parallel()
	// The attempt timeout must outlast the second attempt on a loaded machine; the
	// first one always times out, since the fake holds it.
	const timeout = 300 * time.Millisecond

	t.Run("retried by default", func(t *testing.T) {
		t.Parallel()
		ld := newLateDelivery(t)
		s := ld.state.AddSession(telnyxtest.Session{Active: true, Participants: []telnyxtest.Participant{{Context: "guest"}}})
		guest := s.Participants[0].ID
		c := ld.client(t, timeout)
		ctx := t.Context()
		if err := c.RoomSessions.Mute(ctx, s.ID, telnyx.Participants(guest)); err != nil {
			t.Fatalf("Mute: %v, want success from the retry", err)
		}
		<-ld.held
		if n := len(ld.state.Requests()); n != 1 {
			t.Fatalf("the fake applied %d requests, want 1 (the retry; the first is held)", n)
		}
		if err := c.RoomSessions.Unmute(ctx, s.ID, telnyx.Participants(guest)); err != nil {
			t.Fatal(err)
		}
		if got, _ := ld.state.Session(s.ID); got.Participants[0].Muted {
			t.Fatal("muted right after Unmute")
		}
		close(ld.release) // the first Mute lands last
		<-ld.landed
		if got, _ := ld.state.Session(s.ID); !got.Participants[0].Muted {
			t.Error("the late Mute did not apply; the documented hazard is not what happens")
		}
	})
	t.Run("reported with WithMaxRetries(0)", func(t *testing.T) {
		t.Parallel()
		ld := newLateDelivery(t)
		s := ld.state.AddSession(telnyxtest.Session{Active: true, Participants: []telnyxtest.Participant{{Context: "guest"}}})
		c := ld.client(t, timeout, telnyx.WithMaxRetries(0))
		err := c.RoomSessions.Mute(t.Context(), s.ID, telnyx.AllParticipants())
		if ne, ok := errors.AsType[net.Error](err); !ok || !ne.Timeout() || !errors.Is(err, telnyx.ErrTransport) {
			t.Fatalf("Mute: %v, want the attempt's timeout, an ErrTransport", err)
		}
		<-ld.held
		if n := len(ld.state.Requests()); n != 0 {
			t.Errorf("the fake saw %d other requests, want none (no retry)", n)
		}
	})
}

// An action on a session that ended after it was listed fails with ErrSessionEnded:
// a routine race, not a failure.
func ExampleErrSessionEnded() {
	srv := exampleServer()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	active, err := telnyx.Collect(client.RoomSessions.All(ctx, &telnyx.ListRoomSessionsParams{Active: telnyx.Bool(true)}))
	if err != nil {
		log.Fatal(err)
	}
	if err := client.RoomSessions.End(ctx, exampleLive); err != nil { // meanwhile, the session ends
		log.Fatal(err)
	}
	for _, s := range active {
		err := client.RoomSessions.Mute(ctx, s.ID, telnyx.AllParticipants())
		switch {
		case errors.Is(err, telnyx.ErrSessionEnded):
			fmt.Println(s.ID, "has ended; nothing to mute")
		case err != nil:
			log.Fatal(err)
		default:
			fmt.Println(s.ID, "muted")
		}
	}
	// Output: 0ccc7b54-4df3-4bca-a65a-3da1ecc777f0 has ended; nothing to mute
}
