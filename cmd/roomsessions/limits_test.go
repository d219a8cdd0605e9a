package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/roomsessions/telnyx-go/internal/specinfo"
	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// limitTarget says how each bounded query key of api/openapi.yaml is set through the
// SDK, the CLI and the fake, and where the fake's answer reports it.
type limitTarget struct {
	sdk  func(c *telnyx.Client, t *testing.T, n int) (items int, err error) // a List with the key set to n
	args []string                                                           // the command; the flag and its value follow
	flag string
	meta string // the meta field of a page that reports the value, "" if none
	// unset is the value that means "not sent" in the SDK and the CLI (0), which a
	// value past the minimum must then skip.
	unset int
}

var limitTargets = map[string]limitTarget{
	"page[size]": {
		sdk: func(c *telnyx.Client, t *testing.T, n int) (int, error) {
			p, err := c.RoomSessions.List(t.Context(), &telnyx.ListRoomSessionsParams{PageSize: n})
			if err != nil {
				return 0, err
			}
			return len(p.Items), nil
		},
		args: []string{"list"}, flag: "--page-size", meta: "page_size",
	},
	"page[number]": {
		sdk: func(c *telnyx.Client, t *testing.T, n int) (int, error) {
			p, err := c.RoomSessions.List(t.Context(), &telnyx.ListRoomSessionsParams{PageNumber: n})
			if err != nil {
				return 0, err
			}
			return len(p.Items), nil
		},
		args: []string{"list"}, flag: "--page", meta: "page_number",
	},
}

// TestSpecLimitsHoldEverywhere tries each minimum, maximum and default of
// api/openapi.yaml, and one past each bound, through the SDK (refused before the
// network), the fake (a 400 with the Telnyx envelope, never a silent default) and the
// CLI (a usage error; its help states the bounds).
func TestSpecLimitsHoldEverywhere(t *testing.T) {
	t.Parallel()
	spec, err := specinfo.Load()
	if err != nil {
		t.Fatal(err)
	}
	limits, err := spec.Limits()
	if err != nil {
		t.Fatal(err)
	}
	if len(limits) == 0 {
		t.Fatal("api/openapi.yaml has no limits; telnyx.PageSizeMax and friends come from it")
	}
	for _, l := range limits {
		target, ok := limitTargets[l.Key]
		if !ok {
			t.Errorf("query key %s of api/openapi.yaml has limits that no test tries: add it to limitTargets (cmd/roomsessions/limits_test.go)", l.Key)
			continue
		}
		t.Run(l.Key, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			most := 1
			if l.Max != nil {
				most = int(*l.Max)
			}
			for range most + 1 {
				srv.AddSession(telnyxtest.Session{})
			}
			c := srv.Client(telnyx.WithMaxRetries(0))
			within := func(n int) {
				t.Helper()
				items, err := target.sdk(c, t, n)
				if err != nil {
					t.Errorf("SDK with %s=%d: %v", l.Key, n, err)
				}
				if l.Key == "page[size]" && items != n {
					t.Errorf("SDK with %s=%d: %d items, want %d", l.Key, n, items, n)
				}
				if status, meta := fakeGet(t, srv, l.Key, strconv.Itoa(n)); status != http.StatusOK || (target.meta != "" && meta[target.meta] != n) {
					t.Errorf("fake with %s=%d: status %d, meta %v", l.Key, n, status, meta)
				}
				r := runCLI(t, srv, append(target.args, target.flag, strconv.Itoa(n), "-o", "json")...)
				if r.code != exitOK {
					t.Errorf("roomsessions %s %s %d: exit %d\n%s", strings.Join(target.args, " "), target.flag, n, r.code, r.stderr)
				}
			}
			past := func(n int, bound string) {
				t.Helper()
				before := len(srv.Requests())
				if _, err := target.sdk(c, t, n); !errors.Is(err, telnyx.ErrInvalidArgument) {
					t.Errorf("SDK with %s=%d (past the %s): %v, want ErrInvalidArgument", l.Key, n, bound, err)
				}
				if len(srv.Requests()) != before {
					t.Errorf("SDK with %s=%d (past the %s) sent a request", l.Key, n, bound)
				}
				if status, errs := fakeGetError(t, srv, l.Key, strconv.Itoa(n)); status != http.StatusBadRequest || !strings.Contains(errs, `"parameter":"`+l.Key+`"`) {
					t.Errorf("fake with %s=%d (past the %s): status %d %s, want 400 naming the parameter", l.Key, n, bound, status, errs)
				}
				r := runCLI(t, srv, append(target.args, target.flag, strconv.Itoa(n))...)
				if r.code != exitUsage || !strings.Contains(r.stderr, target.flag) {
					t.Errorf("roomsessions %s %s %d (past the %s): exit %d, want %d naming the flag\n%s", strings.Join(target.args, " "), target.flag, n, bound, r.code, exitUsage, r.stderr)
				}
			}
			help := runCLI(t, srv, append(target.args, "--help")...).stdout
			if l.Min != nil {
				low := int(*l.Min)
				within(low)
				below := low - 1
				if below == target.unset {
					below--
				}
				past(below, "minimum")
				if status, _ := fakeGet(t, srv, l.Key, strconv.Itoa(low-1)); status != http.StatusBadRequest {
					t.Errorf("fake with %s=%d: status %d, want 400", l.Key, low-1, status)
				}
			}
			if l.Max != nil {
				high := int(*l.Max)
				within(high)
				past(high+1, "maximum")
				if l.Min != nil && !strings.Contains(help, fmt.Sprintf("%d..%d", int(*l.Min), high)) {
					t.Errorf("the help of %s does not state %s as %d..%d:\n%s", strings.Join(target.args, " "), l.Key, int(*l.Min), high, help)
				}
			}
			if d, ok := l.Default.(float64); ok && target.meta != "" {
				if status, meta := fakeGet(t, srv, "", ""); status != http.StatusOK || meta[target.meta] != int(d) {
					t.Errorf("fake without %s: status %d, meta %v, want %s %d", l.Key, status, meta, target.meta, int(d))
				}
				if l.Key == "page[size]" && !strings.Contains(help, fmt.Sprintf("default %d", int(d))) {
					t.Errorf("the help of %s does not state the default %s %d:\n%s", strings.Join(target.args, " "), l.Key, int(d), help)
				}
			}
		})
	}
}

