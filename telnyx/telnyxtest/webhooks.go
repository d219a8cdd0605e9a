package telnyxtest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	crand "crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/roomsessions/telnyx-go/internal/apijson"
	"github.com/roomsessions/telnyx-go/telnyx/webhook"
)

// Delivery defaults of [WithWebhooks]; see [WithWebhookRetry].
const (
	DefaultWebhookAttempts = 5
	DefaultWebhookBackoff  = 100 * time.Millisecond
	// maxWebhookLog bounds the deliveries [State.Webhooks] keeps; the oldest finished
	// ones are dropped first.
	maxWebhookLog = 10000
)

// WithWebhooks makes the fake deliver signed video room events to url as its state
// changes, as Telnyx does to a room's webhook_event_url:
//
//   - AddSession of an active session: video.room.session.started, then
//     video.room.participant.joined for each participant present;
//   - Join: participant.joined; Leave: participant.left;
//   - the kick action: participant.left with left_reason "kicked" for each one kicked;
//   - the end action and EndSession: participant.left for each participant present,
//     then video.room.session.ended with duration_secs.
//
// Each delivery is signed with the key [State.WebhookPublicKey] verifies (package
// webhook), and its telnyx-timestamp is the real time of sending (occurred_at follows the
// fake's clock). A delivery answered other than 2xx, or not answered, is sent again
// ([WithWebhookRetry]); deliveries of one session are sent in order, one at a time.
// [State.WaitWebhooks] waits for them; [State.Webhooks] lists them; [State.FailWebhooks]
// duplicates, delays or reorders them.
func WithWebhooks(url string) Option {
	return func(c *config) { c.webhookURL = url }
}

// WithWebhookRetry sets how many times a delivery is attempted in all (attempts >= 1;
// default [DefaultWebhookAttempts]) and the wait before the second attempt, doubled for
// each next one (default [DefaultWebhookBackoff]; 0 retries at once). Tests of a failing
// endpoint can make it small so as not to wait.
func WithWebhookRetry(attempts int, backoff time.Duration) Option {
	return func(c *config) {
		if attempts >= 1 {
			c.webhookAttempts = attempts
		}
		if backoff >= 0 {
			c.webhookBackoff, c.webhookBackoffSet = backoff, true
		}
	}
}

// WebhookDelivery is one delivery of an event, as [State.Webhooks] reports it.
type WebhookDelivery struct {
	EventID    string    `json:"event_id"`
	EventType  string    `json:"event_type"`
	SessionID  string    `json:"session_id"`
	OccurredAt time.Time `json:"occurred_at"`
	// State is "pending" (queued or being retried), "delivered" (answered 2xx) or
	// "failed" (every attempt failed, or the fake closed first).
	State string `json:"state"`
	// Status is the HTTP status of the last attempt; 0 before the first answer or when
	// the last attempt got none (Error says why).
	Status   int    `json:"status"`
	Attempts int    `json:"attempts"`
	Error    string `json:"error,omitempty"`
	// Duplicate marks the second delivery of an event a duplicate fault made.
	Duplicate bool `json:"duplicate,omitempty"`
}

// WebhookFault changes how the next matching events are delivered, as Telnyx's do:
// "concurrent, duplicated, delayed, or delivered out of order".
type WebhookFault struct {
	// EventType limits the fault to one event type ("video.room.participant.joined");
	// empty matches every event.
	EventType string `json:"event_type"`
	// Duplicate delivers the event a second time, right after the first.
	Duplicate bool `json:"duplicate"`
	// Delay waits this long before the first attempt; later events of the same session
	// wait behind it.
	Delay time.Duration `json:"-"`
	// OutOfOrder holds the event back until the next event of its session has been
	// queued, then sends it after that one. [State.WaitWebhooks] releases an event still
	// held.
	OutOfOrder bool `json:"out_of_order"`
	// Times is how many events it applies to; 0 means every matching event until
	// [State.ClearWebhookFaults].
	Times int `json:"times"`
}

// webhooks sends events; it has its own lock, never held while taking State.mu.
type webhooks struct {
	url      string
	priv     ed25519.PrivateKey
	client   *http.Client
	attempts int
	backoff  time.Duration
	ctx      context.Context // ended when the fake closes
	stop     context.CancelFunc

	mu      sync.Mutex
	queues  map[string][]*delivery // pending, per session
	running map[string]bool        // a worker sends the session's queue
	held    map[string][]*delivery // an out-of-order event (and its duplicate), per session
	faults  []*WebhookFault
	log     []*delivery
	pending int
	idle    chan struct{} // closed when pending drops to 0
	wg      sync.WaitGroup
}

