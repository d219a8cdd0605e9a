package telnyxtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/roomsessions/telnyx-go/internal/apijson"
)

// AdminPrefix is the path under which [State.AdminHandler] answers.
const AdminPrefix = "/__admin/"

// AdminHandler returns the admin API of the fake: HTTP calls, without authentication,
// that seed, change, inspect and reset s, so tests in any language can do what Go tests
// do with the methods of [State]. roomsessions serve mounts it beside the API. Sessions
// are JSON objects with the API's field names (plus "muted" on participants); times are
// RFC 3339. Errors are {"error": "..."} with 400, 404 or 409.
//
//	GET  /__admin/health                                     200 {"status":"ok"}
//	POST /__admin/sessions                                   a session or an array: 201 {"data":[stored]}
//	GET  /__admin/sessions                                   200 {"data":[every session]}
//	GET  /__admin/sessions/{id}                              200 {"data":session}; 404
//	POST /__admin/sessions/{id}/participants                 a participant joins now: 201 {"data":participant}
//	POST /__admin/sessions/{id}/participants/{pid}/leave     the participant leaves now: 200 {"data":participant}
//	POST /__admin/sessions/{id}/end                          the session ends now: 200 {"data":session}
//	POST /__admin/faults                                     {"method","path","status","headers","body",
//	                                                          "latency_ms","cut":"before"|"mid","malformed","times"}: 201
//	GET  /__admin/requests                                   200 {"data":[{"method","path","query","body","request_id","headers"}]}
//	POST /__admin/reset                                      204: no sessions, faults or requests left
//
// Mount it at [AdminPrefix]:
//
//	mux.Handle(telnyxtest.AdminPrefix, state.AdminHandler())
func (s *State) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /__admin/health", func(w http.ResponseWriter, _ *http.Request) {
		writeAdmin(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("POST /__admin/sessions", func(w http.ResponseWriter, r *http.Request) {
		body, ok := readAdminBody(w, r)
		if !ok {
			return
		}
		stored, err := s.AddSessionsJSON(body)
		if err != nil {
			adminError(w, http.StatusBadRequest, err)
			return
		}
		writeAdmin(w, http.StatusCreated, adminData{stored})
	})
	mux.HandleFunc("GET /__admin/sessions", func(w http.ResponseWriter, _ *http.Request) {
		writeAdmin(w, http.StatusOK, adminData{s.Sessions()})
	})
	mux.HandleFunc("GET /__admin/sessions/{id}", func(w http.ResponseWriter, r *http.Request) {
		sess, found := s.Session(r.PathValue("id"))
		if !found {
			adminError(w, http.StatusNotFound, fmt.Errorf("%w: %s", ErrNoSession, r.PathValue("id")))
			return
		}
		writeAdmin(w, http.StatusOK, adminData{sess})
	})
	mux.HandleFunc("POST /__admin/sessions/{id}/participants", func(w http.ResponseWriter, r *http.Request) {
		body, ok := readAdminBody(w, r)
		if !ok {
			return
		}
		var p Participant
		if len(bytes.TrimSpace(body)) > 0 {
			if err := json.Unmarshal(body, &p); err != nil {
				adminError(w, http.StatusBadRequest, fmt.Errorf("%w: want a participant object: %v", ErrInvalidSession, err))
				return
			}
		}
		joined, err := s.Join(r.PathValue("id"), p)
		if err != nil {
			adminError(w, liveStatus(err), err)
			return
		}
		writeAdmin(w, http.StatusCreated, adminData{joined})
	})
	mux.HandleFunc("POST /__admin/sessions/{id}/participants/{pid}/leave", func(w http.ResponseWriter, r *http.Request) {
		p, err := s.Leave(r.PathValue("id"), r.PathValue("pid"))
		if err != nil {
			adminError(w, liveStatus(err), err)
			return
		}
		writeAdmin(w, http.StatusOK, adminData{p})
	})
	mux.HandleFunc("POST /__admin/sessions/{id}/end", func(w http.ResponseWriter, r *http.Request) {
		sess, err := s.EndSession(r.PathValue("id"))
		if err != nil {
			adminError(w, liveStatus(err), err)
			return
		}
		writeAdmin(w, http.StatusOK, adminData{sess})
	})
	mux.HandleFunc("POST /__admin/faults", func(w http.ResponseWriter, r *http.Request) {
		body, ok := readAdminBody(w, r)
		if !ok {
			return
		}
		f, err := decodeFault(body)
		if err == nil {
			err = s.tryFail(f)
		}
		if err != nil {
			adminError(w, http.StatusBadRequest, err)
			return
		}
		writeAdmin(w, http.StatusCreated, adminData{"ok"})
	})
	mux.HandleFunc("GET /__admin/requests", func(w http.ResponseWriter, _ *http.Request) {
		reqs := s.Requests()
		out := make([]adminRequest, len(reqs))
		for i, q := range reqs {
			out[i] = adminRequest{Method: q.Method, Path: q.Path, Query: q.Query, RequestID: q.RequestID, Headers: q.Header}
			if q.Body != nil {
				b := string(q.Body)
				out[i].Body = &b
			}
		}
		writeAdmin(w, http.StatusOK, adminData{out})
	})
	mux.HandleFunc("POST /__admin/reset", func(w http.ResponseWriter, _ *http.Request) {
		s.Reset()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc(AdminPrefix, func(w http.ResponseWriter, r *http.Request) {
		adminError(w, http.StatusNotFound, fmt.Errorf("no admin call %s %s; see the documentation of telnyxtest.State.AdminHandler", r.Method, r.URL.Path))
	})
	return mux
}

// adminData is the envelope of every admin answer with a body.
type adminData struct {
	Data any `json:"data"`
}

// adminRequest is a recorded request in GET /__admin/requests. Body is the raw body
// as text, null when there was none.
type adminRequest struct {
	Method    string      `json:"method"`
	Path      string      `json:"path"`
	Query     string      `json:"query"`
	Body      *string     `json:"body"`
	RequestID string      `json:"request_id"`
	Headers   http.Header `json:"headers"`
}

// adminFault is the JSON of POST /__admin/faults.
type adminFault struct {
	Method    string                     `json:"method"`
	Path      string                     `json:"path"`
	Status    int                        `json:"status"`
	Headers   map[string]json.RawMessage `json:"headers"`
	Body      json.RawMessage            `json:"body"`
	LatencyMS int64                      `json:"latency_ms"`
	Cut       string                     `json:"cut"`
	Malformed bool                       `json:"malformed"`
	Times     int                        `json:"times"`
}

// decodeFault reads the JSON of a fault. Unknown keys are an error, so a typo does not
// go unnoticed. "body" may be a string (sent as it is) or any JSON value (sent as
// JSON); a header's value may be a string or an array of strings.
func decodeFault(data []byte) (Fault, error) {
	var af adminFault
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&af); err != nil {
		return Fault{}, fmt.Errorf("want a fault object: %v", err)
	}
	f := Fault{Method: af.Method, Path: af.Path, Status: af.Status, Latency: time.Duration(af.LatencyMS) * time.Millisecond,
		MalformedJSON: af.Malformed, Times: af.Times}
	switch af.Cut {
	case "":
	case "before":
		f.Cut = CutBeforeResponse
	case "mid":
		f.Cut = CutMidBody
	default:
		return Fault{}, fmt.Errorf(`"cut" must be "before" or "mid", not %q`, af.Cut)
	}
	if len(af.Body) > 0 && string(af.Body) != "null" {
		var s string
		if err := json.Unmarshal(af.Body, &s); err == nil {
			f.Body = s
		} else {
			f.Body = string(af.Body)
		}
	}
	for k, raw := range af.Headers {
		if f.Header == nil {
			f.Header = http.Header{}
		}
		var one string
		var many []string
		switch {
		case json.Unmarshal(raw, &one) == nil:
			f.Header.Add(k, one)
		case json.Unmarshal(raw, &many) == nil:
			for _, v := range many {
				f.Header.Add(k, v)
			}
		default:
			return Fault{}, fmt.Errorf("header %q: want a string or an array of strings", k)
		}
	}
	return f, nil
}

// tryFail is Fail with its panic on an invalid fault turned into an error.
func (s *State) tryFail(f Fault) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.New(strings.TrimPrefix(fmt.Sprint(r), "telnyxtest: Fail: "))
		}
	}()
	s.Fail(f)
	return nil
}

// liveStatus is the status of an error of a live change.
func liveStatus(err error) int {
	switch {
	case errors.Is(err, ErrNoSession), errors.Is(err, ErrNoParticipant):
		return http.StatusNotFound
	case errors.Is(err, ErrSessionEnded):
		return http.StatusConflict
	}
	return http.StatusBadRequest
}

// readAdminBody reads a request body of at most maxBodyBytes; it answers 400 itself
// when it cannot.
func readAdminBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64*maxBodyBytes))
	if err != nil {
		adminError(w, http.StatusBadRequest, fmt.Errorf("reading the body: %v", err))
		return nil, false
	}
	return body, true
}

// writeAdmin writes v as JSON, times as the API writes them.
func writeAdmin(w http.ResponseWriter, status int, v any) {
	b, err := apijson.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"encoding the answer failed"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// adminError answers {"error": err}.
func adminError(w http.ResponseWriter, status int, err error) {
	writeAdmin(w, status, map[string]string{"error": err.Error()})
}
