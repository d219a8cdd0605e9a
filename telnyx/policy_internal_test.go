package telnyx

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

// The policy as tables: outcomes in, decisions out, with no HTTP server.

// epoch is the fake clock's start, in the future so that deadlines set from it are not past.
var epoch = time.Date(2099, 3, 2, 10, 0, 0, 0, time.UTC)

// testConfig is a checked configuration with a fixed jitter, a clock at epoch and a
// sleep that records.
func testConfig(t *testing.T, jitter float64, opts ...Option) (*config, *[]time.Duration) {
	t.Helper()
	cfg := defaultConfig()
	var slept []time.Duration
	cfg.jitter = func() float64 { return jitter }
	cfg.now = func() time.Time {
		now := epoch
		for _, d := range slept {
			now = now.Add(d)
		}
		return now
	}
	cfg.sleep = func(ctx context.Context, d time.Duration) error { slept = append(slept, d); return ctx.Err() }
	cfg.limiter = NewLimiter()
	for _, o := range opts {
		o(&cfg)
	}
	if err := cfg.check(); err != nil {
		t.Fatal(err)
	}
	return &cfg, &slept
}

func TestPolicyRetryDelay(t *testing.T) {
	t.Parallel()
	e503 := outcome{err: errors.New("503"), retry: true, status: 503}
	e404 := outcome{err: errors.New("404"), status: 404}
	withDelay := func(o outcome, status int, d time.Duration) outcome {
		o.status, o.delay = status, d
		return o
	}
	for _, tc := range []struct {
		name     string
		res      outcome
		n        int
		jitter   float64
		deadline time.Duration // from epoch; 0 = none
		opts     []Option
		want     time.Duration
		wantEnd  time.Duration // the window a 429 closed, from epoch; 0 = none
		wantOK   bool
	}{
		{name: "not retryable", res: e404, n: 1},
		{name: "retries used up", res: e503, n: 3},
		{name: "retries off for the call", res: e503, n: 1, opts: []Option{WithMaxRetries(0)}},
		{name: "backoff 1, lowest jitter", res: e503, n: 1, want: 250 * time.Millisecond, wantOK: true},
		{name: "backoff 2, lowest jitter", res: e503, n: 2, want: 500 * time.Millisecond, wantOK: true},
		{name: "backoff 2, middle jitter", res: e503, n: 2, jitter: 0.5, want: 750 * time.Millisecond, wantOK: true},
		{name: "backoff capped at 8s", res: e503, n: 6, opts: []Option{WithMaxRetries(9)}, want: 4 * time.Second, wantOK: true},
		{name: "server delay replaces backoff", res: withDelay(e503, 503, 3*time.Second), n: 1, want: 3 * time.Second, wantOK: true},
		{name: "server delay of 60s is waited", res: withDelay(e503, 503, 60*time.Second), n: 1, want: 60 * time.Second, wantOK: true},
		{name: "server delay over 60s is not", res: withDelay(e503, 503, 61*time.Second), n: 1},
		{name: "429 delay: window end and spread", res: withDelay(e503, 429, time.Second), n: 1, jitter: 0.5, want: 1250 * time.Millisecond, wantEnd: time.Second, wantOK: true},
		{name: "429 spread at most 1s", res: withDelay(e503, 429, 10*time.Second), n: 1, jitter: 0.5, want: 10500 * time.Millisecond, wantEnd: 10 * time.Second, wantOK: true},
		{name: "deadline before the retry", res: withDelay(e503, 503, 3*time.Second), n: 1, deadline: 2 * time.Second},
		{name: "deadline after the retry", res: withDelay(e503, 503, 3*time.Second), n: 1, deadline: 4 * time.Second, want: 3 * time.Second, wantOK: true},
		{name: "scaled", res: withDelay(e503, 429, 2*time.Second), n: 1, opts: []Option{WithDelayScale(0.001)}, jitter: 0.5, want: 2500 * time.Microsecond, wantEnd: 2 * time.Millisecond, wantOK: true},
		{name: "scale checks the ceiling unscaled", res: withDelay(e503, 503, 61*time.Second), n: 1, opts: []Option{WithDelayScale(0.001)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, _ := testConfig(t, tc.jitter, tc.opts...)
			var deadline time.Time
			if tc.deadline > 0 {
				deadline = epoch.Add(tc.deadline)
			}
			d, end, ok := cfg.retryDelay(&tc.res, tc.n, epoch, deadline)
			var wantEnd time.Time
			if tc.wantEnd > 0 {
				wantEnd = epoch.Add(tc.wantEnd)
			}
			if d != tc.want || ok != tc.wantOK || !end.Equal(wantEnd) {
				t.Errorf("retryDelay = %v, end %v, %v; want %v, end %v, %v", d, end, ok, tc.want, wantEnd, tc.wantOK)
			}
		})
	}
}

