package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// command is one subcommand: its name, its arguments as the usage shows them, a
// summary, and setup, which defines its flags on fs and returns the action that runs
// once they are parsed.
type command struct {
	name    string
	args    string
	summary string
	setup   func(fs *flag.FlagSet) action
}

// action runs a command with its positional arguments.
type action func(ctx context.Context, a *app, args []string) error

// commands returns every command, in the order the usage lists them.
func commands() []command {
	return []command{
		{"list", "[--room ID] [--active|--inactive] [--created-on|-after|-before DATE] [--updated-...] [--ended-...] [--participants] [--page N] [--page-size N] [--all]",
			"list room sessions (GET /room_sessions)", listCommand},
		{"get", "ID [--participants]",
			"show one room session (GET /room_sessions/{id})", getCommand},
		{"participants", "SESSION_ID [--context NAME] [--joined-...|--left-...|--updated-... DATE] [--page N] [--page-size N] [--all]",
			"list the participants of a session (GET /room_sessions/{id}/participants)", participantsCommand},
		{"end", "SESSION_ID",
			"end a session; everyone still present leaves (POST .../actions/end)", endCommand},
		{"kick", "SESSION_ID (--everyone | --participant ID ...) [--except ID ...]",
			"make participants leave a session (POST .../actions/kick)", selectionCommand("kick")},
		{"mute", "SESSION_ID (--everyone | --participant ID ...) [--except ID ...]",
			"mute participants (POST .../actions/mute)", selectionCommand("mute")},
		{"unmute", "SESSION_ID (--everyone | --participant ID ...) [--except ID ...]",
			"unmute participants (POST .../actions/unmute)", selectionCommand("unmute")},
		{"serve", "[--addr 127.0.0.1:4010] [--api-key KEY] [--demo-data]",
			"run the fake Room Sessions API standalone, for any HTTP client", serveCommand},
		{"demo", "",
			"a tour of all seven operations against an in-process fake (no key, no network)", demoCommand},
	}
}

// lookup finds a command by name.
func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// parseInterspersed parses fs from args, allowing flags after positional arguments
// (get ID --participants), and returns the positional arguments. After "--" every
// argument is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// exactArgs checks that exactly the named positional arguments were given.
func exactArgs(args []string, names ...string) error {
	switch {
	case len(args) < len(names):
		return usagef("missing %s", names[len(args)])
	case len(args) > len(names):
		return usagef("unexpected argument %q", args[len(names)])
	}
	return nil
}

// dateValue is a flag holding a calendar date, YYYY-MM-DD, as the API compares it (UTC).
type dateValue struct{ d *telnyx.Date }

// String returns the date as YYYY-MM-DD, or "" when unset.
func (d dateValue) String() string {
	if d.d == nil || d.d.IsZero() {
		return ""
	}
	return d.d.String()
}

// Set parses s as YYYY-MM-DD.
func (d dateValue) Set(s string) error {
	v, err := telnyx.ParseDate(s)
	if err != nil {
		return errors.New("want a date as YYYY-MM-DD")
	}
	*d.d = v
	return nil
}

// dateFlags defines PREFIX-on, PREFIX-after and PREFIX-before, which set f.Eq, f.Gte
// and f.Lte: the API's eq, gte and lte, so after and before include DATE itself.
func dateFlags(fs *flag.FlagSet, f *telnyx.DateFilter, prefix, what string) {
	fs.Var(dateValue{&f.Eq}, prefix+"-on", what+" on `DATE` (YYYY-MM-DD, UTC)")
	fs.Var(dateValue{&f.Gte}, prefix+"-after", what+" on or after `DATE` (inclusive)")
	fs.Var(dateValue{&f.Lte}, prefix+"-before", what+" on or before `DATE` (inclusive)")
}

// pageFlags defines --page and --page-size.
func pageFlags(fs *flag.FlagSet, number, size *int) {
	fs.IntVar(number, "page", 0, "page `N` (default 1; with --all, the first page)")
	fs.IntVar(size, "page-size", 0, "`N` results per page, 1..250 (default 20; 250 with --all)")
}

// idList is a repeatable flag of ids; a value may also hold several, comma-separated.
type idList []string

// String returns the ids, comma-separated.
func (l *idList) String() string { return strings.Join(*l, ",") }

// Set adds the ids of s, which may hold several, comma-separated.
func (l *idList) Set(s string) error {
	for id := range strings.SplitSeq(s, ",") {
		id = strings.TrimSpace(id)
		if id == "" {
			return errors.New("empty id")
		}
		*l = append(*l, id)
	}
	return nil
}

// writeUsage prints the program's usage.
func writeUsage(w io.Writer) {
	fmt.Fprint(w, `usage: roomsessions [global flags] <command> [flags]

Commands:
`)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range commands() {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	tw.Flush()
	fmt.Fprint(w, "\nGlobal flags:\n")
	a := &app{}
	writeFlags(w, a.globalFlags())
	fmt.Fprint(w, `
Exit status: 0 on success, 1 on an API or network error, 2 on a usage error.
Run 'roomsessions <command> -h' for the flags of a command.
`)
}

// writeCommandHelp prints the usage of one command and its flags.
func writeCommandHelp(w io.Writer, cmd command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: roomsessions [global flags] %s %s\n\n%s.\n", cmd.name, cmd.args, capitalize(cmd.summary))
	hasFlags := false
	fs.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		fmt.Fprint(w, "\nFlags:\n")
		writeFlags(w, fs)
	}
}

// writeFlags lists the flags of fs, with -- for long names.
func writeFlags(w io.Writer, fs *flag.FlagSet) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fs.VisitAll(func(f *flag.Flag) {
		if f.Usage == "" {
			return // an alias
		}
		arg, usage := flag.UnquoteUsage(f)
		dash := "--"
		if len(f.Name) == 1 {
			dash = "-"
		}
		name := dash + f.Name
		if arg != "" {
			name += " " + arg
		}
		if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "false" && f.DefValue != "0s" && !strings.Contains(usage, "default") {
			usage += " (default " + f.DefValue + ")"
		}
		fmt.Fprintf(tw, "  %s\t%s\n", name, usage)
	})
	tw.Flush()
}

// capitalize returns s with its first letter in upper case.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
