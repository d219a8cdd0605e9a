package telnyx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// decoder decodes a 2xx body from s into out.
type decoder[T any] func(s *stream, out *T) error

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
	s := newStream(resp.Body, limit)
	out := new(T)
	err := decode(s, out)
	if err == nil {
		err = s.end()
	}
	switch {
	case err == nil:
		return out, outcome{}
	case errors.Is(err, ErrResponseTooLarge):
		return nil, outcome{err: err}
	case s.err != nil:
		return nil, outcome{err: fmt.Errorf("reading response: %w", s.err), noAnswer: true, retry: ctx.Err() == nil}
	}
	drain(resp.Body) // the rest of a short malformed body, so the connection can be reused
	return nil, outcome{err: fmt.Errorf("%w: %w", ErrMalformedResponse, err)}
}

// stream reads a 2xx body as JSON values through one buffer holding at most valueMax (a
// quarter of the cap) unconsumed bytes, so refusing a body costs under twice the cap.
// Each value is found and checked by the scanner below, then decoded once.
type stream struct {
	r        io.Reader
	buf      []byte // buf[pos:] is read and not consumed
	pos      int
	read     int64 // bytes read from r
	limit    int64 // the cap on the body
	valueMax int   // the most buf holds
	eof      bool
	err      error // the body is too large, or the connection failed: every read fails so
	re       redecoder
}

// newStream returns the stream of body, capped at limit bytes.
func newStream(body io.Reader, limit int64) *stream {
	return &stream{r: body, limit: limit, valueMax: int(limit / 4)}
}

// more reads at least as many bytes as are unconsumed, so rescanning a value that
// arrives in small pieces stays linear, within the cap and the bound on one value.
func (s *stream) more() error {
	switch {
	case s.err != nil:
		return s.err
	case s.eof:
		return io.ErrUnexpectedEOF // the body ended before the value did (or began)
	}
	live := copy(s.buf, s.buf[s.pos:])
	s.buf, s.pos = s.buf[:live], 0
	need := max(live, 512)
	if c := min(max(2*cap(s.buf), live+need, 1024), s.valueMax); cap(s.buf)-live < need && c > cap(s.buf) {
		s.buf = append(make([]byte, 0, c), s.buf...)
	}
	p := s.buf[live:cap(s.buf)]
	if len(p) == 0 {
		s.err = fmt.Errorf("%w (one value over %d bytes)", ErrResponseTooLarge, s.valueMax)
		return s.err
	}
	p = p[:min(int64(len(p)), s.limit+1-s.read)]
	n, err := 0, error(nil)
	for n < min(need, len(p)) && err == nil {
		var k int
		k, err = s.r.Read(p[n:])
		n += k
	}
	s.buf, s.read = s.buf[:live+n], s.read+int64(n)
	switch {
	case s.read > s.limit:
		s.err = fmt.Errorf("%w (over %d bytes)", ErrResponseTooLarge, s.limit)
	case err == io.EOF:
		s.eof = true
	case err != nil:
		s.err = err
	}
	return s.err
}

// peek returns the next byte that is not whitespace, without consuming it.
func (s *stream) peek() (byte, error) {
	for {
		if s.pos = skipSpace(s.buf, s.pos); s.pos < len(s.buf) {
			return s.buf[s.pos], nil
		}
		if err := s.more(); err != nil {
			return 0, err
		}
	}
}

// end checks that only whitespace follows the value, to the end of the body (so the
// connection is reused), through the buffer already held: constant memory.
func (s *stream) end() error {
	c, err := s.peek()
	switch {
	case err == nil:
		return fmt.Errorf("unexpected %q at offset %d after the JSON value", c, s.offset())
	case s.eof && err == io.ErrUnexpectedEOF:
		return nil
	}
	return err
}

// expect consumes c, the next byte that is not whitespace.
func (s *stream) expect(c byte) error {
	got, err := s.peek()
	if err == nil && got != c {
		err = fmt.Errorf("want %q at offset %d, got %q", c, s.offset(), got)
	}
	s.pos++
	return err
}

// offset is the offset in the body of the next unconsumed byte.
func (s *stream) offset() int64 { return s.read - int64(len(s.buf)-s.pos) }

