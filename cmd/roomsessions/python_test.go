//go:build unix

package main

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// announcement is what serve -o json prints first.
type announcement struct {
	BaseURL  string `json:"base_url"`
	APIKey   string `json:"api_key"`
	AdminURL string `json:"admin_url"`
	Sessions int    `json:"sessions"`
}

// startServe runs the built program's serve with args (after "-o json serve --addr
// 127.0.0.1:0") and returns it with its announcement.
func startServeBinary(t *testing.T, args ...string) (*process, announcement) {
	t.Helper()
	p := start(t, nil, append([]string{"-o", "json", "serve", "--addr", "127.0.0.1:0"}, args...)...)
	var doc strings.Builder
	for !json.Valid([]byte(doc.String())) {
		doc.WriteString(p.line(t) + "\n")
	}
	var ann announcement
	if err := json.Unmarshal([]byte(doc.String()), &ann); err != nil {
		t.Fatal(err)
	}
	return p, ann
}

// TestLanguageExamples runs examples/python/test_fake.py (Python's standard library
// only) and examples/node/fake.test.mjs (Node's node:test and fetch) at the same time
// against one built binary's serve --per-key, each suite with its own key: two test
// suites in other languages sharing one fake, admin API included.
func TestLanguageExamples(t *testing.T) {
	t.Parallel()
	p, ann := startServeBinary(t, "--per-key")
	env := func(key string) []string {
		return append(os.Environ(), "TELNYX_BASE_URL="+ann.BaseURL, "TELNYX_API_KEY="+key, "TELNYX_FAKE_PER_KEY=1")
	}
	t.Run("python", func(t *testing.T) {
		t.Parallel()
		python, err := exec.LookPath("python3")
		if err != nil {
			t.Skip("python3 is not on PATH, so examples/python/test_fake.py did not run: install Python 3 (apt-get install python3, brew install python) to run it")
		}
		cmd := exec.Command(python, filepath.Join("..", "..", "examples", "python", "test_fake.py"), "-v")
		cmd.Env = env("KEY_python_example")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("the Python example failed: %v\n%s\nserve's stderr:\n%s", err, out, p.stderr)
		}
		if !strings.Contains(string(out), "Ran 11 tests") || !strings.Contains(string(out), "OK") || strings.Contains(string(out), "skipped") {
			t.Errorf("the Python example did not run its 11 tests, none skipped:\n%s", out)
		}
	})
	t.Run("node", func(t *testing.T) {
		t.Parallel()
		node, err := exec.LookPath("node")
		if err != nil {
			t.Skip("node is not on PATH, so examples/node/fake.test.mjs did not run: install Node.js 18 or later (https://nodejs.org, apt-get install nodejs, brew install node) to run it")
		}
		cmd := exec.Command(node, "--test", filepath.Join("..", "..", "examples", "node", "fake.test.mjs"))
		cmd.Env = env("KEY_node_example")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("the Node example failed: %v\n%s\nserve's stderr:\n%s", err, out, p.stderr)
		}
		for _, want := range []string{"# pass 10", "# fail 0", "# skipped 0"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("the Node example's summary lacks %q:\n%s", want, out)
			}
		}
	})
}

// TestServeSeed checks serve --seed FILE (the sessions are there at start, in the
// admin API's shape; a bad file is a usage error) and the admin API of the built binary.
func TestServeSeed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	seed := filepath.Join(dir, "sessions.json")
	if err := os.WriteFile(seed, []byte(`[
		{"id": "5e000000-0000-4000-8000-000000000001", "active": true, "participants": [{"context": "Alice", "muted": true}]},
		{"room_id": "a0000000-0000-4000-8000-000000000001", "active": false}
	]`), 0o600); err != nil {
		t.Fatal(err)
	}
	p, ann := startServeBinary(t, "--seed", seed)
	if ann.Sessions != 2 || ann.AdminURL != strings.TrimSuffix(ann.BaseURL, "/v2")+"/__admin" {
		t.Errorf("announcement %+v", ann)
	}
	if resp, body := get(t, ann.AdminURL+"/health", ""); resp.StatusCode != 200 {
		t.Errorf("health: %s %s", resp.Status, body)
	}
	resp, body := get(t, ann.AdminURL+"/sessions/5e000000-0000-4000-8000-000000000001", "")
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"muted":true`) || !strings.Contains(string(body), `"context":"Alice"`) {
		t.Errorf("the seeded session: %s %s", resp.Status, body)
	}
	r := runEnv(t, envOf("TELNYX_BASE_URL", ann.BaseURL, "TELNYX_API_KEY", ann.APIKey), "", "list", "--inactive")
	wantCode(t, r, exitOK)
	if !strings.HasSuffix(r.stdout, "page 1 of 1, 1 result\n") {
		t.Errorf("list --inactive:\n%s", r.stdout)
	}

	// The admin API through the binary: a fault, the request log, a live change, reset.
	post := func(path, body string) int {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, ann.AdminURL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := ownClient(t).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post("/faults", `{"method":"GET","path":"/v2/room_sessions","status":500,"times":1}`); code != http.StatusCreated {
		t.Errorf("POST /faults: %d", code)
	}
	r = runEnv(t, envOf("TELNYX_BASE_URL", ann.BaseURL, "TELNYX_API_KEY", ann.APIKey), "", "--max-retries", "0", "list")
	wantCode(t, r, exitError)
	if code := post("/sessions/5e000000-0000-4000-8000-000000000001/end", ""); code != http.StatusOK {
		t.Errorf("POST /end: %d", code)
	}
	r = runEnv(t, envOf("TELNYX_BASE_URL", ann.BaseURL, "TELNYX_API_KEY", ann.APIKey), "", "list", "--active")
	wantCode(t, r, exitOK)
	if !strings.HasSuffix(r.stdout, "page 1 of 0, 0 results\n") {
		t.Errorf("the session the admin API ended is still active:\n%s", r.stdout)
	}
	resp, body = get(t, ann.AdminURL+"/requests", "")
	if resp.StatusCode != 200 || strings.Count(string(body), `"path":"/v2/room_sessions"`) != 3 {
		t.Errorf("requests: %s %s", resp.Status, body)
	}
	if code := post("/reset", ""); code != http.StatusNoContent {
		t.Errorf("POST /reset: %d", code)
	}
	// Reset goes back to the seed: the session ended above is active again.
	if _, body := get(t, ann.AdminURL+"/sessions", ""); strings.Count(string(body), `"id":"5e000000-0000-4000-8000-000000000001","participants"`) != 1 ||
		!strings.Contains(string(body), `{"active":true`) || strings.Count(string(body), `"room_id"`) != 2 {
		t.Errorf("after reset: %s", body)
	}

	if err := p.cmd.Process.Signal(interruptSignal); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(t); code != exitOK {
		t.Errorf("serve exited %d", code)
	}

	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`[{"id": "nope"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ file, want string }{
		{bad, `"nope" is not a UUID`},
		{filepath.Join(dir, "missing.json"), "no such file"},
	} {
		r := runBinary(t, nil, "serve", "--addr", "127.0.0.1:0", "--seed", tt.file)
		wantCode(t, r, exitUsage)
		if !strings.Contains(r.stderr, "--seed") || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("stderr:\n%s", r.stderr)
		}
	}
}
