package telnyx_test

import (
	"context"
	"maps"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/roomsessions/telnyx-go/internal/specinfo"
	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// The drift guards of the facade's hand-written parts against api/openapi.yaml; each
// failure names the spec element and the file to edit. See CONTRIBUTING.md.

// call makes one facade call against a fake; sessionID names a seeded session.
type call func(ctx context.Context, c *telnyx.Client, sessionID string) error

// driftDay is a date every date filter is set to.
var driftDay = telnyx.Date{Year: 2021, Month: 4, Day: 25}

// operations maps each operation id of the spec to the facade method that calls it.
var operations = map[string]call{
	"ListRoomSessions": func(ctx context.Context, c *telnyx.Client, _ string) error {
		_, err := c.RoomSessions.List(ctx, nil)
		return err
	},
	"ViewRoomSession": func(ctx context.Context, c *telnyx.Client, id string) error {
		_, err := c.RoomSessions.Get(ctx, id, nil)
		return err
	},
	"ListRoomParticipants": func(ctx context.Context, c *telnyx.Client, id string) error {
		_, err := c.RoomSessions.Participants(ctx, id, nil)
		return err
	},
	"EndSession": func(ctx context.Context, c *telnyx.Client, id string) error {
		return c.RoomSessions.End(ctx, id)
	},
	"KickParticipantInSession": func(ctx context.Context, c *telnyx.Client, id string) error {
		return c.RoomSessions.Kick(ctx, id, telnyx.AllParticipants())
	},
	"MuteParticipantInSession": func(ctx context.Context, c *telnyx.Client, id string) error {
		return c.RoomSessions.Mute(ctx, id, telnyx.AllParticipants())
	},
	"UnmuteParticipantInSession": func(ctx context.Context, c *telnyx.Client, id string) error {
		return c.RoomSessions.Unmute(ctx, id, telnyx.AllParticipants())
	},
}

func listSessions(p telnyx.ListRoomSessionsParams) call {
	return func(ctx context.Context, c *telnyx.Client, _ string) error {
		_, err := c.RoomSessions.List(ctx, &p)
		return err
	}
}

func listParticipants(p telnyx.ListParticipantsParams) call {
	return func(ctx context.Context, c *telnyx.Client, id string) error {
		_, err := c.RoomSessions.Participants(ctx, id, &p)
		return err
	}
}

// dateKeys lists the three keys of a date filter, each set through set.
func dateKeys(prefix string, set func(telnyx.DateFilter) call) map[string]call {
	return map[string]call{
		prefix + "[eq]":  set(telnyx.DateFilter{Eq: driftDay}),
		prefix + "[gte]": set(telnyx.DateFilter{Gte: driftDay}),
		prefix + "[lte]": set(telnyx.DateFilter{Lte: driftDay}),
	}
}

// queryKeys maps each query key of each operation to a facade call that sends it.
func queryKeys() map[string]map[string]call {
	sessions := map[string]call{
		"filter[room_id]":      listSessions(telnyx.ListRoomSessionsParams{RoomID: roomID}),
		"filter[active]":       listSessions(telnyx.ListRoomSessionsParams{Active: telnyx.Bool(false)}),
		"include_participants": listSessions(telnyx.ListRoomSessionsParams{IncludeParticipants: true}),
		"page[number]":         listSessions(telnyx.ListRoomSessionsParams{PageNumber: 2}),
		"page[size]":           listSessions(telnyx.ListRoomSessionsParams{PageSize: 5}),
	}
	maps.Copy(sessions, dateKeys("filter[date_created_at]", func(f telnyx.DateFilter) call { return listSessions(telnyx.ListRoomSessionsParams{CreatedAt: f}) }))
	maps.Copy(sessions, dateKeys("filter[date_updated_at]", func(f telnyx.DateFilter) call { return listSessions(telnyx.ListRoomSessionsParams{UpdatedAt: f}) }))
	maps.Copy(sessions, dateKeys("filter[date_ended_at]", func(f telnyx.DateFilter) call { return listSessions(telnyx.ListRoomSessionsParams{EndedAt: f}) }))
	participants := map[string]call{
		"filter[context]": listParticipants(telnyx.ListParticipantsParams{Context: "Alice"}),
		"page[number]":    listParticipants(telnyx.ListParticipantsParams{PageNumber: 2}),
		"page[size]":      listParticipants(telnyx.ListParticipantsParams{PageSize: 5}),
	}
	maps.Copy(participants, dateKeys("filter[date_joined_at]", func(f telnyx.DateFilter) call { return listParticipants(telnyx.ListParticipantsParams{JoinedAt: f}) }))
	maps.Copy(participants, dateKeys("filter[date_updated_at]", func(f telnyx.DateFilter) call { return listParticipants(telnyx.ListParticipantsParams{UpdatedAt: f}) }))
	maps.Copy(participants, dateKeys("filter[date_left_at]", func(f telnyx.DateFilter) call { return listParticipants(telnyx.ListParticipantsParams{LeftAt: f}) }))
	return map[string]map[string]call{
		"ListRoomSessions":     sessions,
		"ListRoomParticipants": participants,
		"ViewRoomSession": {
			"include_participants": func(ctx context.Context, c *telnyx.Client, id string) error {
				_, err := c.RoomSessions.Get(ctx, id, &telnyx.GetRoomSessionParams{IncludeParticipants: true})
				return err
			},
		},
	}
}

// lastRequest makes the call and returns the request the fake received for it.
func lastRequest(t *testing.T, srv *telnyxtest.Server, c *telnyx.Client, sessionID string, fn call) telnyxtest.Request {
	t.Helper()
	before := len(srv.Requests())
	if err := fn(t.Context(), c, sessionID); err != nil {
		t.Fatalf("the call failed: %v", err)
	}
	reqs := srv.Requests()
	if len(reqs) != before+1 {
		t.Fatalf("the call sent %d requests, want 1", len(reqs)-before)
	}
	return reqs[len(reqs)-1]
}

// pathPattern turns a spec path into a pattern for received paths.
func pathPattern(specPath string) *regexp.Regexp {
	return regexp.MustCompile("^/v2" + regexp.MustCompile(`\\\{[^}]*\\\}`).ReplaceAllString(regexp.QuoteMeta(specPath), "[^/]+") + "$")
}

// specAndFake loads the spec and starts a fake with a client, for the guards that call
// the facade.
func specAndFake(t *testing.T) (*specinfo.Spec, *telnyxtest.Server, *telnyx.Client) {
	t.Helper()
	spec, err := specinfo.Load()
	if err != nil {
		t.Fatal(err)
	}
	srv := telnyxtest.NewServer()
	t.Cleanup(srv.Close)
	return spec, srv, srv.Client()
}

// TestSpecOperationsHaveFacadeMethods checks that every operation of the spec has a
// method, and that the method sends that operation.
func TestSpecOperationsHaveFacadeMethods(t *testing.T) {
	t.Parallel()
	spec, srv, c := specAndFake(t)
	for _, op := range spec.Operations {
		fn, ok := operations[op.ID]
		if !ok {
			t.Errorf("operation %v of api/openapi.yaml has no facade method: add one to telnyx/room_sessions.go and list it in operations (telnyx/spec_drift_test.go)", op)
			continue
		}
		s := srv.AddSession(telnyxtest.Session{Active: true, Participants: []telnyxtest.Participant{{}}})
		req := lastRequest(t, srv, c, s.ID, fn)
		if req.Method != op.Method || !pathPattern(op.Path).MatchString(req.Path) {
			t.Errorf("the facade method for %v sends %s %s", op, req.Method, req.Path)
		}
	}
	for id := range operations {
		if _, ok := spec.Operation(id); !ok {
			t.Errorf("the facade calls operation %s, which api/openapi.yaml does not have: remove or rename it in telnyx/room_sessions.go and telnyx/spec_drift_test.go", id)
		}
	}
}

// TestSpecQueryKeysCanBeSetAndAreSent checks every query key of every operation: a field
// of the params sets it, and the facade sends it.
func TestSpecQueryKeysCanBeSetAndAreSent(t *testing.T) {
	t.Parallel()
	spec, srv, c := specAndFake(t)
	s := srv.AddSession(telnyxtest.Session{Active: true})
	table := queryKeys()
	for _, op := range spec.Operations {
		keys := table[op.ID]
		for _, key := range op.Query {
			fn, ok := keys[key.Key]
			if !ok {
				t.Errorf("query key %s of operation %v in api/openapi.yaml cannot be set through the facade: add a field to its params (telnyx/params.go), send it (telnyx/wire.go), and list it in queryKeys (telnyx/spec_drift_test.go)", key.Key, op)
				continue
			}
			req := lastRequest(t, srv, c, s.ID, fn)
			q, err := url.ParseQuery(req.Query)
			if err != nil || !q.Has(key.Key) {
				t.Errorf("query key %s of operation %v in api/openapi.yaml is not sent by the facade (query %q): send it in telnyx/wire.go", key.Key, op, req.Query)
			}
		}
		for key := range keys {
			if _, ok := op.QueryKeys()[key]; !ok {
				t.Errorf("the facade sets query key %s on %v, which api/openapi.yaml does not have: remove it from telnyx/params.go and telnyx/wire.go", key, op)
			}
		}
	}
}

// TestSpecEnumsAreKnownToTheFacade checks every enum of the spec: each value of an enum
// requests carry can be sent through the facade, and each value of an enum answers carry
// is valid for the generated type of its model field.
func TestSpecEnumsAreKnownToTheFacade(t *testing.T) {
	t.Parallel()
	spec, err := specinfo.Load()
	if err != nil {
		t.Fatal(err)
	}
	sent := map[string]map[string]telnyx.Selection{
		"/components/schemas/AllParticipantsKeyword": {"all": telnyx.AllParticipants()},
	}
	models := specModels // generated from the spec: models_index.gen_test.go
	for _, e := range spec.Enums() {
		if e.Request {
			if sent[e.Where] == nil {
				t.Errorf("enum %s %v of api/openapi.yaml, which requests carry, is unknown to the facade: let the facade send it and list it in TestSpecEnumsAreKnownToTheFacade (telnyx/spec_drift_test.go)", e.Where, e.Values)
				continue
			}
			for _, v := range e.Values {
				if sel, ok := sent[e.Where][v]; !ok || !strings.Contains(sel.String(), v) {
					t.Errorf("value %q of enum %s in api/openapi.yaml cannot be sent through the facade: add it to Selection (telnyx/selection.go) and to TestSpecEnumsAreKnownToTheFacade (telnyx/spec_drift_test.go)", v, e.Where)
				}
			}
			continue
		}
		rest, _ := strings.CutPrefix(e.Where, "/components/schemas/")
		schema, prop, _ := strings.Cut(rest, "/properties/")
		model, ok := models[schema]
		if !ok || strings.Contains(prop, "/") {
			continue // not a property of a public model: gen holds it
		}
		typ := enumFieldType(model, prop)
		if typ == nil {
			t.Errorf("property %s of %s in api/openapi.yaml is an enum, but telnyx.%s has no generated enum type for it: run make generate", prop, schema, model.Name())
			continue
		}
		for _, v := range e.Values {
			ok := reflect.ValueOf(v).Convert(typ).MethodByName("Valid").Call(nil)[0].Bool()
			if !ok {
				t.Errorf("value %q of enum %s in api/openapi.yaml is not valid for %s: run make generate", v, e.Where, typ)
			}
		}
	}
}

// enumFieldType returns the type of the field of t whose json name is name when it is a
// generated enum (it has a Valid method), or nil.
func enumFieldType(t reflect.Type, name string) reflect.Type {
	for i := range t.NumField() {
		f := t.Field(i)
		if n, _, _ := strings.Cut(f.Tag.Get("json"), ","); n == name {
			if _, ok := f.Type.MethodByName("Valid"); ok {
				return f.Type
			}
		}
	}
	return nil
}

// TestModelsMatchTheSpec checks that the public models are the schemas the operations
// answer with (specinfo.PublicModels), and that each has exactly the properties of its
// schema, renames included, sends every required one, keeps absent apart from zero where
// the spec says so (a pointer), and marks deprecated ones.
func TestModelsMatchTheSpec(t *testing.T) {
	t.Parallel()
	spec, err := specinfo.Load()
	if err != nil {
		t.Fatal(err)
	}
	names, err := spec.PublicModels()
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != len(specModels) {
		t.Errorf("api/openapi.yaml answers with the models %v, package telnyx exports %d: run make generate", names, len(specModels))
	}
	for _, schema := range names {
		model, ok := specModels[schema]
		if !ok {
			t.Errorf("schema %s of api/openapi.yaml is a model the operations answer with, but package telnyx has no type for it: run make generate", schema)
			continue
		}
		props, err := spec.ModelProperties(schema)
		if err != nil {
			t.Fatal(err)
		}
		fields := map[string]reflect.StructField{} // json name -> field
		for i := range model.NumField() {
			name, _, _ := strings.Cut(model.Field(i).Tag.Get("json"), ",")
			fields[name] = model.Field(i)
		}
		for _, p := range props {
			f, ok := fields[p.Name]
			_, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			switch {
			case !ok:
				t.Errorf("property %s of schema %s in api/openapi.yaml has no field in telnyx.%s: run make generate", p.Name, schema, model.Name())
			case p.Required && strings.Contains(opts, "omit"):
				t.Errorf("required property %s of schema %s is omitted when zero by telnyx.%s: run make generate", p.Name, schema, model.Name())
			case p.Presence && f.Type.Kind() != reflect.Pointer:
				t.Errorf("optional property %s of schema %s has a zero value of its own, but telnyx.%s.%s is a %s, so absent and zero look the same: run make generate", p.Name, schema, model.Name(), f.Name, f.Type)
			}
			delete(fields, p.Name)
		}
		for name := range fields {
			t.Errorf("telnyx.%s has a field %q that schema %s of api/openapi.yaml does not have (renamed or removed?): run make generate", model.Name(), name, schema)
		}
	}
}
