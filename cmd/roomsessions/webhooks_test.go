package main

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/roomsessions/telnyx-go/telnyx"
	"github.com/roomsessions/telnyx-go/telnyx/telnyxtest"
	"github.com/roomsessions/telnyx-go/telnyx/webhook"
)

// listening is a webhooks listen command running in the background.
type listening struct {
	url    string        // where it receives
	stdout <-chan string // line by line
	stderr <-chan string
	done   <-chan struct{}
	code   *int
	cancel context.CancelFunc
}

// pipeLines returns a writer and the channel of the lines written to it.
func pipeLines() (*io.PipeWriter, <-chan string) {
	pr, pw := io.Pipe()
	lines := make(chan string, 100)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	return pw, lines
}

// startListen runs the program with args (which hold webhooks listen) and waits for it
// to say where it receives.
func startListen(t *testing.T, args ...string) *listening {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	outW, out := pipeLines()
	errW, errs := pipeLines()
	done := make(chan struct{})
	code := new(int)
	go func() {
		defer close(done)
		*code = run(ctx, args, envOf(), strings.NewReader(""), outW, errW)
		outW.Close()
		errW.Close()
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	l := &listening{stdout: out, stderr: errs, done: done, code: code, cancel: cancel}
	first := next(t, errs)
	rest, ok := strings.CutPrefix(first, "roomsessions webhooks listen: receiving on ")
	if !ok {
		t.Fatalf("listen said %q", first)
	}
	l.url, _, _ = strings.Cut(rest, " ")
	return l
}

// next returns the next line of lines.
func next(t *testing.T, lines <-chan string) string {
	t.Helper()
	select {
	case l, ok := <-lines:
		if !ok {
			t.Fatal("the output ended")
		}
		return l
	case <-time.After(30 * time.Second):
		t.Fatal("no line within 30s")
	}
	return ""
}

func (l *listening) stop(t *testing.T) int {
	t.Helper()
	l.cancel()
	<-l.done
	return *l.code
}

func TestWebhooksListenPrintsVerifiedEvents(t *testing.T) {
	t.Parallel()
	// The key must be known before listen starts, and the fake's before the fake:
	// a seeded fake has the same key every time.
	probe := telnyxtest.NewServer(telnyxtest.WithSeed(1), telnyxtest.WithWebhooks("http://127.0.0.1:1/"))
	key := probe.WebhookPublicKey()
	probe.Close()

	l := startListen(t, "webhooks", "listen", "--addr", "127.0.0.1:0", "--public-key", key)
	if h := next(t, l.stdout); !strings.HasPrefix(h, "OCCURRED_AT") || !strings.Contains(h, "PARTICIPANT") {
		t.Fatalf("header %q", h)
	}
	fake := newServer(t, telnyxtest.WithSeed(1), telnyxtest.WithWebhooks(l.url+"hooks"),
		telnyxtest.WithClock(func() time.Time { return time.Date(2026, 3, 26, 17, 51, 59, 0, time.UTC) }))
	s := fake.AddSession(telnyxtest.Session{Active: true, Participants: []telnyxtest.Participant{{Context: "Alice"}}})
	if err := fake.Client().RoomSessions.Kick(t.Context(), s.ID, telnyx.AllParticipants()); err != nil {
		t.Fatal(err)
	}
	if err := fake.WaitWebhooks(t.Context()); err != nil {
		t.Fatal(err)
	}
	pid := s.Participants[0].ID
	for _, want := range [][]string{
		{"2026-03-26T17:51:59.000000Z", "session.started", s.ID, "-", "room=" + s.RoomID},
		{"2026-03-26T17:51:59.000000Z", "participant.joined", s.ID, pid, "context=Alice"},
		{"2026-03-26T17:51:59.000000Z", "participant.left", s.ID, pid, "context=Alice left_reason=kicked"},
	} {
		got := strings.Fields(next(t, l.stdout))
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("row %q, want %q", got, want)
		}
	}
	if code := l.stop(t); code != 0 {
		t.Errorf("exit %d after Ctrl-C, want 0", code)
	}
}

