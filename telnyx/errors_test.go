package telnyx_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// TestErrorShapes checks that every error body shape seen in the wild gives a *Error
// with the right fields and a readable Error().
func TestErrorShapes(t *testing.T) {
	t.Parallel()
	const op = "telnyx: GET /room_sessions/{id} (/room_sessions/" + sessionID + "): "

	// A Telnyx envelope whose detail pushes the body over the 64 KiB kept in Body.
	huge := `{"errors":[{"code":"10015","title":"Bad request","detail":"` +
		strings.Repeat("x", 100<<10) + `"}]}`

	cases := []struct {
		name       string
		status     int
		requestID  string
		body       string
		wantErrors []telnyx.ErrorDetail
		wantBody   string // defaults to body
		wantMsg    string
	}{
		{
			name:      "telnyx envelope",
			status:    http.StatusNotFound,
			requestID: "9f1b6c2e-req-404",
			body:      notFoundBody,
			wantErrors: []telnyx.ErrorDetail{{
				Code: "10005", Title: "Resource not found",
				Detail:  "The requested resource or URL could not be found.",
				Pointer: "/room_session_id",
				Meta:    map[string]any{"url": "https://developers.telnyx.com/docs/overview/errors/10005"},
			}},
			wantMsg: op + "404 Not Found: 10005 Resource not found: The requested resource or URL could not be found. [/room_session_id] (request id 9f1b6c2e-req-404)",
		},
		{
			name:      "envelope with source.parameter and meta.retryable",
			status:    http.StatusBadRequest,
			requestID: "req-400",
			body: `{"errors":[{"code":"10015","title":"Bad Request","detail":"page[size] must be at most 250",` +
				`"source":{"parameter":"page[size]"},"meta":{"retryable":false,"limit":250}}]}`,
			wantErrors: []telnyx.ErrorDetail{{
				Code: "10015", Title: "Bad Request", Detail: "page[size] must be at most 250",
				Parameter: "page[size]",
				Meta:      map[string]any{"retryable": false, "limit": float64(250)},
			}},
			wantMsg: op + "400 Bad Request: 10015 Bad Request: page[size] must be at most 250 [page[size]] (request id req-400)",
		},
		{
			name:      "multiple errors",
			status:    http.StatusUnprocessableEntity,
			requestID: "req-422",
			body: `{"errors":[` +
				`{"code":"10004","title":"Missing required parameter","source":{"pointer":"/participants"}},` +
				`{"code":"10006","title":"Invalid id","detail":"exclude[0] is not a UUID","source":{"pointer":"/exclude/0"}}]}`,
			wantErrors: []telnyx.ErrorDetail{
				{Code: "10004", Title: "Missing required parameter", Pointer: "/participants"},
				{Code: "10006", Title: "Invalid id", Detail: "exclude[0] is not a UUID", Pointer: "/exclude/0"},
			},
			wantMsg: op + "422 Unprocessable Entity: 10004 Missing required parameter [/participants]; " +
				"10006 Invalid id: exclude[0] is not a UUID [/exclude/0] (request id req-422)",
		},
		{
			name:       "message and success false",
			status:     http.StatusNotFound,
			requestID:  "req-msg",
			body:       `{"message":"Room session not found","success":false}`,
			wantErrors: []telnyx.ErrorDetail{{Title: "Room session not found"}},
			wantMsg:    op + "404 Not Found: Room session not found (request id req-msg)",
		},
		{
			name:       "bare error object",
			status:     http.StatusNotFound,
			requestID:  "req-bare",
			body:       `{"code":"10005","title":"Resource not found","detail":"No room session with that id."}`,
			wantErrors: []telnyx.ErrorDetail{{Code: "10005", Title: "Resource not found", Detail: "No room session with that id."}},
			wantMsg:    op + "404 Not Found: 10005 Resource not found: No room session with that id. (request id req-bare)",
		},
		{
			name:       "numeric code",
			status:     http.StatusUnauthorized,
			requestID:  "req-401",
			body:       `{"errors":[{"code":10009,"title":"Authentication failed"}]}`,
			wantErrors: []telnyx.ErrorDetail{{Code: "10009", Title: "Authentication failed"}},
			wantMsg:    op + "401 Unauthorized: 10009 Authentication failed (request id req-401)",
		},
		{
			name:      "html page from a proxy",
			status:    http.StatusBadGateway,
			requestID: "req-502",
			body:      "<html>\n<head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center></body>\n</html>\n",
			wantMsg:   op + "502 Bad Gateway (request id req-502)",
		},
		{
			name:    "empty body",
			status:  http.StatusServiceUnavailable,
			body:    "",
			wantMsg: op + "503 Service Unavailable",
		},
		{
			name:      "invalid json",
			status:    http.StatusInternalServerError,
			requestID: "req-500",
			body:      "{\"errors\": [{\"code\": \"10007\",\n\t\"title\":",
			wantMsg:   op + "500 Internal Server Error: {\"errors\": [{\"code\": \"10007\",  \"title\": (request id req-500)",
		},
		{
			name:      "body over 64 KiB",
			status:    http.StatusBadRequest,
			requestID: "req-big",
			body:      huge,
			wantBody:  huge[:64<<10],
			wantMsg:   op + "400 Bad Request: " + huge[:200] + "... (request id req-big)",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				writeAnswer(w, tc.status, tc.requestID, tc.body)
			})
			c := srv.newClient(t, telnyx.WithMaxRetries(0))

			got, err := c.RoomSessions.Get(t.Context(), sessionID, nil)
			if got != nil {
				t.Errorf("Get returned a session %+v with the error", got)
			}
			e := requireAPIError(t, err)
			if e.StatusCode != tc.status {
				t.Errorf("StatusCode = %d, want %d", e.StatusCode, tc.status)
			}
			if e.RequestID != tc.requestID {
				t.Errorf("RequestID = %q, want %q", e.RequestID, tc.requestID)
			}
			if !reflect.DeepEqual(e.Errors, tc.wantErrors) {
				t.Errorf("Errors = %#v\nwant     %#v", e.Errors, tc.wantErrors)
			}
			wantBody := tc.body
			if tc.wantBody != "" {
				wantBody = tc.wantBody
			}
			if string(e.Body) != wantBody {
				t.Errorf("Body = %d bytes %.80q..., want %d bytes %.80q...", len(e.Body), e.Body, len(wantBody), wantBody)
			}
			if e.Attempts != 1 || e.RetryAfter != 0 {
				t.Errorf("Attempts, RetryAfter = %d, %v, want 1, 0", e.Attempts, e.RetryAfter)
			}
			if e.Op != "GET /room_sessions/{id}" || e.Path != "/room_sessions/"+sessionID {
				t.Errorf("Op, Path = %q, %q; want the template and the path requested", e.Op, e.Path)
			}
			if msg := err.Error(); msg != tc.wantMsg {
				t.Errorf("Error() =\n%q\nwant\n%q", msg, tc.wantMsg)
			}
			wantRequests(t, srv, 1)
		})
	}
}

