package telnyxtest

import (
	"bufio"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"reflect"
	"strings"
	"time"

	"github.com/roomsessions/telnyx-go/internal/apijson"
)

// AdminPrefix is the path under which [State.AdminHandler] answers.
const AdminPrefix = "/__admin/"

// Bounds of the admin API: the body of a call, and how many sessions one State may
// hold through it (POST /__admin/sessions, --seed).
const (
	MaxAdminBody     = 4 << 20
	maxAdminSessions = 100_000
)

// adminOpenAPI describes the admin API; GET /__admin/openapi.yaml serves it.
//
//go:embed admin_openapi.yaml
var adminOpenAPI []byte

// AdminHandler returns the admin API of the fake: HTTP calls, without authentication,
// that seed, change, inspect and reset s, so tests in any language can do what Go tests
// do with the methods of [State]. GET /__admin/openapi.yaml describes every call; the
// package documentation and the README list them. Mount it at [AdminPrefix]:
//
//	mux.Handle(telnyxtest.AdminPrefix, state.AdminHandler())
func (s *State) AdminHandler() http.Handler {
	s.adminOnce.Do(func() { s.admin = s.newAdminHandler() })
	return s.admin
}

// adminRoute is one call of the admin API: a method and a pattern whose {name}
// segments match any one segment.
type adminRoute struct {
	method, pattern string
	serve           func(w http.ResponseWriter, r *http.Request)
}

// adminRouter dispatches admin calls, answering an unknown path with 404 and a known
// path with another method with 405, both in the Telnyx error envelope.
type adminRouter struct{ routes []adminRoute }

// ServeHTTP serves the call r names.
func (ar *adminRouter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if preflight(w, r) {
		return
	}
	allowOrigin(w)
	var allow []string
	for _, rt := range ar.routes {
		values, ok := matchPattern(rt.pattern, r.URL.Path)
		if !ok {
			continue
		}
		if rt.method != r.Method {
			allow = append(allow, rt.method)
			continue
		}
		for k, v := range values {
			r.SetPathValue(k, v)
		}
		rt.serve(w, r)
		return
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		adminFail(w, http.StatusMethodNotAllowed, &fieldError{detail: fmt.Sprintf("%s %s: use %s", r.Method, r.URL.Path, strings.Join(allow, " or "))})
		return
	}
	adminFail(w, http.StatusNotFound, &fieldError{detail: fmt.Sprintf("no admin call %s %s; GET /__admin/openapi.yaml describes them", r.Method, truncateText(r.URL.Path))})
}

// matchPattern matches a path against a pattern of segments, where {name} matches any
// non-empty segment, and returns the values of the names.
func matchPattern(pattern, p string) (map[string]string, bool) {
	ps, segs := strings.Split(pattern, "/"), strings.Split(p, "/")
	if len(ps) != len(segs) {
		return nil, false
	}
	var values map[string]string
	for i, seg := range ps {
		if name, ok := strings.CutPrefix(seg, "{"); ok {
			if segs[i] == "" {
				return nil, false
			}
			if values == nil {
				values = map[string]string{}
			}
			values[strings.TrimSuffix(name, "}")] = segs[i]
			continue
		}
		if seg != segs[i] {
			return nil, false
		}
	}
	return values, true
}

