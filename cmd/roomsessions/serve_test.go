package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// served is a serve command running in the background.
type served struct {
	lines  <-chan string // stdout, line by line; closed at EOF
	stderr *lockedBuffer
	done   <-chan struct{} // closed when run has returned
	code   *int            // run's exit status, once done is closed
	cancel context.CancelFunc
}

// startServe runs the program with args (which hold serve) until the test ends or
// stop is called. Its stdout is read through a pipe, line by line.
func startServe(t *testing.T, args ...string) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	lines := make(chan string, 100)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	stderr := &lockedBuffer{}
	done := make(chan struct{})
	code := new(int)
	go func() {
		defer close(done)
		*code = run(ctx, args, envOf(), strings.NewReader(""), pw, stderr)
		pw.Close()
	}()
	s := &served{lines: lines, stderr: stderr, done: done, code: code, cancel: cancel}
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return s
}

// waitLine returns the first line of stdout that starts with prefix, without it.
func (s *served) waitLine(t *testing.T, prefix string) string {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case line, ok := <-s.lines:
			if !ok {
				t.Fatalf("serve ended without printing %q; stderr:\n%s", prefix, s.stderr)
			}
			if rest, found := strings.CutPrefix(line, prefix); found {
				return rest
			}
		case <-timeout:
			t.Fatalf("serve printed no %q", prefix)
		}
	}
}

// stop cancels serve's context (as SIGINT does) and returns its exit status.
func (s *served) stop(t *testing.T) int {
	t.Helper()
	s.cancel()
	select {
	case <-s.done:
		return *s.code
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop within 10s of its context being cancelled")
		return -1
	}
}

func get(t *testing.T, url, key string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
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
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// TestServe runs serve on a free port with demo data, talks to it with plain net/http
// and the printed key, and stops it as a signal would.
func TestServe(t *testing.T) {
	t.Parallel()
	s := startServe(t, "-v", "serve", "--addr", "127.0.0.1:0", "--demo-data")
	base := s.waitLine(t, "export TELNYX_BASE_URL=")
	key := s.waitLine(t, "export TELNYX_API_KEY=")
	if !strings.HasPrefix(base, "http://127.0.0.1:") || !strings.HasSuffix(base, "/v2") || strings.HasSuffix(base, ":0/v2") {
		t.Fatalf("base URL %q", base)
	}
	if key == "" {
		t.Fatal("no key printed")
	}

	resp, body := get(t, base+"/room_sessions?filter[active]=true", key)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET /v2/room_sessions: %s %s", resp.Status, body)
	}
	var list struct {
		Data []struct {
			ID     string `json:"id"`
			Active bool   `json:"active"`
		} `json:"data"`
		Meta struct {
			TotalResults int `json:"total_results"`
		} `json:"meta"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, body)
	}
	if list.Meta.TotalResults != 2 || len(list.Data) != 2 || !list.Data[0].Active {
		t.Errorf("active demo sessions: %s", body)
	}

	resp, body = get(t, base+"/room_sessions/"+sessionStandup+"/participants", key)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Alice (host)") {
		t.Errorf("participants of the demo standup: %s %s", resp.Status, body)
	}

	resp, body = get(t, base+"/room_sessions", "")
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), "10009") {
		t.Errorf("without a key: %s %s, want 401 with code 10009", resp.Status, body)
	}

	// The tool itself, as a client of the server.
	r := runEnv(t, envOf("TELNYX_BASE_URL", base, "TELNYX_API_KEY", key), "", "list", "--inactive")
	wantCode(t, r, exitOK)
	if !strings.HasSuffix(r.stdout, "page 1 of 1, 3 results\n") {
		t.Errorf("list --inactive against serve:\n%s", r.stdout)
	}

	if code := s.stop(t); code != exitOK {
		t.Errorf("exit status %d after cancel, want 0; stderr:\n%s", code, s.stderr)
	}
	log := s.stderr.String()
	if !strings.Contains(log, "serve: request") || !strings.Contains(log, "status=401") {
		t.Errorf("-v did not log the requests:\n%s", log)
	}
	if !strings.Contains(log, "roomsessions serve: stopped") {
		t.Errorf("stderr does not say serve stopped:\n%s", log)
	}
}

// TestServeAPIKeyAndJSON checks --api-key and the JSON announcement, and that serve
// without --demo-data starts empty.
func TestServeAPIKeyAndJSON(t *testing.T) {
	t.Parallel()
	const key = "KEY_chosen_for_serve"
	s := startServe(t, "-o", "json", "serve", "--addr", "127.0.0.1:0", "--api-key", key)
	var doc strings.Builder
	for !json.Valid([]byte(doc.String())) {
		select {
		case line, ok := <-s.lines:
			if !ok {
				t.Fatalf("serve ended; stdout so far %q; stderr:\n%s", doc.String(), s.stderr)
			}
			doc.WriteString(line + "\n")
		case <-time.After(30 * time.Second):
			t.Fatal("serve printed no JSON")
		}
	}
	var ann struct {
		BaseURL  string `json:"base_url"`
		APIKey   string `json:"api_key"`
		Sessions int    `json:"sessions"`
	}
	if err := json.Unmarshal([]byte(doc.String()), &ann); err != nil {
		t.Fatal(err)
	}
	if ann.APIKey != key || ann.Sessions != 0 || !strings.HasPrefix(ann.BaseURL, "http://127.0.0.1:") {
		t.Fatalf("announcement %+v", ann)
	}
	resp, body := get(t, ann.BaseURL+"/room_sessions", key)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"total_results":0`) {
		t.Errorf("empty server: %s %s", resp.Status, body)
	}
	if resp, _ := get(t, ann.BaseURL+"/room_sessions", "KEY_telnyxtest"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the default key is accepted although --api-key chose another: %s", resp.Status)
	}
	if code := s.stop(t); code != exitOK {
		t.Errorf("exit status %d, want 0", code)
	}
}

// TestServeAddressInUse checks that a failure to listen is exit 1 with the cause.
func TestServeAddressInUse(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	r := runEnv(t, envOf(), "", "serve", "--addr", ln.Addr().String())
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "roomsessions serve: ") || !strings.Contains(r.stderr, "address already in use") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
}

func TestDialAddr(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 4010}, "127.0.0.1:4010"},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 4010}, "127.0.0.1:4010"},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 80}, "127.0.0.1:80"},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 80}, "[::1]:80"},
	}
	for _, tt := range tests {
		if got := dialAddr(tt.addr); got != tt.want {
			t.Errorf("dialAddr(%v) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}
