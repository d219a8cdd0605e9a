package main

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

const (
	uuidA = "11111111-1111-4111-8111-111111111111"
	uuidB = "22222222-2222-4222-8222-222222222222"
	uuidC = "33333333-3333-4333-8333-333333333333"
)

// TestUsageErrors checks that every mistake on the command line exits 2 with a
// one-line message and the usage on stderr, and sends nothing.
func TestUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string // in the first line of stderr
	}{
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"unknown global flag", []string{"--bogus", "list"}, "unknown flag: --bogus"},
		{"bad output format", []string{"-o", "xml", "list"}, `-o must be table, wide, json, jsonl, not "xml"`},
		{"bad output format after the command", []string{"list", "--output=yaml"}, `-o must be table, wide, json, jsonl, not "yaml"`},
		{"bad retries value", []string{"--max-retries", "many", "list"}, `invalid --max-retries: want a whole number, not "many"`},
		{"negative retries", []string{"--max-retries", "-1", "list"}, "invalid --max-retries: must be >= 0"},
		{"negative timeout", []string{"list", "--timeout", "-1s"}, "invalid --timeout: must be >= 0"},
		{"plain http to a remote host", []string{"--base-url", "http://example.com/v2", "list"}, "invalid --base-url: \"http://example.com/v2\" uses plain http"},
		{"unknown command flag", []string{"list", "--bogus"}, "unknown flag: --bogus"},
		{"active and inactive", []string{"list", "--active", "--inactive"}, "--active and --inactive exclude each other"},
		{"bad date", []string{"list", "--created-after", "2021-13-01"}, `invalid --created-after "2021-13-01": want a date as YYYY-MM-DD`},
		{"word for a date", []string{"participants", uuidA, "--joined-on", "yesterday"}, "want a date as YYYY-MM-DD"},
		{"flag without its value", []string{"list", "--page"}, "flag needs an argument: --page"},
		{"list with an argument", []string{"list", uuidA}, `unexpected argument "` + uuidA + `"`},
		{"page size too big", []string{"list", "--page-size", strconv.Itoa(telnyx.PageSizeMax + 1)}, "invalid --page-size: must be between 1 and " + strconv.Itoa(telnyx.PageSizeMax)},
		{"negative page", []string{"participants", uuidA, "--page", "-1"}, "invalid --page: must be >= 0"},
		{"room not a uuid", []string{"list", "--room", "standup"}, `invalid --room: "standup" is not a UUID`},
		{"get without id", []string{"get"}, "missing session ID"},
		{"get with two ids", []string{"get", uuidA, uuidB}, `unexpected argument "` + uuidB + `"`},
		{"get not a uuid", []string{"get", "nope"}, `invalid ID: "nope" is not a UUID`},
		{"participants without id", []string{"participants"}, "missing session ID"},
		{"kick selecting nobody", []string{"kick", uuidA}, "say who: --everyone or --participant ID"},
		{"mute everyone and someone", []string{"mute", uuidA, "--everyone", "--participant", uuidB}, "--everyone and --participant exclude each other"},
		{"unmute empty id", []string{"unmute", uuidA, "--participant", ""}, "empty id"},
		{"participant not a uuid", []string{"kick", uuidA, "--participant", "bob"}, `invalid --participant: "bob" is not a UUID`},
		{"except not a uuid", []string{"mute", uuidA, "--everyone", "--except", "bob"}, `invalid --except: "bob" is not a UUID`},
		{"dry run with a bad id", []string{"kick", uuidA, "--participant", "bob", "--dry-run"}, `invalid --participant: "bob" is not a UUID`},
		{"active and inactive both false", []string{"list", "--active=false", "--inactive=false"}, "--active and --inactive exclude each other"},
		{"end with an id and a filter", []string{"end", uuidA, "--room", uuidB}, "give a SESSION_ID or a filter, not both"},
		{"end over nothing", []string{"end"}, "missing session ID, or a filter"},
		{"end ended sessions", []string{"end", "--active=false"}, "ended sessions cannot be ended again"},
		{"end with two ids", []string{"end", uuidA, uuidB}, `unexpected argument "` + uuidB + `"`},
		{"no ids on stdin", []string{"kick", uuidA, "--participant", "-"}, "--participant -: no ids on stdin"},
		{"stdin twice", []string{"kick", uuidA, "--participant", "-", "--participant", "-"}, "--participant - may be given once"},
		{"serve with an argument", []string{"serve", "now"}, `unexpected argument "now"`},
		{"demo with an argument", []string{"demo", "fast"}, `unexpected argument "fast"`},
		{"help for nothing", []string{"help", "frobnicate"}, `unknown command "frobnicate"`},
		{"a typo of a command", []string{"lsit"}, `unknown command "lsit"; did you mean "list"?`},
		{"a bad boolean", []string{"list", "--active=maybe"}, `invalid --active: want true or false, not "maybe"`},
		{"a bad duration", []string{"--timeout", "5x", "list"}, `invalid --timeout: want a duration such as 30s, 2m or 1h30m, not "5x"`},
		{"a short key", []string{"--api-key", "short", "list"}, "invalid --api-key: is 5 bytes, shorter than the 8 of any Telnyx key (set with --api-key or $TELNYX_API_KEY)"},
		{"a bad $TELNYX_PLAIN_HTTP", []string{"list", "--plain-http=maybe"}, `invalid --plain-http: want true or false, not "maybe"`},
		{"end without --yes or a terminal", []string{"end", uuidA}, "refusing to end session " + uuidA + " (everyone still present leaves) without confirmation: stdin is not a terminal; pass --yes"},
		{"kick without --yes or a terminal", []string{"kick", uuidA, "--everyone"}, "refusing to kick without confirmation: stdin is not a terminal; pass --yes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			r := runCLI(t, srv, tt.args...)
			wantCode(t, r, exitUsage)
			first, _, _ := strings.Cut(r.stderr, "\n")
			if !strings.Contains(first, tt.want) {
				t.Errorf("first line of stderr = %q, want it to contain %q", first, tt.want)
			}
			if !strings.Contains(r.stderr, "usage: roomsessions") {
				t.Errorf("stderr has no usage:\n%s", r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q, want nothing", r.stdout)
			}
			if n := len(srv.Requests()); n != 0 {
				t.Errorf("the server received %d requests, want none", n)
			}
		})
	}
}

