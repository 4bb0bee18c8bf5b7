package tunnel

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.ngrok.com/ngrok/v2"
)

// fakeAgent stands in for a connected ngrok agent. Only Disconnect is
// called by the endpoint; the embedded nil interface panics on anything
// else, which would be a bug worth seeing.
type fakeAgent struct {
	ngrok.Agent
	ln *fakeListener

	mu          sync.Mutex
	disconnects int
	order       []string
}

func (a *fakeAgent) Disconnect() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.disconnects++
	a.order = append(a.order, "disconnect")
	return nil
}

// fakeListener is an ngrok endpoint listener whose Accept blocks until it
// is closed, then fails the way the agent library's does.
type fakeListener struct {
	ngrok.EndpointListener
	agent  *fakeAgent
	url    *url.URL
	closed chan struct{}
	once   sync.Once
}

func newFakeNgrok(rawURL string) (*fakeAgent, *fakeListener) {
	u, err := url.Parse(rawURL)
	if err != nil {
		panic(err)
	}
	a := &fakeAgent{}
	l := &fakeListener{agent: a, url: u, closed: make(chan struct{})}
	a.ln = l
	return a, l
}

func (l *fakeListener) Accept() (net.Conn, error) {
	<-l.closed
	return nil, errors.New("failed to accept connection: Listener closed")
}

func (l *fakeListener) Close() error {
	l.once.Do(func() {
		l.agent.mu.Lock()
		l.agent.order = append(l.agent.order, "close listener")
		l.agent.mu.Unlock()
		close(l.closed)
	})
	return nil
}

func (l *fakeListener) URL() *url.URL  { return l.url }
func (l *fakeListener) Addr() net.Addr { return &net.TCPAddr{} }

func (a *fakeAgent) teardownOrder() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.order...)
}

// openFake builds an ngrok endpoint the way Open does, over fakes, and
// returns the agent's event handler so a test can play the agent.
func openFake(ctx context.Context, t *testing.T, rawURL string) (*ngrokEndpoint, ngrok.EventHandler, *fakeAgent) {
	session, end := context.WithCancelCause(ctx)
	agent, ln := newFakeNgrok(rawURL)
	return newNgrokEndpoint(session, end, agent, ln, testLogger(t)), endOnDisconnect(end), agent
}

// acceptErr runs Accept and returns its error, failing if it does not
// return within a few seconds.
func acceptErr(t *testing.T, ep Endpoint) error {
	t.Helper()
	errc := make(chan error, 1)
	go func() {
		_, err := ep.Accept()
		errc <- err
	}()
	return receive(t, errc, "Accept to return")
}

func TestNgrokEndpointEndsWithItsSession(t *testing.T) {
	heartbeat := errors.New("heartbeat timeout")
	tests := []struct {
		name  string
		end   func(ep *ngrokEndpoint, onEvent ngrok.EventHandler, cancel context.CancelFunc)
		check func(t *testing.T, err error)
	}{
		{
			name: "agent reports a disconnect",
			end: func(_ *ngrokEndpoint, onEvent ngrok.EventHandler, _ context.CancelFunc) {
				onEvent(&ngrok.EventAgentDisconnected{Error: fmt.Errorf("session: %w", heartbeat)})
			},
			check: func(t *testing.T, err error) {
				if !errors.Is(err, heartbeat) || !strings.Contains(err.Error(), "session lost") {
					t.Errorf("Accept = %v, want the session lost because of %v", err, heartbeat)
				}
			},
		},
		{
			name: "closed by its owner",
			end: func(ep *ngrokEndpoint, _ ngrok.EventHandler, _ context.CancelFunc) {
				if err := ep.Close(); err != nil {
					t.Errorf("Close = %v", err)
				}
			},
			check: func(t *testing.T, err error) {
				if !errors.Is(err, net.ErrClosed) || strings.Contains(err.Error(), "lost") {
					t.Errorf("Accept = %v, want net.ErrClosed and no talk of a lost session", err)
				}
			},
		},
		{
			name: "its context ends",
			end:  func(_ *ngrokEndpoint, _ ngrok.EventHandler, cancel context.CancelFunc) { cancel() },
			check: func(t *testing.T, err error) {
				if !errors.Is(err, context.Canceled) {
					t.Errorf("Accept = %v, want context.Canceled", err)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			ep, onEvent, agent := openFake(ctx, t, "https://abc123.ngrok-free.app")
			if got := ep.URL(); got != "https://abc123.ngrok-free.app" {
				t.Errorf("URL = %q", got)
			}

			tt.end(ep, onEvent, cancel)
			tt.check(t, acceptErr(t, ep))

			ep.Close() // waits for the teardown, whoever started it
			// Disconnect first: closing the listener of a live session
			// sends an unlisten that could wait on a dead connection.
			if got, want := agent.teardownOrder(), []string{"disconnect", "close listener"}; fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("teardown = %v, want %v", got, want)
			}
		})
	}
}

