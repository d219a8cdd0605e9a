package telnyxtest_test

import (
	"net/http"
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// apiStatus sends an API request with the default key to root and returns its status.
func apiStatus(t *testing.T, root, key, method, pathQuery string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, root+"/v2"+pathQuery, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := ownClient(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestAdminFaults checks faults with ids: listed with the times left, deleted one by
// one or all at once, matched by path without /v2 and by query, and a later fault with
// times winning over a forgotten standing one.
func TestAdminFaults(t *testing.T) {
	t.Parallel()
	_, root := adminServer(t)
	key := telnyxtest.DefaultAPIKey
	add := func(body string) string {
		t.Helper()
		code, v := admin(t, root, "POST", "/__admin/faults", body)
		if code != 201 {
			t.Fatalf("POST /__admin/faults %s: %d %v", body, code, v)
		}
		return v["data"].(map[string]any)["id"].(string)
	}
	standing := add(`{"path": "/room_sessions", "status": 502}`)
	paged := add(`{"method": "get", "path": "/room_sessions", "query": {"page[number]": "2"}, "status": 503, "times": 2}`)

	equal(t, "page 1", apiStatus(t, root, key, "GET", "/room_sessions"), 502)
	equal(t, "page 2", apiStatus(t, root, key, "GET", "/room_sessions?page[number]=2"), 503)

	code, v := admin(t, root, "GET", "/__admin/faults", "")
	faults := v["data"].([]any)
	if code != 200 || len(faults) != 2 {
		t.Fatalf("GET /__admin/faults: %d %v", code, v)
	}
	first, second := faults[0].(map[string]any), faults[1].(map[string]any)
	equal(t, "listed", []any{first["id"], first["path"], first["times"], first["times_left"], second["id"], second["method"], second["times_left"]},
		[]any{standing, "/v2/room_sessions", 0.0, nil, paged, "GET", 1.0})

	if code, v := admin(t, root, "GET", "/__admin/faults/"+paged, ""); code != 200 || v["data"].(map[string]any)["status"] != 503.0 {
		t.Errorf("GET one fault: %d %v", code, v)
	}
	if code, _ := admin(t, root, "DELETE", "/__admin/faults/"+standing, ""); code != 204 {
		t.Errorf("DELETE a fault: %d", code)
	}
	if code, v := admin(t, root, "DELETE", "/__admin/faults/"+standing, ""); code != 404 || errPointer(v) != "/id" {
		t.Errorf("DELETE it again: %d %v", code, v)
	}
	equal(t, "page 1 once the standing fault is gone", apiStatus(t, root, key, "GET", "/room_sessions"), 200)

	// A forgotten latency fault does not hide a later fault with times.
	add(`{"latency_ms": 1}`)
	add(`{"status": 500, "times": 1}`)
	equal(t, "the later fault with times", apiStatus(t, root, key, "GET", "/room_sessions"), 500)
	if code, _ := admin(t, root, "DELETE", "/__admin/faults", ""); code != 204 {
		t.Errorf("DELETE all faults: %d", code)
	}
	if _, v := admin(t, root, "GET", "/__admin/faults", ""); len(v["data"].([]any)) != 0 {
		t.Errorf("faults left: %v", v)
	}
	equal(t, "page 2 without faults", apiStatus(t, root, key, "GET", "/room_sessions?page[number]=2"), 200)
}
