package telnyx

import (
	"net/http"
	"reflect"
	"testing"

	"github.com/google/uuid"

	"github.com/roomsessions/telnyx-go/gen"
)

// TestGetTemplateMatchesGen checks that a Get request built from the template is the
// request the generated builder makes, for base URLs with and without an escaped path,
// dot segments, a port, ids in either case, and with and without participants.
func TestGetTemplateMatchesGen(t *testing.T) {
	t.Parallel()
	bases := []string{
		"http://127.0.0.1:4010/v2/",
		"https://api.telnyx.com/v2/",
		"https://api.telnyx.com/",
		"https://example.com:8443/a%2Fb/v2/",
		"https://example.com/a/../v2/",
		"https://example.com/with%20space/",
	}
	ids := []string{"3fa85f64-5717-4562-b3fc-2c963f66afa6", "3FA85F64-5717-4562-B3FC-2C963F66AFA6", "00000000-0000-4000-8000-000000000000"}
	for _, base := range bases {
		templates := newGetTemplates(base)
		for _, include := range []bool{false, true} {
			tmpl := templates.pick(include)
			if tmpl == nil {
				t.Errorf("%s: no template (include %v)", base, include)
				continue
			}
			for _, id := range ids {
				var params *gen.ViewRoomSessionParams
				if include {
					params = &gen.ViewRoomSessionParams{IncludeParticipants: &include}
				}
				want, err := gen.NewViewRoomSessionRequest(base, uuid.MustParse(id), params)
				if err != nil {
					t.Fatal(err)
				}
				got := tmpl.request(id)
				if got.URL.String() != want.URL.String() || !reflect.DeepEqual(*got.URL, *want.URL) {
					t.Errorf("%s %s include=%v:\n got %s %#v\nwant %s %#v", base, id, include, got.URL, *got.URL, want.URL, *want.URL)
				}
				if got.Method != want.Method || got.Host != want.Host || got.Proto != want.Proto ||
					got.ProtoMajor != want.ProtoMajor || got.ProtoMinor != want.ProtoMinor ||
					got.Body != nil || got.GetBody != nil || got.ContentLength != 0 ||
					!reflect.DeepEqual(got.Header, want.Header) || got.Context() != want.Context() {
					t.Errorf("%s %s: request %+v, want %+v", base, id, got, want)
				}
			}
		}
	}
}

// TestIDTemplateRefusesOtherShapes checks the fallback to the generated builder: no
// template for a request with a body or a URL that does not end with the id.
func TestIDTemplateRefusesOtherShapes(t *testing.T) {
	t.Parallel()
	if newIDTemplate(nil, http.ErrNotSupported) != nil {
		t.Error("a template from a failed builder")
	}
	req, err := gen.NewListRoomParticipantsRequest("https://api.telnyx.com/v2/", placeholderID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if newIDTemplate(req, nil) != nil {
		t.Errorf("a template for %s, whose URL does not end with the id", req.URL)
	}
	body, err := AllParticipants().wire()
	if err != nil {
		t.Fatal(err)
	}
	if req, err = gen.NewEndSessionRequest("https://api.telnyx.com/v2/", placeholderID); err != nil {
		t.Fatal(err)
	}
	req.Body = http.NoBody
	if newIDTemplate(req, nil) != nil {
		t.Error("a template for a request with a body")
	}
	if req, err = gen.NewKickParticipantInSessionRequest("https://api.telnyx.com/v2/", placeholderID, body); err != nil {
		t.Fatal(err)
	}
	if newIDTemplate(req, nil) != nil {
		t.Error("a template for a request with a body")
	}
}
