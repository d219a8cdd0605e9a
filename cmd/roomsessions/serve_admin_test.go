//go:build unix

package main

import (
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeRefuses checks serve's usage errors: a short key (refused as the SDK
// refuses it), --api-key with --per-key, --max-requests 0, and a seed file that is not
// a JSON array of sessions, each naming what is wrong in JSON terms. Nothing is served.
func TestServeRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--api-key", "short"}, "invalid --api-key: it is 5 bytes, shorter than the 8"},
		{[]string{"--api-key", "KEY_long_enough", "--per-key"}, "--api-key and --per-key exclude each other"},
		{[]string{"--max-requests", "0"}, "invalid --max-requests: want 1 or more, not 0"},
		{[]string{"--seed", write("object.json", `{"sessions": []}`)}, "want a JSON array of sessions, not an object"},
		{[]string{"--seed", write("typo.json", `[{"actve": true}]`)}, `/0/actve: unknown field "actve"`},
		{[]string{"--seed", write("type.json", `[{"active": "yes"}]`)}, "/0/active: must be true or false, not a string"},
		{[]string{"--seed", write("time.json", `[{"created_at": "2021-04-16"}]`)}, `/0/created_at: "2021-04-16" is not an RFC 3339 time`},
		{[]string{"--seed", write("dup.json", `[{"id": "5e000000-0000-4000-8000-000000000001"}]`), "--demo-data"}, "session 5e000000-0000-4000-8000-000000000001 is also in the sample data"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			r := runEnv(t, envOf(), "", append([]string{"serve", "--addr", "127.0.0.1:0"}, tt.args...)...)
			wantCode(t, r, exitUsage)
			if !strings.Contains(r.stderr, tt.want) || r.stdout != "" {
				t.Errorf("stderr:\n%s\nwant %q; stdout %q", r.stderr, tt.want, r.stdout)
			}
			for _, goTerm := range []string{"Go struct", "unmarshal", "2006-01-02", "strconv", "telnyx.With"} {
				if strings.Contains(r.stderr, goTerm) {
					t.Errorf("stderr speaks Go (%q):\n%s", goTerm, r.stderr)
				}
			}
		})
	}
}

// TestServeStopsDuringLatency checks that SIGTERM stops serve at once with exit status
// 0 while a request is held by a ten-minute latency fault, and that the held request
// gets a cut connection rather than waiting out the grace period.
func TestServeStopsDuringLatency(t *testing.T) {
	t.Parallel()
	p, ann := startServeBinary(t)
	post := func(path, body string) int {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, ann.AdminURL+path, strings.NewReader(body))
		resp, err := ownClient(t).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post("/faults", `{"latency_ms": 600000}`); code != http.StatusCreated {
		t.Fatalf("POST /faults: %d", code)
	}
	held := make(chan error, 1)
	go func() {
		_, err := ownClient(t).Get(ann.BaseURL + "/room_sessions")
		held <- err
	}()
	// The request is held once the log shows it (its status still 0).
	for {
		_, body := get(t, ann.AdminURL+"/requests", "")
		if strings.Contains(string(body), `"status":0`) {
			break
		}
		select {
		case err := <-held:
			t.Fatalf("the request was not held: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	start := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(t); code != exitOK {
		t.Errorf("serve exited %d after SIGTERM with a request held, want 0; stderr:\n%s", code, p.stderr)
	}
	if d := time.Since(start); d >= shutdownGrace {
		t.Errorf("serve took %s to stop, the whole grace period", d)
	}
	if err := <-held; err == nil {
		t.Error("the held request got an answer")
	}
}

// TestServePerKey checks serve --per-key end to end: two keys, two worlds, each from
// the seed; the admin API picks the world by the same header.
func TestServePerKey(t *testing.T) {
	t.Parallel()
	s := startServe(t, "serve", "--addr", "127.0.0.1:0", "--per-key", "--demo-data")
	base := s.waitLine(t, "export TELNYX_BASE_URL=")
	admin := strings.TrimSuffix(base, "/v2") + "/__admin"
	end := func(key string) {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, admin+"/sessions/"+sessionStandup+"/end", nil)
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := ownClient(t).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("end in %s's world: %s", key, resp.Status)
		}
	}
	end("KEY_suite_python")
	active := func(key string) string {
		r := runEnv(t, envOf("TELNYX_BASE_URL", base, "TELNYX_API_KEY", key), "", "list", "--active", "-o", "jsonl")
		wantCode(t, r, exitOK)
		return r.stdout
	}
	if strings.Contains(active("KEY_suite_python"), sessionStandup) {
		t.Error("the session ended in the python world is still active there")
	}
	if !strings.Contains(active("KEY_suite_node_"), sessionStandup) {
		t.Error("ending a session in one world ended it in another")
	}
	if code := s.stop(t); code != exitOK {
		t.Errorf("exit status %d", code)
	}
}

// TestBoundedServer checks the bounds serve's server is given.
func TestBoundedServer(t *testing.T) {
	t.Parallel()
	srv := boundedServer(http.NotFoundHandler())
	if srv.ReadHeaderTimeout != 10*time.Second || srv.ReadTimeout != 30*time.Second || srv.IdleTimeout != 60*time.Second ||
		srv.MaxHeaderBytes != 64<<10 || srv.WriteTimeout != 0 {
		t.Errorf("server bounds: %+v", srv)
	}
}

// TestLimitListener checks that a limited listener holds a connection past its limit
// until one closes.
func TestLimitListener(t *testing.T) {
	t.Parallel()
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := limitListener(inner, 1)
	defer ln.Close()
	for range 2 {
		c, err := net.Dial("tcp", inner.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	first, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			accepted <- c
		}
		close(accepted)
	}()
	select {
	case <-accepted:
		t.Fatal("a second connection was accepted past the limit of 1")
	case <-time.After(50 * time.Millisecond):
	}
	first.Close()
	first.Close() // a second Close frees nothing more
	select {
	case c, ok := <-accepted:
		if !ok {
			t.Fatal("Accept failed")
		}
		c.Close()
	case <-time.After(10 * time.Second):
		t.Fatal("the second connection was not accepted once the first closed")
	}
}

// TestServeIDSeed checks that serve --id-seed N fills in the same ids on every run, and
// other ones for another N.
func TestServeIDSeed(t *testing.T) {
	t.Parallel()
	idOf := func(seed string) string {
		s := startServe(t, "serve", "--addr", "127.0.0.1:0", "--id-seed", seed)
		base := s.waitLine(t, "export TELNYX_BASE_URL=")
		admin := strings.TrimSuffix(base, "/v2") + "/__admin"
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, admin+"/sessions", strings.NewReader(`{}`))
		resp, err := ownClient(t).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v struct {
			Data []struct {
				ID     string `json:"id"`
				RoomID string `json:"room_id"`
			} `json:"data"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || len(v.Data) != 1 {
			t.Fatalf("POST /__admin/sessions: %v %+v", err, v)
		}
		if code := s.stop(t); code != exitOK {
			t.Errorf("exit status %d", code)
		}
		return v.Data[0].ID + " " + v.Data[0].RoomID
	}
	first, again, other := idOf("7"), idOf("7"), idOf("8")
	if first != again || first == other {
		t.Errorf("--id-seed 7 gave %q then %q; --id-seed 8 gave %q", first, again, other)
	}
}
