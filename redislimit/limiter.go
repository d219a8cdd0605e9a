package redislimit

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/roomsessions/telnyx-go/telnyx"
)

const (
	// defaultTimeout bounds every Redis call unless [WithTimeout] says otherwise.
	defaultTimeout = 200 * time.Millisecond
	// retryEvery is how often, while Redis is unreachable, one call tries it again.
	retryEvery = time.Second
	// probeTTL is how long the one request sent while no window is known holds the
	// others back at most: if its answer never comes, another goes after this.
	probeTTL = time.Second
	// pollEvery is how long the others wait before asking again meanwhile.
	pollEvery = 10 * time.Millisecond
	// limitTTL is how long the API's x-ratelimit-limit is remembered without an answer.
	limitTTL = time.Hour
	// noneTTL is how long an API that reports no limit goes uncounted before the next probe.
	noneTTL = time.Second
	// budgetTTL is how long a retry budget that nobody draws from or refunds stays
	// drawn: an idle account's budget is full again.
	budgetTTL = 10 * time.Minute
)

// Limiter is a [telnyx.Limiter] whose rate-limit window and retry budget live in Redis,
// shared by every process given the same Redis and account name. It is safe for
// concurrent use. Create it with [New]; give it to every client with [telnyx.WithLimiter].
type Limiter struct {
	rdb     redis.UniversalClient
	account string
	keys    [4]string // win, limit, probe, drawn
	mem     telnyx.Limiter
	log     *slog.Logger
	timeout time.Duration
	now     func() time.Time // for the retry schedule while Redis is down

	down    atomic.Bool
	since   atomic.Int64 // Unix nanoseconds when the outage began
	nextTry atomic.Int64 // Unix nanoseconds after which one call tries Redis again
	drawn   atomic.Int64 // the budget's drawn tokens as Redis last said
	warnMu  sync.Mutex   // orders the outage and recovery records
}

// Option configures [New].
type Option func(*Limiter)

// WithLogger sets where the limiter says that Redis became unreachable (one Warn record
// per outage) and that it answers again (Info). Give it the clients' logger; the default
// is [slog.Default]. A nil logger discards.
func WithLogger(l *slog.Logger) Option {
	return func(lim *Limiter) {
		if l == nil {
			l = slog.New(slog.DiscardHandler)
		}
		lim.log = l
	}
}

// WithTimeout bounds every Redis call (default 200ms); past it the limiter decides in
// memory. A value of zero or less keeps the default.
func WithTimeout(d time.Duration) Option {
	return func(l *Limiter) {
		if d > 0 {
			l.timeout = d
		}
	}
}

// New returns a Limiter sharing account's window and retry budget through rdb. Every
// process that should share them must use the same Redis and the same account name (one
// per Telnyx account; the API key is a good choice of what to name it after, but never
// put the key itself there). A nil rdb gives an in-memory limiter that warns once.
func New(rdb redis.UniversalClient, account string, opts ...Option) *Limiter {
	tag := "telnyx-go:ratelimit:{" + account + "}:"
	l := &Limiter{
		rdb:     rdb,
		account: account,
		keys:    [4]string{tag + "win", tag + "limit", tag + "probe", tag + "drawn"},
		mem:     telnyx.NewLimiter(),
		log:     slog.Default(),
		timeout: defaultTimeout,
		now:     time.Now,
	}
	for _, o := range opts {
		o(l)
	}
	if rdb == nil {
		l.outage(errors.New("no Redis client given"))
	}
	return l
}

// Reserve asks Redis whether an attempt may go now, counting it in the shared window
// when it may, or how long to wait; now is not read (Redis's TTLs decide). Without Redis
// it asks the in-memory limiter, with now.
func (l *Limiter) Reserve(ctx context.Context, now time.Time) telnyx.Reservation {
	if l.useRedis() {
		res, err := within(ctx, l.timeout, func(ctx context.Context) ([]int64, error) {
			return reserveScript.Run(ctx, l.rdb, l.keys[:], ms(probeTTL), ms(pollEvery)).Int64Slice()
		})
		if err == nil && len(res) == 2 {
			l.recovered()
			l.drawn.Store(res[1])
			return telnyx.Reservation{Wait: time.Duration(res[0]) * time.Millisecond, Drawn: int(res[1])}
		}
		l.failed(ctx, err)
	}
	return l.mem.Reserve(ctx, now)
}

// Observe records what an answer said about the window in Redis, and in memory, where
// it serves if Redis becomes unreachable.
func (l *Limiter) Observe(ctx context.Context, now time.Time, o telnyx.Observation) {
	l.mem.Observe(ctx, now, o)
	if !l.useRedis() {
		return
	}
	lim, rem, reset := -1, -1, int64(-1)
	if rl := o.RateLimit; rl != nil {
		lim, rem = rl.Limit, rl.Remaining
		if rl.Reset >= 0 {
			reset = ceilMS(rl.Reset)
		}
	}
	after := int64(0)
	if o.Status == http.StatusTooManyRequests && o.RetryAfter > 0 {
		after = ceilMS(o.RetryAfter)
	}
	_, err := within(ctx, l.timeout, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, observeScript.Run(ctx, l.rdb, l.keys[:3], o.Status, lim, rem, reset, after,
			ms(limitTTL), ms(noneTTL)).Err()
	})
	if err == nil {
		l.recovered()
		return
	}
	l.failed(ctx, err)
}

