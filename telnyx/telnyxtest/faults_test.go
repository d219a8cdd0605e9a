package telnyxtest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// rawClient is a plain net/http client that opens a connection per request, so that the
// transport never replays a request on a reused connection and every fault is seen.
func rawClient() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
}

// send makes one request with the server's key and returns the response, its body as far
// as it could be read, and the read error.
func send(t *testing.T, ctx context.Context, srv *telnyxtest.Server, method, path, body string) (*http.Response, []byte, error) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, srv.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+srv.APIKey)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := rawClient().Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func muted(t *testing.T, srv *telnyxtest.Server, sessionID string) bool {
	t.Helper()
	s, _ := srv.Session(sessionID)
	return s.Participants[0].Muted
}

const muteAll = `{"participants":"all"}`

func TestFaultStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
		code   string
	}{
		{400, "10015"}, {401, "10009"}, {403, "10010"}, {404, "10005"}, {408, "10008"}, {422, "10015"},
		{429, "10011"}, {500, "10007"}, {502, "10007"}, {503, "10007"}, {504, "10008"},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.status), func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			s := seedRoom(t, srv)
			srv.Fail(telnyxtest.Fault{Status: tt.status})
			a := call(t, srv, "POST", "/room_sessions/"+s.ID+"/actions/mute", muteAll)
			equal(t, "status", a.status, tt.status)
			equal(t, "code", apiError(t, a).Code, tt.code)
			if muted(t, srv, s.ID) {
				t.Error("a fault with a status let the action through")
			}
			if tt.status == 429 {
				equal(t, "x-ratelimit-remaining", a.header.Get("X-Ratelimit-Remaining"), "0")
			}
		})
	}
}

func TestFaultStatusHeaderBody(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.Fail(telnyxtest.Fault{
		Status: 502,
		Header: http.Header{"Content-Type": {"text/html"}, "retry-after": {"7"}, "X-Ratelimit-Reset": {"30"}},
		Body:   "<html>Bad Gateway</html>",
	})
	resp, body, err := send(t, t.Context(), srv, "GET", "/room_sessions", "")
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "answer", []any{resp.StatusCode, string(body), resp.Header.Get("Content-Type"), resp.Header.Values("Retry-After"), resp.Header.Values("X-Ratelimit-Reset")},
		[]any{502, "<html>Bad Gateway</html>", "text/html", []string{"7"}, []string{"30"}})
	if !uuidRE.MatchString(resp.Header.Get("X-Request-Id")) {
		t.Errorf("x-request-id %q", resp.Header.Get("X-Request-Id"))
	}
}

func TestFaultAltersRealAnswer(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	s := seedRoom(t, srv)
	srv.Fail(telnyxtest.Fault{Header: http.Header{"Retry-After": {"3"}}, Times: 1})
	a := call(t, srv, "POST", "/room_sessions/"+s.ID+"/actions/mute", muteAll)
	equal(t, "answer", []any{a.status, string(a.body), a.header.Get("Retry-After")}, []any{200, `{"data":{"result":"ok"}}`, "3"})
	if !muted(t, srv, s.ID) {
		t.Error("a fault without a status stopped the action")
	}
}

func TestFaultCutBeforeResponse(t *testing.T) {
	t.Parallel()
	for _, status := range []int{0, 503} {
		t.Run(fmt.Sprint("status ", status), func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			s := seedRoom(t, srv)
			srv.Fail(telnyxtest.Fault{Method: "POST", Status: status, Cut: telnyxtest.CutBeforeResponse, Times: 1})
			_, _, err := send(t, t.Context(), srv, "POST", "/room_sessions/"+s.ID+"/actions/mute", muteAll)
			if err == nil {
				t.Fatal("no error from a connection closed before the response")
			}
			// Without a status the action happened although the answer was lost.
			equal(t, "muted", muted(t, srv, s.ID), status == 0)
			equal(t, "recorded", len(srv.Requests()), 1)
			// Times: 1, so the next request is answered.
			a := call(t, srv, "POST", "/room_sessions/"+s.ID+"/actions/mute", muteAll)
			equal(t, "next status", a.status, 200)
		})
	}
}

