package telnyx

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// The policy's numbers, defined once (a test checks the README's figures against them).
const (
	baseDelay        = 500 * time.Millisecond // backoff before the first retry
	maxDelay         = 8 * time.Second        // backoff ceiling
	maxServerDelay   = 60 * time.Second       // the longest server delay waited out
	maxReleaseSpread = time.Second            // callers released after a window: at most over 1 s
	budgetCapacity   = 50                     // a full retry budget: 10 retries
	retryCost        = 5                      // what a retry draws
	timeoutRetryCost = 10                     // what a retry after a timed-out attempt draws
	successRefund    = 1                      // what a call that succeeded at once returns
)

// outcome is what one attempt produced, as the policy sees it.
type outcome struct {
	err      error
	retry    bool          // another attempt may succeed
	delay    time.Duration // the delay the answer asked for; 0: none
	noAnswer bool          // err is a failure of the transport, without a whole answer
	status   int           // 0 when no answer arrived
	header   http.Header   // the answer's headers; nil when no answer arrived
}

// waiter is one call's side of the policy.
type waiter struct {
	cfg     *config
	op      operation
	req     *http.Request // named in log records
	n       int           // attempts made
	covered time.Time     // the end of a window this call has waited out
	waited  time.Duration // time spent waiting for windows
	release func()        // gives back what the pending retry drew
	last    error         // the previous attempt's error
}

// before waits until the next attempt may be sent: for the rate-limit window, then pace.
func (w *waiter) before(ctx context.Context) error {
	c := w.cfg
	for {
		now := c.now()
		r := c.limiter.Reserve(ctx, now)
		end := now.Add(r.Wait)
		if r.Wait <= 0 || !end.After(w.covered) {
			return w.pace(ctx, now, r)
		}
		d := c.spread(r.Wait)
		reason := ""
		if w.waited+r.Wait > c.scaled(maxServerDelay) {
			reason = fmt.Sprintf("beyond the %ds the client waits", maxServerDelay/time.Second)
		} else if deadline, ok := ctx.Deadline(); ok && now.Add(d).After(deadline) {
			reason = "after the context's deadline"
		}
		if reason != "" {
			if w.last != nil {
				return w.last // the last answer is the error
			}
			return &WindowError{Op: w.op.name, RetryAfter: r.Wait, reason: reason}
		}
		w.log(ctx, "telnyx: waiting for the rate-limit window", d)
		if err := c.sleep(ctx, d); err != nil {
			return waitError(w.op, "waiting for the rate-limit window", err, w.last)
		}
		w.waited += d
		w.covered = end
	}
}

// pace makes a first attempt wait one backoff (at most half the time to the deadline)
// while the budget cannot pay for a retry.
func (w *waiter) pace(ctx context.Context, now time.Time, r Reservation) error {
	c := w.cfg
	if w.n > 0 || c.budget == 0 || c.budget-r.Drawn >= retryCost {
		return nil
	}
	d := c.scaled(backoffFrom(c.baseDelay, c.maxDelay, 1, c.jitter()))
	if deadline, ok := ctx.Deadline(); ok {
		d = min(d, deadline.Sub(now)/2)
	}
	w.log(ctx, "telnyx: retry budget empty, pacing", d)
	if err := c.sleep(ctx, d); err != nil {
		return waitError(w.op, "paced by the empty retry budget", err, nil)
	}
	return nil
}

// after is told an attempt's outcome; it reports whether to make another attempt
// (having waited for it), or returns the call's error (nil on success).
func (w *waiter) after(ctx context.Context, res *outcome) (again bool, err error) {
	c := w.cfg
	w.n++
	if res.header != nil {
		c.limiter.Observe(ctx, c.now(), c.observation(res))
	}
	if res.err == nil {
		if w.release != nil { // refill the budget: what the retry drew, or successRefund
			w.release()
		} else if c.budget > 0 {
			c.limiter.Refund(ctx, successRefund)
		}
		return false, nil
	}
	deadline, _ := ctx.Deadline()
	delay, end, ok := c.retryDelay(res, w.n, c.now(), deadline)
	if !ok {
		return false, res.err
	}
	if c.budget > 0 {
		cost := retryCost
		if ctx.Err() == nil && (errors.Is(res.err, context.DeadlineExceeded) || isTimeoutErr(res.err)) {
			cost = timeoutRetryCost // its own timeout, not the caller's: a sign of the API's health
		}
		if w.release, ok = c.limiter.Draw(ctx, cost, c.budget); !ok {
			return false, budgetExhausted(res.err) // fail fast; the next call is paced
		}
	}
	if end.After(w.covered) {
		w.covered = end // this answer closed the window: it is waited out with this delay
	}
	w.log(ctx, "telnyx: retry scheduled", delay, slog.Int("attempt", w.n+1))
	w.last = res.err
	if err := c.sleep(ctx, delay); err != nil {
		return false, waitError(w.op, "waiting to retry", err, res.err)
	}
	return true, nil
}

