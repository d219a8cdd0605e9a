package main

import (
	"time"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// The sample data of serve --demo-data and demo has fixed ids, so the commands the
// demo prints also work against serve --demo-data.
const (
	roomStandup  = "a0000000-0000-4000-8000-000000000001"
	roomAllHands = "a0000000-0000-4000-8000-000000000002"
	roomSupport  = "a0000000-0000-4000-8000-000000000003"

	sessionStandup     = "5e000000-0000-4000-8000-000000000001" // active
	sessionStandupPrev = "5e000000-0000-4000-8000-000000000002" // ended yesterday
	sessionAllHands    = "5e000000-0000-4000-8000-000000000003" // ended three days ago
	sessionSupport     = "5e000000-0000-4000-8000-000000000004" // active
	sessionSupportPrev = "5e000000-0000-4000-8000-000000000005" // ended, nobody came

	participantAlice = "9a000000-0000-4000-8000-000000000001" // the standup's host
	participantBob   = "9a000000-0000-4000-8000-000000000002"
	participantCarol = "9a000000-0000-4000-8000-000000000003"
	participantDave  = "9a000000-0000-4000-8000-000000000004" // left the standup early
)

// demoSessions returns the sample data, with times relative to now: three rooms, two
// active sessions and three ended ones, and their participants.
func demoSessions(now time.Time) []telnyxtest.Session {
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	const day = 24 * time.Hour
	return []telnyxtest.Session{
		{
			ID: sessionStandup, RoomID: roomStandup, Active: true, CreatedAt: ago(25 * time.Minute),
			Participants: []telnyxtest.Participant{
				{ID: participantAlice, Context: "Alice (host)", JoinedAt: ago(25 * time.Minute)},
				{ID: participantBob, Context: "Bob", JoinedAt: ago(24 * time.Minute)},
				{ID: participantCarol, Context: "Carol", JoinedAt: ago(23 * time.Minute)},
				{ID: participantDave, Context: "Dave", JoinedAt: ago(22 * time.Minute), LeftAt: ago(10 * time.Minute)},
			},
		},
		{
			ID: sessionStandupPrev, RoomID: roomStandup, CreatedAt: ago(day + 30*time.Minute), EndedAt: ago(day + 10*time.Minute),
			Participants: []telnyxtest.Participant{
				{ID: "9a000000-0000-4000-8000-000000000011", Context: "Alice (host)", JoinedAt: ago(day + 30*time.Minute)},
				{ID: "9a000000-0000-4000-8000-000000000012", Context: "Bob", JoinedAt: ago(day + 28*time.Minute)},
			},
		},
		{
			ID: sessionAllHands, RoomID: roomAllHands, CreatedAt: ago(3*day + 2*time.Hour), EndedAt: ago(3*day + time.Hour),
			Participants: []telnyxtest.Participant{
				{ID: "9a000000-0000-4000-8000-000000000021", Context: "Alice (host)", JoinedAt: ago(3*day + 2*time.Hour)},
				{ID: "9a000000-0000-4000-8000-000000000022", Context: "Bob", JoinedAt: ago(3*day + 2*time.Hour - time.Minute)},
				{ID: "9a000000-0000-4000-8000-000000000023", Context: "Carol", JoinedAt: ago(3*day + 2*time.Hour - 2*time.Minute)},
				{ID: "9a000000-0000-4000-8000-000000000024", Context: "Erin", JoinedAt: ago(3*day + 2*time.Hour - 5*time.Minute), LeftAt: ago(3*day + 90*time.Minute)},
			},
		},
		{
			ID: sessionSupport, RoomID: roomSupport, Active: true, CreatedAt: ago(5 * time.Minute),
			Participants: []telnyxtest.Participant{
				{ID: "9a000000-0000-4000-8000-000000000031", Context: "agent: Frank", JoinedAt: ago(5 * time.Minute)},
				{ID: "9a000000-0000-4000-8000-000000000032", Context: "customer: Grace", JoinedAt: ago(4 * time.Minute)},
			},
		},
		{
			ID: sessionSupportPrev, RoomID: roomSupport, CreatedAt: ago(2*day + 3*time.Hour), EndedAt: ago(2*day + 2*time.Hour),
		},
	}
}

// seedDemo adds the sample data to st and returns how many sessions it added.
func seedDemo(st *telnyxtest.State, now time.Time) int {
	sessions := demoSessions(now)
	for _, s := range sessions {
		st.AddSession(s)
	}
	return len(sessions)
}
