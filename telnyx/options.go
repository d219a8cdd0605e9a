package telnyx

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// DefaultBaseURL is the Telnyx API v2 endpoint used when neither [WithBaseURL] nor
// $TELNYX_BASE_URL says otherwise.
const DefaultBaseURL = "https://api.telnyx.com/v2"

// Environment variables read by [NewClient] when the matching option is not given.
const (
	EnvAPIKey  = "TELNYX_API_KEY"
	EnvBaseURL = "TELNYX_BASE_URL"
)

const (
	defaultMaxRetries = 2
	defaultTimeout    = 30 * time.Second
)

// Option configures a [Client]; pass options to [NewClient].
type Option func(*clientConfig)

// clientConfig collects option values; NewClient validates it once.
type clientConfig struct {
	apiKey     string
	baseURL    string
	httpClient *http.Client
	httpSet    bool
	maxRetries int
	timeout    time.Duration
	logger     *slog.Logger
	userAgent  string
	pageConc   int
	baseDelay  time.Duration
	maxDelay   time.Duration
	scale      float64
	plainHTTP  bool

	// Seams for deterministic tests (set through export_test.go).
	maxBody int64
	sleep   func(ctx context.Context, d time.Duration) error
	jitter  func() float64
	now     func() time.Time
	// attemptContext bounds one attempt by the timeout (context.WithTimeout).
	attemptContext func(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc)
}

// WithAPIKey sets the bearer API key. Without it (or with ""), NewClient reads
// $TELNYX_API_KEY.
func WithAPIKey(key string) Option { return func(c *clientConfig) { c.apiKey = key } }

// WithBaseURL sets the API base URL, with or without a trailing slash; its path (such
// as /v2) is kept. Plain http:// is accepted only for loopback hosts (see
// [WithPlainHTTP]). Without it (or with ""), NewClient reads $TELNYX_BASE_URL, then
// uses [DefaultBaseURL].
func WithBaseURL(u string) Option { return func(c *clientConfig) { c.baseURL = u } }

// WithPlainHTTP allows a plain http:// base URL to a host other than loopback, such as
// the standalone fake at http://fake:4010/v2 in a container network. The API key then
// travels in clear, readable by anyone on the path: use it only with a test key on a
// network you control, never with a real key over the internet.
func WithPlainHTTP() Option { return func(c *clientConfig) { c.plainHTTP = true } }

// WithHTTPClient makes the client send requests through hc, for its transport, proxy
// or tracing. The SDK uses a shallow copy and never mutates hc.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *clientConfig) { c.httpClient, c.httpSet = hc, true }
}

// WithMaxRetries sets how many times a failed attempt is retried (default 2, so three
// attempts in all); 0 disables retries.
func WithMaxRetries(n int) Option { return func(c *clientConfig) { c.maxRetries = n } }

// WithTimeout limits each attempt (default 30s); 0 means no per-attempt limit. The
// context given to each call bounds the whole call, retries included.
func WithTimeout(d time.Duration) Option { return func(c *clientConfig) { c.timeout = d } }

// WithLogger makes the client write a Debug record for every attempt and every
// scheduled retry to l. The API key is never logged. By default nothing is logged.
func WithLogger(l *slog.Logger) Option { return func(c *clientConfig) { c.logger = l } }

// WithUserAgent appends s, after a space, to the User-Agent roomsessions-go/<version>.
func WithUserAgent(s string) Option { return func(c *clientConfig) { c.userAgent = s } }

// WithPageConcurrency sets how many pages [RoomSessionsService.All] and
// [RoomSessionsService.AllParticipants] may fetch at once once the first page has told
// how many there are (default 4); 1 fetches one page at a time. Pages are yielded in
// order and at most n are held in memory. n < 1 is an [ErrInvalidArgument].
func WithPageConcurrency(n int) Option { return func(c *clientConfig) { c.pageConc = n } }

// WithBackoff sets the delay before the first retry (default 500ms), doubled at each
// retry up to max (default 8s), then jittered to a random value in [d/2, d]. It applies
// when the answer asks for no particular delay. initial must be > 0 and max >= initial,
// else NewClient fails with an [ErrInvalidArgument].
func WithBackoff(initial, max time.Duration) Option {
	return func(c *clientConfig) { c.baseDelay, c.maxDelay = initial, max }
}

// WithDelayScale multiplies every delay the client waits by f (0 < f <= 1): the
// backoff, the delays the API asks for (Retry-After, retry-after-ms, x-ratelimit-reset)
// and the shared rate-limit window. It is meant for tests, so that a test of a 503 or a
// 429 takes milliseconds with every attempt kept; telnyxtest's Server.Client uses 0.001.
// [Error.RetryAfter] still reports the delay the API asked for, and the 60s ceiling
// applies to that delay, not the scaled one.
func WithDelayScale(f float64) Option { return func(c *clientConfig) { c.scale = f } }