// delivery is one event to send; its fields are guarded by webhooks.mu.
type delivery struct {
	rec   WebhookDelivery
	data  []byte // the envelope's data member
	delay time.Duration
}

// newWebhooks returns the sender for cfg, or nil when webhooks are off.
func newWebhooks(cfg *config, done <-chan struct{}) *webhooks {
	if cfg.webhookURL == "" || cfg.webhookKey == nil {
		return nil
	}
	ctx, stop := context.WithCancel(context.Background())
	w := &webhooks{
		url:      cfg.webhookURL,
		priv:     cfg.webhookKey,
		client:   &http.Client{Timeout: 30 * time.Second},
		attempts: DefaultWebhookAttempts,
		backoff:  DefaultWebhookBackoff,
		ctx:      ctx,
		stop:     stop,
		queues:   map[string][]*delivery{},
		running:  map[string]bool{},
		held:     map[string][]*delivery{},
	}
	if cfg.webhookAttempts > 0 {
		w.attempts = cfg.webhookAttempts
	}
	if cfg.webhookBackoffSet {
		w.backoff = cfg.webhookBackoff
	}
	go func() {
		select {
		case <-done:
			stop()
		case <-ctx.Done():
		}
	}()
	return w
}

// newWebhookKey returns the key that signs the deliveries: from the seed with
// [WithSeed], else random; nil without [WithWebhooks].
func newWebhookKey(cfg *config) ed25519.PrivateKey {
	if cfg.webhookURL == "" {
		return nil
	}
	var seed [ed25519.SeedSize]byte
	if cfg.seeded {
		var s [32]byte
		binary.LittleEndian.PutUint64(s[:], cfg.seed)
		s[31] = 'w'                                     // not the ids' stream
		_, _ = io.ReadFull(rand.NewChaCha8(s), seed[:]) // ChaCha8.Read never fails
	} else {
		_, _ = crand.Read(seed[:]) // crypto/rand.Read never returns an error
	}
	return ed25519.NewKeyFromSeed(seed[:])
}

// WebhookPublicKey returns the base64 ed25519 public key that verifies the fake's
// deliveries (give it to webhook.NewVerifier), or "" without [WithWebhooks].
func (s *State) WebhookPublicKey() string {
	if s.webhooks == nil {
		return ""
	}
	return base64.StdEncoding.EncodeToString(s.webhooks.priv.Public().(ed25519.PublicKey))
}

// Webhooks returns the deliveries so far, in the order their events occurred (at most
// the last 10000).
func (s *State) Webhooks() []WebhookDelivery {
	w := s.webhooks
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]WebhookDelivery, len(w.log))
	for i, d := range w.log {
		out[i] = d.rec
	}
	return out
}

// WaitWebhooks blocks until every queued delivery has been delivered or has failed
// (events held out of order are released first), or ctx ends, or the fake closes. It
// returns nil at once without [WithWebhooks].
func (s *State) WaitWebhooks(ctx context.Context) error {
	w := s.webhooks
	if w == nil {
		return nil
	}
	w.mu.Lock()
	for key, held := range w.held {
		delete(w.held, key)
		for _, d := range held {
			w.enqueueLocked(d)
		}
	}
	if w.pending == 0 {
		w.mu.Unlock()
		return nil
	}
	if w.idle == nil {
		w.idle = make(chan struct{})
	}
	idle := w.idle
	w.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("telnyxtest: waiting for webhook deliveries: %w", ctx.Err())
	case <-w.ctx.Done():
		return fmt.Errorf("telnyxtest: waiting for webhook deliveries: the fake is closed")
	}
}

// FailWebhooks makes the next matching events be delivered as f says. Faults apply in
// the order added; an event takes every fault that matches it.
func (s *State) FailWebhooks(f WebhookFault) {
	if w := s.webhooks; w != nil {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.faults = append(w.faults, &f)
	}
}

// ClearWebhookFaults removes every [WebhookFault].
func (s *State) ClearWebhookFaults() {
	if w := s.webhooks; w != nil {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.faults = nil
	}
}