func TestPolicyClassification(t *testing.T) {
	t.Parallel()
	for code, want := range map[int]bool{408: true, 429: true, 500: true, 502: true, 503: true, 504: true,
		400: false, 401: false, 403: false, 404: false, 409: false, 422: false, 501: false, 505: false} {
		if got := retryableStatus(code); got != want {
			t.Errorf("retryableStatus(%d) = %v, want %v", code, got, want)
		}
	}
}

func TestPolicyServerDelay(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status  int
		headers map[string]string
		want    time.Duration
		ok      bool
	}{
		{503, nil, 0, false},
		{503, map[string]string{"Retry-After": "3"}, 3 * time.Second, true},
		{503, map[string]string{"Retry-After": "0"}, 0, true},
		{503, map[string]string{"Retry-After": epoch.Add(5 * time.Second).Format(http.TimeFormat)}, 5 * time.Second, true},
		{503, map[string]string{"Retry-After": epoch.Add(-5 * time.Second).Format(http.TimeFormat)}, 0, true},
		{503, map[string]string{"Retry-After": "soon"}, 0, false},
		{503, map[string]string{"retry-after-ms": "1500", "Retry-After": "9"}, 1500 * time.Millisecond, true},
		{503, map[string]string{"x-ratelimit-reset": "4"}, 0, false},
		{429, map[string]string{"x-ratelimit-reset": "4"}, 4 * time.Second, true},
		{429, map[string]string{"x-ratelimit-reset": "NaN"}, 0, false},
		{429, map[string]string{"retry-after-ms": "-1"}, 0, false},
	} {
		h := http.Header{}
		for k, v := range tc.headers {
			h.Set(k, v)
		}
		d, ok := serverDelay(&http.Response{StatusCode: tc.status, Header: h}, epoch)
		if d != tc.want || ok != tc.ok {
			t.Errorf("%d %v: %v, %v; want %v, %v", tc.status, tc.headers, d, ok, tc.want, tc.ok)
		}
	}
}

func TestPolicyObservation(t *testing.T) {
	t.Parallel()
	cfg, _ := testConfig(t, 0, WithDelayScale(0.5))
	h := http.Header{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {"4"}}
	o := cfg.observation(&outcome{status: 429, header: h, delay: 2 * time.Second})
	if o.Status != 429 || o.RetryAfter != time.Second || o.RateLimit.Reset != 2*time.Second || o.RateLimit.Remaining != 0 {
		t.Errorf("observation %+v %+v; want 429, RetryAfter 1s, Reset 2s (scaled by 0.5)", o, o.RateLimit)
	}
	h = http.Header{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {"61"}}
	o = cfg.observation(&outcome{status: 429, header: h, delay: 61 * time.Second})
	if o.RetryAfter != 0 || o.RateLimit.Reset != -1 {
		t.Errorf("observation beyond the ceiling %+v %+v; want no delay", o, o.RateLimit)
	}
	if o := cfg.observation(&outcome{status: 503, header: http.Header{}, delay: time.Second}); o.RetryAfter != 0 || o.RateLimit != nil {
		t.Errorf("a 503's observation %+v; only a 429's delay closes the window", o)
	}
}

