package telnyx

import "time"

// RoomSession is a session of a video room. A zero time means absent: EndedAt is zero
// while the session is active.
type RoomSession struct {
	ID           string            `json:"id"`
	RoomID       string            `json:"room_id"`
	Active       bool              `json:"active"`
	CreatedAt    time.Time         `json:"created_at,omitzero"`
	UpdatedAt    time.Time         `json:"updated_at,omitzero"`
	EndedAt      time.Time         `json:"ended_at,omitzero"`
	Participants []RoomParticipant `json:"participants,omitempty"` // only with IncludeParticipants
}

// RoomParticipant is a participant of a room session. LeftAt is zero while the
// participant is present.
type RoomParticipant struct {
	ID        string    `json:"id"`
	SessionID string    `json:"session_id"`
	Context   string    `json:"context,omitempty"`
	JoinedAt  time.Time `json:"joined_at,omitzero"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
	LeftAt    time.Time `json:"left_at,omitzero"`
}

// DateFilter selects records by calendar date: on Eq, on or after Gte, on or before
// Lte. A zero time leaves that bound unset. Only the calendar date of each time, in
// the time's own location, is sent (the API compares dates, not instants).
type DateFilter struct {
	Eq, Gte, Lte time.Time
}

// IsZero reports whether no bound is set.
func (f DateFilter) IsZero() bool { return f.Eq.IsZero() && f.Gte.IsZero() && f.Lte.IsZero() }

// ListRoomSessionsParams filters and pages [RoomSessionsService.List]. The zero value
// lists every session, first page, server page size.
type ListRoomSessionsParams struct {
	RoomID              string     // filter[room_id]; a UUID
	Active              *bool      // filter[active]; nil = either
	CreatedAt           DateFilter // filter[date_created_at][eq|gte|lte]
	UpdatedAt           DateFilter // filter[date_updated_at][...]
	EndedAt             DateFilter // filter[date_ended_at][...]
	IncludeParticipants bool       // include_participants=true
	PageNumber          int        // page[number]; 0 = server default (1)
	PageSize            int        // page[size]; 0 = server default (20); 1..250
}

// GetRoomSessionParams are the options of [RoomSessionsService.Get].
type GetRoomSessionParams struct {
	IncludeParticipants bool // include_participants=true
}

// ListParticipantsParams filters and pages [RoomSessionsService.Participants].
type ListParticipantsParams struct {
	Context    string     // filter[context]: exact match
	JoinedAt   DateFilter // filter[date_joined_at][...]
	UpdatedAt  DateFilter // filter[date_updated_at][...]
	LeftAt     DateFilter // filter[date_left_at][...]
	PageNumber int        // page[number]; 0 = server default (1)
	PageSize   int        // page[size]; 0 = server default (20); 1..250
}

// Bool returns a pointer to v, for [ListRoomSessionsParams.Active].
func Bool(v bool) *bool { return &v }
