package telnyxtest

import (
	"bufio"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Cut says whether and where a [Fault] cuts the connection.
type Cut int

const (
	// NoCut sends the whole answer.
	NoCut Cut = iota
	// CutBeforeResponse closes the connection without sending anything.
	CutBeforeResponse
	// CutMidBody sends the status, the headers with a Content-Length of the whole body,
	// then half of the body, and closes the connection.
	CutMidBody
)

// String returns the constant's name.
func (c Cut) String() string {
	switch c {
	case NoCut:
		return "NoCut"
	case CutBeforeResponse:
		return "CutBeforeResponse"
	case CutMidBody:
		return "CutMidBody"
	}
	return "Cut(" + strconv.Itoa(int(c)) + ")"
}

// Fault scripts a failure for matching requests; see [State.Fail] and "Faults" in the
// package documentation.
type Fault struct {
	// Method matches the request method; empty matches any.
	Method string
	// Path matches the request path, with or without its /v2 prefix, with [path.Match]
	// syntax: "*" stands for one path segment, as in "/room_sessions/*/actions/*". Empty
	// matches any.
	Path string
	// Query matches requests whose query has each of these parameters with this value
	// among its values, as in {"page[number]": "2"}. Empty matches any query.
	Query map[string]string

	// Status, when not zero, is the answer: the request never reaches the fake's state
	// and gets this status with Header and Body. When zero, the request is served as
	// usual (its changes happen) and the rest of the Fault alters that answer.
	Status int
	// Header is added to the answer, replacing headers of the same name
	// (for example Retry-After or x-ratelimit-reset).
	Header http.Header
	// Body is the answer's body when Status is set. Empty gives the Telnyx error envelope
	// for Status (429: code 10011, 500: 10007, and so on) or, below 400, an empty body.
	Body string
	// Latency delays the answer. The wait ends early when the client goes away or the
	// server closes.
	Latency time.Duration
	// Cut cuts the connection before or in the middle of the answer.
	Cut Cut
	// MalformedJSON sends only the first half of the body, with a Content-Length that
	// matches, so the answer is complete but its JSON is not.
	MalformedJSON bool

	// Times is how many matching requests the fault applies to; 0 means every one of
	// them until the fault is removed ([State.RemoveFault], [State.Reset]).
	Times int
}

// Bounds of the admin API's faults: their latency, and how many one State holds.
const (
	MaxFaultLatency = 10 * time.Minute
	maxFaults       = 1000
)

// fault is a registered Fault, its id and how many more requests it applies to.
type fault struct {
	Fault
	id   string
	left int // -1: until removed
}

// FaultStatus is a registered [Fault] as [State.Faults] reports it.
type FaultStatus struct {
	Fault
	// ID identifies the fault, for [State.RemoveFault] and DELETE /__admin/faults/{id}.
	ID string
	// Left is how many more matching requests it applies to; -1 means until removed.
	Left int
}

// Fail registers f and returns its id. A request gets one fault at most: the first
// registered among those with Times that match and have uses left (so a series of
// them plays in order), else the most recently registered among those without Times
// that match (so a newer standing fault overrides an older one). Fail panics on a fault
// that could never apply: a negative Times or Latency, an unknown Cut or Method, a Status outside 200..599, a Path that
// is malformed, holds a query or matches no operation.
func (s *State) Fail(f Fault) string {
	id, err := s.addFault(f)
	if err != nil {
		panic("telnyxtest: Fail: " + err.goMsg)
	}
	return id
}

// addFault checks and registers f.
func (s *State) addFault(f Fault) (string, *fieldError) {
	f, ferr := checkFault(f)
	if ferr != nil {
		return "", ferr
	}
	left := f.Times
	if left == 0 {
		left = -1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) >= maxFaults {
		return "", &fieldError{goMsg: fmt.Sprintf("%d faults are registered, the most a State holds", maxFaults),
			detail: fmt.Sprintf("%d faults are registered, the most the fake holds; DELETE /__admin/faults/{id} some", maxFaults)}
	}
	s.faultSeq++
	id := "f" + strconv.Itoa(s.faultSeq)
	s.faults = append(s.faults, &fault{Fault: f, id: id, left: left})
	return id, nil
}

// Faults returns the registered faults, in the order they were registered, with the
// uses they have left.
func (s *State) Faults() []FaultStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]FaultStatus, len(s.faults))
	for i, f := range s.faults {
		out[i] = FaultStatus{Fault: f.clone(), ID: f.id, Left: f.left}
	}
	return out
}