func (s *State) newAdminHandler() http.Handler {
	return &adminRouter{routes: append([]adminRoute{
		{"GET", "/__admin/health", func(w http.ResponseWriter, _ *http.Request) {
			writeAdmin(w, http.StatusOK, map[string]string{"status": "ok"})
		}},
		{"GET", "/__admin/openapi.yaml", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/yaml")
			_, _ = w.Write(adminOpenAPI)
		}},
		{"POST", "/__admin/sessions", s.adminAddSessions},
		{"GET", "/__admin/sessions", func(w http.ResponseWriter, _ *http.Request) {
			writeAdmin(w, http.StatusOK, adminData{s.Sessions()})
		}},
		{"DELETE", "/__admin/sessions", func(w http.ResponseWriter, _ *http.Request) {
			s.RemoveSessions()
			w.WriteHeader(http.StatusNoContent)
		}},
		{"GET", "/__admin/sessions/{id}", func(w http.ResponseWriter, r *http.Request) {
			sess, found := s.Session(r.PathValue("id"))
			if !found {
				adminFail(w, http.StatusNotFound, noSession(r.PathValue("id")))
				return
			}
			writeAdmin(w, http.StatusOK, adminData{sess})
		}},
		{"DELETE", "/__admin/sessions/{id}", func(w http.ResponseWriter, r *http.Request) {
			if !s.RemoveSession(r.PathValue("id")) {
				adminFail(w, http.StatusNotFound, noSession(r.PathValue("id")))
				return
			}
			w.WriteHeader(http.StatusNoContent)
		}},
		{"POST", "/__admin/sessions/{id}/participants", s.adminJoin},
		{"POST", "/__admin/sessions/{id}/participants/{pid}/leave", func(w http.ResponseWriter, r *http.Request) {
			p, err := s.Leave(r.PathValue("id"), r.PathValue("pid"))
			if err != nil {
				adminLiveError(w, err)
				return
			}
			writeAdmin(w, http.StatusOK, adminData{p})
		}},
		{"POST", "/__admin/sessions/{id}/end", func(w http.ResponseWriter, r *http.Request) {
			sess, err := s.EndSession(r.PathValue("id"))
			if err != nil {
				adminLiveError(w, err)
				return
			}
			writeAdmin(w, http.StatusOK, adminData{sess})
		}},
		{"POST", "/__admin/faults", s.adminAddFault},
		{"GET", "/__admin/faults", func(w http.ResponseWriter, _ *http.Request) {
			faults := s.Faults()
			out := make([]adminFaultOut, len(faults))
			for i, f := range faults {
				out[i] = faultOut(f)
			}
			writeAdmin(w, http.StatusOK, adminData{out})
		}},
		{"DELETE", "/__admin/faults", func(w http.ResponseWriter, _ *http.Request) {
			s.RemoveFaults()
			w.WriteHeader(http.StatusNoContent)
		}},
		{"GET", "/__admin/faults/{id}", func(w http.ResponseWriter, r *http.Request) {
			for _, f := range s.Faults() {
				if f.ID == r.PathValue("id") {
					writeAdmin(w, http.StatusOK, adminData{faultOut(f)})
					return
				}
			}
			adminFail(w, http.StatusNotFound, noFault(r.PathValue("id")))
		}},
		{"DELETE", "/__admin/faults/{id}", func(w http.ResponseWriter, r *http.Request) {
			if !s.RemoveFault(r.PathValue("id")) {
				adminFail(w, http.StatusNotFound, noFault(r.PathValue("id")))
				return
			}
			w.WriteHeader(http.StatusNoContent)
		}},
		{"GET", "/__admin/requests", s.adminRequests},
		{"DELETE", "/__admin/requests", func(w http.ResponseWriter, _ *http.Request) {
			s.ClearRequests()
			w.WriteHeader(http.StatusNoContent)
		}},
		{"GET", "/__admin/clock", func(w http.ResponseWriter, _ *http.Request) {
			writeAdmin(w, http.StatusOK, adminClock{Now: s.Now()})
		}},
		{"POST", "/__admin/clock", s.adminSetClock},
		{"POST", "/__admin/reset", func(w http.ResponseWriter, _ *http.Request) {
			s.Reset()
			w.WriteHeader(http.StatusNoContent)
		}},
	}, s.webhookAdminRoutes()...)} // admin_webhooks.go
}

func noSession(id string) *fieldError {
	return &fieldError{pointer: "/id", detail: fmt.Sprintf("no session %s", truncateText(id))}
}

func noFault(id string) *fieldError {
	return &fieldError{pointer: "/id", detail: fmt.Sprintf("no fault %s; GET /__admin/faults lists them", truncateText(id))}
}

func (s *State) adminAddSessions(w http.ResponseWriter, r *http.Request) {
	body, ok := readAdminBody(w, r)
	if !ok {
		return
	}
	sessions, array, ferr := decodeSessionsJSON(body, true)
	if ferr == nil {
		var stored []Session
		if stored, ferr = s.addSessions(sessions, array); ferr == nil {
			writeAdmin(w, http.StatusCreated, adminData{stored})
			return
		}
	}
	adminFail(w, http.StatusBadRequest, ferr)
}

