package telnyxtest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
	"github.com/roomsessions/telnyx-go/telnyx/webhook"
)

// receiver is a webhook endpoint that verifies deliveries with the fake's key and
// records them; answer, if set, chooses the status of each delivery by its arrival
// number (1-based) before verification.
type receiver struct {
	mu       sync.Mutex
	events   []*webhook.Event
	arrivals int
	rejected []error
	answer   func(n int) int
}

// start points a new fake with webhooks at r, and returns the fake.
func (r *receiver) start(t *testing.T, opts ...telnyxtest.Option) *telnyxtest.Server {
	t.Helper()
	var h http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.arrivals++
		n := r.arrivals
		r.mu.Unlock()
		if r.answer != nil {
			if status := r.answer(n); status != 0 {
				w.WriteHeader(status)
				return
			}
		}
		h.ServeHTTP(w, req)
	}))
	t.Cleanup(ts.Close)
	srv := newServer(t, append([]telnyxtest.Option{telnyxtest.WithWebhooks(ts.URL + "/hooks")}, opts...)...)
	v, err := webhook.NewVerifier(srv.WebhookPublicKey())
	if err != nil {
		t.Fatal(err)
	}
	h = webhook.Handler(v, func(_ context.Context, ev *webhook.Event) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.events = append(r.events, ev)
		return nil
	}, webhook.WithErrorHandler(func(_ *http.Request, err error) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.rejected = append(r.rejected, err)
	}), webhook.WithRememberedIDs(1000))
	return srv
}

// got waits for the deliveries and returns the events received, one line each.
func (r *receiver) got(t *testing.T, srv *telnyxtest.Server) []string {
	t.Helper()
	if err := srv.WaitWebhooks(t.Context()); err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.rejected) > 0 {
		t.Fatalf("the receiver refused deliveries: %v", r.rejected)
	}
	var out []string
	for _, ev := range r.events {
		out = append(out, line(ev))
	}
	return out
}

func line(ev *webhook.Event) string {
	switch p := ev.Payload.(type) {
	case *webhook.SessionStarted:
		return fmt.Sprintf("started %s", p.SessionID[:4])
	case *webhook.ParticipantJoined:
		return fmt.Sprintf("joined %s %s", p.SessionID[:4], p.Context)
	case *webhook.ParticipantLeft:
		return fmt.Sprintf("left %s %s %ds %q", p.SessionID[:4], p.Context, p.DurationSecs, p.LeftReason)
	case *webhook.SessionEnded:
		return fmt.Sprintf("ended %s %ds", p.SessionID[:4], p.DurationSecs)
	}
	return "unexpected " + ev.Type
}

