package telnyxtest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// muteAudience is the code under test: it mutes everyone but the host.
func muteAudience(ctx context.Context, c *telnyx.Client, sessionID, hostID string) error {
	return c.RoomSessions.Mute(ctx, sessionID, telnyx.AllParticipants().Except(hostID))
}

// A user's test: seed a session, run the code that mutes people, check the result with
// srv.Session.
func Example() {
	srv := telnyxtest.NewServer()
	defer srv.Close()
	s := srv.AddSession(telnyxtest.Session{
		Active: true,
		Participants: []telnyxtest.Participant{
			{Context: "host"}, {Context: "Alice"}, {Context: "Bob"},
		},
	})

	if err := muteAudience(context.Background(), srv.Client(), s.ID, s.Participants[0].ID); err != nil {
		fmt.Println("error:", err)
		return
	}

	got, _ := srv.Session(s.ID)
	for _, p := range got.Participants {
		fmt.Printf("%s muted: %v\n", p.Context, p.Muted)
	}
	// Output:
	// host muted: false
	// Alice muted: true
	// Bob muted: true
}

// A fault makes the next answer a 503; the client retries and the request log shows both
// attempts.
func ExampleState_Fail() {
	srv := telnyxtest.NewServer()
	defer srv.Close()
	s := srv.AddSession(telnyxtest.Session{Active: true})
	srv.Fail(telnyxtest.Fault{
		Method: "GET",
		Path:   "/v2/room_sessions/*",
		Status: http.StatusServiceUnavailable,
		Header: http.Header{"Retry-After-Ms": {"1"}}, // retry soon
		Times:  1,
	})

	session, err := srv.Client().RoomSessions.Get(context.Background(), s.ID, nil)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println("active:", session.Active)
	for _, r := range srv.Requests() {
		fmt.Println(r.Method, r.Path == "/v2/room_sessions/"+s.ID, r.Header.Get("Authorization"))
	}
	// Output:
	// active: true
	// GET true Bearer ***
	// GET true Bearer ***
}

// People come and go while a program watches: Join, Leave and EndSession change the
// fake as the platform would, and every client sees the change.
func ExampleState_Join() {
	srv := telnyxtest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	s := srv.AddSession(telnyxtest.Session{Active: true})
	client := srv.Client()

	bob, _ := srv.Join(s.ID, telnyxtest.Participant{Context: "Bob"})
	page, _ := client.RoomSessions.Participants(ctx, s.ID, nil)
	fmt.Println("present:", len(page.Items), page.Items[0].Context, page.Items[0].LeftAt.IsZero())

	_, _ = srv.Leave(s.ID, bob.ID)
	page, _ = client.RoomSessions.Participants(ctx, s.ID, nil)
	fmt.Println("after Leave, left:", !page.Items[0].LeftAt.IsZero())

	_, _ = srv.EndSession(s.ID)
	session, _ := client.RoomSessions.Get(ctx, s.ID, nil)
	fmt.Println("after EndSession, active:", session.Active)
	// Output:
	// present: 1 Bob true
	// after Leave, left: true
	// after EndSession, active: false
}

// A session ends right after the page that listed it was answered, as the platform
// may end one at any moment: the program then sees ErrSessionEnded on its next action.
func ExampleState_OnRequest() {
	srv := telnyxtest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	s := srv.AddSession(telnyxtest.Session{Active: true, Participants: []telnyxtest.Participant{{Context: "Alice"}}})
	srv.OnRequest(func(r telnyxtest.Request) {
		if r.Method == "GET" && r.Path == "/v2/room_sessions" {
			_, _ = srv.EndSession(s.ID)
		}
	})
	client := srv.Client()

	page, _ := client.RoomSessions.List(ctx, &telnyx.ListRoomSessionsParams{Active: telnyx.Bool(true)})
	fmt.Println("listed as active:", len(page.Items))
	err := client.RoomSessions.Mute(ctx, page.Items[0].ID, telnyx.AllParticipants())
	fmt.Println("then ended:", errors.Is(err, telnyx.ErrSessionEnded))
	// Output:
	// listed as active: 1
	// then ended: true
}

// The standalone fake, as roomsessions serve runs it, with one world per key: two test
// suites share it without seeing each other's sessions or faults.
func ExampleNewStandalone() {
	sa := telnyxtest.NewStandalone(telnyxtest.WithPerKey(),
		telnyxtest.WithSessions(telnyxtest.Session{ID: "5e000000-0000-4000-8000-000000000001", Active: true}))
	defer sa.Close()
	ts := httptest.NewServer(sa)
	defer ts.Close()

	client := func(key string) *telnyx.Client {
		c, err := telnyx.NewClient(telnyx.WithBaseURL(ts.URL+"/v2"), telnyx.WithAPIKey(key), telnyx.WithMaxRetries(0))
		if err != nil {
			panic(err)
		}
		return c
	}
	// Suite A ends the seeded session in its world; suite B's world still has it active.
	ctx := context.Background()
	if err := client("KEY_suite_a").RoomSessions.End(ctx, "5e000000-0000-4000-8000-000000000001"); err != nil {
		fmt.Println("error:", err)
		return
	}
	for _, key := range []string{"KEY_suite_a", "KEY_suite_b"} {
		s, err := client(key).RoomSessions.Get(ctx, "5e000000-0000-4000-8000-000000000001", nil)
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Printf("%s: active %v\n", key, s.Active)
	}
	// Output:
	// KEY_suite_a: active false
	// KEY_suite_b: active true
}
