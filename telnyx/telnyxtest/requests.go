package telnyxtest

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Request is one request the fake received, as [State.Requests] reports it.
type Request struct {
	Method string
	Path   string // the URL path as received, including /v2
	Query  string // the raw query string, without '?'
	Body   []byte // nil when there was none
	// Header is a copy of the request's headers. The credential of Authorization is
	// replaced by "***" (for example "Bearer ***"), so the API key never appears.
	Header http.Header
	// RequestID is the x-request-id the fake answered with (or would have, for a request
	// whose connection a [Fault] cut).
	RequestID string
	// Status is the status the fake answered with; 0 while the answer is being written,
	// or when a [Fault] cut the connection before any answer.
	Status int
	// At is when the request arrived, by the fake's clock.
	At time.Time
	// BodyTruncated says that Body holds only the first [MaxLoggedBody] bytes of the body.
	BodyTruncated bool
}

// Bounds of the request log: it keeps the last [WithMaxRequests] requests (default
// DefaultMaxRequests), each with at most MaxLoggedBody bytes of its body, and drops the
// oldest beyond maxLogBytes of bodies and headers in all.
const (
	DefaultMaxRequests = 10000
	MaxLoggedBody      = 64 << 10
	maxLogBytes        = 64 << 20
)

// Requests returns copies of the requests received so far, in the order they arrived,
// including the ones a [Fault] answered and the ones rejected: the last
// [DefaultMaxRequests] (or [WithMaxRequests]) of them.
func (s *State) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	live := s.log.entries()
	out := make([]Request, len(live))
	for i, r := range live {
		out[i] = r.clone()
	}
	return out
}

// requestsShared returns the log's entries, sharing their bodies and headers, which
// are never changed once logged.
func (s *State) requestsShared() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.log.entries())
}

// ClearRequests empties the request log, and nothing else.
func (s *State) ClearRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log.clear()
}

// requestLog is the bounded log of requests: a queue whose oldest entries are dropped
// past max entries or maxBytes of bodies and headers.
type requestLog struct {
	max, maxBytes int
	reqs          []Request // reqs[head:] are live
	head          int
	bytes         int
	first         uint64 // the sequence number of reqs[head]
}

func (l *requestLog) entries() []Request { return l.reqs[l.head:] }

func (l *requestLog) clear() {
	l.first += uint64(len(l.reqs) - l.head)
	l.reqs, l.head, l.bytes = nil, 0, 0
}

// add appends r and returns its sequence number, dropping the oldest entries as needed.
func (l *requestLog) add(r Request) uint64 {
	size := r.size()
	for len(l.reqs)-l.head > 0 && (len(l.reqs)-l.head >= l.max || l.bytes+size > l.maxBytes) {
		l.bytes -= l.reqs[l.head].size()
		l.reqs[l.head] = Request{}
		l.head++
		l.first++
	}
	if l.head > 0 && l.head >= len(l.reqs)/2 {
		n := copy(l.reqs, l.reqs[l.head:])
		clear(l.reqs[n:])
		l.reqs, l.head = l.reqs[:n], 0
	}
	l.reqs = append(l.reqs, r)
	l.bytes += size
	return l.first + uint64(len(l.reqs)-l.head) - 1
}

// setStatus records the status of the request of sequence number seq, if it is still
// in the log.
func (l *requestLog) setStatus(seq uint64, status int) {
	if seq < l.first {
		return
	}
	if i := l.head + int(seq-l.first); i < len(l.reqs) {
		l.reqs[i].Status = status
	}
}

// size is what r costs the log, roughly: its body and headers.
func (r *Request) size() int {
	n := len(r.Body) + len(r.Path) + len(r.Query) + 64
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + len(v)
		}
	}
	return n
}

// setStatusLocked records the status answered to the request of sequence number seq.
func (s *State) setStatusLocked(seq uint64, status int) {
	s.log.setStatus(seq, status)
}

func (r Request) clone() Request {
	r.Body = bytes.Clone(r.Body)
	r.Header = r.Header.Clone()
	return r
}

// recordLocked stores r (which it owns) and gives it a request id and its time; it
// returns the id and the entry's sequence number, for setStatusLocked.
func (s *State) recordLocked(r Request) (string, uint64) {
	r.RequestID = s.newIDLocked()
	r.At = s.nowLocked()
	return r.RequestID, s.log.add(r)
}

// newRequest makes the record of req, whose body has been read into body.
func newRequest(req *http.Request, body []byte) Request {
	h := req.Header.Clone()
	if vs := h.Values("Authorization"); len(vs) > 0 {
		masked := slices.Clone(vs)
		for i, v := range masked {
			masked[i] = maskCredential(v)
		}
		h["Authorization"] = masked
	}
	truncated := false
	switch {
	case len(body) == 0:
		body = nil
	case len(body) > MaxLoggedBody:
		body, truncated = bytes.Clone(body[:MaxLoggedBody]), true
	}
	return Request{
		Method:        req.Method,
		Path:          req.URL.Path,
		Query:         req.URL.RawQuery,
		Body:          body,
		Header:        h,
		BodyTruncated: truncated,
	}
}

// maskCredential keeps the scheme of an Authorization value and hides the rest.
func maskCredential(v string) string {
	scheme, _, found := strings.Cut(strings.TrimSpace(v), " ")
	if !found || scheme == "" {
		return "***"
	}
	return scheme + " ***"
}
