package telnyxtest_test

import (
	"bufio"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// TestPerKey checks that with WithPerKey every key of 8+ bytes is its own world
// (sessions, faults, log, clock), each started from the seed, that admin calls pick
// theirs by the same header, and that no header means the default key's world.
func TestPerKey(t *testing.T) {
	t.Parallel()
	seed := telnyxtest.Session{ID: id('a'), Active: true}
	st, root := adminServer(t, telnyxtest.WithPerKey(), telnyxtest.WithSessions(seed))
	const alice, bob = "KEY_alice_suite", "KEY_bob_suite"

	if code, v := adminKey(t, root, alice, "POST", "/__admin/sessions", `{"id": "`+id('b')+`"}`); code != 201 {
		t.Fatalf("alice's session: %d %v", code, v)
	}
	adminKey(t, root, bob, "POST", "/__admin/faults", `{"status": 503}`)
	adminKey(t, root, bob, "POST", "/__admin/clock", `{"advance_ms": 60000}`)

	equal(t, "alice's API", apiStatus(t, root, alice, "GET", "/room_sessions/"+id('b')), 200)
	equal(t, "bob's API: his fault", apiStatus(t, root, bob, "GET", "/room_sessions/"+id('b')), 503)
	equal(t, "the default world's API", apiStatus(t, root, telnyxtest.DefaultAPIKey, "GET", "/room_sessions/"+id('b')), 404)

	count := func(key string) int {
		t.Helper()
		_, v := adminKey(t, root, key, "GET", "/__admin/sessions", "")
		return len(v["data"].([]any))
	}
	equal(t, "sessions per world (seed + own)", []int{count(alice), count(bob), count("")}, []int{2, 1, 1})
	logged := func(key string) int {
		t.Helper()
		_, v := adminKey(t, root, key, "GET", "/__admin/requests", "")
		return len(v["data"].([]any))
	}
	equal(t, "requests per world", []int{logged(alice), logged(bob), logged("")}, []int{1, 1, 1})
	_, v := adminKey(t, root, bob, "GET", "/__admin/clock", "")
	_, w := adminKey(t, root, alice, "GET", "/__admin/clock", "")
	if v["now"] == w["now"] {
		t.Errorf("bob's clock moved alice's: %v", v["now"])
	}
	equal(t, "State is the default world", len(st.Sessions()), 1)

	adminKey(t, root, alice, "POST", "/__admin/reset", "")
	equal(t, "alice after her reset", count(alice), 1)
	equal(t, "bob after alice's reset", apiStatus(t, root, bob, "GET", "/room_sessions"), 503)

	if code, v := adminKey(t, root, "short", "GET", "/__admin/sessions", ""); code != 401 || !strings.Contains(errDetail(v), "at least 8 bytes") {
		t.Errorf("short key: %d %v", code, v)
	}
	equal(t, "the API without a key", apiStatus(t, root, "", "GET", "/room_sessions"), 401)
}

// TestCORS checks that preflights on the API and the admin API are answered, and that
// answers allow any origin and expose the request id.
func TestCORS(t *testing.T) {
	t.Parallel()
	_, root := adminServer(t)
	for _, p := range []string{"/v2/room_sessions", "/__admin/faults"} {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodOptions, root+p, nil)
		req.Header.Set("Origin", "http://localhost:3000")
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
		resp, err := ownClient(t).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		h := resp.Header
		equal(t, p+" preflight", []string{resp.Status, h.Get("Access-Control-Allow-Origin"), h.Get("Access-Control-Allow-Headers")},
			[]string{"204 No Content", "*", "authorization, content-type"})
		if !strings.Contains(h.Get("Access-Control-Allow-Methods"), "DELETE") {
			t.Errorf("%s: methods %q", p, h.Get("Access-Control-Allow-Methods"))
		}
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, root+"/v2/room_sessions", nil)
	req.Header.Set("Origin", "http://localhost:3000")
	req.Header.Set("Authorization", "Bearer "+telnyxtest.DefaultAPIKey)
	resp, err := ownClient(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "X-Request-Id") {
		t.Errorf("answer headers %v", resp.Header)
	}
}

// TestUncleanPaths checks that no path climbs from the API into the admin API.
func TestUncleanPaths(t *testing.T) {
	t.Parallel()
	st, root := adminServer(t)
	st.AddSession(telnyxtest.Session{ID: id('a')})
	u, _ := url.Parse(root)
	for _, p := range []string{
		"/v2/room_sessions/../../__admin/reset",
		"/v2/room_sessions/%2e%2e/%2e%2e/__admin/reset",
		"/v2/room_sessions/..%2f..%2f__admin/reset",
		"/v2//room_sessions",
		"/__admin/./reset",
	} {
		// Sent raw: net/http's client would send the path as given too, but this leaves
		// no doubt.
		conn, err := net.Dial("tcp", u.Host)
		if err != nil {
			t.Fatal(err)
		}
		_, err = conn.Write([]byte("POST " + p + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		conn.Close()
		if resp.StatusCode != 404 {
			t.Errorf("%s: %s, want 404", p, resp.Status)
		}
	}
	equal(t, "sessions left", len(st.Sessions()), 1)
}

// TestPerKeyRateLimit checks that WithRateLimit stays account-wide across the worlds of
// WithPerKey: the requests of every key count against one window.
func TestPerKeyRateLimit(t *testing.T) {
	t.Parallel()
	_, root := adminServer(t, telnyxtest.WithPerKey(), telnyxtest.WithRateLimit(2, time.Hour))
	equal(t, "first key", apiStatus(t, root, "KEY_suite_one", "GET", "/room_sessions"), 200)
	equal(t, "second key", apiStatus(t, root, "KEY_suite_two", "GET", "/room_sessions"), 200)
	equal(t, "third request, first key again", apiStatus(t, root, "KEY_suite_one", "GET", "/room_sessions"), 429)
}
