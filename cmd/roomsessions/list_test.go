package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// TestQueryFromFlags checks that each flag of list and participants becomes the right
// query parameter.
func TestQueryFromFlags(t *testing.T) {
	t.Parallel()
	const sid = uuidA
	tests := []struct {
		args []string
		want url.Values
	}{
		{[]string{"list"}, url.Values{}},
		{[]string{"list", "--room", uuidB}, url.Values{"filter[room_id]": {uuidB}}},
		{[]string{"list", "--active"}, url.Values{"filter[active]": {"true"}}},
		{[]string{"list", "--inactive"}, url.Values{"filter[active]": {"false"}}},
		{[]string{"list", "--active=false"}, url.Values{"filter[active]": {"false"}}},
		{[]string{"list", "--inactive=false"}, url.Values{"filter[active]": {"true"}}},
		{[]string{"list", "--active", "--inactive=false"}, url.Values{"filter[active]": {"true"}}},
		{[]string{"list", "--active=true"}, url.Values{"filter[active]": {"true"}}},
		{[]string{"-o", "json", "list", "--all"}, url.Values{"page[number]": {"1"}, "page[size]": {strconv.Itoa(telnyx.PageSizeMax)}}},
		{[]string{"list", "-o", "jsonl", "--all"}, url.Values{"page[number]": {"1"}, "page[size]": {strconv.Itoa(telnyx.PageSizeMax)}}},
		{[]string{"list", "--created-on", "2021-04-25"}, url.Values{"filter[date_created_at][eq]": {"2021-04-25"}}},
		{[]string{"list", "--created-after", "2021-04-25"}, url.Values{"filter[date_created_at][gte]": {"2021-04-25"}}},
		{[]string{"list", "--created-before", "2021-04-25"}, url.Values{"filter[date_created_at][lte]": {"2021-04-25"}}},
		{[]string{"list", "--updated-on", "2021-05-01"}, url.Values{"filter[date_updated_at][eq]": {"2021-05-01"}}},
		{[]string{"list", "--updated-after", "2021-05-01", "--updated-before", "2021-05-31"},
			url.Values{"filter[date_updated_at][gte]": {"2021-05-01"}, "filter[date_updated_at][lte]": {"2021-05-31"}}},
		{[]string{"list", "--ended-on", "2022-01-02"}, url.Values{"filter[date_ended_at][eq]": {"2022-01-02"}}},
		{[]string{"list", "--ended-after", "2022-01-02"}, url.Values{"filter[date_ended_at][gte]": {"2022-01-02"}}},
		{[]string{"list", "--ended-before", "2022-01-02"}, url.Values{"filter[date_ended_at][lte]": {"2022-01-02"}}},
		{[]string{"list", "--participants"}, url.Values{"include_participants": {"true"}}},
		{[]string{"list", "--page", "2", "--page-size", "5"}, url.Values{"page[number]": {"2"}, "page[size]": {"5"}}},
		{[]string{"list", "--page-size", "5"}, url.Values{"page[size]": {"5"}}},
		{[]string{"list", "--all"}, url.Values{"page[number]": {"1"}, "page[size]": {strconv.Itoa(telnyx.PageSizeMax)}}},
		{[]string{"list", "--all", "--page", "3", "--page-size", "7", "--inactive"},
			url.Values{"page[number]": {"3"}, "page[size]": {"7"}, "filter[active]": {"false"}}},
		{[]string{"get", sid}, url.Values{}},
		{[]string{"get", sid, "--participants"}, url.Values{"include_participants": {"true"}}},
		{[]string{"get", "--participants", sid}, url.Values{"include_participants": {"true"}}},
		{[]string{"participants", sid}, url.Values{}},
		{[]string{"participants", sid, "--context", "Bob"}, url.Values{"filter[context]": {"Bob"}}},
		{[]string{"participants", sid, "--joined-on", "2021-04-25"}, url.Values{"filter[date_joined_at][eq]": {"2021-04-25"}}},
		{[]string{"participants", sid, "--joined-after", "2021-04-25"}, url.Values{"filter[date_joined_at][gte]": {"2021-04-25"}}},
		{[]string{"participants", sid, "--left-before", "2021-04-25"}, url.Values{"filter[date_left_at][lte]": {"2021-04-25"}}},
		{[]string{"participants", sid, "--left-after", "2021-04-24", "--left-on", "2021-04-25"},
			url.Values{"filter[date_left_at][gte]": {"2021-04-24"}, "filter[date_left_at][eq]": {"2021-04-25"}}},
		{[]string{"participants", sid, "--updated-after", "2021-04-25"}, url.Values{"filter[date_updated_at][gte]": {"2021-04-25"}}},
		{[]string{"participants", sid, "--page", "4", "--page-size", "10"}, url.Values{"page[number]": {"4"}, "page[size]": {"10"}}},
		{[]string{"participants", sid, "--all", "--page-size", "10"}, url.Values{"page[number]": {"1"}, "page[size]": {"10"}}},
		{[]string{"participants", "--context=Alice", sid, "--", "-ignored-"}, nil}, // two positionals after --: usage error
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			srv.AddSession(telnyxtest.Session{ID: sid, Active: true})
			r := runCLI(t, srv, tt.args...)
			if tt.want == nil {
				wantCode(t, r, exitUsage)
				return
			}
			wantCode(t, r, exitOK)
			if got := lastQuery(t, srv); !equalValues(got, tt.want) {
				t.Errorf("query %v, want %v", got, tt.want)
			}
		})
	}
}

