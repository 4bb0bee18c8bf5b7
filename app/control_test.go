package app

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// TestServeRunsCommandsForTheCommandLine: while serve holds the database,
// the other commands run inside it, and those that change its connections
// or secrets restart its engine with the change.
func TestServeRunsCommandsForTheCommandLine(t *testing.T) {
	h := newHarness(t)
	h.seedForServe()
	// A data directory others may look into, as an older version or a
	// hand-made one might have left it: serve makes it private.
	if err := os.Chmod(h.env[EnvDataDir], 0o755); err != nil {
		t.Fatal(err)
	}
	_, stop, stderr := h.startServe()
	eventually(t, "the catch-up poll", func() bool { return strings.Contains(stderr.String(), "polled page") })

	sock := (config{dataDir: h.env[EnvDataDir]}).controlSocketPath()
	if fi, err := os.Stat(sock); err != nil || fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o600 {
		t.Fatalf("control socket %s: %v, mode %v; want a socket only its owner can use", sock, err, fi.Mode())
	}
	if fi, err := os.Stat(h.env[EnvDataDir]); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("data directory under serve: %v, mode %v; want 0700", err, fi.Mode().Perm())
	}

	var convs []store.Conversation
	h.jsonOf(&convs, "conversations", "--json")
	if len(convs) != 2 || convs[0].PSID != "9002" {
		t.Errorf("conversations while serving: %+v", convs)
	}
	var out messagesOutput
	h.jsonOf(&out, "messages", "--json", "9001")
	if len(out.Messages) != 3 {
		t.Errorf("messages while serving: %+v", out.Messages)
	}
	h.fb.AddMessage("100", "9001", "", facebooktest.FakeMessage{ID: "m_j4", Text: "see you", At: time.Now().Truncate(time.Second)})
	if r := h.run("", "sync"); r.code != ExitOK || !strings.Contains(r.stdout, "Shop One (100): 1 conversations changed, 1 messages read") {
		t.Errorf("sync while serving: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := h.run("", "products", "--limit", "-1"); r.code != ExitUsage || !strings.Contains(r.stderr, "--limit must be 0 or more") {
		t.Errorf("a usage error inside serve: exit %d %q", r.code, r.stderr)
	}

	// status inside serve has both: the running engine and the database.
	var full statusReport
	h.jsonOf(&full, "status", "--json")
	if full.Running == nil || full.Running.PID == 0 || len(full.Pages) != 1 || full.Stats.Messages != 5 {
		t.Errorf("status while serving: running %+v, %d pages, stats %+v", full.Running, len(full.Pages), full.Stats)
	}
	if r := h.mustRun("", "status"); !strings.Contains(r.stdout, "Running:   pid") || !strings.Contains(r.stdout, "Facebook pages:") {
		t.Errorf("status text while serving:\n%s", r.stdout)
	}

	// serve itself is not run for another process.
	client := &env{Invocation: Invocation{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard}}
	for _, args := range [][]string{{"serve", "--listen", "127.0.0.1:0"}} {
		if _, err := client.postControl(t.Context(), unixClient(sock), args); err == nil || !strings.Contains(err.Error(), "HTTP 400") {
			t.Errorf("%v through the control socket: %v, want HTTP 400", args, err)
		}
	}

	// Commands that change what the engine was assembled from run too,
	// and serve restarts its engine with the change: without a verify
	// token the Facebook webhook is off, with it on again.
	webhooks := func() string {
		var running runningReport
		h.jsonOf(&running, "status", "--json")
		return running.Running.Webhooks
	}
	h.mustRun("", "secrets", "delete", "facebook-verify-token")
	eventually(t, "the engine restarted without the verify token", func() bool { return strings.Contains(webhooks(), "facebook off") })
	if r := h.mustRun("verify-me\n", "secrets", "set", "facebook-verify-token"); !strings.Contains(r.stdout, "stored facebook-verify-token") {
		t.Errorf("secrets set while serving: %q", r.stdout)
	}
	eventually(t, "the engine restarted with the verify token", func() bool { return strings.Contains(webhooks(), "facebook on") })
	if v, ok := h.keychainGet(secrets.FacebookVerifyToken); !ok || v != "verify-me" {
		t.Errorf("verify token after a set through serve: %q %v", v, ok)
	}
	var running runningReport
	h.jsonOf(&running, "status", "--json")
	if code, body := get(t, running.Running.Listen+"/webhooks/facebook?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=42"); code != 200 || body != "42" {
		t.Errorf("handshake on the restarted engine: %d %q", code, body)
	}
	if r := h.mustRun("", "disconnect", "facebook"); !strings.Contains(r.stdout, "removed") {
		t.Errorf("disconnect while serving: %q", r.stdout)
	}
	if _, ok := h.keychainGet(secrets.PageToken("100")); ok {
		t.Error("the page token is still in the keychain after disconnect through serve")
	}

	if code := stop(); code != ExitOK {
		t.Fatalf("serve exit %d\n%s", code, stderr.String())
	}
	if _, err := os.Stat(sock); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("control socket after serve stopped: %v", err)
	}
	// Now the commands open the database themselves.
	h.jsonOf(&out, "messages", "--json", "9001")
	if len(out.Messages) != 4 {
		t.Errorf("messages after serve: %d, want the 3 polled and the one synced while serving", len(out.Messages))
	}
}

// A socket left by a serve that died is ignored: the command runs here.
func TestStaleControlSocketIsIgnored(t *testing.T) {
	h := newHarness(t)
	sock := (config{dataDir: h.env[EnvDataDir]}).controlSocketPath()
	if err := os.MkdirAll(h.env[EnvDataDir], 0o700); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close() // the file stays, nobody listens
	if r := h.run("", "conversations", "--json"); r.code != ExitOK || strings.TrimSpace(r.stdout) != "[]" {
		t.Errorf("conversations with a stale socket: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
}

func unixClient(path string) *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		},
	}}
}
