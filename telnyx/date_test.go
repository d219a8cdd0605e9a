package telnyx_test

import (
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones below, even on a machine without a zoneinfo database

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// testZones are the zones every date case runs in: both sides of UTC, up to UTC+14,
// one with daylight saving time and one with a half-hour offset.
var testZones = []string{"UTC", "Asia/Tokyo", "America/Los_Angeles", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kolkata"}

// loadZone loads a zone of the tz database (embedded by time/tzdata).
func loadZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestDateOfIsTheUTCDate(t *testing.T) {
	t.Parallel()
	// 2026-03-02 17:00 UTC is already March 3 in Tokyo and Kiritimati, still March 2
	// in Los Angeles: the API files it under March 2 everywhere.
	instant := time.Date(2026, time.March, 2, 17, 0, 0, 0, time.UTC)
	want := telnyx.Date{Year: 2026, Month: time.March, Day: 2}
	for _, name := range testZones {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			local := instant.In(loadZone(t, name))
			if got := telnyx.DateOf(local); got != want {
				t.Errorf("DateOf(%s) = %v, want %v", local, got, want)
			}
		})
	}
	if got := telnyx.DateOf(time.Date(2026, 12, 31, 23, 59, 59, 999999999, time.FixedZone("-00:01", -60))); got != (telnyx.Date{Year: 2027, Month: time.January, Day: 1}) {
		t.Errorf("DateOf across the year end = %v", got)
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	good := []struct {
		in   string
		want telnyx.Date
	}{
		{"2026-03-02", telnyx.Date{Year: 2026, Month: time.March, Day: 2}},
		{"2024-02-29", telnyx.Date{Year: 2024, Month: time.February, Day: 29}},
		{"0001-01-01", telnyx.Date{Year: 1, Month: time.January, Day: 1}},
		{"9999-12-31", telnyx.Date{Year: 9999, Month: time.December, Day: 31}},
	}
	for _, tc := range good {
		got, err := telnyx.ParseDate(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
		if got.String() != tc.in {
			t.Errorf("%#v.String() = %q, want %q", got, got.String(), tc.in)
		}
	}
	for _, in := range []string{"", "2026-13-01", "2026-02-30", "2025-02-29", "2026-04-31", "2026-00-10", "2026-01-00",
		"0000-01-01", "2026-3-2", "26-03-02", "2026/03/02", "2026-03-02T00:00:00Z", " 2026-03-02", "2026-03-02 ", "+2026-03-02"} {
		d, err := telnyx.ParseDate(in)
		if !errors.Is(err, telnyx.ErrInvalidArgument) || !d.IsZero() {
			t.Errorf("ParseDate(%q) = %v, %v; want the zero Date and ErrInvalidArgument", in, d, err)
			continue
		}
		if !strings.Contains(err.Error(), "date") {
			t.Errorf("ParseDate(%q): error %q does not name the date", in, err)
		}
	}
}

func TestDateZeroAndValid(t *testing.T) {
	t.Parallel()
	var zero telnyx.Date
	if !zero.IsZero() || zero.IsValid() || zero.String() != "0000-00-00" {
		t.Errorf("zero Date: IsZero %v, IsValid %v, String %q", zero.IsZero(), zero.IsValid(), zero)
	}
	for _, d := range []telnyx.Date{
		{Year: 2026}, {Year: 2026, Month: 13, Day: 1}, {Year: 2026, Month: time.February, Day: 29},
		{Year: 10000, Month: 1, Day: 1}, {Year: -1, Month: 1, Day: 1}, {Year: 2026, Month: 1, Day: 32},
	} {
		if d.IsZero() || d.IsValid() {
			t.Errorf("%#v: IsZero %v, IsValid %v; want neither", d, d.IsZero(), d.IsValid())
		}
	}
	if d := (telnyx.Date{Year: 2024, Month: time.February, Day: 29}); d.IsZero() || !d.IsValid() {
		t.Errorf("%v should be valid", d)
	}
	if f := (telnyx.DateFilter{Lte: telnyx.Date{Year: 2026, Month: 1, Day: 1}}); f.IsZero() {
		t.Error("a DateFilter with Lte set reports IsZero")
	}
}

func TestDateTime(t *testing.T) {
	t.Parallel()
	d := telnyx.Date{Year: 2026, Month: time.March, Day: 2}
	got := d.Time()
	if want := time.Date(2026, time.March, 2, 0, 0, 0, 0, time.UTC); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("%v.Time() = %v, want %v in UTC", d, got, want)
	}
	// A round trip through an instant of any zone gives the same date back.
	for _, name := range testZones {
		loc := loadZone(t, name)
		for _, in := range []time.Time{
			time.Date(2026, time.March, 2, 0, 30, 0, 0, loc),
			time.Date(2024, time.February, 29, 23, 59, 59, 0, loc),
			time.Date(2025, time.December, 31, 12, 0, 0, 0, loc),
		} {
			day := telnyx.DateOf(in)
			if back := telnyx.DateOf(day.Time()); back != day {
				t.Errorf("%s: DateOf(%v.Time()) = %v", name, day, back)
			}
			if mid := day.Time(); mid.Hour() != 0 || mid.Minute() != 0 || mid.Nanosecond() != 0 || mid.Location() != time.UTC || mid.After(in) {
				t.Errorf("%s: %v.Time() = %v, want midnight UTC no later than %v", name, day, mid, in)
			}
		}
	}
	if zero := (telnyx.Date{}).Time(); !zero.IsZero() {
		t.Errorf("zero Date's Time() = %v, want the zero time", zero)
	}
}

func TestDateText(t *testing.T) {
	t.Parallel()
	type report struct {
		From telnyx.Date `json:"from"`
	}
	b, err := json.Marshal(report{From: telnyx.Date{Year: 2026, Month: time.March, Day: 2}})
	if err != nil || string(b) != `{"from":"2026-03-02"}` {
		t.Errorf("Marshal = %s, %v", b, err)
	}
	var r report
	if err := json.Unmarshal([]byte(`{"from":"2024-02-29"}`), &r); err != nil || r.From != (telnyx.Date{Year: 2024, Month: time.February, Day: 29}) {
		t.Errorf("Unmarshal = %v, %v", r.From, err)
	}
	if err := json.Unmarshal([]byte(`{"from":"2026-02-30"}`), &r); !errors.Is(err, telnyx.ErrInvalidArgument) {
		t.Errorf("Unmarshal of February 30: %v, want ErrInvalidArgument", err)
	}
	if _, err := json.Marshal(report{From: telnyx.Date{Year: 2026, Month: 13, Day: 1}}); !errors.Is(err, telnyx.ErrInvalidArgument) {
		t.Errorf("Marshal of month 13: %v, want ErrInvalidArgument", err)
	}

	// The zero Date makes the round trip: "0000-00-00" is read back as unset.
	r = report{From: telnyx.Date{Year: 2026, Month: time.March, Day: 2}}
	if b, err := json.Marshal(report{}); err != nil || json.Unmarshal(b, &r) != nil || !r.From.IsZero() {
		t.Errorf("the zero Date through JSON: %s, %v, read back as %v", b, err, r.From)
	}

	// A Date is a flag.
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var since telnyx.Date
	fs.TextVar(&since, "since", telnyx.Date{}, "first day")
	if err := fs.Parse([]string{"-since", "2026-03-02"}); err != nil || since != (telnyx.Date{Year: 2026, Month: time.March, Day: 2}) {
		t.Errorf("flag: %v, %v", since, err)
	}
	if err := fs.Parse([]string{"-since", "2026-13-02"}); err == nil {
		t.Error("flag accepted month 13")
	}
}

// TestDateFilterWireIsUTC is the golden wire test: the query a DateFilter sends is the
// UTC date of the instants it was built from, whatever their zone.
func TestDateFilterWireIsUTC(t *testing.T) {
	t.Parallel()
	// 2026-03-02 17:00 UTC: March 3 on a Tokyo clock, March 2 in UTC.
	instant := time.Date(2026, time.March, 2, 17, 0, 0, 0, time.UTC)
	for _, name := range testZones {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			local := instant.In(loadZone(t, name))
			ws := startWire(t, answerJSON(200, `{"data":[],"meta":{"page_number":1,"page_size":20,"total_pages":0,"total_results":0}}`))
			c := ws.newClient(t)
			_, err := c.RoomSessions.List(t.Context(), &telnyx.ListRoomSessionsParams{
				CreatedAt: telnyx.DateFilter{Gte: telnyx.DateOf(local.AddDate(0, 0, -7)), Lte: telnyx.DateOf(local)},
				EndedAt:   telnyx.DateFilter{Eq: telnyx.Date{Year: 2026, Month: time.February, Day: 28}},
			})
			if err != nil {
				t.Fatal(err)
			}
			const want = "filter[date_created_at][gte]=2026-02-23&filter[date_created_at][lte]=2026-03-02&filter[date_ended_at][eq]=2026-02-28"
			if got := ws.requests()[0].RawQuery; got != want {
				t.Errorf("query\n got %s\nwant %s", got, want)
			}
		})
	}
}

