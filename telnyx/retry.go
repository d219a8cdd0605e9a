package telnyx

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	baseDelay = 500 * time.Millisecond
	maxDelay  = 8 * time.Second
	// maxServerDelay is the longest delay asked by the server that is waited out.
	maxServerDelay = 60 * time.Second
)

// retryableStatus reports whether an answer with this status is worth another attempt.
func retryableStatus(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusTooManyRequests,
		http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryableTransport reports whether a failure without an answer is worth another
// attempt: a DNS failure other than a host that does not exist (a timeout, a server
// failure), a refused or reset connection, one closed before or while answering (EOF, a
// kept-alive connection the server closed as the request left, an HTTP/2 stream or
// connection failure), any network timeout, or the attempt's own timeout. Anything else
// (a host that does not exist, certificate failures, redirect-policy refusals, a proxy
// misconfiguration, an error of the caller's own transport) would fail the same way again.
func retryableTransport(err error) bool {
	var (
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		invalidCert      x509.CertificateInvalidError
		verify           *tls.CertificateVerificationError
		urlErr           *url.Error
		opErr            *net.OpError
		netErr           net.Error
	)
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		// A host that does not exist will not exist in a second either; any other DNS
		// failure (a timeout, a server failure) may pass.
		return !dnsErr.IsNotFound
	}
	switch {
	case errors.As(err, &unknownAuthority), errors.As(err, &hostname),
		errors.As(err, &invalidCert), errors.As(err, &verify),
		errors.Is(err, errTooManyRedirects), errors.Is(err, ErrResponseTooLarge):
		return false
	}
	if errors.As(err, &urlErr) {
		err = urlErr.Err // url.Error itself claims to be a net.Error; judge its cause
	}
	switch {
	case errors.As(err, &opErr), errors.As(err, &netErr) && netErr.Timeout(),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, context.DeadlineExceeded):
		return true
	}
	// net/http reports these with unexported types or plain errors.New values.
	msg := err.Error()
	return msg == "http: server closed idle connection" ||
		strings.HasPrefix(msg, "http2: ") || strings.HasPrefix(msg, "stream error: ")
}

// backoff is the delay before retry n (1, 2, ...) with the default schedule: 500ms x
// 2^(n-1), capped at 8s, then jittered to a value in [d/2, d] by r, a number in [0, 1).
func backoff(n int, r float64) time.Duration { return backoffFrom(baseDelay, maxDelay, n, r) }

// backoffFrom is the delay before retry n: base x 2^(n-1), capped at ceiling, then
// jittered to a value in [d/2, d] by r, a number in [0, 1).
func backoffFrom(base, ceiling time.Duration, n int, r float64) time.Duration {
	d := ceiling
	if n < 32 && base <= ceiling>>(n-1) {
		d = min(base<<(n-1), ceiling)
	}
	half := d / 2
	return half + time.Duration(r*float64(d-half))
}

// serverDelay is the delay the answer asks for, and whether it asks for one:
// retry-after-ms, then Retry-After (seconds or an HTTP date), then, on 429,
// x-ratelimit-reset (seconds until the window resets).
func serverDelay(resp *http.Response, now time.Time) (time.Duration, bool) {
	h := resp.Header
	if v := h.Get("retry-after-ms"); v != "" {
		if ms, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && ms >= 0 && !math.IsInf(ms, 0) {
			return clampDuration(ms * float64(time.Millisecond)), true
		}
	}
	if v := h.Get("Retry-After"); v != "" {
		v = strings.TrimSpace(v)
		if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs >= 0 {
			return clampDuration(float64(secs) * float64(time.Second)), true
		}
		if at, err := http.ParseTime(v); err == nil {
			return max(at.Sub(now), 0), true
		}
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		if v := h.Get("x-ratelimit-reset"); v != "" {
			if secs, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && secs >= 0 && !math.IsInf(secs, 0) {
				return clampDuration(secs * float64(time.Second)), true
			}
		}
	}
	return 0, false
}

// clampDuration converts nanoseconds to a Duration without overflowing.
func clampDuration(ns float64) time.Duration {
	if ns >= math.MaxInt64 {
		return math.MaxInt64
	}
	return time.Duration(ns)
}
