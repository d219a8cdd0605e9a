package webhook_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx/webhook"
)

func describe(p webhook.Payload) string { return fmt.Sprintf("%T %+v", p, p) }

// deliver posts body to h, signed with k at now unless header is given.
func deliver(h http.Handler, body string, header http.Header) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/hooks", strings.NewReader(body))
	for name, vs := range header {
		r.Header[name] = vs
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func eventBody(id string) string {
	return strings.Replace(joinedBody, "6b61621f-62e0-4aad-ab11-9fd19e272e73", id, 1)
}

func TestHandlerAnswers(t *testing.T) {
	t.Parallel()
	k := newKey(1)
	v := verifier(t, k.pub)
	fnErr := errors.New("database down")
	for name, tc := range map[string]struct {
		body   string
		header func(body string) http.Header
		fnErr  error
		status int
		called bool
	}{
		"handled":          {joinedBody, func(b string) http.Header { return webhook.Sign(k.priv, []byte(b), now) }, nil, 200, true},
		"fn fails":         {joinedBody, func(b string) http.Header { return webhook.Sign(k.priv, []byte(b), now) }, fnErr, 500, true},
		"unsigned":         {joinedBody, func(string) http.Header { return http.Header{} }, nil, 401, false},
		"other key":        {joinedBody, func(b string) http.Header { return webhook.Sign(newKey(2).priv, []byte(b), now) }, nil, 401, false},
		"stale":            {joinedBody, func(b string) http.Header { return webhook.Sign(k.priv, []byte(b), now.Add(-time.Hour)) }, nil, 401, false},
		"malformed signed": {`{"data":{}}`, func(b string) http.Header { return webhook.Sign(k.priv, []byte(b), now) }, nil, 400, false},
		"too large": {`{"data":{"id":"x","event_type":"y","payload":{"pad":"` + strings.Repeat("x", webhook.MaxBodyBytes) + `"}}}`,
			func(b string) http.Header { return webhook.Sign(k.priv, []byte(b), now) }, nil, 413, false},
	} {
		called := false
		var reported error
		h := webhook.Handler(v, func(context.Context, *webhook.Event) error { called = true; return tc.fnErr },
			webhook.WithErrorHandler(func(_ *http.Request, err error) { reported = err }))
		w := deliver(h, tc.body, tc.header(tc.body))
		if w.Code != tc.status || called != tc.called {
			t.Errorf("%s: status %d, fn called %v; want %d, %v", name, w.Code, called, tc.status, tc.called)
		}
		if (tc.status != 200) != (reported != nil) {
			t.Errorf("%s: error handler got %v", name, reported)
		}
		if w.Code == 500 && strings.Contains(w.Body.String(), "database") {
			t.Errorf("%s: the 500 shows fn's error: %s", name, w.Body)
		}
	}
}

func TestHandlerRefusesOtherMethods(t *testing.T) {
	t.Parallel()
	h := webhook.Handler(verifier(t, newKey(1).pub), func(context.Context, *webhook.Event) error {
		t.Error("fn called")
		return nil
	})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/hooks", nil))
	if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "POST" {
		t.Fatalf("GET: %d %v", w.Code, w.Header())
	}
}

func TestHandlerAcknowledgesRedeliveriesWithoutCallingAgain(t *testing.T) {
	t.Parallel()
	k := newKey(1)
	calls := map[string]int{}
	fail := true
	h := webhook.Handler(verifier(t, k.pub), func(_ context.Context, ev *webhook.Event) error {
		calls[ev.ID]++
		if fail && ev.ID == "a" {
			fail = false
			return errors.New("try again")
		}
		return nil
	})
	for i, step := range []struct {
		id     string
		status int
	}{{"a", 500}, {"a", 200}, {"a", 200}, {"b", 200}, {"b", 200}} {
		body := eventBody(step.id)
		if w := deliver(h, body, webhook.Sign(k.priv, []byte(body), now)); w.Code != step.status {
			t.Fatalf("delivery %d of %s: status %d, want %d", i+1, step.id, w.Code, step.status)
		}
	}
	if calls["a"] != 2 || calls["b"] != 1 {
		t.Fatalf("calls = %v, want a twice (failed, then handled) and b once", calls)
	}
}

func TestHandlerForgetsTheOldestIDsPastTheBound(t *testing.T) {
	t.Parallel()
	k := newKey(1)
	calls := map[string]int{}
	h := webhook.Handler(verifier(t, k.pub), func(_ context.Context, ev *webhook.Event) error {
		calls[ev.ID]++
		return nil
	}, webhook.WithRememberedIDs(2))
	for _, id := range []string{"a", "b", "c", "c", "b", "a"} {
		body := eventBody(id)
		if w := deliver(h, body, webhook.Sign(k.priv, []byte(body), now)); w.Code != 200 {
			t.Fatalf("%s: %d", id, w.Code)
		}
	}
	// a was forgotten when c was handled; b and c are still remembered.
	if calls["a"] != 2 || calls["b"] != 1 || calls["c"] != 1 {
		t.Fatalf("calls = %v", calls)
	}
}

func TestHandlerConcurrentDuplicatesCallOnce(t *testing.T) {
	t.Parallel()
	k := newKey(1)
	var calls atomic.Int32
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	h := webhook.Handler(verifier(t, k.pub), func(context.Context, *webhook.Event) error {
		calls.Add(1)
		entered <- struct{}{}
		<-release
		return nil
	})
	body := eventBody("dup")
	var wg sync.WaitGroup
	codes := make([]int, 4)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = deliver(h, body, webhook.Sign(k.priv, []byte(body), now)).Code
		}()
	}
	<-entered
	close(release)
	wg.Wait()
	if calls.Load() != 1 {
		t.Fatalf("fn called %d times for one event id delivered 4 times at once", calls.Load())
	}
	for i, c := range codes {
		if c != 200 {
			t.Errorf("delivery %d: %d", i, c)
		}
	}
}

