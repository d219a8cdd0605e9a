package telnyx_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// listJSON is a list answer holding n participants, without meta.
func listJSON(n int) string {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf(`{"id":"00000000-0000-4000-8000-%012d","session_id":"%s"}`, i, sessionID)
	}
	return `{"data":[` + strings.Join(items, ",") + `]}`
}

// TestPageHoldingMoreItemsThanAskedIsRefused checks that a list answer holding more
// items than the page size asked for (250 when none was) is refused as malformed, and
// not retried, while a full page is accepted.
func TestPageHoldingMoreItemsThanAskedIsRefused(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		size  int // page size asked for; 0 = none
		items int
		ok    bool
	}{
		{"full page of 2", 2, 2, true},
		{"3 items for a page of 2", 2, 3, false},
		{"250 items, no size asked", 0, 250, true},
		{"251 items, no size asked", 0, 251, false},
		{"251 items for a page of 250", 250, 251, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ws := startWire(t, answerJSON(http.StatusOK, listJSON(tc.items)))
			c := ws.newClient(t)
			page, err := c.RoomSessions.Participants(t.Context(), sessionID, &telnyx.ListParticipantsParams{PageSize: tc.size})
			if tc.ok {
				if err != nil || len(page.Items) != tc.items {
					t.Fatalf("got %v, %v; want %d items", page, err, tc.items)
				}
				return
			}
			if !errors.Is(err, telnyx.ErrMalformedResponse) || !strings.Contains(err.Error(), "items, the page size asked for") {
				t.Fatalf("err = %v, want ErrMalformedResponse naming the page size", err)
			}
			if n := len(ws.requests()); n != 1 {
				t.Errorf("%d requests, want 1 (not retried)", n)
			}
			for _, err := range c.RoomSessions.AllParticipants(t.Context(), sessionID, &telnyx.ListParticipantsParams{PageSize: tc.size}) {
				if !errors.Is(err, telnyx.ErrMalformedResponse) {
					t.Errorf("AllParticipants: err = %v, want ErrMalformedResponse", err)
				}
				break
			}
		})
	}
}

// TestOnlyWhitespaceMayFollowAListAnswer checks the check after a list answer.
func TestOnlyWhitespaceMayFollowAListAnswer(t *testing.T) {
	t.Parallel()
	for trailer, ok := range map[string]bool{"": true, "\n\t \r\n": true, " x": false, "{}": false, "\x00": false} {
		ws := startWire(t, answerJSON(http.StatusOK, listJSON(2)+trailer))
		_, err := ws.newClient(t).RoomSessions.Participants(t.Context(), sessionID, nil)
		if ok && err != nil {
			t.Errorf("%q after the answer: %v", trailer, err)
		}
		if !ok && !errors.Is(err, telnyx.ErrMalformedResponse) {
			t.Errorf("%q after the answer: err = %v, want ErrMalformedResponse", trailer, err)
		}
	}
}

// streamChunks answers 200 with head, then n chunks of chunk, then tail, flushing each.
func streamChunks(head string, chunk []byte, n int, tail string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		rc := http.NewResponseController(w)
		if _, err := io.WriteString(w, head); err != nil {
			return
		}
		for range n {
			if _, err := w.Write(chunk); err != nil || r.Context().Err() != nil {
				return
			}
			_ = rc.Flush()
		}
		_, _ = io.WriteString(w, tail)
	}
}

// TestRefusedBodyCostsLessThanTwiceTheCap checks what a body over the cap costs: the
// client stops reading just past the cap, does not retry, and allocates in all (so at
// its peak, too) less than twice the cap, whether the excess is one huge value (Get) or
// a list of items. Not parallel: it reads the process's allocation counter.
func TestRefusedBodyCostsLessThanTwiceTheCap(t *testing.T) {
	const limit = 4 << 20
	chunk := []byte(strings.Repeat("a", 64<<10))
	item := `{"id":"` + participant + `","session_id":"` + sessionID + `","context":"` + strings.Repeat("x", 4000) + `"},`
	cases := []struct {
		name    string
		handler http.HandlerFunc
		call    func(*telnyx.Client) error
	}{
		{"one huge string", streamChunks(`{"data":{"id":"`, chunk, 2*limit/len(chunk), `"}}`), func(c *telnyx.Client) error {
			_, err := c.RoomSessions.Get(t.Context(), sessionID, nil)
			return err
		}},
		{"a list of items", streamChunks(`{"data":[`, []byte(strings.Repeat(item, 16)), 2*limit/(16*len(item)), `]}`), func(c *telnyx.Client) error {
			_, err := c.RoomSessions.Participants(t.Context(), sessionID, nil)
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ws := startWire(t, tc.handler)
			c := ws.newClient(t, telnyx.WithMaxBody(limit))
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			err := tc.call(c)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, telnyx.ErrResponseTooLarge) {
				t.Fatalf("err = %v, want ErrResponseTooLarge", err)
			}
			if n := len(ws.requests()); n != 1 {
				t.Errorf("%d requests, want 1 (a body over the cap is not retried)", n)
			}
			grew := after.TotalAlloc - before.TotalAlloc
			t.Logf("refusing a body over a %d MiB cap allocated %.1f MiB", limit>>20, float64(grew)/(1<<20))
			if grew >= 2*limit {
				t.Errorf("allocated %.1f MiB to refuse a body over a %d MiB cap, want under twice the cap", float64(grew)/(1<<20), limit>>20)
			}
		})
	}
}

// BenchmarkTrailingWhitespace measures the check of what follows a complete value:
// whitespace sent in 64 KiB chunks after a Get's answer. The cost is linear when MB/s
// stays the same from 1 MiB to 8 MiB (a quadratic check loses 8x there).
func BenchmarkTrailingWhitespace(b *testing.B) {
	chunk := []byte(strings.Repeat(" ", 64<<10))
	for _, mib := range []int{1, 8} {
		b.Run(fmt.Sprintf("size=%dMiB", mib), func(b *testing.B) {
			n := mib << 20 / len(chunk)
			srv := startWire(b, streamChunks(`{"data":`+sessionJSON+`}`, chunk, n, ""))
			c := srv.newClient(b)
			b.SetBytes(int64(n * len(chunk)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.RoomSessions.Get(b.Context(), sessionID, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
