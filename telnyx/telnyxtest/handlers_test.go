package telnyxtest_test

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// seedSessions stores six sessions with known times (see the comments) and returns the
// server.
func seedSessions(t *testing.T) *telnyxtest.Server {
	t.Helper()
	srv := newServer(t)
	r1, r2 := id('1'), id('2')
	plus5 := time.FixedZone("+05:00", 5*3600)
	for _, s := range []telnyxtest.Session{
		// created 04-10 23:59:59.999999, updated 04-11, active
		{ID: id('a'), RoomID: r1, Active: true, CreatedAt: time.Date(2021, 4, 10, 23, 59, 59, 999999000, time.UTC), UpdatedAt: at(11, 5, 0)},
		// created 04-11 00:00, ended and updated 04-12
		{ID: id('b'), RoomID: r1, CreatedAt: at(11, 0, 0), EndedAt: at(12, 10, 0)},
		// created and updated 04-12 12:00, active
		{ID: id('c'), RoomID: r2, Active: true, CreatedAt: at(12, 12, 0)},
		// created 04-12 08:00, ended 04-14, updated 04-15
		{ID: id('d'), RoomID: r2, CreatedAt: at(12, 8, 0), EndedAt: at(14, 1, 0), UpdatedAt: at(15, 0, 0)},
		// created at the same instant as c, with a smaller id
		{ID: id('5'), RoomID: r1, Active: true, CreatedAt: at(12, 12, 0)},
		// created 04-11 01:00 at +05:00, which is 04-10 in UTC
		{ID: id('f'), RoomID: r2, Active: true, CreatedAt: time.Date(2021, 4, 11, 1, 0, 0, 0, plus5)},
	} {
		srv.AddSession(s)
	}
	return srv
}

func TestListSessionsFilters(t *testing.T) {
	t.Parallel()
	srv := seedSessions(t)
	a, b, c, d, e, f := id('a'), id('b'), id('c'), id('d'), id('5'), id('f')
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{e, c, d, b, a, f}},
		{"filter[room_id]=" + id('1'), []string{e, b, a}},
		{"filter[room_id]=22222222-2222-2222-2222-22222222222F", nil},
		{"filter[room_id]=" + id('2'), []string{c, d, f}},
		{"filter[active]=true", []string{e, c, a, f}},
		{"filter[active]=false", []string{d, b}},
		{"filter[date_created_at][eq]=2021-04-10", []string{a, f}},
		{"filter[date_created_at][eq]=2021-04-11", []string{b}},
		{"filter[date_created_at][eq]=2021-04-12", []string{e, c, d}},
		{"filter[date_created_at][gte]=2021-04-12", []string{e, c, d}},
		{"filter[date_created_at][gte]=2021-04-11", []string{e, c, d, b}},
		{"filter[date_created_at][lte]=2021-04-10", []string{a, f}},
		{"filter[date_created_at][lte]=2021-04-11", []string{b, a, f}},
		{"filter[date_created_at][gte]=2021-04-11&filter[date_created_at][lte]=2021-04-11", []string{b}},
		{"filter[date_created_at][gte]=2021-04-12&filter[date_created_at][lte]=2021-04-11", nil},
		{"filter[date_created_at][eq]=2020-01-01", nil},
		{"filter[date_updated_at][eq]=2021-04-12", []string{e, c, b}},
		{"filter[date_updated_at][gte]=2021-04-13", []string{d}},
		{"filter[date_updated_at][lte]=2021-04-10", []string{f}},
		{"filter[date_ended_at][eq]=2021-04-12", []string{b}},
		{"filter[date_ended_at][gte]=2021-04-13", []string{d}},
		{"filter[date_ended_at][lte]=2021-04-30", []string{d, b}},
		{"filter[date_ended_at][eq]=2021-04-10", nil},
		{"filter[room_id]=" + id('2') + "&filter[active]=false", []string{d}},
		{"filter[room_id]=" + id('1') + "&filter[active]=true&filter[date_created_at][gte]=2021-04-11", []string{e}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			got := decode[wList[wSession]](t, call(t, srv, "GET", "/room_sessions?page[size]=250&"+tt.query, ""))
			want := tt.want
			if want == nil {
				want = []string{}
			}
			equal(t, "ids", sessionIDs(got.Data), want)
			equal(t, "total_results", got.Meta.TotalResults, len(tt.want))
		})
	}
}

// seedParticipants stores an active session with four participants of known times.
func seedParticipants(t *testing.T) (*telnyxtest.Server, string) {
	t.Helper()
	srv := newServer(t)
	s := srv.AddSession(telnyxtest.Session{
		Active: true, CreatedAt: at(10, 9, 0),
		Participants: []telnyxtest.Participant{
			{ID: id('6'), Context: "Alice", JoinedAt: at(10, 10, 0)},
			{ID: id('7'), Context: "Bob", JoinedAt: at(10, 23, 0), LeftAt: at(11, 1, 0)},
			{ID: id('8'), Context: "Alice", JoinedAt: at(11, 9, 0), LeftAt: at(12, 0, 0)},
			{ID: id('9'), JoinedAt: at(12, 3, 0), UpdatedAt: at(13, 0, 0)},
		},
	})
	return srv, s.ID
}