func TestWebhooksFollowTheStateChanges(t *testing.T) {
	t.Parallel()
	var r receiver
	srv := r.start(t)
	c := srv.Client()
	sess := srv.AddSession(telnyxtest.Session{ID: id('a'), Active: true, Participants: []telnyxtest.Participant{
		{Context: "Alice"}, {Context: "Gone", LeftAt: t0()}, {ID: id('b'), Context: "Bob"},
	}})
	srv.AddSession(telnyxtest.Session{ID: id('e')}) // ended when seeded: nothing to report
	srv.Advance(10 * time.Second)
	carol, err := srv.Join(sess.ID, telnyxtest.Participant{Context: "Carol"})
	if err != nil {
		t.Fatal(err)
	}
	srv.Advance(5 * time.Second)
	if _, err := srv.Leave(sess.ID, carol.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Leave(sess.ID, carol.ID); err != nil { // left already: nothing new
		t.Fatal(err)
	}
	srv.Advance(5 * time.Second)
	if err := c.RoomSessions.Kick(t.Context(), sess.ID, telnyx.Participants(id('b'))); err != nil {
		t.Fatal(err)
	}
	srv.Advance(40 * time.Second)
	if err := c.RoomSessions.End(t.Context(), sess.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.RoomSessions.End(t.Context(), sess.ID); err != nil { // ended already: nothing new
		t.Fatal(err)
	}
	equal(t, "events", r.got(t, srv), []string{
		"started aaaa",
		"joined aaaa Alice",
		"joined aaaa Bob",
		"joined aaaa Carol",
		`left aaaa Carol 5s ""`,
		`left aaaa Bob 20s "kicked"`,
		`left aaaa Alice 60s ""`,
		"ended aaaa 60s",
	})
	for _, ev := range r.events {
		if ev.Attempt != 1 || !strings.HasSuffix(ev.DeliveredTo, "/hooks") || ev.OccurredAt.Before(t0()) || ev.OccurredAt.After(t0().Add(time.Minute)) {
			t.Errorf("event %s: attempt %d, delivered to %q, occurred at %s", ev.Type, ev.Attempt, ev.DeliveredTo, ev.OccurredAt)
		}
	}
}

func TestWebhooksOfStateEndSessionAndAddSessionsJSON(t *testing.T) {
	t.Parallel()
	var r receiver
	srv := r.start(t)
	if _, err := srv.AddSessionsJSON([]byte(`[{"id":"` + id('c') + `","active":true,"participants":[{"context":"Dee"}]}]`)); err != nil {
		t.Fatal(err)
	}
	srv.Advance(3 * time.Second)
	if _, err := srv.EndSession(id('c')); err != nil {
		t.Fatal(err)
	}
	equal(t, "events", r.got(t, srv), []string{"started cccc", "joined cccc Dee", `left cccc Dee 3s ""`, "ended cccc 3s"})
}

func TestWebhooksAreRetriedUntilAnswered2xx(t *testing.T) {
	t.Parallel()
	r := receiver{answer: func(n int) int {
		if n <= 2 {
			return http.StatusServiceUnavailable
		}
		return 0
	}}
	srv := r.start(t, telnyxtest.WithWebhookRetry(5, 0))
	srv.AddSession(telnyxtest.Session{ID: id('a'), Active: true})
	equal(t, "events", r.got(t, srv), []string{"started aaaa"})
	if ev := r.events[0]; ev.Attempt != 3 {
		t.Errorf("attempt = %d, want 3", ev.Attempt)
	}
	d := srv.Webhooks()
	if len(d) != 1 || d[0].State != "delivered" || d[0].Attempts != 3 || d[0].Status != 200 || d[0].EventType != webhook.TypeSessionStarted {
		t.Fatalf("deliveries = %+v", d)
	}
}

func TestWebhooksGiveUpAfterTheLastAttempt(t *testing.T) {
	t.Parallel()
	r := receiver{answer: func(int) int { return http.StatusInternalServerError }}
	srv := r.start(t, telnyxtest.WithWebhookRetry(3, time.Microsecond))
	srv.AddSession(telnyxtest.Session{ID: id('a'), Active: true})
	if err := srv.WaitWebhooks(t.Context()); err != nil {
		t.Fatal(err)
	}
	d := srv.Webhooks()
	if len(d) != 1 || d[0].State != "failed" || d[0].Attempts != 3 || d[0].Status != 500 {
		t.Fatalf("deliveries = %+v", d)
	}
}

func TestWebhooksOfASessionStayInOrderWhileRetried(t *testing.T) {
	t.Parallel()
	// The first delivery fails twice; the session's later events wait behind it, while
	// another session's are delivered meanwhile.
	r := receiver{answer: func(n int) int {
		if n <= 2 {
			return http.StatusBadGateway
		}
		return 0
	}}
	srv := r.start(t, telnyxtest.WithWebhookRetry(5, 0))
	srv.AddSession(telnyxtest.Session{ID: id('a'), Active: true, Participants: []telnyxtest.Participant{{Context: "A1"}, {Context: "A2"}, {Context: "A3"}}})
	got := r.got(t, srv)
	equal(t, "events", got, []string{"started aaaa", "joined aaaa A1", "joined aaaa A2", "joined aaaa A3"})
}

func TestWebhookFaults(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		fault telnyxtest.WebhookFault
		want  []string
	}{
		"duplicate": {telnyxtest.WebhookFault{EventType: webhook.TypeParticipantJoined, Duplicate: true, Times: 1},
			[]string{"started aaaa", "joined aaaa Alice", "joined aaaa Alice", `left aaaa Alice 0s ""`}},
		"out of order": {telnyxtest.WebhookFault{EventType: webhook.TypeParticipantJoined, OutOfOrder: true},
			[]string{"started aaaa", `left aaaa Alice 0s ""`, "joined aaaa Alice"}},
		"delay keeps the order": {telnyxtest.WebhookFault{EventType: webhook.TypeSessionStarted, Delay: time.Millisecond},
			[]string{"started aaaa", "joined aaaa Alice", `left aaaa Alice 0s ""`}},
		"another type": {telnyxtest.WebhookFault{EventType: webhook.TypeSessionEnded, Duplicate: true},
			[]string{"started aaaa", "joined aaaa Alice", `left aaaa Alice 0s ""`}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := receiver{}
			srv := r.start(t)
			srv.FailWebhooks(tc.fault)
			sess := srv.AddSession(telnyxtest.Session{ID: id('a'), Active: true})
			p, err := srv.Join(sess.ID, telnyxtest.Participant{Context: "Alice"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := srv.Leave(sess.ID, p.ID); err != nil {
				t.Fatal(err)
			}
			var got []string
			// The handler acknowledges a duplicate without calling its function: count
			// the deliveries instead.
			for _, d := range srv.Webhooks() {
				if d.Duplicate {
					got = append(got, "(duplicate)")
				}
			}
			got = append(r.got(t, srv), got...)
			want := tc.want
			if tc.fault.Duplicate && tc.fault.EventType == webhook.TypeParticipantJoined {
				want = []string{"started aaaa", "joined aaaa Alice", `left aaaa Alice 0s ""`, "(duplicate)"}
			}
			equal(t, "events", got, want)
		})
	}
}

func TestWebhookDuplicateReachesTheEndpointTwice(t *testing.T) {
	t.Parallel()
	r := receiver{}
	srv := r.start(t)
	srv.FailWebhooks(telnyxtest.WebhookFault{Duplicate: true, Times: 1})
	srv.AddSession(telnyxtest.Session{ID: id('a'), Active: true})
	equal(t, "events", r.got(t, srv), []string{"started aaaa"})
	d := srv.Webhooks()
	if len(d) != 2 || d[0].EventID != d[1].EventID || d[0].Duplicate || !d[1].Duplicate || d[1].State != "delivered" {
		t.Fatalf("deliveries = %+v", d)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.arrivals != 2 {
		t.Fatalf("%d deliveries reached the endpoint, want 2", r.arrivals)
	}
}

func TestWebhookFaultTimesRunOut(t *testing.T) {
	t.Parallel()
	r := receiver{}
	srv := r.start(t)
	srv.FailWebhooks(telnyxtest.WebhookFault{Duplicate: true, Times: 1})
	srv.AddSession(telnyxtest.Session{Active: true})
	srv.AddSession(telnyxtest.Session{Active: true})
	srv.FailWebhooks(telnyxtest.WebhookFault{Duplicate: true})
	srv.ClearWebhookFaults()
	srv.AddSession(telnyxtest.Session{Active: true})
	if err := srv.WaitWebhooks(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Webhooks()); n != 4 {
		t.Fatalf("%d deliveries, want 4 (3 events, the first duplicated)", n)
	}
}

func TestWaitWebhooksEndsWithItsContext(t *testing.T) {
	t.Parallel()
	block := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-block }))
	defer ts.Close()
	defer close(block)
	srv := telnyxtest.NewServer(telnyxtest.WithWebhooks(ts.URL))
	defer srv.Close()
	srv.AddSession(telnyxtest.Session{Active: true})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := srv.WaitWebhooks(ctx); err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("err = %v", err)
	}
}