func TestFaultCutMidBody(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for range 5 {
		seedRoom(t, srv)
	}
	whole := call(t, srv, "GET", "/room_sessions?include_participants=true", "")
	srv.Fail(telnyxtest.Fault{Cut: telnyxtest.CutMidBody, Times: 1})
	resp, body, err := send(t, t.Context(), srv, "GET", "/room_sessions?include_participants=true", "")
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("read error %v, want io.ErrUnexpectedEOF", err)
	}
	equal(t, "status", resp.StatusCode, 200)
	equal(t, "Content-Length", resp.ContentLength, int64(len(whole.body)))
	equal(t, "received", string(body), string(whole.body[:len(whole.body)/2]))
	equal(t, "x-request-id", uuidRE.MatchString(resp.Header.Get("X-Request-Id")), true)

	srv.Fail(telnyxtest.Fault{Status: 500, Cut: telnyxtest.CutMidBody, Times: 1})
	resp, _, err = send(t, t.Context(), srv, "GET", "/room_sessions", "")
	if !errors.Is(err, io.ErrUnexpectedEOF) || resp.StatusCode != 500 {
		t.Errorf("status %d, read error %v; want 500 and io.ErrUnexpectedEOF", resp.StatusCode, err)
	}
}

func TestFaultMalformedJSON(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	s := seedRoom(t, srv)
	path := "/room_sessions/" + s.ID + "?include_participants=true"
	whole := call(t, srv, "GET", path, "")
	srv.Fail(telnyxtest.Fault{MalformedJSON: true, Times: 1})
	resp, body, err := send(t, t.Context(), srv, "GET", path, "")
	if err != nil {
		t.Fatalf("the answer is complete, but reading it failed: %v", err)
	}
	equal(t, "status", resp.StatusCode, 200)
	equal(t, "body", string(body), string(whole.body[:len(whole.body)/2]))
	if json.Valid(body) {
		t.Errorf("body is valid JSON: %s", body)
	}

	srv.Fail(telnyxtest.Fault{Status: 200, Body: `{"data":{"result":"ok"}}`, MalformedJSON: true, Times: 1})
	_, body, _ = send(t, t.Context(), srv, "POST", "/room_sessions/"+s.ID+"/actions/end", "")
	equal(t, "half of the fault's body", string(body), `{"data":{"re`)
	if got, _ := srv.Session(s.ID); !got.Active {
		t.Error("a fault with a status ended the session")
	}
}

func TestFaultLatency(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.Fail(telnyxtest.Fault{Latency: 5 * time.Millisecond, Times: 1})
	start := time.Now()
	resp, _, err := send(t, t.Context(), srv, "GET", "/room_sessions", "")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("status %v, error %v", resp, err)
	}
	if d := time.Since(start); d < 5*time.Millisecond {
		t.Errorf("answered after %v, want at least 5ms", d)
	}
}

