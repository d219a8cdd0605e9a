package telnyx_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx"
)

func TestRedirectToAnotherHostDropsTheKey(t *testing.T) {
	t.Parallel()
	var gotAuth atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth.Store(r.Header.Get("Authorization"))
		answerJSON(http.StatusOK, `{"data":`+sessionJSON+`}`)(w, r)
	}))
	t.Cleanup(other.Close)
	// The same IP on another port is another host: the key must not follow.
	ws := startWire(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	})
	s, err := ws.client(t).RoomSessions.Get(t.Context(), sessionID, nil)
	if err != nil || s.ID != sessionID {
		t.Fatalf("Get through a redirect: %v", err)
	}
	if got := gotAuth.Load(); got != "" {
		t.Errorf("the other host received Authorization %q", got)
	}
	if got := ws.requests()[0].Header.Get("Authorization"); got != "Bearer "+wireKey {
		t.Errorf("the API host received Authorization %q", got)
	}
}

func TestRedirectOnTheSameHostKeepsTheKey(t *testing.T) {
	t.Parallel()
	ws := startWire(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/old") {
			http.Redirect(w, r, strings.TrimPrefix(r.URL.Path, "/old"), http.StatusPermanentRedirect)
			return
		}
		answerJSON(http.StatusOK, okJSON)(w, r)
	})
	c, err := telnyx.NewClient(telnyx.WithAPIKey(wireKey), telnyx.WithBaseURL(ws.URL+"/old/v2"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.RoomSessions.Mute(t.Context(), sessionID, telnyx.AllParticipants()); err != nil {
		t.Fatal(err)
	}
	reqs := ws.requests()
	if len(reqs) != 2 || reqs[1].Header.Get("Authorization") != "Bearer "+wireKey || reqs[1].Body != `{"participants":"all"}` {
		t.Errorf("after a same-host 308: %+v", reqs)
	}
}

func TestTLSIsVerified(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		answerJSON(http.StatusOK, okJSON)(w, r)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Config.ErrorLog = discardLogger()
	srv.StartTLS()
	t.Cleanup(srv.Close)
	// The default transport must refuse the test server's self-signed certificate, and
	// not retry: another attempt would fail the same way.
	c, err := telnyx.NewClient(telnyx.WithAPIKey(wireKey), telnyx.WithBaseURL(srv.URL+"/v2"))
	if err != nil {
		t.Fatal(err)
	}
	err = c.RoomSessions.End(t.Context(), sessionID)
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("err = %v, want a certificate error", err)
	}
	var apiErr *telnyx.Error
	if errors.As(err, &apiErr) || hits.Load() != 0 {
		t.Errorf("a request reached the handler (%d) or the error is an *Error", hits.Load())
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d TLS connections, want 1: a certificate failure is not retried", n)
	}
	// With the server's own trusted client, the same call works.
	c2, err := telnyx.NewClient(telnyx.WithAPIKey(wireKey), telnyx.WithBaseURL(srv.URL+"/v2"), telnyx.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	if err := c2.RoomSessions.End(t.Context(), sessionID); err != nil {
		t.Errorf("with a trusting client: %v", err)
	}
}

// endlessBody streams a JSON list that never ends, counting what it wrote.
func endlessBody(written *atomic.Int64) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		n, _ := io.WriteString(w, `{"data":[`)
		written.Add(int64(n))
		item := `{"id":"` + participant + `","session_id":"` + sessionID + `","context":"` + strings.Repeat("x", 4000) + `"},`
		for written.Load() < 200<<20 {
			n, err := io.WriteString(w, item)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}
}

func TestBodyOverTheCapIsRefusedWhileStreaming(t *testing.T) {
	var written atomic.Int64
	ws := startWire(t, endlessBody(&written))
	c := ws.client(t)

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := c.RoomSessions.Participants(t.Context(), sessionID, nil)
	runtime.ReadMemStats(&after)

	if !errors.Is(err, telnyx.ErrResponseTooLarge) {
		t.Fatalf("err = %v, want ErrResponseTooLarge", err)
	}
	if n := len(ws.requests()); n != 1 {
		t.Errorf("%d requests, want 1 (a body over the cap is not retried)", n)
	}
	// The client stops reading at 32 MiB; the server may have a few socket buffers more.
	if w := written.Load(); w > 40<<20 {
		t.Errorf("server wrote %d MiB before the client gave up, want about 32", w>>20)
	}
	// Items are decoded one by one: memory is the decoded items, not a copy of the body.
	grew := after.TotalAlloc - before.TotalAlloc
	t.Logf("reading 32 MiB of body allocated %d MiB in all", grew>>20)
	if grew > 96<<20 {
		t.Errorf("allocated %d MiB to refuse a 32 MiB body", grew>>20)
	}
}

func TestDeclaredLengthOverTheCapIsRefusedUnread(t *testing.T) {
	t.Parallel()
	var written atomic.Int64
	ws := startWire(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(int64(33<<20)))
		w.WriteHeader(http.StatusOK)
		for i := 0; i < 33<<10; i++ { // 33 MiB in 1 KiB writes, until the client hangs up
			n, err := w.Write(make([]byte, 1024))
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	})
	_, err := ws.client(t).RoomSessions.Get(t.Context(), sessionID, nil)
	if !errors.Is(err, telnyx.ErrResponseTooLarge) || !strings.Contains(err.Error(), "34603008 bytes") {
		t.Fatalf("err = %v, want ErrResponseTooLarge naming the length", err)
	}
}

func TestRedirectLoopToURLsCarryingTheKeyDoesNotShowIt(t *testing.T) {
	t.Parallel()
	ws := startWire(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/v2/loop?token="+wireKey, http.StatusFound)
	})
	_, err := ws.client(t).RoomSessions.Get(t.Context(), sessionID, nil)
	if err == nil || !strings.Contains(err.Error(), "redirects") {
		t.Fatalf("err = %v, want the redirect limit", err)
	}
	if n := len(ws.requests()); n != 10 {
		t.Errorf("%d requests, want one chain of 10: the redirect limit is not retried", n)
	}
	if s := fmt.Sprintf("%v %+v %#v", err, err, err); strings.Contains(s, wireKey) {
		t.Errorf("the key shows in %s", s)
	}
}