// Draw takes cost tokens from the shared retry budget for a retry. Without Redis it
// draws from the in-memory budget.
func (l *Limiter) Draw(ctx context.Context, cost, capacity int) (release func(), ok bool) {
	if l.useRedis() {
		n, err := within(ctx, l.timeout, func(ctx context.Context) (int, error) {
			return drawScript.Run(ctx, l.rdb, l.keys[3:], cost, capacity, ms(budgetTTL)).Int()
		})
		if err == nil {
			l.recovered()
			if n == 0 {
				return nil, false
			}
			l.drawn.Add(int64(cost))
			return func() { l.refundRedis(context.WithoutCancel(ctx), cost) }, true
		}
		l.failed(ctx, err)
	}
	return l.mem.Draw(ctx, cost, capacity)
}

// Refund gives n tokens back to the shared retry budget; nothing is sent when Redis
// last said the budget was full.
func (l *Limiter) Refund(ctx context.Context, n int) {
	if !l.useRedis() {
		l.mem.Refund(ctx, n)
		return
	}
	if l.drawn.Load() > 0 {
		l.refundRedis(ctx, n)
	}
}

func (l *Limiter) refundRedis(ctx context.Context, n int) {
	_, err := within(ctx, l.timeout, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, refundScript.Run(ctx, l.rdb, l.keys[3:], n, ms(budgetTTL)).Err()
	})
	if err != nil {
		l.failed(ctx, err)
		return
	}
	l.recovered()
	for d := l.drawn.Load(); d > 0 && !l.drawn.CompareAndSwap(d, max(d-int64(n), 0)); d = l.drawn.Load() {
	}
}

// useRedis reports whether this call should ask Redis: always while it answers, and
// while it does not, one call every retryEvery.
func (l *Limiter) useRedis() bool {
	if l.rdb == nil {
		return false
	}
	if !l.down.Load() {
		return true
	}
	now := l.now().UnixNano()
	next := l.nextTry.Load()
	return now >= next && l.nextTry.CompareAndSwap(next, now+int64(retryEvery))
}

// failed handles a Redis call made under ctx, the caller's context, that did not
// succeed. A call whose caller's context ended is not an outage; anything else is, and
// the first failure of one warns.
func (l *Limiter) failed(ctx context.Context, err error) {
	if ctx.Err() != nil {
		return // the caller gave up or ran out of time: Redis is not to blame
	}
	if err == nil {
		err = errors.New("unexpected answer from the script")
	}
	l.outage(err)
}

// outage marks Redis unreachable, warning when it was not already.
func (l *Limiter) outage(err error) {
	l.warnMu.Lock()
	defer l.warnMu.Unlock()
	l.nextTry.Store(l.now().Add(retryEvery).UnixNano())
	if l.down.Swap(true) {
		return
	}
	l.since.Store(l.now().UnixNano())
	l.log.LogAttrs(context.Background(), slog.LevelWarn,
		"redislimit: Redis is unreachable; the rate-limit window and the retry budget are kept in memory until it answers",
		slog.String("account", l.account), slog.String("error", err.Error()))
}

// recovered marks Redis reachable again, saying so when it was not.
func (l *Limiter) recovered() {
	if !l.down.Load() {
		return
	}
	l.warnMu.Lock()
	defer l.warnMu.Unlock()
	if !l.down.Swap(false) {
		return
	}
	l.log.LogAttrs(context.Background(), slog.LevelInfo,
		"redislimit: Redis answers again; the rate-limit window and the retry budget are shared again",
		slog.String("account", l.account),
		slog.Duration("outage", time.Duration(l.now().UnixNano()-l.since.Load())))
}

// within runs f, a Redis call, with a context that ends after timeout, and returns
// its result, or the context's error once the timeout has passed even if f has not
// returned: go-redis honours a context's deadline only with ContextTimeoutEnabled, and
// otherwise waits for its ReadTimeout (3s by default) on a server that hangs. f then
// finishes in the background, its context cancelled, and its result is dropped.
func within[T any](ctx context.Context, timeout time.Duration, f func(context.Context) (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	done := make(chan result, 1)
	go func() {
		v, err := f(ctx)
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// ms is d in whole milliseconds, as Redis takes TTLs.
func ms(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }

// ceilMS is d in milliseconds, rounded up: a window is never shortened by rounding.
func ceilMS(d time.Duration) int64 { return int64((d + time.Millisecond - 1) / time.Millisecond) }
