package telnyxtest

import (
	"net/http"
	"path"
	"strings"
	"sync"
)

// MinPerKeyKey is the shortest bearer key that opens a world of its own with
// [WithPerKey]; MaxWorlds is how many worlds one [Standalone] holds at most.
const (
	MinPerKeyKey = 8
	MaxWorlds    = 1000
)

// WithPerKey makes a [Standalone] keep one world (sessions, faults, request log,
// clock) per bearer key of [MinPerKeyKey] bytes or more, so test suites sharing one
// fake do not see each other. Every world starts from the same seed ([WithSessions]).
// The key given by [WithAPIKey] (or [DefaultAPIKey]) names the default world, which
// admin calls without a key act on.
func WithPerKey() Option {
	return func(c *config) { c.perKey = true }
}

// Standalone is the fake as roomsessions serve runs it: the API under /v2/ and the admin
// API under [AdminPrefix] on one handler, with CORS, one world or one per key
// ([WithPerKey]). Paths that are not clean ("/v2/room_sessions/../../__admin/reset")
// get 404 and reach neither.
type Standalone struct {
	cfg *config
	def *world

	mu     sync.Mutex
	worlds map[string]*world // by key, with WithPerKey
}

// world is one fake: its API handler and its state.
type world struct {
	h  *handler
	st *State
}

// NewStandalone returns the standalone fake. It panics on an invalid [WithSessions],
// as [State.AddSession] does.
func NewStandalone(opts ...Option) *Standalone {
	cfg := resolveConfig(opts)
	h, st := newWorld(cfg, nil)
	sa := &Standalone{cfg: cfg, def: &world{h: h, st: st}}
	if cfg.perKey {
		sa.worlds = map[string]*world{cfg.apiKey: sa.def}
	}
	return sa
}

// State returns the state of the default world.
func (sa *Standalone) State() *State { return sa.def.st }

// APIKey returns the key of the default world.
func (sa *Standalone) APIKey() string { return sa.cfg.apiKey }

// Close ends the pending fault latencies of every world, so a server can shut down
// without waiting for them.
func (sa *Standalone) Close() {
	sa.def.st.EndLatencies()
	sa.mu.Lock()
	defer sa.mu.Unlock()
	for _, w := range sa.worlds {
		w.st.EndLatencies()
	}
}

// ServeHTTP routes r to the API or the admin API of its world.
func (sa *Standalone) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !cleanPath(r) {
		allowOrigin(w)
		writeError(w, http.StatusNotFound, apiError{Code: codeNotFound, Detail: "The path is not clean (it holds . or .. segments, or //); the fake does not resolve them."})
		return
	}
	admin := r.URL.Path == strings.TrimSuffix(AdminPrefix, "/") || strings.HasPrefix(r.URL.Path, AdminPrefix)
	wd, status, e := sa.world(r)
	if wd == nil {
		if preflight(w, r) {
			return
		}
		allowOrigin(w)
		writeError(w, status, e)
		return
	}
	if admin {
		wd.st.AdminHandler().ServeHTTP(w, r)
		return
	}
	wd.h.ServeHTTP(w, r)
}

// world returns the world r belongs to: the default one, or with WithPerKey the one of
// its bearer key (made on first use). A preflight, which carries no key, goes to the
// default world.
func (sa *Standalone) world(r *http.Request) (*world, int, apiError) {
	if !sa.cfg.perKey {
		return sa.def, 0, apiError{}
	}
	key, ok := bearer(r)
	if !ok || r.Method == http.MethodOptions {
		return sa.def, 0, apiError{} // without a key, the API's own 401 comes from there
	}
	if len(key) < MinPerKeyKey {
		return nil, http.StatusUnauthorized, apiError{Code: codeAuthentication,
			Detail: "With --per-key, a key of at least 8 bytes names a world; this one is shorter."}
	}
	sa.mu.Lock()
	defer sa.mu.Unlock()
	if wd, ok := sa.worlds[key]; ok {
		return wd, 0, apiError{}
	}
	if len(sa.worlds) >= MaxWorlds {
		return nil, http.StatusServiceUnavailable, apiError{Code: codeUnexpected,
			Detail: "The fake holds its maximum of 1000 worlds (one per key); restart it to start over."}
	}
	cfg := *sa.cfg
	cfg.apiKey = key
	h, st := newWorld(&cfg, sa.def.st.seedSessions())
	wd := &world{h: h, st: st}
	sa.worlds[key] = wd
	return wd, 0, apiError{}
}

// seedSessions returns the sessions the state started with.
func (s *State) seedSessions() []Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Session, len(s.seed))
	for i, sess := range s.seed {
		out[i] = cloneSession(sess)
	}
	return out
}

// bearer returns the credential of "Authorization: Bearer KEY".
func bearer(r *http.Request) (string, bool) {
	scheme, cred, found := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	cred = strings.TrimSpace(cred)
	return cred, found && strings.EqualFold(scheme, "Bearer") && cred != ""
}

// cleanPath reports whether r's path, decoded and as sent, is clean: no "." or ".."
// segment and no empty one, so that no path can climb from the API into the admin API.
func cleanPath(r *http.Request) bool {
	for _, p := range []string{r.URL.Path, r.URL.EscapedPath(), r.URL.RawPath} {
		if p == "" {
			continue
		}
		if !strings.HasPrefix(p, "/") || path.Clean(p) != strings.TrimSuffix(p, "/") && p != "/" {
			return false
		}
		low := strings.ToLower(p)
		if strings.Contains(low, "%2e") || strings.Contains(low, "%2f") || strings.Contains(low, "%5c") || strings.Contains(p, `\`) {
			return false
		}
	}
	return true
}

// writeError answers status with the envelope of e.
func writeError(w http.ResponseWriter, status int, e apiError) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(envelope(e))
}
