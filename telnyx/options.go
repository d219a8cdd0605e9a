package telnyx

import (
	"cmp"
	"context"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"sync"
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

// Option configures a [Client] when given to [NewClient], or one call when given to an
// operation, on top of the client's options.
type Option func(*config)

// config is the one configuration of a client and of a call: options write it,
// NewClient resolves and checks it, and a call with options works on a copy.
type config struct {
	// Client-only: set by NewClient, refused per call.
	apiKey     string
	baseURL    string
	httpClient *http.Client
	httpSet    bool
	plainHTTP  bool
	limiter    Limiter
	budget     int // retry budget capacity; 0 = off
	clientOnly string
	callOnly   string

	// Resolved by NewClient.
	key      apiKey
	server   string // base URL with a trailing slash
	basePath string // its path without that slash, cut from the paths errors name

	maxRetries int
	timeout    time.Duration
	logger     *slog.Logger
	userAgent  string
	ua         []string // the User-Agent header
	pageConc   int
	baseDelay  time.Duration
	maxDelay   time.Duration
	scale      float64
	headers    [][2]string // WithHeader, in order
	info       *infoSink   // WithResponseInto

	// Seams for deterministic tests (set through export_test.go).
	maxBody int64
	sleep   func(ctx context.Context, d time.Duration) error
	jitter  func() float64
	now     func() time.Time
	// attemptContext bounds one attempt by the timeout (context.WithTimeout).
	attemptContext func(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc)
}

// clientOption marks an option that only NewClient takes.
func clientOption(name string, f func(*config)) Option {
	return func(c *config) {
		c.clientOnly = cmp.Or(c.clientOnly, name) // the first one given is named
		f(c)
	}
}

// WithAPIKey sets the bearer API key. Without it (or with ""), NewClient reads
// $TELNYX_API_KEY. Client only.
func WithAPIKey(key string) Option {
	return clientOption("WithAPIKey", func(c *config) { c.apiKey = key })
}

// WithBaseURL sets the API base URL (its path kept; plain http:// only to loopback, see
// [WithPlainHTTP]). Default: $TELNYX_BASE_URL, then [DefaultBaseURL]. Client only.
func WithBaseURL(u string) Option {
	return clientOption("WithBaseURL", func(c *config) { c.baseURL = u })
}

// WithPlainHTTP allows a plain http:// base URL off loopback (a fake in a container).
// The key then travels in clear: use it only with a test key. Client only.
func WithPlainHTTP() Option {
	return clientOption("WithPlainHTTP", func(c *config) { c.plainHTTP = true })
}

// WithHTTPClient sends requests through hc, for its transport, proxy or tracing. The
// SDK uses a shallow copy and never mutates hc. Client only.
func WithHTTPClient(hc *http.Client) Option {
	return clientOption("WithHTTPClient", func(c *config) { c.httpClient, c.httpSet = hc, true })
}

// WithLimiter makes the client keep its rate-limit window and retry budget in l;
// clients given the same Limiter share them. Default: a [NewLimiter] per client. Client only.
func WithLimiter(l Limiter) Option {
	return clientOption("WithLimiter", func(c *config) { c.limiter = l })
}

// WithRetryBudget sizes the client's retry budget (default 50 tokens, 5 per retry); 0
// turns it off, so every failure gets its retries. Client only.
func WithRetryBudget(tokens int) Option {
	return clientOption("WithRetryBudget", func(c *config) { c.budget = tokens })
}

// WithMaxRetries sets how many times a failed attempt is retried (default 2, so three
// attempts in all); 0 disables retries.
func WithMaxRetries(n int) Option { return func(c *config) { c.maxRetries = n } }

// WithTimeout limits each attempt (default 30s); 0 means no per-attempt limit. The
// context given to each call bounds the whole call, retries included.
func WithTimeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// WithLogger writes a Debug record for every attempt and every scheduled wait to l.
// The API key is never logged. By default nothing is logged.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithUserAgent appends s, after a space, to the User-Agent roomsessions-go/<version>.
func WithUserAgent(s string) Option { return func(c *config) { c.userAgent = s } }

// WithPageConcurrency sets how many pages an iterator may fetch at once after the
// first (default 4); 1 fetches one at a time. n < 1 is an [ErrInvalidArgument].
func WithPageConcurrency(n int) Option { return func(c *config) { c.pageConc = n } }

// WithBackoff sets the retry backoff: initial (default 500ms) doubled at each retry up
// to max (default 8s), jittered to [d/2, d]. Needs 0 < initial <= max.
func WithBackoff(initial, max time.Duration) Option {
	return func(c *config) { c.baseDelay, c.maxDelay = initial, max }
}

// WithDelayScale multiplies every wait by f (0 < f <= 1), for tests; telnyxtest's
// Server.Client uses 0.001. [Error.RetryAfter] and the 60 s ceiling stay unscaled.
func WithDelayScale(f float64) Option { return func(c *config) { c.scale = f } }

// WithHeader adds a header to every request of the client, or of the call. A later
// WithHeader of the same name replaces an earlier one, a call's the client's.
func WithHeader(name, value string) Option {
	return func(c *config) { c.headers = append(slices.Clip(c.headers), [2]string{name, value}) }
}

// WithResponseInto fills *info when the call returns: see [ResponseInfo]. On an
// iterator, it describes the latest page's answer. Call only.
func WithResponseInto(info *ResponseInfo) Option {
	return func(c *config) { c.callOnly, c.info = "WithResponseInto", &infoSink{info: info} }
}

// infoSink fills a ResponseInfo; the lock lets pages fetched ahead share it.
type infoSink struct {
	mu   sync.Mutex
	info *ResponseInfo
}

// wallNow is the time without its monotonic reading, so the policy and the limiter (which
// keeps the window in Unix time) compare on one clock.
func wallNow() time.Time { return time.Now().Round(0) }

func defaultConfig() config {
	return config{
		budget:     budgetCapacity,
		baseDelay:  baseDelay,
		maxDelay:   maxDelay,
		scale:      1,
		pageConc:   defaultPageConcurrency,
		maxBody:    maxBody,
		maxRetries: defaultMaxRetries,
		timeout:    defaultTimeout,
		sleep:      sleepContext,
		jitter:     rand.Float64,
		now:        wallNow,

		attemptContext: context.WithTimeout,
	}
}

// forbiddenHeaders are the headers the client writes itself.
var forbiddenHeaders = []string{"Authorization", "Content-Type", "Content-Length", "Host", "User-Agent"}

// check validates what a call may change; NewClient and every call with options run it.
func (c *config) check() error {
	switch {
	case c.maxRetries < 0:
		return invalidArg("max retries", "must be >= 0, got %d", c.maxRetries)
	case c.timeout < 0:
		return invalidArg("timeout", "must be >= 0, got %s", c.timeout)
	case c.baseDelay <= 0 || c.maxDelay < c.baseDelay:
		return invalidArg("backoff", "needs 0 < initial <= max, got %s and %s", c.baseDelay, c.maxDelay)
	case !(c.scale > 0 && c.scale <= 1):
		return invalidArg("delay scale", "must be in (0, 1], got %v", c.scale)
	case c.pageConc < 1:
		return invalidArg("page concurrency", "must be >= 1, got %d", c.pageConc)
	case strings.ContainsFunc(c.userAgent, func(r rune) bool { return r < ' ' || r == 0x7f }):
		return invalidArg("user agent", "must not contain control characters")
	}
	for _, h := range c.headers {
		name := textproto.CanonicalMIMEHeaderKey(h[0])
		switch {
		case h[0] == "" || strings.ContainsFunc(h[0], func(r rune) bool { return r <= ' ' || r >= 0x7f || r == ':' }):
			return invalidValue("header name", h[0], "is not a valid header name")
		case slices.Contains(forbiddenHeaders, name):
			return invalidArg("header "+name, "is set by the client; WithHeader cannot change it")
		case strings.ContainsAny(h[1], "\r\n\x00"):
			return invalidArg("header "+name, "value must not contain CR, LF or NUL")
		}
	}
	c.ua = []string{"roomsessions-go/" + Version}
	if c.userAgent != "" {
		c.ua[0] += " " + c.userAgent
	}
	return nil
}

// ResponseInfo is what the API said in answer to a call, success or failure: give
// [WithResponseInto] to the call. It describes the last attempt that got an answer
// (headers with the key scrubbed); Attempts counts every attempt made.
type ResponseInfo struct {
	StatusCode int         // status of the last answer
	RequestID  string      // its x-request-id
	Attempts   int         // attempts made, the first included
	RateLimit  *RateLimit  // its x-ratelimit-* headers; nil when it had none
	Header     http.Header // its headers
}

// RateLimit is what an answer's x-ratelimit-limit, x-ratelimit-remaining and
// x-ratelimit-reset headers said; a field is -1 when its header was absent or unreadable.
type RateLimit struct {
	Limit     int           // requests allowed in the window
	Remaining int           // requests left in the window
	Reset     time.Duration // time until the window resets
}
