package telnyxtest_test

import (
	"errors"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// TestLiveChanges checks Join, Leave and EndSession: each change is what a client sees
// from then on, as when people come and go on the platform.
func TestLiveChanges(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	client := srv.Client()
	ctx := t.Context()
	s := srv.AddSession(telnyxtest.Session{Active: true, Participants: []telnyxtest.Participant{{Context: "host"}}})

	srv.Advance(time.Minute)
	bob, err := srv.Join(s.ID, telnyxtest.Participant{Context: "Bob"})
	if err != nil {
		t.Fatal(err)
	}
	if bob.ID == "" || !bob.JoinedAt.Equal(t0().Add(time.Minute).Truncate(time.Microsecond)) || !bob.LeftAt.IsZero() {
		t.Errorf("joined %+v", bob)
	}
	page, err := client.RoomSessions.Participants(ctx, s.ID, &telnyx.ListParticipantsParams{Context: "Bob"})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 || page.Items[0].ID != bob.ID || !page.Items[0].LeftAt.IsZero() {
		t.Fatalf("after Join the API shows %+v", page.Items)
	}
	got, _ := client.RoomSessions.Get(ctx, s.ID, nil)
	if !got.UpdatedAt.Equal(bob.JoinedAt) {
		t.Errorf("session updated_at %v, want %v", got.UpdatedAt, bob.JoinedAt)
	}

	srv.Advance(time.Minute)
	left, err := srv.Leave(s.ID, bob.ID)
	if err != nil {
		t.Fatal(err)
	}
	if left.LeftAt.IsZero() || !left.UpdatedAt.Equal(left.LeftAt) {
		t.Errorf("left %+v", left)
	}
	again, err := srv.Leave(s.ID, bob.ID)
	if err != nil || !again.LeftAt.Equal(left.LeftAt) {
		t.Errorf("leaving twice: %+v, %v", again, err)
	}
	page, _ = client.RoomSessions.Participants(ctx, s.ID, &telnyx.ListParticipantsParams{Context: "Bob"})
	if len(page.Items) != 1 || page.Items[0].LeftAt.IsZero() {
		t.Errorf("after Leave the API shows %+v", page.Items)
	}

	srv.Advance(time.Minute)
	ended, err := srv.EndSession(s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ended.Active || ended.EndedAt.IsZero() || ended.Participants[0].LeftAt.IsZero() {
		t.Errorf("ended %+v", ended)
	}
	got, _ = client.RoomSessions.Get(ctx, s.ID, nil)
	if got.Active || got.EndedAt.IsZero() {
		t.Errorf("after EndSession the API shows %+v", got)
	}
	if err := client.RoomSessions.Mute(ctx, s.ID, telnyx.AllParticipants()); err == nil {
		t.Error("mute on a session the platform ended succeeded")
	}

	for _, tt := range []struct {
		name string
		err  error
		want error
	}{
		{"join an ended session", second(srv.Join(s.ID, telnyxtest.Participant{})), telnyxtest.ErrSessionEnded},
		{"join nowhere", second(srv.Join("5e000000-0000-4000-8000-00000000ffff", telnyxtest.Participant{})), telnyxtest.ErrNoSession},
		{"leave nowhere", second(srv.Leave("5e000000-0000-4000-8000-00000000ffff", bob.ID)), telnyxtest.ErrNoSession},
		{"leave who was never there", second(srv.Leave(s.ID, "9a000000-0000-4000-8000-00000000ffff")), telnyxtest.ErrNoParticipant},
		{"end nothing", second(srv.EndSession("5e000000-0000-4000-8000-00000000ffff")), telnyxtest.ErrNoSession},
	} {
		if !errors.Is(tt.err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, tt.err, tt.want)
		}
	}

	live := srv.AddSession(telnyxtest.Session{Active: true, Participants: []telnyxtest.Participant{{ID: "9a000000-0000-4000-8000-000000000001"}}})
	for _, p := range []telnyxtest.Participant{
		{ID: "not-a-uuid"},
		{ID: "9A000000-0000-4000-8000-000000000001"}, // already there, in another case
		{LeftAt: t0()},
	} {
		if _, err := srv.Join(live.ID, p); !errors.Is(err, telnyxtest.ErrInvalidSession) {
			t.Errorf("Join(%+v): %v, want ErrInvalidSession", p, err)
		}
	}
}

func second[T any](_ T, err error) error { return err }

// TestAddSessionsJSON checks that sessions decode from the API's field names (plus
// "muted"), are filled in like AddSession's, and that a bad one stores none.
func TestAddSessionsJSON(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	stored, err := srv.AddSessionsJSON([]byte(`[
		{"id": "5e000000-0000-4000-8000-000000000001", "active": true, "created_at": "2021-04-16T09:00:00.123456Z",
		 "participants": [{"context": "Alice", "muted": true}]},
		{"room_id": "a0000000-0000-4000-8000-000000000001", "ended_at": "2021-04-15T10:00:00Z"}
	]`))
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 2 || !stored[0].Participants[0].Muted || stored[0].Participants[0].ID == "" ||
		stored[0].CreatedAt.Nanosecond() != 123456000 || stored[1].Active || stored[1].ID == "" {
		t.Errorf("stored %+v", stored)
	}
	one, err := srv.AddSessionsJSON([]byte(`{"active": true}`))
	if err != nil || len(one) != 1 {
		t.Errorf("one object: %+v, %v", one, err)
	}
	for _, bad := range []string{
		`[{"active": true}, {"id": "nope"}]`,
		`[{"id": "5e000000-0000-4000-8000-000000000009"}, {"id": "5E000000-0000-4000-8000-000000000009"}]`,
		`[{"id": "5e000000-0000-4000-8000-000000000001"}]`,
		`[{"active": true, "ended_at": "2021-04-15T10:00:00Z"}]`,
		`{"active": "yes"}`,
		`42`,
	} {
		before := len(srv.Sessions())
		if _, err := srv.AddSessionsJSON([]byte(bad)); !errors.Is(err, telnyxtest.ErrInvalidSession) {
			t.Errorf("%s: %v, want ErrInvalidSession", bad, err)
		}
		if n := len(srv.Sessions()); n != before {
			t.Errorf("%s: %d sessions stored, want none", bad, n-before)
		}
	}
}

// TestReset checks that Reset leaves no session, fault or request.
func TestReset(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.AddSession(telnyxtest.Session{})
	srv.Fail(telnyxtest.Fault{Status: 500})
	if _, err := srv.Client(telnyx.WithMaxRetries(0)).RoomSessions.List(t.Context(), nil); err == nil {
		t.Fatal("the fault did not apply")
	}
	srv.Reset()
	if len(srv.Sessions()) != 0 || len(srv.Requests()) != 0 {
		t.Errorf("after Reset: %d sessions, %d requests", len(srv.Sessions()), len(srv.Requests()))
	}
	page, err := srv.Client(telnyx.WithMaxRetries(0)).RoomSessions.List(t.Context(), nil)
	if err != nil || len(page.Items) != 0 {
		t.Errorf("after Reset the fault still applies or sessions remain: %v, %+v", err, page)
	}
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }
