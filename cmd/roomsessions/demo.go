package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// demoNow is the time on the demo's frozen clock, so its output is the same on every run.
func demoNow() time.Time { return time.Date(2025, time.June, 2, 9, 30, 0, 0, time.UTC) }

// demoCommand: demo. It starts the fake in-process with the sample data and runs the
// seven operations through this tool's own commands, printing each request and what
// came back.
func (a *app) demoCommand() *cobra.Command {
	return &cobra.Command{
		Use:               "demo",
		Short:             "A tour of all seven operations against an in-process fake (no key, no network)",
		Example:           "  roomsessions demo",
		Args:              exactArgs(),
		ValidArgsFunction: noFileCompletion,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.demo(cmd.Context())
		},
	}
}

// demo runs the tour.
func (a *app) demo(ctx context.Context) error {
	{
		srv := telnyxtest.NewServer(telnyxtest.WithSeed(1), telnyxtest.WithClock(demoNow))
		defer srv.Close()
		n := seedDemo(srv.State, demoNow())

		var opts []telnyx.Option
		if l := a.logger(); l != nil {
			opts = append(opts, telnyx.WithLogger(l))
		}
		client := srv.Client(opts...)
		d := &demo{
			srv:    srv,
			client: client,
			out:    a.out,
			// The steps run this tool's commands, always as tables, with the fake's client.
			cli: &app{
				g:      globalOptions{output: formatTable, verbose: a.g.verbose},
				env:    a.env,
				stdin:  strings.NewReader(""),
				stderr: a.stderr,
				c:      client,
			},
		}
		fmt.Fprintf(d.out, `Telnyx Room Sessions: a tour of the seven operations.
The fake API (package telnyxtest) runs in this process at %s with %d sample
sessions in 3 rooms; its clock is frozen at %s. No API key, no network.
Each step shows the SDK call, the same thing with this tool, and what came back.
`, srv.URL, n, timeCell(demoNow()))
		for _, step := range d.steps() {
			if err := step(ctx); err != nil {
				return err
			}
		}
		fmt.Fprintf(d.out, `
Done: list, get, participants, mute, unmute, kick and end, all against the fake.
Try them yourself: roomsessions serve --demo-data, then in another shell
export the two variables it prints and run, for example, roomsessions list --active.
`)
		return nil
	}
}

// demo holds the in-process fake and what the steps print with.
type demo struct {
	srv    *telnyxtest.Server
	client *telnyx.Client
	cli    *app
	out    io.Writer
}

