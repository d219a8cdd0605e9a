package telnyxtest

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Errors of the live changes ([State.Join], [State.Leave], [State.EndSession]) and of
// [State.AddSessionsJSON].
var (
	// ErrNoSession: no session has the given id.
	ErrNoSession = errors.New("telnyxtest: no such session")
	// ErrNoParticipant: the session has no participant with the given id.
	ErrNoParticipant = errors.New("telnyxtest: no such participant")
	// ErrSessionEnded: the session has ended, so nobody can join it.
	ErrSessionEnded = errors.New("telnyxtest: the session has ended")
	// ErrInvalidSession: a session or participant the API could never report (an id
	// that is not a UUID, an id already used, an active session with an ended_at, ...).
	ErrInvalidSession = errors.New("telnyxtest: invalid session")
)

// Join makes p join the active session sessionID now, as the platform would when
// someone enters the room, and returns p as stored: an empty ID gets a random UUID, a
// zero JoinedAt is the clock's now, UpdatedAt is JoinedAt; the session's UpdatedAt
// moves to now. p must not have left (LeftAt set). The change shows in every answer
// from then on, so a program's reaction to someone joining can be tested.
func (s *State) Join(sessionID string, p Participant) (Participant, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.lookupLocked(sessionID)
	switch {
	case sess == nil:
		return Participant{}, fmt.Errorf("%w: %s", ErrNoSession, sessionID)
	case !sess.Active:
		return Participant{}, fmt.Errorf("%w: %s", ErrSessionEnded, sess.ID)
	case !p.LeftAt.IsZero():
		return Participant{}, fmt.Errorf("%w: a participant who joins has not left (left_at is set)", ErrInvalidSession)
	}
	now := s.nowLocked()
	if p.ID == "" {
		p.ID = s.newIDLocked()
	}
	if !isUUID(p.ID) {
		return Participant{}, fmt.Errorf("%w: participant id %q is not a UUID", ErrInvalidSession, p.ID)
	}
	if slices.ContainsFunc(sess.Participants, func(q Participant) bool { return strings.EqualFold(q.ID, p.ID) }) {
		return Participant{}, fmt.Errorf("%w: participant %s is already in session %s", ErrInvalidSession, p.ID, sess.ID)
	}
	p.JoinedAt = wireTime(p.JoinedAt)
	if p.JoinedAt.IsZero() {
		p.JoinedAt = now
	}
	p.UpdatedAt = p.JoinedAt
	sess.Participants = append(sess.Participants, p)
	sess.UpdatedAt = now
	s.participantJoinedLocked(sess, &sess.Participants[len(sess.Participants)-1])
	return p, nil
}

// Leave makes the participant participantID leave the session sessionID now, as the
// platform would when someone closes the call, and returns the participant as stored.
// A participant who has left already stays as they are.
func (s *State) Leave(sessionID, participantID string) (Participant, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.lookupLocked(sessionID)
	if sess == nil {
		return Participant{}, fmt.Errorf("%w: %s", ErrNoSession, sessionID)
	}
	i := slices.IndexFunc(sess.Participants, func(q Participant) bool { return strings.EqualFold(q.ID, participantID) })
	if i < 0 {
		return Participant{}, fmt.Errorf("%w: %s in session %s", ErrNoParticipant, participantID, sess.ID)
	}
	p := &sess.Participants[i]
	if p.LeftAt.IsZero() {
		now := s.nowLocked()
		p.LeftAt, p.UpdatedAt = now, now
		sess.UpdatedAt = now
		s.participantLeftLocked(sess, p, "")
	}
	return *p, nil
}

// EndSession ends the session id now, as the platform would when the room closes (the
// same change as the end action): it becomes inactive, ended_at is now, and everyone
// still present leaves. Ending an ended session changes nothing. It returns the session
// as stored.
func (s *State) EndSession(id string) (Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.lookupLocked(id)
	if sess == nil {
		return Session{}, fmt.Errorf("%w: %s", ErrNoSession, id)
	}
	s.endSessionLocked(sess)
	return cloneSession(*sess), nil
}

// Reset puts the fake back as it started: the sessions of [WithSessions] (none
// without it), the clock as [WithClock] set it, no faults and an empty request log
// (nor webhook faults, and only the webhook deliveries still pending).
// The API key and the ids already handed out stay as they are.
func (s *State) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.restoreSeedLocked()
	s.faults = nil
	s.log.clear()
	s.clock, s.offset = s.startClock, 0
	s.webhooks.reset()
}

