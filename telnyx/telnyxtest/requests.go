package telnyxtest

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
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
}

// Requests returns copies of every request received so far, in the order they arrived,
// including the ones a [Fault] answered and the ones rejected.
func (s *State) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = r.clone()
	}
	return out
}

func (r Request) clone() Request {
	r.Body = bytes.Clone(r.Body)
	r.Header = r.Header.Clone()
	return r
}

// recordLocked stores r (which it owns) and gives it a request id.
func (s *State) recordLocked(r Request) string {
	r.RequestID = s.newIDLocked()
	s.requests = append(s.requests, r)
	return r.RequestID
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
	if len(body) == 0 {
		body = nil
	}
	return Request{
		Method: req.Method,
		Path:   req.URL.Path,
		Query:  req.URL.RawQuery,
		Body:   body,
		Header: h,
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
