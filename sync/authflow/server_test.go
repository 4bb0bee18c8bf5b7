package authflow

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestClose(t *testing.T) {
	s, err := Listen(Options{})
	if err != nil {
		t.Fatal(err)
	}
	before := s.Expect(callbackPath, newState(t), (&recorder{}).callback)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if resp, err := http.Get(s.URL(callbackPath)); err == nil {
		resp.Body.Close()
		t.Errorf("server still answers after Close: status %d", resp.StatusCode)
	}
	after := s.Expect(callbackPath, newState(t), (&recorder{}).callback)
	for name, p := range map[string]*Pending{"open flow": before, "flow expected after Close": after} {
		if _, err := waitFor(t, p); !errors.Is(err, ErrClosed) {
			t.Errorf("%s: Wait error = %v, want ErrClosed", name, err)
		}
	}
}

func TestPortInUse(t *testing.T) {
	held, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	port := held.Addr().(*net.TCPAddr).Port

	s, err := Listen(Options{Addr: held.Addr().String()})
	if err == nil {
		s.Close()
		t.Fatal("Listen on a taken port succeeded")
	}
	if !errors.Is(err, ErrPortInUse) {
		t.Errorf("error %v does not match ErrPortInUse", err)
	}
	for _, text := range []string{err.Error(), UserMessage(err)} {
		if !strings.Contains(text, strconv.Itoa(port)) {
			t.Errorf("%q does not name port %d", text, port)
		}
	}
}

func TestListenAddress(t *testing.T) {
	tests := []struct {
		addr string
		ok   bool
	}{
		{"", true},
		{"127.0.0.1:0", true},
		{"localhost:0", true},
		{":0", true},
		{"0.0.0.0:0", false},
		{"192.168.1.10:0", false},
		{"[::1]:0", false},
		{"example.com:80", false},
		{"127.0.0.1", false},
		{"127.0.0.1:http", false},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			s, err := Listen(Options{Addr: tt.addr})
			if err == nil {
				defer s.Close()
				if !strings.HasPrefix(s.URL("/x"), "http://localhost:") || s.port == 0 {
					t.Errorf("URL = %q", s.URL("/x"))
				}
			}
			if (err == nil) != tt.ok {
				t.Errorf("Listen(%q) error = %v, want ok=%t", tt.addr, err, tt.ok)
			}
			if errors.Is(err, ErrPortInUse) {
				t.Errorf("Listen(%q): bad address reported as port in use", tt.addr)
			}
		})
	}
}

func TestURL(t *testing.T) {
	s, _ := listen(t, Options{})
	want := fmt.Sprintf("http://localhost:%d/shopify/callback", s.port)
	if got := s.URL("/shopify/callback"); got != want {
		t.Errorf("URL = %q, want %q", got, want)
	}
}

func TestHandlerOnAnotherListener(t *testing.T) {
	s, _ := listen(t, Options{})
	tunnel := httptest.NewServer(s.Handler()) // stands in for the ngrok listener
	defer tunnel.Close()

	state := newState(t)
	p := s.Expect(callbackPath, state, (&recorder{outcome: Outcome{Message: "via tunnel"}}).callback)
	r := get(t, tunnel.URL+callbackPath, url.Values{"code": {"code-12345"}, "state": {state}})
	if r.status != http.StatusOK || r.message() != "via tunnel" {
		t.Errorf("page = %d %q", r.status, r.message())
	}
	if out, err := waitFor(t, p); err != nil || out.Message != "via tunnel" {
		t.Errorf("Wait = %+v, %v", out, err)
	}
	// The flow is shared: the loopback listener now sees it as used.
	if r := get(t, s.URL(callbackPath), url.Values{"state": {state}}); r.status != http.StatusConflict {
		t.Errorf("replay on loopback: status %d, want 409", r.status)
	}
}

func TestRoutesAndMethods(t *testing.T) {
	s, _ := listen(t, Options{})
	rec := &recorder{}
	state := newState(t)
	p := s.Expect(callbackPath, state, rec.callback)
	withState := s.URL(callbackPath) + "?state=" + state

	tests := []struct {
		name, method, url string
		wantStatus        int
		wantAllow         string
	}{
		{"unknown path", http.MethodGet, s.URL("/other") + "?state=" + state, http.StatusNotFound, ""},
		{"root", http.MethodGet, s.URL("/"), http.StatusNotFound, ""},
		{"POST", http.MethodPost, withState, http.StatusMethodNotAllowed, "GET, HEAD"},
		{"PUT", http.MethodPut, withState, http.StatusMethodNotAllowed, "GET, HEAD"},
		{"HEAD does not consume the state", http.MethodHead, withState, http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, tt.method, tt.url)
			checkHeaders(t, r)
			if r.status != tt.wantStatus {
				t.Errorf("status %d, want %d", r.status, tt.wantStatus)
			}
			if got := r.header.Get("Allow"); got != tt.wantAllow {
				t.Errorf("Allow = %q, want %q", got, tt.wantAllow)
			}
			if strings.Contains(r.body, state) {
				t.Error("page echoes the state")
			}
		})
	}
	if isDone(p) || len(rec.calls()) != 0 {
		t.Fatal("a request other than GET on the callback path touched the flow")
	}
	if r := do(t, http.MethodGet, withState); r.status != http.StatusOK {
		t.Errorf("GET after the others: status %d", r.status)
	}
	waitFor(t, p)
}

func TestCloseIgnoresIdleConnections(t *testing.T) {
	s, err := Listen(Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Browsers open connections before they need them; one that never
	// sends a request must not hold Close up.
	conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", s.port))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	start := time.Now()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if elapsed := time.Since(start); elapsed > closeGrace/2 {
		t.Errorf("Close took %v with an idle connection open", elapsed)
	}
}

func TestCloseLetsPageFinish(t *testing.T) {
	s, err := Listen(Options{})
	if err != nil {
		t.Fatal(err)
	}
	state := newState(t)
	started := make(chan struct{})
	p := s.Expect(callbackPath, state, func(ctx context.Context, _ url.Values) (Outcome, error) {
		close(started)
		<-ctx.Done()
		time.Sleep(50 * time.Millisecond) // still working when Close starts dropping connections
		return Outcome{}, ctx.Err()
	})

	page := make(chan response, 1)
	go func() {
		r, err := fetch(t.Context(), http.MethodGet, s.URL(callbackPath)+"?state="+state)
		if err != nil {
			t.Errorf("callback request cut off by Close: %v", err)
		}
		page <- r
	}()
	<-started
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	r := <-page
	if r.status != http.StatusGone || r.message() != msgAbandoned || !strings.HasSuffix(r.body, "</html>\n") {
		t.Errorf("page = %d %q (complete: %t), want 410 %q", r.status, r.message(), strings.HasSuffix(r.body, "</html>\n"), msgAbandoned)
	}
	if _, err := waitFor(t, p); !errors.Is(err, ErrClosed) {
		t.Errorf("Wait error = %v, want ErrClosed", err)
	}
}