func TestListParticipantsFilters(t *testing.T) {
	t.Parallel()
	srv, sid := seedParticipants(t)
	p1, p2, p3, p4 := id('6'), id('7'), id('8'), id('9')
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{p1, p2, p3, p4}},
		{"filter[context]=Alice", []string{p1, p3}},
		{"filter[context]=Bob", []string{p2}},
		{"filter[context]=alice", nil},
		{"filter[context]=", []string{p4}},
		{"filter[date_joined_at][eq]=2021-04-10", []string{p1, p2}},
		{"filter[date_joined_at][gte]=2021-04-11", []string{p3, p4}},
		{"filter[date_joined_at][lte]=2021-04-11", []string{p1, p2, p3}},
		{"filter[date_updated_at][eq]=2021-04-13", []string{p4}},
		{"filter[date_updated_at][eq]=2021-04-12", []string{p3}},
		{"filter[date_updated_at][eq]=2021-04-11", []string{p2}},
		{"filter[date_left_at][lte]=2021-04-30", []string{p2, p3}},
		{"filter[date_left_at][eq]=2021-04-11", []string{p2}},
		{"filter[date_left_at][gte]=2021-04-12", []string{p3}},
		{"filter[context]=Alice&filter[date_left_at][gte]=2021-04-12", []string{p3}},
		{"filter[context]=Alice&filter[date_joined_at][lte]=2021-04-10", []string{p1}},
		{"filter[date_joined_at][gte]=2021-04-11&filter[date_joined_at][lte]=2021-04-11", []string{p3}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			got := decode[wList[wParticipant]](t, call(t, srv, "GET", "/room_sessions/"+sid+"/participants?"+tt.query, ""))
			want := tt.want
			if want == nil {
				want = []string{}
			}
			equal(t, "ids", participantIDs(got.Data), want)
			equal(t, "total_results", got.Meta.TotalResults, len(tt.want))
			for _, p := range got.Data {
				if p.SessionID != sid || p.RecordType != "room_participant" {
					t.Errorf("participant %+v", p)
				}
			}
		})
	}
}

func TestListPagination(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		n       int
		query   string
		wantLen int
		want    wMeta
	}{
		{"no results", 0, "", 0, wMeta{1, 20, 0, 0}},
		{"no results, page 2", 0, "page[number]=2", 0, wMeta{2, 20, 0, 0}},
		{"one of one", 1, "page[size]=1", 1, wMeta{1, 1, 1, 1}},
		{"default size", 45, "", 20, wMeta{1, 20, 3, 45}},
		{"exact multiple, last page", 40, "page[size]=20&page[number]=2", 20, wMeta{2, 20, 2, 40}},
		{"exact multiple, past the end", 40, "page[size]=20&page[number]=3", 0, wMeta{3, 20, 2, 40}},
		{"partial last page", 45, "page[number]=3", 5, wMeta{3, 20, 3, 45}},
		{"past the end", 45, "page[number]=4", 0, wMeta{4, 20, 3, 45}},
		{"far past the end", 3, "page[number]=9223372036854775807", 0, wMeta{math.MaxInt64, 20, 1, 3}},
		{"size 250, first page", 260, "page[size]=250", 250, wMeta{1, 250, 2, 260}},
		{"size 250, last page", 260, "page[size]=250&page[number]=2", 10, wMeta{2, 250, 2, 260}},
		{"size 250, all fit", 250, "page[size]=250", 250, wMeta{1, 250, 1, 250}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			parts := make([]telnyxtest.Participant, tt.n)
			for i := range tt.n {
				srv.AddSession(telnyxtest.Session{Active: true, CreatedAt: t0().Add(-time.Duration(i) * time.Minute)})
			}
			sess := srv.AddSession(telnyxtest.Session{Active: true, CreatedAt: at(1, 0, 0), Participants: parts})

			sessions := decode[wList[wSession]](t, call(t, srv, "GET", "/room_sessions?filter[date_created_at][gte]=2021-04-02&"+tt.query, ""))
			equal(t, "sessions on the page", len(sessions.Data), tt.wantLen)
			equal(t, "sessions meta", sessions.Meta, tt.want)

			participants := decode[wList[wParticipant]](t, call(t, srv, "GET", "/room_sessions/"+sess.ID+"/participants?"+tt.query, ""))
			equal(t, "participants on the page", len(participants.Data), tt.wantLen)
			equal(t, "participants meta", participants.Meta, tt.want)
		})
	}
}