// reset forgets the webhook faults and the finished deliveries; w may be nil. Pending
// deliveries go on (events held out of order are released).
func (w *webhooks) reset() {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.faults = nil
	for key, held := range w.held {
		delete(w.held, key)
		for _, d := range held {
			w.enqueueLocked(d)
		}
	}
	kept := w.log[:0]
	for _, d := range w.log {
		if d.rec.State == "pending" {
			kept = append(kept, d)
		}
	}
	clear(w.log[len(kept):])
	w.log = kept
}

// stopWebhooks ends the deliveries in flight and waits for the senders to return.
func (s *State) stopWebhooks() {
	if w := s.webhooks; w != nil {
		w.stop()
		w.wg.Wait()
	}
}

// Events the fake emits, called with State.mu held.

func (s *State) sessionStartedLocked(sess *Session) {
	if s.webhooks == nil || !sess.Active {
		return
	}
	s.emitLocked(sess, webhook.TypeSessionStarted, sess.CreatedAt, &webhook.SessionStarted{RoomID: sess.RoomID, SessionID: sess.ID})
	for i := range sess.Participants {
		if p := &sess.Participants[i]; p.LeftAt.IsZero() {
			s.participantJoinedLocked(sess, p)
		}
	}
}

func (s *State) participantJoinedLocked(sess *Session, p *Participant) {
	if s.webhooks == nil {
		return
	}
	s.emitLocked(sess, webhook.TypeParticipantJoined, p.JoinedAt, &webhook.ParticipantJoined{
		RoomID: sess.RoomID, SessionID: sess.ID, ParticipantID: p.ID, Context: p.Context,
	})
}

// participantLeftLocked reports that p left (p.LeftAt is set); reason is "kicked" or "".
func (s *State) participantLeftLocked(sess *Session, p *Participant, reason string) {
	if s.webhooks == nil {
		return
	}
	s.emitLocked(sess, webhook.TypeParticipantLeft, p.LeftAt, &webhook.ParticipantLeft{
		RoomID: sess.RoomID, SessionID: sess.ID, ParticipantID: p.ID, Context: p.Context,
		DurationSecs: int(p.LeftAt.Sub(p.JoinedAt) / time.Second), LeftReason: reason,
	})
}

// endSessionLocked ends sess now and reports it: participant.left for those present,
// then session.ended. An ended session stays as it is, and nothing is reported.
func (s *State) endSessionLocked(sess *Session) {
	if !sess.Active {
		return
	}
	var present []int
	for i := range sess.Participants {
		if sess.Participants[i].LeftAt.IsZero() {
			present = append(present, i)
		}
	}
	sess.end(s.nowLocked())
	if s.webhooks == nil {
		return
	}
	for _, i := range present {
		s.participantLeftLocked(sess, &sess.Participants[i], "")
	}
	s.emitLocked(sess, webhook.TypeSessionEnded, sess.EndedAt, &webhook.SessionEnded{
		RoomID: sess.RoomID, SessionID: sess.ID, DurationSecs: int(sess.EndedAt.Sub(sess.CreatedAt) / time.Second),
	})
}

