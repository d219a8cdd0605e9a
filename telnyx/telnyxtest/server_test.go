package telnyxtest_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

func TestNewServer(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") || !strings.HasSuffix(srv.URL, "/v2") {
		t.Errorf("URL %q, want http://127.0.0.1:port/v2", srv.URL)
	}
	equal(t, "default key", srv.APIKey, telnyxtest.DefaultAPIKey)
	equal(t, "status", call(t, srv, "GET", "/room_sessions", "").status, 200)

	other := newServer(t, telnyxtest.WithAPIKey("KEY_mine"), telnyxtest.WithAPIKey(""))
	equal(t, "chosen key", other.APIKey, "KEY_mine")
	equal(t, "status with the chosen key", call(t, other, "GET", "/room_sessions", "").status, 200)
	a := callHeader(t, other, "GET", "/room_sessions", "", http.Header{"Authorization": {"Bearer " + telnyxtest.DefaultAPIKey}})
	equal(t, "status with the default key", a.status, 401)
}

// TestNewHandler mounts the handler in a server of one's own.
func TestNewHandler(t *testing.T) {
	t.Parallel()
	h, st := telnyxtest.NewHandler(telnyxtest.WithAPIKey("KEY_h"))
	mux := http.NewServeMux()
	mux.Handle("/v2/", h)
	ts := httptest.NewServer(mux)
	defer ts.Close()
	s := st.AddSession(telnyxtest.Session{Active: true, Participants: []telnyxtest.Participant{{}}})

	req, _ := http.NewRequestWithContext(t.Context(), "POST", ts.URL+"/v2/room_sessions/"+s.ID+"/actions/mute", strings.NewReader(`{"participants":"all"}`))
	req.Header.Set("Authorization", "Bearer KEY_h")
	req.Header.Set("Content-Type", "application/json")
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	equal(t, "answer", []any{resp.StatusCode, string(body)}, []any{200, `{"data":{"result":"ok"}}`})
	got, _ := st.Session(s.ID)
	equal(t, "muted", got.Participants[0].Muted, true)
	equal(t, "recorded", len(st.Requests()), 1)
}

// TestHeadersOnEveryAnswer checks the standard headers on answers of every kind.
func TestHeadersOnEveryAnswer(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	s := seedRoom(t, srv)
	seen := map[string]bool{}
	for _, r := range []struct{ method, path, body string }{
		{"GET", "/room_sessions", ""},
		{"GET", "/room_sessions/" + s.ID, ""},
		{"POST", "/room_sessions/" + s.ID + "/actions/mute", muteAll},
		{"GET", "/room_sessions/abc", ""},
		{"GET", "/room_sessions/" + id('e'), ""},
		{"GET", "/nowhere", ""},
		{"DELETE", "/room_sessions", ""},
		{"POST", "/room_sessions/" + s.ID + "/actions/kick", "{}"},
	} {
		a := call(t, srv, r.method, r.path, r.body) // call checks the headers
		reqID := a.header.Get("X-Request-Id")
		if seen[reqID] {
			t.Errorf("x-request-id %s repeated", reqID)
		}
		seen[reqID] = true
		equal(t, "rate limit", []string{a.header.Get("X-Ratelimit-Limit"), a.header.Get("X-Ratelimit-Remaining"), a.header.Get("X-Ratelimit-Reset")}, []string{"100", "99", "1"})
	}
	a := callHeader(t, srv, "GET", "/room_sessions", "", nil)
	equal(t, "401 status", a.status, 401)
}
