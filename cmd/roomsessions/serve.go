package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// shutdownGrace is how long serve waits for requests in flight when it stops.
const shutdownGrace = 5 * time.Second

// serveCommand: serve [--addr HOST:PORT] [--api-key KEY] [--demo-data]. It runs the
// telnyxtest fake over plain HTTP until ctx is cancelled (SIGINT or SIGTERM).
func serveCommand(fs *flag.FlagSet) action {
	var (
		addr, key string
		demo      bool
	)
	fs.StringVar(&addr, "addr", "127.0.0.1:4010", "listen on `HOST:PORT`; port 0 picks a free port")
	fs.StringVar(&key, "api-key", "", "the bearer `KEY` the fake accepts (default "+telnyxtest.DefaultAPIKey+")")
	fs.BoolVar(&demo, "demo-data", false, "seed sample rooms with active and ended sessions and participants")

	return func(ctx context.Context, a *app, args []string) error {
		if err := exactArgs(args); err != nil {
			return err
		}
		if key == "" {
			key = telnyxtest.DefaultAPIKey
		}
		handler, st := telnyxtest.NewHandler(telnyxtest.WithAPIKey(key), telnyxtest.WithoutRequestLog()) // nobody reads the log of a standalone fake
		seeded := 0
		if demo {
			seeded = seedDemo(st, time.Now())
		}

		var lc net.ListenConfig
		ln, err := lc.Listen(ctx, "tcp", addr)
		if err != nil {
			return err
		}
		baseURL := "http://" + dialAddr(ln.Addr()) + "/v2"
		var h http.Handler = handler
		if l := a.logger(); l != nil {
			h = logRequests(h, l)
		}
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		served := make(chan error, 1)
		go func() { served <- srv.Serve(ln) }()

		if err := a.announce(baseURL, key, seeded); err != nil {
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
}

// announce prints the base URL and the key of the fake: as shell exports for the
// table format, as one JSON object for -o json.
func (a *app) announce(baseURL, key string, seeded int) error {
	if a.g.output == formatJSON {
		return a.writeJSON(struct {
			BaseURL  string `json:"base_url"`
			APIKey   string `json:"api_key"`
			Sessions int    `json:"sessions"`
		}{baseURL, key, seeded})
	}
	_, err := fmt.Fprintf(a.stdout, `Fake Telnyx Room Sessions API serving %d sample sessions; stop it with Ctrl-C.
Point the SDK or this tool at it with:
export TELNYX_BASE_URL=%s
export TELNYX_API_KEY=%s
`, seeded, baseURL, key)
	return err
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
