package webhook_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestStandardLibraryOnly checks that package webhook (not its tests) depends on the
// standard library alone, so users can verify webhooks without the rest of the module's
// dependencies.
func TestStandardLibraryOnly(t *testing.T) {
	t.Parallel()
	out, err := exec.CommandContext(t.Context(), "go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		if p != "github.com/roomsessions/telnyx-go/telnyx/webhook" {
			t.Errorf("package webhook depends on %s, which is not in the standard library", p)
		}
	}
}
