package telnyx_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// syncBuffer is a bytes.Buffer safe for concurrent writes, for a slog handler.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestTheKeyNeverLeaks runs every operation through every error and retry path with the
// debug log on, and searches everything the SDK and the fake hand back for the key.
func TestTheKeyNeverLeaks(t *testing.T) {
	t.Parallel()
	// newFake starts a fake with one active session; each path gets its own.
	var recorded []telnyxtest.Request
	newFake := func() (*telnyxtest.Server, telnyxtest.Session) {
		srv := telnyxtest.NewServer(telnyxtest.WithAPIKey(testKey))
		t.Cleanup(srv.Close)
		return srv, srv.AddSession(telnyxtest.Session{Active: true, Participants: []telnyxtest.Participant{{Context: "Alice"}, {Context: "Bob"}}})
	}

	var logs syncBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	client := func(base string, opts ...telnyx.Option) *telnyx.Client {
		c, err := telnyx.NewClient(append([]telnyx.Option{
			telnyx.WithAPIKey(testKey), telnyx.WithBaseURL(base), telnyx.WithLogger(logger),
			telnyx.WithSleep(func(ctx context.Context, _ time.Duration) error { return ctx.Err() }),
		}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String() + "/v2"
	_ = ln.Close()

	type path struct {
		name   string
		fault  *telnyxtest.Fault
		client func(base string) *telnyx.Client
		ctx    func() (context.Context, context.CancelFunc)
	}
	echo := "echo " + testKey // a server that echoes the key back
	paths := []path{
		{name: "success"},
		{name: "400 echoing the key", fault: &telnyxtest.Fault{Status: 400, Body: `{"errors":[{"code":"10015","title":"` + echo + `","detail":"\u004bEY01SECRET-zq7x-DO-NOT-LEAK","meta":{"k":"` + echo + `"}}]}`}},
		{name: "401", fault: &telnyxtest.Fault{Status: 401}},
		{name: "403 plain text echo", fault: &telnyxtest.Fault{Status: 403, Body: echo, Header: http.Header{"X-Request-Id": {echo}}}},
		{name: "404", fault: &telnyxtest.Fault{Status: 404}},
		{name: "422", fault: &telnyxtest.Fault{Status: 422}},
		{name: "429 retried", fault: &telnyxtest.Fault{Status: 429, Header: http.Header{"Retry-After": {"0"}}}},
		{name: "500 retried", fault: &telnyxtest.Fault{Status: 500}},
		{name: "503 asking for 2 minutes", fault: &telnyxtest.Fault{Status: 503, Header: http.Header{"Retry-After": {"120"}}}},
		{name: "cut before the response", fault: &telnyxtest.Fault{Cut: telnyxtest.CutBeforeResponse}},
		{name: "cut mid-body", fault: &telnyxtest.Fault{Cut: telnyxtest.CutMidBody}},
		{name: "malformed JSON", fault: &telnyxtest.Fault{MalformedJSON: true}},
		{name: "attempt timeout", fault: &telnyxtest.Fault{Latency: time.Minute}, client: func(base string) *telnyx.Client { return client(base, telnyx.WithTimeout(20*time.Millisecond)) }},
		{name: "connection refused", client: func(string) *telnyx.Client { return client(refused) }},
		{name: "cancelled context", ctx: func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			return ctx, cancel
		}},
		{name: "wrong key", client: func(base string) *telnyx.Client {
			c, err := telnyx.NewClient(telnyx.WithAPIKey("KEY-wrong"), telnyx.WithBaseURL(base), telnyx.WithLogger(logger))
			if err != nil {
				t.Fatal(err)
			}
			return c
		}},
	}
	var returned []any
	for _, p := range paths {
		srv, sess := newFake()
		if p.fault != nil {
			srv.Fail(*p.fault)
		}
		c := client(srv.URL)
		if p.client != nil {
			c = p.client(srv.URL)
		}
		for _, op := range matrixOps {
			ctx, cancel := t.Context(), context.CancelFunc(func() {})
			if p.ctx != nil {
				ctx, cancel = p.ctx()
			}
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("%s/%s panicked: %v", p.name, op.name, r)
					}
				}()
				err := op.call(ctx, c, sess.ID, sess.Participants[0].ID)
				returned = append(returned, err)
			}()
			cancel()
		}
		recorded = append(recorded, srv.Requests()...)
	}
	// Invalid arguments that happen to be the key: the error may name the argument, not echo it.
	srv, sess := newFake()
	c := client(srv.URL)
	_, err = c.RoomSessions.Get(t.Context(), testKey, nil)
	returned = append(returned, err)
	returned = append(returned, c.RoomSessions.Mute(t.Context(), sess.ID, telnyx.Participants(testKey)))
	returned = append(returned, c.RoomSessions.Kick(t.Context(), sess.ID, telnyx.AllParticipants().Except(testKey)))
	_, err = c.RoomSessions.List(t.Context(), &telnyx.ListRoomSessionsParams{RoomID: testKey})
	returned = append(returned, err)
	_, err = telnyx.NewClient(telnyx.WithAPIKey(testKey), telnyx.WithBaseURL("https://api.telnyx.com/v2?"+testKey))
	returned = append(returned, err)
	_, err = telnyx.NewClient(telnyx.WithAPIKey(testKey), telnyx.WithBaseURL("http://"+testKey+".example/v2"))
	returned = append(returned, err)
	page, err := c.RoomSessions.List(t.Context(), &telnyx.ListRoomSessionsParams{IncludeParticipants: true})
	returned = append(returned, page, err, c, *c)

	for i, v := range returned {
		if v == nil {
			continue
		}
		for _, s := range []string{fmt.Sprintf("%v", v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v)} {
			if strings.Contains(s, testKey) {
				t.Errorf("returned value %d shows the key: %s", i, s)
			}
		}
		if err, ok := v.(error); ok && strings.Contains(err.Error(), testKey) {
			t.Errorf("Error() shows the key: %s", err)
		}
	}
	if strings.Contains(logs.String(), testKey) {
		t.Errorf("the debug log shows the key:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), `"msg":"telnyx: retry scheduled"`) || !strings.Contains(logs.String(), `"delay":`) || !strings.Contains(logs.String(), `"status":503`) {
		t.Errorf("the debug log misses the paths it should cover:\n%s", logs.String())
	}
	reqs := append(recorded, srv.Requests()...)
	if len(reqs) < 90 {
		t.Errorf("only %d requests reached the fake", len(reqs))
	}
	for _, r := range reqs {
		if s := fmt.Sprintf("%+v %#v", r, r); strings.Contains(s, testKey) {
			t.Errorf("a recorded request shows the key: %s", s)
			break
		}
	}
}

