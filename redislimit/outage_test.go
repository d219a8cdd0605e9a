package redislimit_test

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/redislimit"
	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// clock is a settable clock for the limiter's retry schedule.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := new(clock)
	c.ns.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	return c
}
func (c *clock) now() time.Time            { return time.Unix(0, c.ns.Load()) }
func (c *clock) advance(d time.Duration)   { c.ns.Add(int64(d)) }
func (c *clock) set(l *redislimit.Limiter) { redislimit.SetClock(l, c.now) }

// hammer makes every kind of call from several goroutines, as a client's callers do.
func hammer(ctx context.Context, l telnyx.Limiter) {
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				l.Reserve(ctx, time.Now())
				l.Observe(ctx, time.Now(), answered(http.StatusOK, 100, 50, time.Minute))
				if release, ok := l.Draw(ctx, 5, 50); ok {
					release()
				}
				l.Refund(ctx, 1)
			}
		})
	}
	wg.Wait()
}

// backToRedis advances the clock past the retry interval and calls until the limiter
// says Redis answers again (a restarted server may refuse the pool's first connection).
func backToRedis(t *testing.T, l telnyx.Limiter, c *clock, recs *records, infos int) {
	t.Helper()
	for range 50 {
		c.advance(redislimit.RetryEvery)
		l.Reserve(t.Context(), time.Now())
		l.Observe(t.Context(), time.Now(), answered(http.StatusOK, 100000, 99999, time.Second)) // as a client would
		if recs.count(slog.LevelInfo) == infos {
			return
		}
	}
	t.Fatalf("the limiter did not return to Redis:\n%s", recs)
}

func TestRedisDownFallsBackToMemoryAndComesBack(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	rdb := srv.client(t)
	ctx := t.Context()
	// A stopped server refuses connections at once: no need of a short timeout.
	l, recs := newLimiter(rdb, "acct", redislimit.WithTimeout(5*time.Second))
	c := newClock()
	c.set(l)

	l.Reserve(ctx, time.Now())
	l.Observe(ctx, time.Now(), answered(http.StatusOK, 100, 99, time.Minute))
	if n := recs.count(slog.LevelWarn); n != 0 {
		t.Fatalf("warnings with Redis up:\n%s", recs)
	}

	srv.stop()
	hammer(ctx, l)
	if n := recs.count(slog.LevelWarn); n != 1 {
		t.Fatalf("%d warnings for one outage, want 1:\n%s", n, recs)
	}
	// In memory, a 429 asking for 3s closes the window for this process.
	now := time.Now()
	o := answered(http.StatusTooManyRequests, 100, 0, 3*time.Second)
	o.RetryAfter = 3 * time.Second
	l.Observe(ctx, now, o)
	if r := l.Reserve(ctx, now); r.Wait != 3*time.Second {
		t.Errorf("in memory after a 429 asking for 3s: wait %v", r.Wait)
	}
	if release, ok := l.Draw(ctx, 50, 50); !ok {
		t.Error("the in-memory budget refused a draw")
	} else {
		release()
	}

	srv.restart()
	// Until the retry interval has passed, the limiter stays in memory.
	l.Reserve(ctx, time.Now())
	if n := recs.count(slog.LevelInfo); n != 0 {
		t.Fatalf("back to Redis before the retry interval:\n%s", recs)
	}
	backToRedis(t, l, c, recs, 1)
	l.Observe(ctx, time.Now(), answered(http.StatusOK, 100, 99, time.Minute))
	if n := rdb.Exists(ctx, redislimit.Keys(l)[1]).Val(); n != 1 {
		t.Error("back to Redis, the limit was not written there")
	}

	// A second outage warns again, once.
	srv.stop()
	hammer(ctx, l)
	if n := recs.count(slog.LevelWarn); n != 2 {
		t.Errorf("%d warnings after two outages, want 2:\n%s", n, recs)
	}
}

