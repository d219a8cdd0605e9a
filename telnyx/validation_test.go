package telnyx_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
)

func TestInvalidArgumentsSendNothing(t *testing.T) {
	t.Parallel()
	badIDs := []string{"", "abc", "../rooms", "a/b", "x?y=1", "x#y", sessionID[:35], sessionID + "0",
		"0ccc7b54_4df3_4bca_a65a_3da1ecc777f0", "{0ccc7b54-4df3-4bca-a65a-3da1ecc777f0}", "0ccc7b544df34bcaa65a3da1ecc777f0",
		"urn:uuid:" + sessionID, "0ccc7b54-4df3-4bca-a65a-3da1ecc777fg", " " + sessionID[1:]}
	type call func(ctx context.Context, c *telnyx.Client) error
	type argCase struct {
		name string
		arg  string // the argument the error must name
		call call
	}
	cases := []argCase{
		{"page size -1", "PageSize", func(ctx context.Context, c *telnyx.Client) error {
			_, err := c.RoomSessions.List(ctx, &telnyx.ListRoomSessionsParams{PageSize: -1})
			return err
		}},
		{"page size past the maximum", "PageSize", func(ctx context.Context, c *telnyx.Client) error {
			_, err := c.RoomSessions.List(ctx, &telnyx.ListRoomSessionsParams{PageSize: telnyx.PageSizeMax + 1})
			return err
		}},
		{"page number -1", "PageNumber", func(ctx context.Context, c *telnyx.Client) error {
			_, err := c.RoomSessions.List(ctx, &telnyx.ListRoomSessionsParams{PageNumber: -1})
			return err
		}},
		{"participants page size past the maximum", "PageSize", func(ctx context.Context, c *telnyx.Client) error {
			_, err := c.RoomSessions.Participants(ctx, sessionID, &telnyx.ListParticipantsParams{PageSize: telnyx.PageSizeMax + 1})
			return err
		}},
		{"participants page number -1", "PageNumber", func(ctx context.Context, c *telnyx.Client) error {
			_, err := c.RoomSessions.Participants(ctx, sessionID, &telnyx.ListParticipantsParams{PageNumber: -1})
			return err
		}},
		{"room id not a uuid", "RoomID", func(ctx context.Context, c *telnyx.Client) error {
			_, err := c.RoomSessions.List(ctx, &telnyx.ListRoomSessionsParams{RoomID: "room-1"})
			return err
		}},
		{"date out of range", "CreatedAt.Gte", func(ctx context.Context, c *telnyx.Client) error {
			_, err := c.RoomSessions.List(ctx, &telnyx.ListRoomSessionsParams{CreatedAt: telnyx.DateFilter{Gte: telnyx.DateOf(time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC))}})
			return err
		}},
		{"month 13", "CreatedAt.Eq", func(ctx context.Context, c *telnyx.Client) error {
			_, err := c.RoomSessions.List(ctx, &telnyx.ListRoomSessionsParams{CreatedAt: telnyx.DateFilter{Eq: telnyx.Date{Year: 2026, Month: 13, Day: 1}}})
			return err
		}},
		{"February 30", "UpdatedAt.Lte", func(ctx context.Context, c *telnyx.Client) error {
			_, err := c.RoomSessions.List(ctx, &telnyx.ListRoomSessionsParams{UpdatedAt: telnyx.DateFilter{Lte: telnyx.Date{Year: 2024, Month: time.February, Day: 30}}})
			return err
		}},
		{"February 29 of a common year", "EndedAt.Gte", func(ctx context.Context, c *telnyx.Client) error {
			_, err := c.RoomSessions.List(ctx, &telnyx.ListRoomSessionsParams{EndedAt: telnyx.DateFilter{Gte: telnyx.Date{Year: 2026, Month: time.February, Day: 29}}})
			return err
		}},
		{"day 0", "JoinedAt.Gte", func(ctx context.Context, c *telnyx.Client) error {
			_, err := c.RoomSessions.Participants(ctx, sessionID, &telnyx.ListParticipantsParams{JoinedAt: telnyx.DateFilter{Gte: telnyx.Date{Year: 2026, Month: time.March, Day: 0}}})
			return err
		}},
		{"year 0", "LeftAt.Eq", func(ctx context.Context, c *telnyx.Client) error {
			_, err := c.RoomSessions.Participants(ctx, sessionID, &telnyx.ListParticipantsParams{LeftAt: telnyx.DateFilter{Eq: telnyx.Date{Month: time.March, Day: 1}}})
			return err
		}},
		{"April 31 in All", "UpdatedAt.Eq", func(ctx context.Context, c *telnyx.Client) error {
			return firstErr(c.RoomSessions.AllParticipants(ctx, sessionID, &telnyx.ListParticipantsParams{UpdatedAt: telnyx.DateFilter{Eq: telnyx.Date{Year: 2026, Month: time.April, Day: 31}}}))
		}},
		{"month 0 in All", "CreatedAt.Lte", func(ctx context.Context, c *telnyx.Client) error {
			return firstErr(c.RoomSessions.All(ctx, &telnyx.ListRoomSessionsParams{CreatedAt: telnyx.DateFilter{Lte: telnyx.Date{Year: 2026, Day: 1}}}))
		}},
		{"All with page size past the maximum", "PageSize", func(ctx context.Context, c *telnyx.Client) error {
			return firstErr(c.RoomSessions.All(ctx, &telnyx.ListRoomSessionsParams{PageSize: telnyx.PageSizeMax + 1}))
		}},
		{"AllParticipants with page number -1", "PageNumber", func(ctx context.Context, c *telnyx.Client) error {
			return firstErr(c.RoomSessions.AllParticipants(ctx, sessionID, &telnyx.ListParticipantsParams{PageNumber: -1}))
		}},
		{"zero selection", "who", func(ctx context.Context, c *telnyx.Client) error {
			return c.RoomSessions.Mute(ctx, sessionID, telnyx.Selection{})
		}},
		{"empty selection", "who", func(ctx context.Context, c *telnyx.Client) error {
			return c.RoomSessions.Kick(ctx, sessionID, telnyx.Participants())
		}},
		{"empty selection with an exception", "who", func(ctx context.Context, c *telnyx.Client) error {
			return c.RoomSessions.Unmute(ctx, sessionID, telnyx.Participants().Except(participant))
		}},
		{"bad id in Participants", "participant id [1]", func(ctx context.Context, c *telnyx.Client) error {
			return c.RoomSessions.Mute(ctx, sessionID, telnyx.Participants(participant, "../x"))
		}},
		{"bad id in Except", "excepted id [0]", func(ctx context.Context, c *telnyx.Client) error {
			return c.RoomSessions.Kick(ctx, sessionID, telnyx.AllParticipants().Except("x#y"))
		}},
	}
	for _, id := range badIDs {
		cases = append(cases,
			argCase{"Get " + id, "id", func(ctx context.Context, c *telnyx.Client) error {
				_, err := c.RoomSessions.Get(ctx, id, nil)
				return err
			}},
			argCase{"Participants " + id, "sessionID", func(ctx context.Context, c *telnyx.Client) error {
				_, err := c.RoomSessions.Participants(ctx, id, nil)
				return err
			}},
			argCase{"AllParticipants " + id, "sessionID", func(ctx context.Context, c *telnyx.Client) error {
				return firstErr(c.RoomSessions.AllParticipants(ctx, id, nil))
			}},
			argCase{"End " + id, "id", func(ctx context.Context, c *telnyx.Client) error {
				return c.RoomSessions.End(ctx, id)
			}},
			argCase{"Kick " + id, "id", func(ctx context.Context, c *telnyx.Client) error {
				return c.RoomSessions.Kick(ctx, id, telnyx.AllParticipants())
			}},
			argCase{"Mute participant " + id, "participant id [0]", func(ctx context.Context, c *telnyx.Client) error {
				return c.RoomSessions.Mute(ctx, sessionID, telnyx.Participants(id))
			}},
			argCase{"Unmute except " + id, "excepted id [0]", func(ctx context.Context, c *telnyx.Client) error {
				return c.RoomSessions.Unmute(ctx, sessionID, telnyx.AllParticipants().Except(id))
			}},
		)
	}
	ws := startWire(t, answerJSON(http.StatusOK, okJSON))
	c := ws.newClient(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(t.Context(), c)
			if !errors.Is(err, telnyx.ErrInvalidArgument) {
				t.Fatalf("err = %v, want ErrInvalidArgument", err)
			}
			if !strings.Contains(err.Error(), tc.arg) {
				t.Errorf("error %q does not name %q", err, tc.arg)
			}
		})
	}
	if n := len(ws.requests()); n != 0 {
		t.Errorf("server saw %d requests for invalid arguments, want 0", n)
	}
}

