package telnyx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/roomsessions/telnyx-go/internal/jsonstream"
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
	// ErrSessionEnded matches, beside ErrInvalidRequest, the 422 answer to an action on a
	// session that has ended. See "Actions" in the package documentation.
	ErrSessionEnded = errors.New("session has ended")
	// ErrMalformedResponse: a 2xx answer whose body is not the JSON the API describes.
	ErrMalformedResponse = errors.New("malformed response")
	// ErrResponseTooLarge: a response body above 32 MiB, or one record in it above 8 MiB,
	// refused without reading it whole.
	ErrResponseTooLarge = jsonstream.ErrTooLarge
	// ErrRetryBudgetExhausted matches a failure that was not retried because the client's
	// retry budget was empty: the client's decision, not the server's word.
	ErrRetryBudgetExhausted = errors.New("not retried: the client's retry budget is empty")
	// ErrTransport matches every failure that got no answer from the API (connection,
	// DNS, TLS, redirects, a body cut off, an attempt's own timeout), beside its cause. A
	// cancelled or expired context is not one.
	ErrTransport = errors.New("transport failure")
)

const (
	maxBody      = 32 << 20 // the largest 2xx body the client reads (tests lower it per client)
	maxErrorBody = 64 << 10 // how much of an error body [Error.Body] keeps
)

// Error is a non-2xx answer from the API.
type Error struct {
	// Op names the operation, such as "GET /room_sessions/{id}", for grouping.
	Op string
	// Path is the path requested, relative to the base URL.
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
// Found: 10005 Resource not found (request id ...)".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(strings.TrimSuffix(strconv.Itoa(e.StatusCode)+" "+http.StatusText(e.StatusCode), " "))
	sep := ": "
	for _, d := range e.Errors {
		b.WriteString(sep + d.String())
		sep = "; "
	}
	if snippet := bodySnippet(e.Body); len(e.Errors) == 0 && snippet != "" {
		b.WriteString(": " + snippet)
	}
	if e.RequestID != "" {
		b.WriteString(" (request id " + e.RequestID + ")")
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	return prefixed(opWithPath(e.Op, e.Path), b.String())
}

// prefixed is s after "telnyx: " and where: the one place the prefix is written.
func prefixed(where, s string) string {
	if where == "" {
		return "telnyx: " + s
	}
	return "telnyx: " + where + ": " + s
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
	case ErrServer:
		return e.StatusCode >= 500 && e.StatusCode <= 599
	case ErrSessionEnded:
		return e.sessionEnded()
	}
	return target != nil && target == statusSentinels[e.StatusCode]
}

// statusSentinels are the sentinels an [*Error] matches by its status code alone.
var statusSentinels = map[int]error{
	http.StatusUnauthorized: ErrUnauthorized, http.StatusForbidden: ErrForbidden,
	http.StatusNotFound: ErrNotFound, http.StatusTooManyRequests: ErrRateLimited,
	http.StatusBadRequest: ErrInvalidRequest, http.StatusUnprocessableEntity: ErrInvalidRequest,
}

// sessionEnded reports whether e is a 422 to End, Kick, Mute or Unmute with no detail on the selection.
func (e *Error) sessionEnded() bool {
	actions := []string{opEnd.name, opKick.name, opMute.name, opUnmute.name}
	if e.StatusCode != http.StatusUnprocessableEntity || !slices.Contains(actions, e.Op) {
		return false
	}
	return !slices.ContainsFunc(e.Errors, func(d ErrorDetail) bool {
		return strings.HasPrefix(d.Pointer, "/participants") || strings.HasPrefix(d.Pointer, "/exclude")
	})
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
	var b strings.Builder
	for len(body) > 0 && b.Len() < 200 {
		r, size := utf8.DecodeRune(body)
		body = body[size:]
		switch {
		case r == utf8.RuneError && size == 1:
			r = '?'
		case r < ' ' || r == 0x7f:
			r = ' '
		}
		b.WriteRune(r)
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
		return json.Unmarshal(b, (*string)(f))
	}
	return json.Unmarshal(b, (*json.Number)(f))
}

// wireError is one error object as any Telnyx service sends it (keys match in any case).
type wireError struct {
	Code, Title, Detail flexString
	Source              struct{ Pointer, Parameter flexString }
	Meta                map[string]any
}

// parseErrorBody extracts details from the shapes seen in the wild: the Telnyx envelope
// {"errors":[...]}, {"message":...,"success":false} and a bare error object; none otherwise.
func parseErrorBody(body []byte) []ErrorDetail {
	var shape struct {
		Errors  []wireError `json:"errors"`
		Message flexString  `json:"message"`
		wireError
	}
	if err := json.Unmarshal(body, &shape); err != nil {
		return nil
	}
	if len(shape.Errors) == 0 && (shape.Code != "" || shape.Title != "") {
		shape.Errors = []wireError{shape.wireError}
	} else if len(shape.Errors) == 0 && shape.Message != "" {
		shape.Errors = []wireError{{Title: shape.Message}}
	}
	var details []ErrorDetail
	for _, w := range shape.Errors {
		details = append(details, ErrorDetail{Code: string(w.Code), Title: string(w.Title),
			Detail: string(w.Detail), Pointer: string(w.Source.Pointer), Parameter: string(w.Source.Parameter),
			Meta: w.Meta})
	}
	return details
}

