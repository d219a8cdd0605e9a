package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// endCommand: end SESSION_ID, or end over a filter: every active session of a room or
// of a period, collected first and then ended one by one.
func (a *app) endCommand() *cobra.Command {
	var (
		p           telnyx.ListRoomSessionsParams
		active      bool
		dryRun, yes bool
	)
	cmd := &cobra.Command{
		Use:   "end (SESSION_ID | [--room ID] [--active] [--created-...|--updated-... DATE]) [--dry-run] [--yes]",
		Short: "End sessions; everyone still present leaves (POST .../actions/end)",
		Long: `End one session by id, or every active session matching a filter (--room, --active,
--created-on/after/before, --updated-on/after/before).

Ending a session makes everyone still present leave, so end asks for confirmation
when stdin is a terminal; --yes skips the question, and without a terminal --yes is
required (exit status 2 otherwise, and nothing is done). --dry-run shows what it would
end and ends nothing.

Over a filter, end first collects every matching session, then ends them one by one:
ending a session changes what the filter matches, so acting while paging would skip
some. It prints "ended N of M sessions" on stderr however it stops. A session that
ends by itself in the meantime is reported as "had already ended", not as an error.
An end whose answer never came (a timeout, Ctrl-C) may have been applied: the error
says so.`,
		Example: `  roomsessions end 5e000000-0000-4000-8000-000000000001 --yes
  roomsessions end --room a0000000-0000-4000-8000-000000000001 --dry-run
  roomsessions end --active --created-before 2025-06-01 --yes`,
		ValidArgsFunction: noFileCompletion,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("unexpected argument %q", args[1])
			}
			filtered := anyChanged(cmd.Flags(), "room", "active", "created-on", "created-after", "created-before",
				"updated-on", "updated-after", "updated-before")
			switch {
			case len(args) == 1 && filtered:
				return usagef("give a SESSION_ID or a filter, not both")
			case len(args) == 0 && !filtered:
				return usagef("missing session ID, or a filter (--room, --active, --created-..., --updated-...)")
			case cmd.Flags().Changed("active") && !active:
				return usagef("--active=false: ended sessions cannot be ended again; end acts on active sessions only")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if len(args) == 1 {
				return a.endOne(ctx, c, args[0], dryRun, yes)
			}
			p.Active = telnyx.Bool(true)
			return a.endMatching(ctx, c, &p, dryRun, yes)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&p.RoomID, "room", "", "end the active sessions of the room `ID`")
	fs.BoolVar(&active, "active", true, "end every active session that matches the other filters (all of them without one)")
	dateFlags(fs, &p.CreatedAt, "created", "sessions created")
	dateFlags(fs, &p.UpdatedAt, "updated", "sessions updated")
	fs.BoolVar(&dryRun, "dry-run", false, "show what would be ended; end nothing")
	fs.BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}

// anyChanged reports whether any of the named flags was given.
func anyChanged(fs *pflag.FlagSet, names ...string) bool {
	return slices.ContainsFunc(names, fs.Changed)
}

// endOne ends one session (or, with dryRun, shows it), after confirmation unless yes.
func (a *app) endOne(ctx context.Context, c *telnyx.Client, id string, dryRun, yes bool) error {
	if dryRun {
		s, err := c.RoomSessions.Get(ctx, id, nil)
		if err != nil {
			return err
		}
		r := actionResult{Result: resultDryRun, Action: "end", SessionID: s.ID}
		if !s.Active {
			r.Result = resultAlreadyEnded
		}
		return a.printAction(r)
	}
	if !yes {
		if err := checkIDs("SESSION_ID", []string{id}); err != nil {
			return err
		}
		if err := a.confirm(ctx, "end session "+id+" (everyone still present leaves)", nil); err != nil {
			return err
		}
	}
	r := actionResult{Action: "end", SessionID: id}
	if err := c.RoomSessions.End(ctx, id); err != nil {
		if !sessionEnded(err) {
			return mayHaveApplied(err, "end session "+id, "roomsessions get "+id)
		}
		r.Result = resultAlreadyEnded
	}
	return a.printAction(r)
}

