package telnyx_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// listJSON is a list answer holding n participants, the first page of n results.
func listJSON(n int) string {
	items := make([]string, n)
	for i := range items {
		items[i] = partItem(fmt.Sprintf("00000000-0000-4000-8000-%012d", i))
	}
	return `{"data":[` + strings.Join(items, ",") + `],` + metaJSONFor(1, telnyx.PageSizeMax, n) + `}`
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
		{"the maximum of items, no size asked", 0, telnyx.PageSizeMax, true},
		{"one more than the maximum, no size asked", 0, telnyx.PageSizeMax + 1, false},
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

// allocated returns the bytes and the objects the process allocated while f ran. The
// bytes bound from above the growth of the heap at its peak. The tests calling it are
// not parallel: the counters are the process's.
func allocated(f func()) (bytes, objects uint64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, after.Mallocs - before.Mallocs
}

// TestRefusedBodyCostsLessThanTwiceTheCap checks what a body over the cap costs: the
// client stops reading just past the cap, does not retry, and allocates in all (so at
// its peak, too) less than twice the cap, whatever the shape of the excess: one huge
// string in a Get's record, one huge item in a list, or many items (whose decoded
// fields the page holds). Not parallel: it reads the process's allocation counters.
func TestRefusedBodyCostsLessThanTwiceTheCap(t *testing.T) {
	const limit = 4 << 20
	chunk := []byte(strings.Repeat("a", 64<<10))
	// Items of 20 KiB (a decoded field of 20,000 bytes): the cap is reached at about
	// the 200th, before the 250 a page may hold.
	item := partItem(participant, `"context":"`+strings.Repeat("x", 20000)+`"`) + ","
	items := []byte(strings.Repeat(item, 16))
	cases := []struct {
		name    string
		handler http.HandlerFunc
		call    func(*telnyx.Client) error
	}{
		{"get: one huge string", streamChunks(`{"data":{"id":"`, chunk, 2*limit/len(chunk), `"}}`), func(c *telnyx.Client) error {
			_, err := c.RoomSessions.Get(t.Context(), sessionID, nil)
			return err
		}},
		{"list: one huge item", streamChunks(`{"data":[{"id":"`, chunk, 2*limit/len(chunk), `"}]}`), func(c *telnyx.Client) error {
			_, err := c.RoomSessions.Participants(t.Context(), sessionID, nil)
			return err
		}},
		{"list: many items", streamChunks(`{"data":[`, items, 2*limit/len(items), `{}]}`), func(c *telnyx.Client) error {
			_, err := c.RoomSessions.Participants(t.Context(), sessionID, nil)
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ws := startWire(t, tc.handler)
			c := ws.newClient(t, telnyx.WithMaxBody(limit))
			var err error
			grew, _ := allocated(func() { err = tc.call(c) })
			if !errors.Is(err, telnyx.ErrResponseTooLarge) {
				t.Fatalf("err = %v, want ErrResponseTooLarge", err)
			}
			if n := len(ws.requests()); n != 1 {
				t.Errorf("%d requests, want 1 (a body over the cap is not retried)", n)
			}
			t.Logf("refusing a body over a %d MiB cap allocated %.2f MiB (%v)", limit>>20, float64(grew)/(1<<20), err)
			if grew >= 2*limit {
				t.Errorf("allocated %.1f MiB to refuse a body over a %d MiB cap, want under twice the cap", float64(grew)/(1<<20), limit>>20)
			}
		})
	}
}

// TestRecordOverAQuarterOfTheCapIsRefused checks the bound on one record, which keeps
// what the decoder buffers under the cap: a record (a Get's data, an item of a list)
// over a quarter of the cap is refused as too large, not retried, though the body is
// under the cap; a record under the bound is decoded.
func TestRecordOverAQuarterOfTheCapIsRefused(t *testing.T) {
	t.Parallel()
	const limit = 1 << 20
	get := func(c *telnyx.Client) (string, error) {
		s, err := c.RoomSessions.Get(t.Context(), sessionID, nil)
		if err != nil {
			return "", err
		}
		return s.RoomID, nil
	}
	list := func(c *telnyx.Client) (string, error) {
		p, err := c.RoomSessions.Participants(t.Context(), sessionID, nil)
		if err != nil {
			return "", err
		}
		return p.Items[1].Context, nil
	}
	small := partItem(participant)
	cases := []struct {
		name string
		body func(field string) string
		call func(*telnyx.Client) (string, error)
	}{
		{"get", func(f string) string {
			return `{"data":` + strings.Replace(sessionItem(sessionID), roomID, f, 1) + `}`
		}, get},
		{"list item", func(f string) string {
			return `{"data":[` + small + `,` + partItem(otherPart, `"context":"`+f+`"`) + `,` + small + `],` + metaJSONFor(1, telnyx.PageSizeMax, 3) + `}`
		}, list},
	}
	for _, tc := range cases {
		for _, size := range []int{200 << 10, 300 << 10} {
			t.Run(fmt.Sprintf("%s with a %d KiB field", tc.name, size>>10), func(t *testing.T) {
				t.Parallel()
				field := strings.Repeat("r", size)
				ws := startWire(t, answerJSON(http.StatusOK, tc.body(field)))
				got, err := tc.call(ws.newClient(t, telnyx.WithMaxBody(limit)))
				if size < limit/4 {
					if err != nil || got != field {
						t.Fatalf("err = %v, field of %d bytes; want the %d bytes decoded", err, len(got), size)
					}
					return
				}
				if !errors.Is(err, telnyx.ErrResponseTooLarge) {
					t.Fatalf("err = %v, want ErrResponseTooLarge", err)
				}
				if n := len(ws.requests()); n != 1 {
					t.Errorf("%d requests, want 1 (not retried)", n)
				}
			})
		}
	}
}

// TestTrailingWhitespaceCostsNoMemory checks that the check of what follows a value
// (1 MiB, then 8 MiB of whitespace after a Get's answer, sent in 64 KiB chunks) reads it
// through a fixed buffer: a Get allocates as much with 8 MiB behind it as with 1 MiB,
// and far less than the whitespace. (BenchmarkTrailingWhitespace shows the time is
// linear.) Not parallel: it reads the process's allocation counters.
func TestTrailingWhitespaceCostsNoMemory(t *testing.T) {
	chunk := []byte(strings.Repeat(" \n\t\r", 16<<10))
	const calls = 4
	var bytes, objects [2]uint64
	for i, mib := range []int{1, 8} {
		head, n := `{"data":`+sessionJSON+`}`, mib<<20/len(chunk)
		// With a Content-Length, the server allocates nothing per chunk (a chunked
		// answer costs it one object per chunk), so what is counted is the client's.
		ws := startWire(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(len(head)+n*len(chunk)))
			_, _ = io.WriteString(w, head)
			for range n {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		})
		c := ws.newClient(t)
		get := func() {
			if _, err := c.RoomSessions.Get(t.Context(), sessionID, nil); err != nil {
				t.Fatalf("%d MiB of whitespace: %v", mib, err)
			}
		}
		get() // connect
		bytes[i], objects[i] = allocated(func() {
			for range calls {
				get()
			}
		})
		bytes[i] /= calls
		objects[i] /= calls
		t.Logf("a Get followed by %d MiB of whitespace: %d bytes, %d objects", mib, bytes[i], objects[i])
	}
	if bytes[1] > bytes[0]+16<<10 || bytes[1] > 256<<10 {
		t.Errorf("a Get allocates %d bytes with 8 MiB of whitespace behind it, %d with 1 MiB: want the same, far under 1 MiB", bytes[1], bytes[0])
	}
	if objects[1] > objects[0]+objects[0]/4 {
		t.Errorf("a Get allocates %d objects with 8 MiB of whitespace behind it, %d with 1 MiB: want about the same", objects[1], objects[0])
	}
}

