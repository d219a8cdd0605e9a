// Package snippets_test holds every Go snippet of README.md, compiled and run against
// the fake, and a test that keeps the README's copies identical to these.
package snippets_test

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// TestREADMESnippetsAreTested checks that every ```go block of README.md appears, as is or
// indented by one tab inside a function, in this file, in the examples' programs, or in
// redislimit/example_test.go (its own module compiles that one).
func TestREADMESnippetsAreTested(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var sources strings.Builder
	for _, f := range []string{"readme_test.go", "../quickstart/main.go", "../moderate/main.go", "../mutebot/main.go", "../mutebot/main_test.go", "../../redislimit/example_test.go"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sources.Write(b)
	}
	blocks := strings.Split(string(readme), "```go\n")[1:]
	if len(blocks) < 5 {
		t.Fatalf("found %d Go snippets in README.md, want at least 5", len(blocks))
	}
	for _, block := range blocks {
		code, _, ok := strings.Cut(block, "```")
		if !ok {
			t.Fatalf("unterminated snippet: %.80s", block)
		}
		if strings.Contains(sources.String(), code) || strings.Contains(sources.String(), indent(code)) {
			continue
		}
		t.Errorf("README.md snippet is not in examples/snippets/readme_test.go, examples/quickstart/main.go or examples/moderate/main.go:\n%s", code)
	}
}

// TestEverySnippetIsInTheREADME is the reverse check: the first line of every function
// here documented as a README snippet appears in README.md, so a section lost in an edit
// fails instead of leaving its snippet tested but unseen.
func TestEverySnippetIsInTheREADME(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "readme_test.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("readme_test.go")
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, d := range file.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Doc == nil || !strings.Contains(fn.Doc.Text(), "README's") || len(fn.Body.List) == 0 {
			continue
		}
		found++
		first := fn.Body.List[0]
		line := string(src[fset.Position(first.Pos()).Offset:])
		line, _, _ = strings.Cut(line, "\n")
		if !strings.Contains(string(readme), line) {
			t.Errorf("%s is documented as a README snippet, but README.md does not show its first line:\n%s", fn.Name.Name, line)
		}
	}
	if found < 5 {
		t.Errorf("found %d functions documented as README snippets, want at least 5", found)
	}
}

// indent prefixes every non-empty line with a tab, as gofmt writes a function body.
func indent(code string) string {
	lines := strings.Split(code, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "\t" + l
		}
	}
	return strings.Join(lines, "\n")
}

// fixture is a fake with one active session of three participants.
func fixture(t *testing.T) (srv *telnyxtest.Server, client *telnyx.Client, sessionID, roomID string, ids []string) {
	t.Helper()
	srv = telnyxtest.NewServer()
	t.Cleanup(srv.Close)
	s := srv.AddSession(telnyxtest.Session{Active: true, Participants: []telnyxtest.Participant{{Context: "host"}, {Context: "Alice"}, {Context: "Bob"}}})
	for _, p := range s.Participants {
		ids = append(ids, p.ID)
	}
	return srv, srv.Client(), s.ID, s.RoomID, ids
}

