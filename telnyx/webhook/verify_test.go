package webhook_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx/webhook"
)

// key is a deterministic ed25519 key pair and its base64 public key.
type key struct {
	priv ed25519.PrivateKey
	pub  string
}

func newKey(seed byte) key {
	priv := ed25519.NewKeyFromSeed([]byte(strings.Repeat(string(rune('a'+seed%26)), ed25519.SeedSize)))
	return key{priv: priv, pub: base64.StdEncoding.EncodeToString(priv.Public().(ed25519.PublicKey))}
}

const joinedBody = `{"data":{"record_type":"event","event_type":"video.room.participant.joined",` +
	`"id":"6b61621f-62e0-4aad-ab11-9fd19e272e73","occurred_at":"2026-03-26T17:51:59.588408Z",` +
	`"payload":{"room_id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777b0","session_id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777f0",` +
	`"participant_id":"7b61621f-62e0-4aad-ab11-9fd19e272e73","context":"Alice"}},` +
	`"meta":{"attempt":2,"delivered_to":"https://example.com/hooks"}}`

var now = time.Date(2026, 3, 26, 17, 52, 0, 0, time.UTC)

func verifier(t *testing.T, keys ...string) *webhook.Verifier {
	t.Helper()
	v, err := webhook.NewVerifier(keys...)
	if err != nil {
		t.Fatal(err)
	}
	return v.With(webhook.WithClock(func() time.Time { return now }))
}

func TestParseDecodesAVerifiedEvent(t *testing.T) {
	t.Parallel()
	k := newKey(1)
	ev, err := verifier(t, k.pub).Parse([]byte(joinedBody), webhook.Sign(k.priv, []byte(joinedBody), now))
	if err != nil {
		t.Fatal(err)
	}
	want := webhook.ParticipantJoined{
		RoomID: "0ccc7b54-4df3-4bca-a65a-3da1ecc777b0", SessionID: "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0",
		ParticipantID: "7b61621f-62e0-4aad-ab11-9fd19e272e73", Context: "Alice",
	}
	p, ok := ev.Payload.(*webhook.ParticipantJoined)
	if !ok || *p != want {
		t.Fatalf("payload = %#v, want %#v", ev.Payload, want)
	}
	if ev.ID != "6b61621f-62e0-4aad-ab11-9fd19e272e73" || ev.Type != webhook.TypeParticipantJoined ||
		!ev.OccurredAt.Equal(time.Date(2026, 3, 26, 17, 51, 59, 588408000, time.UTC)) ||
		ev.Attempt != 2 || ev.DeliveredTo != "https://example.com/hooks" {
		t.Fatalf("event = %+v", ev)
	}
}

func TestParseAcceptsAnyKeyForRotation(t *testing.T) {
	t.Parallel()
	oldKey, newK := newKey(1), newKey(2)
	v := verifier(t, oldKey.pub, newK.pub)
	for _, k := range []key{oldKey, newK} {
		if _, err := v.Parse([]byte(joinedBody), webhook.Sign(k.priv, []byte(joinedBody), now)); err != nil {
			t.Errorf("key %s: %v", k.pub, err)
		}
	}
	if _, err := v.Parse([]byte(joinedBody), webhook.Sign(newKey(3).priv, []byte(joinedBody), now)); !errors.Is(err, webhook.ErrInvalidSignature) {
		t.Errorf("a third key: err = %v, want ErrInvalidSignature", err)
	}
}

func TestNewVerifierRefusesBadKeys(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		keys []string
		want string
	}{
		"none":       {nil, "no public key"},
		"not base64": {[]string{"not base64!"}, "public key 1 is not standard base64"},
		"too short":  {[]string{base64.StdEncoding.EncodeToString(make([]byte, 31))}, "public key 1 is 31 bytes"},
		"second bad": {[]string{newKey(1).pub, base64.StdEncoding.EncodeToString(make([]byte, 64))}, "public key 2 is 64 bytes"},
	} {
		v, err := webhook.NewVerifier(tc.keys...)
		if err == nil || v != nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: NewVerifier = %v, %v; want an error with %q", name, v, err, tc.want)
		}
	}
}

