package main

import (
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/internal/capture"
	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// TestModerateRuns runs the README's moderation program against the fake: every
// participant of every active session is muted, ended sessions are left alone, and a
// session that ends right after it was listed is reported, not fatal.
func TestModerateRuns(t *testing.T) {
	srv := telnyxtest.NewServer()
	defer srv.Close()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	live := srv.AddSession(telnyxtest.Session{Active: true, CreatedAt: t0, Participants: []telnyxtest.Participant{{Context: "a"}, {Context: "b"}}})
	ending := srv.AddSession(telnyxtest.Session{Active: true, CreatedAt: t0.Add(time.Hour), Participants: []telnyxtest.Participant{{Context: "d"}}})
	ended := srv.AddSession(telnyxtest.Session{CreatedAt: t0.Add(2 * time.Hour), Participants: []telnyxtest.Participant{{Context: "c"}}})
	srv.OnRequest(func(r telnyxtest.Request) {
		if r.Method == "GET" && r.Path == "/v2/room_sessions" {
			_, _ = srv.EndSession(ending.ID) // the platform ends it right after the listing
		}
	})
	t.Setenv(telnyx.EnvAPIKey, srv.APIKey)
	t.Setenv(telnyx.EnvBaseURL, srv.URL)

	out := capture.Stdout(t, main)

	want := "session " + ending.ID + " ended before it could be muted\n" +
		"muted everyone in session " + live.ID + "\n"
	if out != want {
		t.Errorf("printed:\n%s\nwant:\n%s", out, want)
	}
	got, _ := srv.Session(live.ID)
	for _, p := range got.Participants {
		if !p.Muted {
			t.Errorf("participant %s of the active session is not muted", p.ID)
		}
	}
	for _, id := range []string{ended.ID, ending.ID} {
		if got, _ := srv.Session(id); got.Participants[0].Muted {
			t.Errorf("a participant of ended session %s was muted", id)
		}
	}
}
