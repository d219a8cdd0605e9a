package telnyx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"time"
)

// maxBody is the largest response body the client reads.
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

// outcome is what one attempt produced.
type outcome struct {
	err      error
	retry    bool          // another attempt may succeed
	delay    time.Duration // the delay the answer asked for, when hasDelay
	hasDelay bool
}

// do sends req (built by package gen) with auth, retries and decoding into out. It
// owns req from then on.
func (c *Client) do(ctx context.Context, op operation, req *http.Request, out any) error {
	s := c.s
	req.Header["Authorization"] = s.authHeader
	req.Header["User-Agent"] = s.userAgent
	req.Header["Accept"] = acceptJSON
	for n := 1; ; n++ {
		res := c.attempt(ctx, op, req, n, out)
		if res.err == nil {
			return nil
		}
		var apiErr *Error
		if errors.As(res.err, &apiErr) {
			apiErr.Attempts = n
		}
		if !res.retry || n > s.maxRetries {
			return res.err
		}
		delay := res.delay
		switch {
		case !res.hasDelay:
			delay = backoff(n, s.jitter())
		case delay > maxServerDelay:
			return res.err // not worth waiting: the caller sees RetryAfter
		}
		if deadline, ok := ctx.Deadline(); ok && s.now().Add(delay).After(deadline) {
			return res.err
		}
		if l := s.logger; l != nil && l.Enabled(ctx, slog.LevelDebug) {
			l.LogAttrs(ctx, slog.LevelDebug, "telnyx: retry scheduled",
				slog.String("method", req.Method), slog.String("path", req.URL.Path),
				slog.Int("attempt", n+1), slog.Duration("delay", delay))
		}
		if err := s.sleep(ctx, delay); err != nil {
			return fmt.Errorf("telnyx: %s: %w while waiting to retry; last attempt: %w", op.name, err, res.err)
		}
	}
}

// attempt makes attempt number n of req.
func (c *Client) attempt(ctx context.Context, op operation, req *http.Request, n int, out any) (res outcome) {
	s := c.s
	actx, cancel := ctx, context.CancelFunc(nil)
	if s.timeout > 0 {
		actx, cancel = context.WithTimeout(ctx, s.timeout)
		defer cancel()
	}
	r := req.WithContext(actx)
	if n > 1 {
		// A retry starts from a clean result and the original body, byte for byte.
		reflect.ValueOf(out).Elem().SetZero()
		if req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return outcome{err: fmt.Errorf("telnyx: %s: replaying the request body: %w", op.name, err)}
			}
			r.Body = body
		}
	}
	var start time.Time
	logging := s.logger != nil && s.logger.Enabled(ctx, slog.LevelDebug)
	if logging {
		start = time.Now()
	}
	resp, err := s.httpClient.Do(r)
	status, requestID := 0, ""
	if err != nil {
		res = outcome{err: s.redactErr(fmt.Errorf("telnyx: %s: %w", op.name, err)), retry: ctx.Err() == nil && retryableTransport(err)}
	} else {
		status, requestID = resp.StatusCode, s.requestID(resp.Header)
		if status >= 200 && status <= 299 {
			res = c.decode(ctx, op, resp, out)
		} else {
			res = c.failure(op, resp)
		}
	}
	if logging {
		attrs := []slog.Attr{
			slog.String("method", req.Method), slog.String("path", req.URL.Path),
			slog.Int("status", status), slog.Int("attempt", n),
			slog.Duration("duration", time.Since(start)), slog.String("request_id", requestID),
		}
		if res.err != nil {
			attrs = append(attrs, slog.String("error", res.err.Error()))
		}
		s.logger.LogAttrs(ctx, slog.LevelDebug, "telnyx: attempt", attrs...)
	}
	return res
}

