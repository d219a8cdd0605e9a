package telnyx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// decoder decodes a 2xx body from dec, reading through a bodyReader, into out. The bound
// is on what one Decode reads: a list decodes each item with its own.
type decoder[T any] func(dec *json.Decoder, out *T) error

// decodeBody decodes a 2xx body into a new T as it streams. A body cut off is retried;
// malformed or oversized JSON is not. An action's body is only drained: its 2xx is the answer.
func decodeBody[T any](ctx context.Context, op operation, resp *http.Response, limit int64, decode decoder[T]) (*T, outcome) {
	defer closeBody(resp.Body)
	if op.action {
		drain(resp.Body)
		return new(T), outcome{}
	}
	if resp.ContentLength > limit {
		return nil, outcome{err: fmt.Errorf("%w (%d bytes)", ErrResponseTooLarge, resp.ContentLength)}
	}
	body := newBodyReader(resp.Body, limit)
	out := new(T)
	err := decode(body.dec, out)
	if err == nil {
		err = body.rest()
	}
	switch {
	case err == nil:
		return out, outcome{}
	case body.tooLarge:
		return nil, outcome{err: fmt.Errorf("%w (over %d bytes)", ErrResponseTooLarge, limit)}
	case body.valueTooLarge:
		return nil, outcome{err: fmt.Errorf("%w (one value over %d bytes)", ErrResponseTooLarge, body.valueMax)}
	case body.readErr != nil:
		return nil, outcome{err: fmt.Errorf("reading response: %w", body.readErr), noAnswer: true, retry: ctx.Err() == nil}
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF // the body ended before the value did (or began)
	}
	body.dec = nil
	drain(body) // the rest of a short malformed body, so the connection can be reused
	return nil, outcome{err: fmt.Errorf("%w: %w", ErrMalformedResponse, err)}
}

// bodyReader is what the JSON decoder of a 2xx body reads: the body cut at limit+1
// bytes, a connection failure told from its end, and never more than valueMax (a quarter
// of the cap) past the decoder's input offset, so that its buffer stays under 2*valueMax:
// a refused body costs under twice the cap (TestRefusedBodyCostsLessThanTwiceTheCap).
type bodyReader struct {
	r             io.Reader
	dec           *json.Decoder // the decoder reading; nil past the value: only the cap then applies
	limit         int64         // the cap on the body
	valueMax      int64         // the most the decoder may hold past its input offset
	delivered     int64         // bytes read from r
	tooLarge      bool          // the body is over limit
	valueTooLarge bool          // one value is over valueMax
	readErr       error         // a failure of the connection, not the end of the body
	scratch       [512]byte     // what follows the value is read through it (see rest)
}

// errBodyTooLarge and errValueTooLarge stop the decoder (reported as ErrResponseTooLarge).
var (
	errBodyTooLarge  = errors.New("body over the cap")
	errValueTooLarge = errors.New("value over the bound")
)

// newBodyReader returns the reader of body, capped at limit bytes, with its decoder.
func newBodyReader(body io.Reader, limit int64) *bodyReader {
	b := &bodyReader{r: body, limit: limit, valueMax: limit / 4}
	b.dec = json.NewDecoder(b)
	return b
}

// Read reads from the body, within the cap and the bound on one value.
func (b *bodyReader) Read(p []byte) (int, error) {
	switch {
	case b.tooLarge:
		return 0, errBodyTooLarge
	case b.valueTooLarge:
		return 0, errValueTooLarge
	case b.readErr != nil:
		return 0, b.readErr
	}
	if left := b.limit + 1 - b.delivered; int64(len(p)) > left {
		p = p[:left]
	}
	if b.dec != nil {
		room := b.valueMax - (b.delivered - b.dec.InputOffset())
		if room <= 0 {
			b.valueTooLarge = true
			return 0, errValueTooLarge
		}
		if int64(len(p)) > room {
			p = p[:room]
		}
	}
	n, err := b.r.Read(p)
	b.delivered += int64(n)
	switch {
	case b.delivered > b.limit:
		b.tooLarge = true
		return n, errBodyTooLarge
	case err != nil && err != io.EOF:
		b.readErr = err
	}
	return n, err
}

// rest checks that only whitespace follows the value, to the end of the body (so the
// connection is reused), through one fixed buffer: constant memory.
func (b *bodyReader) rest() error {
	dec := b.dec
	b.dec = nil // past the value, only the cap applies
	off := dec.InputOffset()
	if b.delivered > off {
		if err := b.onlyWhitespace(dec.Buffered(), off); err != nil {
			return err
		}
	}
	return b.onlyWhitespace(b, b.delivered)
}

// onlyWhitespace checks r holds only JSON whitespace; off is its offset in the body.
func (b *bodyReader) onlyWhitespace(r io.Reader, off int64) error {
	for {
		n, err := r.Read(b.scratch[:])
		for i, c := range b.scratch[:n] {
			if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
				return fmt.Errorf("unexpected %q at offset %d after the JSON value", c, off+int64(i))
			}
		}
		off += int64(n)
		switch {
		case err == io.EOF:
			return nil
		case err != nil:
			return err
		}
	}
}

