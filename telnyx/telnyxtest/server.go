package telnyxtest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultAPIKey is the bearer key the fake accepts unless [WithAPIKey] chooses another.
const DefaultAPIKey = "KEY_telnyxtest"

// Rate-limit headers on every answer without [WithRateLimit], which only report.
const (
	rateLimit          = "100"
	rateLimitRemaining = "99"
	rateLimitReset     = "1"
)

// maxBodyBytes bounds the request bodies the fake reads.
const maxBodyBytes = 1 << 20

// Option configures [NewServer] and [NewHandler].
type Option func(*config)

type config struct {
	apiKey      string
	clock       func() time.Time
	seed        uint64
	seeded      bool
	noRecord    bool
	maxRequests int
	sessions    []Session
	perKey      bool

	webhookURL        string // WithWebhooks
	webhookAttempts   int    // WithWebhookRetry
	webhookBackoff    time.Duration
	webhookBackoffSet bool
	webhookKey        ed25519.PrivateKey

	rateN      int // WithRateLimit
	rateWindow time.Duration
	limit      *fixedWindow // made from rateN and rateWindow once, shared by every world
}

// resolveConfig applies opts to the defaults. A [Standalone] resolves its options once
// and makes every world from the result, so what an option creates is shared by all.
func resolveConfig(opts []Option) *config {
	cfg := &config{apiKey: DefaultAPIKey}
	for _, o := range opts {
		o(cfg)
	}
	cfg.limit = newFixedWindow(cfg)
	cfg.webhookKey = newWebhookKey(cfg) // one for every world
	return cfg
}

// WithSessions makes the fake start with these sessions, filled in as
// [State.AddSession] does (which panics on an invalid one); [State.Reset] and POST
// /__admin/reset return to them.
func WithSessions(sessions ...Session) Option {
	return func(c *config) {
		c.sessions = append(c.sessions, sessions...)
	}
}

// WithMaxRequests keeps only the last n requests in the log ([DefaultMaxRequests] by
// default, or when n <= 0), dropping the oldest.
func WithMaxRequests(n int) Option {
	return func(c *config) { c.maxRequests = n }
}

// WithAPIKey sets the bearer key the fake accepts. An empty key keeps [DefaultAPIKey].
func WithAPIKey(key string) Option {
	return func(c *config) {
		if key != "" {
			c.apiKey = key
		}
	}
}

// WithClock sets where the fake's times come from (time.Now by default). See also
// [State.SetNow] and [State.Advance].
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.clock = now
		}
	}
}

// WithSeed makes the ids the fake generates (sessions, rooms, participants, request ids)
// a deterministic sequence from seed instead of random.
func WithSeed(seed uint64) Option {
	return func(c *config) {
		c.seed, c.seeded = seed, true
	}
}

// WithoutRequestLog stops the fake from recording requests, so that a long benchmark
// does not accumulate them; [State.Requests] then returns none.
func WithoutRequestLog() Option {
	return func(c *config) { c.noRecord = true }
}

// Server is the fake API listening on a loopback port, like [httptest.Server]. Its
// [State] methods (AddSession, Session, Fail, Requests, SetNow, ...) seed and inspect it.
type Server struct {
	// URL is the base URL of the API, http://127.0.0.1:port/v2, without a trailing slash.
	URL string
	// APIKey is the bearer key the server accepts.
	APIKey string

	*State

	ts *httptest.Server
}

// NewServer starts a fake API server and returns it. The caller must Close it.
func NewServer(opts ...Option) *Server {
	h, st := newHandler(opts)
	ts := httptest.NewServer(h)
	return &Server{URL: ts.URL + "/v2", APIKey: h.apiKey, State: st, ts: ts}
}

// Close ends pending fault latencies, shuts the server down and waits for the requests in
// flight to finish.
func (s *Server) Close() {
	s.State.EndLatencies()
	s.State.stopWebhooks()
	s.ts.Close()
}

