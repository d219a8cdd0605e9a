package telnyxtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// specTransport checks every complete JSON answer the facade receives against the spec.
type specTransport struct {
	t *testing.T
}

func (st specTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{err}))
	if err == nil && json.Valid(body) {
		checkSpec(st.t, req, answer{status: resp.StatusCode, header: resp.Header, body: body})
	}
	return resp, nil
}

// errReader returns err, or io.EOF when err is nil.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) {
	if r.err == nil {
		return 0, io.EOF
	}
	return 0, r.err
}

// client is srv.Client with every answer checked against the spec.
func client(t *testing.T, srv *telnyxtest.Server, opts ...telnyx.Option) *telnyx.Client {
	t.Helper()
	hc := &http.Client{Transport: specTransport{t}}
	return srv.Client(append([]telnyx.Option{telnyx.WithHTTPClient(hc)}, opts...)...)
}

// date is a day of April 2021.
func date(day int) telnyx.Date { return telnyx.Date{Year: 2021, Month: time.April, Day: day} }

func roomSessionIDs(ss []telnyx.RoomSession) []string {
	ids := make([]string, len(ss))
	for i, s := range ss {
		ids[i] = s.ID
	}
	return ids
}

func TestClientList(t *testing.T) {
	t.Parallel()
	srv := seedSessions(t)
	c := client(t, srv)
	a, b, cc, d, e, f := id('a'), id('b'), id('c'), id('d'), id('5'), id('f')
	tests := []struct {
		name   string
		params *telnyx.ListRoomSessionsParams
		want   []string
	}{
		{"nil", nil, []string{e, cc, d, b, a, f}},
		{"room", &telnyx.ListRoomSessionsParams{RoomID: id('1')}, []string{e, b, a}},
		{"active", &telnyx.ListRoomSessionsParams{Active: telnyx.Bool(true)}, []string{e, cc, a, f}},
		{"inactive", &telnyx.ListRoomSessionsParams{Active: telnyx.Bool(false)}, []string{d, b}},
		{"created on", &telnyx.ListRoomSessionsParams{CreatedAt: telnyx.DateFilter{Eq: date(10)}}, []string{a, f}},
		{"created between", &telnyx.ListRoomSessionsParams{CreatedAt: telnyx.DateFilter{Gte: date(11), Lte: date(12)}}, []string{e, cc, d, b}},
		{"updated after", &telnyx.ListRoomSessionsParams{UpdatedAt: telnyx.DateFilter{Gte: date(13)}}, []string{d}},
		{"ended before", &telnyx.ListRoomSessionsParams{EndedAt: telnyx.DateFilter{Lte: date(30)}}, []string{d, b}},
		{"room and inactive", &telnyx.ListRoomSessionsParams{RoomID: id('2'), Active: telnyx.Bool(false)}, []string{d}},
		{"page 2 of 2", &telnyx.ListRoomSessionsParams{PageSize: 4, PageNumber: 2}, []string{a, f}},
		{"nothing", &telnyx.ListRoomSessionsParams{CreatedAt: telnyx.DateFilter{Eq: date(1)}}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			page, err := c.RoomSessions.List(t.Context(), tt.params)
			if err != nil {
				t.Fatal(err)
			}
			equal(t, "ids", roomSessionIDs(page.Items), tt.want)
			if tt.params == nil || tt.params.PageSize == 0 {
				equal(t, "meta", []int{page.PageNumber, page.PageSize, page.TotalResults}, []int{1, 20, len(tt.want)})
			}
		})
	}
	page, err := c.RoomSessions.List(t.Context(), &telnyx.ListRoomSessionsParams{PageSize: 4, PageNumber: 2})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "page meta", []any{page.PageNumber, page.PageSize, page.TotalPages, page.TotalResults, page.HasNext()}, []any{2, 4, 2, 6, false})
}

