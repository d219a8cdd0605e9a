package telnyx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Sentinel errors. Use errors.Is: an [*Error] matches the sentinel of its status code.
var (
	// ErrInvalidArgument: an argument or option was rejected before anything was sent.
	ErrInvalidArgument = errors.New("invalid argument")
	// ErrNoAPIKey: neither WithAPIKey nor $TELNYX_API_KEY gave a key.
	ErrNoAPIKey = errors.New("no API key")
	// ErrUnauthorized matches 401 answers.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden matches 403 answers.
	ErrForbidden = errors.New("forbidden")
	// ErrNotFound matches 404 answers.
	ErrNotFound = errors.New("not found")
	// ErrRateLimited matches 429 answers.
	ErrRateLimited = errors.New("rate limited")
	// ErrInvalidRequest matches 400 and 422 answers.
	ErrInvalidRequest = errors.New("invalid request")
	// ErrServer matches 5xx answers.
	ErrServer = errors.New("server error")
	// ErrSessionEnded matches the 422 answer to an action on a session that has ended,
	// typically one that ended between the List that found it and the action. It
	// matches alongside ErrInvalidRequest. See "Actions" in the package documentation.
	ErrSessionEnded = errors.New("session has ended")
	// ErrMalformedResponse: a 2xx answer whose body is not the JSON the API describes.
	ErrMalformedResponse = errors.New("malformed response")
	// ErrResponseTooLarge: a response body above 32 MiB, or one record in it above 8 MiB,
	// refused without reading it whole.
	ErrResponseTooLarge = errors.New("response body too large")
)

// maxBody is the largest 2xx body the client reads (tests lower it per client).
const maxBody = 32 << 20

// maxErrorBody is how much of an error body is kept in [Error.Body].
const maxErrorBody = 64 << 10

// Error is a non-2xx answer from the API.
type Error struct {
	// Op names the operation, such as "GET /room_sessions/{id}": the same for every
	// call of it, for grouping.
	Op string
	// Path is the path requested, relative to the base URL, such as
	// "/room_sessions/3b9d6c1e-5f2a-4c8b-9e7d-0a1b2c3d4e5f".
	Path string
	// StatusCode is the HTTP status of the last answer.
	StatusCode int
	// RequestID is the x-request-id header, for Telnyx support.
	RequestID string
	// Errors holds the parsed error details; empty when the body had none.
	Errors []ErrorDetail
	// RetryAfter is the delay the last answer asked for (zero if none).
	RetryAfter time.Duration
	// Attempts is how many attempts were made, retries included.
	Attempts int
	// Body is the raw body, at most its first 64 KiB.
	Body []byte
}

// ErrorDetail is one error of the Telnyx error envelope.
type ErrorDetail struct {
	Code      string
	Title     string
	Detail    string
	Pointer   string         // source.pointer: a JSON pointer into the request body
	Parameter string         // source.parameter: the offending query parameter
	Meta      map[string]any // meta, such as a documentation url
}

// Error reads like "telnyx: GET /room_sessions/{id} (/room_sessions/3b9d...): 404 Not
// Found: 10005 Resource not found (request id ...)": the operation, the path requested
// when it differs from the operation's, the status and the details.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("telnyx: ")
	if e.Op != "" {
		b.WriteString(opWithPath(e.Op, e.Path))
		b.WriteString(": ")
	}
	b.WriteString(strconv.Itoa(e.StatusCode))
	if text := http.StatusText(e.StatusCode); text != "" {
		b.WriteString(" ")
		b.WriteString(text)
	}
	for i, d := range e.Errors {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(d.String())
	}
	if len(e.Errors) == 0 {
		if snippet := bodySnippet(e.Body); snippet != "" {
			b.WriteString(": ")
			b.WriteString(snippet)
		}
	}
	if e.RequestID != "" {
		b.WriteString(" (request id ")
		b.WriteString(e.RequestID)
		b.WriteString(")")
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	return b.String()
}

// String formats the detail as "code title: detail [source]".
func (d ErrorDetail) String() string {
	s := strings.TrimSpace(d.Code + " " + d.Title)
	if d.Detail != "" && d.Detail != d.Title {
		if s != "" {
			s += ": "
		}
		s += d.Detail
	}
	if src := d.Parameter + d.Pointer; src != "" {
		s += " [" + src + "]"
	}
	return s
}