// TestErrorMessageWithRetryAfter checks that the delay the server asked for is part of
// the message.
func TestErrorMessageWithRetryAfter(t *testing.T) {
	t.Parallel()
	srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Retry-After", "120")
		writeAnswer(w, http.StatusTooManyRequests, "req-429", `{"errors":[{"code":"10011","title":"Too many requests"}]}`)
	})
	err := srv.newClient(t).RoomSessions.End(t.Context(), sessionID)
	want := "telnyx: POST /room_sessions/{id}/actions/end (/room_sessions/" + sessionID + "/actions/end): 429 Too Many Requests: 10011 Too many requests (request id req-429) (retry after 2m0s)"
	if got := requireAPIError(t, err).Error(); got != want {
		t.Errorf("Error() =\n%q\nwant\n%q", got, want)
	}
}

// TestErrorSentinels checks errors.Is for every status sentinel, both ways.
func TestErrorSentinels(t *testing.T) {
	t.Parallel()
	sentinels := []struct {
		name string
		err  error
	}{
		{"ErrUnauthorized", telnyx.ErrUnauthorized},
		{"ErrForbidden", telnyx.ErrForbidden},
		{"ErrNotFound", telnyx.ErrNotFound},
		{"ErrRateLimited", telnyx.ErrRateLimited},
		{"ErrInvalidRequest", telnyx.ErrInvalidRequest},
		{"ErrServer", telnyx.ErrServer},
		// Never matched by an answer:
		{"ErrInvalidArgument", telnyx.ErrInvalidArgument},
		{"ErrNoAPIKey", telnyx.ErrNoAPIKey},
		{"ErrMalformedResponse", telnyx.ErrMalformedResponse},
		{"ErrResponseTooLarge", telnyx.ErrResponseTooLarge},
	}
	cases := []struct {
		status int
		want   []error // the sentinels it matches; it must match no other
	}{
		{http.StatusBadRequest, []error{telnyx.ErrInvalidRequest}},
		{http.StatusUnauthorized, []error{telnyx.ErrUnauthorized}},
		{http.StatusForbidden, []error{telnyx.ErrForbidden}},
		{http.StatusNotFound, []error{telnyx.ErrNotFound}},
		{http.StatusConflict, nil},
		{http.StatusTeapot, nil},
		{http.StatusUnprocessableEntity, []error{telnyx.ErrInvalidRequest}},
		{http.StatusTooManyRequests, []error{telnyx.ErrRateLimited}},
		{http.StatusInternalServerError, []error{telnyx.ErrServer}},
		{http.StatusNotImplemented, []error{telnyx.ErrServer}},
		{http.StatusBadGateway, []error{telnyx.ErrServer}},
		{http.StatusServiceUnavailable, []error{telnyx.ErrServer}},
		{599, []error{telnyx.ErrServer}},
	}
	for _, tc := range cases {
		t.Run(strconv.Itoa(tc.status), func(t *testing.T) {
			t.Parallel()
			srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				writeAnswer(w, tc.status, "req-s", `{"errors":[{"code":"10007","title":"Something"}]}`)
			})
			err := callGet(t.Context(), srv.newClient(t, telnyx.WithMaxRetries(0)))
			if got := requireAPIError(t, err).StatusCode; got != tc.status {
				t.Fatalf("StatusCode = %d, want %d", got, tc.status)
			}
			// Also through a caller's own wrapping.
			wrapped := fmt.Errorf("loading session: %w", err)
			for _, s := range sentinels {
				want := false
				for _, w := range tc.want {
					want = want || w == s.err
				}
				if got := errors.Is(err, s.err); got != want {
					t.Errorf("errors.Is(%d, %s) = %v, want %v", tc.status, s.name, got, want)
				}
				if got := errors.Is(wrapped, s.err); got != want {
					t.Errorf("errors.Is(wrapped %d, %s) = %v, want %v", tc.status, s.name, got, want)
				}
			}
		})
	}
}