func TestClientAll(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for i := range 45 {
		srv.AddSession(telnyxtest.Session{Active: true, CreatedAt: t0().Add(-time.Duration(i) * time.Minute)})
	}
	c := client(t, srv)
	var got []string
	for s, err := range c.RoomSessions.All(t.Context(), &telnyx.ListRoomSessionsParams{PageSize: 20}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, s.ID)
	}
	var want []string
	for _, s := range srv.Sessions() {
		want = append(want, s.ID)
	}
	equal(t, "every session, in order", got, want)
	var pages []string
	for _, r := range srv.Requests() {
		q, _ := url.ParseQuery(r.Query)
		pages = append(pages, q.Get("page[number]")+"/"+q.Get("page[size]"))
	}
	slices.Sort(pages) // pages 2 and 3 are fetched at once
	equal(t, "pages fetched", pages, []string{"1/20", "2/20", "3/20"})
}

func TestClientGet(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	s := seedRoom(t, srv)
	ended := srv.AddSession(telnyxtest.Session{CreatedAt: at(15, 8, 0), EndedAt: time.Date(2021, 4, 15, 9, 0, 0, 954863000, time.UTC)})
	c := client(t, srv)

	got, err := c.RoomSessions.Get(t.Context(), s.ID, &telnyx.GetRoomSessionParams{IncludeParticipants: true})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "session", []any{got.ID, got.RoomID, got.Active, got.CreatedAt.Equal(s.CreatedAt), got.UpdatedAt.Equal(s.UpdatedAt), got.EndedAt.IsZero()},
		[]any{s.ID, s.RoomID, true, true, true, true})
	if len(got.Participants) != len(s.Participants) {
		t.Fatalf("%d participants, want %d", len(got.Participants), len(s.Participants))
	}
	for i, p := range s.Participants {
		gp := got.Participants[i]
		equal(t, "participant", []any{gp.ID, gp.SessionID, gp.Context, gp.JoinedAt.Equal(p.JoinedAt), gp.UpdatedAt.Equal(p.UpdatedAt), gp.LeftAt.Equal(p.LeftAt)},
			[]any{p.ID, s.ID, p.Context, true, true, true})
	}

	got, err = c.RoomSessions.Get(t.Context(), strings.ToUpper(ended.ID), nil)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "ended session", []any{got.Active, got.EndedAt.Equal(ended.EndedAt), got.EndedAt.Nanosecond(), len(got.Participants)}, []any{false, true, 954863000, 0})
}

