package telnyx

import (
	"context"
	"fmt"
	"iter"
	"sync"
)

// Page is one page of a list answer.
type Page[T any] struct {
	Items        []T
	PageNumber   int // 1-based number of this page
	PageSize     int
	TotalPages   int
	TotalResults int
}

// HasNext reports whether a page follows this one.
func (p *Page[T]) HasNext() bool {
	return p != nil && len(p.Items) > 0 && p.PageNumber < p.TotalPages
}

// check rejects a page that cannot be the answer to a request for page number: the
// wrong number (a server repeating a page cannot make an iterator loop), negative
// counts, or more items than its size. A short page before the last one is accepted:
// a live API serves one when sessions end during the loop.
func (p *Page[T]) check(where string, number int) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("telnyx: %s: %w: %s", where, ErrMalformedResponse, fmt.Sprintf(format, args...))
	}
	switch {
	case p.PageNumber != number:
		return bad("asked for page %d, got page %d", number, p.PageNumber)
	case p.PageSize < 0 || p.TotalPages < 0 || p.TotalResults < 0:
		return bad("negative pagination meta %+v", pageMeta{p.PageNumber, p.PageSize, p.TotalPages, p.TotalResults})
	case p.PageSize > 0 && len(p.Items) > p.PageSize:
		return bad("page %d holds %d items, more than its size %d", number, len(p.Items), p.PageSize)
	}
	return nil
}

// defaultIterPageSize is the page size iterators ask for: the maximum, to save round trips.
const defaultIterPageSize = maxPageSize

// defaultPageConcurrency is how many pages an iterator fetches at once by default.
const defaultPageConcurrency = 4

// maxStalledPages is how many pages in a row may bring nothing new before an iterator
// gives up on a server that makes no progress.
const maxStalledPages = 3

// recentIDs remembers the ids of the last few pages yielded, to drop an item a live API
// serves again after the pages shifted. It holds ids, not items, so each page is
// released once the loop has moved past it, and its size is bounded by the pages it
// keeps, not by the length of the loop.
type recentIDs struct {
	pages [][]string     // ids of the last pages, oldest first
	count map[string]int // how many of those pages hold each id
	keep  int            // how many pages to remember
}

// has reports whether id was on one of the remembered pages.
func (r *recentIDs) has(id string) bool { return r.count[id] > 0 }

// add remembers the ids of a page, forgetting the oldest page beyond keep. A page
// with nothing new is not a page to remember.
func (r *recentIDs) add(ids []string) {
	if len(ids) == 0 {
		return
	}
	if r.count == nil {
		r.count = make(map[string]int, len(ids)*r.keep)
	}
	for _, id := range ids {
		r.count[id]++
	}
	r.pages = append(r.pages, ids)
	if len(r.pages) > r.keep {
		for _, id := range r.pages[0] {
			if r.count[id]--; r.count[id] <= 0 {
				delete(r.count, id)
			}
		}
		r.pages[0] = nil
		r.pages = r.pages[1:]
	}
}

// fetchResult is the answer to one page request.
type fetchResult[T any] struct {
	page    *Page[T]
	hasMeta bool
	err     error
}

// pageFetcher fetches one page with the given context; hasMeta reports whether the
// answer carried meta.
type pageFetcher[T any] func(ctx context.Context, number int) (page *Page[T], hasMeta bool, err error)

// paginate yields every item of every page from page first. Once a page has told how
// many pages there are, up to concurrency pages are requested at once and yielded
// strictly in order; the page being yielded counts among them, so at most concurrency
// pages are held. It checks ctx before every item, yields an error once and stops, and
// when the caller breaks out, cancels the requests in flight and waits for them: no
// goroutine outlives the loop. id identifies an item, to drop one served again on a
// later page. where names the operation, and the path requested, in its errors.
func paginate[T any](ctx context.Context, where string, first, concurrency int, id func(T) string, fetch pageFetcher[T]) iter.Seq2[T, error] {
	concurrency = max(concurrency, 1)
	return func(yield func(T, error) bool) {
		var zero T
		lctx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		defer func() {
			cancel()
			wg.Wait()
		}()
		ctxErr := func() bool {
			if err := ctx.Err(); err != nil {
				yield(zero, fmt.Errorf("telnyx: %s: %w", where, err))
				return true
			}
			return false
		}
		// ahead holds the requests made for the pages after number, in order.
		var ahead []chan fetchResult[T]
		next := max(first, 1) + 1 // the first page number not yet requested
		launch := func(number int) {
			ch := make(chan fetchResult[T], 1)
			wg.Add(1)
			go func() {
				defer wg.Done()
				p, hasMeta, err := fetch(lctx, number)
				ch <- fetchResult[T]{p, hasMeta, err}
			}()
			ahead = append(ahead, ch)
		}
		recent := recentIDs{keep: concurrency + 2}
		stalled := 0
		prevTotal := -1 // total_results of the previous page
		known := 0      // total_pages as the last page told it
		for number := max(first, 1); ; number++ {
			if ctxErr() {
				return
			}
			// The page before is done with: fetch ahead up to concurrency pages.
			for concurrency > 1 && len(ahead) < concurrency && next <= known {
				launch(next)
				next++
			}
			var r fetchResult[T]
			if len(ahead) > 0 {
				select {
				case r = <-ahead[0]:
				case <-ctx.Done():
					ctxErr()
					return
				}
				ahead[0] = nil
				ahead = ahead[1:]
				// A page fetched ahead may have been served before the page preceding
				// it. If the results changed in between (the totals differ), items may
				// have shifted past both, so the page is fetched again, after its
				// predecessor, as a loop one page at a time would.
				if r.err == nil && r.hasMeta && prevTotal >= 0 && r.page.TotalResults != prevTotal {
					r = fetchResult[T]{}
					if ctxErr() {
						return
					}
					r.page, r.hasMeta, r.err = fetch(lctx, number)
				}
			} else {
				r.page, r.hasMeta, r.err = fetch(lctx, number)
				next = number + 1
			}
			page, err := r.page, r.err
			if err == nil && r.hasMeta {
				err = page.check(where, number)
			}
			if err != nil {
				if ctx.Err() != nil {
					ctxErr() // the caller's cancellation, not the page's fault
				} else {
					yield(zero, err)
				}
				return
			}
			more := r.hasMeta && page.HasNext()
			prevTotal = page.TotalResults
			if more {
				// This page is held while it is yielded: it counts towards concurrency.
				known = page.TotalPages
				for len(ahead)+1 < concurrency && next <= known {
					launch(next)
					next++
				}
			}
			// Drop what the previous pages already yielded: with offset paging, sessions
			// starting during the loop push items onto the next page.
			items := page.Items
			ids := make([]string, 0, len(items))
			for _, item := range items {
				if k := id(item); !recent.has(k) {
					ids = append(ids, k)
				}
			}
			if len(ids) < len(items) {
				fresh := make([]T, 0, len(ids))
				for _, item := range items {
					if !recent.has(id(item)) {
						fresh = append(fresh, item)
					}
				}
				items = fresh
			}
			if len(items) == 0 && len(page.Items) > 0 {
				if stalled++; stalled >= maxStalledPages {
					yield(zero, fmt.Errorf("telnyx: %s: %w: %d pages in a row (up to page %d) brought nothing new", where, ErrMalformedResponse, stalled, number))
					return
				}
			} else {
				stalled = 0
			}
			page = nil
			r = fetchResult[T]{}
			recent.add(ids)
			for _, item := range items {
				if ctxErr() || !yield(item, nil) {
					return
				}
			}
			if !more {
				return
			}
		}
	}
}
