package telnyx

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// TestREADMEFiguresMatchTheConstants checks the README's figures of the policy, the
// defaults and the caps against the constants that define them, each defined once.
func TestREADMEFiguresMatchTheConstants(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := strings.Join(strings.Fields(string(raw)), " ") // line breaks do not matter
	ms := func(d time.Duration) int64 { return d.Milliseconds() }
	secs := func(d time.Duration) int64 { return int64(d / time.Second) }
	for _, want := range []string{
		fmt.Sprintf("The wait before retry n is %d ms x 2^(n-1), capped at %d s", ms(baseDelay), secs(maxDelay)),
		fmt.Sprintf("A server asking for more than %d s gets the error back", secs(maxServerDelay)),
		fmt.Sprintf("or more than %d s away, fails the call", secs(maxServerDelay)),
		fmt.Sprintf("half the window (at most %d s)", secs(maxReleaseSpread)),
		fmt.Sprintf("%d tokens, a retry costs %d (%d after a timeout), a call that succeeds at once returns %d",
			budgetCapacity, retryCost, timeoutRetryCost, successRefund),
		fmt.Sprintf("the bucket empties after %d retries", budgetCapacity/retryCost),
		fmt.Sprintf("each call first waits one backoff (%d-%d ms)", ms(baseDelay/2), ms(baseDelay)),
		fmt.Sprintf("| `WithMaxRetries(n)` | %d (%d attempts) |", defaultMaxRetries, defaultMaxRetries+1),
		fmt.Sprintf("| `WithTimeout(d)` | %ds |", secs(defaultTimeout)),
		fmt.Sprintf("| `WithPageConcurrency(n)` | %d |", defaultPageConcurrency),
		fmt.Sprintf("| `WithBackoff(initial, max)` | %dms, %ds |", ms(baseDelay), secs(maxDelay)),
		fmt.Sprintf("| `WithRetryBudget(tokens)` | %d |", budgetCapacity),
		fmt.Sprintf("the first %d KiB of the raw `Body`", maxErrorBody>>10),
		fmt.Sprintf("A body over %d MiB is refused", maxBody>>20),
		fmt.Sprintf("over %d MiB, a quarter of the cap", maxBody>>22),
	} {
		if !strings.Contains(readme, want) {
			t.Errorf("README.md does not say %q: update it (or the constant)", want)
		}
	}
}
