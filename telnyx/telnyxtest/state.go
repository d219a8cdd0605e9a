package telnyxtest

import (
	crand "crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
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
	faultSeq int // the number of the last fault registered: its id
	log      requestLog
	noRecord bool          // WithoutRequestLog
	done     chan struct{} // closed by Server.Close: ends pending latencies
	closed   bool
	hook     func(Request) // OnRequest; read under mu
	webhooks *webhooks     // WithWebhooks; nil: off
	hookMu   sync.Mutex    // runs the hooks one at a time

	adminOnce sync.Once
	admin     http.Handler // AdminHandler's

	startClock func() time.Time // the clock at start, which Reset restores
	seed       []Session        // the sessions at start (WithSessions), which Reset restores
}

// newState returns a state configured by cfg. Its sessions are seed when it is not
// nil (already filled in, so every world of a Standalone has the same ids), else
// cfg.sessions, filled in as AddSession does.
func newState(cfg *config, seed []Session) *State {
	st := &State{
		clock:    cfg.clock,
		noRecord: cfg.noRecord,
		sessions: make(map[string]*Session),
		done:     make(chan struct{}),
		log:      requestLog{max: cmpOrInt(cfg.maxRequests, DefaultMaxRequests), maxBytes: maxLogBytes},
	}
	if st.clock == nil {
		st.clock = time.Now
	}
	st.startClock = st.clock
	if cfg.seeded {
		var seed [32]byte
		binary.LittleEndian.PutUint64(seed[:], cfg.seed)
		st.ids = rand.NewChaCha8(seed)
	}
	if seed == nil {
		for _, sess := range cfg.sessions {
			seed = append(seed, st.AddSession(sess))
		}
		clear(st.sessions)
		st.sorted = nil
	}
	st.seed = seed
	st.restoreSeedLocked()
	st.webhooks = newWebhooks(cfg, st.done) // after the seed: it was there before the fake started
	return st
}

// restoreSeedLocked replaces the sessions by copies of the seed.
func (s *State) restoreSeedLocked() {
	clear(s.sessions)
	s.sorted = s.sorted[:0]
	for _, sess := range s.seed {
		p := new(Session)
		*p = cloneSession(sess)
		s.sessions[strings.ToLower(p.ID)] = p
		s.sorted = append(s.sorted, p)
	}
	slices.SortFunc(s.sorted, compareSessions)
}

// cmpOrInt returns v when it is positive, else def.
func cmpOrInt(v, def int) int {
	if v > 0 {
		return v
	}
	return def
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
//   - a zero CreatedAt is the clock's now (or EndedAt, when that is earlier); a zero UpdatedAt is EndedAt if set, else CreatedAt;
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
	if err := s.fillLocked(&stored); err != nil {
		panic("telnyxtest: AddSession: " + err.goMsg)
	}
	key := strings.ToLower(stored.ID)
	if _, dup := s.sessions[key]; dup {
		panic(fmt.Sprintf("telnyxtest: AddSession: session %s already exists", stored.ID))
	}
	p := &stored
	s.sessions[key] = p
	i, _ := slices.BinarySearchFunc(s.sorted, p, compareSessions)
	s.sorted = slices.Insert(s.sorted, i, p)
	s.sessionStartedLocked(p)
	return cloneSession(stored)
}

// fillLocked validates sess and fills in what it lacks, as AddSession documents. It
// returns what is wrong with sess, naming the field both as Go and as JSON names it.
func (s *State) fillLocked(sess *Session) *fieldError {
	if sess.ID == "" {
		sess.ID = s.newIDLocked()
	}
	if !isUUID(sess.ID) {
		return &fieldError{pointer: "/id", goMsg: fmt.Sprintf("session ID %q is not a UUID", sess.ID), detail: fmt.Sprintf("%q is not a UUID", sess.ID)}
	}
	if sess.RoomID == "" {
		sess.RoomID = s.newIDLocked()
	}
	if !isUUID(sess.RoomID) {
		return &fieldError{pointer: "/room_id", goMsg: fmt.Sprintf("RoomID %q is not a UUID", sess.RoomID), detail: fmt.Sprintf("%q is not a UUID", sess.RoomID)}
	}
	if sess.Active && !sess.EndedAt.IsZero() {
		return &fieldError{pointer: "/active", goMsg: fmt.Sprintf("session %s is Active but has an EndedAt", sess.ID),
			detail: "an active session has no ended_at; leave active out, or set it to false"}
	}
	sess.CreatedAt, sess.UpdatedAt, sess.EndedAt = wireTime(sess.CreatedAt), wireTime(sess.UpdatedAt), wireTime(sess.EndedAt)
	if sess.CreatedAt.IsZero() {
		sess.CreatedAt = s.nowLocked()
		if !sess.EndedAt.IsZero() && sess.EndedAt.Before(sess.CreatedAt) {
			sess.CreatedAt = sess.EndedAt // it cannot have started after it ended
		}
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
		ptr := fmt.Sprintf("/participants/%d/id", i)
		if !isUUID(p.ID) {
			return &fieldError{pointer: ptr, goMsg: fmt.Sprintf("participant ID %q is not a UUID", p.ID), detail: fmt.Sprintf("%q is not a UUID", p.ID)}
		}
		if seen[strings.ToLower(p.ID)] {
			return &fieldError{pointer: ptr, goMsg: fmt.Sprintf("participant %s appears twice", p.ID), detail: fmt.Sprintf("participant %s appears twice", p.ID)}
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
	return nil
}

// fieldError is what is wrong with a value given to the fake, for Go (goMsg, with Go's
// field names) and for JSON (detail, and pointer: the JSON pointer of the field).
type fieldError struct {
	pointer, goMsg, detail string
}

// Error returns the JSON form: the pointer, then the detail.
func (e *fieldError) Error() string {
	if e.pointer == "" {
		return e.detail
	}
	return e.pointer + ": " + e.detail
}

// at returns e with its pointer placed under prefix.
func (e *fieldError) at(prefix string) *fieldError {
	c := *e
	c.pointer = prefix + e.pointer
	return &c
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
