package jsonstream_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/roomsessions/telnyx-go/internal/jsonstream"
	"github.com/roomsessions/telnyx-go/internal/jsonstream/shapetest"
)

// maxBody is the cap of the tests that do not test it.
const maxBody = 32 << 20

// session, meta and envelope are what a caller decodes an answer {"data":...,"meta":...} into.
type (
	session struct {
		ID     string `json:"id"`
		RoomID string `json:"room_id"`
	}
	meta struct {
		TotalResults int `json:"total_results"`
	}
	envelope[D any] struct {
		Data D
		Meta *meta
	}
)

// decodeEnvelope decodes an answer holding what sh requires into b, as a caller of the
// package does: data through data, meta decoded, other values checked whole.
func decodeEnvelope[D any](s *jsonstream.Stream, sh *jsonstream.Shape, b *envelope[D], data func(*D, *jsonstream.Shape) (bool, error)) error {
	return s.Object(sh, func(key string, sub *jsonstream.Shape) (bool, error) {
		if key == "data" {
			return data(&b.Data, sub)
		}
		v, err := s.Value(sub)
		if err != nil {
			return false, err
		}
		if key == "meta" {
			return string(v) == "null", s.Decode(v, &b.Meta)
		}
		return string(v) == "null", nil
	})
}

// decodeGet decodes an answer whose data is one session.
func decodeGet(s *jsonstream.Stream, b *envelope[session]) error {
	return decodeEnvelope(s, getShape, b, func(out *session, sub *jsonstream.Shape) (bool, error) {
		v, err := s.Value(sub)
		if err != nil {
			return false, err
		}
		return string(v) == "null", s.Decode(v, out)
	})
}

// decodeList decodes an answer whose data is a list of at most max sessions.
func decodeList(s *jsonstream.Stream, max int, b *envelope[[]session]) error {
	return decodeEnvelope(s, listShape, b, func(out *[]session, sub *jsonstream.Shape) (bool, error) {
		return jsonstream.Array(s, out, max, sub)
	})
}

// An answer decodes the same whatever pieces the body arrives in: one byte per read,
// half of what is asked, or its last bytes together with io.EOF.
func TestStreamFragmented(t *testing.T) {
	t.Parallel()
	big := shapetest.With(t, okSession, "room_id", `"`+strings.Repeat("r", 100<<10)+`"`)
	list := []byte(`{"data":[` + okSession + `, ` + big + ` ,` + okSession + "],\n\"x\":[1,{\"y\":null}], \"n\": 12345, \"meta\":" + okMeta + "}\n ")
	get := []byte(`{"data":` + big + `}`)
	pieces := map[string]func(io.Reader) io.Reader{
		"whole": func(r io.Reader) io.Reader { return r }, "one byte": iotest.OneByteReader,
		"halves": iotest.HalfReader, "EOF with data": iotest.DataErrReader,
	}
	for name, cut := range pieces {
		s := jsonstream.New(cut(bytes.NewReader(list)), maxBody)
		var b envelope[[]session]
		err := decodeList(s, 3, &b)
		if err == nil {
			err = s.End()
		}
		if err != nil || len(b.Data) != 3 || len(b.Data[1].RoomID) != 100<<10 || b.Meta == nil || b.Meta.TotalResults != 1 {
			t.Errorf("%s: list: %v, %d items", name, err, len(b.Data))
		}
		s = jsonstream.New(cut(bytes.NewReader(get)), maxBody)
		var g envelope[session]
		if err := decodeGet(s, &g); err != nil || len(g.Data.RoomID) != 100<<10 {
			t.Errorf("%s: get: %v", name, err)
		}
	}
}

// A number cut by the end of a read is read whole: the literal 12345 falls at every
// place of a read, after paddings of every length.
func TestStreamNumberAcrossReads(t *testing.T) {
	t.Parallel()
	for pad := range 1100 {
		body := `{"p":"` + strings.Repeat("p", pad) + `","n":12345,"data":[],"meta":` + okMeta + `}`
		s := jsonstream.New(iotest.OneByteReader(strings.NewReader(body)), maxBody)
		var b envelope[[]session]
		if err := decodeList(s, 3, &b); err != nil {
			t.Fatalf("padding %d: %v", pad, err)
		}
	}
}

