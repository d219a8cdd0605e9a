package telnyxtest

import (
	"bufio"
	"fmt"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// Cut says whether and where a [Fault] cuts the connection.
type Cut int

const (
	// NoCut sends the whole answer.
	NoCut Cut = iota
	// CutBeforeResponse closes the connection without sending anything.
	CutBeforeResponse
	// CutMidBody sends the status, the headers with a Content-Length of the whole body,
	// then half of the body, and closes the connection.
	CutMidBody
)

// String returns the constant's name.
func (c Cut) String() string {
	switch c {
	case NoCut:
		return "NoCut"
	case CutBeforeResponse:
		return "CutBeforeResponse"
	case CutMidBody:
		return "CutMidBody"
	}
	return "Cut(" + strconv.Itoa(int(c)) + ")"
}

// Fault scripts a failure for matching requests; see [State.Fail] and "Faults" in the
// package documentation.
type Fault struct {
	// Method matches the request method; empty matches any.
	Method string
	// Path matches the request path, including /v2, with [path.Match] syntax: "*" stands
	// for one path segment, as in "/v2/room_sessions/*/actions/*". Empty matches any.
	Path string

	// Status, when not zero, is the answer: the request never reaches the fake's state
	// and gets this status with Header and Body. When zero, the request is served as
	// usual (its changes happen) and the rest of the Fault alters that answer.
	Status int
	// Header is added to the answer, replacing headers of the same name
	// (for example Retry-After or x-ratelimit-reset).
	Header http.Header
	// Body is the answer's body when Status is set. Empty gives the Telnyx error envelope
	// for Status (429: code 10011, 500: 10007, and so on) or, below 400, an empty body.
	Body string
	// Latency delays the answer. The wait ends early when the client goes away or the
	// server closes.
	Latency time.Duration
	// Cut cuts the connection before or in the middle of the answer.
	Cut Cut
	// MalformedJSON sends only the first half of the body, with a Content-Length that
	// matches, so the answer is complete but its JSON is not.
	MalformedJSON bool

	// Times is how many matching requests the fault applies to; 0 means all of them.
	Times int
}

// fault is a registered Fault and how many more requests it applies to.
type fault struct {
	Fault
	left int // -1: forever
}

// Fail registers f. Faults apply in the order they were registered: a request gets the
// first one that matches and has uses left. Fail panics on a negative Times or Latency, an
// unknown Cut, a Status outside 100..999 or a malformed Path pattern.
func (s *State) Fail(f Fault) {
	if f.Times < 0 || f.Latency < 0 || f.Cut < NoCut || f.Cut > CutMidBody {
		panic(fmt.Sprintf("telnyxtest: Fail: invalid fault %+v", f))
	}
	if _, err := path.Match(f.Path, ""); err != nil {
		panic(fmt.Sprintf("telnyxtest: Fail: invalid Path pattern %q: %v", f.Path, err))
	}
	if f.Status != 0 && (f.Status < 100 || f.Status > 999) {
		panic(fmt.Sprintf("telnyxtest: Fail: invalid Status %d", f.Status))
	}
	f.Header = f.Header.Clone()
	left := f.Times
	if left == 0 {
		left = -1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{Fault: f, left: left})
}

// matchFaultLocked returns the fault that applies to r, using it up, or nil.
func (s *State) matchFaultLocked(r *http.Request) *Fault {
	for i, f := range s.faults {
		if f.Method != "" && !strings.EqualFold(f.Method, r.Method) {
			continue
		}
		if f.Path != "" {
			if m, _ := path.Match(f.Path, r.URL.Path); !m {
				continue
			}
		}
		out := f.Fault
		if f.left > 0 {
			f.left--
			if f.left == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return &out
	}
	return nil
}

// faultResponse is the answer of a fault with a Status.
func faultResponse(f *Fault) response {
	resp := response{status: f.Status, body: []byte(f.Body)}
	if f.Body == "" && f.Status >= 400 {
		resp.body = envelope(apiError{Code: defaultCode(f.Status), Detail: "Injected by telnyxtest.Fault."})
	}
	if f.Status == http.StatusTooManyRequests {
		resp.header = http.Header{"X-Ratelimit-Remaining": {"0"}}
	}
	return resp
}

// wait sleeps for d, or less if the request's context ends or the server closes.
func (h *handler) wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-h.state.done:
		return false
	}
}

// cutBeforeResponse closes the connection without answering.
func cutBeforeResponse(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// HTTP/2 or a writer that cannot hijack: net/http closes the stream without
		// logging when a handler panics with ErrAbortHandler.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close() // the point is to close it; its error changes nothing
}

// cutMidBody sends status and header, announces the whole body but sends half of it, and
// closes the connection.
func cutMidBody(w http.ResponseWriter, status int, header http.Header, body []byte) {
	declared := max(len(body), 1)
	sent := body[:len(body)/2]
	header.Set("Content-Length", strconv.Itoa(declared))
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		for k, v := range header {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		_, _ = w.Write(sent)
		_ = http.NewResponseController(w).Flush()
		panic(http.ErrAbortHandler)
	}
	writeRaw(rw.Writer, status, header, sent)
	_ = conn.Close() // cutting the connection is the point; how it closes does not matter
}

// writeRaw writes an HTTP/1.1 answer head and the bytes of body on a hijacked connection.
// Write errors are ignored: the connection is being cut anyway.
func writeRaw(bw *bufio.Writer, status int, header http.Header, body []byte) {
	_, _ = fmt.Fprintf(bw, "HTTP/1.1 %03d %s\r\n", status, http.StatusText(status))
	_ = header.Write(bw)
	_, _ = bw.WriteString("Connection: close\r\n\r\n")
	_, _ = bw.Write(body)
	_ = bw.Flush()
}
