package capture_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/roomsessions/telnyx-go/internal/capture"
)

func TestStdout(t *testing.T) {
	saved := os.Stdout
	got := capture.Stdout(t, func() { fmt.Println("hello") })
	if got != "hello\n" {
		t.Errorf("captured %q, want %q", got, "hello\n")
	}
	if os.Stdout != saved {
		t.Error("os.Stdout was not restored")
	}
}
