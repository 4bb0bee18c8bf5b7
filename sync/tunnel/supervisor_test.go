package tunnel

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestSupervisorBacksOffUntilOpenSucceeds(t *testing.T) {
	tests := []struct {
		name      string
		fails     int
		lo, hi    time.Duration
		wantBases []time.Duration
	}{
		{"first open succeeds", 0, time.Second, time.Minute, nil},
		{"doubles from the minimum", 3, time.Second, time.Minute,
			[]time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
		{"capped at the maximum", 6, time.Second, 8 * time.Second,
			[]time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second, 8 * time.Second}},
		{"cap between two doublings", 4, 100 * time.Millisecond, 250 * time.Millisecond,
			[]time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 250 * time.Millisecond, 250 * time.Millisecond}},
		{"defaults: 1s to 1 minute", 8, 0, 0,
			[]time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 32 * time.Second, time.Minute, time.Minute}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := startHarness(t, tt.fails, tt.lo, tt.hi, hello)
			up := receive(t, h.ups, "OnUp")

			ep := receive(t, h.opener.opened, "an endpoint")
			if up.url != ep.URL() {
				t.Errorf("OnUp url = %q, want the endpoint's %q", up.url, ep.URL())
			}
			mustServe(t, up.url)

			got, _ := h.waits.get()
			if len(got) != len(tt.wantBases) {
				t.Fatalf("waits = %v, want %d of them (about %v)", got, len(tt.wantBases), tt.wantBases)
			}
			for i, base := range tt.wantBases {
				checkJittered(t, fmt.Sprintf("wait %d", i+1), got[i], base)
				if i > 0 && base > tt.wantBases[i-1] && got[i] <= got[i-1] {
					t.Errorf("wait %d = %v, not longer than the one before (%v)", i+1, got[i], got[i-1])
				}
			}
			for i := range tt.fails {
				if err := receive(t, h.downs, "OnDown"); !strings.Contains(err.Error(), "edge unreachable") {
					t.Errorf("OnDown #%d got %v, want the open error", i+1, err)
				}
			}
		})
	}
}

func TestSupervisorReconnectsAfterDrop(t *testing.T) {
	const fails = 2
	before := time.Now()
	h := startHarness(t, fails, time.Second, time.Hour, hello)

	first := receive(t, h.ups, "first OnUp")
	ep1 := receive(t, h.opener.opened, "first endpoint")
	mustServe(t, first.url)
	st := h.sup.State()
	if !st.Up || st.URL != first.url || st.LastError != "" || st.Reconnects != 0 || st.Since.Before(before) {
		t.Errorf("State when up = %+v, want Up at %s since after %v, no error, 0 reconnects", st, first.url, before)
	}
	_, states := h.waits.get()
	for i, st := range states {
		if st.Up || st.URL != "" || !strings.Contains(st.LastError, "edge unreachable") {
			t.Errorf("State during wait %d = %+v, want down with the open error", i+1, st)
		}
	}

	// Drop the endpoint, as a lost ngrok session does.
	if err := ep1.Close(); err != nil {
		t.Fatal(err)
	}
	down := receive(t, h.downs, "OnDown after the drop")
	for errors.Is(down, errEdge) { // the failed opens before the first up
		down = receive(t, h.downs, "OnDown after the drop")
	}
	if !errors.Is(down, net.ErrClosed) || !strings.Contains(down.Error(), first.url) {
		t.Errorf("OnDown(%v), want the drop of %s wrapping net.ErrClosed", down, first.url)
	}
	select {
	case <-first.ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("first OnUp's ctx not cancelled after its endpoint dropped")
	}

	second := receive(t, h.ups, "OnUp after the reconnect")
	if second.url == first.url {
		t.Fatalf("reconnected at the same URL %s; the fake hands out a new port each time", first.url)
	}
	mustServe(t, second.url)
	if _, err := get(first.url + "/"); err == nil {
		t.Errorf("dropped endpoint %s still answers", first.url)
	}
	st = h.sup.State()
	if !st.Up || st.URL != second.url || st.Reconnects != 1 || st.LastError != "" {
		t.Errorf("State after reconnect = %+v, want Up at %s with 1 reconnect", st, second.url)
	}
	waits, states := h.waits.get()
	if len(waits) != fails+1 {
		t.Fatalf("waits = %v, want %d", waits, fails+1)
	}
	// A connection that did not outlive MaxBackoff was a flap: the backoff
	// goes on growing instead of starting over.
	checkJittered(t, "wait after the drop", waits[fails], 4*time.Second)
	if last := states[fails]; last.Up || !strings.Contains(last.LastError, "dropped") {
		t.Errorf("State while waiting to reconnect = %+v, want down with the drop", last)
	}
	if overlaps, returned := h.onUpStats(); overlaps != 0 || returned != 1 {
		t.Errorf("OnUp: %d overlapping calls, %d returned; want 0 and 1", overlaps, returned)
	}
}