func TestParseFailsClosed(t *testing.T) {
	t.Parallel()
	k := newKey(1)
	body := []byte(joinedBody)
	signed := func(b []byte, at time.Time) http.Header { return webhook.Sign(k.priv, b, at) }
	with := func(h http.Header, f func(http.Header)) http.Header { f(h); return h }
	for name, tc := range map[string]struct {
		body   []byte
		header http.Header
		want   error
		says   string
	}{
		"no headers":              {body, http.Header{}, webhook.ErrInvalidSignature, "no Telnyx-Signature-Ed25519 header"},
		"no timestamp":            {body, with(signed(body, now), func(h http.Header) { h.Del(webhook.TimestampHeader) }), webhook.ErrInvalidSignature, "no Telnyx-Timestamp header"},
		"empty signature":         {body, with(signed(body, now), func(h http.Header) { h.Set(webhook.SignatureHeader, " ") }), webhook.ErrInvalidSignature, "no Telnyx-Signature-Ed25519"},
		"two signatures":          {body, with(signed(body, now), func(h http.Header) { h.Add(webhook.SignatureHeader, h.Get(webhook.SignatureHeader)) }), webhook.ErrInvalidSignature, "2 Telnyx-Signature-Ed25519 headers"},
		"two timestamps":          {body, with(signed(body, now), func(h http.Header) { h.Add(webhook.TimestampHeader, "1") }), webhook.ErrInvalidSignature, "2 Telnyx-Timestamp headers"},
		"signature not base64":    {body, with(signed(body, now), func(h http.Header) { h.Set(webhook.SignatureHeader, "@@@") }), webhook.ErrInvalidSignature, "not the base64 of a 64-byte"},
		"signature short":         {body, with(signed(body, now), func(h http.Header) { h.Set(webhook.SignatureHeader, "AAAA") }), webhook.ErrInvalidSignature, "64-byte"},
		"timestamp not a number":  {body, with(signed(body, now), func(h http.Header) { h.Set(webhook.TimestampHeader, "-17") }), webhook.ErrInvalidSignature, "not Unix seconds"},
		"timestamp huge":          {body, with(signed(body, now), func(h http.Header) { h.Set(webhook.TimestampHeader, strings.Repeat("9", 40)) }), webhook.ErrInvalidSignature, "not Unix seconds"},
		"timestamp changed":       {body, with(signed(body, now), func(h http.Header) { h.Set(webhook.TimestampHeader, "1774547521") }), webhook.ErrInvalidSignature, "no public key verifies"},
		"body changed":            {[]byte(strings.Replace(joinedBody, "Alice", "Mallory", 1)), signed(body, now), webhook.ErrInvalidSignature, "no public key verifies"},
		"body re-encoded":         {[]byte(" " + joinedBody), signed(body, now), webhook.ErrInvalidSignature, "no public key verifies"},
		"stale":                   {body, signed(body, now.Add(-5*time.Minute-time.Second)), webhook.ErrStaleTimestamp, "tolerance 5m0s"},
		"far future":              {body, signed(body, now.Add(time.Hour)), webhook.ErrStaleTimestamp, "1h0m0s from now"},
		"invalid JSON":            {[]byte(`{"data":`), signed([]byte(`{"data":`), now), webhook.ErrMalformedEvent, "not valid JSON"},
		"not an object":           {[]byte(`[1]`), signed([]byte(`[1]`), now), webhook.ErrMalformedEvent, "not a JSON object"},
		"no id":                   {[]byte(`{"data":{"event_type":"x"}}`), signed([]byte(`{"data":{"event_type":"x"}}`), now), webhook.ErrMalformedEvent, "data.id is missing"},
		"no event type":           {[]byte(`{"data":{"id":"x"}}`), signed([]byte(`{"data":{"id":"x"}}`), now), webhook.ErrMalformedEvent, "data.event_type is missing"},
		"data not an object":      {[]byte(`{"data":7}`), signed([]byte(`{"data":7}`), now), webhook.ErrMalformedEvent, "cannot unmarshal"},
		"occurred_at not a time":  {[]byte(`{"data":{"id":"x","event_type":"y","occurred_at":"yesterday"}}`), signed([]byte(`{"data":{"id":"x","event_type":"y","occurred_at":"yesterday"}}`), now), webhook.ErrMalformedEvent, "yesterday"},
		"payload of wrong type":   {[]byte(`{"data":{"id":"x","event_type":"video.room.session.ended","payload":{"duration_secs":"long"}}}`), signed([]byte(`{"data":{"id":"x","event_type":"video.room.session.ended","payload":{"duration_secs":"long"}}}`), now), webhook.ErrMalformedEvent, "duration_secs"},
		"payload not an object":   {[]byte(`{"data":{"id":"x","event_type":"video.room.session.ended","payload":"p"}}`), signed([]byte(`{"data":{"id":"x","event_type":"video.room.session.ended","payload":"p"}}`), now), webhook.ErrMalformedEvent, "not a JSON object"},
		"unknown payload not obj": {[]byte(`{"data":{"id":"x","event_type":"video.room.new","payload":[]}}`), signed([]byte(`{"data":{"id":"x","event_type":"video.room.new","payload":[]}}`), now), webhook.ErrMalformedEvent, "not a JSON object"},
		"trailing data":           {[]byte(joinedBody + "{}"), signed([]byte(joinedBody+"{}"), now), webhook.ErrMalformedEvent, "not valid JSON"},
	} {
		ev, err := verifier(t, k.pub).Parse(tc.body, tc.header)
		if !errors.Is(err, tc.want) || ev != nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: Parse = %v, %v; want %v saying %q", name, ev, err, tc.want, tc.says)
		}
	}
}

func TestParseChecksTheSignatureBeforeTheTimestampAndTheBody(t *testing.T) {
	t.Parallel()
	k, other := newKey(1), newKey(2)
	v := verifier(t, k.pub)
	for _, body := range []string{joinedBody, `not json`} {
		_, err := v.Parse([]byte(body), webhook.Sign(other.priv, []byte(body), now.Add(-time.Hour)))
		if !errors.Is(err, webhook.ErrInvalidSignature) {
			t.Errorf("body %.10q signed by another key an hour ago: err = %v, want ErrInvalidSignature", body, err)
		}
	}
}

