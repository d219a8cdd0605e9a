package telnyx_test

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// Options per call: API.md "Options per call".

// everyOperation calls each of the nine operations of c with opts, draining iterators.
func everyOperation(ctx context.Context, c *telnyx.Client, opts ...telnyx.Option) map[string]error {
	rs := c.RoomSessions
	all := func(seq func(yield func(telnyx.RoomSession, error) bool)) (err error) {
		for _, e := range seq {
			if e != nil {
				return e
			}
		}
		return nil
	}
	_, errList := rs.List(ctx, nil, opts...)
	_, errGet := rs.Get(ctx, sessionID, nil, opts...)
	_, errParts := rs.Participants(ctx, sessionID, nil, opts...)
	var errAllParts error
	for _, e := range rs.AllParticipants(ctx, sessionID, nil, opts...) {
		if e != nil {
			errAllParts = e
			break
		}
	}
	return map[string]error{
		"List": errList, "Get": errGet, "Participants": errParts, "AllParticipants": errAllParts,
		"All":    all(rs.All(ctx, nil, opts...)),
		"End":    rs.End(ctx, sessionID, opts...),
		"Kick":   rs.Kick(ctx, sessionID, telnyx.AllParticipants(), opts...),
		"Mute":   rs.Mute(ctx, sessionID, telnyx.AllParticipants(), opts...),
		"Unmute": rs.Unmute(ctx, sessionID, telnyx.AllParticipants(), opts...),
	}
}

func TestCallOptionsClientOnlyAreRefused(t *testing.T) {
	t.Parallel()
	rs := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, n int) { writeOK(w, r) })
	c := rs.newClient(t)
	for name, opt := range map[string]telnyx.Option{
		"WithAPIKey":      telnyx.WithAPIKey(testKey),
		"WithBaseURL":     telnyx.WithBaseURL("https://api.example.test/v2"),
		"WithHTTPClient":  telnyx.WithHTTPClient(http.DefaultClient),
		"WithPlainHTTP":   telnyx.WithPlainHTTP(),
		"WithLimiter":     telnyx.WithLimiter(telnyx.NewLimiter()),
		"WithRetryBudget": telnyx.WithRetryBudget(10),
	} {
		for op, err := range everyOperation(t.Context(), c, telnyx.WithMaxRetries(0), opt) {
			if !errors.Is(err, telnyx.ErrInvalidArgument) || !strings.Contains(err.Error(), name) {
				t.Errorf("%s with %s: %v; want ErrInvalidArgument naming %s", op, name, err, name)
			}
		}
	}
	for op, err := range everyOperation(t.Context(), c, telnyx.WithMaxRetries(-1)) {
		if !errors.Is(err, telnyx.ErrInvalidArgument) {
			t.Errorf("%s with WithMaxRetries(-1): %v; want ErrInvalidArgument", op, err)
		}
	}
	for op, err := range everyOperation(t.Context(), c, nil) {
		if !errors.Is(err, telnyx.ErrInvalidArgument) {
			t.Errorf("%s with a nil option: %v; want ErrInvalidArgument", op, err)
		}
	}
	if n := rs.count(); n != 0 {
		t.Errorf("%d requests sent for refused calls", n)
	}
	// The client itself is unchanged: a call without options works.
	if err := callGet(t.Context(), c); err != nil {
		t.Fatal(err)
	}
}

func TestCallOptionsWithResponseIntoIsRefusedByNewClient(t *testing.T) {
	t.Parallel()
	var info telnyx.ResponseInfo
	_, err := telnyx.NewClient(telnyx.WithAPIKey(testKey), telnyx.WithResponseInto(&info))
	if !errors.Is(err, telnyx.ErrInvalidArgument) || !strings.Contains(err.Error(), "WithResponseInto") {
		t.Errorf("NewClient(WithResponseInto): %v; want ErrInvalidArgument naming it", err)
	}
}

func TestCallOptionsMaxRetriesForOneCall(t *testing.T) {
	t.Parallel()
	rs := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeAnswer(w, http.StatusServiceUnavailable, "req-503", "")
	})
	c := rs.newClient(t, telnyx.WithRetryBudget(0))
	ctx := t.Context()
	if err := c.RoomSessions.Mute(ctx, sessionID, telnyx.AllParticipants(), telnyx.WithMaxRetries(0)); err == nil {
		t.Fatal("want the 503")
	}
	if n := rs.count(); n != 1 {
		t.Errorf("Mute with WithMaxRetries(0): %d requests, want 1", n)
	}
	_ = c.RoomSessions.Unmute(ctx, sessionID, telnyx.AllParticipants()) // the client's 2 retries
	if n := rs.count(); n != 4 {
		t.Errorf("after an Unmute with the client's options: %d requests, want 1+3", n)
	}
}