func TestNgrokEndpointIgnoresOtherEvents(t *testing.T) {
	ep, onEvent, agent := openFake(context.Background(), t, "https://abc123.ngrok-free.app")
	defer ep.Close()

	onEvent(&ngrok.EventAgentConnectSucceeded{})
	onEvent(&ngrok.EventAgentHeartbeatReceived{Latency: time.Millisecond})
	onEvent(&ngrok.EventAgentDisconnected{}) // no error: the agent stopping on request

	accepted := make(chan error, 1)
	go func() {
		_, err := ep.Accept()
		accepted <- err
	}()
	select {
	case err := <-accepted:
		t.Fatalf("Accept returned (%v) after events that are not a disconnect", err)
	case <-time.After(50 * time.Millisecond):
	}
	if got := agent.teardownOrder(); len(got) != 0 {
		t.Errorf("torn down (%v) without a disconnect", got)
	}
	ep.Close()
	receive(t, accepted, "Accept to return after Close")
}

// TestSupervisorReopensNgrokAfterDisconnect plays the agent: each open
// hands out an ngrok endpoint with a new random URL, and a disconnect
// event on the live one must make the supervisor open another and call
// OnUp with its URL.
func TestSupervisorReopensNgrokAfterDisconnect(t *testing.T) {
	type opened struct {
		onEvent ngrok.EventHandler
		agent   *fakeAgent
	}
	opens := make(chan opened, 4)
	var n int
	opener := openerFunc(func(ctx context.Context) (Endpoint, error) {
		n++
		ep, onEvent, agent := openFake(ctx, t, fmt.Sprintf("https://random-%d.ngrok-free.app", n))
		opens <- opened{onEvent, agent}
		return ep, nil
	})
	ups := make(chan string, 4)
	s := NewSupervisor(SupervisorOptions{
		Opener:  opener,
		Handler: hello,
		Logger:  testLogger(t),
		OnUp:    func(_ context.Context, url string) { ups <- url },
		Sleep:   func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()

	if got := receive(t, ups, "first OnUp"); got != "https://random-1.ngrok-free.app" {
		t.Fatalf("first OnUp(%q)", got)
	}
	first := receive(t, opens, "first open")
	first.onEvent(&ngrok.EventAgentDisconnected{Error: errors.New("heartbeat timeout")})

	if got := receive(t, ups, "OnUp after the disconnect"); got != "https://random-2.ngrok-free.app" {
		t.Fatalf("OnUp after the disconnect got %q, want the new URL", got)
	}
	second := receive(t, opens, "second open")
	if st := s.State(); !st.Up || st.URL != "https://random-2.ngrok-free.app" || st.Reconnects != 1 {
		t.Errorf("State = %+v, want up at the new URL after 1 reconnect", st)
	}
	if got := first.agent.teardownOrder(); len(got) != 2 {
		t.Errorf("first agent teardown = %v, want it disconnected and its listener closed", got)
	}

	cancel()
	if err := receive(t, done, "Run to return"); err != nil {
		t.Errorf("Run = %v", err)
	}
	if got := second.agent.teardownOrder(); len(got) != 2 {
		t.Errorf("second agent teardown on shutdown = %v, want it disconnected and its listener closed", got)
	}
}
