// Command specdrill rehearses spec changes, as `make spec-drill` runs it: on a temporary
// copy of the repository it applies one change at a time to api/openapi.yaml (parsed as
// YAML, changed as a tree, written back: never by searching its text), runs `go
// generate`, builds and tests, and checks that the change either reaches users with no
// hand-written line (a new property, a raised limit, a deprecated property) or fails with
// a message that names it and the file to edit (a renamed property, a type change, a new
// filter, a deprecated filter, a new operation). It exits 1 when a drill does not go as
// expected. Run it from the repository root; arguments, if any, are the numbers of the
// drills to run.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// drill is one change to the spec and what must follow from it.
type drill struct {
	name string
	// edit changes the parsed spec; it fails when what it changes is not there.
	edit func(d *specDoc) error
	// extra files written into the copy before testing (path -> content).
	extra map[string]string
	// pass: the tests must pass; otherwise they must fail with every one of mention in
	// their output.
	pass    bool
	mention []string
	// onlyFailing, when set, are the only tests allowed to fail (a change that must reach
	// users everywhere but in prose, which a test names).
	onlyFailing []string
	// doc: `go doc` of these symbols must show these strings.
	doc map[string][]string
	// run: the tests of a drill that must fail (a -run pattern: the guards), so a
	// failing drill does not wait for every test; drills that must pass run them all.
	run string
}

// guards is the -run pattern of the drift guards and of the tests a drill adds.
const guards = "Spec|Models|StateTypes|Drill|Deprecat|Limit"

// newPropertyTest proves that an optional boolean added to the spec is stored by the
// fake, settable in telnyxtest.Session, served and decoded into telnyx.RoomSession, with
// an explicit false kept apart from absent.
const newPropertyTest = `package telnyx_test

import (
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

func TestDrillNewPropertyReachesUsers(t *testing.T) {
	srv := telnyxtest.NewServer()
	defer srv.Close()
	off := srv.AddSession(telnyxtest.Session{RecordingEnabled: telnyx.Bool(false)})
	unknown := srv.AddSession(telnyxtest.Session{})
	got, err := srv.Client().RoomSessions.Get(t.Context(), off.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.RecordingEnabled == nil || *got.RecordingEnabled {
		t.Fatalf("RecordingEnabled = %v, want an explicit false", got.RecordingEnabled)
	}
	got, err = srv.Client().RoomSessions.Get(t.Context(), unknown.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.RecordingEnabled != nil {
		t.Fatalf("RecordingEnabled = %v, want nil (absent)", *got.RecordingEnabled)
	}
}
`

// newPropertyCLITest proves that the property reaches the command line's JSON output,
// false as false and absent as absent.
const newPropertyCLITest = `package main

import (
	"strings"
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

func TestDrillNewPropertyInJSON(t *testing.T) {
	srv := newServer(t)
	off := srv.AddSession(telnyxtest.Session{RecordingEnabled: telnyx.Bool(false)})
	r := runCLI(t, srv, "get", off.ID, "-o", "json")
	if r.code != 0 || !strings.Contains(strings.ReplaceAll(r.stdout, " ", ""), ` + "`" + `"recording_enabled":false` + "`" + `) {
		t.Fatalf("exit %d, output %s %s", r.code, r.stdout, r.stderr)
	}
	unknown := srv.AddSession(telnyxtest.Session{})
	r = runCLI(t, srv, "get", unknown.ID, "-o", "json")
	if r.code != 0 || strings.Contains(r.stdout, "recording_enabled") {
		t.Fatalf("exit %d, output %s %s", r.code, r.stdout, r.stderr)
	}
}
`

// newLimitTest proves that a page size the spec now allows is accepted by the facade and
// served by the fake, and that one past it is refused before the network.
const newLimitTest = `package telnyx_test

import (
	"errors"
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

func TestDrillRaisedLimit(t *testing.T) {
	srv := telnyxtest.NewServer()
	defer srv.Close()
	for range 501 {
		srv.AddSession(telnyxtest.Session{})
	}
	page, err := srv.Client().RoomSessions.List(t.Context(), &telnyx.ListRoomSessionsParams{PageSize: 500})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 500 || page.PageSize != 500 {
		t.Fatalf("%d items, page size %d, want 500", len(page.Items), page.PageSize)
	}
	_, err = srv.Client().RoomSessions.List(t.Context(), &telnyx.ListRoomSessionsParams{PageSize: 501})
	if !errors.Is(err, telnyx.ErrInvalidArgument) {
		t.Fatalf("PageSize 501: %v, want ErrInvalidArgument", err)
	}
}
`

