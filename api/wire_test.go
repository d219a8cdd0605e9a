package api_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/roomsessions/telnyx-go/api"
	"github.com/roomsessions/telnyx-go/gen"
	"github.com/roomsessions/telnyx-go/internal/specinfo"
	"github.com/roomsessions/telnyx-go/telnyx"
)

const (
	server    = "https://api.telnyx.com/v2"
	sessionID = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"
	roomID    = "7b61621f-5fe4-4aad-ab11-9fd19e272e73"
	partA     = "7b61621f-62e0-4aad-ab11-9fd19e272e73"
	partB     = "3f1c8e2a-9b4d-4c6e-8f7a-1b2c3d4e5f60"
)

// TestMain registers the uuid format check (kin-openapi leaves formats unchecked
// otherwise) before any test reads kin-openapi's global format table.
func TestMain(m *testing.M) {
	openapi3.DefineStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(
		`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`))
	os.Exit(m.Run())
}

// recorder is a gen.HttpRequestDoer that keeps the request and answers 200.
type recorder struct{ req *http.Request }

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	r.req = req
	return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("{}")), Header: http.Header{}}, nil
}

func date(y int, m time.Month, d int) *openapi_types.Date {
	return &openapi_types.Date{Time: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

func ptr[T any](v T) *T { return &v }

func uuidOf(t *testing.T, s string) openapi_types.UUID {
	t.Helper()
	var u openapi_types.UUID
	if err := u.UnmarshalText([]byte(s)); err != nil {
		t.Fatal(err)
	}
	return u
}

func selector(t *testing.T, ids ...string) gen.ParticipantSelector {
	t.Helper()
	var sel gen.ParticipantSelector
	var err error
	if ids == nil {
		err = sel.FromAllParticipantsKeyword(gen.AllParticipantsKeywordAll)
	} else {
		list := make(gen.ParticipantIDList, len(ids))
		for i, id := range ids {
			list[i] = uuidOf(t, id)
		}
		err = sel.FromParticipantIDList(list)
	}
	if err != nil {
		t.Fatal(err)
	}
	return sel
}

type wireCase struct {
	name   string
	call   func(ctx context.Context, c *gen.Client) (*http.Response, error)
	method string
	path   string
	query  string // exact raw query
	body   string // exact JSON body; "" for none
}

func wireCases(t *testing.T) []wireCase {
	sid := uuidOf(t, sessionID)
	room := uuidOf(t, roomID)
	exclude := []openapi_types.UUID{uuidOf(t, partB)}
	return []wireCase{
		{
			name:   "list without params",
			call:   func(ctx context.Context, c *gen.Client) (*http.Response, error) { return c.ListRoomSessions(ctx, nil) },
			method: "GET", path: "/v2/room_sessions",
		},
		{
			name: "list created eq, room, active=false, participants, page",
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.ListRoomSessions(ctx, &gen.ListRoomSessionsParams{
					Filter: &gen.RoomSessionsFilter{
						DateCreatedAt: &gen.DateRange{Eq: date(2021, 4, 25)},
						RoomId:        &room,
						Active:        ptr(false),
					},
					IncludeParticipants: ptr(true),
					Page:                &gen.PageParams{Number: ptr(2), Size: ptr(250)},
				})
			},
			method: "GET", path: "/v2/room_sessions",
			query: "filter[active]=false&filter[date_created_at][eq]=2021-04-25&filter[room_id]=" + roomID +
				"&include_participants=true&page[number]=2&page[size]=250",
		},
		{
			name: "list every date operator",
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.ListRoomSessions(ctx, &gen.ListRoomSessionsParams{
					Filter: &gen.RoomSessionsFilter{
						DateCreatedAt: &gen.DateRange{Gte: date(2021, 4, 1), Lte: date(2021, 4, 30)},
						DateUpdatedAt: &gen.DateRange{Eq: date(2021, 5, 2), Gte: date(2021, 5, 1), Lte: date(2021, 5, 3)},
						DateEndedAt:   &gen.DateRange{Eq: date(2021, 6, 2), Gte: date(2021, 6, 1), Lte: date(2021, 6, 3)},
						Active:        ptr(true),
					},
					IncludeParticipants: ptr(false),
					Page:                &gen.PageParams{Size: ptr(1)},
				})
			},
			method: "GET", path: "/v2/room_sessions",
			query: "filter[active]=true" +
				"&filter[date_created_at][gte]=2021-04-01&filter[date_created_at][lte]=2021-04-30" +
				"&filter[date_ended_at][eq]=2021-06-02&filter[date_ended_at][gte]=2021-06-01&filter[date_ended_at][lte]=2021-06-03" +
				"&filter[date_updated_at][eq]=2021-05-02&filter[date_updated_at][gte]=2021-05-01&filter[date_updated_at][lte]=2021-05-03" +
				"&include_participants=false&page[size]=1",
		},
		{
			name: "view",
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.ViewRoomSession(ctx, sid, nil)
			},
			method: "GET", path: "/v2/room_sessions/" + sessionID,
		},
		{
			name: "view with participants",
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.ViewRoomSession(ctx, sid, &gen.ViewRoomSessionParams{IncludeParticipants: ptr(true)})
			},
			method: "GET", path: "/v2/room_sessions/" + sessionID, query: "include_participants=true",
		},
		{
			name: "participants every filter and escaping",
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.ListRoomParticipants(ctx, sid, &gen.ListRoomParticipantsParams{
					Filter: &gen.RoomParticipantsFilter{
						Context:       ptr("Alice & Bob=1+2 #3/4?ü"),
						DateJoinedAt:  &gen.DateRange{Eq: date(2021, 4, 2), Gte: date(2021, 4, 1), Lte: date(2021, 4, 3)},
						DateUpdatedAt: &gen.DateRange{Eq: date(2021, 5, 2), Gte: date(2021, 5, 1), Lte: date(2021, 5, 3)},
						DateLeftAt:    &gen.DateRange{Eq: date(2021, 6, 2), Gte: date(2021, 6, 1), Lte: date(2021, 6, 3)},
					},
					Page: &gen.PageParams{Number: ptr(3), Size: ptr(20)},
				})
			},
			method: "GET", path: "/v2/room_sessions/" + sessionID + "/participants",
			query: "filter[context]=Alice+%26+Bob%3D1%2B2+%233%2F4%3F%C3%BC" +
				"&filter[date_joined_at][eq]=2021-04-02&filter[date_joined_at][gte]=2021-04-01&filter[date_joined_at][lte]=2021-04-03" +
				"&filter[date_left_at][eq]=2021-06-02&filter[date_left_at][gte]=2021-06-01&filter[date_left_at][lte]=2021-06-03" +
				"&filter[date_updated_at][eq]=2021-05-02&filter[date_updated_at][gte]=2021-05-01&filter[date_updated_at][lte]=2021-05-03" +
				"&page[number]=3&page[size]=20",
		},
		{
			name: "end",
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.EndSession(ctx, sid)
			},
			method: "POST", path: "/v2/room_sessions/" + sessionID + "/actions/end",
		},
		{
			name: "kick all",
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.KickParticipantInSession(ctx, sid, gen.ActionsParticipantsRequest{Participants: selector(t)})
			},
			method: "POST", path: "/v2/room_sessions/" + sessionID + "/actions/kick",
			body: `{"participants":"all"}`,
		},
		{
			name: "mute a list",
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.MuteParticipantInSession(ctx, sid, gen.ActionsParticipantsRequest{Participants: selector(t, partA, partB)})
			},
			method: "POST", path: "/v2/room_sessions/" + sessionID + "/actions/mute",
			body: `{"participants":["` + partA + `","` + partB + `"]}`,
		},
		{
			name: "unmute all except one",
			call: func(ctx context.Context, c *gen.Client) (*http.Response, error) {
				return c.UnmuteParticipantInSession(ctx, sid, gen.ActionsParticipantsRequest{Participants: selector(t), Exclude: &exclude})
			},
			method: "POST", path: "/v2/room_sessions/" + sessionID + "/actions/unmute",
			body: `{"exclude":["` + partB + `"],"participants":"all"}`,
		},
	}
}

