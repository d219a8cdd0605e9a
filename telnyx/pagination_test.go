package telnyx_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// itemID is the UUID of item i of a paged fixture.
func itemID(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }

// pagedSessions answers GET /room_sessions with total sessions, honouring page[number]
// and page[size] (default 20) like the API.
func pagedSessions(total int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		number, size := atoiOr(q.Get("page[number]"), 1), atoiOr(q.Get("page[size]"), 20)
		var items []string
		for i := (number - 1) * size; i < min(number*size, total); i++ {
			items = append(items, sessionItem(itemID(i)))
		}
		pages := (total + size - 1) / size
		answerJSON(http.StatusOK, fmt.Sprintf(`{"data":[%s],"meta":{"page_number":%d,"page_size":%d,"total_pages":%d,"total_results":%d}}`,
			strings.Join(items, ","), number, size, pages, total))(w, r)
	}
}

func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return def
}

// pageQueries lists the page[number]/page[size] of each request.
func pageQueries(ws *recordingServer) []string {
	var out []string
	for _, r := range ws.requests() {
		out = append(out, r.RawQuery)
	}
	return out
}

func TestAllFetchesEveryPageInOrder(t *testing.T) {
	t.Parallel()
	ws := startWire(t, pagedSessions(7))
	params := &telnyx.ListRoomSessionsParams{PageSize: 3, Active: telnyx.Bool(true)}
	saved := *params
	var ids []string
	for s, err := range ws.newClient(t).RoomSessions.All(t.Context(), params) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, s.ID)
	}
	if len(ids) != 7 || ids[0] != itemID(0) || ids[6] != itemID(6) {
		t.Errorf("ids = %v", ids)
	}
	want := []string{
		"filter[active]=true&page[number]=1&page[size]=3",
		"filter[active]=true&page[number]=2&page[size]=3",
		"filter[active]=true&page[number]=3&page[size]=3",
	}
	got := pageQueries(ws) // pages 2 and 3 are fetched at once, so they arrive in any order
	slices.Sort(got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("requests:\n got %q\nwant %q", got, want)
	}
	if !reflect.DeepEqual(*params, saved) {
		t.Errorf("params mutated: %+v, was %+v", *params, saved)
	}
}

// All copies what p points to when it is called: a filter changed afterwards (here
// Active, a pointer) does not reach the requests of the pages, nor race with them.
func TestAllCopiesTheFiltersWhenCalled(t *testing.T) {
	t.Parallel()
	ws := startWire(t, pagedSessions(4))
	active := true
	seq := ws.newClient(t).RoomSessions.All(t.Context(), &telnyx.ListRoomSessionsParams{PageSize: 2, Active: &active})
	active = false
	if _, err := telnyx.Collect(seq); err != nil {
		t.Fatal(err)
	}
	for _, q := range pageQueries(ws) {
		if !strings.HasPrefix(q, "filter[active]=true&") {
			t.Errorf("request %q: want filter[active]=true, the value when All was called", q)
		}
	}
}

