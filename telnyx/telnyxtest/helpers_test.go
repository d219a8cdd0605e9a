package telnyxtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/roomsessions/telnyx-go/api"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// t0 is the instant the test clocks start at.
func t0() time.Time { return time.Date(2021, 4, 16, 9, 46, 20, 954863000, time.UTC) }

// at is a UTC time on April 2021 (day, hour, minute).
func at(day, hour, minute int) time.Time {
	return time.Date(2021, 4, day, hour, minute, 0, 0, time.UTC)
}

// newServer starts a fake whose clock stands at t0 and closes it when the test ends.
func newServer(t *testing.T, opts ...telnyxtest.Option) *telnyxtest.Server {
	t.Helper()
	srv := telnyxtest.NewServer(append([]telnyxtest.Option{telnyxtest.WithClock(t0)}, opts...)...)
	t.Cleanup(srv.Close)
	return srv
}

// answer is an HTTP answer read whole.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// call sends method pathQuery (relative to srv.URL) with the server's key and, when body
// is not empty, a JSON body. The answer is checked against the spec.
func call(t *testing.T, srv *telnyxtest.Server, method, pathQuery, body string) answer {
	t.Helper()
	return callHeader(t, srv, method, pathQuery, body, http.Header{"Authorization": {"Bearer " + srv.APIKey}})
}

// callHeader is call with the given headers instead of the key.
func callHeader(t *testing.T, srv *telnyxtest.Server, method, pathQuery, body string, h http.Header) answer {
	t.Helper()
	req, a := sendHeader(t, srv, method, pathQuery, body, h)
	checkAnswer(t, req, a)
	return a
}

// sendRaw is call without the checks, returning the request sent too.
func sendRaw(t *testing.T, srv *telnyxtest.Server, method, pathQuery, body string) (*http.Request, answer) {
	t.Helper()
	return sendHeader(t, srv, method, pathQuery, body, http.Header{"Authorization": {"Bearer " + srv.APIKey}})
}

// sendHeader sends a request and reads the answer whole.
func sendHeader(t *testing.T, srv *telnyxtest.Server, method, pathQuery, body string, h http.Header) (*http.Request, answer) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+pathQuery, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = h.Clone()
	if body != "" && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := ownClient(t).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, pathQuery, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, pathQuery, err)
	}
	return req, answer{status: resp.StatusCode, header: resp.Header, body: b}
}

