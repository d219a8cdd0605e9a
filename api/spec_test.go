package api_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/roomsessions/telnyx-go/api"
)

// loadSpec parses and validates the embedded spec.
func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(api.Spec)
	if err != nil {
		t.Fatalf("load api/openapi.yaml: %v", err)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatalf("validate api/openapi.yaml: %v", err)
	}
	return doc
}

func TestSpecHasExactlyTheSevenOperations(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
	var got []string
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			got = append(got, method+" "+path+" "+op.OperationID)
		}
	}
	slices.Sort(got)
	want := []string{
		"GET /room_sessions ListRoomSessions",
		"GET /room_sessions/{room_session_id} ViewRoomSession",
		"GET /room_sessions/{room_session_id}/participants ListRoomParticipants",
		"POST /room_sessions/{room_session_id}/actions/end EndSession",
		"POST /room_sessions/{room_session_id}/actions/kick KickParticipantInSession",
		"POST /room_sessions/{room_session_id}/actions/mute MuteParticipantInSession",
		"POST /room_sessions/{room_session_id}/actions/unmute UnmuteParticipantInSession",
	}
	if !slices.Equal(got, want) {
		t.Errorf("operations:\n got %q\nwant %q", got, want)
	}
}

func TestSpecRequiresBearerAuthEverywhere(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	scheme := doc.Components.SecuritySchemes["bearerAuth"]
	if scheme == nil || scheme.Value.Type != "http" || scheme.Value.Scheme != "bearer" {
		t.Fatalf("bearerAuth scheme missing or not http bearer: %+v", scheme)
	}
	if len(doc.Security) != 1 || doc.Security[0]["bearerAuth"] == nil {
		t.Fatalf("top-level security = %v, want bearerAuth", doc.Security)
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.Security != nil {
				t.Errorf("%s %s overrides security with %v; every operation needs the bearer key", method, path, *op.Security)
			}
		}
	}
}

func TestSpecDescribesErrorsWithTheEnvelope(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for _, status := range []string{"4XX", "5XX"} {
				resp := op.Responses.Value(status)
				if resp == nil {
					t.Errorf("%s %s: no %s response", method, path, status)
					continue
				}
				schema := resp.Value.Content.Get("application/json").Schema
				if !strings.HasSuffix(schema.Ref, "/ErrorResponse") {
					t.Errorf("%s %s %s: schema %q, want the error envelope", method, path, status, schema.Ref)
				}
			}
		}
	}
}

func TestSpecDescribesResponseHeaders(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for status, resp := range op.Responses.Map() {
				want := []string{"x-request-id", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"}
				if status != "200" {
					want = append(want, "Retry-After")
				}
				for _, h := range want {
					if resp.Value.Headers[h] == nil {
						t.Errorf("%s %s %s: no %s header", method, path, status, h)
					}
				}
				if h := resp.Value.Headers["x-request-id"]; h != nil && !h.Value.Required {
					t.Errorf("%s %s %s: x-request-id is not required", method, path, status)
				}
			}
		}
	}
}
