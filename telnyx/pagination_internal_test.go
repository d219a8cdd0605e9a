package telnyx

import (
	"context"
	"reflect"
	"slices"
	"sync"
	"testing"
)

func TestFreshDropsWhatRecentPagesYielded(t *testing.T) {
	t.Parallel()
	recent := recentIDs{keep: 2}
	recent.add([]string{"a", "b"})
	id := func(s string) string { return s }
	for _, tc := range []struct {
		items, want, ids []string
	}{
		{items: []string{"c", "d"}, want: []string{"c", "d"}, ids: []string{"c", "d"}},
		{items: []string{"b", "c"}, want: []string{"c"}, ids: []string{"c"}},
		{items: []string{"c", "a", "d", "b"}, want: []string{"c", "d"}, ids: []string{"c", "d"}},
		{items: []string{"a", "b"}, want: []string{}, ids: []string{}},
		{items: nil, want: nil, ids: []string{}},
	} {
		got, ids := fresh(tc.items, &recent, id)
		if len(got) != len(tc.want) || len(got) > 0 && !reflect.DeepEqual(got, tc.want) || !reflect.DeepEqual(ids, tc.ids) {
			t.Errorf("fresh(%q) = %q, %q; want %q, %q", tc.items, got, ids, tc.want, tc.ids)
		}
	}
	recent.add([]string{"c"})
	recent.add([]string{"d"}) // "a" and "b" are forgotten beyond two pages
	if recent.has("a") || !recent.has("c") || !recent.has("d") {
		t.Errorf("recent after two more pages: %v", recent.count)
	}
}

// TestAheadSourceReadsAnyPageNext checks that the loop can ask the source for any page
// next (to read again from further back): the pages fetched ahead are cancelled and
// the page asked for is fetched.
func TestAheadSourceReadsAnyPageNext(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var asked []int
	var cancelled []int
	fetch := func(ctx context.Context, number int) fetched[int] {
		mu.Lock()
		asked = append(asked, number)
		mu.Unlock()
		if number > 1 && number != 3 { // pages fetched ahead wait to be cancelled
			<-ctx.Done()
			mu.Lock()
			cancelled = append(cancelled, number)
			mu.Unlock()
			return fetched[int]{err: ctx.Err()}
		}
		return fetched[int]{page: &Page[int]{Items: []int{number}, PageNumber: number, TotalPages: 9, TotalResults: 9}, hasMeta: true}
	}
	a := newAhead(t.Context(), fetch, 3)
	defer a.close()
	if r := a.page(t.Context(), 1); r.err != nil || r.page.Items[0] != 1 {
		t.Fatalf("page 1: %+v", r)
	}
	// Pages 2 and 3 are in flight; the loop asks for page 1 again.
	if r := a.page(t.Context(), 1); r.err != nil || r.page.Items[0] != 1 {
		t.Fatalf("page 1 again: %+v", r)
	}
	mu.Lock()
	defer mu.Unlock()
	ones := 0
	for _, n := range asked {
		if n == 1 {
			ones++
		}
	}
	if !slices.Contains(cancelled, 2) || ones != 2 {
		t.Errorf("asked %v, cancelled %v; want page 2 cancelled and page 1 fetched twice", asked, cancelled)
	}
}
