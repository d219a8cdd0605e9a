package shapetest

import (
	"strings"
	"testing"

	"github.com/roomsessions/telnyx-go/internal/jsonstream"
)

// A whole session with a participant, and a meta, as the Room Sessions API sends them.
const (
	Participant = `{"id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777f0","session_id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777b0","context":"Alice","joined_at":"2021-03-26T17:51:59.588408Z","updated_at":"2021-03-26T17:51:59.588408Z","record_type":"room_participant"}`
	Session     = `{"id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777b0","room_id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777b1","active":false,"created_at":"2021-03-26T17:51:59.588408Z","updated_at":"2021-03-26T17:51:59.588408Z","ended_at":null,"record_type":"room_session","participants":[` + Participant + `]}`
	Meta        = `{"page_number":1,"page_size":20,"total_pages":1,"total_results":1}`
)

// Case is an answer to check against a shape, and a part of the error expected ("" when
// the answer holds everything required).
type Case struct {
	Name   string
	Shape  *jsonstream.Shape
	Answer string
	Want   string
}

// Cases are answers to a Get, a list of sessions and a list of participants, with what
// get, list and parts (the shapes the spec gives those answers) must find in them.
func Cases(t testing.TB, get, list, parts *jsonstream.Shape) []Case {
	noParticipants := Without(t, Session, "participants")
	return []Case{
		{"get", get, `{"data":` + Session + `}`, ""},
		{"get without participants", get, `{"data":` + noParticipants + `}`, ""},
		{"get with unknown properties", get, `{"x":[{"id":null}],"data":` + With(t, Session, "new", `{"a":[1,"]"]}`) + `}`, ""},
		{"get of {}", get, `{}`, `required property "data" of RoomSessionResponse is missing`},
		{"get of null", get, `null`, `want an object, got null`},
		{"get of an array", get, ` [] `, `want an object, got an array`},
		{"get of data null", get, `{"data":null}`, `required property "data" of RoomSessionResponse is null`},
		{"get of data {}", get, `{"data":{}}`, `data: required property "id" of RoomSession is missing`},
		{"get of data a string", get, `{"data":"x"}`, `data: want an object, got a string`},
		{"get without id", get, `{"data":` + Without(t, Session, "id") + `}`, `data: required property "id" of RoomSession is missing`},
		{"get with an empty id", get, `{"data":` + With(t, Session, "id", `""`) + `}`, `data: required property "id" of RoomSession is empty`},
		{"get with a null id", get, `{"data":` + With(t, Session, "id", `null`) + `}`, `data: required property "id" of RoomSession is null`},
		{"get without active", get, `{"data":` + Without(t, Session, "active") + `}`, `data: required property "active" of RoomSession is missing`},
		{"get without created_at", get, `{"data":` + Without(t, Session, "created_at") + `}`, `"created_at" of RoomSession is missing`},
		{"get without record_type", get, `{"data":` + Without(t, Session, "record_type") + `}`, `"record_type" of RoomSession is missing`},
		{"get with escaped keys", get, `{"d\u0061ta":` + strings.Replace(Session, `"id":`, `"i\u0064":`, 1) + `}`, ""},
		{"get with a participant without id", get, `{"data":` + With(t, Session, "participants", `[`+Participant+`,`+Without(t, Participant, "id")+`]`) + `}`, `data.participants[1]: required property "id" of RoomParticipant is missing`},
		{"get with a participant not an object", get, `{"data":` + With(t, Session, "participants", `[1]`) + `}`, `data.participants[0]: want an object, got a number`},
		{"get with participants null", get, `{"data":` + With(t, Session, "participants", `null`) + `}`, ""},
		{"list", list, `{"data":[` + Session + `,` + noParticipants + `],"meta":` + Meta + `}`, ""},
		{"list, empty", list, `{"data":[],"meta":` + Meta + `}`, ""},
		{"list of {}", list, `{}`, `required property "data" of RoomSessionList is missing`},
		{"list of data []", list, `{"data":[]}`, `required property "meta" of RoomSessionList is missing`},
		{"list of data null", list, `{"data":null,"meta":` + Meta + `}`, `required property "data" of RoomSessionList is null`},
		{"list of data {}", list, `{"data":{},"meta":` + Meta + `}`, `data: want an array, got an object`},
		{"list with an item without id", list, `{"data":[` + Session + `,` + Without(t, Session, "id") + `],"meta":` + Meta + `}`, `data[1]: required property "id" of RoomSession is missing`},
		{"list with meta {}", list, `{"data":[],"meta":{}}`, `meta: required property "page_number" of PaginationMeta is missing`},
		{"list without total_results", list, `{"data":[],"meta":` + Without(t, Meta, "total_results") + `}`, `meta: required property "total_results" of PaginationMeta is missing`},
		{"participants", parts, "{\n\t\"data\" : [ " + Participant + " ] ,\r\n \"meta\" : " + Meta + " }\n", ""},
		{"participants without session_id", parts, `{"data":[` + Without(t, Participant, "session_id") + `],"meta":` + Meta + `}`, `data[0]: required property "session_id" of RoomParticipant is missing`},
		{"participants with a string holding brackets", parts, `{"data":[` + With(t, Participant, "context", `"]}\"{["`) + `],"meta":` + Meta + `}`, ""},
	}
}

// Run checks each case with [Expect], in parallel subtests.
func Run(t *testing.T, cases []Case) {
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			Expect(t, c.Shape, c.Answer, c.Want)
		})
	}
}
