package engine

import (
	"context"
	"testing"
	"time"
)

func TestBroadcasterDeliversInOrder(t *testing.T) {
	b := NewBroadcaster()
	ctx, cancel := context.WithCancel(t.Context())
	c1, c2 := b.Subscribe(ctx, 8), b.Subscribe(ctx, 8)
	for _, psid := range []string{"a", "b", "c"} {
		b.Publish(Event{Kind: MessageStored, PSID: psid})
	}
	for _, c := range []<-chan Event{c1, c2} {
		for _, want := range []string{"a", "b", "c"} {
			ev := <-c
			if ev.Kind != MessageStored || ev.PSID != want {
				t.Fatalf("got %v %q, want message-stored %q", ev.Kind, ev.PSID, want)
			}
			if ev.At.IsZero() {
				t.Errorf("event %q has no time", want)
			}
		}
	}
	cancel()
	for _, c := range []<-chan Event{c1, c2} {
		select {
		case ev, ok := <-c:
			if ok {
				t.Fatalf("after cancel: got %v, want a closed channel", ev.Kind)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("channel not closed after its context ended")
		}
	}
	b.Publish(Event{Kind: PageChanged}) // no subscribers left: must not panic on a closed channel
}

func TestBroadcasterSlowSubscriberGetsOneResync(t *testing.T) {
	b := NewBroadcaster()
	slow := b.Subscribe(t.Context(), 2)
	fast := b.Subscribe(t.Context(), 100)
	for i := range 10 {
		b.Publish(Event{Kind: ConversationChanged, PSID: string(rune('a' + i))})
	}
	var got []Event
	for len(slow) > 0 {
		got = append(got, <-slow)
	}
	if len(got) != 3 || got[0].PSID != "a" || got[1].PSID != "b" || got[2].Kind != Resync {
		t.Fatalf("slow subscriber got %v, want a, b, then one resync", kinds(got))
	}
	if len(fast) != 10 {
		t.Errorf("fast subscriber holds %d events, want all 10", len(fast))
	}
	// Once it has caught up, it gets events again.
	b.Publish(Event{Kind: PageChanged, PageID: "p"})
	if ev := <-slow; ev.Kind != PageChanged {
		t.Errorf("after catching up: got %v, want page-changed", ev.Kind)
	}
}

func TestBroadcasterPublishNeverBlocks(t *testing.T) {
	b := NewBroadcaster()
	_ = b.Subscribe(t.Context(), 1) // never read
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 10000 {
			b.Publish(Event{Kind: MessageStored})
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Publish blocked on a subscriber that does not read")
	}
}

func kinds(evs []Event) []string {
	out := make([]string, len(evs))
	for i, ev := range evs {
		out[i] = ev.Kind.String() + ":" + ev.PSID
	}
	return out
}