// endMatching collects every session p matches, shows them, asks for confirmation,
// and ends them one by one. However it stops, once the sessions are known, stderr
// says how many of them were ended.
func (a *app) endMatching(ctx context.Context, c *telnyx.Client, p *telnyx.ListRoomSessionsParams, dryRun, yes bool) error {
	sessions, err := telnyx.Collect(c.RoomSessions.All(ctx, p))
	if err != nil {
		return err
	}
	if len(sessions) == 0 {
		fmt.Fprintln(a.stderr, "roomsessions end: no active session matches; nothing to end")
		return nil
	}
	if dryRun {
		out := a.sessionOutput(len(sessions), false)
		for _, s := range sessions {
			if err := out.add(s); err != nil {
				return err
			}
		}
		if err := out.end(nil); err != nil {
			return err
		}
		fmt.Fprintf(a.stderr, "roomsessions end: dry run: would end %s; nothing was ended\n", plural(len(sessions), "session"))
		return nil
	}
	total := plural(len(sessions), "session")
	if !yes {
		err := a.confirm(ctx, "end "+total, func() error {
			t := newTable(a.stderr, len(sessions), 0, sessionHeader...)
			for _, s := range sessions {
				_ = t.row(sessionCells(false, time.RFC3339)(s)...)
			}
			return t.flush()
		})
		if errors.Is(err, errNotConfirmed) {
			return &progressError{msg: "ended 0 of " + total, err: err}
		}
		if err != nil {
			return err
		}
	}
	out := a.actionOutput()
	for i, s := range sessions {
		r := actionResult{Action: "end", SessionID: s.ID, Result: "ok"}
		if err := c.RoomSessions.End(ctx, s.ID); err != nil {
			if !sessionEnded(err) {
				_ = out.end(nil)
				return &progressError{msg: fmt.Sprintf("ended %d of %s, then session %s", i, total, s.ID),
					err: mayHaveApplied(err, "end session "+s.ID, "roomsessions get "+s.ID)}
			}
			r.Result = resultAlreadyEnded
		}
		if err := out.add(r); err != nil {
			_ = out.end(nil)
			return &progressError{msg: fmt.Sprintf("ended %d of %s", i+1, total), err: err}
		}
	}
	if err := out.end(nil); err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "roomsessions end: ended %d of %s\n", len(sessions), total)
	return nil
}

// progressError is an error that stopped a bulk action, with what had been done
// ("ended 37 of 50 sessions, then session ..."); it is reported even when a signal
// stopped the action.
type progressError struct {
	msg string
	err error
}

// Error says what had been done, then what stopped it.
func (e *progressError) Error() string { return e.msg + ": " + e.err.Error() }

// Unwrap returns what stopped the action.
func (e *progressError) Unwrap() error { return e.err }

// noAnswerError is an action whose answer never came (a timeout, a cut connection,
// Ctrl-C): the API may have applied it.
type noAnswerError struct {
	what, check string
	err         error
}

// Error says the action may have been applied and how to check.
func (e *noAnswerError) Error() string {
	return fmt.Sprintf("%s: no answer came (%v); it may have been applied: check with %s", e.what, e.err, e.check)
}

// Unwrap returns the cause.
func (e *noAnswerError) Unwrap() error { return e.err }

// mayHaveApplied wraps err in a noAnswerError unless the API answered (a *telnyx.Error)
// or nothing was sent (an invalid argument).
func mayHaveApplied(err error, what, check string) error {
	var apiErr *telnyx.Error
	if errors.As(err, &apiErr) || errors.Is(err, telnyx.ErrInvalidArgument) || errors.Is(err, telnyx.ErrNoAPIKey) {
		return err
	}
	return &noAnswerError{what: what, check: check, err: err}
}

// actionOutput returns the output of a series of actions: one confirmation line each
// in the table format, a JSON document or lines otherwise.
func (a *app) actionOutput() *listOutput[actionResult] {
	o := newListOutput(a, 1, nil, nil, func(r actionResult) []string { return []string{confirmation(r)} },
		func(r actionResult) any { return r })
	o.noFooter = true // each line says what happened
	return o
}

// errNotConfirmed is the answer "no" to a confirmation.
var errNotConfirmed = errors.New("not confirmed; nothing was done")

// confirm asks on stderr whether to do what (such as "end 3 sessions"), after show
// (when not nil) has written the details there, and reads the answer from stdin.
// Without a terminal on stdin it refuses with a usage error that names --yes. A
// signal while it waits (Ctrl-C) returns at once with the signal as the error.
func (a *app) confirm(ctx context.Context, what string, show func() error) error {
	if !a.stdinTerminal {
		return usagef("refusing to %s without confirmation: stdin is not a terminal; pass --yes to go ahead, or --dry-run to see what it would do", what)
	}
	if show != nil {
		if err := show(); err != nil {
			return err
		}
	}
	fmt.Fprintf(a.stderr, "%s? [y/N] ", strings.ToUpper(what[:1])+what[1:])
	answer := make(chan string, 1)
	go func() { // left blocked on stdin if a signal comes first; the process then exits
		line, _ := bufio.NewReader(a.stdin).ReadString('\n')
		answer <- line
	}()
	var line string
	select {
	case <-ctx.Done():
		fmt.Fprintln(a.stderr)
		return context.Cause(ctx)
	case line = <-answer:
	}
	if line == "" {
		fmt.Fprintln(a.stderr)
		return errNotConfirmed
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return nil
	}
	return errNotConfirmed
}

