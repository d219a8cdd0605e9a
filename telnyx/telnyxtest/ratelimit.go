package telnyxtest

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// WithRateLimit makes the fake enforce an account-wide rate limit, as the API does: a
// fixed window of length window that opens with the first request after the previous
// one ended, in which n requests are served, whatever their key, path or outcome.
// Every answer then reports the window in x-ratelimit-limit, x-ratelimit-remaining and
// x-ratelimit-reset (whole seconds until it resets, rounded up), and a request past the
// limit gets 429 with code 10011 instead of its answer. The window follows the fake's
// clock ([WithClock], [State.SetNow], [State.Advance]). An n below 1 or a window of
// zero or less leaves the fake unlimited, reporting fixed headers.
func WithRateLimit(n int, window time.Duration) Option {
	return func(c *config) {
		c.rateN, c.rateWindow = n, window
	}
}

// fixedWindow is the account-wide rate limit of [WithRateLimit]. It has its own lock,
// so that several worlds of one fake may share it.
type fixedWindow struct {
	n      int
	length time.Duration

	mu    sync.Mutex
	start time.Time // when the current window opened; zero: none yet
	count int       // requests received in it
}

// newFixedWindow returns the limit of cfg, or nil when there is none.
func newFixedWindow(cfg *config) *fixedWindow {
	if cfg.rateN < 1 || cfg.rateWindow <= 0 {
		return nil
	}
	return &fixedWindow{n: cfg.rateN, length: cfg.rateWindow}
}

// quota is what one answer reports about the window, after counting its request.
type quota struct {
	limit, remaining int
	reset            time.Duration // until the window resets; always positive
	allowed          bool          // whether the request is within the limit
}

// take counts a request received at now. A nil window allows everything and reports
// nothing.
func (w *fixedWindow) take(now time.Time) *quota {
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	end := w.start.Add(w.length)
	if w.start.IsZero() || !now.Before(end) || now.Before(w.start) {
		w.start, w.count, end = now, 0, now.Add(w.length) // a clock set back opens one too
	}
	w.count++
	return &quota{
		limit:     w.n,
		remaining: max(w.n-w.count, 0),
		reset:     end.Sub(now),
		allowed:   w.count <= w.n,
	}
}

// rateLimited is the answer to a request past the limit.
func rateLimited() response {
	return errorResponse(http.StatusTooManyRequests, apiError{
		Code:   codeTooManyRequests,
		Detail: "The account's rate limit is exceeded; retry after x-ratelimit-reset seconds.",
	})
}

// report sets the window's headers on resp, over the fixed ones, unless resp has its
// own (a [Fault]'s 429 says remaining 0); a Fault's Header still replaces them. A nil
// quota leaves resp as it is.
func (q *quota) report(resp *response) {
	if q == nil {
		return
	}
	h := resp.header.Clone() // a fault's or a shared answer's headers stay untouched
	if h == nil {
		h = make(http.Header, 3)
	}
	set := func(name, value string) {
		if _, own := h[name]; !own {
			h[name] = []string{value}
		}
	}
	set("X-Ratelimit-Limit", strconv.Itoa(q.limit))
	set("X-Ratelimit-Remaining", strconv.Itoa(q.remaining))
	set("X-Ratelimit-Reset", strconv.FormatInt(int64((q.reset+time.Second-1)/time.Second), 10))
	resp.header = h
}
