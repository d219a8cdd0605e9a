package telnyx_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// gatedCall is one request held by a gateTransport until the test releases it.
type gatedCall struct {
	page    int
	release chan struct{}
	ctx     context.Context
}

// gateTransport answers requests with h, but only when the test releases them, so a
// test decides the order in which pages complete without any sleep. It counts the
// requests in flight and remembers the most seen at once.
type gateTransport struct {
	h       http.Handler
	arrived chan *gatedCall
	onStart func(page int) // called as a request arrives, before it waits

	mu            sync.Mutex
	inFlight, max int
	cancelled     []int // pages whose request was cancelled while held
}

func newGate(h http.Handler) *gateTransport {
	return &gateTransport{h: h, arrived: make(chan *gatedCall, 64)}
}

// RoundTrip holds the request until released or cancelled.
func (g *gateTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	page, _ := strconv.Atoi(r.URL.Query().Get("page[number]"))
	g.mu.Lock()
	g.inFlight++
	g.max = max(g.max, g.inFlight)
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		g.inFlight--
		g.mu.Unlock()
	}()
	if g.onStart != nil {
		g.onStart(page)
	}
	c := &gatedCall{page: page, release: make(chan struct{}), ctx: r.Context()}
	g.arrived <- c
	select {
	case <-c.release:
	case <-r.Context().Done():
		g.mu.Lock()
		g.cancelled = append(g.cancelled, page)
		g.mu.Unlock()
		return nil, r.Context().Err()
	}
	rec := httptest.NewRecorder()
	g.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// next waits for the next request to arrive. The timeout only turns a hang into a
// failure; no assertion depends on timing.
func (g *gateTransport) next(t *testing.T) *gatedCall {
	t.Helper()
	select {
	case c := <-g.arrived:
		return c
	case <-time.After(30 * time.Second):
		t.Fatal("no request arrived")
		return nil
	}
}

// nextPages waits for n requests and returns them by page number.
func (g *gateTransport) nextPages(t *testing.T, n int) map[int]*gatedCall {
	t.Helper()
	out := make(map[int]*gatedCall, n)
	for range n {
		c := g.next(t)
		out[c.page] = c
	}
	return out
}

func (g *gateTransport) stats() (inFlight, maxInFlight int, cancelled []int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.inFlight, g.max, slices.Clone(g.cancelled)
}

