package telnyxtest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// adminServer serves the fake API and its admin API on one port, as roomsessions serve
// does, and returns the state and the root URL.
func adminServer(t *testing.T, opts ...telnyxtest.Option) (*telnyxtest.State, string) {
	t.Helper()
	sa := telnyxtest.NewStandalone(append([]telnyxtest.Option{telnyxtest.WithClock(t0)}, opts...)...)
	ts := httptest.NewServer(sa)
	t.Cleanup(ts.Close)
	t.Cleanup(sa.Close)
	return sa.State(), ts.URL
}

// admin sends method path with body (JSON, or nothing when empty) and returns the
// status and the decoded body.
func admin(t *testing.T, root, method, path, body string) (int, map[string]any) {
	t.Helper()
	return adminKey(t, root, "", method, path, body)
}

// adminKey is admin with "Authorization: Bearer key" when key is not empty.
func adminKey(t *testing.T, root, key, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, root+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := ownClient(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if len(b) > 0 {
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s %s: %d %s: not JSON: %v", method, path, resp.StatusCode, b, err)
		}
	}
	if len(b) > 0 && resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("%s %s: Content-Type %q", method, path, resp.Header.Get("Content-Type"))
	}
	return resp.StatusCode, v
}

// TestAdminAPI goes through every admin call.
func TestAdminAPI(t *testing.T) {
	t.Parallel()
	st, root := adminServer(t)
	client, err := telnyx.NewClient(telnyx.WithBaseURL(root+"/v2"), telnyx.WithAPIKey(telnyxtest.DefaultAPIKey), telnyx.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	const sid = "5e000000-0000-4000-8000-000000000001"
	const alice = "9a000000-0000-4000-8000-000000000001"

	if code, v := admin(t, root, "GET", "/__admin/health", ""); code != 200 || v["status"] != "ok" {
		t.Errorf("health: %d %v", code, v)
	}

	code, v := admin(t, root, "POST", "/__admin/sessions", `{"id":"`+sid+`","active":true,"created_at":"2021-04-16T09:00:00.5Z",
		"participants":[{"id":"`+alice+`","context":"Alice"}]}`)
	if code != 201 {
		t.Fatalf("POST sessions: %d %v", code, v)
	}
	data := v["data"].([]any)
	s0 := data[0].(map[string]any)
	if len(data) != 1 || s0["id"] != sid || s0["created_at"] != "2021-04-16T09:00:00.500000Z" || s0["room_id"] == nil {
		t.Errorf("stored %v", v)
	}
	if code, v := admin(t, root, "POST", "/__admin/sessions", `[{"active":true},{"id":"bad"}]`); code != 400 || errDetail(v) != `/1/id: "bad" is not a UUID` || errPointer(v) != "/1/id" {
		t.Errorf("a bad session: %d %v", code, v)
	}
	if code, v := admin(t, root, "GET", "/__admin/sessions", ""); code != 200 || len(v["data"].([]any)) != 1 {
		t.Errorf("GET sessions after a rejected batch: %d %v", code, v)
	}

	// The mute state, which the API does not report, reads back through the admin API.
	if err := client.RoomSessions.Mute(ctx, sid, telnyx.AllParticipants()); err != nil {
		t.Fatal(err)
	}
	code, v = admin(t, root, "GET", "/__admin/sessions/"+sid, "")
	ps := v["data"].(map[string]any)["participants"].([]any)
	if code != 200 || ps[0].(map[string]any)["muted"] != true {
		t.Errorf("GET session after mute: %d %v", code, v)
	}
	if code, _ := admin(t, root, "GET", "/__admin/sessions/5e000000-0000-4000-8000-00000000ffff", ""); code != 404 {
		t.Errorf("GET an unknown session: %d", code)
	}

	// Live changes.
	st.Advance(time.Minute)
	code, v = admin(t, root, "POST", "/__admin/sessions/"+sid+"/participants", `{"context":"Bob"}`)
	bob := v["data"].(map[string]any)
	if code != 201 || bob["context"] != "Bob" || bob["joined_at"] != "2021-04-16T09:47:20.954863Z" {
		t.Errorf("join: %d %v", code, v)
	}
	code, v = admin(t, root, "POST", "/__admin/sessions/"+sid+"/participants/"+bob["id"].(string)+"/leave", "")
	if code != 200 || v["data"].(map[string]any)["left_at"] == nil {
		t.Errorf("leave: %d %v", code, v)
	}
	if code, _ := admin(t, root, "POST", "/__admin/sessions/"+sid+"/participants/9a000000-0000-4000-8000-00000000ffff/leave", ""); code != 404 {
		t.Errorf("leave of nobody: %d", code)
	}
	code, v = admin(t, root, "POST", "/__admin/sessions/"+sid+"/end", "")
	if code != 200 || v["data"].(map[string]any)["active"] != false {
		t.Errorf("end: %d %v", code, v)
	}
	if code, _ := admin(t, root, "POST", "/__admin/sessions/"+sid+"/participants", `{}`); code != 409 {
		t.Errorf("join an ended session: %d, want 409", code)
	}
	if s, _ := client.RoomSessions.Get(ctx, sid, nil); s == nil || s.Active {
		t.Errorf("the API does not show the end: %+v", s)
	}

	// Faults.
	code, v = admin(t, root, "POST", "/__admin/faults", `{"method":"GET","path":"/v2/room_sessions","status":503,
		"headers":{"Retry-After":"7","X-Extra":["a","b"]},"body":{"errors":[{"code":"x"}]},"times":1}`)
	if code != 201 || v["data"].(map[string]any)["id"] == "" || v["data"].(map[string]any)["times_left"] != 1.0 {
		t.Fatalf("POST faults: %d %v", code, v)
	}
	_, err = client.RoomSessions.List(ctx, nil)
	var apiErr *telnyx.Error
	if !errorsAs(err, &apiErr) || apiErr.StatusCode != 503 || apiErr.RetryAfter != 7*time.Second || string(apiErr.Body) != `{"errors":[{"code":"x"}]}` {
		t.Errorf("the fault: %v", err)
	}
	if _, err := client.RoomSessions.List(ctx, nil); err != nil {
		t.Errorf("the fault applied more than its times: %v", err)
	}
	for _, bad := range []string{`{"cut":"sideways"}`, `{"status":5}`, `{"latency":5}`, `{"headers":{"A":1}}`, `[]`} {
		if code, v := admin(t, root, "POST", "/__admin/faults", bad); code != 400 || errDetail(v) == "" {
			t.Errorf("fault %s: %d %v, want 400", bad, code, v)
		}
	}
	admin(t, root, "POST", "/__admin/faults", `{"cut":"before","times":2}`) // net/http resends once on a reused connection
	if _, err := client.RoomSessions.List(ctx, nil); err == nil {
		t.Error("cut before: no error")
	}

	// Requests.
	code, v = admin(t, root, "GET", "/__admin/requests", "")
	reqs := v["data"].([]any)
	if code != 200 || len(reqs) != len(st.Requests()) {
		t.Fatalf("requests: %d %d, want %d", code, len(reqs), len(st.Requests()))
	}
	mute := reqs[0].(map[string]any)
	if mute["method"] != "POST" || mute["path"] != "/v2/room_sessions/"+sid+"/actions/mute" || mute["body"] != `{"participants":"all"}` || mute["request_id"] == "" {
		t.Errorf("first request %v", mute)
	}
	if mute["status"] != 200.0 || mute["at"] != "2021-04-16T09:46:20.954863Z" {
		t.Errorf("first request's status and time: %v", mute)
	}
	if h := mute["headers"].(map[string]any)["Authorization"].([]any)[0]; h != "Bearer ***" {
		t.Errorf("Authorization recorded as %v", h)
	}
	get := reqs[1].(map[string]any)
	if get["body"] != nil || get["query"] != "" {
		t.Errorf("a GET without body: %v", get)
	}

	// Reset.
	if code, _ := admin(t, root, "POST", "/__admin/reset", ""); code != 204 {
		t.Errorf("reset: %d", code)
	}
	if len(st.Sessions()) != 0 || len(st.Requests()) != 0 {
		t.Error("reset left sessions or requests")
	}
	if code, v := admin(t, root, "GET", "/__admin/nothing", ""); code != 404 || !strings.Contains(errDetail(v), "openapi.yaml") {
		t.Errorf("unknown admin call: %d %v", code, v)
	}
	if code, v := admin(t, root, "PUT", "/__admin/faults", ""); code != 405 || errDetail(v) == "" {
		t.Errorf("admin call with another method: %d %v", code, v)
	}
}

// firstError returns the first error of a Telnyx error envelope, or nil.
func firstError(v map[string]any) map[string]any {
	errs, _ := v["errors"].([]any)
	if len(errs) == 0 {
		return nil
	}
	e, _ := errs[0].(map[string]any)
	return e
}

// errDetail returns the detail of the first error of an envelope.
func errDetail(v map[string]any) string {
	d, _ := firstError(v)["detail"].(string)
	return d
}

// errPointer returns the source.pointer of the first error of an envelope.
func errPointer(v map[string]any) string {
	src, _ := firstError(v)["source"].(map[string]any)
	p, _ := src["pointer"].(string)
	return p
}
