package redislimit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/roomsessions/telnyx-go/redislimit"
	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// A fleet is several processes (this test binary, run again with $fleetWorkerEnv set)
// each with several goroutines sending Gets to one server, for a while.

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
}

// tally is what a worker saw.
type tally struct {
	OK, Limited, Other, Failed int // answers 2xx, 429, anything else; sends with no answer
}

func (t *tally) add(o tally) {
	t.OK += o.OK
	t.Limited += o.Limited
	t.Other += o.Other
	t.Failed += o.Failed
}

// runWorker does j and prints its tally as JSON on stdout.
func runWorker(j job) error {
	var lim telnyx.Limiter = redislimit.New(nil, j.Account, redislimit.WithLogger(nil))
	if j.Redis != "" {
		rdb := redis.NewClient(&redis.Options{Addr: j.Redis})
		defer rdb.Close()
		lim = redislimit.New(rdb, j.Account, redislimit.WithTimeout(5*time.Second))
	}
	ctx := context.Background()
	deadline := time.Now().Add(j.For)
	var ok, limited, other, failed atomic.Int64
	var wg sync.WaitGroup
	for range j.Goroutines {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				r := lim.Reserve(ctx, time.Now())
				if r.Wait > 0 {
					time.Sleep(min(r.Wait+rand.N(10*time.Millisecond), time.Until(deadline)))
					continue
				}
				status, o, err := get(ctx, j)
				switch {
				case err != nil:
					failed.Add(1)
					continue
				case status == http.StatusTooManyRequests:
					limited.Add(1)
				case status < 300:
					ok.Add(1)
				default:
					other.Add(1)
				}
				lim.Observe(ctx, time.Now(), o)
			}
		})
	}
	wg.Wait()
	return json.NewEncoder(os.Stdout).Encode(tally{int(ok.Load()), int(limited.Load()), int(other.Load()), int(failed.Load())})
}

// get sends one Get and reads what its answer says about the rate limit, as the SDK does.
func get(ctx context.Context, j job) (int, telnyx.Observation, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, j.BaseURL+"/room_sessions/"+j.Session, nil)
	if err != nil {
		return 0, telnyx.Observation{}, err
	}
	req.Header.Set("Authorization", "Bearer "+j.APIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, telnyx.Observation{}, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	o := telnyx.Observation{Status: resp.StatusCode}
	num := func(name string) int {
		n, err := strconv.Atoi(resp.Header.Get(name))
		if err != nil {
			return -1
		}
		return n
	}
	if l, rem, reset := num("X-Ratelimit-Limit"), num("X-Ratelimit-Remaining"), num("X-Ratelimit-Reset"); l >= 0 {
		o.RateLimit = &telnyx.RateLimit{Limit: l, Remaining: rem, Reset: time.Duration(reset) * time.Second}
		if resp.StatusCode == http.StatusTooManyRequests {
			o.RetryAfter = o.RateLimit.Reset
		}
	}
	return resp.StatusCode, o, nil
}

// runFleet starts procs workers of j and adds up their tallies.
func runFleet(t *testing.T, procs int, j job) tally {
	t.Helper()
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

// TestFleetKeepsToTheAccountsWindow: three processes of four goroutines each, sending
// as fast as their limiter lets them to a fake allowing 30 requests a second for the
// whole account. Sharing redislimit, the fleet never draws a 429 and still uses the
// windows; each with a limiter of its own, it overshoots.
func TestFleetKeepsToTheAccountsWindow(t *testing.T) {
	t.Parallel()
	const procs, goroutines, perWindow = 3, 4, 30
	srv := startRedis(t)

	fake := newCountingFake(t, perWindow, time.Second)
	j := job{Redis: srv.Addr, Account: "fleet", BaseURL: fake.URL + "/v2", APIKey: fake.key,
		Session: fake.session, Goroutines: goroutines, For: 2500 * time.Millisecond}
	shared := runFleet(t, procs, j)
	if shared.Failed != 0 || shared.Other != 0 {
		t.Errorf("sharing: %+v: no send may fail", shared)
	}
	if n := fake.count(http.StatusTooManyRequests); n != 0 || shared.Limited != 0 {
		t.Errorf("sharing redislimit, the fleet drew %d 429s (server's count %d), want none", shared.Limited, n)
	}
	// 2.5 s hold at least two whole windows of the fake, and the fleet uses them.
	if shared.OK < 2*perWindow {
		t.Errorf("sharing: %d successes in 2.5s of 30/s windows, want at least 60", shared.OK)
	}

	fake = newCountingFake(t, perWindow, time.Second)
	j.Redis, j.BaseURL, j.Session = "", fake.URL+"/v2", fake.session
	alone := runFleet(t, procs, j)
	if alone.Limited == 0 {
		t.Errorf("each process alone: %+v, want 429s (the test cannot tell sharing from not)", alone)
	}
	t.Logf("sharing: %+v; alone: %+v", shared, alone)
}