// gatedClient is a client whose requests go through g.
func gatedClient(t *testing.T, g *gateTransport, opts ...telnyx.Option) *telnyx.Client {
	t.Helper()
	c, err := telnyx.NewClient(append([]telnyx.Option{
		telnyx.WithAPIKey(testKey), telnyx.WithBaseURL("http://127.0.0.1:9/v2"),
		telnyx.WithHTTPClient(&http.Client{Transport: g}), telnyx.WithMaxRetries(0),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// loopResult is what a loop run in its own goroutine saw.
type loopResult struct {
	ids  []string
	errs []error
}

// runLoop ranges over seq in a goroutine, calling body (if any) for each item; the
// result arrives on the channel when the loop has returned.
func runLoop(seq func(func(telnyx.RoomSession, error) bool), body func(i int, id string) bool) <-chan loopResult {
	done := make(chan loopResult, 1)
	go func() {
		var r loopResult
		for s, err := range seq {
			if err != nil {
				r.errs = append(r.errs, err)
				continue
			}
			r.ids = append(r.ids, s.ID)
			if body != nil && !body(len(r.ids)-1, s.ID) {
				break
			}
		}
		done <- r
	}()
	return done
}

func wantIDs(from, to int) []string {
	var ids []string
	for i := from; i < to; i++ {
		ids = append(ids, itemID(i))
	}
	return ids
}

func TestPagesAheadYieldInOrderWhateverOrderTheyComplete(t *testing.T) {
	t.Parallel()
	const size, total = 2, 12 // six pages
	for _, n := range []int{2, 4} {
		t.Run(fmt.Sprintf("n=%d", n), func(t *testing.T) {
			t.Parallel()
			g := newGate(pagedSessions(total))
			var completed atomic.Int32 // pages yielded to the end
			var overHeld atomic.Int32
			g.onStart = func(page int) {
				// Pages requested so far (1..page) minus pages done must not exceed n.
				if page-int(completed.Load()) > n {
					overHeld.Add(1)
				}
			}
			c := gatedClient(t, g, telnyx.WithPageConcurrency(n))
			done := runLoop(c.RoomSessions.All(t.Context(), &telnyx.ListRoomSessionsParams{PageSize: size}), func(i int, _ string) bool {
				if i%size == size-1 {
					completed.Add(1)
				}
				return true
			})
			close(g.next(t).release) // page 1 tells there are six pages
			launched, released := 1, 1
			for released < 6 {
				// Once it has used what was released, the loop waits with n pages requested.
				pending := map[int]*gatedCall{}
				for ; launched < min(released+n, 6); launched++ {
					c := g.next(t)
					pending[c.page] = c
				}
				keys := slices.Sorted(maps.Keys(pending))
				slices.Reverse(keys) // complete them newest first
				for _, k := range keys {
					close(pending[k].release)
				}
				released += len(keys)
			}
			r := <-done
			if len(r.errs) != 0 || !slices.Equal(r.ids, wantIDs(0, total)) {
				t.Errorf("ids %v, errors %v; want every id in order", r.ids, r.errs)
			}
			inFlight, most, _ := g.stats()
			if inFlight != 0 || most > n || overHeld.Load() != 0 {
				t.Errorf("after the loop %d in flight; at most %d at once (limit %d); %d requests beyond n pages held", inFlight, most, n, overHeld.Load())
			}
			if most != n {
				t.Errorf("at most %d requests in flight, want n = %d", most, n)
			}
		})
	}
}

func TestPagesAheadOneAtATime(t *testing.T) {
	t.Parallel()
	g := newGate(pagedSessions(6))
	c := gatedClient(t, g, telnyx.WithPageConcurrency(1))
	done := runLoop(c.RoomSessions.All(t.Context(), &telnyx.ListRoomSessionsParams{PageSize: 2}), nil)
	for want := 1; want <= 3; want++ {
		call := g.next(t)
		if call.page != want {
			t.Fatalf("request for page %d, want %d", call.page, want)
		}
		if in, _, _ := g.stats(); in != 1 {
			t.Errorf("%d requests in flight with n = 1", in)
		}
		close(call.release)
	}
	if r := <-done; len(r.errs) != 0 || !slices.Equal(r.ids, wantIDs(0, 6)) {
		t.Errorf("ids %v, errors %v", r.ids, r.errs)
	}
}

func TestPagesAheadFirstErrorAtItsPlace(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page[number]") == "3" {
			answerJSON(http.StatusNotFound, notFoundBody)(w, r)
			return
		}
		pagedSessions(10)(w, r)
	})
	g := newGate(h)
	c := gatedClient(t, g, telnyx.WithPageConcurrency(4))
	done := runLoop(c.RoomSessions.All(t.Context(), &telnyx.ListRoomSessionsParams{PageSize: 2}), nil)
	close(g.next(t).release)
	ahead := g.nextPages(t, 4) // pages 2 to 5; page 5 is never answered
	close(ahead[4].release)    // page 4 completes first, then the failing page 3, then 2
	close(ahead[3].release)
	close(ahead[2].release)
	r := <-done
	if !slices.Equal(r.ids, wantIDs(0, 4)) || len(r.errs) != 1 || !errors.Is(r.errs[0], telnyx.ErrNotFound) {
		t.Errorf("ids %v, errors %v; want pages 1 and 2, then page 3's 404 once", r.ids, r.errs)
	}
	if in, _, cancelled := g.stats(); in != 0 || !slices.Equal(cancelled, []int{5}) {
		t.Errorf("%d requests still in flight after the loop, cancelled %v; want page 5 cancelled", in, cancelled)
	}
}

// TestPagesAheadBreakCancelsInFlight is not parallel: goleak looks at every goroutine.
func TestPagesAheadBreakCancelsInFlight(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	g := newGate(pagedSessions(20))
	c := gatedClient(t, g, telnyx.WithPageConcurrency(4))
	first := make(chan struct{})
	done := runLoop(c.RoomSessions.All(t.Context(), &telnyx.ListRoomSessionsParams{PageSize: 2}), func(int, string) bool {
		<-first // hold the loop on item 1 until pages 2 to 4 are in flight
		return false
	})
	close(g.next(t).release)
	g.nextPages(t, 3) // never released
	close(first)
	r := <-done // the loop returns although pages 2 to 4 were never answered
	if len(r.ids) != 1 || len(r.errs) != 0 {
		t.Errorf("ids %v, errors %v; want one item", r.ids, r.errs)
	}
	in, _, cancelled := g.stats()
	slices.Sort(cancelled)
	if in != 0 || !slices.Equal(cancelled, []int{2, 3, 4}) {
		t.Errorf("after break: %d in flight, cancelled %v; want none in flight, pages 2 to 4 cancelled", in, cancelled)
	}
}

// TestPagesAheadCancelMidPage is not parallel: goleak looks at every goroutine.
func TestPagesAheadCancelMidPage(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	g := newGate(pagedSessions(40))
	c := gatedClient(t, g, telnyx.WithPageConcurrency(3))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	hold := make(chan struct{})
	done := runLoop(c.RoomSessions.All(ctx, &telnyx.ListRoomSessionsParams{PageSize: 10}), func(i int, _ string) bool {
		if i == 2 {
			<-hold
			cancel() // the third item of ten: nothing more may be yielded
		}
		return true
	})
	close(g.next(t).release)
	g.nextPages(t, 2)
	close(hold)
	r := <-done
	if !slices.Equal(r.ids, wantIDs(0, 3)) || len(r.errs) != 1 || !errors.Is(r.errs[0], context.Canceled) {
		t.Errorf("ids %v, errors %v; want 3 items then one context.Canceled", r.ids, r.errs)
	}
	if in, _, cancelled := g.stats(); in != 0 || len(cancelled) != 2 {
		t.Errorf("%d in flight, cancelled %v; want the 2 pages ahead cancelled", in, cancelled)
	}
}

func TestPagesAheadRefetchWhenResultsChanged(t *testing.T) {
	t.Parallel()
	// Page 1 is served while 30 results exist, page 2 (fetched ahead) and everything after
	// once a session ended (29): the page fetched ahead is fetched again after page 1, and
	// since the session that ended may have been on page 1, moving the first item of page
	// 2 onto it, page 1 is read again too.
	var reqs atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if reqs.Add(1) == 1 {
			pagedSessions(30)(w, r)
			return
		}
		pagedSessions(29)(w, r)
	})
	g := newGate(h)
	c := gatedClient(t, g, telnyx.WithPageConcurrency(2))
	done := runLoop(c.RoomSessions.All(t.Context(), &telnyx.ListRoomSessionsParams{PageSize: 10}), nil)
	close(g.next(t).release)
	close(g.next(t).release) // page 2, ahead: 29 results, page 1 said 30
	for range 3 {            // page 2 again, page 1 again, then page 3
		close(g.next(t).release)
	}
	r := <-done
	if len(r.errs) != 0 || len(r.ids) != 29 {
		t.Errorf("%d ids, errors %v; want 29", len(r.ids), r.errs)
	}
	if n := reqs.Load(); n != 5 {
		t.Errorf("%d requests, want 5 (pages 1 and 2 fetched twice)", n)
	}
}

