//go:build unix

package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// TestBinaryFlags runs the built program: global flags work before and after the
// command, --version answers, and errors name flags.
func TestBinaryFlags(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.AddSession(telnyxtest.Session{Active: true})
	srv.AddSession(telnyxtest.Session{})
	env := []string{"TELNYX_BASE_URL=" + srv.URL, "TELNYX_API_KEY=" + srv.APIKey}

	for _, args := range [][]string{
		{"list", "-o", "json", "--active"},
		{"-o", "json", "list", "--active"},
		{"list", "--active", "--output=json"},
		{"--output", "json", "list", "--inactive=false"},
	} {
		r := runBinary(t, env, args...)
		wantCode(t, r, exitOK)
		var doc struct {
			Data []map[string]any `json:"data"`
		}
		decodeJSON(t, r.stdout, &doc)
		if len(doc.Data) != 1 || doc.Data[0]["active"] != true {
			t.Errorf("%q: %s", args, r.stdout)
		}
	}

	r := runBinary(t, env, "list", "--page-size", "0x")
	wantCode(t, r, exitUsage)
	if !strings.Contains(r.stderr, `invalid --page-size: want a whole number, not "0x"`) {
		t.Errorf("stderr does not name --page-size:\n%s", r.stderr)
	}
	r = runBinary(t, env, "list", "--page-size", strconv.Itoa(telnyx.PageSizeMax+1))
	wantCode(t, r, exitUsage)
	if !strings.Contains(r.stderr, "invalid --page-size") || strings.Contains(r.stderr, "PageSize") {
		t.Errorf("stderr does not name --page-size:\n%s", r.stderr)
	}

	r = runBinary(t, nil, "--version")
	wantCode(t, r, exitOK)
	if !strings.HasPrefix(r.stdout, "roomsessions "+telnyx.Version+" ") {
		t.Errorf("--version: %q", r.stdout)
	}
}

// TestBinaryServeKey checks that the global --api-key chooses the key of serve
// wherever it is placed.
func TestBinaryServeKey(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"--api-key", "KEY_before", "-o", "json", "serve", "--addr", "127.0.0.1:0"},
		{"serve", "--addr", "127.0.0.1:0", "--api-key", "KEY_after", "-o", "json"},
	} {
		p := start(t, nil, args...)
		var doc strings.Builder
		for !json.Valid([]byte(doc.String())) {
			doc.WriteString(p.line(t) + "\n")
		}
		var ann struct {
			BaseURL string `json:"base_url"`
			APIKey  string `json:"api_key"`
		}
		if err := json.Unmarshal([]byte(doc.String()), &ann); err != nil {
			t.Fatal(err)
		}
		want := "KEY_before"
		if args[0] == "serve" {
			want = "KEY_after"
		}
		if ann.APIKey != want {
			t.Errorf("%q: serve announces the key %q, want %q", args, ann.APIKey, want)
		}
		if resp, _ := get(t, ann.BaseURL+"/room_sessions", want); resp.StatusCode != http.StatusOK {
			t.Errorf("%q: the chosen key gets %s", args, resp.Status)
		}
		if resp, _ := get(t, ann.BaseURL+"/room_sessions", telnyxtest.DefaultAPIKey); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%q: the default key gets %s, want 401", args, resp.Status)
		}
		if err := p.cmd.Process.Signal(interruptSignal); err != nil {
			t.Fatal(err)
		}
		if code := p.wait(t); code != exitOK {
			t.Errorf("serve exited %d", code)
		}
	}
}
