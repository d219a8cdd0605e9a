package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// repo is the repository root, from this package's directory.
const repo = "../.."

func TestGeneratesTheOverlayIndexLimitsAndWireCopies(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := func(name string) string { return filepath.Join(dir, name) }
	err := run(repo+"/api/openapi.yaml", "fake", repo+"/api/codegen/fake-overlay.yaml", repo+"/api/codegen/models-overlay.yaml",
		out("overlay.yaml"), out("index.go"), "telnyxtest", out("limits.go"), "telnyx", out("wire.go"), "telnyxtest_test")
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) string {
		b, err := os.ReadFile(out(name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for name, wants := range map[string][]string{
		"overlay.yaml": {
			"DO NOT EDIT", "/__models:", "$ref: '#/components/schemas/RoomSession'", "$ref: '#/components/schemas/RoomParticipant'",
			"target: $.components.schemas.RoomSession.properties.record_type\n    remove: true", // the fake derives it
			"x-go-name: Session", // the hand-written shape follows
		},
		"index.go":  {`{"RoomSession", reflect.TypeFor[telnyx.RoomSession](), reflect.TypeFor[Session]()}`},
		"limits.go": {`PageSizeMax = \d+\n`, `PageSizeMin = 1\n`, `PageSizeDefault = \d+\n`, `PageNumberMin = 1\n`},
		"wire.go":   {`type wRoomSession struct`, `EndedAt +\*string`, `"RoomSessionList": +func\(\) any \{ return new\(gen.RoomSessionList\) \}`},
	} {
		got := read(name)
		for _, w := range wants {
			if name != "overlay.yaml" && name != "index.go" {
				if !regexp.MustCompile(w).MatchString(got) {
					t.Errorf("%s does not match %q:\n%s", name, w, got)
				}
				continue
			}
			if !strings.Contains(got, w) {
				t.Errorf("%s lacks %q:\n%s", name, w, got)
			}
		}
	}
	if strings.Contains(read("overlay.yaml"), "ErrorResponse'") {
		t.Error("the overlay lists ErrorResponse as a model")
	}
}

func TestRefusesAHandListOfModels(t *testing.T) {
	t.Parallel()
	shape := filepath.Join(t.TempDir(), "shape.yaml")
	if err := os.WriteFile(shape, []byte("overlay: 1.0.0\ninfo: {title: x, version: 1.0.0}\nactions:\n  - target: $.paths\n    update: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := run(repo+"/api/openapi.yaml", "public", shape, "", filepath.Join(t.TempDir(), "o.yaml"), "", "", "", "", "", "")
	if err == nil || !strings.Contains(err.Error(), "not listed by hand") {
		t.Errorf("a shape overlay acting on $.paths: %v, want it refused", err)
	}
}

func TestFieldName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"session_id": "SessionID", "recording_enabled": "RecordingEnabled", "id": "ID", "url": "URL"} {
		if got := fieldName(in); got != want {
			t.Errorf("fieldName(%q) = %q, want %q", in, got, want)
		}
	}
}