func TestCallOptionsShareTheWindow(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(testEpoch())
	rs, arrivals := clockedServer(t, clock, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Retry-After", "2")
			writeAnswer(w, http.StatusTooManyRequests, "req-429", "")
			return
		}
		writeOK(w, r)
	})
	c := rs.newClient(t, telnyx.WithSleep(clock.Sleep), telnyx.WithNow(clock.Now), telnyx.WithMaxRetries(0))
	_ = callGet(t.Context(), c) // learns the window
	err := c.RoomSessions.Mute(t.Context(), sessionID, telnyx.AllParticipants(), telnyx.WithMaxRetries(0), telnyx.WithHeader("X-Trace", "1"))
	if err != nil {
		t.Fatal(err)
	}
	if at := arrivals(); len(at) != 2 || at[1].Before(testEpoch().Add(2*time.Second)) {
		t.Errorf("requests arrived at %v; the call with options must wait for the client's window (2s)", at)
	}
}

func TestCallOptionsShareTheBudget(t *testing.T) {
	t.Parallel()
	rs, _, c := apiDown(t)
	for range 5 { // a call with options draws from the client's budget
		_ = getWith(t.Context(), c, telnyx.WithTimeout(time.Minute))
	}
	var apiErr *telnyx.Error
	if err := callGet(t.Context(), c); !errors.As(err, &apiErr) || apiErr.Attempts != 1 {
		t.Errorf("after five calls with options spent the budget: %v, want one attempt", err)
	}
	if n := rs.count(); n != 5*3+1 {
		t.Errorf("%d requests, want 16", n)
	}
}

func TestCallOptionsWithHeader(t *testing.T) {
	t.Parallel()
	rs := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, n int) { writeOK(w, r) })
	c := rs.newClient(t, telnyx.WithHeader("x-team", "video"), telnyx.WithHeader("X-Trace", "client"))
	if err := getWith(t.Context(), c, telnyx.WithHeader("x-trace", "call")); err != nil {
		t.Fatal(err)
	}
	if err := callGet(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	reqs := rs.requests()
	for i, want := range []map[string][]string{
		{"X-Team": {"video"}, "X-Trace": {"call"}},
		{"X-Team": {"video"}, "X-Trace": {"client"}},
	} {
		for k, v := range want {
			if got := reqs[i].Header[k]; !reflect.DeepEqual(got, v) {
				t.Errorf("request %d: %s = %q, want %q", i, k, got, v)
			}
		}
	}
	if got := reqs[0].Header.Get("Authorization"); got != "Bearer "+testKey {
		t.Errorf("Authorization %q", got)
	}
	for _, bad := range [][2]string{
		{"Authorization", "Bearer x"}, {"content-type", "text/plain"}, {"Content-Length", "3"},
		{"Host", "evil.test"}, {"User-Agent", "me"}, {"X-Ok", "a\r\nX-Injected: 1"}, {"X-Ok", "a\nb"},
		{"", "v"}, {"Bad Name", "v"}, {"Bad:Name", "v"},
	} {
		if _, err := telnyx.NewClient(telnyx.WithAPIKey(testKey), telnyx.WithHeader(bad[0], bad[1])); !errors.Is(err, telnyx.ErrInvalidArgument) {
			t.Errorf("NewClient(WithHeader(%q, %q)): %v, want ErrInvalidArgument", bad[0], bad[1], err)
		}
		if err := getWith(t.Context(), c, telnyx.WithHeader(bad[0], bad[1])); !errors.Is(err, telnyx.ErrInvalidArgument) {
			t.Errorf("Get with WithHeader(%q, %q): %v, want ErrInvalidArgument", bad[0], bad[1], err)
		}
	}
	if n := rs.count(); n != 2 {
		t.Errorf("%d requests, want the 2 valid ones", n)
	}
}

