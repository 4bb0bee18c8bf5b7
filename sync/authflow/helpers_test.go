package authflow

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// callbackPath is where the tests' provider redirects.
const callbackPath = "/facebook/callback"

// syncBuffer collects log output written from server goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// listen starts a Server that is closed when the test ends. Its log is
// returned so tests can check what was (not) written to it.
func listen(t *testing.T, o Options) (*Server, *syncBuffer) {
	t.Helper()
	logs := new(syncBuffer)
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.MultiWriter(logs, t.Output()), &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	s, err := Listen(o)
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s, logs
}

// recorder is a Callback that counts its calls and answers as told.
type recorder struct {
	mu      sync.Mutex
	queries []url.Values
	outcome Outcome
	err     error
}

func (r *recorder) callback(ctx context.Context, query url.Values) (Outcome, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.queries = append(r.queries, query)
	return r.outcome, r.err
}

func (r *recorder) calls() []url.Values {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]url.Values(nil), r.queries...)
}

type response struct {
	status int
	header http.Header
	body   string
}

// title and message are the page's h1 and first paragraph.
func (r response) title() string   { return between(r.body, "<h1>", "</h1>") }
func (r response) message() string { return between(r.body, "</h1>\n<p>", "</p>") }

func between(s, start, end string) string {
	_, s, _ = strings.Cut(s, start)
	s, _, _ = strings.Cut(s, end)
	return s
}

// do sends one request; it fails the test, so call it from the test's own
// goroutine (fetch is for the others).
func do(t *testing.T, method, rawURL string) response {
	t.Helper()
	r, err := fetch(t.Context(), method, rawURL)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func fetch(ctx context.Context, method, rawURL string) (response, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, rawURL, nil)
	if err != nil {
		return response{}, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, fmt.Errorf("%s %s: read body: %w", method, rawURL, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(body)}, nil
}

// get requests base with query and checks what every answer must satisfy:
// the security headers, and no trace of the code or state in the page.
func get(t *testing.T, base string, query url.Values) response {
	t.Helper()
	r := do(t, http.MethodGet, base+"?"+query.Encode())
	checkHeaders(t, r)
	for _, key := range []string{"code", "state"} {
		for _, v := range query[key] {
			if v != "" && strings.Contains(r.body, v) {
				t.Errorf("page echoes the %s", key)
			}
		}
	}
	return r
}

func checkHeaders(t *testing.T, r response) {
	t.Helper()
	want := map[string]string{
		"Content-Type":           "text/html; charset=utf-8",
		"Cache-Control":          "no-store",
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "no-referrer",
	}
	for k, v := range want {
		if got := r.header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	csp := r.header.Get("Content-Security-Policy")
	for _, directive := range []string{"default-src 'none'", "style-src 'unsafe-inline'"} {
		if !strings.Contains(csp, directive) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, directive)
		}
	}
}

func newState(t *testing.T) string {
	t.Helper()
	s, err := NewState()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// waitFor waits for p with a deadline so a broken flow fails the test
// instead of hanging it.
func waitFor(t *testing.T, p *Pending) (Outcome, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	out, err := p.Wait(ctx)
	if ctx.Err() != nil {
		t.Fatalf("flow did not end: %v", err)
	}
	return out, err
}

// isDone reports whether p ended, without waiting.
func isDone(p *Pending) bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}