func TestHandlerWaitingDuplicateGivesUpWithItsRequest(t *testing.T) {
	t.Parallel()
	k := newKey(1)
	release := make(chan struct{})
	entered := make(chan struct{})
	h := webhook.Handler(verifier(t, k.pub), func(context.Context, *webhook.Event) error {
		close(entered)
		<-release
		return nil
	})
	body := eventBody("slow")
	done := make(chan int)
	go func() { done <- deliver(h, body, webhook.Sign(k.priv, []byte(body), now)).Code }()
	<-entered
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	r := httptest.NewRequestWithContext(ctx, http.MethodPost, "/hooks", bytes.NewReader([]byte(body)))
	for name, vs := range webhook.Sign(k.priv, []byte(body), now) {
		r.Header[name] = vs
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 500 {
		t.Errorf("a duplicate whose request ended while waiting: %d, want 500 (deliver again)", w.Code)
	}
	close(release)
	if c := <-done; c != 200 {
		t.Errorf("first delivery: %d", c)
	}
}

func TestHandlerPanicInFnFreesTheID(t *testing.T) {
	t.Parallel()
	k := newKey(1)
	n := 0
	h := webhook.Handler(verifier(t, k.pub), func(context.Context, *webhook.Event) error {
		n++
		if n == 1 {
			panic("boom")
		}
		return nil
	})
	body := eventBody("p")
	func() {
		defer func() { _ = recover() }()
		deliver(h, body, webhook.Sign(k.priv, []byte(body), now))
	}()
	if w := deliver(h, body, webhook.Sign(k.priv, []byte(body), now)); w.Code != 200 || n != 2 {
		t.Fatalf("after a panic: status %d, calls %d; want 200 and a second call", w.Code, n)
	}
}

func TestHandlerMemoryStaysBounded(t *testing.T) {
	t.Parallel()
	k := newKey(1)
	h := webhook.Handler(verifier(t, k.pub), func(context.Context, *webhook.Event) error { return nil }, webhook.WithRememberedIDs(5))
	for i := range 40 {
		body := eventBody(fmt.Sprintf("id-%d", i))
		if w := deliver(h, body, webhook.Sign(k.priv, []byte(body), now)); w.Code != 200 {
			t.Fatalf("%d: %d", i, w.Code)
		}
		if n := webhook.RememberedIDs(h); n > 5 {
			t.Fatalf("after %d events the handler holds %d ids, want at most 5", i+1, n)
		}
	}
}
