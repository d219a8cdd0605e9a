package telnyx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// maxBody is the largest response body the client reads (tests lower it per client).
const maxBody = 32 << 20

// operation names an API operation in errors and logs; action marks the four
// POST .../actions/* operations, whose success is the 2xx status itself.
type operation struct {
	name   string
	action bool
}

var (
	opListSessions     = operation{name: "GET /room_sessions"}
	opGetSession       = operation{name: "GET /room_sessions/{id}"}
	opListParticipants = operation{name: "GET /room_sessions/{id}/participants"}
	opEnd              = operation{name: "POST /room_sessions/{id}/actions/end", action: true}
	opKick             = operation{name: "POST /room_sessions/{id}/actions/kick", action: true}
	opMute             = operation{name: "POST /room_sessions/{id}/actions/mute", action: true}
	opUnmute           = operation{name: "POST /room_sessions/{id}/actions/unmute", action: true}
)

var acceptJSON = []string{"application/json"}

// builder validates an operation's arguments and builds its request (with package gen)
// against server. A rejected argument is an error wrapping [ErrInvalidArgument].
type builder func(server string) (*http.Request, error)

// decoder decodes a 2xx body from dec into out, a fresh zero value on every attempt.
// dec reads the body as it streams, through a bodyReader, which bounds what one value
// (what one call of dec.Decode or dec.Token reads) may make dec buffer: a decoder of a
// list reads each item with its own Decode.
type decoder[T any] func(dec *json.Decoder, out *T) error

// outcome is what one attempt produced.
type outcome struct {
	err      error
	retry    bool          // another attempt may succeed
	delay    time.Duration // the delay the answer asked for, when hasDelay
	hasDelay bool
	status   int         // 0 when no answer arrived
	header   http.Header // the answer's headers; nil when no answer arrived
	noAnswer bool        // err is a failure of the transport, without a whole answer
}

// do builds the request of op, sends it with auth and retries, and decodes a 2xx
// answer into a new T. Every error it returns, and every error it logs, has been
// through the key's redaction.
func do[T any](ctx context.Context, c *Client, op operation, build builder, decode decoder[T]) (*T, error) {
	s := c.s
	req, err := build(s.server)
	if err != nil {
		if !errors.Is(err, ErrInvalidArgument) {
			// With validated arguments this does not happen.
			err = fmt.Errorf("telnyx: %s: building the request: %w", op.name, err)
		}
		return nil, s.key.redact(err)
	}
	req.Header["Authorization"] = s.key.header()
	req.Header["User-Agent"] = s.userAgent
	req.Header["Accept"] = acceptJSON
	rec := recorderFrom(ctx)
	var last error // the previous attempt's error
	drawn := int64(0)
	covered := int64(0) // the end of a window this caller has already waited out
	for n := 1; ; n++ {
		if err := c.awaitWindow(ctx, op, req, covered); err != nil {
			switch {
			case last == nil:
				return nil, wrapWait(op, "waiting for the rate-limit window", err, nil)
			case ctx.Err() != nil:
				return nil, wrapWait(op, "waiting for the rate-limit window", err, last)
			}
			return nil, last // the window resets too late: the last answer is the error
		}
		if n == 1 && c.budget.empty() {
			if err := c.pace(ctx, req); err != nil {
				return nil, wrapWait(op, "paced by the empty retry budget", err, nil)
			}
		}
		out, res := attempt(ctx, c, op, req, n, decode)
		c.observe(&res)
		if rec != nil {
			rec.record(&res, n, s.key)
		}
		if res.err == nil {
			if drawn > 0 {
				c.budget.refund(drawn) // the retry worked: what it drew goes back
			} else {
				c.budget.refund(successRefund)
			}
			return out, nil
		}
		var apiErr *Error
		if errors.As(res.err, &apiErr) {
			apiErr.Attempts = n
		}
		if !res.retry || n > s.maxRetries {
			return nil, res.err
		}
		delay := res.delay
		switch {
		case !res.hasDelay:
			delay = s.backoff(n)
		case delay > maxServerDelay:
			return nil, res.err // not worth waiting: the caller sees RetryAfter
		}
		delay = s.scaled(delay)
		now := s.now()
		if res.status == http.StatusTooManyRequests && res.hasDelay {
			// This answer closed the shared window: wait for it like the other callers,
			// released at a random point of its spread, not all at once.
			covered = now.Add(delay).UnixNano()
			delay += time.Duration(s.jitter() * float64(releaseSpread(delay)))
		}
		if deadline, ok := ctx.Deadline(); ok && now.Add(delay).After(deadline) {
			return nil, res.err
		}
		drawn = retryCost
		if isTimeout(ctx, res.err) {
			drawn = timeoutRetryCost
		}
		if !c.budget.take(drawn) {
			return nil, res.err // fail fast; the next call is paced (see pace)
		}
		if l := s.logger; l != nil && l.Enabled(ctx, slog.LevelDebug) {
			l.LogAttrs(ctx, slog.LevelDebug, "telnyx: retry scheduled",
				slog.String("method", req.Method), slog.String("path", req.URL.Path),
				slog.Int("attempt", n+1), slog.Duration("delay", delay))
		}
		last = res.err
		if err := s.sleep(ctx, delay); err != nil {
			return nil, wrapWait(op, "waiting to retry", err, res.err)
		}
	}
}

