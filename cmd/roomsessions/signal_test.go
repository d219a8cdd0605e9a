//go:build unix

package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"

	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
)

// gatedServer is the fake API behind a gate: page 1 of every list is answered at
// once, later pages only once open is closed (or the client has gone).
type gatedServer struct {
	*telnyxtest.State
	URL  string
	open chan struct{}
	env  []string // TELNYX_BASE_URL and TELNYX_API_KEY for the program
}

// newGatedServer starts a gated fake holding n sessions with participants.
func newGatedServer(t *testing.T, n, participants int) *gatedServer {
	t.Helper()
	h, st := telnyxtest.NewHandler(telnyxtest.WithAPIKey(testKey), telnyxtest.WithoutRequestLog())
	g := &gatedServer{State: st, open: make(chan struct{})}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n := r.URL.Query().Get("page[number]"); n != "" && n != "1" {
			select {
			case <-g.open:
			case <-r.Context().Done():
				return
			}
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	t.Cleanup(st.EndLatencies)
	g.URL = ts.URL + "/v2"
	g.env = []string{"TELNYX_BASE_URL=" + g.URL, "TELNYX_API_KEY=" + testKey}
	for range n {
		ps := make([]telnyxtest.Participant, participants)
		st.AddSession(telnyxtest.Session{Active: true, Participants: ps})
	}
	return g
}

// readFirstPage reads the lines that the first page of two sessions gives in format.
func readFirstPage(t *testing.T, p *process, format string) []string {
	t.Helper()
	var lines []string
	switch format {
	case formatTable:
		for range 3 { // the header and two rows
			lines = append(lines, p.line(t))
		}
	case formatJSONL:
		for range 2 {
			lines = append(lines, p.line(t))
		}
	case formatJSON:
		// The second object ends the first page; the comma after it waits for the third.
		var b strings.Builder
		for strings.Count(b.String(), `"id"`) < 2 || !strings.HasSuffix(b.String(), "\n    }") {
			c, err := p.stdout.ReadByte()
			if err != nil {
				t.Fatalf("stdout ended (%v) after %q; stderr:\n%s", err, b.String(), p.stderr)
			}
			b.WriteByte(c)
		}
		lines = strings.Split(b.String(), "\n")
	}
	return lines
}

// TestSignals interrupts list --all while it waits for its second page: the program
// has written the first page already (so a pipe sees it), stops at once and exits
// 130 on SIGINT or 143 on SIGTERM. serve stops cleanly and exits 0 on either.
func TestSignals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		format string
		sig    syscall.Signal
		want   int
	}{
		{formatTable, syscall.SIGINT, exitSIGINT},
		{formatJSONL, syscall.SIGINT, exitSIGINT},
		{formatJSON, syscall.SIGTERM, exitSIGTERM},
		{formatTable, syscall.SIGTERM, exitSIGTERM},
	}
	for _, tt := range tests {
		t.Run(tt.format+" "+tt.sig.String(), func(t *testing.T) {
			t.Parallel()
			srv := newGatedServer(t, 5, 0)
			p := start(t, srv.env, "list", "--all", "--page-size", "2", "-o", tt.format)
			first := readFirstPage(t, p, tt.format)
			if err := p.cmd.Process.Signal(tt.sig); err != nil {
				t.Fatal(err)
			}
			if code := p.wait(t); code != tt.want {
				t.Errorf("exit status %d after %s, want %d; stderr:\n%s", code, tt.sig, tt.want, p.stderr)
			}
			name := map[syscall.Signal]string{syscall.SIGINT: "SIGINT", syscall.SIGTERM: "SIGTERM"}[tt.sig]
			if want := "roomsessions list: interrupted by " + name + "\n"; !strings.HasSuffix(p.stderr.String(), want) {
				t.Errorf("stderr does not say it was interrupted:\n%s", p.stderr)
			}
			if strings.Contains(p.rest.String(), `"id"`) || strings.Count(p.rest.String(), "\n") > 1 {
				t.Errorf("more output after the signal than the first page:\n%s\n%s", strings.Join(first, "\n"), p.rest.String())
			}
		})
	}

	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run("serve "+sig.String(), func(t *testing.T) {
			t.Parallel()
			p := start(t, nil, "serve", "--addr", "127.0.0.1:0")
			for !strings.HasPrefix(p.line(t), "export TELNYX_API_KEY=") {
			}
			if err := p.cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if code := p.wait(t); code != exitOK {
				t.Errorf("serve exited %d after %s, want 0; stderr:\n%s", code, sig, p.stderr)
			}
			if !strings.Contains(p.stderr.String(), "roomsessions serve: stopped") {
				t.Errorf("stderr does not say serve stopped:\n%s", p.stderr)
			}
		})
	}
}

// interruptSignal is what Ctrl-C sends.
const interruptSignal = syscall.SIGINT

// TestStreaming checks that list --all writes the first page before the second has
// come, in every format (the second page is held back until the test has read the
// first), and that the whole output is then complete and well formed.
func TestStreaming(t *testing.T) {
	t.Parallel()
	for _, format := range []string{formatTable, formatJSON, formatJSONL} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			srv := newGatedServer(t, 5, 1)
			p := start(t, srv.env, "list", "--all", "--page-size", "2", "--participants", "-o", format)
			first := readFirstPage(t, p, format)
			close(srv.open)
			if code := p.wait(t); code != exitOK {
				t.Fatalf("exit status %d; stderr:\n%s", code, p.stderr)
			}
			all := strings.Join(first, "\n")
			if format != formatJSON {
				all += "\n" // the lines read had their newlines removed
			}
			all += p.rest.String()
			switch format {
			case formatTable:
				if !strings.HasSuffix(all, "\n5 results\n") || strings.Count(all, "\n") != 7 {
					t.Errorf("table:\n%s", all)
				}
			case formatJSONL:
				lines := append(first, strings.Split(strings.TrimSuffix(p.rest.String(), "\n"), "\n")...)
				if len(lines) != 5 {
					t.Errorf("%d lines, want 5:\n%s", len(lines), all)
				}
				for _, l := range lines {
					if !json.Valid([]byte(l)) {
						t.Errorf("line %q is not JSON", l)
					}
				}
			case formatJSON:
				var doc struct {
					Data []struct {
						ID           string            `json:"id"`
						Participants []json.RawMessage `json:"participants"`
					} `json:"data"`
				}
				if err := json.Unmarshal([]byte(all), &doc); err != nil {
					t.Fatalf("not one JSON document: %v\n%s", err, all)
				}
				if len(doc.Data) != 5 || len(doc.Data[4].Participants) != 1 {
					t.Errorf("document %s", all)
				}
			}
		})
	}
}
