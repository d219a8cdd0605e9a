// Package specinfo reads api/openapi.yaml for the code that must follow it by hand: the
// fake's request checks and the drift guards of the facade, the fake and the command
// line. It lists the operations and, for each, the query keys it takes as they are
// spelled on the wire (filter[date_created_at][gte]), and the enums of the spec.
package specinfo

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/roomsessions/telnyx-go/api"
)

// Operation is one operation of the spec.
type Operation struct {
	ID     string // operationId, as ListRoomSessions
	Method string // GET, POST
	Path   string // the path template, as /room_sessions/{room_session_id}
	Query  []QueryKey
	// Statuses are the response keys of the operation: "200", "4XX", "5XX".
	Statuses []string
	Op       *openapi3.Operation
}

// String names the operation as the drift guards report it.
func (o Operation) String() string {
	return fmt.Sprintf("%s (%s %s)", o.ID, o.Method, o.Path)
}

// QueryKey is one key a query may hold: a plain parameter (include_participants) or a
// leaf of a deepObject parameter (page[size], filter[date_created_at][gte]).
type QueryKey struct {
	Key    string           // as sent on the wire
	Param  string           // the parameter it belongs to: filter, page, include_participants
	Schema *openapi3.Schema // the leaf's schema: its type, format and enum
	// Deprecated is the deprecation notice of the key (its parameter or its leaf is
	// deprecated: true), or "" when it is not deprecated.
	Deprecated string
}

// Enum is an enum of the spec: where it is and its values.
type Enum struct {
	Where  string // a JSON pointer into the spec, as /components/schemas/AllParticipantsKeyword
	Values []string
	// Request is true when a request can carry it (through a parameter or a request
	// body): the SDK must be able to send its values and the fake to act on them. An enum
	// only answers carry is held by generated types.
	Request bool
}

// Spec is the parsed spec with what the guards need.
type Spec struct {
	Doc        *openapi3.T
	Operations []Operation // sorted by ID
}

// Load parses api/openapi.yaml once per process.
var Load = sync.OnceValues(func() (*Spec, error) {
	return Parse(api.Spec)
})

// ParseFile reads and parses the spec at path.
func ParseFile(path string) (*Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(data)
}

// Parse reads a spec document.
func Parse(data []byte) (*Spec, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("specinfo: loading the spec: %w", err)
	}
	if err := doc.Validate(context.Background(), openapi3.DisableSchemaFormatValidation()); err != nil {
		return nil, fmt.Errorf("specinfo: the spec is invalid: %w", err)
	}
	s := &Spec{Doc: doc}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			o := Operation{ID: op.OperationID, Method: method, Path: path, Op: op}
			if o.ID == "" {
				return nil, fmt.Errorf("specinfo: %s %s has no operationId", method, path)
			}
			for _, p := range append(slices.Clone(item.Parameters), op.Parameters...) {
				if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
					o.Query = append(o.Query, queryKeys(p.Value)...)
				}
			}
			sort.Slice(o.Query, func(i, j int) bool { return o.Query[i].Key < o.Query[j].Key })
			o.Statuses = slices.Sorted(maps.Keys(op.Responses.Map()))
			s.Operations = append(s.Operations, o)
		}
	}
	sort.Slice(s.Operations, func(i, j int) bool { return s.Operations[i].ID < s.Operations[j].ID })
	return s, nil
}

// Operation returns the operation with the id, if the spec has it.
func (s *Spec) Operation(id string) (Operation, bool) {
	for _, o := range s.Operations {
		if o.ID == id {
			return o, true
		}
	}
	return Operation{}, false
}

// QueryKeys returns the set of keys operation id accepts.
func (o Operation) QueryKeys() map[string]QueryKey {
	m := make(map[string]QueryKey, len(o.Query))
	for _, k := range o.Query {
		m[k.Key] = k
	}
	return m
}

// queryKeys expands a query parameter into the keys it is sent as.
func queryKeys(p *openapi3.Parameter) []QueryKey {
	var schema *openapi3.Schema
	if p.Schema != nil {
		schema = p.Schema.Value
	}
	paramNotice := DeprecationNotice(p.Deprecated, p.Extensions)
	notice := func(s *openapi3.Schema) string {
		if paramNotice != "" || s == nil {
			return paramNotice
		}
		return DeprecationNotice(s.Deprecated, s.Extensions)
	}
	if p.Style != openapi3.SerializationDeepObject || schema == nil {
		return []QueryKey{{Key: p.Name, Param: p.Name, Schema: schema, Deprecated: notice(schema)}}
	}
	var keys []QueryKey
	var walk func(prefix string, s *openapi3.Schema, inherited string)
	walk = func(prefix string, s *openapi3.Schema, inherited string) {
		if n := notice(s); inherited == "" {
			inherited = n
		}
		if s == nil || len(s.Properties) == 0 {
			keys = append(keys, QueryKey{Key: prefix, Param: p.Name, Schema: s, Deprecated: inherited})
			return
		}
		for name, prop := range s.Properties {
			walk(prefix+"["+name+"]", prop.Value, inherited)
		}
	}
	walk(p.Name, schema, "")
	return keys
}

