package telnyx

import (
	"context"
	"encoding/json"
	"errors"
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

// pageMeta is the wire form of the list meta.
type pageMeta struct {
	PageNumber   int `json:"page_number"`
	PageSize     int `json:"page_size"`
	TotalPages   int `json:"total_pages"`
	TotalResults int `json:"total_results"`
}

// listBody is the wire form of a list answer.
type listBody[T any] struct {
	Data []T       `json:"data"`
	Meta *pageMeta `json:"meta"`
}

// decodeFrom reads a list answer item by item, so the decoder holds one item at a time
// rather than the whole body. Unknown keys are skipped.
func (b *listBody[T]) decodeFrom(dec *json.Decoder) error {
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case "data":
			err = decodeArray(dec, &b.Data)
		case "meta":
			err = dec.Decode(&b.Meta)
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return err
		}
	}
	return expectDelim(dec, '}')
}

// decodeArray decodes a JSON array (or null) element by element into *out.
func decodeArray[T any](dec *json.Decoder, out *[]T) error {
	tok, err := dec.Token()
	if err != nil || tok == nil { // null
		*out = nil
		return err
	}
	if tok != json.Delim('[') {
		return fmt.Errorf("want an array, got %v", tok)
	}
	items := make([]T, 0, 16)
	for dec.More() {
		items = append(items, *new(T))
		if err := dec.Decode(&items[len(items)-1]); err != nil {
			return err
		}
	}
	*out = items
	_, err = dec.Token()
	return err
}

// expectDelim reads the next token and checks it is d.
func expectDelim(dec *json.Decoder, d json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != d {
		return errors.New("want " + d.String() + ", got " + fmt.Sprint(tok))
	}
	return nil
}

// page converts the answer; hasMeta reports whether it carried meta.
func (b *listBody[T]) page() (p *Page[T], hasMeta bool) {
	p = &Page[T]{Items: b.Data}
	if m := b.Meta; m != nil {
		p.PageNumber, p.PageSize, p.TotalPages, p.TotalResults = m.PageNumber, m.PageSize, m.TotalPages, m.TotalResults
	}
	return p, b.Meta != nil
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
