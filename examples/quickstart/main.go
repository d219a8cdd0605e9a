// Command quickstart mutes everyone in every active room session: the README's example.
package main

import (
	"context"
	"fmt"
	"log"

	"github.com/roomsessions/telnyx-go/telnyx"
)

func main() {
	ctx := context.Background()
	client, err := telnyx.NewClient() // the key comes from $TELNYX_API_KEY
	if err != nil {
		log.Fatal(err)
	}
	active := &telnyx.ListRoomSessionsParams{Active: telnyx.Bool(true)}
	for s, err := range client.RoomSessions.All(ctx, active) {
		if err != nil {
			log.Fatal(err)
		}
		if err := client.RoomSessions.Mute(ctx, s.ID, telnyx.AllParticipants()); err != nil {
			log.Fatal(err)
		}
		fmt.Println("muted everyone in session", s.ID)
	}
}
