package telnyx

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"net/http"
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

const (
	maxPageSize            = PageSizeMax // from the spec (limits.gen.go)
	defaultIterPageSize    = maxPageSize // iterators ask for the maximum, to save round trips
	defaultPageConcurrency = 4           // pages an iterator fetches at once by default
	maxStalledPages        = 3           // pages in a row with nothing new before giving up
)

// listing describes one list operation: what to request, page by page, and how to
// name it in errors. List, Participants and the iterators all read through one.
type listing[T any] struct {
	cfg   *config
	op    operation
	where string // the operation, and the path requested, in the iterator's errors
	first int    // the first page number; 0 = the server's default
	size  int    // the page size asked for; 0 = the server's default
	id    func(T) string
	build func(server string, number, size int) (*http.Request, error)
}

// fetched is the answer to one page request.
type fetched[T any] struct {
	page    *Page[T]
	hasMeta bool // the answer carried meta
	err     error
}

// pageArgs checks a page number and size, the one place they are checked; an iterator
// starts at page 1 and asks for the maximum page size unless told otherwise.
func pageArgs(number, size int, iterating bool) (int, int, error) {
	switch {
	case number < 0:
		return 0, 0, invalidArg("PageNumber", "must be >= 0, got %d", number)
	case size != 0 && (size < PageSizeMin || size > maxPageSize):
		return 0, 0, invalidArg("PageSize", "must be between %d and %d (or 0 for the default), got %d", PageSizeMin, maxPageSize, size)
	}
	if iterating {
		return max(number, 1), cmp.Or(size, defaultIterPageSize), nil
	}
	return number, size, nil
}

// fetch reads page number (0: the server's first page).
func (l *listing[T]) fetch(ctx context.Context, number int) fetched[T] {
	build := func(server string) (*http.Request, error) { return l.build(server, number, l.size) }
	body, err := do(ctx, l.cfg, l.op, build, decodeList[T](cmp.Or(l.size, maxPageSize)))
	if err != nil {
		return fetched[T]{err: err}
	}
	p := &Page[T]{Items: body.Data}
	if m := body.Meta; m != nil {
		p.PageNumber, p.PageSize, p.TotalPages, p.TotalResults = m.PageNumber, m.PageSize, m.TotalPages, m.TotalResults
	}
	return fetched[T]{page: p, hasMeta: body.Meta != nil}
}

// pageSource gives an iterator its pages in the order it asks for them.
type pageSource[T any] interface {
	// page returns page number; the iterator may ask for any number next.
	page(ctx context.Context, number int) fetched[T]
	// close cancels what is in flight and waits for it.
	close()
}

// oneByOne is the page source that fetches each page when asked.
type oneByOne[T any] struct{ l *listing[T] }

func (s oneByOne[T]) page(ctx context.Context, number int) fetched[T] { return s.l.fetch(ctx, number) }
func (oneByOne[T]) close()                                            {}

// all iterates over every item of every page from l.first: the item loop checks each
// page, drops items the last pages yielded, stops a server that makes no progress,
// and checks ctx before every item. It yields an error once, then stops.
func (l *listing[T]) all(ctx context.Context) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var src pageSource[T] = oneByOne[T]{l}
		if l.cfg.pageConc > 1 {
			src = newAhead(ctx, l.fetch, l.cfg.pageConc)
		}
		defer src.close()
		var zero T
		recent := recentIDs{keep: l.cfg.pageConc + 2}
		stalled := 0
		for number := l.first; ; number++ {
			var r fetched[T]
			if ctx.Err() == nil {
				r = src.page(ctx, number)
			}
			if err := l.check(ctx, r, number); err != nil {
				yield(zero, l.cfg.key.redact(err))
				return
			}
			items, ids := fresh(r.page.Items, &recent, l.id)
			if len(ids) == 0 && len(r.page.Items) > 0 {
				stalled++
			} else {
				stalled = 0
			}
			if stalled >= maxStalledPages {
				yield(zero, errorf(l.where, ErrMalformedResponse, "%v: %d pages in a row (up to page %d) brought nothing new", ErrMalformedResponse, stalled, number))
				return
			}
			recent.add(ids)
			more := r.hasMeta && r.page.HasNext()
			r = fetched[T]{} // the page is released once its items are yielded
			for _, item := range items {
				if ctx.Err() != nil {
					yield(zero, l.ctxErr(ctx))
					return
				}
				if !yield(item, nil) {
					return
				}
			}
			if !more {
				return
			}
		}
	}
}

