package redislimit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/redis/go-redis/v9"
)

// quiet discards go-redis's own log (dial failures while a test's server is down).
type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}

// TestMain runs a fleet worker when the binary is started as one (see runFleet).
func TestMain(m *testing.M) {
	redis.SetLogger(quiet{})
	if spec := os.Getenv(fleetWorkerEnv); spec != "" {
		var j job
		if err := json.Unmarshal([]byte(spec), &j); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		if err := runWorker(j); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}