func TestSupervisorBackoffStartsOverAfterStableConnection(t *testing.T) {
	tests := []struct {
		name     string
		hi       time.Duration
		hold     time.Duration // how long the endpoint stays up before it drops
		wantBase time.Duration // wait after the drop
	}{
		// lo is 1ms and two opens failed first (waits of 1ms and 2ms).
		{"flap keeps growing", time.Hour, 0, 4 * time.Millisecond},
		{"stable connection resets", 5 * time.Millisecond, 50 * time.Millisecond, time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := startHarness(t, 2, time.Millisecond, tt.hi, hello)
			receive(t, h.ups, "OnUp")
			ep := receive(t, h.opener.opened, "endpoint")
			time.Sleep(tt.hold)
			ep.Close()
			receive(t, h.ups, "OnUp after the drop")

			waits, _ := h.waits.get()
			if len(waits) != 3 {
				t.Fatalf("waits = %v, want 3", waits)
			}
			checkJittered(t, "wait after the drop", waits[2], tt.wantBase)
		})
	}
}

func TestSupervisorShutdown(t *testing.T) {
	baseline := runtime.NumGoroutine()

	entered, release := make(chan struct{}), make(chan struct{})
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(entered)
			<-release
		}
		hello(w, r)
	})
	h := startHarness(t, 0, time.Second, time.Minute, handler)
	up := receive(t, h.ups, "OnUp")
	mustServe(t, up.url)

	// A webhook under way when the app quits must still be answered:
	// Meta treats an unanswered delivery as lost.
	slow := make(chan error, 1)
	go func() {
		_, err := get(up.url + "/slow")
		slow <- err
	}()
	receive(t, entered, "the slow request to reach the handler")

	h.cancel()
	select {
	case <-up.ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("OnUp's ctx not cancelled on shutdown")
	}
	select {
	case <-h.done:
		t.Fatalf("Run returned (%v) while a request was under way", h.err)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	if err := receive(t, slow, "the slow request"); err != nil {
		t.Errorf("request under way at shutdown failed: %v", err)
	}

	start := time.Now()
	if err := h.wait(t); err != nil {
		t.Errorf("Run = %v, want nil", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Run took %v to return after the last request", d)
	}

	if _, err := get(up.url + "/"); err == nil {
		t.Error("server still answers after Run returned")
	}
	select {
	case err := <-h.downs:
		t.Errorf("OnDown(%v) on shutdown: quitting is not an outage", err)
	default:
	}
	if _, returned := h.onUpStats(); returned != 1 {
		t.Errorf("%d OnUp calls returned before Run did, want 1", returned)
	}
	if st := h.sup.State(); st.Up || st.URL != "" || st.LastError != "" {
		t.Errorf("State after Run = %+v, want down with no error", st)
	}
	settleGoroutines(t, baseline)
}

func TestSupervisorShutdownWhileRetrying(t *testing.T) {
	baseline := runtime.NumGoroutine()
	// Never opens: Run spends its time waiting to retry, with real timers.
	s := NewSupervisor(SupervisorOptions{
		Opener:     openerFunc(func(context.Context) (Endpoint, error) { return nil, errEdge }),
		Handler:    hello,
		Logger:     testLogger(t),
		MinBackoff: time.Hour,
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	for deadline := time.Now().Add(5 * time.Second); s.State().LastError == ""; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("Run never tried to open")
		}
	}
	cancel()
	if err := receive(t, done, "Run to return"); err != nil {
		t.Errorf("Run = %v, want nil", err)
	}
	settleGoroutines(t, baseline)
}

func TestSupervisorStopsOnConfigError(t *testing.T) {
	const token = "2abcSECRETtoken_xyz"
	tests := []struct {
		name   string
		opener Ngrok
		want   error
	}{
		{"no authtoken", Ngrok{Domain: "shop-inbox.ngrok.app"}, ErrNoAuthtoken},
		{"domain with a path", Ngrok{Authtoken: token, Domain: "shop-inbox.ngrok.app/webhooks"}, errBadDomain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var slept []time.Duration
			s := NewSupervisor(SupervisorOptions{
				Opener:  tt.opener,
				Handler: hello,
				Logger:  testLogger(t),
				Sleep: func(_ context.Context, d time.Duration) error {
					slept = append(slept, d)
					return nil
				},
			})
			err := s.Run(context.Background())
			if !errors.Is(err, tt.want) {
				t.Fatalf("Run = %v, want %v", err, tt.want)
			}
			if len(slept) != 0 {
				t.Errorf("retried (waits %v) an error no retry can fix", slept)
			}
			if st := s.State(); st.Up || st.LastError == "" {
				t.Errorf("State = %+v, want down with the error", st)
			}
			if strings.Contains(err.Error(), token) || strings.Contains(s.State().LastError, token) {
				t.Errorf("authtoken leaked: %v", err)
			}
		})
	}
}

func TestSupervisorRunIsNotReentrant(t *testing.T) {
	h := startHarness(t, 0, time.Second, time.Minute, hello)
	receive(t, h.ups, "OnUp")
	if err := h.sup.Run(context.Background()); err == nil {
		t.Fatal("second concurrent Run returned nil, want an error")
	}
	if !h.sup.State().Up {
		t.Error("second Run disturbed the first")
	}
}