// wrapWait is the error of a wait before an attempt that ended early (while says which
// wait): ctx's error, or a rate-limit window that resets too late, with the last
// attempt's error if there was one. The call ended because its context did, so the error
// does not match ErrTransport even when the last attempt got no answer; that attempt's
// cause is still wrapped.
func wrapWait(op operation, while string, err, last error) error {
	var we *windowError
	var te *transportError
	switch {
	case errors.As(err, &we):
		return err
	case last == nil:
		return fmt.Errorf("telnyx: %s: %w while %s", op.name, err, while)
	case errors.As(last, &te):
		last = causeOnly{te}
	}
	return fmt.Errorf("telnyx: %s: %w while %s; last attempt: %w", op.name, err, while, last)
}

// causeOnly is a transport failure's text and cause, without its match of ErrTransport.
type causeOnly struct{ te *transportError }

// Error is the transport failure's text.
func (c causeOnly) Error() string { return c.te.Error() }

// Unwrap returns the transport failure's cause.
func (c causeOnly) Unwrap() error { return c.te.err }

// isTimeout reports whether err is an attempt that timed out (not the caller's context).
func isTimeout(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// attempt makes attempt number n of req, decoding a 2xx answer into a new T. The
// outcome's error is redacted.
func attempt[T any](ctx context.Context, c *Client, op operation, req *http.Request, n int, decode decoder[T]) (*T, outcome) {
	s := c.s
	actx := ctx
	if s.timeout > 0 {
		var cancel context.CancelFunc
		actx, cancel = s.attemptContext(ctx, s.timeout)
		defer cancel()
	}
	r := req.WithContext(actx)
	if n > 1 && req.GetBody != nil {
		// A retry sends the original body, byte for byte.
		body, err := req.GetBody()
		if err != nil {
			return nil, outcome{err: fmt.Errorf("telnyx: %s: replaying the request body: %w", op.name, err)}
		}
		r.Body = body
	}
	var start time.Time
	logging := s.logger != nil && s.logger.Enabled(ctx, slog.LevelDebug)
	if logging {
		start = time.Now()
	}
	var out *T
	var res outcome
	resp, err := s.httpClient.Do(r)
	switch {
	case err != nil:
		res = outcome{err: err, noAnswer: true, retry: ctx.Err() == nil && retryableTransport(err)}
	case resp.StatusCode >= 200 && resp.StatusCode <= 299:
		out, res = decodeBody(ctx, op, resp, s.maxBody, decode)
		if res.err != nil && !res.noAnswer {
			res.err = &pathError{op: op.name, path: s.relPath(req.URL.Path), err: res.err}
		}
	default:
		res = failure(op, resp, s.now())
		if e, ok := res.err.(*Error); ok {
			e.Path = s.relPath(req.URL.Path)
		}
	}
	if res.noAnswer {
		res.err = noAnswerErr(ctx, op, s.relPath(req.URL.Path), n, res.err)
	}
	if resp != nil {
		res.status, res.header = resp.StatusCode, resp.Header
	}
	res.err = s.key.redact(res.err)
	if logging {
		status, id := 0, ""
		if resp != nil {
			status, id = resp.StatusCode, s.key.scrub(requestID(resp.Header))
		}
		attrs := []slog.Attr{
			slog.String("method", req.Method), slog.String("path", req.URL.Path),
			slog.Int("status", status), slog.Int("attempt", n),
			slog.Duration("duration", time.Since(start)), slog.String("request_id", id),
		}
		if res.err != nil {
			attrs = append(attrs, slog.String("error", res.err.Error()))
		}
		s.logger.LogAttrs(ctx, slog.LevelDebug, "telnyx: attempt", attrs...)
	}
	return out, res
}

// pathError is a 2xx answer the client refused (malformed, too large): its text names
// the operation and the path requested, like the other errors of a call.
type pathError struct {
	op, path string
	err      error
}

// Error reads like "telnyx: GET /room_sessions/{id} (/room_sessions/3b9d...): malformed
// response: ...".
func (e *pathError) Error() string {
	return "telnyx: " + opWithPath(e.op, e.path) + ": " + e.err.Error()
}

// Unwrap returns the cause, for errors.Is and errors.As.
func (e *pathError) Unwrap() error { return e.err }

// requestID is the x-request-id header of an answer.
func requestID(h http.Header) string {
	return h.Get("X-Request-Id") // canonical already, so Get does not allocate
}

// decodeBody decodes a 2xx body into a new T as it streams, up to the client's cap. A
// body cut off in transit is retried; malformed JSON is an error, not retried, and so is
// a body over the cap. For an action the 2xx status is the answer: its body (cut, empty,
// malformed or oversized) is only drained, so that the connection can be reused, and the
// action succeeds.
func decodeBody[T any](ctx context.Context, op operation, resp *http.Response, limit int64, decode decoder[T]) (*T, outcome) {
	defer closeBody(resp.Body)
	if op.action {
		drain(resp.Body)
		return new(T), outcome{}
	}
	if resp.ContentLength > limit {
		return nil, outcome{err: fmt.Errorf("%w (%d bytes)", ErrResponseTooLarge, resp.ContentLength)}
	}
	body := newBodyReader(resp.Body, limit)
	out := new(T)
	err := decode(body.dec, out)
	if err == nil {
		err = body.rest()
	}
	switch {
	case err == nil:
		return out, outcome{}
	case body.tooLarge:
		return nil, outcome{err: fmt.Errorf("%w (over %d bytes)", ErrResponseTooLarge, limit)}
	case body.valueTooLarge:
		return nil, outcome{err: fmt.Errorf("%w (one value over %d bytes)", ErrResponseTooLarge, body.valueMax)}
	case body.readErr != nil:
		return nil, outcome{err: fmt.Errorf("reading response: %w", body.readErr), noAnswer: true, retry: ctx.Err() == nil}
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF // the body ended before the value did (or began)
	}
	body.dec = nil
	drain(body) // the rest of a short malformed body, so the connection can be reused
	return nil, outcome{err: fmt.Errorf("%w: %w", ErrMalformedResponse, err)}
}

// bodyReader is what the JSON decoder of a 2xx body reads from: the body, cut at
// limit+1 bytes (tooLarge), telling a failure of the connection (readErr) from the end
// of the body, and bounding what the decoder can buffer (valueTooLarge).
//
// The bound. encoding/json's Decoder keeps in its buffer everything it has read from
// its input offset on (InputOffset: the start of the value or token it is reading; a
// Decode moves it only once the whole value is in the buffer), and when it needs more
// and less than 512 bytes of the buffer are free, it replaces the buffer with one of
// twice the capacity plus 512. Read never lets the decoder hold more than valueMax
// bytes past its input offset (delivered - InputOffset), so the buffer grows only while
// its capacity is at most valueMax+511: it never exceeds 2*valueMax+1534 bytes, all its
// generations together about twice that, and at the peak of a growth the old and new
// buffers together hold about 3*valueMax. With valueMax a quarter of the cap, a body the
// cap refuses costs the decoder about the cap in all, at most 3/4 of it at once, whatever
// its shape: one huge string in a Get's record or in one item of a list, or a long list.
// What is decoded is bounded by the bytes read (at most limit+1), so a refused body
// never holds twice the cap. The bound is on what one call of the decoder reads: each
// item of a list, the whole answer of a Get (one record in its envelope). A record over
// a quarter of the cap (8 MiB by default) is refused with [ErrResponseTooLarge].
type bodyReader struct {
	r             io.Reader
	dec           *json.Decoder // the decoder reading; nil past the value: only the cap then applies
	limit         int64         // the cap on the body
	valueMax      int64         // the most the decoder may hold past its input offset
	delivered     int64         // bytes read from r
	tooLarge      bool          // the body is over limit
	valueTooLarge bool          // one value is over valueMax
	readErr       error         // a failure of the connection, not the end of the body
	scratch       [512]byte     // what follows the value is read through it (see rest)
}

// errBodyTooLarge and errValueTooLarge stop the decoder; decodeBody reports them as
// [ErrResponseTooLarge].
var (
	errBodyTooLarge  = errors.New("body over the cap")
	errValueTooLarge = errors.New("value over the bound")
)

// newBodyReader returns the reader of body, capped at limit bytes, with its decoder.
func newBodyReader(body io.Reader, limit int64) *bodyReader {
	b := &bodyReader{r: body, limit: limit, valueMax: limit / 4}
	b.dec = json.NewDecoder(b)
	return b
}

// Read reads from the body, within the cap and the bound on one value.
func (b *bodyReader) Read(p []byte) (int, error) {
	switch {
	case b.tooLarge:
		return 0, errBodyTooLarge
	case b.valueTooLarge:
		return 0, errValueTooLarge
	case b.readErr != nil:
		return 0, b.readErr
	}
	if left := b.limit + 1 - b.delivered; int64(len(p)) > left {
		p = p[:left]
	}
	if b.dec != nil {
		room := b.valueMax - (b.delivered - b.dec.InputOffset())
		if room <= 0 {
			b.valueTooLarge = true
			return 0, errValueTooLarge
		}
		if int64(len(p)) > room {
			p = p[:room]
		}
	}
	n, err := b.r.Read(p)
	b.delivered += int64(n)
	switch {
	case b.delivered > b.limit:
		b.tooLarge = true
		return n, errBodyTooLarge
	case err != nil && err != io.EOF:
		b.readErr = err
	}
	return n, err
}

// rest checks that only whitespace follows the value the decoder has read, to the end
// of the body: first what the decoder has buffered past the value, then the rest of
// the body, through one fixed buffer. Its cost is linear in what follows and its memory
// constant. Reading to the end also lets the connection be reused.
func (b *bodyReader) rest() error {
	dec := b.dec
	b.dec = nil // past the value, only the cap applies
	off := dec.InputOffset()
	if b.delivered > off {
		if err := b.onlyWhitespace(dec.Buffered(), off); err != nil {
			return err
		}
	}
	return b.onlyWhitespace(b, b.delivered)
}

// onlyWhitespace reads r to its end and checks it holds only JSON whitespace; off is
// the offset in the body of r's first byte.
func (b *bodyReader) onlyWhitespace(r io.Reader, off int64) error {
	for {
		n, err := r.Read(b.scratch[:])
		for i, c := range b.scratch[:n] {
			if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
				return fmt.Errorf("unexpected %q at offset %d after the JSON value", c, off+int64(i))
			}
		}
		off += int64(n)
		switch {
		case err == io.EOF:
			return nil
		case err != nil:
			return err
		}
	}
}

// failure turns a non-2xx answer into an *Error, keeping the first 64 KiB of the body.
func failure(op operation, resp *http.Response, now time.Time) outcome {
	defer closeBody(resp.Body)
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	drain(resp.Body)
	e := &Error{
		Op:         op.name,
		StatusCode: resp.StatusCode,
		RequestID:  requestID(resp.Header),
		Errors:     parseErrorBody(raw),
		Body:       raw,
	}
	delay, ok := serverDelay(resp, now)
	if ok {
		e.RetryAfter = delay
	}
	// A Retry-After of 0 or a date in the past asks for no particular delay.
	return outcome{err: e, retry: retryableStatus(resp.StatusCode), delay: delay, hasDelay: ok && delay > 0}
}

// drainLimit is how much of an unread body is read so the connection can be reused;
// a longer remainder is left for Close, which then drops the connection.
const drainLimit = 4 << 10

// closeBody closes an answer's body once it has been read. Its error is dropped: the
// answer is already in hand, and a connection that cannot be closed cleanly is not reused.
func closeBody(body io.Closer) { _ = body.Close() }

// drain reads what is left of r, up to drainLimit.
func drain(r io.Reader) {
	_, _ = io.CopyN(io.Discard, r, drainLimit)
}