func TestAllStartsAtPageNumberWithDefaultSize250(t *testing.T) {
	t.Parallel()
	ws := startWire(t, pagedSessions(2*telnyx.PageSizeMax+100))
	n := 0
	for _, err := range ws.newClient(t).RoomSessions.All(t.Context(), &telnyx.ListRoomSessionsParams{PageNumber: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != telnyx.PageSizeMax+100 {
		t.Errorf("got %d items from page 2 on, want %d", n, telnyx.PageSizeMax+100)
	}
	size := strconv.Itoa(telnyx.PageSizeMax) // iterators ask for the spec's maximum
	want := []string{"page[number]=2&page[size]=" + size, "page[number]=3&page[size]=" + size}
	if got := pageQueries(ws); !reflect.DeepEqual(got, want) { // page 3 waits for page 2's meta
		t.Errorf("requests %q, want %q", got, want)
	}
	// A nil params pointer starts at page 1 with 250.
	ws2 := startWire(t, pagedSessions(1))
	for _, err := range ws2.newClient(t).RoomSessions.All(t.Context(), nil) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := pageQueries(ws2); !reflect.DeepEqual(got, []string{"page[number]=1&page[size]=" + size}) {
		t.Errorf("nil params: requests %q", got)
	}
}

func TestBreakStopsFetching(t *testing.T) {
	t.Parallel()
	ws := startWire(t, pagedSessions(10))
	// One page at a time: with pages fetched ahead, how many requests reach the server
	// before the break cancels them depends on timing (pages_ahead_test.go covers that).
	for range ws.newClient(t, telnyx.WithPageConcurrency(1)).RoomSessions.All(t.Context(), &telnyx.ListRoomSessionsParams{PageSize: 2}) {
		break
	}
	if n := len(ws.requests()); n != 1 {
		t.Errorf("%d requests after break on the first item, want 1", n)
	}
}

func TestCancelBetweenPagesStops(t *testing.T) {
	t.Parallel()
	ws := startWire(t, pagedSessions(10))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var errs []error
	n := 0
	// One page at a time, as in TestBreakStopsFetching.
	for _, err := range ws.newClient(t, telnyx.WithPageConcurrency(1)).RoomSessions.All(ctx, &telnyx.ListRoomSessionsParams{PageSize: 2}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n++
		if n == 2 { // last item of page 1
			cancel()
		}
	}
	if n != 2 || len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
		t.Errorf("items %d, errors %v; want 2 items then one context.Canceled", n, errs)
	}
	if got := len(ws.requests()); got != 1 {
		t.Errorf("%d requests, want 1", got)
	}
}

// maxSize is the page size iterators ask for when none is given: the spec's maximum.
var maxSize = strconv.Itoa(telnyx.PageSizeMax)

func TestIteratorEndings(t *testing.T) {
	t.Parallel()
	one := partItem(itemID(1))
	cases := []struct {
		name      string
		size      int // the page size asked for; 0: the iterators' default
		answer    func(number int) string
		wantItems int
		wantReqs  int
		wantErr   string // "" = ends cleanly
	}{
		{
			name: "an empty first page of nothing ends it",
			answer: func(int) string {
				return `{"data":[],"meta":{"page_number":1,"page_size":` + maxSize + `,"total_pages":0,"total_results":0}}`
			},
			wantItems: 0, wantReqs: 1,
		},
		{
			name: "an empty page its meta places before the end ends with an error",
			size: 1,
			answer: func(n int) string {
				if n == 2 {
					return `{"data":[],"meta":{"page_number":2,"page_size":1,"total_pages":3,"total_results":3}}`
				}
				return fmt.Sprintf(`{"data":[%s],"meta":{"page_number":%d,"page_size":1,"total_pages":3,"total_results":3}}`, partItem(itemID(n)), n)
			},
			wantItems: 1, wantReqs: 2, wantErr: "page 2 is empty, yet its meta says it is page 2 of 3",
		},
		{
			name:      "missing meta ends with an error",
			answer:    func(int) string { return `{"data":[` + one + `,` + one + `]}` },
			wantItems: 0, wantReqs: 1, wantErr: `required property "meta" of RoomParticipantList is missing`,
		},
		{
			name: "totals that contradict each other end with an error",
			answer: func(int) string {
				return `{"data":[` + one + `],"meta":{"page_number":1,"page_size":` + maxSize + `,"total_pages":5,"total_results":9}}`
			},
			wantItems: 0, wantReqs: 1, wantErr: "total_pages 5 of " + maxSize + " is more than total_results 9 fill",
		},
		{
			name: "total_pages too few for total_results ends with an error",
			size: 1,
			answer: func(int) string {
				return `{"data":[` + one + `],"meta":{"page_number":1,"page_size":1,"total_pages":1,"total_results":9}}`
			},
			wantItems: 0, wantReqs: 1, wantErr: "total_pages 1 of 1 cannot hold total_results 9",
		},
		{
			name: "a page of another size than asked for ends with an error",
			size: 1,
			answer: func(n int) string {
				if n == 2 {
					return `{"data":[` + one + `],"meta":{"page_number":2,"page_size":2,"total_pages":5,"total_results":9}}`
				}
				return fmt.Sprintf(`{"data":[%s],"meta":{"page_number":%d,"page_size":1,"total_pages":9,"total_results":9}}`, partItem(itemID(n)), n)
			},
			wantItems: 1, wantReqs: 2, wantErr: "asked for pages of 1, got page_size 2",
		},
		{
			name: "repeated page ends with an error",
			size: 1,
			answer: func(int) string {
				return `{"data":[` + one + `],"meta":{"page_number":1,"page_size":1,"total_pages":3,"total_results":3}}`
			},
			wantItems: 1, wantReqs: 2, wantErr: "asked for page 2, got page 1",
		},
		{
			name: "a billion full pages of the same items end with an error after three",
			size: 1,
			answer: func(n int) string {
				return fmt.Sprintf(`{"data":[%s],"meta":{"page_number":%d,"page_size":1,"total_pages":1000000000,"total_results":1000000000}}`, one, n)
			},
			wantItems: 1, wantReqs: 4, wantErr: "3 pages in a row (up to page 4) brought nothing new",
		},
		{
			name: "negative numbers end with an error",
			answer: func(n int) string {
				return fmt.Sprintf(`{"data":[%s],"meta":{"page_number":%d,"page_size":-1,"total_pages":-3,"total_results":3}}`, one, n)
			},
			wantItems: 0, wantReqs: 1, wantErr: "negative",
		},
		{
			name: "a short page before the last is accepted",
			answer: func(n int) string {
				return fmt.Sprintf(`{"data":[%s],"meta":{"page_number":%d,"page_size":%d,"total_pages":3,"total_results":%d}}`, partItem(itemID(n)), n, telnyx.PageSizeMax, 3*telnyx.PageSizeMax)
			},
			wantItems: 3, wantReqs: 3,
		},
		{
			name: "a billion short pages of the same item end with an error after three",
			answer: func(n int) string {
				return fmt.Sprintf(`{"data":[%s],"meta":{"page_number":%d,"page_size":%d,"total_pages":1000000000,"total_results":%d}}`, one, n, telnyx.PageSizeMax, 1000000000*telnyx.PageSizeMax)
			},
			wantItems: 1, wantReqs: 4, wantErr: "brought nothing new",
		},
		{
			name: "more items than the page size ends with an error",
			size: 1,
			answer: func(n int) string {
				return fmt.Sprintf(`{"data":[%s,%s],"meta":{"page_number":%d,"page_size":1,"total_pages":1,"total_results":2}}`, one, one, n)
			},
			wantItems: 0, wantReqs: 1, wantErr: "more than 1 items",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ws := startWire(t, func(w http.ResponseWriter, r *http.Request) {
				answerJSON(http.StatusOK, tc.answer(atoiOr(r.URL.Query().Get("page[number]"), 1)))(w, r)
			})
			items, errs := 0, 0
			c := ws.newClient(t, telnyx.WithPageConcurrency(1)) // one page at a time: exact request counts
			for _, err := range c.RoomSessions.AllParticipants(t.Context(), sessionID, &telnyx.ListParticipantsParams{PageSize: tc.size}) {
				if err != nil {
					errs++
					if tc.wantErr == "" || !strings.Contains(err.Error(), tc.wantErr) || !errors.Is(err, telnyx.ErrMalformedResponse) {
						t.Errorf("error %v, want one containing %q", err, tc.wantErr)
					}
					continue
				}
				items++
			}
			if items != tc.wantItems {
				t.Errorf("%d items, want %d", items, tc.wantItems)
			}
			if wantErrs := map[bool]int{true: 0, false: 1}[tc.wantErr == ""]; errs != wantErrs {
				t.Errorf("%d errors, want %d", errs, wantErrs)
			}
			if n := len(ws.requests()); n != tc.wantReqs {
				t.Errorf("%d requests, want %d", n, tc.wantReqs)
			}
		})
	}
}

