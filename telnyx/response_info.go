package telnyx

import (
	"net/http"
	"time"
)

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
