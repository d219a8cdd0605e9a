package telnyx

import (
	"context"
	"fmt"
	"iter"
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
// counts, or a short page before the last one.
func (p *Page[T]) check(op operation, number int) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("telnyx: %s: %w: %s", op.name, ErrMalformedResponse, fmt.Sprintf(format, args...))
	}
	switch {
	case p.PageNumber != number:
		return bad("asked for page %d, got page %d", number, p.PageNumber)
	case p.PageSize < 0 || p.TotalPages < 0 || p.TotalResults < 0:
		return bad("negative pagination meta %+v", pageMeta{p.PageNumber, p.PageSize, p.TotalPages, p.TotalResults})
	case p.PageSize > 0 && len(p.Items) > p.PageSize:
		return bad("page %d holds %d items, more than its size %d", number, len(p.Items), p.PageSize)
	case p.PageSize > 0 && len(p.Items) > 0 && len(p.Items) < p.PageSize && p.PageNumber < p.TotalPages:
		return bad("page %d of %d holds %d items, fewer than its size %d", number, p.TotalPages, len(p.Items), p.PageSize)
	}
	return nil
}

// defaultIterPageSize is the page size iterators ask for: the maximum, to save round trips.
const defaultIterPageSize = maxPageSize

// pageHistory remembers just enough of the pages already seen to recognise one coming
// back: the ids of the previous page and the first id of every page. It holds ids, not
// items, so each page is released once the loop has moved past it.
type pageHistory struct {
	prev   map[string]struct{}
	firsts map[string]struct{}
}

// repeats reports whether ids, the ids of a new page, show a page already seen: its
// first id opened an earlier page, or all of them were on the previous page.
func (h *pageHistory) repeats(ids []string) bool {
	if len(ids) == 0 {
		return false
	}
	if _, ok := h.firsts[ids[0]]; ok {
		return true
	}
	for _, id := range ids {
		if _, ok := h.prev[id]; !ok {
			return false
		}
	}
	return len(h.prev) > 0
}

// add records the ids of a page that was accepted.
func (h *pageHistory) add(ids []string) {
	if len(ids) == 0 {
		return
	}
	if h.firsts == nil {
		h.firsts = make(map[string]struct{})
	}
	h.firsts[ids[0]] = struct{}{}
	h.prev = make(map[string]struct{}, len(ids))
	for _, id := range ids {
		h.prev[id] = struct{}{}
	}
}

// paginate yields every item of every page, fetching lazily from page first. It checks
// ctx before every page, yields an error once and stops, and stops when the caller
// breaks out of the loop. id identifies an item, to detect a repeated page.
func paginate[T any](ctx context.Context, op operation, first int, id func(T) string, fetch func(number int) (*Page[T], bool, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		var seen pageHistory
		for number := max(first, 1); ; number++ {
			if err := ctx.Err(); err != nil {
				yield(zero, fmt.Errorf("telnyx: %s: %w", op.name, err))
				return
			}
			page, hasMeta, err := fetch(number)
			if err == nil && hasMeta {
				err = page.check(op, number)
			}
			var ids []string
			if err == nil {
				ids = make([]string, len(page.Items))
				for i, item := range page.Items {
					ids[i] = id(item)
				}
				if seen.repeats(ids) {
					err = fmt.Errorf("telnyx: %s: %w: page %d repeats a page already seen", op.name, ErrMalformedResponse, number)
				}
			}
			if err != nil {
				yield(zero, err)
				return
			}
			seen.add(ids)
			for _, item := range page.Items {
				if !yield(item, nil) {
					return
				}
			}
			if !hasMeta || !page.HasNext() {
				return // otherwise page is dead here: it is not kept while the next one loads
			}
		}
	}
}
