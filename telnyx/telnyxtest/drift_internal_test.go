package telnyxtest

import (
	"strings"
	"testing"

	"github.com/roomsessions/telnyx-go/internal/specinfo"
)

// The drift guards of the fake's hand-written parts: each failure names the element of
// api/openapi.yaml and the file to edit. See CONTRIBUTING.md.

// TestSpecOperationsHaveHandlers checks that every operation of the spec reaches a handler.
func TestSpecOperationsHaveHandlers(t *testing.T) {
	t.Parallel()
	spec, err := specinfo.Load()
	if err != nil {
		t.Fatal(err)
	}
	const id = "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"
	for _, op := range spec.Operations {
		path := "/v2" + strings.ReplaceAll(op.Path, "{room_session_id}", id)
		got, _, _, found := matchRoute(op.Method, path)
		if !found || got != op.ID {
			t.Errorf("operation %v of api/openapi.yaml has no handler in the fake: route it in matchRoute and serveOperation (telnyx/telnyxtest/routes.go) and answer it in telnyx/telnyxtest/handlers.go; %s %s routes to %q", op, op.Method, path, got)
		}
	}
}

// TestStateTypesPairWithTheModels checks that every property the fake stores reaches its
// answers and every property of the answers is stored, except what the fake derives.
func TestStateTypesPairWithTheModels(t *testing.T) {
	t.Parallel()
	derived := map[string]bool{"SessionID": true, "RecordType": true, "Participants": true}
	kept := map[string]bool{"Muted": true, "Participants": true}
	spec, err := specinfo.Load()
	if err != nil {
		t.Fatal(err)
	}
	models, err := spec.PublicModels()
	if err != nil {
		t.Fatal(err)
	}
	if len(models) != len(specModelPairs) {
		t.Errorf("api/openapi.yaml answers with the models %v, the fake has %d state types: run make generate", models, len(specModelPairs))
	}
	for _, p := range specModelPairs { // generated from the spec: models_index.gen_test.go
		copied := map[string]bool{}
		for _, fp := range fieldPairs(p.model, p.state) {
			copied[p.model.Field(fp.dst).Name] = true
		}
		for i := range p.model.NumField() {
			if f := p.model.Field(i); !copied[f.Name] && !derived[f.Name] {
				t.Errorf("telnyx.%s.%s has no counterpart in telnyxtest.%s: both are generated from api/openapi.yaml (run make generate), or the fake must derive it in telnyx/telnyxtest/render.go", p.model.Name(), f.Name, p.state.Name())
			}
		}
		for i := range p.state.NumField() {
			f := p.state.Field(i)
			if _, ok := p.model.FieldByName(f.Name); !ok && !kept[f.Name] {
				t.Errorf("telnyxtest.%s.%s is stored but never served: api/openapi.yaml has no such property of %s (run make generate)", p.state.Name(), f.Name, p.model.Name())
			}
		}
	}
}
