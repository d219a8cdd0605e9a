package telnyxtest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// This file holds the seven operations.

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
	st.endSessionLocked(s) // an ended session stays as it is
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
			st.participantLeftLocked(s, p, "kicked")
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
