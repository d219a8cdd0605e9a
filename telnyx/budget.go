package telnyx

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"
)

// The retry budget, in the manner of the AWS SDK's standard retryer: a client-wide
// bucket of tokens from which every retry draws, and to which every success returns
// some. While the API keeps failing nothing is returned, the bucket empties, and calls
// fail after their first attempt instead of tripling the load on an API that is down.
const (
	// budgetCapacity is the size of a full bucket, where a new client starts: 10 retries.
	budgetCapacity = 50
	// retryCost is what a retry draws.
	retryCost = 5
	// timeoutRetryCost is what a retry after an attempt that timed out draws: a timeout
	// says more about the API's health than an error answer does.
	timeoutRetryCost = 10
	// successRefund is what a call that succeeded at its first attempt returns. A call
	// that succeeded on a retry returns what that retry drew.
	successRefund = 1
)

// budget is the token bucket. The zero value is empty; newBudget makes a full one. A
// success with the bucket full, the usual case, costs one atomic load.
type budget struct {
	tokens atomic.Int64
}

func newBudget() *budget {
	b := new(budget)
	b.tokens.Store(budgetCapacity)
	return b
}

// take draws cost tokens for a retry, and reports false, drawing nothing, when the
// bucket holds fewer.
func (b *budget) take(cost int64) bool {
	for {
		t := b.tokens.Load()
		if t < cost {
			return false
		}
		if b.tokens.CompareAndSwap(t, t-cost) {
			return true
		}
	}
}

// refund returns n tokens, up to the capacity.
func (b *budget) refund(n int64) {
	for {
		t := b.tokens.Load()
		if t >= budgetCapacity || b.tokens.CompareAndSwap(t, min(t+n, budgetCapacity)) {
			return
		}
	}
}

// empty reports whether the bucket cannot pay for a retry.
func (b *budget) empty() bool { return b.tokens.Load() < retryCost }

// pace makes a call wait one backoff delay (the first, jittered) before its first
// attempt while the budget is empty: failures then return without retrying, and callers
// looping back to back would otherwise hit a failing API as fast as it answers. Each
// caller is paced on its own, so callers are not serialised behind one another. When
// ctx's deadline is nearer than the delay, the call waits half the time left, so it
// still gets its attempt (a success is what refills the bucket).
func (c *Client) pace(ctx context.Context, req *http.Request) error {
	s := c.s
	d := s.scaled(s.backoff(1))
	if deadline, ok := ctx.Deadline(); ok {
		d = min(d, deadline.Sub(s.now())/2)
	}
	if l := s.logger; l != nil && l.Enabled(ctx, slog.LevelDebug) {
		l.LogAttrs(ctx, slog.LevelDebug, "telnyx: retry budget empty, pacing",
			slog.String("method", req.Method), slog.String("path", req.URL.Path),
			slog.Duration("delay", d))
	}
	return s.sleep(ctx, d)
}
