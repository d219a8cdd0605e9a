package apijson_test

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/internal/apijson"
)

// TestTimesMatchTimeFormat checks the fast time formatter against time.Format.
func TestTimesMatchTimeFormat(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	zones := []*time.Location{time.UTC, time.FixedZone("+05:30", 5*3600+1800), time.FixedZone("-08:00", -8*3600)}
	times := []time.Time{
		time.Date(1, 1, 1, 0, 0, 0, 1000, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(2021, 4, 16, 9, 46, 20, 954863000, time.UTC),
		time.Date(2021, 4, 16, 9, 46, 20, 950000000, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	for range 1000 {
		times = append(times, time.Unix(r.Int64N(1<<37)-1<<36, r.Int64N(1e9)).In(zones[r.IntN(len(zones))]))
	}
	for _, tm := range times {
		got, err := apijson.Marshal(tm)
		if want := `"` + tm.UTC().Format(apijson.TimeLayout) + `"`; err != nil || string(got) != want {
			t.Fatalf("Marshal(%v) = %s, %v; want %s", tm, got, err, want)
		}
	}
}

type kind string

type inner struct {
	Name string    `json:"name"`
	At   time.Time `json:"at,omitzero"`
}

type outer struct {
	ID       string            `json:"id"`
	Kind     kind              `json:"kind"`
	Active   bool              `json:"active"`
	Count    int               `json:"count,omitempty"`
	Size     uint16            `json:"size"`
	Ratio    float64           `json:"ratio"`
	Escaped  string            `json:"esc"`
	Items    []inner           `json:"items,omitempty"`
	NilItems []inner           `json:"nil_items"`
	Ptr      *inner            `json:"ptr"`
	Meta     map[string]any    `json:"meta,omitempty"`
	Raw      json.RawMessage   `json:"raw,omitempty"`
	Bytes    []byte            `json:"bytes"`
	Any      any               `json:"any"`
	Tags     map[string]string `json:"tags"`
	Skip     string            `json:"-"`
	NoTag    string
	hidden   string
}

// TestMarshalMatchesEncodingJSON checks that, times aside, the output is what
// encoding/json writes, field order included.
func TestMarshalMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	values := []outer{
		{},
		{
			ID: "a", Kind: "k", Active: true, Count: 3, Size: 9, Ratio: 0.25, Escaped: "<&>\"\\\n é",
			Items: []inner{{Name: "x"}}, Ptr: &inner{Name: "p"}, Meta: map[string]any{"b": 1, "a": []int{2}},
			Raw: json.RawMessage(`{"z":1}`), Bytes: []byte("hi"), Any: []string{"q"}, Tags: map[string]string{"k": "v"},
			Skip: "no", NoTag: "yes", hidden: "no",
		},
	}
	for _, v := range values {
		got, err := apijson.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("Marshal(%+v)\n got %s\nwant %s", v, got, want)
		}
	}
}

// TestMarshalTimes checks six fractional digits in UTC, and omitzero on times.
func TestMarshalTimes(t *testing.T) {
	t.Parallel()
	tokyo := time.FixedZone("JST", 9*3600)
	v := []inner{
		{Name: "a", At: time.Date(2026, 3, 3, 2, 0, 0, 671490000, tokyo)},
		{Name: "b"},
	}
	got, err := apijson.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	const want = `[{"name":"a","at":"2026-03-02T17:00:00.671490Z"},{"name":"b"}]`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	tm, err := apijson.Marshal(time.Time{})
	if err != nil || string(tm) != `"0001-01-01T00:00:00.000000Z"` {
		t.Errorf("Marshal(zero time) = %s, %v", tm, err)
	}
}
