package telnyxtest

import (
	crand "crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// State is the fake's in-memory state: sessions, scripted faults, recorded requests and
// the clock. It is safe for concurrent use. [NewHandler] returns one; a [Server] embeds one.
type State struct {
	mu       sync.Mutex
	clock    func() time.Time
	offset   time.Duration
	ids      io.Reader           // nil: crypto/rand
	sessions map[string]*Session // by lower-case id
	sorted   []*Session          // list order: newest created_at first, then id
	faults   []*fault
	requests []Request
	noRecord bool          // WithoutRequestLog
	done     chan struct{} // closed by Server.Close: ends pending latencies
	closed   bool
	hook     func(Request) // OnRequest; read under mu
	hookMu   sync.Mutex    // runs the hooks one at a time
}

func newState(cfg *config) *State {
	st := &State{
		clock:    cfg.clock,
		noRecord: cfg.noRecord,
		sessions: make(map[string]*Session),
		done:     make(chan struct{}),
	}
	if st.clock == nil {
		st.clock = time.Now
	}
	if cfg.seeded {
		var seed [32]byte
		binary.LittleEndian.PutUint64(seed[:], cfg.seed)
		st.ids = rand.NewChaCha8(seed)
	}
	return st
}

// Now returns the fake's current time, in UTC and truncated to microseconds as the API
// reports times.
func (s *State) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nowLocked()
}

// SetNow stops the clock at t: from now on every time the fake records is t, until the
// next SetNow or [State.Advance].
func (s *State) SetNow(t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clock = func() time.Time { return t }
	s.offset = 0
}

// Advance moves the clock forward by d (backward if d is negative).
func (s *State) Advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offset += d
}

func (s *State) nowLocked() time.Time {
	return wireTime(s.clock().Add(s.offset))
}

// wireTime is t as the wire can carry it: UTC, microseconds, no monotonic reading.
func wireTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

