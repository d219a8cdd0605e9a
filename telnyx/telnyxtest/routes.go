package telnyxtest

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// This file routes a request to its operation.

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
