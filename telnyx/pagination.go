package telnyx

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"sync"

	"github.com/roomsessions/telnyx-go/gen"
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
	defaultPageConcurrency = 4 // pages an iterator fetches at once by default
	maxStalledPages        = 3 // pages in a row with nothing new before giving up
)

// listing describes one list operation; List, Participants and the iterators read through one.
type listing[T any] struct {
	cfg   *config
	err   error // the arguments' error, returned instead of sending anything
	op    operation
	where string // the operation, and the path requested, in the iterator's errors
	first int    // the first page number; 0 = the server's default
	size  int    // the page size asked for; 0 = the server's default
	id    func(T) string
	build func(server string, page *gen.Page) (*http.Request, error)
}

// fetched is the answer to one page request.
type fetched[T any] struct {
	page *Page[T]
	err  error
}

// init completes l for a call with opts and checks its page number and size, the one
// place they are checked; err is the arguments' error so far.
func (l *listing[T]) init(c *Client, opts []Option, iterating bool, err error) *listing[T] {
	cfg, cerr := c.forCall(opts)
	var perr error
	switch {
	case l.first < 0:
		perr = invalidArg("PageNumber", "must be >= 0, got %d", l.first)
	case l.size != 0 && (l.size < PageSizeMin || l.size > PageSizeMax):
		perr = invalidArg("PageSize", "must be between %d and %d (or 0 for the default), got %d", PageSizeMin, PageSizeMax, l.size)
	case iterating:
		l.first, l.size = max(l.first, 1), cmp.Or(l.size, PageSizeMax)
	}
	l.cfg, l.err = cmp.Or(cfg, c.cfg), cmp.Or(cerr, err, perr) // the client's cfg, to redact an error
	l.err = l.cfg.key.redact(l.err)                            // once: iterators may be ranged at once
	return l
}

// fetch reads page number (0: the server's first page).
func (l *listing[T]) fetch(ctx context.Context, number int) fetched[T] {
	page := nonZero(gen.Page{Number: nonZero(number), Size: nonZero(l.size)})
	build := func(server string) (*http.Request, error) { return l.build(server, page) }
	body, err := do(ctx, l.cfg, l.op, build, decodeList[T](l.size, l.op.answer))
	if err != nil {
		return fetched[T]{err: err}
	}
	m := body.Meta
	if m == nil {
		return fetched[T]{err: l.bad("page %d has no meta", max(number, 1))}
	}
	return fetched[T]{page: &Page[T]{body.Data, m.PageNumber, m.PageSize, m.TotalPages, m.TotalResults}}
}

// page reads the one page List and Participants return, checked.
func (l *listing[T]) page(ctx context.Context) (*Page[T], error) {
	if l.err != nil {
		return nil, l.err
	}
	r := l.fetch(ctx, l.first)                                  // 0: the server's first page
	if err := l.check(ctx, r, max(l.first, 1), 0); err != nil { // the size the server chose is its own
		return nil, l.cfg.key.redact(err)
	}
	return r.page, nil
}

// pageSource gives an iterator the pages it asks for. plan tells it the pages asked for
// next, and whether what it fetched ahead may predate a change (stale).
type pageSource[T any] interface {
	page(ctx context.Context, number int) fetched[T]
	plan(upcoming []int, stale bool)
	close()
}

// oneByOne is the page source that fetches each page when asked.
type oneByOne[T any] struct{ l *listing[T] }

func (s oneByOne[T]) page(ctx context.Context, number int) fetched[T] { return s.l.fetch(ctx, number) }
func (oneByOne[T]) plan([]int, bool)                                  {}
func (oneByOne[T]) close()                                            {}

// all iterates over the items of the pages the cover says (churn.go), checked, without
// those already yielded; it yields an error once, then stops.
func (l *listing[T]) all(ctx context.Context) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if l.err != nil {
			yield(zero, l.err)
			return
		}
		var src pageSource[T] = oneByOne[T]{l}
		if l.cfg.pageConc > 1 {
			src = newAhead(ctx, l.fetch, l.cfg.pageConc)
		}
		defer src.close()
		cov := cover{start: l.first - 1, total: -1}
		var seen seenIDs
		var st stall
		for !cov.done() {
			number := cov.next()
			var r fetched[T]
			if ctx.Err() == nil {
				r = src.page(ctx, number)
			}
			if err := l.check(ctx, r, number, l.size); err != nil {
				yield(zero, l.cfg.key.redact(err))
				return
			}
			// Items that start to match before the offset push items already read onto this page.
			seen.grow((l.cfg.pageConc+2)*l.size + 2*cov.back)
			items := fresh(r.page.Items, &seen, l.id)
			repeats, before := len(r.page.Items)-len(items), cov.total
			cov.read(number, r.page.PageSize, r.page.TotalResults, r.page.TotalPages, repeats)
			if st.stalled(number, len(r.page.Items), len(items)) {
				yield(zero, l.bad("%d pages in a row (up to page %d) brought nothing new", st.n, number))
				return
			}
			if !cov.done() {
				// Items read before moved here with the total unchanged: what was fetched ahead is stale.
				stale := repeats > 0 && number == st.far && r.page.TotalResults == before
				src.plan(cov.upcoming(l.cfg.pageConc), stale)
			}
			for _, item := range items {
				if ctx.Err() != nil {
					yield(zero, l.ctxErr(ctx))
					return
				}
				if !yield(item, nil) {
					return
				}
			}
		}
	}
}

// stall counts the pages in a row, past the farthest read, that brought nothing new.
type stall struct{ far, n int }

