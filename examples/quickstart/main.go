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
	active := &telnyx.ListRoomSessionsParams{Active: telnyx.Bool(true), IncludeParticipants: true}
	for s, err := range client.RoomSessions.All(ctx, active) {
		if err != nil {
			log.Fatal(err)
		}
		present := 0
		for _, p := range s.Participants {
			if p.LeftAt.IsZero() { // still in the session
				present++
			}
		}
		fmt.Printf("session %s in room %s: %d participants present\n", s.ID, s.RoomID, present)
	}
}