func equalValues(a, b url.Values) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// seedThree adds an active session with two participants (one left) and two ended
// ones, created on consecutive days from 2021-04-24, and returns them newest first.
func seedThree(t *testing.T, srv *telnyxtest.Server) []telnyxtest.Session {
	t.Helper()
	active := srv.AddSession(telnyxtest.Session{
		Active: true, CreatedAt: day(t, "2021-04-26", 9*time.Hour),
		Participants: []telnyxtest.Participant{
			{Context: "Alice"},
			{Context: "Bob", LeftAt: day(t, "2021-04-26", 10*time.Hour)},
		},
	})
	mid := srv.AddSession(telnyxtest.Session{CreatedAt: day(t, "2021-04-25", 9*time.Hour), EndedAt: day(t, "2021-04-25", 11*time.Hour)})
	old := srv.AddSession(telnyxtest.Session{CreatedAt: day(t, "2021-04-24", 9*time.Hour), EndedAt: day(t, "2021-04-24", 10*time.Hour)})
	return []telnyxtest.Session{active, mid, old}
}

func TestListTable(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	ss := seedThree(t, srv)
	r := runCLI(t, srv, "list")
	wantCode(t, r, exitOK)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines, want header, 3 rows and footer:\n%s", len(lines), r.stdout)
	}
	if got := strings.Fields(lines[0]); !slices.Equal(got, []string{"ID", "ROOM", "ACTIVE", "CREATED", "ENDED", "PARTICIPANTS"}) {
		t.Errorf("header %q", lines[0])
	}
	want := [][]string{
		{ss[0].ID, ss[0].RoomID, "yes", "2021-04-26T09:00:00Z", "-", "-"},
		{ss[1].ID, ss[1].RoomID, "no", "2021-04-25T09:00:00Z", "2021-04-25T11:00:00Z", "-"},
		{ss[2].ID, ss[2].RoomID, "no", "2021-04-24T09:00:00Z", "2021-04-24T10:00:00Z", "-"},
	}
	for i, w := range want {
		if got := strings.Fields(lines[i+1]); !slices.Equal(got, w) {
			t.Errorf("row %d = %q, want %q", i, got, w)
		}
	}
	if lines[4] != "page 1 of 1, 3 results" {
		t.Errorf("footer %q", lines[4])
	}

	r = runCLI(t, srv, "list", "--participants", "--active")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, ss[0].ID) || strings.Contains(r.stdout, ss[1].ID) {
		t.Errorf("--active shows the wrong sessions:\n%s", r.stdout)
	}
	row := strings.Fields(strings.Split(r.stdout, "\n")[1])
	if row[len(row)-1] != "2" {
		t.Errorf("PARTICIPANTS = %q, want 2", row[len(row)-1])
	}
	if !strings.HasSuffix(r.stdout, "page 1 of 1, 1 result\n") {
		t.Errorf("footer of one result:\n%s", r.stdout)
	}
}

func TestListEmpty(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	r := runCLI(t, srv, "list")
	wantCode(t, r, exitOK)
	if want := "ID" + strings.Repeat(" ", 36) + "ROOM" + strings.Repeat(" ", 34) + "ACTIVE  CREATED" + strings.Repeat(" ", 15) + "ENDED" + strings.Repeat(" ", 17) + "PARTICIPANTS\npage 1 of 0, 0 results\n"; r.stdout != want {
		t.Errorf("stdout %q, want %q", r.stdout, want)
	}
	r = runCLI(t, srv, "-o", "json", "list")
	wantCode(t, r, exitOK)
	var got struct {
		Data []any          `json:"data"`
		Meta map[string]int `json:"meta"`
	}
	decodeJSON(t, r.stdout, &got)
	if got.Data == nil || len(got.Data) != 0 || got.Meta["total_results"] != 0 {
		t.Errorf("JSON of an empty list: %s", r.stdout)
	}
	if !strings.Contains(r.stdout, `"data": []`) {
		t.Errorf("data is not an empty array: %s", r.stdout)
	}
}

