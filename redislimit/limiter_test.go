package redislimit_test

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/roomsessions/telnyx-go/redislimit"
	"github.com/roomsessions/telnyx-go/telnyx"
)

// records is a slog handler that keeps what it is given.
type records struct {
	mu   sync.Mutex
	list []slog.Record
}

func (r *records) Enabled(context.Context, slog.Level) bool { return true }
func (r *records) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.list = append(r.list, rec)
	return nil
}
func (r *records) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *records) WithGroup(string) slog.Handler      { return r }

// count returns how many records of level were logged.
func (r *records) count(level slog.Level) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, rec := range r.list {
		if rec.Level == level {
			n++
		}
	}
	return n
}

// String lists the records, for failure messages.
func (r *records) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	for _, rec := range r.list {
		b.WriteString(rec.Level.String() + " " + rec.Message)
		rec.Attrs(func(a slog.Attr) bool {
			b.WriteString(" " + a.String())
			return true
		})
		b.WriteString("\n")
	}
	return b.String()
}

// newLimiter returns a limiter of account on rdb that logs into a new records.
func newLimiter(rdb redis.UniversalClient, account string, opts ...redislimit.Option) (*redislimit.Limiter, *records) {
	recs := new(records)
	return redislimit.New(rdb, account, append([]redislimit.Option{redislimit.WithLogger(slog.New(recs))}, opts...)...), recs
}

// sharedLimiter is newLimiter for tests of the shared state: a timeout generous enough
// for a machine under load, and a failure if the limiter ever fell back to memory.
func sharedLimiter(t *testing.T, rdb redis.UniversalClient, account string) *redislimit.Limiter {
	t.Helper()
	l, recs := newLimiter(rdb, account, redislimit.WithTimeout(10*time.Second))
	t.Cleanup(func() {
		if recs.count(slog.LevelWarn) != 0 {
			t.Errorf("the limiter fell back to memory:\n%s", recs)
		}
	})
	return l
}

// answered is an answer's observation: status and rate-limit headers.
func answered(status, limit, remaining int, reset time.Duration) telnyx.Observation {
	return telnyx.Observation{Status: status, RateLimit: &telnyx.RateLimit{Limit: limit, Remaining: remaining, Reset: reset}}
}

// wantWait checks that r asks to wait more than lo and at most hi.
func wantWait(t *testing.T, what string, r telnyx.Reservation, lo, hi time.Duration) {
	t.Helper()
	if r.Wait <= lo || r.Wait > hi {
		t.Errorf("%s: wait %v, want in (%v, %v]", what, r.Wait, lo, hi)
	}
}

// grants reserves n times and returns how many were granted at once.
func grants(ctx context.Context, l telnyx.Limiter, n int) int {
	got := 0
	for range n {
		if l.Reserve(ctx, time.Now()).Wait == 0 {
			got++
		}
	}
	return got
}

func TestFirstAttemptProbesTheWindow(t *testing.T) {
	t.Parallel()
	rdb := startRedis(t).client(t)
	ctx := t.Context()
	l := sharedLimiter(t, rdb, "acct")

	if r := l.Reserve(ctx, time.Now()); r.Wait != 0 || r.Drawn != 0 {
		t.Fatalf("first attempt: %+v, want to go at once with a full budget", r)
	}
	// While the first answer is awaited, the others hold back briefly.
	wantWait(t, "while the probe is in flight", l.Reserve(ctx, time.Now()), 0, 10*time.Millisecond)

	l.Observe(ctx, time.Now(), answered(http.StatusOK, 5, 4, 2*time.Second))
	if got := grants(ctx, l, 6); got != 4 {
		t.Errorf("after remaining 4: %d attempts granted, want 4", got)
	}
	wantWait(t, "the window spent", l.Reserve(ctx, time.Now()), 1500*time.Millisecond, 2*time.Second)
}

func TestWindowIsSharedByAccount(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	ctx := t.Context()
	// Two processes' limiters, each with its own connection, on one account...
	a := sharedLimiter(t, srv.client(t), "acct")
	b := sharedLimiter(t, srv.client(t), "acct")
	// ...and one on another account.
	other := sharedLimiter(t, srv.client(t), "other")

	a.Reserve(ctx, time.Now())
	a.Observe(ctx, time.Now(), answered(http.StatusOK, 10, 9, 5*time.Second))
	if got := grants(ctx, a, 4) + grants(ctx, b, 4); got != 8 {
		t.Fatalf("%d granted of 8 (9 remaining)", got)
	}
	if got := grants(ctx, b, 3) + grants(ctx, a, 3); got != 1 {
		t.Errorf("%d granted past 9 remaining, want 1", got)
	}
	if r := other.Reserve(ctx, time.Now()); r.Wait != 0 {
		t.Errorf("another account waits %v for this one's window", r.Wait)
	}
}

