package telnyx_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/roomsessions/telnyx-go/internal/specinfo"
)

// The deprecation guards: an element api/openapi.yaml deprecates must reach users as a
// Deprecated: paragraph in go doc, which gopls and staticcheck flag. The models are
// generated with it; the hand-written params must be given it.

// paramsOf names the params struct of each operation that has query keys.
var paramsOf = map[string]string{
	"ListRoomSessions":     "ListRoomSessionsParams",
	"ViewRoomSession":      "GetRoomSessionParams",
	"ListRoomParticipants": "ListParticipantsParams",
}

// hasDeprecatedParagraph reports whether a doc comment has a paragraph starting with
// "Deprecated: ", as go doc, gopls and staticcheck read it.
func hasDeprecatedParagraph(doc string) bool {
	for _, para := range strings.Split(strings.TrimSpace(doc), "\n\n") {
		if strings.HasPrefix(strings.TrimSpace(para), "Deprecated: ") {
			return true
		}
	}
	return false
}

// structFields parses the package's non-test files and returns the fields of each
// struct type: type name -> field name -> field.
func structFields(t *testing.T) map[string]map[string]*ast.Field {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]*ast.Field{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok {
				return true
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				return true
			}
			fields := map[string]*ast.Field{}
			for _, fl := range st.Fields.List {
				for _, id := range fl.Names {
					fields[id.Name] = fl
				}
			}
			out[ts.Name.Name] = fields
			return true
		})
	}
	return out
}

func TestHasDeprecatedParagraph(t *testing.T) {
	t.Parallel()
	for doc, want := range map[string]bool{
		"Context is the context.\n\nDeprecated: use metadata.\n": true,
		"Deprecated: use metadata.":                              true,
		"Context is the context.\nDeprecated: use metadata.":     false, // not a paragraph of its own
		"Context is deprecated.":                                 false,
		"":                                                       false,
	} {
		if got := hasDeprecatedParagraph(doc); got != want {
			t.Errorf("hasDeprecatedParagraph(%q) = %v, want %v", doc, got, want)
		}
	}
}

// TestDeprecatedPropertiesAreMarked checks that every deprecated property of a public
// model has a Deprecated: paragraph on its field.
func TestDeprecatedPropertiesAreMarked(t *testing.T) {
	t.Parallel()
	spec, err := specinfo.Load()
	if err != nil {
		t.Fatal(err)
	}
	fields := structFields(t)
	for schema, model := range specModels {
		props, err := spec.ModelProperties(schema)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range props {
			if p.Deprecated == "" {
				continue
			}
			name := fieldOfProperty(model, p.Name)
			f := fields[model.Name()][name]
			if f == nil || !hasDeprecatedParagraph(f.Doc.Text()) {
				t.Errorf("property %s of schema %s is deprecated in api/openapi.yaml, but telnyx.%s.%s has no Deprecated: paragraph: run make generate", p.Name, schema, model.Name(), name)
			}
		}
	}
}

// fieldOfProperty is the name of the field of t whose json name is prop.
func fieldOfProperty(t reflect.Type, prop string) string {
	for i := range t.NumField() {
		if n, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); n == prop {
			return t.Field(i).Name
		}
	}
	return ""
}

// TestDeprecatedQueryKeysAreMarked checks that the params field that sets a query key
// the spec deprecates (the field whose comment names the key) has a Deprecated:
// paragraph in its doc comment.
func TestDeprecatedQueryKeysAreMarked(t *testing.T) {
	t.Parallel()
	spec, err := specinfo.Load()
	if err != nil {
		t.Fatal(err)
	}
	fields := structFields(t)
	for _, op := range spec.Operations {
		for _, k := range op.Query {
			if k.Deprecated == "" {
				continue
			}
			params, ok := paramsOf[op.ID]
			if !ok {
				t.Errorf("operation %v has deprecated query key %s but no params struct in paramsOf (telnyx/deprecation_test.go)", op, k.Key)
				continue
			}
			var found []string
			for name, f := range fields[params] {
				comment := f.Doc.Text() + f.Comment.Text()
				if !namesKey(comment, k.Key) {
					continue
				}
				found = append(found, name)
				if !hasDeprecatedParagraph(f.Doc.Text()) {
					t.Errorf("query key %s of operation %v is deprecated in api/openapi.yaml (%s), but telnyx.%s.%s, which sets it, has no Deprecated: paragraph: add one to its doc comment in telnyx/params.go, and mark its flag in cmd/roomsessions", k.Key, op, k.Deprecated, params, name)
				}
			}
			if len(found) == 0 {
				t.Errorf("query key %s of operation %v is deprecated in api/openapi.yaml, but no field of telnyx.%s names it in its comment (telnyx/params.go)", k.Key, op, params)
			}
		}
	}
}

// namesKey reports whether a field's comment names key or, for a key of a date filter
// (filter[date_joined_at][gte]), the filter (filter[date_joined_at]).
func namesKey(comment, key string) bool {
	if strings.Contains(comment, key) {
		return true
	}
	if i := strings.LastIndex(key, "["); i > 0 && strings.Count(key, "[") > 1 {
		return strings.Contains(comment, key[:i]+"[")
	}
	return false
}
