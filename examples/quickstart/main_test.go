package main

import (
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// TestQuickstartRuns runs the README's program against the fake.
func TestQuickstartRuns(t *testing.T) {
	srv := telnyxtest.NewServer()
	defer srv.Close()
	live := srv.AddSession(telnyxtest.Session{Active: true, Participants: []telnyxtest.Participant{{Context: "a"}, {Context: "b"}}})
	ended := srv.AddSession(telnyxtest.Session{Participants: []telnyxtest.Participant{{Context: "c"}}})
	t.Setenv(telnyx.EnvAPIKey, srv.APIKey)
	t.Setenv(telnyx.EnvBaseURL, srv.URL)

	main()

	got, ok := srv.Session(live.ID)
	if !ok {
		t.Fatal("session gone")
	}
	for _, p := range got.Participants {
		if !p.Muted {
			t.Errorf("participant %s of the active session is not muted", p.ID)
		}
	}
	if got, ok := srv.Session(ended.ID); !ok || got.Participants[0].Muted {
		t.Error("a participant of an ended session was muted")
	}
}