func TestWindowKeysExpireWithTheWindow(t *testing.T) {
	t.Parallel()
	rdb := startRedis(t).client(t)
	ctx := t.Context()
	l := sharedLimiter(t, rdb, "acct")
	keys := redislimit.Keys(l)

	l.Reserve(ctx, time.Now())
	if ttl := rdb.PTTL(ctx, keys[2]).Val(); ttl <= 0 || ttl > time.Second {
		t.Errorf("probe key TTL %v, want (0, 1s]", ttl)
	}
	l.Observe(ctx, time.Now(), answered(http.StatusOK, 3, 2, 3*time.Second))
	if n := rdb.Exists(ctx, keys[2]).Val(); n != 0 {
		t.Error("the probe key outlives the first answer")
	}
	if ttl := rdb.PTTL(ctx, keys[0]).Val(); ttl <= 2*time.Second || ttl > 3*time.Second {
		t.Errorf("window key TTL %v, want the reset, 3s", ttl)
	}
	if ttl := rdb.PTTL(ctx, keys[1]).Val(); ttl <= 59*time.Minute || ttl > time.Hour {
		t.Errorf("limit key TTL %v, want 1h", ttl)
	}
	if _, ok := l.Draw(ctx, 5, 50); !ok {
		t.Fatal("draw from a full budget refused")
	}
	if ttl := rdb.PTTL(ctx, keys[3]).Val(); ttl <= 9*time.Minute || ttl > 10*time.Minute {
		t.Errorf("budget key TTL %v, want 10m", ttl)
	}

	grants(ctx, l, 2)
	if r := l.Reserve(ctx, time.Now()); r.Wait == 0 {
		t.Fatal("a spent window granted an attempt")
	}
	// The window's key expiring (deleted here, rather than waiting 3 s) is the API's
	// reset: the next window opens with the whole limit, for as long as the last one
	// lasted, until its first answer says when it ends.
	rdb.Del(ctx, keys[0])
	if got := grants(ctx, l, 4); got != 3 {
		t.Errorf("after the reset: %d granted before the first answer, want the limit, 3", got)
	}
	if ttl := rdb.PTTL(ctx, keys[0]).Val(); ttl <= 2*time.Second || ttl > 3*time.Second {
		t.Errorf("the new window's provisional TTL %v, want the last window's 3s", ttl)
	}
	l.Observe(ctx, time.Now(), answered(http.StatusOK, 3, 2, 2*time.Second))
	if ttl := rdb.PTTL(ctx, keys[0]).Val(); ttl <= time.Second || ttl > 2*time.Second {
		t.Errorf("after the new window's first answer: TTL %v, want its reset, 2s", ttl)
	}
	l.Observe(ctx, time.Now(), answered(http.StatusOK, 3, 1, time.Second))
	if ttl := rdb.PTTL(ctx, keys[0]).Val(); ttl <= time.Second {
		t.Errorf("a later answer shortened the window to %v", ttl)
	}
	if got := grants(ctx, l, 3); got != 0 {
		t.Errorf("after the new window's first answer: %d granted, want none (3 sent)", got)
	}
}

func TestWindowIsNeverShortened(t *testing.T) {
	t.Parallel()
	rdb := startRedis(t).client(t)
	ctx := t.Context()
	l := sharedLimiter(t, rdb, "acct")
	l.Reserve(ctx, time.Now())
	l.Observe(ctx, time.Now(), answered(http.StatusOK, 10, 9, 3*time.Second))
	grants(ctx, l, 5) // the fleet has sent 6 of 10

	// A late answer says less was used and the window resets sooner: neither is taken.
	l.Observe(ctx, time.Now(), answered(http.StatusOK, 10, 8, time.Second))
	if got := grants(ctx, l, 10); got != 4 {
		t.Errorf("%d granted, want the 4 the fleet has left", got)
	}
	wantWait(t, "after a shorter reset", l.Reserve(ctx, time.Now()), 2*time.Second, 3*time.Second)
}

