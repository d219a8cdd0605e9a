package specinfo_test

import (
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/roomsessions/telnyx-go/api"
	"github.com/roomsessions/telnyx-go/internal/specinfo"
)

// edited parses api/openapi.yaml after edit has changed its YAML tree.
func edited(t *testing.T, edit func(doc map[string]any)) (*specinfo.Spec, error) {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal(api.Spec, &doc); err != nil {
		t.Fatal(err)
	}
	edit(doc)
	data, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return specinfo.Parse(data)
}

// at walks doc along keys.
func at(doc map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		doc = doc[k].(map[string]any)
	}
	return doc
}

func TestPublicModelsAreTheRecordsAnsweredAndWhatTheyReach(t *testing.T) {
	t.Parallel()
	s, err := specinfo.Load()
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.PublicModels()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"RoomParticipant", "RoomSession"}; !slices.Equal(got, want) {
		t.Errorf("PublicModels() = %v, want %v (not the envelopes, meta, errors or the action result)", got, want)
	}

	// A new operation answering with a new record makes it a model, and the object
	// schemas it reaches.
	s, err = edited(t, func(doc map[string]any) {
		schemas := at(doc, "components", "schemas")
		schemas["Recording"] = map[string]any{"type": "object", "properties": map[string]any{
			"id":          map[string]any{"type": "string"},
			"codec":       map[string]any{"$ref": "#/components/schemas/Codec"},
			"record_type": map[string]any{"type": "string", "enum": []any{"recording"}},
		}}
		schemas["Codec"] = map[string]any{"type": "object", "properties": map[string]any{"name": map[string]any{"type": "string"}}}
		schemas["RecordingList"] = map[string]any{"type": "object", "properties": map[string]any{
			"data": map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/Recording"}},
		}}
		at(doc, "paths")["/recordings"] = map[string]any{"get": map[string]any{
			"operationId": "ListRecordings",
			"responses": map[string]any{"200": map[string]any{"description": "ok", "content": map[string]any{
				"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/RecordingList"}},
			}}},
		}}
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err = s.PublicModels()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Codec", "Recording", "RoomParticipant", "RoomSession"}; !slices.Equal(got, want) {
		t.Errorf("with a recordings operation, PublicModels() = %v, want %v", got, want)
	}
}

func TestPublicModelsRefuseAnInlineObject(t *testing.T) {
	t.Parallel()
	s, err := edited(t, func(doc map[string]any) {
		at(doc, "components", "schemas", "RoomParticipant", "properties")["context"] = map[string]any{
			"type": "object", "properties": map[string]any{"name": map[string]any{"type": "string"}},
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.PublicModels()
	if err == nil || !strings.Contains(err.Error(), "RoomParticipant.context is an inline object: give it a $ref") {
		t.Errorf("PublicModels() with an inline object: %v, want an error naming it", err)
	}
}

func TestPresenceAndDeprecation(t *testing.T) {
	t.Parallel()
	s, err := edited(t, func(doc map[string]any) {
		props := at(doc, "components", "schemas", "RoomSession", "properties")
		props["recording_enabled"] = map[string]any{"type": "boolean"}
		props["max_participants"] = map[string]any{"type": "integer", "deprecated": true, "x-deprecated-reason": "Use the room's limit."}
		props["label"] = map[string]any{"type": "string", "x-presence": true}
		at(doc, "components", "schemas", "RoomSessionsFilter", "properties", "room_id")["deprecated"] = true
	})
	if err != nil {
		t.Fatal(err)
	}
	props, err := s.ModelProperties("RoomSession")
	if err != nil {
		t.Fatal(err)
	}
	presence := map[string]bool{}
	deprecated := map[string]string{}
	for _, p := range props {
		presence[p.Name] = p.Presence
		deprecated[p.Name] = p.Deprecated
	}
	for name, want := range map[string]bool{
		"recording_enabled": true, "max_participants": true, "label": true,
		"active": false, "ended_at": false, "id": false, "participants": false, "record_type": false,
	} {
		if presence[name] != want {
			t.Errorf("presence of %s = %v, want %v", name, presence[name], want)
		}
	}
	if deprecated["max_participants"] != "Use the room's limit." || deprecated["id"] != "" {
		t.Errorf("deprecation notices %q", deprecated)
	}
	op, _ := s.Operation("ListRoomSessions")
	for _, k := range op.Query {
		if want := k.Key == "filter[room_id]"; (k.Deprecated != "") != want {
			t.Errorf("query key %s: deprecated %q", k.Key, k.Deprecated)
		}
	}
}

func TestLimitsComeFromTheSpec(t *testing.T) {
	t.Parallel()
	s, err := edited(t, func(doc map[string]any) {
		at(doc, "components", "schemas", "PageParams", "properties", "size")["maximum"] = 500
	})
	if err != nil {
		t.Fatal(err)
	}
	limits, err := s.Limits()
	if err != nil {
		t.Fatal(err)
	}
	var size *specinfo.Limit
	for i := range limits {
		if limits[i].Key == "page[size]" {
			size = &limits[i]
		}
	}
	if size == nil || size.Min == nil || *size.Min != 1 || size.Max == nil || *size.Max != 500 || size.Default != float64(20) {
		t.Fatalf("page[size] limits = %+v, want 1..500, default 20", size)
	}
	if !slices.Equal(size.Operations, []string{"ListRoomParticipants", "ListRoomSessions"}) {
		t.Errorf("page[size] operations = %v", size.Operations)
	}
	if got := specinfo.GoName("page[size]"); got != "PageSize" {
		t.Errorf("GoName(page[size]) = %q", got)
	}
}
