package telnyx_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// TestRetryRetryableStatuses checks that 408, 429 and 5xx gateway answers are retried up
// to WithMaxRetries times, for reads and actions alike, with Attempts counted.
func TestRetryRetryableStatuses(t *testing.T) {
	t.Parallel()
	for _, status := range []int{408, 429, 500, 502, 503, 504} {
		for _, op := range someOps() {
			t.Run(strconv.Itoa(status)+"/"+op.name+"/recovers", func(t *testing.T) {
				t.Parallel()
				srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
					if n <= 2 {
						writeAnswer(w, status, "req-"+strconv.Itoa(n), `{"errors":[{"code":"10007","title":"Unexpected error"}]}`)
						return
					}
					writeOK(w, r)
				})
				clock := newFakeClock(testEpoch())
				c := srv.newClient(t, telnyx.WithMaxRetries(2), telnyx.WithSleep(clock.Sleep))
				if err := op.call(t.Context(), c); err != nil {
					t.Fatalf("err = %v, want success on the third attempt", err)
				}
				wantRequests(t, srv, 3)
				if got, want := clock.delays(), []time.Duration{250 * time.Millisecond, 500 * time.Millisecond}; !reflect.DeepEqual(got, want) {
					t.Errorf("delays = %v, want %v", got, want)
				}
			})
			t.Run(strconv.Itoa(status)+"/"+op.name+"/exhausts", func(t *testing.T) {
				t.Parallel()
				srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request, n int) {
					writeAnswer(w, status, "req-"+strconv.Itoa(n), "")
				})
				clock := newFakeClock(testEpoch())
				c := srv.newClient(t, telnyx.WithMaxRetries(3), telnyx.WithSleep(clock.Sleep))
				e := requireAPIError(t, op.call(t.Context(), c))
				if e.StatusCode != status || e.Attempts != 4 || e.RequestID != "req-4" {
					t.Errorf("StatusCode, Attempts, RequestID = %d, %d, %q, want %d, 4, req-4 (the last answer)",
						e.StatusCode, e.Attempts, e.RequestID, status)
				}
				wantRequests(t, srv, 4)
				if got := len(clock.delays()); got != 3 {
					t.Errorf("slept %d times, want 3", got)
				}
			})
		}
	}
}

// TestRetryNonRetryableStatuses checks that other answers return at once.
func TestRetryNonRetryableStatuses(t *testing.T) {
	t.Parallel()
	for _, status := range []int{400, 401, 403, 404, 409, 422, 501} {
		for _, op := range someOps() {
			t.Run(strconv.Itoa(status)+"/"+op.name, func(t *testing.T) {
				t.Parallel()
				srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
					writeAnswer(w, status, "req-1", `{"errors":[{"code":"10015","title":"No"}]}`)
				})
				clock := newFakeClock(testEpoch())
				c := srv.newClient(t, telnyx.WithMaxRetries(3), telnyx.WithSleep(clock.Sleep))
				e := requireAPIError(t, op.call(t.Context(), c))
				if e.StatusCode != status || e.Attempts != 1 {
					t.Errorf("StatusCode, Attempts = %d, %d, want %d, 1", e.StatusCode, e.Attempts, status)
				}
				wantRequests(t, srv, 1)
				wantSleeps(t, clock, 0)
			})
		}
	}
}

// TestRetryDisabled checks that WithMaxRetries(0) makes one attempt.
func TestRetryDisabled(t *testing.T) {
	t.Parallel()
	t.Run("503", func(t *testing.T) {
		t.Parallel()
		srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			writeAnswer(w, http.StatusServiceUnavailable, "req-1", "")
		})
		clock := newFakeClock(testEpoch())
		e := requireAPIError(t, callGet(t.Context(), srv.newClient(t, telnyx.WithMaxRetries(0), telnyx.WithSleep(clock.Sleep))))
		if e.Attempts != 1 || srv.count() != 1 || len(clock.delays()) != 0 {
			t.Errorf("Attempts %d, requests %d, sleeps %v; want 1, 1, none", e.Attempts, srv.count(), clock.delays())
		}
	})
	t.Run("connection refused", func(t *testing.T) {
		t.Parallel()
		clock := newFakeClock(testEpoch())
		err := callGet(t.Context(), newClientAt(t, closedAddr(t), telnyx.WithMaxRetries(0), telnyx.WithSleep(clock.Sleep)))
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Fatalf("err = %v, want connection refused", err)
		}
		wantSleeps(t, clock, 0)
	})
}

