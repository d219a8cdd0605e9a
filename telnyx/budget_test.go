package telnyx_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// apiDown starts a server answering 503 to everything and a client of it whose waits
// go to a fake clock.
func apiDown(t *testing.T) (*recordingServer, *fakeClock, *telnyx.Client) {
	t.Helper()
	rs := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		writeAnswer(w, http.StatusServiceUnavailable, "req-503", "")
	})
	clock := newFakeClock(testEpoch())
	return rs, clock, rs.newClient(t, telnyx.WithSleep(clock.Sleep), telnyx.WithNow(clock.Now))
}

// emptyBudget spends the retry budget of c, a client of apiDown: a full bucket pays for
// 10 retries, two for each of five calls.
func emptyBudget(t *testing.T, c *telnyx.Client) {
	t.Helper()
	for range 5 {
		_ = callGet(t.Context(), c)
	}
}

func TestBudgetAPIDownCallsFailFast(t *testing.T) {
	t.Parallel()
	rs, _, c := apiDown(t)
	const calls = 40
	attempts := make([]int, calls)
	for i := range calls {
		var apiErr *telnyx.Error
		if err := callGet(t.Context(), c); !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
			t.Fatalf("call %d: %v, want the 503", i, err)
		}
		attempts[i] = apiErr.Attempts
	}
	// A full bucket pays for 10 retries: five calls make three attempts, then one each.
	for i, a := range attempts {
		if want := map[bool]int{true: 3, false: 1}[i < 5]; a != want {
			t.Errorf("call %d made %d attempts, want %d (all: %v)", i, a, want, attempts)
			break
		}
	}
	if got, want := rs.count(), 5*3+(calls-5); got != want {
		t.Errorf("%d requests for %d calls, want %d (%.2f per call)", got, calls, want, float64(got)/calls)
	}
}

func TestBudgetEmptyStillPacesCallers(t *testing.T) {
	t.Parallel()
	_, clock, c := apiDown(t)
	emptyBudget(t, c)
	before := len(clock.delays())
	for range 6 { // a caller looping back to back, refused every retry
		_ = callGet(t.Context(), c)
	}
	waits := clock.delays()[before:]
	// While the bucket is empty every call waits a backoff (250ms with no jitter)
	// before its one attempt.
	if len(waits) != 6 || waits[0] != 250*time.Millisecond || waits[5] != 250*time.Millisecond {
		t.Errorf("waits of the calls after the bucket emptied: %v; want 6 of 250ms", waits)
	}
}

func TestBudgetSuccessesRefill(t *testing.T) {
	t.Parallel()
	var down atomic.Bool
	down.Store(true)
	rs := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if down.Load() {
			writeAnswer(w, http.StatusServiceUnavailable, "req-503", "")
			return
		}
		writeOK(w, r)
	})
	clock := newFakeClock(testEpoch())
	c := rs.newClient(t, telnyx.WithSleep(clock.Sleep), telnyx.WithNow(clock.Now), telnyx.WithMaxRetries(1))
	for range 10 { // 10 retries: the bucket is empty
		_ = callGet(t.Context(), c)
	}
	var apiErr *telnyx.Error
	if err := callGet(t.Context(), c); !errors.As(err, &apiErr) || apiErr.Attempts != 1 {
		t.Fatalf("with the bucket empty: %v, want one attempt", err)
	}
	down.Store(false)
	for range 5 { // five successes return five tokens: one retry
		if err := callGet(t.Context(), c); err != nil {
			t.Fatal(err)
		}
	}
	down.Store(true)
	for i, want := range []int{2, 1} {
		if err := callGet(t.Context(), c); !errors.As(err, &apiErr) || apiErr.Attempts != want {
			t.Errorf("failure %d after the refill: %v, want %d attempts", i, err, want)
		}
	}
}

func TestBudgetOccasionalFailuresAllSucceed(t *testing.T) {
	t.Parallel()
	rs := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n%50 == 0 { // 2% of the requests
			writeAnswer(w, http.StatusServiceUnavailable, "req-503", "")
			return
		}
		writeOK(w, r)
	})
	clock := newFakeClock(testEpoch())
	c := rs.newClient(t, telnyx.WithSleep(clock.Sleep), telnyx.WithNow(clock.Now))
	for i := range 1000 {
		if err := callGet(t.Context(), c); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
}

// timeoutErr is a network error that says it timed out.
type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestBudgetTimeoutsCostDouble(t *testing.T) {
	t.Parallel()
	var attempts atomic.Int32
	tr := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		attempts.Add(1)
		return nil, &net.OpError{Op: "read", Net: "tcp", Err: timeoutErr{}}
	})
	clock := newFakeClock(testEpoch())
	c := newClientAt(t, "https://api.example.test/v2", telnyx.WithHTTPClient(&http.Client{Transport: tr}),
		telnyx.WithSleep(clock.Sleep), telnyx.WithNow(clock.Now))
	for range 10 {
		if err := callGet(t.Context(), c); err == nil {
			t.Fatal("a timeout succeeded")
		}
	}
	// 50 tokens at 10 a timeout: 5 retries, so two calls of three attempts, one of two,
	// then one each.
	if got := attempts.Load(); got != 2*3+2+7 {
		t.Errorf("%d attempts for 10 timed-out calls, want 15", got)
	}
}

// TestBudgetPaceCancelledSaysWhy checks the error of a call whose context ends while it
// is paced by the empty budget: the context's error, naming that wait.
func TestBudgetPaceCancelledSaysWhy(t *testing.T) {
	t.Parallel()
	rs, clock, c := apiDown(t)
	emptyBudget(t, c)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	clock.onWait = cancel
	before := rs.count()
	err := callGet(ctx, c)
	if !errors.Is(err, context.Canceled) || errors.Is(err, telnyx.ErrTransport) || !strings.Contains(err.Error(), "paced by the empty retry budget") {
		t.Errorf("err = %v; want context.Canceled, naming the budget's pacing", err)
	}
	if rs.count() != before {
		t.Errorf("%d requests sent after the context ended", rs.count()-before)
	}
}
