package telnyx

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/textproto"
	"strings"
	"time"

	"github.com/roomsessions/telnyx-go/internal/jsonstream"
)

// operation names an API operation in errors and logs.
type operation struct {
	name   string
	answer *jsonstream.Shape // what api/openapi.yaml requires of its 2xx answer (required.gen.go)
}

var (
	opListSessions     = operation{name: "GET /room_sessions", answer: answerShapes["ListRoomSessions"]}
	opGetSession       = operation{name: "GET /room_sessions/{id}", answer: answerShapes["ViewRoomSession"]}
	opListParticipants = operation{name: "GET /room_sessions/{id}/participants", answer: answerShapes["ListRoomParticipants"]}
	opEnd              = operation{name: "POST /room_sessions/{id}/actions/end"}
	opKick             = operation{name: "POST /room_sessions/{id}/actions/kick"}
	opMute             = operation{name: "POST /room_sessions/{id}/actions/mute"}
	opUnmute           = operation{name: "POST /room_sessions/{id}/actions/unmute"}
)

var acceptJSON = []string{"application/json"}

// builder validates an operation's arguments ([ErrInvalidArgument]) and builds its request with gen.
type builder func(server string) (*http.Request, error)

// do builds the request of op, sends it with auth and the policy's retries, and
// decodes a 2xx answer into a new T. Its error, the call's, is redacted.
func do[T any](ctx context.Context, cfg *config, op operation, build builder, decode decoder[T]) (*T, error) {
	req, err := build(cfg.server)
	if err != nil {
		if !errors.Is(err, ErrInvalidArgument) { // with validated arguments this does not happen
			err = errorf(op.name, err, "building the request: %v", err)
		}
		return nil, cfg.key.redact(err)
	}
	cfg.setHeaders(req)
	w := waiter{cfg: cfg, op: op, req: req}
	for {
		if err := w.before(ctx); err != nil {
			return nil, cfg.key.redact(err)
		}
		out, res := attempt(ctx, cfg, op, req, w.n+1, decode)
		cfg.info.record(&res, w.n+1, cfg.key)
		again, err := w.after(ctx, &res)
		if !again {
			return out, cfg.key.redact(err)
		}
	}
}

// forCall returns the configuration of a call: the client's, or a copy with opts
// applied. A client-only option fails the call, before anything is sent.
func (c *Client) forCall(opts []Option) (*config, error) {
	if len(opts) == 0 {
		return c.cfg, nil
	}
	cfg := *c.cfg
	for _, opt := range opts {
		if opt == nil {
			return nil, invalidArg("option", "must not be nil")
		}
		opt(&cfg)
	}
	if cfg.clientOnly != "" {
		return nil, invalidArg("option "+cfg.clientOnly, "is an option of the client (give it to NewClient), not of a call")
	}
	if err := cfg.check(); err != nil {
		return nil, err // the caller redacts
	}
	return &cfg, nil
}

// setHeaders writes the headers of every request: auth, user agent, WithHeader's.
func (c *config) setHeaders(req *http.Request) {
	h := req.Header
	_, h["Authorization"] = c.key.secret()
	h["User-Agent"] = c.ua
	h["Accept"] = acceptJSON
	for _, kv := range c.headers {
		h[textproto.CanonicalMIMEHeaderKey(kv[0])] = []string{kv[1]}
	}
}