// TestWeekWindowLosesNothing runs the weekly report of the issue in every zone and at
// every hour of a day: Gte: DateOf(now.AddDate(0, 0, -7)) must select every session
// created in the seven days before now. The fake compares UTC dates, as the API does.
func TestWeekWindowLosesNothing(t *testing.T) {
	t.Parallel()
	for _, name := range testZones {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			loc := loadZone(t, name)
			lost, naiveLost := weekWindow(t, loc)
			if lost != 0 {
				t.Errorf("%s: the window lost %d sessions", name, lost)
			}
			// East of UTC, a window written with the local calendar date (what the SDK
			// sent before Date existed) loses sessions: the test can tell.
			if _, off := time.Date(2026, 3, 10, 0, 0, 0, 0, loc).Zone(); off > 0 && naiveLost == 0 {
				t.Errorf("%s: the local-date window lost nothing; the test cannot see the bug", name)
			}
		})
	}
}

// TestWeekWindowUnderTZ re-runs TestWeekWindowInLocalZone in a child process with $TZ
// set, so time.Local itself is each zone (time.Local is never changed in this process).
func TestWeekWindowUnderTZ(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"UTC", "Asia/Tokyo", "America/Los_Angeles", "Pacific/Kiritimati"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestWeekWindowInLocalZone$", "-test.v", "-test.count=1")
			cmd.Env = append(os.Environ(), "TZ="+name, "TELNYX_TEST_CHILD_TZ="+name)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("TZ=%s: %v\n%s", name, err, out)
			}
			if !strings.Contains(string(out), "time.Local is "+name) || !strings.Contains(string(out), "--- PASS: TestWeekWindowInLocalZone") {
				t.Fatalf("TZ=%s: the child did not run in that zone:\n%s", name, out)
			}
		})
	}
}

