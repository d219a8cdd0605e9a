package main

import (
	"strings"
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// TestDemo runs the demo: it exits 0, names the seven operations in order, and shows
// their effects.
func TestDemo(t *testing.T) {
	t.Parallel()
	r := runEnv(t, envOf(), "", "demo")
	wantCode(t, r, exitOK)
	if r.stderr != "" {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	rest := r.stdout
	for _, h := range []string{
		"== list: GET /room_sessions\n",
		"== get: GET /room_sessions/{id}\n",
		"== participants: GET /room_sessions/{id}/participants\n",
		"== mute: POST /room_sessions/{id}/actions/mute\n",
		"== unmute: POST /room_sessions/{id}/actions/unmute\n",
		"== kick: POST /room_sessions/{id}/actions/kick\n",
		"== end: POST /room_sessions/{id}/actions/end\n",
	} {
		_, after, found := strings.Cut(rest, h)
		if !found {
			t.Fatalf("the demo does not print %q after the previous step:\n%s", h, r.stdout)
		}
		rest = after
	}
	for _, w := range []string{
		"page 1 of 1, 2 results", // list --active
		"page 1 of 2, 4 results", // participants --page-size 3
		`"participants":"all"`,   // the mute body
		"muted everyone except " + participantAlice,
		"kicked participant " + participantCarol,
		"ended session " + sessionStandup,
		"ACTIVE:        no",
	} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("the demo does not show %q:\n%s", w, r.stdout)
		}
	}
	if strings.Contains(r.stdout+r.stderr, "KEY_") {
		t.Errorf("the demo prints a key:\n%s", r.stdout)
	}
}

// TestDemoVerbose checks that -v logs the demo's requests without the key.
func TestDemoVerbose(t *testing.T) {
	t.Parallel()
	r := runEnv(t, envOf(), "", "-v", "demo")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stderr, "method=POST") || strings.Contains(r.stderr, telnyxtest.DefaultAPIKey) {
		t.Errorf("stderr:\n%s", r.stderr)
	}
}

// TestDemoData checks the sample data: three rooms, two active sessions, and ended
// sessions whose participants have all left.
func TestDemoData(t *testing.T) {
	t.Parallel()
	_, st := telnyxtest.NewHandler()
	if n := seedDemo(st, demoNow()); n != 5 {
		t.Fatalf("seedDemo added %d sessions, want 5", n)
	}
	rooms := map[string]bool{}
	active := 0
	for _, s := range st.Sessions() {
		rooms[s.RoomID] = true
		if s.Active {
			active++
			continue
		}
		for _, p := range s.Participants {
			if p.LeftAt.IsZero() || p.LeftAt.After(s.EndedAt) {
				t.Errorf("participant %s of ended session %s did not leave by its end", p.ID, s.ID)
			}
		}
	}
	if len(rooms) != 3 || active != 2 {
		t.Errorf("%d rooms and %d active sessions, want 3 and 2", len(rooms), active)
	}
}