// attempt makes attempt number n of req, decoding a 2xx answer into a new T.
func attempt[T any](ctx context.Context, c *config, op operation, req *http.Request, n int, decode decoder[T]) (*T, outcome) {
	actx := ctx
	if c.timeout > 0 {
		var cancel context.CancelFunc
		actx, cancel = c.attemptContext(ctx, c.timeout)
		defer cancel()
	}
	r := req.WithContext(actx)
	if n > 1 && req.GetBody != nil { // a retry sends the original body, byte for byte
		body, err := req.GetBody()
		if err != nil {
			return nil, outcome{err: errorf(op.name, err, "replaying the request body: %v", err)}
		}
		r.Body = body
	}
	path := strings.TrimPrefix(req.URL.Path, c.basePath) // what errors name: "/room_sessions/..."
	start := time.Now()
	var out *T
	var res outcome
	resp, err := c.httpClient.Do(r)
	switch {
	case err != nil:
		res = outcome{err: err, noAnswer: true, retry: ctx.Err() == nil && retryableTransport(err)}
	case resp.StatusCode >= 200 && resp.StatusCode <= 299:
		out, res = decodeBody(ctx, resp, c.maxBody, decode)
		if res.err != nil && !res.noAnswer {
			res.err = &opError{where: opWithPath(op.name, path), err: res.err}
		}
	default:
		res = failure(op, resp, c.now(), maxErrorBody+6*int64(len(c.key.value())))
		e := res.err.(*Error)
		e.Path, e.Attempts = path, n
	}
	if res.noAnswer {
		if ctx.Err() == nil && actx.Err() != nil {
			res.err = &attemptTimeout{after: c.timeout} // the attempt's own limit, not the caller's
		}
		res.err = noAnswerErr(ctx, opWithPath(op.name, path), n, res.err)
	}
	if resp != nil {
		res.status, res.header = resp.StatusCode, resp.Header
	}
	if l := c.logger; l != nil && l.Enabled(ctx, slog.LevelDebug) { // the key scrubbed from the record
		attrs := []slog.Attr{
			slog.String("method", req.Method), slog.String("path", c.key.scrub(req.URL.Path)),
			slog.Int("status", res.status), slog.Int("attempt", n),
			slog.Duration("duration", time.Since(start)),
			slog.String("request_id", c.key.scrub(requestID(res.header))),
		}
		if res.err != nil {
			attrs = append(attrs, slog.String("error", c.key.redact(res.err).Error()))
		}
		l.LogAttrs(ctx, slog.LevelDebug, "telnyx: attempt", attrs...)
	}
	return out, res
}

// record stores what attempt n produced in the call's ResponseInfo, if any.
func (s *infoSink) record(res *outcome, n int, key apiKey) {
	if s == nil || s.info == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.info.Attempts = n
	if res.header == nil {
		return
	}
	s.info.StatusCode = res.status
	s.info.RequestID = key.scrub(requestID(res.header))
	h := res.header.Clone()
	for _, vs := range h {
		for i, v := range vs {
			vs[i] = key.scrub(v)
		}
	}
	s.info.Header = h
	s.info.RateLimit = rateLimitInfo(res.header)
}

// requestID is the x-request-id header of an answer (canonical already: Get does not allocate).
func requestID(h http.Header) string { return h.Get("X-Request-Id") }

// failure turns a non-2xx answer into an *Error. It reads limit bytes of the body, so
// that a key straddling the 64 KiB that redaction keeps is found whole.
func failure(op operation, resp *http.Response, now time.Time, limit int64) outcome {
	defer closeBody(resp.Body)
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, limit))
	drain(resp.Body)
	delay, _ := serverDelay(resp, now) // 0 (a Retry-After of 0, a date past): no particular delay
	e := &Error{
		Op:         op.name,
		StatusCode: resp.StatusCode,
		RequestID:  requestID(resp.Header),
		Errors:     parseErrorBody(raw[:min(len(raw), maxErrorBody)]),
		Body:       raw,
		RetryAfter: delay,
	}
	return outcome{err: e, retry: retryableStatus(resp.StatusCode), delay: delay}
}

// closeBody closes an answer's body once read; its error is dropped: the answer is in hand.
func closeBody(body io.Closer) { _ = body.Close() }

// drain reads what is left of r, up to 4 KiB, so the connection can be reused.
func drain(r io.Reader) { _, _ = io.CopyN(io.Discard, r, 4<<10) }
