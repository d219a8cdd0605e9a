package telnyx_test

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
)

const (
	sessionJSON = `{"id":"` + sessionID + `","room_id":"` + roomID + `","active":false,` +
		`"created_at":"2021-04-16T09:46:20.954863Z","updated_at":"2021-04-16T10:24:55.962200Z",` +
		`"ended_at":"2021-04-16T10:24:55.962200Z","record_type":"room_session"}`
	activeSessionJSON = `{"id":"` + sessionID + `","room_id":"` + roomID + `","active":true,` +
		`"created_at":"2021-04-16T09:46:20.954863Z","updated_at":"2021-04-16T09:46:20.954863Z",` +
		`"ended_at":null,"record_type":"room_session","participants":[` + participantJSON + `,` + leftParticipantJSON + `]}`
	participantJSON = `{"id":"` + participant + `","session_id":"` + sessionID + `","context":"Alice",` +
		`"joined_at":"2021-04-16T09:46:21.000001Z","updated_at":"2021-04-16T09:46:21.000001Z","record_type":"room_participant"}`
	leftParticipantJSON = `{"id":"` + otherPart + `","session_id":"` + sessionID + `","context":"Bob",` +
		`"joined_at":"2021-04-16T09:47:00.123456Z","updated_at":"2021-04-16T09:50:00.654321Z",` +
		`"left_at":"2021-04-16T09:50:00.654321Z","record_type":"room_participant"}`
	metaJSON = `"meta":{"page_number":2,"page_size":2,"total_pages":3,"total_results":5}`
	okJSON   = `{"data":{"result":"ok"}}`
)

func wantParticipants(t *testing.T) []telnyx.RoomParticipant {
	return []telnyx.RoomParticipant{
		{
			ID: participant, SessionID: sessionID, Context: "Alice",
			RecordType: telnyx.RoomParticipantRecordTypeRoomParticipant,
			JoinedAt:   mustTime(t, "2021-04-16T09:46:21.000001Z"),
			UpdatedAt:  mustTime(t, "2021-04-16T09:46:21.000001Z"),
		},
		{
			ID: otherPart, SessionID: sessionID, Context: "Bob",
			RecordType: telnyx.RoomParticipantRecordTypeRoomParticipant,
			JoinedAt:   mustTime(t, "2021-04-16T09:47:00.123456Z"),
			UpdatedAt:  mustTime(t, "2021-04-16T09:50:00.654321Z"),
			LeftAt:     mustTime(t, "2021-04-16T09:50:00.654321Z"),
		},
	}
}