func TestClientParticipants(t *testing.T) {
	t.Parallel()
	srv, sid := seedParticipants(t)
	c := client(t, srv)
	page, err := c.RoomSessions.Participants(t.Context(), sid, &telnyx.ListParticipantsParams{Context: "Alice"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range page.Items {
		ids = append(ids, p.ID)
	}
	equal(t, "Alice", ids, []string{id('6'), id('8')})
	equal(t, "meta", []int{page.PageNumber, page.PageSize, page.TotalPages, page.TotalResults}, []int{1, 20, 1, 2})

	ids = nil
	for p, err := range c.RoomSessions.AllParticipants(t.Context(), sid, &telnyx.ListParticipantsParams{LeftAt: telnyx.DateFilter{Lte: date(30)}, PageSize: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	equal(t, "left, one per page", ids, []string{id('7'), id('8')})
}

func TestClientActions(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	s := seedRoom(t, srv)
	alice, bob, carol := s.Participants[0].ID, s.Participants[1].ID, s.Participants[2].ID
	c := client(t, srv)
	ctx := t.Context()

	srv.SetNow(at(16, 10, 0))
	if err := c.RoomSessions.Mute(ctx, s.ID, telnyx.AllParticipants().Except(alice)); err != nil {
		t.Fatal(err)
	}
	if err := c.RoomSessions.Unmute(ctx, s.ID, telnyx.Participants(carol)); err != nil {
		t.Fatal(err)
	}
	got, _ := srv.Session(s.ID)
	equal(t, "muted", []bool{got.Participants[0].Muted, got.Participants[1].Muted, got.Participants[2].Muted}, []bool{false, true, false})

	srv.SetNow(at(16, 10, 30))
	if err := c.RoomSessions.Kick(ctx, s.ID, telnyx.Participants(bob, carol).Except(carol)); err != nil {
		t.Fatal(err)
	}
	page, err := c.RoomSessions.Participants(ctx, s.ID, &telnyx.ListParticipantsParams{LeftAt: telnyx.DateFilter{Eq: date(16)}})
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, p := range page.Items {
		left = append(left, p.ID+" "+p.LeftAt.Format(time.TimeOnly))
	}
	equal(t, "left after the kick", left, []string{bob + " 10:30:00", s.Participants[3].ID + " 09:30:00"})

	srv.SetNow(at(16, 11, 0))
	if err := c.RoomSessions.End(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	view, err := c.RoomSessions.Get(ctx, s.ID, &telnyx.GetRoomSessionParams{IncludeParticipants: true})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "ended", []any{view.Active, view.EndedAt.Equal(at(16, 11, 0)), view.Participants[0].LeftAt.Equal(at(16, 11, 0)), view.Participants[1].LeftAt.Equal(at(16, 10, 30))},
		[]any{false, true, true, true})
	if err := c.RoomSessions.End(ctx, s.ID); err != nil {
		t.Errorf("ending an ended session: %v", err)
	}

	err = c.RoomSessions.Mute(ctx, s.ID, telnyx.AllParticipants())
	var apiErr *telnyx.Error
	if !errors.As(err, &apiErr) || !errors.Is(err, telnyx.ErrInvalidRequest) || apiErr.StatusCode != 422 {
		t.Fatalf("mute in an ended session: %v", err)
	}
	stored, _ := srv.Session(s.ID)
	equal(t, "nobody muted after the refused mute", stored.Participants[0].Muted, false)
}

func TestClientErrors(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	s := seedRoom(t, srv)
	c := client(t, srv)

	_, err := c.RoomSessions.Get(t.Context(), id('e'), nil)
	var apiErr *telnyx.Error
	if !errors.As(err, &apiErr) || !errors.Is(err, telnyx.ErrNotFound) {
		t.Fatalf("Get of an unknown session: %v", err)
	}
	reqs := srv.Requests()
	equal(t, "404", []any{apiErr.StatusCode, apiErr.Attempts, apiErr.RequestID, apiErr.Errors[0].Code, apiErr.Errors[0].Pointer},
		[]any{404, 1, reqs[len(reqs)-1].RequestID, "10005", "/room_session_id"})

	wrong := client(t, srv, telnyx.WithAPIKey("KEY_wrong"))
	ctx := t.Context()
	calls := map[string]func() error{
		"List": func() error { _, err := wrong.RoomSessions.List(ctx, nil); return err },
		"All": func() error {
			for _, err := range wrong.RoomSessions.All(ctx, nil) {
				return err
			}
			return nil
		},
		"Get":          func() error { _, err := wrong.RoomSessions.Get(ctx, s.ID, nil); return err },
		"Participants": func() error { _, err := wrong.RoomSessions.Participants(ctx, s.ID, nil); return err },
		"End":          func() error { return wrong.RoomSessions.End(ctx, s.ID) },
		"Kick":         func() error { return wrong.RoomSessions.Kick(ctx, s.ID, telnyx.AllParticipants()) },
		"Mute":         func() error { return wrong.RoomSessions.Mute(ctx, s.ID, telnyx.AllParticipants()) },
		"Unmute":       func() error { return wrong.RoomSessions.Unmute(ctx, s.ID, telnyx.AllParticipants()) },
	}
	for name, call := range calls {
		err := call()
		if !errors.As(err, &apiErr) || !errors.Is(err, telnyx.ErrUnauthorized) || apiErr.Errors[0].Code != "10009" {
			t.Errorf("%s with a wrong key: %v", name, err)
		}
		if strings.Contains(err.Error(), "KEY_wrong") {
			t.Errorf("%s: the key appears in %q", name, err)
		}
	}
	if got, _ := srv.Session(s.ID); !got.Active {
		t.Error("refused requests ended the session")
	}
}

func TestClientPanicsOnBadOption(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	defer func() {
		if r := recover(); r == nil || !strings.Contains(strings.ToLower(r.(string)), "invalid") {
			t.Errorf("panic %v, want one about an invalid argument", r)
		}
	}()
	srv.Client(telnyx.WithMaxRetries(-1))
}

// retryAfter1ms makes the facade retry after 1ms instead of its backoff.
func retryAfter1ms() http.Header { return http.Header{"Retry-After-Ms": {"1"}} }

// TestClientRetriesThroughFaults observes the facade's retry policy through the fake.
func TestClientRetriesThroughFaults(t *testing.T) {
	t.Parallel()
	type outcome struct {
		err      error // a sentinel the error must match, nil for success
		requests int
		muted    bool
	}
	get := func(c *telnyx.Client, sid string) error {
		_, err := c.RoomSessions.Get(context.Background(), sid, nil)
		return err
	}
	mute := func(c *telnyx.Client, sid string) error {
		return c.RoomSessions.Mute(context.Background(), sid, telnyx.AllParticipants())
	}
	tests := []struct {
		name  string
		fault telnyxtest.Fault
		opts  []telnyx.Option
		op    func(*telnyx.Client, string) error
		want  outcome
	}{
		{"503 twice, then the answer", telnyxtest.Fault{Status: 503, Header: retryAfter1ms(), Times: 2}, nil, get, outcome{nil, 3, false}},
		{"429 once on an action", telnyxtest.Fault{Status: 429, Header: retryAfter1ms(), Times: 1}, nil, mute, outcome{nil, 2, true}},
		{"500 for ever, one retry", telnyxtest.Fault{Status: 500, Header: retryAfter1ms()}, []telnyx.Option{telnyx.WithMaxRetries(1)}, get, outcome{telnyx.ErrServer, 2, false}},
		{"502, 504 and 408 are retried", telnyxtest.Fault{Status: 502, Header: retryAfter1ms(), Times: 1}, nil, get, outcome{nil, 2, false}},
		{"400 is not retried", telnyxtest.Fault{Status: 400, Times: 1}, nil, get, outcome{telnyx.ErrInvalidRequest, 1, false}},
		{"malformed JSON is not retried", telnyxtest.Fault{MalformedJSON: true, Times: 1}, nil, get, outcome{telnyx.ErrMalformedResponse, 1, false}},
		{"an action whose 2xx arrived is done", telnyxtest.Fault{Cut: telnyxtest.CutMidBody, Times: 1}, nil, mute, outcome{nil, 1, true}},
		// These two wait for the facade's own backoff (250 to 500ms): no header can shorten it.
		{"a read cut mid-body is retried", telnyxtest.Fault{Cut: telnyxtest.CutMidBody, Times: 1}, nil, get, outcome{nil, 2, false}},
		{"an action cut before its answer converges", telnyxtest.Fault{Method: "POST", Cut: telnyxtest.CutBeforeResponse, Times: 1}, nil, mute, outcome{nil, 2, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			s := seedRoom(t, srv)
			srv.Fail(tt.fault)
			err := tt.op(srv.Client(tt.opts...), s.ID)
			if tt.want.err == nil && err != nil || tt.want.err != nil && !errors.Is(err, tt.want.err) {
				t.Fatalf("error %v, want %v", err, tt.want.err)
			}
			reqs := srv.Requests()
			equal(t, "requests", len(reqs), tt.want.requests)
			equal(t, "muted", muted(t, srv, s.ID), tt.want.muted)
			for _, r := range reqs[1:] {
				if !bytes.Equal(r.Body, reqs[0].Body) || r.Query != reqs[0].Query {
					t.Errorf("retry sent %q?%s, first attempt %q?%s", r.Body, r.Query, reqs[0].Body, reqs[0].Query)
				}
			}
			var apiErr *telnyx.Error
			if errors.As(err, &apiErr) && apiErr.Attempts != tt.want.requests {
				t.Errorf("Attempts %d, want %d", apiErr.Attempts, tt.want.requests)
			}
		})
	}
}

func TestClientServerDelays(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	s := seedRoom(t, srv)

	// A delay above 60s is not waited: the error returns at once with RetryAfter.
	srv.Fail(telnyxtest.Fault{Status: 429, Header: http.Header{"Retry-After": {"120"}}, Times: 1})
	_, err := srv.Client().RoomSessions.Get(t.Context(), s.ID, nil)
	var apiErr *telnyx.Error
	if !errors.As(err, &apiErr) || !errors.Is(err, telnyx.ErrRateLimited) || apiErr.RetryAfter != 120*time.Second {
		t.Fatalf("error %v, want a 429 *telnyx.Error with RetryAfter 2m", err)
	}
	equal(t, "requests", len(srv.Requests()), 1)

	// A slow answer hits the per-attempt timeout: a transport failure, not an *Error,
	// and not the caller's context.DeadlineExceeded.
	srv.Fail(telnyxtest.Fault{Latency: time.Hour, Times: 1})
	c := srv.Client(telnyx.WithTimeout(20*time.Millisecond), telnyx.WithMaxRetries(0))
	_, err = c.RoomSessions.Get(t.Context(), s.ID, nil)
	if !errors.Is(err, telnyx.ErrTransport) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &apiErr) {
		t.Fatalf("error %v, want ErrTransport, not context.DeadlineExceeded", err)
	}
}

// TestConcurrentUse runs 32 goroutines mixing reads and actions, for the race detector,
// and checks that every request was served and recorded.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	shared := seedRoom(t, srv)
	const workers, rounds = 32, 4
	own := make([]telnyxtest.Session, workers)
	for i := range own {
		own[i] = srv.AddSession(telnyxtest.Session{Active: true, Participants: []telnyxtest.Participant{{}, {}}})
	}
	c := srv.Client()
	errs := make(chan error, workers*rounds*6)
	done := make(chan struct{})
	for w := range workers {
		go func() {
			defer func() { done <- struct{}{} }()
			ctx := context.Background()
			mine := own[w]
			for r := range rounds {
				if _, err := c.RoomSessions.List(ctx, &telnyx.ListRoomSessionsParams{IncludeParticipants: true, PageSize: 10, PageNumber: r%4 + 1}); err != nil {
					errs <- err
				}
				if _, err := c.RoomSessions.Get(ctx, shared.ID, &telnyx.GetRoomSessionParams{IncludeParticipants: true}); err != nil {
					errs <- err
				}
				if _, err := c.RoomSessions.Participants(ctx, mine.ID, nil); err != nil {
					errs <- err
				}
				sel := telnyx.Participants(shared.Participants[w%3].ID)
				if r%2 == 0 {
					errs <- c.RoomSessions.Mute(ctx, shared.ID, sel)
				} else {
					errs <- c.RoomSessions.Unmute(ctx, shared.ID, sel)
				}
				errs <- c.RoomSessions.Kick(ctx, mine.ID, telnyx.Participants(mine.Participants[r%2].ID))
				if r == rounds-1 {
					errs <- c.RoomSessions.End(ctx, mine.ID)
				}
				_ = srv.Requests()
				_, _ = srv.Session(shared.ID)
			}
		}()
	}
	for range workers {
		<-done
	}
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	equal(t, "requests recorded", len(srv.Requests()), workers*(rounds*5+1))
	for _, s := range own {
		got, _ := srv.Session(s.ID)
		if got.Active || slices.ContainsFunc(got.Participants, func(p telnyxtest.Participant) bool { return p.LeftAt.IsZero() }) {
			t.Errorf("session %s: %+v", s.ID, got)
		}
	}
	got, _ := srv.Session(shared.ID)
	equal(t, "shared session still active", got.Active, true)
}
