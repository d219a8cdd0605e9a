package telnyx

import (
	"context"
	"reflect"
	"slices"
	"sync"
	"testing"
)

func TestFreshDropsWhatWasYielded(t *testing.T) {
	t.Parallel()
	seen := seenIDs{}
	seen.grow(10)
	seen.add("a")
	seen.add("b")
	id := func(s string) string { return s }
	for _, tc := range []struct {
		items, want []string
	}{
		{items: []string{"c", "d"}, want: []string{"c", "d"}},
		{items: []string{"b", "c", "e"}, want: []string{"e"}},
		{items: []string{"f", "a", "g", "b", "f"}, want: []string{"f", "g"}},
		{items: []string{"a", "b"}, want: []string{}},
		{items: nil, want: nil},
	} {
		got := fresh(tc.items, &seen, id)
		if len(got) != len(tc.want) || len(got) > 0 && !reflect.DeepEqual(got, tc.want) {
			t.Errorf("fresh(%q) = %q; want %q", tc.items, got, tc.want)
		}
	}
	// The oldest ids beyond the limit are forgotten; growing keeps what is there.
	small := seenIDs{}
	small.grow(3)
	for _, id := range []string{"u", "v", "w", "x"} {
		small.add(id)
	}
	if small.has("u") || !small.has("v") || !small.has("x") {
		t.Errorf("a limit of 3 after 4 ids: %v", small.count)
	}
	small.grow(5)
	small.add("y")
	small.add("z")
	if small.has("u") || !small.has("v") || !small.has("w") || !small.has("z") {
		t.Errorf("grown to 5 after 2 more ids: %v", small.count)
	}
	small.add("t")
	if small.has("v") || !small.has("w") || !small.has("t") {
		t.Errorf("then one more: %v", small.count)
	}
}

// TestAheadSourceReadsAnyPageNext checks that the loop can ask the source for any page
// next (to read again from further back): the pages fetched ahead that it no longer
// plans to read are cancelled, the page asked for is fetched, and a later page fetched
// ahead is kept.
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
		return fetched[int]{page: &Page[int]{Items: []int{number}, PageNumber: number, TotalPages: 9, TotalResults: 9}}
	}
	a := newAhead(t.Context(), fetch, 3)
	defer a.close()
	if r := a.page(t.Context(), 1); r.err != nil || r.page.Items[0] != 1 {
		t.Fatalf("page 1: %+v", r)
	}
	a.plan([]int{2, 3}, false)
	// Pages 2 and 3 are in flight; the loop asks for page 1 again, then 3.
	a.plan([]int{1, 3}, false)
	if r := a.page(t.Context(), 1); r.err != nil || r.page.Items[0] != 1 {
		t.Fatalf("page 1 again: %+v", r)
	}
	a.plan([]int{3}, false)
	if r := a.page(t.Context(), 3); r.err != nil || r.page.Items[0] != 3 {
		t.Fatalf("page 3: %+v", r)
	}
	a.close() // every request has ended
	mu.Lock()
	defer mu.Unlock()
	count := map[int]int{}
	for _, n := range asked {
		count[n]++
	}
	if !slices.Contains(cancelled, 2) || count[1] != 2 || count[3] != 1 {
		t.Errorf("asked %v, cancelled %v; want page 2 cancelled, page 1 fetched twice, page 3 once (kept)", asked, cancelled)
	}
}
