package telnyxtest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

func TestAddSessionFills(t *testing.T) {
	t.Parallel()
	now := t0().Truncate(time.Microsecond)
	created, joined, left, ended := at(16, 8, 0), at(16, 8, 30), at(16, 9, 0), at(16, 9, 15)
	tests := []struct {
		name string
		in   telnyxtest.Session
		want telnyxtest.Session // ids are checked apart
	}{
		{
			"empty: an ended session at now",
			telnyxtest.Session{},
			telnyxtest.Session{CreatedAt: now, UpdatedAt: now, EndedAt: now},
		},
		{
			"active",
			telnyxtest.Session{Active: true},
			telnyxtest.Session{Active: true, CreatedAt: now, UpdatedAt: now},
		},
		{
			"active with participants",
			telnyxtest.Session{Active: true, CreatedAt: created, Participants: []telnyxtest.Participant{
				{Context: "Alice"}, {Context: "Bob", JoinedAt: joined, LeftAt: left}, {JoinedAt: joined, UpdatedAt: left, Muted: true},
			}},
			telnyxtest.Session{Active: true, CreatedAt: created, UpdatedAt: created, Participants: []telnyxtest.Participant{
				{Context: "Alice", JoinedAt: created, UpdatedAt: created},
				{Context: "Bob", JoinedAt: joined, UpdatedAt: left, LeftAt: left},
				{JoinedAt: joined, UpdatedAt: left, Muted: true},
			}},
		},
		{
			"ended without EndedAt ends at UpdatedAt",
			telnyxtest.Session{CreatedAt: created, UpdatedAt: left},
			telnyxtest.Session{CreatedAt: created, UpdatedAt: left, EndedAt: left},
		},
		{
			"ended: present participants leave when it ended",
			telnyxtest.Session{CreatedAt: created, EndedAt: ended, Participants: []telnyxtest.Participant{{}, {LeftAt: left}}},
			telnyxtest.Session{CreatedAt: created, UpdatedAt: ended, EndedAt: ended, Participants: []telnyxtest.Participant{
				{JoinedAt: created, UpdatedAt: ended, LeftAt: ended},
				{JoinedAt: created, UpdatedAt: left, LeftAt: left},
			}},
		},
		{
			"times in UTC, truncated to microseconds",
			telnyxtest.Session{Active: true, CreatedAt: time.Date(2021, 4, 16, 11, 0, 0, 123456789, time.FixedZone("CEST", 7200))},
			telnyxtest.Session{Active: true, CreatedAt: time.Date(2021, 4, 16, 9, 0, 0, 123456000, time.UTC), UpdatedAt: time.Date(2021, 4, 16, 9, 0, 0, 123456000, time.UTC)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			got := srv.AddSession(tt.in)
			for _, s := range []string{got.ID, got.RoomID} {
				if !uuidRE.MatchString(s) {
					t.Errorf("generated id %q is not a v4 UUID", s)
				}
			}
			want := tt.want
			want.ID, want.RoomID = got.ID, got.RoomID
			for i := range want.Participants {
				if !uuidRE.MatchString(got.Participants[i].ID) {
					t.Errorf("participant id %q is not a v4 UUID", got.Participants[i].ID)
				}
				want.Participants[i].ID = got.Participants[i].ID
			}
			equal(t, "stored", got, want)
			stored, ok := srv.Session(got.ID)
			equal(t, "Session", []any{stored, ok}, []any{want, true})
			if got.CreatedAt.Location() != time.UTC {
				t.Errorf("CreatedAt in %v, want UTC", got.CreatedAt.Location())
			}
		})
	}
}

func TestAddSessionKeepsGivenIDs(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	upper := strings.ToUpper(id('a'))
	s := srv.AddSession(telnyxtest.Session{ID: upper, RoomID: id('b'), Participants: []telnyxtest.Participant{{ID: id('c')}}})
	equal(t, "ids", []string{s.ID, s.RoomID, s.Participants[0].ID}, []string{upper, id('b'), id('c')})
	// ids are matched in any case, and reported as seeded
	got, ok := srv.Session(id('a'))
	equal(t, "lookup in lower case", []any{got.ID, ok}, []any{upper, true})
	a := call(t, srv, "GET", "/room_sessions/"+id('a'), "")
	equal(t, "wire id", decode[wOne[wSession]](t, a).Data.ID, upper)
}

