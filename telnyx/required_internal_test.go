package telnyx

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/roomsessions/telnyx-go/internal/jsonstream"
	"github.com/roomsessions/telnyx-go/internal/jsonstream/shapetest"
)

// A whole session as the API sends it, with participants; %s is replaced by extra
// properties or left empty.
const (
	okParticipant = `{"id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777f0","session_id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777b0","context":"Alice","joined_at":"2021-03-26T17:51:59.588408Z","updated_at":"2021-03-26T17:51:59.588408Z","record_type":"room_participant"}`
	okSession     = `{"id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777b0","room_id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777b1","active":false,"created_at":"2021-03-26T17:51:59.588408Z","updated_at":"2021-03-26T17:51:59.588408Z","ended_at":null,"record_type":"room_session","participants":[` + okParticipant + `]}`
	okMeta        = `{"page_number":1,"page_size":20,"total_pages":1,"total_results":1}`
)

func TestAnswerShapes(t *testing.T) {
	t.Parallel()
	get := answerShapes["ViewRoomSession"]
	list := answerShapes["ListRoomSessions"]
	parts := answerShapes["ListRoomParticipants"]
	if get == nil || list == nil || parts == nil {
		t.Fatalf("required.gen.go lacks a read operation of the spec: %v", answerShapes)
	}
	noParticipants := shapetest.Without(t, okSession, "participants")
	tests := []struct {
		name   string
		shape  *jsonstream.Shape
		answer string
		want   string // "" when the answer holds everything required; else a part of the error
	}{
		{"get", get, `{"data":` + okSession + `}`, ""},
		{"get without participants", get, `{"data":` + noParticipants + `}`, ""},
		{"get with unknown properties", get, `{"x":[{"id":null}],"data":` + shapetest.With(t, okSession, "new", `{"a":[1,"]"]}`) + `}`, ""},
		{"get of {}", get, `{}`, `required property "data" of RoomSessionResponse is missing`},
		{"get of null", get, `null`, `want an object, got null`},
		{"get of an array", get, ` [] `, `want an object, got an array`},
		{"get of data null", get, `{"data":null}`, `required property "data" of RoomSessionResponse is null`},
		{"get of data {}", get, `{"data":{}}`, `data: required property "id" of RoomSession is missing`},
		{"get of data a string", get, `{"data":"x"}`, `data: want an object, got a string`},
		{"get without id", get, `{"data":` + shapetest.Without(t, okSession, "id") + `}`, `data: required property "id" of RoomSession is missing`},
		{"get with an empty id", get, `{"data":` + shapetest.With(t, okSession, "id", `""`) + `}`, `data: required property "id" of RoomSession is empty`},
		{"get with a null id", get, `{"data":` + shapetest.With(t, okSession, "id", `null`) + `}`, `data: required property "id" of RoomSession is null`},
		{"get without active", get, `{"data":` + shapetest.Without(t, okSession, "active") + `}`, `data: required property "active" of RoomSession is missing`},
		{"get without created_at", get, `{"data":` + shapetest.Without(t, okSession, "created_at") + `}`, `"created_at" of RoomSession is missing`},
		{"get without record_type", get, `{"data":` + shapetest.Without(t, okSession, "record_type") + `}`, `"record_type" of RoomSession is missing`},
		{"get with escaped keys", get, `{"d\u0061ta":` + strings.Replace(okSession, `"id":`, `"i\u0064":`, 1) + `}`, ""},
		{"get with a participant without id", get, `{"data":` + shapetest.With(t, okSession, "participants", `[`+okParticipant+`,`+shapetest.Without(t, okParticipant, "id")+`]`) + `}`, `data.participants[1]: required property "id" of RoomParticipant is missing`},
		{"get with a participant not an object", get, `{"data":` + shapetest.With(t, okSession, "participants", `[1]`) + `}`, `data.participants[0]: want an object, got a number`},
		{"get with participants null", get, `{"data":` + shapetest.With(t, okSession, "participants", `null`) + `}`, ""},
		{"list", list, `{"data":[` + okSession + `,` + noParticipants + `],"meta":` + okMeta + `}`, ""},
		{"list, empty", list, `{"data":[],"meta":` + okMeta + `}`, ""},
		{"list of {}", list, `{}`, `required property "data" of RoomSessionList is missing`},
		{"list of data []", list, `{"data":[]}`, `required property "meta" of RoomSessionList is missing`},
		{"list of data null", list, `{"data":null,"meta":` + okMeta + `}`, `required property "data" of RoomSessionList is null`},
		{"list of data {}", list, `{"data":{},"meta":` + okMeta + `}`, `data: want an array, got an object`},
		{"list with an item without id", list, `{"data":[` + okSession + `,` + shapetest.Without(t, okSession, "id") + `],"meta":` + okMeta + `}`, `data[1]: required property "id" of RoomSession is missing`},
		{"list with meta {}", list, `{"data":[],"meta":{}}`, `meta: required property "page_number" of PaginationMeta is missing`},
		{"list without total_results", list, `{"data":[],"meta":` + shapetest.Without(t, okMeta, "total_results") + `}`, `meta: required property "total_results" of PaginationMeta is missing`},
		{"participants", parts, "{\n\t\"data\" : [ " + okParticipant + " ] ,\r\n \"meta\" : " + okMeta + " }\n", ""},
		{"participants without session_id", parts, `{"data":[` + shapetest.Without(t, okParticipant, "session_id") + `],"meta":` + okMeta + `}`, `data[0]: required property "session_id" of RoomParticipant is missing`},
		{"participants with a string holding brackets", parts, `{"data":[` + shapetest.With(t, okParticipant, "context", `"]}\"{["`) + `],"meta":` + okMeta + `}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			shapetest.Expect(t, tt.shape, tt.answer, tt.want)
		})
	}
}

// FuzzAnswerShapes: checking any body against the shapes generated from the spec never
// panics, and on valid JSON agrees with the reference check.
func FuzzAnswerShapes(f *testing.F) {
	for _, seed := range []string{
		`{"data":` + okSession + `}`, `{"data":[` + okSession + `],"meta":` + okMeta + `}`,
		`{"data":{"id":"","participants":[{}]}}`, `{"data":null}`, `{}`, `null`, `[`, `{"d\u0061ta":1}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, s := range answerShapes {
			shapetest.Agrees(t, s, b)
		}
	})
}

// A page is decoded once as it streams, its check costing no allocation: about the
// allocations of encoding/json decoding it whole, not those of decoding each item twice.
func TestListDecodesEachItemOnce(t *testing.T) {
	items := strings.Repeat(okSession+",", 19) + okSession
	page := []byte(`{"data":[` + items + `],"meta":` + okMeta + `}`)
	decode := decodeList[RoomSession](20, opListSessions.answer)
	sdk := testing.AllocsPerRun(20, func() {
		var b answer[[]RoomSession]
		if err := decode(jsonstream.New(bytes.NewReader(page), maxBody), &b); err != nil || len(b.Data) != 20 {
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

// A page is allocated at the size asked for, or the server's default size, so that
// decoding a full page never grows it.
func TestListPageAllocatedAtItsSize(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ size, items, want int }{{0, PageSizeDefault, PageSizeDefault}, {5, 3, 5}, {0, 1, PageSizeDefault}} {
		items := strings.TrimSuffix(strings.Repeat(okSession+",", tc.items), ",")
		page := `{"data":[` + items + `],"meta":` + okMeta + `}`
		var b answer[[]RoomSession]
		if err := decodeList[RoomSession](tc.size, opListSessions.answer)(jsonstream.New(strings.NewReader(page), maxBody), &b); err != nil {
			t.Fatal(err)
		}
		if len(b.Data) != tc.items || cap(b.Data) != tc.want {
			t.Errorf("size %d, %d items: len %d cap %d, want cap %d", tc.size, tc.items, len(b.Data), cap(b.Data), tc.want)
		}
	}
}

// A Get's answer ignores a meta, which the spec does not give it, whatever it holds.
func TestGetIgnoresAMetaItsAnswerLacks(t *testing.T) {
	t.Parallel()
	body := `{"data":` + okSession + `,"meta":[]}`
	var g answer[RoomSession]
	if err := decodeGet[RoomSession](opGetSession.answer)(jsonstream.New(strings.NewReader(body), maxBody), &g); err != nil || g.Meta != nil {
		t.Errorf("a Get with a meta the spec does not give it: %v, meta %v; want it ignored", err, g.Meta)
	}
}
