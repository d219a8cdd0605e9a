package telnyx

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ErrTransport matches every failure that got no answer from the API (connection
// refused or reset, DNS, TLS, a redirect loop or refused redirect, oversized headers, a
// body cut off, an HTTP/2 reset, an attempt's own timeout), beside its cause, which
// errors.Is and errors.As still see. A cancelled or expired context is not one: that
// error wraps the context's error only.
var ErrTransport = errors.New("transport failure")

// transportError is a failure without an answer; it matches ErrTransport.
type transportError struct {
	op       string // the operation's template, such as "GET /room_sessions/{id}"
	path     string // the path requested, relative to the base URL
	attempts int    // attempts made, this one included
	err      error
}

// Error reads like "telnyx: GET /room_sessions/{id} (/room_sessions/3b9d...): dial tcp
// 127.0.0.1:4010: connect: connection refused (3 attempts)".
func (e *transportError) Error() string {
	var b strings.Builder
	b.WriteString("telnyx: ")
	b.WriteString(opWithPath(e.op, e.path))
	b.WriteString(": ")
	cause := e.err
	if ue, ok := cause.(*url.Error); ok {
		cause = ue.Err // its text repeats the method and the whole URL
	}
	b.WriteString(cause.Error())
	b.WriteString(" (")
	b.WriteString(strconv.Itoa(e.attempts))
	if e.attempts == 1 {
		b.WriteString(" attempt)")
	} else {
		b.WriteString(" attempts)")
	}
	return b.String()
}

// Unwrap returns the cause, for errors.Is and errors.As.
func (e *transportError) Unwrap() error { return e.err }

// Is makes errors.Is(err, ErrTransport) true.
func (e *transportError) Is(target error) bool { return target == ErrTransport }

// opWithPath is op followed by the path actually requested when it differs from op's
// template: "GET /room_sessions/{id} (/room_sessions/3b9d...)".
func opWithPath(op, path string) string {
	if path == "" {
		return op
	}
	if _, tmpl, ok := strings.Cut(op, " "); ok && tmpl == path {
		return op
	}
	return op + " (" + path + ")"
}

// noAnswerErr wraps err, a failure without a whole answer at attempt n of op on path:
// as a transportError matching [ErrTransport], unless ctx is done (a cancelled or
// expired context is the caller's doing, not the network's).
func noAnswerErr(ctx context.Context, op operation, path string, n int, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("telnyx: %s: %w", opWithPath(op.name, path), err)
	}
	return &transportError{op: op.name, path: path, attempts: n, err: err}
}

// relPath is p, a request's path, relative to the base URL's path: "/room_sessions/...".
func (s *settings) relPath(p string) string {
	if u, err := url.Parse(s.server); err == nil {
		if rest, ok := strings.CutPrefix(p, strings.TrimSuffix(u.Path, "/")); ok {
			return rest
		}
	}
	return p
}

// maxIdlePerHost lets 64 concurrent callers each keep a connection.
const maxIdlePerHost = 64

// newTransport returns the transport of a client built without WithHTTPClient: a clone
// of base (normally http.DefaultTransport) tuned for many concurrent callers of one
// host, TLS verification on. A base that is not an *http.Transport (a program that has
// wrapped http.DefaultTransport for tracing, say) is used as it is.
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
