package telnyx_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// The benchmarks compare the facade with a raw net/http + encoding/json client that
// decodes into equivalent structs, against the same loopback server, in the same run:
//
//	make bench   (go test -bench . -benchmem, then benchstat -col /client)

// rawSession and rawParticipant are what a hand-written client would decode into: the
// fields of the SDK's models (RecordType included, so both decode the same strings).
type rawParticipant struct {
	ID         string    `json:"id"`
	SessionID  string    `json:"session_id"`
	Context    string    `json:"context"`
	JoinedAt   time.Time `json:"joined_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	LeftAt     time.Time `json:"left_at"`
	RecordType string    `json:"record_type"`
}

type rawSession struct {
	ID           string           `json:"id"`
	RoomID       string           `json:"room_id"`
	Active       bool             `json:"active"`
	CreatedAt    time.Time        `json:"created_at"`
	UpdatedAt    time.Time        `json:"updated_at"`
	EndedAt      time.Time        `json:"ended_at"`
	Participants []rawParticipant `json:"participants"`
	RecordType   string           `json:"record_type"`
}

type rawMeta struct {
	PageNumber   int `json:"page_number"`
	PageSize     int `json:"page_size"`
	TotalPages   int `json:"total_pages"`
	TotalResults int `json:"total_results"`
}

// benchPage is a 20-session page with 3 participants each, as the API sends it.
func benchPage() []byte {
	var sessions []string
	for i := range 20 {
		var parts []string
		for j := range 3 {
			parts = append(parts, fmt.Sprintf(`{"id":"00000000-0000-4000-8000-%06d%06d","session_id":"00000000-0000-4000-9000-%012d","context":"participant-%d",`+
				`"joined_at":"2021-04-16T09:46:20.954863Z","updated_at":"2021-04-16T09:50:20.954863Z","left_at":"2021-04-16T10:24:55.962200Z","record_type":"room_participant"}`, i, j, i, j))
		}
		sessions = append(sessions, fmt.Sprintf(`{"id":"00000000-0000-4000-9000-%012d","room_id":"`+roomID+`","active":false,`+
			`"created_at":"2021-04-16T09:46:20.954863Z","updated_at":"2021-04-16T10:24:55.962200Z","ended_at":"2021-04-16T10:24:55.962200Z",`+
			`"record_type":"room_session","participants":[%s]}`, i, strings.Join(parts, ",")))
	}
	return []byte(`{"data":[` + strings.Join(sessions, ",") + `],"meta":{"page_number":1,"page_size":20,"total_pages":5,"total_results":100}}`)
}

// benchServer answers the list and the single session with fixed bodies.
func benchServer(b *testing.B) *httptest.Server {
	list := benchPage()
	single := []byte(`{"data":` + sessionJSON + `}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("x-request-id", "bench")
		if r.URL.Path == "/v2/room_sessions" {
			_, _ = w.Write(list)
			return
		}
		_, _ = w.Write(single)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// rawClient is the baseline: net/http and encoding/json, nothing else.
type rawClient struct {
	hc   *http.Client
	base string
	key  string
}

func newRawClient(base string) *rawClient {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	return &rawClient{hc: &http.Client{Transport: tr}, base: base, key: testKey}
}

func (c *rawClient) get(b *testing.B, url string, out any) {
	req, err := http.NewRequestWithContext(b.Context(), http.MethodGet, url, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("Accept", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("status %d", resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		b.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
}

// benchCalls are one Get and one List (20 sessions with their participants) through the
// SDK and through the raw client, each failing the benchmark it is given when its answer
// is not the page's.
func benchCalls(b *testing.B, srv *httptest.Server) (get, list map[string]func(*testing.B)) {
	c, err := telnyx.NewClient(telnyx.WithAPIKey(testKey), telnyx.WithBaseURL(srv.URL+"/v2"))
	if err != nil {
		b.Fatal(err)
	}
	raw := newRawClient(srv.URL + "/v2")
	get = map[string]func(*testing.B){
		"facade": func(b *testing.B) {
			if s, err := c.RoomSessions.Get(b.Context(), sessionID, nil); err != nil || s.ID != sessionID {
				b.Fatal(s, err)
			}
		},
		"raw": func(b *testing.B) {
			var out struct {
				Data rawSession `json:"data"`
			}
			if raw.get(b, raw.base+"/room_sessions/"+sessionID, &out); out.Data.ID != sessionID {
				b.Fatal(out)
			}
		},
	}
	list = map[string]func(*testing.B){
		"facade": func(b *testing.B) {
			page, err := c.RoomSessions.List(b.Context(), &telnyx.ListRoomSessionsParams{IncludeParticipants: true, PageSize: 20})
			if err != nil || len(page.Items) != 20 || len(page.Items[19].Participants) != 3 {
				b.Fatal(err)
			}
		},
		"raw": func(b *testing.B) {
			var out struct {
				Data []rawSession `json:"data"`
				Meta *rawMeta     `json:"meta"`
			}
			raw.get(b, raw.base+"/room_sessions?include_participants=true&page%5Bsize%5D=20", &out)
			if len(out.Data) != 20 || len(out.Data[19].Participants) != 3 {
				b.Fatal(len(out.Data))
			}
		},
	}
	return get, list
}

// BenchmarkGet and BenchmarkList measure each client on its own: its memory and
// allocations per call are exact; its time is measured seconds apart from the other's.
func BenchmarkGet(b *testing.B) {
	get, _ := benchCalls(b, benchServer(b))
	benchEach(b, get)
}

func BenchmarkList(b *testing.B) {
	_, list := benchCalls(b, benchServer(b))
	benchEach(b, list)
}

// benchEach runs the SDK's call, then the raw client's, as sub-benchmarks client=...
func benchEach(b *testing.B, calls map[string]func(*testing.B)) {
	for _, client := range []string{"facade", "raw"} {
		b.Run("client="+client, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				calls[client](b)
			}
		})
	}
}

// BenchmarkPaired times the two clients call by call, alternating which goes first, so
// that a burst of load lands on both: it reports each client's time per call and their
// ratio (SDK / raw), the time figure of the README.
func BenchmarkPaired(b *testing.B) {
	get, list := benchCalls(b, benchServer(b))
	for _, op := range []struct {
		name  string
		calls map[string]func(*testing.B)
	}{{"Get", get}, {"List", list}} {
		b.Run("op="+op.name, func(b *testing.B) {
			var sdk, raw time.Duration
			timed := func(f func(*testing.B)) time.Duration {
				start := time.Now()
				f(b)
				return time.Since(start)
			}
			for i := 0; b.Loop(); i++ {
				if i%2 == 0 {
					sdk += timed(op.calls["facade"])
					raw += timed(op.calls["raw"])
				} else {
					raw += timed(op.calls["raw"])
					sdk += timed(op.calls["facade"])
				}
			}
			b.ReportMetric(float64(sdk.Nanoseconds())/float64(b.N), "sdk-ns/call")
			b.ReportMetric(float64(raw.Nanoseconds())/float64(b.N), "raw-ns/call")
			b.ReportMetric(float64(sdk)/float64(raw), "sdk/raw")
		})
	}
}
