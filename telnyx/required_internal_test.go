package telnyx

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// A whole session as the API sends it, with participants; %s is replaced by extra
// properties or left empty.
const (
	okParticipant = `{"id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777f0","session_id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777b0","context":"Alice","joined_at":"2021-03-26T17:51:59.588408Z","updated_at":"2021-03-26T17:51:59.588408Z","record_type":"room_participant"}`
	okSession     = `{"id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777b0","room_id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777b1","active":false,"created_at":"2021-03-26T17:51:59.588408Z","updated_at":"2021-03-26T17:51:59.588408Z","ended_at":null,"record_type":"room_session","participants":[` + okParticipant + `]}`
	okMeta        = `{"page_number":1,"page_size":20,"total_pages":1,"total_results":1}`
)

// without returns the JSON object obj without its property key.
func without(t *testing.T, obj, key string) string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(obj), &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m[key]; !ok {
		t.Fatalf("%s has no %q", obj, key)
	}
	delete(m, key)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// with returns the JSON object obj with its property key set to the JSON value v.
func with(t *testing.T, obj, key, v string) string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(obj), &m); err != nil {
		t.Fatal(err)
	}
	m[key] = json.RawMessage(v)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestAnswerShapes(t *testing.T) {
	t.Parallel()
	get := answerShapes["ViewRoomSession"]
	list := answerShapes["ListRoomSessions"]
	parts := answerShapes["ListRoomParticipants"]
	if get == nil || list == nil || parts == nil {
		t.Fatalf("required.gen.go lacks a read operation of the spec: %v", answerShapes)
	}
	noParticipants := without(t, okSession, "participants")
	tests := []struct {
		name   string
		shape  *shape
		answer string
		want   string // "" when the answer holds everything required; else a part of the error
	}{
		{"get", get, `{"data":` + okSession + `}`, ""},
		{"get without participants", get, `{"data":` + noParticipants + `}`, ""},
		{"get with unknown properties", get, `{"x":[{"id":null}],"data":` + with(t, okSession, "new", `{"a":[1,"]"]}`) + `}`, ""},
		{"get of {}", get, `{}`, `required property "data" of RoomSessionResponse is missing`},
		{"get of null", get, `null`, `want an object, got null`},
		{"get of an array", get, ` [] `, `want an object, got an array`},
		{"get of data null", get, `{"data":null}`, `required property "data" of RoomSessionResponse is null`},
		{"get of data {}", get, `{"data":{}}`, `data: required property "id" of RoomSession is missing`},
		{"get of data a string", get, `{"data":"x"}`, `data: want an object, got a string`},
		{"get without id", get, `{"data":` + without(t, okSession, "id") + `}`, `data: required property "id" of RoomSession is missing`},
		{"get with an empty id", get, `{"data":` + with(t, okSession, "id", `""`) + `}`, `data: required property "id" of RoomSession is empty`},
		{"get with a null id", get, `{"data":` + with(t, okSession, "id", `null`) + `}`, `data: required property "id" of RoomSession is null`},
		{"get without active", get, `{"data":` + without(t, okSession, "active") + `}`, `data: required property "active" of RoomSession is missing`},
		{"get without created_at", get, `{"data":` + without(t, okSession, "created_at") + `}`, `"created_at" of RoomSession is missing`},
		{"get without record_type", get, `{"data":` + without(t, okSession, "record_type") + `}`, `"record_type" of RoomSession is missing`},
		{"get with escaped keys", get, `{"d\u0061ta":` + strings.Replace(okSession, `"id":`, `"i\u0064":`, 1) + `}`, ""},
		{"get with a participant without id", get, `{"data":` + with(t, okSession, "participants", `[`+okParticipant+`,`+without(t, okParticipant, "id")+`]`) + `}`, `data.participants[1]: required property "id" of RoomParticipant is missing`},
		{"get with a participant not an object", get, `{"data":` + with(t, okSession, "participants", `[1]`) + `}`, `data.participants[0]: want an object, got a number`},
		{"get with participants null", get, `{"data":` + with(t, okSession, "participants", `null`) + `}`, ""},
		{"list", list, `{"data":[` + okSession + `,` + noParticipants + `],"meta":` + okMeta + `}`, ""},
		{"list, empty", list, `{"data":[],"meta":` + okMeta + `}`, ""},
		{"list of {}", list, `{}`, `required property "data" of RoomSessionList is missing`},
		{"list of data []", list, `{"data":[]}`, `required property "meta" of RoomSessionList is missing`},
		{"list of data null", list, `{"data":null,"meta":` + okMeta + `}`, `required property "data" of RoomSessionList is null`},
		{"list of data {}", list, `{"data":{},"meta":` + okMeta + `}`, `data: want an array, got an object`},
		{"list with an item without id", list, `{"data":[` + okSession + `,` + without(t, okSession, "id") + `],"meta":` + okMeta + `}`, `data[1]: required property "id" of RoomSession is missing`},
		{"list with meta {}", list, `{"data":[],"meta":{}}`, `meta: required property "page_number" of PaginationMeta is missing`},
		{"list without total_results", list, `{"data":[],"meta":` + without(t, okMeta, "total_results") + `}`, `meta: required property "total_results" of PaginationMeta is missing`},
		{"participants", parts, "{\n\t\"data\" : [ " + okParticipant + " ] ,\r\n \"meta\" : " + okMeta + " }\n", ""},
		{"participants without session_id", parts, `{"data":[` + without(t, okParticipant, "session_id") + `],"meta":` + okMeta + `}`, `data[0]: required property "session_id" of RoomParticipant is missing`},
		{"participants with a string holding brackets", parts, `{"data":[` + with(t, okParticipant, "context", `"]}\"{["`) + `],"meta":` + okMeta + `}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if !json.Valid([]byte(tt.answer)) {
				t.Fatalf("the test's answer is not JSON: %s", tt.answer)
			}
			err := tt.shape.check([]byte(tt.answer))
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("check: %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("check: %v, want an error containing %q", err, tt.want)
			case err != nil && !errors.Is(err, errShape):
				t.Fatalf("check: %v does not match errShape", err)
			}
			if got := referenceCheck(tt.shape, []byte(tt.answer)); (got == "") != (err == nil) {
				t.Fatalf("the reference check says %q, check says %v", got, err)
			}
		})
	}
}

// A required property the spec allows to be null may be null, not missing.
func TestShapeNullable(t *testing.T) {
	t.Parallel()
	s := &shape{name: "T", required: []requiredProp{{name: "a", nullable: true}}}
	if err := s.check([]byte(`{"a":null}`)); err != nil {
		t.Errorf("null: %v", err)
	}
	if err := s.check([]byte(`{"b":1}`)); err == nil || !strings.Contains(err.Error(), `"a" of T is missing`) {
		t.Errorf("missing: %v", err)
	}
}

// Checking an answer that needs no check costs no allocation.
func TestShapeCheckAllocations(t *testing.T) {
	answer := []byte(`{"data":[` + okSession + `,` + okSession + `],"meta":` + okMeta + `}`)
	s := answerShapes["ListRoomSessions"]
	if n := testing.AllocsPerRun(100, func() { _ = s.check(answer) }); n != 0 {
		t.Errorf("check of a good page: %v allocations, want 0", n)
	}
}

// referenceCheck is what check must find, computed another way (through
// encoding/json's generic values): "" when v holds what s requires, else a reason.
func referenceCheck(s *shape, b []byte) string {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return "not JSON"
	}
	return referenceValue(s, v)
}

func referenceValue(s *shape, v any) string {
	if s == nil || len(s.required) == 0 && len(s.props) == 0 && s.items == nil {
		return ""
	}
	if s.items != nil {
		arr, ok := v.([]any)
		if !ok {
			return "not an array"
		}
		for _, e := range arr {
			if r := referenceValue(s.items, e); r != "" {
				return r
			}
		}
		return ""
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return "not an object"
	}
	for _, r := range s.required {
		val, ok := obj[r.name]
		switch {
		case !ok:
			return r.name + " missing"
		case val == nil && !r.nullable:
			return r.name + " null"
		case val == "" && r.nonEmpty:
			return r.name + " empty"
		}
	}
	for k, sub := range s.props {
		if val, ok := obj[k]; ok && val != nil {
			if r := referenceValue(sub, val); r != "" {
				return r
			}
		}
	}
	return ""
}

// FuzzShapeCheck: check never panics, and on valid JSON agrees with the reference.
// Duplicate keys are left out of the comparison: encoding/json keeps the last one.
func FuzzShapeCheck(f *testing.F) {
	for _, seed := range []string{
		`{"data":` + okSession + `}`,
		`{"data":[` + okSession + `],"meta":` + okMeta + `}`,
		`{"data":{"id":"","participants":[{}]}}`,
		`{"data":null}`, `{}`, `null`, `[`, `{"data":[{"id":"\"}`, `{"d\u0061ta":1}`, `"`, `{"a"`,
	} {
		f.Add([]byte(seed))
	}
	shapes := []*shape{answerShapes["ViewRoomSession"], answerShapes["ListRoomSessions"], answerShapes["ListRoomParticipants"]}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, s := range shapes {
			err := s.check(b)
			if !json.Valid(b) || hasDuplicateKeys(b) {
				continue
			}
			if ref := referenceCheck(s, b); (ref == "") != (err == nil) {
				t.Fatalf("%s: check says %v, the reference %q", b, err, ref)
			}
		}
	})
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

// A page is decoded once as it streams, its check costing no allocation: about the
// allocations of encoding/json decoding it whole, not those of decoding each item twice.
func TestListDecodesEachItemOnce(t *testing.T) {
	items := strings.Repeat(okSession+",", 19) + okSession
	page := []byte(`{"data":[` + items + `],"meta":` + okMeta + `}`)
	decode := decodeList[RoomSession](20, opListSessions.answer)
	sdk := testing.AllocsPerRun(20, func() {
		var b answer[[]RoomSession]
		if err := decode(newStream(bytes.NewReader(page), maxBody), &b); err != nil || len(b.Data) != 20 {
			t.Fatal(err, len(b.Data))
		}
	})
	raw := testing.AllocsPerRun(20, func() {
		var b answer[[]RoomSession]
		if err := json.NewDecoder(bytes.NewReader(page)).Decode(&b); err != nil || len(b.Data) != 20 {
			t.Fatal(err, len(b.Data))
		}
	})
	t.Logf("a page of 20 sessions: %v allocations, %v for encoding/json decoding it whole", sdk, raw)
	if sdk > raw*1.25 {
		t.Errorf("a page of 20 sessions: %v allocations, want at most 1.25 x the %v of encoding/json decoding it whole", sdk, raw)
	}
}

// An answer decodes the same whatever pieces the body arrives in: one byte per read,
// half of what is asked, or its last bytes together with io.EOF.
func TestStreamFragmented(t *testing.T) {
	t.Parallel()
	big := with(t, okSession, "room_id", `"`+strings.Repeat("r", 100<<10)+`"`)
	list := []byte(`{"data":[` + okSession + `, ` + big + ` ,` + okSession + "],\n\"x\":[1,{\"y\":null}], \"n\": 12345, \"meta\":" + okMeta + "}\n ")
	get := []byte(`{"data":` + big + `}`)
	pieces := map[string]func(io.Reader) io.Reader{
		"whole": func(r io.Reader) io.Reader { return r }, "one byte": iotest.OneByteReader,
		"halves": iotest.HalfReader, "EOF with data": iotest.DataErrReader,
	}
	for name, cut := range pieces {
		s := newStream(cut(bytes.NewReader(list)), maxBody)
		var b answer[[]RoomSession]
		err := decodeList[RoomSession](3, opListSessions.answer)(s, &b)
		if err == nil {
			err = s.end()
		}
		if err != nil || len(b.Data) != 3 || len(b.Data[1].RoomID) != 100<<10 || b.Meta == nil || b.Meta.TotalResults != 1 {
			t.Errorf("%s: list: %v, %d items", name, err, len(b.Data))
		}
		s = newStream(cut(bytes.NewReader(get)), maxBody)
		var g answer[RoomSession]
		if err := decodeGet[RoomSession](opGetSession.answer)(s, &g); err != nil || len(g.Data.RoomID) != 100<<10 {
			t.Errorf("%s: get: %v", name, err)
		}
	}
}

// A number cut by the end of a read is read whole: the literal 12345 falls at every
// place of a read, after paddings of every length.
func TestStreamNumberAcrossReads(t *testing.T) {
	t.Parallel()
	for pad := range 1100 {
		body := `{"p":"` + strings.Repeat("p", pad) + `","n":12345,"data":[],"meta":` + okMeta + `}`
		s := newStream(iotest.OneByteReader(strings.NewReader(body)), maxBody)
		var b answer[[]RoomSession]
		if err := decodeList[RoomSession](3, opListSessions.answer)(s, &b); err != nil {
			t.Fatalf("padding %d: %v", pad, err)
		}
	}
}

// A value is accepted only whole: a literal followed by other bytes (nullx) is not null,
// a delimiter where a value must start is not a body cut short, and a Get ignores a meta
// the spec does not give its answer.
func TestStreamValuesAreWholeJSON(t *testing.T) {
	t.Parallel()
	get := func(body string) error {
		var g answer[RoomSession]
		return decodeGet[RoomSession](opGetSession.answer)(newStream(strings.NewReader(body), maxBody), &g)
	}
	list := func(body string) error {
		var b answer[[]RoomSession]
		return decodeList[RoomSession](3, opListSessions.answer)(newStream(strings.NewReader(body), maxBody), &b)
	}
	for body, want := range map[string]string{
		`{"data":nullx}`: `unexpected 'x' after a value`,
		`{"data":[` + okSession + `,nullx],"meta":` + okMeta + `}`: `unexpected 'x' after a value`,
		`{"data":` + okSession + `,}`:                              `unexpected '}' at offset`,
		`{"data":,}`:                                               `unexpected ',' at offset`,
		`<html>`:                                                   `want an object, got '<'`,
	} {
		err := get(body)
		if strings.Contains(body, "meta") {
			err = list(body)
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%.40s: %v, want an error saying %q", body, err, want)
		}
	}
	if err := get(`{"data":` + okSession + `,"meta":[]}`); err != nil {
		t.Errorf("a Get with a meta the spec does not give it: %v, want it ignored", err)
	}
}
