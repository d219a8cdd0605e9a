package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// shutdownGrace is how long serve waits for requests in flight when it stops.
const shutdownGrace = 5 * time.Second

// serveCommand: serve [--addr HOST:PORT] [--api-key KEY | --per-key] [--demo-data]
// [--seed FILE] [--rate-limit N/DURATION] [--max-requests N]. It runs the telnyxtest
// fake over plain HTTP until ctx is cancelled (SIGINT or SIGTERM), and then exits 0:
// stopping is how a server ends. The global --api-key, wherever it is placed, chooses
// the key the fake accepts.
func (a *app) serveCommand() *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:4010] [--api-key KEY | --per-key] [--demo-data] [--seed FILE] [--rate-limit N/DURATION] [--webhook-url URL] [--max-requests N] [--id-seed N]",
		Short: "Run the fake Room Sessions API standalone, for any HTTP client",
		Long: `Run the in-memory fake of the Room Sessions API (package telnyxtest) over plain HTTP,
print its base URL and key, and serve until SIGINT or SIGTERM, then exit 0 (requests
still waiting on a fault's latency are cut at once).
The global --api-key chooses the key it accepts (default ` + telnyxtest.DefaultAPIKey + `; 8 bytes or more,
as the SDK wants); $TELNYX_API_KEY is not read, so a real key is never printed.
--per-key instead makes every bearer key of 8+ bytes its own world (sessions, faults,
request log, clock), so test suites can share one fake; every world starts from the seed.

It also answers an admin API under /__admin/ on the same port, without a key, for tests
in any language: seed sessions, make participants join or leave, end sessions as the
platform would, script, list and delete faults, read and clear the requests received,
set the clock, reset to the seed, and check readiness (GET /__admin/health). GET
/__admin/openapi.yaml describes it. --seed FILE loads a JSON array of sessions in the
admin API's shape (the API's field names, plus "muted") at start. --id-seed N makes the
ids it fills in a fixed sequence, so a run repeats with the same ids.

--rate-limit N/DURATION enforces an account-wide limit as the API does: a fixed window of
DURATION, opened by the first request after the last one ended, in which N requests are
served whatever their key; every answer carries x-ratelimit-limit, -remaining and -reset
(whole seconds, rounded up), and past the limit the answer is 429 with code 10011.

--webhook-url URL makes the fake post signed video room events to URL as its state
changes (session started and ended, participants joined and left, with left_reason
"kicked" for a kick), as Telnyx does; it prints the base64 ed25519 public key that
verifies them (roomsessions webhooks listen --public-key KEY, or package webhook).
Deliveries not answered 2xx are retried; GET /__admin/webhooks lists them and
POST /__admin/webhooks/faults duplicates, delays or reorders them.

Bounds, so that one client cannot exhaust a fake shared in a container network: request
headers within 10s and 64 KiB, a whole request within 30s, idle connections closed after
60s, at most 1024 connections at once, API bodies of 1 MiB, admin bodies of 4 MiB, a
request log of --max-requests entries (64 KiB of each body, 64 MiB in all), 1000 faults
and 100000 sessions per world, 1000 worlds, fault latencies of 10 minutes.`,
		Example: `  roomsessions serve --demo-data
  roomsessions serve --addr 127.0.0.1:0 --api-key KEY_test -o json
  roomsessions serve --addr 0.0.0.0:4010 --per-key --seed sessions.json
  roomsessions serve --rate-limit 1000/5s
  curl -s -X POST localhost:4010/__admin/sessions -d '{"participants":[{"context":"Alice"}]}'`,
		Args:              exactArgs(),
		ValidArgsFunction: noFileCompletion,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.perKey && a.g.apiKey != "" {
				return usagef("--api-key and --per-key exclude each other: with --per-key every key of 8 bytes or more is a world")
			}
			if a.g.apiKey != "" && len(a.g.apiKey) < 8 {
				return usagef("invalid --api-key: it is %d bytes, shorter than the 8 of any Telnyx key, which the SDK and this tool refuse", len(a.g.apiKey))
			}
			if o.maxRequests < 1 {
				return usagef("invalid --max-requests: want 1 or more, not %d", o.maxRequests)
			}
			if o.webhookURL != "" {
				if err := webhookURLValue(o.webhookURL); err != nil {
					return err
				}
			}
			o.rateLimit = o.limit.option()
			o.idSeedSet = cmd.Flags().Changed("id-seed")
			return a.serve(cmd.Context(), o)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.addr, "addr", "127.0.0.1:4010", "listen on `HOST:PORT`; port 0 picks a free port")
	fs.BoolVar(&o.perKey, "per-key", false, "one world (sessions, faults, log, clock) per bearer key of 8+ bytes")
	fs.BoolVar(&o.demo, "demo-data", false, "seed sample rooms with active and ended sessions and participants")
	fs.Var(&o.limit, "rate-limit", "serve at most N requests per fixed window of DURATION, account-wide (1000/5s, 10/s); past it, 429 with code 10011")
	fs.StringVar(&o.seed, "seed", "", "load the sessions of the JSON `FILE` (an array, as POST /__admin/sessions takes) at start")
	fs.StringVar(&o.webhookURL, "webhook-url", "", "post signed video room events to `URL` as the state changes (the public key is printed)")
	fs.IntVar(&o.maxRequests, "max-requests", telnyxtest.DefaultMaxRequests, "keep the last `N` requests in the request log of each world")
	fs.Uint64Var(&o.idSeed, "id-seed", 0, "generate the ids it fills in (sessions, rooms, participants, request ids) as a fixed sequence from `N`, so runs repeat")
	return cmd
}