// Enums lists every enum of the spec's components, sorted by place.
func (s *Spec) Enums() []Enum {
	var out []Enum
	seen := map[*openapi3.Schema]bool{}
	var walk func(where string, ref *openapi3.SchemaRef)
	walk = func(where string, ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil {
			return
		}
		if ref.Ref != "" && where != strings.TrimPrefix(ref.Ref, "#") {
			return // reached from its own place
		}
		v := ref.Value
		if seen[v] {
			return
		}
		seen[v] = true
		if len(v.Enum) > 0 {
			e := Enum{Where: where}
			for _, x := range v.Enum {
				e.Values = append(e.Values, fmt.Sprint(x))
			}
			out = append(out, e)
		}
		for name, p := range v.Properties {
			walk(where+"/properties/"+name, p)
		}
		walk(where+"/items", v.Items)
		for i, x := range v.OneOf {
			walk(fmt.Sprintf("%s/oneOf/%d", where, i), x)
		}
		for i, x := range v.AnyOf {
			walk(fmt.Sprintf("%s/anyOf/%d", where, i), x)
		}
		for i, x := range v.AllOf {
			walk(fmt.Sprintf("%s/allOf/%d", where, i), x)
		}
	}
	for name, ref := range s.Doc.Components.Schemas {
		walk("/components/schemas/"+name, ref)
	}
	requested := s.requestSchemas()
	for i, e := range out {
		name, _, _ := strings.Cut(strings.TrimPrefix(e.Where, "/components/schemas/"), "/")
		out[i].Request = requested[name]
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Where < out[j].Where })
	return out
}

// requestSchemas returns the names of the component schemas a request can carry: those
// the operations' parameters and request bodies reach.
func (s *Spec) requestSchemas() map[string]bool {
	names := map[string]bool{}
	seen := map[*openapi3.Schema]bool{}
	var walk func(ref *openapi3.SchemaRef)
	walk = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		seen[ref.Value] = true
		if name, ok := strings.CutPrefix(ref.Ref, "#/components/schemas/"); ok {
			names[name] = true
		}
		v := ref.Value
		for _, p := range v.Properties {
			walk(p)
		}
		walk(v.Items)
		for _, list := range [][]*openapi3.SchemaRef{v.OneOf, v.AnyOf, v.AllOf} {
			for _, x := range list {
				walk(x)
			}
		}
	}
	for _, o := range s.Operations {
		for _, p := range o.Op.Parameters {
			if p.Value != nil {
				walk(p.Value.Schema)
			}
		}
		if rb := o.Op.RequestBody; rb != nil && rb.Value != nil {
			for _, media := range rb.Value.Content {
				walk(media.Schema)
			}
		}
	}
	return names
}

// Property is a property of a schema, as the model guards compare them.
type Property struct {
	Name     string
	Required bool
}

// Properties lists the properties of the component schema name.
func (s *Spec) Properties(name string) ([]Property, error) {
	ref := s.Doc.Components.Schemas[name]
	if ref == nil || ref.Value == nil {
		return nil, errors.New("specinfo: the spec has no schema " + name)
	}
	var out []Property
	for p := range ref.Value.Properties {
		out = append(out, Property{Name: p, Required: slices.Contains(ref.Value.Required, p)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Webhook is an event of the spec's x-webhooks: its type and the component schema of
// its payload.
type Webhook struct {
	Type    string // as video.room.participant.joined
	Payload string // the schema x-payload refers to, as ParticipantJoined
}

// Webhooks lists the events under the spec's x-webhooks extension, sorted by type. Each
// must have a post operation whose x-payload is a $ref to a component schema.
func (s *Spec) Webhooks() ([]Webhook, error) {
	raw, ok := s.Doc.Extensions["x-webhooks"].(map[string]any)
	if !ok {
		return nil, errors.New("specinfo: the spec has no x-webhooks map")
	}
	var out []Webhook
	for typ, item := range raw {
		post, _ := item.(map[string]any)["post"].(map[string]any)
		payload, _ := post["x-payload"].(map[string]any)
		ref, _ := payload["$ref"].(string)
		name, ok := strings.CutPrefix(ref, "#/components/schemas/")
		if !ok || s.Doc.Components == nil || s.Doc.Components.Schemas[name] == nil {
			return nil, fmt.Errorf("specinfo: x-webhooks %s: post.x-payload must be a $ref to a component schema, got %q", typ, ref)
		}
		out = append(out, Webhook{Type: typ, Payload: name})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Type < out[j].Type })
	return out, nil
}
