package telnyx

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// This file checks an answer against what api/openapi.yaml requires of it: the required
// properties of every object, down to the items of its arrays. The requirements are
// generated from the spec into required.gen.go (answerShapes) by `make generate`; nothing
// here names a property.

// operationIDs names the operationId of api/openapi.yaml of each operation whose answer
// is decoded (the actions' answers are their status).
var operationIDs = map[string]string{
	opListSessions.name:     "ListRoomSessions",
	opGetSession.name:       "ViewRoomSession",
	opListParticipants.name: "ListRoomParticipants",
}

// answerShape returns what the spec requires of op's answer; nothing for an unknown op.
func answerShape(op operation) *shape {
	return answerShapes[operationIDs[op.name]]
}

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
// requires, and where (nil when it lacks nothing). b is valid JSON when encoding/json
// hands it over; anything else is reported, never a panic. It allocates only to report.
func (s *shape) check(b []byte) error {
	if err := s.find(b); err != nil {
		return err
	}
	return nil
}

// find is check returning the concrete error, its place relative to b.
func (s *shape) find(b []byte) *shapeError {
	if s == nil || len(s.required) == 0 && len(s.props) == 0 && s.items == nil {
		return nil
	}
	i := skipSpace(b, 0)
	if s.items != nil {
		return s.checkArray(b, i)
	}
	return s.checkObject(b, i)
}

// checkArray checks each element of the array starting at b[i].
func (s *shape) checkArray(b []byte, i int) *shapeError {
	if i >= len(b) || b[i] != '[' {
		return s.fail("want an array, got " + kind(b, i))
	}
	i = skipSpace(b, i+1)
	for n := 0; i < len(b) && b[i] != ']'; n++ {
		end := endValue(b, i)
		if end < 0 {
			return s.fail("not JSON")
		}
		if err := s.items.find(b[i:end]); err != nil {
			err.under("[" + strconv.Itoa(n) + "]")
			return err
		}
		i = skipSpace(b, end)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
	return nil
}

// checkObject checks the object starting at b[i]: its required properties, then the
// requirements of its properties' values.
func (s *shape) checkObject(b []byte, i int) *shapeError {
	if i >= len(b) || b[i] != '{' {
		return s.fail("want an object, got " + kind(b, i))
	}
	var present, null, empty uint64 // bit n: required property n
	i = skipSpace(b, i+1)
	for i < len(b) && b[i] != '}' {
		kend := endString(b, i)
		if kend < 0 {
			return s.fail("not JSON")
		}
		key := b[i+1 : kend-1]
		var unescaped string // set only for a key holding an escape
		if bytes.IndexByte(key, '\\') >= 0 {
			var ok bool
			if unescaped, ok = unquote(b[i:kend]); !ok {
				return s.fail("not JSON")
			}
		}
		i = skipSpace(b, kend)
		if i >= len(b) || b[i] != ':' {
			return s.fail("not JSON")
		}
		vstart := skipSpace(b, i+1)
		vend := endValue(b, vstart)
		if vend < 0 {
			return s.fail("not JSON")
		}
		val := b[vstart:vend]
		isNull := string(val) == "null"
		for n, r := range s.required {
			if unescaped == r.name || unescaped == "" && string(key) == r.name {
				present |= 1 << n
				switch {
				case isNull:
					null |= 1 << n
				case string(val) == `""`:
					empty |= 1 << n
				}
			}
		}
		if sub := s.lookup(key, unescaped); sub != nil && !isNull {
			if err := sub.find(val); err != nil {
				name := unescaped
				if name == "" {
					name = string(key)
				}
				err.under(name)
				return err
			}
		}
		i = skipSpace(b, vend)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
	return s.lacks(present, null, empty)
}

// lacks names the first required property (bit n: s.required[n]) missing, or null or
// empty where it may not be; nil if none.
func (s *shape) lacks(present, null, empty uint64) *shapeError {
	for n, r := range s.required {
		switch bit := uint64(1) << n; {
		case present&bit == 0:
			return s.fail("required property " + strconv.Quote(r.name) + s.of() + " is missing")
		case null&bit != 0 && !r.nullable:
			return s.fail("required property " + strconv.Quote(r.name) + s.of() + " is null")
		case empty&bit != 0 && r.nonEmpty:
			return s.fail("required property " + strconv.Quote(r.name) + s.of() + " is empty")
		}
	}
	return nil
}

// lookup returns the requirements of the value of the property key (unescaped when
// the key held an escape), or nil.
func (s *shape) lookup(key []byte, unescaped string) *shape {
	if s.props == nil {
		return nil
	}
	if unescaped != "" {
		return s.props[unescaped]
	}
	return s.props[string(key)] // no allocation: the compiler looks up without converting
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
	switch c := b[i]; {
	case c == 'n':
		return "null"
	case c == '"':
		return "a string"
	case c == '{':
		return "an object"
	case c == '[':
		return "an array"
	case c == 't' || c == 'f':
		return "a boolean"
	default:
		return "a number"
	}
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

// unquote returns the JSON string q unescaped.
func unquote(q []byte) (string, bool) {
	var s string
	err := json.Unmarshal(q, &s)
	return s, err == nil
}
