package telnyxtest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

func TestRequests(t *testing.T) {
	t.Parallel()
	srv := newServer(t, telnyxtest.WithAPIKey("KEY_secret_1234"))
	s := seedRoom(t, srv)
	srv.Fail(telnyxtest.Fault{Path: "/v2/room_sessions/*/participants", Status: 503, Times: 1})

	type sent struct {
		method, path, body string
		header             http.Header
	}
	reqs := []sent{
		{"GET", "/room_sessions?filter[room_id]=" + s.RoomID + "&page[size]=5", "", authHeader(srv)},
		{"GET", "/room_sessions/" + s.ID + "/participants", "", authHeader(srv)},
		{"POST", "/room_sessions/" + s.ID + "/actions/mute", `{"participants":"all"}`, authHeader(srv)},
		{"GET", "/room_sessions", "", http.Header{"Authorization": {"Bearer KEY_wrong_5678"}}},
		{"GET", "/room_sessions", "", http.Header{"Authorization": {"KEY_bare_9999"}}},
	}
	var ids []string
	for _, r := range reqs {
		ids = append(ids, callHeader(t, srv, r.method, r.path, r.body, r.header).header.Get("X-Request-Id"))
	}

	got := srv.Requests()
	if len(got) != len(reqs) {
		t.Fatalf("%d requests recorded, want %d", len(got), len(reqs))
	}
	masks := []string{"Bearer ***", "Bearer ***", "Bearer ***", "Bearer ***", "***"}
	for i, r := range got {
		path, query, _ := strings.Cut("/v2"+reqs[i].path, "?")
		var body []byte
		if reqs[i].body != "" {
			body = []byte(reqs[i].body)
		}
		equal(t, "request", []any{r.Method, r.Path, r.Query, r.Body, r.RequestID, r.Header.Values("Authorization")},
			[]any{reqs[i].method, path, query, body, ids[i], []string{masks[i]}})
		for k, vs := range r.Header {
			for _, v := range vs {
				for _, secret := range []string{"secret_1234", "wrong_5678", "bare_9999"} {
					if strings.Contains(v, secret) {
						t.Errorf("header %s: %q shows a key", k, v)
					}
				}
			}
		}
	}
	equal(t, "content type recorded", got[2].Header.Get("Content-Type"), "application/json")

	// What Requests returns is a copy.
	got[2].Body[0] = 'X'
	got[2].Header.Set("Authorization", "changed")
	again := srv.Requests()
	equal(t, "body after changing a copy", string(again[2].Body), reqs[2].body)
	equal(t, "header after changing a copy", again[2].Header.Get("Authorization"), "Bearer ***")
}

func TestWithoutRequestLog(t *testing.T) {
	t.Parallel()
	srv := newServer(t, telnyxtest.WithoutRequestLog())
	a := call(t, srv, "GET", "/room_sessions", "")
	equal(t, "status", a.status, 200)
	equal(t, "requests", len(srv.Requests()), 0)
}