// RemoveFault removes the fault with the given id and reports whether there was one.
func (s *State) RemoveFault(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.faults, func(f *fault) bool { return f.id == id })
	if i < 0 {
		return false
	}
	s.faults = slices.Delete(s.faults, i, i+1)
	return true
}

// RemoveFaults removes every fault.
func (s *State) RemoveFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

func (f *fault) clone() Fault {
	c := f.Fault
	c.Header = c.Header.Clone()
	c.Query = maps.Clone(c.Query)
	return c
}

// faultMethods are the methods a fault may name: those a request can arrive with.
var faultMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// operationPaths are the paths of the operations, by segment; "{id}" is any segment.
var operationPaths = [][]string{
	{"v2", "room_sessions"},
	{"v2", "room_sessions", "{id}"},
	{"v2", "room_sessions", "{id}", "participants"},
	{"v2", "room_sessions", "{id}", "actions", "end"},
	{"v2", "room_sessions", "{id}", "actions", "kick"},
	{"v2", "room_sessions", "{id}", "actions", "mute"},
	{"v2", "room_sessions", "{id}", "actions", "unmute"},
}

// checkFault returns f normalized (Method in upper case, Path with /v2, Header and
// Query copied) or what makes it a fault that could never apply.
func checkFault(f Fault) (Fault, *fieldError) {
	bad := func(ptr, goMsg, detail string) (Fault, *fieldError) {
		return Fault{}, &fieldError{pointer: ptr, goMsg: goMsg, detail: detail}
	}
	if f.Method != "" {
		m := strings.ToUpper(f.Method)
		if !slices.Contains(faultMethods, m) {
			return bad("/method", fmt.Sprintf("Method %q never matches", f.Method),
				fmt.Sprintf("%q is no method a request can arrive with; use one of %s", truncateText(f.Method), strings.Join(faultMethods, ", ")))
		}
		f.Method = m
	}
	if f.Path != "" {
		p, ferr := normalizeFaultPath(f.Path)
		if ferr != nil {
			ferr.pointer = "/path"
			return Fault{}, ferr
		}
		f.Path = p
	}
	for k := range f.Query {
		if k == "" {
			return bad("/query", "Query has an empty parameter name", "a parameter name is empty")
		}
	}
	if f.Status != 0 && (f.Status < 200 || f.Status > 599) {
		return bad("/status", fmt.Sprintf("Status %d is outside 200..599", f.Status),
			fmt.Sprintf("must be from 200 to 599 (or absent, to alter the fake's own answer), not %d", f.Status))
	}
	if f.Latency < 0 {
		return bad("/latency_ms", fmt.Sprintf("Latency %s is negative", f.Latency), "must be 0 or more")
	}
	if f.Cut < NoCut || f.Cut > CutMidBody {
		return bad("/cut", fmt.Sprintf("unknown Cut %d", int(f.Cut)), `must be "before" or "mid"`)
	}
	if f.Times < 0 {
		return bad("/times", fmt.Sprintf("Times %d is negative", f.Times), "must be 0 (until deleted) or more")
	}
	for k, vs := range f.Header {
		if !validHeaderName(k) {
			return bad("/headers/"+escapePointer(k), fmt.Sprintf("Header name %q is not a valid header name", k), "is not a valid header name")
		}
		for _, v := range vs {
			if strings.ContainsFunc(v, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) {
				return bad("/headers/"+escapePointer(k), fmt.Sprintf("Header %s holds a control character", k), "holds a control character")
			}
		}
	}
	f.Header = f.Header.Clone()
	f.Query = maps.Clone(f.Query)
	return f, nil
}

// validHeaderName reports whether k is an HTTP token.
func validHeaderName(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if r > 0x7e || r <= ' ' || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	return true
}