func TestWithToleranceWidensAndNarrows(t *testing.T) {
	t.Parallel()
	k := newKey(1)
	body := []byte(joinedBody)
	h := webhook.Sign(k.priv, body, now.Add(-10*time.Minute))
	if _, err := verifier(t, k.pub).With(webhook.WithTolerance(11*time.Minute)).Parse(body, h); err != nil {
		t.Errorf("11 minutes of tolerance: %v", err)
	}
	h = webhook.Sign(k.priv, body, now.Add(-2*time.Second))
	if _, err := verifier(t, k.pub).With(webhook.WithTolerance(time.Second)).Parse(body, h); !errors.Is(err, webhook.ErrStaleTimestamp) {
		t.Errorf("1 second of tolerance, 2 seconds old: err = %v", err)
	}
	if _, err := verifier(t, k.pub).With(webhook.WithTolerance(0)).Parse(body, h); err != nil {
		t.Errorf("WithTolerance(0) keeps the default: %v", err)
	}
}

func TestParseKeepsUnknownEventTypes(t *testing.T) {
	t.Parallel()
	k := newKey(1)
	for body, raw := range map[string]string{
		`{"data":{"id":"e1","event_type":"video.room.composition.failed","payload":{"composition_id":"c"}}}`: `{"composition_id":"c"}`,
		`{"data":{"id":"e1","event_type":"video.room.recording.ended"}}`:                                     ``,
	} {
		ev, err := verifier(t, k.pub).Parse([]byte(body), webhook.Sign(k.priv, []byte(body), now))
		if err != nil {
			t.Fatal(err)
		}
		p, ok := ev.Payload.(*webhook.UnknownPayload)
		if !ok || string(p.Raw) != raw {
			t.Errorf("payload = %#v, want UnknownPayload %s", ev.Payload, raw)
		}
	}
}

func TestParseDecodesEveryEventType(t *testing.T) {
	t.Parallel()
	k := newKey(1)
	for typ, tc := range map[string]struct {
		payload string
		want    webhook.Payload
	}{
		webhook.TypeSessionStarted: {`{"room_id":"r","session_id":"s"}`, &webhook.SessionStarted{RoomID: "r", SessionID: "s"}},
		webhook.TypeSessionEnded:   {`{"room_id":"r","session_id":"s","duration_secs":67,"ended_reason":"stale"}`, &webhook.SessionEnded{RoomID: "r", SessionID: "s", DurationSecs: 67, EndedReason: "stale"}},
		webhook.TypeParticipantLeft: {`{"participant_id":"p","duration_secs":3,"left_reason":"kicked","context":"c"}`,
			&webhook.ParticipantLeft{ParticipantID: "p", DurationSecs: 3, LeftReason: "kicked", Context: "c"}},
		webhook.TypeRecordingStarted: {`{"recording_id":"x","type":"audio"}`, &webhook.RecordingStarted{RecordingID: "x", Type: webhook.RecordingTypeAudio}},
		webhook.TypeRecordingCompleted: {`{"recording_id":"x","type":"video","codec":"opus","download_url":"u","duration_secs":9,"size_mb":1.5}`,
			&webhook.RecordingCompleted{RecordingID: "x", Type: webhook.RecordingTypeVideo, Codec: "opus", DownloadURL: "u", DurationSecs: 9, SizeMB: 1.5}},
		webhook.TypeCompositionCompleted: {`{"composition_id":"c","format":"mp4","resolution":"1280x720","size_mb":18.5}`,
			&webhook.CompositionCompleted{CompositionID: "c", Format: "mp4", Resolution: "1280x720", SizeMB: 18.5}},
		webhook.TypeParticipantJoined: {`null`, &webhook.ParticipantJoined{}},
	} {
		body := `{"data":{"id":"e","event_type":"` + typ + `","payload":` + tc.payload + `,"unknown":1}}`
		ev, err := verifier(t, k.pub).Parse([]byte(body), webhook.Sign(k.priv, []byte(body), now))
		if err != nil {
			t.Errorf("%s: %v", typ, err)
			continue
		}
		if got, want := describe(ev.Payload), describe(tc.want); got != want {
			t.Errorf("%s: payload %s, want %s", typ, got, want)
		}
	}
}

func TestSignWithABadKeySignsNothing(t *testing.T) {
	t.Parallel()
	h := webhook.Sign(ed25519.PrivateKey("short"), []byte(joinedBody), now)
	if h.Get(webhook.SignatureHeader) != "" || h.Get(webhook.TimestampHeader) == "" {
		t.Fatalf("headers %v", h)
	}
	if _, err := verifier(t, newKey(1).pub).Parse([]byte(joinedBody), h); !errors.Is(err, webhook.ErrInvalidSignature) {
		t.Fatalf("err = %v", err)
	}
}