// newLimitCLITest proves that the CLI's help follows the spec's limit.
const newLimitCLITest = `package main

import (
	"strings"
	"testing"
)

func TestDrillRaisedLimitInHelp(t *testing.T) {
	srv := newServer(t)
	r := runCLI(t, srv, "list", "--help")
	if !strings.Contains(r.stdout+r.stderr, "1..500") {
		t.Fatalf("list --help does not say 1..500:\n%s%s", r.stdout, r.stderr)
	}
}
`

// newPayloadPropertyTest proves that a property added to a webhook payload schema is
// decoded into the generated payload type, with no hand-written line.
const newPayloadPropertyTest = `package webhook_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx/webhook"
)

func TestDrillNewPayloadPropertyReachesUsers(t *testing.T) {
	priv := ed25519.NewKeyFromSeed(make([]byte, 32))
	v, err := webhook.NewVerifier(base64.StdEncoding.EncodeToString(priv.Public().(ed25519.PublicKey)))
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(` + "`" + `{"data":{"id":"e","event_type":"video.room.participant.joined","payload":{"display_name":"Alice A."}}}` + "`" + `)
	ev, err := v.Parse(body, webhook.Sign(priv, body, time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := ev.Payload.(*webhook.ParticipantJoined); !ok || p.DisplayName != "Alice A." {
		t.Fatalf("payload %#v", ev.Payload)
	}
}
`

// newEventTest proves that an event added to x-webhooks is decoded into its own
// generated payload type.
const newEventTest = `package webhook_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx/webhook"
)

func TestDrillNewEventReachesUsers(t *testing.T) {
	priv := ed25519.NewKeyFromSeed(make([]byte, 32))
	v, err := webhook.NewVerifier(base64.StdEncoding.EncodeToString(priv.Public().(ed25519.PublicKey)))
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(` + "`" + `{"data":{"id":"e","event_type":"` + "` + webhook.TypeRecordingFailed + `" + `","payload":{"recording_id":"r1"}}}` + "`" + `)
	ev, err := v.Parse(body, webhook.Sign(priv, body, time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := ev.Payload.(*webhook.RecordingFailed); !ok || p.RecordingID != "r1" {
		t.Fatalf("payload %#v", ev.Payload)
	}
}
`

