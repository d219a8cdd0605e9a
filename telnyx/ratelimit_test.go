package telnyx_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// delayLog is a slog handler keeping, for each message, the "delay" (or "pause") of
// its records: what the client decided to wait, observed without timing anything.
type delayLog struct {
	mu     sync.Mutex
	delays map[string][]time.Duration
}

func newDelayLog() *delayLog { return &delayLog{delays: map[string][]time.Duration{}} }

func (h *delayLog) Enabled(context.Context, slog.Level) bool { return true }
func (h *delayLog) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *delayLog) WithGroup(string) slog.Handler            { return h }
func (h *delayLog) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.delays[r.Message]; !ok {
		h.delays[r.Message] = nil
	}
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "delay" || a.Key == "pause" {
			h.delays[r.Message] = append(h.delays[r.Message], a.Value.Duration())
		}
		return true
	})
	return nil
}

func (h *delayLog) of(msg string) []time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]time.Duration(nil), h.delays[msg]...)
}

// clockedServer answers with h and notes the fake clock's time at each arrival.
func clockedServer(t *testing.T, clock *fakeClock, h numberedHandler) (*recordingServer, func() []time.Time) {
	var mu sync.Mutex
	var at []time.Time
	rs := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		mu.Lock()
		at = append(at, clock.Now())
		mu.Unlock()
		h(w, r, n)
	})
	return rs, func() []time.Time {
		mu.Lock()
		defer mu.Unlock()
		return append([]time.Time(nil), at...)
	}
}

func TestRateLimitRemainingZeroHoldsEveryCallerUntilReset(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(testEpoch())
	rs, arrivals := clockedServer(t, clock, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("x-ratelimit-limit", "100")
			w.Header().Set("x-ratelimit-remaining", "0")
			w.Header().Set("x-ratelimit-reset", "2")
		}
		writeOK(w, r)
	})
	c := rs.newClient(t, telnyx.WithSleep(clock.Sleep), telnyx.WithNow(clock.Now), telnyx.WithJitter(constJitter(0.5)))
	for range 2 { // two callers, one after the other
		if err := callGet(t.Context(), c); err != nil {
			t.Fatal(err)
		}
	}
	// The second call waited for the reset (2s) plus half of its 1s release spread.
	if got, want := clock.delays(), []time.Duration{2500 * time.Millisecond}; !reflect.DeepEqual(got, want) {
		t.Errorf("waits %v, want %v", got, want)
	}
	at := arrivals()
	if len(at) != 2 || at[1].Before(testEpoch().Add(2*time.Second)) {
		t.Errorf("requests arrived at %v; the second must not come before the reset at +2s", at)
	}
}

func TestRateLimit429ClosesTheWindowForOtherCallers(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(testEpoch())
	rs, arrivals := clockedServer(t, clock, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			writeAnswer(w, http.StatusTooManyRequests, "req-429", "")
			return
		}
		writeOK(w, r)
	})
	c := rs.newClient(t, telnyx.WithSleep(clock.Sleep), telnyx.WithNow(clock.Now), telnyx.WithMaxRetries(0))
	var apiErr *telnyx.Error
	if err := callGet(t.Context(), c); !errors.As(err, &apiErr) || apiErr.RetryAfter != time.Second {
		t.Fatalf("first caller: %v, want a 429 with RetryAfter 1s", err)
	}
	if err := callGet(t.Context(), c); err != nil { // another caller, not retrying anything
		t.Fatal(err)
	}
	if got := clock.delays(); !reflect.DeepEqual(got, []time.Duration{time.Second}) {
		t.Errorf("the second caller waited %v before its first attempt, want [1s]", got)
	}
	if at := arrivals(); len(at) != 2 || at[1].Before(testEpoch().Add(time.Second)) {
		t.Errorf("requests arrived at %v", at)
	}
}

func TestRateLimitWaitingCallersReleasedWithJitter(t *testing.T) {
	t.Parallel()
	// A clock that does not move: three callers find the same window, 1s long, and each
	// draws its own point in the 0.5s release spread.
	var delays []time.Duration
	var mu sync.Mutex
	sleep := func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		delays = append(delays, d)
		mu.Unlock()
		return ctx.Err()
	}
	jitters := []float64{0.1, 0.5, 0.9}
	var i int
	rs := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			writeAnswer(w, http.StatusTooManyRequests, "req-429", "")
			return
		}
		writeOK(w, r)
	})
	now := testEpoch()
	c := rs.newClient(t, telnyx.WithSleep(sleep), telnyx.WithNow(func() time.Time { return now }), telnyx.WithMaxRetries(0),
		telnyx.WithJitter(func() float64 { mu.Lock(); defer mu.Unlock(); j := jitters[i%3]; i++; return j }))
	_ = callGet(t.Context(), c) // the 429
	for range 3 {
		if err := callGet(t.Context(), c); err != nil {
			t.Fatal(err)
		}
	}
	want := []time.Duration{1050 * time.Millisecond, 1250 * time.Millisecond, 1450 * time.Millisecond}
	if !reflect.DeepEqual(delays, want) {
		t.Errorf("waits %v, want %v", delays, want)
	}
}