// stalled records page number, with got items, unseen of them new, and reports a stall.
func (s *stall) stalled(number, got, unseen int) bool {
	if number <= s.far {
		return false
	}
	s.far, s.n = number, s.n+1
	if unseen > 0 || got == 0 {
		s.n = 0
	}
	return s.n >= maxStalledPages
}

// check returns the error that ends the loop at page number of size items (0: any):
// ctx's, the fetch's, or that of a page that cannot be the answer.
func (l *listing[T]) check(ctx context.Context, r fetched[T], number, size int) error {
	if ctx.Err() != nil {
		return l.ctxErr(ctx) // the caller's cancellation, not the page's fault
	}
	if r.err != nil {
		return r.err
	}
	p := r.page
	switch {
	case p.PageNumber != number:
		return l.bad("asked for page %d, got page %d", number, p.PageNumber)
	case p.PageSize < 0 || p.TotalPages < 0 || p.TotalResults < 0:
		return l.bad("negative pagination meta %+v", pageMeta{p.PageNumber, p.PageSize, p.TotalPages, p.TotalResults})
	case size > 0 && p.PageSize != size:
		return l.bad("asked for pages of %d, got page_size %d", size, p.PageSize)
	case p.PageSize == 0 && (len(p.Items) > 0 || p.TotalResults > 0):
		return l.bad("page_size 0 with results %+v", pageMeta{p.PageNumber, p.PageSize, p.TotalPages, p.TotalResults})
	case len(p.Items) > p.PageSize:
		return l.bad("page %d holds %d items, more than its size %d", number, len(p.Items), p.PageSize)
	case p.TotalResults > p.TotalPages*p.PageSize:
		return l.bad("total_pages %d of %d cannot hold total_results %d", p.TotalPages, p.PageSize, p.TotalResults)
	case p.TotalResults > 0 && (p.TotalPages-1)*p.PageSize >= p.TotalResults:
		return l.bad("total_pages %d of %d is more than total_results %d fill", p.TotalPages, p.PageSize, p.TotalResults)
	case len(p.Items) == 0 && number <= p.TotalPages:
		return l.bad("page %d is empty, yet its meta says it is page %d of %d (%d results)", number, number, p.TotalPages, p.TotalResults)
	}
	return nil
}

// bad is the error of an answer that cannot be the page asked for.
func (l *listing[T]) bad(format string, args ...any) error {
	return errorf(l.where, ErrMalformedResponse, "%v: %s", ErrMalformedResponse, fmt.Sprintf(format, args...))
}

// ctxErr is the error of a loop its context ended.
func (l *listing[T]) ctxErr(ctx context.Context) error {
	return &opError{where: l.where, err: ctx.Err()}
}

// fresh keeps, in place, the items not in seen, adding each kept to it.
func fresh[T any](items []T, seen *seenIDs, id func(T) string) []T {
	kept := items[:0]
	for _, item := range items {
		if k := id(item); !seen.has(k) {
			seen.add(k)
			kept = append(kept, item)
		}
	}
	return kept
}

// ahead is the page source that fetches up to n pages at once, those planned next.
type ahead[T any] struct {
	fetch    func(ctx context.Context, number int) fetched[T]
	n        int
	ctx      context.Context // the requests in flight; cancelled by close
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	held     map[int]*pending[T] // pages requested ahead, by number
	upcoming []int               // the pages the iterator plans to read next, in order
	prevTot  int                 // total_results of the last page handed over; -1: none yet
}

// pending is a page requested ahead.
type pending[T any] struct {
	ch     chan fetched[T]
	cancel context.CancelFunc
}

func newAhead[T any](ctx context.Context, fetch func(context.Context, int) fetched[T], n int) *ahead[T] {
	a := &ahead[T]{fetch: fetch, n: n, held: map[int]*pending[T]{}, prevTot: -1}
	a.ctx, a.cancel = context.WithCancel(ctx)
	return a
}

// page hands over page number, fetched ahead if it was, and again if its total_results
// differs from the previous page's (the data changed between the two).
func (a *ahead[T]) page(ctx context.Context, number int) fetched[T] {
	a.launch(a.n) // the page before is done with
	var r fetched[T]
	p := a.held[number]
	if p != nil {
		delete(a.held, number)
		select {
		case r = <-p.ch:
		case <-ctx.Done():
			r.err = ctx.Err()
		}
		p.cancel()
	}
	if p == nil || r.err == nil && a.prevTot >= 0 && r.page.TotalResults != a.prevTot {
		r = a.fetch(a.ctx, number)
	}
	if r.err == nil {
		a.prevTot = r.page.TotalResults
	}
	return r
}

// plan records the pages to read next and starts fetching; stale drops what was fetched.
func (a *ahead[T]) plan(upcoming []int, stale bool) {
	if stale {
		a.upcoming = nil
		a.launch(0) // cancels every page fetched ahead
	}
	a.upcoming = upcoming
	a.launch(a.n - 1) // this page is held while it is yielded
}

// launch cancels the requests no longer planned, then makes planned ones until limit are held.
func (a *ahead[T]) launch(limit int) {
	for n, p := range a.held {
		if !slices.Contains(a.upcoming, n) {
			p.cancel()
			delete(a.held, n)
		}
	}
	for _, n := range a.upcoming {
		if len(a.held) >= limit {
			break
		}
		if a.held[n] != nil {
			continue
		}
		ctx, cancel := context.WithCancel(a.ctx)
		p := &pending[T]{ch: make(chan fetched[T], 1), cancel: cancel}
		a.held[n] = p
		a.wg.Go(func() { p.ch <- a.fetch(ctx, n) })
	}
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