// decode streams a 2xx body into out. A body cut off in transit is retried for reads;
// an action whose 2xx status arrived is done. Malformed JSON is an error, not retried.
func (c *Client) decode(ctx context.Context, op operation, resp *http.Response, out any) outcome {
	defer resp.Body.Close()
	if resp.ContentLength > maxBody {
		return outcome{err: fmt.Errorf("telnyx: %s: %w (%d bytes)", op.name, ErrResponseTooLarge, resp.ContentLength)}
	}
	body := limitedBody{r: resp.Body, left: maxBody + 1}
	dec := json.NewDecoder(&body)
	var err error
	if s, ok := out.(streamDecoder); ok {
		err = s.decodeFrom(dec)
	} else {
		err = dec.Decode(out)
	}
	if err == nil {
		// Only whitespace may follow the value; reading to the end also frees the
		// connection for reuse.
		if tok, terr := dec.Token(); terr != io.EOF {
			err = terr
			if terr == nil {
				err = fmt.Errorf("unexpected %v after the JSON value", tok)
			}
		}
	}
	switch {
	case err == nil:
		return outcome{}
	case body.tooLarge:
		return outcome{err: fmt.Errorf("telnyx: %s: %w (over %d bytes)", op.name, ErrResponseTooLarge, maxBody)}
	case op.action && (body.readErr != nil || errors.Is(err, io.EOF)):
		// The status is the answer; a cut or empty body does not undo the action.
		return outcome{}
	case body.readErr != nil:
		return outcome{err: fmt.Errorf("telnyx: %s: reading response: %w", op.name, body.readErr), retry: ctx.Err() == nil}
	}
	drain(&body) // the rest of a short malformed body, so the connection can be reused
	return outcome{err: fmt.Errorf("telnyx: %s: %w: %w", op.name, ErrMalformedResponse, err)}
}

// failure turns a non-2xx answer into an *Error, keeping the first 64 KiB of the body.
func (c *Client) failure(op operation, resp *http.Response) outcome {
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	drain(resp.Body)
	raw = redact(raw, c.s.apiKey)
	e := &Error{
		Op:         op.name,
		StatusCode: resp.StatusCode,
		RequestID:  c.s.requestID(resp.Header),
		Errors:     parseErrorBody(raw),
		Body:       raw,
	}
	redactDetails(e.Errors, c.s.apiKey)
	delay, ok := serverDelay(resp, c.s.now())
	if ok {
		e.RetryAfter = delay
	}
	return outcome{err: e, retry: retryableStatus(resp.StatusCode), delay: delay, hasDelay: ok}
}

// redactErr hides the key in the text of a transport error (a redirect to a URL that
// carries it would otherwise show it); errors.Is and errors.As still see the cause.
func (s *settings) redactErr(err error) error {
	if s.apiKey == "" || !strings.Contains(err.Error(), s.apiKey) {
		return err
	}
	return &redactedError{err: err, msg: strings.ReplaceAll(err.Error(), s.apiKey, "[redacted]")}
}

// redactedError is an error whose text has the key removed.
type redactedError struct {
	err error
	msg string
}

// Error returns the redacted text.
func (e *redactedError) Error() string { return e.msg }

// Unwrap returns the original error, for errors.Is and errors.As.
func (e *redactedError) Unwrap() error { return e.err }

// requestID is the x-request-id header of an answer, with the API key redacted should
// the server echo it there.
func (s *settings) requestID(h http.Header) string {
	id := h.Get("x-request-id")
	if s.apiKey == "" || !strings.Contains(id, s.apiKey) {
		return id
	}
	return strings.ReplaceAll(id, s.apiKey, "[redacted]")
}

// drainLimit is how much of an unread body is read so the connection can be reused;
// a longer remainder is left for Close, which then drops the connection.
const drainLimit = 4 << 10

// drain reads what is left of r, up to drainLimit.
func drain(r io.Reader) {
	_, _ = io.CopyN(io.Discard, r, drainLimit)
}

// streamDecoder is a response body that decodes itself piece by piece.
type streamDecoder interface {
	decodeFrom(dec *json.Decoder) error
}

// limitedBody reads at most left-1 bytes, and remembers why reading stopped.
type limitedBody struct {
	r        io.Reader
	left     int64
	tooLarge bool
	readErr  error // a failure of the connection, not the end of the body
}

// Read reads from the body until the limit, noting a failure of the connection.
func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		b.tooLarge = true
		return 0, ErrResponseTooLarge
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	if b.left <= 0 {
		b.tooLarge = true
		return n, ErrResponseTooLarge
	}
	if err != nil && err != io.EOF && b.readErr == nil {
		b.readErr = err
	}
	return n, err
}
