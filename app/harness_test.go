package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
)

// keyringEnv is set to "require" by scripts/with-keyring.sh (make test):
// then a missing Secret Service fails these tests instead of skipping them.
const keyringEnv = "MERCHANT_INBOX_TEST_KEYRING"

// harness runs commands in-process against a temporary data directory, the
// fake Graph API and the real OS keychain under a service name of its own.
type harness struct {
	t       *testing.T
	fb      *facebooktest.Server
	env     map[string]string
	service string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{t: t, fb: facebooktest.NewServer(t), service: uniqueService(t)}
	h.env = map[string]string{
		EnvDataDir:        t.TempDir(),
		EnvGraphURL:       h.fb.URL,
		EnvKeyringService: h.service,
	}
	requireKeyring(t, h.service)
	t.Cleanup(h.cleanKeyring)
	return h
}

// requireKeyring probes the OS keychain; see keyringEnv.
func requireKeyring(t *testing.T, service string) {
	t.Helper()
	_, err := secrets.New(service, secrets.WithTimeout(10*time.Second)).Get(context.Background(), secrets.NgrokAuthtoken)
	if err == nil || errors.Is(err, secrets.ErrNotFound) {
		return
	}
	if os.Getenv(keyringEnv) == "require" {
		t.Fatalf("the OS keychain is not usable: %v (run through scripts/with-keyring.sh)", err)
	}
	t.Skipf("OS keychain not usable (%v); make test runs this against gnome-keyring", err)
}

func uniqueService(t *testing.T) string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return "merchant-inbox-apptest-" + hex.EncodeToString(b[:])
}

// cleanKeyring removes whatever the test stored under its service.
func (h *harness) cleanKeyring() {
	s := secrets.New(h.service)
	names := []secrets.Name{
		secrets.FacebookAppID, secrets.FacebookAppSecret, secrets.FacebookVerifyToken,
		secrets.ShopifyClientID, secrets.ShopifyClientSecret, secrets.ShopifyToken, secrets.NgrokAuthtoken,
	}
	for _, id := range []string{"100", "200", "300"} {
		names = append(names, secrets.PageToken(id))
	}
	for _, n := range names {
		_ = s.Delete(context.Background(), n)
	}
}

// result is one finished command.
type result struct {
	code           int
	stdout, stderr string
}

// run runs one command line with stdin and waits for it. Its output
// buffers are safe for the several goroutines a command may write from
// (sync's progress printer and its logger share stderr).
func (h *harness) run(stdin string, args ...string) result {
	h.t.Helper()
	var out, errOut syncBuffer
	code := Run(h.t.Context(), Invocation{
		Args: args, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Getenv: h.getenv,
	})
	return result{code, out.String(), errOut.String()}
}

func (h *harness) getenv(k string) string { return h.env[k] }

// mustRun runs a command that must succeed.
func (h *harness) mustRun(stdin string, args ...string) result {
	h.t.Helper()
	r := h.run(stdin, args...)
	if r.code != ExitOK {
		h.t.Fatalf("%v: exit %d\nstdout: %s\nstderr: %s", args, r.code, r.stdout, r.stderr)
	}
	return r
}

// jsonOf runs a command with --json output and decodes it into v.
func (h *harness) jsonOf(v any, args ...string) {
	h.t.Helper()
	r := h.mustRun("", args...)
	if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
		h.t.Fatalf("%v: output is not valid JSON: %v\n%s", args, err, r.stdout)
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

// get fetches url and returns the status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// post delivers a webhook body signed with secret and returns the status.
func post(t *testing.T, url, body, secret string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Hub-Signature-256", facebooktest.SignBody([]byte(body), secret))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}