func TestRetryBudgetSizedOrOff(t *testing.T) {
	t.Parallel()
	attemptsOf := func(c *telnyx.Client, calls int) []int {
		var out []int
		for range calls {
			var apiErr *telnyx.Error
			err := callGet(t.Context(), c)
			if !errors.As(err, &apiErr) {
				t.Fatalf("%v, want a 503", err)
			}
			out = append(out, apiErr.Attempts)
		}
		return out
	}
	rs, clock, _ := apiDown(t)
	off := rs.newClient(t, telnyx.WithSleep(clock.Sleep), telnyx.WithNow(clock.Now), telnyx.WithRetryBudget(0))
	if got := attemptsOf(off, 20); !reflect.DeepEqual(got, repeat(3, 20)) {
		t.Errorf("budget off: attempts %v, want 3 each", got)
	}
	small := rs.newClient(t, telnyx.WithSleep(clock.Sleep), telnyx.WithNow(clock.Now), telnyx.WithRetryBudget(10))
	if got := attemptsOf(small, 4); !reflect.DeepEqual(got, []int{3, 1, 1, 1}) {
		t.Errorf("budget of 10: attempts %v, want [3 1 1 1]", got)
	}
	err := callGet(t.Context(), small)
	if !errors.Is(err, telnyx.ErrRetryBudgetExhausted) || !errors.Is(err, telnyx.ErrServer) ||
		!strings.Contains(err.Error(), "client's retry budget is empty") {
		t.Errorf("error of a call the budget kept from retrying: %v; want ErrRetryBudgetExhausted and ErrServer, saying the client's budget is empty", err)
	}
	if _, err := telnyx.NewClient(telnyx.WithAPIKey(testKey), telnyx.WithRetryBudget(-1)); !errors.Is(err, telnyx.ErrInvalidArgument) {
		t.Errorf("WithRetryBudget(-1): %v, want ErrInvalidArgument", err)
	}
}

func repeat(v, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func TestWithLimiterSharedByClients(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(testEpoch())
	rs, arrivals := clockedServer(t, clock, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("x-ratelimit-remaining", "0")
			w.Header().Set("x-ratelimit-reset", "3")
		}
		writeOK(w, r)
	})
	shared := telnyx.NewLimiter()
	a := rs.newClient(t, telnyx.WithSleep(clock.Sleep), telnyx.WithNow(clock.Now), telnyx.WithLimiter(shared))
	b := rs.newClient(t, telnyx.WithSleep(clock.Sleep), telnyx.WithNow(clock.Now), telnyx.WithLimiter(shared))
	if err := callGet(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	if err := callGet(t.Context(), b); err != nil {
		t.Fatal(err)
	}
	if at := arrivals(); len(at) != 2 || at[1].Before(testEpoch().Add(3*time.Second)) {
		t.Errorf("requests arrived at %v; client b must wait for the window client a learned (3s)", at)
	}
	// A client with its own limiter does not wait.
	own := rs.newClient(t, telnyx.WithSleep(clock.Sleep), telnyx.WithNow(clock.Now))
	before := len(clock.delays())
	if err := callGet(t.Context(), own); err != nil || len(clock.delays()) != before {
		t.Errorf("a client with its own limiter: %v, waits %v", err, clock.delays()[before:])
	}
}

func TestWindowErrorSaysWhatWasLeft(t *testing.T) {
	t.Parallel()
	rs := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("x-ratelimit-remaining", "0")
		w.Header().Set("x-ratelimit-reset", "30")
		writeOK(w, r)
	})
	c := rs.newClient(t)
	if err := callGet(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	var we *telnyx.WindowError
	if err := callGet(ctx, c); !errors.As(err, &we) || we.RetryAfter < 29*time.Second || we.RetryAfter > 30*time.Second || !errors.Is(err, telnyx.ErrRateLimited) {
		t.Errorf("%v; want a *WindowError with RetryAfter 30s matching ErrRateLimited", err)
	}
}

func TestWithResponseIntoOnAnIterator(t *testing.T) {
	t.Parallel()
	rs := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("X-Page", r.URL.Query().Get("page[number]"))
		pagedSessions(3)(w, r)
	})
	c := rs.newClient(t)
	var info telnyx.ResponseInfo
	p := &telnyx.ListRoomSessionsParams{PageSize: 1}
	items, err := telnyx.Collect(c.RoomSessions.All(t.Context(), p, telnyx.WithResponseInto(&info), telnyx.WithPageConcurrency(1)))
	if err != nil || len(items) != 3 {
		t.Fatalf("%d items, %v", len(items), err)
	}
	if info.Header.Get("X-Page") != "3" || info.StatusCode != 200 || info.Attempts != 1 {
		t.Errorf("info %+v, want the latest page's answer", info)
	}
}