var drills = []drill{
	{
		name: "a new optional boolean of RoomSession reaches users, explicit false apart from absent, with no hand-written line",
		edit: func(d *specDoc) error {
			return d.add(schemaProps("RoomSession"), "recording_enabled",
				"type: boolean\ndescription: Whether the session is recorded.\n")
		},
		extra: map[string]string{
			"telnyx/drill_test.go":            newPropertyTest,
			"telnyx/telnyxtest/drill_test.go": newPropertyAdminTest,
			"cmd/roomsessions/drill_test.go":  newPropertyCLITest,
		},
		pass: true,
		doc: map[string][]string{
			"telnyx.RoomSession": {"RecordingEnabled *bool", "Whether the session is recorded."},
			"telnyxtest.Session": {"RecordingEnabled *bool"},
		},
	},
	{
		name:    "a renamed property fails the build or tests, naming it",
		edit:    func(d *specDoc) error { return d.rename(schemaProps("RoomSession"), "ended_at", "finished_at") },
		mention: []string{"EndedAt"},
		run:     guards,
	},
	{
		name: "a changed type (participant context: string to an object) fails the build, naming the field",
		edit: func(d *specDoc) error {
			if err := d.add(path("components", "schemas"), "ParticipantContext",
				"type: object\ndescription: What the client SDK says of a participant.\nproperties:\n  name:\n    type: string\n"); err != nil {
				return err
			}
			return d.replace(schemaProps("RoomParticipant"), "context", "$ref: '#/components/schemas/ParticipantContext'\n")
		},
		mention: []string{"Context"},
		run:     guards,
	},
	{
		name: "a new filter fails the tests, naming it and the files to edit",
		edit: func(d *specDoc) error {
			return d.add(schemaProps("RoomSessionsFilter"), "name",
				"type: string\ndescription: Filter room sessions by the name of their room.\n")
		},
		mention: []string{
			"filter[name]", "cannot be set through the facade", "telnyx/params.go",
			"not honoured by the fake", "telnyx/telnyxtest",
		},
		run: guards,
	},
	{
		name: "a raised limit (page[size] up to 500) reaches the facade, the fake and the CLI's help with no hand-written line; only the figures of the prose fail, named",
		edit: func(d *specDoc) error { return d.set(schemaProps("PageParams", "size"), "maximum", "500") },
		extra: map[string]string{
			"telnyx/drill_test.go":           newLimitTest,
			"cmd/roomsessions/drill_test.go": newLimitCLITest,
		},
		onlyFailing: []string{"TestDocsStateTheSpecLimits"},
		mention:     []string{"README.md says", "should be 500"},
		doc:         map[string][]string{"telnyx.PageSizeMax": {"PageSizeMax = 500"}},
	},
	{
		name: "a deprecation reaches go doc for a property and fails the tests for an unmarked filter, naming the files",
		edit: func(d *specDoc) error {
			if err := d.set(schemaProps("RoomParticipant", "context"), "deprecated", "true"); err != nil {
				return err
			}
			if err := d.set(schemaProps("RoomParticipant", "context"), "x-deprecated-reason", "Use the participant's metadata."); err != nil {
				return err
			}
			return d.set(schemaProps("RoomParticipantsFilter", "context"), "deprecated", "true")
		},
		mention: []string{"filter[context]", "deprecated", "telnyx/params.go", "cmd/roomsessions"},
		doc:     map[string][]string{"telnyx.RoomParticipant": {"Deprecated: Use the participant's metadata."}},
		run:     guards,
	},
	{
		name: "an unrelated enum with a value the code uses renames nothing",
		edit: func(d *specDoc) error {
			return d.add(schemaProps("RoomSession"), "scope",
				"type: string\ndescription: Who the session admits.\nenum: [all, invited]\n")
		},
		pass: true,
	},
	{
		name: "a new operation with a new model: the model is generated, the tests fail naming the missing method, handler and command",
		edit: func(d *specDoc) error {
			schemas := path("components", "schemas")
			if err := d.add(schemas, "Recording",
				"type: object\ndescription: A recording of a room session.\nrequired: [id, record_type]\nproperties:\n"+
					"  id:\n    type: string\n    format: uuid\n    description: A unique identifier for the recording.\n"+
					"  duration_secs:\n    type: integer\n    description: How long the recording lasts.\n"+
					"  record_type:\n    type: string\n    enum: [recording]\n    readOnly: true\n"); err != nil {
				return err
			}
			if err := d.add(schemas, "RecordingList",
				"type: object\nrequired: [data, meta]\nproperties:\n  data:\n    type: array\n    items:\n      $ref: '#/components/schemas/Recording'\n"+
					"  meta:\n    $ref: '#/components/schemas/PaginationMeta'\n"); err != nil {
				return err
			}
			return d.add(path("paths"), "/room_sessions/{room_session_id}/recordings",
				"get:\n  operationId: ListRoomSessionRecordings\n  summary: View the recordings of a room session.\n"+
					"  parameters:\n    - $ref: '#/components/parameters/RoomSessionID'\n    - $ref: '#/components/parameters/Page'\n"+
					"  responses:\n    '200':\n      description: The recordings.\n"+
					"      headers:\n        x-request-id:\n          $ref: '#/components/headers/RequestID'\n"+
					"        x-ratelimit-limit:\n          $ref: '#/components/headers/RateLimitLimit'\n"+
					"        x-ratelimit-remaining:\n          $ref: '#/components/headers/RateLimitRemaining'\n"+
					"        x-ratelimit-reset:\n          $ref: '#/components/headers/RateLimitReset'\n"+
					"      content:\n        application/json:\n          schema:\n            $ref: '#/components/schemas/RecordingList'\n"+
					"    4XX:\n      $ref: '#/components/responses/APIError'\n    5XX:\n      $ref: '#/components/responses/APIError'\n")
		},
		mention: []string{
			"ListRoomSessionRecordings", "has no facade method", "telnyx/room_sessions.go",
			"has no handler in the fake", "has no command",
		},
		doc: map[string][]string{
			"telnyx.Recording":     {"DurationSecs *int", "A recording of a room session."},
			"telnyxtest.Recording": {"DurationSecs *int"},
		},
		run: guards,
	},
	{
		name: "a new property of a webhook payload reaches its generated type with no hand-written line",
		edit: func(d *specDoc) error {
			return d.add(schemaProps("ParticipantJoined"), "display_name",
				"type: string\ndescription: The participant's name as the room shows it.\n")
		},
		extra: map[string]string{"telnyx/webhook/drill_test.go": newPayloadPropertyTest},
		pass:  true,
		doc: map[string][]string{
			"webhook.ParticipantJoined": {"DisplayName string", "The participant's name as the room shows it."},
		},
	},
	{
		name: "a new webhook event reaches users (its payload type, Type constant and decoding) with no hand-written line",
		edit: func(d *specDoc) error {
			if err := d.add(path("components", "schemas"), "RecordingFailed",
				"type: object\ndescription: The payload of video.room.recording.failed.\nproperties:\n"+
					"  recording_id:\n    type: string\n    format: uuid\n    description: The recording's id.\n"); err != nil {
				return err
			}
			return d.add(path("x-webhooks"), "video.room.recording.failed",
				"post:\n  operationId: RecordingFailedWebhook\n  summary: A recording failed.\n"+
					"  x-payload:\n    $ref: '#/components/schemas/RecordingFailed'\n"+
					"  requestBody:\n    required: true\n    content:\n      application/json:\n        schema:\n          $ref: '#/components/schemas/WebhookEnvelope'\n"+
					"  responses:\n    2XX:\n      description: Handled.\n")
		},
		extra: map[string]string{"telnyx/webhook/drill_event_test.go": newEventTest},
		pass:  true,
		doc: map[string][]string{
			"webhook.RecordingFailed":     {"RecordingID string", "is the payload of video.room.recording.failed."},
			"webhook.TypeRecordingFailed": {`"video.room.recording.failed"`},
		},
	},
}

