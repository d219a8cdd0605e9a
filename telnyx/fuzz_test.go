package telnyx_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// Fuzz targets. `go test` runs their seeds (f.Add and testdata/fuzz) as ordinary tests;
// `go test -fuzz FuzzX ./telnyx/` explores further. They answer from a RoundTripper in
// memory, so they need no network.

// cannedTransport answers every request with status and body and counts requests.
type cannedTransport struct {
	status int
	header http.Header
	body   func(r *http.Request) string
	n      atomic.Int64
	last   atomic.Pointer[http.Request]
}

func (c *cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	c.last.Store(r)
	if r.Body != nil {
		_ = r.Body.Close()
	}
	h := c.header
	if h == nil {
		h = http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"fuzz-req"}}
	}
	return &http.Response{
		StatusCode: c.status, Header: h, Request: r, ContentLength: -1,
		Body: io.NopCloser(strings.NewReader(c.body(r))),
	}, nil
}

func fuzzClient(t *testing.T, tr http.RoundTripper) *telnyx.Client {
	t.Helper()
	c, err := telnyx.NewClient(telnyx.WithAPIKey(testKey), telnyx.WithBaseURL("https://api.telnyx.com/v2"),
		telnyx.WithHTTPClient(&http.Client{Transport: tr}), telnyx.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// FuzzErrorBody: any status and body give a *Error for non-2xx, never a panic, never the
// key, and a Body of at most 64 KiB.
func FuzzErrorBody(f *testing.F) {
	f.Add(404, `{"errors":[{"code":"10005","title":"Resource not found","detail":"d","source":{"pointer":"/id"},"meta":{"url":"u"}}]}`)
	f.Add(400, `{"message":"Bad","success":false}`)
	f.Add(404, `{"code":10005,"title":"Not found"}`)
	f.Add(502, `<html><body>Bad gateway</body></html>`)
	f.Add(500, ``)
	f.Add(422, `{"errors":[{"code":null,"title":["x"]}]}`)
	f.Add(429, `{"errors":"`+testKey+`"}`)
	escaped := `\u` + fmt.Sprintf("%04x", testKey[0]) + testKey[1:]
	f.Add(400, `{"errors":[{"code":"`+escaped+`","title":"`+escaped+`","detail":"`+escaped+`","meta":{"`+escaped+`":["`+escaped+`"]}}]}`)
	f.Add(400, `{"message":"`+escaped+`"}`)
	f.Add(503, "\xff\xfe\x00garbage")
	f.Fuzz(func(t *testing.T, status int, body string) {
		if status < 100 || status > 999 {
			status = 400 + (status%200+200)%200
		}
		tr := &cannedTransport{status: status, body: func(*http.Request) string { return body }}
		_, err := fuzzClient(t, tr).RoomSessions.Get(t.Context(), sessionID, nil)
		if status >= 200 && status <= 299 {
			return
		}
		var apiErr *telnyx.Error
		if !errors.As(err, &apiErr) {
			t.Fatalf("status %d: err %v is not a *Error", status, err)
		}
		if apiErr.StatusCode != status || len(apiErr.Body) > 64<<10 || apiErr.Attempts != 1 {
			t.Fatalf("bad *Error: status %d, body %d bytes, attempts %d", apiErr.StatusCode, len(apiErr.Body), apiErr.Attempts)
		}
		for _, s := range []string{err.Error(), fmt.Sprintf("%+v %#v", err, err), fmt.Sprintf("%+v %#v", *apiErr, apiErr.Errors), string(apiErr.Body)} {
			if strings.Contains(s, testKey) {
				t.Fatalf("the key leaked: %q", s)
			}
		}
	})
}

// FuzzPageDecoding: any 2xx body for a list gives a page or an error, never a panic, and
// an iterator over a server answering it for every page stops within a bounded number
// of requests.
func FuzzPageDecoding(f *testing.F) {
	f.Add(`{"data":[{"id":"x"}],"meta":{"page_number":1,"page_size":1,"total_pages":1000000000,"total_results":1000000000}}`)
	f.Add(`{"data":[],"meta":{"page_number":-1,"page_size":-5,"total_pages":-1,"total_results":-1}}`)
	f.Add(`{"data":[{"id":"x"}]}`)
	f.Add(`{"data":[{"id":"x"}],"meta":{"page_number":{{n}},"page_size":1,"total_pages":1000000000,"total_results":1000000000}}`)
	f.Add(`{"data":[{"id":"x"},{"id":"y"}],"meta":{"page_number":{{n}},"page_size":2,"total_pages":3,"total_results":6}}`)
	f.Add(`{"data":null,"meta":null}`)
	f.Add(`{"data":[{"id":1}]}`)
	f.Add(`{"data":[{"joined_at":"not a time"}],"meta":{}}`)
	f.Add(`[]`)
	f.Add(`{1:2}`)
	f.Add(`{"x":[1,],"data":[],"meta":{}}`)
	f.Add(`{"data":[{"id":"a"} {"id":"b"}]}`)
	f.Add(`{"data":[{"id":"a"},nullx],"meta":{"page_number":1,"page_size":2,"total_pages":1,"total_results":2}}`)
	f.Add(`{"data":[{"id":"a"},{"id":"b"}],"meta":{"page_number":1,"page_size":2,"total_pages":2,"total_results":4}}`)
	f.Fuzz(func(t *testing.T, body string) {
		tr := &cannedTransport{status: 200, body: func(r *http.Request) string {
			// Echo the requested page number where the body says {{n}}.
			return strings.ReplaceAll(body, "{{n}}", r.URL.Query().Get("page[number]"))
		}}
		c := fuzzClient(t, tr)
		page, err := c.RoomSessions.Participants(t.Context(), sessionID, nil)
		if err == nil && page == nil {
			t.Fatal("nil page without an error")
		}
		if err == nil && !strings.Contains(body, "{{n}}") && !json.Valid([]byte(body)) {
			t.Fatalf("a page decoded from a body that is not JSON: %q", body)
		}
		tr.n.Store(0)
		const bound = 1000
		items, errs := 0, 0
		for _, err := range c.RoomSessions.AllParticipants(t.Context(), sessionID, nil) {
			if err != nil {
				errs++
			} else {
				items++
			}
			if tr.n.Load() > bound {
				t.Fatalf("iterator made more than %d requests", bound)
			}
		}
		if errs > 1 {
			t.Fatalf("iterator yielded %d errors, want at most 1", errs)
		}
	})
}

// FuzzIDValidation: an id is either rejected with ErrInvalidArgument before anything is
// sent, or it is a UUID and lands, lower-cased, as exactly one path segment.
func FuzzIDValidation(f *testing.F) {
	for _, s := range []string{sessionID, strings.ToUpper(sessionID), "", "abc", "../rooms", "a/b", "x?y=1", "x#y",
		sessionID[:35], "0ccc7b54-4df3-4bca-a65a-3da1ecc777f%", "0ccc7b54-4df3-4bca-a65a-3da1ecc777\u00e9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		tr := &cannedTransport{status: 200, body: func(*http.Request) string { return `{"data":{"result":"ok"}}` }}
		err := fuzzClient(t, tr).RoomSessions.End(t.Context(), id)
		if err != nil {
			if !errors.Is(err, telnyx.ErrInvalidArgument) || tr.n.Load() != 0 {
				t.Fatalf("id %q: err %v after %d requests", id, err, tr.n.Load())
			}
			return
		}
		path := tr.last.Load().URL.EscapedPath()
		if want := "/v2/room_sessions/" + strings.ToLower(id) + "/actions/end"; path != want {
			t.Fatalf("id %q accepted, path %q, want %q", id, path, want)
		}
	})
}

// FuzzSelection: a selection is either rejected before anything is sent or encoded as
// exactly the ids given, lower-cased, with "exclude" only when something is excluded.
func FuzzSelection(f *testing.F) {
	f.Add(true, participant, "", otherPart)
	f.Add(false, participant, otherPart, "")
	f.Add(false, "", "", "")
	f.Add(false, "not-a-uuid", participant, "")
	f.Add(true, "", "", strings.ToUpper(otherPart))
	f.Fuzz(func(t *testing.T, all bool, a, b, except string) {
		var sel telnyx.Selection
		var ids []string
		for _, id := range []string{a, b} {
			if id != "" {
				ids = append(ids, id)
			}
		}
		if all {
			sel = telnyx.AllParticipants()
		} else {
			sel = telnyx.Participants(ids...)
		}
		var excepts []string
		if except != "" {
			excepts = []string{except}
			sel = sel.Except(except)
		}
		var sent string
		tr := &cannedTransport{status: 200, body: func(r *http.Request) string {
			b, _ := io.ReadAll(r.Body)
			sent = string(b)
			return `{"data":{"result":"ok"}}`
		}}
		err := fuzzClient(t, tr).RoomSessions.Mute(t.Context(), sessionID, sel)
		if err != nil {
			if !errors.Is(err, telnyx.ErrInvalidArgument) || tr.n.Load() != 0 {
				t.Fatalf("err %v after %d requests", err, tr.n.Load())
			}
			return
		}
		var body struct {
			Participants json.RawMessage `json:"participants"`
			Exclude      *[]string       `json:"exclude"`
		}
		if err := json.Unmarshal([]byte(sent), &body); err != nil {
			t.Fatalf("body %q: %v", sent, err)
		}
		if all {
			if string(body.Participants) != `"all"` {
				t.Fatalf("participants %s, want \"all\"", body.Participants)
			}
		} else {
			var got []string
			if err := json.Unmarshal(body.Participants, &got); err != nil || !equalFold(got, ids) {
				t.Fatalf("participants %s, want %q", body.Participants, ids)
			}
		}
		if (body.Exclude != nil) != (len(excepts) > 0) || (body.Exclude != nil && !equalFold(*body.Exclude, excepts)) {
			t.Fatalf("exclude %v, want %q (body %s)", body.Exclude, excepts, sent)
		}
	})
}

// equalFold compares id lists, ignoring case, and checks got is lower-case.
func equalFold(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != strings.ToLower(want[i]) {
			return false
		}
	}
	return true
}