func TestWebhooksListenJSONLAndRejections(t *testing.T) {
	t.Parallel()
	priv := ed25519.NewKeyFromSeed([]byte("a seed for the listen test, 32 b"))
	other := ed25519.NewKeyFromSeed([]byte("another seed, not the listener's"))
	pub := base64.StdEncoding.EncodeToString(priv.Public().(ed25519.PublicKey))
	l := startListen(t, "webhooks", "listen", "--addr", "127.0.0.1:0", "--public-key", pub, "-o", "jsonl")

	post := func(body string, h http.Header) int {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, l.url+"x", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header = h
		resp, err := ownClient(t).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	body := `{"data":{"record_type":"event","event_type":"video.room.session.ended","id":"e1","occurred_at":"2026-03-26T17:51:59.5Z","payload":{"session_id":"s1","duration_secs":67}},"meta":{"attempt":2,"delivered_to":"https://x"}}`
	if code := post(body, webhook.Sign(other, []byte(body), time.Now())); code != http.StatusUnauthorized {
		t.Errorf("signed by another key: %d", code)
	}
	if line := next(t, l.stderr); !strings.Contains(line, "rejected a delivery") || !strings.Contains(line, "invalid signature") {
		t.Errorf("stderr %q", line)
	}
	if code := post(body, webhook.Sign(priv, []byte(body), time.Now().Add(-time.Hour))); code != http.StatusUnauthorized {
		t.Errorf("an hour old: %d", code)
	}
	if line := next(t, l.stderr); !strings.Contains(line, "outside the tolerance") {
		t.Errorf("stderr %q", line)
	}
	for range 2 { // the redelivery is acknowledged, not printed
		if code := post(body, webhook.Sign(priv, []byte(body), time.Now())); code != http.StatusOK {
			t.Errorf("signed: %d", code)
		}
	}
	unknown := `{"data":{"event_type":"video.room.composition.failed","id":"e2","payload":{"why":"disk"}}}`
	if code := post(unknown, webhook.Sign(priv, []byte(unknown), time.Now())); code != http.StatusOK {
		t.Errorf("unknown type: %d", code)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(next(t, l.stdout)), &got); err != nil {
		t.Fatal(err)
	}
	want := `map[attempt:2 delivered_to:https://x event_type:video.room.session.ended id:e1 occurred_at:2026-03-26T17:51:59.500000Z payload:map[duration_secs:67 session_id:s1]]`
	if g := strings.ReplaceAll(fmt.Sprint(got), "\n", ""); g != want {
		t.Errorf("line %s\nwant %s", g, want)
	}
	if line := next(t, l.stdout); !strings.Contains(line, `"event_type":"video.room.composition.failed"`) || !strings.Contains(line, `"payload":{"why":"disk"}`) {
		t.Errorf("unknown event line %s", line)
	}
}

func TestWebhooksListenUsage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"webhooks", "listen"}, "missing --public-key"},
		{[]string{"webhooks", "listen", "--public-key", "abc"}, "invalid --public-key: public key 1 is not standard base64"},
		{[]string{"webhooks", "listen", "--public-key", "AAAA"}, "public key 1 is 3 bytes"},
		{[]string{"webhooks", "listen", "--public-key", "x", "-o", "json"}, "-o table or -o jsonl"},
		{[]string{"webhooks"}, "missing webhooks command"},
		{[]string{"webhooks", "lisen"}, `unknown webhooks command "lisen"`},
		{[]string{"serve", "--webhook-url", "localhost:8080"}, "invalid --webhook-url"},
	} {
		r := runEnv(t, envOf(), "", tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}

func TestWebhooksListenAddressInUse(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	priv := ed25519.NewKeyFromSeed(make([]byte, 32))
	r := runEnv(t, envOf(), "", "webhooks", "listen", "--addr", ln.Addr().String(), "--public-key", base64.StdEncoding.EncodeToString(priv.Public().(ed25519.PublicKey)))
	if r.code != 1 || !strings.Contains(r.stderr, "address already in use") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestServeWebhooksToListen runs serve --webhook-url and webhooks listen with the key
// serve prints: a session added through the admin API reaches listen, verified.
func TestServeWebhooksToListen(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // listen takes the port; serve only needs its URL, and retries until it answers
	s := startServe(t, "serve", "--addr", "127.0.0.1:0", "--webhook-url", "http://"+addr+"/hooks")
	base := s.waitLine(t, "export TELNYX_BASE_URL=")
	key := s.waitLine(t, "export TELNYX_PUBLIC_KEY=")
	l := startListen(t, "webhooks", "listen", "--addr", addr, "--public-key", key, "-o", "jsonl")
	admin := strings.TrimSuffix(base, "/v2") + "/__admin"
	resp, err := ownClient(t).Post(admin+"/sessions", "application/json", strings.NewReader(`{"participants":[{"context":"Alice"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = ownClient(t).Post(admin+"/webhooks/wait", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("wait: %s", resp.Status)
	}
	for _, want := range []string{`"event_type":"video.room.session.started"`, `"event_type":"video.room.participant.joined"`} {
		if line := next(t, l.stdout); !strings.Contains(line, want) {
			t.Errorf("line %s, want %s", line, want)
		}
	}
}

func TestWebhooksListenNoHeaders(t *testing.T) {
	t.Parallel()
	priv := ed25519.NewKeyFromSeed([]byte("a seed for the listen test, 32 b"))
	pub := base64.StdEncoding.EncodeToString(priv.Public().(ed25519.PublicKey))
	l := startListen(t, "webhooks", "listen", "--addr", "127.0.0.1:0", "--public-key", pub, "--no-headers")
	body := `{"data":{"event_type":"video.room.recording.completed","id":"r1","occurred_at":"2026-03-26T17:51:59Z","payload":{"session_id":"s","participant_id":"p","recording_id":"rec","type":"audio","size_mb":1.5,"duration_secs":9}},"meta":{"attempt":3}}`
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, l.url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = webhook.Sign(priv, []byte(body), time.Now())
	resp, err := ownClient(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	got := strings.Join(strings.Fields(next(t, l.stdout)), " ")
	want := "2026-03-26T17:51:59.000000Z recording.completed s p recording=rec type=audio duration_secs=9 size_mb=1.5 attempt=3"
	if got != want {
		t.Errorf("first line %q, want %q (no header)", got, want)
	}
}

// TestGenericColumns covers the columns of an event type generated after eventColumns
// was written, through a type it knows.
func TestGenericColumns(t *testing.T) {
	t.Parallel()
	s, p, pairs := genericColumns(&webhook.RecordingStarted{SessionID: "s", ParticipantID: "p", RecordingID: "r", Type: webhook.RecordingTypeAudio})
	if s != "s" || p != "p" || strings.Join(pairs, " ") != "recording_id=r type=audio" {
		t.Fatalf("%q %q %q", s, p, pairs)
	}
}

// TestServeWebhookKeyInJSON checks that serve -o json announces the webhook URL and a
// public key that webhook.NewVerifier accepts, and leaves both out without --webhook-url.
func TestServeWebhookKeyInJSON(t *testing.T) {
	t.Parallel()
	for _, hooks := range []bool{true, false} {
		args := []string{"-o", "jsonl", "serve", "--addr", "127.0.0.1:0"}
		if hooks {
			args = append(args, "--webhook-url", "http://127.0.0.1:1/hooks")
		}
		s := startServe(t, args...)
		line := s.waitLine(t, "{")
		var ann map[string]any
		if err := json.Unmarshal([]byte("{"+line), &ann); err != nil {
			t.Fatal(err)
		}
		key, hasKey := ann["webhook_public_key"].(string)
		if hooks {
			if _, err := webhook.NewVerifier(key); err != nil || ann["webhook_url"] != "http://127.0.0.1:1/hooks" {
				t.Errorf("announcement %v: %v", ann, err)
			}
		} else if hasKey || ann["webhook_url"] != nil {
			t.Errorf("announcement without --webhook-url: %v", ann)
		}
		if code := s.stop(t); code != 0 {
			t.Errorf("exit %d", code)
		}
	}
}