// EndLatencies ends the latencies of pending and future faults at once (their requests
// get a cut connection), so a server of your own that mounts [NewHandler] can shut down
// without waiting for them. [Server.Close] calls it. It may be called more than once.
func (s *State) EndLatencies() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		close(s.done)
	}
}

// NewHandler returns the fake API as an http.Handler, which serves the paths under /v2/,
// and its state. Use it to mount the fake in a server of your own.
func NewHandler(opts ...Option) (http.Handler, *State) {
	h, st := newHandler(opts)
	return h, st
}

func newHandler(opts []Option) (*handler, *State) {
	return newWorld(resolveConfig(opts), nil)
}

// newWorld returns a handler and its state, configured by cfg, starting with seed when
// it is not nil (see newState).
func newWorld(cfg *config, seed []Session) (*handler, *State) {
	v, err := loadValidator()
	if err != nil {
		panic(err) // the spec is embedded at build time: its own tests catch this
	}
	st := newState(cfg, seed)
	return &handler{state: st, v: v, apiKey: cfg.apiKey, limit: cfg.limit}, st
}

// handler serves the fake API.
type handler struct {
	state  *State
	v      *validator
	apiKey string
	limit  *fixedWindow // WithRateLimit; nil: unlimited
}

// ServeHTTP records the request, applies a matching fault and otherwise answers as the
// API would.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if preflight(w, r) {
		return
	}
	allowOrigin(w)
	// A request without the key is answered 401 whatever its body, so no more of it is
	// read than the log keeps: a stranger cannot make the fake hold 1 MiB per connection.
	authorized := h.authorized(r)
	limit := int64(maxBodyBytes)
	if !authorized {
		limit = MaxLoggedBody
	}
	body, readErr := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	st := h.state
	st.mu.Lock()
	hook := st.hook
	var (
		reqID    string
		seq      uint64
		rec      Request
		recorded = !st.noRecord
	)
	if recorded || hook != nil {
		rec = newRequest(r, body)
		rec.BodyTruncated = rec.BodyTruncated || readErr != nil && !authorized
	}
	if recorded {
		reqID, seq = st.recordLocked(rec)
		if hook != nil {
			rec = rec.clone() // the hook's own copy, not the log's
		}
	} else {
		reqID = st.newIDLocked()
	}
	rec.RequestID, rec.At = reqID, st.nowLocked()
	q := h.limit.take(st.nowLocked())
	var f *Fault
	if q == nil || q.allowed {
		f = st.matchFaultLocked(r)
	}
	st.mu.Unlock()
	if recorded {
		sw := &statusWriter{ResponseWriter: w}
		w = sw
		defer func() {
			st.mu.Lock()
			st.setStatusLocked(seq, sw.status)
			st.mu.Unlock()
		}()
	}

	var resp response
	switch {
	case q != nil && !q.allowed:
		resp = rateLimited()
	case f != nil && f.Status != 0:
		resp = faultResponse(f)
	case readErr != nil && authorized:
		var tooLarge *http.MaxBytesError
		if errors.As(readErr, &tooLarge) {
			resp = errorResponse(http.StatusRequestEntityTooLarge, apiError{Code: codeBadRequest, Detail: "The request body is too large."})
		} else {
			resp = errorResponse(http.StatusBadRequest, apiError{Code: codeBadRequest, Detail: "The request body could not be read."})
		}
	default:
		resp = h.serve(r, body)
	}
	q.report(&resp)
	if hook != nil {
		st.runHook(hook, rec)
	}
	h.write(w, r, reqID, resp, f)
}

// OnRequest makes f run after each request has been answered: once the answer is
// decided (it does not show what f changes) and before it is sent, so the client's next
// request sees the change. f may call the State's methods (EndSession, Join, Leave,
// AddSession, Fail, ...) to change the fake at a precise point of a program's loop. It
// runs for every request, including those a [Fault] answers or cuts; concurrent
// requests run it one at a time. f must not wait for a request to this fake (that
// request's own f would wait for it). A nil f removes it; a later call replaces it.
func (s *State) OnRequest(f func(Request)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hook = f
}

