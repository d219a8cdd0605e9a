package telnyxtest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/roomsessions/telnyx-go/api"
	"github.com/roomsessions/telnyx-go/internal/specinfo"
)

// The operation ids of api/openapi.yaml.
const (
	opListSessions     = "ListRoomSessions"
	opViewSession      = "ViewRoomSession"
	opListParticipants = "ListRoomParticipants"
	opEnd              = "EndSession"
	opKick             = "KickParticipantInSession"
	opMute             = "MuteParticipantInSession"
	opUnmute           = "UnmuteParticipantInSession"
)

// operation is one operation of the spec, ready for request validation.
type operation struct {
	id          string
	route       *routers.Route
	deepObjects []string        // names of its deepObject query parameters
	queryKeys   map[string]bool // every key its query may hold, as spelled on the wire
}

// validator validates requests against the embedded spec. It is built once and only read
// afterwards, so one value serves every handler concurrently.
type validator struct {
	ops     map[string]*operation // by operation id
	options *openapi3filter.Options
}

// uuidFormat accepts the 8-4-4-4-12 hexadecimal layout in any case and of any version, as
// the API and the facade do; kin-openapi's predefined RFC 4122 pattern would reject ids
// whose version or variant digit is unusual (for example 11111111-1111-1111-1111-111111111111).
var uuidFormat = openapi3.NewCallbackValidator(func(s string) error {
	if !isUUID(s) {
		return errors.New("not a UUID")
	}
	return nil
})

// loadValidator parses and validates api.Spec once per process.
var loadValidator = sync.OnceValues(func() (*validator, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(api.Spec)
	if err != nil {
		return nil, fmt.Errorf("telnyxtest: loading api/openapi.yaml: %w", err)
	}
	// The format is registered on the document and passed to each validation, not in
	// kin-openapi's global table, so the fake changes nothing for other users of kin-openapi.
	doc.SetStringFormatValidator("uuid", uuidFormat)
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("telnyxtest: api/openapi.yaml is invalid: %w", err)
	}
	v := &validator{
		ops: make(map[string]*operation),
		options: &openapi3filter.Options{
			// Authentication is checked before validation, as the API does.
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
			// Defaults are the handlers' business; setting them would rewrite the request.
			SkipSettingDefaults:     true,
			SchemaValidationOptions: doc.GetSchemaValidationOptions(),
		},
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			o := &operation{
				id:    op.OperationID,
				route: &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op},
			}
			for _, p := range op.Parameters {
				if p.Value.In == openapi3.ParameterInQuery && p.Value.Style == openapi3.SerializationDeepObject {
					o.deepObjects = append(o.deepObjects, p.Value.Name)
				}
			}
			v.ops[o.id] = o
		}
	}
	info, err := specinfo.Load()
	if err != nil {
		return nil, fmt.Errorf("telnyxtest: %w", err)
	}
	for _, o := range info.Operations {
		if op := v.ops[o.ID]; op != nil {
			op.queryKeys = make(map[string]bool, len(o.Query))
			for _, k := range o.Query {
				op.queryKeys[k.Key] = true
			}
		}
	}
	for _, id := range []string{opListSessions, opViewSession, opListParticipants, opEnd, opKick, opMute, opUnmute} {
		if v.ops[id] == nil {
			return nil, fmt.Errorf("telnyxtest: api/openapi.yaml has no operation %s", id)
		}
	}
	return v, nil
})