// WindowError is a call the API's rate-limit window kept from being sent: it resets
// after the context's deadline or beyond the 60 s the client waits. It matches
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
	return prefixed(e.Op, fmt.Sprintf("%v: the API's rate-limit window resets in %s, %s", ErrRateLimited, e.RetryAfter.Round(time.Millisecond), e.reason))
}

// Is makes errors.Is(err, ErrRateLimited) true.
func (e *WindowError) Is(target error) bool { return target == ErrRateLimited }

// opError is every other error of this package: "telnyx: ", where it happened, a
// rejected value if any, then what happened (or its cause's text).
type opError struct {
	where string  // "GET /room_sessions/{id} (/room_sessions/...)", "invalid argument id"
	value *string // a rejected value, quoted and clipped once the key is scrubbed from it
	text  string  // what happened; "" = the cause's text
	err   error   // the cause
	also  error   // another error it matches: ErrTransport, ErrRetryBudgetExhausted, the last attempt's
}

// Error writes the prefix, unless where is empty: a wrapper of an error that has it.
func (e *opError) Error() string {
	s := e.text
	if s == "" {
		s = causeText(e.err)
	}
	if e.value != nil {
		v := *e.value
		if len(v) > 64 {
			v = v[:64] + "..."
		}
		s = strconv.Quote(v) + " " + s
	}
	if e.where == "" {
		return s
	}
	return prefixed(e.where, s)
}

// Unwrap returns the cause and what else the error matches, for errors.Is and errors.As.
func (e *opError) Unwrap() []error {
	if e.also == nil {
		return []error{e.err}
	}
	return []error{e.err, e.also}
}

// causeText is err's text, without a *url.Error's own, which repeats the method and URL.
func causeText(err error) string {
	if ue, ok := err.(*url.Error); ok {
		err = ue.Err
	}
	return err.Error()
}

// errorf is an error at where, wrapping err, with the text format says.
func errorf(where string, err error, format string, args ...any) error {
	return &opError{where: where, text: fmt.Sprintf(format, args...), err: err}
}

// invalidArg returns an error wrapping ErrInvalidArgument that names the argument.
func invalidArg(name, format string, args ...any) error {
	return errorf("invalid argument "+name, ErrInvalidArgument, format, args...)
}

// invalidValue is invalidArg for a rejected value, which the message shows.
func invalidValue(name, value, format string, args ...any) error {
	return &opError{where: "invalid argument " + name, value: &value, text: fmt.Sprintf(format, args...), err: ErrInvalidArgument}
}

// opWithPath is op followed by the path requested when it differs from op's template.
func opWithPath(op, path string) string {
	if _, tmpl, _ := strings.Cut(op, " "); path == "" || tmpl == path {
		return op
	}
	return op + " (" + path + ")"
}

// noAnswerErr is a failure without a whole answer at attempt n: it matches ErrTransport
// unless ctx is done (a cancelled or expired context is the caller's doing).
func noAnswerErr(ctx context.Context, where string, n int, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		if errors.Is(err, cerr) {
			return &opError{where: where, err: err}
		}
		// A failure coinciding with the end of the caller's context: the context ended the call.
		return &opError{where: where, text: cerr.Error() + ": " + causeText(err), err: err, also: cerr}
	}
	attempts := " (1 attempt)"
	if n > 1 {
		attempts = " (" + strconv.Itoa(n) + " attempts)"
	}
	return &opError{where: where, text: causeText(err) + attempts, err: err, also: ErrTransport}
}

// budgetExhausted is a failure the empty retry budget kept from being retried.
func budgetExhausted(err error) error {
	return &opError{text: err.Error() + " (" + ErrRetryBudgetExhausted.Error() + ")", err: err, also: ErrRetryBudgetExhausted}
}

// waitError is the error of a wait (while says which) that ctx ended, with the last
// attempt's error, which no longer matches ErrTransport (the context ended the call).
func waitError(op operation, while string, err, last error) error {
	if last == nil {
		return &opError{where: op.name, text: err.Error() + " while " + while, err: err}
	}
	var oe *opError
	if errors.As(last, &oe) && oe.also == ErrTransport {
		last = &opError{where: oe.where, text: oe.text, err: oe.err}
	}
	return &opError{where: op.name, text: err.Error() + " while " + while + "; last attempt: " + last.Error(), err: err, also: last}
}

// attemptTimeout is an attempt that ran out of its own time ([WithTimeout]): a net.Error
// whose Timeout is true, not wrapping context.DeadlineExceeded (the caller's deadline).
type attemptTimeout struct{ after time.Duration }

// Error reads like "attempt timed out after 30s".
func (e *attemptTimeout) Error() string { return "attempt timed out after " + e.after.String() }

// Timeout reports true: the attempt timed out.
func (e *attemptTimeout) Timeout() bool { return true }

// Temporary reports true: another attempt may succeed.
func (e *attemptTimeout) Temporary() bool { return true }
