package telnyxtest

import (
	"fmt"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// Client returns a [telnyx.Client] pointed at the server with its key; opts come after
// those two, so they can change anything, even them. Client panics if opts hold an invalid
// value (a negative retry count, say), as that is a bug in the test, not a condition to
// handle.
func (s *Server) Client(opts ...telnyx.Option) *telnyx.Client {
	all := append([]telnyx.Option{telnyx.WithBaseURL(s.URL), telnyx.WithAPIKey(s.APIKey)}, opts...)
	c, err := telnyx.NewClient(all...)
	if err != nil {
		panic(fmt.Sprintf("telnyxtest: Server.Client: %v", err))
	}
	return c
}
