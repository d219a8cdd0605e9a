package telnyxtest_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// TestErrorEnvelope pins the exact bytes of error answers (golden).
func TestErrorEnvelope(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tests := []struct {
		name, path string
		h          http.Header
		status     int
		want       string
	}{
		{
			"404 unknown session", "/room_sessions/" + id('e'), authHeader(srv), 404,
			`{"errors":[{"code":"10005","title":"Resource not found","detail":"The requested resource or URL could not be found.","source":{"pointer":"/room_session_id"},"meta":{"url":"https://developers.telnyx.com/docs/overview/errors/10005"}}]}`,
		},
		{
			"401", "/room_sessions", nil, 401,
			`{"errors":[{"code":"10009","title":"Authentication failed","detail":"The API key is missing or invalid.","meta":{"url":"https://developers.telnyx.com/docs/overview/errors/10009"}}]}`,
		},
		{
			"400 query", "/room_sessions?page[size]=" + strconv.Itoa(telnyx.PageSizeMax+1), authHeader(srv), 400,
			`{"errors":[{"code":"10015","title":"Bad request","detail":"Invalid value for page[size]: number must be at most ` + strconv.Itoa(telnyx.PageSizeMax) + `.","source":{"parameter":"page[size]"},"meta":{"url":"https://developers.telnyx.com/docs/overview/errors/10015"}}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := callHeader(t, srv, "GET", tt.path, "", tt.h)
			equal(t, "answer", []any{a.status, string(a.body)}, []any{tt.status, tt.want})
		})
	}
}