func TestLimiterWindowAndBudget(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	l := NewLimiter()
	if r := l.Reserve(ctx, epoch); r != (Reservation{}) {
		t.Errorf("fresh limiter: %+v, want open and full", r)
	}
	l.Observe(ctx, epoch, Observation{Status: 429, RetryAfter: 2 * time.Second})
	l.Observe(ctx, epoch, Observation{Status: 200, RateLimit: &RateLimit{Remaining: 0, Reset: time.Second}})
	l.Observe(ctx, epoch, Observation{Status: 200, RateLimit: &RateLimit{Remaining: 3, Reset: 9 * time.Second}})
	l.Observe(ctx, epoch, Observation{Status: 503, RetryAfter: 9 * time.Second})
	if r := l.Reserve(ctx, epoch.Add(500*time.Millisecond)); r.Wait != 1500*time.Millisecond {
		t.Errorf("wait %v, want 1.5s: the longest closing kept, remaining > 0 and non-429 ignored", r.Wait)
	}
	if r := l.Reserve(ctx, epoch.Add(2*time.Second)); r.Wait != 0 {
		t.Errorf("wait %v after the reset, want 0", r.Wait)
	}
	// Deficit model: a budget of any capacity starts full.
	rel1, ok1 := l.Draw(ctx, 5, 12)
	_, ok2 := l.Draw(ctx, 5, 12)
	_, ok3 := l.Draw(ctx, 5, 12)
	if !ok1 || !ok2 || ok3 || l.Reserve(ctx, epoch).Drawn != 10 {
		t.Fatalf("draws of 5 from 12: %v %v %v, drawn %d; want two then none, 10 drawn", ok1, ok2, ok3, l.Reserve(ctx, epoch).Drawn)
	}
	rel1()
	l.Refund(ctx, 1)
	if d := l.Reserve(ctx, epoch).Drawn; d != 4 {
		t.Errorf("drawn %d after a release and a refund of 1, want 4", d)
	}
	l.Refund(ctx, 100)
	if d := l.Reserve(ctx, epoch).Drawn; d != 0 {
		t.Errorf("drawn %d after refunding more than drawn, want 0 (never above full)", d)
	}
}

// fakeLimiter answers Reserve with fixed waits and records what it is told.
type fakeLimiter struct {
	waits    []time.Duration // successive Reserve waits; then 0
	drawn    int
	draws    []int
	refunds  []int
	released int
	observed []Observation
}

func (f *fakeLimiter) Reserve(context.Context, time.Time) Reservation {
	r := Reservation{Drawn: f.drawn}
	if len(f.waits) > 0 {
		r.Wait, f.waits = f.waits[0], f.waits[1:]
	}
	return r
}
func (f *fakeLimiter) Observe(_ context.Context, _ time.Time, o Observation) {
	f.observed = append(f.observed, o)
}
func (f *fakeLimiter) Draw(_ context.Context, cost, capacity int) (func(), bool) {
	f.draws = append(f.draws, cost)
	if f.drawn+cost > capacity {
		return nil, false
	}
	f.drawn += cost
	return func() { f.released += cost }, true
}
func (f *fakeLimiter) Refund(_ context.Context, n int) { f.refunds = append(f.refunds, n) }

func TestPolicyWaiterBefore(t *testing.T) {
	t.Parallel()
	req, _ := http.NewRequest("GET", "http://x/v2/room_sessions", nil)
	for _, tc := range []struct {
		name     string
		waits    []time.Duration
		drawn    int
		attempts int
		deadline time.Duration
		last     error
		slept    []time.Duration
		err      error // matched with errors.Is
	}{
		{name: "open window, full budget", slept: nil},
		{name: "window: wait, spread, ask again", waits: []time.Duration{2 * time.Second}, slept: []time.Duration{2500 * time.Millisecond}},
		{name: "window past the deadline", waits: []time.Duration{2 * time.Second}, deadline: 2 * time.Second, err: ErrRateLimited},
		{name: "window past the ceiling", waits: []time.Duration{61 * time.Second}, err: ErrRateLimited},
		{name: "window too late after a failure: the failure", waits: []time.Duration{61 * time.Second}, last: errPrevious, attempts: 1, err: errPrevious},
		{name: "empty budget paces a first attempt", drawn: 46, slept: []time.Duration{375 * time.Millisecond}},
		{name: "empty budget, near deadline: half the time left", drawn: 46, deadline: 200 * time.Millisecond, slept: []time.Duration{100 * time.Millisecond}},
		{name: "a retry is not paced", drawn: 46, attempts: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, slept := testConfig(t, 0.5)
			cfg.limiter = &fakeLimiter{waits: tc.waits, drawn: tc.drawn}
			ctx := t.Context()
			if tc.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithDeadline(ctx, epoch.Add(tc.deadline))
				defer cancel()
			}
			w := waiter{cfg: cfg, op: opGetSession, req: req, n: tc.attempts, last: tc.last}
			err := w.before(ctx)
			if tc.err == nil && err != nil || tc.err != nil && !errors.Is(err, tc.err) {
				t.Errorf("before: %v, want %v", err, tc.err)
			}
			if len(*slept) != len(tc.slept) || len(tc.slept) > 0 && (*slept)[0] != tc.slept[0] {
				t.Errorf("slept %v, want %v", *slept, tc.slept)
			}
		})
	}
}

