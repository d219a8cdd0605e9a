package main

import (
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/internal/capture"
	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// TestQuickstartRuns runs the README's first program against the fake: it prints each
// active session with the number of participants present, and changes nothing.
func TestQuickstartRuns(t *testing.T) {
	srv := telnyxtest.NewServer()
	defer srv.Close()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	older := srv.AddSession(telnyxtest.Session{Active: true, CreatedAt: t0, Participants: []telnyxtest.Participant{
		{Context: "a"}, {Context: "b"}, {Context: "gone", LeftAt: t0.Add(time.Minute)},
	}})
	newer := srv.AddSession(telnyxtest.Session{Active: true, CreatedAt: t0.Add(time.Hour)})
	srv.AddSession(telnyxtest.Session{CreatedAt: t0.Add(2 * time.Hour), Participants: []telnyxtest.Participant{{Context: "c"}}})
	t.Setenv(telnyx.EnvAPIKey, srv.APIKey)
	t.Setenv(telnyx.EnvBaseURL, srv.URL)

	out := capture.Stdout(t, main)

	want := "session " + newer.ID + " in room " + newer.RoomID + ": 0 participants present\n" +
		"session " + older.ID + " in room " + older.RoomID + ": 2 participants present\n"
	if out != want {
		t.Errorf("printed:\n%s\nwant:\n%s", out, want)
	}
	for _, r := range srv.Requests() {
		if r.Method != "GET" {
			t.Errorf("the read-only program sent %s %s", r.Method, r.Path)
		}
	}
}
