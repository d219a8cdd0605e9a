package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// TestREADMECommandsRun runs every "roomsessions ..." line of the README's code blocks,
// in order, against a fake seeded like serve --demo-data: each must exit 0.
func TestREADMECommandsRun(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, telnyxtest.WithClock(func() time.Time { return demoNow() }))
	for _, s := range demoSessions(demoNow()) {
		srv.AddSession(s)
	}
	ran := 0
	inBlock := false
	for line := range strings.Lines(string(readme)) {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "```") {
			inBlock = !inBlock
			continue
		}
		args, ok := strings.CutPrefix(line, "roomsessions ")
		if !inBlock || !ok || strings.HasPrefix(args, "[") || strings.HasPrefix(args, "serve") {
			continue // the synopsis, and serve, which runs until stopped (see serve_test.go)
		}
		r := runCLI(t, srv, strings.Fields(args)...)
		if r.code != 0 {
			t.Errorf("README command %q: exit %d\n%s%s", line, r.code, r.stdout, r.stderr)
		}
		ran++
	}
	if ran < 8 {
		t.Errorf("ran %d README commands, want at least 8", ran)
	}
}
