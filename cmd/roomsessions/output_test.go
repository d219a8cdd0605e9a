package main

import (
	"strings"
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

// TestTableWidth checks that columns are aligned in terminal columns (an East Asian
// wide character takes two, a combining mark none) and that a line is cut to the
// terminal's width with "…".
func TestTableWidth(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	tbl := newTable(&b, 10, 0, "ID", "CONTEXT", "X")
	for _, r := range [][]string{{"1", "会議室", "a"}, {"2", "Zoë", "b"}, {"3", "e\u0301te\u0301", "c"}, {"4", "ＡＢ", "d"}} {
		if err := tbl.row(r...); err != nil {
			t.Fatal(err)
		}
	}
	if err := tbl.flush(); err != nil {
		t.Fatal(err)
	}
	want := "ID  CONTEXT  X\n" +
		"1   会議室   a\n" +
		"2   Zoë      b\n" +
		"3   e\u0301te\u0301      c\n" +
		"4   ＡＢ     d\n"
	if b.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", b.String(), want)
	}
	for _, line := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
		if w := displayWidth(line); w != 14 {
			t.Errorf("line %q is %d columns wide, want 14", line, w)
		}
	}

	tests := []struct {
		in    string
		width int
		want  string
	}{
		{"abcdef", 10, "abcdef"},
		{"abcdef", 6, "abcdef"},
		{"abcdef", 4, "abc…"},
		{"会議室ABC", 6, "会議…"},
		{"会議室ABC", 5, "会議…"},
	}
	for _, tt := range tests {
		if got := truncate(tt.in, tt.width); got != tt.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
		}
	}

	b.Reset()
	tbl = newTable(&b, 1, 12, "ID", "CONTEXT")
	_ = tbl.row("1", "会議室会議室会議室")
	_ = tbl.flush()
	for _, line := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
		if w := displayWidth(line); w > 12 {
			t.Errorf("line %q is %d columns wide on a 12-column terminal", line, w)
		}
	}
	if !strings.HasSuffix(b.String(), "…\n") {
		t.Errorf("the long line was not cut: %q", b.String())
	}
}
