package app

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// envRunMain makes the test binary act as merchant-inbox itself, so a test
// can run the real process (signals, exit code) without a separate build.
const envRunMain = "MERCHANT_INBOX_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(envRunMain) == "1" {
		os.Exit(Main(append([]string{"merchant-inbox"}, os.Args[1:]...)))
	}
	os.Exit(m.Run())
}

func TestServeStopsCleanlyOnSIGTERM(t *testing.T) {
	h := newHarness(t)
	cmd := exec.CommandContext(t.Context(), os.Args[0], "serve", "--no-tunnel", "--listen", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), envRunMain+"=1")
	for k, v := range h.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, errOut := &syncBuffer{}, &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := waitFor(t, out, "listening on ")
	if code, body := get(t, addr+"/healthz"); code != 200 || strings.TrimSpace(body) != "ok" {
		t.Fatalf("healthz: %d %q", code, body)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve exited with %v\n%s", err, errOut.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("serve still running 20s after SIGTERM\n%s", errOut.String())
	}
	if !strings.Contains(errOut.String(), "shutting down") {
		t.Errorf("no shutdown in the log:\n%s", errOut.String())
	}
	// The database was closed: another instance can open it at once.
	h.mustRun("", "status")
}
