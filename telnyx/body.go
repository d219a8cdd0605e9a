package telnyx

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/roomsessions/telnyx-go/internal/jsonstream"
)

// decoder decodes a 2xx body from s into out; nil for an action, whose answer is its
// 2xx status itself (the body is drained).
type decoder[T any] func(s *jsonstream.Stream, out *T) error

// decodeBody decodes a 2xx body into a new T as it streams. A body cut off is retried;
// malformed or oversized JSON is not.
func decodeBody[T any](ctx context.Context, resp *http.Response, limit int64, decode decoder[T]) (*T, outcome) {
	defer closeBody(resp.Body)
	if decode == nil {
		drain(resp.Body)
		return new(T), outcome{}
	}
	if resp.ContentLength > limit {
		return nil, outcome{err: fmt.Errorf("%w (%d bytes)", ErrResponseTooLarge, resp.ContentLength)}
	}
	s := jsonstream.New(resp.Body, limit)
	out := new(T)
	err := decode(s, out)
	if err == nil {
		err = s.End()
	}
	switch {
	case err == nil:
		return out, outcome{}
	case errors.Is(err, ErrResponseTooLarge):
		return nil, outcome{err: err}
	case s.Err() != nil:
		return nil, outcome{err: fmt.Errorf("reading response: %w", s.Err()), noAnswer: true, retry: ctx.Err() == nil}
	}
	drain(resp.Body) // the rest of a short malformed body, so the connection can be reused
	return nil, outcome{err: fmt.Errorf("%w: %w", ErrMalformedResponse, err)}
}

// pageMeta is the wire form of the list meta.
type pageMeta struct {
	PageNumber   int `json:"page_number"`
	PageSize     int `json:"page_size"`
	TotalPages   int `json:"total_pages"`
	TotalResults int `json:"total_results"`
}

// answer is the wire form of an answer: {"data": ..., "meta": ...}.
type answer[D any] struct {
	Data D         `json:"data"`
	Meta *pageMeta `json:"meta"`
}

// decodeGet returns the decoder of an answer whose data is one record.
func decodeGet[T any](sh *jsonstream.Shape) decoder[answer[T]] {
	return decodeAnswer(sh, func(s *jsonstream.Stream, out *T, sub *jsonstream.Shape) (bool, error) {
		v, err := s.Value(sub)
		if err != nil {
			return false, err
		}
		return string(v) == "null", s.Decode(v, out)
	})
}

// decodeList returns the decoder of a list answer of pages of size items (0: the
// server's default), refusing more; the page is allocated at that size.
func decodeList[T any](size int, sh *jsonstream.Shape) decoder[answer[[]T]] {
	max := cmp.Or(size, PageSizeMax)
	return decodeAnswer(sh, func(s *jsonstream.Stream, out *[]T, sub *jsonstream.Shape) (bool, error) {
		*out = make([]T, 0, cmp.Or(size, PageSizeDefault))
		null, err := jsonstream.Array(s, out, max, sub)
		if err == jsonstream.ErrTooMany {
			err = fmt.Errorf("more than %d items, the page size asked for", max)
		}
		return null, err
	})
}

// decodeAnswer returns the decoder of an answer holding what sh (required.gen.go)
// requires, as it streams: data through data, meta and unknown keys whole.
func decodeAnswer[D any](sh *jsonstream.Shape, data func(*jsonstream.Stream, *D, *jsonstream.Shape) (null bool, err error)) decoder[answer[D]] {
	return func(s *jsonstream.Stream, b *answer[D]) error {
		return s.Object(sh, func(key string, sub *jsonstream.Shape) (bool, error) {
			if key == "data" {
				return data(s, &b.Data, sub)
			}
			v, err := s.Value(sub)
			switch null := string(v) == "null"; {
			case err != nil:
				return false, err
			case key == "meta" && sub != nil: // a Get's answer has no meta: it is ignored
				return null, s.Decode(v, &b.Meta)
			case !json.Valid(v):
				return null, fmt.Errorf("the value of %q is not JSON", key)
			default:
				return null, nil
			}
		})
	}
}
