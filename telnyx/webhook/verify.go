package webhook

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The headers every delivery carries.
const (
	// SignatureHeader holds the base64 ed25519 signature of "timestamp|body".
	SignatureHeader = "Telnyx-Signature-Ed25519"
	// TimestampHeader holds the Unix time, in seconds, at which the delivery was signed.
	TimestampHeader = "Telnyx-Timestamp"
)

// DefaultTolerance is how far a delivery's timestamp may be from now, either way, unless
// [WithTolerance] says otherwise. Telnyx's own SDKs use the same.
const DefaultTolerance = 5 * time.Minute

// Errors of [Verifier.Parse]; the errors it returns wrap exactly one of them, with the
// reason.
var (
	// ErrInvalidSignature: the signature or timestamp header is missing, repeated or
	// malformed, or no key verifies the signature over this body.
	ErrInvalidSignature = errors.New("webhook: invalid signature")
	// ErrStaleTimestamp: the signature holds, but its timestamp is further from now than
	// the tolerance (a replay, or a clock far off).
	ErrStaleTimestamp = errors.New("webhook: timestamp outside the tolerance")
	// ErrMalformedEvent: the signature holds, but the body is not an event: invalid JSON,
	// no id or event type, or a payload property of the wrong type.
	ErrMalformedEvent = errors.New("webhook: malformed event")
)

// Verifier checks the signature of deliveries and decodes them. It is safe for
// concurrent use.
type Verifier struct {
	keys      []ed25519.PublicKey
	tolerance time.Duration
	now       func() time.Time
}

// Option configures a [Verifier]; [Verifier.With] applies options.
type Option func(*Verifier)

// WithTolerance sets how far a delivery's timestamp may be from now, in the past or the
// future; d <= 0 keeps [DefaultTolerance].
func WithTolerance(d time.Duration) Option {
	return func(v *Verifier) {
		if d > 0 {
			v.tolerance = d
		}
	}
}

// WithClock sets where the verifier's now comes from (time.Now by default), for tests.
func WithClock(now func() time.Time) Option {
	return func(v *Verifier) {
		if now != nil {
			v.now = now
		}
	}
}

// NewVerifier returns a verifier that accepts a signature made by any of publicKeys, each
// the base64 of a 32-byte ed25519 public key as the Mission Control portal shows it.
// Give the old and the new key while rotating. A key that is not one is an error.
func NewVerifier(publicKeys ...string) (*Verifier, error) {
	if len(publicKeys) == 0 {
		return nil, errors.New("webhook: NewVerifier: no public key given")
	}
	v := &Verifier{tolerance: DefaultTolerance, now: time.Now}
	for i, k := range publicKeys {
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(k))
		if err != nil {
			return nil, fmt.Errorf("webhook: NewVerifier: public key %d is not standard base64: %v", i+1, err)
		}
		if len(raw) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("webhook: NewVerifier: public key %d is %d bytes, want an ed25519 key of %d", i+1, len(raw), ed25519.PublicKeySize)
		}
		v.keys = append(v.keys, ed25519.PublicKey(raw))
	}
	return v, nil
}

// With returns a copy of v with the options applied, as in
// v.With(webhook.WithTolerance(time.Minute)); v itself is unchanged.
func (v *Verifier) With(opts ...Option) *Verifier {
	c := *v
	for _, o := range opts {
		o(&c)
	}
	return &c
}

// Parse verifies the delivery's signature over body exactly as received, then its
// timestamp, and only then decodes the event. See the package documentation.
func (v *Verifier) Parse(body []byte, h http.Header) (*Event, error) {
	if err := v.verify(body, h); err != nil {
		return nil, err
	}
	return decode(body)
}