// check returns the error that ends the loop at page number: the caller's context,
// the fetch's failure, or a page that cannot be the answer (the wrong number, negative
// counts, more items than its size). A short page before the last one is accepted.
func (l *listing[T]) check(ctx context.Context, r fetched[T], number int) error {
	if ctx.Err() != nil {
		return l.ctxErr(ctx) // the caller's cancellation, not the page's fault
	}
	if r.err != nil || !r.hasMeta {
		return r.err
	}
	p := r.page
	bad := func(format string, args ...any) error {
		return errorf(l.where, ErrMalformedResponse, "%v: %s", ErrMalformedResponse, fmt.Sprintf(format, args...))
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

// ctxErr is the error of a loop its context ended.
func (l *listing[T]) ctxErr(ctx context.Context) error {
	return &opError{where: l.where, err: ctx.Err()}
}

// fresh returns the items of a page not on the last pages, and their ids.
func fresh[T any](items []T, recent *recentIDs, id func(T) string) ([]T, []string) {
	ids := make([]string, 0, len(items))
	var kept []T // nil until an item is dropped
	for i, item := range items {
		switch k := id(item); {
		case !recent.has(k):
			ids = append(ids, k)
			if kept != nil {
				kept = append(kept, item)
			}
		case kept == nil:
			kept = append(make([]T, 0, len(items)), items[:i]...)
		}
	}
	if kept == nil {
		return items, ids
	}
	return kept, ids
}

// recentIDs remembers the ids of the last few pages yielded, to drop an item a live API
// serves again after the pages shifted. It holds ids, not items, so pages are released,
// and its size is bounded by the pages it keeps, not by the length of the loop.
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

// ahead is the page source that fetches up to n pages at once, once a page has told
// how many there are, and hands them over in order; the page the loop holds counts
// among the n. Asked for a page it did not fetch ahead, it drops those it did.
type ahead[T any] struct {
	fetch   func(ctx context.Context, number int) fetched[T]
	n       int
	parent  context.Context // the loop's
	ctx     context.Context // the requests in flight; cancelled by close
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	queue   []pending[T] // pages requested ahead, in order
	next    int          // the first page number not yet requested
	known   int          // total_pages as the last page told it
	prevTot int          // total_results of the last page handed over; -1: none yet
}

// pending is a page requested ahead.
type pending[T any] struct {
	number int
	ch     chan fetched[T]
}

func newAhead[T any](ctx context.Context, fetch func(context.Context, int) fetched[T], n int) *ahead[T] {
	a := &ahead[T]{fetch: fetch, n: n, parent: ctx, next: 1, prevTot: -1}
	a.ctx, a.cancel = context.WithCancel(ctx)
	return a
}

// page hands over page number, from the queue when it was fetched ahead. A page
// fetched ahead whose total_results differs from the page before it (the data changed
// between the two) is fetched again, as a loop one page at a time would.
func (a *ahead[T]) page(ctx context.Context, number int) fetched[T] {
	if len(a.queue) > 0 && a.queue[0].number != number {
		a.drop()
	}
	a.launch(a.n) // the page before is done with
	var r fetched[T]
	if len(a.queue) == 0 {
		r = a.fetch(a.ctx, number)
		a.next = number + 1
	} else {
		select {
		case r = <-a.queue[0].ch:
		case <-ctx.Done():
			return fetched[T]{err: ctx.Err()}
		}
		a.queue = a.queue[1:]
		if r.err == nil && r.hasMeta && a.prevTot >= 0 && r.page.TotalResults != a.prevTot {
			r = a.fetch(a.ctx, number)
		}
	}
	if r.err == nil && r.hasMeta {
		a.prevTot = r.page.TotalResults
		if r.page.HasNext() {
			a.known = r.page.TotalPages
			a.launch(a.n - 1) // this page is held while it is yielded
		}
	}
	return r
}

// launch requests pages ahead until limit are in flight or the last known page is.
func (a *ahead[T]) launch(limit int) {
	for len(a.queue) < limit && a.next <= a.known {
		p := pending[T]{number: a.next, ch: make(chan fetched[T], 1)}
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			p.ch <- a.fetch(a.ctx, p.number)
		}()
		a.queue = append(a.queue, p)
		a.next++
	}
}

// drop cancels the pages requested ahead and starts a fresh context for the next.
func (a *ahead[T]) drop() {
	a.close()
	a.queue, a.known = nil, 0
	a.ctx, a.cancel = context.WithCancel(a.parent)
}

// close cancels the requests in flight and waits for them: no goroutine outlives the loop.
func (a *ahead[T]) close() {
	a.cancel()
	a.wg.Wait()
}

// Collect returns every item of seq, or nil and the first error it yields. Collect
// first, then act: a loop that changes what its own filter matches skips items (see
// "Acting on what matched" in the package documentation).
func Collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var items []T
	for item, err := range seq {
		if err != nil {
			return nil, err
		}
		items = append(items, item)
	}
	return items, nil
}
