package telnyx

import (
	"context"
	"time"
)

// Test seams: these options exist only in this package's tests.

// WithSleep replaces the wait between attempts.
func WithSleep(f func(ctx context.Context, d time.Duration) error) Option {
	return func(c *config) { c.sleep = f }
}

// WithJitter replaces the random source of the backoff jitter (values in [0, 1)).
func WithJitter(f func() float64) Option { return func(c *config) { c.jitter = f } }

// WithNow replaces the clock used for HTTP-date Retry-After and deadline checks.
func WithNow(f func() time.Time) Option { return func(c *config) { c.now = f } }

// WithMaxBody lowers the cap on a 2xx body, so a test of the cap need not send 32 MiB.
func WithMaxBody(n int64) Option { return func(c *config) { c.maxBody = n } }

// MaxBody is the cap a client has by default.
const MaxBody = maxBody

// WithAttemptContext replaces context.WithTimeout as the bound of each attempt, so a
// test can end an attempt when the server holds it rather than after a real delay.
func WithAttemptContext(f func(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc)) Option {
	return func(c *config) { c.attemptContext = f }
}

// Backoff exposes the backoff schedule.
func Backoff(n int, r float64) time.Duration { return backoffFrom(baseDelay, maxDelay, n, r) }

// NewTransport exposes the construction of the default transport from a base.
var NewTransport = newTransport
