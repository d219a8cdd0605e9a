package main

import (
	"net/http"
	"strings"
	"testing"
)

// TestServeRateLimit: serve --rate-limit enforces the window account-wide, with its
// headers on every answer and the Telnyx 429 past it.
func TestServeRateLimit(t *testing.T) {
	t.Parallel()
	s := startServe(t, "serve", "--addr", "127.0.0.1:0", "--rate-limit", "2/1m")
	base := s.waitLine(t, "export TELNYX_BASE_URL=")
	key := s.waitLine(t, "export TELNYX_API_KEY=")

	quota := func(r *http.Response) string {
		return r.Header.Get("X-Ratelimit-Limit") + " " + r.Header.Get("X-Ratelimit-Remaining") + " " + r.Header.Get("X-Ratelimit-Reset")
	}
	resp, body := get(t, base+"/room_sessions", key)
	if resp.StatusCode != http.StatusOK || quota(resp) != "2 1 60" {
		t.Fatalf("first request: %s %q %s, want 200 with limit 2, remaining 1, reset 60", resp.Status, quota(resp), body)
	}
	resp, _ = get(t, base+"/room_sessions", "") // no key: counted all the same
	if resp.StatusCode != http.StatusUnauthorized || quota(resp) != "2 0 60" {
		t.Fatalf("second request, without a key: %s %q, want 401 with remaining 0", resp.Status, quota(resp))
	}
	resp, body = get(t, base+"/room_sessions", key)
	if resp.StatusCode != http.StatusTooManyRequests || quota(resp) != "2 0 60" || !strings.Contains(string(body), `"code":"10011"`) {
		t.Fatalf("past the limit: %s %q %s, want 429 with code 10011", resp.Status, quota(resp), body)
	}
	if code := s.stop(t); code != exitOK {
		t.Errorf("exit status %d, want 0", code)
	}
}

// TestServeRateLimitWithoutLimit: without --rate-limit the fake only reports fixed headers.
func TestServeRateLimitWithoutLimit(t *testing.T) {
	t.Parallel()
	s := startServe(t, "serve", "--addr", "127.0.0.1:0")
	base := s.waitLine(t, "export TELNYX_BASE_URL=")
	key := s.waitLine(t, "export TELNYX_API_KEY=")
	for range 5 {
		if resp, _ := get(t, base+"/room_sessions", key); resp.StatusCode != http.StatusOK || resp.Header.Get("X-Ratelimit-Remaining") != "99" {
			t.Fatalf("%s, remaining %q: want 200 and the fixed 99", resp.Status, resp.Header.Get("X-Ratelimit-Remaining"))
		}
	}
}

func TestRateLimitFlag(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"1000/5s", "1000/5s"},
		{"10/s", "10/1s"},
		{" 60/1m ", "60/1m0s"},
		{"5/250ms", "5/250ms"},
		{"3/.5s", "3/500ms"},
	} {
		var v rateLimitValue
		if err := v.Set(tc.in); err != nil || v.String() != tc.want {
			t.Errorf("Set(%q): %q, %v; want %q", tc.in, v.String(), err, tc.want)
		}
	}
	for _, in := range []string{"", "1000", "/5s", "0/5s", "-1/5s", "x/5s", "10/", "10/0s", "10/-5s", "10/5q", "1.5/s"} {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			r := runEnv(t, envOf(), "", "serve", "--addr", "127.0.0.1:0", "--rate-limit", in)
			wantCode(t, r, exitUsage)
			if !strings.Contains(r.stderr, "--rate-limit") || !strings.Contains(r.stderr, "N/DURATION") {
				t.Errorf("--rate-limit %q: stderr %q, want it to name the flag and the form", in, r.stderr)
			}
		})
	}
}
