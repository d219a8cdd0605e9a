package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/roomsessions/telnyx-go/internal/apijson"
	"github.com/roomsessions/telnyx-go/telnyx/webhook"
)

// webhooksCommand: webhooks listen.
func (a *app) webhooksCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "webhooks <command>",
		Short: "Receive Telnyx's video room webhooks",
		Long: `Receive Telnyx's video room webhooks: webhooks listen verifies and prints them as they
arrive (see roomsessions webhooks listen -h).`,
		Example: `  roomsessions webhooks listen --public-key "$TELNYX_PUBLIC_KEY"`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown webhooks command %q; try: webhooks listen", args[0])
			}
			return nil
		},
		RunE:              func(*cobra.Command, []string) error { return usagef("missing webhooks command; try: webhooks listen") },
		ValidArgsFunction: noFileCompletion,
	}
	cmd.AddCommand(a.webhooksListenCommand())
	return cmd
}

// listenOptions are the flags of webhooks listen.
type listenOptions struct {
	addr string
	keys []string
}

func (a *app) webhooksListenCommand() *cobra.Command {
	var o listenOptions
	cmd := &cobra.Command{
		Use:   "listen [--addr 127.0.0.1:8080] --public-key KEY [-o table|jsonl]",
		Short: "Receive, verify and print video room events as they arrive",
		Long: `Receive Telnyx's video room webhooks over plain HTTP (on any path), verify each
delivery's ed25519 signature with --public-key (the account's key from the Mission
Control portal, or the one roomsessions serve --webhook-url prints), and print the
events as they arrive: a table row each, or one JSON object per line with -o jsonl.
Give --public-key twice while rotating keys.

A delivery that fails verification (no or bad signature, a timestamp more than 5 minutes
off, a body that is not an event) is answered 4xx and reported on stderr with the reason;
nothing of it is printed. A redelivery of an event already printed is acknowledged and not
printed again. Stop it with Ctrl-C (exit 0).`,
		Example: `  roomsessions webhooks listen --public-key "$TELNYX_PUBLIC_KEY"
  roomsessions webhooks listen --addr 0.0.0.0:8080 --public-key KEY -o jsonl | jq .event_type`,
		Args:              exactArgs(),
		ValidArgsFunction: noFileCompletion,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if a.g.output != formatTable && a.g.output != formatJSONL {
				return usagef("webhooks listen prints -o table or -o jsonl, not %q", a.g.output)
			}
			if len(o.keys) == 0 {
				return usagef("missing --public-key: the base64 ed25519 key that verifies the deliveries")
			}
			v, err := webhook.NewVerifier(o.keys...)
			if err != nil {
				return usagef("invalid --public-key: %s", strings.TrimPrefix(err.Error(), "webhook: NewVerifier: "))
			}
			return a.listen(cmd.Context(), o, v)
		},
	}
	cmd.DisableFlagsInUseLine = true
	fs := cmd.Flags()
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen on `HOST:PORT`; port 0 picks a free port")
	fs.StringArrayVar(&o.keys, "public-key", nil, "the base64 ed25519 public `KEY` that verifies deliveries; repeat it while rotating")
	return cmd
}

// listen serves the webhook receiver until ctx is cancelled.
func (a *app) listen(ctx context.Context, o listenOptions, v *webhook.Verifier) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", o.addr)
	if err != nil {
		return err
	}
	ln = limitListener(ln, serveMaxConns)
	p := &eventPrinter{a: a}
	h := webhook.Handler(v, p.print, webhook.WithErrorHandler(func(r *http.Request, err error) {
		p.reject(r, err)
	}))
	srv := boundedServer(h)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	fmt.Fprintf(a.stderr, "roomsessions webhooks listen: receiving on http://%s/ (any path); stop it with Ctrl-C\n", dialAddr(ln.Addr()))
	if err := p.header(); err != nil {
		_ = srv.Close()
		<-served
		return err
	}
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
	}
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	fmt.Fprintln(a.stderr, "roomsessions webhooks listen: stopped")
	return nil
}

// eventPrinter writes events to stdout and rejections to stderr, one at a time.
type eventPrinter struct {
	a  *app
	mu sync.Mutex
}

// listenColumns are the table's columns.
const listenRow = "%-27s  %-22s  %-36s  %-36s  %s\n"

func (p *eventPrinter) header() error {
	if p.a.g.output != formatTable || p.a.g.noHeaders {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.a.out, listenRow, "OCCURRED_AT", "EVENT", "SESSION", "PARTICIPANT", "DETAIL")
	return p.a.out.Flush()
}

