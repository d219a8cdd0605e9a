package specinfo

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// PublicSpecEnv names the variable that points at the public Telnyx spec fragment. CI sets
// it, so a missing file fails there instead of skipping.
const PublicSpecEnv = "TELNYX_PUBLIC_SPEC"

// publicSpecFile is where the fragment lives in a shared folder above the repository.
const publicSpecFile = "telnyx-openapi-room-sessions.yaml"

// ErrNoPublicSpec reports that the public spec is not available: $TELNYX_PUBLIC_SPEC is
// unset and no shared/reference folder above the repository holds it (users' clones).
var ErrNoPublicSpec = errors.New("the public Telnyx spec is not available: set " + PublicSpecEnv +
	" or keep shared/reference/" + publicSpecFile + " in a folder above the repository")

// PublicSpec reads the public Telnyx document from $TELNYX_PUBLIC_SPEC, or else from
// shared/reference in a folder above the repository, and rewrites its 3.1.0 header to
// 3.0.3 (it uses nothing of 3.1). When the variable is set, a missing file is an error,
// not ErrNoPublicSpec.
func PublicSpec() ([]byte, error) {
	path := os.Getenv(PublicSpecEnv)
	if path == "" {
		path = findUpward()
		if path == "" {
			return nil, ErrNoPublicSpec
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s=%s: %w", PublicSpecEnv, path, err)
	}
	return bytes.Replace(data, []byte("openapi: 3.1.0"), []byte("openapi: 3.0.3"), 1), nil
}

// findUpward returns the fragment's path in the nearest shared/reference above the
// repository, or "".
func findUpward() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return ""
	}
	repo := filepath.Dir(filepath.Dir(filepath.Dir(file))) // internal/specinfo/public.go
	for dir := filepath.Dir(repo); ; dir = filepath.Dir(dir) {
		candidate := filepath.Join(dir, "shared", "reference", publicSpecFile)
		if _, err := os.Stat(candidate); err == nil {
			return candidate
		}
		if dir == filepath.Dir(dir) {
			return ""
		}
	}
}

// RequirePublicSpec returns the public spec for a test: it skips the test, with a message,
// when the spec is not available, and fails it when $TELNYX_PUBLIC_SPEC is set but cannot
// be read.
func RequirePublicSpec(t testing.TB) []byte {
	t.Helper()
	data, err := PublicSpec()
	if errors.Is(err, ErrNoPublicSpec) {
		t.Skipf("skipping the check against the public Telnyx spec: %v", err)
	}
	if err != nil {
		t.Fatalf("the public Telnyx spec: %v", err)
	}
	return data
}
