package telnyx_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// TestAnswersThatCannotBeRightAreErrors: 2xx answers lacking what api/openapi.yaml
// requires are ErrMalformedResponse for Get and List, never an empty record or page.
func TestAnswersThatCannotBeRightAreErrors(t *testing.T) {
	t.Parallel()
	noID := strings.Replace(sessionItem(sessionID), `"id":"`+sessionID+`",`, "", 1)
	get := map[string]string{
		"{}":                    `required property "data" of RoomSessionResponse is missing`,
		"null":                  "want an object, got null",
		`{"data":null}`:         `required property "data" of RoomSessionResponse is null`,
		`{"data":{}}`:           `data: required property "id" of RoomSession is missing`,
		`{"data":` + noID + `}`: `data: required property "id" of RoomSession is missing`,
		`{"data":` + strings.Replace(sessionItem(sessionID), sessionID, "", 1) + `}`: `data: required property "id" of RoomSession is empty`,
	}
	for body, want := range get {
		ws := startWire(t, answerJSON(http.StatusOK, body))
		s, err := ws.newClient(t).RoomSessions.Get(t.Context(), sessionID, nil)
		if s != nil || !errors.Is(err, telnyx.ErrMalformedResponse) || !strings.Contains(err.Error(), want) {
			t.Errorf("Get of %s: %v, %v; want ErrMalformedResponse saying %q", body, s, err, want)
		}
		if n := len(ws.requests()); n != 1 {
			t.Errorf("Get of %s: %d requests, want 1 (not retried)", body, n)
		}
	}
	list := map[string]string{
		"{}":          `required property "data" of RoomSessionList is missing`,
		`{"data":[]}`: `required property "meta" of RoomSessionList is missing`,
		`{"data":null,` + metaJSONFor(1, 20, 0) + `}`:                                                                          `required property "data" of RoomSessionList is null`,
		`{"data":[` + noID + `],` + metaJSONFor(1, 20, 1) + `}`:                                                                `data[0]: required property "id" of RoomSession is missing`,
		`{"data":[` + sessionItem(sessionID) + `],` + metaJSONFor(2, 20, 1) + `}`:                                              "asked for page 1, got page 2",
		`{"data":[` + sessionItem(sessionID) + `],"meta":{"page_number":1,"page_size":20,"total_pages":-1,"total_results":1}}`: "negative",
	}
	for body, want := range list {
		ws := startWire(t, answerJSON(http.StatusOK, body))
		p, err := ws.newClient(t).RoomSessions.List(t.Context(), nil)
		if p != nil || !errors.Is(err, telnyx.ErrMalformedResponse) || !strings.Contains(err.Error(), want) {
			t.Errorf("List of %s: %v, %v; want ErrMalformedResponse saying %q", body, p, err, want)
		}
	}
}

// TestIteratorToldOfMorePagesNeverEndsEarlySilently: page 1 announces three pages; a
// later page answered {}, {"data":[]} or {"data":null} ends All with an error after the
// items of page 1, one page at a time or several at once, and Collect returns it.
func TestIteratorToldOfMorePagesNeverEndsEarlySilently(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"{}", `{"data":[]}`, `{"data":null}`, `{"data":[],` + metaJSONFor(2, 2, 6) + `}`} {
		for _, conc := range []int{1, 4} {
			t.Run(fmt.Sprintf("%s/%d at once", bad, conc), func(t *testing.T) {
				t.Parallel()
				ws := startWire(t, func(w http.ResponseWriter, r *http.Request) {
					if atoiOr(r.URL.Query().Get("page[number]"), 1) == 1 {
						pagedSessions(6)(w, r)
						return
					}
					answerJSON(http.StatusOK, bad)(w, r)
				})
				c := ws.newClient(t, telnyx.WithPageConcurrency(conc))
				items, errs := 0, 0
				for _, err := range c.RoomSessions.All(t.Context(), &telnyx.ListRoomSessionsParams{PageSize: 2}) {
					if err != nil {
						errs++
						if !errors.Is(err, telnyx.ErrMalformedResponse) {
							t.Errorf("error %v, want ErrMalformedResponse", err)
						}
						continue
					}
					items++
				}
				if items != 2 || errs != 1 {
					t.Errorf("%d items and %d errors, want the 2 items of page 1 and 1 error", items, errs)
				}
				if got, err := telnyx.Collect(c.RoomSessions.All(t.Context(), &telnyx.ListRoomSessionsParams{PageSize: 2})); got != nil || !errors.Is(err, telnyx.ErrMalformedResponse) {
					t.Errorf("Collect: %d items, %v; want nil and ErrMalformedResponse", len(got), err)
				}
			})
		}
	}
}