// countingClient is an HTTP client counting the bytes its callers read from response
// bodies into *read.
func countingClient(read *atomic.Int64) *http.Client {
	base := http.DefaultTransport.(*http.Transport).Clone()
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := base.RoundTrip(r)
		if err == nil {
			resp.Body = &countingBody{ReadCloser: resp.Body, read: read}
		}
		return resp, err
	})}
}

// countingBody counts the bytes read from a body.
type countingBody struct {
	io.ReadCloser
	read *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.read.Add(int64(n))
	return n, err
}

// TestExtraItemsAreRefusedAsTheyStream checks that a list answer holding more items
// than a page may hold (PageSizeMax when no size is asked for) is refused as it streams:
// of an 8 MiB page of small items, the client reads little more than the items it may hold.
func TestExtraItemsAreRefusedAsTheyStream(t *testing.T) {
	t.Parallel()
	item := partItem(participant) + ","
	items := []byte(strings.Repeat(item, 1000))
	const body = 8 << 20
	ws := startWire(t, streamChunks(`{"data":[`, items, body/len(items), `{}]}`))
	var read atomic.Int64
	_, err := ws.newClient(t, telnyx.WithHTTPClient(countingClient(&read))).RoomSessions.Participants(t.Context(), sessionID, nil)
	if want := fmt.Sprintf("more than %d items", telnyx.PageSizeMax); !errors.Is(err, telnyx.ErrMalformedResponse) || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want ErrMalformedResponse naming the %d items", err, telnyx.PageSizeMax)
	}
	n := read.Load()
	first := telnyx.PageSizeMax + 1 // the first item too many
	t.Logf("read %d bytes of an %d MiB page; %d items are %d bytes", n, body>>20, first, first*len(item))
	if limit := int64(first*len(item) + 10<<10); n > limit {
		t.Errorf("read %d bytes of an %d MiB page to refuse item %d at byte %d, want the page refused as it streams (at most %d)", n, body>>20, first, first*len(item), limit)
	}
}

// TestListBodyIsNotHeldWhole checks that a list answer is decoded item by item as it
// streams, never held whole: a 4 MiB page of 250 items whose decoded fields are small
// (each carries 16 KiB under a key the SDK does not know) costs the client far less
// than the page. Not parallel: it reads the process's allocation counters.
func TestListBodyIsNotHeldWhole(t *testing.T) {
	padding := strings.Repeat("p", 16<<10)
	items := make([]string, 250)
	for i := range items {
		items[i] = partItem(fmt.Sprintf("00000000-0000-4000-8000-%012d", i), `"padding":"`+padding+`"`)
	}
	body := `{"data":[` + strings.Join(items, ",") + `],` + metaJSONFor(1, telnyx.PageSizeMax, 250) + `}`
	ws := startWire(t, answerJSON(http.StatusOK, body))
	c := ws.newClient(t)
	list := func() {
		p, err := c.RoomSessions.Participants(t.Context(), sessionID, nil)
		if err != nil || len(p.Items) != 250 {
			t.Fatalf("got %v, %v; want 250 items", p, err)
		}
	}
	list() // connect
	grew, _ := allocated(list)
	t.Logf("a page of %.1f MiB cost %d KiB", float64(len(body))/(1<<20), grew>>10)
	if grew > 1<<20 {
		t.Errorf("a page of %.1f MiB allocated %.1f MiB, want well under 1 MiB: it is held whole", float64(len(body))/(1<<20), float64(grew)/(1<<20))
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