func TestCloseEndsPendingDeliveries(t *testing.T) {
	t.Parallel()
	block := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-block }))
	defer ts.Close()
	defer close(block)
	srv := telnyxtest.NewServer(telnyxtest.WithWebhooks(ts.URL))
	srv.AddSession(telnyxtest.Session{Active: true})
	srv.Close() // returns although the endpoint never answers
	d := srv.Webhooks()
	if len(d) != 1 || d[0].State != "failed" {
		t.Fatalf("deliveries after Close = %+v", d)
	}
	if err := srv.WaitWebhooks(t.Context()); err != nil && !strings.Contains(err.Error(), "closed") {
		t.Fatalf("WaitWebhooks after Close: %v", err)
	}
}

func TestWithoutWebhooks(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.AddSession(telnyxtest.Session{Active: true})
	if k := srv.WebhookPublicKey(); k != "" {
		t.Errorf("WebhookPublicKey = %q", k)
	}
	if err := srv.WaitWebhooks(t.Context()); err != nil || srv.Webhooks() != nil {
		t.Errorf("WaitWebhooks = %v, Webhooks = %v", err, srv.Webhooks())
	}
	srv.FailWebhooks(telnyxtest.WebhookFault{Duplicate: true}) // no effect, no panic
	srv.ClearWebhookFaults()
}