// emitLocked queues an event about sess that occurred at at.
func (s *State) emitLocked(sess *Session, eventType string, at time.Time, payload webhook.Payload) {
	w := s.webhooks
	payloadJSON, err := json.Marshal(payload)
	if err != nil {
		panic(fmt.Sprintf("telnyxtest: encoding a %s payload: %v", eventType, err)) // generated structs of strings and numbers
	}
	id := s.newIDLocked()
	data, err := apijson.Marshal(struct {
		RecordType string          `json:"record_type"`
		EventType  string          `json:"event_type"`
		ID         string          `json:"id"`
		OccurredAt time.Time       `json:"occurred_at"`
		Payload    json.RawMessage `json:"payload"`
	}{"event", eventType, id, at, payloadJSON})
	if err != nil {
		panic(fmt.Sprintf("telnyxtest: encoding a %s event: %v", eventType, err))
	}
	d := &delivery{
		rec:  WebhookDelivery{EventID: id, EventType: eventType, SessionID: sess.ID, OccurredAt: at, State: "pending"},
		data: data,
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.addLocked(d)
}

// addLocked applies the faults to d and queues it (and its duplicate).
func (w *webhooks) addLocked(d *delivery) {
	var dup, hold bool
	kept := w.faults[:0]
	for _, f := range w.faults {
		if f.EventType == "" || f.EventType == d.rec.EventType {
			dup = dup || f.Duplicate
			hold = hold || f.OutOfOrder
			d.delay += f.Delay
			if f.Times > 0 {
				f.Times--
				if f.Times == 0 {
					continue
				}
			}
		}
		kept = append(kept, f)
	}
	w.faults = kept
	batch := []*delivery{d}
	if dup {
		batch = append(batch, w.duplicateOf(d))
	}
	for _, x := range batch {
		w.pending++
		w.logLocked(x)
	}
	key := strings.ToLower(d.rec.SessionID)
	held := w.held[key]
	if hold && len(held) == 0 {
		w.held[key] = batch
		return
	}
	for _, x := range batch {
		w.enqueueLocked(x)
	}
	delete(w.held, key)
	for _, x := range held {
		w.enqueueLocked(x)
	}
}

func (w *webhooks) duplicateOf(d *delivery) *delivery {
	d2 := &delivery{rec: d.rec, data: d.data, delay: d.delay}
	d2.rec.Duplicate = true
	return d2
}

// logLocked records d, dropping the oldest finished delivery past the bound.
func (w *webhooks) logLocked(d *delivery) {
	if len(w.log) >= maxWebhookLog {
		for i, old := range w.log {
			if old.rec.State != "pending" {
				w.log = append(w.log[:i], w.log[i+1:]...)
				break
			}
		}
	}
	w.log = append(w.log, d)
}

// enqueueLocked puts d (already counted in pending) at the end of its session's queue
// and starts a sender for the queue if none runs.
func (w *webhooks) enqueueLocked(d *delivery) {
	key := strings.ToLower(d.rec.SessionID)
	w.queues[key] = append(w.queues[key], d)
	if w.running[key] {
		return
	}
	w.running[key] = true
	w.wg.Add(1)
	go w.send(key)
}

// send delivers the queue of one session in order, until it is empty.
func (w *webhooks) send(key string) {
	defer w.wg.Done()
	for {
		w.mu.Lock()
		q := w.queues[key]
		if len(q) == 0 {
			delete(w.queues, key)
			delete(w.running, key)
			w.mu.Unlock()
			return
		}
		d := q[0]
		w.queues[key] = q[1:]
		w.mu.Unlock()

		w.deliver(d)

		w.mu.Lock()
		w.pending--
		if w.pending == 0 && w.idle != nil {
			close(w.idle)
			w.idle = nil
		}
		w.mu.Unlock()
	}
}

// deliver sends d until it is answered 2xx, the attempts run out or the fake closes.
func (w *webhooks) deliver(d *delivery) {
	w.mu.Lock()
	delay := d.delay
	w.mu.Unlock()
	for attempt := 1; attempt <= w.attempts; attempt++ {
		if attempt > 1 {
			delay = w.backoff << (attempt - 2)
		}
		if !w.sleep(delay) {
			break
		}
		status, err := w.post(d, attempt)
		w.mu.Lock()
		d.rec.Attempts, d.rec.Status, d.rec.Error = attempt, status, ""
		if err != nil {
			d.rec.Error = err.Error()
		}
		if status >= 200 && status < 300 {
			d.rec.State = "delivered"
			w.mu.Unlock()
			return
		}
		w.mu.Unlock()
	}
	w.mu.Lock()
	d.rec.State = "failed"
	if w.ctx.Err() != nil && d.rec.Error == "" {
		d.rec.Error = "the fake closed before the event was delivered"
	}
	w.mu.Unlock()
}

// sleep waits d; false when the fake closes first.
func (w *webhooks) sleep(d time.Duration) bool {
	if w.ctx.Err() != nil {
		return false
	}
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-w.ctx.Done():
		return false
	}
}

// post sends one attempt of d and returns the answer's status.
func (w *webhooks) post(d *delivery, attempt int) (int, error) {
	body, err := apijson.Marshal(struct {
		Data json.RawMessage `json:"data"`
		Meta struct {
			Attempt     int    `json:"attempt"`
			DeliveredTo string `json:"delivered_to"`
		} `json:"meta"`
	}{Data: d.data, Meta: struct {
		Attempt     int    `json:"attempt"`
		DeliveredTo string `json:"delivered_to"`
	}{attempt, w.url}})
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(w.ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	for k, vs := range webhook.Sign(w.priv, body, time.Now()) {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "telnyxtest-webhooks")
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // let the connection be reused
	resp.Body.Close()
	return resp.StatusCode, nil
}