func TestOperationsSnippet(t *testing.T) {
	srv, client, sessionID, roomID, ids := fixture(t)
	ctx := t.Context()
	hostID, id1, id2 := ids[0], ids[1], ids[2]
	from, to := time.Now().AddDate(0, 0, -1), time.Now().AddDate(0, 0, 1)
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	page, err := client.RoomSessions.List(ctx, &telnyx.ListRoomSessionsParams{
		RoomID:    roomID,
		Active:    telnyx.Bool(true),
		CreatedAt: telnyx.DateFilter{Gte: telnyx.DateOf(from), Lte: telnyx.DateOf(to)}, // UTC dates, as the API compares
		PageSize:  50,
	})
	check(err)
	s, err := client.RoomSessions.Get(ctx, sessionID, &telnyx.GetRoomSessionParams{IncludeParticipants: true})
	check(err)
	ps, err := client.RoomSessions.Participants(ctx, sessionID, &telnyx.ListParticipantsParams{Context: "Alice"})
	check(err)
	check(client.RoomSessions.Mute(ctx, sessionID, telnyx.AllParticipants().Except(hostID)))
	check(client.RoomSessions.Unmute(ctx, sessionID, telnyx.Participants(id1)))
	check(client.RoomSessions.Kick(ctx, sessionID, telnyx.Participants(id1, id2)))
	check(client.RoomSessions.End(ctx, sessionID))

	if len(page.Items) != 1 || len(s.Participants) != 3 || len(ps.Items) != 1 || ps.Items[0].ID != id1 {
		t.Errorf("page %+v, session %+v, participants %+v", page, s, ps)
	}
	got, ok := srv.Session(sessionID)
	if !ok || got.Active || !got.Participants[0].LeftAt.After(got.Participants[0].JoinedAt) || got.Participants[2].Muted != true {
		t.Errorf("after the actions: %+v", got)
	}
}

func TestDatesSnippet(t *testing.T) {
	srv, client, sessionID, _, _ := fixture(t)
	ctx := t.Context()
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	old := srv.AddSession(telnyxtest.Session{CreatedAt: time.Now().AddDate(0, 0, -30)})
	ended := srv.AddSession(telnyxtest.Session{CreatedAt: time.Date(2026, 3, 1, 22, 0, 0, 0, time.UTC), EndedAt: time.Date(2026, 3, 2, 23, 30, 0, 0, time.UTC)})

	weekAgo := telnyx.DateOf(time.Now().AddDate(0, 0, -7)) // the UTC date of an instant
	day, err := telnyx.ParseDate("2026-03-02")             // YYYY-MM-DD
	check(err)
	recent, err := client.RoomSessions.List(ctx, &telnyx.ListRoomSessionsParams{
		CreatedAt: telnyx.DateFilter{Gte: weekAgo}, // every session of the last seven days
	})
	check(err)
	endedThatDay, err := client.RoomSessions.List(ctx, &telnyx.ListRoomSessionsParams{
		EndedAt: telnyx.DateFilter{Eq: day},
	})
	check(err)

	if len(recent.Items) != 1 || recent.Items[0].ID != sessionID {
		t.Errorf("recent = %+v, want only %s (not %s)", recent.Items, sessionID, old.ID)
	}
	if len(endedThatDay.Items) != 1 || endedThatDay.Items[0].ID != ended.ID {
		t.Errorf("ended on %v = %+v, want %s", day, endedThatDay.Items, ended.ID)
	}
}

// muteIfLive is the README's ended-session snippet, as a function.
func muteIfLive(ctx context.Context, client *telnyx.Client, sessionID string) error {
	err := client.RoomSessions.Mute(ctx, sessionID, telnyx.AllParticipants())
	switch {
	case errors.Is(err, telnyx.ErrSessionEnded): // it ended after it was listed: a routine race
		return nil
	case err != nil:
		return err
	}
	return nil
}

func TestEndedSessionSnippet(t *testing.T) {
	srv, client, sessionID, _, _ := fixture(t)
	if err := muteIfLive(t.Context(), client, sessionID); err != nil {
		t.Fatal(err)
	}
	if s, _ := srv.Session(sessionID); !s.Participants[0].Muted {
		t.Error("a live session was not muted")
	}
	if err := client.RoomSessions.End(t.Context(), sessionID); err != nil {
		t.Fatal(err)
	}
	if err := muteIfLive(t.Context(), client, sessionID); err != nil {
		t.Errorf("an ended session: %v, want nil", err)
	}
	if err := muteIfLive(t.Context(), client, "5e5e5e5e-0000-4000-8000-000000000000"); !errors.Is(err, telnyx.ErrNotFound) {
		t.Errorf("an unknown session: %v, want ErrNotFound", err)
	}
}

