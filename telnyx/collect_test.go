package telnyx_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log"
	"net/http"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// seqOf yields items, then err if it is not nil, and counts how many values were pulled.
func seqOf(items []int, err error, pulled *int) iter.Seq2[int, error] {
	return func(yield func(int, error) bool) {
		for _, it := range items {
			*pulled++
			if !yield(it, nil) {
				return
			}
		}
		if err != nil {
			*pulled++
			if !yield(0, err) {
				return
			}
			*pulled++ // a misbehaving sequence that goes on after its error
			yield(99, nil)
		}
	}
}

func TestCollect(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	cases := []struct {
		name       string
		items      []int
		err        error
		want       []int
		wantPulled int
	}{
		{"empty", nil, nil, nil, 0},
		{"items", []int{1, 2, 3}, nil, []int{1, 2, 3}, 3},
		{"error after items", []int{1, 2}, boom, nil, 3},
		{"error only", nil, boom, nil, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pulled := 0
			got, err := telnyx.Collect(seqOf(tc.items, tc.err, &pulled))
			if !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
				t.Errorf("err = %v, want %v", err, tc.err)
			}
			if !slices.Equal(got, tc.want) || (tc.err != nil && got != nil) {
				t.Errorf("items = %v, want %v", got, tc.want)
			}
			if pulled != tc.wantPulled {
				t.Errorf("pulled %d values, want %d (Collect must stop at the first error)", pulled, tc.wantPulled)
			}
		})
	}
}

// TestEndEveryActiveSession is the README's pattern against 600 active sessions of one
// room: collect, then act, ends all of them. Ending while iterating ends all of them too,
// since the iterator reads again the pages each End shifts (see "Live data" in doc.go),
// at the cost of reading pages twice.
func TestEndEveryActiveSession(t *testing.T) {
	t.Parallel()
	const n = 600
	seed := func(t *testing.T) (*telnyxtest.Server, string) {
		t.Helper()
		srv := telnyxtest.NewServer(telnyxtest.WithoutRequestLog())
		t.Cleanup(srv.Close)
		room := srv.AddSession(telnyxtest.Session{Active: true}).RoomID
		for range n - 1 {
			srv.AddSession(telnyxtest.Session{RoomID: room, Active: true})
		}
		srv.AddSession(telnyxtest.Session{Active: true}) // another room, left alone
		return srv, room
	}
	activeIn := func(srv *telnyxtest.Server, room string) int {
		count := 0
		for _, s := range srv.Sessions() {
			if s.RoomID == room && s.Active {
				count++
			}
		}
		return count
	}

	t.Run("collect then act", func(t *testing.T) {
		t.Parallel()
		srv, room := seed(t)
		ended, err := endActiveSessions(t.Context(), srv.Client(), room)
		if err != nil {
			t.Fatal(err)
		}
		if ended != n || activeIn(srv, room) != 0 {
			t.Errorf("ended %d, %d left active; want %d ended, none left", ended, activeIn(srv, room), n)
		}
		if countActive(srv) != 1 {
			t.Errorf("%d sessions active, want only the other room's", countActive(srv))
		}
	})
	t.Run("acting while iterating", func(t *testing.T) {
		t.Parallel()
		srv, room := seed(t)
		var lists atomic.Int32
		srv.OnRequest(func(r telnyxtest.Request) {
			if r.Method == http.MethodGet {
				lists.Add(1)
			}
		})
		client := srv.Client(telnyx.WithPageConcurrency(1)) // no page fetched ahead of the loop
		ctx := t.Context()
		for s, err := range client.RoomSessions.All(ctx, &telnyx.ListRoomSessionsParams{RoomID: room, Active: telnyx.Bool(true), PageSize: 100}) {
			if err != nil {
				t.Fatal(err)
			}
			if err := client.RoomSessions.End(ctx, s.ID); err != nil {
				t.Fatal(err)
			}
		}
		if left := activeIn(srv, room); left != 0 {
			t.Errorf("ending while iterating left %d of %d sessions active", left, n)
		}
		// Each page after the first is read after the 100 sessions of the page before
		// ended: it is read again from 100 items further back (the first page, now
		// holding what was the next one), and the page itself is then past the end.
		if got := lists.Load(); got > 2*n/100+1 {
			t.Errorf("%d pages read for %d pages of sessions, want at most %d", got, n/100, 2*n/100+1)
		}
		t.Logf("%d list requests for %d sessions in pages of 100, each page ended while iterating", lists.Load(), n)
	})
}

// countActive counts the active sessions of srv.
func countActive(srv *telnyxtest.Server) int {
	count := 0
	for _, s := range srv.Sessions() {
		if s.Active {
			count++
		}
	}
	return count
}

// endActiveSessions is the README's "end every active session in a room".
func endActiveSessions(ctx context.Context, client *telnyx.Client, roomID string) (int, error) {
	active, err := telnyx.Collect(client.RoomSessions.All(ctx, &telnyx.ListRoomSessionsParams{
		RoomID: roomID,
		Active: telnyx.Bool(true),
	}))
	if err != nil {
		return 0, err
	}
	for _, s := range active { // the listing is complete before anything changes
		if err := client.RoomSessions.End(ctx, s.ID); err != nil {
			return 0, err
		}
	}
	return len(active), nil
}

// Ending every active session of a room: collect first, then act. Ending sessions while
// iterating over the active ones would shift the pages still to come and skip some.
func ExampleCollect() {
	srv := exampleServer()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	active, err := telnyx.Collect(client.RoomSessions.All(ctx, &telnyx.ListRoomSessionsParams{
		RoomID: exampleRoom,
		Active: telnyx.Bool(true),
	}))
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range active {
		if err := client.RoomSessions.End(ctx, s.ID); err != nil {
			log.Fatal(err)
		}
		fmt.Println("ended", s.ID)
	}
	// Output: ended 0ccc7b54-4df3-4bca-a65a-3da1ecc777f0
}
