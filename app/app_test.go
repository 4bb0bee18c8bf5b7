package app

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/engine"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

const pageToken = "EAAGm0PX4ZCpsBA-page-token-100"

// seed gives the fake page 100 two customers: Jane (three messages, one
// from the page) and, more recently, Omar.
func (h *harness) seed() {
	base := time.Now().Add(-48 * time.Hour).Truncate(time.Second)
	h.fb.AddPage("100", "Shop One", "Clothing store", pageToken)
	h.fb.AddMessage("100", "9001", "Jane", facebooktest.FakeMessage{ID: "m_j1", Text: "do you ship to Lyon?", At: base})
	h.fb.AddMessage("100", "9001", "", facebooktest.FakeMessage{ID: "m_j2", Text: "yes, in 3 days", At: base.Add(time.Minute), FromPage: true})
	h.fb.AddMessage("100", "9001", "", facebooktest.FakeMessage{ID: "m_j3", Text: "great, thanks", At: base.Add(2 * time.Minute)})
	h.fb.AddMessage("100", "9002", "Omar", facebooktest.FakeMessage{ID: "m_o1", Text: "blue in M?", At: base.Add(time.Hour)})
}

func TestPastedPageTokenSyncsAndReads(t *testing.T) {
	h := newHarness(t)
	h.seed()

	r := h.mustRun(pageToken+"\n", "secrets", "set", "facebook-page-token:100")
	if !strings.Contains(r.stdout, "added page 100") {
		t.Errorf("secrets set output %q: want it to say the page was added", r.stdout)
	}
	r = h.mustRun("", "sync")
	if !strings.Contains(r.stdout, "Shop One (100): 2 conversations changed, 4 messages read") {
		t.Errorf("sync summary:\n%s", r.stdout)
	}

	var convs []store.Conversation
	h.jsonOf(&convs, "conversations", "--json")
	if len(convs) != 2 || convs[0].PSID != "9002" || convs[1].PSID != "9001" || convs[1].CustomerName != "Jane" {
		t.Fatalf("conversations %+v: want Omar then Jane", convs)
	}

	for _, ref := range []string{convs[1].ID, "9001"} {
		var out messagesOutput
		h.jsonOf(&out, "messages", "--json", ref)
		if len(out.Messages) != 3 || out.Messages[1].Direction != store.Outgoing || out.Messages[2].Text != "great, thanks" {
			t.Errorf("messages %s: %+v", ref, out.Messages)
		}
	}
	var latest messagesOutput
	h.jsonOf(&latest, "messages", "--json", "--limit", "1", "9001")
	if len(latest.Messages) != 1 || latest.Messages[0].ID != "m_j3" {
		t.Errorf("messages --limit 1: %+v, want only the latest", latest.Messages)
	}

	var st statusReport
	h.jsonOf(&st, "status", "--json")
	if len(st.Pages) != 1 || st.Pages[0].Token != "set" || st.Pages[0].Name != "Shop One" || st.Pages[0].LastSuccess == nil {
		t.Errorf("status pages %+v", st.Pages)
	}
	if st.Stats != (store.Stats{Pages: 1, Conversations: 2, Messages: 4}) || st.LastFullPoll == nil {
		t.Errorf("status stats %+v, last poll %v", st.Stats, st.LastFullPoll)
	}
	if st.Keychain["facebook-app-secret"] != "missing" {
		t.Errorf("keychain %v: want the app secret reported missing", st.Keychain)
	}

	text := h.mustRun("", "status").stdout + h.mustRun("", "conversations").stdout + h.mustRun("", "messages", "9001").stdout
	for _, want := range []string{"Shop One", "Jane", "you: yes, in 3 days", "last sync"} {
		if !strings.Contains(text, want) {
			t.Errorf("human output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, pageToken) {
		t.Error("the page token appears in command output")
	}
}

func TestSyncWithDeadTokenFailsAndSaysWhy(t *testing.T) {
	h := newHarness(t)
	h.seed()
	h.mustRun(pageToken, "secrets", "set", "facebook-page-token:100")
	h.fb.KillToken(pageToken, 460)

	r := h.run("", "sync")
	if r.code != ExitFailure {
		t.Fatalf("sync exit %d, want %d\n%s%s", r.code, ExitFailure, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "sync failed for page 100") || !strings.Contains(r.stdout, "sign in to Facebook again. Run 'merchant-inbox connect facebook'") {
		t.Errorf("sync did not say what failed and what to do:\nstdout: %s\nstderr: %s", r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, pageToken) {
		t.Error("the dead token appears in the output")
	}
	var st statusReport
	h.jsonOf(&st, "status", "--json")
	if !st.Pages[0].NeedsLogin {
		t.Errorf("status %+v: want needs_login", st.Pages[0])
	}

	// A new token clears the state and the next sync works.
	h.fb.AddPage("100", "Shop One", "Clothing store", "EAAG-new-token")
	h.mustRun("EAAG-new-token", "secrets", "set", "facebook-page-token:100")
	h.mustRun("", "sync")
}

func TestSecondInstanceGetsExitRunning(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, dbFileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, args := range [][]string{{"status"}, {"sync"}, {"conversations"}} {
		var out, errOut bytes.Buffer
		code := Run(t.Context(), Invocation{Args: args, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut,
			Getenv: func(k string) string {
				if k == EnvDataDir {
					return dir
				}
				return ""
			}})
		if code != ExitRunning || !strings.Contains(errOut.String(), "already running") {
			t.Errorf("%v: exit %d, stderr %q; want %d and 'already running'", args, code, errOut.String(), ExitRunning)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args  []string
		stdin string
		want  int
		says  string
	}{
		{[]string{"frobnicate"}, "", ExitUsage, `unknown command "frobnicate"`},
		{[]string{"sync", "--bogus"}, "", ExitUsage, "flag provided but not defined"},
		{[]string{"messages"}, "", ExitUsage, "want one CONVERSATION_OR_PSID"},
		{[]string{"conversations", "extra"}, "", ExitUsage, "unexpected argument"},
		{[]string{"conversations", "--limit", "-1"}, "", ExitUsage, "--limit"},
		{[]string{"secrets", "set", "facebook-page-token:abc"}, "x", ExitUsage, "facebook-page-token"},
		{[]string{"secrets", "set", "facebook-app-secret"}, "", ExitUsage, "no value on standard input"},
		{[]string{"secrets", "rotate", "facebook-app-secret"}, "", ExitUsage, "unknown action"},
		{[]string{"serve", "--poll-at", "25:00"}, "", ExitUsage, "HH:MM"},
		{[]string{"serve", "--tunnel", "pigeon"}, "", ExitUsage, "--tunnel must be ngrok or loopback"},
		{[]string{"connect", "myspace"}, "", ExitUsage, "unknown provider"},
		{[]string{"connect", "shopify"}, "", ExitUsage, "--shop NAME is required"},
		{[]string{"connect", "shopify", "--shop", "evil.com"}, "", ExitUsage, "not a Shopify store address"},
		{[]string{"connect", "facebook", "--domain", "https://shop.ngrok.app/hooks"}, "", ExitUsage, "Enter only the domain"},
		{[]string{"settings", "--domain", "shop inbox"}, "", ExitUsage, "not a domain name"},
		{[]string{"settings", "--listen", "127.0.0.1:http"}, "", ExitUsage, "number up to 65535"},
		{[]string{"disconnect"}, "", ExitUsage, "want 'facebook' or 'shopify'"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			dir := t.TempDir()
			code := Run(t.Context(), Invocation{Args: tt.args, Stdin: strings.NewReader(tt.stdin), Stdout: &out, Stderr: &errOut,
				Getenv: func(k string) string {
					if k == EnvDataDir {
						return dir
					}
					return ""
				}})
			if code != tt.want || !strings.Contains(errOut.String(), tt.says) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut.String(), tt.want, tt.says)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}, {"sync", "--help"}, {"serve", "-h"}, {"app", "--help"}, {"messages", "--help"}, {"secrets", "--help"}} {
		var out, errOut bytes.Buffer
		code := Run(t.Context(), Invocation{Args: args, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut})
		if code != ExitOK || !strings.Contains(out.String(), "Usage: merchant-inbox") {
			t.Errorf("%v: exit %d, stdout %q", args, code, out.String())
		}
	}
}

// waitFor polls buf until it contains a line starting with prefix and
// returns the rest of that line.
func waitFor(t *testing.T, buf interface{ String() string }, prefix string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for _, line := range strings.Split(buf.String(), "\n") {
			if rest, ok := strings.CutPrefix(line, prefix); ok {
				return strings.TrimSpace(rest)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no line %q within 20s in:\n%s", prefix, buf.String())
	return ""
}

// startServe runs `serve` in-process and returns its webhook URL and a
// function that stops it and returns its exit code.
func (h *harness) startServe() (webhookURL string, stop func() int, stderr *syncBuffer) {
	h.t.Helper()
	ctx, cancel := context.WithCancel(h.t.Context())
	out, errOut := &syncBuffer{}, &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, Invocation{
			Args:  []string{"serve", "--no-tunnel", "--listen", "127.0.0.1:0"},
			Stdin: strings.NewReader(""), Stdout: out, Stderr: errOut, Getenv: h.getenv,
		})
	}()
	webhookURL = waitFor(h.t, out, "listening on ") + engine.FacebookWebhookPath
	return webhookURL, func() int {
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(20 * time.Second):
			h.t.Fatalf("serve did not stop within 20s\n%s", errOut.String())
			return -1
		}
	}, errOut
}

// seedForServe is seed plus what serve needs for Facebook webhooks: the
// page token, the app secret "app-secret-123" and the verify token
// "verify-me".
func (h *harness) seedForServe() {
	h.t.Helper()
	h.seed()
	h.mustRun(pageToken, "secrets", "set", "facebook-page-token:100")
	h.mustRun("app-secret-123", "secrets", "set", "facebook-app-secret")
	h.mustRun("verify-me", "secrets", "set", "facebook-verify-token")
}

func TestServeStoresWebhooksAndCatchesUp(t *testing.T) {
	h := newHarness(t)
	h.seedForServe()
	h.fb.RequireAppSecretProof("app-secret-123")

	url, stop, stderr := h.startServe()

	// Handshake.
	code, body := get(t, url+"?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444")
	if code != 200 || body != "1158201444" {
		t.Errorf("handshake: %d %q, want 200 and the challenge", code, body)
	}
	if code, _ := get(t, url+"?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1"); code != 403 {
		t.Errorf("handshake with a wrong token: %d, want 403", code)
	}
	// A new customer writes; a forged delivery is refused.
	msg := fmt.Sprintf(`{"object":"page","entry":[{"id":"100","time":%[1]d,"messaging":[{"sender":{"id":"9003"},"recipient":{"id":"100"},"timestamp":%[1]d,"message":{"mid":"m_live","text":"are you open today?"}}]}]}`, time.Now().UnixMilli())
	if code := post(t, url, msg, "app-secret-123"); code != 200 {
		t.Fatalf("webhook: %d, want 200", code)
	}
	if code := post(t, url, strings.Replace(msg, "m_live", "m_forged", 1), "guessed-secret"); code != 403 {
		t.Errorf("forged webhook: %d, want 403", code)
	}
	// The catch-up poll at start (never polled before) runs meanwhile.
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(stderr.String(), "polled page") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	// While it runs, status reports the running engine instead of failing.
	var running runningReport
	h.jsonOf(&running, "status", "--json")
	if running.Running.PID == 0 || !strings.Contains(running.Running.Webhooks, "facebook on") || running.Running.NextPoll.IsZero() {
		t.Errorf("status while serving: %+v", running)
	}
	if code := stop(); code != ExitOK {
		t.Fatalf("serve exit %d\n%s", code, stderr.String())
	}
	if _, ok, _ := (config{dataDir: h.env[EnvDataDir]}).readRunState(); ok {
		t.Error("serve left its run state behind")
	}

	var out messagesOutput
	h.jsonOf(&out, "messages", "--json", "9003")
	if len(out.Messages) != 1 || out.Messages[0].Text != "are you open today?" {
		t.Errorf("webhook message: %+v", out.Messages)
	}
	if r := h.run("", "messages", "--json", "m_forged"); r.code == ExitOK {
		t.Errorf("forged message stored: %s", r.stdout)
	}
	var st statusReport
	h.jsonOf(&st, "status", "--json")
	if st.Stats.Messages != 5 || st.LastFullPoll == nil {
		t.Errorf("after serve: stats %+v, last poll %v; want the 4 polled messages and the webhook one", st.Stats, st.LastFullPoll)
	}
	if strings.Contains(stderr.String(), "app-secret-123") || strings.Contains(stderr.String(), pageToken) {
		t.Error("a secret appears in the serve log")
	}
}

func TestConnectTakesTheProviderFirstOrLast(t *testing.T) {
	h := newHarness(t)
	for _, args := range [][]string{
		{"connect", "facebook", "--no-browser", "--port", "0"},
		{"connect", "--no-browser", "--port", "0", "facebook"},
	} {
		r := h.run("", args...)
		if r.code != ExitFailure || !strings.Contains(r.stderr, "facebook-app-id is not set") {
			t.Errorf("%v: exit %d, stderr %q; want it to get as far as the missing app id", args, r.code, r.stderr)
		}
	}
	if r := h.run("", "disconnect", "shopify"); r.code != ExitOK || !strings.Contains(r.stdout, "removed 0 token(s)") {
		t.Errorf("disconnect shopify with nothing connected: exit %d, %q", r.code, r.stdout)
	}
	var st statusReport
	h.jsonOf(&st, "status", "--json")
	if len(st.Connections) != 0 {
		t.Errorf("disconnecting what was never connected recorded %+v", st.Connections)
	}
}
