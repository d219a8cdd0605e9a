package telnyxtest

import (
	"fmt"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// TestDelayScale is the [telnyx.WithDelayScale] of the clients [Server.Client] returns:
// every attempt is kept, but a 0.5s backoff waits 0.5ms and a 1s Retry-After 1ms, so a
// test of a 503 or a 429 takes milliseconds.
const TestDelayScale = 0.001

// Client returns a [telnyx.Client] pointed at the server with its key, waiting
// test-speed delays ([TestDelayScale]); opts come after those, so they can change
// anything, even them (telnyx.WithDelayScale(1) restores the real delays). Client
// panics if opts hold an invalid value (a negative retry count, say), as that is a bug
// in the test, not a condition to handle.
func (s *Server) Client(opts ...telnyx.Option) *telnyx.Client {
	all := append([]telnyx.Option{telnyx.WithBaseURL(s.URL), telnyx.WithAPIKey(s.APIKey), telnyx.WithDelayScale(TestDelayScale)}, opts...)
	c, err := telnyx.NewClient(all...)
	if err != nil {
		panic(fmt.Sprintf("telnyxtest: Server.Client: %v", err))
	}
	return c
}
