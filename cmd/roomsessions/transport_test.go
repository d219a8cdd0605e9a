package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// noticeWriter is a stderr that closes seen once a waiting notice was written to it.
type noticeWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	seen chan struct{}
	once sync.Once
}

func (w *noticeWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	if strings.Contains(w.buf.String(), "still waiting") {
		w.once.Do(func() { close(w.seen) })
	}
	return n, err
}

func (w *noticeWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// TestWaitNotice checks that on a terminal a request that waits longer than the
// notice delay says so on stderr, and keeps waiting: the server here answers only
// once the notice has appeared, so the test needs no sleep and no clock.
func TestWaitNotice(t *testing.T) {
	t.Parallel()
	h, st := telnyxtest.NewHandler(telnyxtest.WithAPIKey(testKey))
	st.AddSession(telnyxtest.Session{Active: true})
	stderr := &noticeWriter{seen: make(chan struct{})}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-stderr.seen:
		case <-r.Context().Done():
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)

	var stdout bytes.Buffer
	a := newApp(envOf("TELNYX_BASE_URL", ts.URL+"/v2", "TELNYX_API_KEY", testKey), nil, &stdout, stderr)
	a.stderrTerminal = true
	a.waitNotice = time.Millisecond
	if code := a.run(t.Context(), []string{"list", "--active"}); code != exitOK {
		t.Fatalf("exit status %d; stderr:\n%s", code, stderr)
	}
	want := "roomsessions: GET /v2/room_sessions: no answer after 1ms; still waiting (Ctrl-C to stop)\n"
	if got := stderr.String(); got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}
	if !strings.Contains(stdout.String(), "page 1 of 1, 1 result") {
		t.Errorf("stdout:\n%s", stdout.String())
	}
}

// TestWaitNoticeOnlyOnTerminal checks the default delay (2s) and that nothing is
// scheduled when stderr is not a terminal.
func TestWaitNoticeOnlyOnTerminal(t *testing.T) {
	t.Parallel()
	for _, terminal := range []bool{true, false} {
		srv := newServer(t)
		var stdout, stderr bytes.Buffer
		a := newApp(serverEnv(srv), nil, &stdout, &stderr)
		a.stderrTerminal = terminal
		var delays []time.Duration
		a.afterFunc = func(d time.Duration, f func()) func() bool {
			delays = append(delays, d)
			f() // as if the request had waited that long
			return func() bool { return true }
		}
		if code := a.run(t.Context(), []string{"get", uuidA}); code != exitError {
			t.Fatalf("exit status %d; stderr:\n%s", code, stderr.String())
		}
		notices := strings.Count(stderr.String(), "still waiting")
		if terminal && (len(delays) != 1 || delays[0] != 2*time.Second || notices != 1) {
			t.Errorf("on a terminal: delays %v, %d notices; stderr:\n%s", delays, notices, stderr.String())
		}
		if !terminal && (len(delays) != 0 || notices != 0) {
			t.Errorf("off a terminal: delays %v, %d notices; stderr:\n%s", delays, notices, stderr.String())
		}
	}
}