// Is makes errors.Is(err, ErrNotFound) and the other status sentinels work.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrInvalidRequest:
		return e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusUnprocessableEntity
	case ErrServer:
		return e.StatusCode >= 500 && e.StatusCode <= 599
	case ErrSessionEnded:
		return e.sessionEnded()
	}
	return false
}

// sessionEnded reports whether e is the API refusing an action because the session has
// ended: a 422 to End, Kick, Mute or Unmute, unless a detail points into the request
// body (the selection), which the arguments' validation makes unexpected anyway.
func (e *Error) sessionEnded() bool {
	if e.StatusCode != http.StatusUnprocessableEntity {
		return false
	}
	switch e.Op {
	case opEnd.name, opKick.name, opMute.name, opUnmute.name:
	default:
		return false
	}
	for _, d := range e.Errors {
		if strings.HasPrefix(d.Pointer, "/participants") || strings.HasPrefix(d.Pointer, "/exclude") {
			return false
		}
	}
	return true
}

// Code returns the code of the first error detail, or "".
func (e *Error) Code() string {
	if len(e.Errors) == 0 {
		return ""
	}
	return e.Errors[0].Code
}

// bodySnippet is a short, printable summary of an unparsed body (none for HTML pages).
func bodySnippet(body []byte) string {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] == '<' {
		return ""
	}
	const max = 200
	var b strings.Builder
	for len(body) > 0 && b.Len() < max {
		r, size := utf8.DecodeRune(body)
		body = body[size:]
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune('?')
		case r < ' ' || r == 0x7f:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	if len(body) > 0 {
		b.WriteString("...")
	}
	return b.String()
}

// flexString decodes a JSON string or number (some services send numeric codes).
type flexString string

// UnmarshalJSON accepts a string, a number or null.
func (f *flexString) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = flexString(n)
	return nil
}

// wireError is one error object as any Telnyx service sends it.
type wireError struct {
	Code   flexString `json:"code"`
	Title  flexString `json:"title"`
	Detail flexString `json:"detail"`
	Source *struct {
		Pointer   flexString `json:"pointer"`
		Parameter flexString `json:"parameter"`
	} `json:"source"`
	Meta map[string]any `json:"meta"`
}

func (w wireError) detail() ErrorDetail {
	d := ErrorDetail{Code: string(w.Code), Title: string(w.Title), Detail: string(w.Detail), Meta: w.Meta}
	if w.Source != nil {
		d.Pointer, d.Parameter = string(w.Source.Pointer), string(w.Source.Parameter)
	}
	return d
}

// parseErrorBody extracts details from the shapes seen in the wild: the Telnyx
// envelope {"errors":[...]}, {"message":...,"success":false}, and a bare error object.
// Anything else (HTML, empty, invalid JSON) yields no details.
func parseErrorBody(body []byte) []ErrorDetail {
	var shape struct {
		Errors  []wireError `json:"errors"`
		Message flexString  `json:"message"`
		wireError
	}
	if err := json.Unmarshal(body, &shape); err != nil {
		return nil
	}
	switch {
	case len(shape.Errors) > 0:
		details := make([]ErrorDetail, 0, len(shape.Errors))
		for _, w := range shape.Errors {
			details = append(details, w.detail())
		}
		return details
	case shape.Code != "" || shape.Title != "":
		return []ErrorDetail{shape.wireError.detail()}
	case shape.Message != "":
		return []ErrorDetail{{Title: string(shape.Message)}}
	}
	return nil
}

// ErrRetryBudgetExhausted matches a failure that was not retried because the client's
// retry budget was empty: the client's decision, not the server's word.
var ErrRetryBudgetExhausted = errors.New("not retried: the client's retry budget is empty")

// budgetError is a failure the empty retry budget kept from being retried.
type budgetError struct{ err error }

// Error is the failure's text, then why it was not retried.
func (e *budgetError) Error() string {
	return e.err.Error() + " (" + ErrRetryBudgetExhausted.Error() + ")"
}

// Unwrap returns the failure, for errors.Is and errors.As.
func (e *budgetError) Unwrap() error { return e.err }

// Is makes errors.Is(err, ErrRetryBudgetExhausted) true.
func (e *budgetError) Is(target error) bool { return target == ErrRetryBudgetExhausted }

// WindowError is a call the API's rate-limit window kept from being sent: the window
// resets after the context's deadline or beyond the 60 s the client waits. It matches
// [ErrRateLimited].
type WindowError struct {
	// Op names the operation, such as "GET /room_sessions/{id}".
	Op string
	// RetryAfter is how long the window had left (scaled by [WithDelayScale]).
	RetryAfter time.Duration
	reason     string
}

