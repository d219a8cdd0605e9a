package telnyx_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// offsetList serves a list by offset from items, which change right after page 1 is
// served: change runs once, under the lock.
type offsetList struct {
	mu     sync.Mutex
	items  []string
	change func(items []string) []string
	done   bool
}

func (o *offsetList) serve(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	defer o.mu.Unlock()
	number, size := atoiOr(r.URL.Query().Get("page[number]"), 1), atoiOr(r.URL.Query().Get("page[size]"), 20)
	var page []string
	for i := (number - 1) * size; i < min(number*size, len(o.items)); i++ {
		page = append(page, sessionItem(o.items[i]))
	}
	answerJSON(http.StatusOK, `{"data":[`+strings.Join(page, ",")+`],`+metaJSONFor(number, size, len(o.items))+`}`)(w, r)
	if number == 1 && !o.done {
		o.done = true
		o.items = o.change(o.items)
	}
}

// TestWhatOffsetPagingCannotSee pins the limit the README and doc.go describe, and the
// cheap check that catches part of it. After page 1 (items 0-4 of 10), item 1 stops
// matching and items start matching after the offset, at the end of the list: item 5
// moves onto page 1, already read.
func TestWhatOffsetPagingCannotSee(t *testing.T) {
	t.Parallel()
	ids := func(from, to int) []string {
		var out []string
		for i := from; i < to; i++ {
			out = append(out, itemID(i))
		}
		return out
	}
	run := func(t *testing.T, started int) []string {
		o := &offsetList{items: ids(0, 10), change: func(items []string) []string {
			items = slices.Delete(slices.Clone(items), 1, 2)
			return append(items, ids(100, 100+started)...)
		}}
		ws := startWire(t, o.serve)
		var got []string
		for s, err := range ws.newClient(t, telnyx.WithPageConcurrency(1)).RoomSessions.All(t.Context(), &telnyx.ListRoomSessionsParams{PageSize: 5}) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, s.ID)
		}
		return got
	}
	t.Run("two start as one ends: the cheap check reads page 1 again", func(t *testing.T) {
		t.Parallel()
		got := run(t, 2)
		for _, id := range slices.Delete(ids(0, 10), 1, 2) {
			if !slices.Contains(got, id) {
				t.Errorf("item %s, there throughout, was not yielded: %v", id, got)
			}
		}
	})
	t.Run("one starts as one ends: the total does not move, item 5 is missed", func(t *testing.T) {
		t.Parallel()
		got := run(t, 1)
		if slices.Contains(got, itemID(5)) {
			t.Errorf("item 5 was yielded: offset paging saw what the docs say it cannot; update them (%v)", got)
		}
		if n := len(got); n != 10 {
			t.Errorf("%d items yielded, want the 10 others once each: %v", n, fmt.Sprint(got))
		}
	})
}
