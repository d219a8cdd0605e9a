package telnyxtest

import (
	"net/http"
	"strconv"
)

// This file answers CORS, so a test running in a browser (Playwright, Cypress) can call
// the fake and its admin API from any origin. The fake holds no secret worth guarding
// from another origin: it is a test double.

// corsMaxAge is how long a browser may cache a preflight answer.
const corsMaxAge = 10 * 60

// exposedHeaders are the answer headers a browser script may read.
const exposedHeaders = "X-Request-Id, X-Ratelimit-Limit, X-Ratelimit-Remaining, X-Ratelimit-Reset, Retry-After"

// preflight answers a CORS preflight (OPTIONS with Access-Control-Request-Method) with
// 204, allowing any origin, the methods the fake serves and the headers asked for, and
// reports whether r was one. A preflight is not recorded and no fault applies to it.
func preflight(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodOptions || r.Header.Get("Access-Control-Request-Method") == "" {
		return false
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS")
	if asked := r.Header.Get("Access-Control-Request-Headers"); asked != "" {
		h.Set("Access-Control-Allow-Headers", asked)
	} else {
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
	}
	h.Set("Access-Control-Max-Age", strconv.Itoa(corsMaxAge))
	h.Add("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
	w.WriteHeader(http.StatusNoContent)
	return true
}

// allowOrigin adds the CORS headers of an actual (not preflight) answer.
func allowOrigin(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Expose-Headers", exposedHeaders)
}
