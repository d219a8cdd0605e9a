package telnyx

import (
	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/roomsessions/telnyx-go/gen"
)

// DateFilter selects records by calendar date, in UTC as the API compares them: on Eq, on
// or after Gte, on or before Lte. A zero [Date] leaves that bound unset; an impossible one
// is an [ErrInvalidArgument]. [DateOf] turns an instant into the date the API files it under.
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

// nonZero returns a pointer to a copy of v, or nil when v is the zero value.
func nonZero[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return new(v)
}

// clone returns a pointer to a copy of *v, or nil: the request of a page fetched later
// must not read what the caller may have changed since.
func clone[T any](v *T) *T {
	if v == nil {
		return nil
	}
	return new(*v)
}

// wirer converts parameters to gen's types, keeping the first error.
type wirer struct{ err error }

// id converts the UUID given as name, or returns nil when s is empty.
func (w *wirer) id(name, s string) *openapi_types.UUID {
	if s == "" || w.err != nil {
		return nil
	}
	u, err := parseID(name, s)
	w.err = err
	return &u
}

// dates converts f, checking each date it sets, or returns nil when f sets none.
func (w *wirer) dates(name string, f DateFilter) *gen.DateRange {
	if f.IsZero() || w.err != nil {
		return nil
	}
	var r gen.DateRange
	dates, to := [3]Date{f.Eq, f.Gte, f.Lte}, [3]**openapi_types.Date{&r.Eq, &r.Gte, &r.Lte}
	for i, bound := range [3]string{".Eq", ".Gte", ".Lte"} {
		if d := dates[i]; !d.IsZero() && w.err == nil {
			w.err = d.check(name + bound)
			*to[i] = &openapi_types.Date{Time: d.Time()}
		}
	}
	return &r
}

// wire converts the filters of p (the listing adds the page).
func (p *ListRoomSessionsParams) wire() (*gen.ListRoomSessionsParams, error) {
	var w wirer
	f := gen.RoomSessionsFilter{RoomId: w.id("RoomID", p.RoomID), Active: clone(p.Active),
		DateCreatedAt: w.dates("CreatedAt", p.CreatedAt), DateUpdatedAt: w.dates("UpdatedAt", p.UpdatedAt),
		DateEndedAt: w.dates("EndedAt", p.EndedAt)}
	out := gen.ListRoomSessionsParams{Filter: nonZero(f), IncludeParticipants: nonZero(p.IncludeParticipants)}
	return &out, w.err
}

// wire converts the filters of p (the listing adds the page).
func (p *ListParticipantsParams) wire() (*gen.ListRoomParticipantsParams, error) {
	var w wirer
	f := gen.RoomParticipantsFilter{Context: nonZero(p.Context),
		DateJoinedAt: w.dates("JoinedAt", p.JoinedAt), DateUpdatedAt: w.dates("UpdatedAt", p.UpdatedAt),
		DateLeftAt: w.dates("LeftAt", p.LeftAt)}
	return &gen.ListRoomParticipantsParams{Filter: nonZero(f)}, w.err
}