// closedAddr returns a loopback base URL on which nothing listens any more.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return "http://" + addr + "/v2"
}

// TestRetryTransportFailures checks failures without a complete answer: refused and
// reset connections and cut bodies are retried, except that an action whose 2xx status
// arrived is done.
func TestRetryTransportFailures(t *testing.T) {
	t.Parallel()
	cutSession := sessionOKBody[:40]
	cases := []struct {
		name       string
		handler    func(t *testing.T, w http.ResponseWriter, r *http.Request, n int) // nil: connection refused
		call       func(context.Context, *telnyx.Client) error
		wantOK     bool
		wantErr    error // when !wantOK, an error it must wrap
		requests   int
		sleeps     int
		maxRetries int
	}{
		{
			name: "connection refused", call: callGet, wantErr: syscall.ECONNREFUSED,
			sleeps: 2, maxRetries: 2,
		},
		{
			name: "connection refused on an action", call: callMute, wantErr: syscall.ECONNREFUSED,
			sleeps: 3, maxRetries: 3,
		},
		{
			name: "closed before answering, then ok",
			handler: func(t *testing.T, w http.ResponseWriter, r *http.Request, n int) {
				if n == 1 {
					hangUp(t, w, false)
					return
				}
				writeOK(w, r)
			},
			call: callGet, wantOK: true, requests: 2, sleeps: 1, maxRetries: 2,
		},
		{
			name: "reset before answering, then ok",
			handler: func(t *testing.T, w http.ResponseWriter, r *http.Request, n int) {
				if n <= 2 {
					hangUp(t, w, true)
					return
				}
				writeOK(w, r)
			},
			call: callGet, wantOK: true, requests: 3, sleeps: 2, maxRetries: 2,
		},
		{
			name: "action reset before answering, then ok",
			handler: func(t *testing.T, w http.ResponseWriter, r *http.Request, n int) {
				if n == 1 {
					hangUp(t, w, true)
					return
				}
				writeOK(w, r)
			},
			call: callMute, wantOK: true, requests: 2, sleeps: 1, maxRetries: 2,
		},
		{
			name:    "always closed before answering",
			handler: func(t *testing.T, w http.ResponseWriter, _ *http.Request, _ int) { hangUp(t, w, false) },
			call:    callGet, requests: 3, sleeps: 2, maxRetries: 2,
		},
		{
			name: "read body cut, then ok",
			handler: func(t *testing.T, w http.ResponseWriter, r *http.Request, n int) {
				if n == 1 {
					cutBody(t, w, http.StatusOK, len(sessionOKBody), cutSession)
					return
				}
				writeOK(w, r)
			},
			call: callGet, wantOK: true, requests: 2, sleeps: 1, maxRetries: 2,
		},
		{
			name: "list body cut, then ok",
			handler: func(t *testing.T, w http.ResponseWriter, r *http.Request, n int) {
				if n == 1 {
					cutBody(t, w, http.StatusOK, len(listOKBody), listOKBody[:len(listOKBody)-30])
					return
				}
				writeOK(w, r)
			},
			call: callList, wantOK: true, requests: 2, sleeps: 1, maxRetries: 2,
		},
		{
			name: "read body always cut",
			handler: func(t *testing.T, w http.ResponseWriter, _ *http.Request, _ int) {
				cutBody(t, w, http.StatusOK, len(sessionOKBody), cutSession)
			},
			call: callGet, wantErr: io.ErrUnexpectedEOF, requests: 2, sleeps: 1, maxRetries: 1,
		},
		{
			name: "action whose 2xx body is cut is done",
			handler: func(t *testing.T, w http.ResponseWriter, _ *http.Request, _ int) {
				cutBody(t, w, http.StatusOK, len(actionOKBody), actionOKBody[:12])
			},
			call: callMute, wantOK: true, requests: 1, sleeps: 0, maxRetries: 2,
		},
		{
			name: "end whose 2xx body is cut before its first byte is done",
			handler: func(t *testing.T, w http.ResponseWriter, _ *http.Request, _ int) {
				cutBody(t, w, http.StatusOK, len(actionOKBody), "")
			},
			call: callEnd, wantOK: true, requests: 1, sleeps: 0, maxRetries: 2,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clock := newFakeClock(testEpoch())
			opts := []telnyx.Option{telnyx.WithMaxRetries(tc.maxRetries), telnyx.WithSleep(clock.Sleep)}
			var c *telnyx.Client
			var srv *recordingServer
			if tc.handler == nil {
				c = newClientAt(t, closedAddr(t), opts...)
			} else {
				srv = newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, n int) { tc.handler(t, w, r, n) })
				c = srv.newClient(t, opts...)
			}
			err := tc.call(t.Context(), c)
			switch {
			case tc.wantOK && err != nil:
				t.Fatalf("err = %v, want success", err)
			case !tc.wantOK && err == nil:
				t.Fatal("err = nil, want a failure")
			case !tc.wantOK:
				if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
					t.Errorf("err = %v, want one wrapping %v", err, tc.wantErr)
				}
				if e, ok := errors.AsType[*telnyx.Error](err); ok {
					t.Errorf("err is a *telnyx.Error %v; a failure without an answer is not", e)
				}
			}
			if srv != nil {
				wantRequests(t, srv, tc.requests)
			}
			if got := len(clock.delays()); got != tc.sleeps {
				t.Errorf("slept %d times (%v), want %d", got, clock.delays(), tc.sleeps)
			}
		})
	}
}

