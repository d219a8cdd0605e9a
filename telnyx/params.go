package telnyx

// DateFilter selects records by calendar date, as the API compares them (in UTC): on
// Eq, on or after Gte, on or before Lte. A zero [Date] leaves that bound unset; an
// impossible one is an error wrapping [ErrInvalidArgument], before anything is sent.
// Use [DateOf] to turn an instant into the date the API files it under.
type DateFilter struct {
	Eq, Gte, Lte Date
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
	PageSize            int        // page[size]; 0 = server default (PageSizeDefault, 20); 1..PageSizeMax (250)
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
	PageSize   int        // page[size]; 0 = server default (PageSizeDefault, 20); 1..PageSizeMax (250)
}

// Bool returns a pointer to v, for [ListRoomSessionsParams.Active].
func Bool(v bool) *bool { return &v }