// RemoveSession removes the session id and reports whether there was one.
func (s *State) RemoveSession(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.lookupLocked(id)
	if p == nil {
		return false
	}
	delete(s.sessions, strings.ToLower(p.ID))
	s.sorted = slices.DeleteFunc(s.sorted, func(q *Session) bool { return q == p })
	return true
}

// RemoveSessions removes every session.
func (s *State) RemoveSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.sessions)
	s.sorted = nil
}

// AddSessionsJSON stores the sessions of data, a JSON session or array of sessions in
// the API's field names (plus "muted" on participants), filled in as [State.AddSession]
// documents, and returns them as stored. "active" defaults to true unless "ended_at"
// is given. Decoding is strict: an unknown field, a wrong type or an impossible value
// is an error wrapping [ErrInvalidSession] that names the field by its JSON pointer
// ("/0/participants/1/id: ..."). Either all are stored or none. The admin API and
// roomsessions serve --seed use it.
func (s *State) AddSessionsJSON(data []byte) ([]Session, error) {
	sessions, array, ferr := decodeSessionsJSON(data, true)
	if ferr != nil {
		return nil, &adminInputError{fe: ferr}
	}
	stored, ferr := s.addSessions(sessions, array)
	if ferr != nil {
		return nil, &adminInputError{fe: ferr}
	}
	return stored, nil
}

// DecodeSessions decodes data, a JSON array of sessions in the admin API's shape (as
// [State.AddSessionsJSON] takes them, but only an array), and checks them as AddSession
// would, without storing them: roomsessions serve --seed uses it before [WithSessions].
// Its error wraps [ErrInvalidSession] and names the field by its JSON pointer.
func DecodeSessions(data []byte) ([]Session, error) {
	sessions, _, ferr := decodeSessionsJSON(data, false)
	if ferr == nil {
		scratch := newState(&config{}, []Session{})
		_, ferr = scratch.addSessions(sessions, true)
	}
	if ferr != nil {
		return nil, &adminInputError{fe: ferr}
	}
	return sessions, nil
}

// adminInputError is a value given in JSON that the fake refuses; it wraps
// [ErrInvalidSession] and reads "/0/active: must be true or false".
type adminInputError struct{ fe *fieldError }

// Error returns the pointer and what is wrong.
func (e *adminInputError) Error() string { return e.fe.Error() }

// Unwrap returns ErrInvalidSession.
func (e *adminInputError) Unwrap() error { return ErrInvalidSession }

// addSessions stores every session or none. array says whether the sessions came
// as a JSON array, which puts their index in front of an error's pointer.
func (s *State) addSessions(list []Session, array bool) (stored []Session, _ *fieldError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.sessions)+len(list) > maxAdminSessions {
		return nil, &fieldError{detail: fmt.Sprintf("the fake holds at most %d sessions; it has %d", maxAdminSessions, len(s.sessions))}
	}
	filled := make([]Session, len(list))
	seen := make(map[string]bool, len(list))
	for i, sess := range list {
		prefix := ""
		if array {
			prefix = "/" + strconv.Itoa(i)
		}
		f := cloneSession(sess)
		if ferr := s.fillLocked(&f); ferr != nil {
			return nil, ferr.at(prefix)
		}
		if ferr := checkTimes(&f); ferr != nil {
			return nil, ferr.at(prefix)
		}
		key := strings.ToLower(f.ID)
		if _, dup := s.sessions[key]; dup || seen[key] {
			return nil, &fieldError{pointer: prefix + "/id", detail: fmt.Sprintf("session %s already exists", f.ID)}
		}
		seen[key] = true
		filled[i] = f
	}
	for _, f := range filled {
		p := &f
		s.sessions[strings.ToLower(f.ID)] = p
		i, _ := slices.BinarySearchFunc(s.sorted, p, compareSessions)
		s.sorted = slices.Insert(s.sorted, i, p)
		s.sessionStartedLocked(p)
		stored = append(stored, cloneSession(f))
	}
	return stored, nil
}

// checkTimes refuses times the API could never report: an end before the start, a
// participant who left before joining.
func checkTimes(sess *Session) *fieldError {
	if !sess.EndedAt.IsZero() && sess.EndedAt.Before(sess.CreatedAt) {
		return &fieldError{pointer: "/ended_at", detail: "is before created_at"}
	}
	if sess.UpdatedAt.Before(sess.CreatedAt) {
		return &fieldError{pointer: "/updated_at", detail: "is before created_at"}
	}
	for i, p := range sess.Participants {
		if !p.LeftAt.IsZero() && p.LeftAt.Before(p.JoinedAt) {
			return &fieldError{pointer: fmt.Sprintf("/participants/%d/left_at", i), detail: "is before joined_at"}
		}
	}
	return nil
}