// endActiveSessions is the README's "collect, then act" snippet, as a function.
func endActiveSessions(ctx context.Context, client *telnyx.Client, roomID string) (int, error) {
	active, err := telnyx.Collect(client.RoomSessions.All(ctx, &telnyx.ListRoomSessionsParams{
		RoomID: roomID,
		Active: telnyx.Bool(true),
	}))
	if err != nil {
		return 0, err
	}
	for _, s := range active { // the listing is complete before anything changes
		if err := client.RoomSessions.End(ctx, s.ID); err != nil {
			return 0, err
		}
	}
	return len(active), nil
}

func TestCollectThenActSnippet(t *testing.T) {
	srv, client, _, roomID, _ := fixture(t)
	for range 300 { // more than one page of 250
		srv.AddSession(telnyxtest.Session{RoomID: roomID, Active: true})
	}
	n, err := endActiveSessions(t.Context(), client, roomID)
	if err != nil || n != 301 {
		t.Fatalf("ended %d, %v; want 301", n, err)
	}
	for _, s := range srv.Sessions() {
		if s.Active {
			t.Fatalf("session %s is still active", s.ID)
		}
	}
}

// describe is the README's error snippet, as a function.
func describe(err error) string {
	var apiErr *telnyx.Error
	switch {
	case errors.Is(err, telnyx.ErrNotFound): // also ErrUnauthorized, ErrForbidden, ErrRateLimited, ErrInvalidRequest, ErrServer
		return "no such session"
	case errors.As(err, &apiErr):
		return fmt.Sprintf("telnyx said %d %s (request %s)", apiErr.StatusCode, apiErr.Code(), apiErr.RequestID)
	case errors.Is(err, context.DeadlineExceeded): // failures without an answer wrap their cause
		return "timed out"
	case errors.Is(err, telnyx.ErrTransport): // no answer: connection, DNS, TLS, a body cut off...
		return "no answer from the API"
	}
	return "ok"
}

func TestErrorsSnippet(t *testing.T) {
	srv, client, sessionID, _, _ := fixture(t)
	_, notFound := client.RoomSessions.Get(t.Context(), "5e5e5e5e-0000-4000-8000-000000000000", nil)
	srv.Fail(telnyxtest.Fault{Status: 500})
	_, serverErr := srv.Client(telnyx.WithMaxRetries(0)).RoomSessions.Get(t.Context(), sessionID, nil)
	ctx, cancel := context.WithTimeout(t.Context(), -time.Second)
	defer cancel()
	_, timeout := client.RoomSessions.Get(ctx, sessionID, nil)

	if got := describe(notFound); got != "no such session" {
		t.Errorf("404: %q", got)
	}
	if got := describe(serverErr); !strings.HasPrefix(got, "telnyx said 500 10007 (request ") {
		t.Errorf("500: %q", got)
	}
	if got := describe(timeout); got != "timed out" {
		t.Errorf("deadline: %q (%v)", got, timeout)
	}
	cutSrv, _, cutID, _, _ := fixture(t)
	cutSrv.Fail(telnyxtest.Fault{Cut: telnyxtest.CutBeforeResponse})
	_, cut := cutSrv.Client(telnyx.WithMaxRetries(0)).RoomSessions.Get(t.Context(), cutID, nil)
	if got := describe(cut); got != "no answer from the API" {
		t.Errorf("connection cut: %q (%v)", got, cut)
	}
}

// printAll is the README's pagination snippet, as a function.
func printAll(ctx context.Context, client *telnyx.Client) error {
	for s, err := range client.RoomSessions.All(ctx, nil) {
		if err != nil {
			return err // yielded once; the loop then ends
		}
		fmt.Println(s.ID)
	}
	return nil
}

func TestPaginationSnippet(t *testing.T) {
	srv, client, _, _, _ := fixture(t)
	for range 3 {
		srv.AddSession(telnyxtest.Session{})
	}
	if err := printAll(t.Context(), client); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if want := fmt.Sprintf("page[number]=1&page[size]=%d", telnyx.PageSizeMax); len(reqs) != 1 || reqs[0].Query != want {
		t.Errorf("requests %+v, want one for page 1 of %d", reqs, telnyx.PageSizeMax)
	}
}

