package telnyx

import (
	"context"
	"time"
)

// Limiter holds what the callers of one or more clients share about the API's limits:
// the rate-limit window and the retry budget. Implementations must be safe for concurrent
// use; the package documentation's "Rate limits" says what else they must do.
type Limiter interface {
	// Reserve is called before each attempt with the client's clock; after waiting out a
	// non-zero Wait the client asks again. A limiter that counts a shared quota counts the
	// attempt when it returns a zero Wait.
	Reserve(ctx context.Context, now time.Time) Reservation

	// Observe is told, with the client's clock, what an answer said. It closes the window
	// until now+RetryAfter after a 429 asking for a delay, and until now+RateLimit.Reset
	// after one with RateLimit.Remaining == 0 and Reset > 0; a window closed for longer is kept.
	Observe(ctx context.Context, now time.Time, o Observation)

	// Draw takes cost tokens for a retry from a budget of capacity ([WithRetryBudget]), or
	// reports false, taking nothing, when fewer are left; the client calls release once the
	// retry succeeded. Count the deficit (tokens not given back): a new budget is then full.
	Draw(ctx context.Context, cost, capacity int) (release func(), ok bool)

	// Refund gives n tokens back (a call that succeeded at its first attempt refunds one);
	// the budget never holds more than it started with.
	Refund(ctx context.Context, n int)
}

// Reservation is a [Limiter]'s answer before an attempt.
type Reservation struct {
	// Wait is how long the attempt must wait before it is sent; zero: send now.
	Wait time.Duration
	// Drawn is how many retry-budget tokens are drawn and not given back (0: full).
	Drawn int
}

// Observation is what one answer said about the API's rate limit. Delays beyond the
// client's 60 s ceiling are left out (RetryAfter 0, RateLimit.Reset -1).
type Observation struct {
	// Status is the answer's HTTP status.
	Status int
	// RateLimit is what its x-ratelimit-* headers said; nil when it had none.
	RateLimit *RateLimit
	// RetryAfter is the delay a 429 asked for (Retry-After, retry-after-ms or
	// x-ratelimit-reset); zero when it asked for none or the status is not 429.
	RetryAfter time.Duration
}
