// Package shapetest checks JSON against a [jsonstream.Shape] the slow, obvious way
// (through encoding/json's generic values), as a reference for the tests of the
// streaming checker and of the shapes generated from the spec.
package shapetest

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/roomsessions/telnyx-go/internal/jsonstream"
)

// Expect fails t unless checking answer (valid JSON) against s finds what want says:
// nothing when want is "", else an error matching [jsonstream.ErrShape] whose text holds
// want; and unless [Reference] agrees.
func Expect(t testing.TB, s *jsonstream.Shape, answer, want string) {
	t.Helper()
	if !json.Valid([]byte(answer)) {
		t.Fatalf("the test's answer is not JSON: %s", answer)
	}
	err := s.Check([]byte(answer))
	switch {
	case want == "" && err != nil:
		t.Fatalf("check: %v, want nil", err)
	case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
		t.Fatalf("check: %v, want an error containing %q", err, want)
	case err != nil && !errors.Is(err, jsonstream.ErrShape):
		t.Fatalf("check: %v does not match ErrShape", err)
	}
	if got := Reference(s, []byte(answer)); (got == "") != (err == nil) {
		t.Fatalf("the reference check says %q, check says %v", got, err)
	}
}

// Agrees fails t unless checking b against s agrees with [Reference] (b being valid JSON
// without a repeated key: encoding/json keeps the last one), and never panics.
func Agrees(t testing.TB, s *jsonstream.Shape, b []byte) {
	t.Helper()
	err := s.Check(b)
	if !json.Valid(b) || hasDuplicateKeys(b) {
		return
	}
	if ref := Reference(s, b); (ref == "") != (err == nil) {
		t.Fatalf("%s: check says %v, the reference %q", b, err, ref)
	}
}

// Reference is what [jsonstream.Shape.Check] must find in b: "" when b holds what s
// requires, else a reason.
func Reference(s *jsonstream.Shape, b []byte) string {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return "not JSON"
	}
	return value(s, v)
}

// value is Reference for a decoded value.
func value(s *jsonstream.Shape, v any) string {
	if s == nil || len(s.Required) == 0 && len(s.Props) == 0 && s.Items == nil {
		return ""
	}
	if s.Items != nil {
		arr, ok := v.([]any)
		if !ok {
			return "not an array"
		}
		for _, e := range arr {
			if r := value(s.Items, e); r != "" {
				return r
			}
		}
		return ""
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return "not an object"
	}
	for _, r := range s.Required {
		val, ok := obj[r.Name]
		switch {
		case !ok:
			return r.Name + " missing"
		case val == nil && !r.Nullable:
			return r.Name + " null"
		case val == "" && r.NonEmpty:
			return r.Name + " empty"
		}
	}
	for k, sub := range s.Props {
		if val, ok := obj[k]; ok && val != nil {
			if r := value(sub, val); r != "" {
				return r
			}
		}
	}
	return ""
}

// Without returns the JSON object obj without its property key, which it must have.
func Without(t testing.TB, obj, key string) string {
	t.Helper()
	m := object(t, obj)
	if _, ok := m[key]; !ok {
		t.Fatalf("%s has no %q", obj, key)
	}
	delete(m, key)
	return marshal(t, m)
}

// With returns the JSON object obj with its property key set to the JSON value v.
func With(t testing.TB, obj, key, v string) string {
	t.Helper()
	m := object(t, obj)
	m[key] = json.RawMessage(v)
	return marshal(t, m)
}

// object decodes the JSON object obj.
func object(t testing.TB, obj string) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(obj), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// marshal encodes m.
func marshal(t testing.TB, m map[string]json.RawMessage) string {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// hasDuplicateKeys reports whether some object of the valid JSON b repeats a key.
func hasDuplicateKeys(b []byte) bool {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	type frame struct {
		obj  bool
		keys map[string]bool
		key  bool // the next string of an object is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		isKey := top != nil && top.obj && top.key
		if top != nil && top.obj {
			top.key = !top.key
		}
		switch tok := tok.(type) {
		case json.Delim:
			switch tok {
			case '{':
				stack = append(stack, &frame{obj: true, keys: map[string]bool{}, key: true})
			case '[':
				stack = append(stack, &frame{})
			default:
				stack = stack[:len(stack)-1]
				if len(stack) > 0 && stack[len(stack)-1].obj {
					stack[len(stack)-1].key = true
				}
			}
		case string:
			if isKey {
				if top.keys[tok] {
					return true
				}
				top.keys[tok] = true
			}
		}
	}
}
