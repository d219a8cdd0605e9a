package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/roomsessions/telnyx-go/api"
	"github.com/roomsessions/telnyx-go/internal/specinfo"
)

// TestRoundTripKeepsTheSpec checks that parsing and writing back api/openapi.yaml, as
// every drill does, changes nothing the tools read.
func TestRoundTripKeepsTheSpec(t *testing.T) {
	t.Parallel()
	d, err := parseSpec(api.Spec)
	if err != nil {
		t.Fatal(err)
	}
	out, err := d.bytes()
	if err != nil {
		t.Fatal(err)
	}
	before, err := specinfo.Parse(api.Spec)
	if err != nil {
		t.Fatal(err)
	}
	after, err := specinfo.Parse(out)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(before.Doc)
	b, _ := json.Marshal(after.Doc)
	if string(a) != string(b) {
		t.Errorf("the spec written back differs from api/openapi.yaml:\n%s", out)
	}
}

// TestEveryDrillEditsTheSpec applies each drill's change and checks that the result is
// still a valid spec, so a drill fails here, not minutes into make spec-drill.
func TestEveryDrillEditsTheSpec(t *testing.T) {
	t.Parallel()
	for i, dr := range drills {
		d, err := parseSpec(api.Spec)
		if err != nil {
			t.Fatal(err)
		}
		if err := dr.edit(d); err != nil {
			t.Errorf("drill %d: %v", i+1, err)
			continue
		}
		out, err := d.bytes()
		if err != nil {
			t.Fatal(err)
		}
		if string(out) == string(api.Spec) {
			t.Errorf("drill %d changes nothing", i+1)
		}
		if _, err := specinfo.Parse(out); err != nil {
			t.Errorf("drill %d makes an invalid spec: %v", i+1, err)
		}
	}
}

func TestEditsFailWhenTheirTargetIsGone(t *testing.T) {
	t.Parallel()
	d, err := parseSpec(api.Spec)
	if err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"rename a missing key":  d.rename(schemaProps("RoomSession"), "no_such", "x"),
		"add an existing key":   d.add(schemaProps("RoomSession"), "id", "type: string\n"),
		"replace a missing key": d.replace(schemaProps("RoomSession"), "no_such", "type: string\n"),
		"a missing mapping":     d.set(schemaProps("NoSuchSchema"), "x", "1"),
	} {
		if err == nil || (!strings.Contains(err.Error(), "no") && !strings.Contains(err.Error(), "already")) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
