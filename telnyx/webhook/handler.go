package webhook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
)

// MaxBodyBytes is the largest delivery [Handler] reads; a larger one is answered 413.
const MaxBodyBytes = 1 << 20

// DefaultRememberedIDs is how many handled event ids [Handler] remembers to acknowledge
// redeliveries, unless [WithRememberedIDs] says otherwise.
const DefaultRememberedIDs = 10000

// HandlerOption configures [Handler].
type HandlerOption func(*handlerConfig)

type handlerConfig struct {
	remember int
	onError  func(r *http.Request, err error)
}

// WithRememberedIDs sets how many handled event ids the handler remembers (the oldest is
// forgotten first); n <= 0 keeps [DefaultRememberedIDs]. Memory grows with n: about
// 110 bytes an id of 36 characters (1.1 MB at the default, measured).
func WithRememberedIDs(n int) HandlerOption {
	return func(c *handlerConfig) {
		if n > 0 {
			c.remember = n
		}
	}
}

// WithErrorHandler sets a function called with every delivery the handler refuses
// (the error wraps ErrInvalidSignature, ErrStaleTimestamp or ErrMalformedEvent, or says
// the body is too large) and every error fn returns, for logging.
func WithErrorHandler(f func(r *http.Request, err error)) HandlerOption {
	return func(c *handlerConfig) { c.onError = f }
}

// ErrBodyTooLarge: a delivery larger than [MaxBodyBytes].
var ErrBodyTooLarge = fmt.Errorf("webhook: the body is larger than %d bytes", MaxBodyBytes)

// Handler returns an http.Handler that receives deliveries: it reads at most
// [MaxBodyBytes], verifies and decodes them with v, and calls fn once per event id.
//
//   - verification fails (signature, timestamp, malformed event, too large): 4xx, fn not called;
//   - fn returns nil: 200; fn returns an error: 500, so Telnyx delivers the event again;
//   - an event id already handled (fn returned nil) is answered 200 without calling fn;
//     while fn runs for an id, a second delivery of it waits for the outcome.
//
// The handler remembers the last [DefaultRememberedIDs] handled ids (see
// [WithRememberedIDs]); keep your own record for older redeliveries.
func Handler(v *Verifier, fn func(ctx context.Context, ev *Event) error, opts ...HandlerOption) http.Handler {
	cfg := handlerConfig{remember: DefaultRememberedIDs}
	for _, o := range opts {
		o(&cfg)
	}
	return &handler{v: v, fn: fn, cfg: cfg, seen: newSeenIDs(cfg.remember)}
}

type handler struct {
	v    *Verifier
	fn   func(ctx context.Context, ev *Event) error
	cfg  handlerConfig
	seen *seenIDs
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "deliveries are POSTed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			h.refuse(w, r, http.StatusRequestEntityTooLarge, ErrBodyTooLarge)
			return
		}
		h.refuse(w, r, http.StatusBadRequest, fmt.Errorf("webhook: reading the body: %w", err))
		return
	}
	ev, err := h.v.Parse(body, r.Header)
	switch {
	case errors.Is(err, ErrMalformedEvent):
		h.refuse(w, r, http.StatusBadRequest, err)
		return
	case err != nil:
		h.refuse(w, r, http.StatusUnauthorized, err)
		return
	}
	if err := h.handleOnce(r.Context(), ev); err != nil {
		h.report(r, err)
		http.Error(w, "the event was not handled; deliver it again", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// refuse answers a delivery that failed verification, without calling fn.
func (h *handler) refuse(w http.ResponseWriter, r *http.Request, status int, err error) {
	h.report(r, err)
	http.Error(w, err.Error(), status)
}

func (h *handler) report(r *http.Request, err error) {
	if h.cfg.onError != nil {
		h.cfg.onError(r, err)
	}
}

// handleOnce calls fn unless ev.ID was handled already.
func (h *handler) handleOnce(ctx context.Context, ev *Event) error {
	e, err := h.seen.claim(ctx, ev.ID)
	if err != nil || e == nil {
		return err
	}
	ok := false
	defer func() { h.seen.finish(ev.ID, e, ok) }() // also when fn panics
	if err := h.fn(ctx, ev); err != nil {
		return err
	}
	ok = true
	return nil
}

// seenIDs is the set of handled event ids, bounded: the oldest handled id is forgotten
// once more than max are remembered. Ids being handled are in it too, until fn returns.
type seenIDs struct {
	mu    sync.Mutex
	ids   map[string]*idEntry
	order []string // handled ids, a ring of size max
	next  int
	max   int
}

type idEntry struct {
	done    chan struct{} // closed when fn has returned
	handled bool          // fn returned nil
}

// handledID stands for every handled id, so a remembered id costs no entry of its own.
var handledID = func() *idEntry {
	e := &idEntry{done: make(chan struct{}), handled: true}
	close(e.done)
	return e
}()

func newSeenIDs(max int) *seenIDs {
	return &seenIDs{ids: make(map[string]*idEntry), max: max}
}

// claim returns a new entry the caller must finish, or nil when id was handled already.
// When another delivery of id is being handled, it waits for its outcome.
func (s *seenIDs) claim(ctx context.Context, id string) (*idEntry, error) {
	for {
		s.mu.Lock()
		e := s.ids[id]
		if e == nil {
			e = &idEntry{done: make(chan struct{})}
			s.ids[id] = e
			s.mu.Unlock()
			return e, nil
		}
		s.mu.Unlock()
		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, fmt.Errorf("webhook: waiting for another delivery of event %s: %w", id, ctx.Err())
		}
		if e.handled {
			return nil, nil
		}
		// that delivery failed and gave the id up: try again
	}
}

// finish records the outcome of fn for id: handled ids are remembered, failed ones
// forgotten so a redelivery calls fn again.
func (s *seenIDs) finish(id string, e *idEntry, handled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e.handled = handled
	close(e.done)
	if !handled {
		delete(s.ids, id)
		return
	}
	s.ids[id] = handledID
	if len(s.order) < s.max {
		s.order = append(s.order, id)
		return
	}
	old := s.order[s.next]
	if s.ids[old] == handledID {
		delete(s.ids, old)
	}
	s.order[s.next] = id
	s.next = (s.next + 1) % s.max
}