// sessionEnded reports whether err is the API's answer to an action on a session that
// has ended (the race between listing and acting).
func sessionEnded(err error) bool {
	return errors.Is(err, telnyx.ErrSessionEnded)
}

// endedError reports an action on an ended session plainly, keeping the API's answer.
type endedError struct {
	id  string
	err *telnyx.Error
}

// Error says the session has ended, then gives the API's answer.
func (e *endedError) Error() string {
	return fmt.Sprintf("session %s has ended (%s)", e.id, describeAPIError(e.err))
}

// Unwrap returns the API's error.
func (e *endedError) Unwrap() error { return e.err }

// selectionCommand returns kick, mute or unmute:
// NAME SESSION_ID (--everyone | --participant ID ...) [--except ID ...].
func (a *app) selectionCommand(name string) *cobra.Command {
	var (
		everyone        bool
		include, except idList
		dryRun, yes     bool
	)
	what := map[string]string{
		"kick":   "Make participants leave a session (POST .../actions/kick)",
		"mute":   "Mute participants (POST .../actions/mute)",
		"unmute": "Unmute participants (POST .../actions/unmute)",
	}[name]
	long := what + `.

Select --everyone, or participants by id with --participant (repeatable, or
comma-separated; "-" reads ids from stdin, separated by spaces, commas or lines),
minus those named by --except. A participant named with --participant who is not in
the session (or has left it) is an error (exit status 1) that names them, and nothing
is done. --dry-run shows the participants present that the selection covers, and
does nothing. An action whose answer never came (a timeout, Ctrl-C) may have been
applied: the error says so.`
	if name == "kick" {
		long += `

Kicking removes people, so kick asks for confirmation when stdin is a terminal; --yes
skips the question, and without a terminal --yes is required (exit status 2
otherwise, and nothing is done). Mute and unmute never ask.`
	}
	use := name + " SESSION_ID (--everyone | --participant ID ...) [--except ID ...] [--dry-run]"
	if name == "kick" {
		use += " [--yes]"
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: what,
		Long:  long,
		Example: fmt.Sprintf(`  roomsessions %[1]s 5e000000-0000-4000-8000-000000000001 --everyone --except 9a000000-0000-4000-8000-000000000001%[2]s
  roomsessions %[1]s 5e000000-0000-4000-8000-000000000001 --participant 9a000000-0000-4000-8000-000000000002 --dry-run
  roomsessions -o json participants SESSION_ID | jq -r '.data[].id' | roomsessions %[1]s SESSION_ID --participant -%[2]s`, name,
			map[bool]string{true: " --yes"}[name == "kick"]),
		Args:              exactArgs("session ID"),
		ValidArgsFunction: noFileCompletion,
		RunE: func(cmd *cobra.Command, args []string) error {
			ids, err := a.expandStdin(include)
			if err != nil {
				return err
			}
			var who telnyx.Selection
			switch {
			case everyone && len(include) > 0:
				return usagef("--everyone and --participant exclude each other")
			case everyone:
				who = telnyx.AllParticipants()
			case len(ids) > 0:
				who = telnyx.Participants(ids...)
			case len(include) > 0:
				return usagef("--participant -: no ids on stdin")
			default:
				return usagef("say who: --everyone or --participant ID")
			}
			if len(except) > 0 {
				who = who.Except(except...)
			}
			if err := checkIDs("--participant", ids); err != nil {
				return err
			}
			if err := checkIDs("--except", except); err != nil {
				return err
			}
			ask := name == "kick" && !yes && !dryRun
			if ask && !a.stdinTerminal {
				return usagef("refusing to kick without confirmation: stdin is not a terminal; pass --yes to go ahead, or --dry-run to see what it would do")
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			id := args[0]
			res := actionResult{Action: name, SessionID: id, Participants: "all", Exclude: except}
			if !everyone {
				res.Participants = ids
			}
			if dryRun || ask || len(ids) > 0 {
				selected, err := a.selected(ctx, c, id, everyone, ids, except)
				if err != nil {
					return err
				}
				if dryRun {
					out := a.participantOutput(len(selected))
					for _, p := range selected {
						if err := out.add(p); err != nil {
							return err
						}
					}
					if err := out.end(nil); err != nil {
						return err
					}
					fmt.Fprintf(a.stderr, "roomsessions %s: dry run: would %s %s; nothing was done\n", name, name, plural(len(selected), "participant"))
					return nil
				}
				if ask {
					what := fmt.Sprintf("kick %s from session %s", plural(len(selected), "participant"), id)
					if err := a.confirm(ctx, what, func() error { return writeParticipantTable(a.stderr, 0, selected, nil) }); err != nil {
						return err
					}
				}
			}
			op := map[string]func(context.Context, string, telnyx.Selection, ...telnyx.Option) error{
				"kick":   c.RoomSessions.Kick,
				"mute":   c.RoomSessions.Mute,
				"unmute": c.RoomSessions.Unmute,
			}[name]
			if err := op(ctx, id, who); err != nil {
				var apiErr *telnyx.Error
				if sessionEnded(err) && errors.As(err, &apiErr) {
					return &endedError{id: id, err: apiErr}
				}
				return mayHaveApplied(err, name+" in session "+id, "roomsessions get "+id+" --participants")
			}
			return a.printAction(res)
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&everyone, "everyone", false, "select every participant")
	fs.Var(&include, "participant", "select the participant `ID`; repeatable or comma-separated; - reads ids from stdin")
	fs.Var(&except, "except", "leave out the participant `ID`; repeatable or comma-separated")
	fs.BoolVar(&dryRun, "dry-run", false, "show the participants present that the selection covers; do nothing")
	if name == "kick" {
		fs.BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	}
	return cmd
}

// uuidRE matches a UUID in any case, as the SDK accepts ids.
var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// checkIDs checks ids before a dry run, which sends none of them: the same usage
// error as the SDK's validation gives when they are sent.
func checkIDs(flag string, ids []string) error {
	for _, id := range ids {
		if !uuidRE.MatchString(id) {
			return usagef("invalid %s: %q is not a UUID", flag, id)
		}
	}
	return nil
}

// selected returns the participants of session id, still present, that the selection
// covers. A participant named in ids who is not present is an error that says who.
func (a *app) selected(ctx context.Context, c *telnyx.Client, id string, everyone bool, ids, except []string) ([]telnyx.RoomParticipant, error) {
	s, err := c.RoomSessions.Get(ctx, id, &telnyx.GetRoomSessionParams{IncludeParticipants: true})
	if err != nil {
		return nil, err
	}
	in := func(list []string, id string) bool {
		return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, id) })
	}
	var missing []string
	for _, want := range ids {
		i := slices.IndexFunc(s.Participants, func(p telnyx.RoomParticipant) bool { return strings.EqualFold(p.ID, want) })
		switch {
		case i < 0:
			missing = append(missing, want+" (never joined)")
		case !s.Participants[i].LeftAt.IsZero():
			missing = append(missing, fmt.Sprintf("%s (%s, left at %s)", want, cell(s.Participants[i].Context), timeCell(s.Participants[i].LeftAt)))
		}
	}
	if len(missing) > 0 {
		noun := "participant"
		if len(missing) > 1 {
			noun = "participants"
		}
		return nil, fmt.Errorf("not in session %s: %s %s; nothing was done", s.ID, noun, strings.Join(missing, ", "))
	}
	var out []telnyx.RoomParticipant
	for _, p := range s.Participants {
		if p.LeftAt.IsZero() && (everyone || in(ids, p.ID)) && !in(except, p.ID) {
			out = append(out, p)
		}
	}
	return out, nil
}

// expandStdin replaces a "-" among ids by the ids read from stdin (separated by white
// space or commas), so ids can be piped in:
//
//	roomsessions -o json participants S | jq -r '.data[].id' | roomsessions kick S --participant -
func (a *app) expandStdin(ids []string) ([]string, error) {
	i := slices.Index(ids, "-")
	if i < 0 {
		return ids, nil
	}
	if slices.Contains(ids[i+1:], "-") {
		return nil, usagef("--participant - may be given once")
	}
	var read []string
	if a.stdin == nil {
		return nil, usagef("--participant -: no stdin")
	}
	sc := bufio.NewScanner(a.stdin)
	sc.Split(bufio.ScanWords)
	for sc.Scan() {
		for id := range strings.SplitSeq(sc.Text(), ",") {
			if id != "" {
				read = append(read, id)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading participant ids from stdin: %w", err)
	}
	return slices.Concat(ids[:i], read, ids[i+1:]), nil
}