func TestRateLimitWindowPastTheDeadlineFailsAtOnce(t *testing.T) {
	t.Parallel()
	rs := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("x-ratelimit-remaining", "0")
		w.Header().Set("x-ratelimit-reset", "30")
		writeOK(w, r)
	})
	var slept []time.Duration
	c := rs.newClient(t, telnyx.WithSleep(func(ctx context.Context, d time.Duration) error {
		slept = append(slept, d)
		return ctx.Err()
	}))
	if err := callGet(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	err := callGet(ctx, c)
	if !errors.Is(err, telnyx.ErrRateLimited) || rs.count() != 1 || len(slept) != 0 {
		t.Errorf("err %v after %d requests and waits %v; want ErrRateLimited at once, no request sent", err, rs.count(), slept)
	}
}

func TestRetryAfterZeroOrPastMeansBackoff(t *testing.T) {
	t.Parallel()
	for _, ra := range []string{"0", "Thu, 01 Jan 1970 00:00:00 GMT"} {
		rs := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("Retry-After", ra)
			writeAnswer(w, http.StatusServiceUnavailable, "req-503", "")
		})
		clock := newFakeClock(testEpoch())
		c := rs.newClient(t, telnyx.WithSleep(clock.Sleep), telnyx.WithNow(clock.Now), telnyx.WithJitter(constJitter(0.5)))
		var apiErr *telnyx.Error
		if err := callGet(t.Context(), c); !errors.As(err, &apiErr) || apiErr.RetryAfter != 0 || apiErr.Attempts != 3 {
			t.Fatalf("Retry-After %q: %v", ra, err)
		}
		if got, want := clock.delays(), []time.Duration{375 * time.Millisecond, 750 * time.Millisecond}; !reflect.DeepEqual(got, want) {
			t.Errorf("Retry-After %q: waits %v, want the backoff %v", ra, got, want)
		}
	}
}

func TestWithBackoffTunesTheSchedule(t *testing.T) {
	t.Parallel()
	rs := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeAnswer(w, http.StatusServiceUnavailable, "req-503", "")
	})
	clock := newFakeClock(testEpoch())
	c := rs.newClient(t, telnyx.WithSleep(clock.Sleep), telnyx.WithNow(clock.Now), telnyx.WithJitter(constJitter(0.999999)),
		telnyx.WithBackoff(100*time.Millisecond, 150*time.Millisecond), telnyx.WithMaxRetries(3))
	_ = callGet(t.Context(), c)
	got := clock.delays()
	want := []time.Duration{100 * time.Millisecond, 150 * time.Millisecond, 150 * time.Millisecond}
	for i := range want {
		if i >= len(got) || got[i].Round(time.Millisecond) != want[i] {
			t.Fatalf("waits %v, want %v", got, want)
		}
	}
	for _, bad := range [][2]time.Duration{{0, time.Second}, {time.Second, time.Millisecond}, {-1, 0}} {
		if _, err := telnyx.NewClient(telnyx.WithAPIKey(testKey), telnyx.WithBackoff(bad[0], bad[1])); !errors.Is(err, telnyx.ErrInvalidArgument) {
			t.Errorf("WithBackoff(%v, %v): %v, want ErrInvalidArgument", bad[0], bad[1], err)
		}
	}
	for _, bad := range []float64{0, -1, 1.5} {
		if _, err := telnyx.NewClient(telnyx.WithAPIKey(testKey), telnyx.WithDelayScale(bad)); !errors.Is(err, telnyx.ErrInvalidArgument) {
			t.Errorf("WithDelayScale(%v): %v, want ErrInvalidArgument", bad, err)
		}
	}
}

// TestFakeClientWaitsTestSpeed: a user's test of a failing API against telnyxtest keeps
// every attempt but waits milliseconds; Error.RetryAfter still says what the API asked.
func TestFakeClientWaitsTestSpeed(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name          string
		fault         telnyxtest.Fault
		wantRetryAftr time.Duration
	}{
		{"503 on every attempt", telnyxtest.Fault{Status: 503}, 0},
		{"429 Retry-After 1 on every attempt", telnyxtest.Fault{Status: 429, Header: http.Header{"Retry-After": {"1"}}}, time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := telnyxtest.NewServer()
			t.Cleanup(srv.Close)
			srv.Fail(tc.fault)
			logs := newDelayLog()
			c := srv.Client(telnyx.WithLogger(slog.New(logs)))
			_, err := c.RoomSessions.List(t.Context(), nil)
			var apiErr *telnyx.Error
			if !errors.As(err, &apiErr) || apiErr.Attempts != 3 || apiErr.RetryAfter != tc.wantRetryAftr {
				t.Fatalf("err %v; want 3 attempts, RetryAfter %v", err, tc.wantRetryAftr)
			}
			var total time.Duration
			for _, msg := range []string{"telnyx: retry scheduled", "telnyx: waiting for the rate-limit window"} {
				for _, d := range logs.of(msg) {
					total += d
				}
			}
			if n := len(logs.of("telnyx: retry scheduled")); n != 2 || total <= 0 || total > 5*time.Millisecond {
				t.Errorf("%d retries scheduled, %v of waits in all; want 2, a few milliseconds", n, total)
			}
		})
	}
}
