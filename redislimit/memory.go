package redislimit

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// newMemory returns the in-memory limiter used while Redis is unreachable: the same
// behaviour as telnyx.NewLimiter, kept here until that lands on main.
func newMemory() telnyx.Limiter { return new(memory) }

// memory is an in-memory limiter: a window closed by a 429 or remaining 0, and the
// retry budget's drawn tokens.
type memory struct {
	until atomic.Int64 // Unix nanoseconds until which the window is spent
	drawn atomic.Int64
}

// Reserve returns the time left in the window and the tokens drawn.
func (m *memory) Reserve(_ context.Context, now time.Time) telnyx.Reservation {
	r := telnyx.Reservation{Drawn: int(m.drawn.Load())}
	if left := m.until.Load() - now.UnixNano(); left > 0 {
		r.Wait = time.Duration(left)
	}
	return r
}

// Observe closes the window after a 429 with a delay or a remaining count of 0.
func (m *memory) Observe(_ context.Context, now time.Time, o telnyx.Observation) {
	if o.Status == http.StatusTooManyRequests && o.RetryAfter > 0 {
		m.close(now.Add(o.RetryAfter))
	}
	if rl := o.RateLimit; rl != nil && rl.Remaining == 0 && rl.Reset > 0 {
		m.close(now.Add(rl.Reset))
	}
}

// close marks the window spent until at; a window spent for longer is kept.
func (m *memory) close(at time.Time) {
	u := at.UnixNano()
	for old := m.until.Load(); old < u && !m.until.CompareAndSwap(old, u); old = m.until.Load() {
	}
}

// Draw takes cost tokens when at least cost are left of capacity.
func (m *memory) Draw(ctx context.Context, cost, capacity int) (func(), bool) {
	for {
		d := m.drawn.Load()
		if d+int64(cost) > int64(capacity) {
			return nil, false
		}
		if m.drawn.CompareAndSwap(d, d+int64(cost)) {
			return func() { m.Refund(ctx, cost) }, true
		}
	}
}

// Refund gives n tokens back, never more than were drawn.
func (m *memory) Refund(_ context.Context, n int) {
	for {
		d := m.drawn.Load()
		if d == 0 || m.drawn.CompareAndSwap(d, max(d-int64(n), 0)) {
			return
		}
	}
}