func main() {
	root, err := os.Getwd()
	if err != nil {
		fail(err)
	}
	spec, err := os.ReadFile(filepath.Join(root, "api", "openapi.yaml"))
	if err != nil {
		fail(fmt.Errorf("run from the repository root: %w", err))
	}
	only := map[string]bool{} // drill numbers given as arguments; none = all
	for _, a := range os.Args[1:] {
		only[a] = true
	}
	failed, ran := 0, 0
	for i, d := range drills {
		if len(only) > 0 && !only[fmt.Sprint(i+1)] {
			continue
		}
		ran++
		fmt.Printf("drill %d: %s\n", i+1, d.name)
		start := time.Now()
		if err := run(root, spec, d); err != nil {
			failed++
			fmt.Printf("  FAIL (%s): %v\n", time.Since(start).Round(time.Second), err)
			continue
		}
		fmt.Printf("  ok (%s)\n", time.Since(start).Round(time.Second))
	}
	if failed > 0 {
		fmt.Printf("spec-drill: %d of %d drills did not go as expected\n", failed, ran)
		os.Exit(1)
	}
	fmt.Printf("spec-drill: all %d drills went as expected\n", ran)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "spec-drill:", err)
	os.Exit(2)
}

// run applies d to a fresh copy of the repository and checks the outcome.
func run(root string, spec []byte, d drill) error {
	dir, err := os.MkdirTemp("", "spec-drill-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := copyTree(root, dir); err != nil {
		return err
	}
	doc, err := parseSpec(spec)
	if err != nil {
		return err
	}
	if err := d.edit(doc); err != nil {
		return fmt.Errorf("editing api/openapi.yaml: %w: update internal/specdrill", err)
	}
	changed, err := doc.bytes()
	if err != nil {
		return err
	}
	files := map[string]string{"api/openapi.yaml": string(changed)}
	for k, v := range d.extra {
		files[k] = v
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			return err
		}
	}
	if out, err := goCmd(dir, "generate", "./gen/...", "./telnyx/..."); err != nil {
		return fmt.Errorf("go generate failed:\n%s", out)
	}
	var out []byte
	out, err = goCmd(dir, "vet", "./...")
	vetFailed := err != nil
	if err == nil {
		var pkgs []string
		pkgs, err = testPackages(dir)
		if err != nil {
			return err
		}
		// -short: the drills check what a spec change does, not the memory and load
		// figures, which the change cannot move.
		args := []string{"test", "-count=1", "-short"}
		if d.run != "" {
			args = append(args, "-run", d.run)
		}
		var testOut []byte
		testOut, err = goCmd(dir, append(args, pkgs...)...)
		out = append(out, testOut...)
	}
	switch {
	case d.pass && err != nil:
		return fmt.Errorf("the tests fail after the change:\n%s", tail(out, 40))
	case !d.pass && err == nil:
		return errors.New("the tests pass after the change: nothing guards it")
	}
	if d.onlyFailing != nil {
		if vetFailed {
			return fmt.Errorf("go vet fails:\n%s", tail(out, 40))
		}
		for _, m := range regexp.MustCompile(`(?m)^--- FAIL: (\S+)`).FindAllSubmatch(out, -1) {
			if name := string(m[1]); !slices.Contains(d.onlyFailing, name) {
				return fmt.Errorf("%s fails, but only %v may:\n%s", name, d.onlyFailing, tail(out, 40))
			}
		}
		if bytes.Contains(out, []byte("[build failed]")) || bytes.Contains(out, []byte("[setup failed]")) {
			return fmt.Errorf("the build fails:\n%s", tail(out, 40))
		}
	}
	for _, m := range d.mention {
		if !bytes.Contains(out, []byte(m)) {
			return fmt.Errorf("the failure does not mention %q:\n%s", m, tail(out, 40))
		}
	}
	for sym, wants := range d.doc {
		pkg, name, _ := strings.Cut(sym, ".")
		pkgPath := map[string]string{"telnyx": "./telnyx", "telnyxtest": "./telnyx/telnyxtest", "webhook": "./telnyx/webhook"}[pkg]
		doc, err := goCmd(dir, "doc", pkgPath, name)
		if err != nil {
			return fmt.Errorf("go doc %s: %v\n%s", sym, err, doc)
		}
		for _, w := range wants {
			if !bytes.Contains(doc, []byte(w)) {
				return fmt.Errorf("go doc %s does not show %q:\n%s", sym, w, doc)
			}
		}
	}
	return nil
}

