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
	"time"

	"github.com/spf13/cobra"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// shutdownGrace is how long serve waits for requests in flight when it stops.
const shutdownGrace = 5 * time.Second

// serveCommand: serve [--addr HOST:PORT] [--demo-data] [--seed FILE]. It runs the
// telnyxtest fake over plain HTTP until ctx is cancelled (SIGINT or SIGTERM), and
// then exits 0: stopping is how a server ends. The global --api-key, wherever it is
// placed, chooses the key the fake accepts.
func (a *app) serveCommand() *cobra.Command {
	var (
		addr, seed string
		demo       bool
		limit      rateLimitValue
	)
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:4010] [--api-key KEY] [--demo-data] [--seed FILE] [--rate-limit N/DURATION]",
		Short: "Run the fake Room Sessions API standalone, for any HTTP client",
		Long: `Run the in-memory fake of the Room Sessions API (package telnyxtest) over plain HTTP,
print its base URL and key, and serve until SIGINT or SIGTERM, then exit 0.
The global --api-key chooses the key it accepts (default ` + telnyxtest.DefaultAPIKey + `);
$TELNYX_API_KEY is not read, so a real key is never printed.

It also answers an admin API under /__admin/ on the same port, without a key, for tests
in any language: seed sessions, make participants join or leave, end sessions as the
platform would, script faults, read back the requests received and the mute state,
reset, and check readiness (GET /__admin/health). --seed FILE loads a JSON array of
sessions in the admin API's shape (the API's field names, plus "muted") at start.

--rate-limit N/DURATION enforces an account-wide limit as the API does: a fixed window of
DURATION, opened by the first request after the last one ended, in which N requests are
served whatever their key; every answer carries x-ratelimit-limit, -remaining and -reset
(whole seconds, rounded up), and past the limit the answer is 429 with code 10011.`,
		Example: `  roomsessions serve --demo-data
  roomsessions serve --addr 127.0.0.1:0 --api-key KEY_test -o json
  roomsessions serve --seed sessions.json
  roomsessions serve --rate-limit 1000/5s
  curl -s -X POST localhost:4010/__admin/sessions -d '{"active":true,"participants":[{"context":"Alice"}]}'`,
		Args:              exactArgs(),
		ValidArgsFunction: noFileCompletion,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.serve(cmd.Context(), addr, demo, seed, limit.option())
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&addr, "addr", "127.0.0.1:4010", "listen on `HOST:PORT`; port 0 picks a free port")
	fs.BoolVar(&demo, "demo-data", false, "seed sample rooms with active and ended sessions and participants")
	fs.Var(&limit, "rate-limit", "serve at most N requests per fixed window of DURATION, account-wide (1000/5s, 10/s); past it, 429 with code 10011")
	fs.StringVar(&seed, "seed", "", "load the sessions of the JSON `FILE` (an array, as POST /__admin/sessions takes) at start")
	return cmd
}

// serve runs the fake until ctx is cancelled.
func (a *app) serve(ctx context.Context, addr string, demo bool, seedFile string, limit telnyxtest.Option) error {
	key := cmp.Or(a.g.apiKey, telnyxtest.DefaultAPIKey)
	handler, st := telnyxtest.NewHandler(telnyxtest.WithAPIKey(key), limit)
	seeded := 0
	if demo {
		seeded = seedDemo(st, time.Now())
	}
	if seedFile != "" {
		data, err := os.ReadFile(seedFile)
		if err != nil {
			return usagef("--seed: %v", err)
		}
		stored, err := st.AddSessionsJSON(data)
		if err != nil {
			return usagef("--seed %s: %v", seedFile, err)
		}
		seeded += len(stored)
	}
	mux := http.NewServeMux()
	mux.Handle(telnyxtest.AdminPrefix, st.AdminHandler())
	mux.Handle("/", handler)

	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	root := "http://" + dialAddr(ln.Addr())
	var h http.Handler = mux
	if l := a.logger(); l != nil {
		h = logRequests(h, l)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	if err := a.announce(root, key, seeded); err != nil {
		_ = srv.Close()
		<-served
		return err
	}

	select {
	case err := <-served: // the listener failed
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	err = srv.Shutdown(sctx)
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	fmt.Fprintln(a.stderr, "roomsessions serve: stopped")
	return nil
}

// announce prints the base URL and the key of the fake, and where its admin API is:
// as shell exports for the table format, as one JSON object otherwise.
func (a *app) announce(root, key string, seeded int) error {
	baseURL, admin := root+"/v2", root+"/__admin"
	if a.g.output != formatTable {
		defer a.out.Flush()
		return a.writeDoc(struct {
			BaseURL  string `json:"base_url"`
			APIKey   string `json:"api_key"`
			AdminURL string `json:"admin_url"`
			Sessions int    `json:"sessions"`
		}{baseURL, key, admin, seeded})
	}
	_, err := fmt.Fprintf(a.out, `Fake Telnyx Room Sessions API serving %d sessions; stop it with Ctrl-C.
Its admin API (no key) is at %s/ (see the README; GET %s/health answers when ready).
Point the SDK or this tool at it with:
export TELNYX_BASE_URL=%s
export TELNYX_API_KEY=%s
`, seeded, admin, admin, baseURL, key)
	if err != nil {
		return err
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
