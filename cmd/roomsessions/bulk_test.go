package main

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// runTerminal runs the program as if stdin were a terminal holding input.
func runTerminal(t *testing.T, srv *telnyxtest.Server, input string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	a := newApp(serverEnv(srv), strings.NewReader(input), &stdout, &stderr)
	a.stdinTerminal = true
	code := a.run(t.Context(), args)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// lastPost returns the last POST request srv received.
func lastPost(srv *telnyxtest.Server) telnyxtest.Request {
	var last telnyxtest.Request
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPost {
			last = r
		}
	}
	return last
}

// posts returns the paths of the POST requests srv received.
func posts(srv *telnyxtest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPost {
			out = append(out, r.Path)
		}
	}
	return out
}

// TestEndMatching checks end over a filter: it ends every active session that
// matches, and only those, after collecting them all (260 sessions span two pages of
// 250: ending while paging would skip some).
func TestEndMatching(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	room := "a0000000-0000-4000-8000-0000000000aa"
	var want []string
	for range 260 {
		want = append(want, srv.AddSession(telnyxtest.Session{RoomID: room, Active: true}).ID)
	}
	other := srv.AddSession(telnyxtest.Session{Active: true})
	ended := srv.AddSession(telnyxtest.Session{RoomID: room})

	r := runCLI(t, srv, "end", "--room", room, "--yes")
	wantCode(t, r, exitOK)
	if n := strings.Count(r.stdout, "ended session "); n != 260 || strings.Count(r.stdout, "\n") != 260 {
		t.Errorf("%d sessions reported ended in %d lines, want 260 in 260:\n%s", n, strings.Count(r.stdout, "\n"), r.stdout)
	}
	for _, id := range want {
		if s, _ := srv.Session(id); s.Active {
			t.Fatalf("session %s is still active", id)
		}
	}
	if s, _ := srv.Session(other.ID); !s.Active {
		t.Error("a session of another room was ended")
	}
	for _, p := range posts(srv) {
		if strings.Contains(p, ended.ID) {
			t.Error("an ended session was ended again")
		}
	}
	// Every GET came before the first POST: collect, then act.
	reqs := srv.Requests()
	first := slices.IndexFunc(reqs, func(r telnyxtest.Request) bool { return r.Method == http.MethodPost })
	if i := slices.IndexFunc(reqs[first:], func(r telnyxtest.Request) bool { return r.Method == http.MethodGet }); i >= 0 {
		t.Errorf("a GET after the first POST: %s %s", reqs[first+i].Method, reqs[first+i].Path)
	}
}