// retryDelay decides whether attempt n's failure is retried, after how long, and the
// end of the window a 429 closed (zero if none).
func (c *config) retryDelay(res *outcome, n int, now, deadline time.Time) (delay time.Duration, end time.Time, ok bool) {
	if !res.retry || n > c.maxRetries || res.delay > maxServerDelay {
		return 0, end, false // a server delay over 60 s is not waited: the caller sees RetryAfter
	}
	if delay = res.delay; delay == 0 {
		delay = backoffFrom(c.baseDelay, c.maxDelay, n, c.jitter())
	}
	delay = c.scaled(delay)
	if res.status == http.StatusTooManyRequests && res.delay > 0 {
		end = now.Add(delay) // this answer closed the shared window: wait for it like the other callers
		delay = c.spread(delay)
	}
	if !deadline.IsZero() && now.Add(delay).After(deadline) {
		return 0, time.Time{}, false
	}
	return delay, end, true
}

// observation is what an answer tells the limiter, scaled; delays beyond 60 s are left out.
func (c *config) observation(res *outcome) Observation {
	o := Observation{Status: res.status, RateLimit: rateLimitInfo(res.header)}
	if rl := o.RateLimit; rl != nil && rl.Reset > 0 {
		rl.Reset = c.scaled(rl.Reset)
		if rl.Reset > c.scaled(maxServerDelay) {
			rl.Reset = -1
		}
	}
	if res.status == http.StatusTooManyRequests && res.delay > 0 && res.delay <= maxServerDelay {
		o.RetryAfter = c.scaled(res.delay)
	}
	return o
}

// log writes a Debug record of a wait, when a logger is set.
func (w *waiter) log(ctx context.Context, msg string, d time.Duration, attrs ...slog.Attr) {
	if l := w.cfg.logger; l != nil && l.Enabled(ctx, slog.LevelDebug) {
		attrs = append(attrs, slog.String("method", w.req.Method),
			slog.String("path", w.cfg.key.scrub(w.req.URL.Path)), slog.Duration("delay", d))
		l.LogAttrs(ctx, slog.LevelDebug, msg, attrs...)
	}
}

// scaled is d multiplied by the delay scale.
func (c *config) scaled(d time.Duration) time.Duration {
	if c.scale == 1 {
		return d
	}
	return time.Duration(float64(d) * c.scale)
}

// spread is d plus a random part of d/2 (at most 1 s), so waiting callers are not released at once.
func (c *config) spread(d time.Duration) time.Duration {
	return d + time.Duration(c.jitter()*float64(min(d/2, maxReleaseSpread)))
}

// backoffFrom is the delay before retry n: base x 2^(n-1), capped, jittered into [d/2, d] by r in [0, 1).
func backoffFrom(base, ceiling time.Duration, n int, r float64) time.Duration {
	d := ceiling
	if n < 32 && base <= ceiling>>(n-1) {
		d = min(base<<(n-1), ceiling)
	}
	half := d / 2
	return half + time.Duration(r*float64(d-half))
}

// retryableStatus reports whether code is 408, 429, 500, 502, 503 or 504.
func retryableStatus(code int) bool {
	return code == http.StatusRequestTimeout || code == http.StatusTooManyRequests ||
		code >= 500 && code <= 504 && code != http.StatusNotImplemented
}

// retryableTransport reports whether a failure without an answer may pass: refused,
// reset or closed connections, timeouts, DNS failures but a host that does not exist.
func retryableTransport(err error) bool {
	if dnsErr, ok := errors.AsType[*net.DNSError](err); ok {
		return !dnsErr.IsNotFound
	}
	if isA[x509.UnknownAuthorityError](err) || isA[x509.HostnameError](err) ||
		isA[x509.CertificateInvalidError](err) || isA[*tls.CertificateVerificationError](err) ||
		errors.Is(err, errTooManyRedirects) || errors.Is(err, ErrResponseTooLarge) {
		return false
	}
	if urlErr, ok := errors.AsType[*url.Error](err); ok {
		err = urlErr.Err // url.Error itself claims to be a net.Error; judge its cause
	}
	if isA[*net.OpError](err) || isTimeoutErr(err) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	// net/http reports these with unexported types or plain errors.New values.
	msg := err.Error()
	return msg == "http: server closed idle connection" ||
		strings.HasPrefix(msg, "http2: ") || strings.HasPrefix(msg, "stream error: ")
}

