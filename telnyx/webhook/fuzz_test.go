package webhook_test

import (
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx/webhook"
)

// FuzzParse feeds Parse arbitrary bodies and header values, signed with the verifier's
// key or not: it must never panic, must return an event or one of its three errors, and
// must decode nothing the signature does not cover. The seed corpus is in
// testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add([]byte(joinedBody), "", "", true)
	f.Add([]byte(`{"data":{"id":"x","event_type":"video.room.session.ended","payload":{"duration_secs":"x"}}}`), "", "", true)
	f.Add([]byte(`{"data":{"id":"x","event_type":"video.room.new","payload":[1]}}`), "", "", true)
	f.Add([]byte(joinedBody), "AAAA", "1774547520", false)
	f.Add([]byte(`{`), "", "99999999999999999999", true)
	k := newKey(1)
	v, err := webhook.NewVerifier(k.pub)
	if err != nil {
		f.Fatal(err)
	}
	v = v.With(webhook.WithClock(func() time.Time { return now }))
	signedAt := strconv.FormatInt(now.Unix(), 10)
	f.Fuzz(func(t *testing.T, body []byte, sig, ts string, sign bool) {
		var h http.Header
		if sign {
			h = webhook.Sign(k.priv, body, now)
		} else {
			h = http.Header{}
		}
		if sig != "" {
			h.Add(webhook.SignatureHeader, sig)
		}
		if ts != "" {
			h.Set(webhook.TimestampHeader, ts)
		}
		ev, err := v.Parse(body, h)
		switch {
		case err == nil && ev == nil:
			t.Fatal("no event and no error")
		case err == nil && ev.Payload == nil:
			t.Fatal("an event without a payload")
		case err == nil && (!sign || sig != "" || (ts != "" && ts != signedAt)):
			t.Fatalf("accepted a delivery not signed by the key (sig %q ts %q)", sig, ts)
		case err != nil && ev != nil:
			t.Fatal("an event with an error")
		case err != nil && !errors.Is(err, webhook.ErrInvalidSignature) && !errors.Is(err, webhook.ErrStaleTimestamp) && !errors.Is(err, webhook.ErrMalformedEvent):
			t.Fatalf("an error of no documented kind: %v", err)
		}
	})
}