// TestRetryGetAfterCutBodyDecodesTheRetry checks that the session returned after a
// cut body is the one of the complete answer.
func TestRetryGetAfterCutBodyDecodesTheRetry(t *testing.T) {
	t.Parallel()
	srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			cutBody(t, w, http.StatusOK, len(sessionOKBody), sessionOKBody[:len(sessionOKBody)-20])
			return
		}
		writeOK(w, r)
	})
	s, err := srv.newClient(t).RoomSessions.Get(t.Context(), sessionID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.ID != sessionID || s.RoomID != roomID || !s.Active {
		t.Errorf("session = %+v", s)
	}
}

// TestBackoffSchedule checks the delays between attempts: 500ms x 2^(n-1) capped at
// 8s, jittered into [d/2, d].
func TestBackoffSchedule(t *testing.T) {
	t.Parallel()
	full := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second}
	scale := func(f float64) []time.Duration {
		out := make([]time.Duration, len(full))
		for i, d := range full {
			out[i] = time.Duration(float64(d) * f)
		}
		return out
	}
	cases := []struct {
		name   string
		jitter float64
		want   []time.Duration
		slack  time.Duration // how far below want a delay may be
	}{
		{"jitter 0 gives half", 0, scale(0.5), 0},
		{"jitter 0.5 gives three quarters", 0.5, scale(0.75), 0},
		{"jitter close to 1 gives the full delay", 0.999999, full, time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				writeAnswer(w, http.StatusServiceUnavailable, "", "")
			})
			clock := newFakeClock(testEpoch())
			c := srv.newClient(t, telnyx.WithMaxRetries(6), telnyx.WithSleep(clock.Sleep), telnyx.WithJitter(constJitter(tc.jitter)))
			e := requireAPIError(t, callGet(t.Context(), c))
			if e.Attempts != 7 {
				t.Errorf("Attempts = %d, want 7", e.Attempts)
			}
			got := clock.delays()
			if len(got) != len(tc.want) {
				t.Fatalf("delays = %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] > tc.want[i] || got[i] < tc.want[i]-tc.slack {
					t.Errorf("delay before retry %d = %v, want %v (slack %v)", i+1, got[i], tc.want[i], tc.slack)
				}
			}
		})
	}
}

