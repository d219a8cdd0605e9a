package telnyxtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// This file decodes the JSON the admin API and --seed take, strictly: valid UTF-8, a
// bounded depth, no unknown field, no wrong type. Errors name the field by its JSON
// pointer and speak JSON ("must be true or false"), never Go.

// maxJSONDepth bounds how deeply the admin API's JSON may nest. Its deepest shape, an
// array of sessions with participants, needs 4.
const maxJSONDepth = 16

// parseJSON reads data as exactly one JSON value, numbers kept as json.Number.
func parseJSON(data []byte) (any, *fieldError) {
	if !utf8.Valid(data) {
		return nil, &fieldError{detail: "the body is not valid UTF-8"}
	}
	if d := jsonDepth(data); d > maxJSONDepth {
		return nil, &fieldError{detail: fmt.Sprintf("the JSON nests deeper than %d levels", maxJSONDepth)}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, &fieldError{detail: "the body is not valid JSON: " + jsonSyntaxDetail(err)}
	}
	if dec.More() {
		return nil, &fieldError{detail: "the body holds more than one JSON value"}
	}
	if _, err := dec.Token(); err == nil {
		return nil, &fieldError{detail: "the body holds more than one JSON value"}
	}
	return v, nil
}

// jsonSyntaxDetail describes a decoding error without Go's vocabulary.
func jsonSyntaxDetail(err error) string {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("%s (at byte %d)", strings.TrimPrefix(se.Error(), "json: "), se.Offset)
	case err.Error() == "EOF":
		return "it is empty"
	case err.Error() == "unexpected EOF":
		return "it ends too early"
	}
	return "it cannot be parsed"
}

// jsonDepth returns the deepest nesting of arrays and objects in data, stopping as soon
// as it passes maxJSONDepth.
func jsonDepth(data []byte) int {
	depth, deepest := 0, 0
	inString, escaped := false, false
	for _, c := range data {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
			if depth > deepest {
				deepest = depth
				if deepest > maxJSONDepth {
					return deepest
				}
			}
		case c == ']' || c == '}':
			depth--
		}
	}
	return deepest
}

// decodeSessionsJSON decodes a session object (when objectOK) or an array of them.
// array reports which it was.
func decodeSessionsJSON(data []byte, objectOK bool) (sessions []Session, array bool, _ *fieldError) {
	v, ferr := parseJSON(data)
	if ferr != nil {
		return nil, false, ferr
	}
	switch x := v.(type) {
	case map[string]any:
		if !objectOK {
			return nil, false, &fieldError{detail: "want a JSON array of sessions, not an object; put it in [ ]"}
		}
		s, ferr := decodeSession(x, "")
		if ferr != nil {
			return nil, false, ferr
		}
		return []Session{s}, false, nil
	case []any:
		out := make([]Session, 0, len(x))
		for i, item := range x {
			ptr := "/" + strconv.Itoa(i)
			m, ok := item.(map[string]any)
			if !ok {
				return nil, true, &fieldError{pointer: ptr, detail: "must be a session object, not " + jsonKind(item)}
			}
			s, ferr := decodeSession(m, ptr)
			if ferr != nil {
				return nil, true, ferr
			}
			out = append(out, s)
		}
		return out, true, nil
	}
	want := "a session object or an array of them"
	if !objectOK {
		want = "an array of session objects"
	}
	return nil, false, &fieldError{detail: "want " + want + ", not " + jsonKind(v)}
}

// decodeSession decodes one session object at pointer ptr. "active" defaults to true
// unless "ended_at" is given.
func decodeSession(m map[string]any, ptr string) (Session, *fieldError) {
	var s Session
	if ferr := decodeObject(m, ptr, reflect.ValueOf(&s).Elem()); ferr != nil {
		return Session{}, ferr
	}
	if v, given := m["active"]; !given || v == nil {
		s.Active = s.EndedAt.IsZero()
	}
	return s, nil
}

// decodeParticipant decodes one participant object at pointer ptr.
func decodeParticipant(m map[string]any, ptr string) (Participant, *fieldError) {
	var p Participant
	ferr := decodeObject(m, ptr, reflect.ValueOf(&p).Elem())
	return p, ferr
}

var timeType = reflect.TypeFor[time.Time]()

// jsonFields returns the JSON names of the fields of the struct type t, in order.
func jsonFields(t reflect.Type) map[string]int {
	out := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out[name] = i
		}
	}
	return out
}

// decodeObject sets the fields of the struct dst from m, by their JSON names. A key
// that names no field, or a value of the wrong type, is an error at its pointer. A
// null leaves the field at its zero value (absent).
func decodeObject(m map[string]any, ptr string, dst reflect.Value) *fieldError {
	fields := jsonFields(dst.Type())
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the first error is the same every time
	for _, k := range keys {
		i, ok := fields[k]
		fptr := ptr + "/" + escapePointer(k)
		if !ok {
			names := make([]string, 0, len(fields))
			for n := range fields {
				names = append(names, n)
			}
			slices.Sort(names)
			return &fieldError{pointer: fptr, detail: fmt.Sprintf("unknown field %q; the fields are %s", k, strings.Join(names, ", "))}
		}
		if m[k] == nil {
			continue
		}
		if ferr := decodeValue(m[k], fptr, dst.Field(i)); ferr != nil {
			return ferr
		}
	}
	return nil
}