// value consumes the next JSON value and returns it whole, valid until the next read,
// once it holds what sh requires (null: for the caller to judge); the decoder judges
// whether it is valid JSON.
func (s *stream) value(sh *shape) ([]byte, error) {
	switch c, err := s.peek(); {
	case err == nil && strings.IndexByte(",:]}", c) >= 0:
		return nil, fmt.Errorf("unexpected %q at offset %d", c, s.offset())
	case err != nil || c == 'n':
		sh = nil
	}
	for {
		end, err := sh.walk(s.buf, s.pos)
		if err != nil {
			end = endValue(s.buf, s.pos) // the error stands once the value is whole
		}
		if end >= 0 && (end < len(s.buf) || s.eof || strings.IndexByte(`"}]`, s.buf[end-1]) >= 0) {
			if err != nil {
				return nil, err
			}
			v := s.buf[s.pos:end]
			s.pos = end
			return v, nil
		}
		if err := s.more(); err != nil {
			return nil, err
		}
	}
}

// decode decodes v, a value of s, into out; null leaves out as it is.
func (s *stream) decode(v []byte, out any) error {
	if string(v) == "null" {
		return nil
	}
	return s.re.decode(v, out)
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
	start := r.dec.InputOffset()
	err := r.dec.Decode(v)
	if used := r.dec.InputOffset() - start; err == nil && used != int64(len(b)) {
		err = fmt.Errorf("unexpected %q after a value", b[used])
	}
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

// actionBody is the result of an action: its 2xx status; the body is drained.
type actionBody struct{}

// skipBody is the decoder of the actions, which decodeBody never calls.
func skipBody(*stream, *actionBody) error { return nil }

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
func decodeGet[T any](sh *shape) decoder[answer[T]] {
	return decodeAnswer(sh, func(s *stream, out *T, sub *shape) (bool, error) {
		v, err := s.value(sub)
		if err != nil {
			return false, err
		}
		return string(v) == "null", s.decode(v, out)
	})
}

// decodeList returns the decoder of a list answer of at most max items.
func decodeList[T any](max int, sh *shape) decoder[answer[[]T]] {
	return decodeAnswer(sh, func(s *stream, out *[]T, sub *shape) (bool, error) {
		return decodeItems(s, out, max, sub)
	})
}

// decodeAnswer returns the decoder of an answer holding what sh requires, as it streams:
// data through data, meta and unknown keys whole (each value bounded).
func decodeAnswer[D any](sh *shape, data func(*stream, *D, *shape) (null bool, err error)) decoder[answer[D]] {
	if sh == nil {
		sh = &shape{}
	}
	return func(s *stream, b *answer[D]) error {
		var m seen
		err := s.fields(func(key string) (err error) {
			isNull, sub := false, sh.props[key]
			if key == "data" {
				isNull, err = data(s, &b.Data, sub)
			} else if v, verr := s.value(sub); verr != nil {
				err = verr
			} else if isNull = string(v) == "null"; key == "meta" && sub != nil {
				err = s.decode(v, &b.Meta)
			} else if !json.Valid(v) {
				err = fmt.Errorf("the value of %q is not JSON", key)
			}
			m.mark(sh, key, isNull, false)
			return under(err, key)
		})
		if err == nil {
			if lack := sh.lacks(m); lack != nil {
				return lack
			}
		}
		return err
	}
}

// under puts a shapeError's place under seg; other errors pass unchanged.
func under(err error, seg string) error {
	if se := (*shapeError)(nil); errors.As(err, &se) {
		se.under(seg)
	}
	return err
}

// fields consumes an object, calling f with each property's name, the stream at its value.
func (s *stream) fields(f func(key string) error) error {
	if c, err := s.peek(); err != nil || c != '{' {
		if err == nil {
			err = &shapeError{what: "want an object, got " + kind(s.buf, s.pos)}
		}
		return err
	}
	s.pos++
	for n := 0; ; n++ {
		if c, err := s.peek(); err != nil || c == '}' {
			s.pos++
			return err
		}
		if n > 0 {
			if err := s.expect(','); err != nil {
				return err
			}
		}
		k, err := s.value(nil)
		if err != nil {
			return err
		}
		key, ok := unquote(k)
		if !ok {
			return fmt.Errorf("want a property name at offset %d", s.offset()-int64(len(k)))
		}
		if err := s.expect(':'); err != nil {
			return err
		}
		if err := f(key); err != nil {
			return err
		}
	}
}

// decodeItems decodes a JSON array (or null) item by item into *out, refusing more than
// max items; each must hold what list.items requires (list nil: nothing).
func decodeItems[T any](s *stream, out *[]T, max int, list *shape) (null bool, err error) {
	var items *shape
	if list != nil {
		items = list.items
	}
	if c, err := s.peek(); err != nil || c != '[' {
		v, err := s.value(nil)
		if err == nil && string(v) != "null" {
			err = fmt.Errorf("want an array, got %s", kind(v, 0))
		}
		return err == nil, err
	}
	s.pos++
	got := make([]T, 0, 16)
	for {
		if c, err := s.peek(); err != nil || c == ']' {
			s.pos++
			*out = got
			return false, err
		}
		if len(got) > 0 {
			if err := s.expect(','); err != nil {
				return false, err
			}
		}
		if len(got) == max {
			return false, fmt.Errorf("more than %d items, the page size asked for", max)
		}
		got = append(got, *new(T))
		v, err := s.value(items)
		if err == nil && string(v) == "null" && items != nil {
			err = &shapeError{what: "want an object, got null"}
		} else if err == nil {
			err = s.decode(v, &got[len(got)-1])
		}
		if err != nil {
			return false, under(err, "["+strconv.Itoa(len(got)-1)+"]")
		}
	}
}

// What api/openapi.yaml requires of an answer (the required properties of every object,
// down to its arrays' items) is generated into required.gen.go (answerShapes); the scanner
// below checks a value against it, naming no property itself.

// shape is what the spec requires of a JSON value of an answer.
type shape struct {
	name     string            // the schema's name, for errors; "" for an inline schema
	required []requiredProp    // of an object: properties it must hold
	props    map[string]*shape // of an object: properties whose values have requirements of their own
	items    *shape            // of an array: what each element requires
}

// requiredProp is a property an object must hold.
type requiredProp struct {
	name     string
	nullable bool // the spec allows null
	nonEmpty bool // a string with a format (uuid, date-time): "" cannot be right
}

// errShape is what a shapeError matches besides its place: the answer lacks what the
// spec requires.
var errShape = errors.New("lacks what api/openapi.yaml requires")

// shapeError is an answer that lacks what the spec requires: where names the place in
// the answer (data[3].participants[0]), what says what is wrong.
type shapeError struct {
	where string
	what  string
}

// Error reads like `data[3]: required property "id" of RoomSession is missing`.
func (e *shapeError) Error() string {
	if e.where == "" {
		return e.what
	}
	return e.where + ": " + e.what
}

// under puts the place of the error under seg, a property name or an index "[3]".
func (e *shapeError) under(seg string) {
	switch {
	case e.where == "":
		e.where = seg
	case strings.HasPrefix(e.where, "["):
		e.where = seg + e.where
	default:
		e.where = seg + "." + e.where
	}
}

// Is makes errors.Is(err, errShape) true.
func (e *shapeError) Is(target error) bool { return target == errShape }

// check returns a *shapeError naming the first thing b, one JSON value, lacks of what s
// requires, and where; nil when it lacks nothing. It never panics, and allocates only to report.
func (s *shape) check(b []byte) error {
	end, err := s.walk(b, skipSpace(b, 0))
	switch {
	case err != nil:
		return err
	case end < 0 && !s.empty():
		return s.fail("not JSON")
	}
	return nil
}

// empty reports whether s requires nothing.
func (s *shape) empty() bool {
	return s == nil || len(s.required) == 0 && len(s.props) == 0 && s.items == nil
}

// walk returns the end of the JSON value at b[i:] once it holds what s requires, in one
// pass; -1 and no error when b ends before the value does (or for a literal: may).
func (s *shape) walk(b []byte, i int) (int, *shapeError) {
	switch {
	case s.empty():
		return endValue(b, i), nil
	case i >= len(b):
		return -1, nil
	case s.items != nil:
		return s.walkArray(b, i)
	}
	return s.walkObject(b, i)
}

// walkArray walks the array at b[i], each element holding what s.items requires.
func (s *shape) walkArray(b []byte, i int) (int, *shapeError) {
	if b[i] != '[' {
		return -1, s.fail("want an array, got " + kind(b, i))
	}
	for n, i := 0, skipSpace(b, i+1); i < len(b); n++ {
		if b[i] == ']' {
			return i + 1, nil
		}
		end, err := s.items.walk(b, i)
		if err != nil {
			err.under("[" + strconv.Itoa(n) + "]")
			return -1, err
		}
		if end < 0 {
			return -1, nil
		}
		if i = skipSpace(b, end); i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
	return -1, nil
}

// walkObject walks the object at b[i]: the requirements of its properties' values
// (null always passes them), then its required properties.
func (s *shape) walkObject(b []byte, i int) (int, *shapeError) {
	if b[i] != '{' {
		return -1, s.fail("want an object, got " + kind(b, i))
	}
	var m seen
	for i = skipSpace(b, i+1); i < len(b); {
		if b[i] == '}' {
			return i + 1, s.lacks(m)
		}
		kend := endString(b, i)
		if kend < 0 && b[i] != '"' {
			return -1, s.fail("not JSON")
		}
		if kend < 0 || skipSpace(b, kend) >= len(b) {
			return -1, nil
		}
		name, ok := string(b[i+1:kend-1]), true // on the stack: name does not escape
		if bytes.IndexByte(b[i:kend], '\\') >= 0 {
			name, ok = unquote(b[i:kend])
		}
		if i = skipSpace(b, kend); !ok || b[i] != ':' {
			return -1, s.fail("not JSON")
		}
		vstart := skipSpace(b, i+1)
		sub := s.props[name]
		if vstart < len(b) && b[vstart] == 'n' {
			sub = nil
		}
		end, err := sub.walk(b, vstart)
		if err != nil {
			err.under(strings.Clone(name))
			return -1, err
		}
		if end < 0 {
			return -1, nil
		}
		m.mark(s, name, string(b[vstart:end]) == "null", string(b[vstart:end]) == `""`)
		if i = skipSpace(b, end); i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
	return -1, nil
}

// seen records which of a shape's required properties an object holds, null or empty.
type seen struct{ present, null, empty uint64 } // bit n: required property n

// mark records property name, null or empty.
func (m *seen) mark(s *shape, name string, null, empty bool) {
	for n, r := range s.required {
		if r.name == name {
			m.present |= 1 << n
			m.null |= b2u(null) << n
			m.empty |= b2u(empty) << n
		}
	}
}

// b2u is 1 for true, 0 for false.
func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// lacks names the first required property missing, or null or empty where it may not
// be; nil if none.
func (s *shape) lacks(m seen) *shapeError {
	for n, r := range s.required {
		switch bit := uint64(1) << n; {
		case m.present&bit == 0:
			return s.fail("required property " + strconv.Quote(r.name) + s.of() + " is missing")
		case m.null&bit != 0 && !r.nullable:
			return s.fail("required property " + strconv.Quote(r.name) + s.of() + " is null")
		case m.empty&bit != 0 && r.nonEmpty:
			return s.fail("required property " + strconv.Quote(r.name) + s.of() + " is empty")
		}
	}
	return nil
}

// of is " of RoomSession", or "" for an inline schema.
func (s *shape) of() string {
	if s.name == "" {
		return ""
	}
	return " of " + s.name
}

// fail returns the error about the value checked.
func (s *shape) fail(what string) *shapeError {
	return &shapeError{what: what}
}

// kind names the JSON value starting at b[i]: "null", "a string", ...
func kind(b []byte, i int) string {
	if i >= len(b) {
		return "nothing"
	}
	switch b[i] {
	case 'n':
		return "null"
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return "a number"
	}
	return strconv.QuoteRune(rune(b[i]))
}

// skipSpace returns the index of the first byte at or after i that is not JSON
// whitespace.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// endString returns the index just past the JSON string starting at b[i], or -1.
func endString(b []byte, i int) int {
	if i >= len(b) || b[i] != '"' {
		return -1
	}
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

// endValue returns the index just past the JSON value starting at b[i], or -1.
func endValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return endString(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				end := endString(b, i)
				if end < 0 {
					return -1
				}
				i = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
		return -1
	}
	start := i
	for i < len(b) && !strings.ContainsRune(",}] \t\r\n", rune(b[i])) {
		i++
	}
	if i == start {
		return -1
	}
	return i
}

// unquote returns the JSON string q unescaped; one without escapes or control characters
// is copied as it is.
func unquote(q []byte) (string, bool) {
	if len(q) >= 2 && q[0] == '"' && !bytes.ContainsFunc(q[1:], func(r rune) bool { return r < ' ' || r == '\\' }) {
		return string(q[1 : len(q)-1]), endString(q, 0) == len(q)
	}
	var s string
	err := json.Unmarshal(q, &s)
	return s, err == nil
}