// TestBackoffFunction checks the schedule directly, far beyond the retries a client
// would make, without overflow.
func TestBackoffFunction(t *testing.T) {
	t.Parallel()
	cases := []struct {
		n    int
		r    float64
		want time.Duration
	}{
		{1, 0, 250 * time.Millisecond}, {1, 0.5, 375 * time.Millisecond},
		{2, 0, 500 * time.Millisecond}, {3, 0, time.Second}, {4, 0, 2 * time.Second},
		{5, 0, 4 * time.Second}, {5, 0.5, 6 * time.Second}, {6, 0, 4 * time.Second},
		{31, 0, 4 * time.Second}, {32, 0, 4 * time.Second}, {33, 0.5, 6 * time.Second},
		{63, 0, 4 * time.Second}, {64, 0, 4 * time.Second}, {65, 0.5, 6 * time.Second},
		{1000, 0, 4 * time.Second},
	}
	for _, tc := range cases {
		if got := telnyx.Backoff(tc.n, tc.r); got != tc.want {
			t.Errorf("Backoff(%d, %v) = %v, want %v", tc.n, tc.r, got, tc.want)
		}
	}
	for n := 1; n <= 100; n++ {
		for _, r := range []float64{0, 0.25, 0.999999} {
			if got := telnyx.Backoff(n, r); got < 250*time.Millisecond || got > 8*time.Second {
				t.Errorf("Backoff(%d, %v) = %v, outside [250ms, 8s]", n, r, got)
			}
		}
	}
}

// TestRetryServerDelay checks the delays the server asks for: they replace the backoff,
// and RetryAfter reports them.
func TestRetryServerDelay(t *testing.T) {
	t.Parallel()
	httpDate := testEpoch().Add(17 * time.Second).Format(http.TimeFormat)
	pastDate := testEpoch().Add(-time.Hour).Format(http.TimeFormat)
	cases := []struct {
		name           string
		status         int
		header         map[string]string
		wantDelay      time.Duration
		wantRetryAfter time.Duration // on the *Error when not retried
	}{
		{"Retry-After seconds", 503, map[string]string{"Retry-After": "3"}, 3 * time.Second, 3 * time.Second},
		{"Retry-After seconds on 429", 429, map[string]string{"Retry-After": "3"}, 3 * time.Second, 3 * time.Second},
		{"Retry-After zero means the backoff", 503, map[string]string{"Retry-After": "0"}, 250 * time.Millisecond, 0},
		{"Retry-After 60 is still waited", 503, map[string]string{"Retry-After": "60"}, 60 * time.Second, 60 * time.Second},
		{"Retry-After HTTP date", 503, map[string]string{"Retry-After": httpDate}, 17 * time.Second, 17 * time.Second},
		{"Retry-After HTTP date in the past means the backoff", 429, map[string]string{"Retry-After": pastDate}, 250 * time.Millisecond, 0},
		{"Retry-After garbage falls back to backoff", 503, map[string]string{"Retry-After": "soon"}, 250 * time.Millisecond, 0},
		{"retry-after-ms", 503, map[string]string{"retry-after-ms": "1500"}, 1500 * time.Millisecond, 1500 * time.Millisecond},
		{"retry-after-ms before Retry-After", 429, map[string]string{"retry-after-ms": "1500", "Retry-After": "9"}, 1500 * time.Millisecond, 1500 * time.Millisecond},
		{"x-ratelimit-reset on 429", 429, map[string]string{"x-ratelimit-reset": "7", "x-ratelimit-limit": "100", "x-ratelimit-remaining": "0"}, 7 * time.Second, 7 * time.Second},
		{"Retry-After before x-ratelimit-reset on 429", 429, map[string]string{"x-ratelimit-reset": "7", "Retry-After": "2"}, 2 * time.Second, 2 * time.Second},
		{"x-ratelimit-reset ignored on 503", 503, map[string]string{"x-ratelimit-reset": "7"}, 250 * time.Millisecond, 0},
		{"no header", 429, nil, 250 * time.Millisecond, 0},
	}
	for _, tc := range cases {
		answer := func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				writeAnswer(w, tc.status, "req-1", "")
				return
			}
			writeOK(w, r)
		}
		t.Run(tc.name+"/waited", func(t *testing.T) {
			t.Parallel()
			srv := newRecordingServer(t, answer)
			clock := newFakeClock(testEpoch())
			c := srv.newClient(t, telnyx.WithSleep(clock.Sleep), telnyx.WithNow(clock.Now))
			if err := callGet(t.Context(), c); err != nil {
				t.Fatal(err)
			}
			if got, want := clock.delays(), []time.Duration{tc.wantDelay}; !reflect.DeepEqual(got, want) {
				t.Errorf("delays = %v, want %v", got, want)
			}
			wantRequests(t, srv, 2)
		})
		t.Run(tc.name+"/reported", func(t *testing.T) {
			t.Parallel()
			srv := newRecordingServer(t, answer)
			clock := newFakeClock(testEpoch())
			c := srv.newClient(t, telnyx.WithMaxRetries(0), telnyx.WithNow(clock.Now))
			if got := requireAPIError(t, callGet(t.Context(), c)).RetryAfter; got != tc.wantRetryAfter {
				t.Errorf("RetryAfter = %v, want %v", got, tc.wantRetryAfter)
			}
		})
	}
}

