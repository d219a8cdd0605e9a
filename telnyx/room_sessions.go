package telnyx

import (
	"context"
	"iter"
	"net/http"

	"github.com/roomsessions/telnyx-go/gen"
)

// RoomSessionsService holds the Room Sessions operations; use it as client.RoomSessions.
type RoomSessionsService struct {
	c *Client
}

// List returns one page of room sessions (GET /room_sessions). A nil p means no
// filters, the first page and the server's page size.
func (s *RoomSessionsService) List(ctx context.Context, p *ListRoomSessionsParams) (*Page[RoomSession], error) {
	wp, err := p.wire()
	if err != nil {
		return nil, s.c.scrub(err)
	}
	page, _, err := s.list(ctx, wp)
	return page, err
}

// list fetches one page; the bool reports whether the answer carried meta.
func (s *RoomSessionsService) list(ctx context.Context, wp *gen.ListRoomSessionsParams) (*Page[RoomSession], bool, error) {
	req, err := gen.NewListRoomSessionsRequest(s.c.s.server, wp)
	if err != nil {
		return nil, false, buildErr(opListSessions, err)
	}
	var body listBody[RoomSession]
	if err := s.c.do(ctx, opListSessions, req, &body); err != nil {
		return nil, false, err
	}
	page, hasMeta := body.page()
	return page, hasMeta, nil
}

// All iterates over every room session matching p, fetching pages lazily from
// p.PageNumber (default 1) with p.PageSize (default 250). It yields an error at most
// once, then stops. p is copied, never modified.
func (s *RoomSessionsService) All(ctx context.Context, p *ListRoomSessionsParams) iter.Seq2[RoomSession, error] {
	var q ListRoomSessionsParams
	if p != nil {
		q = *p
	}
	if q.PageSize == 0 {
		q.PageSize = defaultIterPageSize
	}
	wp, err := q.wire()
	if err != nil {
		return yieldErr[RoomSession](s.c.scrub(err))
	}
	return paginate(ctx, opListSessions, q.PageNumber, sessionKey, func(number int) (*Page[RoomSession], bool, error) {
		w := *wp // each call gets its own copy, so the iterator can be reused
		w.Page = &gen.PageParams{Number: &number, Size: wp.Page.Size}
		return s.list(ctx, &w)
	})
}

// Get returns one room session (GET /room_sessions/{id}); with p.IncludeParticipants
// its participants too.
func (s *RoomSessionsService) Get(ctx context.Context, id string, p *GetRoomSessionParams) (*RoomSession, error) {
	sid, err := parseID("id", id)
	if err != nil {
		return nil, s.c.scrub(err)
	}
	var wp *gen.ViewRoomSessionParams
	if p != nil && p.IncludeParticipants {
		wp = &gen.ViewRoomSessionParams{IncludeParticipants: &p.IncludeParticipants}
	}
	req, err := gen.NewViewRoomSessionRequest(s.c.s.server, sid, wp)
	if err != nil {
		return nil, buildErr(opGetSession, err)
	}
	var body struct {
		Data RoomSession `json:"data"`
	}
	if err := s.c.do(ctx, opGetSession, req, &body); err != nil {
		return nil, err
	}
	return &body.Data, nil
}

// Participants returns one page of a session's participants
// (GET /room_sessions/{id}/participants).
func (s *RoomSessionsService) Participants(ctx context.Context, sessionID string, p *ListParticipantsParams) (*Page[RoomParticipant], error) {
	sid, err := parseID("sessionID", sessionID)
	if err != nil {
		return nil, s.c.scrub(err)
	}
	wp, err := p.wire()
	if err != nil {
		return nil, s.c.scrub(err)
	}
	page, _, err := s.participants(ctx, sid, wp)
	return page, err
}