// verify checks the signature and the timestamp of a delivery.
func (v *Verifier) verify(body []byte, h http.Header) error {
	sigText, err := single(h, SignatureHeader)
	if err != nil {
		return err
	}
	tsText, err := single(h, TimestampHeader)
	if err != nil {
		return err
	}
	ts, err := parseTimestamp(tsText)
	if err != nil {
		return err
	}
	sig, err := base64.StdEncoding.DecodeString(sigText)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return fmt.Errorf("%w: %s is not the base64 of a %d-byte ed25519 signature", ErrInvalidSignature, SignatureHeader, ed25519.SignatureSize)
	}
	msg := signedMessage(tsText, body)
	ok := false
	for _, k := range v.keys {
		if ed25519.Verify(k, msg, sig) {
			ok = true
			break
		}
	}
	if !ok {
		return fmt.Errorf("%w: no public key verifies the signature over this timestamp and body", ErrInvalidSignature)
	}
	now := v.now()
	if d := now.Sub(ts); d > v.tolerance || -d > v.tolerance {
		return fmt.Errorf("%w: signed at %s, %s from now, tolerance %s", ErrStaleTimestamp, ts.UTC().Format(time.RFC3339), d.Abs().Round(time.Second), v.tolerance)
	}
	return nil
}

// single returns the one value of header name, refusing none and several.
func single(h http.Header, name string) (string, error) {
	vals := h.Values(name)
	switch {
	case len(vals) == 0 || (len(vals) == 1 && strings.TrimSpace(vals[0]) == ""):
		return "", fmt.Errorf("%w: no %s header", ErrInvalidSignature, name)
	case len(vals) > 1:
		return "", fmt.Errorf("%w: %d %s headers, want one", ErrInvalidSignature, len(vals), name)
	}
	return strings.TrimSpace(vals[0]), nil
}

// parseTimestamp reads Unix seconds: decimal digits only, no sign, at most 12 of them.
func parseTimestamp(s string) (time.Time, error) {
	bad := len(s) == 0 || len(s) > 12
	for _, c := range s {
		if c < '0' || c > '9' {
			bad = true
		}
	}
	if bad {
		return time.Time{}, fmt.Errorf("%w: %s %q is not Unix seconds", ErrInvalidSignature, TimestampHeader, truncate(s, 32))
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %s %q is not Unix seconds", ErrInvalidSignature, TimestampHeader, truncate(s, 32))
	}
	return time.Unix(n, 0), nil
}

// signedMessage is what Telnyx signs: the timestamp as sent, "|", the body.
func signedMessage(ts string, body []byte) []byte {
	msg := make([]byte, 0, len(ts)+1+len(body))
	msg = append(msg, ts...)
	msg = append(msg, '|')
	return append(msg, body...)
}

// Sign returns the headers Telnyx would send with body at time at, signed with priv: for
// tests of a handler. A priv that is not an ed25519 private key gives headers with no
// signature, which every verifier refuses.
func Sign(priv ed25519.PrivateKey, body []byte, at time.Time) http.Header {
	ts := strconv.FormatInt(at.Unix(), 10)
	h := http.Header{}
	h.Set(TimestampHeader, ts)
	if len(priv) == ed25519.PrivateKeySize {
		h.Set(SignatureHeader, base64.StdEncoding.EncodeToString(ed25519.Sign(priv, signedMessage(ts, body))))
	}
	return h
}

// decode turns a verified body into an Event.
func decode(body []byte) (*Event, error) {
	if !json.Valid(body) {
		return nil, fmt.Errorf("%w: the body is not valid JSON", ErrMalformedEvent)
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, fmt.Errorf("%w: the body is not a JSON object", ErrMalformedEvent)
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformedEvent, err)
	}
	d := env.EnvelopeData
	switch {
	case d.ID == "":
		return nil, fmt.Errorf("%w: data.id is missing", ErrMalformedEvent)
	case d.EventType == "":
		return nil, fmt.Errorf("%w: data.event_type is missing", ErrMalformedEvent)
	}
	p, err := decodePayload(d.EventType, d.Payload)
	if err != nil {
		return nil, err
	}
	return &Event{
		ID:          d.ID,
		Type:        d.EventType,
		OccurredAt:  d.OccurredAt,
		Attempt:     env.EnvelopeMeta.Attempt,
		DeliveredTo: env.EnvelopeMeta.DeliveredTo,
		Payload:     p,
	}, nil
}

// truncate shortens s to n bytes for an error message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