func TestOthersSpendingTheQuotaCount(t *testing.T) {
	t.Parallel()
	rdb := startRedis(t).client(t)
	ctx := t.Context()
	l := sharedLimiter(t, rdb, "acct")
	l.Reserve(ctx, time.Now())
	l.Observe(ctx, time.Now(), answered(http.StatusOK, 10, 9, 3*time.Second))
	grants(ctx, l, 2)
	// Something outside the fleet spent 4 more: the API says 3 remain, not 7.
	l.Observe(ctx, time.Now(), answered(http.StatusOK, 10, 3, 3*time.Second))
	if got := grants(ctx, l, 10); got != 3 {
		t.Errorf("%d granted, want the 3 the API says remain", got)
	}
}

func TestSpentWindowAndTooManyRequestsCloseIt(t *testing.T) {
	t.Parallel()
	rdb := startRedis(t).client(t)
	ctx := t.Context()

	l := sharedLimiter(t, rdb, "remaining-zero")
	l.Reserve(ctx, time.Now())
	l.Observe(ctx, time.Now(), answered(http.StatusOK, 10, 9, time.Second))
	l.Observe(ctx, time.Now(), answered(http.StatusOK, 10, 0, 4*time.Second))
	wantWait(t, "remaining 0 with a later reset", l.Reserve(ctx, time.Now()), 3*time.Second, 4*time.Second)

	l = sharedLimiter(t, rdb, "429")
	l.Reserve(ctx, time.Now())
	l.Observe(ctx, time.Now(), answered(http.StatusOK, 10, 9, time.Second))
	o := answered(http.StatusTooManyRequests, 10, 0, time.Second)
	o.RetryAfter = 5 * time.Second
	l.Observe(ctx, time.Now(), o)
	wantWait(t, "a 429 asking for 5s", l.Reserve(ctx, time.Now()), 4*time.Second, 5*time.Second)

	// A 429 with a delay and no rate-limit headers, before any window is known.
	l = sharedLimiter(t, rdb, "bare-429")
	l.Reserve(ctx, time.Now())
	l.Observe(ctx, time.Now(), telnyx.Observation{Status: http.StatusTooManyRequests, RetryAfter: 2 * time.Second})
	wantWait(t, "a bare 429 asking for 2s", l.Reserve(ctx, time.Now()), time.Second, 2*time.Second)
}

func TestAnAPIWithoutLimitsIsNotCounted(t *testing.T) {
	t.Parallel()
	rdb := startRedis(t).client(t)
	ctx := t.Context()
	l := sharedLimiter(t, rdb, "acct")
	l.Reserve(ctx, time.Now())
	l.Observe(ctx, time.Now(), telnyx.Observation{Status: http.StatusOK})
	if got := grants(ctx, l, 50); got != 50 {
		t.Errorf("%d of 50 granted by an API reporting no limit", got)
	}
}

func TestRetryBudgetIsShared(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	ctx := t.Context()
	a := sharedLimiter(t, srv.client(t), "acct")
	b := sharedLimiter(t, srv.client(t), "acct")

	var releases []func()
	for i := range 10 {
		l := a
		if i%2 == 1 {
			l = b
		}
		release, ok := l.Draw(ctx, 5, 50)
		if !ok {
			t.Fatalf("draw %d of 10 refused", i+1)
		}
		releases = append(releases, release)
	}
	if _, ok := b.Draw(ctx, 5, 50); ok {
		t.Fatal("a draw from an empty budget succeeded")
	}
	if r := a.Reserve(ctx, time.Now()); r.Drawn != 50 {
		t.Errorf("Drawn %d, want 50", r.Drawn)
	}
	releases[0]() // a retry that worked gives its 5 back
	if _, ok := b.Draw(ctx, 10, 50); ok {
		t.Error("drew 10 with 5 left")
	}
	if _, ok := b.Draw(ctx, 5, 50); !ok {
		t.Error("could not draw the 5 released")
	}
	a.Refund(ctx, 3) // a's last Reserve saw tokens drawn: the refund goes to Redis
	if r := b.Reserve(ctx, time.Now()); r.Drawn != 47 {
		t.Errorf("Drawn %d after a refund of 3, want 47", r.Drawn)
	}
	a.Refund(ctx, 1000)
	if r := b.Reserve(ctx, time.Now()); r.Drawn != 0 {
		t.Errorf("Drawn %d after refunding more than was drawn, want 0", r.Drawn)
	}
}
