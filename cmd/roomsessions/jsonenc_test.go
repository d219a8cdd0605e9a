package main

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// TestJSONTimes checks that times are written as the API writes them: UTC, exactly
// six fractional digits, also when the last digit is zero or the time is on the second.
func TestJSONTimes(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	created := time.Date(2021, 4, 16, 9, 46, 20, 671490000, time.UTC)
	s := srv.AddSession(telnyxtest.Session{Active: true, CreatedAt: created,
		Participants: []telnyxtest.Participant{{JoinedAt: created.Add(time.Second - 671490000)}}})
	for _, format := range []string{formatJSON, formatJSONL} {
		r := runCLI(t, srv, "-o", format, "list", "--participants")
		wantCode(t, r, exitOK)
		for _, w := range []string{`"created_at":` + sp(format) + `"2021-04-16T09:46:20.671490Z"`, `"joined_at":` + sp(format) + `"2021-04-16T09:46:21.000000Z"`} {
			if !bytes.Contains([]byte(r.stdout), []byte(w)) {
				t.Errorf("-o %s does not write %s:\n%s", format, w, r.stdout)
			}
		}
	}
	r := runCLI(t, srv, "-o", "json", "get", s.ID)
	wantCode(t, r, exitOK)
	if !bytes.Contains([]byte(r.stdout), []byte(`"created_at": "2021-04-16T09:46:20.671490Z"`)) {
		t.Errorf("get -o json:\n%s", r.stdout)
	}
}

// sp is the space after a colon in format.
func sp(format string) string {
	if format == formatJSON {
		return " "
	}
	return ""
}

// futureSession stands for a model generated from a spec that gained properties: the
// encoder must write every field, in order, by its json tag, with no list of fields.
type futureSession struct {
	base
	Recording   *bool             `json:"recording,omitempty"`
	Region      string            `json:"region"`
	Tags        []string          `json:"tags,omitempty"`
	Closed      time.Time         `json:"closed_at,omitzero"`
	Scheduled   *time.Time        `json:"scheduled_at,omitempty"`
	Kind        kind              `json:"kind"`
	Extra       map[string]string `json:"extra,omitempty"`
	Hidden      string            `json:"-"`
	unexported  int
	Untagged    int
	ParisLocal  time.Time `json:"paris_local"`
	Nothing     time.Time `json:"nothing"`
	HTMLinValue string    `json:"html"`
}

type kind string

// base is embedded in futureSession: its fields are written in its place.
type base struct {
	ID        string    `json:"id"`
	SessionID string    `json:"session_id"`
	JoinedAt  time.Time `json:"joined_at,omitempty,omitzero"`
}

func TestEncodeGeneric(t *testing.T) {
	t.Parallel()
	paris := time.FixedZone("CEST", 2*3600)
	sched := time.Date(2030, 1, 2, 3, 4, 5, 600, time.UTC)
	v := futureSession{
		base:   base{ID: "p", SessionID: "s", JoinedAt: time.Date(2021, 4, 16, 11, 46, 20, 954863000, paris)},
		Region: "eu", Tags: []string{}, Scheduled: &sched, Kind: "video", Hidden: "no", unexported: 1, Untagged: 7,
		ParisLocal: time.Date(2021, 4, 16, 11, 0, 0, 0, paris), HTMLinValue: "<a&b>",
	}
	var buf bytes.Buffer
	if err := appendJSON(&buf, v); err != nil {
		t.Fatal(err)
	}
	want := `{"id":"p","session_id":"s","joined_at":"2021-04-16T09:46:20.954863Z","region":"eu","tags":[],` +
		`"scheduled_at":"2030-01-02T03:04:05.000000Z","kind":"video","Untagged":7,"paris_local":"2021-04-16T09:00:00.000000Z","nothing":null,"html":"<a&b>"}`
	if buf.String() != want {
		t.Errorf("encoded\n%s\nwant\n%s", buf.String(), want)
	}
	if !json.Valid(buf.Bytes()) {
		t.Error("not valid JSON")
	}
	_ = v.unexported
}