// TestRetryServerDelayTooLong checks that a server delay above 60s is not waited: the
// error returns at once with RetryAfter set.
func TestRetryServerDelayTooLong(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		status int
		header map[string]string
		want   time.Duration
	}{
		{"Retry-After 120", 503, map[string]string{"Retry-After": "120"}, 120 * time.Second},
		{"Retry-After 61 on 429", 429, map[string]string{"Retry-After": "61"}, 61 * time.Second},
		{"Retry-After HTTP date", 503, map[string]string{"Retry-After": testEpoch().Add(2 * time.Hour).Format(http.TimeFormat)}, 2 * time.Hour},
		{"retry-after-ms", 429, map[string]string{"retry-after-ms": "60001"}, 60001 * time.Millisecond},
		{"x-ratelimit-reset on 429", 429, map[string]string{"x-ratelimit-reset": "3600"}, time.Hour},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				writeAnswer(w, tc.status, "req-1", "")
			})
			clock := newFakeClock(testEpoch())
			c := srv.newClient(t, telnyx.WithMaxRetries(5), telnyx.WithSleep(clock.Sleep), telnyx.WithNow(clock.Now))
			e := requireAPIError(t, callMute(t.Context(), c))
			if e.RetryAfter != tc.want || e.Attempts != 1 || e.StatusCode != tc.status {
				t.Errorf("RetryAfter, Attempts, StatusCode = %v, %d, %d, want %v, 1, %d", e.RetryAfter, e.Attempts, e.StatusCode, tc.want, tc.status)
			}
			wantRequests(t, srv, 1)
			wantSleeps(t, clock, 0)
		})
	}
}

// TestRetryContextCancelledDuringWait checks that cancelling the context while waiting
// to retry ends the call with context.Canceled.
func TestRetryContextCancelledDuringWait(t *testing.T) {
	t.Parallel()
	for _, op := range someOps() {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				writeAnswer(w, http.StatusServiceUnavailable, "req-1", "")
			})
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			clock := newFakeClock(testEpoch())
			clock.onWait = cancel
			var logs bytes.Buffer
			logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			c := srv.newClient(t, telnyx.WithMaxRetries(5), telnyx.WithSleep(clock.Sleep), telnyx.WithLogger(logger))
			err := op.call(ctx, c)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want one wrapping context.Canceled", err)
			}
			attempts := 0
			for _, r := range parseLogs(t, logs.Bytes()) {
				if _, ok := r["attempt"]; ok && r["delay"] == nil {
					attempts++
				}
			}
			if attempts != 1 {
				t.Errorf("%d attempts logged, want 1 (no attempt after the cancelled wait):\n%s", attempts, logs.String())
			}
			wantRequests(t, srv, 1)
			wantSleeps(t, clock, 1)
		})
	}
}

