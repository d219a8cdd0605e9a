package jsonstream_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/roomsessions/telnyx-go/internal/jsonstream"
	"github.com/roomsessions/telnyx-go/internal/jsonstream/shapetest"
)

// Shapes as a spec of room sessions gives them: a session requires its id, room, state
// and times, and each of its participants their own; a list requires data and meta.
var (
	participantShape = &jsonstream.Shape{Name: "RoomParticipant", Required: []jsonstream.Prop{
		{Name: "id", NonEmpty: true}, {Name: "session_id", NonEmpty: true}, {Name: "joined_at", NonEmpty: true},
		{Name: "updated_at", NonEmpty: true}, {Name: "record_type", NonEmpty: true}}}
	sessionShape = &jsonstream.Shape{Name: "RoomSession", Required: []jsonstream.Prop{
		{Name: "id", NonEmpty: true}, {Name: "room_id", NonEmpty: true}, {Name: "active"},
		{Name: "created_at", NonEmpty: true}, {Name: "updated_at", NonEmpty: true}, {Name: "record_type", NonEmpty: true}},
		Props: map[string]*jsonstream.Shape{"participants": {Items: participantShape}}}
	metaShape = &jsonstream.Shape{Name: "PaginationMeta", Required: []jsonstream.Prop{
		{Name: "page_number"}, {Name: "page_size"}, {Name: "total_pages"}, {Name: "total_results"}}}
	getShape = &jsonstream.Shape{Name: "RoomSessionResponse", Required: []jsonstream.Prop{{Name: "data"}},
		Props: map[string]*jsonstream.Shape{"data": sessionShape}}
	listShape = &jsonstream.Shape{Name: "RoomSessionList", Required: []jsonstream.Prop{{Name: "data"}, {Name: "meta"}},
		Props: map[string]*jsonstream.Shape{"data": {Items: sessionShape}, "meta": metaShape}}
	participantsShape = &jsonstream.Shape{Name: "RoomParticipantList", Required: []jsonstream.Prop{{Name: "data"}, {Name: "meta"}},
		Props: map[string]*jsonstream.Shape{"data": {Items: participantShape}, "meta": metaShape}}
)

// A whole session with a participant, and a meta, as such an API sends them.
const (
	okParticipant = `{"id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777f0","session_id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777b0","context":"Alice","joined_at":"2021-03-26T17:51:59.588408Z","updated_at":"2021-03-26T17:51:59.588408Z","record_type":"room_participant"}`
	okSession     = `{"id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777b0","room_id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777b1","active":false,"created_at":"2021-03-26T17:51:59.588408Z","updated_at":"2021-03-26T17:51:59.588408Z","ended_at":null,"record_type":"room_session","participants":[` + okParticipant + `]}`
	okMeta        = `{"page_number":1,"page_size":20,"total_pages":1,"total_results":1}`
)

