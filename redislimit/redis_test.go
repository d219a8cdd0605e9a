package redislimit_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// requireRedis names the variable under which a missing redis-server fails the tests
// instead of skipping them (.ci/run sets it).
const requireRedis = "TELNYX_REQUIRE_REDIS"

// redisServer is a redis-server of the test's own, on a loopback port, without
// persistence.
type redisServer struct {
	t    testing.TB
	bin  string
	port int
	Addr string
	cmd  *exec.Cmd
}

// startRedis starts a redis-server for the test and stops it when the test ends. Without
// redis-server on PATH the test is skipped, or fails when $TELNYX_REQUIRE_REDIS is set.
func startRedis(t testing.TB) *redisServer {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv(requireRedis) != "" {
			t.Fatalf("redis-server is not on PATH and $%s is set: apt-get install redis-server", requireRedis)
		}
		t.Skipf("redis-server is not on PATH: apt-get install redis-server (or set $%s to make this a failure)", requireRedis)
	}
	s := &redisServer{t: t, bin: bin}
	for attempt := 0; ; attempt++ {
		s.port = freePort(t)
		err := s.start()
		if err == nil {
			break
		}
		if attempt == 4 {
			t.Fatalf("starting redis-server: %v", err)
		}
	}
	s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
	t.Cleanup(s.stop)
	return s
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// start runs redis-server on s.port and returns once it accepts connections.
func (s *redisServer) start() error {
	cmd := exec.Command(s.bin, "--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "notice")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return err
	}
	var log strings.Builder
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		log.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), "Ready to accept connections") {
			go func() { _, _ = io.Copy(io.Discard, out) }()
			s.cmd = cmd
			return nil
		}
	}
	_ = cmd.Wait()
	return fmt.Errorf("redis-server on port %d exited before it was ready:\n%s", s.port, log.String())
}

// stop kills the server and waits for it to exit; it may be called more than once.
func (s *redisServer) stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGCONT) // a paused server cannot die otherwise
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

// restart starts the server again on the same port, empty.
func (s *redisServer) restart() {
	s.t.Helper()
	if err := s.start(); err != nil {
		s.t.Fatal(err)
	}
}

// pause stops the server's process without closing its connections, so calls hang
// until they time out; resume lets it go on.
func (s *redisServer) pause()  { _ = s.cmd.Process.Signal(syscall.SIGSTOP) }
func (s *redisServer) resume() { _ = s.cmd.Process.Signal(syscall.SIGCONT) }

// client returns a go-redis client of s, closed when the test ends.
func (s *redisServer) client(t testing.TB) *redis.Client {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: s.Addr, DialTimeout: time.Second})
	t.Cleanup(func() { _ = rdb.Close() })
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("ping %s: %v", s.Addr, err)
	}
	return rdb
}

// TestWithoutRedisServer: without redis-server on PATH a test that needs one skips,
// saying how to install it, and fails instead under $TELNYX_REQUIRE_REDIS.
func TestWithoutRedisServer(t *testing.T) {
	t.Parallel()
	run := func(require string) (string, error) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestFirstAttemptProbesTheWindow$", "-test.v")
		cmd.Env = []string{"PATH=" + t.TempDir(), requireRedis + "=" + require}
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run("")
	if err != nil || !strings.Contains(out, "--- SKIP") || !strings.Contains(out, "apt-get install redis-server") {
		t.Errorf("without redis-server: %v\n%s\nwant a skip saying apt-get install redis-server", err, out)
	}
	out, err = run("1")
	if err == nil || !strings.Contains(out, "--- FAIL") || !strings.Contains(out, "apt-get install redis-server") {
		t.Errorf("without redis-server, %s=1: %v\n%s\nwant a failure saying apt-get install redis-server", requireRedis, err, out)
	}
}