// TestListPagesCoverEverything walks every page and finds each session once, in order.
func TestListPagesCoverEverything(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for i := range 45 {
		// pairs of sessions share a creation time, so the id breaks ties
		srv.AddSession(telnyxtest.Session{Active: true, CreatedAt: t0().Add(-time.Duration(i/2) * time.Hour)})
	}
	all := decode[wList[wSession]](t, call(t, srv, "GET", "/room_sessions?page[size]=250", ""))
	var paged []string
	for n := 1; n <= 4; n++ {
		p := decode[wList[wSession]](t, call(t, srv, "GET", fmt.Sprintf("/room_sessions?page[size]=20&page[number]=%d", n), ""))
		paged = append(paged, sessionIDs(p.Data)...)
	}
	equal(t, "pages", paged, sessionIDs(all.Data))
	sorted := slices.IsSortedFunc(all.Data, func(a, b wSession) int {
		if a.CreatedAt != b.CreatedAt {
			return -compareStrings(a.CreatedAt, b.CreatedAt)
		}
		return compareStrings(a.ID, b.ID)
	})
	if !sorted {
		t.Errorf("not newest first, then by id: %v", sessionIDs(all.Data))
	}
	var fromState []string
	for _, s := range srv.Sessions() {
		fromState = append(fromState, s.ID)
	}
	equal(t, "State.Sessions order", fromState, sessionIDs(all.Data))
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestIncludeParticipants(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	with := srv.AddSession(telnyxtest.Session{Active: true, CreatedAt: at(2, 0, 0), Participants: []telnyxtest.Participant{{Context: "Alice"}, {Context: "Bob", LeftAt: at(3, 0, 0)}}})
	without := srv.AddSession(telnyxtest.Session{Active: true, CreatedAt: at(1, 0, 0)})

	tests := []struct {
		path string
		want bool
	}{
		{"/room_sessions", false},
		{"/room_sessions?include_participants=false", false},
		{"/room_sessions?include_participants=true", true},
		{"/room_sessions/" + with.ID, false},
		{"/room_sessions/" + with.ID + "?include_participants=false", false},
		{"/room_sessions/" + with.ID + "?include_participants=true", true},
		{"/room_sessions/" + without.ID + "?include_participants=true", true},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			a := call(t, srv, "GET", tt.path, "")
			var sessions []wSession
			if u, _ := url.Parse(tt.path); u.Path == "/room_sessions" {
				sessions = decode[wList[wSession]](t, a).Data
			} else {
				sessions = []wSession{decode[wOne[wSession]](t, a).Data}
			}
			for _, s := range sessions {
				if (s.Participants != nil) != tt.want {
					t.Fatalf("session %s: participants present = %v, want %v", s.ID, s.Participants != nil, tt.want)
				}
				if !tt.want {
					continue
				}
				stored, _ := srv.Session(s.ID)
				got := *s.Participants
				if len(got) != len(stored.Participants) {
					t.Fatalf("session %s: %d participants, want %d", s.ID, len(got), len(stored.Participants))
				}
				for i, p := range stored.Participants {
					want := wParticipant{
						ID: p.ID, SessionID: s.ID, Context: optional(p.Context),
						JoinedAt: wire(p.JoinedAt), UpdatedAt: wire(p.UpdatedAt), RecordType: "room_participant",
					}
					if !p.LeftAt.IsZero() {
						left := wire(p.LeftAt)
						want.LeftAt = &left
					}
					equal(t, "participant", got[i], want)
				}
			}
		})
	}
}

func TestSessionRendering(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	created := time.Date(2021, 3, 26, 17, 51, 59, 588408999, time.FixedZone("CET", 3600))
	active := srv.AddSession(telnyxtest.Session{Active: true, CreatedAt: created})
	ended := srv.AddSession(telnyxtest.Session{CreatedAt: created, EndedAt: created.Add(time.Hour)})

	got := decode[wOne[wSession]](t, call(t, srv, "GET", "/room_sessions/"+active.ID, "")).Data
	equal(t, "active session", got, wSession{
		ID: active.ID, RoomID: active.RoomID, Active: true,
		CreatedAt: "2021-03-26T16:51:59.588408Z", UpdatedAt: "2021-03-26T16:51:59.588408Z",
		RecordType: "room_session",
	})
	got = decode[wOne[wSession]](t, call(t, srv, "GET", "/room_sessions/"+ended.ID, "")).Data
	endedAt := "2021-03-26T17:51:59.588408Z"
	equal(t, "ended session", got, wSession{
		ID: ended.ID, RoomID: ended.RoomID, Active: false,
		CreatedAt: "2021-03-26T16:51:59.588408Z", UpdatedAt: endedAt, EndedAt: &endedAt,
		RecordType: "room_session",
	})
}
