package specinfo_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/roomsessions/telnyx-go/internal/specinfo"
)

func TestLoadListsOperationsAndQueryKeys(t *testing.T) {
	t.Parallel()
	s, err := specinfo.Load()
	if err != nil {
		t.Fatal(err)
	}
	op, ok := s.Operation("ListRoomSessions")
	if !ok {
		t.Fatal("no ListRoomSessions")
	}
	var keys []string
	for _, k := range op.Query {
		keys = append(keys, k.Key)
	}
	for _, want := range []string{"filter[active]", "filter[date_created_at][gte]", "filter[room_id]", "include_participants", "page[size]"} {
		if !slices.Contains(keys, want) {
			t.Errorf("ListRoomSessions keys %v lack %s", keys, want)
		}
	}
	if op.Method != "GET" || op.Path != "/room_sessions" || !slices.Contains(op.Statuses, "200") {
		t.Errorf("ListRoomSessions = %v, statuses %v", op, op.Statuses)
	}
	if got := len(s.Operations); got != 7 {
		t.Errorf("%d operations, want 7", got)
	}
}

func TestEnumsAndProperties(t *testing.T) {
	t.Parallel()
	s, err := specinfo.Load()
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, e := range s.Enums() {
		if e.Where == "/components/schemas/AllParticipantsKeyword" && slices.Equal(e.Values, []string{"all"}) && e.Request {
			found = true
		}
		if e.Where == "/components/schemas/RoomSession/properties/record_type" && e.Request {
			t.Errorf("record_type is only answered, but Enums says a request carries it")
		}
	}
	if !found {
		t.Errorf("Enums() = %v, lacks AllParticipantsKeyword [all] carried by requests", s.Enums())
	}
	props, err := s.Properties("RoomSession")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(props, specinfo.Property{Name: "ended_at"}) || !slices.Contains(props, specinfo.Property{Name: "id", Required: true}) {
		t.Errorf("Properties(RoomSession) = %v", props)
	}
	if _, err := s.Properties("NoSuchSchema"); err == nil {
		t.Error("Properties of a missing schema: no error")
	}
}

func TestParseRejectsABadSpec(t *testing.T) {
	t.Parallel()
	if _, err := specinfo.Parse([]byte("openapi: 3.0.3\npaths: {}\n")); err == nil {
		t.Error("Parse of a spec without info: no error")
	}
}

// TestPublicSpecFailsWhenTheVariablePointsNowhere checks that CI, which sets the variable,
// cannot skip the public-spec checks by losing the file.
func TestPublicSpecFailsWhenTheVariablePointsNowhere(t *testing.T) {
	t.Setenv(specinfo.PublicSpecEnv, filepath.Join(t.TempDir(), "missing.yaml"))
	_, err := specinfo.PublicSpec()
	if err == nil || errors.Is(err, specinfo.ErrNoPublicSpec) {
		t.Fatalf("PublicSpec() with the variable set to a missing file = %v, want a read error", err)
	}
	ft := &fakeT{TB: t}
	func() {
		defer func() { _ = recover() }() // Fatalf ends the goroutine through runtime.Goexit in real tests
		specinfo.RequirePublicSpec(ft)
	}()
	if !ft.failed || ft.skipped {
		t.Errorf("RequirePublicSpec with a missing file: failed %v, skipped %v; want a failure", ft.failed, ft.skipped)
	}
}

func TestPublicSpecReadsTheVariable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(path, []byte("openapi: 3.1.0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(specinfo.PublicSpecEnv, path)
	data, err := specinfo.PublicSpec()
	if err != nil || string(data) != "openapi: 3.0.3\n" {
		t.Errorf("PublicSpec() = %q, %v", data, err)
	}
}

// fakeT records what RequirePublicSpec asks of a test.
type fakeT struct {
	testing.TB
	failed, skipped bool
}

func (f *fakeT) Helper() {}
func (f *fakeT) Fatalf(string, ...any) {
	f.failed = true
	panic("fatal")
}
func (f *fakeT) Skipf(string, ...any) {
	f.skipped = true
	panic("skip")
}
