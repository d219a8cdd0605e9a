package telnyx

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// TestAPIKeyCannotPrintItself checks that no formatting path shows the key held in
// config: fmt's verbs, a struct holding it, and log/slog's handlers.
func TestAPIKeyCannotPrintItself(t *testing.T) {
	t.Parallel()
	const secret = "KEY-internal-9f9f9f9f"
	k, err := newAPIKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	s := config{key: k}
	var out []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T %[1]v"} {
		out = append(out, fmt.Sprintf(verb, k), fmt.Sprintf(verb, &k), fmt.Sprintf(verb, s), fmt.Sprintf(verb, &s))
	}
	var logs bytes.Buffer
	for _, h := range []slog.Handler{slog.NewTextHandler(&logs, nil), slog.NewJSONHandler(&logs, nil)} {
		slog.New(h).Info("m", "key", k, slog.Any("settings", s))
	}
	out = append(out, logs.String())
	for _, o := range out {
		if strings.Contains(o, secret) || strings.Contains(o, fmt.Sprintf("%x", secret)) {
			t.Errorf("the key shows: %s", o)
		}
	}
	if !strings.Contains(logs.String(), `key=[redacted]`) || !strings.Contains(logs.String(), `"key":"[redacted]"`) {
		t.Errorf("log/slog does not use LogValue:\n%s", logs.String())
	}
	if _, h := k.secret(); h[0] != "Bearer "+secret {
		t.Errorf("header = %q, want the bearer key", h[0])
	}
}

// TestRedactionNeverGarbles checks that no key short enough to match ordinary text is
// accepted, so replacing the key as a substring only ever replaces the key.
// Redacting no error costs nothing: a call that succeeds passes through redact.
func TestRedactNilAllocatesNothing(t *testing.T) {
	k := hideKey("KEY0123456789abcdef")
	if n := testing.AllocsPerRun(100, func() { _ = k.redact(nil) }); n != 0 {
		t.Errorf("redact(nil): %v allocations, want 0", n)
	}
}

func TestRedactionNeverGarbles(t *testing.T) {
	t.Parallel()
	for n := 1; n < minKeyLen; n++ {
		if _, err := newAPIKey(strings.Repeat("k", n)); err == nil {
			t.Errorf("a %d-byte key was accepted", n)
		}
	}
	k, err := newAPIKey("KEY-long-enough")
	if err != nil {
		t.Fatal(err)
	}
	const text = "lookup KEY KEY-long KEY-long-enough! key"
	if got, want := k.scrub(text), "lookup KEY KEY-long [redacted]! key"; got != want {
		t.Errorf("scrub = %q, want %q", got, want)
	}
}

// TestShortKeyRefusalReadsClearly checks that the error refusing a short key is not
// garbled by redacting that key as a substring, and that an argument equal to it is
// still hidden.
func TestShortKeyRefusalReadsClearly(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"e", "key", "abcdefg"} {
		_, err := NewClient(WithAPIKey(key))
		if err == nil || !strings.Contains(err.Error(), "telnyx: invalid argument api key: is ") || strings.Contains(err.Error(), redacted) {
			t.Errorf("WithAPIKey(%q): %v", key, err)
		}
	}
	err := hideKey("sekret").redact(invalidValue("base URL", "sekret", "is not a URL"))
	if strings.Contains(err.Error(), "sekret") {
		t.Errorf("an argument equal to a short key is shown: %v", err)
	}
}

// TestRedactionKeepsTheDetails checks that the details of an error body echoing the key
// keep everything but the key, in Meta too.
func TestRedactionKeepsTheDetails(t *testing.T) {
	t.Parallel()
	k, err := newAPIKey("KEY-details-0123")
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"errors":[{"code":10015,"detail":"bad key \u004bEY-details-0123","meta":{"k":["KEY-details-0123"]}}]}`)
	e := &Error{StatusCode: 400, Errors: parseErrorBody(body), Body: body}
	_ = k.redact(e)
	if len(e.Errors) != 1 || e.Errors[0].Code != "10015" || e.Errors[0].Detail != "bad key [redacted]" ||
		fmt.Sprint(e.Errors[0].Meta) != "map[k:[[redacted]]]" {
		t.Errorf("details = %#v", e.Errors)
	}
}

// A key that shows only once the body is decoded (the server escaped its escape: \\/ in
// the body is \/ in the detail, the key JSON-escaped) is redacted in the details too.
func TestRedactionOfKeysShownOnceDecoded(t *testing.T) {
	t.Parallel()
	k, err := newAPIKey("KEYabc/def12345")
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"errors":[{"detail":"token KEYabc\\/def12345","meta":{"q":"\u0025KEYabc\\/def12345"}}]}`)
	e := &Error{StatusCode: 400, Errors: parseErrorBody(body), Body: body}
	msg := k.redact(e).Error()
	if strings.Contains(msg, "def12345") || !strings.Contains(msg, "token [redacted]") {
		t.Errorf("error = %s, want the key redacted in the detail", msg)
	}
	if m := fmt.Sprint(e.Errors[0].Meta); strings.Contains(m, "def12345") {
		t.Errorf("meta = %s, want the key redacted", m)
	}
}
