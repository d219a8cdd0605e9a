package telnyxtest_test

import (
	"bytes"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/roomsessions/telnyx-go/internal/specinfo"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// The drift guards of the fake against api/openapi.yaml; each failure names the spec
// element and the file to edit. See CONTRIBUTING.md.

// driftData seeds a fake with data that every filter can tell apart: two rooms, active and
// ended sessions created, updated and ended on different days, and one session with more
// participants than a page holds, some gone, with two contexts.
func driftData(t *testing.T) (*telnyxtest.Server, telnyxtest.Session) {
	t.Helper()
	srv := newServer(t)
	for i := range 24 {
		s := telnyxtest.Session{
			RoomID:    id(byte('1' + i%2)),
			Active:    i%3 != 0,
			CreatedAt: at(1+i, 10, 0),
			UpdatedAt: at(1+i, 11, 0),
		}
		if !s.Active {
			s.EndedAt = at(1+i, 12, 0)
		}
		srv.AddSession(s)
	}
	big := telnyxtest.Session{RoomID: id('1'), Active: true, CreatedAt: at(26, 9, 0)}
	for i := range 25 {
		p := telnyxtest.Participant{Context: []string{"Alice", "Bob"}[i%2], JoinedAt: at(26, 9, i)}
		if i%4 == 0 {
			p.LeftAt = at(27, 9, i)
		}
		big.Participants = append(big.Participants, p)
	}
	return srv, srv.AddSession(big)
}

// candidates are values of a query key, chosen from its schema, of which at least one
// must change the answer of an operation that honours the key.
func candidates(s *openapi3.Schema) []string {
	switch {
	case s == nil:
		return nil
	case len(s.Enum) > 0:
		var out []string
		for _, v := range s.Enum {
			out = append(out, fmt.Sprint(v))
		}
		return out
	case s.Type.Is("boolean"):
		return []string{"true", "false"}
	case s.Type.Is("integer"):
		return []string{"1", "2"}
	case s.Type.Is("string") && s.Format == "date":
		return []string{"1971-01-01", "9999-12-31", "2021-04-05"}
	case s.Type.Is("string") && s.Format == "uuid":
		return []string{id('9'), id('1')}
	case s.Type.Is("string"):
		return []string{"no-such-value", "Alice"}
	}
	return nil
}

// TestSpecQueryKeysAreHonoured checks that every query key of every operation changes
// what the fake answers for some value, so none is accepted and ignored.
func TestSpecQueryKeysAreHonoured(t *testing.T) {
	t.Parallel()
	srv, big := driftData(t)
	spec, err := specinfo.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range spec.Operations {
		path := strings.ReplaceAll(op.Path, "{room_session_id}", big.ID)
		base := call(t, srv, op.Method, path, actionBody(op))
		for _, key := range op.Query {
			honoured := false
			var statuses []int
			for _, v := range candidates(key.Schema) {
				a := call(t, srv, op.Method, path+"?"+key.Key+"="+v, actionBody(op))
				statuses = append(statuses, a.status)
				if a.status == http.StatusOK && !bytes.Equal(a.body, base.body) {
					honoured = true
				}
			}
			if !honoured {
				t.Errorf("query key %s of operation %v in api/openapi.yaml is not honoured by the fake (answers %v to %v, same as without it): implement it in telnyx/telnyxtest/filters.go", key.Key, op, statuses, candidates(key.Schema))
			}
		}
	}
}

// actionBody is a valid body for op when it takes one.
func actionBody(op specinfo.Operation) string {
	if op.Op.RequestBody == nil {
		return ""
	}
	return `{"participants":"all"}`
}

// TestSpecEnumsAreKnownToTheFake checks the enums of the spec against what the fake does
// with them: the values of an enum requests carry are accepted and acted on, and the
// values the fake derives rather than stores are what it sends.
func TestSpecEnumsAreKnownToTheFake(t *testing.T) {
	t.Parallel()
	spec, err := specinfo.Load()
	if err != nil {
		t.Fatal(err)
	}
	uses := map[string]func(t *testing.T, value string){
		"/components/schemas/AllParticipantsKeyword": func(t *testing.T, value string) {
			srv, big := driftData(t)
			a := call(t, srv, "POST", "/room_sessions/"+big.ID+"/actions/mute", `{"participants":"`+value+`"}`)
			s, _ := srv.Session(big.ID)
			if a.status != http.StatusOK || !s.Participants[1].Muted {
				t.Errorf("participants keyword %q: answer %d, participant muted %v", value, a.status, s.Participants[1].Muted)
			}
		},
		"/components/schemas/RoomSession/properties/record_type": func(t *testing.T, value string) {
			srv, big := driftData(t)
			if a := call(t, srv, "GET", "/room_sessions/"+big.ID, ""); !bytes.Contains(a.body, []byte(`"record_type":"`+value+`"`)) {
				t.Errorf("a session is not sent with record_type %q: %s", value, a.body)
			}
		},
		"/components/schemas/RoomParticipant/properties/record_type": func(t *testing.T, value string) {
			srv, big := driftData(t)
			if a := call(t, srv, "GET", "/room_sessions/"+big.ID+"/participants", ""); !bytes.Contains(a.body, []byte(`"record_type":"`+value+`"`)) {
				t.Errorf("a participant is not sent with record_type %q", value)
			}
		},
	}
	for _, e := range spec.Enums() {
		use, ok := uses[e.Where]
		if !ok && !e.Request {
			continue // only answered: stored and served like any property (TestStateTypesPairWithTheModels)
		}
		if !ok {
			t.Errorf("enum %s %v of api/openapi.yaml is unknown to the fake: handle it in telnyx/telnyxtest and say how in TestSpecEnumsAreKnownToTheFake (telnyx/telnyxtest/drift_test.go)", e.Where, e.Values)
			continue
		}
		for _, v := range e.Values {
			t.Run(e.Where+"="+v, func(t *testing.T) { use(t, v) })
		}
	}
}

// TestEveryOperationAndStatusIsServed drives every operation through every status its
// spec describes; call checks each answer against the spec and decodes it strictly into
// the generated types.
func TestEveryOperationAndStatusIsServed(t *testing.T) {
	t.Parallel()
	spec, err := specinfo.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range spec.Operations {
		t.Run(op.ID, func(t *testing.T) {
			t.Parallel()
			srv, big := driftData(t)
			ended := srv.AddSession(telnyxtest.Session{RoomID: id('1'), EndedAt: at(2, 0, 0)})
			path := strings.ReplaceAll(op.Path, "{room_session_id}", big.ID)
			seen := map[string]bool{}
			record := func(a answer) {
				seen[fmt.Sprint(a.status)] = true
				seen[fmt.Sprintf("%dXX", a.status/100)] = true
			}
			record(call(t, srv, op.Method, path, actionBody(op)))
			record(callHeader(t, srv, op.Method, path, actionBody(op), http.Header{"Authorization": {"Bearer wrong-key-123"}}))
			if len(op.Query) > 0 {
				record(call(t, srv, op.Method, path+"?"+op.Query[0].Key+"=%zz-not-valid", actionBody(op)))
			}
			if strings.Contains(op.Path, "{room_session_id}") {
				record(call(t, srv, op.Method, strings.ReplaceAll(op.Path, "{room_session_id}", id('e')), actionBody(op)))
				record(call(t, srv, op.Method, strings.ReplaceAll(op.Path, "{room_session_id}", ended.ID), actionBody(op)))
			}
			srv.Fail(telnyxtest.Fault{Status: http.StatusServiceUnavailable, Times: 1})
			record(call(t, srv, op.Method, path, actionBody(op)))
			srv.Fail(telnyxtest.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"1"}}, Times: 1})
			record(call(t, srv, op.Method, path, actionBody(op)))
			for _, status := range op.Statuses {
				if !seen[status] {
					t.Errorf("operation %v: status %s of api/openapi.yaml never produced by this test (saw %v): make the fake answer it and add a request here (telnyx/telnyxtest/drift_test.go)", op, status, slices.Sorted(maps.Keys(seen)))
				}
			}
		})
	}
}