// firstErr returns the first error an iterator yields.
func firstErr[T any](seq func(func(T, error) bool)) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

func TestValidArgumentsAreAccepted(t *testing.T) {
	t.Parallel()
	ws := startWire(t, answerJSON(http.StatusOK, `{"data":[],"meta":{"page_number":1,"page_size":250,"total_pages":0,"total_results":0}}`))
	c := ws.newClient(t)
	for _, p := range []*telnyx.ListRoomSessionsParams{nil, {}, {PageSize: 1}, {PageSize: telnyx.PageSizeMax, PageNumber: 1}, {RoomID: strings.ToUpper(roomID)}} {
		if _, err := c.RoomSessions.List(t.Context(), p); err != nil {
			t.Errorf("List(%+v): %v", p, err)
		}
	}
}

func TestSelectionIsAValue(t *testing.T) {
	t.Parallel()
	ids := []string{participant}
	sel := telnyx.Participants(ids...)
	ids[0] = "changed"
	a := sel.Except(otherPart)
	b := sel.Except(sessionID)
	if got := sel.String(); got != "["+participant+"]" {
		t.Errorf("caller's slice leaked into the selection: %s", got)
	}
	if a.String() == b.String() {
		t.Errorf("Except calls share storage: %s and %s", a, b)
	}
	if !(telnyx.Selection{}).IsZero() || telnyx.AllParticipants().IsZero() {
		t.Error("IsZero is wrong")
	}
	if got := telnyx.AllParticipants().Except(otherPart).String(); got != "all except ["+otherPart+"]" {
		t.Errorf("String() = %q", got)
	}
}

func TestNoExcludeKeyWithoutExceptions(t *testing.T) {
	t.Parallel()
	ws := startWire(t, answerJSON(http.StatusOK, okJSON))
	c := ws.newClient(t)
	if err := c.RoomSessions.Kick(t.Context(), sessionID, telnyx.Participants(participant).Except()); err != nil {
		t.Fatal(err)
	}
	if body := ws.requests()[0].Body; body != `{"participants":["`+participant+`"]}` {
		t.Errorf("body %s", body)
	}
}

// An iterator refused for its arguments may be ranged by several goroutines at once:
// each gets the error (the race detector checks that none writes what another reads).
func TestRefusedIteratorRangedAtOnce(t *testing.T) {
	t.Parallel()
	c, err := telnyx.NewClient(telnyx.WithAPIKey(testKey), telnyx.WithBaseURL("http://127.0.0.1:9/v2"))
	if err != nil {
		t.Fatal(err)
	}
	seq := c.RoomSessions.AllParticipants(t.Context(), "not-a-uuid", nil)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for _, err := range seq {
				if !errors.Is(err, telnyx.ErrInvalidArgument) {
					t.Errorf("err = %v, want ErrInvalidArgument", err)
				}
			}
		})
	}
	wg.Wait()
}
