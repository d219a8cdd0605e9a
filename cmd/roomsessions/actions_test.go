package main

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// seedMeeting adds an active session with participants A, B and C.
func seedMeeting(srv *telnyxtest.Server) telnyxtest.Session {
	return srv.AddSession(telnyxtest.Session{
		Active: true,
		Participants: []telnyxtest.Participant{
			{ID: uuidA, Context: "A"}, {ID: uuidB, Context: "B"}, {ID: uuidC, Context: "C"},
		},
	})
}

// TestSelectionBodies checks the body each selection sends, its effect on the fake's
// state and the one-line confirmation.
func TestSelectionBodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string // after the session id
		stdin    string
		body     string
		affected []string // participants muted (mute) or gone (kick) afterwards
		confirm  string   // with "S" for the session id
	}{
		{"mute some except one", []string{"mute", "--participant", uuidA, "--participant", uuidB, "--except", uuidC},
			"", `{"participants":["` + uuidA + `","` + uuidB + `"],"exclude":["` + uuidC + `"]}`, []string{uuidA, uuidB},
			"muted participants " + uuidA + ", " + uuidB + " except " + uuidC + " in session S"},
		{"mute everyone", []string{"mute", "--everyone"}, "", `{"participants":"all"}`, []string{uuidA, uuidB, uuidC},
			"muted everyone in session S"},
		{"mute everyone except", []string{"mute", "--everyone", "--except", uuidA + "," + uuidB}, "",
			`{"participants":"all","exclude":["` + uuidA + `","` + uuidB + `"]}`, []string{uuidC},
			"muted everyone except " + uuidA + ", " + uuidB + " in session S"},
		{"mute comma-separated", []string{"mute", "--participant", uuidA + "," + uuidC}, "",
			`{"participants":["` + uuidA + `","` + uuidC + `"]}`, []string{uuidA, uuidC},
			"muted participants " + uuidA + ", " + uuidC + " in session S"},
		{"mute ids from stdin", []string{"mute", "--participant", "-", "--participant", uuidC}, uuidA + "\n" + uuidB + "\n",
			`{"participants":["` + uuidA + `","` + uuidB + `","` + uuidC + `"]}`, []string{uuidA, uuidB, uuidC},
			"muted participants " + uuidA + ", " + uuidB + ", " + uuidC + " in session S"},
		{"kick one", []string{"kick", "--participant", uuidB, "--yes"}, "", `{"participants":["` + uuidB + `"]}`, []string{uuidB},
			"kicked participant " + uuidB + " in session S"},
		{"kick everyone except", []string{"kick", "--everyone", "--except", uuidA, "--yes"}, "",
			`{"participants":"all","exclude":["` + uuidA + `"]}`, []string{uuidB, uuidC},
			"kicked everyone except " + uuidA + " in session S"},
		{"unmute everyone", []string{"unmute", "--everyone"}, "", `{"participants":"all"}`, nil,
			"unmuted everyone in session S"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			s := seedMeeting(srv)
			args := append([]string{tt.args[0], s.ID}, tt.args[1:]...)
			r := runEnv(t, serverEnv(srv), tt.stdin, args...)
			wantCode(t, r, exitOK)

			reqs := posts(srv)
			if len(reqs) != 1 {
				t.Fatalf("%d POST requests, want 1", len(reqs))
			}
			req := lastPost(srv)
			if want := "/v2/room_sessions/" + s.ID + "/actions/" + tt.args[0]; req.Method != http.MethodPost || req.Path != want {
				t.Errorf("request %s %s, want POST %s", req.Method, req.Path, want)
			}
			assertJSONEqual(t, req.Body, tt.body)

			after, _ := srv.Session(s.ID)
			var affected []string
			for _, p := range after.Participants {
				if tt.args[0] == "kick" && !p.LeftAt.IsZero() || tt.args[0] == "mute" && p.Muted {
					affected = append(affected, p.ID)
				}
			}
			if !reflect.DeepEqual(affected, tt.affected) {
				t.Errorf("affected %v, want %v", affected, tt.affected)
			}
			if want := strings.ReplaceAll(tt.confirm, " S", " "+s.ID) + "\n"; r.stdout != want {
				t.Errorf("stdout %q, want %q", r.stdout, want)
			}
		})
	}
}

// assertJSONEqual compares two JSON documents by value.
func assertJSONEqual(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("body %q is not JSON: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("body %s, want %s", got, want)
	}
}

// TestActionJSON checks the JSON result of each action.
func TestActionJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string // after the session id
		want map[string]any
	}{
		{[]string{"end", "--yes"}, map[string]any{"result": "ok", "action": "end"}},
		{[]string{"mute", "--everyone"}, map[string]any{"result": "ok", "action": "mute", "participants": "all"}},
		{[]string{"unmute", "--everyone", "--except", uuidA},
			map[string]any{"result": "ok", "action": "unmute", "participants": "all", "exclude": []any{uuidA}}},
		{[]string{"kick", "--participant", uuidB, "--yes"},
			map[string]any{"result": "ok", "action": "kick", "participants": []any{uuidB}}},
	}
	for _, tt := range tests {
		t.Run(tt.args[0], func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			s := seedMeeting(srv)
			r := runCLI(t, srv, append([]string{"-o", "json", tt.args[0], s.ID}, tt.args[1:]...)...)
			wantCode(t, r, exitOK)
			var got map[string]any
			decodeJSON(t, r.stdout, &got)
			tt.want["session_id"] = s.ID
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("JSON %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEnd(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	s := seedMeeting(srv)
	r := runCLI(t, srv, "end", s.ID, "--yes")
	wantCode(t, r, exitOK)
	if want := "ended session " + s.ID + "\n"; r.stdout != want {
		t.Errorf("stdout %q, want %q", r.stdout, want)
	}
	req := srv.Requests()[0]
	if req.Method != http.MethodPost || req.Path != "/v2/room_sessions/"+s.ID+"/actions/end" {
		t.Errorf("request %s %s", req.Method, req.Path)
	}
	after, _ := srv.Session(s.ID)
	if after.Active || after.EndedAt.IsZero() {
		t.Errorf("session not ended: %+v", after)
	}

	// Ending it again succeeds: the action converges.
	wantCode(t, runCLI(t, srv, "end", s.ID, "--yes"), exitOK)

	// Acting on an ended session is an API error, 422, reported plainly.
	r = runCLI(t, srv, "mute", s.ID, "--everyone")
	wantCode(t, r, exitError)
	for _, w := range []string{"roomsessions mute: session " + s.ID + " has ended (422 Unprocessable Entity", "10015", "request id"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr does not contain %q:\n%s", w, r.stderr)
		}
	}
}