func (s *State) adminJoin(w http.ResponseWriter, r *http.Request) {
	body, ok := readAdminBody(w, r)
	if !ok {
		return
	}
	var p Participant
	if strings.TrimSpace(string(body)) != "" {
		v, ferr := parseJSON(body)
		var m map[string]any
		if ferr == nil {
			m, ferr = objectOf(v, "", "a participant")
		}
		if ferr == nil {
			p, ferr = decodeParticipant(m, "")
		}
		if ferr != nil {
			adminFail(w, http.StatusBadRequest, ferr)
			return
		}
	}
	joined, err := s.Join(r.PathValue("id"), p)
	if err != nil {
		adminLiveError(w, err)
		return
	}
	writeAdmin(w, http.StatusCreated, adminData{joined})
}

// adminLiveError answers an error of Join, Leave or EndSession.
func adminLiveError(w http.ResponseWriter, err error) {
	detail := strings.TrimPrefix(err.Error(), "telnyxtest: ")
	switch {
	case errors.Is(err, ErrNoSession), errors.Is(err, ErrNoParticipant):
		adminFail(w, http.StatusNotFound, &fieldError{detail: detail})
	case errors.Is(err, ErrSessionEnded):
		adminFail(w, http.StatusConflict, &fieldError{detail: detail})
	default:
		adminFail(w, http.StatusBadRequest, &fieldError{detail: detail})
	}
}

// adminFaultOut is a fault in the admin API's answers.
type adminFaultOut struct {
	ID        string            `json:"id"`
	Method    string            `json:"method,omitempty"`
	Path      string            `json:"path,omitempty"`
	Query     map[string]string `json:"query,omitempty"`
	Status    int               `json:"status,omitempty"`
	Headers   http.Header       `json:"headers,omitempty"`
	Body      string            `json:"body,omitempty"`
	LatencyMS int64             `json:"latency_ms,omitempty"`
	Cut       string            `json:"cut,omitempty"`
	Malformed bool              `json:"malformed,omitempty"`
	Times     int               `json:"times"`
	TimesLeft *int              `json:"times_left"` // null: until deleted
}

func faultOut(f FaultStatus) adminFaultOut {
	out := adminFaultOut{
		ID: f.ID, Method: f.Method, Path: f.Path, Query: f.Query, Status: f.Status, Headers: f.Header,
		Body: f.Body, LatencyMS: f.Latency.Milliseconds(), Malformed: f.MalformedJSON, Times: f.Times,
	}
	switch f.Cut {
	case CutBeforeResponse:
		out.Cut = "before"
	case CutMidBody:
		out.Cut = "mid"
	}
	if f.Left >= 0 {
		left := f.Left
		out.TimesLeft = &left
	}
	return out
}

func (s *State) adminAddFault(w http.ResponseWriter, r *http.Request) {
	body, ok := readAdminBody(w, r)
	if !ok {
		return
	}
	f, ferr := decodeFault(body)
	var id string
	if ferr == nil {
		id, ferr = s.addFault(f)
	}
	if ferr != nil {
		adminFail(w, http.StatusBadRequest, ferr)
		return
	}
	for _, st := range s.Faults() {
		if st.ID == id {
			writeAdmin(w, http.StatusCreated, adminData{faultOut(st)})
			return
		}
	}
	writeAdmin(w, http.StatusCreated, adminData{adminFaultOut{ID: id}}) // removed at once: cannot happen
}

// faultKeys are the fields of a fault in the admin API.
var faultKeys = []string{"method", "path", "query", "status", "headers", "body", "latency_ms", "cut", "malformed", "times"}

