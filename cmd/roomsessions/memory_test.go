//go:build unix

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
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
	h, st := telnyxtest.NewHandler(telnyxtest.WithAPIKey(testKey), telnyxtest.WithoutRequestLog())
	for range memorySessions {
		ps := make([]telnyxtest.Participant, memoryParticipants)
		for i := range ps {
			ps[i].Context = "participant with a context of some length"
		}
		st.AddSession(telnyxtest.Session{Active: true, Participants: ps})
	}
	srv := newHTTPServer(t, h)

	for _, format := range []string{formatJSON, formatJSONL, formatTable} {
		// The program runs under a fresh copy of this test binary: Linux counts, in a
		// child's max RSS, the parent's peak at the time of the fork, and this process
		// holds the 20,000 sessions of the fake.
		cmd := exec.Command(os.Args[0])
		cmd.Env = []string{
			rssHelperEnv + "=" + strings.Join([]string{binary(t), "list", "--all", "--participants", "-o", format}, "\x1f"),
			"TELNYX_BASE_URL=" + srv + "/v2", "TELNYX_API_KEY=" + testKey,
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		n := 0
		switch format {
		case formatJSON:
			var doc struct {
				Data []json.RawMessage `json:"data"`
			}
			if err := json.NewDecoder(out).Decode(&doc); err != nil {
				t.Fatalf("-o json: %v", err)
			}
			n = len(doc.Data)
		default:
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				n++
			}
			if format == formatTable {
				n -= 2 // header and footer
			}
		}
		if err := cmd.Wait(); err != nil {
			t.Fatalf("-o %s: %v\n%s", format, err, stderr.String())
		}
		_, rss, found := strings.Cut(stderr.String(), "maxrss-bytes=")
		if !found {
			t.Fatalf("no max RSS reported: %s", stderr.String())
		}
		bytes, err := strconv.ParseInt(strings.TrimSpace(rss), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		mb := float64(bytes) / (1 << 20)
		if n != memorySessions {
			t.Errorf("-o %s: %d sessions, want %d", format, n, memorySessions)
		}
		t.Logf("list --all --participants -o %s: %d sessions x %d participants, max RSS %.1f MB", format, n, memoryParticipants, mb)
		if mb > memoryLimitMB {
			t.Errorf("-o %s: max RSS %.1f MB, want <= %d MB", format, mb, memoryLimitMB)
		}
	}
}

// rssHelperEnv, when set, makes the test binary run the command line it holds
// (arguments separated by the unit separator, 0x1f) with the same stdout, and then write its max RSS to
// stderr as "maxrss-bytes=N".
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