// steps returns the seven steps, in order.
func (d *demo) steps() []func(context.Context) error {
	s := sessionStandup
	return []func(context.Context) error{
		func(ctx context.Context) error {
			d.heading("list", "GET /room_sessions",
				"Lists room sessions, one page at a time, filtered by the server. Here: the active ones, with their participants.",
				"client.RoomSessions.List(ctx, &telnyx.ListRoomSessionsParams{Active: telnyx.Bool(true), IncludeParticipants: true})")
			return d.run(ctx, "list", "--active", "--participants")
		},
		func(ctx context.Context) error {
			d.heading("get", "GET /room_sessions/{id}",
				"Shows one session by id. Here: the standup, with its participants (Dave has left already).",
				fmt.Sprintf("client.RoomSessions.Get(ctx, %q, &telnyx.GetRoomSessionParams{IncludeParticipants: true})", s))
			return d.run(ctx, "get", s, "--participants")
		},
		func(ctx context.Context) error {
			d.heading("participants", "GET /room_sessions/{id}/participants",
				"Lists the participants of a session, with filters on context and dates, one page at a time. Here: pages of 3.",
				fmt.Sprintf("client.RoomSessions.Participants(ctx, %q, &telnyx.ListParticipantsParams{PageSize: 3})", s))
			return d.run(ctx, "participants", s, "--page-size", "3")
		},
		func(ctx context.Context) error {
			d.heading("mute", "POST /room_sessions/{id}/actions/mute",
				"Mutes participants. Here: everyone in the standup except its host, Alice.",
				fmt.Sprintf("client.RoomSessions.Mute(ctx, %q, telnyx.AllParticipants().Except(%q))", s, participantAlice))
			return d.act(ctx, s, "mute", s, "--everyone", "--except", participantAlice)
		},
		func(ctx context.Context) error {
			d.heading("unmute", "POST /room_sessions/{id}/actions/unmute",
				"Unmutes participants. Here: Bob only.",
				fmt.Sprintf("client.RoomSessions.Unmute(ctx, %q, telnyx.Participants(%q))", s, participantBob))
			return d.act(ctx, s, "unmute", s, "--participant", participantBob)
		},
		func(ctx context.Context) error {
			d.heading("kick", "POST /room_sessions/{id}/actions/kick",
				"Makes participants leave the session. Here: Carol.",
				fmt.Sprintf("client.RoomSessions.Kick(ctx, %q, telnyx.Participants(%q))", s, participantCarol))
			return d.act(ctx, s, "kick", s, "--participant", participantCarol, "--yes")
		},
		func(ctx context.Context) error {
			d.heading("end", "POST /room_sessions/{id}/actions/end",
				"Ends the session: it becomes inactive, and everyone still present leaves. Ending it again changes nothing.",
				fmt.Sprintf("client.RoomSessions.End(ctx, %q)", s))
			d.srv.Advance(time.Minute)
			if err := d.run(ctx, "end", s, "--yes"); err != nil {
				return err
			}
			fmt.Fprintln(d.out, "\nAfterwards, as Get reports it:")
			sess, err := d.client.RoomSessions.Get(ctx, s, &telnyx.GetRoomSessionParams{IncludeParticipants: true})
			if err != nil {
				return err
			}
			return d.cli.printSession(d.out, sess, true)
		},
	}
}

// heading introduces a step: the operation, its request, what it does, the SDK call.
func (d *demo) heading(op, request, what, goCall string) {
	fmt.Fprintf(d.out, "\n== %s: %s\n%s\n  Go:  %s\n", op, request, what, goCall)
}

// run runs one of this tool's commands against the fake, showing its command line,
// the request the fake received, then the command's output.
func (d *demo) run(ctx context.Context, args ...string) error {
	fmt.Fprintf(d.out, "  CLI: roomsessions %s\n", strings.Join(args, " "))
	var out bytes.Buffer
	cli := *d.cli
	cli.stdout = &out
	code := cli.run(ctx, args)
	d.sent()
	fmt.Fprintf(d.out, "\n%s", out.Bytes())
	if code != exitOK {
		return fmt.Errorf("the demo's %s step failed (exit status %d)", args[0], code)
	}
	return nil
}

// act runs an action a minute after the previous step (so updated_at moves), shows
// the request the fake received, then the session's participants afterwards.
func (d *demo) act(ctx context.Context, sessionID string, args ...string) error {
	d.srv.Advance(time.Minute)
	if err := d.run(ctx, args...); err != nil {
		return err
	}
	page, err := d.client.RoomSessions.Participants(ctx, sessionID, nil)
	if err != nil {
		return err
	}
	stored, _ := d.srv.Session(sessionID)
	muted := make(map[string]bool, len(stored.Participants))
	for _, p := range stored.Participants {
		muted[p.ID] = p.Muted
	}
	fmt.Fprintln(d.out, "\nAfterwards, as Participants reports them (the API does not report mute state:")
	fmt.Fprintln(d.out, "MUTED is the fake's own record; updated_at moved where it changed):")
	return writeParticipantTable(d.out, 0, page.Items, &column{name: "MUTED", value: func(p telnyx.RoomParticipant) string {
		return yesNo(muted[p.ID])
	}})
}

// sent shows the last request the fake received: method, path, query and body.
func (d *demo) sent() {
	reqs := d.srv.Requests()
	if len(reqs) == 0 {
		return
	}
	r := reqs[len(reqs)-1]
	line := r.Method + " " + r.Path
	if r.Query != "" {
		q, err := url.QueryUnescape(r.Query)
		if err != nil {
			q = r.Query
		}
		line += "?" + q
	}
	if len(r.Body) > 0 {
		line += " " + string(r.Body)
	}
	fmt.Fprintf(d.out, "  sent: %s\n", line)
}
