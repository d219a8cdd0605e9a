package telnyx

import (
	"bytes"
	"encoding/json"
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
	// ErrMalformedResponse: a 2xx answer whose body is not the JSON the API describes.
	ErrMalformedResponse = errors.New("malformed response")
	// ErrResponseTooLarge: a response body above 32 MiB, refused without reading it whole.
	ErrResponseTooLarge = errors.New("response body too large")
)

// maxErrorBody is how much of an error body is kept in [Error.Body].
const maxErrorBody = 64 << 10

// Error is a non-2xx answer from the API.
type Error struct {
	// Op names the operation, such as "GET /room_sessions/{id}".
	Op string
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

// Error reads like
// "telnyx: GET /room_sessions/{id}: 404 Not Found: 10005 Resource not found (request id ...)".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("telnyx: ")
	if e.Op != "" {
		b.WriteString(e.Op)
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
	}
	return false
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

// redactDetails removes the key from parsed details too: JSON escapes (\u0041...) can
// hide it from a byte search of the raw body.
func redactDetails(details []ErrorDetail, key string) {
	r := strings.NewReplacer(key, "[redacted]")
	for i := range details {
		d := &details[i]
		for _, f := range []*string{&d.Code, &d.Title, &d.Detail, &d.Pointer, &d.Parameter} {
			*f = r.Replace(*f)
		}
		if d.Meta != nil {
			d.Meta = redactValue(d.Meta, r).(map[string]any)
		}
	}
}

// redactValue returns v with the replacer applied to every string in it, keys included.
func redactValue(v any, r *strings.Replacer) any {
	switch v := v.(type) {
	case string:
		return r.Replace(v)
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[r.Replace(k)] = redactValue(x, r)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = redactValue(x, r)
		}
		return out
	}
	return v
}

// redact removes every occurrence of the API key from b.
func redact(b []byte, key string) []byte {
	if key == "" || !bytes.Contains(b, []byte(key)) {
		return b
	}
	return bytes.ReplaceAll(b, []byte(key), []byte("[redacted]"))
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

// scrub removes the API key from a validation error: a value echoed in its text might be
// the key, pasted in the wrong place. It works on the raw value, before clipping and
// quoting could hide the key from a search.
func scrub(err error, key string) error {
	var ae *argError
	if key == "" || !errors.As(err, &ae) || !ae.hasValue || !strings.Contains(ae.value, key) {
		return err
	}
	clean := *ae
	clean.value = strings.ReplaceAll(ae.value, key, "[redacted]")
	return &clean
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

// buildErr reports a request the generated builder could not make; with validated
// arguments this does not happen.
func buildErr(op operation, err error) error {
	return fmt.Errorf("telnyx: %s: building the request: %w", op.name, err)
}
