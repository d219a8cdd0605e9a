package redislimit_test

import (
	"context"
	"log"
	"log/slog"
	"os"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/roomsessions/telnyx-go/redislimit"
	"github.com/roomsessions/telnyx-go/telnyx"
)

// ExampleNew is the README's redislimit snippet: every process of the service creates
// its client this way, with the same Redis and account name. It is compiled, not run
// (it needs a Redis and an API key).
func ExampleNew() {
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	rdb := redis.NewClient(&redis.Options{
		Addr:                  "localhost:6379",
		DialTimeout:           time.Second,
		ReadTimeout:           200 * time.Millisecond,
		WriteTimeout:          200 * time.Millisecond,
		ContextTimeoutEnabled: true,
	})
	defer rdb.Close()

	limiter := redislimit.New(rdb, "production", redislimit.WithLogger(logger))
	client, err := telnyx.NewClient(telnyx.WithLimiter(limiter), telnyx.WithLogger(logger))
	if err != nil {
		log.Fatal(err)
	}
	page, err := client.RoomSessions.List(context.Background(), nil)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("%d sessions", page.TotalResults)
}