// TestErrorNeverShowsKey checks that the API key appears in no error text, dump, field
// or log record, even when the server echoes it back.
func TestErrorNeverShowsKey(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		answer func(w http.ResponseWriter, auth string)
	}{
		{"echo in envelope detail", func(w http.ResponseWriter, auth string) {
			writeAnswer(w, http.StatusUnauthorized, "req-k1",
				`{"errors":[{"code":"10009","title":"Authentication failed","detail":"`+auth+` is not a valid key",`+
					`"source":{"pointer":"`+auth+`"},"meta":{"key":"`+testKey+`"}}]}`)
		}},
		{"echo JSON-escaped in envelope", func(w http.ResponseWriter, _ string) {
			escaped := `\u004b` + testKey[1:] // \u004b is the K of the key
			writeAnswer(w, http.StatusBadRequest, "req-k0",
				`{"errors":[{"code":"10015","title":"`+escaped+`","detail":"Bearer `+escaped+`",`+
					`"source":{"parameter":"`+escaped+`"},"meta":{"`+escaped+`":["`+escaped+`"]}}]}`)
		}},
		{"echo in message", func(w http.ResponseWriter, auth string) {
			writeAnswer(w, http.StatusForbidden, "req-k2", `{"message":"forbidden for `+auth+`","success":false}`)
		}},
		{"echo in bare error", func(w http.ResponseWriter, _ string) {
			writeAnswer(w, http.StatusNotFound, "req-k3", `{"code":"`+testKey+`","title":"`+testKey+`"}`)
		}},
		{"echo in plain text", func(w http.ResponseWriter, auth string) {
			w.Header().Set("x-request-id", "req-k4")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, "bad request: Authorization: "+auth+"\n"+testKey+testKey)
		}},
		{"echo in html", func(w http.ResponseWriter, auth string) {
			w.WriteHeader(http.StatusBadGateway)
			_, _ = io.WriteString(w, "<html><body>"+auth+"</body></html>")
		}},
		{"echo in x-request-id", func(w http.ResponseWriter, auth string) {
			writeAnswer(w, http.StatusNotFound, auth, notFoundBody)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				tc.answer(w, r.Header.Get("Authorization"))
			})
			var logs bytes.Buffer
			logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			c := srv.newClient(t, telnyx.WithMaxRetries(0), telnyx.WithLogger(logger))
			err := callGet(t.Context(), c)
			if got := srv.requests()[0].Header.Get("Authorization"); got != "Bearer "+testKey {
				t.Fatalf("the server saw Authorization %q, so this test proves nothing", got)
			}
			e := requireAPIError(t, err)
			texts := map[string]string{
				"Error()":   err.Error(),
				"%v":        fmt.Sprintf("%v", err),
				"%+v":       fmt.Sprintf("%+v", err),
				"%#v":       fmt.Sprintf("%#v", err),
				"%#v Error": fmt.Sprintf("%#v", *e),
				"Body":      string(e.Body),
				"RequestID": e.RequestID,
				"Errors":    fmt.Sprintf("%#v", e.Errors),
				"log":       logs.String(),
			}
			for where, text := range texts {
				if strings.Contains(text, testKey) {
					t.Errorf("the API key appears in %s: %s", where, text)
				}
			}
			if logs.Len() == 0 {
				t.Error("nothing was logged, so the log was not checked")
			}
		})
	}
}

