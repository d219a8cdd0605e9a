package telnyxtest_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// BenchmarkHandler measures the handler alone (no network) for the answers the facade's
// benchmarks use: one session, and a page of 20 sessions with 3 participants each.
func BenchmarkHandler(b *testing.B) {
	h, st := telnyxtest.NewHandler(telnyxtest.WithoutRequestLog())
	var sid string
	for range 25 {
		sid = st.AddSession(telnyxtest.Session{Active: true, Participants: make([]telnyxtest.Participant, 3)}).ID
	}
	for _, bb := range []struct{ name, target string }{
		{"Get", "/v2/room_sessions/" + sid},
		{"List20", "/v2/room_sessions?include_participants=true&page[size]=20"},
		{"ListFiltered", "/v2/room_sessions?filter[date_created_at][gte]=2000-01-01&filter[active]=true&page[number]=1&page[size]=20"},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r := httptest.NewRequest("GET", bb.target, nil)
				r.Header.Set("Authorization", "Bearer "+telnyxtest.DefaultAPIKey)
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
		})
	}
}
