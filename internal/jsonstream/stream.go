// Package jsonstream reads the JSON values of a body as they stream, within a cap, and
// checks them against a [Shape] (the properties its objects must hold) on the way.
//
// The bound: a [Stream] reads at most limit+1 bytes, through one buffer holding at most
// limit/4 unconsumed bytes. A value over a quarter of the cap, or a body over the cap,
// is refused with [ErrTooLarge]; the buffer's growth costs about half the cap, so
// refusing an oversized body costs under twice the cap, what the caller decoded included.
//
// The check: [Stream.Value] and [Shape.Check] find the end of a value and check it in
// one pass, allocating only to report; an error names the place of what lacks, such as
// `data[3].participants[0]: required property "id" of RoomParticipant is missing`.
package jsonstream

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

var (
	// ErrTooLarge matches the error of a body over the cap, or of one value over a
	// quarter of it.
	ErrTooLarge = errors.New("response body too large")
	// ErrTooMany is [Array]'s error for an array of more items than it may hold.
	ErrTooMany = errors.New("too many items")
)

// Stream reads a body as JSON values through one buffer holding at most a quarter of
// the cap unconsumed. Each value is found and checked by the scanner, then decoded once.
type Stream struct {
	r        io.Reader
	buf      []byte // buf[pos:] is read and not consumed
	pos      int
	read     int64 // bytes read from r
	limit    int64 // the cap on the body
	valueMax int   // the most buf holds
	eof      bool
	err      error // the body is too large, or the reader failed: every read fails so
	re       redecoder
}

// New returns the Stream of r, capped at limit bytes.
func New(r io.Reader, limit int64) *Stream {
	return &Stream{r: r, limit: limit, valueMax: int(limit / 4)}
}

// Err is the error that ends every read: the body over the cap ([ErrTooLarge]) or the
// reader's own. It is nil for a body that reads well, malformed or not.
func (s *Stream) Err() error { return s.err }

// more reads at least as many bytes as are unconsumed, so rescanning a value that
// arrives in small pieces stays linear, within the cap and the bound on one value.
func (s *Stream) more() error {
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
		s.err = fmt.Errorf("%w (one value over %d bytes)", ErrTooLarge, s.valueMax)
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
		s.err = fmt.Errorf("%w (over %d bytes)", ErrTooLarge, s.limit)
	case err == io.EOF:
		s.eof = true
	case err != nil:
		s.err = err
	}
	return s.err
}

// peek returns the next byte that is not whitespace, without consuming it.
func (s *Stream) peek() (byte, error) {
	for {
		if s.pos = skipSpace(s.buf, s.pos); s.pos < len(s.buf) {
			return s.buf[s.pos], nil
		}
		if err := s.more(); err != nil {
			return 0, err
		}
	}
}

// End checks that only whitespace follows the value, to the end of the body (so the
// connection is reused), through the buffer already held: constant memory.
func (s *Stream) End() error {
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
func (s *Stream) expect(c byte) error {
	got, err := s.peek()
	if err == nil && got != c {
		err = fmt.Errorf("want %q at offset %d, got %q", c, s.offset(), got)
	}
	s.pos++
	return err
}

// offset is the offset in the body of the next unconsumed byte.
func (s *Stream) offset() int64 { return s.read - int64(len(s.buf)-s.pos) }

// Value consumes the next JSON value and returns it whole, valid until the next read,
// once it holds what sh requires (a null is returned for the caller to judge). Whether
// it is valid JSON is for the decoder to judge.
func (s *Stream) Value(sh *Shape) ([]byte, error) {
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

// Decode decodes v, a value of s, into out; null leaves out as it is.
func (s *Stream) Decode(v []byte, out any) error {
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

// noShape requires nothing.
var noShape Shape

// Object consumes an object, calling f with each property's name and what sh requires
// of its value (nil: nothing); f consumes the value and says whether it was null. Then
// the first required property of sh missing, or null where it may not be, is the error.
func (s *Stream) Object(sh *Shape, f func(key string, sub *Shape) (null bool, err error)) error {
	if sh == nil {
		sh = &noShape
	}
	if c, err := s.peek(); err != nil || c != '{' {
		if err == nil {
			err = &shapeError{what: "want an object, got " + kind(s.buf, s.pos)}
		}
		return err
	}
	s.pos++
	var m seen
	for n := 0; ; n++ {
		if c, err := s.peek(); err != nil || c == '}' {
			s.pos++
			if err != nil {
				return err
			}
			if lack := sh.lacks(m); lack != nil {
				return lack
			}
			return nil
		}
		if n > 0 {
			if err := s.expect(','); err != nil {
				return err
			}
		}
		k, err := s.Value(nil)
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
		null, err := f(key, sh.Props[key])
		if err != nil {
			return under(err, key)
		}
		m.mark(sh, key, null, false)
	}
}

// Array decodes a JSON array (or null) item by item into *out (appending to (*out)[:0],
// so a caller may size it), each item holding what sh.Items requires (sh nil: nothing);
// an array of more than max items is [ErrTooMany].
func Array[T any](s *Stream, out *[]T, max int, sh *Shape) (null bool, err error) {
	var items *Shape
	if sh != nil {
		items = sh.Items
	}
	if c, err := s.peek(); err != nil || c != '[' {
		v, err := s.Value(nil)
		if err == nil && string(v) != "null" {
			err = fmt.Errorf("want an array, got %s", kind(v, 0))
		}
		return err == nil, err
	}
	s.pos++
	got := (*out)[:0]
	if cap(got) == 0 {
		got = make([]T, 0, 16)
	}
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
			return false, ErrTooMany
		}
		got = append(got, *new(T))
		v, err := s.Value(items)
		if err == nil && string(v) == "null" && items != nil {
			err = &shapeError{what: "want an object, got null"}
		} else if err == nil {
			err = s.Decode(v, &got[len(got)-1])
		}
		if err != nil {
			return false, under(err, "["+strconv.Itoa(len(got)-1)+"]")
		}
	}
}

// under puts a shapeError's place under seg; other errors pass unchanged.
func under(err error, seg string) error {
	if se := (*shapeError)(nil); errors.As(err, &se) {
		se.under(seg)
	}
	return err
}
