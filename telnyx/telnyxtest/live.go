package telnyxtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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
	sess.end(s.nowLocked())
	return cloneSession(*sess), nil
}

// Reset removes every session, fault and recorded request, as a new server would have
// none. The clock and the API key stay as they are.
func (s *State) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.sessions)
	s.sorted = nil
	s.faults = nil
	s.requests = nil
}

// AddSessionsJSON stores the sessions of data, a JSON session or array of sessions in
// the API's field names (plus "muted" on participants), filled in as [State.AddSession]
// documents, and returns them as stored. Either all are stored or, with an error
// wrapping [ErrInvalidSession], none. It is what the admin API and
// roomsessions serve --seed use.
func (s *State) AddSessionsJSON(data []byte) ([]Session, error) {
	sessions, err := decodeSessions(data)
	if err != nil {
		return nil, err
	}
	return s.addSessions(sessions)
}

// decodeSessions decodes one session or an array of them.
func decodeSessions(data []byte) ([]Session, error) {
	var list []Session
	trimmed := strings.TrimSpace(string(data))
	if strings.HasPrefix(trimmed, "{") {
		var one Session
		if err := json.Unmarshal(data, &one); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalidSession, err)
		}
		return []Session{one}, nil
	}
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, fmt.Errorf("%w: want a session object or an array of them: %v", ErrInvalidSession, err)
	}
	return list, nil
}

// addSessions stores every session or none.
func (s *State) addSessions(list []Session) (stored []Session, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	filled := make([]Session, len(list))
	seen := make(map[string]bool, len(list))
	for i, sess := range list {
		f, ferr := s.tryFillLocked(sess)
		if ferr != nil {
			return nil, fmt.Errorf("%w: session [%d]: %s", ErrInvalidSession, i, ferr)
		}
		key := strings.ToLower(f.ID)
		if _, dup := s.sessions[key]; dup || seen[key] {
			return nil, fmt.Errorf("%w: session [%d]: session %s already exists", ErrInvalidSession, i, f.ID)
		}
		seen[key] = true
		filled[i] = f
	}
	for _, f := range filled {
		p := &f
		s.sessions[strings.ToLower(f.ID)] = p
		i, _ := slices.BinarySearchFunc(s.sorted, p, compareSessions)
		s.sorted = slices.Insert(s.sorted, i, p)
		stored = append(stored, cloneSession(f))
	}
	return stored, nil
}

// tryFillLocked is fillLocked on a copy of sess, with its panic turned into an error.
func (s *State) tryFillLocked(sess Session) (filled Session, err error) {
	defer func() {
		if r := recover(); r != nil {
			msg := strings.TrimPrefix(fmt.Sprint(r), "telnyxtest: AddSession: ")
			err = errors.New(msg)
		}
	}()
	filled = cloneSession(sess)
	s.fillLocked(&filled)
	return filled, nil
}