// decodeValue sets dst from the JSON value v.
func decodeValue(v any, ptr string, dst reflect.Value) *fieldError {
	wrong := func(want string) *fieldError {
		return &fieldError{pointer: ptr, detail: "must be " + want + ", not " + jsonKind(v)}
	}
	switch {
	case dst.Kind() == reflect.Pointer:
		// An optional property whose zero means something (a *bool, a *int): the value
		// given, false and 0 included, is kept apart from absent (null or no key).
		p := reflect.New(dst.Type().Elem())
		if ferr := decodeValue(v, ptr, p.Elem()); ferr != nil {
			return ferr
		}
		dst.Set(p)
	case dst.Type() == timeType:
		s, ok := v.(string)
		if !ok {
			return wrong("a time as an RFC 3339 string such as \"2021-04-16T09:46:20.954863Z\"")
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return &fieldError{pointer: ptr, detail: fmt.Sprintf("%q is not an RFC 3339 time such as \"2021-04-16T09:46:20.954863Z\"", truncateText(s))}
		}
		dst.Set(reflect.ValueOf(t))
	case dst.Kind() == reflect.String:
		s, ok := v.(string)
		if !ok {
			return wrong("a string")
		}
		dst.SetString(s)
	case dst.Kind() == reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			return wrong("true or false")
		}
		dst.SetBool(b)
	case dst.Kind() >= reflect.Int && dst.Kind() <= reflect.Int64:
		n, ok := v.(json.Number)
		if !ok {
			return wrong("an integer")
		}
		i, err := strconv.ParseInt(n.String(), 10, 64)
		if err != nil || dst.OverflowInt(i) {
			return &fieldError{pointer: ptr, detail: fmt.Sprintf("%s is not an integer in range", truncateText(n.String()))}
		}
		dst.SetInt(i)
	case dst.Kind() == reflect.Float32 || dst.Kind() == reflect.Float64:
		n, ok := v.(json.Number)
		if !ok {
			return wrong("a number")
		}
		f, err := strconv.ParseFloat(n.String(), 64)
		if err != nil || dst.OverflowFloat(f) {
			return &fieldError{pointer: ptr, detail: fmt.Sprintf("%s is not a number in range", truncateText(n.String()))}
		}
		dst.SetFloat(f)
	case dst.Kind() == reflect.Slice && dst.Type().Elem().Kind() == reflect.Struct:
		items, ok := v.([]any)
		if !ok {
			return wrong("an array of objects")
		}
		out := reflect.MakeSlice(dst.Type(), len(items), len(items))
		for i, item := range items {
			m, ok := item.(map[string]any)
			iptr := ptr + "/" + strconv.Itoa(i)
			if !ok {
				return &fieldError{pointer: iptr, detail: "must be an object, not " + jsonKind(item)}
			}
			if ferr := decodeObject(m, iptr, out.Index(i)); ferr != nil {
				return ferr
			}
		}
		dst.Set(out)
	default:
		// A property of a type the admin API does not take yet: say so rather than guess.
		return &fieldError{pointer: ptr, detail: "this field cannot be set through the admin API"}
	}
	return nil
}

// jsonKind names the JSON type of v, for errors.
func jsonKind(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	default:
		return fmt.Sprintf("%v", x)
	}
}

// escapePointer escapes a key for a JSON pointer (RFC 6901).
func escapePointer(k string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(k)
}

// truncateText shortens s for an error message.
func truncateText(s string) string {
	if len(s) <= 64 {
		return s
	}
	cut := 64
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// objectOf returns v as an object, or an error at ptr saying what it is instead.
func objectOf(v any, ptr, what string) (map[string]any, *fieldError) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &fieldError{pointer: ptr, detail: "want " + what + " object, not " + jsonKind(v)}
	}
	return m, nil
}

// checkKeys returns an error for the first key of m (in sorted order) not among allowed.
func checkKeys(m map[string]any, ptr string, allowed ...string) *fieldError {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(allowed, k) {
			sorted := slices.Clone(allowed)
			slices.Sort(sorted)
			return &fieldError{pointer: ptr + "/" + escapePointer(k), detail: fmt.Sprintf("unknown field %q; the fields are %s", k, strings.Join(sorted, ", "))}
		}
	}
	return nil
}

// stringField reads m[k] as a string ("" when absent or null).
func stringField(m map[string]any, k string) (string, *fieldError) {
	switch v := m[k].(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	default:
		return "", &fieldError{pointer: "/" + escapePointer(k), detail: "must be a string, not " + jsonKind(v)}
	}
}

// boolField reads m[k] as a boolean (false when absent or null).
func boolField(m map[string]any, k string) (bool, *fieldError) {
	switch v := m[k].(type) {
	case nil:
		return false, nil
	case bool:
		return v, nil
	default:
		return false, &fieldError{pointer: "/" + escapePointer(k), detail: "must be true or false, not " + jsonKind(v)}
	}
}

// intField reads m[k] as an integer in [lo, hi] (0 when absent or null).
func intField(m map[string]any, k string, lo, hi int64) (int64, *fieldError) {
	ptr := "/" + escapePointer(k)
	switch v := m[k].(type) {
	case nil:
		return 0, nil
	case json.Number:
		i, err := strconv.ParseInt(v.String(), 10, 64)
		if err != nil {
			if f, ferr := strconv.ParseFloat(v.String(), 64); ferr == nil && f == math.Trunc(f) && f >= float64(lo) && f <= float64(hi) {
				return int64(f), nil // 1e3, 2.0
			}
			return 0, &fieldError{pointer: ptr, detail: fmt.Sprintf("must be a whole number from %d to %d, not %s", lo, hi, truncateText(v.String()))}
		}
		if i < lo || i > hi {
			return 0, &fieldError{pointer: ptr, detail: fmt.Sprintf("must be from %d to %d, not %d", lo, hi, i)}
		}
		return i, nil
	default:
		return 0, &fieldError{pointer: ptr, detail: fmt.Sprintf("must be a whole number from %d to %d, not %s", lo, hi, jsonKind(v))}
	}
}