// TestNoAPIKey checks that a missing key is a usage error naming both ways to give one.
func TestNoAPIKey(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	r := runEnv(t, envOf("TELNYX_BASE_URL", srv.URL), "", "list")
	wantCode(t, r, exitUsage)
	for _, want := range []string{"no API key", "--api-key", "$TELNYX_API_KEY"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not mention %q:\n%s", want, r.stderr)
		}
	}
}

// TestHelp checks that -h and help print the usage on stdout and exit 0.
func TestHelp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"-h"}, []string{"Usage:\n  roomsessions [flags]\n  roomsessions [command]", "--api-key KEY", "-o, --output FORMAT", "--max-retries N", "(default 2)", "serve", "demo", "completion", "Exit status", "130 or 143"}},
		{[]string{"help"}, []string{"Usage:\n  roomsessions [flags]"}},
		{[]string{"list", "-h"}, []string{"Usage:\n  roomsessions list [--room ID]", "--created-after DATE", "on or after DATE (inclusive)", "--ended-before DATE", "--page-size N", "--all", "--active=false: only ended ones", "Examples:\n  roomsessions list --active"}},
		{[]string{"help", "kick"}, []string{"kick SESSION_ID (--everyone | --participant ID ...)", "--except ID", "--dry-run", "--yes"}},
		{[]string{"participants", "--help"}, []string{"--context NAME", "--left-on DATE", "--joined-after DATE"}},
		{[]string{"serve", "-h"}, []string{"--addr HOST:PORT", "--demo-data", "(default KEY_telnyxtest)"}},
		{[]string{"end", "-h"}, []string{"end (SESSION_ID | [--room ID]", "--dry-run", "--yes", "collects every matching session"}},
		{[]string{"--version"}, []string{"roomsessions " + telnyx.Version + " (telnyx-go SDK"}},
		{[]string{"completion", "bash"}, []string{"bash completion", "__start_roomsessions"}},
		{[]string{"completion", "zsh"}, []string{"#compdef roomsessions"}},
		{[]string{"completion", "fish"}, []string{"complete -c roomsessions"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			r := runEnv(t, envOf(), "", tt.args...)
			wantCode(t, r, exitOK)
			for _, want := range tt.want {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("stdout does not contain %q:\n%s", want, r.stdout)
				}
			}
			if r.stderr != "" {
				t.Errorf("stderr = %q, want nothing", r.stderr)
			}
		})
	}
}

// TestNotFound checks exit 1 with the status, Telnyx code, title and request id.
func TestNotFound(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"get", uuidA},
		{"participants", uuidA},
		{"end", uuidA, "--yes"},
		{"mute", uuidA, "--everyone"},
	} {
		t.Run(args[0], func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			r := runCLI(t, srv, args...)
			wantCode(t, r, exitError)
			reqs := srv.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			want := []string{"roomsessions " + args[0] + ": ", "404 Not Found", "10005", "Resource not found", "request id " + reqs[0].RequestID}
			for _, w := range want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr does not contain %q:\n%s", w, r.stderr)
				}
			}
			if strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("stderr is not one line:\n%s", r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q, want nothing", r.stdout)
			}
		})
	}
}

// TestWrongKey checks that a 401 exits 1 with code 10009 and never shows the key.
func TestWrongKey(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	const wrong = "KEY_wrong_and_secret_42"
	r := runEnv(t, envOf("TELNYX_BASE_URL", srv.URL, "TELNYX_API_KEY", wrong), "", "-v", "list")
	wantCode(t, r, exitError)
	for _, w := range []string{"401 Unauthorized", "10009", "request id"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr does not contain %q:\n%s", w, r.stderr)
		}
	}
	if strings.Contains(r.stderr+r.stdout, wrong) {
		t.Errorf("the output shows the key:\n%s%s", r.stdout, r.stderr)
	}
}