// participants fetches one page; the bool reports whether the answer carried meta.
func (s *RoomSessionsService) participants(ctx context.Context, sid gen.RoomSessionID, wp *gen.ListRoomParticipantsParams) (*Page[RoomParticipant], bool, error) {
	req, err := gen.NewListRoomParticipantsRequest(s.c.s.server, sid, wp)
	if err != nil {
		return nil, false, buildErr(opListParticipants, err)
	}
	var body listBody[RoomParticipant]
	if err := s.c.do(ctx, opListParticipants, req, &body); err != nil {
		return nil, false, err
	}
	page, hasMeta := body.page()
	return page, hasMeta, nil
}

// AllParticipants iterates over every participant of a session matching p, like
// [RoomSessionsService.All].
func (s *RoomSessionsService) AllParticipants(ctx context.Context, sessionID string, p *ListParticipantsParams) iter.Seq2[RoomParticipant, error] {
	sid, err := parseID("sessionID", sessionID)
	if err != nil {
		return yieldErr[RoomParticipant](s.c.scrub(err))
	}
	var q ListParticipantsParams
	if p != nil {
		q = *p
	}
	if q.PageSize == 0 {
		q.PageSize = defaultIterPageSize
	}
	wp, err := q.wire()
	if err != nil {
		return yieldErr[RoomParticipant](s.c.scrub(err))
	}
	return paginate(ctx, opListParticipants, q.PageNumber, participantKey, func(number int) (*Page[RoomParticipant], bool, error) {
		w := *wp
		w.Page = &gen.PageParams{Number: &number, Size: wp.Page.Size}
		return s.participants(ctx, sid, &w)
	})
}

// End ends a session (POST /room_sessions/{id}/actions/end); every participant still
// present leaves. Ending an ended session succeeds, so a retried End converges.
func (s *RoomSessionsService) End(ctx context.Context, id string) error {
	sid, err := parseID("id", id)
	if err != nil {
		return s.c.scrub(err)
	}
	req, err := gen.NewEndSessionRequest(s.c.s.server, sid)
	if err != nil {
		return buildErr(opEnd, err)
	}
	return s.c.do(ctx, opEnd, req, new(actionBody))
}

// Kick makes the selected participants leave the session
// (POST /room_sessions/{id}/actions/kick).
func (s *RoomSessionsService) Kick(ctx context.Context, id string, who Selection) error {
	return s.act(ctx, opKick, id, who, gen.NewKickParticipantInSessionRequest)
}

// Mute mutes the selected participants (POST /room_sessions/{id}/actions/mute).
func (s *RoomSessionsService) Mute(ctx context.Context, id string, who Selection) error {
	return s.act(ctx, opMute, id, who, gen.NewMuteParticipantInSessionRequest)
}

// Unmute unmutes the selected participants (POST /room_sessions/{id}/actions/unmute).
func (s *RoomSessionsService) Unmute(ctx context.Context, id string, who Selection) error {
	return s.act(ctx, opUnmute, id, who, gen.NewUnmuteParticipantInSessionRequest)
}

// actionBody is the answer to an action: {"data":{"result":"ok"}}.
type actionBody struct {
	Data struct {
		Result string `json:"result"`
	} `json:"data"`
}

type actionBuilder func(server string, id gen.RoomSessionID, body gen.ActionsParticipantsRequest) (*http.Request, error)

// act validates and sends kick, mute or unmute.
func (s *RoomSessionsService) act(ctx context.Context, op operation, id string, who Selection, build actionBuilder) error {
	sid, err := parseID("id", id)
	if err != nil {
		return s.c.scrub(err)
	}
	body, err := who.wire()
	if err != nil {
		return s.c.scrub(err)
	}
	req, err := build(s.c.s.server, sid, body)
	if err != nil {
		return buildErr(op, err)
	}
	return s.c.do(ctx, op, req, new(actionBody))
}

// yieldErr is an iterator that yields err once.
func yieldErr[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}

func sessionKey(s RoomSession) string         { return s.ID }
func participantKey(p RoomParticipant) string { return p.ID }