func TestPageConcurrencyValidation(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, -1} {
		_, err := telnyx.NewClient(telnyx.WithAPIKey(testKey), telnyx.WithPageConcurrency(n))
		if !errors.Is(err, telnyx.ErrInvalidArgument) {
			t.Errorf("WithPageConcurrency(%d): err %v, want ErrInvalidArgument", n, err)
		}
	}
}

// Live data, against the fake changing during the loop.

func TestLiveDataSessionsStartingDuringScan(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 4} {
		t.Run(fmt.Sprintf("n=%d", n), func(t *testing.T) {
			t.Parallel()
			srv := telnyxtest.NewServer()
			t.Cleanup(srv.Close)
			start := srv.Now()
			original := map[string]bool{}
			for i := range 500 {
				s := srv.AddSession(telnyxtest.Session{Active: true, CreatedAt: start.Add(-time.Duration(i+1) * time.Minute)})
				original[s.ID] = true
			}
			c := srv.Client(telnyx.WithPageConcurrency(n))
			seen := map[string]int{}
			added := 0
			for s, err := range c.RoomSessions.All(t.Context(), &telnyx.ListRoomSessionsParams{PageSize: 50}) {
				if err != nil {
					t.Fatal(err)
				}
				seen[s.ID]++
				if len(seen)%10 == 0 { // a newer session starts: every later item moves down one
					added++
					srv.AddSession(telnyxtest.Session{Active: true, CreatedAt: start.Add(time.Duration(added) * time.Second)})
				}
			}
			for id, k := range seen {
				if k > 1 {
					t.Errorf("session %s yielded %d times", id, k)
				}
			}
			for id := range original {
				if seen[id] == 0 {
					t.Errorf("session %s, there all along, was not yielded", id)
				}
			}
		})
	}
}

