package main

import (
	"bufio"
	"bytes"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/roomsessions/telnyx-go/internal/specinfo"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// TestDeprecatedQueryKeysAreMarkedInTheCLI is the deprecation guard of the command
// line: a flag that sets a query key api/openapi.yaml deprecates must be marked with
// deprecate, so its help says so and using it warns on stderr. The flags that set a key
// are found by trying each flag of the operation's command.
func TestDeprecatedQueryKeysAreMarkedInTheCLI(t *testing.T) {
	t.Parallel()
	spec, err := specinfo.Load()
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(t)
	s := srv.AddSession(telnyxtest.Session{Active: true, Participants: []telnyxtest.Participant{{}}})
	root := newApp(envOf(), nil, io.Discard, io.Discard).rootCommand()
	for _, op := range spec.Operations {
		var deprecated []specinfo.QueryKey
		for _, k := range op.Query {
			if k.Deprecated != "" {
				deprecated = append(deprecated, k)
			}
		}
		args, ok := commandFor[op.ID]
		if len(deprecated) == 0 || !ok {
			continue // TestSpecOperationsHaveCommands reports a missing command
		}
		args = strings.Split(strings.ReplaceAll(strings.Join(args, "\x00"), "SESSION", s.ID), "\x00")
		cmd, _, err := root.Find(args[:1])
		if err != nil {
			t.Fatal(err)
		}
		setters := flagsSetting(t, srv, cmd, args)
		for _, k := range deprecated {
			flags := setters[k.Key]
			if len(flags) == 0 {
				t.Errorf("query key %s of operation %v is deprecated in api/openapi.yaml, and no flag of roomsessions %s sets it (cmd/roomsessions)", k.Key, op, args[0])
			}
			for _, f := range flags {
				if len(f.Annotations[deprecatedAnnotation]) == 0 {
					t.Errorf("query key %s of operation %v is deprecated in api/openapi.yaml (%s), but flag --%s of roomsessions %s, which sets it, is not marked: call deprecate on it (cmd/roomsessions/deprecation.go)", k.Key, op, k.Deprecated, f.Name, args[0])
				}
			}
		}
	}
}

// flagsSetting runs cmd (args) once per flag of its own and returns, for each query key,
// the flags that make the command send it.
func flagsSetting(t *testing.T, srv *telnyxtest.Server, cmd *cobra.Command, args []string) map[string][]*pflag.Flag {
	t.Helper()
	out := map[string][]*pflag.Flag{}
	cmd.LocalNonPersistentFlags().VisitAll(func(f *pflag.Flag) {
		if f.Name == "help" {
			return
		}
		arg := "--" + f.Name + "="
		switch f.Value.Type() {
		case "bool":
			arg += "true"
		case "DATE":
			arg += "2021-04-25"
		case "int":
			arg += "2"
		default:
			arg += "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"
		}
		before := len(srv.Requests())
		runCLI(t, srv, append(append([]string{}, args...), arg, "-o", "json")...)
		for _, req := range srv.Requests()[before:] {
			q, _ := url.ParseQuery(req.Query)
			for key := range q {
				out[key] = append(out[key], f)
			}
		}
	})
	return out
}

// TestNoFlagUsesCobrasDeprecation checks that no flag is deprecated the cobra way, whose
// notice goes to the command's output (stdout: it would break -o json) and which hides
// the flag from the help.
func TestNoFlagUsesCobrasDeprecation(t *testing.T) {
	t.Parallel()
	root := newApp(envOf(), nil, io.Discard, io.Discard).rootCommand()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if f.Deprecated != "" {
				t.Errorf("flag --%s of roomsessions %s uses cobra's MarkDeprecated, whose notice goes to stdout: use deprecate (cmd/roomsessions/deprecation.go)", f.Name, c.Name())
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// TestDeprecatedFlagWarnsOnStderr checks what deprecate does to a flag: the help says
// it is deprecated, and using it writes the notice to stderr while stdout holds only the
// command's output.
func TestDeprecatedFlagWarnsOnStderr(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	s := srv.AddSession(telnyxtest.Session{Active: true, Participants: []telnyxtest.Participant{{Context: "Alice"}}})
	var stdout, stderr bytes.Buffer
	a := newApp(serverEnv(srv), strings.NewReader(""), &stdout, &stderr)
	a.out = bufio.NewWriter(&stdout) // as app.run sets it
	root := a.rootCommand()
	participants, _, err := root.Find([]string{"participants"})
	if err != nil {
		t.Fatal(err)
	}
	deprecate(participants.Flags(), "context", "use --joined-after instead.")
	root.SetArgs([]string{"participants", s.ID, "--context", "Alice", "-o", "json"})
	if err := root.ExecuteContext(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := a.out.Flush(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr.String(), "--context is deprecated: use --joined-after instead.") {
		t.Errorf("stderr %q lacks the notice", stderr.String())
	}
	var doc map[string]any
	decodeJSON(t, stdout.String(), &doc)
	if strings.Contains(stdout.String(), "deprecated") {
		t.Errorf("the notice reached stdout: %s", stdout.String())
	}
	f := participants.Flags().Lookup("context")
	if !strings.Contains(participants.LocalFlags().FlagUsages(), "(deprecated: use --joined-after instead.)") || f.Hidden {
		t.Errorf("the help of participants does not show --context as deprecated:\n%s", participants.LocalFlags().FlagUsages())
	}
}