// validate checks r, whose Body holds the request body, against op. It returns the error
// answer the API would give, or ok.
func (v *validator) validate(ctx context.Context, op *operation, r *http.Request, pathParams map[string]string, query url.Values) (resp response, valid bool) {
	defer func() {
		// Any other input that makes kin-openapi panic is a bad request too, not a
		// dropped connection that a client would retry.
		if p := recover(); p != nil {
			resp, valid = errorResponse(http.StatusBadRequest, apiError{
				Code:   codeBadRequest,
				Detail: fmt.Sprintf("The request could not be validated: %v.", p),
			}), false
		}
	}()
	// The API's parameters are exactly the spec's: a misspelt filter must not pass as no
	// filter, so a key the operation does not take is refused, naming it.
	if unknown := unknownKey(op, query); unknown != "" {
		return errorResponse(http.StatusBadRequest, apiError{
			Code:      codeBadRequest,
			Detail:    fmt.Sprintf("Unknown query parameter %s.", unknown),
			Parameter: unknown,
		}), false
	}
	// kin-openapi v0.153.0 panics (interface conversion in deepSet) when one deepObject key
	// is a prefix of another, as in filter[date_created_at]=x&filter[date_created_at][gte]=y,
	// or answers depending on map order. Such a query is refused here first.
	for _, name := range op.deepObjects {
		if _, conflict := deepObject(query, name); conflict != "" {
			return errorResponse(http.StatusBadRequest, apiError{
				Code:      codeBadRequest,
				Detail:    fmt.Sprintf("The parameter %s cannot be both a value and an object.", conflict),
				Parameter: conflict,
			}), false
		}
	}
	in := &openapi3filter.RequestValidationInput{
		Request:     r,
		PathParams:  pathParams,
		QueryParams: query,
		Route:       op.route,
		Options:     v.options,
	}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
		return requestProblem(err), false
	}
	return response{}, true
}

// unknownKey returns the first key of query, in sorted order, that op does not take,
// or "".
func unknownKey(op *operation, query url.Values) string {
	var unknown string
	for key := range query {
		if !op.queryKeys[key] && (unknown == "" || key < unknown) {
			unknown = key
		}
	}
	return unknown
}

// requestProblem maps a kin-openapi validation error to the API's answer.
func requestProblem(err error) response {
	if me, ok := err.(openapi3.MultiError); ok && len(me) > 0 {
		err = me[0]
	}
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) {
		return errorResponse(http.StatusBadRequest, apiError{Code: codeBadRequest, Detail: err.Error()})
	}
	if p := re.Parameter; p != nil {
		path, reason := problemPath(re)
		switch p.In {
		case openapi3.ParameterInPath:
			return errorResponse(http.StatusBadRequest, apiError{
				Code:    codeInvalidID,
				Detail:  fmt.Sprintf("The %s is not a valid ID: %s.", p.Name, reason),
				Pointer: "/" + p.Name,
			})
		default:
			name := wireName(p.Name, path)
			return errorResponse(http.StatusBadRequest, apiError{
				Code:      codeBadRequest,
				Detail:    fmt.Sprintf("Invalid value for %s: %s.", name, reason),
				Parameter: name,
			})
		}
	}
	// The request body.
	if errors.Is(re.Err, openapi3filter.ErrInvalidRequired) {
		return errorResponse(http.StatusUnprocessableEntity, apiError{
			Code:    codeMissingParameter,
			Detail:  "The request body must name the participants.",
			Pointer: "/participants",
		})
	}
	var se *openapi3.SchemaError
	if errors.As(re.Err, &se) {
		reason := se.Reason
		if se.SchemaField == "oneOf" {
			// participants is "all" or a list: a list with a bad item is best described by
			// the list branch's error, which points at the item.
			reason = `must be "all" or a non-empty list of participant ids`
			if inner := deepestSchemaError(se.Origin); inner != nil && len(inner.JSONPointer()) > len(se.JSONPointer()) {
				se, reason = inner, inner.Reason
			}
		}
		pointer := jsonPointer(se.JSONPointer())
		if se.SchemaField == "required" {
			// kin-openapi points at the object; name the missing property.
			if m := missingPropertyRE.FindStringSubmatch(se.Reason); m != nil && !strings.HasSuffix(pointer, "/"+m[1]) {
				pointer += "/" + m[1]
			}
			return errorResponse(http.StatusUnprocessableEntity, apiError{
				Code:    codeMissingParameter,
				Detail:  fmt.Sprintf("Missing required parameter %s.", pointer),
				Pointer: pointer,
			})
		}
		return errorResponse(http.StatusUnprocessableEntity, apiError{
			Code:    codeBadRequest,
			Detail:  fmt.Sprintf("Invalid value at %s: %s.", pointer, reason),
			Pointer: pointer,
		})
	}
	if re.Err == nil && strings.HasPrefix(re.Reason, "header Content-Type") {
		return errorResponse(http.StatusUnsupportedMediaType, apiError{
			Code:   codeBadRequest,
			Detail: "The request body must be sent with Content-Type: application/json.",
		})
	}
	return errorResponse(http.StatusUnprocessableEntity, apiError{
		Code:   codeBadRequest,
		Detail: "The request body is not valid JSON.",
	})
}