func TestLiveDataSessionsEndingDuringScan(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 4} {
		t.Run(fmt.Sprintf("n=%d", n), func(t *testing.T) {
			t.Parallel()
			srv := telnyxtest.NewServer()
			t.Cleanup(srv.Close)
			start := srv.Now()
			var ids []string
			for i := range 300 {
				ids = append(ids, srv.AddSession(telnyxtest.Session{Active: true, CreatedAt: start.Add(-time.Duration(i+1) * time.Minute)}).ID)
			}
			c := srv.Client(telnyx.WithPageConcurrency(n))
			seen := map[string]int{}
			ended := 0
			for s, err := range c.RoomSessions.All(t.Context(), &telnyx.ListRoomSessionsParams{PageSize: 25, Active: telnyx.Bool(true)}) {
				if err != nil {
					t.Fatalf("after %d items: %v", len(seen), err)
				}
				seen[s.ID]++
				if len(seen)%5 == 0 && ended < len(ids) { // the oldest active session ends
					ended++
					if err := c.RoomSessions.End(t.Context(), ids[len(ids)-ended]); err != nil {
						t.Fatal(err)
					}
				}
			}
			for id, k := range seen {
				if k > 1 {
					t.Errorf("session %s yielded %d times", id, k)
				}
			}
			if len(seen) == 0 || len(seen) > 300 {
				t.Errorf("%d sessions yielded", len(seen))
			}
		})
	}
}

func TestLiveDataShortAndOverlappingPages(t *testing.T) {
	t.Parallel()
	// A live API: page 1 is short (a session ended as it was read), page 2 overlaps page 1
	// by two items (two sessions started), page 3 is the last.
	pages := map[string][]int{"1": {0, 1, 2}, "2": {1, 2, 3, 4, 5}, "3": {6, 7}}
	ws := startWire(t, func(w http.ResponseWriter, r *http.Request) {
		n := r.URL.Query().Get("page[number]")
		var items []string
		for _, i := range pages[n] {
			items = append(items, sessionItem(itemID(i)))
		}
		answerJSON(http.StatusOK, fmt.Sprintf(`{"data":[%s],"meta":{"page_number":%s,"page_size":5,"total_pages":3,"total_results":13}}`,
			strings.Join(items, ","), n))(w, r)
	})
	for _, n := range []int{1, 4} {
		var got []string
		for s, err := range ws.newClient(t, telnyx.WithPageConcurrency(n)).RoomSessions.All(t.Context(), &telnyx.ListRoomSessionsParams{PageSize: 5}) {
			if err != nil {
				t.Fatalf("n=%d: %v", n, err)
			}
			got = append(got, s.ID)
		}
		if !slices.Equal(got, wantIDs(0, 8)) {
			t.Errorf("n=%d: ids %v, want 0 to 7 once each", n, got)
		}
	}
}

func TestCancelBeforeEachItem(t *testing.T) {
	t.Parallel()
	srv := telnyxtest.NewServer()
	t.Cleanup(srv.Close)
	for range 30 {
		srv.AddSession(telnyxtest.Session{Active: true})
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	items := 0
	var errs []error
	for _, err := range srv.Client().RoomSessions.All(ctx, nil) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if items++; items == 4 {
			cancel()
		}
	}
	if items != 4 || len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
		t.Errorf("%d items, errors %v; want 4 items then one context.Canceled", items, errs)
	}
}

func TestPageConcurrencyDefaultsToFour(t *testing.T) {
	t.Parallel()
	g := newGate(pagedSessions(20))
	c := gatedClient(t, g) // no WithPageConcurrency
	done := runLoop(c.RoomSessions.All(t.Context(), &telnyx.ListRoomSessionsParams{PageSize: 2}), nil)
	close(g.next(t).release)
	pending := g.nextPages(t, 4) // pages 2 to 5 requested at once
	for p := 2; p <= 5; p++ {
		if pending[p] == nil {
			t.Fatalf("requests in flight for pages %v, want 2 to 5", slices.Sorted(maps.Keys(pending)))
		}
	}
	if _, most, _ := g.stats(); most != 4 {
		t.Errorf("at most %d requests in flight, want 4", most)
	}
	launched, released := 5, 1
	for released < 10 {
		for _, call := range pending {
			close(call.release)
		}
		released += len(pending)
		pending = map[int]*gatedCall{}
		for ; launched < min(released+4, 10); launched++ {
			call := g.next(t)
			pending[call.page] = call
		}
	}
	if r := <-done; len(r.errs) != 0 || !slices.Equal(r.ids, wantIDs(0, 20)) {
		t.Errorf("ids %v, errors %v", r.ids, r.errs)
	}
}
