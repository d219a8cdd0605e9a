package telnyxtest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// webhookAdmin sends an admin call to the admin API of st and returns the status and body.
func webhookAdmin(t *testing.T, st *telnyxtest.State, method, path, body string) (int, string) {
	t.Helper()
	ts := httptest.NewServer(st.AdminHandler())
	defer ts.Close()
	req, err := http.NewRequestWithContext(t.Context(), method, ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
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
	return resp.StatusCode, string(b)
}

func TestAdminWebhooks(t *testing.T) {
	t.Parallel()
	r := receiver{}
	srv := r.start(t)
	code, body := webhookAdmin(t, srv.State, "POST", "/__admin/webhooks/faults", `{"event_type":"video.room.participant.joined","duplicate":true,"times":1}`)
	if code != http.StatusCreated {
		t.Fatalf("POST faults: %d %s", code, body)
	}
	srv.AddSession(telnyxtest.Session{ID: id('a'), Active: true, Participants: []telnyxtest.Participant{{Context: "Alice"}}})
	code, body = webhookAdmin(t, srv.State, "POST", "/__admin/webhooks/wait?timeout_ms=10000", "")
	if code != http.StatusOK {
		t.Fatalf("POST wait: %d %s", code, body)
	}
	code, body = webhookAdmin(t, srv.State, "GET", "/__admin/webhooks", "")
	var got struct {
		Data []struct {
			EventID   string `json:"event_id"`
			EventType string `json:"event_type"`
			SessionID string `json:"session_id"`
			State     string `json:"state"`
			Status    int    `json:"status"`
			Attempts  int    `json:"attempts"`
			Duplicate bool   `json:"duplicate"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(body), &got); code != http.StatusOK || err != nil {
		t.Fatalf("GET webhooks: %d %s %v", code, body, err)
	}
	var lines []string
	for _, d := range got.Data {
		if d.State != "delivered" || d.Status != 200 || d.Attempts != 1 || d.SessionID != id('a') || d.EventID == "" {
			t.Errorf("delivery %+v", d)
		}
		l := d.EventType
		if d.Duplicate {
			l += " (duplicate)"
		}
		lines = append(lines, l)
	}
	equal(t, "deliveries", lines, []string{"video.room.session.started", "video.room.participant.joined", "video.room.participant.joined (duplicate)"})
	if code, body := webhookAdmin(t, srv.State, "DELETE", "/__admin/webhooks/faults", ""); code != http.StatusNoContent {
		t.Fatalf("DELETE faults: %d %s", code, body)
	}
}

func TestAdminWebhooksRefusesBadFaults(t *testing.T) {
	t.Parallel()
	srv := newServer(t, telnyxtest.WithWebhooks("http://127.0.0.1:1/"))
	for body, want := range map[string]string{
		`{"duplicate":true,"tims":1}`:   `unknown field \"tims\"`,
		`{"duplicate":"yes"}`:           "duplicate",
		`{"delay_ms":-1}`:               "/delay_ms: must be from 0",
		`{"duplicate":true,"times":-2}`: "/times: must be from 0",
		`{}`:                            "needs",
		`[]`:                            "want a webhook fault object",
	} {
		code, got := webhookAdmin(t, srv.State, "POST", "/__admin/webhooks/faults", body)
		if code != http.StatusBadRequest || !strings.Contains(got, want) {
			t.Errorf("%s: %d %s, want 400 with %q", body, code, got, want)
		}
	}
	if code, got := webhookAdmin(t, srv.State, "POST", "/__admin/webhooks/wait?timeout_ms=soon", ""); code != http.StatusBadRequest {
		t.Errorf("timeout_ms=soon: %d %s", code, got)
	}
}

func TestAdminWebhooksOffIs404(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	code, body := webhookAdmin(t, srv.State, "GET", "/__admin/webhooks", "")
	if code != http.StatusNotFound || !strings.Contains(body, "--webhook-url") {
		t.Fatalf("%d %s", code, body)
	}
}