// normalizeFaultPath puts /v2 in front of p when it lacks it, and checks that p is a
// valid pattern that matches some operation's path.
func normalizeFaultPath(p string) (string, *fieldError) {
	if strings.ContainsAny(p, "?#") {
		return "", &fieldError{goMsg: fmt.Sprintf("Path %q holds a query; use Query", p),
			detail: fmt.Sprintf("%q holds a query or fragment; give the path alone and the query in \"query\"", truncateText(p))}
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if p != "/v2" && !strings.HasPrefix(p, "/v2/") {
		p = "/v2" + p
	}
	p = strings.TrimSuffix(p, "/")
	if _, err := path.Match(p, ""); err != nil {
		return "", &fieldError{goMsg: fmt.Sprintf("Path %q is a malformed pattern", p),
			detail: fmt.Sprintf("%q is a malformed pattern (\"*\" matches one segment; [ ] must close)", truncateText(p))}
	}
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for _, op := range operationPaths {
		if len(op) != len(segs) {
			continue
		}
		ok := true
		for i, seg := range op {
			if seg == "{id}" {
				ok = ok && segs[i] != ""
				continue
			}
			m, _ := path.Match(segs[i], seg)
			ok = ok && m
		}
		if ok {
			return p, nil
		}
	}
	return "", &fieldError{goMsg: fmt.Sprintf("Path %q matches no operation", p),
		detail: fmt.Sprintf("%q matches no operation's path, such as /v2/room_sessions/*/actions/end", truncateText(p))}
}

// matches reports whether f applies to r.
func (f *fault) matches(r *http.Request) bool {
	if f.Method != "" && f.Method != r.Method {
		return false
	}
	if f.Path != "" {
		if m, _ := path.Match(f.Path, strings.TrimSuffix(r.URL.Path, "/")); !m {
			return false
		}
	}
	if len(f.Query) > 0 {
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return false
		}
		for k, v := range f.Query {
			if !slices.Contains(q[k], v) {
				return false
			}
		}
	}
	return true
}

// matchFaultLocked returns the fault that applies to r, using it up, or nil: the
// first registered with uses left, else the last registered without Times.
func (s *State) matchFaultLocked(r *http.Request) *Fault {
	for i, f := range s.faults {
		if f.left < 0 || !f.matches(r) {
			continue
		}
		out := f.clone()
		f.left--
		if f.left == 0 {
			s.faults = slices.Delete(s.faults, i, i+1)
		}
		return &out
	}
	for _, f := range slices.Backward(s.faults) {
		if f.left < 0 && f.matches(r) {
			out := f.clone()
			return &out
		}
	}
	return nil
}

// faultResponse is the answer of a fault with a Status.
func faultResponse(f *Fault) response {
	resp := response{status: f.Status, body: []byte(f.Body)}
	if f.Body == "" && f.Status >= 400 {
		resp.body = envelope(apiError{Code: defaultCode(f.Status), Detail: "Injected by telnyxtest.Fault."})
	}
	if f.Status == http.StatusTooManyRequests {
		resp.header = http.Header{"X-Ratelimit-Remaining": {"0"}}
	}
	return resp
}

// wait sleeps for d, or less if the request's context ends or the server closes.
func (h *handler) wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-h.state.done:
		return false
	}
}

// cutBeforeResponse closes the connection without answering.
func cutBeforeResponse(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// HTTP/2 or a writer that cannot hijack: net/http closes the stream without
		// logging when a handler panics with ErrAbortHandler.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close() // the point is to close it; its error changes nothing
}

// cutMidBody sends status and header, announces the whole body but sends half of it, and
// closes the connection.
func cutMidBody(w http.ResponseWriter, status int, header http.Header, body []byte) {
	declared := max(len(body), 1)
	sent := body[:len(body)/2]
	header.Set("Content-Length", strconv.Itoa(declared))
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		for k, v := range header {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		_, _ = w.Write(sent)
		_ = http.NewResponseController(w).Flush()
		panic(http.ErrAbortHandler)
	}
	writeRaw(rw.Writer, status, header, sent)
	_ = conn.Close() // cutting the connection is the point; how it closes does not matter
}

// writeRaw writes an HTTP/1.1 answer head and the bytes of body on a hijacked connection.
// Write errors are ignored: the connection is being cut anyway.
func writeRaw(bw *bufio.Writer, status int, header http.Header, body []byte) {
	_, _ = fmt.Fprintf(bw, "HTTP/1.1 %03d %s\r\n", status, http.StatusText(status))
	_ = header.Write(bw)
	_, _ = bw.WriteString("Connection: close\r\n\r\n")
	_, _ = bw.Write(body)
	_ = bw.Flush()
}
