package demo_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/app"
	"github.com/merchant-inbox/merchant-inbox/internal/demo"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// startSynced starts the sandbox (seed 1), sets the app up against it
// with its own commands, under a keychain service of the test's, and
// syncs once.
func startSynced(t *testing.T) (*demo.Sandbox, *appRunner) {
	t.Helper()
	service := keyringService(t)
	sb, err := demo.Start(demo.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	a := &appRunner{env: envMap(sb.Env(t.TempDir(), service))}
	t.Cleanup(func() { removeSecrets(service) })
	if err := sb.Setup(t.Context(), a.run); err != nil {
		t.Fatal(err)
	}
	a.mustRun(t, "sync", "--quiet")
	return sb, a
}

// The sandbox, with the real app's commands run in-process against it
// (the window aside): its Pages, conversations and catalogue arrive by the
// app's own sync, a product's picture is served, and a message it
// delivers by webhook to a running serve is stored.
func TestSandboxWithTheApp(t *testing.T) {
	sb, a := startSynced(t)

	var convs []store.Conversation
	a.jsonOf(t, &convs, "conversations", "--json")
	if len(convs) != 26 {
		t.Fatalf("%d conversations after sync, want the sandbox's 26", len(convs))
	}
	pagesSeen := map[string]bool{}
	for _, c := range convs {
		pagesSeen[c.PageID] = true
		if c.CustomerName == "" {
			t.Errorf("conversation %s has no customer name", c.PSID)
		}
	}
	if len(pagesSeen) != 2 {
		t.Errorf("conversations on %d pages, want 2", len(pagesSeen))
	}
	// Spread over the last 30 days: some inside the 24-hour window, some
	// only in the 7-day one, some closed.
	var day, week, old int
	for _, c := range convs {
		switch age := time.Since(c.UpdatedAt); {
		case age < 24*time.Hour:
			day++
		case age < 7*24*time.Hour:
			week++
		case age < 31*24*time.Hour:
			old++
		}
	}
	if day == 0 || week == 0 || old == 0 || day+week+old != len(convs) {
		t.Errorf("conversations by age: %d in a day, %d in a week, %d older: want some of each, none older than 30 days", day, week, old)
	}

	var products []store.Product
	a.jsonOf(t, &products, "products", "--json")
	if len(products) != 40 {
		t.Fatalf("%d products after sync, want the sandbox's 40", len(products))
	}
	if !strings.HasPrefix(products[0].ImageURL, sb.MediaURL+"/") {
		t.Fatalf("product image %q is not served by the sandbox (%s)", products[0].ImageURL, sb.MediaURL)
	}
	fetchPNG(t, products[0].ImageURL)

	// A running engine takes the sandbox's webhook.
	webhookURL, stop := a.serve(t)
	posted, err := sb.PostMessage(t.Context(), webhookURL)
	if err != nil {
		t.Fatal(err)
	}
	var got struct{ Messages []store.Message }
	a.jsonOf(t, &got, "messages", "--json", "--limit", "1", posted.PSID)
	if len(got.Messages) != 1 || got.Messages[0].Text != posted.Text {
		t.Errorf("newest message of %s (%s) is %+v, want the webhook's %q", posted.Name, posted.PSID, got.Messages, posted.Text)
	}
	if code := stop(); code != app.ExitOK {
		t.Errorf("serve exited %d", code)
	}
}

// The environment the sandbox gives the app names the app's own variables.
func TestSandboxEnvNamesTheAppsVariables(t *testing.T) {
	sb, err := demo.Start(demo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	env := envMap(sb.Env("/data", "svc"))
	for k, want := range map[string]string{
		app.EnvDataDir: "/data", app.EnvGraphURL: sb.Graph.URL, app.EnvFacebookWebURL: sb.Graph.URL,
		app.EnvShopifyURL: sb.Shop.URL, app.EnvKeyringService: "svc", app.EnvLabel: "Demo",
	} {
		if env[k] != want {
			t.Errorf("%s=%q, want %q", k, env[k], want)
		}
	}
}

func fetchPNG(t *testing.T, url string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("GET %s: HTTP %d, %s", url, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		t.Fatalf("GET %s: not a PNG: %v", url, err)
	}
}

// appRunner runs the app's commands in-process in the sandbox's
// environment.
type appRunner struct{ env map[string]string }

func (a *appRunner) invocation(stdin string, args []string, out, errOut io.Writer) app.Invocation {
	return app.Invocation{Args: args, Stdin: strings.NewReader(stdin), Stdout: out, Stderr: errOut,
		Getenv: func(k string) string { return a.env[k] }}
}

// run is a demo.Runner.
func (a *appRunner) run(ctx context.Context, stdin string, args ...string) error {
	var out, errOut syncBuffer
	if code := app.Run(ctx, a.invocation(stdin, args, &out, &errOut)); code != app.ExitOK {
		return fmt.Errorf("exit %d: %s%s", code, out.String(), errOut.String())
	}
	return nil
}

func (a *appRunner) mustRun(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut syncBuffer
	if code := app.Run(t.Context(), a.invocation("", args, &out, &errOut)); code != app.ExitOK {
		t.Fatalf("%v: exit %d\nstdout: %s\nstderr: %s", args, code, out.String(), errOut.String())
	}
	return out.String()
}

func (a *appRunner) jsonOf(t *testing.T, v any, args ...string) {
	t.Helper()
	out := a.mustRun(t, args...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("%v: not JSON: %v\n%s", args, err, out)
	}
}

// serve runs `serve` until stop, which returns its exit code.
func (a *appRunner) serve(t *testing.T) (webhookURL string, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- app.Run(ctx, a.invocation("", []string{"serve", "--no-tunnel", "--listen", "127.0.0.1:0"}, &out, &errOut))
	}()
	deadline := time.Now().Add(time.Minute)
	for {
		if base, ok := lineAfter(out.String(), "listening on "); ok {
			webhookURL = base + "/webhooks/facebook"
			break
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited %d before listening:\n%s", code, errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not listen within a minute:\n%s", errOut.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return webhookURL, func() int {
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(time.Minute):
			t.Fatalf("serve did not stop within a minute:\n%s", errOut.String())
			return -1
		}
	}
}

func lineAfter(text, prefix string) (string, bool) {
	for _, l := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(l, prefix); ok {
			return strings.TrimSpace(rest), true
		}
	}
	return "", false
}

func envMap(kv []string) map[string]string {
	m := map[string]string{}
	for _, e := range kv {
		k, v, _ := strings.Cut(e, "=")
		m[k] = v
	}
	return m
}

// keyringService is a keychain service of the test's own, once the OS
// keychain answers; scripts/with-keyring.sh (make test) sets
// MERCHANT_INBOX_TEST_KEYRING=require, and then a missing one fails.
func keyringService(t *testing.T) string {
	t.Helper()
	var b [6]byte
	rand.Read(b[:])
	service := "merchant-inbox-demotest-" + hex.EncodeToString(b[:])
	_, err := secrets.New(service, secrets.WithTimeout(10*time.Second)).Get(t.Context(), secrets.NgrokAuthtoken)
	if err == nil || errors.Is(err, secrets.ErrNotFound) {
		return service
	}
	if os.Getenv("MERCHANT_INBOX_TEST_KEYRING") == "require" {
		t.Fatalf("the OS keychain is not usable: %v (run through scripts/with-keyring.sh)", err)
	}
	t.Skipf("OS keychain not usable (%v); make test runs this against gnome-keyring", err)
	return ""
}

func removeSecrets(service string) {
	s := secrets.New(service)
	for _, n := range demo.SecretNames() {
		_ = s.Delete(context.Background(), n)
	}
}

// syncBuffer is a bytes.Buffer safe to read while a command writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
