package main

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// This program changes your account: it mutes every participant present in every
// active session.
func main() {
	ctx := context.Background()
	client, err := telnyx.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	active := &telnyx.ListRoomSessionsParams{Active: telnyx.Bool(true)}
	for s, err := range client.RoomSessions.All(ctx, active) {
		if err != nil {
			log.Fatal(err)
		}
		err := client.RoomSessions.Mute(ctx, s.ID, telnyx.AllParticipants())
		switch {
		case errors.Is(err, telnyx.ErrSessionEnded): // it ended after it was listed
			fmt.Println("session", s.ID, "ended before it could be muted")
		case err != nil:
			log.Fatal(err)
		default:
			fmt.Println("muted everyone in session", s.ID)
		}
	}
}
