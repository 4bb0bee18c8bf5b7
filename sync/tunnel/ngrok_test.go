package tunnel

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const testToken = "2xTESTauthtoken_5ecret_DoNotLeak"

func TestNgrokConfig(t *testing.T) {
	tests := []struct {
		name    string
		ngrok   Ngrok
		wantURL string // endpoint URL handed to ngrok.WithURL; "" for none
		wantErr error
	}{
		{"random URL without a domain", Ngrok{Authtoken: testToken}, "", nil},
		{"static domain", Ngrok{Authtoken: testToken, Domain: "shop-inbox.ngrok.app"}, "https://shop-inbox.ngrok.app", nil},
		{"domain pasted as a URL", Ngrok{Authtoken: testToken, Domain: " https://Shop-Inbox.ngrok.app/ "}, "https://shop-inbox.ngrok.app", nil},
		{"domain with a path", Ngrok{Authtoken: testToken, Domain: "shop-inbox.ngrok.app/hooks"}, "", errBadDomain},
		{"domain with another scheme", Ngrok{Authtoken: testToken, Domain: "http://shop-inbox.ngrok.app"}, "", errBadDomain},
		{"domain with a port", Ngrok{Authtoken: testToken, Domain: "shop-inbox.ngrok.app:8443"}, "", errBadDomain},
		{"no authtoken", Ngrok{Domain: "shop-inbox.ngrok.app"}, "", ErrNoAuthtoken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := tt.ngrok.config()
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("config() error = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				if strings.Contains(err.Error(), testToken) {
					t.Errorf("error %q contains the authtoken", err)
				}
				if _, err := tt.ngrok.Open(context.Background()); !errors.Is(err, tt.wantErr) {
					t.Errorf("Open error = %v, want %v before any network", err, tt.wantErr)
				}
				return
			}
			if cfg.authtoken != tt.ngrok.Authtoken {
				t.Errorf("authtoken not handed to the agent")
			}
			if cfg.serverAddr != "" {
				t.Errorf("serverAddr = %q, want ngrok's cloud (empty)", cfg.serverAddr)
			}
			if cfg.url != tt.wantURL {
				t.Errorf("endpoint url = %q, want %q", cfg.url, tt.wantURL)
			}
			if cfg.logger == nil {
				t.Error("no logger: the agent would fall back to its own")
			}

			// The options are opaque functions; count them at least.
			wantAgent := 3 // authtoken, logger, event handler
			if got := len(cfg.agentOptions(nil)); got != wantAgent {
				t.Errorf("%d agent options, want %d", got, wantAgent)
			}
			cfg.serverAddr = "127.0.0.1:1"
			if got := len(cfg.agentOptions(nil)); got != wantAgent+1 {
				t.Errorf("%d agent options with a connect address, want %d", got, wantAgent+1)
			}
			wantEndpoint := 0
			if tt.wantURL != "" {
				wantEndpoint = 1 // WithURL
			}
			if got := len(cfg.endpointOptions()); got != wantEndpoint {
				t.Errorf("%d endpoint options, want %d", got, wantEndpoint)
			}
		})
	}
}

func TestNgrokPrintsWithoutAuthtoken(t *testing.T) {
	n := Ngrok{Authtoken: testToken, Domain: "shop-inbox.ngrok.app"}
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("opener", "ngrok", n)
	for _, out := range []string{
		fmt.Sprint(n), fmt.Sprintf("%+v", n), fmt.Sprintf("%#v", n), fmt.Sprintf("%v", &n), logs.String(),
	} {
		if strings.Contains(out, testToken) {
			t.Errorf("authtoken printed: %s", out)
		}
		if !strings.Contains(out, "shop-inbox.ngrok.app") {
			t.Errorf("output %q does not say which domain", out)
		}
	}
}

// TestNgrokOpenFailsWithoutLeakingAuthtoken points the real agent at
// servers on 127.0.0.1 that are not ngrok, since ngrok's cloud cannot be
// reached from the test machine. Open must give up on the first failure,
// say why, and keep the authtoken out of what it says.
func TestNgrokOpenFailsWithoutLeakingAuthtoken(t *testing.T) {
	tests := []struct {
		name   string
		server func(t *testing.T) string // returns host:port
		cancel time.Duration             // cancel ctx after this long; 0: never
		check  func(t *testing.T, err error)
	}{
		{
			name:   "connection refused",
			server: refusingAddr,
			check: func(t *testing.T, err error) {
				if !errors.Is(err, syscall.ECONNREFUSED) {
					t.Errorf("error %q does not wrap ECONNREFUSED", err)
				}
				notCancelled(t, err)
			},
		},
		{
			name:   "server hangs up",
			server: func(t *testing.T) string { return fakeServer(t, func(c net.Conn) { c.Close() }) },
			check: func(t *testing.T, err error) {
				// EOF, a reset or a closed session, depending on timing.
				if !strings.Contains(err.Error(), "authentication request") {
					t.Errorf("error %q does not say authentication failed", err)
				}
				notCancelled(t, err)
			},
		},
		{
			name:   "server never answers, ctx cancelled",
			server: func(t *testing.T) string { return fakeServer(t, func(net.Conn) {}) },
			cancel: 300 * time.Millisecond,
			check: func(t *testing.T, err error) {
				if !errors.Is(err, context.Canceled) {
					t.Errorf("error %q does not say the context ended", err)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs := new(lockedBuffer)
			n := Ngrok{
				Authtoken:  testToken,
				Logger:     slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
				serverAddr: tt.server(t),
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancel > 0 {
				time.AfterFunc(tt.cancel, cancel)
			}
			// Should Open retry instead of giving up, end it anyway, so
			// the test fails on the duration check instead of hanging.
			safety := time.AfterFunc(10*time.Second, cancel)
			defer safety.Stop()

			start := time.Now()
			ep, err := n.Open(ctx)
			if err == nil {
				ep.Close()
				t.Fatal("Open succeeded against a server that is not ngrok")
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("Open took %v to fail; it should give up on the first failure", d)
			}
			if strings.Contains(err.Error(), testToken) {
				t.Errorf("error contains the authtoken: %v", err)
			}
			if strings.Contains(logs.String(), testToken) {
				t.Errorf("agent logs contain the authtoken:\n%s", logs.String())
			}
			t.Logf("Open error: %v", err)
			if tt.check != nil {
				tt.check(t, err)
			}
		})
	}
}

// notCancelled fails if err blames the context Open cancelled itself to
// stop the agent's retries, rather than the failure that made it stop.
func notCancelled(t *testing.T, err error) {
	t.Helper()
	if errors.Is(err, context.Canceled) {
		t.Errorf("error %q blames the context, not the failure", err)
	}
}

// refusingAddr returns a 127.0.0.1 address where nothing listens.
func refusingAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// fakeServer listens on 127.0.0.1 and hands every connection to handle,
// closing whatever is left when the test ends.
func fakeServer(t *testing.T, handle func(net.Conn)) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
		wg    sync.WaitGroup
	)
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			handle(c)
		}
	})
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

// lockedBuffer collects the logs of the agent's goroutines, some of which
// go on for a moment after Open returns.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
