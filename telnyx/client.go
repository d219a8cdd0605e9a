package telnyx

import (
	"cmp"
	"errors"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// Version is the SDK version sent in the User-Agent header.
const Version = "0.1.0"

// Client talks to the Telnyx Room Sessions API. Create one with [NewClient] and share
// it: a Client is safe for concurrent use and reuses connections.
type Client struct {
	// RoomSessions holds the seven Room Sessions operations.
	RoomSessions *RoomSessionsService

	cfg *config // resolved and checked; never modified
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
	if err := cfg.resolve(); err != nil {
		// An option's value echoed in the error might be the key, pasted in the wrong place.
		return nil, hideKey(cfg.apiKey).redact(err)
	}
	c := &Client{cfg: &cfg}
	c.RoomSessions = &RoomSessionsService{c: c}
	return c, nil
}

// resolve applies the environment fallbacks and checks every value of a client.
func (c *config) resolve() error {
	if c.callOnly != "" {
		return invalidArg("option "+c.callOnly, "is an option of a call, not of a client")
	}
	c.apiKey = cmp.Or(c.apiKey, os.Getenv(EnvAPIKey))
	if c.apiKey == "" {
		return errorf("no API key", ErrNoAPIKey, "pass telnyx.WithAPIKey or set $%s", EnvAPIKey)
	}
	key, err := newAPIKey(c.apiKey)
	if err != nil {
		return err
	}
	base, path, err := parseBaseURL(cmp.Or(c.baseURL, os.Getenv(EnvBaseURL), DefaultBaseURL), c.plainHTTP)
	switch {
	case err != nil:
		return err
	case c.httpSet && c.httpClient == nil:
		return invalidArg("http client", "must not be nil")
	case c.budget < 0:
		return invalidArg("retry budget", "must be >= 0, got %d", c.budget)
	}
	c.limiter = cmp.Or(c.limiter, NewLimiter())
	c.key, c.server, c.basePath, c.apiKey = key, base, path, ""
	c.httpClient = wrapHTTPClient(c.httpClient)
	c.clientOnly = ""
	return c.check()
}

// String describes the client without its API key.
func (c *Client) String() string { return "telnyx.Client{base: " + c.cfg.server + "}" }

// GoString is like String, so %#v cannot print the key either.
func (c *Client) GoString() string { return c.String() }

// errTooManyRedirects ends a redirect chain, as net/http's default policy does.
var errTooManyRedirects = errors.New("stopped after 10 redirects")

// wrapHTTPClient returns a shallow copy of hc (or a new client) whose redirects drop the
// Authorization header when they leave the original scheme and host.
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

// parseBaseURL checks raw and returns it with one trailing slash, as gen's builders need
// it, and its path without; plain http is refused off loopback unless plainHTTP.
func parseBaseURL(raw string, plainHTTP bool) (string, string, error) {
	if i := strings.IndexFunc(raw, func(r rune) bool { return r <= ' ' || r == 0x7f }); i >= 0 {
		return "", "", invalidArg("base url", "contains a space or control character (at byte %d)", i)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", "", invalidValue("base url", raw, "cannot be parsed as a URL")
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return "", "", invalidValue("base url", raw, "must use https (or http to a loopback host)")
	case u.Host == "":
		return "", "", invalidValue("base url", raw, "has no host")
	case u.User != nil:
		return "", "", invalidArg("base url", "must not carry credentials")
	case u.RawQuery != "" || u.Fragment != "":
		return "", "", invalidValue("base url", raw, "must not have a query or fragment")
	case u.Scheme == "http" && !plainHTTP && !isLoopback(u.Hostname()):
		return "", "", invalidValue("base url", raw, "uses plain http, which is allowed only to a loopback host unless telnyx.WithPlainHTTP() is given (the key would travel in clear); use https")
	}
	return strings.TrimRight(u.String(), "/") + "/", strings.TrimRight(u.Path, "/"), nil
}

// isLoopback reports whether host is localhost or a loopback IP address.
func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return strings.EqualFold(host, "localhost") || ip != nil && ip.IsLoopback()
}

// maxIdlePerHost lets 64 concurrent callers of one host each keep a connection.
const maxIdlePerHost = 64

// newTransport returns a clone of base with maxIdlePerHost; a non-*http.Transport is used as is.
func newTransport(base http.RoundTripper) http.RoundTripper {
	t, ok := base.(*http.Transport)
	switch {
	case ok && t != nil:
		t = t.Clone()
	case base != nil && !ok:
		return base
	default: // nil: net/http's defaults, rebuilt
		t = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			ForceAttemptHTTP2:     true,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   10 * time.Second,
			ExpectContinueTimeout: time.Second,
		}
	}
	t.MaxIdleConns = 2 * maxIdlePerHost
	t.MaxIdleConnsPerHost = maxIdlePerHost
	return t
}
