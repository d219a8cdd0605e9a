package telnyx

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// ResponseInfo is what the API said in answer to a call, success or failure: fill one
// by passing the context returned by [WithResponseInfo] to the call. It describes the
// last attempt that got an answer; Attempts counts every attempt made.
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

// WithResponseInfo returns a context that makes every call using it fill *info when
// it returns, so a successful call's request id, attempts and rate-limit headers can be
// read without changing its signature (go-github's Response and Stainless'
// WithResponseInto serve the same purpose):
//
//	var info telnyx.ResponseInfo
//	s, err := client.RoomSessions.Get(telnyx.WithResponseInfo(ctx, &info), id, nil)
//	log.Println(info.RequestID, info.Attempts, info.RateLimit)
//
// A call that got no answer at all leaves *info unchanged, apart from Attempts. With
// an iterator, *info describes the last page request to finish; read it after the loop,
// as pages fetched ahead may be filling it while the loop runs.
func WithResponseInfo(ctx context.Context, info *ResponseInfo) context.Context {
	if info == nil {
		return ctx
	}
	return context.WithValue(ctx, responseInfoKey{}, &infoRecorder{info: info})
}

type responseInfoKey struct{}

// infoRecorder fills a ResponseInfo; the lock lets pages fetched ahead share it.
type infoRecorder struct {
	mu   sync.Mutex
	info *ResponseInfo
}

func recorderFrom(ctx context.Context) *infoRecorder {
	r, _ := ctx.Value(responseInfoKey{}).(*infoRecorder)
	return r
}

// record stores what attempt n produced.
func (r *infoRecorder) record(res *outcome, n int, key apiKey) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.info.Attempts = n
	if res.header == nil {
		return
	}
	r.info.StatusCode = res.status
	r.info.RequestID = key.scrub(requestID(res.header))
	h := res.header.Clone()
	for _, vs := range h {
		for i, v := range vs {
			vs[i] = key.scrub(v)
		}
	}
	r.info.Header = h
	r.info.RateLimit = rateLimitInfo(res.header)
}