// TestRetryDeadlineBeforeNextAttempt checks that when the context's deadline would pass
// before the next attempt, the last error returns at once, without sleeping.
func TestRetryDeadlineBeforeNextAttempt(t *testing.T) {
	t.Parallel()
	t.Run("server delay beyond the deadline", func(t *testing.T) {
		t.Parallel()
		srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
			w.Header().Set("Retry-After", "30")
			writeAnswer(w, http.StatusTooManyRequests, "req-1", "")
		})
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		clock := newFakeClock(time.Now())
		c := srv.newClient(t, telnyx.WithSleep(clock.Sleep))
		e := requireAPIError(t, callGet(ctx, c))
		if e.StatusCode != http.StatusTooManyRequests || e.Attempts != 1 || e.RetryAfter != 30*time.Second {
			t.Errorf("StatusCode, Attempts, RetryAfter = %d, %d, %v, want 429, 1, 30s", e.StatusCode, e.Attempts, e.RetryAfter)
		}
		wantSleeps(t, clock, 0)
	})
	t.Run("backoff beyond the deadline", func(t *testing.T) {
		t.Parallel()
		srv := newRecordingServer(t, func(w http.ResponseWriter, _ *http.Request, n int) {
			writeAnswer(w, http.StatusBadGateway, "req-"+strconv.Itoa(n), "")
		})
		// The fake clock moves by each delay slept: 0.25+0.5+1+2+4 = 7.75s are slept,
		// then the next 4s would pass the 10s deadline.
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		clock := newFakeClock(time.Now())
		c := srv.newClient(t, telnyx.WithMaxRetries(10), telnyx.WithSleep(clock.Sleep), telnyx.WithNow(clock.Now))
		e := requireAPIError(t, callGet(ctx, c))
		if e.Attempts != 6 || e.RequestID != "req-6" {
			t.Errorf("Attempts, RequestID = %d, %q, want 6, req-6", e.Attempts, e.RequestID)
		}
		want := []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second}
		if got := clock.delays(); !reflect.DeepEqual(got, want) {
			t.Errorf("delays = %v, want %v", got, want)
		}
	})
}

// TestRetryReplaysBody checks that Kick, Mute and Unmute send the same body, byte for
// byte, on every attempt.
func TestRetryReplaysBody(t *testing.T) {
	t.Parallel()
	type action func(c *telnyx.Client, ctx context.Context, id string, who telnyx.Selection) error
	actions := []struct {
		name string
		do   action
		path string
	}{
		{"Kick", func(c *telnyx.Client, ctx context.Context, id string, who telnyx.Selection) error {
			return c.RoomSessions.Kick(ctx, id, who)
		}, "kick"},
		{"Mute", func(c *telnyx.Client, ctx context.Context, id string, who telnyx.Selection) error {
			return c.RoomSessions.Mute(ctx, id, who)
		}, "mute"},
		{"Unmute", func(c *telnyx.Client, ctx context.Context, id string, who telnyx.Selection) error {
			return c.RoomSessions.Unmute(ctx, id, who)
		}, "unmute"},
	}
	selections := []struct {
		name string
		who  telnyx.Selection
		want string
	}{
		{"all", telnyx.AllParticipants(), `{"participants":"all"}`},
		{"all except", telnyx.AllParticipants().Except(otherPart), `{"exclude":["` + otherPart + `"],"participants":"all"}`},
		{"ids except", telnyx.Participants(participant, otherPart).Except(otherPart),
			`{"exclude":["` + otherPart + `"],"participants":["` + participant + `","` + otherPart + `"]}`},
	}
	for _, a := range actions {
		for _, sel := range selections {
			t.Run(a.name+"/"+sel.name, func(t *testing.T) {
				t.Parallel()
				// Attempt 1: a 503; attempt 2: the connection closes after the body
				// was read; attempt 3: 200.
				srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
					switch n {
					case 1:
						writeAnswer(w, http.StatusServiceUnavailable, "req-1", "")
					case 2:
						hangUp(t, w, false)
					default:
						writeOK(w, r)
					}
				})
				if err := a.do(srv.newClient(t), t.Context(), sessionID, sel.who); err != nil {
					t.Fatal(err)
				}
				reqs := srv.requests()
				if len(reqs) != 3 {
					t.Fatalf("server saw %d requests, want 3", len(reqs))
				}
				for i, r := range reqs {
					if r.Body != sel.want {
						t.Errorf("attempt %d sent body %q, want %q", i+1, r.Body, sel.want)
					}
					if got := r.Header.Get("Content-Length"); got != strconv.Itoa(len(sel.want)) && r.Header.Get("Transfer-Encoding") == "" {
						t.Errorf("attempt %d: Content-Length %q", i+1, got)
					}
					wantPath := "/v2/room_sessions/" + sessionID + "/actions/" + a.path
					if r.Method != http.MethodPost || r.Path != wantPath {
						t.Errorf("attempt %d: %s %s, want POST %s", i+1, r.Method, r.Path, wantPath)
					}
					if got := r.Header.Get("Authorization"); got != "Bearer "+testKey {
						t.Errorf("attempt %d: Authorization %q", i+1, got)
					}
					if got := r.Header.Get("Content-Type"); got != "application/json" {
						t.Errorf("attempt %d: Content-Type %q", i+1, got)
					}
				}
			})
		}
	}
}

