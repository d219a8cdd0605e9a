package webhook_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx/webhook"
)

// exampleKey is a fixed key pair, as a test would use; in production the public key
// comes from the Mission Control portal.
var exampleKey = ed25519.NewKeyFromSeed([]byte("an example seed of 32 bytes long"))

func ExampleVerifier_Parse() {
	pub := base64.StdEncoding.EncodeToString(exampleKey.Public().(ed25519.PublicKey))
	v, err := webhook.NewVerifier(pub)
	if err != nil {
		panic(err)
	}
	body := []byte(`{"data":{"record_type":"event","event_type":"video.room.participant.joined",` +
		`"id":"6b61621f-62e0-4aad-ab11-9fd19e272e73","occurred_at":"2026-03-26T17:51:59.588408Z",` +
		`"payload":{"session_id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777f0","participant_id":"7b61621f-62e0-4aad-ab11-9fd19e272e73","context":"Alice"}}}`)
	header := webhook.Sign(exampleKey, body, time.Now()) // what Telnyx sends with it

	ev, err := v.Parse(body, header)
	if err != nil {
		panic(err)
	}
	switch p := ev.Payload.(type) {
	case *webhook.ParticipantJoined:
		fmt.Println(ev.Type, p.Context, p.ParticipantID)
	case *webhook.UnknownPayload:
		fmt.Println("an event type this package does not know:", ev.Type)
	}

	_, err = v.Parse([]byte(strings.Replace(string(body), "Alice", "Mallory", 1)), header)
	fmt.Println(errors.Is(err, webhook.ErrInvalidSignature))
	// Output:
	// video.room.participant.joined Alice 7b61621f-62e0-4aad-ab11-9fd19e272e73
	// true
}

func ExampleHandler() {
	pub := base64.StdEncoding.EncodeToString(exampleKey.Public().(ed25519.PublicKey))
	v, err := webhook.NewVerifier(pub)
	if err != nil {
		panic(err)
	}
	h := webhook.Handler(v, func(ctx context.Context, ev *webhook.Event) error {
		if p, ok := ev.Payload.(*webhook.SessionEnded); ok {
			fmt.Printf("session %s ended after %ds\n", p.SessionID, p.DurationSecs)
		}
		return nil
	})
	srv := httptest.NewServer(h)
	defer srv.Close()

	body := `{"data":{"id":"e1","event_type":"video.room.session.ended","payload":{"session_id":"s1","duration_secs":67}}}`
	for range 2 { // a redelivery is acknowledged without calling the function again
		req, err := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(body))
		if err != nil {
			panic(err)
		}
		req.Header = webhook.Sign(exampleKey, []byte(body), time.Now())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}
	// Output:
	// session s1 ended after 67s
	// 200
	// 200
}
