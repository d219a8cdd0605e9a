// Command mutebot mutes whoever joins a video room: it receives Telnyx's room webhooks,
// verifies them with the account's public key, and mutes each participant who joins.
//
//	TELNYX_API_KEY=KEY... TELNYX_PUBLIC_KEY=base64... go run ./examples/mutebot
//
// It listens on $ADDR (default 127.0.0.1:8080); point the room's webhook_event_url at it.
package main

import (
	"cmp"
	"context"
	"errors"
	"log"
	"net/http"
	"os"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/webhook"
)

func main() {
	client, err := telnyx.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	v, err := webhook.NewVerifier(os.Getenv("TELNYX_PUBLIC_KEY"))
	if err != nil {
		log.Fatal(err)
	}
	addr := cmp.Or(os.Getenv("ADDR"), "127.0.0.1:8080")
	log.Printf("mutebot: receiving webhooks on http://%s/", addr)
	log.Fatal(http.ListenAndServe(addr, muteOnJoin(client, v)))
}

// muteOnJoin returns the webhook handler: verified events only, each event id once.
func muteOnJoin(client *telnyx.Client, v *webhook.Verifier) http.Handler {
	return webhook.Handler(v, func(ctx context.Context, ev *webhook.Event) error {
		joined, ok := ev.Payload.(*webhook.ParticipantJoined)
		if !ok {
			return nil // not ours to act on: acknowledge it
		}
		err := client.RoomSessions.Mute(ctx, joined.SessionID, telnyx.Participants(joined.ParticipantID))
		if errors.Is(err, telnyx.ErrSessionEnded) {
			return nil // the session ended before we could act: nothing left to do
		}
		return err // an error answers 5xx, and Telnyx delivers the event again
	})
}