func TestSlowRedisFallsBackWithinTheTimeout(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	rdb := srv.client(t)
	ctx := t.Context()
	l, recs := newLimiter(rdb, "acct", redislimit.WithTimeout(50*time.Millisecond))
	c := newClock()
	c.set(l)
	l.Reserve(ctx, time.Now())

	srv.pause()
	start := time.Now()
	hammer(ctx, l)
	// Each goroutine waited at most one timeout: 8 calls at once time out, the rest go
	// to memory. A hanging Redis would have held them far longer.
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("calls against a paused Redis took %v", took)
	}
	if n := recs.count(slog.LevelWarn); n != 1 {
		t.Fatalf("%d warnings, want 1:\n%s", n, recs)
	}
	srv.resume()
	backToRedis(t, l, c, recs, 1)
	if n := recs.count(slog.LevelWarn); n != 1 {
		t.Errorf("%d warnings, want 1:\n%s", n, recs)
	}
}

func TestCallerGivingUpIsNoOutage(t *testing.T) {
	t.Parallel()
	rdb := startRedis(t).client(t)
	l, recs := newLimiter(rdb, "acct")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	hammer(ctx, l)
	if n := recs.count(slog.LevelWarn); n != 0 {
		t.Errorf("a cancelled caller's calls warned of an outage:\n%s", recs)
	}
	if r := l.Reserve(t.Context(), time.Now()); r.Wait != 0 {
		t.Errorf("after cancelled calls: %+v", r)
	}
}

func TestNilClientLimitsInMemory(t *testing.T) {
	t.Parallel()
	l, recs := newLimiter(nil, "acct")
	hammer(t.Context(), l)
	if n := recs.count(slog.LevelWarn); n != 1 {
		t.Errorf("%d warnings without a client, want 1:\n%s", n, recs)
	}
	now := time.Now()
	l.Observe(t.Context(), now, answered(http.StatusOK, 10, 0, 2*time.Second))
	if r := l.Reserve(t.Context(), now); r.Wait != 2*time.Second {
		t.Errorf("in memory after remaining 0: %+v", r)
	}
}

// TestCallsSurviveARedisRestart: clients (two "processes", each its own limiter) make
// calls while redis-server is stopped in the middle of the run and started again; no
// call fails, each limiter warns once, and both share through Redis again afterwards.
func TestCallsSurviveARedisRestart(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	fake := telnyxtest.NewServer(telnyxtest.WithRateLimit(100000, time.Second), telnyxtest.WithoutRequestLog())
	t.Cleanup(fake.Close)
	session := fake.AddSession(telnyxtest.Session{Active: true}).ID
	c := newClock()
	type proc struct {
		lim    *redislimit.Limiter
		recs   *records
		client *telnyx.Client
	}
	var procs []proc
	for range 2 {
		l, recs := newLimiter(srv.client(t), "acct", redislimit.WithTimeout(5*time.Second))
		c.set(l)
		procs = append(procs, proc{l, recs, fake.Client(telnyx.WithLimiter(l))})
	}
	// calls makes n calls from 4 goroutines of each process; every one must succeed.
	calls := func(n int) {
		t.Helper()
		var wg sync.WaitGroup
		for _, p := range procs {
			for range 4 {
				wg.Go(func() {
					for range n {
						if _, err := p.client.RoomSessions.Get(t.Context(), session, nil); err != nil {
							t.Errorf("a call failed: %v", err)
							return
						}
					}
				})
			}
		}
		wg.Wait()
	}

	calls(20)
	srv.stop()
	calls(20)
	srv.restart()
	calls(20)
	for _, p := range procs {
		backToRedis(t, p.lim, c, p.recs, 1)
	}
	calls(20)
	for i, p := range procs {
		if w := p.recs.count(slog.LevelWarn); w != 1 {
			t.Errorf("process %d: %d warnings for one outage, want 1:\n%s", i, w, p.recs)
		}
	}
	// Sharing again: the API's limit is in Redis once more.
	if n := srv.client(t).Exists(t.Context(), redislimit.Keys(procs[0].lim)[1]).Val(); n != 1 {
		t.Error("after the outage, nothing was written to Redis")
	}
}