// A value is accepted only whole: a literal followed by other bytes (nullx) is not null,
// and a delimiter where a value must start is not a body cut short.
func TestStreamValuesAreWholeJSON(t *testing.T) {
	t.Parallel()
	get := func(body string) error {
		var g envelope[session]
		return decodeGet(jsonstream.New(strings.NewReader(body), maxBody), &g)
	}
	list := func(body string) error {
		var b envelope[[]session]
		return decodeList(jsonstream.New(strings.NewReader(body), maxBody), 3, &b)
	}
	for body, want := range map[string]string{
		`{"data":nullx}`: `unexpected 'x' after a value`,
		`{"data":[` + okSession + `,nullx],"meta":` + okMeta + `}`: `unexpected 'x' after a value`,
		`{"data":` + okSession + `,}`:                              `unexpected '}' at offset`,
		`{"data":,}`:                                               `unexpected ',' at offset`,
		`<html>`:                                                   `want an object, got '<'`,
	} {
		err := get(body)
		if strings.Contains(body, "meta") {
			err = list(body)
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%.40s: %v, want an error saying %q", body, err, want)
		}
	}
}

// Object and Array name what lacks and where, as Check does, and Array refuses the item
// past max with ErrTooMany.
func TestStreamChecksAsItReads(t *testing.T) {
	t.Parallel()
	list := func(body string, max int) error {
		var b envelope[[]session]
		return decodeList(jsonstream.New(iotest.HalfReader(strings.NewReader(body)), maxBody), max, &b)
	}
	items := func(n int) string { return strings.TrimSuffix(strings.Repeat(okSession+",", n), ",") }
	for _, tc := range []struct {
		body, want string
		shape      bool // the error matches ErrShape
	}{
		{`{"data":[` + items(2) + `],"meta":` + okMeta + `}`, "", false},
		{`{"meta":` + okMeta + `}`, `required property "data" of RoomSessionList is missing`, true},
		{`{"data":null,"meta":` + okMeta + `}`, `required property "data" of RoomSessionList is null`, true},
		{`{"data":[` + okSession + `,null],"meta":` + okMeta + `}`, `data[1]: want an object, got null`, true},
		{`{"data":[` + okSession + `,` + shapetest.With(t, okSession, "participants", `[`+okParticipant+`,{}]`) + `],"meta":` + okMeta + `}`, `data[1].participants[1]: required property "id" of RoomParticipant is missing`, true},
		{`{"data":[` + shapetest.With(t, okSession, "room_id", `""`) + `],"meta":` + okMeta + `}`, `data[0]: required property "room_id" of RoomSession is empty`, true},
		{`{"data":[],"meta":{}}`, `meta: required property "page_number" of PaginationMeta is missing`, true},
		{`{"data":"x","meta":` + okMeta + `}`, `want an array, got a string`, false},
		{`{"data":[` + items(3) + `],"meta":` + okMeta + `}`, "", false},
		{`{"data":[` + items(4) + `],"meta":` + okMeta + `}`, jsonstream.ErrTooMany.Error(), false},
	} {
		err := list(tc.body, 3)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%.60s: %v", tc.body, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%.60s: %v, want an error saying %q", tc.body, err, tc.want)
		case err != nil && errors.Is(err, jsonstream.ErrShape) != tc.shape:
			t.Errorf("%.60s: %v matches ErrShape: %v, want %v", tc.body, err, !tc.shape, tc.shape)
		}
	}
}

// End accepts only whitespace after the value, to the end of the body.
func TestStreamEnd(t *testing.T) {
	t.Parallel()
	for trailer, ok := range map[string]bool{"": true, "\n\t \r\n": true, " x": false, "{}": false, "\x00": false} {
		s := jsonstream.New(strings.NewReader(`{"data":`+okSession+`}`+trailer), maxBody)
		var g envelope[session]
		err := decodeGet(s, &g)
		if err == nil {
			err = s.End()
		}
		if (err == nil) != ok {
			t.Errorf("%q after the value: %v, want ok %v", trailer, err, ok)
		}
	}
}