// TestMalformedSuccess checks that a 2xx answer to a read whose body is not the expected
// JSON is an error wrapping ErrMalformedResponse, is not a *Error and is not retried.
// (An action succeeds on any 2xx: TestActionSucceedsWhateverTheBody.)
func TestMalformedSuccess(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		body string
		call func(context.Context, *telnyx.Client) error
	}{
		{"get: not json", "not json at all", callGet},
		{"get: truncated json", `{"data":{"id":"` + sessionID + `",`, callGet},
		{"get: empty body", "", callGet},
		{"get: wrong types", `{"data":{"id":42,"active":"yes"}}`, callGet},
		{"list: not json", "<html>oops</html>", callList},
		{"list: data not an array", `{"data":{"id":"x"},"meta":{"page_number":1}}`, callList},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				writeAnswer(w, http.StatusOK, "req-m", tc.body)
			})
			clock := newFakeClock(testEpoch())
			c := srv.newClient(t, telnyx.WithMaxRetries(3), telnyx.WithSleep(clock.Sleep))
			err := tc.call(t.Context(), c)
			if !errors.Is(err, telnyx.ErrMalformedResponse) {
				t.Fatalf("err = %v, want one wrapping ErrMalformedResponse", err)
			}
			if e, ok := errors.AsType[*telnyx.Error](err); ok {
				t.Errorf("err is a *telnyx.Error %#v; a 2xx answer is not an API error", e)
			}
			if strings.Contains(err.Error(), testKey) {
				t.Errorf("the key appears in %q", err)
			}
			wantRequests(t, srv, 1)
			wantSleeps(t, clock, 0)
		})
	}
}

// TestResponseTooLarge checks that a 2xx body above the cap (lowered for the test) is
// refused, whether its Content-Length says so or it grows past the cap while streaming,
// and is not retried.
func TestResponseTooLarge(t *testing.T) {
	t.Parallel()
	const limit = 1 << 20
	cases := []struct {
		name   string
		answer func(w http.ResponseWriter, r *http.Request)
		call   func(context.Context, *telnyx.Client) error
	}{
		{"content-length over the cap", func(w http.ResponseWriter, _ *http.Request) {
			// Announce more than the cap but send a few bytes only.
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", strconv.Itoa(limit+1))
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, `{"data":{"id":"`)
		}, callGet},
		{"chunked body growing past the cap", func(w http.ResponseWriter, r *http.Request) {
			streamHugeJSON(w, r, limit+(256<<10))
		}, callGet},
		{"chunked list growing past the cap", func(w http.ResponseWriter, r *http.Request) {
			streamHugeJSON(w, r, limit+(256<<10))
		}, callList},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { tc.answer(w, r) })
			clock := newFakeClock(testEpoch())
			c := srv.newClient(t, telnyx.WithMaxRetries(3), telnyx.WithSleep(clock.Sleep), telnyx.WithMaxBody(limit))
			err := tc.call(t.Context(), c)
			if !errors.Is(err, telnyx.ErrResponseTooLarge) {
				t.Fatalf("err = %v, want one wrapping ErrResponseTooLarge", err)
			}
			wantRequests(t, srv, 1)
			wantSleeps(t, clock, 0)
		})
	}
}

// streamHugeJSON writes, without a Content-Length, a JSON document that keeps growing
// until about total bytes, from one small reused buffer; it stops as soon as the client
// goes away.
func streamHugeJSON(w http.ResponseWriter, r *http.Request, total int) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	if _, err := io.WriteString(w, `{"data":[{"id":"`); err != nil {
		return
	}
	chunk := bytes.Repeat([]byte("a"), 32<<10)
	for written := 0; written < total && r.Context().Err() == nil; written += len(chunk) {
		if _, err := w.Write(chunk); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
	_, _ = io.WriteString(w, `"}]}`)
}
