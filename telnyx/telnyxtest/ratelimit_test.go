package telnyxtest_test

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// quotaOf is an answer's x-ratelimit-limit, -remaining and -reset.
func quotaOf(a answer) [3]string {
	return [3]string{a.header.Get("X-Ratelimit-Limit"), a.header.Get("X-Ratelimit-Remaining"), a.header.Get("X-Ratelimit-Reset")}
}

// wantLimited checks that a is the fake's 429 for an exhausted window.
func wantLimited(t *testing.T, a answer) {
	t.Helper()
	if a.status != http.StatusTooManyRequests {
		t.Fatalf("status %d, want 429; body %s", a.status, a.body)
	}
	if !strings.Contains(string(a.body), `"code":"10011"`) || !strings.Contains(string(a.body), `"title":"Too many requests"`) {
		t.Errorf("429 body %s, want the Telnyx envelope with code 10011", a.body)
	}
	if got := a.header.Get("X-Ratelimit-Remaining"); got != "0" {
		t.Errorf("429: x-ratelimit-remaining %q, want 0", got)
	}
}

func TestRateLimitFixedWindow(t *testing.T) {
	t.Parallel()
	srv := newServer(t, telnyxtest.WithRateLimit(3, 5*time.Second))
	s := srv.AddSession(telnyxtest.Session{Active: true})
	get := "/room_sessions/" + s.ID

	for i, want := range [][3]string{{"3", "2", "5"}, {"3", "1", "5"}, {"3", "0", "5"}} {
		a := call(t, srv, "GET", get, "")
		if a.status != http.StatusOK {
			t.Fatalf("request %d: status %d, want 200", i+1, a.status)
		}
		if got := quotaOf(a); got != want {
			t.Errorf("request %d: limit, remaining, reset = %q, want %q", i+1, got, want)
		}
	}
	srv.Advance(2500 * time.Millisecond)
	a := call(t, srv, "GET", get, "")
	wantLimited(t, a)
	if got, want := quotaOf(a), [3]string{"3", "0", "3"}; got != want { // 2.5 s left: rounded up
		t.Errorf("past the limit: %q, want %q", got, want)
	}
	// A refused action changes nothing.
	wantLimited(t, call(t, srv, "POST", "/room_sessions/"+s.ID+"/actions/end", ""))
	if got, _ := srv.Session(s.ID); !got.Active {
		t.Error("an end answered 429 ended the session")
	}

	srv.Advance(2500 * time.Millisecond) // the window has reset: a new one opens
	a = call(t, srv, "GET", get, "")
	if a.status != http.StatusOK {
		t.Fatalf("after the reset: status %d, want 200", a.status)
	}
	if got, want := quotaOf(a), [3]string{"3", "2", "5"}; got != want {
		t.Errorf("after the reset: %q, want %q", got, want)
	}
	srv.Advance(4*time.Second + time.Millisecond)
	if got, want := quotaOf(call(t, srv, "GET", get, "")), [3]string{"3", "1", "1"}; got != want {
		t.Errorf("1 ms before the window ends: %q, want %q", got, want)
	}
}

func TestRateLimitIsAccountWide(t *testing.T) {
	t.Parallel()
	srv := newServer(t, telnyxtest.WithRateLimit(2, time.Minute))
	bad := http.Header{"Authorization": {"Bearer KEY_someone_else"}}
	a := callHeader(t, srv, "GET", "/room_sessions", "", bad)
	if a.status != http.StatusUnauthorized || quotaOf(a) != [3]string{"2", "1", "60"} {
		t.Fatalf("another key: %d %q, want 401 counted in the window", a.status, quotaOf(a))
	}
	a = call(t, srv, "GET", "/room_sessions/not-a-uuid", "")
	if a.status != http.StatusBadRequest || quotaOf(a)[1] != "0" {
		t.Fatalf("a bad request: %d %q, want 400 counted in the window", a.status, quotaOf(a))
	}
	wantLimited(t, call(t, srv, "GET", "/room_sessions", ""))
	wantLimited(t, callHeader(t, srv, "GET", "/room_sessions", "", bad))
	if n := len(srv.Requests()); n != 4 {
		t.Errorf("%d requests logged, want 4 (refused ones too)", n)
	}
}