// TestGeneratedRequestsAreWireExact is the golden test of the generated builders: method,
// path, query string and body, byte for byte. It uses a server URL without a trailing
// slash, so it also proves the /v2 prefix is kept.
func TestGeneratedRequestsAreWireExact(t *testing.T) {
	t.Parallel()
	for _, tc := range wireCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := build(t, tc)
			if req.Method != tc.method || req.URL.Path != tc.path || req.URL.RawQuery != tc.query {
				t.Errorf("got %s %s?%s\nwant %s %s?%s", req.Method, req.URL.Path, req.URL.RawQuery, tc.method, tc.path, tc.query)
			}
			if req.URL.Scheme != "https" || req.URL.Host != "api.telnyx.com" {
				t.Errorf("url = %s, want https://api.telnyx.com", req.URL)
			}
			body := readBody(t, req)
			if body != tc.body {
				t.Errorf("body = %s\nwant  %s", body, tc.body)
			}
			if tc.body != "" && req.Header.Get("Content-Type") != "application/json" {
				t.Errorf("Content-Type = %q", req.Header.Get("Content-Type"))
			}
		})
	}
}

func TestServerURLKeepsItsPath(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"https://api.telnyx.com/v2", "https://api.telnyx.com/v2/", "http://127.0.0.1:4010/v2"} {
		rec := &recorder{}
		c, err := gen.NewClient(base, gen.WithHTTPClient(rec))
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range wireCases(t) {
			if _, err := tc.call(t.Context(), c); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(rec.req.URL.Path, "/v2/room_sessions") {
				t.Errorf("%s with server %s: path %q lost /v2", tc.name, base, rec.req.URL.Path)
			}
		}
	}
}

