// Command specdrill rehearses a spec change, as `make spec-drill` runs it: on a temporary
// copy of the repository it applies one change at a time to api/openapi.yaml, runs
// `go generate`, builds and tests, and checks that the change either reaches the SDK with no
// hand-written line (a new response property) or fails the tests with a message that
// names it (a renamed property, a new filter). It exits 1 when a drill does not go as
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
	"strings"
	"time"
)

// drill is one change to the spec and what must follow from it.
type drill struct {
	name string
	// edit changes the spec's text; it fails when its anchor is gone.
	edit func(spec string) (string, error)
	// extra files written into the copy before testing (path -> content).
	extra map[string]string
	// pass: the tests must pass; otherwise they must fail with every one of mention in
	// their output.
	pass    bool
	mention []string
	// doc: `go doc` of these symbols must show these strings.
	doc map[string][]string
}

// insertBefore inserts text before the first occurrence of anchor.
func insertBefore(anchor, text string) func(string) (string, error) {
	return func(spec string) (string, error) {
		if n := strings.Count(spec, anchor); n != 1 {
			return "", fmt.Errorf("anchor %q found %d times in api/openapi.yaml, want once: update internal/specdrill", anchor, n)
		}
		i := strings.Index(spec, anchor)
		return spec[:i] + text + spec[i:], nil
	}
}

// replaceFirst replaces the first occurrence of old.
func replaceFirst(old, repl string) func(string) (string, error) {
	return func(spec string) (string, error) {
		if n := strings.Count(spec, old); n != 1 {
			return "", fmt.Errorf("text %q found %d times in api/openapi.yaml, want once: update internal/specdrill", old, n)
		}
		return strings.Replace(spec, old, repl, 1), nil
	}
}

// newPropertyTest proves that a property added to the spec is stored by the fake,
// settable in telnyxtest.Session, served, and decoded into telnyx.RoomSession.
const newPropertyTest = `package telnyx_test

import (
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

func TestDrillNewPropertyReachesUsers(t *testing.T) {
	srv := telnyxtest.NewServer()
	defer srv.Close()
	s := srv.AddSession(telnyxtest.Session{MaxParticipants: 7})
	got, err := srv.Client().RoomSessions.Get(t.Context(), s.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.MaxParticipants != 7 {
		t.Fatalf("MaxParticipants = %d, want 7", got.MaxParticipants)
	}
}
`

// newPropertyCLITest proves that the property reaches the command line's JSON output.
const newPropertyCLITest = `package main

import (
	"strings"
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

func TestDrillNewPropertyInJSON(t *testing.T) {
	srv := newServer(t)
	s := srv.AddSession(telnyxtest.Session{MaxParticipants: 7})
	r := runCLI(t, srv, "get", s.ID, "-o", "json")
	if r.code != 0 || !strings.Contains(strings.ReplaceAll(r.stdout, " ", ""), ` + "`" + `"max_participants":7` + "`" + `) {
		t.Fatalf("exit %d, output %s %s", r.code, r.stdout, r.stderr)
	}
}
`

var drills = []drill{
	{
		name: "a new property of RoomSession reaches users with no hand-written line",
		edit: insertBefore("    RoomParticipant:\n      type: object\n",
			"        max_participants:\n"+
				"          type: integer\n"+
				"          description: The most participants the session admits.\n"),
		extra: map[string]string{
			"telnyx/drill_test.go":           newPropertyTest,
			"cmd/roomsessions/drill_test.go": newPropertyCLITest,
		},
		pass: true,
		doc: map[string][]string{
			"telnyx.RoomSession": {"MaxParticipants int", "The most participants the session admits."},
			"telnyxtest.Session": {"MaxParticipants int"},
		},
	},
	{
		name:    "a renamed property fails the build or tests, naming it",
		edit:    replaceFirst("        ended_at:\n          type: string\n", "        finished_at:\n          type: string\n"),
		mention: []string{"EndedAt"},
	},
	{
		name: "a new filter fails the tests, naming it and the files to edit",
		edit: insertBefore("    RoomParticipantsFilter:\n      type: object\n",
			"        name:\n"+
				"          type: string\n"+
				"          description: Filter room sessions by the name of their room.\n"),
		mention: []string{
			"filter[name]", "cannot be set through the facade", "telnyx/params.go",
			"not honoured by the fake", "telnyx/telnyxtest",
		},
	},
	{
		name: "an unrelated enum with a value the code uses renames nothing",
		edit: insertBefore("    RoomParticipant:\n      type: object\n",
			"        scope:\n"+
				"          type: string\n"+
				"          description: Who the session admits.\n"+
				"          enum: [all, invited]\n"),
		pass: true,
	},
	{
		name: "a new operation fails the tests, naming the missing method, handler and command",
		edit: insertBefore("\ncomponents:\n",
			"  /room_sessions/{room_session_id}/actions/record:\n"+
				"    post:\n"+
				"      operationId: RecordSession\n"+
				"      summary: Record a room session.\n"+
				"      parameters:\n"+
				"        - $ref: '#/components/parameters/RoomSessionID'\n"+
				"      responses:\n"+
				"        '200':\n"+
				"          $ref: '#/components/responses/ActionOK'\n"+
				"        4XX:\n"+
				"          $ref: '#/components/responses/APIError'\n"+
				"        5XX:\n"+
				"          $ref: '#/components/responses/APIError'\n"),
		mention: []string{
			"RecordSession", "has no facade method", "telnyx/room_sessions.go",
			"has no handler in the fake", "has no command",
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
		if err := run(root, string(spec), d); err != nil {
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
func run(root, spec string, d drill) error {
	dir, err := os.MkdirTemp("", "spec-drill-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := copyTree(root, dir); err != nil {
		return err
	}
	changed, err := d.edit(spec)
	if err != nil {
		return err
	}
	files := map[string]string{"api/openapi.yaml": changed}
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
	if err == nil {
		var testOut []byte
		testOut, err = goCmd(dir, "test", "-count=1", "./...")
		out = append(out, testOut...)
	}
	switch {
	case d.pass && err != nil:
		return fmt.Errorf("the tests fail after the change:\n%s", tail(out, 40))
	case !d.pass && err == nil:
		return errors.New("the tests pass after the change: nothing guards it")
	}
	for _, m := range d.mention {
		if !bytes.Contains(out, []byte(m)) {
			return fmt.Errorf("the failure does not mention %q:\n%s", m, tail(out, 40))
		}
	}
	for sym, wants := range d.doc {
		pkg, name, _ := strings.Cut(sym, ".")
		path := map[string]string{"telnyx": "./telnyx", "telnyxtest": "./telnyx/telnyxtest"}[pkg]
		doc, err := goCmd(dir, "doc", path, name)
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