func TestRateLimitAndFaults(t *testing.T) {
	t.Parallel()
	srv := newServer(t, telnyxtest.WithRateLimit(1, time.Second))
	srv.Fail(telnyxtest.Fault{Method: "GET", Status: http.StatusServiceUnavailable, Times: 1})
	srv.Fail(telnyxtest.Fault{Method: "POST", Status: http.StatusTooManyRequests, Header: http.Header{"X-Ratelimit-Reset": {"30"}}})

	a := call(t, srv, "GET", "/room_sessions", "")
	if a.status != http.StatusServiceUnavailable || quotaOf(a) != [3]string{"1", "0", "1"} {
		t.Fatalf("a fault's answer: %d %q, want 503 with the window's headers", a.status, quotaOf(a))
	}
	wantLimited(t, call(t, srv, "GET", "/room_sessions", ""))

	srv.Advance(time.Second)
	a = call(t, srv, "POST", "/room_sessions/"+srv.AddSession(telnyxtest.Session{Active: true}).ID+"/actions/end", "")
	// The fault's own headers win: its 429 says remaining 0, its reset is 30.
	if a.status != http.StatusTooManyRequests || quotaOf(a) != [3]string{"1", "0", "30"} {
		t.Errorf("a fault's 429: %d %q, want its own remaining and reset", a.status, quotaOf(a))
	}
}

func TestRateLimitDoesNotUseUpFaults(t *testing.T) {
	t.Parallel()
	srv := newServer(t, telnyxtest.WithRateLimit(1, time.Second))
	call(t, srv, "GET", "/room_sessions", "")
	srv.Fail(telnyxtest.Fault{Method: "GET", Status: http.StatusBadGateway, Times: 1})
	wantLimited(t, call(t, srv, "GET", "/room_sessions", ""))
	srv.Advance(time.Second)
	if a := call(t, srv, "GET", "/room_sessions", ""); a.status != http.StatusBadGateway {
		t.Errorf("after the reset: status %d, want the fault's 502 (a refused request must not use it up)", a.status)
	}
}

func TestRateLimitClockSetBack(t *testing.T) {
	t.Parallel()
	srv := newServer(t, telnyxtest.WithRateLimit(1, time.Hour))
	call(t, srv, "GET", "/room_sessions", "")
	srv.Advance(-time.Second)
	if a := call(t, srv, "GET", "/room_sessions", ""); a.status != http.StatusOK || quotaOf(a) != [3]string{"1", "0", "3600"} {
		t.Errorf("clock set back: %d %q, want a new window", a.status, quotaOf(a))
	}
}

func TestRateLimitOffReportsFixedHeaders(t *testing.T) {
	t.Parallel()
	for _, opt := range []telnyxtest.Option{telnyxtest.WithRateLimit(0, time.Second), telnyxtest.WithRateLimit(5, 0), telnyxtest.WithRateLimit(-1, -time.Second)} {
		srv := newServer(t, opt)
		for range 10 {
			if a := call(t, srv, "GET", "/room_sessions", ""); a.status != http.StatusOK || quotaOf(a) != [3]string{"100", "99", "1"} {
				t.Fatalf("unlimited: %d %q, want 200 with the fixed headers", a.status, quotaOf(a))
			}
		}
	}
}

// TestRateLimitConcurrent: however many callers race, exactly n requests of a window are
// served.
func TestRateLimitConcurrent(t *testing.T) {
	t.Parallel()
	const n, callers, each = 25, 8, 10
	srv := newServer(t, telnyxtest.WithRateLimit(n, time.Hour))
	var ok, limited atomic.Int64
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			for range each {
				_, a := sendRaw(t, srv, "GET", "/room_sessions", "")
				switch a.status {
				case http.StatusOK:
					ok.Add(1)
				case http.StatusTooManyRequests:
					limited.Add(1)
				default:
					t.Errorf("status %d", a.status)
				}
			}
		})
	}
	wg.Wait()
	if ok.Load() != n || limited.Load() != callers*each-n {
		t.Errorf("%d served and %d refused, want %d and %d", ok.Load(), limited.Load(), n, callers*each-n)
	}
}

// TestRateLimitThroughTheSDK: the SDK sees the 429 as an ErrRateLimited *telnyx.Error
// with code 10011.
func TestRateLimitThroughTheSDK(t *testing.T) {
	t.Parallel()
	srv := newServer(t, telnyxtest.WithRateLimit(1, time.Hour))
	client := srv.Client(telnyx.WithMaxRetries(0))
	if _, err := client.RoomSessions.List(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	_, err := client.RoomSessions.List(t.Context(), nil)
	var apiErr *telnyx.Error
	if !errors.As(err, &apiErr) || !errors.Is(err, telnyx.ErrRateLimited) ||
		len(apiErr.Errors) != 1 || apiErr.Errors[0].Code != "10011" {
		t.Fatalf("past the limit: %v, want a 429 *telnyx.Error with code 10011", err)
	}
}