func TestLongOrQuotedKeysPassedAsIDsAreNotShown(t *testing.T) {
	t.Parallel()
	for _, key := range []string{
		"KEY" + strings.Repeat("0123456789", 8), // longer than the 64 bytes an echoed value is clipped to
		`KEY"with\quotes-and-backslashes"0123`,  // changed by quoting
	} {
		c, err := telnyx.NewClient(telnyx.WithAPIKey(key), telnyx.WithBaseURL("http://127.0.0.1:1/v2"))
		if err != nil {
			t.Fatal(err)
		}
		errs := []error{
			c.RoomSessions.End(t.Context(), key),
			c.RoomSessions.Mute(t.Context(), sessionID, telnyx.Participants(key)),
			c.RoomSessions.Kick(t.Context(), sessionID, telnyx.AllParticipants().Except("x"+key+"y")),
		}
		_, err = telnyx.NewClient(telnyx.WithAPIKey(key), telnyx.WithBaseURL("https://h/"+key+"?q"))
		errs = append(errs, err)
		for _, err := range errs {
			s := fmt.Sprintf("%v %+v %#v", err, err, err)
			if strings.Contains(s, key[:20]) || strings.Contains(s, strconv.Quote(key)[1:21]) {
				t.Errorf("the key shows: %s", s)
			}
		}
	}
}

// TestKeyInTheBaseURLPath checks a key pasted into the base URL's path, plain or with a
// character percent-encoded: it reaches neither the error nor the log records (an
// attempt's, a wait's), and Error.Path is relative to the base URL however its path is
// escaped.
func TestKeyInTheBaseURLPath(t *testing.T) {
	t.Parallel()
	srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n%2 == 1 { // a 429 first, so that a retry is scheduled and its wait logged
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusNotFound)
	})
	for _, base := range []string{"/" + testKey + "/v2", "/%4B" + testKey[1:] + "/v2/", "/v%32"} {
		var logs syncBuffer
		logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		c := newClientAt(t, srv.URL+base, telnyx.WithLogger(logger), telnyx.WithMaxRetries(1))
		_, err := c.RoomSessions.Get(t.Context(), sessionID, nil)
		e, ok := errors.AsType[*telnyx.Error](err)
		if !ok || e.StatusCode != http.StatusNotFound || e.Path != "/room_sessions/"+sessionID {
			t.Errorf("base %s: %v; want a 404 *Error with Path /room_sessions/%s", base, err, sessionID)
			continue
		}
		if !strings.Contains(logs.String(), "retry scheduled") {
			t.Errorf("base %s: no wait was logged: %s", base, logs.String())
		}
		for what, s := range map[string]string{"error": err.Error(), "path": e.Path, "log": logs.String()} {
			if strings.Contains(s, testKey) {
				t.Errorf("base %s: the key is in the %s: %s", base, what, s)
			}
		}
	}
}
