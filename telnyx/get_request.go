package telnyx

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/google/uuid"

	"github.com/roomsessions/telnyx-go/gen"
)

// placeholderID stands for the session id in a request template.
var placeholderID = uuid.MustParse("00000000-0000-4000-8000-000000000000")

// idTemplate is the request the generated builder makes for an operation on one session,
// with the session id cut out of its URL, made once per client. Building a request from
// it costs a few allocations, where the generated builder parses the base URL twice and
// formats the path on every call: a fifth of the client-side CPU of a Get. The URL
// still comes from package gen, so a change of the spec's path reaches it.
type idTemplate struct {
	method string
	url    url.URL // Path and RawPath end where the id goes; the query is gen's
}

// newIDTemplate cuts the placeholder id out of req, or returns nil when req's URL does
// not end with it (then the caller uses the generated builder on every call).
func newIDTemplate(req *http.Request, err error) *idTemplate {
	if err != nil || req.Body != nil {
		return nil
	}
	id := placeholderID.String()
	u := *req.URL
	var ok bool
	if u.Path, ok = strings.CutSuffix(u.Path, id); !ok {
		return nil
	}
	if u.RawPath != "" {
		if u.RawPath, ok = strings.CutSuffix(u.RawPath, id); !ok {
			return nil
		}
	}
	return &idTemplate{method: req.Method, url: u}
}

// request returns the template's request for id, a UUID already validated: in lower
// case, as the generated builder writes it.
func (t *idTemplate) request(id string) *http.Request {
	id = strings.ToLower(id)
	u := t.url
	u.Path += id
	if u.RawPath != "" {
		u.RawPath += id
	}
	return &http.Request{
		Method:     t.method,
		URL:        &u,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     make(http.Header),
		Host:       u.Host,
	}
}

// getTemplates are the templates of GET /room_sessions/{id}.
type getTemplates struct {
	plain, withParticipants *idTemplate // without and with include_participants=true
}

// newGetTemplates makes the templates of GET /room_sessions/{id} against server.
func newGetTemplates(server string) getTemplates {
	include := true
	return getTemplates{
		plain:            newIDTemplate(gen.NewViewRoomSessionRequest(server, placeholderID, nil)),
		withParticipants: newIDTemplate(gen.NewViewRoomSessionRequest(server, placeholderID, &gen.ViewRoomSessionParams{IncludeParticipants: &include})),
	}
}

// pick returns the template for include_participants, or nil.
func (g getTemplates) pick(includeParticipants bool) *idTemplate {
	if includeParticipants {
		return g.withParticipants
	}
	return g.plain
}
