package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// endCommand: end SESSION_ID.
func endCommand(*flag.FlagSet) action {
	return func(ctx context.Context, a *app, args []string) error {
		if err := exactArgs(args, "session ID"); err != nil {
			return err
		}
		c, err := a.client()
		if err != nil {
			return err
		}
		if err := c.RoomSessions.End(ctx, args[0]); err != nil {
			return err
		}
		return a.printAction(actionResult{Action: "end", SessionID: args[0]})
	}
}

// selectionCommand returns the setup of kick, mute or unmute:
// NAME SESSION_ID (--everyone | --participant ID ...) [--except ID ...].
func selectionCommand(name string) func(fs *flag.FlagSet) action {
	return func(fs *flag.FlagSet) action {
		var (
			everyone        bool
			include, except idList
		)
		fs.BoolVar(&everyone, "everyone", false, "select every participant")
		fs.Var(&include, "participant", "select the participant `ID`; repeatable or comma-separated; - reads ids from stdin")
		fs.Var(&except, "except", "leave out the participant `ID`; repeatable or comma-separated")

		return func(ctx context.Context, a *app, args []string) error {
			if err := exactArgs(args, "session ID"); err != nil {
				return err
			}
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
			c, err := a.client()
			if err != nil {
				return err
			}
			op := map[string]func(context.Context, string, telnyx.Selection) error{
				"kick":   c.RoomSessions.Kick,
				"mute":   c.RoomSessions.Mute,
				"unmute": c.RoomSessions.Unmute,
			}[name]
			if err := op(ctx, args[0], who); err != nil {
				return err
			}
			res := actionResult{Action: name, SessionID: args[0], Participants: "all", Exclude: except}
			if !everyone {
				res.Participants = ids
			}
			return a.printAction(res)
		}
	}
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
