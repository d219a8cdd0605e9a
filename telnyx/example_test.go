package telnyx_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// The examples run against telnyxtest, the in-memory fake, seeded with one room's
// sessions. With the real API, create the client with telnyx.NewClient() and
// $TELNYX_API_KEY set.

const (
	exampleRoom   = "7b61621f-5fe4-4aad-ab11-9fd19e272e73"
	exampleLive   = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"
	exampleEnded  = "1ddd7b54-4df3-4bca-a65a-3da1ecc777f1"
	exampleHost   = "3f1c8e2a-9b4d-4c6e-8f7a-1b2c3d4e5f60"
	exampleGuest  = "7b61621f-62e0-4aad-ab11-9fd19e272e73"
	exampleGuest2 = "9a1c8e2a-9b4d-4c6e-8f7a-1b2c3d4e5f61"
)

// exampleServer starts a fake with a live session (three participants) and an ended one.
func exampleServer() *telnyxtest.Server {
	day := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	srv := telnyxtest.NewServer(telnyxtest.WithClock(func() time.Time { return day.Add(2 * time.Hour) }))
	srv.AddSession(telnyxtest.Session{
		ID: exampleEnded, RoomID: exampleRoom, CreatedAt: day.Add(-24 * time.Hour), EndedAt: day.Add(-23 * time.Hour),
	})
	srv.AddSession(telnyxtest.Session{
		ID: exampleLive, RoomID: exampleRoom, Active: true, CreatedAt: day,
		Participants: []telnyxtest.Participant{
			{ID: exampleHost, Context: "host", JoinedAt: day},
			{ID: exampleGuest, Context: "guest", JoinedAt: day.Add(time.Minute)},
			{ID: exampleGuest2, Context: "guest", JoinedAt: day.Add(2 * time.Minute)},
		},
	})
	return srv
}

func ExampleNewClient() {
	srv := exampleServer()
	defer srv.Close()

	client, err := telnyx.NewClient(
		telnyx.WithAPIKey(srv.APIKey), // or $TELNYX_API_KEY
		telnyx.WithBaseURL(srv.URL),   // or $TELNYX_BASE_URL; the default is the real API
		telnyx.WithMaxRetries(3),
		telnyx.WithTimeout(10*time.Second),
		telnyx.WithUserAgent("moderation-bot/1.0"),
	)
	if err != nil {
		log.Fatal(err)
	}
	s, err := client.RoomSessions.Get(context.Background(), exampleLive, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.ID, s.Active)
	// Output: 0ccc7b54-4df3-4bca-a65a-3da1ecc777f0 true
}

func ExampleRoomSessionsService_List() {
	srv := exampleServer()
	defer srv.Close()
	client := srv.Client()

	page, err := client.RoomSessions.List(context.Background(), &telnyx.ListRoomSessionsParams{
		RoomID:    exampleRoom,
		CreatedAt: telnyx.DateFilter{Gte: telnyx.Date{Year: 2026, Month: time.November, Day: 1}},
		PageSize:  10,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range page.Items {
		fmt.Println(s.ID, "active:", s.Active, "created:", s.CreatedAt.Format(time.DateOnly))
	}
	fmt.Printf("page %d of %d, %d sessions\n", page.PageNumber, page.TotalPages, page.TotalResults)
	// Output:
	// 0ccc7b54-4df3-4bca-a65a-3da1ecc777f0 active: true created: 2026-11-24
	// 1ddd7b54-4df3-4bca-a65a-3da1ecc777f1 active: false created: 2026-11-23
	// page 1 of 1, 2 sessions
}

func ExampleRoomSessionsService_All() {
	srv := exampleServer()
	defer srv.Close()
	client := srv.Client()

	// All fetches page after page (250 sessions each) as the loop asks for more.
	for s, err := range client.RoomSessions.All(context.Background(), &telnyx.ListRoomSessionsParams{Active: telnyx.Bool(false)}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(s.ID, "ended", s.EndedAt.Format(time.DateOnly))
	}
	// Output: 1ddd7b54-4df3-4bca-a65a-3da1ecc777f1 ended 2026-11-23
}

func ExampleRoomSessionsService_Get() {
	srv := exampleServer()
	defer srv.Close()
	client := srv.Client()

	s, err := client.RoomSessions.Get(context.Background(), exampleLive, &telnyx.GetRoomSessionParams{IncludeParticipants: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("room", s.RoomID, "since", s.CreatedAt.Format(time.Kitchen))
	for _, p := range s.Participants {
		fmt.Println(p.Context, p.ID, "present:", p.LeftAt.IsZero())
	}
	// Output:
	// room 7b61621f-5fe4-4aad-ab11-9fd19e272e73 since 9:00AM
	// host 3f1c8e2a-9b4d-4c6e-8f7a-1b2c3d4e5f60 present: true
	// guest 7b61621f-62e0-4aad-ab11-9fd19e272e73 present: true
	// guest 9a1c8e2a-9b4d-4c6e-8f7a-1b2c3d4e5f61 present: true
}

func ExampleRoomSessionsService_Mute() {
	srv := exampleServer()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	// Mute everyone but the host, then let one guest speak again.
	if err := client.RoomSessions.Mute(ctx, exampleLive, telnyx.AllParticipants().Except(exampleHost)); err != nil {
		log.Fatal(err)
	}
	if err := client.RoomSessions.Unmute(ctx, exampleLive, telnyx.Participants(exampleGuest)); err != nil {
		log.Fatal(err)
	}
	s, ok := srv.Session(exampleLive) // the fake's view of the session
	if !ok {
		log.Fatal("session gone")
	}
	for _, p := range s.Participants {
		fmt.Println(p.ID, "muted:", p.Muted)
	}
	// Output:
	// 3f1c8e2a-9b4d-4c6e-8f7a-1b2c3d4e5f60 muted: false
	// 7b61621f-62e0-4aad-ab11-9fd19e272e73 muted: false
	// 9a1c8e2a-9b4d-4c6e-8f7a-1b2c3d4e5f61 muted: true
}

func ExampleError() {
	srv := exampleServer()
	defer srv.Close()
	client := srv.Client()

	_, err := client.RoomSessions.Get(context.Background(), "5e5e5e5e-0000-4000-8000-000000000000", nil)
	var apiErr *telnyx.Error
	switch {
	case errors.Is(err, telnyx.ErrNotFound) && errors.As(err, &apiErr):
		fmt.Println("status:", apiErr.StatusCode)
		fmt.Println("code:", apiErr.Errors[0].Code, apiErr.Errors[0].Title)
		fmt.Println("pointer:", apiErr.Errors[0].Pointer)
		fmt.Println("has request id:", apiErr.RequestID != "")
	case err != nil:
		log.Fatal(err)
	}

	// Invalid arguments never reach the network.
	err = client.RoomSessions.Kick(context.Background(), "not-a-uuid", telnyx.AllParticipants())
	fmt.Println(errors.Is(err, telnyx.ErrInvalidArgument), err)
	// Output:
	// status: 404
	// code: 10005 Resource not found
	// pointer: /room_session_id
	// has request id: true
	// true telnyx: invalid argument id: "not-a-uuid" is not a UUID
}
