package main

import (
	"context"
	"flag"
	"fmt"
	"iter"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// listCommand: list [--room ID] [--active|--inactive] [date filters] [--participants]
// [--page N] [--page-size N] [--all].
func listCommand(fs *flag.FlagSet) action {
	var (
		p                     telnyx.ListRoomSessionsParams
		active, inactive, all bool
	)
	fs.StringVar(&p.RoomID, "room", "", "only sessions of the room `ID`")
	fs.BoolVar(&active, "active", false, "only active sessions")
	fs.BoolVar(&inactive, "inactive", false, "only ended sessions")
	dateFlags(fs, &p.CreatedAt, "created", "sessions created")
	dateFlags(fs, &p.UpdatedAt, "updated", "sessions updated")
	dateFlags(fs, &p.EndedAt, "ended", "sessions ended")
	fs.BoolVar(&p.IncludeParticipants, "participants", false, "include each session's participants")
	pageFlags(fs, &p.PageNumber, &p.PageSize)
	fs.BoolVar(&all, "all", false, "follow every page and print all the results")

	return func(ctx context.Context, a *app, args []string) error {
		if err := exactArgs(args); err != nil {
			return err
		}
		switch {
		case active && inactive:
			return usagef("--active and --inactive exclude each other")
		case active:
			p.Active = telnyx.Bool(true)
		case inactive:
			p.Active = telnyx.Bool(false)
		}
		c, err := a.client()
		if err != nil {
			return err
		}
		if all {
			sessions, err := collect(a, "sessions", c.RoomSessions.All(ctx, &p))
			if err != nil {
				return err
			}
			return a.printSessions(sessions, nil, p.IncludeParticipants)
		}
		page, err := c.RoomSessions.List(ctx, &p)
		if err != nil {
			return err
		}
		return a.printSessions(page.Items, page, p.IncludeParticipants)
	}
}

// getCommand: get ID [--participants].
func getCommand(fs *flag.FlagSet) action {
	var p telnyx.GetRoomSessionParams
	fs.BoolVar(&p.IncludeParticipants, "participants", false, "include the session's participants")

	return func(ctx context.Context, a *app, args []string) error {
		if err := exactArgs(args, "session ID"); err != nil {
			return err
		}
		c, err := a.client()
		if err != nil {
			return err
		}
		s, err := c.RoomSessions.Get(ctx, args[0], &p)
		if err != nil {
			return err
		}
		return a.printSession(s, p.IncludeParticipants)
	}
}

// participantsCommand: participants SESSION_ID [--context NAME] [date filters]
// [--page N] [--page-size N] [--all].
func participantsCommand(fs *flag.FlagSet) action {
	var (
		p   telnyx.ListParticipantsParams
		all bool
	)
	fs.StringVar(&p.Context, "context", "", "only participants whose context is exactly `NAME`")
	dateFlags(fs, &p.JoinedAt, "joined", "participants who joined")
	dateFlags(fs, &p.LeftAt, "left", "participants who left")
	dateFlags(fs, &p.UpdatedAt, "updated", "participants updated")
	pageFlags(fs, &p.PageNumber, &p.PageSize)
	fs.BoolVar(&all, "all", false, "follow every page and print all the results")

	return func(ctx context.Context, a *app, args []string) error {
		if err := exactArgs(args, "session ID"); err != nil {
			return err
		}
		c, err := a.client()
		if err != nil {
			return err
		}
		if all {
			ps, err := collect(a, "participants", c.RoomSessions.AllParticipants(ctx, args[0], &p))
			if err != nil {
				return err
			}
			return a.printParticipants(ps, nil)
		}
		page, err := c.RoomSessions.Participants(ctx, args[0], &p)
		if err != nil {
			return err
		}
		return a.printParticipants(page.Items, page)
	}
}

// progressEvery is how often --all updates its progress line.
const progressEvery = 100 * time.Millisecond

// collect gathers every item of seq. When stderr is a terminal it shows how many have
// arrived so far on one self-erasing line there.
func collect[T any](a *app, what string, seq iter.Seq2[T, error]) ([]T, error) {
	items := []T{}
	var last time.Time
	shown := false
	defer func() {
		if shown {
			fmt.Fprint(a.stderr, "\r\033[K")
		}
	}()
	for item, err := range seq {
		if err != nil {
			return nil, err
		}
		items = append(items, item)
		if a.progress && time.Since(last) >= progressEvery {
			fmt.Fprintf(a.stderr, "\rfetched %d %s...", len(items), what)
			last, shown = time.Now(), true
		}
	}
	return items, nil
}
