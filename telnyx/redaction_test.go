package telnyx_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// chainLeaks returns what in err's whole chain shows the key (in any form a server
// echoes it: literal, from its second byte, percent-encoded): every error's text, its
// %+v, and a *url.Error's URL.
func chainLeaks(err error) []string {
	var leaks []string
	forms := []string{testKey, testKey[1:], url.QueryEscape(testKey)}
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		texts := []string{e.Error(), fmt.Sprintf("%+v", e)}
		if ue, ok := e.(*url.Error); ok {
			texts = append(texts, ue.URL)
		}
		if ae, ok := e.(*telnyx.Error); ok { // the body as sent, JSON-decoded, URL-decoded
			texts = append(texts, string(ae.Body))
			var v any
			if json.Unmarshal(ae.Body, &v) == nil {
				texts = append(texts, fmt.Sprint(v))
			}
			if u, err := url.QueryUnescape(string(ae.Body)); err == nil {
				texts = append(texts, u)
			}
		}
		for _, s := range texts {
			for _, f := range forms {
				if strings.Contains(s, f) {
					leaks = append(leaks, fmt.Sprintf("%T: %.200s", e, s))
				}
			}
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, c := range u.Unwrap() {
				walk(c)
			}
		}
	}
	walk(err)
	return leaks
}

// TestRedactionCoversTheWholeChain checks the three places a chaos run through a hostile
// server found the key: a *url.Error after a redirect whose Location carries it, an
// error body echoing it JSON-escaped, and a key straddling the 64 KiB cut of Error.Body.
func TestRedactionCoversTheWholeChain(t *testing.T) {
	t.Parallel()
	// A port nothing listens on: the redirect's target fails.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := l.Addr().String()
	_ = l.Close()
	escaped := func(every bool) string { // the key as JSON with \u escapes
		var b strings.Builder
		for i, c := range testKey {
			if every || i == 0 {
				fmt.Fprintf(&b, `\u%04x`, c)
			} else {
				b.WriteRune(c)
			}
		}
		return b.String()
	}
	straddle := strings.Repeat("x", 64<<10-22) + testKey + strings.Repeat("y", 100)
	for name, h := range map[string]http.HandlerFunc{
		"redirect carrying the key": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://"+dead+"/v2/room_sessions?token="+testKey, http.StatusFound)
		},
		"body with the first byte escaped": func(w http.ResponseWriter, r *http.Request) {
			writeAnswer(w, 400, "", `{"errors":[{"code":"10001","detail":"bad key `+escaped(false)+`"}]}`)
		},
		"body with every byte escaped": func(w http.ResponseWriter, r *http.Request) {
			writeAnswer(w, 400, "", `{"errors":[{"code":"10001","title":"`+escaped(true)+`"}],"meta":{"k":"`+escaped(true)+`"}}`)
		},
		"body percent-encoded": func(w http.ResponseWriter, r *http.Request) {
			writeAnswer(w, 400, "", fmt.Sprintf(`<a href="/?k=%%%02x%s">`, testKey[0], strings.ReplaceAll(testKey[1:], "-", "%2D")))
		},
		"key straddling the 64 KiB cut": func(w http.ResponseWriter, r *http.Request) {
			writeAnswer(w, 400, "", straddle)
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ws := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, n int) { h(w, r) })
			c := ws.newClient(t, telnyx.WithMaxRetries(0))
			err := callGet(t.Context(), c)
			if err == nil {
				t.Fatal("want an error")
			}
			for _, leak := range chainLeaks(err) {
				t.Errorf("the chain shows the key: %s", leak)
			}
			var apiErr *telnyx.Error
			if errors.As(err, &apiErr) {
				if len(apiErr.Body) > 64<<10 {
					t.Errorf("Body holds %d bytes, more than 64 KiB", len(apiErr.Body))
				}
				if bytes.HasSuffix(apiErr.Body, []byte(testKey[:5])) || bytes.Contains(apiErr.Body, []byte(testKey[:8])) {
					t.Errorf("Body ends with the start of the key: ...%q", apiErr.Body[max(0, len(apiErr.Body)-40):])
				}
			}
			var ue *url.Error
			if name == "redirect carrying the key" && (!errors.As(err, &ue) || !errors.Is(err, telnyx.ErrTransport)) {
				t.Errorf("%v: want the *url.Error still in the chain, matching ErrTransport", err)
			}
		})
	}
}