func TestIteratorYieldsAPIErrorOnce(t *testing.T) {
	t.Parallel()
	ws := startWire(t, answerJSON(http.StatusNotFound, `{"errors":[{"code":"10005","title":"Resource not found"}]}`))
	var errs []error
	for _, err := range ws.newClient(t).RoomSessions.AllParticipants(t.Context(), sessionID, nil) {
		errs = append(errs, err)
	}
	if len(errs) != 1 || !errors.Is(errs[0], telnyx.ErrNotFound) {
		t.Errorf("errors %v, want one ErrNotFound", errs)
	}
}

func TestIteratorCanBeReused(t *testing.T) {
	t.Parallel()
	ws := startWire(t, pagedSessions(5))
	seq := ws.newClient(t).RoomSessions.All(t.Context(), &telnyx.ListRoomSessionsParams{PageSize: 2})
	for round := range 2 {
		n := 0
		for _, err := range seq {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		if n != 5 {
			t.Errorf("round %d: %d items, want 5", round, n)
		}
	}
}

func TestServerCyclingBetweenTwoPagesIsCaught(t *testing.T) {
	t.Parallel()
	ws := startWire(t, func(w http.ResponseWriter, r *http.Request) {
		n := atoiOr(r.URL.Query().Get("page[number]"), 1)
		first := 2 * (n % 2) // pages alternate between items 0,1 and 2,3
		answerJSON(http.StatusOK, fmt.Sprintf(`{"data":[%s,%s],"meta":{"page_number":%d,"page_size":2,"total_pages":1000000000,"total_results":2000000000}}`,
			sessionItem(itemID(first)), sessionItem(itemID(first+1)), n))(w, r)
	})
	items := 0
	var last error
	c := ws.newClient(t, telnyx.WithPageConcurrency(1))
	for _, err := range c.RoomSessions.All(t.Context(), &telnyx.ListRoomSessionsParams{PageSize: 2}) {
		if err != nil {
			last = err
			continue
		}
		if items++; items > 10 {
			t.Fatal("the iterator goes on cycling between two pages")
		}
	}
	if !errors.Is(last, telnyx.ErrMalformedResponse) || items != 4 || len(ws.requests()) != 5 {
		t.Errorf("items %d, requests %d, err %v; want 4 items, then pages 3 to 5 bringing nothing new", items, len(ws.requests()), last)
	}
}

// TestIteratorReleasesPages is not parallel: it reads the heap. Each page holds one
// participant with a 4 MiB context. The server measures the heap as each next page is
// requested: by then the iterator (one page at a time) must have let go of the page
// before it. TestPagesAheadHoldAtMostN bounds the pages held with pages fetched ahead.
func TestIteratorReleasesPages(t *testing.T) {
	const pageMiB, pages = 4, 8
	big := strings.Repeat("x", pageMiB<<20)
	var mu sync.Mutex
	var worst uint64 // the most heap seen while a next page was being fetched
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	ws := startWire(t, func(w http.ResponseWriter, r *http.Request) {
		n := atoiOr(r.URL.Query().Get("page[number]"), 1)
		if n > 1 {
			h := heap()
			mu.Lock()
			worst = max(worst, h)
			mu.Unlock()
		}
		answerJSON(http.StatusOK, fmt.Sprintf(`{"data":[%s],"meta":{"page_number":%d,"page_size":1,"total_pages":%d,"total_results":%d}}`,
			partItem(itemID(n), `"context":"`+big+`"`), n, pages, pages))(w, r)
	})
	base := heap()
	seen := 0
	c := ws.newClient(t, telnyx.WithPageConcurrency(1))
	for p, err := range c.RoomSessions.AllParticipants(t.Context(), sessionID, &telnyx.ListParticipantsParams{PageSize: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Context) != pageMiB<<20 {
			t.Fatalf("context of %d bytes", len(p.Context))
		}
		seen++
	}
	mu.Lock()
	over := int64(worst) - int64(base)
	mu.Unlock()
	t.Logf("%d pages; while fetching a page the heap was at most %d KiB over the baseline", seen, over>>10)
	// A page kept while the next one loads would be 4 MiB.
	if seen != pages || over > (pageMiB/2)<<20 {
		t.Errorf("saw %d pages; heap %d KiB over the baseline while fetching: a page is kept", seen, over>>10)
	}
}
