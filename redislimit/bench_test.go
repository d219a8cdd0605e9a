package redislimit_test

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The fleet benchmark (make bench): 8 processes of 16 goroutines making Gets for 15 s
// against `roomsessions serve --rate-limit 1000/5s`, first each process with a limiter
// of its own (the SDK's default), then all sharing redislimit.
const (
	benchEnv       = "TELNYX_BENCH_FLEET" // set to run it
	benchBinEnv    = "ROOMSESSIONS_BIN"   // the roomsessions binary (make bench builds it)
	benchProcs     = 8
	benchGoroutine = 16
	benchFor       = 15 * time.Second
	benchLimit     = 1000
	benchWindow    = 5 * time.Second
	benchSession   = "3f8d6f2a-6c1e-4b5a-9d2e-7a4c1b0e9f11"
)

// startServe runs `roomsessions serve --rate-limit` on a free port, with one session,
// and returns its base URL and key; it is stopped when b ends.
func startServe(b *testing.B, bin string) (baseURL, key string) {
	b.Helper()
	seed := filepath.Join(b.TempDir(), "seed.json")
	if err := os.WriteFile(seed, []byte(`[{"id":"`+benchSession+`","active":true}]`), 0o600); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--seed", seed,
		"--rate-limit", fmt.Sprintf("%d/%s", benchLimit, benchWindow))
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	sc := bufio.NewScanner(out)
	for (baseURL == "" || key == "") && sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "export TELNYX_BASE_URL="); ok {
			baseURL = v
		}
		if v, ok := strings.CutPrefix(sc.Text(), "export TELNYX_API_KEY="); ok {
			key = v
		}
	}
	if baseURL == "" || key == "" {
		b.Fatalf("serve announced no base URL and key")
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	return baseURL, key
}

// BenchmarkFleet prints one row per way of limiting. It runs once, whatever -benchtime.
func BenchmarkFleet(b *testing.B) {
	if os.Getenv(benchEnv) == "" {
		b.Skipf("set %s=1 and %s to a roomsessions binary (make bench does)", benchEnv, benchBinEnv)
	}
	bin := os.Getenv(benchBinEnv)
	if bin == "" {
		b.Fatalf("$%s is not set: build cmd/roomsessions and point it there", benchBinEnv)
	}
	redisSrv := startRedis(b)
	allowed := float64(benchLimit) / benchWindow.Seconds() // requests a second
	fmt.Printf("\nfleet: %d processes x %d goroutines of Gets for %s against serve --rate-limit %d/%s (%.0f requests/s allowed)\n",
		benchProcs, benchGoroutine, benchFor, benchLimit, benchWindow, allowed)
	fmt.Printf("%-34s %9s %9s %12s %10s %12s %9s\n", "limiter", "requests", "429s", "calls ok/s", "of allowed", "calls failed", "calls cut")
	for _, row := range []struct {
		name, redis string
	}{
		{"each process its own (NewLimiter)", ""},
		{"shared (redislimit)", redisSrv.Addr},
	} {
		b.StopTimer()
		baseURL, key := startServe(b, bin) // a fresh server: a fresh window
		b.StartTimer()
		got := runFleet(b, benchProcs, job{Redis: row.redis, Account: "bench", BaseURL: baseURL, APIKey: key,
			Session: benchSession, Goroutines: benchGoroutine, For: benchFor})
		requests := got.OK + got.Limited + got.Other + got.NoReply
		limitedPct := 100 * float64(got.Limited) / float64(max(requests, 1))
		rate := float64(got.Calls) / benchFor.Seconds()
		usedPct := 100 * rate / allowed
		fmt.Printf("%-34s %9d %8.2f%% %12.1f %9.1f%% %12d %9d\n", row.name, requests, limitedPct, rate, usedPct, got.CallsFailed, got.CallsCut)
		if row.redis != "" {
			verdict := "met"
			if limitedPct > 1 || usedPct < 80 || got.CallsFailed != 0 {
				verdict = "MISSED"
				b.Errorf("redislimit targets missed: %.2f%% 429s (<= 1%%), %.1f%% of the allowed rate (>= 80%%), %d calls failed (0)", limitedPct, usedPct, got.CallsFailed)
			}
			fmt.Printf("targets with redislimit (<= 1%% 429s, >= 80%% of the allowed rate, no call failed): %s\n", verdict)
		}
	}
	b.ReportMetric(0, "ns/op") // the figures are the table above
}
