package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// httpClient returns the HTTP client the API client sends through, or nil for the
// SDK's default. It is needed for -v, which logs each request's query string (the
// SDK's records leave it out), and on a terminal, where a request that waits too long
// for its answer says so on stderr.
func (a *app) httpClient() *http.Client {
	notice := a.stderrTerminal && a.waitNotice > 0
	if !a.g.verbose && !notice {
		return nil
	}
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.MaxIdleConnsPerHost = 16 // --all fetches a few pages at once
	t := &cliTransport{base: base, log: a.logger()}
	if notice {
		t.notice = a.waitNotice
		t.afterFunc = a.afterFunc
		t.stderr = &lockedWriter{w: a.stderr}
	}
	return &http.Client{Transport: t}
}

// cliTransport logs requests with their query (-v) and reports on stderr a request
// that has waited longer than notice for its answer.
type cliTransport struct {
	base      http.RoundTripper
	log       *slog.Logger // nil: no log
	notice    time.Duration
	afterFunc func(time.Duration, func()) func() bool
	stderr    *lockedWriter
}

// RoundTrip sends req through the base transport.
func (t *cliTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.log != nil {
		q, err := url.QueryUnescape(req.URL.RawQuery)
		if err != nil {
			q = req.URL.RawQuery
		}
		t.log.LogAttrs(req.Context(), slog.LevelDebug, "roomsessions: sending",
			slog.String("method", req.Method), slog.String("path", req.URL.Path), slog.String("query", q))
	}
	if t.afterFunc == nil {
		return t.base.RoundTrip(req)
	}
	d := t.notice
	stop := t.afterFunc(d, func() {
		fmt.Fprintf(t.stderr, "roomsessions: %s %s: no answer after %s; still waiting (Ctrl-C to stop)\n",
			req.Method, req.URL.Path, d)
	})
	defer stop()
	return t.base.RoundTrip(req)
}

// lockedWriter serializes writes to w: the notices come from timer goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  interface{ Write([]byte) (int, error) }
}

// Write writes p to w.
func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
