package main

import (
	"strings"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// TestJSONTimes checks that times are written as the API writes them: UTC, exactly
// six fractional digits, also when the last digit is zero or the time is on the second.
func TestJSONTimes(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	created := time.Date(2021, 4, 16, 9, 46, 20, 671490000, time.UTC)
	s := srv.AddSession(telnyxtest.Session{Active: true, CreatedAt: created,
		Participants: []telnyxtest.Participant{{JoinedAt: created.Add(time.Second - 671490000)}}})
	for _, format := range []string{formatJSON, formatJSONL} {
		sp := ""
		if format == formatJSON {
			sp = " "
		}
		r := runCLI(t, srv, "-o", format, "list", "--participants")
		wantCode(t, r, exitOK)
		for _, w := range []string{`"created_at":` + sp + `"2021-04-16T09:46:20.671490Z"`, `"joined_at":` + sp + `"2021-04-16T09:46:21.000000Z"`} {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("-o %s does not write %s:\n%s", format, w, r.stdout)
			}
		}
	}
	r := runCLI(t, srv, "-o", "json", "get", s.ID)
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, `"created_at": "2021-04-16T09:46:20.671490Z"`) {
		t.Errorf("get -o json:\n%s", r.stdout)
	}
}