// newIDLocked returns a random (version 4) UUID, from the seeded source if there is one.
func (s *State) newIDLocked() string {
	var b [16]byte
	if s.ids != nil {
		_, _ = io.ReadFull(s.ids, b[:]) // ChaCha8.Read never fails
	} else {
		_, _ = crand.Read(b[:]) // crypto/rand.Read never returns an error
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// isUUID reports whether id has the 8-4-4-4-12 hex layout of a UUID, in any case and of
// any version, which is what the spec's format "uuid" accepts here.
func isUUID(id string) bool { return uuidRE.MatchString(id) }

// AddSession stores sess and returns it as stored, with what it lacked filled in:
//
//   - an empty ID or RoomID gets a random UUID, and so does an empty participant ID;
//   - a zero CreatedAt is the clock's now; a zero UpdatedAt is EndedAt if set, else CreatedAt;
//   - a session that is not Active and has no EndedAt ended at its UpdatedAt (or CreatedAt);
//   - in an ended session, participants still present left when it ended;
//   - a zero JoinedAt is the session's CreatedAt; a zero participant UpdatedAt is LeftAt if
//     set, else JoinedAt.
//
// Times are stored in UTC, truncated to microseconds. AddSession panics on a seed the API
// could never report: an id that is not a UUID, a session id already stored, a repeated
// participant id, or an Active session with an EndedAt.
func (s *State) AddSession(sess Session) Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	stored := cloneSession(sess)
	s.fillLocked(&stored)
	key := strings.ToLower(stored.ID)
	if _, dup := s.sessions[key]; dup {
		panic(fmt.Sprintf("telnyxtest: AddSession: session %s already exists", stored.ID))
	}
	p := &stored
	s.sessions[key] = p
	i, _ := slices.BinarySearchFunc(s.sorted, p, compareSessions)
	s.sorted = slices.Insert(s.sorted, i, p)
	return cloneSession(stored)
}

// fillLocked validates sess and fills in what it lacks, as AddSession documents.
func (s *State) fillLocked(sess *Session) {
	check := func(what, id string) {
		if !isUUID(id) {
			panic(fmt.Sprintf("telnyxtest: AddSession: %s %q is not a UUID", what, id))
		}
	}
	if sess.ID == "" {
		sess.ID = s.newIDLocked()
	}
	check("session ID", sess.ID)
	if sess.RoomID == "" {
		sess.RoomID = s.newIDLocked()
	}
	check("RoomID", sess.RoomID)
	if sess.Active && !sess.EndedAt.IsZero() {
		panic(fmt.Sprintf("telnyxtest: AddSession: session %s is Active but has an EndedAt", sess.ID))
	}
	sess.CreatedAt, sess.UpdatedAt, sess.EndedAt = wireTime(sess.CreatedAt), wireTime(sess.UpdatedAt), wireTime(sess.EndedAt)
	if sess.CreatedAt.IsZero() {
		sess.CreatedAt = s.nowLocked()
	}
	if !sess.Active && sess.EndedAt.IsZero() {
		sess.EndedAt = cmpOr(sess.UpdatedAt, sess.CreatedAt)
	}
	if sess.UpdatedAt.IsZero() {
		sess.UpdatedAt = cmpOr(sess.EndedAt, sess.CreatedAt)
	}
	seen := make(map[string]bool, len(sess.Participants))
	for i := range sess.Participants {
		p := &sess.Participants[i]
		if p.ID == "" {
			p.ID = s.newIDLocked()
		}
		check("participant ID", p.ID)
		if seen[strings.ToLower(p.ID)] {
			panic(fmt.Sprintf("telnyxtest: AddSession: participant %s appears twice", p.ID))
		}
		seen[strings.ToLower(p.ID)] = true
		p.JoinedAt, p.UpdatedAt, p.LeftAt = wireTime(p.JoinedAt), wireTime(p.UpdatedAt), wireTime(p.LeftAt)
		if p.JoinedAt.IsZero() {
			p.JoinedAt = sess.CreatedAt
		}
		if !sess.Active && p.LeftAt.IsZero() {
			p.LeftAt = sess.EndedAt
		}
		if p.UpdatedAt.IsZero() {
			p.UpdatedAt = cmpOr(p.LeftAt, p.JoinedAt)
		}
	}
}

// cmpOr returns the first non-zero time.
func cmpOr(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// compareSessions orders sessions as the list operation does: newest created_at first,
// then id ascending.
func compareSessions(a, b *Session) int {
	if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
		return c
	}
	return strings.Compare(strings.ToLower(a.ID), strings.ToLower(b.ID))
}

// Session returns a copy of the session with the given id (in any case), with its
// participants in the order they were added, and whether it exists.
func (s *State) Session(id string) (Session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.sessions[strings.ToLower(id)]
	if !ok {
		return Session{}, false
	}
	return cloneSession(*p), true
}

// Sessions returns copies of every session, in the order the list operation uses:
// newest CreatedAt first, then id.
func (s *State) Sessions() []Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Session, len(s.sorted))
	for i, p := range s.sorted {
		out[i] = cloneSession(*p)
	}
	return out
}

// lookupLocked returns the stored session with the given id, or nil.
func (s *State) lookupLocked(id string) *Session {
	return s.sessions[strings.ToLower(id)]
}

func cloneSession(s Session) Session {
	s.Participants = slices.Clone(s.Participants)
	return s
}

// end ends the session at now: see the package documentation.
func (sess *Session) end(now time.Time) {
	if !sess.Active {
		return
	}
	sess.Active = false
	sess.EndedAt = now
	sess.UpdatedAt = now
	for i := range sess.Participants {
		p := &sess.Participants[i]
		if p.LeftAt.IsZero() {
			p.LeftAt = now
			p.UpdatedAt = now
		}
	}
}

// selection is the decoded body of kick, mute and unmute.
type selection struct {
	all     bool
	ids     map[string]bool // lower-case; when !all
	exclude map[string]bool // lower-case
}

func (sel selection) has(id string) bool {
	id = strings.ToLower(id)
	return (sel.all || sel.ids[id]) && !sel.exclude[id]
}

// apply runs fn on every selected participant still present; unknown ids are ignored.
func (sess *Session) apply(sel selection, fn func(p *Participant)) {
	for i := range sess.Participants {
		p := &sess.Participants[i]
		if p.LeftAt.IsZero() && sel.has(p.ID) {
			fn(p)
		}
	}
}
