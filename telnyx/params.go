package telnyx

import (
	"github.com/google/uuid"
	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/roomsessions/telnyx-go/gen"
)

// The parameters of the operations, converted to gen's wire types with every value
// validated on the way.

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

// wireDate converts d to the calendar date sent on the wire, or nil when d is zero.
func wireDate(name string, d Date) (*openapi_types.Date, error) {
	if d.IsZero() {
		return nil, nil
	}
	if err := d.check(name); err != nil {
		return nil, err
	}
	return &openapi_types.Date{Time: d.midnight()}, nil
}

// wireRange converts f, or returns nil when f sets no bound.
func wireRange(name string, f DateFilter) (*gen.DateRange, error) {
	if f.IsZero() {
		return nil, nil
	}
	var r gen.DateRange
	var err error
	if r.Eq, err = wireDate(name+".Eq", f.Eq); err != nil {
		return nil, err
	}
	if r.Gte, err = wireDate(name+".Gte", f.Gte); err != nil {
		return nil, err
	}
	if r.Lte, err = wireDate(name+".Lte", f.Lte); err != nil {
		return nil, err
	}
	return &r, nil
}

// wirePage is page[number] and page[size], checked by pageArgs; nil when both are the
// server's default.
func wirePage(number, size int) *gen.PageParams {
	if number == 0 && size == 0 {
		return nil
	}
	var p gen.PageParams
	if number > 0 {
		p.Number = &number
	}
	if size > 0 {
		p.Size = &size
	}
	return &p
}

// wire converts the filters of p (the listing adds the page).
func (p *ListRoomSessionsParams) wire() (*gen.ListRoomSessionsParams, error) {
	var out gen.ListRoomSessionsParams
	if p == nil {
		return &out, nil
	}
	var f gen.RoomSessionsFilter
	var err error
	if p.RoomID != "" {
		room, err := parseID("RoomID", p.RoomID)
		if err != nil {
			return nil, err
		}
		f.RoomId = &room
	}
	f.Active = p.Active
	if f.DateCreatedAt, err = wireRange("CreatedAt", p.CreatedAt); err != nil {
		return nil, err
	}
	if f.DateUpdatedAt, err = wireRange("UpdatedAt", p.UpdatedAt); err != nil {
		return nil, err
	}
	if f.DateEndedAt, err = wireRange("EndedAt", p.EndedAt); err != nil {
		return nil, err
	}
	if f != (gen.RoomSessionsFilter{}) {
		out.Filter = &f
	}
	if p.IncludeParticipants {
		out.IncludeParticipants = &p.IncludeParticipants
	}
	return &out, nil
}

// wire converts the filters of p (the listing adds the page).
func (p *ListParticipantsParams) wire() (*gen.ListRoomParticipantsParams, error) {
	var out gen.ListRoomParticipantsParams
	if p == nil {
		return &out, nil
	}
	var f gen.RoomParticipantsFilter
	var err error
	if p.Context != "" {
		f.Context = &p.Context
	}
	if f.DateJoinedAt, err = wireRange("JoinedAt", p.JoinedAt); err != nil {
		return nil, err
	}
	if f.DateUpdatedAt, err = wireRange("UpdatedAt", p.UpdatedAt); err != nil {
		return nil, err
	}
	if f.DateLeftAt, err = wireRange("LeftAt", p.LeftAt); err != nil {
		return nil, err
	}
	if f != (gen.RoomParticipantsFilter{}) {
		out.Filter = &f
	}
	return &out, nil
}

// wire converts a validated selection to the action body.
func (s Selection) wire() (gen.ActionsParticipantsRequest, error) {
	var body gen.ActionsParticipantsRequest
	if err := s.validate(); err != nil {
		return body, err
	}
	var err error
	if s.all {
		err = body.Participants.FromAllParticipantsKeyword(gen.AllParticipantsKeywordAll)
	} else {
		err = body.Participants.FromParticipantIDList(uuids(s.ids))
	}
	if err != nil {
		return body, err
	}
	if len(s.except) > 0 {
		ex := uuids(s.except)
		body.Exclude = &ex
	}
	return body, nil
}

// uuids converts ids that validate has already checked.
func uuids(ids []string) []openapi_types.UUID {
	out := make([]openapi_types.UUID, len(ids))
	for i, id := range ids {
		out[i] = uuid.MustParse(id) // validate has checked every id
	}
	return out
}
