package telnyxtest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/roomsessions/telnyx-go/internal/apijson"
	"github.com/roomsessions/telnyx-go/telnyx"
)

// response is an answer before it is written: the status, headers beyond the standard
// ones, and the body.
type response struct {
	status int
	header http.Header
	body   []byte
}

// Pagination defaults and limits of the two list operations.
const (
	defaultPageSize = 20
	maxPageSize     = 250
)

// matchRoute finds the operation for a request path. found is false when no operation has
// this path; opID is empty when one has it but not for this method, and allow then lists
// the method that has.
func matchRoute(method, escapedPath string) (opID, sessionID, allow string, found bool) {
	rest, ok := strings.CutPrefix(escapedPath, "/v2/")
	if !ok {
		return "", "", "", false
	}
	seg := strings.Split(rest, "/")
	if seg[0] != "room_sessions" || slices.Contains(seg, "") {
		return "", "", "", false
	}
	if len(seg) > 1 {
		sessionID = seg[1]
		if u, err := url.PathUnescape(seg[1]); err == nil {
			sessionID = u
		}
	}
	want := http.MethodGet
	switch {
	case len(seg) == 1:
		opID = opListSessions
	case len(seg) == 2:
		opID = opViewSession
	case len(seg) == 3 && seg[2] == "participants":
		opID = opListParticipants
	case len(seg) == 4 && seg[2] == "actions":
		want = http.MethodPost
		switch seg[3] {
		case "end":
			opID = opEnd
		case "kick":
			opID = opKick
		case "mute":
			opID = opMute
		case "unmute":
			opID = opUnmute
		default:
			return "", "", "", false
		}
	default:
		return "", "", "", false
	}
	if method != want {
		return "", sessionID, want, true
	}
	return opID, sessionID, "", true
}

// serveOperation answers a request that passed authentication, routing and validation.
func (h *handler) serveOperation(opID, sessionID string, query url.Values, body []byte) response {
	switch opID {
	case opListSessions:
		return h.listSessions(query)
	case opViewSession:
		return h.viewSession(sessionID, query)
	case opListParticipants:
		return h.listParticipants(sessionID, query)
	case opEnd:
		return h.endSession(sessionID)
	default:
		return h.participantAction(opID, sessionID, body)
	}
}

// Wire shapes of api/openapi.yaml.

type wireMeta struct {
	PageNumber   int64 `json:"page_number"`
	PageSize     int64 `json:"page_size"`
	TotalPages   int64 `json:"total_pages"`
	TotalResults int64 `json:"total_results"`
}

type wireList[T any] struct {
	Data []T      `json:"data"`
	Meta wireMeta `json:"meta"`
}

type wireOne[T any] struct {
	Data T `json:"data"`
}

type wireResult struct {
	Result string `json:"result"`
}

// ok is a 200 answer with v as JSON.
func ok(v any) response {
	b, err := apijson.Marshal(v)
	if err != nil {
		panic("telnyxtest: encoding a response: " + err.Error()) // generated models and meta only
	}
	return response{status: http.StatusOK, body: b}
}

var actionOK = ok(wireOne[wireResult]{Data: wireResult{Result: "ok"}})

// firstValue returns the value kin-openapi validated for a plain query parameter: the
// first non-empty one.
func firstValue(q url.Values, key string) string {
	for _, v := range q[key] {
		if v != "" {
			return v
		}
	}
	return ""
}

// boolParam reads a validated boolean.
func boolParam(s string) (value, set bool) {
	b, err := strconv.ParseBool(s)
	return b, err == nil
}

// page is a requested page of a list.
type page struct{ number, size int64 }

func parsePage(q url.Values) page {
	p := page{number: 1, size: defaultPageSize}
	props, _ := deepObject(q, "page")
	if n, err := strconv.ParseInt(props["number"], 10, 64); err == nil && n >= 1 {
		p.number = n
	}
	if n, err := strconv.ParseInt(props["size"], 10, 64); err == nil && n >= 1 && n <= maxPageSize {
		p.size = n
	}
	return p
}

// bounds returns the indexes [lo, hi) of the page among total results and its meta.
func (p page) bounds(total int) (lo, hi int, meta wireMeta) {
	t := int64(total)
	meta = wireMeta{
		PageNumber:   p.number,
		PageSize:     p.size,
		TotalPages:   (t + p.size - 1) / p.size,
		TotalResults: t,
	}
	if p.number > meta.TotalPages {
		return total, total, meta
	}
	lo64 := (p.number - 1) * p.size
	return int(lo64), int(min(lo64+p.size, t)), meta
}

// dateFilter is filter[...][eq|gte|lte]: calendar dates, compared in UTC.
type dateFilter struct{ eq, gte, lte string }

func parseDateFilter(props map[string]string, field string) dateFilter {
	return dateFilter{
		eq:  props[field+"\x1feq"],
		gte: props[field+"\x1fgte"],
		lte: props[field+"\x1flte"],
	}
}

func (f dateFilter) set() bool { return f.eq != "" || f.gte != "" || f.lte != "" }

// match reports whether t passes the filter. A filter on an absent time (ended_at of an
// active session, left_at of a present participant) excludes the record.
func (f dateFilter) match(t time.Time) bool {
	if !f.set() {
		return true
	}
	if t.IsZero() {
		return false
	}
	d := t.UTC().Format(time.DateOnly)
	return (f.eq == "" || d == f.eq) && (f.gte == "" || d >= f.gte) && (f.lte == "" || d <= f.lte)
}

