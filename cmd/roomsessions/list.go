package main

import (
	"cmp"
	"iter"

	"github.com/spf13/cobra"

	"github.com/roomsessions/telnyx-go/telnyx"
)

// allPageSize is the page size --all asks for when --page-size is not given (the
// SDK's own default for iterators, the API's maximum, from api/openapi.yaml).
const allPageSize = telnyx.PageSizeMax

// listCommand: list [--room ID] [--active|--inactive] [date filters] [--participants]
// [--page N] [--page-size N] [--all].
func (a *app) listCommand() *cobra.Command {
	var (
		p      telnyx.ListRoomSessionsParams
		active activeFlags
		all    bool
	)
	cmd := &cobra.Command{
		Use:   "list [--room ID] [--active|--inactive] [--created-on|--created-after|--created-before DATE] [--updated-...] [--ended-...] [--participants] [--page N] [--page-size N] [--all]",
		Short: "List room sessions (GET /room_sessions)",
		Long: `List room sessions, newest first: one page, or every page with --all, written as the
pages arrive (rows, one JSON object per line with -o jsonl, or one JSON document whose
array grows item by item with -o json), in flat memory however many there are.`,
		Example: `  roomsessions list --active
  roomsessions list --room a0000000-0000-4000-8000-000000000001 --created-after 2025-06-01 --participants
  roomsessions list --all -o jsonl --inactive`,
		Args:              exactArgs(),
		ValidArgsFunction: noFileCompletion,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if p.Active, err = active.value(); err != nil {
				return err
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if all {
				out := a.sessionOutput(cmp.Or(p.PageSize, allPageSize), p.IncludeParticipants)
				return stream(out, c.RoomSessions.All(ctx, &p))
			}
			page, err := c.RoomSessions.List(ctx, &p)
			if err != nil {
				return err
			}
			out := a.sessionOutput(len(page.Items), p.IncludeParticipants)
			for _, s := range page.Items {
				if err := out.add(s); err != nil {
					return err
				}
			}
			return out.end(metaOf(page))
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&p.RoomID, "room", "", "only sessions of the room `ID`")
	active.define(fs, "sessions")
	dateFlags(fs, &p.CreatedAt, "created", "sessions created")
	dateFlags(fs, &p.UpdatedAt, "updated", "sessions updated")
	dateFlags(fs, &p.EndedAt, "ended", "sessions ended")
	fs.BoolVar(&p.IncludeParticipants, "participants", false, "include each session's participants")
	pageFlags(fs, &p.PageNumber, &p.PageSize)
	fs.BoolVar(&all, "all", false, "follow every page, writing the results as they arrive")
	return cmd
}

// getCommand: get ID [--participants].
func (a *app) getCommand() *cobra.Command {
	var p telnyx.GetRoomSessionParams
	cmd := &cobra.Command{
		Use:   "get ID [--participants]",
		Short: "Show one room session (GET /room_sessions/{id})",
		Example: `  roomsessions get 5e000000-0000-4000-8000-000000000001
  roomsessions get 5e000000-0000-4000-8000-000000000001 --participants -o json`,
		Args:              exactArgs("session ID"),
		ValidArgsFunction: noFileCompletion,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			s, err := c.RoomSessions.Get(cmd.Context(), args[0], &p)
			if err != nil {
				return err
			}
			return a.printSession(a.out, s, p.IncludeParticipants)
		},
	}
	cmd.Flags().BoolVar(&p.IncludeParticipants, "participants", false, "include the session's participants")
	return cmd
}

// participantsCommand: participants SESSION_ID [--context NAME] [date filters]
// [--page N] [--page-size N] [--all].
func (a *app) participantsCommand() *cobra.Command {
	var (
		p   telnyx.ListParticipantsParams
		all bool
	)
	cmd := &cobra.Command{
		Use:   "participants SESSION_ID [--context NAME] [--joined-...|--left-...|--updated-... DATE] [--page N] [--page-size N] [--all]",
		Short: "List the participants of a session (GET /room_sessions/{id}/participants)",
		Example: `  roomsessions participants 5e000000-0000-4000-8000-000000000001
  roomsessions participants 5e000000-0000-4000-8000-000000000001 --context Bob --joined-after 2025-06-01
  roomsessions participants 5e000000-0000-4000-8000-000000000001 --all -o jsonl`,
		Args:              exactArgs("session ID"),
		ValidArgsFunction: noFileCompletion,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if all {
				out := a.participantOutput(cmp.Or(p.PageSize, allPageSize))
				return stream(out, c.RoomSessions.AllParticipants(ctx, args[0], &p))
			}
			page, err := c.RoomSessions.Participants(ctx, args[0], &p)
			if err != nil {
				return err
			}
			out := a.participantOutput(len(page.Items))
			for _, item := range page.Items {
				if err := out.add(item); err != nil {
					return err
				}
			}
			return out.end(metaOf(page))
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&p.Context, "context", "", "only participants whose context is exactly `NAME`")
	dateFlags(fs, &p.JoinedAt, "joined", "participants who joined")
	dateFlags(fs, &p.LeftAt, "left", "participants who left")
	dateFlags(fs, &p.UpdatedAt, "updated", "participants updated")
	pageFlags(fs, &p.PageNumber, &p.PageSize)
	fs.BoolVar(&all, "all", false, "follow every page, writing the results as they arrive")
	return cmd
}

// stream writes every item of seq to out as it arrives. On an error, what was
// written stays written (and flushed); the error is returned.
func stream[T any](out *listOutput[T], seq iter.Seq2[T, error]) error {
	for item, err := range seq {
		if err != nil {
			if out.tbl != nil {
				_ = out.tbl.flush() // the rows held to size the columns
			}
			return err
		}
		if err := out.add(item); err != nil {
			return err
		}
	}
	return out.end(nil)
}