// decodeFault reads the JSON of a fault, strictly. "body" may be a string (sent as it
// is) or any JSON value (sent as JSON); a header's value may be a string or an array
// of strings.
func decodeFault(data []byte) (Fault, *fieldError) {
	v, ferr := parseJSON(data)
	if ferr != nil {
		return Fault{}, ferr
	}
	m, ferr := objectOf(v, "", "a fault")
	if ferr != nil {
		return Fault{}, ferr
	}
	if ferr := checkKeys(m, "", faultKeys...); ferr != nil {
		return Fault{}, ferr
	}
	var f Fault
	if f.Method, ferr = stringField(m, "method"); ferr != nil {
		return Fault{}, ferr
	}
	if f.Path, ferr = stringField(m, "path"); ferr != nil {
		return Fault{}, ferr
	}
	status, ferr := intField(m, "status", 0, 999)
	if ferr != nil {
		return Fault{}, ferr
	}
	f.Status = int(status)
	latency, ferr := intField(m, "latency_ms", 0, MaxFaultLatency.Milliseconds())
	if ferr != nil {
		return Fault{}, ferr
	}
	f.Latency = time.Duration(latency) * time.Millisecond
	times, ferr := intField(m, "times", 0, 1<<31-1)
	if ferr != nil {
		return Fault{}, ferr
	}
	f.Times = int(times)
	if f.MalformedJSON, ferr = boolField(m, "malformed"); ferr != nil {
		return Fault{}, ferr
	}
	cut, ferr := stringField(m, "cut")
	if ferr != nil {
		return Fault{}, ferr
	}
	switch cut {
	case "":
	case "before":
		f.Cut = CutBeforeResponse
	case "mid":
		f.Cut = CutMidBody
	default:
		return Fault{}, &fieldError{pointer: "/cut", detail: fmt.Sprintf(`must be "before" or "mid", not %q`, truncateText(cut))}
	}
	switch b := m["body"].(type) {
	case nil:
	case string:
		f.Body = b
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			return Fault{}, &fieldError{pointer: "/body", detail: "cannot be encoded as JSON"}
		}
		f.Body = string(enc)
	}
	if q := m["query"]; q != nil {
		qm, ferr := objectOf(q, "/query", "a query")
		if ferr != nil {
			return Fault{}, ferr
		}
		f.Query = make(map[string]string, len(qm))
		for k, v := range qm {
			sv, ok := v.(string)
			if !ok {
				return Fault{}, &fieldError{pointer: "/query/" + escapePointer(k), detail: "must be a string, not " + jsonKind(v)}
			}
			f.Query[k] = sv
		}
	}
	if h := m["headers"]; h != nil {
		hm, ferr := objectOf(h, "/headers", "a headers")
		if ferr != nil {
			return Fault{}, ferr
		}
		f.Header = http.Header{}
		for k, v := range hm {
			ptr := "/headers/" + escapePointer(k)
			switch x := v.(type) {
			case string:
				f.Header.Add(k, x)
			case []any:
				for i, item := range x {
					sv, ok := item.(string)
					if !ok {
						return Fault{}, &fieldError{pointer: fmt.Sprintf("%s/%d", ptr, i), detail: "must be a string, not " + jsonKind(item)}
					}
					f.Header.Add(k, sv)
				}
			default:
				return Fault{}, &fieldError{pointer: ptr, detail: "must be a string or an array of strings, not " + jsonKind(v)}
			}
		}
	}
	return f, nil
}

// adminRequest is a recorded request in GET /__admin/requests. Body is the raw body
// as text, null when there was none.
type adminRequest struct {
	Method        string      `json:"method"`
	Path          string      `json:"path"`
	Query         string      `json:"query"`
	Body          *string     `json:"body"`
	BodyTruncated bool        `json:"body_truncated,omitempty"`
	RequestID     string      `json:"request_id"`
	Status        int         `json:"status"`
	At            time.Time   `json:"at"`
	Headers       http.Header `json:"headers"`
}

func (s *State) adminRequests(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for k := range q {
		if k != "method" && k != "path" {
			adminFail(w, http.StatusBadRequest, &fieldError{detail: fmt.Sprintf("unknown parameter %q; the filters are method and path", truncateText(k))})
			return
		}
	}
	method := strings.ToUpper(q.Get("method"))
	pattern := q.Get("path")
	if pattern != "" {
		if _, err := path.Match(pattern, ""); err != nil {
			adminFail(w, http.StatusBadRequest, &fieldError{detail: fmt.Sprintf("path %q is a malformed pattern", truncateText(pattern))})
			return
		}
	}
	// The log is written entry by entry from a shallow copy (bodies and headers are never
	// changed once logged), so answering costs about one entry, not the log twice over.
	reqs := s.requestsShared()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 32<<10)
	_, _ = bw.WriteString(`{"data":[`)
	n := 0
	for _, q := range reqs {
		if method != "" && q.Method != method || pattern != "" && !matchLogPath(pattern, q.Path) {
			continue
		}
		e := adminRequest{Method: q.Method, Path: q.Path, Query: q.Query, RequestID: q.RequestID, Status: q.Status,
			At: q.At, Headers: q.Header, BodyTruncated: q.BodyTruncated}
		if q.Body != nil {
			b := string(q.Body)
			e.Body = &b
		}
		b, err := apijson.Marshal(e)
		if err != nil {
			continue // only strings, times and numbers: cannot fail
		}
		if n > 0 {
			_ = bw.WriteByte(',')
		}
		_, _ = bw.Write(b)
		n++
	}
	_, _ = bw.WriteString("]}\n")
	_ = bw.Flush() // a client that hangs up is not the fake's problem
}