type sessionFilter struct {
	roomID                    string
	active, activeSet         bool
	created, updated, endedAt dateFilter
}

func (f sessionFilter) match(s *Session) bool {
	return (f.roomID == "" || strings.EqualFold(f.roomID, s.RoomID)) &&
		(!f.activeSet || f.active == s.Active) &&
		f.created.match(s.CreatedAt) && f.updated.match(s.UpdatedAt) && f.endedAt.match(s.EndedAt)
}

func (h *handler) listSessions(q url.Values) response {
	props, _ := deepObject(q, "filter")
	f := sessionFilter{
		roomID:  props["room_id"],
		created: parseDateFilter(props, "date_created_at"),
		updated: parseDateFilter(props, "date_updated_at"),
		endedAt: parseDateFilter(props, "date_ended_at"),
	}
	f.active, f.activeSet = boolParam(props["active"])
	include, _ := boolParam(firstValue(q, "include_participants"))
	pg := parsePage(q)

	st := h.state
	st.mu.Lock()
	matched := make([]*Session, 0, len(st.sorted))
	for _, s := range st.sorted {
		if f.match(s) {
			matched = append(matched, s)
		}
	}
	lo, hi, meta := pg.bounds(len(matched))
	out := wireList[telnyx.RoomSession]{Data: make([]telnyx.RoomSession, 0, hi-lo), Meta: meta}
	for _, s := range matched[lo:hi] {
		out.Data = append(out.Data, renderSession(s, include))
	}
	st.mu.Unlock()
	return ok(out)
}

func (h *handler) viewSession(id string, q url.Values) response {
	include, _ := boolParam(firstValue(q, "include_participants"))
	st := h.state
	st.mu.Lock()
	s := st.lookupLocked(id)
	if s == nil {
		st.mu.Unlock()
		return errorResponse(http.StatusNotFound, errNoSession)
	}
	out := wireOne[telnyx.RoomSession]{Data: renderSession(s, include)}
	st.mu.Unlock()
	return ok(out)
}

func (h *handler) listParticipants(id string, q url.Values) response {
	props, _ := deepObject(q, "filter")
	context := props["context"]
	_, contextSet := props["context"]
	joined := parseDateFilter(props, "date_joined_at")
	updated := parseDateFilter(props, "date_updated_at")
	left := parseDateFilter(props, "date_left_at")
	pg := parsePage(q)

	st := h.state
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.lookupLocked(id)
	if s == nil {
		return errorResponse(http.StatusNotFound, errNoSession)
	}
	matched := make([]*Participant, 0, len(s.Participants))
	for i := range s.Participants {
		p := &s.Participants[i]
		if (!contextSet || p.Context == context) &&
			joined.match(p.JoinedAt) && updated.match(p.UpdatedAt) && left.match(p.LeftAt) {
			matched = append(matched, p)
		}
	}
	lo, hi, meta := pg.bounds(len(matched))
	out := wireList[telnyx.RoomParticipant]{Data: make([]telnyx.RoomParticipant, 0, hi-lo), Meta: meta}
	for _, p := range matched[lo:hi] {
		out.Data = append(out.Data, renderParticipant(s.ID, p))
	}
	return ok(out)
}

func (h *handler) endSession(id string) response {
	st := h.state
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.lookupLocked(id)
	if s == nil {
		return errorResponse(http.StatusNotFound, errNoSession)
	}
	s.end(st.nowLocked()) // an ended session stays as it is
	return actionOK
}

// actionBody is the validated body of kick, mute and unmute.
type actionBody struct {
	Participants json.RawMessage `json:"participants"`
	Exclude      []string        `json:"exclude"`
}

func parseSelection(body []byte) (selection, error) {
	var b actionBody
	if err := json.Unmarshal(body, &b); err != nil {
		return selection{}, err
	}
	sel := selection{exclude: make(map[string]bool, len(b.Exclude))}
	for _, id := range b.Exclude {
		sel.exclude[strings.ToLower(id)] = true
	}
	var ids []string
	if err := json.Unmarshal(b.Participants, &ids); err != nil {
		sel.all = true // the spec allows only the keyword "all" besides a list
		return sel, nil
	}
	sel.ids = make(map[string]bool, len(ids))
	for _, id := range ids {
		sel.ids[strings.ToLower(id)] = true
	}
	return sel, nil
}

func (h *handler) participantAction(opID, id string, body []byte) response {
	sel, err := parseSelection(body)
	if err != nil { // validation passed, so this cannot happen
		return errorResponse(http.StatusUnprocessableEntity, apiError{Code: codeBadRequest, Detail: "The request body is not valid JSON."})
	}
	st := h.state
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.lookupLocked(id)
	if s == nil {
		return errorResponse(http.StatusNotFound, errNoSession)
	}
	if !s.Active {
		return errorResponse(http.StatusUnprocessableEntity, errEnded)
	}
	now := st.nowLocked()
	switch opID {
	case opKick:
		s.apply(sel, func(p *Participant) {
			p.LeftAt = now
			p.UpdatedAt = now
		})
	case opMute, opUnmute:
		muted := opID == opMute
		s.apply(sel, func(p *Participant) {
			if p.Muted != muted {
				p.Muted = muted
				p.UpdatedAt = now
			}
		})
	}
	return actionOK
}
