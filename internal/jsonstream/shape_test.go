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

// The fixtures of shapetest, under the names these tests use.
const (
	okParticipant = shapetest.Participant
	okSession     = shapetest.Session
	okMeta        = shapetest.Meta
)

// TestShapeCheck checks what Check finds, and where it says it is, against a reference
// computed through encoding/json's generic values.
func TestShapeCheck(t *testing.T) {
	t.Parallel()
	shapetest.Run(t, shapetest.Cases(t, getShape, listShape, participantsShape))
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