// print writes one event; an error writing stdout makes the delivery fail (5xx), so
// Telnyx delivers it again.
func (p *eventPrinter) print(_ context.Context, ev *webhook.Event) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.a.g.output == formatJSONL {
		line, err := eventJSON(ev)
		if err != nil {
			return err
		}
		if _, err := p.a.out.Write(append(line, '\n')); err != nil {
			return err
		}
		return p.a.out.Flush()
	}
	session, participant, detail := eventColumns(ev)
	fmt.Fprintf(p.a.out, listenRow, ev.OccurredAt.UTC().Format(apijson.TimeLayout), strings.TrimPrefix(ev.Type, "video.room."),
		dash(session), dash(participant), detail)
	return p.a.out.Flush()
}

// reject reports a delivery the handler refused.
func (p *eventPrinter) reject(r *http.Request, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.a.stderr, "roomsessions webhooks listen: rejected a delivery from %s to %s: %v\n", r.RemoteAddr, r.URL.Path, err)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// eventColumns returns the session, the participant and the other properties of ev's
// payload, as "key=value" pairs.
func eventColumns(ev *webhook.Event) (session, participant, detail string) {
	var pairs []string
	add := func(k string, v any) {
		switch x := v.(type) {
		case string:
			if x == "" {
				return
			}
		case int:
			if x == 0 {
				return
			}
		case float64:
			if x == 0 {
				return
			}
		}
		pairs = append(pairs, fmt.Sprintf("%s=%v", k, v))
	}
	switch p := ev.Payload.(type) {
	case *webhook.SessionStarted:
		session = p.SessionID
		add("room", p.RoomID)
	case *webhook.SessionEnded:
		session = p.SessionID
		add("room", p.RoomID)
		add("duration_secs", p.DurationSecs)
		add("ended_reason", p.EndedReason)
	case *webhook.ParticipantJoined:
		session, participant = p.SessionID, p.ParticipantID
		add("context", p.Context)
	case *webhook.ParticipantLeft:
		session, participant = p.SessionID, p.ParticipantID
		add("context", p.Context)
		add("duration_secs", p.DurationSecs)
		add("left_reason", p.LeftReason)
	case *webhook.RecordingStarted:
		session, participant = p.SessionID, p.ParticipantID
		add("recording", p.RecordingID)
		add("type", string(p.Type))
	case *webhook.RecordingCompleted:
		session, participant = p.SessionID, p.ParticipantID
		add("recording", p.RecordingID)
		add("type", string(p.Type))
		add("duration_secs", p.DurationSecs)
		add("size_mb", p.SizeMB)
		add("download_url", p.DownloadURL)
	case *webhook.CompositionCompleted:
		session = p.SessionID
		add("composition", p.CompositionID)
		add("duration_secs", p.DurationSecs)
		add("size_mb", p.SizeMB)
		add("download_url", p.DownloadURL)
	case *webhook.UnknownPayload:
		add("payload", string(p.Raw))
	default: // an event generated from the spec after this switch was written
		session, participant, pairs = genericColumns(p)
	}
	if ev.Attempt > 1 {
		add("attempt", ev.Attempt)
	}
	return session, participant, strings.Join(pairs, " ")
}

// genericColumns returns the columns of any payload from its JSON properties, the
// others in alphabetical order.
func genericColumns(p webhook.Payload) (session, participant string, pairs []string) {
	b, err := json.Marshal(p)
	var m map[string]any
	if err != nil || json.Unmarshal(b, &m) != nil {
		return "", "", nil
	}
	session, _ = m["session_id"].(string)
	participant, _ = m["participant_id"].(string)
	delete(m, "session_id")
	delete(m, "participant_id")
	for _, k := range slices.Sorted(maps.Keys(m)) {
		pairs = append(pairs, fmt.Sprintf("%s=%v", k, m[k]))
	}
	return session, participant, pairs
}

// eventJSON is ev as one JSON object: the envelope's data, flattened, with the
// delivery's attempt and URL.
func eventJSON(ev *webhook.Event) ([]byte, error) {
	var payload json.RawMessage
	if u, ok := ev.Payload.(*webhook.UnknownPayload); ok {
		payload = u.Raw
	} else {
		b, err := json.Marshal(ev.Payload)
		if err != nil {
			return nil, err
		}
		payload = b
	}
	if len(payload) == 0 {
		payload = json.RawMessage("null")
	}
	return apijson.Marshal(struct {
		ID          string          `json:"id"`
		EventType   string          `json:"event_type"`
		OccurredAt  time.Time       `json:"occurred_at"`
		Attempt     int             `json:"attempt"`
		DeliveredTo string          `json:"delivered_to"`
		Payload     json.RawMessage `json:"payload"`
	}{ev.ID, ev.Type, ev.OccurredAt, ev.Attempt, ev.DeliveredTo, payload})
}

// webhookURLValue checks serve --webhook-url: an absolute http or https URL.
func webhookURLValue(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usagef("invalid --webhook-url %q: want an absolute http:// or https:// URL", s)
	}
	return nil
}
