package telnyx

import "sync/atomic"

// The retry budget, in the manner of the AWS SDK's standard retryer: a client-wide
// bucket of tokens from which every retry draws, and to which every success returns
// some. While the API keeps failing nothing is returned, the bucket empties, and calls
// fail after their first attempt instead of tripling the load on an API that is down.
const (
	// budgetCapacity is the size of a full bucket, where a new client starts: 20 retries.
	budgetCapacity = 100
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
