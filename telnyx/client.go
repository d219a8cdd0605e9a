package telnyx

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// Version is the SDK version sent in the User-Agent header.
const Version = "0.1.0"

// Client talks to the Telnyx Room Sessions API. Create one with [NewClient] and share
// it: a Client is safe for concurrent use and reuses connections.
type Client struct {
	// RoomSessions holds the seven Room Sessions operations.
	RoomSessions *RoomSessionsService

	s      *settings
	window *window // the API's rate-limit window, shared by every caller
	budget *budget // the retry budget, shared by every caller
}

// settings is the validated, immutable configuration of a Client.
type settings struct {
	key        apiKey
	maxBody    int64 // the largest 2xx body read
	userAgent  []string
	server     string // base URL with a trailing slash
	httpClient *http.Client
	maxRetries int
	timeout    time.Duration
	logger     *slog.Logger
	sleep      func(ctx context.Context, d time.Duration) error
	jitter     func() float64
	now        func() time.Time
	// attemptContext bounds one attempt by the timeout (context.WithTimeout but in tests).
	attemptContext func(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc)

	pageConcurrency int           // pages an iterator fetches at once
	baseDelay       time.Duration // backoff before the first retry
	maxDelay        time.Duration // backoff ceiling
	scale           float64       // multiplies every wait (WithDelayScale)
}

// scaled is d multiplied by the delay scale.
func (s *settings) scaled(d time.Duration) time.Duration {
	if s.scale == 1 {
		return d
	}
	return time.Duration(float64(d) * s.scale)
}

// backoff is the jittered delay before retry n, unscaled.
func (s *settings) backoff(n int) time.Duration {
	return backoffFrom(s.baseDelay, s.maxDelay, n, s.jitter())
}

// NewClient returns a Client configured by opts. It fails with an error wrapping
// [ErrNoAPIKey] when no key is given and $TELNYX_API_KEY is empty, and with an error
// wrapping [ErrInvalidArgument] for a bad option value.
func NewClient(opts ...Option) (*Client, error) {
	cfg := defaultConfig()
	for _, opt := range opts {
		if opt == nil {
			return nil, invalidArg("option", "must not be nil")
		}
		opt(&cfg)
	}
	s, err := cfg.resolve()
	if err != nil {
		// An option's value echoed in the error might be the key, pasted in the wrong place.
		return nil, hideKey(cfg.apiKey).redact(err)
	}
	c := &Client{s: s, window: new(window), budget: newBudget()}
	c.RoomSessions = &RoomSessionsService{c: c, get: newGetTemplates(s.server)}
	return c, nil
}

// String describes the client without its API key.
func (c *Client) String() string {
	return fmt.Sprintf("telnyx.Client{base: %s}", c.s.server)
}

// GoString is like String, so %#v cannot print the key either.
func (c *Client) GoString() string { return c.String() }

// errTooManyRedirects ends a redirect chain, as net/http's default policy does.
var errTooManyRedirects = errors.New("stopped after 10 redirects")

// wrapHTTPClient returns a shallow copy of hc (or a new client) whose redirect policy
// drops the Authorization header whenever a redirect leaves the original scheme and
// host. The caller's client is not modified.
func wrapHTTPClient(hc *http.Client) *http.Client {
	var cp http.Client
	if hc != nil {
		cp = *hc
	} else {
		cp.Transport = newTransport(http.DefaultTransport)
	}
	next := cp.CheckRedirect
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		first := via[0].URL
		if req.URL.Host != first.Host || req.URL.Scheme != first.Scheme {
			req.Header.Del("Authorization")
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errTooManyRedirects
		}
		return nil
	}
	return &cp
}
