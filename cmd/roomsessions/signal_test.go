//go:build unix

package main

import (
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeStopsOnSignal runs serve as main does, with a context that SIGINT and
// SIGTERM cancel, and sends the test process each signal. It is not parallel: the
// signal goes to the whole process, and no other test may be listening for it then.
func TestServeStopsOnSignal(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			pr, pw := io.Pipe()
			stderr := &lockedBuffer{}
			done := make(chan int, 1)
			go func() {
				code := runWithSignals([]string{"serve", "--addr", "127.0.0.1:0"}, envOf(), strings.NewReader(""), pw, stderr)
				pw.Close()
				done <- code
			}()
			// The URL is printed after the signal handler is installed.
			base := readURL(t, pr)
			go func() { _, _ = io.Copy(io.Discard, pr) }()
			resp, _ := get(t, base+"/room_sessions", "KEY_telnyxtest")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET /v2/room_sessions: %s", resp.Status)
			}
			if err := syscall.Kill(syscall.Getpid(), sig); err != nil {
				t.Fatal(err)
			}
			select {
			case code := <-done:
				if code != exitOK {
					t.Errorf("exit status %d after %s, want 0; stderr:\n%s", code, sig, stderr)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("serve did not stop within 10s of %s", sig)
			}
		})
	}
}

// readURL reads serve's stdout up to its base URL line and returns the URL.
func readURL(t *testing.T, r io.Reader) string {
	t.Helper()
	var line []byte
	b := make([]byte, 1)
	for {
		if _, err := r.Read(b); err != nil {
			t.Fatalf("serve's stdout ended before the URL: %v", err)
		}
		if b[0] != '\n' {
			line = append(line, b[0])
			continue
		}
		if url, ok := strings.CutPrefix(string(line), "export TELNYX_BASE_URL="); ok {
			return url
		}
		line = line[:0]
	}
}