// jsonPointer spells a path as an RFC 6901 pointer; the whole document is "".
func jsonPointer(path []string) string {
	var b strings.Builder
	for _, p := range path {
		b.WriteString("/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(p))
	}
	return b.String()
}

// deepestSchemaError returns the schema error with the longest path inside err, a tree of
// wrapped errors and multi-errors, or nil.
func deepestSchemaError(err error) *openapi3.SchemaError {
	var best *openapi3.SchemaError
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case nil:
			return
		case *openapi3.SchemaError:
			if best == nil || len(e.JSONPointer()) > len(best.JSONPointer()) {
				best = e
			}
			walk(e.Origin)
		case openapi3.MultiError:
			for _, x := range e {
				walk(x)
			}
		case interface{ Unwrap() []error }:
			for _, x := range e.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(e.Unwrap())
		}
	}
	walk(err)
	return best
}

var missingPropertyRE = regexp.MustCompile(`property "([^"]+)" is missing`)

// problemPath returns where inside a parameter the problem is, and a short reason.
func problemPath(re *openapi3filter.RequestError) (path []string, reason string) {
	var se *openapi3.SchemaError
	var pe *openapi3filter.ParseError
	switch {
	case errors.As(re.Err, &se):
		return se.JSONPointer(), se.Reason
	case errors.As(re.Err, &pe):
		for _, p := range pe.Path() {
			path = append(path, fmt.Sprint(p))
		}
		for e := pe; e != nil; {
			if e.Reason != "" {
				reason = e.Reason
			}
			next, ok := e.Cause.(*openapi3filter.ParseError)
			if !ok {
				break
			}
			e = next
		}
		if reason == "" {
			reason = pe.Error()
		}
		return path, reason
	case re.Err != nil:
		return nil, re.Err.Error()
	default:
		return nil, re.Reason
	}
}

// wireName is how a parameter path is spelled in a query: page, page[size],
// filter[date_created_at][gte].
func wireName(name string, path []string) string {
	var b strings.Builder
	b.WriteString(name)
	for _, p := range path {
		b.WriteString("[" + p + "]")
	}
	return b.String()
}

// deepObjectKeyRE extracts the bracketed parts of a deepObject key, as kin-openapi does.
var deepObjectKeyRE = regexp.MustCompile(`\[(.*?)\]`)

// deepObject returns the query parameter name in deepObject style as a map from the
// bracketed path, joined by '\x1f', to its first value, reading keys exactly as kin-openapi
// does. conflict is the wire name of a key that is also the prefix of another key (which
// kin-openapi cannot decode), or "".
func deepObject(q url.Values, name string) (props map[string]string, conflict string) {
	prefix := name + "["
	var paths [][]string
	for key, vals := range q {
		if !strings.HasPrefix(key, prefix) {
			continue
		}
		m := deepObjectKeyRE.FindAllStringSubmatch(key, -1)
		if len(m) == 0 {
			continue
		}
		path := make([]string, len(m))
		for i, sub := range m {
			path[i] = sub[1]
		}
		if props == nil {
			props = make(map[string]string)
		}
		if len(vals) > 0 {
			props[strings.Join(path, "\x1f")] = vals[0]
		}
		paths = append(paths, path)
	}
	for _, a := range paths {
		for _, b := range paths {
			if len(a) < len(b) && slicesHasPrefix(b, a) {
				if conflict == "" || wireName(name, a) < conflict {
					conflict = wireName(name, a)
				}
			}
		}
	}
	return props, conflict
}

func slicesHasPrefix(s, prefix []string) bool {
	if len(prefix) > len(s) {
		return false
	}
	for i := range prefix {
		if s[i] != prefix[i] {
			return false
		}
	}
	return true
}