func TestWebhookKeyFollowsTheSeed(t *testing.T) {
	t.Parallel()
	key := func(opts ...telnyxtest.Option) string {
		srv := telnyxtest.NewServer(append(opts, telnyxtest.WithWebhooks("http://127.0.0.1:1/"))...)
		defer srv.Close()
		return srv.WebhookPublicKey()
	}
	a, b, c := key(telnyxtest.WithSeed(7)), key(telnyxtest.WithSeed(7)), key()
	if a != b || a == c || a == "" {
		t.Fatalf("keys: seeded %q and %q, random %q", a, b, c)
	}
	if _, err := webhook.NewVerifier(a); err != nil {
		t.Fatal(err)
	}
}

func TestWebhookToAnUnreachableURLFails(t *testing.T) {
	t.Parallel()
	srv := newServer(t, telnyxtest.WithWebhooks("http://127.0.0.1:1/hooks"), telnyxtest.WithWebhookRetry(2, 0))
	srv.AddSession(telnyxtest.Session{Active: true})
	if err := srv.WaitWebhooks(t.Context()); err != nil {
		t.Fatal(err)
	}
	d := srv.Webhooks()
	if len(d) != 1 || d[0].State != "failed" || d[0].Attempts != 2 || d[0].Status != 0 || d[0].Error == "" {
		t.Fatalf("deliveries = %+v", d)
	}
	if !slices.ContainsFunc(d, func(x telnyxtest.WebhookDelivery) bool { return strings.Contains(x.Error, "127.0.0.1:1") }) {
		t.Errorf("error %q does not say where", d[0].Error)
	}
}

func TestWebhooksOfEveryPerKeyWorldUseOneKey(t *testing.T) {
	t.Parallel()
	got := make(chan string, 4)
	var v *webhook.Verifier
	hooks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		webhook.Handler(v, func(_ context.Context, ev *webhook.Event) error {
			got <- ev.Type
			return nil
		}, webhook.WithErrorHandler(func(_ *http.Request, err error) { got <- err.Error() })).ServeHTTP(w, r)
	}))
	defer hooks.Close()
	sa := telnyxtest.NewStandalone(telnyxtest.WithPerKey(), telnyxtest.WithWebhooks(hooks.URL))
	defer sa.Close()
	var err error
	if v, err = webhook.NewVerifier(sa.State().WebhookPublicKey()); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(sa)
	defer ts.Close()
	req, err := http.NewRequestWithContext(t.Context(), "POST", ts.URL+"/__admin/sessions", strings.NewReader(`{"active":true}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer another-world-key")
	resp, err := ownClient(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /__admin/sessions in another world: %d", resp.StatusCode)
	}
	if g := <-got; g != webhook.TypeSessionStarted {
		t.Fatalf("the default world's key: %s", g)
	}
	if sa.State().Webhooks() != nil && len(sa.State().Webhooks()) != 0 {
		t.Errorf("the default world delivered %v", sa.State().Webhooks())
	}
}

func TestResetForgetsWebhookFaultsAndDeliveries(t *testing.T) {
	t.Parallel()
	r := receiver{}
	srv := r.start(t)
	srv.AddSession(telnyxtest.Session{ID: id('a'), Active: true})
	if err := srv.WaitWebhooks(t.Context()); err != nil {
		t.Fatal(err)
	}
	srv.FailWebhooks(telnyxtest.WebhookFault{Duplicate: true})
	srv.Reset()
	if d := srv.Webhooks(); len(d) != 0 {
		t.Fatalf("deliveries after Reset: %+v", d)
	}
	srv.AddSession(telnyxtest.Session{ID: id('b'), Active: true})
	if err := srv.WaitWebhooks(t.Context()); err != nil {
		t.Fatal(err)
	}
	if d := srv.Webhooks(); len(d) != 1 || d[0].Duplicate {
		t.Fatalf("deliveries after Reset and a new session: %+v (the duplicate fault should be gone)", d)
	}
}
