package telnyx

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
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
