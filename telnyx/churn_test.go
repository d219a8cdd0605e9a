package telnyx_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// churnWorld is a fake whose sessions end and start at chosen points of a loop over
// the active ones: after the list requests that a scenario picks (srv.OnRequest).
type churnWorld struct {
	t    *testing.T
	srv  *telnyxtest.Server
	base time.Time

	mu       sync.Mutex
	rng      *rand.Rand
	ended    map[string]bool // sessions ended during the loop
	started  int             // sessions started during the loop
	lists    int             // list requests served
	served   map[int]int     // list requests served, by page number
	changes  int             // sessions ended or started
	events   int             // list requests after which sessions ended or started
	lastPage int             // the number of the last page, as the loop began
}

// newChurnWorld seeds n active sessions, one a minute, newest first.
func newChurnWorld(t *testing.T, n, seed int) *churnWorld {
	t.Helper()
	srv := telnyxtest.NewServer(telnyxtest.WithoutRequestLog())
	t.Cleanup(srv.Close)
	w := &churnWorld{t: t, srv: srv, base: srv.Now(), rng: rand.New(rand.NewPCG(uint64(seed), 15)), ended: map[string]bool{}, served: map[int]int{}}
	for i := range n {
		srv.AddSession(telnyxtest.Session{Active: true, CreatedAt: w.base.Add(-time.Duration(i+1) * time.Minute)})
	}
	return w
}

// activeIDs lists the active sessions in the list's order; the caller holds mu or runs
// in the hook.
func (w *churnWorld) activeIDs() []string {
	var ids []string
	for _, s := range w.srv.Sessions() {
		if s.Active {
			ids = append(ids, s.ID)
		}
	}
	return ids
}

// end ends k sessions chosen at random among the active ones at positions [from, to)
// of the list (to < 0: to the end).
func (w *churnWorld) end(k, from, to int) {
	ids := w.activeIDs()
	if to < 0 || to > len(ids) {
		to = len(ids)
	}
	if from >= to {
		return
	}
	pool := ids[from:to]
	for _, i := range w.rng.Perm(len(pool))[:min(k, len(pool))] {
		if _, err := w.srv.EndSession(pool[i]); err != nil {
			w.t.Error(err)
		}
		w.ended[pool[i]] = true
		w.changes++
	}
}

// start starts k sessions, newer than every other: they come first in the list.
func (w *churnWorld) start(k int) {
	for range k {
		w.started++
		w.changes++
		w.srv.AddSession(telnyxtest.Session{Active: true, CreatedAt: w.base.Add(time.Duration(w.started) * time.Second)})
	}
}

// churnScenario says what changes after a list request for page (the how-many-th
// request for that page it was: 1 the first time). "After every page" is after the
// first request for each page number: pages read again change nothing more.
type churnScenario struct {
	name   string
	change func(w *churnWorld, size, page, nth int)
}

var churnScenarios = []churnScenario{
	{"nothing changes", func(*churnWorld, int, int, int) {}},
	{"30 end anywhere after page 2", func(w *churnWorld, _, page, nth int) {
		if page == 2 && nth == 1 {
			w.end(30, 0, -1)
		}
	}},
	{"5 end anywhere after every page", func(w *churnWorld, _, _, nth int) {
		if nth == 1 {
			w.end(5, 0, -1)
		}
	}},
	{"5 start after every page", func(w *churnWorld, _, _, nth int) {
		if nth == 1 {
			w.start(5)
		}
	}},
	{"5 end and 5 start after every page", func(w *churnWorld, _, _, nth int) {
		if nth == 1 {
			w.end(5, 0, -1)
			w.start(5)
		}
	}},
	{"10 of the items already read end after page 1", func(w *churnWorld, size, page, nth int) {
		if page == 1 && nth == 1 {
			w.end(10, 0, size)
		}
	}},
	{"more than a page of the items already read end after page 2", func(w *churnWorld, size, page, nth int) {
		if page == 2 && nth == 1 {
			w.end(size+7, 0, 2*size)
		}
	}},
	{"3 of the items read end, 3 start after every page", func(w *churnWorld, size, page, nth int) {
		if nth == 1 {
			w.end(3, 0, page*size)
			w.start(3)
		}
	}},
	{"5 end anywhere after the last page", func(w *churnWorld, _, page, nth int) {
		if page == w.lastPage && nth == 1 {
			w.end(5, 0, -1)
		}
	}},
}

