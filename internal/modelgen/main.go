// Command modelgen derives from api/openapi.yaml what oapi-codegen cannot: which schemas
// are models, how their properties are shaped, and the limits of the query keys. `go
// generate` runs it before oapi-codegen (see telnyx/generate.go and
// telnyx/telnyxtest/generate.go); its output is committed and checked by `make
// check-generated` like every generated file.
//
// It writes:
//
//   - -overlay: an OpenAPI overlay for oapi-codegen, made of the computed actions (the
//     public models as the only things the document exposes, presence pointers, deprecation
//     paragraphs; in -mode fake also the fake's state shape) followed by the hand-written
//     actions of -shape (descriptions, renames), which say how, never which.
//   - -index: a test file that lists each model's Go type, for the drift guards.
//   - -limits: Go constants of the minimums, maximums and defaults of the query keys.
//   - -wire: strict copies of the models for tests that check the wire format: times as
//     the strings sent, optional properties as pointers (absent is nil), so that a test
//     decoding an answer with DisallowUnknownFields follows the spec by itself.
//
// The models are specinfo.PublicModels: the records the operations answer with and the
// object schemas they reach.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"

	"github.com/roomsessions/telnyx-go/internal/specinfo"
)

// modelsDerived says where the models come from, in the refusal of a hand-listed one.
const modelsDerived = "the models are derived from the spec's operations"

func main() {
	var (
		specPath    = flag.String("spec", "", "the spec, api/openapi.yaml")
		mode        = flag.String("mode", "public", "public: the models of package telnyx; fake: the state types of package telnyxtest")
		shape       = flag.String("shape", "", "the hand-written overlay whose actions follow the computed ones")
		publicShape = flag.String("public-shape", "", "in -mode fake, the public models' hand-written overlay (for their Go names)")
		overlay     = flag.String("overlay", "", "where to write the overlay for oapi-codegen")
		index       = flag.String("index", "", "where to write the models' index for the tests (optional)")
		indexPkg    = flag.String("index-package", "", "the package of the index")
		limits      = flag.String("limits", "", "where to write the limits' constants (optional)")
		wire        = flag.String("wire", "", "where to write the strict wire copies of the models for the tests (optional)")
		wirePkg     = flag.String("wire-package", "", "the package of the wire copies")
		limitsPkg   = flag.String("limits-package", "telnyx", "the package of the limits")
	)
	flag.Parse()
	if err := run(*specPath, *mode, *shape, *publicShape, *overlay, *index, *indexPkg, *limits, *limitsPkg, *wire, *wirePkg); err != nil {
		fmt.Fprintln(os.Stderr, "modelgen:", err)
		os.Exit(1)
	}
}

func run(specPath, mode, shape, publicShape, overlayPath, index, indexPkg, limits, limitsPkg, wire, wirePkg string) error {
	if specPath == "" || shape == "" || overlayPath == "" || (mode != "public" && mode != "fake") {
		return errors.New("usage: modelgen -spec FILE -mode public|fake -shape FILE -overlay FILE [-index FILE -index-package P] [-limits FILE]")
	}
	spec, err := specinfo.ParseFile(specPath)
	if err != nil {
		return err
	}
	models, err := spec.PublicModels()
	if err != nil {
		return fmt.Errorf("%v (see CONTRIBUTING.md: give inline objects a $ref)", err)
	}
	hand, err := specinfo.ReadShapeOverlay(shape, modelsDerived)
	if err != nil {
		return err
	}
	actions, err := computedActions(spec, models, mode)
	if err != nil {
		return err
	}
	title := map[string]string{"public": "Public models of package telnyx", "fake": "State types of package telnyxtest"}[mode]
	out, err := specinfo.NewOverlay(title, append(actions, hand.Actions...)).Encode("internal/modelgen", filepath.Base(shape))
	if err != nil {
		return err
	}
	if err := specinfo.WriteFile(overlayPath, out); err != nil {
		return err
	}
	if index != "" {
		names := hand.GoNames()
		var public map[string]string
		if mode == "fake" {
			ps, err := specinfo.ReadShapeOverlay(publicShape, modelsDerived)
			if err != nil {
				return fmt.Errorf("-public-shape: %w", err)
			}
			public = ps.GoNames()
		}
		src, err := indexFile(mode, indexPkg, models, names, public)
		if err != nil {
			return err
		}
		if err := specinfo.WriteFile(index, src); err != nil {
			return err
		}
	}
	if wire != "" {
		src, err := wireFile(spec, wirePkg, models)
		if err != nil {
			return err
		}
		if err := specinfo.WriteFile(wire, src); err != nil {
			return err
		}
	}
	if limits != "" {
		src, err := limitsFile(spec, limitsPkg)
		if err != nil {
			return err
		}
		if err := specinfo.WriteFile(limits, src); err != nil {
			return err
		}
	}
	return nil
}

