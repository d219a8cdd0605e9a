package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/roomsessions/telnyx-go/internal/specinfo"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// commandFor maps each operation of api/openapi.yaml to a command line that calls it;
// SESSION stands for a seeded session's id.
var commandFor = map[string][]string{
	"ListRoomSessions":           {"list"},
	"ViewRoomSession":            {"get", "SESSION"},
	"ListRoomParticipants":       {"participants", "SESSION"},
	"EndSession":                 {"end", "SESSION", "--yes"},
	"KickParticipantInSession":   {"kick", "SESSION", "--everyone", "--yes"},
	"MuteParticipantInSession":   {"mute", "SESSION", "--everyone"},
	"UnmuteParticipantInSession": {"unmute", "SESSION", "--everyone"},
}

// TestSpecOperationsHaveCommands is the drift guard of the command line: every operation
// of the spec has a command, and the command sends that operation. See CONTRIBUTING.md.
func TestSpecOperationsHaveCommands(t *testing.T) {
	t.Parallel()
	spec, err := specinfo.Load()
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(t)
	for _, op := range spec.Operations {
		args, ok := commandFor[op.ID]
		if !ok {
			t.Errorf("operation %v of api/openapi.yaml has no command: add one to cmd/roomsessions and list it in commandFor (cmd/roomsessions/spec_drift_test.go)", op)
			continue
		}
		s := srv.AddSession(telnyxtest.Session{Active: true, Participants: []telnyxtest.Participant{{}}})
		args = strings.Split(strings.ReplaceAll(strings.Join(args, "\x00"), "SESSION", s.ID), "\x00")
		before := len(srv.Requests())
		r := runCLI(t, srv, args...)
		reqs := srv.Requests()
		if r.code != 0 || len(reqs) == before {
			t.Errorf("roomsessions %s: exit %d, %d requests\n%s", strings.Join(args, " "), r.code, len(reqs)-before, r.stderr)
			continue
		}
		pattern := regexp.MustCompile("^/v2" + regexp.MustCompile(`\\\{[^}]*\\\}`).ReplaceAllString(regexp.QuoteMeta(op.Path), "[^/]+") + "$")
		last := reqs[len(reqs)-1]
		if last.Method != op.Method || !pattern.MatchString(last.Path) {
			t.Errorf("roomsessions %s sends %s %s, not operation %v", strings.Join(args, " "), last.Method, last.Path, op)
		}
	}
	for id := range commandFor {
		if _, ok := spec.Operation(id); !ok {
			t.Errorf("commandFor lists operation %s, which api/openapi.yaml does not have (cmd/roomsessions/spec_drift_test.go)", id)
		}
	}
}