// TestGeneratedRequestsMatchOurSpec validates every built request against api/openapi.yaml.
func TestGeneratedRequestsMatchOurSpec(t *testing.T) {
	t.Parallel()
	checkAgainst(t, api.Spec)
}

// TestGeneratedRequestsMatchPublicTelnyxSpec validates every built request against the
// public Telnyx document: the proof that our spec says what the live API says.
func TestGeneratedRequestsMatchPublicTelnyxSpec(t *testing.T) {
	t.Parallel()
	checkAgainst(t, specinfo.RequirePublicSpec(t))
}

func checkAgainst(t *testing.T, spec []byte) {
	router := newRouter(t, spec)
	for _, tc := range wireCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			req := build(t, tc)
			if err := validate(t.Context(), router, req); err != nil {
				t.Errorf("request %s %s rejected: %v", req.Method, req.URL, err)
			}
		})
	}
}

// TestSpecRejectsWhatTheAPIRejects checks that validation against our spec is not vacuous.
func TestSpecRejectsWhatTheAPIRejects(t *testing.T) {
	t.Parallel()
	router := newRouter(t, api.Spec)
	bad := []struct{ name, method, url, body string }{
		{"page size 0", "GET", "/room_sessions?page[size]=0", ""},
		{"page size past the maximum", "GET", "/room_sessions?page[size]=" + strconv.Itoa(telnyx.PageSizeMax+1), ""},
		{"page number 0", "GET", "/room_sessions?page[number]=0", ""},
		{"bad date", "GET", "/room_sessions?filter[date_created_at][eq]=2021-13-45", ""},
		{"timestamp for a date", "GET", "/room_sessions?filter[date_created_at][gte]=2021-04-25T10:00:00Z", ""},
		{"bad active", "GET", "/room_sessions?filter[active]=maybe", ""},
		{"bad room id", "GET", "/room_sessions?filter[room_id]=abc", ""},
		{"bad session id", "GET", "/room_sessions/abc", ""},
		{"participants not all", "POST", "/room_sessions/" + sessionID + "/actions/mute", `{"participants":"everyone"}`},
		{"participants bad uuid", "POST", "/room_sessions/" + sessionID + "/actions/mute", `{"participants":["abc"]}`},
		{"participants missing", "POST", "/room_sessions/" + sessionID + "/actions/kick", `{"exclude":["` + partA + `"]}`},
		{"exclude bad uuid", "POST", "/room_sessions/" + sessionID + "/actions/kick", `{"participants":"all","exclude":["x"]}`},
		{"no body", "POST", "/room_sessions/" + sessionID + "/actions/unmute", ""},
	}
	for _, tc := range bad {
		var body io.Reader = http.NoBody
		if tc.body != "" {
			body = strings.NewReader(tc.body)
		}
		req, err := http.NewRequestWithContext(t.Context(), tc.method, server+tc.url, body)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer k")
		if err := validate(t.Context(), router, req); err == nil {
			t.Errorf("%s: %s %s accepted, want rejected", tc.name, tc.method, tc.url)
		}
	}
}

func build(t *testing.T, tc wireCase) *http.Request {
	t.Helper()
	rec := &recorder{}
	c, err := gen.NewClient(server, gen.WithHTTPClient(rec))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := tc.call(t.Context(), c)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	_ = resp.Body.Close()
	rec.req.Header.Set("Authorization", "Bearer test-key")
	return rec.req
}

func readBody(t *testing.T, req *http.Request) string {
	t.Helper()
	if req.GetBody == nil {
		return ""
	}
	rc, err := req.GetBody()
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func newRouter(t *testing.T, data []byte) routers.Router {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		t.Fatalf("load spec: %v", err)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatalf("validate spec: %v", err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return router
}

func validate(ctx context.Context, router routers.Router, req *http.Request) error {
	if req.GetBody != nil {
		rc, err := req.GetBody()
		if err != nil {
			return err
		}
		req.Body = rc
	}
	route, pathParams, err := router.FindRoute(req)
	if err != nil {
		return err
	}
	return openapi3filter.ValidateRequest(ctx, &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: pathParams,
		Route:      route,
		Options:    &openapi3filter.Options{AuthenticationFunc: requireBearer},
	})
}

// requireBearer accepts a request only when the operation asks for bearer auth and the
// request carries it; operations without security are not called.
func requireBearer(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	if in.SecurityScheme.Type != "http" || in.SecurityScheme.Scheme != "bearer" {
		return errors.New("not a bearer scheme")
	}
	if !strings.HasPrefix(in.RequestValidationInput.Request.Header.Get("Authorization"), "Bearer ") {
		return errors.New("no bearer key")
	}
	return nil
}