func TestListJSON(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	ss := seedThree(t, srv)
	r := runCLI(t, srv, "-o", "json", "list", "--participants", "--page-size", "2")
	wantCode(t, r, exitOK)

	var raw struct {
		Data []map[string]any `json:"data"`
		Meta map[string]int   `json:"meta"`
	}
	decodeJSON(t, r.stdout, &raw)
	if want := map[string]int{"page_number": 1, "page_size": 2, "total_pages": 2, "total_results": 3}; fmt.Sprint(raw.Meta) != fmt.Sprint(want) {
		t.Errorf("meta %v, want %v", raw.Meta, want)
	}
	if len(raw.Data) != 2 {
		t.Fatalf("%d sessions, want 2", len(raw.Data))
	}
	first := raw.Data[0]
	for _, k := range []string{"id", "room_id", "active", "created_at", "updated_at", "participants"} {
		if _, ok := first[k]; !ok {
			t.Errorf("active session lacks %q: %v", k, first)
		}
	}
	if _, ok := first["ended_at"]; ok {
		t.Errorf("active session has ended_at: %v", first)
	}
	if _, ok := raw.Data[1]["ended_at"]; !ok {
		t.Errorf("ended session lacks ended_at: %v", raw.Data[1])
	}

	var typed struct {
		Data []telnyx.RoomSession `json:"data"`
	}
	decodeJSON(t, r.stdout, &typed)
	got := typed.Data[0]
	if got.ID != ss[0].ID || got.RoomID != ss[0].RoomID || !got.Active || !got.CreatedAt.Equal(ss[0].CreatedAt) {
		t.Errorf("session %+v, want %+v", got, ss[0])
	}
	if len(got.Participants) != 2 || got.Participants[0].Context != "Alice" || got.Participants[1].LeftAt.IsZero() ||
		got.Participants[0].SessionID != ss[0].ID || got.Participants[0].ID != ss[0].Participants[0].ID {
		t.Errorf("participants %+v", got.Participants)
	}
	if len(typed.Data[1].Participants) != 0 {
		t.Errorf("a session without participants has some:\n%s", r.stdout)
	}

	r = runCLI(t, srv, "-o", "json", "list")
	if strings.Contains(r.stdout, `"participants"`) {
		t.Errorf("participants appear without --participants:\n%s", r.stdout)
	}
}

