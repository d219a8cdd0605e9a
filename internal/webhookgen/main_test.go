package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunWritesTheOverlayAndTheEventTable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	overlay, events := filepath.Join(dir, "o.gen.yaml"), filepath.Join(dir, "e.gen.go")
	if err := run("../../api/openapi.yaml", "../../api/codegen/webhook-overlay.yaml", overlay, events, "webhook"); err != nil {
		t.Fatal(err)
	}
	o, err := os.ReadFile(overlay)
	if err != nil {
		t.Fatal(err)
	}
	e, err := os.ReadFile(events)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"$ref: '#/components/schemas/ParticipantJoined'", "is the payload of video.room.session.ended.", "x-go-name: envelope"} {
		if !strings.Contains(string(o), want) {
			t.Errorf("the overlay lacks %q:\n%s", want, o)
		}
	}
	for _, want := range []string{`TypeParticipantLeft = "video.room.participant.left"`, "func() Payload { return new(SessionStarted) }", "func (*CompositionCompleted) isPayload() {}"} {
		if !strings.Contains(string(e), want) {
			t.Errorf("the events file lacks %q:\n%s", want, e)
		}
	}
}

func TestRunRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	spec := func(hooks string) string {
		return "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-webhooks:\n" + hooks +
			"components:\n  schemas:\n    WebhookEnvelope: {type: object}\n    A: {type: object}\n"
	}
	hook := func(typ string) string {
		return "  " + typ + ":\n    post:\n      x-payload: {$ref: '#/components/schemas/A'}\n"
	}
	okShape := write("shape.yaml", "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: []\n")
	for name, tc := range map[string]struct{ spec, shape, want string }{
		"shared payload": {spec(hook("x.one") + hook("x.two")), okShape, "share the payload schema A"},
		"paths in shape": {spec(hook("x.one")), write("bad.yaml", "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - {target: $.paths, remove: true}\n"), "derived from x-webhooks"},
		"no x-webhooks":  {"openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n", okShape, "no x-webhooks"},
		"no usage":       {"", "", "usage"},
	} {
		specPath := ""
		if tc.spec != "" {
			specPath = write(strings.ReplaceAll(name, " ", "_")+".yaml", tc.spec)
		}
		err := run(specPath, tc.shape, filepath.Join(dir, "o"), filepath.Join(dir, "e"), "webhook")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", name, err, tc.want)
		}
	}
}