// TestAnswersMatchThePublicSpec validates every success answer of every operation against
// the public Telnyx spec, as the requests are in package api: the fake answers as the live
// API documents. It skips when the public spec is not beside the repository (users'
// clones) and fails when $TELNYX_PUBLIC_SPEC names a missing file (CI).
func TestAnswersMatchThePublicSpec(t *testing.T) {
	t.Parallel()
	public := specinfo.RequirePublicSpec(t)
	sc, err := newSpecChecker(public)
	if err != nil {
		t.Fatalf("loading the public spec: %v", err)
	}
	spec, err := specinfo.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range spec.Operations {
		srv, big := driftData(t)
		path := strings.ReplaceAll(op.Path, "{room_session_id}", big.ID)
		queries := []string{""}
		for _, k := range op.Query {
			if k.Key == "include_participants" {
				queries = append(queries, "?include_participants=true")
			}
		}
		for _, q := range queries {
			req, a := sendRaw(t, srv, op.Method, path+q, actionBody(op))
			if a.status != http.StatusOK {
				t.Fatalf("%s %s%s: %d", op.Method, path, q, a.status)
			}
			if err := sc.check(req, a); err != nil {
				t.Errorf("%v: the fake's answer to %s does not match the public Telnyx spec: %v\n%s", op, path+q, err, a.body)
			}
		}
	}
}