// dataBody is the envelope of a single record: {"data":{...}}.
type dataBody[T any] struct {
	Data T `json:"data"`
}

// actionBody is the result of an action: its 2xx status; the body is drained.
type actionBody struct{}

// skipBody is the decoder of the actions, which decodeBody never calls.
func skipBody(*json.Decoder, *actionBody) error { return nil }

// decodeJSON returns the decoder of a single JSON value that must hold what s requires
// (see required.go): a Get's answer, {"data":{...}}, one record in its envelope, which
// the bound on one value (see bodyReader) bounds as a whole.
func decodeJSON[T any](s *shape) decoder[T] {
	return func(dec *json.Decoder, out *T) error {
		c := checked[T]{v: out, s: s}
		if err := dec.Decode(&c); err != nil {
			return err
		}
		if c.null {
			return s.fail("want an object, got null")
		}
		return nil
	}
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

// decodeList returns the decoder of a list answer of at most max items holding what s
// requires (required.go), item by item as the body streams: the bound on one value
// (bodyReader) applies to each. Unknown keys are skipped.
func decodeList[T any](max int, s *shape) decoder[listBody[T]] {
	if s == nil {
		s = &shape{}
	}
	return func(dec *json.Decoder, b *listBody[T]) error {
		if err := expectDelim(dec, '{'); err != nil {
			return err
		}
		var present, null uint64 // bit n: s.required[n]
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return err
			}
			key, _ := tok.(string)
			sub := s.props[key]
			isNull := false
			switch key {
			case "data":
				var items *shape
				if sub != nil {
					items = sub.items
				}
				isNull, err = decodeArray(dec, &b.Data, max, items)
			case "meta":
				c := checked[*pageMeta]{v: &b.Meta, s: sub}
				err = dec.Decode(&c)
				isNull = c.null
			default:
				var skip json.RawMessage
				err = dec.Decode(&skip)
				isNull = string(skip) == "null"
			}
			var se *shapeError
			if errors.As(err, &se) {
				se.under(key)
			}
			if err != nil {
				return err
			}
			for n, r := range s.required {
				if r.name == key {
					present |= 1 << n
					if isNull {
						null |= 1 << n
					}
				}
			}
		}
		if err := s.lacks(present, null, 0); err != nil {
			return err
		}
		return expectDelim(dec, '}')
	}
}

// decodeArray decodes a JSON array (or null) element by element into *out, refusing
// more than max elements; each element must hold what items requires (nil: nothing).
func decodeArray[T any](dec *json.Decoder, out *[]T, max int, items *shape) (null bool, err error) {
	tok, err := dec.Token()
	if err != nil || tok == nil { // null
		*out = nil
		return tok == nil && err == nil, err
	}
	if tok != json.Delim('[') {
		return false, fmt.Errorf("want an array, got %v", tok)
	}
	list := make([]T, 0, 16)
	c := &checked[T]{s: items, re: new(redecoder)} // one for all the items
	for dec.More() {
		if len(list) == max {
			return false, fmt.Errorf("more than %d items, the page size asked for", max)
		}
		list = append(list, *new(T))
		c.v, c.null = &list[len(list)-1], false
		if err := dec.Decode(c); err != nil {
			var se *shapeError
			if errors.As(err, &se) {
				se.under("[" + strconv.Itoa(len(list)-1) + "]")
			}
			return false, err
		}
		if c.null && items != nil {
			return false, &shapeError{where: "[" + strconv.Itoa(len(list)-1) + "]", what: "want an object, got null"}
		}
	}
	*out = list
	_, err = dec.Token()
	return false, err
}

// checked decodes a JSON value into v once s finds in it all that s requires; null
// leaves v as it is and sets null, for the caller to judge. re, if set, decodes.
type checked[T any] struct {
	v    *T
	s    *shape
	null bool
	re   *redecoder
}

// UnmarshalJSON checks b, then decodes it.
func (c *checked[T]) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		c.null = true
		return nil
	}
	if err := c.s.check(b); err != nil {
		return err
	}
	if c.re != nil {
		return c.re.decode(b, c.v)
	}
	return json.Unmarshal(b, c.v)
}

// redecoder decodes value after value, each already read and checked, with one
// json.Decoder and its buffers: json.Unmarshal would allocate its state for each.
type redecoder struct {
	src []byte
	dec *json.Decoder
}

// decode decodes the JSON value b into v.
func (r *redecoder) decode(b []byte, v any) error {
	if r.dec == nil {
		r.dec = json.NewDecoder(r)
	}
	r.src = b
	err := r.dec.Decode(v)
	r.src = nil
	return err
}

// Read hands the decoder the value being decoded.
func (r *redecoder) Read(p []byte) (int, error) {
	if len(r.src) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.src)
	r.src = r.src[n:]
	return n, nil
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