// TestFaultLatencyEndsWithTheClient checks that a long latency ends when the client gives
// up, so no sleep outlives the request.
func TestFaultLatencyEndsWithTheClient(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	s := seedRoom(t, srv)
	srv.Fail(telnyxtest.Fault{Latency: time.Hour, Times: 1})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, _, err := send(t, ctx, srv, "POST", "/room_sessions/"+s.ID+"/actions/mute", muteAll)
		done <- err
	}()
	eventually(t, "the request arrives", func() bool { return len(srv.Requests()) == 1 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	// Without a status the request is served before the delay.
	eventually(t, "the mute is applied", func() bool { return muted(t, srv, s.ID) })
	a := call(t, srv, "GET", "/room_sessions", "")
	equal(t, "next status", a.status, 200)
}

// eventually waits until cond holds, polling every millisecond for up to 10 seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestCloseEndsLatency checks that Close does not wait for a pending fault latency.
func TestCloseEndsLatency(t *testing.T) {
	t.Parallel()
	srv := telnyxtest.NewServer()
	srv.Fail(telnyxtest.Fault{Latency: time.Hour})
	done := make(chan error, 1)
	go func() {
		_, _, err := send(t, context.Background(), srv, "GET", "/room_sessions", "")
		done <- err
	}()
	eventually(t, "the request arrives", func() bool { return len(srv.Requests()) == 1 })
	closed := make(chan struct{})
	go func() {
		srv.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close waits for the fault's latency")
	}
	if err := <-done; err == nil {
		t.Error("the delayed request got an answer after Close")
	}
}

func TestFaultMatching(t *testing.T) {
	t.Parallel()
	sid := id('a')
	requests := []struct{ method, path string }{
		{"GET", "/room_sessions"},
		{"GET", "/room_sessions/" + sid},
		{"GET", "/room_sessions/" + sid + "/participants?page[number]=2&page[size]=5"},
		{"POST", "/room_sessions/" + sid + "/actions/end"},
		{"POST", "/room_sessions/" + sid + "/actions/mute"},
	}
	tests := []struct {
		name    string
		fault   telnyxtest.Fault
		faulted []bool // per request above
	}{
		{"any", telnyxtest.Fault{}, []bool{true, true, true, true, true}},
		{"method", telnyxtest.Fault{Method: "POST"}, []bool{false, false, false, true, true}},
		{"method in lower case", telnyxtest.Fault{Method: "get"}, []bool{true, true, true, false, false}},
		{"exact path", telnyxtest.Fault{Path: "/v2/room_sessions"}, []bool{true, false, false, false, false}},
		{"one segment", telnyxtest.Fault{Path: "/v2/room_sessions/*"}, []bool{false, true, false, false, false}},
		{"actions", telnyxtest.Fault{Path: "/v2/room_sessions/*/actions/*"}, []bool{false, false, false, true, true}},
		{"method and path", telnyxtest.Fault{Method: "POST", Path: "/v2/room_sessions/" + sid + "/actions/mute"}, []bool{false, false, false, false, true}},
		{"path without /v2", telnyxtest.Fault{Path: "/room_sessions"}, []bool{true, false, false, false, false}},
		{"path without /v2 or slash", telnyxtest.Fault{Path: "room_sessions/*/actions/*"}, []bool{false, false, false, true, true}},
		{"query", telnyxtest.Fault{Query: map[string]string{"page[number]": "2"}}, []bool{false, false, true, false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			srv.AddSession(telnyxtest.Session{ID: sid, Active: true})
			f := tt.fault
			f.Status = 418
			srv.Fail(f)
			var got []bool
			for _, r := range requests {
				body := ""
				if strings.HasSuffix(r.path, "mute") {
					body = muteAll
				}
				got = append(got, callHeader(t, srv, r.method, r.path, body, authHeader(srv)).status == 418)
			}
			equal(t, "faulted", got, tt.faulted)
		})
	}
}

func TestFaultTimesAndOrder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		faults []telnyxtest.Fault
		want   []int
	}{
		{"times 2", []telnyxtest.Fault{{Status: 503, Times: 2}}, []int{503, 503, 200, 200}},
		{"forever", []telnyxtest.Fault{{Status: 503}}, []int{503, 503, 503, 503}},
		{"first registered first", []telnyxtest.Fault{{Status: 500, Times: 1}, {Status: 502, Times: 2}}, []int{500, 502, 502, 200}},
		{"later one for other paths", []telnyxtest.Fault{{Path: "/v2/room_sessions/*/participants", Status: 500}, {Status: 429, Times: 1}}, []int{429, 200, 200, 200}},
		{"one with times before a standing one", []telnyxtest.Fault{{Latency: time.Millisecond}, {Status: 500, Times: 1}}, []int{500, 200, 200, 200}},
		{"the newest standing one", []telnyxtest.Fault{{Status: 502}, {Status: 503}}, []int{503, 503, 503, 503}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			for _, f := range tt.faults {
				srv.Fail(f)
			}
			var got, ids []string
			var statuses []int
			for range tt.want {
				a := call(t, srv, "GET", "/room_sessions", "")
				statuses = append(statuses, a.status)
				ids = append(ids, a.header.Get("X-Request-Id"))
			}
			equal(t, "statuses", statuses, tt.want)
			for _, r := range srv.Requests() {
				got = append(got, r.RequestID)
			}
			equal(t, "every request recorded, faulted or not", got, ids)
		})
	}
}