// TestFlagsOverrideEnvironment checks that --api-key and --base-url win over the
// environment.
func TestFlagsOverrideEnvironment(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	env := envOf("TELNYX_BASE_URL", "http://127.0.0.1:1/v2", "TELNYX_API_KEY", "KEY_other")
	r := runEnv(t, env, "", "--api-key", srv.APIKey, "--base-url", srv.URL+"/", "list")
	wantCode(t, r, exitOK)
	if got := srv.Requests()[0].Path; got != "/v2/room_sessions" {
		t.Errorf("path %q, want /v2/room_sessions", got)
	}
}

// TestVerbose checks that -v writes the SDK's debug records to stderr, without the key.
func TestVerbose(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.AddSession(telnyxtest.Session{Active: true})
	r := runCLI(t, srv, "list", "--active", "--page-size", "5", "-v")
	wantCode(t, r, exitOK)
	for _, w := range []string{"level=DEBUG", "method=GET", "path=/v2/room_sessions", "status=200", "attempt=1", "request_id=" + srv.Requests()[0].RequestID,
		`query="filter[active]=true&page[size]=5"`} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr does not contain %q:\n%s", w, r.stderr)
		}
	}
	if strings.Contains(r.stderr+r.stdout, testKey) {
		t.Errorf("the output shows the key:\n%s%s", r.stdout, r.stderr)
	}

	quiet := runCLI(t, srv, "list")
	wantCode(t, quiet, exitOK)
	if quiet.stderr != "" {
		t.Errorf("without -v, stderr = %q, want nothing", quiet.stderr)
	}
}

// TestRetries checks --max-retries: 0 gives up after one 503, the default retries.
func TestRetries(t *testing.T) {
	t.Parallel()
	fault := telnyxtest.Fault{
		Method: http.MethodGet, Path: "/v2/room_sessions", Status: http.StatusServiceUnavailable, Times: 1,
		Header: http.Header{"Retry-After-Ms": {"1"}},
	}

	srv := newServer(t)
	srv.Fail(fault)
	r := runCLI(t, srv, "--max-retries", "0", "list")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "503 Service Unavailable") {
		t.Errorf("stderr does not name the status:\n%s", r.stderr)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d requests with --max-retries 0, want 1", n)
	}

	srv = newServer(t)
	srv.Fail(fault)
	r = runCLI(t, srv, "list")
	wantCode(t, r, exitOK)
	if n := len(srv.Requests()); n != 2 {
		t.Errorf("%d requests with the default retries, want 2", n)
	}
}

// TestTimeout checks that --timeout bounds an attempt: a slow answer is an error (1).
func TestTimeout(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.Fail(telnyxtest.Fault{Latency: time.Minute})
	start := time.Now()
	r := runCLI(t, srv, "--timeout", "50ms", "--max-retries", "0", "list")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "roomsessions list: ") || !strings.Contains(r.stderr, "attempt timed out after 50ms") {
		t.Errorf("stderr does not report the timeout:\n%s", r.stderr)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("took %s despite --timeout 50ms", d)
	}
}

// TestNetworkError checks that a refused connection is exit 1 with the cause.
func TestNetworkError(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	r := runEnv(t, envOf("TELNYX_API_KEY", testKey, "TELNYX_BASE_URL", "http://"+addr+"/v2"), "", "--max-retries", "0", "get", uuidA)
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "roomsessions get: ") || !strings.Contains(r.stderr, "refused") {
		t.Errorf("stderr does not report the refused connection:\n%s", r.stderr)
	}
}

// TestKeyEchoedByServer checks that an error body echoing the key does not put it on
// stderr.
func TestKeyEchoedByServer(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.Fail(telnyxtest.Fault{Status: http.StatusBadRequest,
		Body: `{"errors":[{"code":"10015","title":"Bad request","detail":"the key ` + testKey + ` is odd"}]}`})
	r := runCLI(t, srv, "-v", "list")
	wantCode(t, r, exitError)
	if strings.Contains(r.stdout+r.stderr, testKey) {
		t.Errorf("the output shows the key:\n%s%s", r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "10015 Bad request") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
}

func TestServerTextOnStderrIsOneHarmlessLine(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.Fail(telnyxtest.Fault{Status: 404, Body: `{"errors":[{"code":"10005","title":"Not\u001b[31m found\nFAKE LINE","detail":"x\ry"}]}`})
	r := runCLI(t, srv, "get", "5e000000-0000-4000-8000-000000000001")
	wantCode(t, r, 1)
	if strings.ContainsAny(r.stderr, "\x1b\r") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("stderr carries control characters or several lines: %q", r.stderr)
	}
}
