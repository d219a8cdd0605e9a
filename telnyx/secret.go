package telnyx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// minKeyLen is the shortest API key NewClient accepts. Redaction replaces the key
// wherever it appears as a substring; a key of a few bytes would also match ordinary
// text (key "k" turns "lookup" into "loo[redacted]up"). Telnyx keys are over 50 bytes,
// so eight bytes refuses nothing real while keeping a chance match in an error body
// improbable.
const minKeyLen = 8

// redacted replaces the key wherever it would appear.
const redacted = "[redacted]"

// apiKey holds the API key and its Authorization header. It cannot print itself:
// String, GoString, Format and LogValue all yield "[redacted]". Inside a struct, where
// fmt prints fields through reflection without calling their methods, it shows only the
// address of a closure: the key lives in the closure, which reflection cannot open.
type apiKey struct {
	secret func() (value string, header []string)
}

// hideKey wraps key without checking it.
func hideKey(key string) apiKey {
	header := []string{"Bearer " + key}
	return apiKey{secret: func() (string, []string) { return key, header }}
}

// newAPIKey checks key and wraps it. The error never echoes the key.
func newAPIKey(key string) (apiKey, error) {
	if len(key) < minKeyLen {
		return apiKey{}, invalidArg("api key", "is %d bytes, shorter than the %d of any Telnyx key (set with telnyx.WithAPIKey or $%s)", len(key), minKeyLen, EnvAPIKey)
	}
	for i := 0; i < len(key); i++ {
		if key[i] <= ' ' || key[i] >= 0x7f {
			return apiKey{}, invalidArg("api key", "must be printable ASCII without spaces (set with telnyx.WithAPIKey or $%s)", EnvAPIKey)
		}
	}
	return hideKey(key), nil
}

// value returns the key, or "" for the zero apiKey.
func (k apiKey) value() string {
	if k.secret == nil {
		return ""
	}
	v, _ := k.secret()
	return v
}

// header returns the Authorization header value, shared: never modify it.
func (k apiKey) header() []string {
	_, h := k.secret()
	return h
}

// String returns "[redacted]".
func (apiKey) String() string { return redacted }

// GoString returns "[redacted]", for %#v.
func (apiKey) GoString() string { return redacted }

// Format writes "[redacted]" whatever the verb.
func (apiKey) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// LogValue returns "[redacted]", for log/slog.
func (apiKey) LogValue() slog.Value { return slog.StringValue(redacted) }

// scrub returns s with every occurrence of the key replaced.
func (k apiKey) scrub(s string) string {
	key := k.value()
	if key == "" || !strings.Contains(s, key) {
		return s
	}
	return strings.ReplaceAll(s, key, redacted)
}

// scrubBytes returns b with every occurrence of the key replaced.
func (k apiKey) scrubBytes(b []byte) []byte {
	key := k.value()
	if key == "" || !bytes.Contains(b, []byte(key)) {
		return b
	}
	return bytes.ReplaceAll(b, []byte(key), []byte(redacted))
}

// redact is the one way out for errors: it removes the key from whatever an error
// carries. An argument error shows a rejected value, which might be the key pasted in
// the wrong place (replaced in the raw value, before clipping and quoting could hide it
// from a search); an [*Error] carries the server's request id, body and details (the
// details are searched after JSON unescaping, which can hide the key from a search of
// the raw body); any other error (a transport error naming a URL) has its text
// replaced, while errors.Is and errors.As still see the cause.
func (k apiKey) redact(err error) error {
	key := k.value()
	if err == nil || key == "" {
		return err
	}
	if len(key) < minKeyLen {
		return k.redactShort(err)
	}
	var ae *argError
	if errors.As(err, &ae) && ae.hasValue && strings.Contains(ae.value, key) {
		clean := *ae
		clean.value = k.scrub(ae.value)
		if err == error(ae) {
			return &clean
		}
		*ae = clean // an argError wrapped by this package: it is ours to change
	}
	var e *Error
	if errors.As(err, &e) {
		e.RequestID = k.scrub(e.RequestID)
		e.Body = k.scrubBytes(e.Body)
		k.scrubDetails(e.Errors)
	}
	if msg := err.Error(); strings.Contains(msg, key) {
		return &redactedError{err: err, msg: k.scrub(msg)}
	}
	return err
}

// redactShort redacts for a key too short to be one, which NewClient refuses: replacing
// it as a substring would garble the very error that refuses it ("t[redacted]lnyx" for
// the key "e"), so only an argument whose whole value is the key is hidden.
func (k apiKey) redactShort(err error) error {
	var ae *argError
	if errors.As(err, &ae) && ae.hasValue && ae.value == k.value() {
		clean := *ae
		clean.value = redacted
		if err == error(ae) {
			return &clean
		}
		*ae = clean
	}
	return err
}

// scrubDetails removes the key from every string of the details, Meta included.
func (k apiKey) scrubDetails(details []ErrorDetail) {
	for i := range details {
		d := &details[i]
		for _, f := range []*string{&d.Code, &d.Title, &d.Detail, &d.Pointer, &d.Parameter} {
			*f = k.scrub(*f)
		}
		if d.Meta != nil {
			d.Meta = k.scrubValue(d.Meta).(map[string]any)
		}
	}
}

// scrubValue returns v with every string in it scrubbed, map keys included.
func (k apiKey) scrubValue(v any) any {
	switch v := v.(type) {
	case string:
		return k.scrub(v)
	case map[string]any:
		out := make(map[string]any, len(v))
		for key, x := range v {
			out[k.scrub(key)] = k.scrubValue(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = k.scrubValue(x)
		}
		return out
	}
	return v
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
