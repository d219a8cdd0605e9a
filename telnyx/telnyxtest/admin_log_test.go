package telnyxtest_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// TestAdminRequests checks the request log: the status of each answer, the method and
// path filters, clearing it alone, and its cap.
func TestAdminRequests(t *testing.T) {
	t.Parallel()
	st, root := adminServer(t, telnyxtest.WithMaxRequests(4))
	key := telnyxtest.DefaultAPIKey
	sid := id('a')
	st.AddSession(telnyxtest.Session{ID: sid, Active: true})
	admin(t, root, "POST", "/__admin/faults", `{"path": "/room_sessions/*/participants", "status": 503, "times": 1}`)

	apiStatus(t, root, key, "GET", "/room_sessions")
	apiStatus(t, root, key, "GET", "/room_sessions/"+sid+"/participants")
	apiStatus(t, root, "KEY_wrong_123", "GET", "/room_sessions/"+sid)
	apiStatus(t, root, key, "POST", "/room_sessions/"+sid+"/actions/end")

	log := func(query string) []string {
		t.Helper()
		code, v := admin(t, root, "GET", "/__admin/requests"+query, "")
		if code != 200 {
			t.Fatalf("GET /__admin/requests%s: %d %v", query, code, v)
		}
		var out []string
		for _, r := range v["data"].([]any) {
			m := r.(map[string]any)
			out = append(out, fmt.Sprintf("%s %s %v", m["method"], m["path"], m["status"]))
		}
		return out
	}
	p := "/v2/room_sessions/" + sid
	equal(t, "every request with its status", log(""), []string{
		"GET /v2/room_sessions 200", "GET " + p + "/participants 503", "GET " + p + " 401", "POST " + p + "/actions/end 200"})
	equal(t, "method filter", log("?method=post"), []string{"POST " + p + "/actions/end 200"})
	equal(t, "path filter without /v2", log("?path=/room_sessions/*"), []string{"GET " + p + " 401"})
	equal(t, "both filters", log("?method=GET&path=/v2/room_sessions/*/participants"), []string{"GET " + p + "/participants 503"})
	if code, v := admin(t, root, "GET", "/__admin/requests?status=200", ""); code != 400 || !strings.Contains(errDetail(v), "the filters are method and path") {
		t.Errorf("unknown filter: %d %v", code, v)
	}

	apiStatus(t, root, key, "GET", "/room_sessions?page[size]=5")
	equal(t, "capped at 4, oldest dropped", log(""), []string{
		"GET " + p + "/participants 503", "GET " + p + " 401", "POST " + p + "/actions/end 200", "GET /v2/room_sessions 200"})

	if code, _ := admin(t, root, "DELETE", "/__admin/requests", ""); code != 204 {
		t.Errorf("DELETE /__admin/requests: %d", code)
	}
	equal(t, "after DELETE", len(log("")), 0)
	if _, ok := st.Session(sid); !ok {
		t.Error("DELETE /__admin/requests removed a session")
	}
}

// TestRequestLogBodyCap checks that a large body is logged only in part.
func TestRequestLogBodyCap(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	big := `{"participants":"all","exclude":["` + strings.Repeat("x", 200<<10) + `"]}`
	sendRaw(t, srv, "POST", "/room_sessions/"+id('a')+"/actions/mute", big)
	reqs := srv.Requests()
	if len(reqs) != 1 || len(reqs[0].Body) != telnyxtest.MaxLoggedBody || !reqs[0].BodyTruncated {
		t.Fatalf("logged %d bytes, truncated %v", len(reqs[0].Body), reqs[0].BodyTruncated)
	}

	// Without the key, no more is read than the log keeps, and the answer is 401.
	_, a := sendHeader(t, srv, "POST", "/room_sessions/"+id('a')+"/actions/mute", big, http.Header{"Content-Type": {"application/json"}})
	reqs = srv.Requests()
	if a.status != 401 || len(reqs[1].Body) != telnyxtest.MaxLoggedBody || !reqs[1].BodyTruncated || reqs[1].Status != 401 {
		t.Errorf("unauthenticated: %d, logged %d bytes, truncated %v, status %d", a.status, len(reqs[1].Body), reqs[1].BodyTruncated, reqs[1].Status)
	}
}

// TestAdminClock checks GET and POST /__admin/clock.
func TestAdminClock(t *testing.T) {
	t.Parallel()
	_, root := adminServer(t)
	if code, v := admin(t, root, "GET", "/__admin/clock", ""); code != 200 || v["now"] != "2021-04-16T09:46:20.954863Z" {
		t.Errorf("GET: %d %v", code, v)
	}
	if code, v := admin(t, root, "POST", "/__admin/clock", `{"advance_ms": 90000}`); code != 200 || v["now"] != "2021-04-16T09:47:50.954863Z" {
		t.Errorf("advance: %d %v", code, v)
	}
	if code, v := admin(t, root, "POST", "/__admin/clock", `{"now": "2025-06-01T12:00:00+02:00"}`); code != 200 || v["now"] != "2025-06-01T10:00:00.000000Z" {
		t.Errorf("set: %d %v", code, v)
	}
	_, v := admin(t, root, "POST", "/__admin/sessions", `{}`)
	equal(t, "a session made now", v["data"].([]any)[0].(map[string]any)["created_at"], "2025-06-01T10:00:00.000000Z")
}

// TestAdminResetToSeed checks that reset returns to the sessions at start, the clock at
// start, no faults and an empty log.
func TestAdminResetToSeed(t *testing.T) {
	t.Parallel()
	seed := telnyxtest.Session{ID: id('a'), Active: true, Participants: []telnyxtest.Participant{{ID: id('b')}}}
	st, root := adminServer(t, telnyxtest.WithSessions(seed))
	key := telnyxtest.DefaultAPIKey
	admin(t, root, "POST", "/__admin/sessions", `{"id": "`+id('c')+`"}`)
	admin(t, root, "POST", "/__admin/sessions/"+id('a')+"/end", "")
	admin(t, root, "POST", "/__admin/faults", `{"status": 500}`)
	admin(t, root, "POST", "/__admin/clock", `{"advance_ms": 5000}`)
	apiStatus(t, root, key, "GET", "/room_sessions")

	if code, _ := admin(t, root, "POST", "/__admin/reset", ""); code != 204 {
		t.Fatalf("reset: %d", code)
	}
	sessions := st.Sessions()
	if len(sessions) != 1 || sessions[0].ID != id('a') || !sessions[0].Active || !sessions[0].Participants[0].LeftAt.IsZero() {
		t.Errorf("after reset: %+v", sessions)
	}
	equal(t, "faults", len(st.Faults()), 0)
	equal(t, "requests", len(st.Requests()), 0)
	equal(t, "clock", st.Now(), t0().Truncate(1000))
	equal(t, "the API after reset", apiStatus(t, root, key, "GET", "/room_sessions"), 200)
}
