//go:build linux

package app

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// xvfb starts a private X server and returns its display (":N"). The
// server picks a free display number itself (-displayfd), so parallel
// runs never collide; it stops with the test.
func xvfb(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("Xvfb"); err != nil {
		if os.Getenv(keyringEnv) == "require" {
			t.Fatal("Xvfb is not installed, though make test installs it")
		}
		t.Skip("Xvfb is not installed; make test installs it")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp", "-noreset")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	number := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		number <- strings.TrimSpace(line)
	}()
	select {
	case n := <-number:
		if n == "" {
			t.Fatal("Xvfb did not say which display it took")
		}
		return ":" + n
	case <-time.After(30 * time.Second):
		t.Fatal("Xvfb did not start within 30s")
	}
	return ""
}

// startProgram runs the test binary as the real program, with no
// arguments, on display, in h's environment plus env, logging at debug
// level; exited reports its end.
func startProgram(t *testing.T, h *harness, display string, env ...string) (cmd *exec.Cmd, out, errOut *syncBuffer, exited <-chan error) {
	t.Helper()
	cmd = exec.CommandContext(t.Context(), os.Args[0])
	cmd.Env = append(os.Environ(), envRunMain+"=1", "DISPLAY="+display, EnvLog+"=debug")
	cmd.Env = append(cmd.Env, env...)
	for k, v := range h.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, errOut = &syncBuffer{}, &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	return cmd, out, errOut, done
}

// windowNamed reports whether the X server on display shows a top-level
// window with that title.
func windowNamed(display, title string) bool {
	out, err := exec.Command("xwininfo", "-display", display, "-root", "-tree").Output()
	return err == nil && strings.Contains(string(out), `"`+title+`"`)
}

// The real program, started with no arguments as a desktop launcher
// starts it: the window appears on a real X server, the engine inside it
// takes a signed webhook, the message reaches the store and the window's
// list, the terminal commands still work through it, and SIGTERM ends it
// cleanly.
func TestDesktopAppEndToEnd(t *testing.T) {
	display := xvfb(t)
	h := newHarness(t)
	h.seedForServe()
	h.fb.RequireAppSecretProof("app-secret-123")
	// No flags: the engine's settings come from the store, as the
	// desktop launcher gives none.
	st, err := (config{dataDir: h.env[EnvDataDir]}).openStore(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutSettings(t.Context(), store.Settings{Listen: "127.0.0.1:0", NoTunnel: true}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	cmd, out, errOut, exited := startProgram(t, h, display)
	defer func() {
		if t.Failed() {
			t.Logf("app log:\n%s", errOut.String())
		}
	}()

	webhookURL := waitFor(t, out, "listening on ") + "/webhooks/facebook"
	waitUntil(t, "the window on the X server", func() bool { return windowNamed(display, "Merchant Inbox") })
	// The catch-up poll at start fills the list from the fake's history.
	waitUntil(t, "the polled conversations in the window", func() bool {
		return strings.Contains(errOut.String(), "conversation list shown") && strings.Contains(errOut.String(), "top_psid=9002")
	})

	msg := fmt.Sprintf(`{"object":"page","entry":[{"id":"100","time":%[1]d,"messaging":[{"sender":{"id":"9007"},"recipient":{"id":"100"},"timestamp":%[1]d,"message":{"mid":"m_desktop","text":"is the shop open on Sunday?"}}]}]}`, time.Now().UnixMilli())
	if code := post(t, webhookURL, msg, "app-secret-123"); code != 200 {
		t.Fatalf("webhook: HTTP %d, want 200", code)
	}
	// In the store, read through the running app's control socket: the
	// command line still works while the window runs.
	var got messagesOutput
	h.jsonOf(&got, "messages", "--json", "9007")
	if len(got.Messages) != 1 || got.Messages[0].Text != "is the shop open on Sunday?" {
		t.Fatalf("the webhook's message in the store: %+v", got.Messages)
	}
	// On screen: the window's list now starts with the new customer, so
	// the UI goroutine took the event and repainted.
	waitUntil(t, "the new conversation on top of the window's list", func() bool {
		return strings.Contains(errOut.String(), "top_psid=9007")
	})
	// A second launch asks the running app to show its window and ends.
	if r := h.run(""); r.code != ExitOK || !strings.Contains(r.stdout, "already running") {
		t.Errorf("second launch: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if !windowNamed(display, "Merchant Inbox") {
		t.Error("the window is gone after the second launch")
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("the app exited with %v after SIGTERM", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the app still runs 30s after SIGTERM")
	}
	if strings.Contains(errOut.String(), "app-secret-123") || strings.Contains(errOut.String(), pageToken) {
		t.Error("a secret appears in the app's log")
	}
	if _, err := os.Stat(filepath.Join(h.env[EnvDataDir], appLogFile)); err != nil {
		t.Errorf("no log file in the data directory: %v", err)
	}
	// The database was released: a command opens it directly again.
	h.mustRun("", "status")
}

// waitUntil polls cond for up to a minute: the first window on a loaded
// machine takes its time.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within a minute", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
