package specinfo

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// This file derives from the spec what the generated models are made of: which schemas
// are public models, which of their properties keep absent apart from zero, which are
// deprecated, and the limits of the query keys.

const schemaRef = "#/components/schemas/"

// PublicModels lists, sorted, the component schemas the SDK exports as models: the
// records the operations answer with (the schema under "data" of a success answer, or its
// items when "data" is an array, when that schema declares a record_type, as every Telnyx
// record does) and every object schema they reach through their properties. An inline
// object among them is an error: give it a $ref, so that it gets a name users can build.
func (s *Spec) PublicModels() ([]string, error) {
	names := map[string]bool{}
	var errs []string
	var reach func(where string, ref *openapi3.SchemaRef)
	reach = func(where string, ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil {
			return
		}
		v := ref.Value
		if v.Type.Is("array") {
			reach(where+"[]", v.Items)
			return
		}
		if !isObject(v) {
			return
		}
		name, ok := strings.CutPrefix(ref.Ref, schemaRef)
		if !ok {
			errs = append(errs, fmt.Sprintf("%s is an inline object: give it a $ref to a schema of components/schemas", where))
			return
		}
		if names[name] {
			return
		}
		names[name] = true
		for _, p := range sortedKeys(v.Properties) {
			reach(name+"."+p, v.Properties[p])
		}
	}
	for _, o := range s.Operations {
		for _, status := range o.Statuses {
			if !strings.HasPrefix(status, "2") {
				continue
			}
			resp := o.Op.Responses.Value(status)
			if resp == nil || resp.Value == nil {
				continue
			}
			media := resp.Value.Content.Get("application/json")
			if media == nil || media.Schema == nil || media.Schema.Value == nil {
				continue
			}
			data := media.Schema.Value.Properties["data"]
			if data == nil || data.Value == nil {
				continue
			}
			record := data
			if data.Value.Type.Is("array") {
				record = data.Value.Items
			}
			if record == nil || record.Value == nil || record.Value.Properties["record_type"] == nil {
				continue // not a record, such as an action's {"result": "ok"}
			}
			reach(fmt.Sprintf("the data of %s %s", o.ID, status), record)
		}
	}
	if len(errs) > 0 {
		slices.Sort(errs)
		return nil, fmt.Errorf("specinfo: %s", strings.Join(slices.Compact(errs), "; "))
	}
	out := make([]string, 0, len(names))
	for n := range names {
		out = append(out, n)
	}
	sort.Strings(out)
	return out, nil
}

// isObject reports whether v describes an object with properties.
func isObject(v *openapi3.Schema) bool {
	return (v.Type.Is("object") || v.Type == nil) && len(v.Properties) > 0
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// PresenceExtension opts an optional string property into presence (see HasPresence).
const PresenceExtension = "x-presence"

// HasPresence reports whether an optional property keeps "absent" apart from its zero
// value in the models (a pointer: nil is absent): an optional boolean, integer or
// number, whose false or 0 is an answer of its own, and an optional string marked
// x-presence: true, whose "" means something. Required properties, times (a zero time is
// absent), other strings (an empty string is absent), arrays and objects are values.
func HasPresence(prop *openapi3.Schema, required bool) bool {
	if required || prop == nil {
		return false
	}
	switch {
	case prop.Type.Is("boolean"), prop.Type.Is("integer"), prop.Type.Is("number"):
		return len(prop.Enum) == 0
	case prop.Type.Is("string"):
		v, _ := prop.Extensions[PresenceExtension].(bool)
		return v
	}
	return false
}

// ModelProperty is a property of a public model, as the generator shapes it.
type ModelProperty struct {
	Schema, Name string
	Required     bool
	Presence     bool   // see HasPresence
	Deprecated   string // the deprecation notice, or "" when not deprecated
	Value        *openapi3.Schema
}

// DeprecationReasonExtension gives the reason of a deprecation, as oapi-codegen reads it.
const DeprecationReasonExtension = "x-deprecated-reason"

// DeprecationNotice is the text after "Deprecated: " for an element of the spec that is
// deprecated, or "" when it is not.
func DeprecationNotice(deprecated bool, ext map[string]any) string {
	if !deprecated {
		return ""
	}
	if r, ok := ext[DeprecationReasonExtension].(string); ok && strings.TrimSpace(r) != "" {
		return strings.TrimSpace(r)
	}
	return "the API has deprecated it (api/openapi.yaml); it may go away."
}

// ModelProperties lists the properties of the public model schema, sorted by name.
func (s *Spec) ModelProperties(schema string) ([]ModelProperty, error) {
	ref := s.Doc.Components.Schemas[schema]
	if ref == nil || ref.Value == nil {
		return nil, fmt.Errorf("specinfo: the spec has no schema %s", schema)
	}
	var out []ModelProperty
	for _, name := range sortedKeys(ref.Value.Properties) {
		p := ref.Value.Properties[name]
		req := slices.Contains(ref.Value.Required, name)
		mp := ModelProperty{Schema: schema, Name: name, Required: req, Value: p.Value}
		if p.Value != nil {
			mp.Presence = HasPresence(p.Value, req)
			mp.Deprecated = DeprecationNotice(p.Value.Deprecated, p.Value.Extensions)
		}
		out = append(out, mp)
	}
	return out, nil
}

// Limit is what the spec says of the values a query key takes: its minimum, maximum and
// default, when it gives them.
type Limit struct {
	Key        string // as page[size]
	Min, Max   *float64
	Default    any
	Type       string // integer, number, string, boolean
	Operations []string
}

// Limits lists the query keys that have a minimum, maximum or default, sorted by key. A
// key that two operations bound differently is an error.
func (s *Spec) Limits() ([]Limit, error) {
	byKey := map[string]*Limit{}
	for _, o := range s.Operations {
		for _, k := range o.Query {
			v := k.Schema
			if v == nil || (v.Min == nil && v.Max == nil && v.Default == nil) {
				continue
			}
			if v.ExclusiveMin.IsSet() || v.ExclusiveMax.IsSet() {
				return nil, fmt.Errorf("specinfo: query key %s of %s has an exclusive bound: write it as minimum or maximum", k.Key, o.ID)
			}
			l := Limit{Key: k.Key, Min: v.Min, Max: v.Max, Default: v.Default}
			if v.Type != nil && len(v.Type.Slice()) > 0 {
				l.Type = v.Type.Slice()[0]
			}
			if prev := byKey[k.Key]; prev != nil {
				if !sameLimit(*prev, l) {
					return nil, fmt.Errorf("specinfo: query key %s has other limits in %s than in %s", k.Key, o.ID, prev.Operations[0])
				}
				prev.Operations = append(prev.Operations, o.ID)
				continue
			}
			l.Operations = []string{o.ID}
			byKey[k.Key] = &l
		}
	}
	out := make([]Limit, 0, len(byKey))
	for _, k := range sortedKeys(byKey) {
		out = append(out, *byKey[k])
	}
	return out, nil
}

func sameLimit(a, b Limit) bool {
	eq := func(x, y *float64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return eq(a.Min, b.Min) && eq(a.Max, b.Max) && fmt.Sprint(a.Default) == fmt.Sprint(b.Default)
}

// GoName is the Go name of a query key: page[size] is PageSize.
func GoName(key string) string {
	var b strings.Builder
	upper := true
	for _, r := range key {
		switch {
		case r == '[' || r == ']' || r == '_' || r == '-' || r == '.':
			upper = true
		case upper:
			b.WriteString(strings.ToUpper(string(r)))
			upper = false
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
