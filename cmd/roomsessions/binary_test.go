//go:build unix

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The tests in *binary*_test.go run the built program, as users do: flags, signals,
// streaming, memory and the admin API are about the binary, not about run().

// builtBinary builds the program once per test binary, on first use, into a temporary
// directory that TestMain removes.
var builtBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "roomsessions-test-")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "roomsessions")
	out, err := exec.Command("go", "build", "-o", path, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return path, nil
})

func TestMain(m *testing.M) {
	if cmdline := os.Getenv(rssHelperEnv); cmdline != "" {
		os.Exit(rssHelper(strings.Split(cmdline, "\x1f")))
	}
	code := m.Run()
	if path, err := builtBinary(); err == nil {
		os.RemoveAll(filepath.Dir(path))
	}
	os.Exit(code)
}

// binary returns the path of the built program.
func binary(t *testing.T) string {
	t.Helper()
	path, err := builtBinary()
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// process is the built program running in the background.
type process struct {
	cmd    *exec.Cmd
	stdout *bufio.Reader
	stderr *lockedBuffer
	done   chan struct{} // closed once it has exited and stdout was read to its end
	rest   bytes.Buffer  // stdout after what the test read line by line, once done
}

// start runs the built program with args and the environment env (KEY=value), and
// kills it when the test ends if it is still running.
func start(t *testing.T, env []string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, stdout: bufio.NewReader(stdout), stderr: &lockedBuffer{}, done: make(chan struct{})}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return p
}

// line reads the next line of stdout, without its newline, failing the test at EOF.
func (p *process) line(t *testing.T) string {
	t.Helper()
	s, err := p.stdout.ReadString('\n')
	if err != nil {
		t.Fatalf("stdout ended (%v) after %q; stderr:\n%s", err, s, p.stderr)
	}
	return strings.TrimSuffix(s, "\n")
}

// wait reads the rest of stdout, waits for the program to exit and returns its exit
// status. It fails the test if the program does not exit within a minute.
func (p *process) wait(t *testing.T) int {
	t.Helper()
	exited := make(chan error, 1)
	go func() {
		_, _ = io.Copy(&p.rest, p.stdout)
		exited <- p.cmd.Wait()
	}()
	select {
	case <-exited:
	case <-time.After(time.Minute):
		t.Fatalf("the program did not exit within a minute; stderr:\n%s", p.stderr)
	}
	return p.cmd.ProcessState.ExitCode()
}

// runBinary runs the built program to its end and returns what it did.
func runBinary(t *testing.T, env []string, args ...string) result {
	t.Helper()
	p := start(t, env, args...)
	code := p.wait(t)
	return result{code: code, stdout: p.rest.String(), stderr: p.stderr.String()}
}