// runHook runs the OnRequest function f for r, one at a time.
func (s *State) runHook(f func(Request), r Request) {
	s.hookMu.Lock()
	defer s.hookMu.Unlock()
	f(r)
}

// serve answers a request: authentication, routing, validation, then the operation.
func (h *handler) serve(r *http.Request, body []byte) response {
	if !h.authorized(r) {
		return errorResponse(http.StatusUnauthorized, errUnauthorized)
	}
	opID, sessionID, allow, found := matchRoute(r.Method, r.URL.EscapedPath())
	if !found {
		return errorResponse(http.StatusNotFound, errNoSuchPath)
	}
	if opID == "" {
		resp := errorResponse(http.StatusMethodNotAllowed, apiError{
			Code:   codeBadRequest,
			Detail: fmt.Sprintf("Method %s is not allowed here; use %s.", r.Method, allow),
		})
		resp.header = http.Header{"Allow": {allow}}
		return resp
	}
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return errorResponse(http.StatusBadRequest, apiError{Code: codeBadRequest, Detail: "The query string is malformed."})
	}
	var pathParams map[string]string
	if opID != opListSessions {
		pathParams = map[string]string{"room_session_id": sessionID}
	}
	r.Body, r.GetBody, r.ContentLength = http.NoBody, nil, int64(len(body))
	if len(body) > 0 {
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	if resp, valid := h.v.validate(r.Context(), h.v.ops[opID], r, pathParams, query); !valid {
		return resp
	}
	return h.serveOperation(opID, sessionID, query, body)
}

// authorized reports whether r carries "Authorization: Bearer <key>".
func (h *handler) authorized(r *http.Request) bool {
	scheme, cred, found := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	return found && strings.EqualFold(scheme, "Bearer") &&
		subtle.ConstantTimeCompare([]byte(strings.TrimSpace(cred)), []byte(h.apiKey)) == 1
}

// write sends resp, altered by f if there is one.
func (h *handler) write(w http.ResponseWriter, r *http.Request, reqID string, resp response, f *Fault) {
	if f != nil && !h.wait(r, f.Latency) {
		cutBeforeResponse(w) // the client or the server is gone: answer nothing
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "application/json")
	hdr.Set("X-Request-Id", reqID)
	hdr.Set("X-Ratelimit-Limit", rateLimit)
	hdr.Set("X-Ratelimit-Remaining", rateLimitRemaining)
	hdr.Set("X-Ratelimit-Reset", rateLimitReset)
	for k, vs := range resp.header {
		hdr[k] = vs
	}
	body := resp.body
	if f != nil {
		for k, vs := range f.Header {
			hdr.Del(k)
			for _, v := range vs {
				hdr.Add(k, v)
			}
		}
		if f.MalformedJSON {
			body = malformed(body)
		}
		switch f.Cut {
		case CutBeforeResponse:
			cutBeforeResponse(w)
			return
		case CutMidBody:
			if sw, ok := w.(*statusWriter); ok {
				sw.status = resp.status // written on the hijacked connection, past the writer
			}
			cutMidBody(w, resp.status, hdr.Clone(), body)
			return
		}
	}
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(resp.status)
	_, _ = w.Write(body) // a client that hangs up is not the fake's problem
}

// statusWriter remembers the status written through it, for the request log. Unwrap
// lets http.ResponseController reach the connection, which faults hijack.
type statusWriter struct {
	http.ResponseWriter
	status int
}

// WriteHeader records code and passes it on.
func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap returns the wrapped ResponseWriter, for http.ResponseController.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// malformed returns the first half of a JSON body, which is never valid JSON.
func malformed(body []byte) []byte {
	if len(body) < 2 {
		return []byte("{")
	}
	return body[:len(body)/2]
}