// target is the JSONPath of a schema, or of one of its properties.
func target(schema string, prop ...string) string {
	t := "$.components.schemas." + schema
	for _, p := range prop {
		t += ".properties." + p
	}
	return t
}

// computedActions are the actions derived from the spec.
func computedActions(spec *specinfo.Spec, models []string, mode string) ([]specinfo.OverlayAction, error) {
	props := map[string]any{}
	for _, m := range models {
		props[m] = map[string]any{"$ref": "#/components/schemas/" + m}
	}
	acts := []specinfo.OverlayAction{
		{Target: "$.paths.*", Remove: true},
		{Target: "$.paths", Update: map[string]any{
			"/__models": map[string]any{"get": map[string]any{
				"operationId": "Models",
				"responses": map[string]any{"200": map[string]any{
					"description": "The models, derived from the operations' answers by internal/modelgen.",
					"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{
						"type": "object", "properties": props,
					}}},
				}},
			}},
		}},
	}
	for _, m := range models {
		mps, err := spec.ModelProperties(m)
		if err != nil {
			return nil, err
		}
		if mode == "fake" && len(spec.Doc.Components.Schemas[m].Value.Required) > 0 {
			// Seeds may leave anything out: AddSession fills ids and times.
			acts = append(acts, specinfo.OverlayAction{Target: target(m) + ".required", Remove: true})
		}
		for _, p := range mps {
			if !identifier(p.Name) {
				return nil, fmt.Errorf("property %q of %s: modelgen handles property names of letters, digits and _ only", p.Name, m)
			}
			if mode == "fake" && p.Value != nil && p.Value.ReadOnly {
				// The fake derives what the API computes (record_type): not stored.
				acts = append(acts, specinfo.OverlayAction{Target: target(m, p.Name), Remove: true})
				continue
			}
			update := map[string]any{}
			if p.Presence {
				update["x-go-type-skip-optional-pointer"] = false
			}
			if p.Deprecated != "" {
				desc := strings.TrimSpace(p.Value.Description)
				if desc != "" {
					desc += "\n\n"
				}
				// A paragraph of its own, as go doc, gopls and staticcheck read it;
				// oapi-codegen's own line would join the Example paragraph.
				update["description"] = desc + "Deprecated: " + p.Deprecated
				update["deprecated"] = false
			}
			if len(update) > 0 {
				acts = append(acts, specinfo.OverlayAction{Target: target(m, p.Name), Update: update})
			}
		}
	}
	return acts, nil
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func identifier(s string) bool { return identRE.MatchString(s) }

// typeName is the Go name oapi-codegen gives a schema.
func typeName(schema string, names map[string]string) string {
	if n, ok := names[schema]; ok {
		return n
	}
	return codegen.ToCamelCaseWithInitialisms(schema)
}