var errPrevious = errors.New("the previous attempt's failure")

func TestPolicyWaiterAfter(t *testing.T) {
	t.Parallel()
	req, _ := http.NewRequest("GET", "http://x/v2/room_sessions", nil)
	e503 := outcome{err: &Error{StatusCode: 503}, retry: true, status: 503, header: http.Header{}}
	// As attempt hands it over: wrapped by noAnswerErr.
	timedOut := noAnswerErr(context.Background(), "GET /room_sessions", 1, &attemptTimeout{after: time.Second})
	timeout := outcome{err: timedOut, retry: true, noAnswer: true}
	for _, tc := range []struct {
		name      string
		outcomes  []outcome
		budget    int
		drawn     int
		wantAgain []bool
		wantDraws []int
		refunds   []int
		released  int
		err       error
	}{
		{name: "success at once refunds 1", outcomes: []outcome{{}}, budget: 50, wantAgain: []bool{false}, refunds: []int{1}},
		{name: "retry then success releases the draw", outcomes: []outcome{e503, {}}, budget: 50, wantAgain: []bool{true, false}, wantDraws: []int{5}, released: 5},
		{name: "timeout draws 10", outcomes: []outcome{timeout, {}}, budget: 50, wantAgain: []bool{true, false}, wantDraws: []int{10}, released: 10},
		{name: "empty budget: not retried", outcomes: []outcome{e503}, budget: 50, drawn: 46, wantAgain: []bool{false}, wantDraws: []int{5}, err: ErrRetryBudgetExhausted},
		{name: "budget off: no draw, no refund", outcomes: []outcome{e503, {}}, budget: 0, wantAgain: []bool{true, false}},
		{name: "retries used up: the failure", outcomes: []outcome{e503, e503, e503}, budget: 50, wantAgain: []bool{true, true, false}, wantDraws: []int{5, 5}, err: ErrServer},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, _ := testConfig(t, 0)
			cfg.budget = tc.budget
			fl := &fakeLimiter{drawn: tc.drawn}
			cfg.limiter = fl
			w := waiter{cfg: cfg, op: opGetSession, req: req}
			var err error
			for i, o := range tc.outcomes {
				var again bool
				again, err = w.after(t.Context(), &o)
				if again != tc.wantAgain[i] {
					t.Fatalf("after outcome %d: again %v, want %v", i, again, tc.wantAgain[i])
				}
			}
			if tc.err == nil && err != nil || tc.err != nil && !errors.Is(err, tc.err) {
				t.Errorf("err %v, want %v", err, tc.err)
			}
			if len(fl.draws) != len(tc.wantDraws) || len(fl.refunds) != len(tc.refunds) || fl.released != tc.released {
				t.Errorf("draws %v refunds %v released %d; want %v %v %d", fl.draws, fl.refunds, fl.released, tc.wantDraws, tc.refunds, tc.released)
			}
		})
	}
}

// The default clock reads the wall clock only: with monotonic readings, a window the
// limiter keeps in Unix time and a wait computed from another reading could disagree by a
// descheduling between a reading's two parts (TestFaultMatrix once waited for a window
// twice under a CPU hog: waits [2s 1.999954634s]).
func TestDefaultClockIsWallOnly(t *testing.T) {
	t.Parallel()
	cfg := defaultConfig()
	if now := cfg.now(); now != now.Round(0) {
		t.Errorf("the default clock %v carries a monotonic reading", now)
	}
}
