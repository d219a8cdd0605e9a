package telnyxtest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// seedRoom stores an active session created at 04-16 09:00 with Alice, Bob and Carol
// present and Dave, who left at 09:30, and returns it.
func seedRoom(t *testing.T, srv *telnyxtest.Server) telnyxtest.Session {
	t.Helper()
	return srv.AddSession(telnyxtest.Session{
		Active: true, CreatedAt: at(16, 9, 0),
		Participants: []telnyxtest.Participant{
			{ID: id('1'), Context: "Alice"},
			{ID: id('2'), Context: "Bob"},
			{ID: id('3'), Context: "Carol"},
			{ID: id('4'), Context: "Dave", LeftAt: at(16, 9, 30)},
		},
	})
}

func TestEnd(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	s := seedRoom(t, srv)
	srv.SetNow(at(16, 11, 0))
	a := call(t, srv, "POST", "/room_sessions/"+s.ID+"/actions/end", "")
	equal(t, "status", a.status, 200)
	equal(t, "body", string(a.body), `{"data":{"result":"ok"}}`)

	got, _ := srv.Session(s.ID)
	end := at(16, 11, 0)
	want := s
	want.Active, want.EndedAt, want.UpdatedAt = false, end, end
	want.Participants = append([]telnyxtest.Participant(nil), s.Participants...)
	for i := range 3 {
		want.Participants[i].LeftAt, want.Participants[i].UpdatedAt = end, end
	}
	equal(t, "ended session", got, want) // Dave keeps his earlier left_at

	// Ending it again answers 200 and changes nothing, even later.
	srv.Advance(time.Hour)
	a = call(t, srv, "POST", "/room_sessions/"+s.ID+"/actions/end", "")
	equal(t, "second end status", a.status, 200)
	again, _ := srv.Session(s.ID)
	equal(t, "after a second end", again, want)
}

func TestParticipantActions(t *testing.T) {
	t.Parallel()
	alice, bob, carol, dave := id('1'), id('2'), id('3'), id('4')
	unknown := id('e')
	type change struct {
		left  bool
		muted bool
	}
	tests := []struct {
		name   string
		action string
		body   string
		want   map[string]change // participants whose state changes
	}{
		{"kick all", "kick", `{"participants":"all"}`, map[string]change{alice: {left: true}, bob: {left: true}, carol: {left: true}}},
		{"kick all except", "kick", `{"participants":"all","exclude":["` + bob + `"]}`, map[string]change{alice: {left: true}, carol: {left: true}}},
		{"kick list", "kick", `{"participants":["` + alice + `","` + carol + `"]}`, map[string]change{alice: {left: true}, carol: {left: true}}},
		{"kick list except", "kick", `{"participants":["` + alice + `","` + carol + `"],"exclude":["` + carol + `"]}`, map[string]change{alice: {left: true}}},
		{"kick upper-case id", "kick", `{"participants":["` + strings.ToUpper(bob) + `"]}`, map[string]change{bob: {left: true}}},
		{"kick unknown and left ids", "kick", `{"participants":["` + unknown + `","` + dave + `"]}`, nil},
		{"kick excluding everyone", "kick", `{"participants":"all","exclude":["` + alice + `","` + bob + `","` + carol + `"]}`, nil},
		{"mute all", "mute", `{"participants":"all"}`, map[string]change{alice: {muted: true}, bob: {muted: true}, carol: {muted: true}}},
		{"mute all except", "mute", `{"participants":"all","exclude":["` + alice + `","` + unknown + `"]}`, map[string]change{bob: {muted: true}, carol: {muted: true}}},
		{"mute list", "mute", `{"participants":["` + bob + `","` + unknown + `"]}`, map[string]change{bob: {muted: true}}},
		{"mute one who left", "mute", `{"participants":["` + dave + `"]}`, nil},
		{"mute list except", "mute", `{"participants":["` + bob + `","` + carol + `"],"exclude":["` + strings.ToUpper(bob) + `"]}`, map[string]change{carol: {muted: true}}},
		{"unmute the unmuted", "unmute", `{"participants":"all"}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			s := seedRoom(t, srv)
			now := at(16, 10, 0)
			srv.SetNow(now)
			a := call(t, srv, "POST", "/room_sessions/"+s.ID+"/actions/"+tt.action, tt.body)
			equal(t, "status", a.status, 200)
			equal(t, "body", string(a.body), `{"data":{"result":"ok"}}`)

			got, _ := srv.Session(s.ID)
			equal(t, "session fields", []any{got.Active, got.UpdatedAt, got.EndedAt}, []any{true, s.UpdatedAt, time.Time{}})
			for i, before := range s.Participants {
				want := before
				if c, ok := tt.want[before.ID]; ok {
					if c.left {
						want.LeftAt = now
					}
					want.Muted = c.muted
					want.UpdatedAt = now
				}
				equal(t, before.Context, got.Participants[i], want)
			}
		})
	}
}

func TestMuteUnmute(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	s := seedRoom(t, srv)
	alice, bob := s.Participants[0], s.Participants[1]

	srv.SetNow(at(16, 10, 0))
	call(t, srv, "POST", "/room_sessions/"+s.ID+"/actions/mute", `{"participants":["`+alice.ID+`","`+bob.ID+`"]}`)
	srv.SetNow(at(16, 10, 5))
	// Muting again changes nothing: a retried mute converges.
	call(t, srv, "POST", "/room_sessions/"+s.ID+"/actions/mute", `{"participants":["`+alice.ID+`"]}`)
	srv.SetNow(at(16, 10, 10))
	call(t, srv, "POST", "/room_sessions/"+s.ID+"/actions/unmute", `{"participants":"all","exclude":["`+alice.ID+`"]}`)

	got, _ := srv.Session(s.ID)
	equal(t, "alice", []any{got.Participants[0].Muted, got.Participants[0].UpdatedAt}, []any{true, at(16, 10, 0)})
	equal(t, "bob", []any{got.Participants[1].Muted, got.Participants[1].UpdatedAt}, []any{false, at(16, 10, 10)})
	equal(t, "carol", got.Participants[2], s.Participants[2])
}

// TestKickThenEnd checks that a kicked participant keeps the time they were kicked.
func TestKickThenEnd(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	s := seedRoom(t, srv)
	srv.SetNow(at(16, 10, 0))
	call(t, srv, "POST", "/room_sessions/"+s.ID+"/actions/kick", `{"participants":["`+s.Participants[0].ID+`"]}`)
	srv.SetNow(at(16, 12, 0))
	call(t, srv, "POST", "/room_sessions/"+s.ID+"/actions/end", "")

	got, _ := srv.Session(s.ID)
	var left []time.Time
	for _, p := range got.Participants {
		left = append(left, p.LeftAt)
	}
	equal(t, "left_at", left, []time.Time{at(16, 10, 0), at(16, 12, 0), at(16, 12, 0), at(16, 9, 30)})

	parts := decode[wList[wParticipant]](t, call(t, srv, "GET", "/room_sessions/"+s.ID+"/participants?filter[date_left_at][eq]=2021-04-16", ""))
	equal(t, "all have left", len(parts.Data), 4)
}
