package redislimit_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/roomsessions/telnyx-go/redislimit"
	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// A fleet is several processes (this test binary, run again with $fleetWorkerEnv set)
// each with several goroutines making Gets with a telnyx.Client, for a while.

// fleetWorkerEnv holds a worker's job as JSON; TestMain runs the worker when it is set.
const fleetWorkerEnv = "REDISLIMIT_FLEET_WORKER"

// job is what one worker process does.
type job struct {
	Redis      string        // address of the shared Redis; "" for a limiter of its own
	Account    string        // the account name shared through Redis
	BaseURL    string        // the API, with /v2
	APIKey     string        //
	Session    string        // the session id to Get
	Goroutines int           //
	For        time.Duration // how long to send
	Start      time.Time     // when to start, so that the processes start together
}

// tally is what a worker saw.
type tally struct {
	OK, Limited, Other int // answers 2xx, 429, anything else
	NoReply            int // attempts without an answer (cut by the end of the run, mostly)
	// With the SDK: calls that succeeded, that failed, and that the end of the run cut
	// short (its deadline came while they waited for a window).
	Calls, CallsFailed, CallsCut int
}

func (t *tally) add(o tally) {
	t.OK += o.OK
	t.Limited += o.Limited
	t.Other += o.Other
	t.NoReply += o.NoReply
	t.Calls += o.Calls
	t.CallsFailed += o.CallsFailed
	t.CallsCut += o.CallsCut
}

// newWorkerLimiter is the limiter of a worker of j: shared through Redis, or its own.
func newWorkerLimiter(j job) (telnyx.Limiter, func()) {
	if j.Redis == "" {
		return telnyx.NewLimiter(), func() {}
	}
	rdb := redis.NewClient(&redis.Options{Addr: j.Redis, ContextTimeoutEnabled: true})
	return redislimit.New(rdb, j.Account, redislimit.WithTimeout(5*time.Second)), func() { _ = rdb.Close() }
}

// runWorker does j and prints its tally as JSON on stdout.
func runWorker(j job) error { return runSDKWorker(j) }

// runFleet starts procs workers of j and adds up their tallies.
func runFleet(t testing.TB, procs int, j job) tally {
	t.Helper()
	if j.Start.IsZero() {
		j.Start = time.Now().Add(time.Second) // time for the processes to start
	}
	spec, err := json.Marshal(j)
	if err != nil {
		t.Fatal(err)
	}
	type out struct {
		tally
		err error
	}
	results := make(chan out, procs)
	for range procs {
		go func() {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), fleetWorkerEnv+"="+string(spec))
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			var o out
			if err := cmd.Run(); err != nil {
				o.err = fmt.Errorf("worker: %v\n%s", err, stderr.String())
			} else if err := json.Unmarshal(stdout.Bytes(), &o.tally); err != nil {
				o.err = fmt.Errorf("worker's output %q: %v\n%s", stdout.String(), err, stderr.String())
			}
			if stderr.Len() > 0 {
				t.Logf("worker's stderr: %s", stderr.String())
			}
			results <- o
		}()
	}
	var sum tally
	for range procs {
		o := <-results
		if o.err != nil {
			t.Error(o.err)
		}
		sum.add(o.tally)
	}
	return sum
}

// countingFake is a fake with an account-wide rate limit that counts its answers by status.
type countingFake struct {
	*httptest.Server
	key, session string
	mu           sync.Mutex
	statuses     map[int]int
}

func newCountingFake(t *testing.T, n int, window time.Duration) *countingFake {
	t.Helper()
	h, st := telnyxtest.NewHandler(telnyxtest.WithRateLimit(n, window), telnyxtest.WithoutRequestLog())
	f := &countingFake{key: telnyxtest.DefaultAPIKey, statuses: make(map[int]int)}
	f.session = st.AddSession(telnyxtest.Session{Active: true}).ID
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		f.mu.Lock()
		f.statuses[rec.Code]++
		f.mu.Unlock()
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *countingFake) count(status int) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.statuses[status]
}

// TestFleetKeepsToTheAccountsWindow: three processes of four goroutines each, each
// process with its telnyx.Client, making Gets as fast as the client lets them against a
// fake allowing 30 requests a second for the whole account. Sharing redislimit, the
// fleet draws no 429, no call fails, and it uses the windows; each process with a
// limiter of its own, it draws 429s.
func TestFleetKeepsToTheAccountsWindow(t *testing.T) {
	t.Parallel()
	const procs, goroutines, perWindow = 3, 4, 30
	srv := startRedis(t)

	fake := newCountingFake(t, perWindow, time.Second)
	j := job{Redis: srv.Addr, Account: "fleet", BaseURL: fake.URL + "/v2", APIKey: fake.key,
		Session: fake.session, Goroutines: goroutines, For: 2500 * time.Millisecond}
	shared := runFleet(t, procs, j)
	if shared.CallsFailed != 0 || shared.Other != 0 {
		t.Errorf("sharing: %+v: no call may fail", shared)
	}
	if n := fake.count(http.StatusTooManyRequests); n != 0 || shared.Limited != 0 {
		t.Errorf("sharing redislimit, the fleet drew %d 429s (server's count %d), want none", shared.Limited, n)
	}
	// 2.5 s hold at least two whole windows of the fake, and the fleet uses them.
	if shared.Calls < 2*perWindow || shared.OK != shared.Calls {
		t.Errorf("sharing: %+v: want at least 60 calls in 2.5s of 30/s windows, each one answer", shared)
	}

	fake = newCountingFake(t, perWindow, time.Second)
	j.Redis, j.BaseURL, j.Session = "", fake.URL+"/v2", fake.session
	alone := runFleet(t, procs, j)
	if alone.Limited == 0 || fake.count(http.StatusTooManyRequests) == 0 {
		t.Errorf("each process alone: %+v, want 429s (the test cannot tell sharing from not)", alone)
	}
	t.Logf("sharing: %+v; alone: %+v", shared, alone)
}
