package telnyx

import (
	"cmp"
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
func (s *RoomSessionsService) List(ctx context.Context, p *ListRoomSessionsParams, opts ...Option) (*Page[RoomSession], error) {
	cfg, err := s.c.forCall(opts)
	if err != nil {
		return nil, s.c.cfg.key.redact(err)
	}
	var size int
	if p != nil {
		size = p.PageSize
	}
	page, _, err := listPage[RoomSession](ctx, cfg, opListSessions, size, func(server string) (*http.Request, error) {
		wp, err := p.wire()
		if err != nil {
			return nil, err
		}
		return gen.NewListRoomSessionsRequest(server, wp)
	})
	return page, err
}

// All iterates over every room session matching p, from p.PageNumber (default 1) with
// p.PageSize (default 250). Once the first page has told how many there are, it fetches
// up to [WithPageConcurrency] pages at once and yields them in order. It yields an error
// at most once, then stops. p is copied, never modified.
func (s *RoomSessionsService) All(ctx context.Context, p *ListRoomSessionsParams, opts ...Option) iter.Seq2[RoomSession, error] {
	var q ListRoomSessionsParams
	if p != nil {
		q = *p
	}
	if q.PageSize == 0 {
		q.PageSize = defaultIterPageSize
	}
	wp, err := q.wire()
	return listAll(ctx, s.c, opts, opListSessions, "", q.PageNumber, q.PageSize, sessionKey, err, func(server string, number int) (*http.Request, error) {
		w := *wp // each call gets its own copy, so the iterator can be reused
		w.Page = &gen.PageParams{Number: &number, Size: wp.Page.Size}
		return gen.NewListRoomSessionsRequest(server, &w)
	})
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
		include := p != nil && p.IncludeParticipants
		var wp *gen.ViewRoomSessionParams
		if include {
			wp = &gen.ViewRoomSessionParams{IncludeParticipants: &include}
		}
		return gen.NewViewRoomSessionRequest(server, sid, wp)
	}, decodeJSON[dataBody[RoomSession]])
	if err != nil {
		return nil, err
	}
	return &body.Data, nil
}

// Participants returns one page of a session's participants
// (GET /room_sessions/{id}/participants).
func (s *RoomSessionsService) Participants(ctx context.Context, sessionID string, p *ListParticipantsParams, opts ...Option) (*Page[RoomParticipant], error) {
	cfg, err := s.c.forCall(opts)
	if err != nil {
		return nil, s.c.cfg.key.redact(err)
	}
	var size int
	if p != nil {
		size = p.PageSize
	}
	page, _, err := listPage[RoomParticipant](ctx, cfg, opListParticipants, size, func(server string) (*http.Request, error) {
		sid, err := parseID("sessionID", sessionID)
		if err != nil {
			return nil, err
		}
		wp, err := p.wire()
		if err != nil {
			return nil, err
		}
		return gen.NewListRoomParticipantsRequest(server, sid, wp)
	})
	return page, err
}

// AllParticipants iterates over every participant of a session matching p, like
// [RoomSessionsService.All].
func (s *RoomSessionsService) AllParticipants(ctx context.Context, sessionID string, p *ListParticipantsParams, opts ...Option) iter.Seq2[RoomParticipant, error] {
	var q ListParticipantsParams
	if p != nil {
		q = *p
	}
	if q.PageSize == 0 {
		q.PageSize = defaultIterPageSize
	}
	sid, err := parseID("sessionID", sessionID)
	var wp *gen.ListRoomParticipantsParams
	if err == nil {
		wp, err = q.wire()
	}
	var path string // named in the iterator's errors
	if err == nil {
		path = "/room_sessions/" + sid.String() + "/participants"
	}
	return listAll(ctx, s.c, opts, opListParticipants, path, q.PageNumber, q.PageSize, participantKey, err, func(server string, number int) (*http.Request, error) {
		w := *wp
		w.Page = &gen.PageParams{Number: &number, Size: wp.Page.Size}
		return gen.NewListRoomParticipantsRequest(server, sid, &w)
	})
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

// actionBuilder is one of the generated builders of kick, mute and unmute.
type actionBuilder func(server string, id gen.RoomSessionID, body gen.ActionsParticipantsRequest) (*http.Request, error)

// act validates and sends an action; who is nil for End.
func (s *RoomSessionsService) act(ctx context.Context, opts []Option, op operation, id string, who *Selection, build actionBuilder) error {
	cfg, err := s.c.forCall(opts)
	if err != nil {
		return s.c.cfg.key.redact(err)
	}
	_, err = do(ctx, cfg, op, func(server string) (*http.Request, error) {
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
	}, skipBody)
	return err
}

// listPage fetches one page of a list operation, sessions or participants, asking for
// size items (0: the server's default); hasMeta reports whether the answer carried meta.
func listPage[T any](ctx context.Context, cfg *config, op operation, size int, build builder) (page *Page[T], hasMeta bool, err error) {
	if size <= 0 {
		size = maxPageSize // the server's default size is smaller
	}
	body, err := do(ctx, cfg, op, build, decodeList[T](size))
	if err != nil {
		return nil, false, err
	}
	page, hasMeta = body.page()
	return page, hasMeta, nil
}

// listAll iterates over a list operation from page first, asking for pages of size
// items; buildPage builds the request for a page number. path is the path requested,
// for errors, when it differs from op's template. A non-nil invalid is the arguments'
// validation error, yielded once.
func listAll[T any](ctx context.Context, c *Client, opts []Option, op operation, path string, first, size int, key func(T) string, invalid error, buildPage func(server string, number int) (*http.Request, error)) iter.Seq2[T, error] {
	cfg, err := c.forCall(opts)
	if invalid != nil || err != nil {
		return yieldErr[T](c.cfg.key.redact(cmp.Or(err, invalid)))
	}
	return paginate(ctx, opWithPath(op.name, path), first, cfg.pageConc, key, func(ctx context.Context, number int) (*Page[T], bool, error) {
		return listPage[T](ctx, cfg, op, size, func(server string) (*http.Request, error) { return buildPage(server, number) })
	})
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
