package main

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
	"github.com/roomsessions/telnyx-go/telnyx/webhook"
)

// TestMuteBotMutesWhoeverJoins runs the bot's handler behind a real HTTP server and
// points the fake's webhooks at it: the fake delivers signed events as participants
// join, the bot mutes them through the API, and WaitWebhooks says when the deliveries
// are done, so no sleep is needed.
func TestMuteBotMutesWhoeverJoins(t *testing.T) {
	var bot atomic.Pointer[http.Handler] // set once the fake's key is known
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		(*bot.Load()).ServeHTTP(w, r)
	}))
	defer endpoint.Close()
	srv := telnyxtest.NewServer(telnyxtest.WithWebhooks(endpoint.URL))
	defer srv.Close()
	v, err := webhook.NewVerifier(srv.WebhookPublicKey())
	if err != nil {
		t.Fatal(err)
	}
	h := muteOnJoin(srv.Client(), v)
	bot.Store(&h)

	// Alice is there when the session starts; Bob joins later, and his event is
	// delivered twice, as Telnyx may.
	s := srv.AddSession(telnyxtest.Session{Active: true, Participants: []telnyxtest.Participant{{Context: "Alice"}}})
	srv.FailWebhooks(telnyxtest.WebhookFault{EventType: webhook.TypeParticipantJoined, Duplicate: true, Times: 1})
	if _, err := srv.Join(s.ID, telnyxtest.Participant{Context: "Bob"}); err != nil {
		t.Fatal(err)
	}
	if err := srv.WaitWebhooks(t.Context()); err != nil {
		t.Fatal(err)
	}
	got, _ := srv.Session(s.ID)
	for _, p := range got.Participants {
		if !p.Muted {
			t.Errorf("%s joined and is not muted", p.Context)
		}
	}
	mutes := 0
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPost && r.Path == "/v2/room_sessions/"+s.ID+"/actions/mute" {
			mutes++
		}
	}
	if mutes != 2 {
		t.Errorf("%d mute requests for 2 participants (one event delivered twice), want 2", mutes)
	}
	for _, d := range srv.Webhooks() {
		if d.State != "delivered" {
			t.Errorf("delivery %+v", d)
		}
	}

	// A participant joining a session that ends before the bot acts: the 422 is
	// acknowledged, not retried.
	srv.FailWebhooks(telnyxtest.WebhookFault{EventType: webhook.TypeParticipantJoined, OutOfOrder: true, Times: 1})
	if _, err := srv.Join(s.ID, telnyxtest.Participant{Context: "Carol"}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.EndSession(s.ID); err != nil { // Carol's joined arrives after the end
		t.Fatal(err)
	}
	if err := srv.WaitWebhooks(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, d := range srv.Webhooks() {
		if d.State != "delivered" || d.Attempts != 1 {
			t.Errorf("delivery %+v, want delivered at the first attempt", d)
		}
	}
}
