package engine

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// A poll waits for the one under way instead of running beside it.
func TestPollWaitsForThePollUnderWay(t *testing.T) {
	e := New(Options{})
	e.polling <- struct{}{} // the scheduler's poll is running
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := e.pollAll(ctx, &parts{}) // no poller, no store: running would panic
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("pollAll returned (%v) while another poll held the token", err)
	case <-time.After(100 * time.Millisecond):
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("pollAll while another poll runs: %v, want it to wait until cancelled", err)
	}
}

func TestCheckListen(t *testing.T) {
	for _, tc := range []struct {
		addr   string
		public bool
		ok     bool
	}{
		{"127.0.0.1:8765", false, true},
		{"127.0.0.1:0", false, true},
		{"[::1]:8765", false, true},
		{"localhost:8765", false, true},
		{"0.0.0.0:8765", false, false},
		{":8765", false, false}, // every interface
		{"192.168.1.10:8765", false, false},
		{"0.0.0.0:8765", true, true},
		{"no-port", false, false},
	} {
		err := CheckListen(tc.addr, tc.public)
		if (err == nil) != tc.ok {
			t.Errorf("CheckListen(%q, %v) = %v, want ok=%v", tc.addr, tc.public, err, tc.ok)
		}
	}
}

func TestMarkReadAnnouncesOnlyAChange(t *testing.T) {
	f := newFixture(t)
	in := store.Message{ID: "m_1", PageID: "100", PSID: "9001", Direction: store.Incoming, CreatedAt: t0, Text: "hi"}
	if _, err := f.st.Apply(t.Context(), store.Changes{Messages: []store.Message{in}}); err != nil {
		t.Fatal(err)
	}
	e := New(Options{Store: f.st})
	events := e.Subscribe(t.Context(), 10)
	for range 2 { // the second is a no-op: already read
		if err := e.MarkRead(t.Context(), "100", "9001"); err != nil {
			t.Fatal(err)
		}
	}
	c, err := f.st.Conversation(t.Context(), "100", "9001")
	if err != nil || c.UnreadCount != 0 {
		t.Fatalf("after MarkRead: unread %d, %v", c.UnreadCount, err)
	}
	if n := len(events); n != 1 {
		t.Fatalf("%d events, want one conversation-changed", n)
	}
	if ev := <-events; ev.Kind != ConversationChanged || ev.PSID != "9001" {
		t.Errorf("event %+v, want conversation-changed for 9001", ev)
	}
}

func TestPollReportSentenceNamesPagesInPlainWords(t *testing.T) {
	rep := PollReport{Facebook: Report{Pages: []PageReport{
		{PageID: "101", Name: "Boutique Lila", Err: fmt.Errorf("poll: %w", ErrNeedsLogin)},
		{PageID: "102", Name: "Café Olé"},
		{PageID: "103", Err: ErrNoToken},
	}}}
	got := rep.sentence(nil)
	want := "Boutique Lila: " + ErrNeedsLogin.(interface{ UserMessage() string }).UserMessage() + "; page 103: no page token in the keychain"
	if got != want {
		t.Errorf("sentence:\n got %q\nwant %q", got, want)
	}
	if got := (PollReport{}).sentence(nil); got != "" {
		t.Errorf("nothing failed: %q, want empty", got)
	}
}

func TestTheCallbackIsServedOnlyOnLoopback(t *testing.T) {
	hooks, all := http.NewServeMux(), http.NewServeMux()
	for _, tc := range []struct {
		addr net.Addr
		want http.Handler
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8765}, all},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 8765}, all},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 8765}, hooks},
		{&net.TCPAddr{IP: net.IPv4(192, 168, 1, 10), Port: 8765}, hooks},
	} {
		if got := localRoutes(tc.addr, hooks, all); got != tc.want {
			t.Errorf("on %v: the %s routes, want the other", tc.addr, map[bool]string{true: "webhook-only", false: "full"}[got == hooks])
		}
	}
}