// TestChurn is the guarantee of "Live data" (API.md): a session active from the start
// of a loop over the active sessions to its end is yielded exactly once, whatever
// others end or start during the loop, at page sizes 20 and 250, one page at a time or
// four at once. The sessions change right after the chosen list requests are answered.
func TestChurn(t *testing.T) {
	t.Parallel()
	for _, sc := range churnScenarios {
		for _, size := range []int{20, 250} {
			for _, conc := range []int{1, 4} {
				t.Run(fmt.Sprintf("%s/size=%d/pages=%d", sc.name, size, conc), func(t *testing.T) {
					t.Parallel()
					runChurn(t, sc, size, conc, 1)
				})
			}
		}
	}
}

// churnResult is what one loop under churn did.
type churnResult struct {
	lists   int // list requests
	pages   int // distinct page numbers requested
	changes int // sessions ended or started
	events  int // list requests after which some did
}

// runChurn runs a loop over the active sessions of a fake of 4.5 pages under sc and
// checks the guarantee.
func runChurn(t *testing.T, sc churnScenario, size, conc, seed int) churnResult {
	t.Helper()
	n := 4*size + size/2
	w := newChurnWorld(t, n, seed)
	w.lastPage = (n + size - 1) / size
	before := map[string]bool{}
	for _, id := range w.activeIDs() {
		before[id] = true
	}
	w.srv.OnRequest(func(r telnyxtest.Request) {
		if r.Method != http.MethodGet || r.Path != "/v2/room_sessions" {
			return
		}
		q, _ := url.ParseQuery(r.Query)
		page, _ := strconv.Atoi(q.Get("page[number]"))
		w.mu.Lock()
		defer w.mu.Unlock()
		w.lists++
		w.served[page]++
		before := w.changes
		sc.change(w, size, page, w.served[page])
		if w.changes > before {
			w.events++
		}
	})
	client := w.srv.Client(telnyx.WithPageConcurrency(conc))
	seen := map[string]int{}
	for s, err := range client.RoomSessions.All(t.Context(), &telnyx.ListRoomSessionsParams{Active: telnyx.Bool(true), PageSize: size}) {
		if err != nil {
			t.Fatalf("after %d sessions: %v", len(seen), err)
		}
		seen[s.ID]++
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	missing, twice := 0, 0
	for id := range before {
		if !w.ended[id] && seen[id] != 1 {
			missing++
		}
	}
	for id, k := range seen {
		if k > 1 {
			twice++
			t.Errorf("session %s yielded %d times", id, k)
		}
	}
	if missing > 0 {
		t.Errorf("%d of the %d sessions active throughout the loop were not yielded exactly once (%d ended, %d started, %d list requests)",
			missing, len(before)-len(w.ended), len(w.ended), w.started, w.lists)
	}
	pages := (n + size - 1) / size
	if w.changes == 0 && w.lists != pages {
		t.Errorf("nothing changed, yet %d list requests for %d pages", w.lists, pages)
	}
	return churnResult{lists: w.lists, pages: len(w.served), changes: w.changes, events: w.events}
}

// TestChurnCost measures what the guarantee costs: list requests beyond one per page
// number requested (pages read again), per change (a batch of sessions ending or starting between two
// requests), over several runs; none when nothing changes. go test -run TestChurnCost
// -v prints the figures the README quotes.
func TestChurnCost(t *testing.T) {
	t.Parallel()
	const runs = 5
	for _, name := range []string{"nothing changes", "30 end anywhere after page 2", "5 end anywhere after every page",
		"5 start after every page", "5 end and 5 start after every page"} {
		var sc churnScenario
		for _, c := range churnScenarios {
			if c.name == name {
				sc = c
			}
		}
		for _, size := range []int{20, 250} {
			for _, conc := range []int{1, 4} {
				extra, events, lo, hi := 0, 0, -1, 0
				for seed := range runs {
					r := runChurn(t, sc, size, conc, seed+1)
					e := r.lists - r.pages
					extra += e
					events += r.events
					if lo < 0 || e < lo {
						lo = e
					}
					hi = max(hi, e)
					if r.changes == 0 && e != 0 {
						t.Errorf("%s, size %d, %d at once: %d extra requests with nothing changing", name, size, conc, e)
					}
				}
				per := "-"
				if events > 0 {
					per = fmt.Sprintf("%.2f", float64(extra)/float64(events))
				}
				t.Logf("%-36s size %3d, %d at once: 5 pages at the start; pages read again %d..%d per loop, %s per change", name, size, conc, lo, hi, per)
			}
		}
	}
}
