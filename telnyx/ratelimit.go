package telnyx

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// maxReleaseSpread bounds how widely the callers waiting for a window are spread out
// once it resets.
const maxReleaseSpread = time.Second

// releaseSpread is how widely the callers waiting for a window of length are released
// after it: half its length, at most a second.
func releaseSpread(length time.Duration) time.Duration { return min(length/2, maxReleaseSpread) }

// window is what a Client knows of the API's rate-limit window, shared by all its
// callers: until when it is spent, and how widely to spread the callers released
// after it. The zero value is an open window. Reading it costs one atomic load.
type window struct {
	until  atomic.Int64 // Unix nanoseconds until which the window is spent; 0 = never spent
	spread atomic.Int64 // nanoseconds over which waiting callers are released
}

// close marks the window spent until at, a delay of length from now. A window already
// spent for longer is kept.
func (w *window) close(at time.Time, length time.Duration) {
	u := at.UnixNano()
	for {
		old := w.until.Load()
		if old >= u {
			return
		}
		if w.until.CompareAndSwap(old, u) {
			w.spread.Store(int64(releaseSpread(length)))
			return
		}
	}
}

// rateLimitInfo reads x-ratelimit-limit, -remaining and -reset; nil when the answer
// has none of them.
func rateLimitInfo(h http.Header) *RateLimit {
	limit, remaining, reset := h["X-Ratelimit-Limit"], h["X-Ratelimit-Remaining"], h["X-Ratelimit-Reset"]
	if limit == nil && remaining == nil && reset == nil {
		return nil
	}
	rl := &RateLimit{Limit: -1, Remaining: -1, Reset: -1}
	if n, err := strconv.Atoi(strings.TrimSpace(first(limit))); err == nil {
		rl.Limit = n
	}
	if n, err := strconv.Atoi(strings.TrimSpace(first(remaining))); err == nil {
		rl.Remaining = n
	}
	if secs, err := strconv.ParseFloat(strings.TrimSpace(first(reset)), 64); err == nil && secs >= 0 && !math.IsInf(secs, 0) {
		rl.Reset = clampDuration(secs * float64(time.Second))
	}
	return rl
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// observe updates the shared window from an answer: x-ratelimit-remaining: 0 with a
// reset closes it until the reset, and so does a 429 that asked for a delay.
func (c *Client) observe(res *outcome) {
	if res.header == nil {
		return
	}
	s := c.s
	if res.status == http.StatusTooManyRequests && res.hasDelay && res.delay <= maxServerDelay {
		d := s.scaled(res.delay)
		c.window.close(s.now().Add(d), d)
	}
	if v := res.header["X-Ratelimit-Remaining"]; len(v) > 0 && strings.TrimSpace(v[0]) == "0" {
		if rl := rateLimitInfo(res.header); rl != nil && rl.Reset > 0 && rl.Reset <= maxServerDelay {
			d := s.scaled(rl.Reset)
			c.window.close(s.now().Add(d), d)
		}
	}
}

// windowError reports a rate-limit window that will not reset in time.
type windowError struct {
	op     string
	left   time.Duration
	reason string
}

func (e *windowError) Error() string {
	return fmt.Sprintf("telnyx: %s: %v: the API's rate-limit window resets in %s, %s", e.op, ErrRateLimited, e.left.Round(time.Millisecond), e.reason)
}

// Is makes errors.Is(err, ErrRateLimited) true.
func (e *windowError) Is(target error) bool { return target == ErrRateLimited }

// awaitWindow waits, before an attempt, until the shared window has reset, then for a
// random part of its release spread, so waiting callers do not return all at once. A
// window ending at or before covered (Unix nanoseconds) was waited out already. It
// returns at once with an error matching [ErrRateLimited] when the window would reset
// after ctx's deadline or after the 60 s ceiling, and with ctx's error if ctx ends
// while it waits.
func (c *Client) awaitWindow(ctx context.Context, op operation, req *http.Request, covered int64) error {
	s := c.s
	waited := time.Duration(0)
	for {
		u := c.window.until.Load()
		if u <= covered {
			return nil
		}
		now := s.now()
		left := time.Unix(0, u).Sub(now)
		if left <= 0 {
			return nil
		}
		d := left + time.Duration(s.jitter()*float64(c.window.spread.Load()))
		if waited+left > s.scaled(maxServerDelay) {
			return &windowError{op: op.name, left: left, reason: "beyond the 60s the client waits"}
		}
		if deadline, ok := ctx.Deadline(); ok && now.Add(d).After(deadline) {
			return &windowError{op: op.name, left: left, reason: "after the context's deadline"}
		}
		if l := s.logger; l != nil && l.Enabled(ctx, slog.LevelDebug) {
			l.LogAttrs(ctx, slog.LevelDebug, "telnyx: waiting for the rate-limit window",
				slog.String("method", req.Method), slog.String("path", req.URL.Path),
				slog.Duration("delay", d))
		}
		if err := s.sleep(ctx, d); err != nil {
			return err
		}
		waited += d
		covered = u // not waited for again, even on a clock that did not move
	}
}
