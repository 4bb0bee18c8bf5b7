package tunnel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"
)

// hello answers every request with its path, so a test can tell that the
// handler it passed is the one serving.
var hello = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "hello %s", r.URL.Path)
})

// get fetches url and returns the body of a 200 answer. It keeps no
// connection alive, so a closed server really is unreachable and no idle
// connection outlives a test.
func get(url string) (string, error) {
	c := &http.Client{
		Transport: &http.Transport{DisableKeepAlives: true},
		Timeout:   5 * time.Second,
	}
	resp, err := c.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return string(body), nil
}

func mustServe(t *testing.T, base string) {
	t.Helper()
	body, err := get(base + "/webhooks/facebook")
	if err != nil {
		t.Fatalf("endpoint %s does not serve the handler: %v", base, err)
	}
	if want := "hello /webhooks/facebook"; body != want {
		t.Fatalf("GET %s = %q, want %q", base, body, want)
	}
}

// receive waits for one value from ch, or for ch to close, failing the
// test after a while.
func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(5 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		var zero T
		return zero
	}
}

// settleGoroutines fails the test unless the number of goroutines falls
// back to at most baseline within a couple of seconds.
func settleGoroutines(t *testing.T, baseline int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > baseline {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("goroutines: %d, want at most %d; still running:\n%s",
				runtime.NumGoroutine(), baseline, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// fakeOpener fails its first fails opens, then hands out real loopback
// endpoints (each on a new port, so each has a new URL, as ngrok's random
// URLs do) and passes each to the test on opened so it can drop it.
type fakeOpener struct {
	fails  int
	opened chan Endpoint

	mu    sync.Mutex
	opens int
}

func newFakeOpener(fails int) *fakeOpener {
	return &fakeOpener{fails: fails, opened: make(chan Endpoint, 16)}
}

func (f *fakeOpener) Open(ctx context.Context) (Endpoint, error) {
	f.mu.Lock()
	f.opens++
	n := f.opens
	f.mu.Unlock()
	if n <= f.fails {
		return nil, fmt.Errorf("%w (attempt %d)", errEdge, n)
	}
	ep, err := Loopback{}.Open(ctx)
	if err != nil {
		return nil, err
	}
	f.opened <- ep
	return ep, nil
}

// waits records the backoffs a Supervisor asks for instead of sleeping,
// with the state the supervisor was in at that moment.
type waits struct {
	mu     sync.Mutex
	d      []time.Duration
	states []State
	sup    *Supervisor
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	st := w.sup.State()
	w.mu.Lock()
	defer w.mu.Unlock()
	w.d = append(w.d, d)
	w.states = append(w.states, st)
	return ctx.Err()
}

func (w *waits) get() ([]time.Duration, []State) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...), append([]State(nil), w.states...)
}

// checkJittered fails unless got is within the jitter below base: (0.8·base, base].
func checkJittered(t *testing.T, what string, got, base time.Duration) {
	t.Helper()
	if got > base || got < base-base/5 {
		t.Errorf("%s = %v, want in [%v, %v]", what, got, base-base/5, base)
	}
}

type upCall struct {
	ctx context.Context
	url string
}

// harness runs a Supervisor over a fakeOpener and reports every OnUp and
// OnDown. Its OnUp holds on until its ctx is cancelled, as a slow
// registration with Meta would, and flags overlapping calls.
type harness struct {
	sup    *Supervisor
	opener *fakeOpener
	waits  *waits
	ups    chan upCall
	downs  chan error
	cancel context.CancelFunc
	done   chan struct{} // closed when Run has returned, with its error in err
	err    error

	mu       sync.Mutex
	active   int // OnUp calls under way
	overlaps int
	returned int // OnUp calls that have returned
}

func startHarness(t *testing.T, fails int, lo, hi time.Duration, handler http.Handler) *harness {
	t.Helper()
	h := &harness{
		opener: newFakeOpener(fails),
		waits:  &waits{},
		ups:    make(chan upCall, 16),
		downs:  make(chan error, 16),
		done:   make(chan struct{}),
	}
	h.sup = NewSupervisor(SupervisorOptions{
		Opener:     h.opener,
		Handler:    handler,
		OnUp:       h.onUp,
		OnDown:     func(err error) { h.downs <- err },
		Logger:     testLogger(t),
		MinBackoff: lo,
		MaxBackoff: hi,
		Sleep:      h.waits.sleep,
	})
	h.waits.sup = h.sup
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() {
		defer close(h.done)
		h.err = h.sup.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		h.wait(t)
	})
	return h
}

// wait returns what Run returned, failing the test if it does not return.
func (h *harness) wait(t *testing.T) error {
	t.Helper()
	receive(t, h.done, "Run to return")
	return h.err
}

func (h *harness) onUp(ctx context.Context, url string) {
	h.mu.Lock()
	h.active++
	if h.active > 1 {
		h.overlaps++
	}
	h.mu.Unlock()
	h.ups <- upCall{ctx, url}
	<-ctx.Done()
	h.mu.Lock()
	h.active--
	h.returned++
	h.mu.Unlock()
}

func (h *harness) onUpStats() (overlaps, returned int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.overlaps, h.returned
}

var errEdge = errors.New("edge unreachable")

// openerFunc adapts a function to Opener.
type openerFunc func(context.Context) (Endpoint, error)

func (f openerFunc) Open(ctx context.Context) (Endpoint, error) { return f(ctx) }

// testLogger shows logs only for failing tests and with -v.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}