func TestAddSessionPanics(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		s    telnyxtest.Session
		want string
	}{
		{"bad session id", telnyxtest.Session{ID: "abc"}, `session ID "abc" is not a UUID`},
		{"bad room id", telnyxtest.Session{RoomID: "room"}, `RoomID "room" is not a UUID`},
		{"bad participant id", telnyxtest.Session{Participants: []telnyxtest.Participant{{ID: "p"}}}, `participant ID "p" is not a UUID`},
		{"duplicate session", telnyxtest.Session{ID: strings.ToUpper(id('a'))}, "already exists"},
		{"duplicate participant", telnyxtest.Session{Participants: []telnyxtest.Participant{{ID: id('1')}, {ID: strings.ToUpper(id('1'))}}}, "appears twice"},
		{"active with EndedAt", telnyxtest.Session{Active: true, EndedAt: t0()}, "Active but has an EndedAt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			srv.AddSession(telnyxtest.Session{ID: id('a')})
			defer func() {
				r := recover()
				if msg := fmt.Sprint(r); r == nil || !strings.Contains(msg, tt.want) {
					t.Errorf("panic %v, want one containing %q", r, tt.want)
				}
				equal(t, "sessions after a refused seed", len(srv.Sessions()), 1)
			}()
			srv.AddSession(tt.s)
		})
	}
}

func TestCopies(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	in := telnyxtest.Session{Active: true, Participants: []telnyxtest.Participant{{Context: "Alice"}}}
	out := srv.AddSession(in)
	in.Participants[0].Context = "changed input"
	out.Participants[0].Context = "changed output"
	got, _ := srv.Session(out.ID)
	got.Participants[0].Context = "changed copy"
	srv.Sessions()[0].Participants[0].Muted = true
	again, _ := srv.Session(out.ID)
	equal(t, "stored participant", again.Participants[0].Context, "Alice")
	equal(t, "stored muted", again.Participants[0].Muted, false)
	if _, ok := srv.Session(id('0')); ok {
		t.Error("Session of an unknown id reports ok")
	}
}

func TestClock(t *testing.T) {
	t.Parallel()
	now := at(1, 12, 0)
	_, st := telnyxtest.NewHandler(telnyxtest.WithClock(func() time.Time { return now }))
	equal(t, "WithClock", st.Now(), now)
	st.Advance(90 * time.Second)
	equal(t, "Advance", st.Now(), now.Add(90*time.Second))
	st.SetNow(time.Date(2022, 1, 2, 3, 4, 5, 6789, time.FixedZone("x", 3600)))
	equal(t, "SetNow, in UTC to the microsecond", st.Now(), time.Date(2022, 1, 2, 2, 4, 5, 6000, time.UTC))
	st.Advance(-time.Hour)
	equal(t, "Advance backward", st.Now(), time.Date(2022, 1, 2, 1, 4, 5, 6000, time.UTC))
	s := st.AddSession(telnyxtest.Session{Active: true})
	equal(t, "seeded at the clock", s.CreatedAt, time.Date(2022, 1, 2, 1, 4, 5, 6000, time.UTC))

	// The default clock is the wall clock.
	_, wall := telnyxtest.NewHandler()
	before := time.Now().Add(-time.Second)
	if got := wall.Now(); got.Before(before) || got.After(time.Now().Add(time.Second)) {
		t.Errorf("default clock says %v", got)
	}
}

func TestWithSeed(t *testing.T) {
	t.Parallel()
	ids := func(seed uint64) []string {
		_, st := telnyxtest.NewHandler(telnyxtest.WithSeed(seed))
		s := st.AddSession(telnyxtest.Session{Participants: []telnyxtest.Participant{{}, {}}})
		return []string{s.ID, s.RoomID, s.Participants[0].ID, s.Participants[1].ID}
	}
	a, b, c := ids(7), ids(7), ids(8)
	equal(t, "same seed, same ids", a, b)
	seen := map[string]bool{}
	for _, s := range append(a, c...) {
		if !uuidRE.MatchString(s) {
			t.Errorf("%q is not a v4 UUID", s)
		}
		if seen[s] {
			t.Errorf("%s generated twice", s)
		}
		seen[s] = true
	}
}