// TestEndListingFailsMidway checks that a bulk end whose listing fails after page 1
// announced more (page 2 answered {"data":[]} or {}, a 2xx that cannot be the answer)
// exits 1 with the error and ends nothing: a partial listing is never acted on.
func TestEndListingFailsMidway(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{"data":[]}`, `{}`} {
		t.Run(body, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			room := "a0000000-0000-4000-8000-0000000000aa"
			for range telnyx.PageSizeMax + 10 {
				srv.AddSession(telnyxtest.Session{RoomID: room, Active: true})
			}
			srv.Fail(telnyxtest.Fault{Method: http.MethodGet, Path: "/room_sessions",
				Query: map[string]string{"page[number]": "2"}, Status: http.StatusOK, Body: body})
			r := runCLI(t, srv, "--max-retries", "0", "end", "--room", room, "--active", "--yes")
			wantCode(t, r, exitError)
			if !strings.Contains(r.stderr, "roomsessions end: telnyx: GET /room_sessions: malformed response: required property") {
				t.Errorf("stderr does not give the listing's error:\n%s", r.stderr)
			}
			if p := posts(srv); len(p) != 0 {
				t.Errorf("%d sessions ended after the listing failed (first %s)", len(p), p[0])
			}
			if strings.Contains(r.stdout, "ended session ") {
				t.Errorf("stdout reports ended sessions:\n%s", r.stdout)
			}
		})
	}
}

// TestEndConfirmation checks --dry-run, the question on a terminal, and the refusal
// without one.
func TestEndConfirmation(t *testing.T) {
	t.Parallel()
	seed := func(t *testing.T) (*telnyxtest.Server, []string) {
		srv := newServer(t)
		var ids []string
		for range 3 {
			ids = append(ids, srv.AddSession(telnyxtest.Session{Active: true}).ID)
		}
		srv.AddSession(telnyxtest.Session{})
		return srv, ids
	}

	t.Run("dry run", func(t *testing.T) {
		t.Parallel()
		srv, ids := seed(t)
		r := runCLI(t, srv, "end", "--active", "--dry-run")
		wantCode(t, r, exitOK)
		for _, id := range ids {
			if !strings.Contains(r.stdout, id) {
				t.Errorf("the dry run does not list %s:\n%s", id, r.stdout)
			}
		}
		if !strings.Contains(r.stderr, "dry run: would end 3 sessions; nothing was ended") {
			t.Errorf("stderr:\n%s", r.stderr)
		}
		if p := posts(srv); len(p) != 0 {
			t.Errorf("the dry run sent %v", p)
		}
		r = runCLI(t, srv, "-o", "jsonl", "end", ids[0], "--dry-run")
		wantCode(t, r, exitOK)
		if want := `{"result":"would do","action":"end","session_id":"` + ids[0] + `"}` + "\n"; r.stdout != want {
			t.Errorf("dry run of one: %q, want %q", r.stdout, want)
		}
	})

	t.Run("no terminal", func(t *testing.T) {
		t.Parallel()
		srv, _ := seed(t)
		r := runCLI(t, srv, "end", "--active")
		wantCode(t, r, exitUsage)
		if !strings.Contains(r.stderr, "refusing to end 3 sessions without confirmation: stdin is not a terminal; pass --yes") {
			t.Errorf("stderr:\n%s", r.stderr)
		}
		if p := posts(srv); len(p) != 0 {
			t.Errorf("sent %v without confirmation", p)
		}
	})

	for _, answer := range []string{"n\n", "\n", "", "yes please\n"} {
		t.Run("declined "+strings.TrimSpace(answer), func(t *testing.T) {
			t.Parallel()
			srv, ids := seed(t)
			r := runTerminal(t, srv, answer, "end", "--active")
			wantCode(t, r, exitError)
			if !strings.Contains(r.stderr, "End 3 sessions? [y/N] ") || !strings.Contains(r.stderr, ids[0]) {
				t.Errorf("no question with the sessions:\n%s", r.stderr)
			}
			if !strings.Contains(r.stderr, "not confirmed; nothing was done") {
				t.Errorf("stderr:\n%s", r.stderr)
			}
			if p := posts(srv); len(p) != 0 {
				t.Errorf("sent %v although declined", p)
			}
		})
	}

	for _, answer := range []string{"y\n", "YES\n"} {
		t.Run("confirmed "+strings.TrimSpace(answer), func(t *testing.T) {
			t.Parallel()
			srv, _ := seed(t)
			r := runTerminal(t, srv, answer, "end", "--active")
			wantCode(t, r, exitOK)
			if p := posts(srv); len(p) != 3 {
				t.Errorf("sent %v, want 3 ends", p)
			}
		})
	}
}

// TestEndRace checks that a session that ended between the listing and the action
// (the API answers 422) is reported plainly and the others are still ended.
func TestEndRace(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	a := srv.AddSession(telnyxtest.Session{Active: true})
	b := srv.AddSession(telnyxtest.Session{Active: true})
	srv.Fail(telnyxtest.Fault{Method: http.MethodPost, Path: "/v2/room_sessions/" + a.ID + "/actions/end", Status: http.StatusUnprocessableEntity})

	r := runCLI(t, srv, "end", "--active", "--yes")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "session "+a.ID+" had already ended\n") || !strings.Contains(r.stdout, "ended session "+b.ID+"\n") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	r = runCLI(t, srv, "-o", "jsonl", "end", a.ID, "--yes")
	wantCode(t, r, exitOK)
	if want := `{"result":"already ended","action":"end","session_id":"` + a.ID + `"}` + "\n"; r.stdout != want {
		t.Errorf("stdout %q, want %q", r.stdout, want)
	}

	// Another error stops at once and says how far it got.
	srv = newServer(t)
	srv.AddSession(telnyxtest.Session{Active: true})
	srv.Fail(telnyxtest.Fault{Method: http.MethodPost, Status: http.StatusForbidden})
	r = runCLI(t, srv, "end", "--active", "--yes")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "ended 0 of 1 session, then session ") || !strings.Contains(r.stderr, "403") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
}

// TestKickDryRunAndConfirmation checks kick's --dry-run and its question on a terminal.
func TestKickDryRunAndConfirmation(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	s := srv.AddSession(telnyxtest.Session{Active: true, Participants: []telnyxtest.Participant{
		{ID: uuidA, Context: "A"}, {ID: uuidB, Context: "B"}, {ID: uuidC, Context: "C", LeftAt: srv.Now()},
	}})

	r := runCLI(t, srv, "-o", "jsonl", "kick", s.ID, "--everyone", "--except", strings.ToUpper(uuidB), "--dry-run")
	wantCode(t, r, exitOK)
	if lines := strings.Split(strings.TrimSpace(r.stdout), "\n"); len(lines) != 1 || !strings.Contains(lines[0], uuidA) {
		t.Errorf("the dry run should list A only (B excepted, C gone):\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "dry run: would kick 1 participant; nothing was done") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	r = runCLI(t, srv, "mute", s.ID, "--participant", uuidC, "--dry-run")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "not in session "+s.ID+": participant "+uuidC+" (C, left at ") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	if p := posts(srv); len(p) != 0 {
		t.Errorf("the dry runs sent %v", p)
	}

	r = runTerminal(t, srv, "n\n", "kick", s.ID, "--participant", uuidA)
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "Kick 1 participant from session "+s.ID+"? [y/N] ") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	if p := posts(srv); len(p) != 0 {
		t.Errorf("sent %v although declined", p)
	}
	r = runTerminal(t, srv, "y\n", "kick", s.ID, "--participant", uuidA)
	wantCode(t, r, exitOK)
	r = runTerminal(t, srv, "", "kick", s.ID, "--participant", uuidB, "--yes")
	wantCode(t, r, exitOK)
	if strings.Contains(r.stderr, "[y/N]") {
		t.Errorf("--yes still asked:\n%s", r.stderr)
	}
	if p := posts(srv); len(p) != 2 {
		t.Errorf("sent %v, want two kicks", p)
	}
}