// TestListAll checks that --all follows every page with the iterator, prints every
// session once, and shows no progress when stderr is not a terminal.
func TestListAll(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	var ids []string
	for i := range 7 {
		s := srv.AddSession(telnyxtest.Session{CreatedAt: day(t, "2021-04-01", time.Duration(i)*time.Hour)})
		ids = append(ids, s.ID)
	}
	slices.Reverse(ids) // newest first

	r := runCLI(t, srv, "list", "--all", "--page-size", "3")
	wantCode(t, r, exitOK)
	if r.stderr != "" {
		t.Errorf("stderr %q, want nothing", r.stderr)
	}
	var pages []string
	for _, req := range srv.Requests() {
		q, _ := url.ParseQuery(req.Query)
		pages = append(pages, q.Get("page[number]")+"/"+q.Get("page[size]"))
	}
	slices.Sort(pages) // pages after the first are fetched several at once
	slices.Sort(pages) // pages after the first are fetched ahead, in any order
	if want := []string{"1/3", "2/3", "3/3"}; !slices.Equal(pages, want) {
		t.Errorf("pages requested %v, want %v", pages, want)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 9 || lines[8] != "7 results" {
		t.Fatalf("want header, 7 rows and \"7 results\":\n%s", r.stdout)
	}
	for i, id := range ids {
		if !strings.HasPrefix(lines[i+1], id+" ") {
			t.Errorf("row %d = %q, want session %s", i, lines[i+1], id)
		}
	}

	r = runCLI(t, srv, "-o", "json", "list", "--all", "--page-size", "3")
	wantCode(t, r, exitOK)
	var got map[string][]telnyx.RoomSession
	decodeJSON(t, r.stdout, &got)
	if len(got) != 1 || len(got["data"]) != 7 {
		t.Errorf("--all JSON should be {\"data\":[7 sessions]} without meta:\n%s", r.stdout)
	}
}

// TestListAllError checks that an error on a later page leaves what was streamed
// (the first page, in JSON that does not parse, so nobody takes it for the whole),
// and exits 1 with the error.
func TestListAllError(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for range 3 {
		srv.AddSession(telnyxtest.Session{})
	}
	// The first fault lets page 1 through untouched; the second answers page 2.
	srv.Fail(telnyxtest.Fault{Method: "GET", Path: "/v2/room_sessions", Times: 1})
	srv.Fail(telnyxtest.Fault{Method: "GET", Path: "/v2/room_sessions", Status: 400,
		Body: `{"errors":[{"code":"10015","title":"Bad request","detail":"page two is cursed"}]}`})
	r := runCLI(t, srv, "--max-retries", "0", "-o", "json", "list", "--all", "--page-size", "2")
	wantCode(t, r, exitError)
	if strings.Count(r.stdout, `"id"`) != 2 || json.Valid([]byte(r.stdout)) {
		t.Errorf("stdout %q, want the two sessions of page 1 in an unfinished document", r.stdout)
	}
	if !strings.Contains(r.stderr, "10015 Bad request: page two is cursed") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
}

func TestGet(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	ss := seedThree(t, srv)
	s := ss[0]

	r := runCLI(t, srv, "get", s.ID)
	wantCode(t, r, exitOK)
	for _, w := range []string{"ID:", s.ID, "ROOM:", s.RoomID, "ACTIVE:        yes", "CREATED:       2021-04-26T09:00:00Z", "ENDED:         -"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("stdout does not contain %q:\n%s", w, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "PARTICIPANTS") {
		t.Errorf("participants shown without --participants:\n%s", r.stdout)
	}

	r = runCLI(t, srv, "get", strings.ToUpper(s.ID), "--participants")
	wantCode(t, r, exitOK)
	for _, w := range []string{"PARTICIPANTS:  2", "CONTEXT", s.Participants[0].ID, "Alice", "Bob", "2021-04-26T10:00:00Z"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("stdout does not contain %q:\n%s", w, r.stdout)
		}
	}

	r = runCLI(t, srv, "-o", "json", "get", s.ID, "--participants")
	wantCode(t, r, exitOK)
	var got struct {
		Data telnyx.RoomSession `json:"data"`
	}
	decodeJSON(t, r.stdout, &got)
	if got.Data.ID != s.ID || len(got.Data.Participants) != 2 || got.Data.Participants[1].Context != "Bob" {
		t.Errorf("get JSON %+v", got.Data)
	}
	var raw map[string]map[string]any
	decodeJSON(t, r.stdout, &raw)
	if _, ok := raw["data"]["ended_at"]; ok {
		t.Errorf("absent ended_at is not omitted: %s", r.stdout)
	}
}

func TestParticipants(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	var ps []telnyxtest.Participant
	for i := range 5 {
		ps = append(ps, telnyxtest.Participant{Context: fmt.Sprintf("guest %d", i), JoinedAt: day(t, "2021-04-25", time.Duration(i)*time.Minute)})
	}
	ps[4].LeftAt = day(t, "2021-04-25", time.Hour)
	s := srv.AddSession(telnyxtest.Session{Active: true, CreatedAt: day(t, "2021-04-25", 0), Participants: ps})

	r := runCLI(t, srv, "participants", s.ID, "--page-size", "2", "--page", "3")
	wantCode(t, r, exitOK)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("want header, one row and footer:\n%s", r.stdout)
	}
	if got := strings.Fields(lines[0]); !slices.Equal(got, []string{"ID", "CONTEXT", "JOINED", "UPDATED", "LEFT"}) {
		t.Errorf("header %q", lines[0])
	}
	want := []string{s.Participants[4].ID, "guest", "4", "2021-04-25T00:04:00Z", "2021-04-25T01:00:00Z", "2021-04-25T01:00:00Z"}
	if got := strings.Fields(lines[1]); !slices.Equal(got, want) {
		t.Errorf("row %q, want %q", got, want)
	}
	if lines[2] != "page 3 of 3, 5 results" {
		t.Errorf("footer %q", lines[2])
	}

	r = runCLI(t, srv, "-o", "json", "participants", s.ID, "--context", "guest 1")
	wantCode(t, r, exitOK)
	var got struct {
		Data []telnyx.RoomParticipant `json:"data"`
		Meta metaJSON                 `json:"meta"`
	}
	decodeJSON(t, r.stdout, &got)
	if len(got.Data) != 1 || got.Data[0].ID != s.Participants[1].ID || got.Data[0].SessionID != s.ID || got.Meta.TotalResults != 1 {
		t.Errorf("JSON %s", r.stdout)
	}
	if strings.Contains(r.stdout, "left_at") {
		t.Errorf("absent left_at is not omitted: %s", r.stdout)
	}

	r = runCLI(t, srv, "-o", "json", "participants", s.ID, "--all", "--page-size", "2")
	wantCode(t, r, exitOK)
	var all map[string][]telnyx.RoomParticipant
	decodeJSON(t, r.stdout, &all)
	if len(all) != 1 || len(all["data"]) != 5 {
		t.Errorf("--all JSON: %s", r.stdout)
	}
	if n := len(srv.Requests()); n != 2+3 {
		t.Errorf("%d requests, want 2 single pages and 3 for --all", n)
	}
}