// fakeGet lists sessions straight from the fake with key=value (none when key is "")
// and returns the status and, on success, the page's meta.
func fakeGet(t *testing.T, srv *telnyxtest.Server, key, value string) (int, map[string]int) {
	t.Helper()
	status, body := rawList(t, srv, key, value)
	var page struct {
		Meta map[string]int `json:"meta"`
	}
	if status == http.StatusOK {
		if err := json.Unmarshal(body, &page); err != nil {
			t.Fatalf("the fake's page: %v\n%s", err, body)
		}
	}
	return status, page.Meta
}

// fakeGetError is fakeGet for an error answer: its errors, as JSON.
func fakeGetError(t *testing.T, srv *telnyxtest.Server, key, value string) (int, string) {
	t.Helper()
	status, body := rawList(t, srv, key, value)
	var env struct {
		Errors json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(body, &env); err != nil || len(env.Errors) == 0 {
		t.Errorf("the fake's answer is not the Telnyx error envelope: %v\n%s", err, body)
	}
	return status, string(env.Errors)
}

func rawList(t *testing.T, srv *telnyxtest.Server, key, value string) (int, []byte) {
	t.Helper()
	u := srv.URL + "/room_sessions"
	if key != "" {
		u += "?" + key + "=" + value
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+srv.APIKey)
	resp, err := ownClient(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

// TestDocsStateTheSpecLimits checks the figures the documentation gives for the limits
// of api/openapi.yaml (page sizes 1..250, the server's default of 20, iterators' pages
// of 250) against the constants generated from it, so raising a limit in the spec fails
// here until the prose follows.
func TestDocsStateTheSpecLimits(t *testing.T) {
	t.Parallel()
	type figure struct {
		re   *regexp.Regexp
		want []int // one per group
	}
	figures := []figure{
		{regexp.MustCompile(`(?i)page.?sizes?[^\n]*?\b(\d+)\.\.(\d+)`), []int{telnyx.PageSizeMin, telnyx.PageSizeMax}},
		{regexp.MustCompile(`(?i)page.?sizes?[^\n]*?(?:server default \(|the server's )(\d+)`), []int{telnyx.PageSizeDefault}},
		{regexp.MustCompile(`(?i)page\[number\][^\n]*?server default \((\d+)\)`), []int{telnyx.PageNumberDefault}},
		{regexp.MustCompile(`page\[number\]=(\d+) and page\[size\]=(\d+) \(at most (\d+)`), []int{telnyx.PageNumberDefault, telnyx.PageSizeDefault, telnyx.PageSizeMax}},
		{regexp.MustCompile(`\b(\d+) items a page`), []int{telnyx.PageSizeMax}},
		{regexp.MustCompile(`\((\d+) per page unless`), []int{telnyx.PageSizeMax}},
	}
	for _, file := range []string{"../../README.md", "../../telnyx/doc.go", "../../telnyx/params.go", "../../telnyx/telnyxtest/doc.go"} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		found := 0
		for _, f := range figures {
			for _, m := range f.re.FindAllStringSubmatch(string(data), -1) {
				found++
				for i, want := range f.want {
					if got, _ := strconv.Atoi(m[i+1]); got != want {
						t.Errorf("%s says %q: %d should be %d, as api/openapi.yaml says (telnyx/limits.gen.go)", strings.TrimPrefix(file, "../../"), m[0], got, want)
					}
				}
			}
		}
		if found == 0 {
			t.Errorf("%s states none of the limits of api/openapi.yaml this test knows: update the patterns of TestDocsStateTheSpecLimits", strings.TrimPrefix(file, "../../"))
		}
	}
}
