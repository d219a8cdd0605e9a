package telnyxtest_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"sync"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
	"github.com/roomsessions/telnyx-go/telnyx/webhook"
)

// A webhook endpoint receives the fake's events, verified with its public key; WaitWebhooks
// says when they have all been delivered.
func ExampleWithWebhooks() {
	var mu sync.Mutex
	var got []string
	endpoint := httptest.NewUnstartedServer(nil)
	srv := telnyxtest.NewServer(telnyxtest.WithWebhooks("http://" + endpoint.Listener.Addr().String() + "/hooks"))
	defer srv.Close()
	v, err := webhook.NewVerifier(srv.WebhookPublicKey())
	if err != nil {
		panic(err)
	}
	endpoint.Config.Handler = webhook.Handler(v, func(_ context.Context, ev *webhook.Event) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, ev.Type)
		return nil
	})
	endpoint.Start()
	defer endpoint.Close()

	s := srv.AddSession(telnyxtest.Session{Active: true, Participants: []telnyxtest.Participant{{Context: "Alice"}}})
	if _, err := srv.EndSession(s.ID); err != nil {
		panic(err)
	}
	if err := srv.WaitWebhooks(context.Background()); err != nil {
		panic(err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, typ := range got {
		fmt.Println(typ)
	}
	// Output:
	// video.room.session.started
	// video.room.participant.joined
	// video.room.participant.left
	// video.room.session.ended
}
