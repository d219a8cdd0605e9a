package jsonstream

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
)

// Shape is what a JSON value must hold: of an object, the properties it must hold and
// what some properties' values require; of an array, what each item requires.
type Shape struct {
	Name     string            // the schema's name, for errors; "" for an inline schema
	Required []Prop            // of an object: properties it must hold (at most 64)
	Props    map[string]*Shape // of an object: properties whose values have requirements of their own
	Items    *Shape            // of an array: what each element requires
}

// Prop is a property an object must hold.
type Prop struct {
	Name     string
	Nullable bool // it may be null
	NonEmpty bool // it may not be "" (a string with a format: uuid, date-time)
}

// ErrShape matches every error saying that a value lacks what its Shape requires.
var ErrShape = errors.New("lacks what its shape requires")

// shapeError is a value lacking what its Shape requires: where names the place in the
// value (data[3].participants[0]), what says what is wrong.
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

// Is makes errors.Is(err, ErrShape) true.
func (e *shapeError) Is(target error) bool { return target == ErrShape }

// Check returns an error naming the first thing b, one JSON value, lacks of what s
// requires, and where; nil when it lacks nothing. It never panics, and allocates only to report.
func (s *Shape) Check(b []byte) error {
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
func (s *Shape) empty() bool {
	return s == nil || len(s.Required) == 0 && len(s.Props) == 0 && s.Items == nil
}

// walk returns the end of the JSON value at b[i:] once it holds what s requires, in one
// pass; -1 and no error when b ends before the value does (or for a literal: may).
func (s *Shape) walk(b []byte, i int) (int, *shapeError) {
	switch {
	case s.empty():
		return endValue(b, i), nil
	case i >= len(b):
		return -1, nil
	case s.Items != nil:
		return s.walkArray(b, i)
	}
	return s.walkObject(b, i)
}

// walkArray walks the array at b[i], each element holding what s.Items requires.
func (s *Shape) walkArray(b []byte, i int) (int, *shapeError) {
	if b[i] != '[' {
		return -1, s.fail("want an array, got " + kind(b, i))
	}
	for n, i := 0, skipSpace(b, i+1); i < len(b); n++ {
		if b[i] == ']' {
			return i + 1, nil
		}
		end, err := s.Items.walk(b, i)
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
func (s *Shape) walkObject(b []byte, i int) (int, *shapeError) {
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
		sub := s.Props[name]
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
func (m *seen) mark(s *Shape, name string, null, empty bool) {
	for n, r := range s.Required {
		if r.Name == name {
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
func (s *Shape) lacks(m seen) *shapeError {
	for n, r := range s.Required {
		switch bit := uint64(1) << n; {
		case m.present&bit == 0:
			return s.fail("required property " + strconv.Quote(r.Name) + s.of() + " is missing")
		case m.null&bit != 0 && !r.Nullable:
			return s.fail("required property " + strconv.Quote(r.Name) + s.of() + " is null")
		case m.empty&bit != 0 && r.NonEmpty:
			return s.fail("required property " + strconv.Quote(r.Name) + s.of() + " is empty")
		}
	}
	return nil
}

// of is " of RoomSession", or "" for an inline schema.
func (s *Shape) of() string {
	if s.Name == "" {
		return ""
	}
	return " of " + s.Name
}

// fail returns the error about the value checked.
func (s *Shape) fail(what string) *shapeError {
	return &shapeError{what: what}
}