// isA reports whether err's chain holds an error of type E.
func isA[E error](err error) bool {
	_, ok := errors.AsType[E](err)
	return ok
}

// isTimeoutErr reports whether err's chain holds a net.Error that timed out.
func isTimeoutErr(err error) bool {
	ne, ok := errors.AsType[net.Error](err)
	return ok && ne.Timeout()
}

// serverDelay is the delay an answer asks for, if any: retry-after-ms, Retry-After
// (whole seconds or an HTTP date), then, on 429, x-ratelimit-reset.
func serverDelay(resp *http.Response, now time.Time) (time.Duration, bool) {
	h := resp.Header
	if d, ok := parseSeconds(h.Get("retry-after-ms"), float64(time.Millisecond)); ok {
		return d, true
	}
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs >= 0 {
			return parseSeconds(v, float64(time.Second))
		}
		if at, err := http.ParseTime(v); err == nil {
			return max(at.Sub(now), 0), true
		}
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		return parseSeconds(h.Get("x-ratelimit-reset"), float64(time.Second))
	}
	return 0, false
}

// parseSeconds reads v, a non-negative number of units, as a duration (capped, not overflowing).
func parseSeconds(v string, unit float64) (time.Duration, bool) {
	n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	switch {
	case err != nil || n < 0 || math.IsInf(n, 0) || math.IsNaN(n):
		return 0, false
	case n*unit >= math.MaxInt64:
		return math.MaxInt64, true
	}
	return time.Duration(n * unit), true
}

// rateLimitInfo reads x-ratelimit-limit, -remaining and -reset; nil without them.
func rateLimitInfo(h http.Header) *RateLimit {
	if h["X-Ratelimit-Limit"] == nil && h["X-Ratelimit-Remaining"] == nil && h["X-Ratelimit-Reset"] == nil {
		return nil
	}
	rl := &RateLimit{Limit: -1, Remaining: -1, Reset: -1}
	if n, err := strconv.Atoi(strings.TrimSpace(h.Get("X-Ratelimit-Limit"))); err == nil {
		rl.Limit = n
	}
	if n, err := strconv.Atoi(strings.TrimSpace(h.Get("X-Ratelimit-Remaining"))); err == nil {
		rl.Remaining = n
	}
	if d, ok := parseSeconds(h.Get("X-Ratelimit-Reset"), float64(time.Second)); ok {
		rl.Reset = d
	}
	return rl
}

// sleepContext waits for d or until ctx is done, whichever comes first.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	select {
	case <-time.After(d): // an unstopped timer is collected (Go 1.23)
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// NewLimiter returns the in-memory [Limiter], a client's default.
func NewLimiter() Limiter { return new(memLimiter) }

// memLimiter is the in-memory Limiter; each method costs an atomic load or two.
type memLimiter struct {
	until   atomic.Int64 // Unix nanoseconds until which the window is spent; 0 = never
	deficit atomic.Int64 // retry-budget tokens drawn and not given back
}

// Reserve returns the time left in the window and the tokens drawn.
func (m *memLimiter) Reserve(_ context.Context, now time.Time) Reservation {
	left := max(m.until.Load()-now.UnixNano(), 0)
	return Reservation{Wait: time.Duration(left), Drawn: int(m.deficit.Load())}
}

// Observe closes the window after a 429 with a delay, or a remaining count of 0 with a reset.
func (m *memLimiter) Observe(_ context.Context, now time.Time, o Observation) {
	if o.Status == http.StatusTooManyRequests && o.RetryAfter > 0 {
		m.close(now.Add(o.RetryAfter))
	}
	if rl := o.RateLimit; rl != nil && rl.Remaining == 0 && rl.Reset > 0 {
		m.close(now.Add(rl.Reset))
	}
}

// close marks the window spent until at; a window spent for longer is kept.
func (m *memLimiter) close(at time.Time) {
	u := at.UnixNano()
	for old := m.until.Load(); old < u && !m.until.CompareAndSwap(old, u); old = m.until.Load() {
	}
}

// Draw takes cost tokens when at least cost are left of capacity.
func (m *memLimiter) Draw(ctx context.Context, cost, capacity int) (func(), bool) {
	for d := m.deficit.Load(); d+int64(cost) <= int64(capacity); d = m.deficit.Load() {
		if m.deficit.CompareAndSwap(d, d+int64(cost)) {
			return func() { m.Refund(ctx, cost) }, true
		}
	}
	return nil, false
}

// Refund gives n tokens back, never more than were drawn.
func (m *memLimiter) Refund(_ context.Context, n int) {
	for d := m.deficit.Load(); d > 0; d = m.deficit.Load() {
		if m.deficit.CompareAndSwap(d, max(d-int64(n), 0)) {
			return
		}
	}
}
