package telnyx

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

const (
	// minKeyLen is the shortest API key NewClient accepts: redaction replaces the key as a
	// substring, and a shorter key would match ordinary text (Telnyx keys are over 50 bytes).
	minKeyLen = 8
	redacted  = "[redacted]" // what replaces the key wherever it would appear
)

// apiKey holds the API key and its Authorization header, in a closure that reflection
// cannot open; its methods print only "[redacted]".
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
	if strings.ContainsFunc(key, func(r rune) bool { return r <= ' ' || r >= 0x7f }) {
		return apiKey{}, invalidArg("api key", "must be printable ASCII without spaces (set with telnyx.WithAPIKey or $%s)", EnvAPIKey)
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

// Format writes "[redacted]" whatever the verb, %#v included (fmt asks a Formatter first).
func (apiKey) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// LogValue returns "[redacted]", for log/slog.
func (apiKey) LogValue() slog.Value { return slog.StringValue(redacted) }

// scrub returns s with the key replaced wherever it appears: literally, or with any of
// its characters percent-encoded (%4B) or JSON-escaped (\u004b, \/), as servers echo it.
func (k apiKey) scrub(s string) string {
	key := k.value()
	if key == "" {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != key[0] && c != '%' && c != '\\' {
			continue
		}
		if n := keyAt(s, i, key); n > 0 {
			b.WriteString(s[last:i])
			b.WriteString(redacted)
			i += n - 1
			last = i + 1
		}
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// keyAt returns the length of the key's text at s[i:] in scrub's forms, or 0 when it is not there.
func keyAt(s string, i int, key string) int {
	j := i
	for _, c := range []byte(key) {
		switch {
		case j < len(s) && s[j] == c:
			j++
		case j+2 < len(s) && s[j] == '%' && hexIs(s[j+1:j+3], c):
			j += 3
		case j+5 < len(s) && s[j] == '\\' && s[j+1] == 'u' && hexIs(s[j+2:j+6], c):
			j += 6
		case j+1 < len(s) && s[j] == '\\' && s[j+1] == c && (c == '/' || c == '"' || c == '\\'):
			j += 2
		default:
			return 0
		}
	}
	return j - i
}

// hexIs reports whether h, hexadecimal digits, spells c.
func hexIs(h string, c byte) bool {
	v, err := strconv.ParseUint(h, 16, 16)
	return err == nil && v == uint64(c)
}

// redact is the one way out for errors (a call's, an iterator's, NewClient's): it removes the
// key from err's whole chain (errors.Is and errors.As still see it) and cuts [Error.Body] to 64 KiB.
func (k apiKey) redact(err error) error {
	if err == nil {
		return nil // before errors.As, whose target escapes: success costs no allocation
	}
	var oe *opError
	if key := k.value(); len(key) >= minKeyLen {
		err, _ = k.clean(err)
	} else if errors.As(err, &oe) && oe.value != nil && *oe.value == key {
		*oe.value = redacted // a key NewClient refuses: scrubbing it would garble that refusal
	}
	return err
}

// clean redacts err and its chain: this package's errors and *url.Error in place, any
// other error whose text shows the key replaced by its scrubbed text (reporting true).
func (k apiKey) clean(err error) (error, bool) {
	switch e := err.(type) {
	case nil:
	case *Error: // a detail may show the key only once decoded (\\/ in the body is \/); Path, from the base URL
		k.scrubDetails(e.Errors)
		e.RequestID, e.Path, e.Body = k.scrub(e.RequestID), k.scrub(e.Path), []byte(k.scrub(string(e.Body)))
		e.Body = e.Body[:min(len(e.Body), maxErrorBody)]
	case *opError:
		e.where, e.text = k.scrub(e.where), k.scrub(e.text)
		if e.value != nil {
			*e.value = k.scrub(*e.value)
		}
		e.err, _ = k.clean(e.err)
		e.also, _ = k.clean(e.also)
	case *url.Error:
		e.URL = k.scrub(e.URL)
		e.Err, _ = k.clean(e.Err)
	case *net.DNSError:
		e.Name, e.Err = k.scrub(e.Name), k.scrub(e.Err)
	default:
		var kids []error
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			kids = []error{u.Unwrap()}
		case interface{ Unwrap() []error }:
			kids = slices.Clone(u.Unwrap())
		}
		changed := false
		for i := range kids {
			var c bool
			kids[i], c = k.clean(kids[i])
			changed = changed || c
		}
		if msg := err.Error(); changed || k.scrub(msg) != msg {
			return &redactedError{msg: k.scrub(msg), errs: kids}, true
		}
	}
	return err, false
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

// scrubValue returns v with every string in it scrubbed, map keys included (a new map).
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
		for i, x := range v {
			v[i] = k.scrubValue(x)
		}
	}
	return v
}

// redactedError stands for another package's error whose text showed the key, redacted with its chain.
type redactedError struct {
	msg  string
	errs []error
}

// Error returns the redacted text.
func (e *redactedError) Error() string { return e.msg }

// Unwrap returns what the original error wrapped, for errors.Is and errors.As.
func (e *redactedError) Unwrap() []error { return e.errs }
