package telnyx_test

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
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
	s, err := ws.newClient(t).RoomSessions.Get(t.Context(), sessionID, nil)
	if err != nil || s.ID != sessionID {
		t.Fatalf("Get through a redirect: %v", err)
	}
	if got := gotAuth.Load(); got != "" {
		t.Errorf("the other host received Authorization %q", got)
	}
	if got := ws.requests()[0].Header.Get("Authorization"); got != "Bearer "+testKey {
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
	c, err := telnyx.NewClient(telnyx.WithAPIKey(testKey), telnyx.WithBaseURL(ws.URL+"/old/v2"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.RoomSessions.Mute(t.Context(), sessionID, telnyx.AllParticipants()); err != nil {
		t.Fatal(err)
	}
	reqs := ws.requests()
	if len(reqs) != 2 || reqs[1].Header.Get("Authorization") != "Bearer "+testKey || reqs[1].Body != `{"participants":"all"}` {
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
	c, err := telnyx.NewClient(telnyx.WithAPIKey(testKey), telnyx.WithBaseURL(srv.URL+"/v2"))
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
	c2, err := telnyx.NewClient(telnyx.WithAPIKey(testKey), telnyx.WithBaseURL(srv.URL+"/v2"), telnyx.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	if err := c2.RoomSessions.End(t.Context(), sessionID); err != nil {
		t.Errorf("with a trusting client: %v", err)
	}
}

func TestDeclaredLengthOverTheCapIsRefusedUnread(t *testing.T) {
	t.Parallel()
	var written atomic.Int64
	ws := startWire(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(int64(2<<20)))
		w.WriteHeader(http.StatusOK)
		for i := 0; i < 2<<10; i++ { // 2 MiB in 1 KiB writes, until the client hangs up
			n, err := w.Write(make([]byte, 1024))
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	})
	_, err := ws.newClient(t, telnyx.WithMaxBody(1<<20)).RoomSessions.Get(t.Context(), sessionID, nil)
	if !errors.Is(err, telnyx.ErrResponseTooLarge) || !strings.Contains(err.Error(), "2097152 bytes") {
		t.Fatalf("err = %v, want ErrResponseTooLarge naming the length", err)
	}
}

func TestRedirectLoopToURLsCarryingTheKeyDoesNotShowIt(t *testing.T) {
	t.Parallel()
	ws := startWire(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/v2/loop?token="+testKey, http.StatusFound)
	})
	_, err := ws.newClient(t).RoomSessions.Get(t.Context(), sessionID, nil)
	if err == nil || !strings.Contains(err.Error(), "redirects") {
		t.Fatalf("err = %v, want the redirect limit", err)
	}
	if n := len(ws.requests()); n != 10 {
		t.Errorf("%d requests, want one chain of 10: the redirect limit is not retried", n)
	}
	if s := fmt.Sprintf("%v %+v %#v", err, err, err); strings.Contains(s, testKey) {
		t.Errorf("the key shows in %s", s)
	}
}