var (
	uuidRE     = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	wireTimeRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$`)
)

// checkAnswer checks what every answer has: the standard headers, JSON without null,
// times with six fractional digits, and a body that the spec allows for the operation.
func checkAnswer(t *testing.T, req *http.Request, a answer) {
	t.Helper()
	if got := a.header.Get("Content-Type"); got != "application/json" {
		t.Errorf("%s %s: Content-Type %q", req.Method, req.URL, got)
	}
	if id := a.header.Get("X-Request-Id"); !uuidRE.MatchString(id) {
		t.Errorf("%s %s: x-request-id %q is not a v4 UUID", req.Method, req.URL, id)
	}
	for _, h := range []string{"X-Ratelimit-Limit", "X-Ratelimit-Remaining", "X-Ratelimit-Reset"} {
		if a.header.Get(h) == "" {
			t.Errorf("%s %s: no %s header", req.Method, req.URL, h)
		}
	}
	var v any
	if err := json.Unmarshal(a.body, &v); err != nil {
		t.Fatalf("%s %s: body is not JSON: %v\n%s", req.Method, req.URL, err, a.body)
	}
	walkJSON(t, "", v)
	checkSpec(t, req, a)
}

// walkJSON fails on null anywhere and on *_at strings not in the wire's time format.
func walkJSON(t *testing.T, key string, v any) {
	t.Helper()
	switch v := v.(type) {
	case nil:
		t.Errorf("%s is null", key)
	case map[string]any:
		for k, x := range v {
			walkJSON(t, k, x)
		}
	case []any:
		for _, x := range v {
			walkJSON(t, key, x)
		}
	case string:
		if strings.HasSuffix(key, "_at") && !wireTimeRE.MatchString(v) {
			t.Errorf("%s = %q, want RFC 3339 UTC with 6 fractional digits", key, v)
		}
	}
}

// specChecker validates answers against a spec with kin-openapi. It is built once per
// spec and only read.
type specChecker struct {
	router  routers.Router
	options *openapi3filter.Options
}

// newSpecChecker loads spec for checking answers.
func newSpecChecker(spec []byte) (*specChecker, error) {
	doc, err := openapi3.NewLoader().LoadFromData(spec)
	if err != nil {
		return nil, err
	}
	doc.Servers = nil // routes are matched on the path after /v2
	doc.SetStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(
		`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`))
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, err
	}
	return &specChecker{router: router, options: &openapi3filter.Options{
		IncludeResponseStatus:   true,
		MultiError:              true,
		SchemaValidationOptions: doc.GetSchemaValidationOptions(),
		AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
	}}, nil
}

var loadSpecChecker = sync.OnceValues(func() (*specChecker, error) { return newSpecChecker(api.Spec) })

// route finds the operation of req; ok is false when req names none (404, 405).
func (sc *specChecker) route(req *http.Request) (*routers.Route, map[string]string, *http.Request, bool) {
	r := httptest.NewRequest(req.Method, strings.TrimPrefix(req.URL.Path, "/v2")+"?"+req.URL.RawQuery, nil)
	route, params, err := sc.router.FindRoute(r)
	return route, params, r, err == nil
}

// check validates a against the operation of req, when req names one.
func (sc *specChecker) check(req *http.Request, a answer) error {
	route, params, r, ok := sc.route(req)
	if !ok {
		return nil // not an operation: nothing in the spec to compare with
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: sc.options},
		Status:                 a.status,
		Header:                 a.header,
		Options:                sc.options,
	}
	in.SetBodyBytes(a.body)
	return openapi3filter.ValidateResponse(context.Background(), in)
}

// checkSpec validates a against the operation of req in api/openapi.yaml and decodes it
// strictly into the generated types.
func checkSpec(t *testing.T, req *http.Request, a answer) {
	t.Helper()
	sc, err := loadSpecChecker()
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.check(req, a); err != nil {
		t.Errorf("%s %s: answer %d does not match api/openapi.yaml: %v\n%s", req.Method, req.URL, a.status, err, a.body)
	}
	if route, _, _, ok := sc.route(req); ok {
		decodeStrictly(t, route.Operation, a)
	}
}

// decodeStrictly decodes a's body into the generated type of its response schema.
func decodeStrictly(t *testing.T, op *openapi3.Operation, a answer) {
	t.Helper()
	ref := op.Responses.Status(a.status)
	if ref == nil {
		ref = op.Responses.Value(strconv.Itoa(a.status/100) + "XX")
	}
	if ref == nil || ref.Value == nil {
		t.Errorf("%s answered %d, a status api/openapi.yaml does not describe", op.OperationID, a.status)
		return
	}
	media := ref.Value.Content.Get("application/json")
	if media == nil || media.Schema == nil {
		t.Errorf("%s %d: api/openapi.yaml describes no JSON body", op.OperationID, a.status)
		return
	}
	name := strings.TrimPrefix(media.Schema.Ref, "#/components/schemas/")
	newValue, ok := generated[name]
	if !ok {
		t.Errorf("%s %d: response schema %q of api/openapi.yaml has no entry in the strict-decoding table: run make generate (generated, in wire_models.gen_test.go, lists every response schema)", op.OperationID, a.status, name)
		return
	}
	v := newValue()
	dec := json.NewDecoder(bytes.NewReader(a.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Errorf("%s %d: the fake's answer does not decode strictly into gen.%s: %v\n%s", op.OperationID, a.status, name, err, a.body)
	}
}

// Wire shapes, decoded strictly.

// wSession and wParticipant are generated from api/openapi.yaml (wire_models.gen_test.go):
// a property added, renamed or retyped in the spec changes them, and a test that
// decodes an answer strictly follows.
type (
	wSession     = wRoomSession
	wParticipant = wRoomParticipant
)

// optional is s as an optional property of a wire copy: nil when empty (the fake omits
// an empty string).
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

type wMeta struct {
	PageNumber   int `json:"page_number"`
	PageSize     int `json:"page_size"`
	TotalPages   int `json:"total_pages"`
	TotalResults int `json:"total_results"`
}

type wList[T any] struct {
	Data []T   `json:"data"`
	Meta wMeta `json:"meta"`
}

type wOne[T any] struct {
	Data T `json:"data"`
}

type wError struct {
	Code   string `json:"code"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Source *struct {
		Pointer   string `json:"pointer"`
		Parameter string `json:"parameter"`
	} `json:"source"`
	Meta map[string]any `json:"meta"`
}

// decode decodes a's body into a T, rejecting unknown fields.
func decode[T any](t *testing.T, a answer) T {
	t.Helper()
	var v T
	dec := json.NewDecoder(bytes.NewReader(a.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decoding %T: %v\n%s", v, err, a.body)
	}
	return v
}

// apiError returns the single error of an error answer.
func apiError(t *testing.T, a answer) wError {
	t.Helper()
	env := decode[struct {
		Errors []wError `json:"errors"`
	}](t, a)
	if len(env.Errors) != 1 {
		t.Fatalf("want 1 error, got %d: %s", len(env.Errors), a.body)
	}
	return env.Errors[0]
}

func sessionIDs(ss []wSession) []string {
	ids := make([]string, len(ss))
	for i, s := range ss {
		ids[i] = s.ID
	}
	return ids
}

func participantIDs(ps []wParticipant) []string {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return ids
}

// wire formats t as the API does.
func wire(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z07:00") }

// equal fails the test when got and want differ.
func equal[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got  %+v\n want %+v", what, got, want)
	}
}

// id returns a UUID made of one repeated hex digit, easy to order and to read.
func id(c byte) string {
	s := strings.Repeat(string(c), 32)
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}

// ownClient returns an HTTP client with a transport of the test's own: a parallel test
// closing an httptest.Server closes http.DefaultTransport's idle connections, which can
// break a request of http.DefaultClient that was about to reuse one.
func ownClient(t testing.TB) *http.Client {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}
