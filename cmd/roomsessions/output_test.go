package main

import (
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
)

func TestCell(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"":                   "-",
		"Alice":              "Alice",
		"tab\there":          "tab here",
		"two\nlines":         "two lines",
		"\x1b[31mred\x1b[0m": " [31mred [0m",
	}
	for in, want := range tests {
		if got := cell(in); got != want {
			t.Errorf("cell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTimeCell(t *testing.T) {
	t.Parallel()
	if got := timeCell(time.Time{}); got != "-" {
		t.Errorf("zero time: %q", got)
	}
	paris := time.FixedZone("CEST", 2*60*60)
	if got := timeCell(time.Date(2021, 4, 16, 11, 46, 20, 954863000, paris)); got != "2021-04-16T09:46:20Z" {
		t.Errorf("got %q", got)
	}
}

func TestDescribeAPIError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  *telnyx.Error
		want string
	}{
		{&telnyx.Error{Op: "GET /room_sessions/{id}", StatusCode: 404, RequestID: "req-1", Attempts: 1,
			Errors: []telnyx.ErrorDetail{{Code: "10005", Title: "Resource not found", Detail: "No such session.", Pointer: "/room_session_id"}}},
			"404 Not Found: 10005 Resource not found: No such session. [/room_session_id] (request id req-1)"},
		{&telnyx.Error{StatusCode: 429, Attempts: 3, RetryAfter: 90 * time.Second,
			Errors: []telnyx.ErrorDetail{{Code: "10011", Title: "Too many requests"}, {Title: "slow down"}}},
			"429 Too Many Requests: 10011 Too many requests; slow down (request id none) after 3 attempts; the server asks to retry after 1m30s"},
		{&telnyx.Error{Op: "GET /room_sessions", StatusCode: 502, RequestID: "req-2", Body: []byte("<html>bad gateway</html>")},
			"telnyx: GET /room_sessions: 502 Bad Gateway (request id req-2)"},
	}
	for _, tt := range tests {
		if got := describeAPIError(tt.err); got != tt.want {
			t.Errorf("describeAPIError:\n got %q\nwant %q", got, tt.want)
		}
	}
}