// muteAudience is the code under test in the README's telnyxtest snippet.
func muteAudience(ctx context.Context, client *telnyx.Client, sessionID string) error {
	s, err := client.RoomSessions.Get(ctx, sessionID, &telnyx.GetRoomSessionParams{IncludeParticipants: true})
	if err != nil {
		return err
	}
	return client.RoomSessions.Mute(ctx, sessionID, telnyx.AllParticipants().Except(s.Participants[0].ID))
}

func TestModeratorMutesTheAudience(t *testing.T) {
	srv := telnyxtest.NewServer()
	defer srv.Close()
	s := srv.AddSession(telnyxtest.Session{Active: true, Participants: []telnyxtest.Participant{
		{Context: "host"}, {Context: "guest"},
	}})

	err := muteAudience(t.Context(), srv.Client(), s.ID) // your code, given a *telnyx.Client

	got, _ := srv.Session(s.ID)
	if err != nil || got.Participants[0].Muted || !got.Participants[1].Muted {
		t.Fatalf("err %v, participants %+v", err, got.Participants)
	}
}

// getWithInfo is the README's snippet reading what the API said on success.
func getWithInfo(ctx context.Context, w io.Writer, client *telnyx.Client, sessionID string) error {
	var info telnyx.ResponseInfo
	s, err := client.RoomSessions.Get(ctx, sessionID, nil, telnyx.WithResponseInto(&info))
	if err != nil {
		return err
	}
	// info.StatusCode, info.RequestID, info.Attempts, info.RateLimit (Limit, Remaining,
	// Reset; nil without x-ratelimit-* headers), info.Header
	fmt.Fprintf(w, "session %s: status %d, request %s, %d attempt(s)\n", s.ID, info.StatusCode, info.RequestID, info.Attempts)
	return nil
}

func TestResponseInfoSnippet(t *testing.T) {
	srv, client, sessionID, _, _ := fixture(t)
	srv.Fail(telnyxtest.Fault{Status: 503, Times: 1})
	var out strings.Builder
	if err := getWithInfo(t.Context(), &out, client, sessionID); err != nil {
		t.Fatal(err)
	}
	want := "session " + sessionID + ": status 200, request "
	if got := out.String(); !strings.HasPrefix(got, want) || !strings.HasSuffix(got, ", 2 attempt(s)\n") || strings.Contains(got, "request ,") {
		t.Errorf("printed %q, want %q..., 2 attempt(s) with a request id", got, want)
	}
}

// muteThenUnmuteInOrder is the README's snippet of options per call, as a function.
func muteThenUnmuteInOrder(ctx context.Context, client *telnyx.Client, sessionID, speakerID string) error {
	// Opposite actions in quick succession, applied in order: no retries for these two.
	if err := client.RoomSessions.Mute(ctx, sessionID, telnyx.AllParticipants(), telnyx.WithMaxRetries(0)); err != nil {
		return err
	}
	if err := client.RoomSessions.Unmute(ctx, sessionID, telnyx.Participants(speakerID), telnyx.WithMaxRetries(0)); err != nil {
		return err
	}
	return nil
}

func TestOptionsPerCallSnippet(t *testing.T) {
	srv, client, sessionID, _, ids := fixture(t)
	if err := muteThenUnmuteInOrder(t.Context(), client, sessionID, ids[0]); err != nil {
		t.Fatal(err)
	}
	s, _ := srv.Session(sessionID)
	if s.Participants[0].Muted || !s.Participants[1].Muted || !s.Participants[2].Muted {
		t.Errorf("participants %+v; want all muted but the speaker", s.Participants)
	}
	// With WithMaxRetries(0) on the call, one 503 is the call's answer.
	srv.Fail(telnyxtest.Fault{Status: 503, Times: 1})
	if err := muteThenUnmuteInOrder(t.Context(), client, sessionID, ids[0]); !errors.Is(err, telnyx.ErrServer) {
		t.Errorf("with one 503: %v, want it, not retried", err)
	}
}