// stallingTransport makes every attempt it is given hang until the attempt's context
// ends, except those answered by answer (nil: none). It counts attempts where the client
// makes them, so the count does not race the attempt timeout as a count kept by a
// server would (a request can time out before it reaches the server).
type stallingTransport struct {
	attempts atomic.Int32
	answer   func(n int, r *http.Request) *http.Response
}

// RoundTrip counts the attempt, then answers it or waits for its context to end.
func (st *stallingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	n := int(st.attempts.Add(1))
	if st.answer != nil {
		if resp := st.answer(n, r); resp != nil {
			return resp, nil
		}
	}
	<-r.Context().Done()
	return nil, r.Context().Err()
}

// stallingClient is a client whose attempts go to st, time out after 10ms, and are
// retried after an injected wait.
func stallingClient(t *testing.T, st *stallingTransport, clock *fakeClock, opts ...telnyx.Option) *telnyx.Client {
	t.Helper()
	c, err := telnyx.NewClient(append([]telnyx.Option{
		telnyx.WithAPIKey(testKey), telnyx.WithBaseURL("http://127.0.0.1:1/v2"),
		telnyx.WithHTTPClient(&http.Client{Transport: st}),
		telnyx.WithTimeout(10 * time.Millisecond), telnyx.WithSleep(clock.Sleep),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestRetryAttemptTimeout checks WithTimeout: an attempt that takes too long is
// abandoned and retried.
func TestRetryAttemptTimeout(t *testing.T) {
	t.Parallel()
	st := &stallingTransport{answer: func(n int, r *http.Request) *http.Response {
		if n == 1 {
			return nil // hangs until the client gives up on the attempt
		}
		body := `{"data":` + sessionItem(sessionID) + `}`
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: r}
	}}
	// A guard, not a wait: without a per-attempt limit the call would hang until then.
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	clock := newFakeClock(testEpoch())
	s, err := stallingClient(t, st, clock).RoomSessions.Get(ctx, sessionID, nil)
	if err != nil {
		t.Fatalf("err = %v, want success on the second attempt", err)
	}
	if s.ID != sessionID {
		t.Errorf("ID = %q", s.ID)
	}
	if n := st.attempts.Load(); n != 2 {
		t.Errorf("%d attempts, want 2", n)
	}
	wantSleeps(t, clock, 1)
}

// TestRetryEveryAttemptTimesOut checks that when every attempt times out, the error
// wraps context.DeadlineExceeded and is not a *Error.
func TestRetryEveryAttemptTimesOut(t *testing.T) {
	t.Parallel()
	for _, op := range []opCall{{"Get", callGet}, {"Mute", callMute}} {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			st := &stallingTransport{}
			// A guard, not a wait: without a per-attempt limit the call would hang until then.
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			clock := newFakeClock(testEpoch())
			err := op.call(ctx, stallingClient(t, st, clock, telnyx.WithMaxRetries(1)))
			if ctx.Err() != nil {
				t.Fatalf("the caller's context expired (%v): the attempts were not limited", err)
			}
			if !errors.Is(err, telnyx.ErrTransport) || errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err = %v, want ErrTransport, not the caller's context.DeadlineExceeded", err)
			}
			if e, ok := errors.AsType[*telnyx.Error](err); ok {
				t.Errorf("err is a *telnyx.Error %v", e)
			}
			wantSleeps(t, clock, 1)
			if n := st.attempts.Load(); n != 2 {
				t.Errorf("%d attempts, want 2", n)
			}
		})
	}
}