// serveOptions are the flags of serve.
type serveOptions struct {
	addr, seed  string
	demo        bool
	perKey      bool
	maxRequests int
	idSeed      uint64 // --id-seed
	idSeedSet   bool
	webhookURL  string
	limit       rateLimitValue
	rateLimit   telnyxtest.Option
}

// serve runs the fake until ctx is cancelled.
func (a *app) serve(ctx context.Context, o serveOptions) error {
	key := cmp.Or(a.g.apiKey, telnyxtest.DefaultAPIKey)
	opts := []telnyxtest.Option{telnyxtest.WithAPIKey(key), telnyxtest.WithMaxRequests(o.maxRequests), o.rateLimit}
	if o.perKey {
		opts = append(opts, telnyxtest.WithPerKey())
	}
	if o.idSeedSet {
		opts = append(opts, telnyxtest.WithSeed(o.idSeed))
	}
	if o.webhookURL != "" {
		opts = append(opts, telnyxtest.WithWebhooks(o.webhookURL))
	}
	var seed []telnyxtest.Session
	if o.demo {
		seed = append(seed, demoSessions(time.Now())...)
	}
	if o.seed != "" {
		data, err := os.ReadFile(o.seed)
		if err != nil {
			return usagef("--seed: %v", err)
		}
		sessions, err := telnyxtest.DecodeSessions(data)
		if err != nil {
			return usagef("--seed %s: %v", o.seed, err)
		}
		seed = append(seed, sessions...)
	}
	if err := uniqueIDs(seed); err != nil {
		return usagef("--seed %s with --demo-data: %v", o.seed, err)
	}
	sa := telnyxtest.NewStandalone(append(opts, telnyxtest.WithSessions(seed...))...)
	defer sa.Close()

	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", o.addr)
	if err != nil {
		return err
	}
	ln = limitListener(ln, serveMaxConns)
	root := "http://" + dialAddr(ln.Addr())
	var h http.Handler = sa
	if l := a.logger(); l != nil {
		h = logRequests(h, l)
	}
	srv := boundedServer(h)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	if err := a.announce(root, key, len(seed), o.perKey, o.webhookURL, sa.State().WebhookPublicKey()); err != nil {
		_ = srv.Close()
		<-served
		return err
	}

	select {
	case err := <-served: // the listener failed
		return err
	case <-ctx.Done():
	}
	sa.Close() // requests held by a fault's latency are cut now, not after the grace
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close() // what is still running after the grace is cut
		fmt.Fprintf(a.stderr, "roomsessions serve: requests still running after %s were cut\n", shutdownGrace)
	}
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	fmt.Fprintln(a.stderr, "roomsessions serve: stopped")
	return nil
}

// uniqueIDs checks that no two sessions of seed have the same id (the file's own
// duplicates are caught by DecodeSessions; this catches a clash with --demo-data).
func uniqueIDs(seed []telnyxtest.Session) error {
	seen := make(map[string]bool, len(seed))
	for _, s := range seed {
		id := strings.ToLower(s.ID)
		if id != "" && seen[id] {
			return fmt.Errorf("session %s is also in the sample data", s.ID)
		}
		seen[id] = true
	}
	return nil
}

// announce prints the base URL and the key of the fake, and where its admin API is:
// as shell exports for the table format, as one JSON object otherwise.
func (a *app) announce(root, key string, seeded int, perKey bool, hookURL, hookKey string) error {
	baseURL, admin := root+"/v2", root+"/__admin"
	if a.g.output != formatTable {
		defer a.out.Flush()
		return a.writeDoc(struct {
			BaseURL  string `json:"base_url"`
			APIKey   string `json:"api_key"`
			AdminURL string `json:"admin_url"`
			Sessions int    `json:"sessions"`
			PerKey   bool   `json:"per_key"`
			HookURL  string `json:"webhook_url,omitempty"`
			HookKey  string `json:"webhook_public_key,omitempty"`
		}{baseURL, key, admin, seeded, perKey, hookURL, hookKey})
	}
	worlds := ""
	if perKey {
		worlds = "Every bearer key of 8+ bytes is a world of its own (admin calls pick theirs with the\nsame Authorization header; without one, the world of the key below).\n"
	}
	_, err := fmt.Fprintf(a.out, `Fake Telnyx Room Sessions API serving %d sessions; stop it with Ctrl-C.
Its admin API (no key) is at %s/ (GET %s/openapi.yaml describes it;
GET %s/health answers when ready).
%sPoint the SDK or this tool at it with:
export TELNYX_BASE_URL=%s
export TELNYX_API_KEY=%s
`, seeded, admin, admin, admin, worlds, baseURL, key)
	if err != nil {
		return err
	}
	if hookURL != "" {
		if _, err := fmt.Fprintf(a.out, `Video room events go to %s, signed; verify them with the public key
export TELNYX_PUBLIC_KEY=%s
`, hookURL, hookKey); err != nil {
			return err
		}
	}
	return a.out.Flush()
}

// dialAddr is the address clients should dial to reach a listener on addr: a
// wildcard host (0.0.0.0, ::) becomes the loopback address.
func dialAddr(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return addr.String()
	}
	ip := tcp.IP
	if ip == nil || ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	return net.JoinHostPort(ip.String(), fmt.Sprint(tcp.Port))
}

// logRequests logs every request (method, path, status, duration) to l at Debug level,
// for serve -v.
func logRequests(next http.Handler, l *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		l.LogAttrs(r.Context(), slog.LevelDebug, "serve: request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", rec.status), slog.Duration("duration", time.Since(start)))
	})
}

// statusRecorder remembers the status written through it. Unwrap lets
// http.ResponseController reach the connection, which the fake's faults hijack.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

// WriteHeader records code and passes it on.
func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap returns the wrapped ResponseWriter, for http.ResponseController.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
