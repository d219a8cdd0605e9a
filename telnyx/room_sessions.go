package telnyx

import (
	"cmp"
	"context"
	"iter"
	"net/http"

	"github.com/google/uuid"
	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/roomsessions/telnyx-go/gen"
)

// RoomSessionsService holds the Room Sessions operations; use it as client.RoomSessions.
type RoomSessionsService struct {
	c *Client
}

// List returns one page of room sessions (GET /room_sessions). A nil p means no
// filters, the first page and the server's page size.
func (s *RoomSessionsService) List(ctx context.Context, p *ListRoomSessionsParams, opts ...Option) (*Page[RoomSession], error) {
	return s.sessions(p, opts, false).page(ctx)
}

// All iterates over every room session matching p, from p.PageNumber (default 1) with
// p.PageSize (default 250), fetching up to [WithPageConcurrency] pages at once, yielded
// in order. It yields an error at most once, then stops. p is copied, never modified.
func (s *RoomSessionsService) All(ctx context.Context, p *ListRoomSessionsParams, opts ...Option) iter.Seq2[RoomSession, error] {
	return s.sessions(p, opts, true).all(ctx)
}

// sessions describes the listing of the sessions matching p.
func (s *RoomSessionsService) sessions(p *ListRoomSessionsParams, opts []Option, iterating bool) *listing[RoomSession] {
	q := cmp.Or(p, &ListRoomSessionsParams{}) // read here only: the caller may reuse p
	wp, err := q.wire()
	l := &listing[RoomSession]{op: opListSessions, where: opListSessions.name,
		first: q.PageNumber, size: q.PageSize, id: func(s RoomSession) string { return s.ID },
		build: func(server string, page *gen.Page) (*http.Request, error) {
			w := *wp // each request gets its own copy, so the iterator can be reused
			w.Page = page
			return gen.NewListRoomSessionsRequest(server, &w)
		}}
	return l.init(s.c, opts, iterating, err)
}

// Get returns one room session (GET /room_sessions/{id}); with p.IncludeParticipants
// its participants too.
func (s *RoomSessionsService) Get(ctx context.Context, id string, p *GetRoomSessionParams, opts ...Option) (*RoomSession, error) {
	cfg, err := s.c.forCall(opts)
	if err != nil {
		return nil, s.c.cfg.key.redact(err)
	}
	body, err := do(ctx, cfg, opGetSession, func(server string) (*http.Request, error) {
		sid, err := parseID("id", id)
		if err != nil {
			return nil, err
		}
		wp := gen.ViewRoomSessionParams{IncludeParticipants: nonZero(p != nil && p.IncludeParticipants)}
		return gen.NewViewRoomSessionRequest(server, sid, nonZero(wp))
	}, decodeGet[RoomSession](opGetSession.answer))
	if err != nil {
		return nil, err
	}
	return &body.Data, nil
}

// Participants returns one page of a session's participants
// (GET /room_sessions/{id}/participants).
func (s *RoomSessionsService) Participants(ctx context.Context, sessionID string, p *ListParticipantsParams, opts ...Option) (*Page[RoomParticipant], error) {
	return s.participants(sessionID, p, opts, false).page(ctx)
}

// AllParticipants iterates over every participant of a session matching p, like
// [RoomSessionsService.All].
func (s *RoomSessionsService) AllParticipants(ctx context.Context, sessionID string, p *ListParticipantsParams, opts ...Option) iter.Seq2[RoomParticipant, error] {
	return s.participants(sessionID, p, opts, true).all(ctx)
}

// participants describes the listing of a session's participants matching p.
func (s *RoomSessionsService) participants(sessionID string, p *ListParticipantsParams, opts []Option,
	iterating bool) *listing[RoomParticipant] {
	q := cmp.Or(p, &ListParticipantsParams{})
	sid, err := parseID("sessionID", sessionID)
	wp, werr := q.wire()
	path := "/room_sessions/" + sid.String() + "/participants"
	l := &listing[RoomParticipant]{op: opListParticipants, where: opWithPath(opListParticipants.name, path),
		first: q.PageNumber, size: q.PageSize, id: func(p RoomParticipant) string { return p.ID },
		build: func(server string, page *gen.Page) (*http.Request, error) {
			w := *wp
			w.Page = page
			return gen.NewListRoomParticipantsRequest(server, sid, &w)
		}}
	return l.init(s.c, opts, iterating, cmp.Or(err, werr))
}

// End ends a session (POST /room_sessions/{id}/actions/end); every participant still
// present leaves. Ending an ended session succeeds, so a retried End converges. Any 2xx
// answer is success; see "Actions" in the package documentation for retries.
func (s *RoomSessionsService) End(ctx context.Context, id string, opts ...Option) error {
	return s.act(ctx, opts, opEnd, id, nil, func(server string, sid gen.RoomSessionID, _ gen.ActionsParticipantsRequest) (*http.Request, error) {
		return gen.NewEndSessionRequest(server, sid)
	})
}

// Kick makes the selected participants leave the session
// (POST /room_sessions/{id}/actions/kick). On a session that has ended (even since the
// List that found it) the error matches [ErrSessionEnded]; see "Actions" in the package docs.
func (s *RoomSessionsService) Kick(ctx context.Context, id string, who Selection, opts ...Option) error {
	return s.act(ctx, opts, opKick, id, &who, gen.NewKickParticipantInSessionRequest)
}

// Mute mutes the selected participants (POST /room_sessions/{id}/actions/mute). On a
// session that has ended the error matches [ErrSessionEnded]. A retried Mute can land
// after a later Unmute: see "Actions" in the package documentation.
func (s *RoomSessionsService) Mute(ctx context.Context, id string, who Selection, opts ...Option) error {
	return s.act(ctx, opts, opMute, id, &who, gen.NewMuteParticipantInSessionRequest)
}

// Unmute unmutes the selected participants (POST /room_sessions/{id}/actions/unmute).
// On a session that has ended the error matches [ErrSessionEnded]. A retried Unmute can
// land after a later Mute: see "Actions" in the package documentation.
func (s *RoomSessionsService) Unmute(ctx context.Context, id string, who Selection, opts ...Option) error {
	return s.act(ctx, opts, opUnmute, id, &who, gen.NewUnmuteParticipantInSessionRequest)
}

// act validates and sends an action with build, one of gen's builders; who is nil for End.
func (s *RoomSessionsService) act(ctx context.Context, opts []Option, op operation, id string, who *Selection,
	build func(string, gen.RoomSessionID, gen.ActionsParticipantsRequest) (*http.Request, error)) error {
	cfg, err := s.c.forCall(opts)
	if err != nil {
		return s.c.cfg.key.redact(err)
	}
	_, err = do[struct{}](ctx, cfg, op, func(server string) (*http.Request, error) {
		sid, err := parseID("id", id)
		if err != nil {
			return nil, err
		}
		var body gen.ActionsParticipantsRequest
		if who != nil {
			if body, err = who.wire(); err != nil {
				return nil, err
			}
		}
		return build(server, sid, body)
	}, nil)
	return err
}

// isUUID reports whether s is a UUID in its canonical 8-4-4-4-12 form, in any case.
func isUUID(s string) bool { return len(s) == 36 && uuid.Validate(s) == nil }

// parseID checks that id is a UUID and returns it in the generated code's type.
func parseID(name, id string) (openapi_types.UUID, error) {
	if !isUUID(id) {
		return openapi_types.UUID{}, invalidValue(name, id, "is not a UUID")
	}
	return uuid.MustParse(id), nil
}