func defaultConfig() clientConfig {
	return clientConfig{
		baseDelay:  baseDelay,
		maxDelay:   maxDelay,
		scale:      1,
		pageConc:   defaultPageConcurrency,
		maxBody:    maxBody,
		maxRetries: defaultMaxRetries,
		timeout:    defaultTimeout,
		sleep:      sleepContext,
		jitter:     rand.Float64,
		now:        time.Now,

		attemptContext: context.WithTimeout,
	}
}

// resolve applies the environment fallbacks and validates every value.
func (c *clientConfig) resolve() (*settings, error) {
	if c.apiKey == "" {
		c.apiKey = os.Getenv(EnvAPIKey)
	}
	if c.apiKey == "" {
		return nil, fmt.Errorf("telnyx: %w: pass telnyx.WithAPIKey or set $%s", ErrNoAPIKey, EnvAPIKey)
	}
	key, err := newAPIKey(c.apiKey)
	if err != nil {
		return nil, err
	}
	if c.baseURL == "" {
		c.baseURL = os.Getenv(EnvBaseURL)
	}
	if c.baseURL == "" {
		c.baseURL = DefaultBaseURL
	}
	base, err := parseBaseURL(c.baseURL, c.plainHTTP)
	if err != nil {
		return nil, err
	}
	if c.httpSet && c.httpClient == nil {
		return nil, invalidArg("http client", "must not be nil")
	}
	if c.maxRetries < 0 {
		return nil, invalidArg("max retries", "must be >= 0, got %d", c.maxRetries)
	}
	if c.timeout < 0 {
		return nil, invalidArg("timeout", "must be >= 0, got %s", c.timeout)
	}
	if c.baseDelay <= 0 || c.maxDelay < c.baseDelay {
		return nil, invalidArg("backoff", "needs 0 < initial <= max, got %s and %s", c.baseDelay, c.maxDelay)
	}
	if !(c.scale > 0 && c.scale <= 1) {
		return nil, invalidArg("delay scale", "must be in (0, 1], got %v", c.scale)
	}
	if c.pageConc < 1 {
		return nil, invalidArg("page concurrency", "must be >= 1, got %d", c.pageConc)
	}
	if strings.ContainsFunc(c.userAgent, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return nil, invalidArg("user agent", "must not contain control characters")
	}
	ua := "roomsessions-go/" + Version
	if c.userAgent != "" {
		ua += " " + c.userAgent
	}
	return &settings{
		key:             key,
		userAgent:       []string{ua},
		server:          base,
		httpClient:      wrapHTTPClient(c.httpClient),
		maxRetries:      c.maxRetries,
		maxBody:         c.maxBody,
		timeout:         c.timeout,
		logger:          c.logger,
		sleep:           c.sleep,
		jitter:          c.jitter,
		now:             c.now,
		attemptContext:  c.attemptContext,
		pageConcurrency: c.pageConc,
		baseDelay:       c.baseDelay,
		maxDelay:        c.maxDelay,
		scale:           c.scale,
	}, nil
}

// parseBaseURL checks raw and returns it with exactly one trailing slash, the form the
// generated request builders resolve relative paths against. Plain http is refused off
// loopback unless plainHTTP.
func parseBaseURL(raw string, plainHTTP bool) (string, error) {
	if i := strings.IndexFunc(raw, func(r rune) bool { return r <= ' ' || r == 0x7f }); i >= 0 {
		return "", invalidArg("base url", "contains a space or control character (at byte %d)", i)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", invalidValue("base url", raw, "cannot be parsed as a URL")
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return "", invalidValue("base url", raw, "must use https (or http to a loopback host)")
	case u.Host == "":
		return "", invalidValue("base url", raw, "has no host")
	case u.User != nil:
		return "", invalidArg("base url", "must not carry credentials")
	case u.RawQuery != "" || u.Fragment != "":
		return "", invalidValue("base url", raw, "must not have a query or fragment")
	case u.Scheme == "http" && !plainHTTP && !isLoopback(u.Hostname()):
		return "", invalidValue("base url", raw, "uses plain http, which is allowed only to a loopback host unless telnyx.WithPlainHTTP() is given (the key would travel in clear); use https")
	}
	return strings.TrimRight(u.String(), "/") + "/", nil
}

// isLoopback reports whether host is localhost or a loopback IP address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// sleepContext waits for d or until ctx is done, whichever comes first.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