// matchLogPath matches a path filter, with or without /v2, against a logged path.
func matchLogPath(pattern, p string) bool {
	if !strings.HasPrefix(pattern, "/") {
		pattern = "/" + pattern
	}
	if m, _ := path.Match(pattern, p); m {
		return true
	}
	m, _ := path.Match("/v2"+pattern, p)
	return m
}

// adminClock is the body of GET and POST /__admin/clock.
type adminClock struct {
	Now time.Time `json:"now"`
}

// maxAdvance bounds POST /__admin/clock {"advance_ms"}: a hundred years either way.
const maxAdvance = 100 * 365 * 24 * time.Hour

func (s *State) adminSetClock(w http.ResponseWriter, r *http.Request) {
	body, ok := readAdminBody(w, r)
	if !ok {
		return
	}
	v, ferr := parseJSON(body)
	var m map[string]any
	if ferr == nil {
		m, ferr = objectOf(v, "", `a clock ({"now": RFC 3339} or {"advance_ms": N})`)
	}
	if ferr == nil {
		ferr = checkKeys(m, "", "now", "advance_ms")
	}
	if ferr == nil {
		_, hasNow := m["now"]
		_, hasAdvance := m["advance_ms"]
		switch {
		case hasNow == hasAdvance:
			ferr = &fieldError{detail: `give either "now" (an RFC 3339 time) or "advance_ms" (milliseconds), one of them`}
		case hasNow:
			var t time.Time
			if ferr = decodeValue(m["now"], "/now", reflect.ValueOf(&t).Elem()); ferr == nil {
				s.SetNow(t)
			}
		default:
			var ms int64
			if ms, ferr = intField(m, "advance_ms", -maxAdvance.Milliseconds(), maxAdvance.Milliseconds()); ferr == nil {
				s.Advance(time.Duration(ms) * time.Millisecond)
			}
		}
	}
	if ferr != nil {
		adminFail(w, http.StatusBadRequest, ferr)
		return
	}
	writeAdmin(w, http.StatusOK, adminClock{Now: s.Now()})
}

// adminData is the envelope of every admin answer with data.
type adminData struct {
	Data any `json:"data"`
}

// readAdminBody reads a request body of at most MaxAdminBody bytes; it answers 413
// itself when the body is larger, 400 when it cannot be read.
func readAdminBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxAdminBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			adminFail(w, http.StatusRequestEntityTooLarge, &fieldError{detail: fmt.Sprintf("the body is larger than %d bytes, the most the admin API reads", MaxAdminBody)})
		} else {
			adminFail(w, http.StatusBadRequest, &fieldError{detail: "the body could not be read"})
		}
		return nil, false
	}
	return body, true
}

// writeAdmin writes v as JSON, times as the API writes them.
func writeAdmin(w http.ResponseWriter, status int, v any) {
	b, err := apijson.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, envelope(apiError{Code: codeUnexpected, Detail: "encoding the answer failed"})
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// adminFail answers status with the Telnyx error envelope: the detail, and the JSON
// pointer of the field at fault in source.pointer.
func adminFail(w http.ResponseWriter, status int, fe *fieldError) {
	code := codeBadRequest
	switch status {
	case http.StatusNotFound:
		code = codeNotFound
	case http.StatusTooManyRequests:
		code = codeTooManyRequests
	}
	e := apiError{Code: code, Detail: fe.detail, Pointer: fe.pointer}
	if e.Pointer != "" {
		e.Detail = fe.pointer + ": " + fe.detail
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(envelope(e), '\n'))
}