// TestShapeCheck checks what Check finds, and where it says it is, against a reference
// computed through encoding/json's generic values.
func TestShapeCheck(t *testing.T) {
	t.Parallel()
	noParticipants := shapetest.Without(t, okSession, "participants")
	tests := []struct {
		name   string
		shape  *jsonstream.Shape
		answer string
		want   string // "" when the answer holds everything required; else a part of the error
	}{
		{"get", getShape, `{"data":` + okSession + `}`, ""},
		{"get without participants", getShape, `{"data":` + noParticipants + `}`, ""},
		{"get with unknown properties", getShape, `{"x":[{"id":null}],"data":` + shapetest.With(t, okSession, "new", `{"a":[1,"]"]}`) + `}`, ""},
		{"get of {}", getShape, `{}`, `required property "data" of RoomSessionResponse is missing`},
		{"get of null", getShape, `null`, `want an object, got null`},
		{"get of an array", getShape, ` [] `, `want an object, got an array`},
		{"get of data null", getShape, `{"data":null}`, `required property "data" of RoomSessionResponse is null`},
		{"get of data {}", getShape, `{"data":{}}`, `data: required property "id" of RoomSession is missing`},
		{"get of data a string", getShape, `{"data":"x"}`, `data: want an object, got a string`},
		{"get with an empty id", getShape, `{"data":` + shapetest.With(t, okSession, "id", `""`) + `}`, `data: required property "id" of RoomSession is empty`},
		{"get with a null id", getShape, `{"data":` + shapetest.With(t, okSession, "id", `null`) + `}`, `data: required property "id" of RoomSession is null`},
		{"get with escaped keys", getShape, `{"d\u0061ta":` + strings.Replace(okSession, `"id":`, `"i\u0064":`, 1) + `}`, ""},
		{"get with a participant without id", getShape, `{"data":` + shapetest.With(t, okSession, "participants", `[`+okParticipant+`,`+shapetest.Without(t, okParticipant, "id")+`]`) + `}`, `data.participants[1]: required property "id" of RoomParticipant is missing`},
		{"get with a participant not an object", getShape, `{"data":` + shapetest.With(t, okSession, "participants", `[1]`) + `}`, `data.participants[0]: want an object, got a number`},
		{"get with participants null", getShape, `{"data":` + shapetest.With(t, okSession, "participants", `null`) + `}`, ""},
		{"list", listShape, `{"data":[` + okSession + `,` + noParticipants + `],"meta":` + okMeta + `}`, ""},
		{"list, empty", listShape, `{"data":[],"meta":` + okMeta + `}`, ""},
		{"list of data []", listShape, `{"data":[]}`, `required property "meta" of RoomSessionList is missing`},
		{"list of data {}", listShape, `{"data":{},"meta":` + okMeta + `}`, `data: want an array, got an object`},
		{"list with an item without id", listShape, `{"data":[` + okSession + `,` + shapetest.Without(t, okSession, "id") + `],"meta":` + okMeta + `}`, `data[1]: required property "id" of RoomSession is missing`},
		{"list with meta {}", listShape, `{"data":[],"meta":{}}`, `meta: required property "page_number" of PaginationMeta is missing`},
		{"participants", participantsShape, "{\n\t\"data\" : [ " + okParticipant + " ] ,\r\n \"meta\" : " + okMeta + " }\n", ""},
		{"participants with a string holding brackets", participantsShape, `{"data":[` + shapetest.With(t, okParticipant, "context", `"]}\"{["`) + `],"meta":` + okMeta + `}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			shapetest.Expect(t, tt.shape, tt.answer, tt.want)
		})
	}
}

// TestShapeCheckOfNotJSON checks that a value cut short or not JSON fails a shape that
// requires something, and passes one that requires nothing (its decoder judges it).
func TestShapeCheckOfNotJSON(t *testing.T) {
	t.Parallel()
	for _, b := range []string{``, `{"data":`, `{"data":[`, `{"a" 1}`, `{1:2}`} {
		if err := getShape.Check([]byte(b)); err == nil || !errors.Is(err, jsonstream.ErrShape) {
			t.Errorf("%q: %v, want an error matching ErrShape", b, err)
		}
		if err := (&jsonstream.Shape{}).Check([]byte(b)); err != nil {
			t.Errorf("%q against a shape requiring nothing: %v", b, err)
		}
	}
}

// A required property the spec allows to be null may be null, not missing.
func TestShapeNullable(t *testing.T) {
	t.Parallel()
	s := &jsonstream.Shape{Name: "T", Required: []jsonstream.Prop{{Name: "a", Nullable: true}}}
	if err := s.Check([]byte(`{"a":null}`)); err != nil {
		t.Errorf("null: %v", err)
	}
	if err := s.Check([]byte(`{"b":1}`)); err == nil || !strings.Contains(err.Error(), `"a" of T is missing`) {
		t.Errorf("missing: %v", err)
	}
}

// Checking an answer that needs no check costs no allocation.
func TestShapeCheckAllocations(t *testing.T) {
	answer := []byte(`{"data":[` + okSession + `,` + okSession + `],"meta":` + okMeta + `}`)
	if n := testing.AllocsPerRun(100, func() { _ = listShape.Check(answer) }); n != 0 {
		t.Errorf("check of a good page: %v allocations, want 0", n)
	}
}

// FuzzShapeCheck: Check never panics, and on valid JSON agrees with the reference.
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
	shapes := []*jsonstream.Shape{getShape, listShape, participantsShape}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, s := range shapes {
			shapetest.Agrees(t, s, b)
		}
	})
}
