// Package capture holds test helpers shared by the example programs' tests.
package capture

import (
	"os"
	"testing"
)

// Stdout runs f and returns what it wrote to os.Stdout, which it restores after. The
// tests that use it must not run in parallel with others writing to os.Stdout.
func Stdout(t testing.TB, f func()) string {
	t.Helper()
	tmp, err := os.CreateTemp(t.TempDir(), "stdout")
	if err != nil {
		t.Fatal(err)
	}
	defer tmp.Close()
	saved := os.Stdout
	os.Stdout = tmp
	defer func() { os.Stdout = saved }()
	f()
	b, err := os.ReadFile(tmp.Name())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