// Err is the reader's error, or the cap's; a malformed body, or one cut short at EOF,
// is an error of the value, not of the reading.
func TestStreamErr(t *testing.T) {
	t.Parallel()
	failed := errors.New("connection reset")
	for _, tc := range []struct {
		name string
		r    io.Reader
		want error // what Err matches; nil for nothing
	}{
		{"reader fails", io.MultiReader(strings.NewReader(`{"data":{"id":`), iotest.ErrReader(failed)), failed},
		{"malformed", strings.NewReader(`{"data":]}`), nil},
		{"cut short", strings.NewReader(`{"data":{"id":`), nil},
		{"over the cap", strings.NewReader(`{"data":` + okSession + `}` + strings.Repeat(" ", 1<<20)), jsonstream.ErrTooLarge},
	} {
		s := jsonstream.New(tc.r, 1<<20)
		var g envelope[session]
		err := decodeGet(s, &g)
		if err == nil {
			err = s.End()
		}
		if err == nil || tc.want == nil && s.Err() != nil || tc.want != nil && !errors.Is(s.Err(), tc.want) {
			t.Errorf("%s: %v, Err() = %v; want an error, Err() matching %v", tc.name, err, s.Err(), tc.want)
		}
	}
}

// endless is a body that never ends: head, then rest forever.
type endless struct {
	head, rest string
	at         int // in rest
	read       int64
}

func (e *endless) Read(p []byte) (int, error) {
	n := copy(p, e.head)
	e.head = e.head[n:]
	for n < len(p) {
		k := copy(p[n:], e.rest[e.at:])
		n, e.at = n+k, (e.at+k)%len(e.rest)
	}
	e.read += int64(n)
	return n, nil
}

// The bound: one value over a quarter of the cap, or a body over the cap, is refused
// with ErrTooLarge after reading at most the cap; the stream's buffer costs about half
// the cap, and refusing a body costs under twice the cap, what the caller decoded
// included. Not parallel: it reads the process's allocation counters.
func TestStreamBound(t *testing.T) {
	const limit = 4 << 20
	get := func(s *jsonstream.Stream) error {
		var b envelope[session]
		return decodeGet(s, &b)
	}
	list := func(s *jsonstream.Stream) error {
		var b envelope[[]session]
		return decodeList(s, 1<<30, &b)
	}
	for _, tc := range []struct {
		name, head, rest string
		decode           func(*jsonstream.Stream) error
		want             string
		most             uint64 // the most it may allocate
	}{
		{"one huge string", `{"data":{"id":"`, "a", get, fmt.Sprintf("(one value over %d bytes)", limit/4), limit/2 + 64<<10},
		{"one huge array", `{"data":[`, "[", get, fmt.Sprintf("(one value over %d bytes)", limit/4), limit/2 + 64<<10},
		{"whitespace after the value", `{"data":` + okSession + `}`, " ", get, fmt.Sprintf("(over %d bytes)", limit), 64 << 10},
		{"many items", `{"data":[`, okSession + ",", list, fmt.Sprintf("(over %d bytes)", limit), 2 * limit},
	} {
		r := &endless{head: tc.head, rest: tc.rest}
		s := jsonstream.New(r, limit)
		var err error
		grew := allocated(func() {
			if err = tc.decode(s); err == nil {
				err = s.End()
			}
		})
		t.Logf("%s: read %d bytes, allocated %d (%v)", tc.name, r.read, grew, err)
		if !errors.Is(err, jsonstream.ErrTooLarge) || !strings.Contains(err.Error(), tc.want) || !errors.Is(s.Err(), jsonstream.ErrTooLarge) {
			t.Errorf("%s: %v, want ErrTooLarge %s", tc.name, err, tc.want)
		}
		if r.read > limit+64<<10 {
			t.Errorf("%s: read %d bytes, want the cap of %d at most (and a read)", tc.name, r.read, limit)
		}
		if grew >= tc.most {
			t.Errorf("%s: allocated %d bytes, want under %d", tc.name, grew, tc.most)
		}
	}
}

// allocated returns the bytes the process allocated while f ran.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