// TestWeekWindowInLocalZone is the weekly report written as a user would, with
// time.Local; TestWeekWindowUnderTZ runs it under several $TZ values.
func TestWeekWindowInLocalZone(t *testing.T) {
	t.Parallel()
	if want := os.Getenv("TELNYX_TEST_CHILD_TZ"); want != "" && time.Local.String() != want {
		t.Fatalf("time.Local is %s, want %s", time.Local, want)
	}
	t.Logf("time.Local is %s", time.Local)
	if lost, _ := weekWindow(t, time.Local); lost != 0 {
		t.Errorf("the window lost %d sessions in %s", lost, time.Local)
	}
}

// weekWindow seeds a fake with a session every hour (created in loc) over eleven days,
// then at every other hour of a day runs "sessions of the last seven days" with the
// bounds written from instants in loc. It returns how many sessions inside a window
// were missing from its answer, in all, and how many a window written with loc's
// calendar date would have missed (the naive window is only run east of UTC, where it
// can lose sessions).
func weekWindow(t *testing.T, loc *time.Location) (lost, naiveLost int) {
	t.Helper()
	srv := telnyxtest.NewServer(telnyxtest.WithoutRequestLog())
	t.Cleanup(srv.Close)
	client := srv.Client()
	start := time.Date(2026, time.March, 3, 0, 0, 0, 0, loc)
	var created []telnyxtest.Session
	for at := start; at.Before(start.AddDate(0, 0, 11)); at = at.Add(time.Hour) {
		created = append(created, srv.AddSession(telnyxtest.Session{CreatedAt: at}))
	}
	_, offset := start.Zone()
	for h := 0; h < 24; h += 2 {
		now := time.Date(2026, time.March, 12, h, 7, 0, 0, loc)
		from := now.AddDate(0, 0, -7)
		var want []string
		for _, s := range created {
			if !s.CreatedAt.Before(from) && !s.CreatedAt.After(now) {
				want = append(want, s.ID)
			}
		}
		got := map[string]bool{}
		p := &telnyx.ListRoomSessionsParams{CreatedAt: telnyx.DateFilter{Gte: telnyx.DateOf(from), Lte: telnyx.DateOf(now)}}
		for s, err := range client.RoomSessions.All(t.Context(), p) {
			if err != nil {
				t.Fatal(err)
			}
			got[s.ID] = true
		}
		for _, id := range want {
			if !got[id] {
				lost++
			}
		}
		if offset <= 0 {
			continue
		}
		// The old behaviour: the calendar date on the caller's clock.
		y, m, d := from.Date()
		naive := map[string]bool{}
		p.CreatedAt.Gte = telnyx.Date{Year: y, Month: m, Day: d}
		for s, err := range client.RoomSessions.All(t.Context(), p) {
			if err != nil {
				t.Fatal(err)
			}
			naive[s.ID] = true
		}
		naiveLost += len(slices.DeleteFunc(want, func(id string) bool { return naive[id] }))
	}
	return lost, naiveLost
}