func TestOperationsOnTheWire(t *testing.T) {
	t.Parallel()
	ended := telnyx.RoomSession{
		ID: sessionID, RoomID: roomID, RecordType: telnyx.RoomSessionRecordTypeRoomSession,
		CreatedAt: mustTime(t, "2021-04-16T09:46:20.954863Z"),
		UpdatedAt: mustTime(t, "2021-04-16T10:24:55.962200Z"),
		EndedAt:   mustTime(t, "2021-04-16T10:24:55.962200Z"),
	}
	active := telnyx.RoomSession{
		ID: sessionID, RoomID: roomID, Active: true, RecordType: telnyx.RoomSessionRecordTypeRoomSession,
		CreatedAt:    mustTime(t, "2021-04-16T09:46:20.954863Z"),
		UpdatedAt:    mustTime(t, "2021-04-16T09:46:20.954863Z"),
		Participants: wantParticipants(t),
	}
	day := time.Date(2021, 4, 25, 23, 30, 0, 0, time.FixedZone("UTC-5", -5*3600)) // 2021-04-26 in UTC, the date sent
	base := "/v2/room_sessions"
	cases := []struct {
		name         string
		answer       string
		call         func(ctx context.Context, c *telnyx.Client) (any, error)
		method, path string
		query, body  string
		want         any
	}{
		{
			name:   "List with every filter",
			answer: `{"data":[` + sessionJSON + `,` + activeSessionJSON + `],` + metaJSON + `}`,
			call: func(ctx context.Context, c *telnyx.Client) (any, error) {
				return c.RoomSessions.List(ctx, &telnyx.ListRoomSessionsParams{
					RoomID:              strings.ToUpper(roomID),
					Active:              telnyx.Bool(false),
					CreatedAt:           telnyx.DateFilter{Eq: telnyx.DateOf(day)},
					UpdatedAt:           telnyx.DateFilter{Gte: telnyx.DateOf(day), Lte: telnyx.DateOf(day.AddDate(0, 1, 0))},
					EndedAt:             telnyx.DateFilter{Lte: telnyx.Date{Year: 2022, Month: time.January, Day: 2}},
					IncludeParticipants: true,
					PageNumber:          2,
					PageSize:            2,
				})
			},
			method: "GET", path: base,
			query: "filter[active]=false&filter[date_created_at][eq]=2021-04-26&filter[date_ended_at][lte]=2022-01-02" +
				"&filter[date_updated_at][gte]=2021-04-26&filter[date_updated_at][lte]=2021-05-26" +
				"&filter[room_id]=" + roomID + "&include_participants=true&page[number]=2&page[size]=2",
			want: &telnyx.Page[telnyx.RoomSession]{
				Items:      []telnyx.RoomSession{ended, active},
				PageNumber: 2, PageSize: 2, TotalPages: 3, TotalResults: 5,
			},
		},
		{
			name:   "List without params",
			answer: `{"data":[],"meta":{"page_number":1,"page_size":20,"total_pages":0,"total_results":0}}`,
			call: func(ctx context.Context, c *telnyx.Client) (any, error) {
				return c.RoomSessions.List(ctx, nil)
			},
			method: "GET", path: base,
			want: &telnyx.Page[telnyx.RoomSession]{Items: []telnyx.RoomSession{}, PageNumber: 1, PageSize: 20},
		},
		{
			name:   "Get",
			answer: `{"data":` + sessionJSON + `}`,
			call: func(ctx context.Context, c *telnyx.Client) (any, error) {
				return c.RoomSessions.Get(ctx, sessionID, nil)
			},
			method: "GET", path: base + "/" + sessionID,
			want: &ended,
		},
		{
			name:   "Get with participants",
			answer: `{"data":` + activeSessionJSON + `}`,
			call: func(ctx context.Context, c *telnyx.Client) (any, error) {
				return c.RoomSessions.Get(ctx, sessionID, &telnyx.GetRoomSessionParams{IncludeParticipants: true})
			},
			method: "GET", path: base + "/" + sessionID, query: "include_participants=true",
			want: &active,
		},
		{
			name:   "Participants with every filter",
			answer: `{"data":[` + participantJSON + `,` + leftParticipantJSON + `],` + metaJSON + `}`,
			call: func(ctx context.Context, c *telnyx.Client) (any, error) {
				return c.RoomSessions.Participants(ctx, sessionID, &telnyx.ListParticipantsParams{
					Context:    "Alice & Bob",
					JoinedAt:   telnyx.DateFilter{Gte: telnyx.DateOf(day)},
					UpdatedAt:  telnyx.DateFilter{Eq: telnyx.DateOf(day)},
					LeftAt:     telnyx.DateFilter{Lte: telnyx.DateOf(day)},
					PageNumber: 2,
					PageSize:   2,
				})
			},
			method: "GET", path: base + "/" + sessionID + "/participants",
			query: "filter[context]=Alice+%26+Bob&filter[date_joined_at][gte]=2021-04-26&filter[date_left_at][lte]=2021-04-26" +
				"&filter[date_updated_at][eq]=2021-04-26&page[number]=2&page[size]=2",
			want: &telnyx.Page[telnyx.RoomParticipant]{
				Items:      wantParticipants(t),
				PageNumber: 2, PageSize: 2, TotalPages: 3, TotalResults: 5,
			},
		},
		{
			name:   "End",
			answer: okJSON,
			call: func(ctx context.Context, c *telnyx.Client) (any, error) {
				return nil, c.RoomSessions.End(ctx, sessionID)
			},
			method: "POST", path: base + "/" + sessionID + "/actions/end",
		},
		{
			name:   "Kick all",
			answer: okJSON,
			call: func(ctx context.Context, c *telnyx.Client) (any, error) {
				return nil, c.RoomSessions.Kick(ctx, sessionID, telnyx.AllParticipants())
			},
			method: "POST", path: base + "/" + sessionID + "/actions/kick",
			body: `{"participants":"all"}`,
		},
		{
			name:   "Mute a list except one",
			answer: okJSON,
			call: func(ctx context.Context, c *telnyx.Client) (any, error) {
				return nil, c.RoomSessions.Mute(ctx, sessionID, telnyx.Participants(participant).Except(otherPart))
			},
			method: "POST", path: base + "/" + sessionID + "/actions/mute",
			body: `{"exclude":["` + otherPart + `"],"participants":["` + participant + `"]}`,
		},
		{
			name:   "Unmute all except one, id in upper case",
			answer: okJSON,
			call: func(ctx context.Context, c *telnyx.Client) (any, error) {
				return nil, c.RoomSessions.Unmute(ctx, strings.ToUpper(sessionID), telnyx.AllParticipants().Except(strings.ToUpper(otherPart)))
			},
			method: "POST", path: base + "/" + sessionID + "/actions/unmute",
			body: `{"exclude":["` + otherPart + `"],"participants":"all"}`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ws := startWire(t, answerJSON(http.StatusOK, tc.answer))
			c := ws.newClient(t, telnyx.WithUserAgent("moderator/1.2"))
			got, err := tc.call(t.Context(), c)
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			reqs := ws.requests()
			if len(reqs) != 1 {
				t.Fatalf("server saw %d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Method != tc.method || r.Path != tc.path || r.RawQuery != tc.query {
				t.Errorf("request %s %s?%s\n want   %s %s?%s", r.Method, r.Path, r.RawQuery, tc.method, tc.path, tc.query)
			}
			if r.Body != tc.body {
				t.Errorf("body %s\nwant %s", r.Body, tc.body)
			}
			wantHeaders := map[string]string{
				"Authorization": "Bearer " + testKey,
				"Accept":        "application/json",
				"User-Agent":    "roomsessions-go/" + telnyx.Version + " moderator/1.2",
			}
			if tc.body != "" {
				wantHeaders["Content-Type"] = "application/json"
			}
			for k, v := range wantHeaders {
				if got := r.Header.Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			if tc.want != nil && !reflect.DeepEqual(got, tc.want) {
				t.Errorf("result\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestAbsentAndNullTimesAreZero(t *testing.T) {
	t.Parallel()
	ws := startWire(t, answerJSON(http.StatusOK, `{"data":`+activeSessionJSON+`}`))
	s, err := ws.newClient(t).RoomSessions.Get(t.Context(), sessionID, &telnyx.GetRoomSessionParams{IncludeParticipants: true})
	if err != nil {
		t.Fatal(err)
	}
	if !s.EndedAt.IsZero() {
		t.Errorf("null ended_at decoded as %v", s.EndedAt)
	}
	if !s.Participants[0].LeftAt.IsZero() {
		t.Errorf("absent left_at decoded as %v", s.Participants[0].LeftAt)
	}
	if got := s.Participants[1].LeftAt.Nanosecond(); got != 654321000 {
		t.Errorf("left_at microseconds = %d ns, want 654321000", got)
	}
}

func TestPageHasNext(t *testing.T) {
	t.Parallel()
	cases := []struct {
		number int // the page asked for
		answer string
		want   bool
	}{
		{1, `{"data":[` + sessionJSON + `],"meta":{"page_number":1,"page_size":1,"total_pages":2,"total_results":2}}`, true},
		{2, `{"data":[` + sessionJSON + `],"meta":{"page_number":2,"page_size":1,"total_pages":2,"total_results":2}}`, false},
		{3, `{"data":[],"meta":{"page_number":3,"page_size":1,"total_pages":2,"total_results":2}}`, false},
	}
	for _, tc := range cases {
		ws := startWire(t, answerJSON(http.StatusOK, tc.answer))
		page, err := ws.newClient(t).RoomSessions.List(t.Context(), &telnyx.ListRoomSessionsParams{PageNumber: tc.number, PageSize: 1})
		if err != nil {
			t.Fatal(err)
		}
		if page.HasNext() != tc.want {
			t.Errorf("HasNext() = %v for %s", !tc.want, tc.answer)
		}
	}
	// Pages that a live API can serve but List refuses: a last page without items.
	if (&telnyx.Page[telnyx.RoomSession]{PageNumber: 1, TotalPages: 2}).HasNext() {
		t.Error("an empty page HasNext")
	}
	var nilPage *telnyx.Page[telnyx.RoomSession]
	if nilPage.HasNext() {
		t.Error("nil page HasNext")
	}
}

func TestDataAfterTheJSONIsMalformed(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{"data":` + sessionJSON + `} garbage{{{`, `{"data":` + sessionJSON + `}{"data":{}}`} {
		ws := startWire(t, answerJSON(http.StatusOK, body))
		_, err := ws.newClient(t).RoomSessions.Get(t.Context(), sessionID, nil)
		if !errors.Is(err, telnyx.ErrMalformedResponse) || len(ws.requests()) != 1 {
			t.Errorf("%s: err %v after %d requests, want ErrMalformedResponse after 1", body, err, len(ws.requests()))
		}
	}
	ws := startWire(t, answerJSON(http.StatusOK, `{"data":`+sessionJSON+"}\n\t \n"))
	if _, err := ws.newClient(t).RoomSessions.Get(t.Context(), sessionID, nil); err != nil {
		t.Errorf("trailing whitespace: %v", err)
	}
}

func TestBareErrorObjectWithOnlyOneField(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]telnyx.ErrorDetail{
		`{"code":"10005"}`:         {Code: "10005"},
		`{"title":"Gone fishing"}`: {Title: "Gone fishing"},
	} {
		ws := startWire(t, answerJSON(http.StatusNotFound, body))
		_, err := ws.newClient(t).RoomSessions.Get(t.Context(), sessionID, nil)
		var apiErr *telnyx.Error
		if !errors.As(err, &apiErr) || len(apiErr.Errors) != 1 || !reflect.DeepEqual(apiErr.Errors[0], want) {
			t.Errorf("%s: %#v", body, err)
		}
	}
}
