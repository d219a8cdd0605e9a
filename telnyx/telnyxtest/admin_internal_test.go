package telnyxtest

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestAdminOpenAPI checks that /__admin/openapi.yaml is a valid OpenAPI document that
// describes every admin call, and nothing else.
func TestAdminOpenAPI(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromData(adminOpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("admin_openapi.yaml: %v", err)
	}
	var routes, described []string
	for _, rt := range (&State{}).newAdminHandler().(*adminRouter).routes {
		routes = append(routes, rt.method+" "+rt.pattern)
	}
	for p, item := range doc.Paths.Map() {
		for m := range item.Operations() {
			described = append(described, strings.ToUpper(m)+" "+p)
		}
	}
	slices.Sort(routes)
	slices.Sort(described)
	if !slices.Equal(routes, described) {
		t.Errorf("admin_openapi.yaml describes\n%s\nthe admin API serves\n%s\n(edit telnyx/telnyxtest/admin_openapi.yaml)",
			strings.Join(described, "\n"), strings.Join(routes, "\n"))
	}
}
