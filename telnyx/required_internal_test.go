package telnyx

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/roomsessions/telnyx-go/internal/jsonstream"
	"github.com/roomsessions/telnyx-go/internal/jsonstream/shapetest"
)

// The fixtures of shapetest, under the names these tests use.
const (
	okParticipant = shapetest.Participant
	okSession     = shapetest.Session
	okMeta        = shapetest.Meta
)

func TestAnswerShapes(t *testing.T) {
	t.Parallel()
	get := answerShapes["ViewRoomSession"]
	list := answerShapes["ListRoomSessions"]
	parts := answerShapes["ListRoomParticipants"]
	if get == nil || list == nil || parts == nil {
		t.Fatalf("required.gen.go lacks a read operation of the spec: %v", answerShapes)
	}
	shapetest.Run(t, shapetest.Cases(t, get, list, parts))
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
