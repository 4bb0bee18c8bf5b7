package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"testing"
	"time"
)

// checkUnread recomputes every conversation's unread count from its
// messages and read marker, the definition the incremental count must
// always agree with.
func checkUnread(t testing.TB, s *Store) {
	t.Helper()
	err := s.view(func(b buckets) error {
		return b.convs.ForEach(func(k, v []byte) error {
			var c Conversation
			if err := decode(k, v, &c); err != nil {
				return err
			}
			prefix, seen := msgPrefix(c.PageID, c.PSID), seenKey(&c)
			want := 0
			mc := b.msgs.Cursor()
			for mk, mv := mc.Seek(prefix); mk != nil && bytes.HasPrefix(mk, prefix); mk, mv = mc.Next() {
				var m Message
				if err := decode(mk, mv, &m); err != nil {
					return err
				}
				if m.Direction == Incoming && bytes.Compare(mk, seen) > 0 {
					want++
				}
			}
			if c.UnreadCount != want {
				t.Errorf("%s/%s: UnreadCount %d, but %d incoming messages follow the marker %q", c.PageID, c.PSID, c.UnreadCount, want, c.SeenID)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func unreadOf(t testing.TB, s *Store, psid string) int {
	t.Helper()
	c, err := s.Conversation(context.Background(), "p", psid)
	if err != nil {
		t.Fatal(err)
	}
	return c.UnreadCount
}

// reopen closes s and opens its file again.
func reopen(t testing.TB, s *Store) *Store {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(s.Path(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s2.Close() })
	return s2
}

// TestUnreadSameWhicheverSourceFirst replays one conversation's story in
// every order webhooks and polls can bring it: three messages of history
// (Graph counts the last one unread), then w1 live by webhook, and checks
// the count after each order, redelivery and restart.
func TestUnreadSameWhicheverSourceFirst(t *testing.T) {
	msg := func(id string, dir Direction, at time.Time) Message {
		return Message{ID: id, PageID: "p", PSID: "u", Direction: dir, CreatedAt: at, Text: id}
	}
	h1 := msg("h1", Incoming, t0)
	h2 := msg("h2", Outgoing, t0.Add(time.Minute))
	h3 := msg("h3", Incoming, t0.Add(2*time.Minute))
	w1At := t0.Add(time.Hour + 250*time.Millisecond) // webhooks carry milliseconds
	webhook := Changes{Messages: []Message{msg("w1", Incoming, w1At)}}
	poll := func(at time.Time, graphUnread int, msgs ...Message) Changes {
		return Changes{Conversations: []Conversation{{PageID: "p", PSID: "u", ID: "t_u", UpdatedAt: at, UnreadCount: graphUnread}}, Messages: msgs}
	}
	// Graph read before w1 arrived: h3 unread.
	pollBefore := poll(h3.CreatedAt, 1, h3, h2, h1)
	// Graph read after w1 (in whole seconds): h3 and w1 unread.
	pollAfter := poll(w1At.Truncate(time.Second), 2, msg("w1", Incoming, w1At.Truncate(time.Second)), h3, h2, h1)
	// The merchant had read everything in Meta's inbox before w1.
	pollReadBefore := poll(h3.CreatedAt, 0, h3, h2, h1)

	for _, tc := range []struct {
		name  string
		steps []Changes
		want  int
	}{
		{"webhook then poll", []Changes{webhook, pollAfter}, 2},
		{"poll then webhook", []Changes{pollBefore, webhook}, 2},
		{"webhook then a poll that read Graph before it", []Changes{webhook, pollBefore}, 2},
		{"poll that saw it, then its webhook", []Changes{pollAfter, webhook}, 2},
		{"redelivered webhook and repeated polls", []Changes{webhook, webhook, pollAfter, webhook, pollAfter, pollBefore}, 2},
		{"read in Meta's inbox, webhook then poll", []Changes{webhook, pollReadBefore}, 1},
		{"read in Meta's inbox, poll then webhook", []Changes{pollReadBefore, webhook, webhook}, 1},
		{"webhooks only", []Changes{webhook, {Messages: []Message{h3}}, webhook}, 2},
		// A copy without the Graph id (a name looked up on its own) is
		// not a poll's: its count, 0 here, places no marker.
		{"name lookup, then webhook", []Changes{{Messages: []Message{h3}}, {Conversations: []Conversation{{PageID: "p", PSID: "u", CustomerName: "Ann"}}}, webhook}, 2},
		{"name lookup, then poll", []Changes{webhook, {Conversations: []Conversation{{PageID: "p", PSID: "u", CustomerName: "Ann"}}}, pollReadBefore}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, restart := range []bool{false, true} {
				s := openTemp(t)
				for _, ch := range tc.steps {
					apply(t, s, ch)
					if restart {
						s = reopen(t, s)
					}
				}
				if got := unreadOf(t, s, "u"); got != tc.want {
					t.Errorf("restart=%v: UnreadCount = %d, want %d", restart, got, tc.want)
				}
				checkUnread(t, s)
			}
		})
	}
}

func TestUnreadDirectionLearntLater(t *testing.T) {
	s := openTemp(t)
	apply(t, s, Changes{Messages: []Message{{ID: "m", PageID: "p", PSID: "u", CreatedAt: t0, Text: "?"}}})
	if n := unreadOf(t, s, "u"); n != 0 {
		t.Fatalf("message of unknown direction counted: %d", n)
	}
	for range 2 {
		apply(t, s, Changes{Messages: []Message{{ID: "m", PageID: "p", PSID: "u", Direction: Incoming, CreatedAt: t0}}})
		if n := unreadOf(t, s, "u"); n != 1 {
			t.Errorf("after its direction is known: %d unread, want 1", n)
		}
	}
	checkUnread(t, s)
}

func TestMarkRead(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	in := func(id string, minutes int) Changes {
		return Changes{Messages: []Message{{ID: id, PageID: "p", PSID: "u", Direction: Incoming, CreatedAt: t0.Add(time.Duration(minutes) * time.Minute), Text: id}}}
	}
	out := func(id string, minutes int) Changes {
		ch := in(id, minutes)
		ch.Messages[0].Direction = Outgoing
		return ch
	}
	markRead := func(psid string) func(t *testing.T, s *Store) bool {
		return func(t *testing.T, s *Store) bool {
			changed, err := s.MarkRead(ctx, "p", psid)
			if err != nil {
				t.Fatal(err)
			}
			return changed
		}
	}
	steps := []struct {
		name    string
		ch      Changes
		mark    bool
		changed bool
		want    int
	}{
		{"three incoming", Changes{Messages: append(append(in("a", 1).Messages, in("b", 2).Messages...), in("c", 3).Messages...)}, false, false, 3},
		{"mark read", Changes{}, true, true, 0},
		{"mark read again", Changes{}, true, false, 0},
		{"new incoming", in("d", 4), false, false, 1},
		{"merchant answers elsewhere", out("e", 5), false, false, 1},
		{"mark read", Changes{}, true, true, 0},
		{"older history by a poll", in("old", -60), false, false, 0},
		{"a first poll import says 5 unread", Changes{Conversations: []Conversation{{PageID: "p", PSID: "u", ID: "t_u", UpdatedAt: t0.Add(5 * time.Minute), UnreadCount: 5}}}, false, false, 0},
		{"outgoing after the marker", out("f", 6), false, false, 0},
		{"mark read moves past it", Changes{}, true, true, 0},
		{"nothing left to mark", Changes{}, true, false, 0},
	}
	for _, st := range steps {
		apply(t, s, st.ch)
		if st.mark {
			before := dump(t, s)
			changed := markRead("u")(t, s)
			if changed != st.changed {
				t.Errorf("%s: MarkRead changed = %v, want %v", st.name, changed, st.changed)
			}
			if after := dump(t, s); !changed && !maps.Equal(before, after) {
				t.Errorf("%s: a MarkRead that changed nothing wrote to the file", st.name)
			}
		}
		if got := unreadOf(t, s, "u"); got != st.want {
			t.Errorf("%s: UnreadCount = %d, want %d", st.name, got, st.want)
		}
		checkUnread(t, s)
	}
	c, err := s.Conversation(ctx, "p", "u")
	if err != nil || c.SeenID != "f" || !c.SeenAt.Equal(t0.Add(6*time.Minute)) {
		t.Errorf("marker = %q at %v (%v), want the newest message f", c.SeenID, c.SeenAt, err)
	}

	apply(t, s, Changes{Conversations: []Conversation{{PageID: "p", PSID: "empty"}}})
	if changed := markRead("empty")(t, s); changed {
		t.Error("MarkRead of a conversation without messages changed something")
	}
	if _, err := s.MarkRead(ctx, "p", "nobody"); !errors.Is(err, ErrNotFound) {
		t.Errorf("MarkRead(unknown) err = %v, want ErrNotFound", err)
	}
	if _, err := s.Conversation(ctx, "p", "nobody"); !errors.Is(err, ErrNotFound) {
		t.Error("MarkRead of an unknown conversation created it")
	}
}

// TestUnreadSurvivesRestart: markers and counts are in the file, and the
// count goes on from them after a restart.
func TestUnreadSurvivesRestart(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	for i := range 4 {
		apply(t, s, Changes{Messages: []Message{
			{ID: fmt.Sprint("a", i), PageID: "p", PSID: "a", Direction: Incoming, CreatedAt: t0.Add(time.Duration(i) * time.Second)},
			{ID: fmt.Sprint("b", i), PageID: "p", PSID: "b", Direction: Incoming, CreatedAt: t0.Add(time.Duration(i) * time.Second)},
		}})
	}
	if _, err := s.MarkRead(ctx, "p", "a"); err != nil {
		t.Fatal(err)
	}
	s = reopen(t, s)
	if a, b := unreadOf(t, s, "a"), unreadOf(t, s, "b"); a != 0 || b != 4 {
		t.Errorf("after restart: a %d, b %d unread; want 0 and 4", a, b)
	}
	apply(t, s, Changes{Messages: []Message{{ID: "a9", PageID: "p", PSID: "a", Direction: Incoming, CreatedAt: t0.Add(time.Minute)}}})
	if changed, err := s.MarkRead(ctx, "p", "b"); err != nil || !changed {
		t.Fatalf("MarkRead(b) = %v, %v", changed, err)
	}
	s = reopen(t, s)
	if a, b := unreadOf(t, s, "a"), unreadOf(t, s, "b"); a != 1 || b != 0 {
		t.Errorf("after second restart: a %d, b %d unread; want 1 and 0", a, b)
	}
	checkUnread(t, s)
}