func TestFailPanics(t *testing.T) {
	t.Parallel()
	tests := []telnyxtest.Fault{
		{Times: -1},
		{Latency: -time.Second},
		{Cut: telnyxtest.Cut(9)},
		{Path: "/v2/[x"},
		{Status: 42},
		{Status: 101},
		{Status: 600},
		{Method: "FETCH"},
		{Path: "/v2/rooms"},
		{Path: "/v2/room_sessions?page[number]=2"},
		{Header: http.Header{"Bad Name": {"x"}}},
		{Header: http.Header{"X-Split": {"a\r\nSet-Cookie: x"}}},
	}
	for _, f := range tests {
		t.Run(fmt.Sprintf("%+v", f), func(t *testing.T) {
			t.Parallel()
			_, st := telnyxtest.NewHandler()
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			st.Fail(f)
		})
	}
}

// TestCutWithoutHijacker checks the fallback for writers that cannot be hijacked: the
// handler aborts with http.ErrAbortHandler, as net/http expects.
func TestCutWithoutHijacker(t *testing.T) {
	t.Parallel()
	for _, cut := range []telnyxtest.Cut{telnyxtest.CutBeforeResponse, telnyxtest.CutMidBody} {
		t.Run(fmt.Sprint(cut), func(t *testing.T) {
			t.Parallel()
			h, st := telnyxtest.NewHandler()
			st.Fail(telnyxtest.Fault{Status: 503, Cut: cut})
			w := httptest.NewRecorder()
			defer func() {
				if r := recover(); r != http.ErrAbortHandler {
					t.Errorf("panic %v, want http.ErrAbortHandler", r)
				}
				if cut == telnyxtest.CutMidBody {
					full := w.Result().ContentLength
					equal(t, "half sent", int64(w.Body.Len()), full/2)
				}
			}()
			h.ServeHTTP(w, httptest.NewRequest("GET", "/v2/room_sessions", nil))
		})
	}
	t.Run("HTTP/2", func(t *testing.T) {
		t.Parallel()
		h, st := telnyxtest.NewHandler()
		ts := httptest.NewUnstartedServer(h)
		ts.EnableHTTP2 = true
		ts.StartTLS()
		defer ts.Close()
		st.Fail(telnyxtest.Fault{Status: 200, Body: `{"data":{"result":"ok"}}`, Cut: telnyxtest.CutMidBody})
		req, _ := http.NewRequestWithContext(t.Context(), "GET", ts.URL+"/v2/room_sessions", nil)
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		_, err = io.ReadAll(resp.Body)
		if resp.ProtoMajor != 2 || err == nil {
			t.Errorf("protocol %s, read error %v; want HTTP/2 and a reset stream", resp.Proto, err)
		}
	})
}

func TestEndLatencies(t *testing.T) {
	t.Parallel()
	h, st := telnyxtest.NewHandler()
	st.Fail(telnyxtest.Fault{Latency: time.Hour})
	srv := httptest.NewServer(h)
	defer srv.Close()
	done := make(chan error, 1)
	go func() {
		resp, err := ownClient(t).Get(srv.URL + "/v2/room_sessions")
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	// Wait until the request is in the fake, then end its latency.
	eventually(t, "the request arrives", func() bool { return len(st.Requests()) == 1 })
	st.EndLatencies()
	if err := <-done; err == nil {
		t.Error("a request held by a latency got an answer, want a cut connection")
	}
}

// TestFaultLatencyReleasesTheHandlerWhenTheClientLeaves checks the server side: the
// handler stops waiting as soon as the client goes away, not when the server closes.
func TestFaultLatencyReleasesTheHandlerWhenTheClientLeaves(t *testing.T) {
	t.Parallel()
	h, st := telnyxtest.NewHandler()
	st.Fail(telnyxtest.Fault{Latency: time.Hour})
	returned := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		close(returned)
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(t.Context())
	req, err := http.NewRequestWithContext(ctx, "GET", srv.URL+"/v2/room_sessions", nil)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		if resp, err := ownClient(t).Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	eventually(t, "the request arrives", func() bool { return len(st.Requests()) == 1 })
	cancel()
	select {
	case <-returned:
	case <-time.After(10 * time.Second):
		t.Fatal("the handler still waits out the latency after the client left")
	}
}