// Error reads like "telnyx: GET /room_sessions/{id}: rate limited: the API's
// rate-limit window resets in 30s, after the context's deadline".
func (e *WindowError) Error() string {
	return fmt.Sprintf("telnyx: %s: %v: the API's rate-limit window resets in %s, %s", e.Op, ErrRateLimited, e.RetryAfter.Round(time.Millisecond), e.reason)
}

// Is makes errors.Is(err, ErrRateLimited) true.
func (e *WindowError) Is(target error) bool { return target == ErrRateLimited }

// waitError is the error of a wait before an attempt that ctx ended (while says which
// wait), with the last attempt's error if there was one. It does not match
// ErrTransport even when the last attempt got no answer; that attempt's cause is wrapped.
func waitError(op operation, while string, err, last error) error {
	var te *transportError
	switch {
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

// ErrTransport matches every failure that got no answer from the API (connection
// refused or reset, DNS, TLS, a redirect loop or refused redirect, oversized headers, a
// body cut off, an HTTP/2 reset, an attempt's own timeout), beside its cause, which
// errors.Is and errors.As still see. A cancelled or expired context is not one: that
// error wraps the context's error only.
var ErrTransport = errors.New("transport failure")

// transportError is a failure without an answer; it matches ErrTransport.
type transportError struct {
	op       string // the operation's template, such as "GET /room_sessions/{id}"
	path     string // the path requested, relative to the base URL
	attempts int    // attempts made, this one included
	err      error
}

// Error reads like "telnyx: GET /room_sessions/{id} (/room_sessions/3b9d...): dial tcp
// 127.0.0.1:4010: connect: connection refused (3 attempts)".
func (e *transportError) Error() string {
	var b strings.Builder
	b.WriteString("telnyx: ")
	b.WriteString(opWithPath(e.op, e.path))
	b.WriteString(": ")
	cause := e.err
	if ue, ok := cause.(*url.Error); ok {
		cause = ue.Err // its text repeats the method and the whole URL
	}
	b.WriteString(cause.Error())
	b.WriteString(" (")
	b.WriteString(strconv.Itoa(e.attempts))
	if e.attempts == 1 {
		b.WriteString(" attempt)")
	} else {
		b.WriteString(" attempts)")
	}
	return b.String()
}

// Unwrap returns the cause, for errors.Is and errors.As.
func (e *transportError) Unwrap() error { return e.err }

// Is makes errors.Is(err, ErrTransport) true.
func (e *transportError) Is(target error) bool { return target == ErrTransport }

// opWithPath is op followed by the path actually requested when it differs from op's
// template: "GET /room_sessions/{id} (/room_sessions/3b9d...)".
func opWithPath(op, path string) string {
	if path == "" {
		return op
	}
	if _, tmpl, ok := strings.Cut(op, " "); ok && tmpl == path {
		return op
	}
	return op + " (" + path + ")"
}

// noAnswerErr wraps err, a failure without a whole answer at attempt n of op on path:
// as a transportError matching [ErrTransport], unless ctx is done (a cancelled or
// expired context is the caller's doing, not the network's).
func noAnswerErr(ctx context.Context, op operation, path string, n int, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("telnyx: %s: %w", opWithPath(op.name, path), err)
	}
	return &transportError{op: op.name, path: path, attempts: n, err: err}
}

// invalidArg returns an error wrapping ErrInvalidArgument that names the argument.
func invalidArg(name, format string, args ...any) error {
	return &argError{name: name, reason: fmt.Sprintf(format, args...)}
}

// invalidValue is invalidArg for a rejected value, which the message shows (clipped and
// quoted, after the key is scrubbed from it).
func invalidValue(name, value, format string, args ...any) error {
	return &argError{name: name, value: value, hasValue: true, reason: fmt.Sprintf(format, args...)}
}

// argError is a rejected argument; it wraps ErrInvalidArgument.
type argError struct {
	name     string
	value    string
	hasValue bool
	reason   string
}

// Error names the argument, shows the rejected value if any, and says why.
func (e *argError) Error() string {
	s := "telnyx: invalid argument " + e.name + ": "
	if e.hasValue {
		s += strconv.Quote(clip(e.value)) + " "
	}
	return s + e.reason
}

// Unwrap makes errors.Is(err, ErrInvalidArgument) work.
func (e *argError) Unwrap() error { return ErrInvalidArgument }

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
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
