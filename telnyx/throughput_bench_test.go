package telnyx_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// The throughput benchmarks measure, against loopback servers that answer like a
// distant or struggling API, what issue 11 set targets for: pages fetched ahead, the
// 429 herd, the shared rate-limit window and the retry budget. They take real time
// (seconds each), so they run only when TELNYX_BENCH_THROUGHPUT is set, once:
//
//	TELNYX_BENCH_THROUGHPUT=1 go test -run '^$' -bench '^BenchmarkThroughput' -benchtime 1x ./telnyx/
//
// (make bench runs them after the facade-versus-raw benchmarks). Their figures are
// custom metrics: s/list, peak-req/100ms, req-before-reset, req/call.

func throughputOnly(b *testing.B) {
	if os.Getenv("TELNYX_BENCH_THROUGHPUT") == "" {
		b.Skip("set TELNYX_BENCH_THROUGHPUT=1 to run (make bench does)")
	}
}

// arrivals records when requests arrive.
type arrivals struct {
	mu sync.Mutex
	at []time.Time
}

func (a *arrivals) add() {
	a.mu.Lock()
	a.at = append(a.at, time.Now())
	a.mu.Unlock()
}

func (a *arrivals) snapshot() []time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]time.Time(nil), a.at...)
}

// peakPer100ms is the most requests in any 100 ms window starting at or after from and
// ending by to.
func peakPer100ms(at []time.Time, from, to time.Time) int {
	peak := 0
	j := 0
	for i, t := range at {
		if t.Before(from) || t.Add(100*time.Millisecond).After(to) {
			continue
		}
		j = max(j, i)
		for j < len(at) && at[j].Before(t.Add(100*time.Millisecond)) {
			j++
		}
		peak = max(peak, j-i)
	}
	return peak
}

func BenchmarkThroughputPagesAhead(b *testing.B) {
	throughputOnly(b)
	const total, size, latency = 10000, 250, 20 * time.Millisecond
	pages := make([][]byte, total/size+1)
	for p := 1; p <= total/size; p++ {
		var items []string
		for i := (p - 1) * size; i < p*size; i++ {
			items = append(items, fmt.Sprintf(`{"id":"%s","room_id":"%s","active":true,"created_at":"2021-04-16T09:46:20.954863Z","updated_at":"2021-04-16T09:50:20.954863Z","record_type":"room_session"}`, itemID(i), roomID))
		}
		pages[p] = []byte(fmt.Sprintf(`{"data":[%s],"meta":{"page_number":%d,"page_size":%d,"total_pages":%d,"total_results":%d}}`,
			strings.Join(items, ","), p, size, total/size, total))
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(latency) // a distant API
		var n int
		_, _ = fmt.Sscan(r.URL.Query().Get("page[number]"), &n)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(pages[n])
	}))
	b.Cleanup(srv.Close)
	for _, n := range []int{1, 2, 4, 8} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			c, err := telnyx.NewClient(telnyx.WithAPIKey(testKey), telnyx.WithBaseURL(srv.URL+"/v2"), telnyx.WithPageConcurrency(n))
			if err != nil {
				b.Fatal(err)
			}
			const rounds = 3
			var spent time.Duration
			for range b.N {
				for range rounds {
					start := time.Now()
					i := 0
					for s, err := range c.RoomSessions.All(b.Context(), nil) {
						if err != nil || s.ID != itemID(i) {
							b.Fatalf("item %d: %v %v", i, s.ID, err)
						}
						i++
					}
					spent += time.Since(start)
					if i != total {
						b.Fatalf("%d sessions", i)
					}
				}
			}
			b.ReportMetric(spent.Seconds()/float64(b.N*rounds), "s/list")
		})
	}
}

// loopCallers runs callers goroutines calling call until ctx ends, and returns the
// calls made.
func loopCallers(ctx context.Context, callers int, call func(ctx context.Context)) int64 {
	var calls atomic.Int64
	var wg sync.WaitGroup
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				call(ctx)
				if ctx.Err() == nil {
					calls.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return calls.Load()
}

func BenchmarkThroughputHerd429(b *testing.B) {
	throughputOnly(b)
	const callers, run = 64, 4 * time.Second
	for range b.N {
		var seen arrivals
		var n atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			seen.add()
			if n.Add(1)%2 == 0 { // half the answers
				w.Header().Set("Retry-After", "1")
				writeAnswer(w, http.StatusTooManyRequests, "req-429", `{"errors":[{"code":"10011","title":"Too many requests"}]}`)
				return
			}
			writeAnswer(w, http.StatusOK, "req-ok", sessionOKBody)
		}))
		c, err := telnyx.NewClient(telnyx.WithAPIKey(testKey), telnyx.WithBaseURL(srv.URL+"/v2"))
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		ctx, cancel := context.WithTimeout(b.Context(), run)
		loopCallers(ctx, callers, func(ctx context.Context) { _, _ = c.RoomSessions.Get(ctx, sessionID, nil) })
		cancel()
		srv.Close()
		at := seen.snapshot()
		b.ReportMetric(float64(peakPer100ms(at, start.Add(time.Second), start.Add(run))), "peak-req/100ms")
		b.ReportMetric(float64(len(at))/run.Seconds(), "req/s")
	}
}

func BenchmarkThroughputRemainingZero(b *testing.B) {
	throughputOnly(b)
	const callers, reset = 16, time.Second
	for range b.N {
		var seen arrivals
		var n atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			seen.add()
			if n.Add(1) == 1 {
				w.Header().Set("x-ratelimit-limit", "100")
				w.Header().Set("x-ratelimit-remaining", "0")
				w.Header().Set("x-ratelimit-reset", "1")
			}
			writeAnswer(w, http.StatusOK, "req-ok", sessionOKBody)
		}))
		c, err := telnyx.NewClient(telnyx.WithAPIKey(testKey), telnyx.WithBaseURL(srv.URL+"/v2"))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.RoomSessions.Get(b.Context(), sessionID, nil); err != nil {
			b.Fatal(err)
		}
		resetAt := seen.snapshot()[0].Add(reset)
		ctx, cancel := context.WithTimeout(b.Context(), reset+500*time.Millisecond)
		loopCallers(ctx, callers, func(ctx context.Context) { _, _ = c.RoomSessions.Get(ctx, sessionID, nil) })
		cancel()
		srv.Close()
		before := 0
		for _, t := range seen.snapshot()[1:] {
			if t.Before(resetAt) {
				before++
			}
		}
		b.ReportMetric(float64(before), "req-before-reset")
	}
}

func BenchmarkThroughputAPIDown(b *testing.B) {
	throughputOnly(b)
	const callers, run = 16, 3 * time.Second
	for range b.N {
		var reqs atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			reqs.Add(1)
			writeAnswer(w, http.StatusServiceUnavailable, "req-503", `{"errors":[{"code":"10000","title":"Service unavailable"}]}`)
		}))
		c, err := telnyx.NewClient(telnyx.WithAPIKey(testKey), telnyx.WithBaseURL(srv.URL+"/v2"))
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(b.Context(), run)
		calls := loopCallers(ctx, callers, func(ctx context.Context) { _, _ = c.RoomSessions.Get(ctx, sessionID, nil) })
		cancel()
		srv.Close()
		b.ReportMetric(float64(reqs.Load())/float64(max(calls, 1)), "req/call")
		b.ReportMetric(float64(calls), "calls")
	}
}