func indexFile(mode, pkg string, models []string, names, public map[string]string) ([]byte, error) {
	if pkg == "" {
		return nil, errors.New("-index needs -index-package")
	}
	var b bytes.Buffer
	b.WriteString("// Code generated by internal/modelgen from api/openapi.yaml. DO NOT EDIT.\n\n")
	fmt.Fprintf(&b, "package %s\n\n", pkg)
	b.WriteString("import (\n\t\"reflect\"\n\n\t\"github.com/roomsessions/telnyx-go/telnyx\"\n)\n\n")
	switch mode {
	case "public":
		b.WriteString("// specModels maps each schema of api/openapi.yaml that package telnyx exports as a\n")
		b.WriteString("// model (specinfo.PublicModels) to its generated type.\n")
		b.WriteString("var specModels = map[string]reflect.Type{\n")
		for _, m := range models {
			fmt.Fprintf(&b, "\t%q: reflect.TypeFor[telnyx.%s](),\n", m, typeName(m, names))
		}
		b.WriteString("}\n")
	case "fake":
		b.WriteString("// specModelPairs pairs each public model (specinfo.PublicModels) with the fake's\n")
		b.WriteString("// state type generated from the same schema.\n")
		b.WriteString("var specModelPairs = []struct {\n\tschema       string\n\tmodel, state reflect.Type\n}{\n")
		for _, m := range models {
			fmt.Fprintf(&b, "\t{%q, reflect.TypeFor[telnyx.%s](), reflect.TypeFor[%s]()},\n", m, typeName(m, public), typeName(m, names))
		}
		b.WriteString("}\n")
	}
	return format.Source(b.Bytes())
}

func limitsFile(spec *specinfo.Spec, pkg string) ([]byte, error) {
	limits, err := spec.Limits()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("// Code generated by internal/modelgen from api/openapi.yaml. DO NOT EDIT.\n\n")
	fmt.Fprintf(&b, "package %s\n\n", pkg)
	b.WriteString("// The minimums, maximums and defaults api/openapi.yaml gives the query parameters. The\n")
	b.WriteString("// facade validates against them, the fake enforces them and the CLI's help shows them.\n")
	b.WriteString("const (\n")
	sort.Slice(limits, func(i, j int) bool { return limits[i].Key < limits[j].Key })
	for _, l := range limits {
		name := specinfo.GoName(l.Key)
		ops := strings.Join(l.Operations, ", ")
		num := func(f float64) (string, error) {
			if l.Type == "integer" {
				if f != float64(int64(f)) {
					return "", fmt.Errorf("query key %s: integer bound %v", l.Key, f)
				}
				return strconv.FormatInt(int64(f), 10), nil
			}
			return strconv.FormatFloat(f, 'g', -1, 64), nil
		}
		if l.Min != nil {
			v, err := num(*l.Min)
			if err != nil {
				return nil, err
			}
			fmt.Fprintf(&b, "\t// %sMin is the smallest %s the API accepts (%s).\n\t%sMin = %s\n", name, l.Key, ops, name, v)
		}
		if l.Max != nil {
			v, err := num(*l.Max)
			if err != nil {
				return nil, err
			}
			fmt.Fprintf(&b, "\t// %sMax is the largest %s the API accepts (%s).\n\t%sMax = %s\n", name, l.Key, ops, name, v)
		}
		if l.Default != nil {
			var v string
			switch d := l.Default.(type) {
			case float64:
				if v, err = num(d); err != nil {
					return nil, err
				}
			case string:
				v = strconv.Quote(d)
			case bool:
				v = strconv.FormatBool(d)
			default:
				return nil, fmt.Errorf("query key %s: default %v of type %T", l.Key, d, d)
			}
			fmt.Fprintf(&b, "\t// %sDefault is the %s the API uses when none is sent (%s).\n\t%sDefault = %s\n", name, l.Key, ops, name, v)
		}
	}
	b.WriteString(")\n")
	return format.Source(b.Bytes())
}

