package telnyxtest_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// sessionFields lists the JSON names of telnyxtest.Session, which is generated from the
// spec: the fields the admin API names when it refuses an unknown one.
func sessionFields() string {
	t := reflect.TypeFor[telnyxtest.Session]()
	var names []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		names = append(names, name)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// TestAdminInput checks that bad admin input gets a 4xx in the Telnyx envelope, in JSON
// terms (source.pointer names the field), never Go's, and that the fake keeps serving.
func TestAdminInput(t *testing.T) {
	t.Parallel()
	_, root := adminServer(t)
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	huge := `[{"participants":[{"context":"` + strings.Repeat("x", 5<<20) + `"}]}]`
	tests := []struct {
		name, path, body string
		status           int
		pointer, detail  string
	}{
		{"typo", "/__admin/sessions", `{"actve": true}`, 400, "/actve", `unknown field "actve"; the fields are ` + sessionFields()},
		{"typo in an array", "/__admin/sessions", `[{}, {"participants": [{"contxt": "A"}]}]`, 400, "/1/participants/0/contxt", `unknown field "contxt"`},
		{"wrong type", "/__admin/sessions", `{"active": "yes"}`, 400, "/active", "must be true or false, not a string"},
		{"bad time", "/__admin/sessions", `{"created_at": "2021-04-16 09:00"}`, 400, "/created_at", `is not an RFC 3339 time such as "2021-04-16T09:46:20.954863Z"`},
		{"time as a number", "/__admin/sessions", `{"created_at": 5}`, 400, "/created_at", "must be a time as an RFC 3339 string"},
		{"participants not an array", "/__admin/sessions", `{"participants": {}}`, 400, "/participants", "must be an array of objects, not an object"},
		{"not a UUID", "/__admin/sessions", `{"id": "abc"}`, 400, "/id", `"abc" is not a UUID`},
		{"active and ended", "/__admin/sessions", `{"active": true, "ended_at": "2021-04-16T09:00:00Z"}`, 400, "/active", "an active session has no ended_at"},
		{"ends before it starts", "/__admin/sessions", `{"created_at": "2021-04-16T09:00:00Z", "ended_at": "2021-04-15T09:00:00Z"}`, 400, "/ended_at", "is before created_at"},
		{"left before joining", "/__admin/sessions", `{"participants": [{"joined_at": "2021-04-16T09:00:00Z", "left_at": "2021-04-16T08:00:00Z"}]}`, 400, "/participants/0/left_at", "is before joined_at"},
		{"a number", "/__admin/sessions", `42`, 400, "", "want a session object or an array of them, not a number"},
		{"empty", "/__admin/sessions", ``, 400, "", "the body is not valid JSON: it is empty"},
		{"two values", "/__admin/sessions", `{} {}`, 400, "", "more than one JSON value"},
		{"not JSON", "/__admin/sessions", `{active: true}`, 400, "", "the body is not valid JSON"},
		{"invalid UTF-8", "/__admin/sessions", "{\"participants\": [{\"context\": \"\xff\xfe\"}]}", 400, "", "the body is not valid UTF-8"},
		{"deep", "/__admin/sessions", deep, 400, "", "nests deeper than 16 levels"},
		{"huge", "/__admin/sessions", huge, 413, "", "the body is larger than 4194304 bytes"},
		{"fault typo", "/__admin/faults", `{"stauts": 500}`, 400, "/stauts", `unknown field "stauts"`},
		{"fault status as a string", "/__admin/faults", `{"status": "500"}`, 400, "/status", "must be a whole number from 0 to 999, not a string"},
		{"fault status 101", "/__admin/faults", `{"status": 101}`, 400, "/status", "must be from 200 to 599"},
		{"fault times negative", "/__admin/faults", `{"times": -1}`, 400, "/times", "must be from 0 to"},
		{"fault times fractional", "/__admin/faults", `{"times": 1.5}`, 400, "/times", "must be a whole number"},
		{"fault latency too long", "/__admin/faults", `{"latency_ms": 3600000}`, 400, "/latency_ms", "must be from 0 to 600000"},
		{"fault method", "/__admin/faults", `{"method": "FETCH"}`, 400, "/method", `"FETCH" is no method a request can arrive with`},
		{"fault path with query", "/__admin/faults", `{"path": "/v2/room_sessions?page[number]=2"}`, 400, "/path", `give the path alone and the query in "query"`},
		{"fault path of no operation", "/__admin/faults", `{"path": "/v2/rooms/*"}`, 400, "/path", "matches no operation's path"},
		{"fault malformed pattern", "/__admin/faults", `{"path": "/v2/[x"}`, 400, "/path", "malformed pattern"},
		{"fault query value", "/__admin/faults", `{"query": {"page[number]": 2}}`, 400, "/query/page[number]", "must be a string, not a number"},
		{"fault header value", "/__admin/faults", `{"headers": {"Retry-After": 1}}`, 400, "/headers/Retry-After", "must be a string or an array of strings, not a number"},
		{"fault header split", "/__admin/faults", `{"headers": {"X-A": "a\r\nSet-Cookie: x"}}`, 400, "/headers/X-A", "holds a control character"},
		{"fault cut", "/__admin/faults", `{"cut": "sideways"}`, 400, "/cut", `must be "before" or "mid", not "sideways"`},
		{"fault array", "/__admin/faults", `[]`, 400, "", "want a fault object, not an array"},
		{"clock both", "/__admin/clock", `{"now": "2021-04-16T09:00:00Z", "advance_ms": 5}`, 400, "", `give either "now"`},
		{"clock typo", "/__admin/clock", `{"advance": 5}`, 400, "/advance", `unknown field "advance"`},
		{"clock bad time", "/__admin/clock", `{"now": "yesterday"}`, 400, "/now", "is not an RFC 3339 time"},
		{"join typo", "/__admin/sessions/5e000000-0000-4000-8000-000000000001/participants", `{"contxt": "A"}`, 400, "/contxt", `unknown field "contxt"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, v := admin(t, root, "POST", tt.path, tt.body)
			e := firstError(v)
			if code != tt.status || e == nil || errPointer(v) != tt.pointer || !strings.Contains(errDetail(v), tt.detail) {
				t.Errorf("%d %v\nwant %d, pointer %q, detail with %q", code, v, tt.status, tt.pointer, tt.detail)
			}
			if e != nil && e["code"] != "10015" {
				t.Errorf("code %v, want 10015", e["code"])
			}
			for _, goTerm := range []string{"Go struct", "unmarshal", "2006-01-02", "strconv", "json:", "reflect", "telnyxtest."} {
				if strings.Contains(errDetail(v), goTerm) {
					t.Errorf("detail speaks Go (%q): %s", goTerm, errDetail(v))
				}
			}
		})
	}
	t.Run("still serving", func(t *testing.T) {
		t.Parallel()
		if code, _ := admin(t, root, "GET", "/__admin/health", ""); code != 200 {
			t.Errorf("health after bad input: %d", code)
		}
	})
}

// TestAdminActiveDefault checks that an admin session is active unless it has ended_at.
func TestAdminActiveDefault(t *testing.T) {
	t.Parallel()
	_, root := adminServer(t)
	code, v := admin(t, root, "POST", "/__admin/sessions", `[{}, {"ended_at": "2021-04-16T09:00:00Z"}, {"active": false}, {"active": null}]`)
	if code != 201 {
		t.Fatalf("%d %v", code, v)
	}
	var got []any
	for _, s := range v["data"].([]any) {
		got = append(got, s.(map[string]any)["active"])
	}
	equal(t, "active", got, []any{true, false, false, true})
}