// testPackages lists the packages a drill tests: all but this command, whose own tests
// apply the drills to the spec they find, which a drill has already changed.
func testPackages(dir string) ([]string, error) {
	out, err := goCmd(dir, "list", "./...")
	if err != nil {
		return nil, fmt.Errorf("go list: %v\n%s", err, out)
	}
	var pkgs []string
	for _, p := range strings.Fields(string(out)) {
		if !strings.HasSuffix(p, "/internal/specdrill") {
			pkgs = append(pkgs, p)
		}
	}
	return pkgs, nil
}

// goCmd runs the go command in dir and returns its combined output.
func goCmd(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	return cmd.CombinedOutput()
}

// tail returns the last n lines of out.
func tail(out []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// copyTree copies the repository's files, without .git, into dst.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if e.IsDir() {
			if e.Name() == ".git" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !e.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
}

// newPropertyAdminTest proves that the fake's admin API takes the property, keeps an
// explicit false, and serves it back as sent.
const newPropertyAdminTest = `package telnyxtest_test

import (
	"fmt"
	"strings"
	"testing"
)

func TestDrillNewPropertyThroughTheAdminAPI(t *testing.T) {
	_, root := adminServer(t)
	status, body := admin(t, root, "POST", "/__admin/sessions", ` + "`" + `{"recording_enabled": false}` + "`" + `)
	if status != 201 {
		t.Fatalf("POST /__admin/sessions: %d %v", status, body)
	}
	stored := body["data"].([]any)[0].(map[string]any)
	if v, ok := stored["recording_enabled"]; !ok || v != false {
		t.Fatalf("stored session %v, want recording_enabled false", stored)
	}
	id := stored["id"].(string)
	_, got := admin(t, root, "GET", "/__admin/sessions/"+id, "")
	if v, ok := got["data"].(map[string]any)["recording_enabled"]; !ok || v != false {
		t.Fatalf("GET /__admin/sessions/%s: %v, want recording_enabled false", id, got)
	}
	status, body = admin(t, root, "POST", "/__admin/sessions", ` + "`" + `{}` + "`" + `)
	if status != 201 || strings.Contains(fmt.Sprint(body), "recording_enabled") {
		t.Fatalf("a session without the property: %d %v", status, body)
	}
}
`