// wireFile writes a struct per model, named w + its Go name, as the wire carries it.
func wireFile(spec *specinfo.Spec, pkg string, models []string) ([]byte, error) {
	if pkg == "" {
		return nil, errors.New("-wire needs -wire-package")
	}
	var b bytes.Buffer
	b.WriteString("// Code generated by internal/modelgen from api/openapi.yaml. DO NOT EDIT.\n\n")
	fmt.Fprintf(&b, "package %s\n\n", pkg)
	b.WriteString("import \"github.com/roomsessions/telnyx-go/gen\"\n\n")
	b.WriteString("// generated maps each response schema of the operations to its type in package gen,\n")
	b.WriteString("// into which the tests decode the fake's answers strictly.\n")
	b.WriteString("var generated = map[string]func() any{\n")
	for _, name := range responseSchemas(spec) {
		fmt.Fprintf(&b, "\t%q: func() any { return new(gen.%s) },\n", name, typeName(name, nil))
	}
	b.WriteString("}\n\n")
	for _, m := range models {
		props, err := spec.ModelProperties(m)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "// w%s is %s as the wire carries it, for strict decoding: times are the\n", typeName(m, nil), m)
		b.WriteString("// strings sent, optional properties pointers (nil when absent).\n")
		fmt.Fprintf(&b, "type w%s struct {\n", typeName(m, nil))
		for _, p := range props {
			typ, err := wireType(spec.Doc.Components.Schemas[m].Value.Properties[p.Name], m+"."+p.Name)
			if err != nil {
				return nil, err
			}
			if !p.Required {
				typ = "*" + typ
			}
			fmt.Fprintf(&b, "\t%s %s `json:\"%s\"`\n", fieldName(p.Name), typ, p.Name)
		}
		b.WriteString("}\n\n")
	}
	return format.Source(b.Bytes())
}

// wireType is the Go type of a property on the wire.
func wireType(ref *openapi3.SchemaRef, where string) (string, error) {
	if ref == nil || ref.Value == nil {
		return "", fmt.Errorf("%s: no schema", where)
	}
	if name, ok := strings.CutPrefix(ref.Ref, "#/components/schemas/"); ok && isObjectSchema(ref.Value) {
		return "w" + typeName(name, nil), nil
	}
	v := ref.Value
	switch {
	case v.Type.Is("string"):
		return "string", nil
	case v.Type.Is("boolean"):
		return "bool", nil
	case v.Type.Is("integer"):
		return "int", nil
	case v.Type.Is("number"):
		return "float64", nil
	case v.Type.Is("array"):
		elem, err := wireType(v.Items, where+"[]")
		if err != nil {
			return "", err
		}
		return "[]" + elem, nil
	case v.Type.Is("object"):
		return "map[string]any", nil
	}
	return "", fmt.Errorf("%s: modelgen has no wire type for %v", where, v.Type)
}

func isObjectSchema(v *openapi3.Schema) bool {
	return (v.Type == nil || v.Type.Is("object")) && len(v.Properties) > 0
}

// initialisms are the words a field name spells in capitals, as oapi-codegen's
// ToCamelCaseWithInitialisms does for the models.
var initialisms = map[string]string{"id": "ID", "url": "URL", "uuid": "UUID", "api": "API", "http": "HTTP", "json": "JSON", "uri": "URI"}

// fieldName is the Go name of a property: session_id is SessionID.
func fieldName(prop string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(prop, func(r rune) bool { return r == '_' || r == '-' || r == '.' }) {
		if up, ok := initialisms[strings.ToLower(w)]; ok {
			b.WriteString(up)
			continue
		}
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

// responseSchemas lists, sorted, the component schemas the operations answer with.
func responseSchemas(spec *specinfo.Spec) []string {
	seen := map[string]bool{}
	for _, o := range spec.Operations {
		for _, status := range o.Statuses {
			resp := o.Op.Responses.Value(status)
			if resp == nil || resp.Value == nil {
				continue
			}
			for _, media := range resp.Value.Content {
				if media.Schema == nil {
					continue
				}
				if name, ok := strings.CutPrefix(media.Schema.Ref, "#/components/schemas/"); ok {
					seen[name] = true
				}
			}
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
