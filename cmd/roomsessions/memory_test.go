//go:build unix

package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// Memory of list --all: the target, and the data set it is measured on.
const (
	memorySessions     = 20000
	memoryParticipants = 3
	memoryLimitMB      = 60
)

// TestStreamingMemory runs the built program over 20,000 sessions with 3 participants
// each (80 pages of 250) and checks its peak resident memory, read from the child's
// rusage: it must stay flat in the number of pages, under 60 MB. The output is read
// as it comes and checked to be one valid JSON document with every session.
//
// The figure in the README comes from this test: go test -run TestStreamingMemory -v ./cmd/roomsessions
func TestStreamingMemory(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("20,000 sessions take a few seconds to serve; run without -short")
	}
	// The fake runs in its own process, from a seed file, so that serving the pages
	// costs no race-detector time here.
	sessions := make([]telnyxtest.Session, memorySessions)
	for i := range sessions {
		sessions[i].Active = true
		sessions[i].Participants = make([]telnyxtest.Participant, memoryParticipants)
		for j := range sessions[i].Participants {
			sessions[i].Participants[j].Context = "participant with a context of some length"
		}
	}
	seed, err := json.Marshal(sessions)
	if err != nil {
		t.Fatal(err)
	}
	seedFile := filepath.Join(t.TempDir(), "sessions.json")
	if err := os.WriteFile(seedFile, seed, 0o600); err != nil {
		t.Fatal(err)
	}
	_, ann := startServeBinary(t, "--seed", seedFile, "--api-key", testKey)
	if ann.Sessions != memorySessions {
		t.Fatalf("serve seeded %d sessions, want %d", ann.Sessions, memorySessions)
	}
	srv := strings.TrimSuffix(ann.BaseURL, "/v2")

	env := []string{"TELNYX_BASE_URL=" + srv + "/v2", "TELNYX_API_KEY=" + testKey}

	// Output the test cannot parse fails it at once: the program, blocked on a pipe
	// nobody reads any more, must not hang the test until its timeout.
	if _, err := rssOf(t, env, func(io.Reader) error { return errors.New("unparsable output") },
		"list", "--all", "--participants", "-o", formatJSONL); err == nil || !strings.Contains(err.Error(), "unparsable output") {
		t.Fatalf("a read that fails: %v, want its error", err)
	}

	// The floor: what the program takes to do nothing (print its version) under the
	// same measurement.
	floor := measureRSS(t, nil, func(r io.Reader) error { _, err := io.Copy(io.Discard, r); return err }, "--version")
	t.Logf("roomsessions --version: max RSS %.1f MB", floor)

	for _, format := range []string{formatJSON, formatJSONL, formatTable} {
		var n int
		mb := measureRSS(t, env, func(out io.Reader) error {
			switch format {
			case formatJSON:
				var doc struct {
					Data []json.RawMessage `json:"data"`
				}
				if err := json.NewDecoder(out).Decode(&doc); err != nil {
					return fmt.Errorf("-o json: %w", err)
				}
				n = len(doc.Data)
			default:
				sc := bufio.NewScanner(out)
				for sc.Scan() {
					n++
				}
				if err := sc.Err(); err != nil {
					return fmt.Errorf("-o %s: %w", format, err)
				}
				if format == formatTable {
					n -= 2 // header and footer
				}
			}
			return nil
		}, "list", "--all", "--participants", "-o", format)
		if n != memorySessions {
			t.Errorf("-o %s: %d sessions, want %d", format, n, memorySessions)
		}
		t.Logf("list --all --participants -o %s: %d sessions x %d participants, max RSS %.1f MB", format, n, memoryParticipants, mb)
		if mb > memoryLimitMB {
			t.Errorf("-o %s: max RSS %.1f MB, want <= %d MB", format, mb, memoryLimitMB)
		}
	}
}

// measureRSS runs the built program with args and env, gives its stdout to read, and
// returns its max RSS in MB. When read fails (output it cannot parse), the test fails at
// once: the pipe is closed, so the program stops at its next write instead of blocking
// on a pipe nobody reads, and the helper is killed. The program runs under a fresh copy of this test binary:
// Linux counts, in a child's max RSS, its parent's peak at the time of the fork, and
// this process is bigger than the program. The figure is an upper bound: it includes
// the fresh copy's own small peak.
func measureRSS(t *testing.T, env []string, read func(io.Reader) error, args ...string) float64 {
	t.Helper()
	mb, err := rssOf(t, env, read, args...)
	if err != nil {
		t.Fatal(err)
	}
	return mb
}

// rssOf is measureRSS, returning its failure.
func rssOf(t *testing.T, env []string, read func(io.Reader) error, args ...string) (float64, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append([]string{rssHelperEnv + "=" + strings.Join(append([]string{binary(t)}, args...), "\x1f")}, env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	if err := read(out); err != nil {
		_ = out.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return 0, fmt.Errorf("%q: reading its output: %w\nstderr:\n%s", args, err, stderr.String())
	}
	if _, err := io.Copy(io.Discard, out); err != nil { // what read left, so the program never blocks
		return 0, fmt.Errorf("%q: reading its output: %w", args, err)
	}
	if err := cmd.Wait(); err != nil {
		return 0, fmt.Errorf("%q: %w\n%s", args, err, stderr.String())
	}
	_, rss, found := strings.Cut(stderr.String(), "maxrss-bytes=")
	if !found {
		return 0, fmt.Errorf("no max RSS reported: %s", stderr.String())
	}
	bytes, err := strconv.ParseInt(strings.TrimSpace(rss), 10, 64)
	if err != nil {
		return 0, err
	}
	return float64(bytes) / (1 << 20), nil
}

// rssHelperEnv, when set, makes the test binary run the command line it holds
// (arguments separated by the unit separator, 0x1f) with the same stdout, and then
// write its max RSS to stderr as "maxrss-bytes=N".
const rssHelperEnv = "ROOMSESSIONS_TEST_RSS_OF"

// rssHelper runs args and reports its max RSS; it returns the exit status.
func rssHelper(args []string) int {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, rssHelperEnv+"=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		fmt.Fprintln(os.Stderr, "no rusage")
		return 1
	}
	fmt.Fprintf(os.Stderr, "maxrss-bytes=%d\n", maxRSSBytes(ru))
	return 0
}

// maxRSSBytes returns the peak resident set size of ru in bytes: Linux reports it in
// KiB, macOS in bytes.
func maxRSSBytes(ru *syscall.Rusage) int64 {
	if runtime.GOOS == "darwin" {
		return int64(ru.Maxrss)
	}
	return int64(ru.Maxrss) * 1024
}
