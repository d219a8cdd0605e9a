package main

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// Output formats of -o.
const (
	formatTable = "table"
	formatWide  = "wide" // the table with every column, whatever the terminal's width
	formatJSON  = "json"
	formatJSONL = "jsonl"
)

// formats are the values -o accepts.
var formats = []string{formatTable, formatWide, formatJSON, formatJSONL}

// rootCommand returns the command tree, bound to a. The global flags are persistent:
// they may come before or after the command's name.
func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "roomsessions",
		Short: "Manage Telnyx video room sessions, or serve a fake of their API",
		Long: `roomsessions manages Telnyx video room sessions from the shell: list and view sessions
and their participants, end sessions, and kick, mute or unmute participants. It also
serves an in-memory fake of the Room Sessions API for tests in any language.

Dates are YYYY-MM-DD in UTC; --X-after and --X-before include the date itself.
What ends a session or removes people (end, kick) asks on a terminal and needs --yes
without one; mute and unmute never ask.
Exit status: 0 on success, 1 on an API or network error, 2 on a usage error,
130 or 143 when interrupted by SIGINT or SIGTERM.`,
		Example: `  export TELNYX_API_KEY=KEY...
  roomsessions list --active
  roomsessions list --all -o jsonl | jq -r .id
  roomsessions get 5e000000-0000-4000-8000-000000000001 --participants
  roomsessions serve --demo-data`,
		Version:       telnyx.Version,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				if sug := cmd.SuggestionsFor(args[0]); len(sug) > 0 {
					return usagef("unknown command %q; did you mean %q?", args[0], sug[0])
				}
				return usagef("unknown command %q", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() }, // bare: the help
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if !slices.Contains(formats, a.g.output) {
				return usagef("-o must be %s, not %q", strings.Join(formats, ", "), a.g.output)
			}
			if a.g.output == formatWide {
				a.g.output, a.wide = formatTable, true
			}
			a.started = true
			warnDeprecated(cmd, a.stderr)
			return nil
		},
	}
	root.SuggestionsMinimumDistance = 2
	root.SetVersionTemplate(fmt.Sprintf("roomsessions {{.Version}} (telnyx-go SDK %s, %s)\n", telnyx.Version, runtime.Version()))
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{msg: flagTerms(err.Error())} })

	pf := root.PersistentFlags()
	pf.StringVar(&a.g.apiKey, "api-key", "", "the API `KEY` (default $"+telnyx.EnvAPIKey+"); for serve, the key the fake accepts (default "+telnyxtest.DefaultAPIKey+")")
	pf.StringVar(&a.g.baseURL, "base-url", "", "the API base `URL` (default $"+telnyx.EnvBaseURL+", else "+telnyx.DefaultBaseURL+")")
	pf.IntVar(&a.g.maxRetries, "max-retries", 2, "retry a failed attempt up to `N` times; 0 disables retries")
	pf.DurationVar(&a.g.timeout, "timeout", 30*time.Second, "time limit for each attempt, a `DURATION` like 30s or 2m; 0 means none")
	pf.BoolVar(&a.g.plainHTTP, "plain-http", false, "allow a plain http:// --base-url off loopback, such as a fake at http://fake:4010/v2 in a container network (default $"+envPlainHTTP+")")
	pf.StringVarP(&a.g.output, "output", "o", formatTable, "output `FORMAT`: table (the columns that fit the terminal), wide (every column), json or jsonl (one JSON object per line)")
	pf.BoolVar(&a.g.noHeaders, "no-headers", false, "leave out the header line of tables")
	pf.BoolVarP(&a.g.verbose, "verbose", "v", false, "write a debug log of the requests to stderr (never the key)")
	_ = root.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))

	root.AddCommand(
		a.listCommand(),
		a.getCommand(),
		a.participantsCommand(),
		a.endCommand(),
		a.selectionCommand("kick"),
		a.selectionCommand("mute"),
		a.selectionCommand("unmute"),
		a.serveCommand(),
		a.webhooksCommand(),
		a.demoCommand(),
	)
	root.SetHelpCommand(&cobra.Command{
		Use:               "help [command]",
		Short:             "Help about any command",
		Example:           "  roomsessions help list",
		ValidArgsFunction: noFileCompletion,
		RunE: func(c *cobra.Command, args []string) error {
			cmd, rest, err := c.Root().Find(args)
			if err != nil || len(rest) > 0 {
				return usagef("unknown command %q", strings.Join(args, " "))
			}
			cmd.InitDefaultHelpFlag()
			return cmd.Help()
		},
	})
	root.SetOut(a.out)
	root.SetErr(a.stderr)
	root.SetIn(a.stdin)
	root.InitDefaultCompletionCmd() // after SetOut: the completion commands keep the writer
	for _, c := range root.Commands() {
		c.DisableFlagsInUseLine = true // each Use line shows its flags
	}
	return root
}

// exactArgs returns an Args validator that wants exactly the named positional arguments.
func exactArgs(names ...string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		switch {
		case len(args) < len(names):
			return usagef("missing %s", names[len(args)])
		case len(args) > len(names):
			return usagef("unexpected argument %q", args[len(names)])
		}
		return nil
	}
}

// noFileCompletion completes nothing for positional arguments (ids are not files).
func noFileCompletion(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return nil, cobra.ShellCompDirectiveNoFileComp
}
